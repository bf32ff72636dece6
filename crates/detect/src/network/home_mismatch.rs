//! D4: sign-ins persistently away from the claimed home.
//!
//! Per subject and UTC day, successful located sign-ins are tallied as at home or away
//! (another country; or, when both regions are known, another region of the same
//! country). A day counts as away when most of its sign-ins were. The finding needs both
//! a share of away days over the threshold *and* a minimum number of away days, so a
//! week's business trip is not "persistent". A region-only mismatch weighs less, since
//! IP geolocation of regions is coarse. VPN, proxy, Tor and hosting exits are ignored
//! here (their place is not the person's; D1 reports them), as is corporate egress.
//! Sign-ins before a recorded change of address (people.csv `address_changed_at`) are
//! not judged: the claimed home then was another, which the records do not hold.
//!
//! A sign-in from the DPRK's own address space (its AS or its block, as IP intelligence
//! defines it in `bonafide_intel::ip::dprk`) is the one place that needs no persistence:
//! any such sign-in fires D4 at `dprk_bits`, whatever the claimed home, and whatever a
//! list calls the range (a server in Pyongyang is in Pyongyang). That network is reached
//! from inside the country or by relaying through it. It is the network location of the
//! connection, behaviour, not anyone's nationality. Corporate egress is still left out:
//! the organisation has said what those ranges are.

use std::sync::Arc;

use bonafide_core::{CountryCode, Event, Finding, Region, UtcMs};
use bonafide_intel::ip::dprk::{DprkSpace, dprk_space};

use super::{PerSubject, observation, percent};
use crate::evidence::Sample;
use crate::{Context, Detector, Findings};

/// One active day of a subject: twelve bytes, kept in a vector sorted by day, so memory
/// is a few bytes per subject and active day whatever the number of events.
#[derive(Debug, Default, Clone, Copy)]
struct Day {
    day: i32,
    total: u16,
    away_country: u16,
    away_region: u16,
}

impl Day {
    fn away_country_day(&self) -> bool {
        u32::from(self.away_country) * 2 > u32::from(self.total)
    }

    fn away_region_day(&self) -> bool {
        (u32::from(self.away_country) + u32::from(self.away_region)) * 2 > u32::from(self.total)
    }
}

#[derive(Debug, Default)]
struct Tally {
    /// Sorted by day.
    days: Vec<Day>,
    countries: Vec<(CountryCode, u64)>,
    regions: Vec<(Region, u64)>,
    sample_country: Sample,
    sample_region: Sample,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
    /// Sign-ins from the DPRK's address space, when there were any.
    dprk: Option<Box<Dprk>>,
}

#[derive(Debug)]
struct Dprk {
    /// Why the first such sign-in was DPRK space, and the AS organisation it named.
    space: DprkSpace,
    as_org: Option<Arc<str>>,
    sample: Sample,
    first: UtcMs,
    last: UtcMs,
}

#[derive(Debug, Default)]
pub struct HomeMismatch {
    tallies: PerSubject<Tally>,
}

fn bump<T: PartialEq + Clone>(v: &mut Vec<(T, u64)>, key: &T) {
    if let Some((_, n)) = v.iter_mut().find(|(k, _)| k == key) {
        *n += 1;
    } else if v.len() < 32 {
        v.push((key.clone(), 1));
    }
}

impl Detector for HomeMismatch {
    fn name(&self) -> &'static str {
        "home-mismatch"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D4"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else {
            return;
        };
        let cfg = &cx.config.d4;
        if net.corporate {
            return;
        }
        if let Some(space) = dprk_space(net.ip, net.asn) {
            let t = self.tallies.get_mut(subject);
            let d = t.dprk.get_or_insert_with(|| {
                Box::new(Dprk { space, as_org: net.as_org.clone(), sample: Sample::default(), first: e.at, last: e.at })
            });
            d.sample.add(e);
            d.first = d.first.min(e.at);
            d.last = d.last.max(e.at);
        }
        if cfg.exclude_kinds.contains(&net.kind) {
            return;
        }
        let Some(person) = cx.subject(subject) else {
            return;
        };
        if person.address_changed_at.is_some_and(|moved| e.at < moved) {
            return;
        }
        let home = &person.home;
        let (Some(home_country), Some(seen_country)) = (home.country, net.place.country) else {
            return;
        };
        let away_country = seen_country != home_country;
        let away_region = !away_country
            && cfg.compare_region
            && matches!((&home.region, &net.place.region), (Some(h), Some(s)) if h != s);
        let t = self.tallies.get_mut(subject);
        let day = e.at.day() as i32;
        // Logs are mostly in time order: the day is usually the last one or a new one.
        let i = match t.days.last() {
            Some(last) if last.day == day => t.days.len() - 1,
            Some(last) if last.day < day => {
                t.days.push(Day { day, ..Default::default() });
                t.days.len() - 1
            }
            _ => match t.days.binary_search_by_key(&day, |d| d.day) {
                Ok(i) => i,
                Err(i) => {
                    t.days.insert(i, Day { day, ..Default::default() });
                    i
                }
            },
        };
        let d = &mut t.days[i];
        // Counts saturate together: 65,535 sign-ins in a day settle the day's verdict.
        if d.total == u16::MAX {
            return;
        }
        d.total += 1;
        if away_country {
            d.away_country = d.away_country.saturating_add(1);
            bump(&mut t.countries, &seen_country);
            t.sample_country.add(e);
        } else if away_region {
            d.away_region = d.away_region.saturating_add(1);
            if let Some(r) = &net.place.region {
                bump(&mut t.regions, r);
            }
            t.sample_region.add(e);
        }
        if away_country || away_region {
            t.first = Some(t.first.map_or(e.at, |f| f.min(e.at)));
            t.last = Some(t.last.map_or(e.at, |l| l.max(e.at)));
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.d4;
        for (subject, t) in self.tallies.iter() {
            let Some(s) = cx.subject(subject) else {
                continue;
            };
            if let Some(d) = &t.dprk {
                let n = d.sample.total;
                let org = d.as_org.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
                let home = if s.home.country.is_some() { s.home.label() } else { "none recorded".to_string() };
                let summary = format!(
                    "{n} sign-in{} from the DPRK's own address space: {}{org}. That network is reached from inside North Korea or by relaying through it; claimed home: {home}",
                    if n == 1 { "" } else { "s" },
                    d.space,
                );
                let mut f = Finding::new("D4", subject, cfg.dprk_bits, summary);
                f.first_seen = Some(d.first);
                f.last_seen = Some(d.last);
                f.evidence = d.sample.evidence();
                f.evidence_total = d.sample.total;
                out.push(f);
            }
            let active = t.days.len() as u64;
            let away_c = t.days.iter().filter(|d| d.away_country_day()).count() as u64;
            let away_r = t.days.iter().filter(|d| d.away_region_day()).count() as u64;
            let persistent = |away: u64| away >= u64::from(cfg.min_days) && away as f64 > cfg.min_share * active as f64;
            let claimed = s.home.label();
            let (weight, summary, sample) = if persistent(away_c) {
                let mut seen = t.countries.clone();
                seen.sort_by_key(|b| std::cmp::Reverse(b.1));
                let seen: Vec<String> = seen.iter().take(4).map(|(c, n)| format!("{c} ×{n}")).collect();
                (
                    cx.weight("D4"),
                    format!(
                        "signed in outside the claimed home ({claimed}) on {away_c} of {active} active days ({}): {}",
                        percent(away_c, active),
                        seen.join(", ")
                    ),
                    &t.sample_country,
                )
            } else if cfg.compare_region && persistent(away_r) {
                let mut seen = t.regions.clone();
                seen.sort_by_key(|b| std::cmp::Reverse(b.1));
                let seen: Vec<String> = seen.iter().take(4).map(|(r, n)| format!("{r} ×{n}")).collect();
                (
                    cfg.region_bits,
                    format!(
                        "signed in outside the claimed region ({claimed}) on {away_r} of {active} active days ({}): {}",
                        percent(away_r, active),
                        seen.join(", ")
                    ),
                    &t.sample_region,
                )
            } else {
                continue;
            };
            let mut f = Finding::new("D4", subject, weight, summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = sample.evidence();
            f.evidence_total = sample.total;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const OHIO: (f64, f64) = (39.96, -83.0);
    const SHENYANG: (f64, f64) = (41.8, 123.43);

    #[test]
    fn claims_ohio_lives_in_shenyang() {
        let mut w = World::new(&["E1"]);
        for day in 0..40 {
            if day % 4 == 0 {
                w.signin("E1", day, 14, "73.1.1.1", IpKind::Residential, OHIO, "US");
            } else {
                w.signin("E1", day, 14, "175.167.1.1", IpKind::Residential, SHENYANG, "CN");
            }
        }
        let f = w.run();
        let d4 = f.get("E1", "D4").expect("D4");
        assert!(d4.summary.contains("CN"), "{}", d4.summary);
        assert_eq!(d4.weight_bits, w.weight("D4"));
    }

    /// Someone who moved from Warsaw to Ohio, and says so: the months before the move
    /// are not "away from Ohio"; the same sign-ins without the recorded move are.
    #[test]
    fn sign_ins_before_a_recorded_move_are_not_judged() {
        let mut w = World::new(&["M1", "M2"]);
        let moved = w.t(30, 0, 0);
        w.edit_person("M1", |s| s.address_changed_at = Some(moved));
        for id in ["M1", "M2"] {
            for day in 0..45 {
                if day < 30 {
                    w.signin(id, day, 14, "83.1.1.1", IpKind::Residential, (52.23, 21.01), "PL");
                } else {
                    w.signin(id, day, 14, "73.1.1.1", IpKind::Residential, OHIO, "US");
                }
            }
        }
        let f = w.run();
        assert!(f.get("M1", "D4").is_none());
        assert!(f.get("M2", "D4").is_some(), "no recorded move: the same sign-ins are away");
    }

    #[test]
    fn a_two_week_business_trip_is_not_persistent() {
        let mut w = World::new(&["T1"]);
        for day in 0..60 {
            let abroad = (20..30).contains(&day);
            let (ip, place, cc) = if abroad { ("81.2.69.1", (51.5, -0.13), "GB") } else { ("73.1.1.1", OHIO, "US") };
            w.signin("T1", day, 14, ip, IpKind::Residential, place, cc);
        }
        assert!(w.run().ids("T1").is_empty());
    }

    #[test]
    fn someone_who_really_lives_in_japan_and_says_so_is_fine() {
        let mut w = World::new(&["J1"]);
        w.set_home("J1", "JP", None);
        for day in 0..40 {
            w.signin("J1", day, 2, "126.1.1.1", IpKind::Residential, (35.68, 139.69), "JP");
        }
        assert!(w.run().ids("J1").is_empty());
    }

    #[test]
    fn another_state_all_the_time_is_a_weaker_d4() {
        let mut w = World::new(&["E1"]);
        for day in 0..30 {
            w.signin_region("E1", day, "73.1.1.1", (40.7, -74.0), "US", "US-NJ");
        }
        let f = w.run();
        let d4 = f.get("E1", "D4").expect("region D4");
        assert!(d4.weight_bits < w.weight("D4"));
    }

    const PYONGYANG: (f64, f64) = (39.03, 125.75);

    /// A sign-in at 03:00 UTC on `day` from `ip`, its AS as the vendor reported it.
    fn from(w: &mut World, id: &str, day: i64, ip: &str, asn: Option<u32>, kind: IpKind, country: &str) {
        w.signin(id, day, 3, ip, kind, PYONGYANG, country);
        if let Some(net) = w.events.last_mut().and_then(|e| e.net.as_mut()) {
            net.asn = asn;
        }
    }

    /// One connection from the DPRK's own network is a strong D4 by itself: its block,
    /// or its AS as the vendor reports it, whatever a list calls the range.
    #[test]
    fn one_sign_in_from_dprk_address_space_is_a_strong_d4() {
        let ids = ["K1", "K2", "K3", "HOME", "KP_ROW", "CORP"];
        let mut w = World::new(&ids);
        for (i, id) in ids.iter().enumerate() {
            for day in 0..30 {
                w.signin(id, day, 14, &format!("73.1.1.{i}"), IpKind::Residential, OHIO, "US");
            }
        }
        from(&mut w, "K1", 30, "175.45.176.9", Some(131_279), IpKind::Unknown, "KP");
        from(&mut w, "K2", 31, "203.0.113.7", Some(131_279), IpKind::Unknown, "KP");
        from(&mut w, "K3", 31, "175.45.177.20", None, IpKind::Hosting, "KP");
        // A whois row says KP for a hobbyist's block: one sign-in is a trip abroad.
        from(&mut w, "KP_ROW", 31, "31.6.16.15", Some(215_764), IpKind::Unknown, "KP");
        // An organisation that configured the range as its own egress has said what it is.
        from(&mut w, "CORP", 31, "175.45.176.10", Some(131_279), IpKind::Corporate, "KP");
        let f = w.run();
        let bits = w.config.d4.dprk_bits;
        assert!(bits >= w.scoring.tier_bits.t1, "as strong as a hard fact");
        for id in ["K1", "K2", "K3"] {
            let d4 = f.get(id, "D4").unwrap_or_else(|| panic!("{id}: {:?}", f.of(id)));
            assert_eq!(d4.weight_bits, bits, "{id}");
            assert!(d4.summary.contains("DPRK"), "{id}: {}", d4.summary);
            assert!(d4.summary.contains("claimed home"), "{id}: {}", d4.summary);
            assert_eq!(d4.evidence_total, 1, "{id}");
        }
        assert!(f.get("K1", "D4").is_some_and(|d| d.summary.contains("175.45.176.0/22")));
        assert!(f.get("K2", "D4").is_some_and(|d| d.summary.contains("AS131279")));
        for id in ["HOME", "KP_ROW", "CORP"] {
            assert!(f.ids(id).is_empty(), "{id}: {:?}", f.of(id));
        }
    }

    /// The network location of the connection counts, not where the person says they
    /// live, nor whether they said.
    #[test]
    fn dprk_space_counts_whatever_the_claimed_home() {
        let mut w = World::new(&["JP", "NONE"]);
        w.set_home("JP", "JP", None);
        w.person("NONE").home = bonafide_core::Place::default();
        for id in ["JP", "NONE"] {
            from(&mut w, id, 0, "175.45.178.1", Some(131_279), IpKind::Unknown, "KP");
        }
        let f = w.run();
        for id in ["JP", "NONE"] {
            assert_eq!(f.get(id, "D4").map(|d| d.weight_bits), Some(w.config.d4.dprk_bits), "{id}");
        }
    }

    #[test]
    fn vpn_exits_abroad_are_d1_business_not_d4() {
        let mut w = World::new(&["P1"]);
        for day in 0..40 {
            w.signin("P1", day, 14, "185.1.1.1", IpKind::Vpn, (52.37, 4.9), "NL");
        }
        assert!(!w.run().ids("P1").contains(&"D4"));
    }
}

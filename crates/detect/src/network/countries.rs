//! I1: one account used from many IPs in several countries within a day.
//!
//! A shared or rented platform account hops between the operators' locations and their
//! VPN exits; a person, even a travelling one, is in one or two countries a day. Per
//! subject, the located successful events of the last `window_hours` are kept in a small
//! time-sorted window (both directions of time, so newest-first exports work) and the
//! distinct countries and IPs within any window around each new event are counted.
//! Corporate egress never counts, and anonymising networks are left out by default (Tor
//! changes country with every circuit, a VPN's exits are not where the person is; D1
//! reports them). Countries that make a feasible one-way trip (Chicago, a layover in
//! London, Paris) are a traveller, not a shared account: I1 needs a return to a country
//! left, or a leg too fast to fly (D2's speed).

use std::net::IpAddr;

use bonafide_core::{CountryCode, Event, Finding, GeoPoint, UtcMs};

use super::travel::impossible_leg;
use super::{PerSubject, observation};
use crate::config::D2Config;
use crate::evidence::{Note, SAMPLE};
use crate::{Context, Detector, Findings};

/// Located events kept per subject.
const WINDOW_CAP: usize = 64;

#[derive(Debug, Clone)]
struct Fix {
    at: UtcMs,
    country: CountryCode,
    ip: IpAddr,
    point: Option<GeoPoint>,
    mobile: bool,
    note: Note,
}

#[derive(Debug, Default)]
struct Tally {
    window: Vec<Fix>,
    hits: u64,
    best: usize,
    best_evidence: Vec<Note>,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
}

#[derive(Debug, Default)]
pub struct ManyCountries {
    tallies: PerSubject<Tally>,
}

/// Distinct countries and IPs among `fixes` (a window holds a few dozen at most).
fn distinct(fixes: &[Fix]) -> (usize, usize) {
    let mut countries: Vec<CountryCode> = Vec::new();
    let mut ips: Vec<IpAddr> = Vec::new();
    for f in fixes {
        if !countries.contains(&f.country) {
            countries.push(f.country);
        }
        if !ips.contains(&f.ip) {
            ips.push(f.ip);
        }
    }
    (countries.len(), ips.len())
}

/// Whether time-sorted `fixes` could be one person travelling: no country is returned
/// to after leaving it, and every change of country is a leg D2 finds possible. A leg
/// without coordinates cannot be judged, so it is no trip.
fn feasible_trip(fixes: &[Fix], travel: &D2Config) -> bool {
    let mut left: Vec<CountryCode> = Vec::new();
    for pair in fixes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.country == b.country {
            continue;
        }
        if left.contains(&b.country) {
            return false;
        }
        left.push(a.country);
        let (Some(pa), Some(pb)) = (a.point, b.point) else { return false };
        if impossible_leg(&pa, &pb, a.at, b.at, a.mobile || b.mobile, travel).is_some() {
            return false;
        }
    }
    true
}

/// One note per country among `fixes`.
fn notes(fixes: &[Fix]) -> Vec<Note> {
    let mut seen: Vec<CountryCode> = Vec::new();
    let mut out = Vec::new();
    for f in fixes {
        if !seen.contains(&f.country) {
            seen.push(f.country);
            out.push(f.note.clone());
        }
    }
    out
}

impl Detector for ManyCountries {
    fn name(&self) -> &'static str {
        "many-countries"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["I1"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let cfg = &cx.config.i1;
        if net.corporate || cfg.exclude_kinds.contains(&net.kind) {
            return;
        }
        let Some(country) = net.place.country else { return };
        let w = (cfg.window_hours * 3_600_000.0) as i64;
        let t = self.tallies.get_mut(subject);
        // A repeat of a country and IP already in the window moves nothing but that
        // fix's time, which keeps its place in time order (the trip check reads the
        // window in order: a return to a country must not be hidden by a stale time).
        if let Some(mut i) =
            t.window.iter().position(|f| f.country == country && f.ip == net.ip && (f.at.0 - e.at.0).abs() <= w / 4)
        {
            if e.at > t.window[i].at {
                t.window[i].at = e.at;
                while i + 1 < t.window.len() && t.window[i + 1].at < t.window[i].at {
                    t.window.swap(i, i + 1);
                    i += 1;
                }
            }
            return;
        }
        let pos = t.window.partition_point(|f| f.at <= e.at);
        t.window.insert(
            pos,
            Fix {
                at: e.at,
                country,
                ip: net.ip,
                point: net.place.point,
                mobile: net.kind == bonafide_core::IpKind::Mobile,
                note: Note::of(e),
            },
        );
        t.window.retain(|f| (f.at.0 - e.at.0).abs() <= w);
        while t.window.len() > WINDOW_CAP {
            // Drop a repeated country farthest in time from this event.
            let far = (0..t.window.len())
                .filter(|&i| t.window.iter().filter(|g| g.country == t.window[i].country).count() > 1)
                .max_by_key(|&i| (t.window[i].at.0 - e.at.0).abs())
                .unwrap_or(0);
            t.window.remove(far);
        }
        let at = e.at;
        // The window is sorted by time: the fixes up to this one, and from it on.
        let split_hi = t.window.partition_point(|f| f.at <= at);
        let split_lo = t.window.partition_point(|f| f.at < at);
        for side in [&t.window[..split_hi], &t.window[split_lo..]] {
            let (countries, ips) = distinct(side);
            if countries >= cfg.min_countries && ips >= cfg.min_ips && !feasible_trip(side, &cx.config.d2) {
                t.hits += 1;
                let lo = side.first().map_or(at, |f| f.at);
                let hi = side.last().map_or(at, |f| f.at);
                t.first = Some(t.first.map_or(lo, |x| x.min(lo)));
                t.last = Some(t.last.map_or(hi, |x| x.max(hi)));
                if countries > t.best {
                    t.best = countries;
                    t.best_evidence = notes(side);
                }
                break;
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.i1;
        for (subject, t) in self.tallies.iter() {
            if t.hits == 0 {
                continue;
            }
            let names: Vec<String> = t
                .best_evidence
                .iter()
                .filter_map(|n| n.net.as_ref().and_then(|x| x.place.country).map(|c| c.to_string()))
                .collect();
            let summary = format!(
                "signed in from {} countries within {} h ({}); {} such sign-in(s) in all",
                t.best,
                cfg.window_hours,
                names.join(", "),
                t.hits
            );
            let mut f = Finding::new("I1", subject, cx.weight("I1"), summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t.best_evidence.iter().take(SAMPLE).map(Note::evidence).collect();
            f.evidence_total = t.hits;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const NYC: (f64, f64) = (40.71, -74.01);
    const LONDON: (f64, f64) = (51.51, -0.13);

    #[test]
    fn three_countries_in_a_day_fire() {
        let mut w = World::new(&["A1"]);
        w.signin_at("A1", w.t(0, 1, 0), "175.167.1.1", IpKind::Residential, (41.8, 123.4), "CN");
        w.signin_at("A1", w.t(0, 9, 0), "203.0.113.5", IpKind::Residential, (1.35, 103.8), "SG");
        w.signin_at("A1", w.t(0, 15, 0), "73.1.1.1", IpKind::Residential, NYC, "US");
        let f = w.run();
        let i1 = f.get("A1", "I1").expect("I1: Singapore to New York in six hours is no flight");
        assert!(i1.summary.contains("3 countries"), "{}", i1.summary);
        assert_eq!(i1.evidence.len(), 3);
    }

    #[test]
    fn newest_first_exports_fire_too() {
        let mut w = World::new(&["A1"]);
        w.signin_at("A1", w.t(0, 15, 0), "73.1.1.1", IpKind::Residential, NYC, "US");
        w.signin_at("A1", w.t(0, 9, 0), "203.0.113.5", IpKind::Residential, (1.35, 103.8), "SG");
        w.signin_at("A1", w.t(0, 1, 0), "175.167.1.1", IpKind::Residential, (41.8, 123.4), "CN");
        assert!(w.run().get("A1", "I1").is_some());
    }

    /// A traveller with a layover is in three countries in a day; an account that goes
    /// back and forth between them is not travelling.
    #[test]
    fn a_layover_is_a_trip_a_return_is_not() {
        let mut w = World::new(&["T1", "H1", "V1"]);
        let paris = (48.86, 2.35);
        let chicago = (41.88, -87.63);
        w.signin_at("T1", w.t(0, 1, 0), "73.1.1.1", IpKind::Residential, chicago, "US");
        w.signin_at("T1", w.t(0, 10, 0), "81.2.69.1", IpKind::Residential, LONDON, "GB");
        w.signin_at("T1", w.t(0, 13, 0), "90.1.1.1", IpKind::Residential, paris, "FR");
        // The same places, but back to London after Paris within the hour.
        w.signin_at("H1", w.t(0, 1, 0), "73.1.1.2", IpKind::Residential, chicago, "US");
        w.signin_at("H1", w.t(0, 10, 0), "81.2.69.2", IpKind::Residential, LONDON, "GB");
        w.signin_at("H1", w.t(0, 13, 0), "90.1.1.2", IpKind::Residential, paris, "FR");
        w.signin_at("H1", w.t(0, 13, 40), "81.2.69.3", IpKind::Residential, LONDON, "GB");
        // VPN exits in three countries: D1's, not a place the person was.
        for (m, ip, cc) in [(0, "185.1.1.1", "NL"), (20, "185.1.1.2", "DE"), (40, "185.1.1.3", "CH")] {
            w.signin_at("V1", w.t(0, 9, m), ip, IpKind::Vpn, NYC, cc);
        }
        let f = w.run();
        assert!(f.get("T1", "I1").is_none(), "a feasible one-way trip");
        assert!(f.get("H1", "I1").is_some(), "a return to a country left");
        assert!(f.get("V1", "I1").is_none(), "VPN exits");
    }

    #[test]
    fn a_flight_a_week_of_countries_tor_and_the_office_do_not() {
        let mut w = World::new(&["T1", "W1", "O1", "P1"]);
        // A traveller: two countries in a day.
        w.signin_at("T1", w.t(0, 8, 0), "73.1.1.1", IpKind::Residential, NYC, "US");
        w.signin_at("T1", w.t(0, 22, 0), "81.2.69.1", IpKind::Residential, LONDON, "GB");
        // Three countries, but over three days.
        for (d, ip, cc) in [(0, "73.1.1.2", "US"), (2, "81.2.69.2", "GB"), (4, "85.1.1.1", "FR")] {
            w.signin_at("W1", w.t(d, 9, 0), ip, IpKind::Residential, NYC, cc);
        }
        // Tor exits in three countries in an hour.
        for (m, ip, cc) in [(0, "185.220.1.1", "DE"), (20, "185.220.1.2", "NL"), (40, "185.220.1.3", "SE")] {
            w.signin_at("P1", w.t(0, 9, m), ip, IpKind::Tor, NYC, cc);
        }
        // Corporate egress in three countries (a global VPN the company runs).
        for (h, ip, cc) in [(1, "10.0.0.1", "US"), (2, "10.0.0.2", "GB"), (3, "10.0.0.3", "JP")] {
            w.signin_at("O1", w.t(0, h, 0), ip, IpKind::Corporate, NYC, cc);
        }
        let f = w.run();
        for id in ["T1", "W1", "O1", "P1"] {
            assert!(f.get(id, "I1").is_none(), "{id}");
        }
    }

    #[test]
    fn one_ip_geolocated_three_ways_is_not_three_places() {
        let mut w = World::new(&["A1"]);
        w.config.i1.min_ips = 2;
        for (h, cc) in [(1, "US"), (2, "CA"), (3, "MX")] {
            w.signin_at("A1", w.t(0, h, 0), "73.1.1.1", IpKind::Residential, NYC, cc);
        }
        assert!(w.run().get("A1", "I1").is_none());
    }
}

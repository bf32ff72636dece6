//! D3: several unrelated subjects signing in from one public IP on one day.
//!
//! A laptop farm puts many workers' laptops behind one residential connection. The
//! detector records, per IP, which subjects used it and on which UTC days (four bytes
//! per subject and day, so a home IP used by one person for a year costs about 1.5 kB),
//! and at the end finds, for every IP used by several subjects, the days on which enough
//! unrelated subjects (a household counts once) were on it. Each such IP becomes one
//! finding shared by all the subjects involved. Corporate egress is never counted;
//! carrier-NAT mobile ranges and Tor are left out by default; a day with more subjects
//! than `max_subjects` looks like a shared office, and an IP seen with more than
//! [`TRACKED`] distinct subjects is treated as a public network and dropped.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use bonafide_core::{Event, Evidence, Finding, IpKind, Shared, SourcePos, SubjectIdx, UtcMs};

use super::observation;
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

/// Distinct subjects tracked per IP before it is considered a public network.
pub const TRACKED: usize = 64;

#[derive(Debug)]
struct Member {
    subject: SubjectIdx,
    /// Sorted, distinct UTC days.
    days: Vec<i32>,
    first: (UtcMs, SourcePos),
}

#[derive(Debug, Default)]
struct IpUse {
    kind: IpKind,
    members: Vec<Member>,
    saturated: bool,
}

#[derive(Debug, Default)]
pub struct SharedIp {
    ips: HashMap<IpAddr, IpUse>,
}

impl Detector for SharedIp {
    fn name(&self) -> &'static str {
        "shared-ip"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D3"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let cfg = &cx.config.d3;
        if net.corporate || !cfg.kinds.contains(&net.kind) {
            return;
        }
        let u = self.ips.entry(net.ip).or_default();
        if u.saturated {
            return;
        }
        u.kind = net.kind;
        let day = e.at.day() as i32;
        let m = match u.members.iter_mut().position(|m| m.subject == subject) {
            Some(i) => &mut u.members[i],
            None => {
                if u.members.len() >= TRACKED {
                    u.saturated = true;
                    u.members = Vec::new();
                    return;
                }
                u.members.push(Member { subject, days: Vec::new(), first: (e.at, e.source) });
                let last = u.members.len() - 1;
                &mut u.members[last]
            }
        };
        if e.at < m.first.0 {
            m.first = (e.at, e.source);
        }
        match m.days.last() {
            Some(&d) if d == day => {}
            Some(&d) if d < day => m.days.push(day),
            _ => {
                if let Err(i) = m.days.binary_search(&day) {
                    m.days.insert(i, day);
                }
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.d3;
        let mut ips: Vec<(&IpAddr, &IpUse)> = self.ips.iter().filter(|(_, u)| u.members.len() >= 2).collect();
        ips.sort_by_key(|(ip, _)| **ip);
        for (ip, u) in ips {
            let need = if u.kind.is_anonymising() { cfg.min_subjects_anonymising } else { cfg.min_subjects }.max(2);
            // Which members were on the IP each day.
            let mut by_day: BTreeMap<i32, Vec<SubjectIdx>> = BTreeMap::new();
            for m in &u.members {
                for d in &m.days {
                    by_day.entry(*d).or_default().push(m.subject);
                }
            }
            let mut involved: Vec<SubjectIdx> = Vec::new();
            let mut days = 0usize;
            let (mut first_day, mut last_day) = (i32::MAX, i32::MIN);
            for (day, members) in &by_day {
                if members.len() < need || members.len() > cfg.max_subjects {
                    continue;
                }
                if cx.households.count_unrelated(members) < need {
                    continue;
                }
                days += 1;
                first_day = first_day.min(*day);
                last_day = last_day.max(*day);
                for s in members {
                    if !involved.contains(s) {
                        involved.push(*s);
                    }
                }
            }
            if days == 0 {
                continue;
            }
            involved.sort();
            let ids: Vec<&str> = involved.iter().filter_map(|s| cx.subject(*s)).map(|s| s.id.as_str()).collect();
            let summary = format!(
                "{} unrelated subjects ({}) signed in from {} IP {} on {} day(s)",
                involved.len(),
                ids.join(", "),
                u.kind.as_str(),
                ip,
                days
            );
            let mut f = Finding::new("D3", involved[0], cx.weight("D3"), summary);
            f.subjects = involved.clone();
            f.shared = Some(Shared { kind: "ip".into(), value: ip.to_string() });
            f.first_seen = Some(bonafide_core::UtcMs(i64::from(first_day) * bonafide_core::time::MS_PER_DAY));
            f.last_seen = Some(bonafide_core::UtcMs((i64::from(last_day) + 1) * bonafide_core::time::MS_PER_DAY - 1));
            f.evidence_total = involved.len() as u64;
            f.evidence = u
                .members
                .iter()
                .filter(|m| involved.contains(&m.subject))
                .take(SAMPLE)
                .map(|m| {
                    Evidence::at(m.first.1)
                        .with("subject", cx.subject(m.subject).map(|s| s.id.clone()).unwrap_or_default())
                        .with("ip", ip.to_string())
                        .with("network", u.kind.as_str())
                        .with("first_seen", m.first.0.to_rfc3339())
                        .with("days_on_ip", m.days.len())
                })
                .collect();
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const HOME: (f64, f64) = (39.78, -89.65);

    #[test]
    fn a_farm_ip_links_unrelated_workers() {
        let mut w = World::new(&["F1", "F2", "F3", "E9"]);
        for id in ["F1", "F2", "F3"] {
            w.signin("F1", 0, 1, "73.1.1.1", IpKind::Residential, HOME, "US");
            w.signin(id, 0, 2, "73.1.1.1", IpKind::Residential, HOME, "US");
        }
        w.signin("E9", 0, 2, "73.9.9.9", IpKind::Residential, HOME, "US");
        let f = w.run();
        for id in ["F1", "F2", "F3"] {
            assert_eq!(f.ids(id), vec!["D3"], "{id}");
        }
        assert_eq!(f.get("F1", "D3").unwrap().subjects.len(), 3);
        assert!(f.ids("E9").is_empty());
    }

    #[test]
    fn the_same_ip_on_different_days_is_not_shared() {
        let mut w = World::new(&["A", "B"]);
        w.signin("A", 0, 9, "73.1.1.1", IpKind::Residential, HOME, "US");
        w.signin("B", 1, 9, "73.1.1.1", IpKind::Residential, HOME, "US");
        assert!(w.run().ids("A").is_empty(), "a reassigned dynamic IP is not a farm");
    }

    #[test]
    fn a_household_of_two_on_one_ip_is_not_a_farm() {
        let mut w = World::new(&["H1", "H2"]);
        w.set_address("H1", "12 OAK ST||62701|US", "Ann Lee");
        w.set_address("H2", "12 OAK ST||62701|US", "Raj Patel");
        w.signin("H1", 0, 9, "73.1.1.1", IpKind::Residential, HOME, "US");
        w.signin("H2", 0, 10, "73.1.1.1", IpKind::Residential, HOME, "US");
        assert!(w.run().ids("H1").is_empty());
    }

    #[test]
    fn corporate_egress_mobile_nat_and_big_offices_are_not_farms() {
        let ids: Vec<String> = (0..30).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut w = World::new(&refs);
        for id in &refs {
            w.signin(id, 0, 9, "10.0.0.1", IpKind::Corporate, HOME, "US");
            w.signin(id, 1, 9, "100.64.0.1", IpKind::Mobile, HOME, "US");
            w.signin(id, 2, 9, "73.5.5.5", IpKind::Residential, HOME, "US");
        }
        let f = w.run();
        assert!(f.ids("S0").is_empty(), "30 on one residential IP in a day is a shared office, not a farm");
    }

    #[test]
    fn two_strangers_on_one_vpn_exit_are_not_enough() {
        let mut w = World::new(&["A", "B", "C"]);
        w.signin("A", 0, 9, "185.1.1.1", IpKind::Vpn, (52.0, 4.0), "NL");
        w.signin("B", 0, 9, "185.1.1.1", IpKind::Vpn, (52.0, 4.0), "NL");
        assert!(w.run().ids("A").is_empty());
        w.signin("C", 0, 9, "185.1.1.1", IpKind::Vpn, (52.0, 4.0), "NL");
        assert_eq!(w.run().ids("A"), vec!["D3"]);
    }
}

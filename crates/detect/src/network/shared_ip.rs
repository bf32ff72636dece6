//! D3: several unrelated subjects signing in from one public IP on one day.
//!
//! A laptop farm puts many workers' laptops behind one residential connection. The
//! detector buckets successful sign-ins by (IP, UTC day), counts the unrelated subjects
//! in each (a household counts once), and reports each IP whose buckets reach the
//! threshold as one finding shared by all the subjects on it. Corporate egress is never
//! counted; carrier-NAT mobile ranges and Tor are left out by default; a bucket with more
//! subjects than `max_subjects` looks like a shared office, not a farm.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use bonafide_core::{Event, Evidence, Finding, IpKind, SubjectIdx, UtcMs};

use super::observation;
use crate::evidence::{SAMPLE, of_event};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
struct Bucket {
    kind: IpKind,
    members: Vec<(SubjectIdx, UtcMs, Evidence)>,
}

#[derive(Debug, Default)]
pub struct SharedIp {
    buckets: HashMap<(IpAddr, i64), Bucket>,
}

impl Detector for SharedIp {
    fn name(&self) -> &'static str {
        "shared-ip"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D3"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else {
            return;
        };
        let cfg = &cx.config.d3;
        if net.corporate || !cfg.kinds.contains(&net.kind) {
            return;
        }
        let b = self.buckets.entry((net.ip, e.at.day())).or_default();
        b.kind = net.kind;
        if b.members.iter().any(|(s, ..)| *s == subject) || b.members.len() > cfg.max_subjects {
            return;
        }
        b.members.push((subject, e.at, of_event(e)));
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.d3;
        struct Group {
            kind: IpKind,
            subjects: BTreeSet<SubjectIdx>,
            days: BTreeSet<i64>,
            first: UtcMs,
            last: UtcMs,
            evidence: BTreeMap<SubjectIdx, Evidence>,
        }
        let mut by_ip: BTreeMap<IpAddr, Group> = BTreeMap::new();
        for ((ip, day), b) in &self.buckets {
            if b.members.len() > cfg.max_subjects {
                continue;
            }
            let ids: Vec<SubjectIdx> = b.members.iter().map(|m| m.0).collect();
            let need = if b.kind.is_anonymising() {
                cfg.min_subjects_anonymising
            } else {
                cfg.min_subjects
            };
            if cx.households.count_unrelated(&ids) < need.max(2) {
                continue;
            }
            let g = by_ip.entry(*ip).or_insert_with(|| Group {
                kind: b.kind,
                subjects: BTreeSet::new(),
                days: BTreeSet::new(),
                first: UtcMs(i64::MAX),
                last: UtcMs(i64::MIN),
                evidence: BTreeMap::new(),
            });
            g.days.insert(*day);
            for (s, at, ev) in &b.members {
                g.subjects.insert(*s);
                g.first = g.first.min(*at);
                g.last = g.last.max(*at);
                g.evidence.entry(*s).or_insert_with(|| ev.clone());
            }
        }
        for (ip, g) in by_ip {
            let names: Vec<&str> = g
                .subjects
                .iter()
                .filter_map(|s| cx.subject(*s))
                .map(|s| s.id.as_str())
                .collect();
            let summary = format!(
                "{} unrelated subjects ({}) signed in from {} IP {} on {} day(s)",
                g.subjects.len(),
                names.join(", "),
                g.kind.as_str(),
                ip,
                g.days.len()
            );
            let mut f = Finding::new("D3", SubjectIdx(0), cx.weight("D3"), summary);
            f.subjects = g.subjects.iter().copied().collect();
            f.first_seen = Some(g.first);
            f.last_seen = Some(g.last);
            f.evidence_total = g.evidence.len() as u64;
            f.evidence = g
                .evidence
                .into_iter()
                .take(SAMPLE)
                .map(|(s, ev)| {
                    ev.with(
                        "subject",
                        cx.subject(s).map(|x| x.id.clone()).unwrap_or_default(),
                    )
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
        let ids: Vec<String> = (0..15).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut w = World::new(&refs);
        for id in &refs {
            w.signin(id, 0, 9, "10.0.0.1", IpKind::Corporate, HOME, "US");
            w.signin(id, 1, 9, "100.64.0.1", IpKind::Mobile, HOME, "US");
            w.signin(id, 2, 9, "73.5.5.5", IpKind::Residential, HOME, "US");
        }
        let f = w.run();
        assert!(
            f.ids("S0").is_empty(),
            "15 on one residential IP is a coworking space, not a farm"
        );
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

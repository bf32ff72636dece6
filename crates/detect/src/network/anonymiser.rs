//! D1: sign-ins through VPN, proxy, Tor or hosting networks.
//!
//! Counts, per subject, the sign-ins (session starts; every located event when the log
//! has no session starts) that came through an anonymising network, and fires when their
//! share passes the threshold. A provider named in public reporting on the scheme
//! (Astrill above all) fires on a single sign-in and at a higher weight. Corporate
//! egress and approved VPNs are never anonymising.

use bonafide_core::{Action, Event, Finding, IpKind, UtcMs};

use super::{PerSubject, observation, percent};
use crate::evidence::Sample;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
struct Tally {
    signins: u64,
    signins_anon: u64,
    events: u64,
    events_anon: u64,
    named: Option<String>,
    named_count: u64,
    kinds: Vec<(IpKind, u64)>,
    sample: Sample,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
}

#[derive(Debug, Default)]
pub struct Anonymiser {
    tallies: PerSubject<Tally>,
}

/// The label, AS organisation or ISP of the event's network that names one of the
/// providers, as the list wrote it.
fn named_provider<'e>(e: &'e Event, names: &[String]) -> Option<&'e str> {
    let net = e.net.as_ref()?;
    let fields = [net.label.as_deref(), net.as_org.as_deref(), net.isp.as_deref()];
    fields.into_iter().flatten().find(|f| {
        let f = f.to_lowercase();
        names.iter().any(|n| f.contains(&n.to_lowercase()))
    })
}

impl Detector for Anonymiser {
    fn name(&self) -> &'static str {
        "anonymiser"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D1"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else {
            return;
        };
        let cfg = &cx.config.d1;
        let named = if net.corporate { None } else { named_provider(e, &cfg.named_providers) };
        let anon = !net.corporate && (cfg.kinds.contains(&net.kind) || named.is_some());
        let t = self.tallies.get_mut(subject);
        t.events += 1;
        let signin = e.action == Action::SignIn;
        if signin {
            t.signins += 1;
        }
        if !anon {
            return;
        }
        t.events_anon += 1;
        if signin {
            t.signins_anon += 1;
        }
        match t.kinds.iter_mut().find(|(k, _)| *k == net.kind) {
            Some((_, n)) => *n += 1,
            None => t.kinds.push((net.kind, 1)),
        }
        if let Some(name) = named {
            t.named_count += 1;
            t.named.get_or_insert_with(|| name.to_string());
        }
        t.first = Some(t.first.map_or(e.at, |f| f.min(e.at)));
        t.last = Some(t.last.map_or(e.at, |l| l.max(e.at)));
        t.sample.add(e);
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.d1;
        let base = cx.weight("D1");
        for (subject, t) in self.tallies.iter() {
            let (anon, total, unit) = if t.signins >= u64::from(cfg.min_signins) {
                (t.signins_anon, t.signins, "sign-ins")
            } else {
                (t.events_anon, t.events, "located events")
            };
            let kinds = {
                let mut k = t.kinds.clone();
                k.sort_by_key(|b| std::cmp::Reverse(b.1));
                k.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
            };
            let (weight, summary) = if let Some(name) = &t.named {
                (
                    base.max(cfg.named_bits),
                    format!(
                        "{} of {} {} ({}) through anonymising networks ({kinds}), {} event(s) through {} (named in public reporting)",
                        anon,
                        total,
                        unit,
                        percent(anon, total),
                        t.named_count,
                        name
                    ),
                )
            } else {
                let enough = total >= u64::from(cfg.min_signins);
                let share = if total == 0 { 0.0 } else { anon as f64 / total as f64 };
                if !enough || share <= cfg.min_share {
                    continue;
                }
                (
                    base,
                    format!(
                        "{} of {} {} ({}) through anonymising networks ({kinds})",
                        anon,
                        total,
                        unit,
                        percent(anon, total)
                    ),
                )
            };
            let mut f = Finding::new("D1", subject, weight, summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t.sample.evidence();
            f.evidence_total = t.sample.total;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    #[test]
    fn vpn_share_over_threshold_fires() {
        let mut w = World::new(&["E1", "E2"]);
        for day in 0..10 {
            w.signin(
                "E1",
                day,
                9,
                "203.0.113.1",
                if day < 4 { IpKind::Vpn } else { IpKind::Residential },
                (40.0, -83.0),
                "US",
            );
            w.signin(
                "E2",
                day,
                9,
                "198.51.100.1",
                if day < 2 { IpKind::Vpn } else { IpKind::Residential },
                (40.0, -83.0),
                "US",
            );
        }
        let f = w.run();
        assert_eq!(f.ids("E1"), vec!["D1"], "40% through a VPN");
        assert!(f.ids("E2").is_empty(), "20% is not over 20%");
    }

    #[test]
    fn one_astrill_sign_in_is_enough_and_weighs_more() {
        let mut w = World::new(&["E1"]);
        for day in 0..20 {
            w.signin("E1", day, 9, "198.51.100.1", IpKind::Residential, (40.0, -83.0), "US");
        }
        w.signin_labelled("E1", 21, 9, "203.0.113.9", IpKind::Vpn, "Astrill");
        let f = w.run();
        let d1 = f.get("E1", "D1").expect("Astrill fires");
        assert!(d1.weight_bits > w.weight("D1"));
        assert!(d1.summary.contains("Astrill"));
    }

    #[test]
    fn privacy_vpn_user_is_a_t2_not_more_and_corporate_vpn_is_nothing() {
        let mut w = World::new(&["P1", "C1"]);
        for day in 0..30 {
            w.signin("P1", day, 9, "185.1.1.1", IpKind::Vpn, (52.0, 4.0), "NL");
            w.signin("C1", day, 9, "10.0.0.1", IpKind::Corporate, (40.0, -83.0), "US");
        }
        let f = w.run();
        assert_eq!(f.ids("P1"), vec!["D1"]);
        assert_eq!(f.get("P1", "D1").unwrap().weight_bits, w.weight("D1"));
        assert!(f.ids("C1").is_empty());
    }

    #[test]
    fn too_few_sign_ins_are_not_judged() {
        let mut w = World::new(&["E1"]);
        for day in 0..3 {
            w.signin("E1", day, 9, "185.1.1.1", IpKind::Vpn, (52.0, 4.0), "NL");
        }
        assert!(w.run().ids("E1").is_empty());
    }
}

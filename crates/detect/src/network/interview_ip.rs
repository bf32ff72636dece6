//! B7: the interview joined from far away from the claimed home, or through an
//! anonymiser.
//!
//! Reads the interview records (`interviews.csv` `client_ip`), whose client IP the
//! engine has already placed and classified with the same enrichment as sign-ins. A
//! round joined through a VPN, proxy, Tor or hosting network fires at the indicator's
//! weight; so does one from another country than the claimed home, or farther than
//! `max_km` when both places have coordinates. Another first-level region of the same
//! country is weaker evidence (IP geolocation of regions is coarse) and weighs
//! `region_bits`. A round joined from the DPRK's own address space (its AS or block, see
//! `bonafide_intel::ip::dprk`) weighs `dprk_bits`, whatever the claimed home: that
//! network is reached from inside the country or by relaying through it (the network
//! location of the connection, as for D4, never a nationality). An interview from the
//! organisation's own egress says nothing.

use std::collections::HashMap;

use bonafide_core::{Evidence, Finding, SubjectIdx};
use bonafide_intel::ip::dprk::{DprkSpace, dprk_space};

use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct InterviewIp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Why {
    Region,
    Far,
    Anonymiser,
    /// From the DPRK's own address space, and which part of it.
    Dprk(DprkSpace),
}

impl Detector for InterviewIp {
    fn name(&self) -> &'static str {
        "interview-ip"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["B7"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.b7;
        let by_id: HashMap<&str, SubjectIdx> =
            cx.subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), SubjectIdx(i as u32))).collect();
        let mut per: HashMap<SubjectIdx, Vec<(Why, &bonafide_core::records::Interview)>> = HashMap::new();
        for iv in &cx.records.interviews {
            let (Some(net), Some(&subject)) = (iv.client.as_ref(), by_id.get(iv.subject_id.as_str())) else {
                continue;
            };
            if net.corporate {
                continue;
            }
            let Some(s) = cx.subject(subject) else { continue };
            let home = &s.home;
            let why = if let Some(space) = dprk_space(net.ip, net.asn) {
                Some(Why::Dprk(space))
            } else if cfg.kinds.contains(&net.kind) {
                Some(Why::Anonymiser)
            } else if let (Some(h), Some(p)) = (home.point, net.place.point)
                && h.distance_km(&p) > cfg.max_km
            {
                Some(Why::Far)
            } else if let (Some(h), Some(c)) = (home.country, net.place.country)
                && h != c
            {
                Some(Why::Far)
            } else if cfg.compare_region
                && let (Some(h), Some(r)) = (&home.region, &net.place.region)
                && home.country == net.place.country
                && h.is_coded()
                && r.is_coded()
                && h != r
            {
                Some(Why::Region)
            } else {
                None
            };
            if let Some(why) = why {
                per.entry(subject).or_default().push((why, iv));
            }
        }
        let mut subjects: Vec<SubjectIdx> = per.keys().copied().collect();
        subjects.sort();
        for subject in subjects {
            let rounds = &per[&subject];
            let worst = rounds.iter().map(|r| r.0).max().unwrap_or(Why::Region);
            let Some(s) = cx.subject(subject) else { continue };
            let describe = |iv: &bonafide_core::records::Interview| {
                let net = iv.client.as_ref();
                let place = net.map(|n| n.place.label()).unwrap_or_default();
                let kind = net.map(|n| n.kind.as_str()).unwrap_or("unknown");
                format!("{} ({}, {})", iv.round.as_deref().unwrap_or(&iv.at.date_string()), place, kind)
            };
            let listed: Vec<String> = rounds.iter().take(4).map(|(_, iv)| describe(iv)).collect();
            let what = match worst {
                Why::Dprk(space) => format!(
                    "from the DPRK's own address space ({space}; that network is reached from inside North Korea or by relaying through it) or far from"
                ),
                Why::Anonymiser => "through an anonymising network or far from".to_string(),
                Why::Far => "far from".to_string(),
                Why::Region => "in another region than".to_string(),
            };
            let summary = format!(
                "{} of {} interview round(s) joined {what} the claimed home ({}): {}",
                rounds.len(),
                cx.records.interviews.iter().filter(|i| i.subject_id == s.id).count(),
                s.home.label(),
                listed.join("; ")
            );
            let weight = match worst {
                Why::Dprk(_) => cfg.dprk_bits,
                Why::Region => cfg.region_bits,
                Why::Far | Why::Anonymiser => cx.weight("B7"),
            };
            let mut f = Finding::new("B7", subject, weight, summary);
            for (why, iv) in rounds {
                f.seen(iv.at);
                if f.evidence.len() < SAMPLE {
                    let mut ev = Evidence::at(iv.source)
                        .with("at", iv.at.to_rfc3339())
                        .with("reason", format!("{why:?}").to_lowercase());
                    if let Some(r) = &iv.round {
                        ev = ev.with("round", r.as_str());
                    }
                    if let Some(net) = &iv.client {
                        ev = ev.with("ip", net.ip.to_string()).with("network", net.kind.as_str());
                        if !net.place.is_empty() {
                            ev = ev.with("place", net.place.label());
                        }
                        if let Some(l) = &net.label {
                            ev = ev.with("label", l.as_ref());
                        }
                        if let Some(src) = &net.kind_source {
                            ev = ev.with("network_source", src.as_ref());
                        }
                    }
                    f.evidence.push(ev);
                }
            }
            f.evidence_total = rounds.len() as u64;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    #[test]
    fn an_interview_through_a_vpn_or_from_abroad_fires() {
        let mut w = World::new(&["C1", "C2", "C3"]);
        w.interview("C1", 0, "round 1", "203.0.113.9", IpKind::Vpn, "NL", None);
        w.interview("C2", 0, "round 1", "73.1.1.1", IpKind::Residential, "US", None);
        w.interview("C2", 3, "round 2", "175.167.1.1", IpKind::Residential, "CN", None);
        w.interview("C3", 0, "final", "73.1.1.2", IpKind::Residential, "US", Some("US-NJ"));
        let f = w.run();
        let c1 = f.get("C1", "B7").expect("VPN");
        assert!(c1.summary.contains("anonymising"), "{}", c1.summary);
        assert_eq!(c1.weight_bits, w.weight("B7"));
        let c2 = f.get("C2", "B7").expect("another country");
        assert!(c2.summary.starts_with("1 of 2"), "{}", c2.summary);
        assert_eq!(c2.evidence.len(), 1);
        let c3 = f.get("C3", "B7").expect("another state");
        assert!(c3.weight_bits < w.weight("B7"));
    }

    /// An interview joined from the DPRK's own address space weighs like a sign-in from
    /// it (D4); a whois row that merely says "KP" is only another country.
    #[test]
    fn an_interview_from_dprk_address_space_is_strong() {
        let mut w = World::new(&["K1", "R1"]);
        w.interview("K1", 0, "round 1", "73.1.1.1", IpKind::Residential, "US", None);
        w.interview("K1", 2, "round 2", "175.45.176.20", IpKind::Unknown, "KP", None);
        w.interview("R1", 0, "round 1", "31.6.16.15", IpKind::Unknown, "KP", None);
        let f = w.run();
        let k1 = f.get("K1", "B7").expect("DPRK space");
        assert_eq!(k1.weight_bits, w.config.b7.dprk_bits);
        assert!(k1.weight_bits > w.weight("B7"));
        assert!(k1.summary.contains("DPRK") && k1.summary.contains("175.45.176.0/22"), "{}", k1.summary);
        assert!(k1.summary.starts_with("1 of 2"), "{}", k1.summary);
        assert_eq!(f.get("R1", "B7").map(|b| b.weight_bits), Some(w.weight("B7")), "another country");
    }

    #[test]
    fn home_office_and_unplaced_interviews_do_not() {
        let mut w = World::new(&["C1", "C2", "C3", "C4"]);
        w.interview("C1", 0, "round 1", "73.1.1.1", IpKind::Residential, "US", Some("US-OH"));
        w.interview("C2", 0, "onsite", "10.0.0.1", IpKind::Corporate, "US", Some("US-CA"));
        w.interview_without_ip("C3", 0);
        w.interview("C4", 0, "round 1", "73.1.1.9", IpKind::Residential, "US", None);
        assert!(w.run().findings.iter().all(|f| f.indicator != "B7"));
    }
}

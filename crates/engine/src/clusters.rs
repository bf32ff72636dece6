//! Clusters from cross-subject findings: subjects linked by what they share.
//!
//! Every finding that names several subjects and what they share (an IP for D3, an
//! address for C2, a payout account for G3) becomes links; linked subjects form
//! connected components; a component's kind follows the strongest kind of link in it.
//! The id is a hash of the kind and the sorted member ids, so the same group gets the
//! same id in every run.

use std::collections::BTreeMap;

use bonafide_core::{Finding, Subject, SubjectIdx};

use crate::outcome::{Cluster, Link};

/// Cluster kinds by the link kinds that make them, strongest first.
const KINDS: &[(&str, &[&str])] = &[
    ("laptop_farm", &["shipping_address", "device_serial"]),
    ("shared_payout", &["bank_account", "wallet", "payout_account"]),
    ("shared_identity", &["ssn", "id_document"]),
    ("persona_ring", &["photo", "resume", "phone", "email"]),
    ("shared_network", &["ip", "ip_day"]),
];

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn fnv(data: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

pub fn from_findings(findings: &[Finding], subjects: &[Subject]) -> Vec<Cluster> {
    let mut links: Vec<Link> = Vec::new();
    for f in findings {
        let Some(shared) = &f.shared else { continue };
        if f.subjects.len() < 2 {
            continue;
        }
        let mut members = f.subjects.clone();
        members.sort();
        for &b in &members[1..] {
            links.push(Link {
                a: members[0],
                b,
                kind: shared.kind.clone(),
                value: shared.value.clone(),
                indicator: f.indicator.clone(),
            });
        }
    }
    let mut parent: Vec<usize> = (0..subjects.len()).collect();
    for l in &links {
        let (ra, rb) = (find(&mut parent, l.a.index()), find(&mut parent, l.b.index()));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: BTreeMap<usize, (Vec<SubjectIdx>, Vec<Link>)> = BTreeMap::new();
    for l in links {
        let root = find(&mut parent, l.a.index());
        let g = groups.entry(root).or_default();
        for s in [l.a, l.b] {
            if !g.0.contains(&s) {
                g.0.push(s);
            }
        }
        g.1.push(l);
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .map(|(mut members, links)| {
            members.sort();
            let kind = KINDS
                .iter()
                .find(|(_, kinds)| links.iter().any(|l| kinds.contains(&l.kind.as_str())))
                .map(|(k, _)| *k)
                .unwrap_or("shared_network");
            let mut ids: Vec<&str> =
                members.iter().filter_map(|m| subjects.get(m.index())).map(|s| s.id.as_str()).collect();
            ids.sort();
            let id = format!("C{:08x}", fnv(&format!("{kind}|{}", ids.join("|"))));
            Cluster { id, kind: kind.to_string(), subjects: members, links }
        })
        .collect();
    clusters.sort_by(|a, b| b.subjects.len().cmp(&a.subjects.len()).then_with(|| a.id.cmp(&b.id)));
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;
    use bonafide_core::Shared;

    #[test]
    fn shared_ips_chain_into_one_stable_cluster() {
        let subjects: Vec<Subject> =
            ["A", "B", "C", "D"].iter().map(|id| Subject { id: id.to_string(), ..Default::default() }).collect();
        let mk = |members: &[u32], ip: &str| {
            let mut f = Finding::new("D3", SubjectIdx(members[0]), 4.0, "x");
            f.subjects = members.iter().map(|&m| SubjectIdx(m)).collect();
            f.shared = Some(Shared { kind: "ip".into(), value: ip.into() });
            f
        };
        let findings = vec![mk(&[0, 1], "1.1.1.1"), mk(&[1, 2], "2.2.2.2")];
        let c = from_findings(&findings, &subjects);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].subjects, vec![SubjectIdx(0), SubjectIdx(1), SubjectIdx(2)]);
        assert_eq!(c[0].kind, "shared_network");
        assert_eq!(c[0].links.len(), 2);
        let again = from_findings(&findings.into_iter().rev().collect::<Vec<_>>(), &subjects);
        assert_eq!(again[0].id, c[0].id, "ids do not depend on order");
    }
}

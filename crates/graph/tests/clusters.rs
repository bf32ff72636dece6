//! The promises of the identifier graph: farms are one cluster, households are not
//! clusters, one new subject re-clusters only what it touches, and ids survive re-runs.

use bonafide_graph::synth::{self, Params, Row};
use bonafide_graph::{ClusterKind, Fuzzy, FuzzyKind, Graph, GraphConfig, IdKind, Ident, SubjectIn, propagate};

fn subject(key: &str, name: &str, household: u64, ids: &[(IdKind, &str)]) -> SubjectIn {
    SubjectIn {
        key: key.into(),
        household,
        name: name.into(),
        idents: ids.iter().map(|(k, v)| Ident::new(*k, v)).collect(),
        fuzzy: Vec::new(),
    }
}

fn build(subjects: Vec<SubjectIn>) -> Graph {
    Graph::build(GraphConfig::default(), subjects).0
}

fn keys(g: &Graph, members: &[u32]) -> Vec<String> {
    members.iter().map(|m| g.key(*m).to_string()).collect()
}

#[test]
fn a_farm_of_four_on_one_door_and_one_ip_is_one_laptop_farm() {
    let mut subjects = Vec::new();
    for (i, name) in ["Ann Lee", "Raj Patel", "Tom Berg", "Kim Ode"].iter().enumerate() {
        let home = format!("{} ELM ST|62701", i + 1);
        subjects.push(subject(
            &format!("F{i}"),
            name,
            0,
            &[
                (IdKind::HomeAddress, &home),
                (IdKind::ShippingAddress, "9 FARM RD|62701"),
                (IdKind::IpDay, "73.1.1.1@20100"),
                (IdKind::Phone, &format!("+1217555000{i}")),
            ],
        ));
    }
    subjects.push(subject("OK", "Sue Yu", 0, &[(IdKind::ShippingAddress, "4 OAK ST|62701")]));
    let g = build(subjects);
    let c = g.clusters();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].kind, ClusterKind::LaptopFarm);
    assert_eq!(keys(&g, &c[0].members), ["F0", "F1", "F2", "F3"]);
    assert!(c[0].links.iter().any(|l| l.kind == IdKind::ShippingAddress));
    assert!(c[0].links.iter().any(|l| l.kind == IdKind::IpDay), "the shared IP is kept as supporting evidence");
    assert!(c[0].links.iter().all(|l| !l.reason().is_empty()));
}

#[test]
fn households_and_couples_do_not_form_clusters() {
    let home = (IdKind::HomeAddress, "12 OAK ST|62701");
    let ship = (IdKind::ShippingAddress, "12 OAK ST|62701");
    let ip = (IdKind::IpDay, "73.5.5.5@20100");
    let joint = (IdKind::BankAccount, "fp:joint");
    let subjects = vec![
        // A married couple: one home, router, joint account.
        subject("A", "Ann Lee", 1, &[home, ship, ip, joint, (IdKind::Phone, "+1")]),
        subject("B", "Bo Lee", 1, &[home, ship, ip, joint, (IdKind::Phone, "+2")]),
        // A family of three elsewhere, one landline.
        subject("C", "Mia Kim", 2, &[(IdKind::HomeAddress, "5 B AVE|1"), (IdKind::Phone, "+9")]),
        subject("D", "Joon Kim", 2, &[(IdKind::HomeAddress, "5 B AVE|1"), (IdKind::Phone, "+9")]),
        subject("E", "Sue Kim", 2, &[(IdKind::HomeAddress, "5 B AVE|1"), (IdKind::Phone, "+9")]),
    ];
    let g = build(subjects);
    assert!(g.clusters().is_empty(), "{:?}", g.clusters());
    // A family does not share an SSN: that still links.
    let mut s2 = vec![
        subject("A", "Ann Lee", 1, &[home, (IdKind::Ssn, "fp:1")]),
        subject("B", "Bo Lee", 1, &[home, (IdKind::Ssn, "fp:1")]),
    ];
    s2.push(subject("Z", "Zed Zed", 0, &[]));
    let c = build(s2).clusters();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, ClusterKind::SharedIdentity);
}

#[test]
fn a_public_ip_links_nobody_and_weak_links_need_company() {
    // Forty people on one coffee-shop IP on one day.
    let mut subjects: Vec<SubjectIn> =
        (0..40).map(|i| subject(&format!("P{i:02}"), "x", 0, &[(IdKind::IpDay, "8.8.8.8@1")])).collect();
    // Two strangers on one home IP on two days: 2 × 3 bits; on one day only: 3 bits.
    subjects.push(subject("X1", "x", 0, &[(IdKind::IpDay, "9.9.9.9@1"), (IdKind::IpDay, "9.9.9.9@2")]));
    subjects.push(subject("X2", "x", 0, &[(IdKind::IpDay, "9.9.9.9@1"), (IdKind::IpDay, "9.9.9.9@2")]));
    subjects.push(subject("Y1", "x", 0, &[(IdKind::IpDay, "7.7.7.7@1")]));
    subjects.push(subject("Y2", "x", 0, &[(IdKind::IpDay, "7.7.7.7@1")]));
    let g = build(subjects);
    let c = g.clusters();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(keys(&g, &c[0].members), ["X1", "X2"]);
    assert_eq!(c[0].kind, ClusterKind::SharedNetwork);
    assert!(c[0].links.iter().all(|l| l.pair_bits == Some(6.0)));
}

#[test]
fn fuzzy_links_use_blocks_and_say_why() {
    // Similar names under one birth date are weak alone; with a shared IP day they link.
    let ip = [(IdKind::IpDay, "9.9.9.9@1")];
    let mut a = subject("A", "Jon Smith", 0, &ip);
    let mut b = subject("B", "John Smith", 0, &ip);
    let mut c = subject("C", "Jane Doe", 0, &[]);
    for (s, name) in [(&mut a, "Jon Smith"), (&mut b, "John Smith"), (&mut c, "Jane Doe")] {
        s.fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block: 19_800_101, text: name.into() });
    }
    // Same name in another block (another birth date): never compared.
    let mut d = subject("D", "John Smith", 0, &ip);
    d.fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block: 19_900_101, text: "John Smith".into() });
    let g = build(vec![a, b, c, d]);
    let cl = g.clusters();
    assert_eq!(cl.len(), 1);
    assert_eq!(keys(&g, &cl[0].members), ["A", "B"]);
    assert_eq!(cl[0].kind, ClusterKind::SharedIdentity);
    let name = cl[0].links.iter().find(|l| l.kind == IdKind::FuzzyName).expect("name link");
    assert!(name.reason().contains("similar name"), "{}", name.reason());
    let named = |key: &str, name: &str| {
        let mut s = subject(key, name, 0, &[]);
        s.fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block: 19_800_101, text: name.into() });
        s
    };
    let alone = build(vec![named("A", "Jon Smith"), named("B", "John Smith")]);
    assert!(alone.clusters().is_empty());
}

fn population(n: usize, seed: u64) -> Vec<Row> {
    let mut rows = Vec::new();
    synth::generate(&Params::new(n, seed), |r| rows.push(r));
    rows
}

#[test]
fn adding_one_subject_touches_only_its_components_and_matches_a_full_build() {
    let rows = population(3000, 11);
    let (head, tail) = rows.split_at(rows.len() - 40);
    let (mut g, full_visit) = Graph::build(GraphConfig::default(), head.iter().map(Row::subject));
    assert_eq!(full_visit.subjects, head.len());
    for r in tail {
        let v = g.add(r.subject());
        assert!(v.subjects < 40, "one addition visited {} subjects", v.subjects);
        assert!(v.subjects >= 1);
    }
    // A subject joining a known farm: the visit is the farm plus the newcomer.
    let farm = g.clusters().into_iter().find(|c| c.kind == ClusterKind::LaptopFarm).expect("a farm");
    let member = g.key(farm.members[0]).to_string();
    let row = rows.iter().find(|r| r.id == member).expect("row");
    let mut newcomer = row.clone();
    newcomer.id = "NEW".into();
    newcomer.phone = "+19999999999".into();
    newcomer.email = "new@x.test".into();
    newcomer.bank = "acct-new".into();
    newcomer.ssn = "ssn-new".into();
    newcomer.device = "SN-new".into();
    newcomer.github = String::new();
    newcomer.household = 0;
    let v = g.add(newcomer.subject());
    assert!(v.subjects > farm.members.len() && v.subjects < 60, "{v:?}");
    let new_idx = g.index_of("NEW").expect("added");
    assert!(g.component(new_idx).contains(&farm.members[0]));
    // Same result as building everything at once.
    let mut all: Vec<SubjectIn> = rows.iter().map(Row::subject).collect();
    all.push(newcomer.subject());
    let whole = build(all);
    let mut inc: Vec<(String, String)> =
        g.clusters().into_iter().map(|c| (c.id, c.kind.as_str().to_string())).collect();
    let mut full: Vec<(String, String)> =
        whole.clusters().into_iter().map(|c| (c.id, c.kind.as_str().to_string())).collect();
    inc.sort();
    full.sort();
    assert_eq!(inc, full);
    let members = |g: &Graph| {
        let mut v: Vec<Vec<String>> = g.clusters().iter().map(|c| keys(g, &c.members)).collect();
        v.sort();
        v
    };
    assert_eq!(members(&g), members(&whole));
}

#[test]
fn ids_are_stable_across_runs_with_shuffled_input() {
    let rows = population(2000, 5);
    let a = build(rows.iter().map(Row::subject).collect());
    let mut shuffled = rows.clone();
    let mut rng = synth::Rng::new(99);
    for i in (1..shuffled.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        shuffled.swap(i, j);
    }
    let b = build(shuffled.iter().map(Row::subject).collect());
    let view = |g: &Graph| {
        let mut v: Vec<(String, &'static str, Vec<String>, usize)> =
            g.clusters().iter().map(|c| (c.id.clone(), c.kind.as_str(), keys(g, &c.members), c.links.len())).collect();
        v.sort();
        v
    };
    assert!(!view(&a).is_empty());
    assert_eq!(view(&a), view(&b));
}

#[test]
fn the_synthetic_truth_is_mostly_recovered() {
    let rows = population(20_000, 3);
    let g = build(rows.iter().map(Row::subject).collect());
    let labels = g.labels();
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for i in 0..rows.len() {
        for j in (i + 1)..rows.len().min(i + 12) {
            let same_truth = rows[i].truth != 0 && rows[i].truth == rows[j].truth;
            let same_pred = labels[i] == labels[j];
            match (same_truth, same_pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    assert!(precision > 0.9 && recall > 0.9, "precision {precision:.3} recall {recall:.3}");
}

#[test]
fn propagation_follows_strong_links_with_a_path() {
    let subjects = vec![
        subject("BAD", "x", 0, &[(IdKind::BankAccount, "fp:1")]),
        subject("B", "y", 0, &[(IdKind::BankAccount, "fp:1"), (IdKind::Phone, "+5")]),
        subject("C", "z", 0, &[(IdKind::Phone, "+5")]),
        subject("D", "w", 0, &[]),
    ];
    let g = build(subjects);
    let bad = g.index_of("BAD").expect("bad");
    let p = propagate(&g.clusters(), &[(bad, 4.0)], 5.0, 3);
    assert_eq!(p.len(), 2);
    let b = p.iter().find(|x| g.key(x.subject) == "B").expect("B gains");
    assert!((b.bits - 4.0).abs() < 1e-6, "a direct shared account carries the full weight");
    let c = p.iter().find(|x| g.key(x.subject) == "C").expect("C gains");
    assert!(c.bits < b.bits && c.bits > 0.0);
    assert_eq!(
        c.path.iter().map(|(s, k)| (g.key(*s), *k)).collect::<Vec<_>>(),
        [("B", IdKind::BankAccount), ("C", IdKind::Phone)]
    );
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The identifier graph through the whole pipeline: a laptop farm (one door, one
//! residential IP, one label misspelt) is one `laptop_farm` cluster; a couple and a
//! family sharing a home and a router is no cluster; links say why; subjects
//! linked to a critical one gain H6 with the path; ids survive a re-run.

use std::path::{Path, PathBuf};

use bonafide_engine::{Config, ScanOutcome, ScanRequest, scan};

fn request(paths: Vec<PathBuf>) -> ScanRequest {
    ScanRequest::new(paths, bonafide_intel::Keyring::from_bytes([3; 32]))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn org(dir: &Path) {
    write(
        dir,
        "people.csv",
        "subject_id,kind,full_name,address_line1,city,region,postal_code,country,hire_date,github\n\
         F1,employee,Ann Lee,1 Elm St,Springfield,IL,62701,US,2025-03-03,farm-dev\n\
         F2,employee,Raj Patel,2 Pine St,Springfield,IL,62702,US,2025-03-03,\n\
         F3,employee,Tom Berg,3 Ash St,Springfield,IL,62703,US,2025-03-03,\n\
         F4,employee,Kim Ode,4 Oak St,Springfield,IL,62704,US,2025-03-03,\n\
         H1,employee,Mia Kim,12 Oak St,Springfield,IL,62701,US,2025-03-03,\n\
         H2,employee,Leo Kim,12 Oak St,Springfield,IL,62701,US,2025-03-03,\n\
         H3,employee,Sue Kim,12 Oak St,Springfield,IL,62701,US,2025-03-03,\n\
         P1,employee,Ada Stone,7 Lake Dr,Springfield,IL,62705,US,2025-03-03,ops-one\n\
         P2,employee,Bea Flint,8 Lake Dr,Springfield,IL,62706,US,2025-03-03,ops-one\n\
         R1,employee,Cal Reed,30 Hill Rd,Springfield,IL,62707,US,2025-03-03,farm-dev\n",
    );
    // F4's label misspells the farm's street: only a fuzzy link can join it by the door.
    write(
        dir,
        "shipments.csv",
        "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,city,region,postal_code,country,status,signed_by\n\
         F1,2025-03-01,S1,SN-F1,Ann Lee,9 Farmington Road,Springfield,IL,62701,US,delivered,\n\
         F2,2025-03-01,S2,SN-F2,Raj Patel,9 FARMINGTON RD,Springfield,IL,62701,US,delivered,\n\
         F3,2025-03-02,S3,SN-F3,Tom Berg,9 Farmington Rd.,Springfield,IL,62701,US,delivered,\n\
         F4,2025-03-02,S4,SN-F4,Kim Ode,9 Farmingtom Rd,Springfield,IL,62701,US,delivered,\n\
         H1,2025-03-01,S5,SN-H1,Mia Kim,12 Oak Street,Springfield,IL,62701,US,delivered,\n\
         H2,2025-03-01,S6,SN-H2,Leo Kim,12 Oak St,Springfield,IL,62701,US,delivered,\n\
         H3,2025-03-01,S7,SN-H3,Sue Kim,12 Oak St,Springfield,IL,62701,US,delivered,\n",
    );
    write(
        dir,
        "ipintel.csv",
        "cidr,kind,asn,as_org,country,region,city,latitude,longitude,label\n\
         73.1.1.0/24,residential,7922,Comcast,US,Illinois,Springfield,39.78,-89.65,\n",
    );
    let mut signins = String::from("account,at,ip,result,country,region,city\n");
    for (who, ip) in [("F1", "73.1.1.1"), ("F2", "73.1.1.1"), ("F3", "73.1.1.1"), ("F4", "73.1.1.1")]
        .into_iter()
        .chain([("H1", "73.1.1.9"), ("H2", "73.1.1.9"), ("H3", "73.1.1.9")])
    {
        for day in 10..13 {
            signins.push_str(&format!("{who},2025-03-{day}T15:00:00Z,{ip},success,US,Illinois,Springfield\n"));
        }
    }
    write(dir, "signins.csv", &signins);
    write(
        dir,
        "accounts.csv",
        "subject_id,source,account\nF1,signins,F1\nF2,signins,F2\nF3,signins,F3\nF4,signins,F4\nH1,signins,H1\nH2,signins,H2\nH3,signins,H3\n",
    );
}

fn id_of(o: &ScanOutcome, s: bonafide_core::SubjectIdx) -> String {
    o.subjects[s.index()].id.clone()
}

fn members(o: &ScanOutcome) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = o
        .clusters
        .iter()
        .map(|c| {
            let mut m: Vec<String> = c.subjects.iter().map(|s| id_of(o, *s)).collect();
            m.sort();
            (c.kind.clone(), m)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_farm_is_one_cluster_and_a_family_is_none() {
    let dir = tempfile::tempdir().unwrap();
    org(dir.path());
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine);
    let got = members(&o);
    let farm = got.iter().find(|(_, m)| m.contains(&"F1".to_string())).expect("a farm cluster");
    assert_eq!(farm.1, ["F1", "F2", "F3", "F4", "R1"], "{got:?}");
    assert_eq!(farm.0, "laptop_farm", "{got:?}");
    assert!(got.iter().all(|(_, m)| !m.iter().any(|x| x.starts_with('H'))), "a family is no cluster: {got:?}");
    // Every link says why and what it is worth.
    let c = o.clusters.iter().find(|c| c.kind == "laptop_farm").unwrap();
    assert!(c.links.iter().all(|l| l.reason.as_deref().is_some_and(|r| r.contains("bits")) && l.bits.is_some()));
    assert!(c.links.iter().any(|l| l.kind == "similar_address"), "the misspelt door: {:?}", c.links);
    // F4's door is misspelt, so the shipping detector's C2 does not name F4: the graph's
    // C2 does, once, for the cluster.
    let c2: Vec<_> = o.findings.iter().filter(|f| f.indicator == "C2").collect();
    assert!(c2.iter().any(|f| f.subjects.iter().any(|s| id_of(&o, *s) == "F4")), "{c2:?}");
    // The graph's summary names the cluster and the identifier in words, not codes.
    let graph_c2 = c2.iter().find(|f| f.summary.starts_with("Cluster ")).expect("the graph's C2");
    assert!(graph_c2.summary.contains("(Laptop farm)") && !graph_c2.summary.contains('_'), "{}", graph_c2.summary);
    for s in ["F1", "F2", "F3"] {
        let n = c2.iter().filter(|f| f.subjects.iter().any(|x| id_of(&o, *x) == s)).count();
        assert!(n >= 1);
    }
    // One GitHub handle under two names: a persona ring (H7), not a farm.
    let ring = got.iter().find(|(_, m)| m.contains(&"P1".to_string())).expect("the ring");
    assert_eq!(ring.1, ["P1", "P2"]);
    assert_eq!(ring.0, "persona_ring");
    let h7 = o.findings.iter().find(|f| f.indicator == "H7").expect("H7");
    assert_eq!(h7.subjects.len(), 2);
    assert!(h7.summary.contains("GitHub account"), "{}", h7.summary);
}

#[test]
fn cluster_ids_survive_a_rerun_and_propagation_shows_its_path() {
    let dir = tempfile::tempdir().unwrap();
    org(dir.path());
    let a = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    let b = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    let ids = |o: &ScanOutcome| o.clusters.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    // Whoever is critical passes bits to the others of its cluster, with the path.
    let critical: Vec<usize> =
        (0..a.subjects.len()).filter(|&i| a.scores[i].band == bonafide_core::Band::Critical).collect();
    let bands: Vec<(String, u8, &str)> = (0..a.subjects.len())
        .map(|i| (id_of(&a, bonafide_core::SubjectIdx(i as u32)), a.scores[i].score, a.scores[i].band.as_str()))
        .collect();
    assert!(
        a.clusters.iter().any(|c| c.subjects.iter().any(|s| critical.contains(&s.index()))),
        "the farm is critical: {bands:?}"
    );
    let mut gained = 0;
    for c in &a.clusters {
        let has_seed = c.subjects.iter().any(|s| critical.contains(&s.index()));
        for s in &c.subjects {
            let h6 = a.scores[s.index()].contributions.iter().find(|x| x.indicator == "H6");
            if has_seed && !critical.contains(&s.index()) {
                let h6 = h6.unwrap_or_else(|| panic!("{} gains nothing", id_of(&a, *s)));
                assert!(h6.bits > 0.0 && h6.via.as_deref().is_some_and(|v| v.contains('→')), "{h6:?}");
                gained += 1;
            }
            if !has_seed {
                assert!(h6.is_none());
            }
        }
    }
    assert!(gained > 0, "{bands:?}");
}

#[test]
fn every_farm_of_the_simulated_fleet_is_one_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = 400u64;
    let w = bonafide_sim::fleet::write_fleet(dir.path(), hosts, 1, 7).unwrap();
    assert!(w.farms >= 8);
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    // The simulator's farms: host h is in one when h % FARM_EVERY == 7, at door
    // `9 + (h / FARM_EVERY) % 4` Farm Rd.
    let mut doors: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    for h in (0..hosts).filter(|h| h % bonafide_sim::fleet::FARM_EVERY == 7) {
        doors.entry(9 + (h / bonafide_sim::fleet::FARM_EVERY) % 4).or_default().push(format!("W{h:06}"));
    }
    let mut want: Vec<Vec<String>> = doors.into_values().filter(|m| m.len() >= 2).collect();
    want.sort();
    let mut got: Vec<Vec<String>> =
        members(&o).into_iter().filter(|(k, _)| k == "laptop_farm").map(|(_, m)| m).collect();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(o.clusters.len(), want.len(), "no other cluster among ordinary workers: {:?}", members(&o));
}

/// What `bonafide indicators` calls detected covers everything a scan raised, the graph
/// stage's findings (H6, C2 for a misspelt door) included.
#[test]
fn every_finding_is_of_an_indicator_this_version_declares_detected() {
    let dir = tempfile::tempdir().unwrap();
    org(dir.path());
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    let raised: std::collections::BTreeSet<&str> = o.findings.iter().map(|f| f.indicator.as_str()).collect();
    assert!(raised.contains("H6") && raised.len() > 3, "{raised:?}");
    let undeclared: Vec<&&str> =
        raised.iter().filter(|i| !bonafide_engine::detected_indicators().contains(**i)).collect();
    assert!(undeclared.is_empty(), "raised but not declared: {undeclared:?}");
    let json = bonafide_engine::catalog_json();
    let flag =
        |id: &str| json["indicator"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["detected"].clone();
    assert_eq!(flag("H6"), serde_json::json!(true));
    let catalog = bonafide_core::Catalog::builtin();
    let not: Vec<&str> = catalog
        .indicators
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| !bonafide_engine::detected_indicators().contains(id))
        .collect();
    for id in &not {
        assert_eq!(flag(id), serde_json::json!(false), "{id}");
    }
}

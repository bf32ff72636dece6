#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sanctions lists inside a scan: read in the lists phase, OFAC folders joined as one
//! list, S1/S2/S3 raised on subjects, bad list rows quarantined with their line.

use std::path::{Path, PathBuf};

use bonafide_core::testdata::shared;
use bonafide_engine::{Config, ScanOutcome, ScanRequest};

fn scan(paths: Vec<PathBuf>, config: &Config) -> ScanOutcome {
    let req = ScanRequest::new(paths, bonafide_intel::Keyring::from_bytes([1; 32]));
    bonafide_engine::scan(config, req).unwrap()
}

const PEOPLE: &str = "subject_id,full_name,aliases,email,date_of_birth,vendor,vendor_domain,website,id_doc_type,id_doc_number\n\
E1,Sang-man Kim,,smk@example.com,1965-04-25,,,,,\n\
E2,Jane Roe,,jane@example.com,1990-01-01,Chinyong Information Technology Cooperation Co.,,,,\n\
E3,John Smith,,john@silverstarchina.com,1985-03-03,,,,,\n\
E4,Ann Lee,,ann@example.com,1988-08-08,Acme Staffing,silverstarchina-group.com,,,\n\
E5,Bob Brown,,bob@example.com,1970-07-07,Globex,globex.com,https://bob.example.org,passport,X1234567\n\
E6,Carl Doe,,carl@example.com,1971-07-07,,,,passport,109 420 132\n";

fn ids(o: &ScanOutcome, id: &str) -> Vec<String> {
    let i = o.subjects.iter().position(|s| s.id == id).unwrap();
    let mut v: Vec<String> =
        o.findings_of(bonafide_core::SubjectIdx(i as u32)).iter().map(|f| f.indicator.clone()).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_scan_reads_lists_and_screens_subjects() {
    let Some(sdn) = shared("sanctions/sdn_2024-05-03.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), PEOPLE).unwrap();
    let o = scan(vec![dir.path().to_path_buf(), sdn], &Config::default());
    let list = o.inputs.iter().find(|i| i.format.as_deref() == Some("ofac")).unwrap();
    assert_eq!((list.records, list.quarantined, list.skipped.as_deref()), (14965, 0, None));
    assert_eq!(ids(&o, "E1"), ["S1"]);
    assert_eq!(ids(&o, "E2"), ["S1"]);
    assert_eq!(ids(&o, "E3"), ["S2"]);
    // A vendor domain imitating a seized one: S3, and A14 (the vendor's domain).
    assert_eq!(ids(&o, "E4"), ["A14", "S3"]);
    assert!(ids(&o, "E5").is_empty());
    // KIM Sang Man's listed passport, compared by fingerprint and never shown.
    assert_eq!(ids(&o, "E6"), ["S2"]);
    let text = serde_json::to_string(&o.findings).unwrap();
    assert!(!text.contains("109420132") && !text.contains("109 420 132"));
    assert!(text.contains("****0132"));
    let e2 = o.findings.iter().find(|f| f.indicator == "S1" && f.summary.contains("Vendor")).unwrap();
    assert!(e2.summary.contains("43379"), "{}", e2.summary);
    assert!(o.lists.iter().any(|l| l.contains("14965 entries")), "{:?}", o.lists);
}

/// A reference on a seized domain is S2's exact match; it does not also "imitate" the
/// seized domain next to it on the list (jinyang.asia and jinyang.services are both
/// seized), and the domain's echoes (A4) count once with it.
#[test]
fn a_seized_domain_is_not_also_a_look_alike_of_its_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), "subject_id,full_name\nE1,Ann Lee\n").unwrap();
    std::fs::write(
        dir.path().join("references.csv"),
        "subject_id,name,email,company,company_domain,verified\nE1,Jim Moe,jim@jinyang.asia,Jinyang,jinyang.asia,false\n",
    )
    .unwrap();
    let o = scan(vec![dir.path().to_path_buf()], &Config::default());
    let got = ids(&o, "E1");
    assert!(got.contains(&"S2".to_string()) && !got.contains(&"S3".to_string()), "{got:?}");
    let score = &o.scores[0];
    let echoes: Vec<_> = score.contributions.iter().filter(|c| c.indicator != "S2").collect();
    assert!(echoes.iter().all(|c| c.via.as_deref().is_some_and(|v| v.contains("published_domain"))), "{echoes:?}");
}

/// A person's name that matches with nothing to confirm it (a reference screened by
/// name alone, a subject with no date of birth) is for review, not a case; the same name
/// with an agreeing date of birth keeps S1's full weight.
#[test]
fn a_name_alone_is_for_review_a_confirmed_name_is_a_case() {
    let Some(sdn) = shared("sanctions/sdn_2024-05-03.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,date_of_birth\nE1,Sang-man Kim,1965-04-25\nE2,Sang-man Kim,\nE3,Ann Lee,\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("references.csv"), "subject_id,name,company\nE3,Kim Sang Man,Acme\n").unwrap();
    let o = scan(vec![dir.path().to_path_buf(), sdn], &Config::default());
    let s1 = |id: &str| {
        let i = o.subjects.iter().position(|s| s.id == id).unwrap();
        o.findings_of(bonafide_core::SubjectIdx(i as u32)).into_iter().find(|f| f.indicator == "S1").cloned().unwrap()
    };
    let full = Config::default().scoring.tier_bits.t1;
    assert_eq!(s1("E1").weight_bits, full);
    assert!(!s1("E1").summary.contains("name only"));
    for id in ["E2", "E3"] {
        let f = s1(id);
        assert_eq!(f.weight_bits, 1.5, "{id}: {}", f.summary);
        assert!(f.summary.contains("name only"), "{}", f.summary);
        assert_ne!(o.scores[o.subjects.iter().position(|s| s.id == id).unwrap()].band, bonafide_core::Band::Critical);
    }
}

#[test]
fn an_ofac_folder_is_one_list_and_orphans_are_quarantined() {
    let Some(small) = shared("sanctions/ofac_small") else { return };
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("ofac");
    std::fs::create_dir(&lists).unwrap();
    for f in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(small.join(f), lists.join(f)).unwrap();
    }
    // An alias row for an entity this folder's sdn.csv does not have.
    let mut alt = std::fs::read(lists.join("alt.csv")).unwrap();
    alt.extend_from_slice(b"999999,1,\"aka\",\"NOBODY\",-0- \r\n");
    std::fs::write(lists.join("alt.csv"), alt).unwrap();
    std::fs::write(dir.path().join("people.csv"), "subject_id,full_name\nE1,Elvis Angus Logan Morey\n").unwrap();
    let mut config = Config::default();
    config.detect.s1.all_programs = true;
    let o = scan(vec![dir.path().to_path_buf()], &config);
    let ofac: Vec<_> = o.inputs.iter().filter(|i| i.format.as_deref() == Some("ofac")).collect();
    assert_eq!(ofac.len(), 4);
    let alt = ofac.iter().find(|i| i.path.ends_with("alt.csv")).unwrap();
    // The real excerpt has five alias rows of entities it does not include, plus ours.
    assert_eq!(alt.quarantined, 6);
    let q = o.quarantine.iter().find(|q| q.reason.contains("999999")).unwrap();
    assert_eq!(o.sources.display(&q.pos), format!("{}:{}", Path::new(&alt.path).display(), q.pos.line));
    assert_eq!(o.lists.iter().filter(|l| l.starts_with("ofac")).count(), 1, "{:?}", o.lists);
    assert_eq!(ids(&o, "E1"), ["S1"]);
}

#[test]
fn the_corrupted_file_is_quarantined_with_its_line() {
    let Some(bad) = shared("sanctions/ofac_invalid/sdn.csv") else { return };
    let o = scan(vec![bad], &Config::default());
    let i = &o.inputs[0];
    assert_eq!((i.records, i.quarantined), (7379, 1));
    let q = &o.quarantine[0];
    assert_eq!(q.pos.line, 7380);
    assert!(q.reason.contains("expected 12 fields"), "{}", q.reason);
}

#[test]
fn un_and_opensanctions_files_are_read() {
    let (Some(un), Some(ftm)) =
        (shared("sanctions/un_consolidated.xml"), shared("sanctions/opensanctions_sample.ftm.json"))
    else {
        return;
    };
    let o = scan(vec![un, ftm], &Config::default());
    let formats: Vec<(&str, u64)> = o.inputs.iter().map(|i| (i.format.as_deref().unwrap_or(""), i.records)).collect();
    assert_eq!(formats, [("un", 1003), ("ftm", 7)]);
}

#[test]
fn lists_for_the_screen_command() {
    let Some(small) = shared("sanctions/ofac_small") else { return };
    let loaded = bonafide_engine::lists::load(&[small], &Default::default()).unwrap();
    assert_eq!(loaded.files.len(), 4);
    // The real excerpt keeps add/alt rows of entities it does not include: reported.
    assert_eq!(loaded.problems.len(), 9, "{:?}", loaded.problems);
    assert!(loaded.problems.iter().all(|p| p.contains("is in no sdn.csv of this list")));
    assert_eq!(
        loaded.screening.entries().iter().filter(|e| e.list == Some(bonafide_intel::sanctions::ListKind::Ofac)).count(),
        17
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), "subject_id,full_name\nE1,A\n").unwrap();
    let err = bonafide_engine::lists::load(&[dir.path().to_path_buf()], &Default::default()).unwrap_err();
    assert!(err.to_string().contains("not a list"), "{err}");
}

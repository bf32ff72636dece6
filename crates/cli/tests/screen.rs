#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end: `bonafide screen` on the real lists.

use std::path::Path;
use std::process::{Command, Output};

use bonafide_core::testdata::shared;
use serde_json::Value;

fn bonafide(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(args)
        .current_dir(dir)
        .env("BONAFIDE_KEY_FILE", dir.join("secret.key"))
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn json_is_one_object_per_query_as_the_contract_says() {
    let Some(sdn) = shared("sanctions/sdn_2024-05-03.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("names.txt"), "# vendors to check\nAlis LLC\n\nMaria Lopez Garcia\n").unwrap();
    let out = bonafide(
        dir.path(),
        &[
            "screen",
            "--list",
            sdn.to_str().unwrap(),
            "--json",
            "--file",
            "names.txt",
            "Chinyong Information Technology Cooperation Co.",
            "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = lines(&out);
    let queries: Vec<&str> = v.iter().map(|o| o["query"].as_str().unwrap()).collect();
    assert_eq!(
        queries,
        [
            "Chinyong Information Technology Cooperation Co.",
            "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40",
            "Alis LLC",
            "Maria Lopez Garcia"
        ]
    );
    let first = &v[0]["matches"][0];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5, "exactly the contract's fields: {keys:?}");
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(
        raw.starts_with("{\"query\":\"Chinyong Information Technology Cooperation Co.\",\"matches\":[{\"list\":\"ofac\",\"entry_id\":\"43379\",\"name\":\"CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY\",\"score\":1.0,\"program\":\"DPRK2\"}"),
        "{raw}"
    );
    assert_eq!(first["list"], "ofac");
    assert_eq!(first["entry_id"], "43379");
    assert_eq!(first["program"], "DPRK2");
    assert!(first["score"].as_f64().unwrap() >= 0.99);
    assert_eq!(v[1]["matches"][0]["entry_id"], "43377");
    assert_eq!(v[1]["matches"][0]["score"], 1.0);
    assert_eq!(v[2]["matches"][0]["name"], "LIMITED LIABILITY COMPANY ALIS");
    assert_eq!(v[3]["matches"].as_array().unwrap().len(), 0);
    // Scores are best first and at or above the threshold.
    for o in &v {
        let scores: Vec<f64> = o["matches"].as_array().unwrap().iter().map(|m| m["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores.iter().all(|s| *s >= 0.88), "{scores:?}");
    }
}

#[test]
fn min_score_and_explain() {
    let Some(sdn) = shared("sanctions/sdn_2024-05-03.csv") else { return };
    let dir = tempfile::tempdir().unwrap();
    let list = sdn.to_str().unwrap();
    let strict =
        lines(&bonafide(dir.path(), &["screen", "--list", list, "--json", "--min-score", "0.99", "Kim Sang Mann"]));
    assert!(strict[0]["matches"].as_array().unwrap().is_empty());
    let loose = lines(&bonafide(
        dir.path(),
        &["screen", "--list", list, "--json", "--explain", "--min-score", "0.8", "Kim Sang Mann"],
    ));
    let m = &loose[0]["matches"][0];
    assert_eq!(m["entry_id"], "43377");
    assert!(m["pairs"].as_array().unwrap().len() == 3, "{m}");
    let bad = bonafide(dir.path(), &["screen", "--list", list, "--min-score", "2", "x"]);
    assert!(!bad.status.success());
    let text = bonafide(dir.path(), &["screen", "--list", list, "--explain", "Alis LLC"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("48260") && text.contains("(as ALIS LLC)") && text.contains("North Korea: program DPRK2"),
        "{text}"
    );
}

#[test]
fn a_newer_list_and_who_now_matches() {
    let (Some(old), Some(new)) = (shared("sanctions/ofac_2021"), shared("sanctions/sdn_2024-05-03.csv")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,vendor\nE1,Jane Roe,jane@example.com,Chinyong Information Technology Cooperation Co.\nE2,John Smith,john@example.com,Acme\n",
    )
    .unwrap();
    let scan = bonafide(dir.path(), &["scan", "people.csv", "--db", "b.db", "--quiet"]);
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let out = bonafide(
        dir.path(),
        &["screen", "--diff", old.to_str().unwrap(), new.to_str().unwrap(), "--db", "b.db", "--json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = &lines(&out)[0];
    let added = v["added"].as_array().unwrap();
    assert!(added.iter().any(|e| e["entry_id"] == "43379"));
    assert!(added.len() > 5000, "{}", added.len());
    assert!(!v["removed"].as_array().unwrap().is_empty());
    let now = v["now_matching"].as_array().unwrap();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(now[0]["subject_id"], "E1");
    assert_eq!(now[0]["matches"][0]["entry_id"], "43379");
    assert_eq!(now[0]["matches"][0]["field"], "vendor");
    let text =
        bonafide(dir.path(), &["screen", "--diff", old.to_str().unwrap(), new.to_str().unwrap(), "--db", "b.db"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("added") && text.contains("E1 Jane Roe") && text.contains("43379"), "{text}");
}

/// Benign confounder at scale: the example organisation (employees with Korean and
/// Chinese names among them) scanned with every real list gives no screening finding.
#[test]
fn the_example_organisation_is_clear_of_every_list() {
    let Some(lists) = shared("sanctions") else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = bonafide(
        dir.path(),
        &["scan", repo.join("examples/small").to_str().unwrap(), lists.to_str().unwrap(), "--out", "out", "--quiet"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap()).unwrap();
    let lists_read = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| ["ofac", "un", "ftm"].contains(&i["format"].as_str().unwrap_or("")))
        .count();
    assert_eq!(lists_read, 12);
    for s in report["subjects"].as_array().unwrap() {
        for f in s["findings"].as_array().unwrap() {
            assert!(!f["indicator"].as_str().unwrap().starts_with('S'), "{}: {f}", s["subject_id"]);
        }
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end: the real `bonafide` binary on real files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

mod common;
use common::{Run, bonafide, git};

fn scan(paths: &[&Path], extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["scan".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), "out".into(), "--db".into(), "bonafide.db".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    bonafide(&refs)
}

fn indicators_by_subject(report: &Value) -> BTreeMap<String, Vec<String>> {
    report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut ids: Vec<String> = s["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["indicator"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            (s["subject_id"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

#[test]
fn the_example_finds_what_its_story_says() {
    let run = scan(&[&repo().join("examples/small")], &[]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    assert_eq!(r["schema"], "bonafide.report/1");
    let got = indicators_by_subject(&r);
    let want: BTreeMap<&str, Vec<&str>> = [
        ("E1001", vec![]),
        ("E1002", vec![]),
        ("E1003", vec!["D1"]),
        ("E1004", vec![]),
        ("E1005", vec![]),
        ("E1006", vec![]),
        ("E1007", vec!["D1", "D4"]),
        ("E1008", vec!["D3", "D4", "D6"]),
        ("E1009", vec!["D3", "D4", "D6"]),
        ("E1010", vec!["D3", "D4", "D6"]),
        ("E1011", vec![]),
        ("E1012", vec!["D2", "D4", "F1"]),
        ("E1013", vec![]),
        ("E1014", vec![]),
        ("E1015", vec![]),
        ("A2001", vec![]),
        ("okta:m.okafor@partner.example", vec![]),
    ]
    .into_iter()
    .collect();
    let got_ref: BTreeMap<&str, Vec<&str>> =
        got.iter().map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect())).collect();
    assert_eq!(got_ref, want);

    // Ranked from the highest score down; bands as the tiers promise.
    let subjects = r["subjects"].as_array().unwrap();
    let scores: Vec<u64> = subjects.iter().map(|s| s["score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let band =
        |id: &str| subjects.iter().find(|s| s["subject_id"] == id).unwrap()["band"].as_str().unwrap().to_string();
    for id in ["E1007", "E1008", "E1009", "E1010", "E1012"] {
        assert!(matches!(band(id).as_str(), "high" | "critical"), "{id} is {}", band(id));
    }
    assert_eq!(band("E1003"), "medium", "a privacy-VPN user alone is not a case");
    for id in ["E1001", "E1002", "E1004", "E1005", "E1006", "E1011", "E1013", "E1014", "E1015"] {
        assert_eq!(band(id), "low", "{id}");
    }

    // Every finding carries evidence that points back to a line of an input.
    for s in subjects {
        for f in s["findings"].as_array().unwrap() {
            let ev = f["evidence"].as_array().unwrap();
            assert!(!ev.is_empty(), "{} {} has no evidence", s["subject_id"], f["indicator"]);
            let sourced: Vec<&str> = ev.iter().filter_map(|e| e["source"].as_str()).collect();
            assert!(
                sourced.iter().any(|src| src.contains("okta_system_log.ndjson.gz:")),
                "{} {}: {sourced:?}",
                s["subject_id"],
                f["indicator"]
            );
            assert!(f["title"].as_str().unwrap().len() > 5);
            assert!(matches!(f["tier"].as_str().unwrap(), "T1" | "T2" | "T3"));
        }
    }
    let clusters = r["clusters"].as_array().unwrap();
    assert!(clusters.iter().any(|c| c["subjects"] == serde_json::json!(["E1008", "E1009", "E1010"])));
    assert_eq!(r["inputs"].as_array().unwrap().iter().map(|i| i["quarantined"].as_u64().unwrap()).sum::<u64>(), 0);

    // The terminal table and a self-contained HTML page.
    let stdout = run.stdout();
    assert!(stdout.contains("Kevin Smith") && stdout.contains("rank"), "{stdout}");
    let html = std::fs::read_to_string(run.dir.path().join("out/index.html")).unwrap();
    assert!(html.contains("E1007") && html.contains("okta_system_log.ndjson.gz:"));
    for bad in ["src=\"http", "href=\"http", "src='http", "@import", "<link "] {
        assert!(!html.contains(bad), "the report must work offline: found {bad}");
    }
}

#[test]
fn the_example_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    bonafide_sim::small::write(dir.path()).unwrap();
    for f in ["people.csv", "accounts.csv", "ipintel.csv", "okta_system_log.ndjson.gz", "README.md"] {
        let want = std::fs::read(dir.path().join(f)).unwrap();
        let have = std::fs::read(repo().join("examples/small").join(f)).unwrap();
        assert!(
            want == have,
            "examples/small/{f} is stale: run cargo run -p bonafide-sim --example write_small -- examples/small"
        );
    }
}

#[test]
fn the_run_is_stored_in_the_database() {
    let run = scan(&[&repo().join("examples/small")], &[]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let counts = rt.block_on(async {
        let store = bonafide_store::Store::open(&run.dir.path().join("bonafide.db")).await.unwrap();
        let c = store.counts().await.unwrap();
        // A second open applies no migration twice and keeps the data.
        drop(store);
        let again = bonafide_store::Store::open(&run.dir.path().join("bonafide.db")).await.unwrap();
        assert_eq!(again.counts().await.unwrap(), c);
        c
    });
    let get = |t: &str| counts.iter().find(|(n, _)| n == t).unwrap().1;
    assert_eq!(get("runs"), 1);
    assert_eq!(get("subjects"), 17);
    assert_eq!(get("subject_scores"), 17);
    assert!(get("findings") >= 10);
    assert_eq!(get("clusters"), 1);
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A folder of damaged inputs.
fn damaged() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("people.csv"), "subject_id,full_name,country\nE1,Jane Roe,US\nE2\nE3,Bob,Narnia\n").unwrap();
    let good = r#"{"uuid":"u1","published":"2025-01-01T10:00:00Z","eventType":"user.session.start","actor":{"type":"User","alternateId":"jane@x.io"},"client":{"ipAddress":"1.2.3.4"},"outcome":{"result":"SUCCESS"}}"#;
    let mut okta = String::new();
    okta.push_str(good);
    okta.push('\n');
    okta.push_str("{\"uuid\":\"u2\",\"published\":\"2025-01-01T10:00:00Z\",\"eventType\":\"x\",\n");
    okta.push_str(r#"{"uuid":"u3","published":["not","a","time"],"eventType":"x","actor":{}}"#);
    okta.push('\n');
    okta.push_str(&format!(
        r#"{{"uuid":"u4","published":"2025-01-01T10:00:00Z","eventType":"x","actor":{{}},"pad":"{}"}}"#,
        "x".repeat(10 << 20)
    ));
    okta.push('\n');
    okta.push_str(&good.replace("u1", "u5"));
    okta.push('\n');
    okta.push_str(good); // a duplicate of u1
    okta.push('\n');
    std::fs::write(p.join("okta.ndjson"), &okta).unwrap();
    // A gzip stream cut in half.
    let mut many = String::new();
    for i in 0..2000 {
        many.push_str(&good.replace("\"u1\"", &format!("\"g{i}\"")));
        many.push('\n');
    }
    let compressed = gz(many.as_bytes());
    std::fs::write(p.join("okta-truncated.ndjson.gz"), &compressed[..compressed.len() / 2]).unwrap();
    std::fs::write(p.join("notes.txt"), "meeting notes, nothing to see\n").unwrap();
    std::fs::write(p.join("blob.bin"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    dir
}

#[test]
fn bad_input_is_quarantined_with_a_reason_never_fatal() {
    let d = damaged();
    let run = scan(&[d.path()], &[]);
    assert_eq!(run.code(), 0, "bad input never stops a scan: {}", run.stderr());
    let r = run.report();
    let inputs = r["inputs"].as_array().unwrap();
    let input = |name: &str| inputs.iter().find(|i| i["path"].as_str().unwrap().ends_with(name)).unwrap().clone();
    let people = input("people.csv");
    assert_eq!((people["records"].as_u64(), people["quarantined"].as_u64()), (Some(2), Some(1)));
    assert_eq!(people["field_issues"].as_u64(), Some(1), "Narnia is not a country");
    // Where, which field and why, in the report, the HTML and on the terminal.
    let issues = r["field_issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0]["source"].as_str().unwrap().contains("people.csv:"), "{issues:?}");
    assert!(issues[0]["reason"].as_str().unwrap().contains("Narnia"), "{issues:?}");
    let html = std::fs::read_to_string(run.dir.path().join("out/index.html")).unwrap();
    assert!(html.contains("Unusable fields") && html.contains("Narnia"), "the HTML lists the field issue");
    let stdout = String::from_utf8_lossy(&run.out.stdout);
    assert!(stdout.contains("1 kept without an unusable field") && stdout.contains("Narnia"), "{stdout}");
    let okta = input("/okta.ndjson");
    assert_eq!(okta["records"].as_u64(), Some(2), "{okta}");
    assert_eq!(okta["quarantined"].as_u64(), Some(3), "{okta}");
    assert_eq!(okta["duplicates"].as_u64(), Some(1), "{okta}");
    let cut = input("okta-truncated.ndjson.gz");
    assert!(cut["records"].as_u64().unwrap() > 0, "records before the cut are read: {cut}");
    assert!(cut["quarantined"].as_u64().unwrap() >= 1, "{cut}");
    assert!(cut["error"].as_str().is_some(), "{cut}");
    assert!(input("notes.txt")["skipped"].as_str().is_some());
    assert!(input("blob.bin")["skipped"].as_str().is_some());
    let reasons: Vec<String> =
        r["quarantine"].as_array().unwrap().iter().map(|q| format!("{} {}", q["source"], q["reason"])).collect();
    let all = reasons.join("\n");
    for want in [
        "fields, the header has",
        "invalid JSON",
        "published: invalid type",
        "over the 1048576-byte limit",
        "input ends early",
    ] {
        assert!(all.contains(want), "no quarantine reason like {want:?} in:\n{all}");
    }
    assert!(all.contains("okta.ndjson:2") && all.contains("okta.ndjson:4"), "positions are file:line\n{all}");
}

#[test]
fn strict_turns_quarantine_into_failure() {
    let d = damaged();
    let run = scan(&[d.path()], &["--strict"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("quarantined"), "{}", run.stderr());
    // The report and the stored run are written all the same: they list what was
    // quarantined, which is what the user needs next.
    assert!(run.report()["quarantine"].as_array().is_some_and(|q| !q.is_empty()));
    assert!(run.dir.path().join("bonafide.db").exists());
    let clean = scan(&[&repo().join("examples/small")], &["--strict"]);
    assert_eq!(clean.code(), 0, "{}", clean.stderr());
    // A named path that does not exist is a warning even with -q, and a failure with
    // --strict; the rest is read.
    let small = repo().join("examples/small");
    let typo = scan(&[&small, Path::new("typo_people.csv")], &["-q"]);
    assert_eq!(typo.code(), 0);
    assert!(typo.stderr().contains("typo_people.csv: no such file or folder"), "{}", typo.stderr());
    let typo = scan(&[&small, Path::new("typo_people.csv")], &["-q", "--strict"]);
    assert_eq!(typo.code(), 2, "{}", typo.stderr());
    assert!(typo.report()["subjects"].as_array().is_some_and(|s| !s.is_empty()));
}

/// A database that cannot be opened fails the command before the scan, with one
/// message that says why once; `--from-db` names what it needs.
#[test]
fn a_bad_database_fails_first_and_says_why_once() {
    let small = repo().join("examples/small");
    let run = bonafide(&["scan", &small.display().to_string(), "-q", "--out", "out", "--db", "no/such/dir/x.db"]);
    assert_eq!(run.code(), 1);
    let err = run.stderr();
    assert_eq!(err.matches("unable to open database file").count(), 1, "{err}");
    assert!(err.contains("folder exist"), "{err}");
    assert!(!run.dir.path().join("out").exists(), "failed before scanning");
    let from = bonafide(&["scan", "--from-db", "stored.db", "-q"]);
    assert_eq!(from.code(), 1);
    assert!(from.stderr().contains("--from-db must be a postgres:// URL"), "{}", from.stderr());
}

#[test]
fn no_readable_input_is_an_error_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello\n").unwrap();
    let run = scan(&[dir.path(), Path::new("/nonexistent/bonafide")], &[]);
    assert_eq!(run.code(), 1);
    let err = run.stderr();
    assert!(
        err.contains("no input could be read") && err.contains("notes.txt") && err.contains("cannot open"),
        "{err}"
    );
    assert!(err.contains("bonafide formats") && err.contains("--map"), "an unknown file says what to do: {err}");
    let empty = tempfile::tempdir().unwrap();
    let run = scan(&[empty.path()], &[]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains(&format!("no files found in {}", empty.path().display())), "{}", run.stderr());
}

#[test]
fn real_okta_samples_scan_without_quarantine() {
    let Some(dir) = bonafide_core::testdata::shared("signin/okta") else { return };
    let run = scan(&[&dir], &["--strict"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    let okta: Vec<&Value> = r["inputs"].as_array().unwrap().iter().filter(|i| i["format"] == "okta").collect();
    assert_eq!(okta.len(), 2);
    assert_eq!(okta.iter().map(|i| i["records"].as_u64().unwrap()).sum::<u64>(), 101);
}

#[test]
fn real_ip_lists_classify_the_known_answers() {
    let Some(ipintel) = bonafide_core::testdata::shared("ipintel") else { return };
    let dir = tempfile::tempdir().unwrap();
    let ev = |n: u32, ip: &str, user: &str| {
        format!(
            r#"{{"uuid":"e{n}","published":"2025-03-{:02}T15:00:00Z","eventType":"user.session.start","actor":{{"type":"User","alternateId":"{user}"}},"client":{{"ipAddress":"{ip}","userAgent":{{"browser":"CHROME"}}}},"outcome":{{"result":"SUCCESS"}}}}"#,
            1 + n % 28
        )
    };
    let mut log = String::new();
    for n in 0..10 {
        log.push_str(&ev(n, "52.207.21.207", "cloudy@x.io"));
        log.push('\n');
        log.push_str(&ev(100 + n, "73.63.112.167", "homely@x.io"));
        log.push('\n');
    }
    std::fs::write(dir.path().join("okta.ndjson"), log).unwrap();
    let run = scan(&[dir.path(), &ipintel], &[]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    let got = indicators_by_subject(&r);
    assert_eq!(got["okta:cloudy@x.io"], vec!["D1"], "all sign-ins from Amazon hosting");
    assert!(got["okta:homely@x.io"].is_empty(), "Comcast is residential");
    let cloudy = r["subjects"].as_array().unwrap().iter().find(|s| s["subject_id"] == "okta:cloudy@x.io").unwrap();
    let detail = &cloudy["findings"][0]["evidence"][0]["detail"];
    assert_eq!(detail["network"], "hosting");
    assert!(detail["as_org"].as_str().unwrap().contains("Amazon"), "{detail}");
}

#[test]
fn raw_sensitive_values_never_reach_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let raw_ssn = "078-05-1120";
    let raw_doc = "X99887766";
    let raw_acct = "123456789012";
    let raw_routing = "021000021";
    let raw_iban = "GB82 WEST 1234 5698 7654 32";
    let raw_sort = "40-47-84";
    // Columns the contract does not know, named the way HR exports name them (no
    // separators), and an SSN-shaped value under an innocent name: kept as extras, but
    // only fingerprinted.
    let extra_header = "PassportNumber,SocialSecurityNumber,BankAccountNumber,NationalID,TaxID,reference,notes";
    let extras = ["P55443322", "219-09-9999", "000987654321", "NI7766554", "TX12345678", "536-90-4399"];
    // Numbers typed into free text: kept as notes, with the numbers masked.
    let in_notes = ["234-56-7890", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "345-67-8901"];
    let extra_values = format!("{},prev ssn {}; pays to {} now", extras.join(","), in_notes[0], in_notes[1]);
    std::fs::write(
        dir.path().join("interviews.csv"),
        format!(
            "subject_id,at,medium,notes\n\
             E1,2025-02-01T15:00:00Z,video,\"read his SSN#{} aloud, camera off\"\n",
            in_notes[3]
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("people.csv"),
        format!(
            "subject_id,full_name,ssn,id_doc_number,bank_account_number,date_of_birth,{extra_header}\n\
             E1,Jane Roe,{raw_ssn},{raw_doc},{raw_acct},1990-13-45,{extra_values}\n\
             E2,Jim Roe,{raw_ssn},{raw_doc},,,,,,,,,\nE3,Kim Sang,666-01-2345,,,,,,,,,,\n"
        ),
    )
    .unwrap();
    // Two unrelated payees on one account and one IBAN; a damaged row; a sensitive extra.
    std::fs::write(
        dir.path().join("payroll_changes.csv"),
        format!(
            "subject_id,changed_at,method,account_holder,bank_country,routing_number,account_number,iban,sort_code\n\
             E1,2025-03-01T00:00:00Z,ach,Jane Roe,US,{raw_routing},{raw_acct},,\n\
             E3,2025-03-02T00:00:00Z,ach,Kim Sang,US,{raw_routing},{raw_acct},,\n\
             E1,2025-04-01T00:00:00Z,wise,Jane Roe,,,,{raw_iban},{raw_sort}\n\
             E3,2025-04-02T00:00:00Z,wise,Kim Sang,,,,{raw_iban},{raw_sort}\n\
             E2,not-a-time,ach,,,{raw_routing},{raw_acct},{raw_iban},{raw_sort}\n\
             E2,2025-04-03T00:00:00Z,zelle,,,999999999,{raw_acct}9,GB00{raw_iban},\n"
        ),
    )
    .unwrap();
    // A watchlist of someone removed: their SSN in another spelling, their account, and a
    // passport number under a kind the reader does not take (quarantined without it).
    std::fs::write(
        dir.path().join("watchlist.csv"),
        format!(
            "kind,value,label\nssn,078051120,case 7\nbank_account,{raw_acct},case 7\npassport,{},case 7\n",
            extras[0]
        ),
    )
    .unwrap();
    let run = scan(&[dir.path()], &[]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mut outputs: Vec<(String, Vec<u8>)> =
        vec![("stdout".into(), run.out.stdout.clone()), ("stderr".into(), run.out.stderr.clone())];
    for entry in walk(run.dir.path()) {
        if entry.file_name().is_some_and(|n| n == "secret.key") {
            continue;
        }
        outputs.push((entry.display().to_string(), std::fs::read(&entry).unwrap()));
    }
    assert!(outputs.iter().any(|(n, _)| n.ends_with("bonafide.db")));
    let db = outputs.iter().find(|(n, _)| n.ends_with("bonafide.db")).map(|(_, b)| String::from_utf8_lossy(b));
    assert!(db.is_some_and(|d| d.contains("prev ssn ***-**-7890 (fp:")), "the note is kept, its number masked");
    let compact_iban: String = raw_iban.chars().filter(|c| !c.is_whitespace()).collect();
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        for raw in [
            raw_ssn,
            "078051120",
            raw_doc,
            raw_acct,
            raw_routing,
            raw_iban,
            compact_iban.as_str(),
            raw_sort,
            "404784",
            "666-01-2345",
            "666012345",
            "219099999",
            "536904399",
        ]
        .into_iter()
        .chain(extras)
        .chain(in_notes)
        {
            assert!(!text.contains(raw), "{raw} found in {name}");
        }
    }
    // The findings that used those numbers are there, masked, pointing at their lines.
    let r = run.report();
    let subjects = r["subjects"].as_array().unwrap();
    let findings = |id: &str, ind: &str| -> Vec<Value> {
        let s = subjects.iter().find(|s| s["subject_id"] == id).unwrap();
        s["findings"].as_array().unwrap().iter().filter(|f| f["indicator"] == ind).cloned().collect()
    };
    let finding = |id: &str, ind: &str| findings(id, ind).into_iter().next();
    let g3s = findings("E3", "G3");
    assert_eq!(g3s.len(), 2, "the account and the IBAN: {g3s:?}");
    let g3 = g3s
        .into_iter()
        .find(|f| f["shared"]["kind"] == "bank_account" && f["summary"].as_str().unwrap().starts_with("bank account"))
        .unwrap();
    let ev = &g3["evidence"][0];
    assert!(ev["source"].as_str().unwrap().ends_with("payroll_changes.csv:2"), "{ev}");
    assert!(ev["detail"]["account_number"].as_str().unwrap().starts_with("****9012 (fp:"), "{ev}");
    assert!(g3["shared"]["value"].as_str().unwrap().contains("****"), "{g3}");
    assert!(finding("E1", "A7").is_some() && finding("E3", "A7").is_some(), "shared and never-issued SSNs");
    // The watchlist knows E1 by SSN and account, E3 by the account it is paid into.
    let i14 = finding("E1", "I14").expect("I14 for E1");
    let said = i14["summary"].as_str().unwrap();
    assert!(said.contains("ssn ***-**-1120 (case 7)") && said.contains("bank account ****9012 (case 7)"), "{said}");
    assert!(finding("E3", "I14").is_some(), "paid into the listed account");
    let watch = r["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "watchlist").unwrap().clone();
    assert_eq!((watch["records"].as_u64(), watch["quarantined"].as_u64()), (Some(2), Some(1)), "{watch}");
    let html = std::fs::read_to_string(run.dir.path().join("out/index.html")).unwrap();
    assert!(html.contains("payroll_changes.csv:2") && html.contains("****9012"));
    let payroll = r["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "payroll_changes").unwrap().clone();
    assert_eq!((payroll["records"].as_u64(), payroll["quarantined"].as_u64()), (Some(5), Some(1)), "{payroll}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn column_maps_forced_formats_and_ip_lists() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("hr_export.csv"), "Employee ID,Legal Name,Work Email,Country\nE7,Pat Doe,pat@x.io,US\n")
        .unwrap();
    std::fs::write(
        p.join("map.toml"),
        "[people]\n\"Employee ID\" = \"subject_id\"\n\"Legal Name\" = \"full_name\"\n\"Work Email\" = \"email\"\n",
    )
    .unwrap();
    let mut log = String::new();
    for d in 1..=10 {
        log.push_str(&format!(
            r#"{{"uuid":"v{d}","published":"2025-03-{d:02}T15:00:00Z","eventType":"user.session.start","actor":{{"type":"User","alternateId":"pat@x.io"}},"client":{{"ipAddress":"203.0.113.{d}","userAgent":{{"browser":"CHROME"}}}},"outcome":{{"result":"SUCCESS"}}}}"#
        ));
        log.push('\n');
    }
    std::fs::write(p.join("weird.log"), log).unwrap();
    std::fs::write(p.join("exits.txt"), "203.0.113.0/24\n").unwrap();
    let map = p.join("map.toml");
    let run = scan(
        &[&p.join("hr_export.csv")],
        &[
            "--map",
            map.to_str().unwrap(),
            "--format",
            &format!("okta={}", p.join("weird.log").display()),
            "--ip-list",
            &format!("vpn={}", p.join("exits.txt").display()),
        ],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let got = indicators_by_subject(&run.report());
    assert_eq!(got["E7"], vec!["D1"], "{got:?}");
    let bad = bonafide(&["scan", p.to_str().unwrap(), "--format", "bogus=x"]);
    assert_eq!(bad.code(), 1);
    assert!(bad.stderr().contains("unknown format"));
    let unlabelled = scan(&[&p.join("exits.txt")], &[]);
    assert_eq!(unlabelled.code(), 1, "a bare list without a kind is skipped, and nothing else was given");
    assert!(unlabelled.stderr().contains("--ip-list"), "{}", unlabelled.stderr());
}

#[test]
fn indicators_and_config_reference() {
    let run = bonafide(&["indicators"]);
    assert_eq!(run.code(), 0);
    let text = run.stdout();
    for id in ["A1", "D1", "D6", "E2", "H7", "I14", "S3"] {
        assert!(text.contains(&format!("  {id} ")), "{id} missing");
    }
    let json = bonafide(&["indicators", "--json"]);
    let v: Value = serde_json::from_slice(&json.out.stdout).unwrap();
    assert_eq!(v["indicator"].as_array().unwrap().len(), 69);
    let config = bonafide(&["config"]);
    assert_eq!(config.stdout(), bonafide_engine::config::REFERENCE);
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(bonafide_engine::config::REFERENCE.trim()),
        "README's configuration reference is out of date"
    );
}

#[test]
fn hiring_records_flow_into_findings_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("people.csv"),
        "subject_id,kind,full_name,email,phone,phone_line_type,country,region,idv_result,referred_by,requested_pay,pay_band_mid,currency,vendor,vendor_domain\n\
         A1,applicant,Alex Turner,alex.turner@gmail.com,(202) 555-0143,non_fixed_voip,US,DC,fail,E9,38000,100000,USD,,\n\
         A2,applicant,Brian Cole,brian.cole@outlook.com,202.555.0143,,US,DC,pass,,,,,Silver Star,silverstarchina.com\n\
         E9,employee,Dana Fox,dana.fox@northwind.example,+1 303 555 0199,,US,CO,pass,,,,,,\n\
         E8,employee,Eve Park,eve.park@northwind.example,+1 303 555 0100,,US,CO,resubmitted,,,,,,\n",
    )
    .unwrap();
    std::fs::write(
        p.join("interviews.csv"),
        "subject_id,at,round,interviewer,medium,duration_seconds,video_seconds,client_ip,flags\n\
         A1,2025-02-03T15:00:00Z,screen,Pat,video,1800,60,203.0.113.9,camera_broken\n\
         A1,2025-02-05T15:00:00Z,technical,Lee,video,3600,300,203.0.113.9,reading_answers;face_mismatch\n\
         E8,2025-01-03T15:00:00Z,screen,Pat,video,1800,1790,,\n",
    )
    .unwrap();
    std::fs::write(
        p.join("references.csv"),
        "subject_id,name,email,phone,company,company_domain,verified\n\
         A1,Bob Lee,bob@n0rthwind.example,,Northwind,n0rthwind.example,false\n",
    )
    .unwrap();
    std::fs::write(p.join("bonafide.toml"), "[detect.domains]\nemployer = [\"northwind.example\"]\n").unwrap();
    let cfg = p.join("bonafide.toml");
    let run = scan(&[p], &["--config", cfg.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    let got = indicators_by_subject(&r);
    assert_eq!(got["A1"], vec!["A12", "A4", "A5", "B1", "B3", "B5", "D9", "H2"], "{got:?}");
    // A seized vendor domain: A14 (vendor domain) and S2 (published identifier).
    assert_eq!(got["A2"], vec!["A14", "H2", "S2"], "{got:?}");
    assert_eq!(got["E9"], vec!["A11"], "referred a high-risk applicant: {got:?}");
    assert_eq!(got["E8"], vec!["A5"], "a resubmission alone");
    let subjects = r["subjects"].as_array().unwrap();
    let a1 = subjects.iter().find(|s| s["subject_id"] == "A1").unwrap();
    let b5 = a1["findings"].as_array().unwrap().iter().find(|f| f["indicator"] == "B5").unwrap();
    assert!(b5["evidence"][0]["source"].as_str().unwrap().ends_with("interviews.csv:3"), "{b5}");
    let a4 = a1["findings"].as_array().unwrap().iter().find(|f| f["indicator"] == "A4").unwrap();
    assert!(a4["evidence"][0]["source"].as_str().unwrap().ends_with("references.csv:2"), "{a4}");
    let e8 = subjects.iter().find(|s| s["subject_id"] == "E8").unwrap();
    assert_eq!(e8["band"], "low", "a re-submitted ID photo stays modest");
    let clusters = r["clusters"].as_array().unwrap();
    assert!(
        clusters.iter().any(|c| c["subjects"] == serde_json::json!(["A1", "A2"]) && c["kind"] == "persona_ring"),
        "{clusters:?}"
    );
    let interviews = r["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "interviews").unwrap().clone();
    assert_eq!(interviews["records"].as_u64(), Some(3));
}

/// `accounts.csv` naming a `vpn` or `chat` account links the same account in a
/// `signins.csv` or `activity.csv` that names no system (or names it in `source`); an
/// account two people share under different systems is not guessed.
#[test]
fn sign_ins_and_activity_of_unnamed_systems_reach_the_declared_person() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("people.csv"), "subject_id,full_name\nE1,Jane Roe\nE2,Sam Poe\nE3,Kim Loe\n")
        .unwrap();
    std::fs::write(
        dir.path().join("accounts.csv"),
        "subject_id,source,account\nE1,vpn,jdoe\nE1,chat,U0JANE\nE2,okta,sam\nE3,github,sam\nE3,vpn,kloe\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("signins.csv"),
        "account,at,ip\njdoe,2025-05-01T13:00:00Z,73.63.112.167\nJDOE,2025-05-02T13:00:00Z,73.63.112.167\nsam,2025-05-01T13:00:00Z,73.63.112.168\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("vpn.csv"), "account,at,ip,source\nkloe,2025-05-01T14:00:00Z,73.63.112.169,VPN\n")
        .unwrap();
    std::fs::write(dir.path().join("activity.csv"), "account,at,kind\nu0jane,2025-05-01T15:00:00Z,message\n").unwrap();
    let run = scan(&[dir.path()], &[]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    let subjects = r["subjects"].as_array().unwrap();
    let events = |id: &str| {
        subjects.iter().find(|s| s["subject_id"] == id).map(|s| s["activity"]["events"].as_u64().unwrap_or(0))
    };
    assert_eq!(events("E1"), Some(3), "two sign-ins under vpn's jdoe and a chat message");
    assert_eq!(events("E3"), Some(1), "source = VPN names the system");
    assert_eq!(events("E2"), Some(0), "sam is two people's account: not guessed");
    assert_eq!(events("signins:sam"), Some(1), "so it stays an account of its own");
    assert!(events("signins:jdoe").is_none() && events("activity:u0jane").is_none());
}

/// A scan with neither `--out` nor `--db` says that nothing was written (its table
/// ends with "… more in the report"), also under `-q`; the first scan with a new key
/// says where the key was created, and the next one does not repeat it.
#[test]
fn a_scan_says_what_it_wrote_and_which_key_it_created() {
    let examples = repo().join("examples/small");
    let examples = examples.to_str().unwrap();
    let run = bonafide(&["scan", examples, "-q"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stderr().contains("nothing was written; add --out DIR"), "{}", run.stderr());
    assert!(run.stderr().contains("created fingerprint key"), "{}", run.stderr());
    let key = run.path("secret.key");
    assert!(key.is_file());
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(["scan", examples, "--out"])
        .arg(run.path("out"))
        .env("BONAFIDE_KEY_FILE", &key)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{err}");
    assert!(!err.contains("created fingerprint key") && !err.contains("nothing was written"), "{err}");
    let out = String::from_utf8_lossy(&again.stdout);
    // The full subject ids and the bits column: nothing cut short with "…".
    assert!(out.contains("bits") && out.contains("log2 odds"), "{out}");
    for line in out.lines().filter(|l| l.contains("okta:")) {
        assert!(!line.split_whitespace().any(|w| w.starts_with("okta:") && w.ends_with('…')), "{line}");
    }
}

/// The input of `report` whose path ends with `name`.
fn input_named(report: &Value, name: &str) -> Option<Value> {
    report["inputs"].as_array().unwrap().iter().find(|i| i["path"].as_str().unwrap().ends_with(name)).cloned()
}

/// A copy of examples/small in `dir`, without its README.
fn copy_small(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in ["people.csv", "accounts.csv", "ipintel.csv", "okta_system_log.ndjson.gz"] {
        std::fs::copy(repo().join("examples/small").join(f), dir.join(f)).unwrap();
    }
}

/// A folder kept under git is read as history and as a folder: its record files and
/// logs are read as they would be without `.git`, nested repositories alike, and a
/// `.git` that is no repository is a skipped input with its reason, not a reason to
/// read nothing.
#[test]
fn a_folder_under_git_is_read_as_history_and_as_a_folder() {
    let plain = scan(&[&repo().join("examples/small")], &["-q"]);
    let subjects = plain.report()["subjects"].as_array().unwrap().len();

    let data = tempfile::tempdir().unwrap();
    let org = data.path().join("org");
    copy_small(&org);
    let nested = org.join("tools");
    std::fs::create_dir(&nested).unwrap();
    std::fs::write(nested.join("notes.md"), "# tools\n").unwrap();
    for repo in [&nested, &org] {
        git(repo, &["init", "-q"], &[]);
        git(repo, &["-c", "advice.addEmbeddedRepo=false", "add", "."], &[]);
        git(
            repo,
            &["-c", "user.name=Kim", "-c", "user.email=kim@acme.example", "commit", "-q", "-m", "x"],
            &[("GIT_AUTHOR_DATE", "2025-02-27T10:00:00+08:00"), ("GIT_COMMITTER_DATE", "2025-02-27T10:00:00+08:00")],
        );
    }
    let run = scan(&[&org], &["-q"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    for (name, format) in [
        ("people.csv", "people"),
        ("accounts.csv", "accounts"),
        ("ipintel.csv", "ipintel"),
        ("okta_system_log.ndjson.gz", "okta"),
    ] {
        let input = input_named(&r, &format!("org/{name}")).unwrap_or_else(|| panic!("{name} not listed: {r}"));
        assert_eq!(input["format"], format, "{input}");
        assert!(input["skipped"].is_null() && input["records"].as_u64() > Some(0), "{input}");
    }
    let gits: Vec<&Value> = r["inputs"].as_array().unwrap().iter().filter(|i| i["format"] == "git").collect();
    assert_eq!(gits.len(), 2, "the repository and the one nested in it: {gits:?}");
    assert!(gits.iter().all(|g| g["records"].as_u64() == Some(1)), "{gits:?}");
    assert!(input_named(&r, "tools/notes.md").is_some(), "a nested work tree's files are walked too");
    assert!(
        r["inputs"].as_array().unwrap().iter().all(|i| !i["path"].as_str().unwrap().contains(".git")),
        "git's own files are not inputs"
    );
    // The people and log subjects of the example, plus the committer nobody claims.
    assert_eq!(r["subjects"].as_array().unwrap().len(), subjects + 1);
    // Naming the folder as a repository (`--format git=`) reads its files all the same.
    let forced = format!("git={}", org.display());
    let r = scan(&[&org], &["-q", "--format", &forced]).report();
    assert_eq!(input_named(&r, "org/people.csv").map(|i| i["format"].clone()), Some(Value::from("people")), "{r}");
    assert_eq!(input_named(&r, "org").map(|i| i["format"].clone()), Some(Value::from("git")), "{r}");

    // An empty `.git`: the folder's files are read; the repository is skipped, and why.
    let broken = data.path().join("broken");
    copy_small(&broken);
    std::fs::create_dir(broken.join(".git")).unwrap();
    let run = scan(&[&broken], &["-q"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    assert_eq!(r["subjects"].as_array().unwrap().len(), subjects);
    let repo_input = input_named(&r, "broken").expect("the folder is listed as a repository");
    assert!(repo_input["skipped"].as_str().is_some_and(|s| s.contains(".git")), "{repo_input}");
}

/// people.csv as spreadsheet programs save it in European locales (`;`, a BOM, CRLF)
/// and as a tab-separated export is recognised and read whole, like the comma original.
#[test]
fn semicolon_and_tab_separated_people_files_are_read_whole() {
    let people = std::fs::read_to_string(repo().join("examples/small/people.csv")).unwrap();
    assert!(!people.contains(';') && !people.contains('"'), "the example has neither: a plain swap is a faithful copy");
    let rows = people.lines().count() as u64 - 1;
    for (name, separator, bom, end) in [("people_eu.csv", ";", "\u{feff}", "\r\n"), ("people.tsv", "\t", "", "\n")] {
        let dir = tempfile::tempdir().unwrap();
        let text: String = people.lines().map(|l| format!("{}{end}", l.replace(',', separator))).collect();
        std::fs::write(dir.path().join(name), format!("{bom}{text}")).unwrap();
        for forced in [None, Some(format!("people={}", dir.path().join(name).display()))] {
            let extra: Vec<&str> = match &forced {
                Some(f) => vec!["-q", "--format", f.as_str()],
                None => vec!["-q"],
            };
            let run = scan(&[dir.path()], &extra);
            assert_eq!(run.code(), 0, "{name}: {}", run.stderr());
            let r = run.report();
            let input = input_named(&r, name).unwrap();
            assert_eq!(input["format"], "people", "{input}");
            assert_eq!((input["records"].as_u64(), input["quarantined"].as_u64()), (Some(rows), Some(0)), "{input}");
            assert_eq!(r["subjects"].as_array().unwrap().len() as u64, rows);
        }
    }
}

/// A file skipped in a folder the user named is input lost: `--strict` fails on it
/// (the report still written) as on a quarantined record; documents that hold no records
/// (a README, a photo) are listed but do not fail it.
#[test]
fn strict_fails_on_a_skipped_input_file_but_not_on_a_document() {
    let data = tempfile::tempdir().unwrap();
    let org = data.path().join("org");
    copy_small(&org);
    std::fs::copy(repo().join("examples/small/README.md"), org.join("README.md")).unwrap();
    std::fs::write(org.join("photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    // A plain-text resume is no format, but people.csv points to it: read from there.
    std::fs::create_dir(org.join("docs")).unwrap();
    std::fs::write(org.join("docs/x1.txt"), "Ann Other, engineer. Ten years of Rust at Contoso.\n").unwrap();
    std::fs::write(org.join("more_people.csv"), "subject_id,full_name,resume_path\nX1,Ann Other,docs/x1.txt\n")
        .unwrap();
    let clean = scan(&[&org], &["-q", "--strict"]);
    assert_eq!(clean.code(), 0, "{}", clean.stderr());
    let r = clean.report();
    let readme = input_named(&r, "README.md").unwrap();
    assert!(readme["skipped"].as_str().is_some_and(|s| s.contains("Markdown")), "{readme}");
    let resume = input_named(&r, "docs/x1.txt").unwrap();
    assert!(resume["skipped"].as_str().is_some_and(|s| s.contains("resume or photo")), "{resume}");

    // An HR export bonafide cannot recognise (a header it does not know).
    std::fs::write(org.join("hr_export.csv"), "Emp No;Name;Mail\n1;Jane Roe;jane@x.io\n").unwrap();
    let lax = scan(&[&org], &["-q"]);
    assert_eq!(lax.code(), 0, "{}", lax.stderr());
    let strict = scan(&[&org], &["-q", "--strict"]);
    assert_eq!(strict.code(), 2, "{}", strict.stderr());
    let err = strict.stderr();
    assert!(
        err.contains("--strict") && err.contains("1 input file(s) not read") && err.contains("hr_export.csv"),
        "{err}"
    );
    let r = strict.report();
    assert!(input_named(&r, "hr_export.csv").unwrap()["skipped"].as_str().is_some(), "the report lists it");
    assert_eq!(r["subjects"].as_array().unwrap().len(), lax.report()["subjects"].as_array().unwrap().len());
}

/// A folder of code repositories is not input lost: a work tree's source files,
/// configuration and assets are the repository's content, read as its history, so
/// `--strict` passes and the files are listed under one reason per work tree. The same
/// files outside a work tree, and an export under other column names inside one, still
/// fail it.
#[test]
fn strict_forgives_a_work_trees_own_files_but_not_an_export_in_it() {
    let data = tempfile::tempdir().unwrap();
    let org = data.path().join("org");
    copy_small(&org);
    let app = org.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(app.join("src/main.rs"), "fn main() {\n    println!(\"hi\");\n}\n").unwrap();
    std::fs::write(app.join("package.json"), "{\"name\": \"app\", \"version\": \"1.0.0\"}\n").unwrap();
    std::fs::write(app.join("fixtures.csv"), "colour,shape\nred,round\n").unwrap();
    std::fs::write(app.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    // Outside a work tree, the same source file is an unrecognised input: --strict fails.
    let plain = scan(&[&org], &["-q", "--strict"]);
    assert_eq!(plain.code(), 2, "{}", plain.stderr());
    assert!(plain.stderr().contains("3 input file(s) not read"), "{}", plain.stderr());

    git(&app, &["init", "-q"], &[]);
    git(&app, &["add", "."], &[]);
    git(
        &app,
        &["-c", "user.name=Kim", "-c", "user.email=kim@acme.example", "commit", "-q", "-m", "x"],
        &[("GIT_AUTHOR_DATE", "2025-02-27T10:00:00+08:00"), ("GIT_COMMITTER_DATE", "2025-02-27T10:00:00+08:00")],
    );
    let run = scan(&[&org], &["-q", "--strict"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let r = run.report();
    // A document keeps its own reason (it would be forgiven anywhere).
    let logo = input_named(&r, "app/logo.png").unwrap();
    assert!(logo["skipped"].as_str().is_some_and(|s| s.contains("PNG")), "{logo}");
    for name in ["app/src/main.rs", "app/package.json", "app/fixtures.csv"] {
        let input = input_named(&r, name).unwrap_or_else(|| panic!("{name} is listed: {r}"));
        let why = input["skipped"].as_str().unwrap_or_default();
        assert!(why.contains("git work tree") && why.contains("app"), "{name}: {input}");
    }
    assert_eq!(input_named(&r, "org/app").map(|i| i["format"].clone()), Some(Value::from("git")), "{r}");

    // An HR export kept in the repository under other column names is meant to be read.
    std::fs::write(app.join("staff.csv"), "Subject ID,Full Name\nX9,Ann Other\n").unwrap();
    let strict = scan(&[&org], &["-q", "--strict"]);
    assert_eq!(strict.code(), 2, "{}", strict.stderr());
    let err = strict.stderr();
    assert!(err.contains("1 input file(s) not read") && err.contains("staff.csv"), "{err}");
    let staff = input_named(&strict.report(), "app/staff.csv").unwrap();
    assert!(staff["skipped"].as_str().is_some_and(|s| s.contains("--map")), "{staff}");
}

/// Without a people file the subjects are log identities only: one warning says so,
/// even with -q; with one, no such warning.
#[test]
fn a_scan_without_people_warns_that_subjects_come_from_logs() {
    let small = repo().join("examples/small");
    let logs = scan(&[&small.join("okta_system_log.ndjson.gz"), &small.join("accounts.csv")], &["-q"]);
    assert_eq!(logs.code(), 0, "{}", logs.stderr());
    let err = logs.stderr();
    assert_eq!(err.matches("warning: no people file was read").count(), 1, "{err}");
    assert!(err.contains("subjects come only from log identities"), "{err}");
    let full = scan(&[&small], &["-q"]);
    assert!(!full.stderr().contains("no people file"), "{}", full.stderr());
}

/// What a scan says about files it does not read: one reason once with the files it
/// covers, a `--map` hint for a known format under other column names, HTML called
/// HTML; and a scan of the folder it writes into does not read its own report,
/// database or key.
#[test]
fn unread_files_are_reported_once_per_reason_and_own_outputs_are_left_out() {
    let run = common::bonafide_in(
        |d| {
            copy_small(d);
            for name in ["a.txt", "b.txt", "c.txt"] {
                std::fs::write(d.join(name), "colour,shape\nred,round\n").unwrap();
            }
            std::fs::write(d.join("hr.csv"), "Subject ID,Full Name,Dept\nE9,Kim Doe,Ops\n").unwrap();
            std::fs::write(d.join("page.html"), "<!DOCTYPE html>\n<html><body>hello</body></html>\n").unwrap();
            // A previous run's report, as `--out out` leaves it.
            std::fs::create_dir(d.join("out")).unwrap();
            std::fs::write(d.join("out/index.html"), "<!DOCTYPE html>\n<html></html>\n").unwrap();
            std::fs::write(d.join("out/report.json"), "{\"schema\": \"bonafide.report/1\"}\n").unwrap();
        },
        &["scan", ".", "--out", "out", "--db", "bonafide.db", "--key-file", "secret.key"],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    let paths: Vec<String> =
        run.report()["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap().to_string()).collect();
    for own in ["out", "bonafide.db", "secret.key"] {
        assert!(!paths.iter().any(|p| p.contains(own)), "{own} read as an input: {paths:?}");
    }
    assert_eq!(text.matches("this run's own report, database or key").count(), 1, "{text}");
    let unknown = "not a format bonafide knows";
    assert_eq!(text.matches(unknown).count(), 1, "the reason is said once:\n{text}");
    assert!(text.contains(&format!("skipped 3 files: {unknown}")), "{text}");
    assert!(text.contains("./a.txt, ./b.txt, ./c.txt") || text.contains("a.txt, b.txt, c.txt"), "{text}");
    let hint = paths.iter().position(|p| p.ends_with("hr.csv")).map(|i| run.report()["inputs"][i]["skipped"].clone());
    let hint = hint.and_then(|h| h.as_str().map(str::to_string)).unwrap_or_default();
    assert!(
        hint.contains("--map") && hint.contains("[people]") && hint.contains("\"subject id\" = \"subject_id\""),
        "{hint}"
    );
    assert!(text.contains("page.html: an HTML page"), "{text}");
    assert!(!text.contains("UN consolidated"), "{text}");
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What a user meets before any work starts: option ranges and checks across options,
//! help texts, and the errors of wrong arguments. Each runs the real binary in a fresh
//! folder and does no scanning of its own, so the file stays quick.

use std::path::Path;

mod common;
use common::{bonafide, bonafide_in};

#[test]
fn simulate_refuses_impossible_organisations_with_a_usage_error() {
    for (args, words) in [
        (&["--people", "0"][..], &["'0'", "--people", "at least 1"][..]),
        (&["--days", "0"], &["'0'", "--days", "at least 1"]),
        (&["--days=-4"], &["--days", "at least 1"]),
        (&["--people", "10", "--operatives", "20"], &["--operatives 20", "--people 10", "Usage: bonafide"]),
        (&["--operatives", "5", "--farms", "20"], &["--farms 20", "--operatives is 5", "Usage: bonafide"]),
    ] {
        for command in ["simulate", "demo"] {
            let mut all = match command {
                "simulate" => vec![command, "--out", "org"],
                _ => vec![command, "--dir", "org", "--no-serve"],
            };
            all.extend(args);
            let run = bonafide(&all);
            assert_eq!(run.code(), 2, "{all:?}: {}", run.stderr());
            for w in words {
                assert!(run.stderr().contains(w), "{all:?}: {w} not in {}", run.stderr());
            }
            assert!(!run.path("org").exists(), "{all:?} wrote something");
        }
    }
}

#[test]
fn help_describes_user_and_screen_databases() {
    let add = bonafide(&["user", "add", "--help"]);
    assert_eq!(add.code(), 0);
    let text = add.stdout();
    assert!(text.contains("sign-in name"), "--name: {text}");
    assert!(text.contains("--db <FILE|URL>") && text.contains("postgres://"), "--db: {text}");
    let list = bonafide(&["user", "list", "--help"]).stdout();
    assert!(list.contains("postgres://"), "{list}");
    let screen = bonafide(&["screen", "--help"]).stdout();
    assert!(screen.contains("--db <FILE|URL>"), "{screen}");
}

#[test]
fn a_malformed_ip_list_says_kind_equals_file_as_the_help_does() {
    let run = bonafide_in(
        |d| std::fs::write(d.join("vpn.txt"), "203.0.113.0/24\n").unwrap(),
        &["scan", ".", "--ip-list", "vpn.txt"],
    );
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("--ip-list must look like KIND=FILE"), "{}", run.stderr());
    let help = bonafide(&["scan", "--help"]).stdout();
    assert!(help.contains("--ip-list <KIND=FILE>"), "{help}");
}

#[test]
fn a_config_that_does_not_exist_is_an_error_for_every_command() {
    for args in [
        &["indicators"][..],
        &["formats"],
        &["config"],
        &["scan", "."],
        &["user", "list"],
        &["migrate", "--db", "x.db"],
        &["simulate", "--out", "org"],
    ] {
        let mut all = vec!["--config", "nosuch.toml"];
        all.extend(args);
        let run = bonafide(&all);
        assert_eq!(run.code(), 1, "{all:?}: {}", run.stdout());
        assert!(run.stderr().contains("--config nosuch.toml: does not exist"), "{all:?}: {}", run.stderr());
        assert!(run.stdout().is_empty(), "{all:?} ran: {}", run.stdout());
        assert!(!run.path("x.db").exists() && !run.path("bonafide.db").exists() && !run.path("org").exists());
    }
    let folder = bonafide_in(|d| std::fs::create_dir(d.join("conf")).unwrap(), &["formats", "--config", "conf"]);
    assert!(folder.stderr().contains("--config conf: is not a file"), "{}", folder.stderr());
    let fine = bonafide_in(|d| std::fs::write(d.join("b.toml"), "").unwrap(), &["formats", "--config", "b.toml"]);
    assert_eq!(fine.code(), 0, "{}", fine.stderr());
}

/// A small truth and a report in the shapes `simulate` and `scan` write them.
fn write_pair(dir: &Path, report_ids: &[&str]) {
    std::fs::write(
        dir.join("truth.json"),
        r#"{"schema": "bonafide.truth/1", "subjects": 4,
            "operatives": [{"subject_id": "E1", "indicators": ["D1"]}, {"subject_id": "E2"}],
            "farms": [], "ordinary": [{"subject_id": "E3", "confounders": ["traveller"]}]}"#,
    )
    .unwrap();
    let subjects: Vec<String> = report_ids
        .iter()
        .map(|id| format!(r#"{{"subject_id": "{id}", "score": 90.0, "band": "critical", "findings": []}}"#))
        .collect();
    std::fs::create_dir_all(dir.join("report")).unwrap();
    std::fs::write(
        dir.join("report/report.json"),
        format!(r#"{{"subjects": [{}], "clusters": []}}"#, subjects.join(",")),
    )
    .unwrap();
}

#[test]
fn eval_refuses_a_report_of_another_organisation() {
    let run = bonafide_in(|d| write_pair(d, &["X1", "X2", "E1"]), &["eval", "--truth", "truth.json", "report"]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    assert!(run.stderr().contains("not from the same organisation"), "{}", run.stderr());
    assert!(run.stderr().contains("1 of the 3"), "{}", run.stderr());
    assert!(!run.path("report/eval.json").exists());
    let run = bonafide_in(|d| write_pair(d, &["E1", "E2", "E3", "E4"]), &["eval", "--truth", "truth.json", "report"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.path("report/eval.json").is_file());
}

#[test]
fn eval_takes_the_report_file_as_well_as_its_folder() {
    let run = bonafide_in(
        |d| write_pair(d, &["E1", "E2", "E3"]),
        &["eval", "--truth", "truth.json", "report/report.json", "--quiet"],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stdout().contains("recall 1.00"), "{}", run.stdout());
    assert!(run.path("report/eval.json").is_file());
}

#[test]
fn eval_says_when_the_truth_is_not_a_simulated_one_without_repeating_the_cause() {
    let run = bonafide_in(
        |d| {
            write_pair(d, &["E1"]);
            std::fs::write(d.join("truth.json"), r#"{"people": []}"#).unwrap();
        },
        &["eval", "--truth", "truth.json", "report"],
    );
    assert_eq!(run.code(), 1);
    let e = run.stderr();
    assert!(e.contains("truth.json is not a truth.json written by `bonafide simulate`"), "{e}");
    assert_eq!(e.matches("missing field").count(), 1, "{e}");
}

/// `bonafide indicators` tells which catalog entries this version detects: a `detected`
/// boolean per indicator in `--json` (what the detectors and the graph declare), a
/// column in the listing. Before, D8 or I14 looked exactly like a detected indicator.
#[test]
fn indicators_say_which_ones_this_version_detects() {
    let run = bonafide(&["indicators", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let list = v["indicator"].as_array().unwrap();
    let detected = bonafide_engine::detected_indicators();
    for i in list {
        let id = i["id"].as_str().unwrap();
        assert_eq!(i["detected"].as_bool(), Some(detected.contains(id)), "{id}");
    }
    let not: Vec<&str> = list.iter().filter(|i| i["detected"] == false).map(|i| i["id"].as_str().unwrap()).collect();
    assert!(!not.is_empty() && not.len() < list.len() / 2, "{not:?}");
    let text = bonafide(&["indicators"]).stdout();
    let line = |id: &str| text.lines().find(|l| l.trim_start().starts_with(&format!("{id} "))).unwrap().to_string();
    assert!(line(not[0]).contains("not yet"), "{}", line(not[0]));
    assert!(line("A1").contains("detected"), "{}", line("A1"));
    assert!(
        text.contains(&format!("Detected by this version: {} of {}", list.len() - not.len(), list.len())),
        "{text}"
    );
}

/// A role that does not exist is a usage error (exit 2, the choices named), and a
/// screen with no list loaded says so on the result line, not only in a warning.
#[test]
fn a_wrong_role_is_a_usage_error_and_an_empty_screen_says_why() {
    let run = bonafide(&["user", "add", "--db", "x.db", "--name", "ana", "--role", "boss"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("viewer") && run.stderr().contains("admin"), "{}", run.stderr());
    assert!(!run.path("x.db").exists(), "nothing created");
    let run = bonafide(&["screen", "Kim Jong Un"]);
    assert!(run.stdout().contains("Kim Jong Un: no match (no sanctions list given"), "{}", run.stdout());
}

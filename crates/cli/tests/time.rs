//! End-to-end: working hours from a real git repository and from commits.csv.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;
use common::git;

fn scan(dir: &Path) -> Value {
    scan_with(dir, &[])
}

fn scan_with(dir: &Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(extra)
        .args(["scan", dir.to_str().unwrap(), "--out", "out", "-q"])
        .env("BONAFIDE_KEY_FILE", dir.join("key"))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&std::fs::read_to_string(dir.join("out/report.json")).unwrap()).unwrap()
}

fn subject<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["subjects"].as_array().unwrap().iter().find(|s| s["subject_id"] == id).unwrap()
}

/// The report's entry for the repository input.
fn git_input(r: &Value) -> &Value {
    r["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "git").expect("the repository is an input")
}

fn indicators(s: &Value) -> Vec<&str> {
    s["findings"].as_array().unwrap().iter().map(|f| f["indicator"].as_str().unwrap()).collect()
}

#[test]
fn a_repository_shows_shenyang_hours_behind_a_new_york_claim() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"], &[]);
    // Kim claims New York; commits 09:00-17:00 Shenyang time with a Shenyang clock.
    // Lee claims New York and commits 09:00-17:00 New York time with a New York clock.
    for day in 3..=28 {
        for hour in [9, 10, 11, 13, 14, 15, 16] {
            for (who, email, date) in [
                ("Kim", "kim@acme.example", format!("2025-02-{day:02}T{hour:02}:{:02}:00+08:00", day % 50)),
                ("Lee", "lee@acme.example", format!("2025-02-{day:02}T{hour:02}:{:02}:00-05:00", day % 50)),
            ] {
                git(
                    &repo,
                    &[
                        "-c",
                        &format!("user.name={who}"),
                        "-c",
                        &format!("user.email={email}"),
                        "commit",
                        "-q",
                        "--allow-empty",
                        "-m",
                        "work",
                    ],
                    &[("GIT_AUTHOR_DATE", date.as_str()), ("GIT_COMMITTER_DATE", date.as_str())],
                );
            }
        }
    }
    // One commit authored by an identity nobody claims, committed by Kim.
    git(
        &repo,
        &["-c", "user.name=Kim", "-c", "user.email=kim@acme.example", "commit", "-q", "--allow-empty", "-m", "x"],
        &[
            ("GIT_AUTHOR_NAME", "Ghost"),
            ("GIT_AUTHOR_EMAIL", "ghost@mail.example"),
            ("GIT_AUTHOR_DATE", "2025-02-27T10:00:00+08:00"),
            ("GIT_COMMITTER_DATE", "2025-02-27T10:05:00+08:00"),
        ],
    );
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,city,region,country\nK1,Kim Lee,kim@acme.example,New York,NY,US\nL1,Lee Park,lee@acme.example,New York,NY,US\n",
    )
    .unwrap();
    let r = scan(dir.path());
    let git_input = git_input(&r);
    assert_eq!(git_input["records"].as_u64(), Some(26 * 7 * 2 + 1));
    let kim = subject(&r, "K1");
    let mut ids = indicators(kim);
    ids.sort();
    assert_eq!(ids, vec!["F1", "F5"]);
    let a = &kim["activity"];
    let inferred = a["inferred_utc_offset_minutes"].as_i64().unwrap();
    assert!((360..=600).contains(&inferred), "{a}");
    assert_eq!(a["claimed_utc_offset_minutes"].as_i64(), Some(-300));
    assert!(a["confidence"].as_f64().unwrap() >= 0.5);
    assert_eq!(a["recorded_commit_offsets"][0][0].as_i64(), Some(480));
    let lee = subject(&r, "L1");
    assert!(indicators(lee).is_empty(), "{lee}");
    let lee_inferred = lee["activity"]["inferred_utc_offset_minutes"].as_i64().unwrap();
    assert!((-420..=-180).contains(&lee_inferred), "{}", lee["activity"]);
    let html = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("claimed working hours"));
}

#[test]
fn commits_csv_gives_the_same_picture() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("repo,commit,author_email,author_name,author_time\n");
    let mut n = 0;
    for day in 3..=28 {
        for hour in [9, 10, 11, 13, 14, 15, 16] {
            n += 1;
            csv.push_str(&format!("acme/app,c{n},kim@acme.example,Kim,2025-02-{day:02}T{hour:02}:10:00+09:00\n"));
        }
    }
    std::fs::write(dir.path().join("commits.csv"), csv).unwrap();
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,country,timezone\nK1,Kim Lee,kim@acme.example,US,America/Chicago\n",
    )
    .unwrap();
    let r = scan(dir.path());
    let kim = subject(&r, "K1");
    assert_eq!(indicators(kim), vec!["F1"]);
    assert!(kim["findings"][0]["summary"].as_str().unwrap().contains("UTC+9"), "{}", kim["findings"][0]["summary"]);
}

/// One commit in `repo` with its own author and committer.
fn commit_as(repo: &Path, author: (&str, &str, &str), committer: (&str, &str, &str)) {
    git(
        repo,
        &["commit", "-q", "--allow-empty", "-m", "work"],
        &[
            ("GIT_AUTHOR_NAME", author.0),
            ("GIT_AUTHOR_EMAIL", author.1),
            ("GIT_AUTHOR_DATE", author.2),
            ("GIT_COMMITTER_NAME", committer.0),
            ("GIT_COMMITTER_EMAIL", committer.1),
            ("GIT_COMMITTER_DATE", committer.2),
        ],
    );
}

/// Four New York developers whose repository says other hours in different ways.
/// Ana's pull requests are squash-merged on GitHub by a maintainer in Berlin: author and
/// committer time are both the moment he clicked (GitHub records her own zone as the
/// author's), so they are his hours, not hers, and place her nowhere. Ben's are rebased
/// and merged there: his own author times survive and place him in New York. Cy commits
/// at Berlin hours under a committer address of his own choosing at the same second:
/// that hides nothing, F1 fires on the rhythm. Dee works from Shenyang and forges
/// GitHub's address as committer on every commit: her hours leave the rhythm, but her
/// clock (UTC+8) still contradicts the claim and F1 fires on it.
#[test]
fn squash_merges_clicked_elsewhere_do_not_place_the_author() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"], &[]);
    let github = ("GitHub", "noreply@github.com");
    for day in 3..=28 {
        for hour in [10, 11, 12, 14, 15, 16] {
            // 10:00-16:00 in Berlin is 04:00-10:00 in New York.
            let berlin = format!("2025-02-{day:02}T{hour:02}:07:00+01:00");
            // The same instant on Ana's clock.
            let clicked = format!("2025-02-{day:02}T{:02}:07:00-05:00", hour - 6);
            let new_york = format!("2025-02-{day:02}T{:02}:07:00-05:00", hour - 1);
            let shenyang = format!("2025-02-{day:02}T{hour:02}:07:00+08:00");
            commit_as(&repo, ("Ana", "ana@acme.example", &clicked), (github.0, github.1, &berlin));
            commit_as(&repo, ("Ben", "ben@acme.example", &new_york), (github.0, github.1, &berlin));
            commit_as(&repo, ("Cy", "cy@acme.example", &berlin), ("Cy", "build@cy.example", &berlin));
            commit_as(&repo, ("Dee", "dee@acme.example", &shenyang), (github.0, github.1, &shenyang));
        }
    }
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,country,timezone\n\
         A1,Ana Ruiz,ana@acme.example,US,America/New_York\n\
         B1,Ben Ortiz,ben@acme.example,US,America/New_York\n\
         C1,Cy Moon,cy@acme.example,US,America/New_York\n\
         D1,Dee Wu,dee@acme.example,US,America/New_York\n",
    )
    .unwrap();
    let r = scan(dir.path());
    let ana = subject(&r, "A1");
    assert!(indicators(ana).is_empty(), "{ana}");
    assert_eq!(ana["activity"]["commits_timed_by_committer"].as_u64(), Some(26 * 6), "{}", ana["activity"]);
    assert_eq!(ana["activity"]["inferred_utc_offset_minutes"], Value::Null, "{}", ana["activity"]);
    let ben = subject(&r, "B1");
    assert!(indicators(ben).is_empty(), "{ben}");
    assert!(ben["activity"].get("commits_timed_by_committer").is_none(), "{}", ben["activity"]);
    let ben_inferred = ben["activity"]["inferred_utc_offset_minutes"].as_i64().unwrap();
    assert!((-420..=-180).contains(&ben_inferred), "{}", ben["activity"]);
    let cy = subject(&r, "C1");
    assert_eq!(indicators(cy), vec!["F1"], "{cy}");
    let dee = subject(&r, "D1");
    assert_eq!(indicators(dee), vec!["F1"], "{dee}");
    assert!(dee["findings"][0]["summary"].as_str().unwrap().contains("record UTC+8"), "{dee}");
    assert_eq!(dee["activity"]["commits_timed_by_committer"].as_u64(), Some(26 * 6));

    // With no forge identities configured, Ana's squash merges count as her hours and
    // she is placed in Berlin: the rule, not chance, keeps her clear.
    std::fs::write(dir.path().join("no-forges.toml"), "[detect.f1]\nforge_committers = []\n").unwrap();
    let config = dir.path().join("no-forges.toml");
    let r = scan_with(dir.path(), &["--config", config.to_str().unwrap()]);
    assert_eq!(indicators(subject(&r, "A1")), vec!["F1"]);
}

/// Where a forge squashes on merge, the author's own commits survive only under the pull
/// request's ref in a mirror clone. Ana's squashed commits on `main` carry her Berlin
/// maintainer's clicks; her own, under `refs/pull/1/head`, carry her New York hours and
/// place her there. Git notes are not work history and are not read.
#[test]
fn pull_request_refs_give_the_author_her_own_hours() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("app");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"], &[]);
    let github = ("GitHub", "noreply@github.com");
    let ana = ("Ana", "ana@acme.example");
    let days = 3..=22;
    let hours = [10, 11, 13, 14, 15];
    for day in days.clone() {
        for hour in hours {
            let berlin = format!("2025-02-{day:02}T{:02}:07:00+01:00", hour + 6);
            commit_as(&repo, (ana.0, ana.1, &berlin), (github.0, github.1, &berlin));
        }
    }
    git(&repo, &["checkout", "-q", "--orphan", "topic"], &[]);
    for day in days.clone() {
        for hour in hours {
            let new_york = format!("2025-02-{day:02}T{hour:02}:21:00-05:00");
            commit_as(&repo, (ana.0, ana.1, &new_york), (ana.0, ana.1, &new_york));
        }
    }
    git(&repo, &["update-ref", "refs/pull/1/head", "HEAD"], &[]);
    git(&repo, &["checkout", "-q", "main"], &[]);
    git(&repo, &["branch", "-q", "-D", "topic"], &[]);
    git(
        &repo,
        &["-c", "user.name=Notes", "-c", "user.email=notes@acme.example", "notes", "add", "-m", "reviewed", "HEAD"],
        &[],
    );
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,country,timezone\nA1,Ana Ruiz,ana@acme.example,US,America/New_York\n",
    )
    .unwrap();
    let r = scan(dir.path());
    let git_input = git_input(&r);
    assert_eq!(git_input["records"].as_u64(), Some(2 * 20 * 5), "no notes commit: {git_input}");
    let ana = subject(&r, "A1");
    assert!(indicators(ana).is_empty(), "{ana}");
    let a = &ana["activity"];
    assert_eq!(a["commits_timed_by_committer"].as_u64(), Some(100), "{a}");
    assert_eq!(a["events"].as_u64(), Some(100), "{a}");
    let inferred = a["inferred_utc_offset_minutes"].as_i64().unwrap();
    assert!((-420..=-180).contains(&inferred), "{a}");
}

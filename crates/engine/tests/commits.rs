#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Whose moment a commit's time is: the engine tells commits someone else made at the
//! second of their author time (web squash or merge) from the author's own work.

use std::path::PathBuf;

use bonafide_engine::{Config, ScanOutcome, ScanRequest, scan};

fn request(paths: Vec<PathBuf>) -> ScanRequest {
    ScanRequest::new(paths, bonafide_intel::Keyring::from_bytes([5; 32]))
}

/// (events counted in the rhythm, commits left out as timed by their committer).
fn activity(o: &ScanOutcome, id: &str) -> (u64, u32) {
    let i = o.subjects.iter().position(|s| s.id == id).unwrap();
    let a = o.activity[i].as_ref().unwrap();
    (a.events, a.commits_timed_by_committer)
}

#[test]
fn a_commit_is_the_committers_moment_only_when_someone_else_made_it_then() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("people.csv"),
        "subject_id,full_name,email,country,timezone\n\
         A1,Ana Ruiz,ana@acme.example,US,America/New_York\n\
         D1,Dee Park,dee@acme.example,US,America/New_York\n\
         E1,Eve Stone,eve@acme.example,US,America/New_York\n\
         F1,Fay Lund,fay@acme.example,US,America/New_York\n\
         B1,Ben Ortiz,ben@acme.example,US,America/New_York\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("accounts.csv"), "subject_id,source,account\nD1,git,dee@home.example\n").unwrap();
    let mut csv = String::from("repo,commit,author_email,author_time,committer_time,committer_email\n");
    for (n, day) in (3..=12).enumerate() {
        let t = format!("2025-03-{day:02}T15:00:00Z");
        let later = format!("2025-03-{day:02}T18:30:00Z");
        // Dee merges Ana's work (another subject, same second).
        csv.push_str(&format!("acme/app,a{n},ana@acme.example,{t},{t},dee@acme.example\n"));
        // Dee commits from her second address: still Dee.
        csv.push_str(&format!("acme/app,d{n},dee@acme.example,{t},{t},dee@home.example\n"));
        // Eve's committer address is nobody the organisation knows: her own tooling.
        csv.push_str(&format!("acme/app,e{n},eve@acme.example,{t},{t},ci@builder.example\n"));
        // Fay's work rebased by Dee hours later keeps Fay's author time.
        csv.push_str(&format!("acme/app,f{n},fay@acme.example,{t},{later},dee@acme.example\n"));
        // Fay's work squashed on GitHub.
        csv.push_str(&format!("acme/app,g{n},fay@acme.example,{t},{t},noreply@github.com\n"));
        // Gus is nobody the organisation declared: his own commit makes him an implicit
        // subject, which must not turn him into "another person" for Ben.
        csv.push_str(&format!("acme/app,h{n},gus@mail.example,{t},{t},gus@mail.example\n"));
        csv.push_str(&format!("acme/app,i{n},ben@acme.example,{t},{t},gus@mail.example\n"));
    }
    std::fs::write(dir.path().join("commits.csv"), csv).unwrap();
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    assert_eq!(activity(&o, "A1"), (0, 10));
    assert_eq!(activity(&o, "D1"), (10, 0));
    assert_eq!(activity(&o, "E1"), (10, 0));
    assert_eq!(activity(&o, "F1"), (10, 10));
    assert_eq!(activity(&o, "B1"), (10, 0));
}

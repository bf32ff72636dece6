#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end: resumes, photos and GitHub profile exports referenced by people.csv,
//! through the real binary: what fires, what is skipped with a reason, and that a raw
//! SSN written inside a resume goes nowhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{GrayImage, Luma, imageops};
use serde_json::Value;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn face(seed: u32) -> GrayImage {
    let blobs: Vec<(f64, f64, f64)> = (0..5)
        .map(|k| {
            let h = (seed * 7919 + k * 104_729) as f64;
            ((h * 0.618).fract() * 300.0, (h * 0.414).fract() * 380.0, 30.0 + (h * 0.271).fract() * 70.0)
        })
        .collect();
    GrayImage::from_fn(300, 380, |x, y| {
        let v: f64 = blobs
            .iter()
            .map(|(cx, cy, r)| (-((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2)) / (r * r)).exp())
            .sum();
        Luma([(30.0 + 200.0 * v.min(1.0)) as u8])
    })
}

const RESUME: &str = "Ann Lee, senior backend engineer. 15 years of experience with Rust, building payment \
    systems at Northwind Traders 2009-2016 and Contoso Bank 2016-2024. Led the ledger migration, cut \
    settlement latency by forty percent, built the fraud scoring pipeline, mentored six engineers, ran \
    the on-call rotation for card authorisation, and wrote the reconciliation service used by three \
    regional banks. SSN on file: 078-05-1120.";

#[test]
fn resumes_photos_and_github_profiles_end_to_end() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    std::fs::create_dir_all(d.join("docs")).unwrap();
    std::fs::write(d.join("docs/e1.txt"), RESUME).unwrap();
    std::fs::write(d.join("docs/e2.txt"), RESUME.replace("Ann Lee", "Kim Sang")).unwrap();
    std::fs::write(
        d.join("docs/e4.txt"),
        "Eve Moss, data analyst. Four years at Fabrikam building dashboards for the sales team, \
         SQL and Python, a churn model for the subscriptions business, and a forecasting tool for \
         the warehouse in Reno that cut stockouts. Volunteer statistics tutor.",
    )
    .unwrap();
    std::fs::write(d.join("docs/cv.pdf"), b"%PDF-1.7\n...").unwrap();
    let f1 = face(1);
    f1.save(d.join("docs/e1.png")).unwrap();
    imageops::resize(&f1, 150, 190, imageops::FilterType::Triangle).save(d.join("docs/e2.jpg")).unwrap();
    face(4).save(d.join("docs/e4.png")).unwrap();
    std::fs::write(
        d.join("people.csv"),
        "subject_id,full_name,ssn,applied_date,github,resume_path,photo_path\n\
         E1,Ann Lee,078-05-1120,2024-05-01,octo-dev,docs/e1.txt,docs/e1.png\n\
         E2,Kim Sang,,2024-05-02,,docs/e2.txt,docs/e2.jpg\n\
         E3,Tom Roe,,2024-05-03,,docs/cv.pdf,docs/missing.png\n\
         E4,Eve Moss,,2024-05-04,,docs/e4.txt,docs/e4.png\n",
    )
    .unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures/github_profile");
    copy_dir(&fixtures, &d.join("github"));

    let run = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(["scan", &d.display().to_string(), "--out", "out", "--db", "bonafide.db"])
        .env("BONAFIDE_KEY_FILE", run.path().join("secret.key"))
        .env("NO_COLOR", "1")
        .current_dir(run.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(run.path().join("out/report.json")).unwrap()).unwrap();
    let ids = |id: &str| -> Vec<String> {
        let s = report["subjects"].as_array().unwrap().iter().find(|s| s["subject_id"] == id).unwrap();
        let mut v: Vec<String> =
            s["findings"].as_array().unwrap().iter().map(|f| f["indicator"].as_str().unwrap().to_string()).collect();
        v.sort();
        v.dedup();
        v
    };
    let e1 = ids("E1");
    for want in ["A2", "A6", "A8", "H1"] {
        assert!(e1.contains(&want.to_string()), "E1 {want}: {e1:?}");
    }
    let e2 = ids("E2");
    assert!(e2.contains(&"H1".into()) && e2.contains(&"A6".into()), "{e2:?}");
    assert!(ids("E4").is_empty(), "{:?}", ids("E4"));
    let people = report["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "people").unwrap().clone();
    assert_eq!(people["field_issues"].as_u64(), Some(2), "the PDF and the missing photo: {people}");
    let profile: Vec<&Value> =
        report["inputs"].as_array().unwrap().iter().filter(|i| i["format"] == "github_profile").collect();
    assert_eq!(profile.len(), 3, "{:?}", report["inputs"]);

    // The raw SSN, in people.csv and inside a resume, reaches no output.
    let mut outputs: Vec<(String, Vec<u8>)> =
        vec![("stdout".into(), out.stdout.clone()), ("stderr".into(), out.stderr.clone())];
    for p in walk(run.path()) {
        if p.file_name().is_some_and(|n| n == "secret.key") {
            continue;
        }
        outputs.push((p.display().to_string(), std::fs::read(&p).unwrap()));
    }
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes);
        for raw in ["078-05-1120", "078051120"] {
            assert!(!text.contains(raw), "{raw} found in {name}");
        }
    }
}

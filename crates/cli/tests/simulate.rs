#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The measuring stick, end to end: simulate a small organisation, scan it with the
//! organisation's own settings, evaluate the report against the answers.
//!
//! The thresholds are what detection achieves today on this organisation (seed 3: 150
//! people, 10 operatives, 2 farms, 21 days), set at or a little below the measured
//! values so that a regression fails.
//! Measured on 2026-11-22 before issue 3b (detector fixes):
//!   recall 1.00, precision 0.67 (10 operatives, 15 flagged), AUC 1.000, farms 2/2;
//!   worst confounder kind privacy_vpn 5 of 7 (D1 and the VPN client's E4 weighed twice
//!   for one habit), then it_support 1 of 5 (D7 ignored IT's approved tools).
//! Measured after (correlated indicators count once in full, D7 honours E1's approvals,
//! households by declared home whatever the surnames, a couple declaring one flat):
//!   recall 1.00, precision 1.00 (10 of 10 flagged), AUC 1.000, farms 2/2, no subject of
//!   any confounder kind in high/critical.
//! The issue's targets: recall ≥ 0.9 and precision ≥ 0.8 at the high band, AUC ≥ 0.97,
//! every farm recovered, no confounder kind above 5% in high/critical. All hold here;
//! precision is held at 0.9 (one stray flag among ten is tolerated, two are not).

use std::collections::BTreeMap;
use std::path::Path;

use bonafide_engine::{Config, ScanOutcome, ScanRequest};
use bonafide_sim::eval;
use bonafide_sim::org::{self, Params};

const MIN_RECALL: f64 = 0.9;
const MIN_PRECISION: f64 = 0.9;
const MIN_AUC: f64 = 0.99;
/// Highest share of any confounder kind's subjects in high/critical (the issue's target).
const MAX_CONFOUNDER_RATE: f64 = 0.05;

fn params(neutral_names: bool) -> Params {
    Params { people: 150, operatives: 10, farms: 2, days: 21, seed: 3, neutral_names }
}

fn scan(dir: &Path) -> ScanOutcome {
    let config = Config::load(&dir.join("bonafide.toml")).unwrap();
    let request = ScanRequest::new(vec![dir.join(org::DATA)], bonafide_intel::Keyring::from_bytes([5; 32]));
    bonafide_engine::scan(&config, request).unwrap()
}

/// The scan's `report.json`, as an outside reader gets it.
fn report_of(o: &ScanOutcome) -> eval::Report {
    let out = tempfile::tempdir().unwrap();
    bonafide_report::write(o, out.path()).unwrap();
    eval::load_report(&out.path().join("report.json")).unwrap()
}

/// The scan of the organisation in `dir` against its answers, and the rendered table.
fn evaluate(dir: &Path, o: &ScanOutcome) -> (eval::Eval, String) {
    let truth = eval::load_truth(&dir.join("truth.json")).unwrap();
    let e = eval::evaluate(&truth, &report_of(o));
    let shown = eval::render(&e);
    (e, shown)
}

/// The lines every simulated organisation must hold.
fn holds_the_line(e: &eval::Eval, shown: &str) {
    assert!(e.recall >= MIN_RECALL, "{shown}");
    assert!(e.precision >= MIN_PRECISION, "{shown}");
    assert!(e.auc >= MIN_AUC, "{shown}");
    assert_eq!(e.farms_recovered, e.farms.len(), "{shown}");
    for (kind, r) in &e.false_positives_by_confounder {
        assert!(r.rate <= MAX_CONFOUNDER_RATE, "{kind}: {shown}");
    }
}

#[test]
fn simulate_scan_eval() {
    let dir = tempfile::tempdir().unwrap();
    let s = org::simulate(&params(false), dir.path()).unwrap();
    assert_eq!((s.people, s.operatives, s.farms), (150, 10, 2));
    let o = scan(dir.path());
    // Every record of every format is read: nothing quarantined, no field rejected.
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine);
    assert_eq!(o.totals.field_issues, 0, "{:?}", o.quarantine);
    assert_eq!(o.totals.implicit_subjects, 0, "every log identity belongs to someone in people.csv");
    let formats: BTreeMap<String, u64> = o.inputs.iter().filter_map(|i| Some((i.format.clone()?, i.records))).collect();
    for f in [
        "people",
        "accounts",
        "payroll_changes",
        "shipments",
        "devices",
        "interviews",
        "references",
        "ipintel",
        "okta",
        "entra",
        "gws",
        "github",
        "signins",
        "osquery",
        "commits",
        "activity",
    ] {
        assert!(formats.get(f).is_some_and(|n| *n > 0), "{f} not read: {formats:?}");
    }
    assert_eq!(formats["people"], 150);
    assert!(o.inputs.iter().all(|i| i.quarantined == 0));

    let (e, shown) = evaluate(dir.path(), &o);
    println!("{shown}");
    assert_eq!(e.operatives, 10);
    assert_eq!(e.operatives_missing, 0, "{shown}");
    holds_the_line(&e, &shown);
    assert!(e.farms.iter().all(|f| f.best_ordinary == 0), "farm clusters hold only operatives: {shown}");
    // Ordinary staff without any look-alike are left alone.
    assert!(e.plain_ordinary.rate <= 0.01, "{shown}");
}

/// A second, larger organisation drawn from another seed, so the thresholds do not rest
/// on one draw of 150 people. Measured on 2026-11-22: recall 1.00, precision 1.00 (20 of
/// 20 flagged), AUC 1.000, farms 3/3, no confounder flagged (seed 12 measured the same).
#[test]
fn a_second_organisation_holds_the_same_line() {
    let dir = tempfile::tempdir().unwrap();
    let params = Params { people: 1000, operatives: 20, farms: 3, days: 21, seed: 11, neutral_names: false };
    org::simulate(&params, dir.path()).unwrap();
    let o = scan(dir.path());
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine);
    let (e, shown) = evaluate(dir.path(), &o);
    assert_eq!(e.operatives, 20);
    holds_the_line(&e, &shown);
}

/// The same organisation with every name replaced one for one by an invented neutral
/// one scores exactly the same: bonafide does not score by name or name origin.
#[test]
fn names_do_not_change_scores() {
    let scores = |neutral: bool| -> BTreeMap<String, (u8, Vec<String>)> {
        let dir = tempfile::tempdir().unwrap();
        org::simulate(&params(neutral), dir.path()).unwrap();
        report_of(&scan(dir.path()))
            .subjects
            .into_iter()
            .map(|s| {
                let mut f: Vec<String> = s.findings.into_iter().map(|f| f.indicator).collect();
                f.sort();
                (s.subject_id, (s.score as u8, f))
            })
            .collect()
    };
    let (a, b) = (scores(false), scores(true));
    assert_eq!(a.len(), b.len());
    let differ: Vec<_> = a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, v)| (k, v, b.get(k))).collect();
    assert!(differ.is_empty(), "scores changed with the names: {differ:?}");
}

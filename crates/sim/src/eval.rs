//! `bonafide eval`: how well a report finds the operatives of a simulated organisation.
//!
//! Reads the simulator's `truth.json` and a scan's `report.json` (only their stable,
//! documented fields) and measures: recall and precision of operatives in the high and
//! critical bands, the ROC AUC of the score, false positives by confounder kind, per-
//! indicator hit rates on operatives and on ordinary subjects, and whether each farm was
//! recovered as one cluster.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Why an evaluation cannot be trusted or made. The cause of a read or parse failure is
/// the error's source, not repeated in its message (`{:#}` prints both).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a truth.json written by `bonafide simulate`")]
    NotTruth {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} is not a report.json written by `bonafide scan`")]
    NotReport {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "the truth and the report are not from the same organisation: only {present} of the {total} subjects the truth names are in the report (scan the data folder written beside this truth.json, then evaluate that report)"
    )]
    Mismatch { present: usize, total: usize },
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthOperative {
    pub subject_id: String,
    #[serde(default)]
    pub farm: Option<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthFarm {
    pub farm_id: String,
    pub subjects: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TruthOrdinary {
    pub subject_id: String,
    #[serde(default)]
    pub confounders: Vec<String>,
}

/// `truth.json` as `bonafide simulate` writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Truth {
    pub operatives: Vec<TruthOperative>,
    #[serde(default)]
    pub farms: Vec<TruthFarm>,
    #[serde(default)]
    pub ordinary: Vec<TruthOrdinary>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportFinding {
    pub indicator: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportSubject {
    pub subject_id: String,
    pub score: f64,
    pub band: String,
    #[serde(default)]
    pub findings: Vec<ReportFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportCluster {
    #[serde(default)]
    pub cluster_id: String,
    #[serde(default)]
    pub kind: String,
    pub subjects: Vec<String>,
}

/// The stable fields of `report.json` (`bonafide.report/1`).
#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub subjects: Vec<ReportSubject>,
    #[serde(default)]
    pub clusters: Vec<ReportCluster>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KindRate {
    pub subjects: usize,
    pub high_or_critical: usize,
    pub rate: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndicatorRate {
    /// Share of operatives with a finding of this indicator.
    pub operatives: f64,
    /// Share of ordinary subjects with one.
    pub ordinary: f64,
    /// Operatives whose tradecraft exposes this indicator (per truth), and the share of
    /// them on whom it fired.
    pub carried_by: usize,
    pub fired_when_carried: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FarmResult {
    pub farm_id: String,
    pub members: Vec<String>,
    /// A single report cluster holds every member.
    pub recovered: bool,
    /// The most members any one cluster holds, and that cluster's id and size.
    pub best_cluster: Option<String>,
    pub best_members: usize,
    pub best_size: usize,
    /// Subjects of that cluster who are not operatives at all.
    pub best_ordinary: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Eval {
    pub schema: &'static str,
    pub subjects: usize,
    pub operatives: usize,
    /// Operatives the report does not list at all (scored 0 here).
    pub operatives_missing: usize,
    pub flagged: usize,
    pub true_positives: usize,
    pub recall: f64,
    pub precision: f64,
    pub auc: f64,
    pub operatives_by_band: BTreeMap<String, usize>,
    pub false_positives_by_confounder: BTreeMap<String, KindRate>,
    /// Ordinary subjects with no confounder at all.
    pub plain_ordinary: KindRate,
    pub indicators: BTreeMap<String, IndicatorRate>,
    pub farms: Vec<FarmResult>,
    pub farms_recovered: usize,
}

fn flagged(band: &str) -> bool {
    band == "high" || band == "critical"
}

/// ROC AUC by the rank-sum (Mann-Whitney) statistic; ties count one half.
pub fn auc(positives: &[f64], negatives: &[f64]) -> f64 {
    if positives.is_empty() || negatives.is_empty() {
        return f64::NAN;
    }
    let mut all: Vec<(f64, bool)> =
        positives.iter().map(|&s| (s, true)).chain(negatives.iter().map(|&s| (s, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1..=j share their mean.
        let mean = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, n) = (positives.len() as f64, negatives.len() as f64);
    (rank_sum - p * (p + 1.0) / 2.0) / (p * n)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

pub fn evaluate(truth: &Truth, report: &Report) -> Eval {
    let ops: HashMap<&str, &TruthOperative> = truth.operatives.iter().map(|o| (o.subject_id.as_str(), o)).collect();
    let confounders: HashMap<&str, &Vec<String>> =
        truth.ordinary.iter().map(|o| (o.subject_id.as_str(), &o.confounders)).collect();
    let by_id: HashMap<&str, &ReportSubject> = report.subjects.iter().map(|s| (s.subject_id.as_str(), s)).collect();
    let mut pos = Vec::new();
    let mut neg = Vec::new();
    let mut tp = 0;
    let mut flagged_n = 0;
    let mut bands: BTreeMap<String, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, KindRate> = BTreeMap::new();
    let mut plain = KindRate { subjects: 0, high_or_critical: 0, rate: 0.0 };
    let mut hits_op: BTreeMap<String, usize> = BTreeMap::new();
    let mut hits_ord: BTreeMap<String, usize> = BTreeMap::new();
    let mut carried: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for s in &report.subjects {
        let f = flagged(&s.band);
        flagged_n += usize::from(f);
        let fired: BTreeSet<&str> = s.findings.iter().map(|x| x.indicator.as_str()).collect();
        if let Some(op) = ops.get(s.subject_id.as_str()) {
            pos.push(s.score);
            tp += usize::from(f);
            *bands.entry(s.band.clone()).or_default() += 1;
            for i in &fired {
                *hits_op.entry(i.to_string()).or_default() += 1;
            }
            for i in &op.indicators {
                let e = carried.entry(i.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(fired.contains(i.as_str()));
            }
        } else {
            neg.push(s.score);
            for i in &fired {
                *hits_ord.entry(i.to_string()).or_default() += 1;
            }
            match confounders.get(s.subject_id.as_str()) {
                Some(list) if !list.is_empty() => {
                    for k in list.iter().collect::<BTreeSet<_>>() {
                        let e =
                            kinds.entry(k.clone()).or_insert(KindRate { subjects: 0, high_or_critical: 0, rate: 0.0 });
                        e.subjects += 1;
                        e.high_or_critical += usize::from(f);
                    }
                }
                _ => {
                    plain.subjects += 1;
                    plain.high_or_critical += usize::from(f);
                }
            }
        }
    }
    let missing: Vec<&TruthOperative> =
        truth.operatives.iter().filter(|o| !by_id.contains_key(o.subject_id.as_str())).collect();
    for o in &missing {
        pos.push(0.0);
        *bands.entry("missing".into()).or_default() += 1;
        for i in &o.indicators {
            carried.entry(i.clone()).or_default().0 += 1;
        }
    }
    for k in kinds.values_mut() {
        k.rate = ratio(k.high_or_critical, k.subjects);
    }
    plain.rate = ratio(plain.high_or_critical, plain.subjects);
    let n_ops = truth.operatives.len();
    let n_ord = neg.len();
    let names: BTreeSet<String> = hits_op.keys().chain(hits_ord.keys()).chain(carried.keys()).cloned().collect();
    let indicators = names
        .into_iter()
        .map(|i| {
            let (c, cf) = carried.get(&i).copied().unwrap_or((0, 0));
            let r = IndicatorRate {
                operatives: ratio(hits_op.get(&i).copied().unwrap_or(0), n_ops),
                ordinary: ratio(hits_ord.get(&i).copied().unwrap_or(0), n_ord),
                carried_by: c,
                fired_when_carried: ratio(cf, c),
            };
            (i, r)
        })
        .collect();
    let farms: Vec<FarmResult> = truth
        .farms
        .iter()
        .map(|f| {
            let members: BTreeSet<&str> = f.subjects.iter().map(String::as_str).collect();
            let best = report
                .clusters
                .iter()
                .map(|c| (c, c.subjects.iter().filter(|s| members.contains(s.as_str())).count()))
                .max_by_key(|(c, n)| (*n, std::cmp::Reverse(c.subjects.len())));
            let (best_cluster, best_members, best_size, best_ordinary) = match best {
                Some((c, n)) if n > 0 => (
                    Some(c.cluster_id.clone()),
                    n,
                    c.subjects.len(),
                    c.subjects.iter().filter(|s| !ops.contains_key(s.as_str())).count(),
                ),
                _ => (None, 0, 0, 0),
            };
            FarmResult {
                farm_id: f.farm_id.clone(),
                members: f.subjects.clone(),
                recovered: !members.is_empty() && best_members == members.len(),
                best_cluster,
                best_members,
                best_size,
                best_ordinary,
            }
        })
        .collect();
    Eval {
        schema: "bonafide.eval/1",
        subjects: report.subjects.len(),
        operatives: n_ops,
        operatives_missing: missing.len(),
        flagged: flagged_n,
        true_positives: tp,
        recall: ratio(tp, n_ops),
        precision: ratio(tp, flagged_n),
        auc: auc(&pos, &neg),
        operatives_by_band: bands,
        false_positives_by_confounder: kinds,
        plain_ordinary: plain,
        indicators,
        farms_recovered: farms.iter().filter(|f| f.recovered).count(),
        farms,
    }
}

fn load<T: serde::de::DeserializeOwned>(
    path: &Path,
    not: fn(String, serde_json::Error) -> EvalError,
) -> Result<T, EvalError> {
    let shown = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|source| EvalError::Io { path: shown.clone(), source })?;
    serde_json::from_reader(std::io::BufReader::new(f)).map_err(|source| not(shown, source))
}

pub fn load_truth(path: &Path) -> Result<Truth, EvalError> {
    load(path, |path, source| EvalError::NotTruth { path, source })
}

pub fn load_report(path: &Path) -> Result<Report, EvalError> {
    load(path, |path, source| EvalError::NotReport { path, source })
}

/// Whether the report is a scan of the organisation the truth describes: at least half
/// of the subjects the truth names (operatives, and ordinary staff with confounders)
/// must be in it. [`evaluate`] scores a truth against any report, and against another
/// organisation's it would print confident numbers about nobody (every operative
/// "missing", precision from strangers), so callers that take the two files from a user
/// check this first. Every person of a simulated organisation is a subject of its scan,
/// so a real pair has them all; half leaves room for a scan of part of the data.
pub fn same_organisation(truth: &Truth, report: &Report) -> Result<(), EvalError> {
    let named: BTreeSet<&str> = truth
        .operatives
        .iter()
        .map(|o| o.subject_id.as_str())
        .chain(truth.ordinary.iter().map(|o| o.subject_id.as_str()))
        .collect();
    let listed: BTreeSet<&str> = report.subjects.iter().map(|s| s.subject_id.as_str()).collect();
    let present = named.iter().filter(|id| listed.contains(*id)).count();
    if present * 2 < named.len() {
        return Err(EvalError::Mismatch { present, total: named.len() });
    }
    Ok(())
}

/// The one-line verdict.
pub fn line(e: &Eval) -> String {
    let worst = e
        .false_positives_by_confounder
        .iter()
        .max_by(|a, b| a.1.rate.total_cmp(&b.1.rate))
        .map(|(k, r)| format!("{k} {:.0}%", r.rate * 100.0))
        .unwrap_or_else(|| "none".into());
    format!(
        "eval: recall {:.2} precision {:.2} (high/critical: {} of {} operatives, {} flagged)  AUC {:.3}  farms {}/{}  worst confounder {}",
        e.recall,
        e.precision,
        e.true_positives,
        e.operatives,
        e.flagged,
        e.auc,
        e.farms_recovered,
        e.farms.len(),
        worst
    )
}

/// A readable account of the evaluation.
pub fn render(e: &Eval) -> String {
    let mut s = line(e);
    s.push_str("\n\noperatives by band:");
    for (b, n) in &e.operatives_by_band {
        s.push_str(&format!(" {b} {n}"));
    }
    s.push_str("\n\nordinary subjects in high/critical, by confounder kind:\n");
    for (k, r) in &e.false_positives_by_confounder {
        s.push_str(&format!("  {k:<24} {:>4} of {:>5}  {:5.1}%\n", r.high_or_critical, r.subjects, r.rate * 100.0));
    }
    s.push_str(&format!(
        "  {:<24} {:>4} of {:>5}  {:5.1}%\n",
        "(no confounder)",
        e.plain_ordinary.high_or_critical,
        e.plain_ordinary.subjects,
        e.plain_ordinary.rate * 100.0
    ));
    s.push_str("\nindicator  operatives  ordinary  carried  fired-when-carried\n");
    for (i, r) in &e.indicators {
        s.push_str(&format!(
            "  {i:<8} {:>9.1}% {:>8.1}% {:>8} {:>10.0}%\n",
            r.operatives * 100.0,
            r.ordinary * 100.0,
            r.carried_by,
            r.fired_when_carried * 100.0
        ));
    }
    s.push_str("\nfarms:\n");
    for f in &e.farms {
        s.push_str(&format!(
            "  {} ({} members): {}{}\n",
            f.farm_id,
            f.members.len(),
            if f.recovered { "recovered" } else { "not recovered" },
            match &f.best_cluster {
                Some(c) => format!(
                    ", best cluster {c} holds {} of them among {} subjects ({} not operatives)",
                    f.best_members, f.best_size, f.best_ordinary
                ),
                None => ", in no cluster".into(),
            }
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashSet;

    use super::*;

    fn report(subjects: &[(&str, f64, &str, &[&str])], clusters: &[&[&str]]) -> Report {
        Report {
            subjects: subjects
                .iter()
                .map(|(id, score, band, f)| ReportSubject {
                    subject_id: id.to_string(),
                    score: *score,
                    band: band.to_string(),
                    findings: f.iter().map(|i| ReportFinding { indicator: i.to_string() }).collect(),
                })
                .collect(),
            clusters: clusters
                .iter()
                .enumerate()
                .map(|(i, c)| ReportCluster {
                    cluster_id: format!("C{i}"),
                    kind: "laptop_farm".into(),
                    subjects: c.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        }
    }

    fn truth() -> Truth {
        serde_json::from_str(
            r#"{"operatives": [
                {"subject_id": "O1", "farm": "F1", "indicators": ["C2", "E2"]},
                {"subject_id": "O2", "farm": "F1", "indicators": ["C2"]},
                {"subject_id": "O3", "indicators": ["D1"]}],
              "farms": [{"farm_id": "F1", "subjects": ["O1", "O2"]}],
              "ordinary": [{"subject_id": "N1", "confounders": ["traveller"]},
                           {"subject_id": "N2", "confounders": ["traveller", "privacy_vpn"]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_report_of_another_organisation_is_refused() {
        // The truth names O1, O2, O3, N1, N2.
        let other = report(&[("X1", 99.0, "critical", &[]), ("X2", 1.0, "low", &[])], &[]);
        let e = same_organisation(&truth(), &other).unwrap_err().to_string();
        assert!(e.contains("not from the same organisation") && e.contains("0 of the 5"), "{e}");
        let few = report(&[("O1", 99.0, "critical", &[]), ("N1", 1.0, "low", &[]), ("X1", 1.0, "low", &[])], &[]);
        assert!(same_organisation(&truth(), &few).is_err(), "2 of 5 is fewer than half");
        let most = report(&[("O1", 99.0, "critical", &[]), ("O2", 1.0, "low", &[]), ("N1", 1.0, "low", &[])], &[]);
        same_organisation(&truth(), &most).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_truth_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("truth.json");
        std::fs::write(&path, "{\"subjects\": []}").unwrap();
        let e = load_truth(&path).unwrap_err();
        let shown = anyhow_like(&e);
        assert!(shown.contains("is not a truth.json written by `bonafide simulate`"), "{shown}");
        assert_eq!(shown.matches("missing field").count(), 1, "{shown}");
        std::fs::write(&path, "{\"people\": []}").unwrap();
        let e = load_report(&path).unwrap_err();
        assert!(e.to_string().contains("is not a report.json written by `bonafide scan`"), "{e}");
        let e = load_truth(&dir.path().join("none.json")).unwrap_err();
        assert_eq!(anyhow_like(&e).matches("No such file").count(), 1, "{}", anyhow_like(&e));
    }

    /// The message and its causes as `{:#}` of an error chain prints them (the CLI's
    /// `error: ...` line).
    fn anyhow_like(e: &dyn std::error::Error) -> String {
        let mut s = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            s.push_str(&format!(": {c}"));
            cause = c.source();
        }
        s
    }

    #[test]
    fn auc_by_hand() {
        assert_eq!(auc(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
        assert_eq!(auc(&[1.0], &[2.0]), 0.0);
        assert_eq!(auc(&[2.0], &[2.0]), 0.5);
        // 3 beats 1 and 2, 1 ties 1 and loses to 2: (2 + 0.5) / 4.
        assert_eq!(auc(&[3.0, 1.0], &[1.0, 2.0]), 0.625);
        assert!(auc(&[], &[1.0]).is_nan());
    }

    #[test]
    fn recall_precision_confounders_indicators_and_farms() {
        let r = report(
            &[
                ("O1", 99.0, "critical", &["C2", "E2"]),
                ("N2", 60.0, "high", &["D1", "E4"]),
                ("O2", 40.0, "medium", &["D1"]),
                ("N1", 10.0, "medium", &[]),
                ("N3", 0.0, "low", &[]),
            ],
            &[&["O1", "O2", "N3"]],
        );
        let e = evaluate(&truth(), &r);
        assert_eq!((e.operatives, e.operatives_missing, e.flagged, e.true_positives), (3, 1, 2, 1));
        assert!((e.recall - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(e.precision, 0.5);
        // Positives 99, 40, 0 (missing) against 60, 10, 0: 3 + 2 + 0.5 wins of 9.
        assert!((e.auc - 5.5 / 9.0).abs() < 1e-9, "{}", e.auc);
        let t = &e.false_positives_by_confounder["traveller"];
        assert_eq!((t.subjects, t.high_or_critical), (2, 1));
        assert_eq!(e.false_positives_by_confounder["privacy_vpn"].rate, 1.0);
        assert_eq!((e.plain_ordinary.subjects, e.plain_ordinary.high_or_critical), (1, 0));
        let c2 = &e.indicators["C2"];
        assert_eq!((c2.carried_by, c2.fired_when_carried), (2, 0.5));
        assert!((c2.operatives - 1.0 / 3.0).abs() < 1e-9 && c2.ordinary == 0.0);
        let d1 = &e.indicators["D1"];
        assert_eq!((d1.carried_by, d1.fired_when_carried), (1, 0.0), "O3 carries D1 but is missing");
        assert!((d1.ordinary - 1.0 / 3.0).abs() < 1e-9);
        assert!(e.farms[0].recovered && e.farms_recovered == 1);
        assert_eq!((e.farms[0].best_size, e.farms[0].best_ordinary), (3, 1));
        assert_eq!(e.operatives_by_band.get("missing"), Some(&1));
        assert!(line(&e).contains("farms 1/1"), "{}", line(&e));
    }

    #[test]
    fn a_farm_split_over_two_clusters_is_not_recovered() {
        let r = report(&[("O1", 99.0, "critical", &[]), ("O2", 99.0, "critical", &[])], &[&["O1"], &["O2", "X"]]);
        let e = evaluate(&truth(), &r);
        assert!(!e.farms[0].recovered);
        assert_eq!(e.farms[0].best_members, 1);
        assert_eq!(e.farms_recovered, 0);
    }

    #[test]
    fn no_flags_means_zero_precision_not_nan() {
        let r = report(&[("O1", 1.0, "low", &[]), ("N1", 1.0, "low", &[])], &[]);
        let e = evaluate(&truth(), &r);
        assert_eq!((e.recall, e.precision), (0.0, 0.0));
    }

    proptest::proptest! {
        /// Any report, however unrelated to the truth, evaluates without panicking and
        /// gives rates between 0 and 1; the AUC is the share of (operative, ordinary)
        /// pairs the score orders correctly.
        #[test]
        fn any_report_evaluates(
            subjects in proptest::collection::vec(("[ON][0-9]", 0.0f64..100.0, 0usize..4, proptest::collection::vec("[A-E][1-3]", 0..4)), 0..30),
            clusters in proptest::collection::vec(proptest::collection::vec("[ON][0-9]", 0..5), 0..4),
        ) {
            let bands = ["low", "medium", "high", "critical"];
            let mut seen = std::collections::HashSet::new();
            let subjects: Vec<_> = subjects.into_iter().filter(|s| seen.insert(s.0.clone())).collect();
            let r = Report {
                subjects: subjects.iter().map(|(id, score, b, f)| ReportSubject {
                    subject_id: id.clone(), score: *score, band: bands[*b].into(),
                    findings: f.iter().map(|i| ReportFinding { indicator: i.clone() }).collect(),
                }).collect(),
                clusters: clusters.into_iter().map(|c| ReportCluster { cluster_id: String::new(), kind: String::new(), subjects: c }).collect(),
            };
            let t = truth();
            let e = evaluate(&t, &r);
            for x in [e.recall, e.precision, e.plain_ordinary.rate] {
                proptest::prop_assert!((0.0..=1.0).contains(&x));
            }
            for k in e.false_positives_by_confounder.values() {
                proptest::prop_assert!((0.0..=1.0).contains(&k.rate));
            }
            // The AUC by brute force over pairs.
            let ops: HashSet<&str> = t.operatives.iter().map(|o| o.subject_id.as_str()).collect();
            let mut pos: Vec<f64> = r.subjects.iter().filter(|s| ops.contains(s.subject_id.as_str())).map(|s| s.score).collect();
            pos.extend(std::iter::repeat_n(0.0, e.operatives_missing));
            let neg: Vec<f64> = r.subjects.iter().filter(|s| !ops.contains(s.subject_id.as_str())).map(|s| s.score).collect();
            if !neg.is_empty() {
                let mut wins = 0.0;
                for p in &pos { for n in &neg { wins += if p > n { 1.0 } else if p == n { 0.5 } else { 0.0 }; } }
                proptest::prop_assert!((e.auc - wins / (pos.len() * neg.len()) as f64).abs() < 1e-9);
            }
            let _ = line(&e);
            let _ = render(&e);
        }
    }
}

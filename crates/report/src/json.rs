//! `report.json`, exactly as the data contract describes it (`bonafide.report/1`).
//!
//! Outside test suites parse this file: the required fields keep their names, types and
//! meaning; everything else here is an optional extension and may be absent. Subjects
//! are listed from the highest score down, every subject read appears (with an empty
//! findings list when nothing fired), and no raw sensitive value is ever written.

use bonafide_core::activity::is_zero;
use bonafide_core::{Catalog, Finding, SubjectIdx};
use bonafide_engine::ScanOutcome;
use serde::Serialize;
use serde_json::{Map, Value};

pub const SCHEMA: &str = "bonafide.report/1";

#[derive(Serialize)]
pub struct Report<'a> {
    pub schema: &'static str,
    pub generated_at: String,
    pub version: &'a str,
    pub run_id: &'a str,
    pub inputs: Vec<Input<'a>>,
    pub totals: &'a bonafide_engine::outcome::Totals,
    pub subjects: Vec<SubjectOut<'a>>,
    pub clusters: Vec<ClusterOut<'a>>,
    /// A sample of quarantined records: where and why (never the record itself).
    pub quarantine: Vec<QuarantineOut>,
    /// A sample of the unusable fields of records that were kept (`hire_date` of
    /// `5/6/2019`): where, which field and why. An optional extension of the contract,
    /// left out when there are none; `inputs[].field_issues` has the exact counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_issues: Vec<QuarantineOut>,
}

#[derive(Serialize)]
pub struct Input<'a> {
    pub path: &'a str,
    pub format: Option<&'a str>,
    pub records: u64,
    pub quarantined: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicates: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub field_issues: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

#[derive(Serialize)]
pub struct SubjectOut<'a> {
    pub subject_id: &'a str,
    pub name: &'a str,
    pub score: u8,
    pub band: &'static str,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
    pub log2_odds: f64,
    pub contributions: Vec<ContributionOut<'a>>,
    /// When the subject has timestamped activity: the working zone its times imply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityOut<'a>>,
    pub findings: Vec<FindingOut>,
}

#[derive(Serialize)]
pub struct ActivityOut<'a> {
    pub events: u64,
    pub inferred_utc_offset_minutes: Option<i32>,
    pub confidence: f64,
    pub claimed_utc_offset_minutes: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_zone: Option<&'a str>,
    /// Active 30-minute slots per UTC hour.
    pub utc_hours: &'a [u32],
    /// The same per claimed local hour (when the claimed zone is known).
    #[serde(skip_serializing_if = "<[u32]>::is_empty")]
    pub local_hours: &'a [u32],
    #[serde(skip_serializing_if = "<[(i32, u32)]>::is_empty")]
    pub recorded_commit_offsets: &'a [(i32, u32)],
    #[serde(skip_serializing_if = "<[(String, String, i32)]>::is_empty")]
    pub periods: &'a [(String, String, i32)],
    /// Commits left out of the rhythm: someone else committed them at the second of
    /// their author time, so the time is the committer's action.
    #[serde(skip_serializing_if = "is_zero")]
    pub commits_timed_by_committer: u32,
}

#[derive(Serialize)]
pub struct ContributionOut<'a> {
    pub indicator: &'a str,
    pub bits: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<&'a str>,
}

#[derive(Serialize)]
pub struct FindingOut {
    pub indicator: String,
    pub title: String,
    pub tier: String,
    pub weight_bits: f64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub summary: String,
    pub evidence: Vec<EvidenceOut>,
    pub evidence_total: u64,
    /// For cross-subject findings, the other subjects involved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_subjects: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<Value>,
}

#[derive(Serialize)]
pub struct EvidenceOut {
    pub source: Option<String>,
    pub detail: Map<String, Value>,
}

#[derive(Serialize)]
pub struct ClusterOut<'a> {
    pub cluster_id: &'a str,
    pub kind: &'a str,
    pub subjects: Vec<&'a str>,
    pub links: Vec<LinkOut<'a>>,
}

#[derive(Serialize)]
pub struct LinkOut<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub indicator: &'a str,
    /// Optional (identifier graph): what the shared identifier is worth for the pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<f64>,
    /// Optional: why the link exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

#[derive(Serialize)]
pub struct QuarantineOut {
    pub source: String,
    pub reason: String,
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn finding_out(o: &ScanOutcome, f: &Finding, for_subject: SubjectIdx) -> FindingOut {
    let ind = Catalog::builtin().get(&f.indicator);
    FindingOut {
        indicator: f.indicator.clone(),
        title: ind.map(|i| i.title.clone()).unwrap_or_default(),
        tier: ind.map(|i| i.tier.to_string()).unwrap_or_default(),
        weight_bits: round(f.weight_bits),
        first_seen: f.first_seen.map(|t| t.to_rfc3339()),
        last_seen: f.last_seen.map(|t| t.to_rfc3339()),
        summary: f.summary.clone(),
        evidence: f
            .evidence
            .iter()
            .map(|e| EvidenceOut { source: e.source.map(|p| o.sources.display(&p)), detail: e.detail.clone() })
            .collect(),
        evidence_total: f.evidence_total.max(f.evidence.len() as u64),
        with_subjects: f
            .subjects
            .iter()
            .filter(|s| **s != for_subject)
            .filter_map(|s| o.subjects.get(s.index()))
            .map(|s| s.id.clone())
            .collect(),
        shared: f.shared.as_ref().map(|s| serde_json::json!({"kind": s.kind, "value": s.value})),
    }
}

pub fn build<'a>(o: &'a ScanOutcome) -> Report<'a> {
    let subjects = o
        .ranking()
        .into_iter()
        .map(|idx| {
            let s = &o.subjects[idx.index()];
            let score = &o.scores[idx.index()];
            SubjectOut {
                subject_id: &s.id,
                name: &s.name,
                score: score.score,
                band: score.band.as_str(),
                kind: s.kind.as_str(),
                implicit: s.implicit,
                log2_odds: round(score.log2_odds),
                contributions: score
                    .contributions
                    .iter()
                    .map(|c| ContributionOut { indicator: &c.indicator, bits: round(c.bits), via: c.via.as_deref() })
                    .collect(),
                activity: o.activity.get(idx.index()).and_then(Option::as_ref).map(|a| ActivityOut {
                    events: a.events,
                    inferred_utc_offset_minutes: a.inferred_utc_offset_minutes,
                    confidence: a.confidence,
                    claimed_utc_offset_minutes: a.claimed_utc_offset_minutes,
                    claimed_zone: a.claimed_zone.as_deref(),
                    utc_hours: &a.utc_hours,
                    local_hours: &a.local_hours,
                    recorded_commit_offsets: &a.recorded_offsets,
                    periods: &a.periods,
                    commits_timed_by_committer: a.commits_timed_by_committer,
                }),
                findings: o.findings_of(idx).into_iter().map(|f| finding_out(o, f, idx)).collect(),
            }
        })
        .collect();
    let id = |i: SubjectIdx| o.subjects.get(i.index()).map(|s| s.id.as_str()).unwrap_or("?");
    Report {
        schema: SCHEMA,
        generated_at: o.run.finished_at.to_rfc3339(),
        version: o.run.version,
        run_id: &o.run.run_id,
        inputs: o
            .inputs
            .iter()
            .map(|i| Input {
                path: &i.path,
                format: i.format.as_deref(),
                records: i.records,
                quarantined: i.quarantined,
                duplicates: i.duplicates,
                field_issues: i.field_issues,
                skipped: i.skipped.as_deref(),
                error: i.error.as_deref(),
            })
            .collect(),
        totals: &o.totals,
        subjects,
        clusters: o
            .clusters
            .iter()
            .map(|c| ClusterOut {
                cluster_id: &c.id,
                kind: &c.kind,
                subjects: c.subjects.iter().map(|s| id(*s)).collect(),
                links: c
                    .links
                    .iter()
                    .map(|l| LinkOut {
                        a: id(l.a),
                        b: id(l.b),
                        kind: &l.kind,
                        value: &l.value,
                        indicator: &l.indicator,
                        bits: l.bits.map(round),
                        reason: l.reason.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        quarantine: entries(o, &o.quarantine),
        field_issues: entries(o, &o.field_issues),
    }
}

/// Quarantined records or unusable fields as the report lists them: where, and why.
fn entries(o: &ScanOutcome, list: &[bonafide_core::QuarantineEntry]) -> Vec<QuarantineOut> {
    list.iter().map(|q| QuarantineOut { source: o.sources.display(&q.pos), reason: q.reason.clone() }).collect()
}

pub fn to_string(o: &ScanOutcome) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&build(o))
}

//! Page models for the askama templates in `templates/`, and the cluster graph drawn as
//! inline SVG. Values reach templates as plain strings; askama escapes them, and the
//! only `|safe` content is SVG built here from escaped text.

use std::fmt::Write;

use askama::Template;
use axum::http::StatusCode;
use serde_json::Value;

use crate::snapshot::{ClusterView, FindingView, Snapshot, SubjectView};

/// What every page's frame needs.
pub struct Chrome {
    pub title: String,
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub analyst: bool,
    pub admin: bool,
}

impl Chrome {
    pub fn new(title: impl Into<String>, p: &crate::auth::Principal) -> Chrome {
        Chrome {
            title: title.into(),
            user: p.name.clone(),
            role: p.role.as_str().into(),
            csrf: p.csrf().into(),
            analyst: p.role >= crate::Role::Analyst,
            admin: p.role >= crate::Role::Admin,
        }
    }
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A JSON value as one line of text (masked values by their mask only): the report's
/// rule, so both sinks write values alike.
pub use bonafide_report::present::plain as text;

/// A table of a JSON array of objects, with the given columns.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn table(v: &Value, cols: &[&str]) -> Table {
    // Times (`at`, `*_at`) in the one format the evidence above them uses.
    let cell = |c: &str, x: &Value| {
        let t = text(x);
        if c == "at" || c.ends_with("_at") { bonafide_report::present::time(&t) } else { t }
    };
    let rows = v
        .as_array()
        .map(|a| a.iter().map(|r| cols.iter().map(|c| cell(c, r.get(*c).unwrap_or(&Value::Null))).collect()).collect())
        .unwrap_or_default();
    Table { headers: cols.iter().map(|c| c.replace('_', " ")).collect(), rows }
}

pub fn bits(x: f64) -> String {
    format!("{x:+.1}")
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub error: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: String,
    message: String,
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    ErrorPage { status: status.to_string(), message: message.into() }.render().unwrap_or_else(|_| escape(message))
}

/// An indicator's contribution to a score as the pages show it: `A7 +8.0`, with the
/// catalog's title as its tooltip and a link to the indicator's page, so that a code is
/// never shown without a way to learn what it means.
pub struct Chip {
    pub id: String,
    pub bits: String,
    /// Suppressed: shown struck through.
    pub off: bool,
    /// The tooltip: `A7 · <title>`.
    pub title: String,
    /// The indicator's page; empty for a contribution that is no catalog indicator.
    pub href: String,
}

/// The tooltip and link of an indicator code. `CASE` is the weight a confirmed case lends
/// its cluster (see `snapshot`), not a catalog entry.
pub fn indicator_label(id: &str) -> (String, String) {
    let catalog = bonafide_core::Catalog::builtin();
    match catalog.get(id) {
        Some(i) => (catalog.label(id), format!("/indicators/{}", path_segment(&i.id))),
        None if id == "CASE" => ("CASE · a confirmed case in a shared cluster".into(), String::new()),
        None => (id.to_string(), String::new()),
    }
}

pub fn chip(indicator: &str, bits_: f64, off: bool) -> Chip {
    let (title, href) = indicator_label(indicator);
    Chip { id: indicator.to_string(), bits: bits(bits_), off, title, href }
}

/// Orders indicator codes as people read them: by letter, then by number (A4 before
/// A14), where a plain string sort would put A14 first.
pub fn indicator_order(id: &str) -> (String, u64, String) {
    let digits = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, tail) = id.split_at(digits);
    let end = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
    (head.to_string(), tail[..end].parse().unwrap_or(0), tail[end..].to_string())
}

pub struct QueueRow {
    pub rank: usize,
    pub score: u8,
    pub band: String,
    pub id: String,
    pub name: String,
    pub department: String,
    pub vendor: String,
    pub chips: Vec<Chip>,
    pub moved: String,
}

#[derive(Template)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub run: String,
    pub total: usize,
    pub shown: usize,
    pub rows: Vec<QueueRow>,
    pub band_options: Vec<(&'static str, bool)>,
    pub indicator: String,
    pub department: String,
    pub vendor: String,
    pub new: bool,
    pub quiet: bool,
    pub departments: Vec<String>,
    pub vendors: Vec<String>,
    /// The Indicator filter's options: code and `A4 · <title>`, in [`indicator_order`].
    pub indicators: Vec<(String, String)>,
}

pub fn queue_row(rank: usize, s: &SubjectView) -> QueueRow {
    QueueRow {
        rank,
        score: s.score,
        band: s.band.clone(),
        id: s.id.clone(),
        name: s.name.clone(),
        department: s.department.clone().unwrap_or_default(),
        vendor: s.vendor.clone().unwrap_or_default(),
        chips: s.contributions.iter().map(|c| chip(&c.indicator, c.bits, c.suppressed)).collect(),
        moved: if s.score != s.run_score { format!("run score {}", s.run_score) } else { String::new() },
    }
}

pub struct FindingBox {
    pub indicator: String,
    pub title: String,
    pub tier: String,
    pub weight: String,
    pub summary: String,
    pub when: String,
    pub with: Vec<String>,
    /// The evidence as tables of its main facts, through the table the HTML report uses
    /// too (`bonafide_report::present`), so both read alike.
    pub evidence: Vec<bonafide_report::present::EvidenceGroup>,
    pub more: i64,
    pub suppressed: bool,
}

pub struct Stage {
    pub name: String,
    pub findings: Vec<FindingBox>,
}

pub fn finding_box(f: &FindingView, me: &str, suppressed: bool) -> FindingBox {
    let c = bonafide_core::Catalog::builtin();
    let ind = c.get(&f.indicator);
    let when = bonafide_report::present::when(f.first_seen.as_deref(), f.last_seen.as_deref());
    FindingBox {
        indicator: f.indicator.clone(),
        title: ind.map(|i| i.title.clone()).unwrap_or_default(),
        tier: ind.map(|i| i.tier.to_string()).unwrap_or_default(),
        weight: bits(f.weight_bits),
        summary: f.summary.clone(),
        when,
        with: f.subjects.iter().filter(|s| *s != me).cloned().collect(),
        evidence: evidence(f, me),
        more: (f.evidence_total - f.evidence.len() as i64).max(0),
        suppressed,
    }
}

/// A finding's evidence as tables of main facts, the page's subject not repeated. A
/// detail that is not a JSON object (none is, by the data contract) shows as one fact.
fn evidence(f: &FindingView, me: &str) -> Vec<bonafide_report::present::EvidenceGroup> {
    // Objects are read in place (every page view renders them); only the odd detail
    // that is no object is wrapped.
    let empty = serde_json::Map::new();
    let wrapped: Vec<Option<serde_json::Map<String, Value>>> = f
        .evidence
        .iter()
        .map(|e| match &e.detail {
            Value::Object(_) | Value::Null => None,
            other => Some(serde_json::Map::from_iter([("detail".to_string(), other.clone())])),
        })
        .collect();
    bonafide_report::present::evidence(
        f.evidence.iter().zip(&wrapped).map(|(e, w)| {
            let detail = match (&e.detail, w) {
                (Value::Object(m), _) => m,
                (_, Some(w)) => w,
                _ => &empty,
            };
            (e.source.clone().unwrap_or_default(), detail)
        }),
        Some(me),
    )
}

/// A subject's findings grouped by stage (indicator family), in the catalog's order.
pub fn stages(snap: &Snapshot, s: &SubjectView) -> Vec<Stage> {
    let c = bonafide_core::Catalog::builtin();
    let mut out: Vec<Stage> = Vec::new();
    for (fam, name) in &c.families {
        let findings: Vec<FindingBox> = s
            .findings
            .iter()
            .map(|&i| &snap.findings[i])
            .filter(|f| c.get(&f.indicator).is_some_and(|i| &i.family == fam))
            .map(|f| {
                let sup = s.contributions.iter().any(|x| x.indicator == f.indicator && x.suppressed);
                finding_box(f, &s.id, sup)
            })
            .collect();
        if !findings.is_empty() {
            out.push(Stage { name: format!("{fam} · {name}"), findings });
        }
    }
    out
}

pub struct CaseRow {
    pub case_id: i64,
    pub title: String,
    pub status: String,
    pub disposition: String,
    pub assignee: String,
    pub subject: String,
    pub cluster: String,
    pub updated_at: String,
}

/// A stored status as people read it (`in_progress` is "in progress").
pub fn status_label(s: &str) -> String {
    crate::cases::Status::parse(s).map_or_else(|| s.to_string(), |x| x.label().to_string())
}

/// A stored disposition as people read it (`false_positive` is "false positive").
pub fn disposition_label(d: &str) -> String {
    crate::cases::Disposition::parse(d).map_or_else(|| d.to_string(), |x| x.label().to_string())
}

/// A select's options: value, label, selected.
pub type LabelledOption = (&'static str, &'static str, bool);

pub fn status_options(current: &str) -> Vec<LabelledOption> {
    crate::cases::Status::ALL.iter().map(|s| (s.as_str(), s.label(), s.as_str() == current)).collect()
}

pub fn disposition_options(current: &str) -> Vec<LabelledOption> {
    crate::cases::Disposition::ALL.iter().map(|d| (d.as_str(), d.label(), d.as_str() == current)).collect()
}

pub fn case_row(c: &crate::cases::Case) -> CaseRow {
    CaseRow {
        case_id: c.case_id,
        title: c.title.clone(),
        status: status_label(&c.status),
        disposition: c.disposition.as_deref().map(disposition_label).unwrap_or_default(),
        assignee: c.assignee.clone().unwrap_or_default(),
        subject: c.subject_id.clone().unwrap_or_default(),
        cluster: c.cluster_id.clone().unwrap_or_default(),
        updated_at: c.updated_at.clone(),
    }
}

#[derive(Template)]
#[template(path = "subject.html")]
pub struct SubjectPage {
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub score: u8,
    pub band: String,
    pub run_score: u8,
    pub log2_odds: String,
    pub prior: String,
    /// Each contribution's chip and the subject it came via (propagation), if any.
    pub contributions: Vec<(Chip, String)>,
    pub facts: Vec<(String, String)>,
    pub clock: Option<String>,
    pub zones: Vec<(String, String, String)>,
    pub stages: Vec<Stage>,
    pub clusters: Vec<(String, String, usize)>,
    pub devices: Table,
    pub shipments: Table,
    pub payroll: Table,
    pub interviews: Table,
    pub cases: Vec<CaseRow>,
    pub suppressions: Vec<crate::cases::Suppression>,
    pub indicators: Vec<String>,
}

#[derive(Template)]
#[template(path = "cluster.html")]
pub struct ClusterPage {
    pub chrome: Chrome,
    pub id: String,
    /// The kind in words (`Laptop farm`) and what holds such a cluster together.
    pub kind: String,
    pub meaning: String,
    pub graph: String,
    pub members: Vec<QueueRow>,
    /// One row per shared identifier, with every member who carries it.
    pub shared: Vec<SharedIdentifier>,
    pub cases: Vec<CaseRow>,
}

/// One identifier shared inside a cluster and every member who carries it.
pub struct SharedIdentifier {
    /// Its kind in words (`shipping address`).
    pub kind: String,
    /// Its value as shown (a masked value without its fingerprint).
    pub value: String,
    /// The value as stored, when what is shown differs (for a tooltip).
    pub raw: String,
    /// Member id and name, in the cluster's member order.
    pub members: Vec<(String, String)>,
    /// The indicators that vetted the links (a link to each one's page).
    pub indicators: Vec<Chip>,
}

/// A cluster's links grouped by identifier (`bonafide_report::present::shared_values`,
/// which the HTML report uses too): one row per value, with every member who carries
/// it, not the stored pairs (which read as a star around one member).
pub fn shared_identifiers(
    snap: &Snapshot,
    c: &ClusterView,
    values: Vec<bonafide_report::present::SharedValue>,
) -> Vec<SharedIdentifier> {
    values
        .into_iter()
        .map(|x| {
            let mut indicators = x.indicators;
            indicators.sort_by_cached_key(|i| indicator_order(i));
            SharedIdentifier {
                kind: x.kind,
                value: x.value,
                raw: x.raw,
                members: x
                    .holders
                    .iter()
                    .filter_map(|h| c.members.get(*h))
                    .map(|h| (h.clone(), snap.subject(h).map(|s| s.name.clone()).unwrap_or_default()))
                    .collect(),
                indicators: indicators.iter().map(|i| chip(i, 0.0, false)).collect(),
            }
        })
        .collect()
}

pub fn shared_values(c: &ClusterView) -> Vec<bonafide_report::present::SharedValue> {
    let members: Vec<&str> = c.members.iter().map(String::as_str).collect();
    let links = c.links.iter().map(|l| bonafide_report::present::ClusterLink {
        a: &l.a,
        b: &l.b,
        kind: &l.kind,
        value: &l.value,
        indicator: &l.indicator,
    });
    bonafide_report::present::shared_values(&members, links)
}

/// id, tier, title, subjects with it now.
/// id, tier, title, subjects with it now, and whether this version detects it.
pub type IndicatorRow = (String, String, String, usize, bool);

/// Each option with whether it is the current value.
pub fn options(all: &[&'static str], current: &str) -> Vec<(&'static str, bool)> {
    all.iter().map(|o| (*o, *o == current)).collect()
}

#[derive(Template)]
#[template(path = "indicators.html")]
pub struct IndicatorsPage {
    pub chrome: Chrome,
    /// Per family: its name and (id, tier, title, subjects now) per indicator.
    pub families: Vec<(String, Vec<IndicatorRow>)>,
}

#[derive(Template)]
#[template(path = "indicator.html")]
pub struct IndicatorPage {
    pub chrome: Chrome,
    pub id: String,
    pub title: String,
    pub family: String,
    pub tier: String,
    pub tier_meaning: String,
    pub description: String,
    pub data: String,
    pub detection: String,
    pub sources: Vec<(String, String)>,
    pub subjects: Vec<QueueRow>,
    /// Whether this version raises the indicator (`bonafide_engine::detected_indicators`).
    pub detected: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage {
    pub chrome: Chrome,
    pub cases: Vec<CaseRow>,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub chrome: Chrome,
    pub case: CaseRow,
    pub status_options: Vec<LabelledOption>,
    pub disposition_options: Vec<LabelledOption>,
    /// Who the case may be assigned to (enabled users, plus the current assignee if no
    /// longer one): value, label, selected.
    pub assignees: Vec<(String, String, bool)>,
    /// The version of the case the form was built from (see `CaseChange::updated_at`).
    pub form_updated_at: String,
    /// Why the last change was refused; the form then shows what the user chose.
    pub error: String,
    /// The largest attachment, for the upload form's label.
    pub attachment_limit: String,
    pub created_by: String,
    pub created_at: String,
    pub subject: Option<QueueRow>,
    pub notes: Vec<crate::cases::Note>,
    pub attachments: Vec<crate::cases::Attachment>,
    pub audit: Vec<crate::audit::AuditEntry>,
}

#[derive(Template)]
#[template(path = "runs.html")]
pub struct RunsPage {
    pub chrome: Chrome,
    pub runs: Vec<RunRow>,
    pub ingest: crate::ingest::IngestStatus,
    /// How long the last re-scan of this process took, when there was one.
    pub last_took: String,
    pub inbox: String,
    pub watch: Vec<String>,
    /// Whether the inbox or a watched folder holds anything a re-scan would read.
    pub can_rescan: bool,
}

/// One stored run as the Runs page lists it: numbers as text (`355,721`), times in the
/// pages' one format.
pub struct RunRow {
    pub run_id: String,
    /// The run the pages show now.
    pub current: bool,
    pub started: String,
    pub took: String,
    /// Who started it and how; empty when not recorded.
    pub started_by: String,
    pub started_how: String,
    pub files_read: String,
    pub files_skipped: String,
    pub records: String,
    pub quarantined: String,
    pub duplicates: String,
    pub subjects: String,
    pub findings: String,
    pub version: String,
}

pub fn run_row(r: &crate::snapshot::RunSummary, current: Option<&str>) -> RunRow {
    use bonafide_report::present;
    let total = |k: &str| present::number(r.totals.get(k).and_then(Value::as_f64).unwrap_or(0.0));
    let took = match (bonafide_core::UtcMs::parse(&r.started_at), bonafide_core::UtcMs::parse(&r.finished_at)) {
        (Ok(a), Ok(b)) if b.0 >= a.0 => present::duration((b.0 - a.0) as f64 / 1000.0),
        _ => String::new(),
    };
    RunRow {
        run_id: r.run_id.clone(),
        current: current == Some(r.run_id.as_str()),
        started: present::time(&r.started_at),
        took,
        started_by: r.started_by.clone().unwrap_or_default(),
        started_how: r.started_how.clone().unwrap_or_default(),
        files_read: total("files_read"),
        files_skipped: total("files_skipped"),
        records: total("records"),
        quarantined: total("quarantined"),
        duplicates: total("duplicates"),
        subjects: present::number(r.subjects as f64),
        findings: present::number(r.findings as f64),
        version: r.version.clone(),
    }
}

#[derive(Template)]
#[template(path = "run.html")]
pub struct RunPage {
    pub chrome: Chrome,
    pub run: RunRow,
    /// The inputs read, even in part (the first [`INPUTS_SHOWN`]).
    pub read: Vec<InputRow>,
    /// How many more were read than listed.
    pub read_more: usize,
    /// The inputs not read, one entry per reason with the files it covers.
    pub not_read: Vec<NotRead>,
    pub quarantine: Vec<crate::snapshot::QuarantineSample>,
    /// "the first 500 of 10,000" when not every stored sample is listed; else empty.
    pub quarantine_note: String,
}

/// An input the run read, its counts as text.
pub struct InputRow {
    pub path: String,
    pub format: String,
    pub records: String,
    pub quarantined: String,
    pub duplicates: String,
    pub field_issues: String,
    /// Why reading stopped early; empty when it did not.
    pub error: String,
}

/// One reason inputs were not read, and the files it covers (the first
/// [`INPUTS_SHOWN`]).
pub struct NotRead {
    pub reason: String,
    pub count: usize,
    pub paths: Vec<String>,
}

/// Inputs a run's page lists in one table or under one reason: a watched folder of code
/// repositories holds thousands of files, which the counts say.
pub const INPUTS_SHOWN: usize = 500;

/// The page of one stored run: what became of each input (read with its counts, or not
/// read, grouped by reason as the terminal says it), and the quarantine samples.
pub fn run_page(chrome: Chrome, d: &crate::snapshot::RunDetail, current: Option<&str>) -> RunPage {
    use bonafide_report::present::number;
    let summaries: Vec<bonafide_engine::InputSummary> = d.inputs.iter().map(|i| i.summary()).collect();
    let not_read = bonafide_engine::outcome::not_read_by_reason(&summaries)
        .into_iter()
        .map(|(why, paths)| NotRead {
            reason: why.to_string(),
            count: paths.len(),
            paths: paths.iter().take(INPUTS_SHOWN).map(|p| p.to_string()).collect(),
        })
        .collect();
    let all_read = summaries.iter().filter(|i| i.not_read().is_none()).count();
    let read = summaries
        .iter()
        .filter(|i| i.not_read().is_none())
        .take(INPUTS_SHOWN)
        .map(|i| InputRow {
            path: i.path.clone(),
            format: i.format.clone().unwrap_or_default(),
            records: number(i.records as f64),
            quarantined: number(i.quarantined as f64),
            duplicates: number(i.duplicates as f64),
            field_issues: number(i.field_issues as f64),
            error: i.error.clone().unwrap_or_default(),
        })
        .collect();
    let shown = d.quarantine.len() as i64;
    let quarantine_note = if d.quarantine_samples > shown {
        format!("the first {} of {} samples", number(shown as f64), number(d.quarantine_samples as f64))
    } else {
        String::new()
    };
    RunPage {
        chrome,
        run: run_row(&d.run, current),
        read_more: all_read.saturating_sub(INPUTS_SHOWN),
        read,
        not_read,
        quarantine: d.quarantine.clone(),
        quarantine_note,
    }
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub token: String,
    pub tokens: Vec<crate::auth::TokenInfo>,
}

#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub chrome: Chrome,
    /// Each user with their name as a URL path segment (for the disable and enable forms).
    pub users: Vec<(crate::users::User, String)>,
    pub audit: Vec<crate::audit::AuditEntry>,
    pub message: String,
}

/// The cluster as a graph: the HTML report's drawing (`bonafide_report::svg::
/// cluster_graph`), one point per shared identifier value joined to every member who
/// holds it, kinds in words; members coloured by band and linked to their pages.
pub fn cluster_graph(snap: &Snapshot, c: &ClusterView, values: &[bonafide_report::present::SharedValue]) -> String {
    let subjects: Vec<bonafide_report::svg::GraphSubject> = c
        .members
        .iter()
        .map(|m| {
            let s = snap.subject(m);
            bonafide_report::svg::GraphSubject {
                label: m.clone(),
                name: s.map(|s| s.name.clone()).unwrap_or_default(),
                band: s.map(|s| s.band.clone()).unwrap_or_else(|| "low".into()),
                href: format!("/subjects/{}", path_segment(m)),
            }
        })
        .collect();
    bonafide_report::svg::cluster_graph(&subjects, values)
}

/// Percent-encodes an id for use as one URL path segment.
pub fn path_segment(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_values_show_only_the_mask() {
        let v = serde_json::json!({"kind": "ssn", "masked": "***-**-1234"});
        assert_eq!(text(&v), "***-**-1234");
    }

    #[test]
    fn indicator_codes_sort_as_people_count() {
        let mut ids = vec!["A14", "B2", "A4", "A1", "I10", "I5"];
        ids.sort_by_key(|i| indicator_order(i));
        assert_eq!(ids, ["A1", "A4", "A14", "B2", "I5", "I10"]);
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment("E-1_x.y"), "E-1_x.y");
    }
}

//! `index.html`: a self-contained page (inline CSS, a few lines of inline script, no
//! network) with the ranked subjects, each finding with its evidence and source
//! positions, the clusters and what became of every input.

use askama::Template;
use bonafide_core::{Catalog, SubjectIdx};
use bonafide_engine::ScanOutcome;

use crate::svg;

struct RankedRow {
    rank: usize,
    score: u8,
    band: &'static str,
    id: String,
    anchor: String,
    name: String,
    search: String,
    /// Indicator, bits, and the tooltip (`A7 · <title>`).
    contributions: Vec<(String, String, String)>,
}

struct FindingView {
    indicator: String,
    title: String,
    tier: String,
    weight: String,
    summary: String,
    when: String,
    with: String,
    /// The evidence as tables of its main facts (`present::evidence`).
    evidence: Vec<crate::present::EvidenceGroup>,
    more: u64,
}

struct SubjectView {
    clock: Option<String>,
    id: String,
    anchor: String,
    name: String,
    score: u8,
    band: &'static str,
    meta: String,
    log2_odds: String,
    contributions: Vec<(String, String, String)>,
    findings: Vec<FindingView>,
}

struct ClusterView {
    id: String,
    anchor: String,
    /// The kind in words (`Laptop farm`) and what holds such a cluster together.
    kind: String,
    meaning: String,
    /// Member id and anchor.
    members: Vec<(String, String)>,
    /// One row per shared identifier value, with every member who carries it.
    shared: Vec<SharedRow>,
    /// Inline SVG: subjects and the identifiers they share.
    graph: String,
}

/// One identifier shared inside a cluster, as the web UI's cluster page lists it.
struct SharedRow {
    kind: String,
    /// Masked values without their fingerprint; `raw` (the stored value) is the tooltip.
    value: String,
    raw: String,
    /// Member id, anchor and name.
    members: Vec<(String, String, String)>,
    indicators: String,
}

struct InputView {
    path: String,
    format: String,
    records: u64,
    quarantined: u64,
    duplicates: u64,
    field_issues: u64,
    note: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    version: String,
    generated_at: String,
    run_id: String,
    subjects_total: usize,
    critical: usize,
    high: usize,
    medium: usize,
    events: u64,
    quarantined: u64,
    prior: String,
    ranked: Vec<RankedRow>,
    quiet_count: usize,
    quiet_ids: String,
    clusters: Vec<ClusterView>,
    detailed: Vec<SubjectView>,
    inputs: Vec<InputView>,
    quarantine: Vec<(String, String)>,
    field_issues: Vec<(String, String)>,
    field_issues_total: u64,
}

/// A cluster as the web UI's cluster page shows it: kind in words, the one drawing both
/// sinks share, one row per shared identifier value with the members who carry it.
fn cluster_view(o: &ScanOutcome, c: &bonafide_engine::Cluster) -> ClusterView {
    let subject = |s: &SubjectIdx| o.subjects.get(s.index());
    let ids: Vec<&str> = c.subjects.iter().map(|s| subject(s).map(|x| x.id.as_str()).unwrap_or("")).collect();
    let links = c.links.iter().map(|l| crate::present::ClusterLink {
        a: subject(&l.a).map(|x| x.id.as_str()).unwrap_or(""),
        b: subject(&l.b).map(|x| x.id.as_str()).unwrap_or(""),
        kind: &l.kind,
        value: &l.value,
        indicator: &l.indicator,
    });
    let shared = crate::present::shared_values(&ids, links);
    let graph_subjects: Vec<svg::GraphSubject> = c
        .subjects
        .iter()
        .map(|s| {
            let id = subject(s).map(|x| x.id.clone()).unwrap_or_default();
            svg::GraphSubject {
                href: format!("#s-{}", anchor(&id)),
                label: id,
                name: subject(s).map(|x| x.name.clone()).unwrap_or_default(),
                band: o.scores.get(s.index()).map(|x| x.band.as_str()).unwrap_or("low").to_string(),
            }
        })
        .collect();
    let graph = svg::cluster_graph(&graph_subjects, &shared);
    let (kind, meaning) = crate::present::cluster_kind(&c.kind);
    ClusterView {
        id: c.id.clone(),
        anchor: anchor(&c.id),
        kind,
        meaning,
        members: ids.iter().map(|id| (id.to_string(), anchor(id))).collect(),
        shared: shared
            .into_iter()
            .map(|x| SharedRow {
                members: x
                    .holders
                    .iter()
                    .filter_map(|h| c.subjects.get(*h).and_then(subject))
                    .map(|s| (s.id.clone(), anchor(&s.id), s.name.clone()))
                    .collect(),
                kind: x.kind,
                value: x.value,
                raw: x.raw,
                indicators: x.indicators.join(", "),
            })
            .collect(),
        graph,
    }
}

/// An id usable in an HTML anchor.
pub fn anchor(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn bits(x: f64) -> String {
    format!("{x:+.1}")
}

fn subject_meta(o: &ScanOutcome, idx: SubjectIdx) -> String {
    let s = &o.subjects[idx.index()];
    let mut parts = vec![s.kind.as_str().to_string()];
    if s.implicit {
        parts.push("log identity not in people records".into());
    }
    if !s.home.is_empty() {
        parts.push(format!("claims {}", s.home.label()));
    }
    if let Some(tz) = &s.timezone {
        parts.push(tz.clone());
    }
    if let Some(d) = &s.department {
        parts.push(d.clone());
    }
    if let Some(v) = &s.vendor {
        parts.push(format!("via {v}"));
    }
    if let Some(h) = s.hire_date {
        parts.push(format!("hired {}", h.date_string()));
    }
    parts.join(" · ")
}

/// What an indicator code means, for the chips' `title`: a reader who meets `A7 +8.0`
/// learns it is the catalog's A7 by pointing at it.
/// Up to 500 quarantined records or unusable fields: where, and why.
fn sample(o: &ScanOutcome, entries: &[bonafide_core::QuarantineEntry]) -> Vec<(String, String)> {
    entries.iter().take(500).map(|q| (o.sources.display(&q.pos), q.reason.clone())).collect()
}

pub fn render(o: &ScanOutcome) -> Result<String, askama::Error> {
    let catalog = Catalog::builtin();
    let ranking = o.ranking();
    let mut ranked = Vec::new();
    let mut detailed = Vec::new();
    let mut quiet = Vec::new();
    for (i, idx) in ranking.iter().enumerate() {
        let s = &o.subjects[idx.index()];
        let score = &o.scores[idx.index()];
        let findings = o.findings_of(*idx);
        if findings.is_empty() {
            quiet.push(s.id.clone());
            continue;
        }
        let contributions: Vec<(String, String, String)> = score
            .contributions
            .iter()
            .map(|c| (c.indicator.clone(), bits(c.bits), catalog.label(&c.indicator)))
            .collect();
        ranked.push(RankedRow {
            rank: i + 1,
            score: score.score,
            band: score.band.as_str(),
            id: s.id.clone(),
            anchor: anchor(&s.id),
            name: s.name.clone(),
            search: format!(
                "{} {} {}",
                s.id,
                s.name,
                contributions.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(" ")
            )
            .to_lowercase(),
            contributions: contributions.clone(),
        });
        let findings = findings
            .into_iter()
            .map(|f| {
                let ind = catalog.get(&f.indicator);
                let when = crate::present::when_utc(f.first_seen, f.last_seen);
                let with: Vec<&str> = f
                    .subjects
                    .iter()
                    .filter(|x| **x != *idx)
                    .filter_map(|x| o.subjects.get(x.index()))
                    .map(|x| x.id.as_str())
                    .collect();
                FindingView {
                    indicator: f.indicator.clone(),
                    title: ind.map(|i| i.title.clone()).unwrap_or_default(),
                    tier: ind.map(|i| i.tier.to_string()).unwrap_or_default(),
                    weight: format!("{:.1}", f.weight_bits),
                    summary: f.summary.clone(),
                    when,
                    with: with.join(", "),
                    evidence: crate::present::evidence(
                        f.evidence
                            .iter()
                            .map(|e| (e.source.map(|p| o.sources.display(&p)).unwrap_or_default(), &e.detail)),
                        Some(&s.id),
                    ),
                    more: f.evidence_total.saturating_sub(f.evidence.len() as u64),
                }
            })
            .collect();
        detailed.push(SubjectView {
            clock: o.activity.get(idx.index()).and_then(Option::as_ref).map(crate::svg::activity_clock),
            id: s.id.clone(),
            anchor: anchor(&s.id),
            name: s.name.clone(),
            score: score.score,
            band: score.band.as_str(),
            meta: subject_meta(o, *idx),
            log2_odds: format!("{:.1}", score.log2_odds),
            contributions,
            findings,
        });
    }
    let quiet_count = quiet.len();
    quiet.truncate(5000);
    let count = |b: bonafide_core::Band| o.scores.iter().filter(|s| s.band == b).count();
    let page = Page {
        version: o.run.version.to_string(),
        generated_at: o.run.finished_at.to_rfc3339(),
        run_id: o.run.run_id.clone(),
        subjects_total: o.subjects.len(),
        critical: count(bonafide_core::Band::Critical),
        high: count(bonafide_core::Band::High),
        medium: count(bonafide_core::Band::Medium),
        events: o.totals.events,
        quarantined: o.totals.quarantined,
        prior: format!(
            "{:.1}",
            o.scores.first().map(|s| s.log2_odds - s.contributions.iter().map(|c| c.bits).sum::<f64>()).unwrap_or(0.0)
        ),
        ranked,
        quiet_count,
        quiet_ids: quiet.join(", "),
        clusters: o.clusters.iter().map(|c| cluster_view(o, c)).collect(),
        detailed,
        inputs: o
            .inputs
            .iter()
            .map(|i| InputView {
                path: i.path.clone(),
                format: i.format.clone().unwrap_or_else(|| "-".into()),
                records: i.records,
                quarantined: i.quarantined,
                duplicates: i.duplicates,
                field_issues: i.field_issues,
                note: i.skipped.clone().or_else(|| i.error.clone()).unwrap_or_default(),
            })
            .collect(),
        quarantine: sample(o, &o.quarantine),
        field_issues: sample(o, &o.field_issues),
        field_issues_total: o.totals.field_issues,
    };
    page.render()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use serde_json::Value;

    use super::*;

    fn small() -> ScanOutcome {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/small");
        let req = bonafide_engine::ScanRequest::new(vec![dir], bonafide_intel::Keyring::from_bytes([3; 32]));
        bonafide_engine::scan(&bonafide_engine::Config::default(), req).expect("scan")
    }

    /// Evidence reads as labelled columns with one time format, the rest under "more",
    /// through the table the web UI uses too (`present`); before, each row was every
    /// detail key as `key: value`, in key order, times as stored.
    #[test]
    fn evidence_is_labelled_columns_not_a_key_value_dump() {
        let o = small();
        let html = render(&o).expect("render");
        let at = o
            .findings
            .iter()
            .flat_map(|f| &f.evidence)
            .find_map(|e| e.detail.get("at").and_then(Value::as_str))
            .expect("evidence with a time");
        assert!(html.contains("<th scope=\"col\">When</th>"), "a When column");
        assert!(html.contains(&format!("title=\"{at}\">{}</td>", crate::present::time(at))), "{at} as a time");
        assert!(!html.contains(&format!("at: <b>{at}</b>")), "not a key: value pair");
        for internal in ["network_source", "event_type", "as_org"] {
            assert!(!html.contains(&format!("{internal}: <b>")), "{internal} shown by its key");
        }
        assert!(html.contains("<dt>Network type from</dt>"), "secondary facts stay available, labelled");
    }

    #[test]
    fn indicator_chips_carry_the_catalog_title() {
        let o = small();
        let html = render(&o).expect("render");
        let catalog = Catalog::builtin();
        let top = o.ranking().first().map(|i| &o.scores[i.index()]).expect("a subject");
        let c = top.contributions.first().expect("a contribution");
        let title = &catalog.get(&c.indicator).expect("in the catalog").title;
        let chip =
            format!("<span title=\"{} · {}\">{} {}</span>", c.indicator, escape(title), c.indicator, bits(c.bits));
        assert!(html.contains(&chip), "no chip {chip}");
        assert!(html.contains(&format!("<b title=\"{} · {}\">{}</b>", c.indicator, escape(title), c.indicator)));
    }

    /// The cluster section reads like the web UI's cluster page: the kind in words, one
    /// row per shared value with every member who carries it, masked values without
    /// their fingerprint (kept in the tooltip), and the drawing with one point per value.
    /// Before, it printed the kind's code and one `a — b: kind value (indicator; …)`
    /// line per stored pair, fingerprints included.
    #[test]
    fn clusters_read_in_words_one_row_per_shared_value() {
        let o = small();
        let html = render(&o).expect("render");
        assert!(!o.clusters.is_empty(), "the small example has clusters");
        for c in &o.clusters {
            let (label, _) = crate::present::cluster_kind(&c.kind);
            assert!(html.contains(&format!("<h3>Cluster {} · {label}</h3>", c.id)), "{} in words", c.kind);
            let start = html.find(&format!("id=\"c-{}\"", anchor(&c.id))).expect("a section per cluster");
            let section = &html[start..start + html[start..].find("</section>").expect("closed")];
            let mut values: Vec<(&str, &str)> = c.links.iter().map(|l| (l.kind.as_str(), l.value.as_str())).collect();
            values.sort_unstable();
            values.dedup();
            assert_eq!(section.matches("<tr><td>").count(), values.len(), "one row per value: {section}");
            let svg = &section[section.find("<svg").expect("a drawing")..];
            assert_eq!(svg.matches("<rect").count(), values.len(), "one point per value");
            for (kind, value) in values {
                let words = crate::present::identifier_kind(kind);
                assert!(section.contains(&format!("<tr><td>{}</td>", escape(&words))), "{kind} in words");
                assert!(!section.contains(&format!(">{kind}<")) || words == kind, "{kind} by its code");
                let shown = crate::present::without_fingerprint(value);
                assert!(section.contains(&format!(">{}</td>", escape(shown))), "{value} shown");
                if shown != value {
                    assert!(!section.contains(&format!(">{}<", escape(value))), "{value} with its fingerprint");
                }
            }
            for l in &c.links {
                let pair = format!("{} — ", o.subjects[l.a.index()].id);
                assert!(!section.contains(&pair), "links are not listed as pairs");
            }
        }
    }

    /// askama's HTML escaping, for titles that hold quotes or ampersands.
    fn escape(s: &str) -> String {
        s.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
    }
}

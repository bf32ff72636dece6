//! S3: a vendor's or a reference's domain imitates a seized domain or one of the
//! organisation's legitimate domains (`[detect.s3] legitimate_domains`).
//!
//! Reads the subject's `vendor_domain` and each reference's company domain and email
//! domain, and compares them with every seized domain of the published list and every
//! legitimate domain configured, by TLD swap, homoglyphs, token insertion and edit
//! distance (`bonafide_intel::sanctions::lookalike`). The domains themselves and their
//! subdomains never fire; an exact seized domain is S2's. One finding per subject and
//! domain, naming what it imitates and how.

use std::collections::BTreeMap;

use bonafide_core::{Evidence, Finding, SubjectIdx};
use bonafide_intel::sanctions::{EntryKind, ListKind, Lookalike, lookalike, normalise_domain};

use super::subject_ids;
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct LookalikeDomains;

/// One look-alike: the field, its value, the comparison, what was imitated, the record.
type Hit = (&'static str, String, Lookalike, &'static str, Option<bonafide_core::SourcePos>);

impl Detector for LookalikeDomains {
    fn name(&self) -> &'static str {
        "lookalike-domains"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["S3"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.s3;
        let lcfg = cfg.lookalike();
        let legit: Vec<String> = cfg.legitimate_domains.iter().filter_map(|d| normalise_domain(d)).collect();
        let mut targets: Vec<(String, &'static str)> = legit.iter().map(|d| (d.clone(), "legitimate")).collect();
        for e in cx.screening.entries() {
            if e.kind == EntryKind::Identifier && e.list_kind() == ListKind::Published {
                for w in &e.websites {
                    if let Some(d) = normalise_domain(w) {
                        targets.push((d, "seized"));
                    }
                }
            }
        }
        if targets.is_empty() {
            return;
        }
        let mut values: Vec<(SubjectIdx, &'static str, String, Option<bonafide_core::SourcePos>)> = Vec::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            if let Some(d) = &s.vendor_domain {
                values.push((SubjectIdx(i as u32), "vendor_domain", d.clone(), s.source));
            }
        }
        let ids = subject_ids(cx.subjects);
        for r in &cx.records.references {
            let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
            if let Some(d) = &r.company_domain {
                values.push((subject, "reference.company_domain", d.clone(), Some(r.source)));
            }
            if let Some(d) = &r.email {
                values.push((subject, "reference.email", d.clone(), Some(r.source)));
            }
        }
        let mut hits: BTreeMap<(SubjectIdx, String), Vec<Hit>> = BTreeMap::new();
        for (subject, field, value, source) in values {
            let Some(d) = normalise_domain(&value) else { continue };
            // The organisation's own domains (and subdomains) are never look-alikes.
            if legit.iter().any(|l| d == *l || d.ends_with(&format!(".{l}"))) {
                continue;
            }
            // A domain that is itself seized or published is S2's exact match, not a
            // look-alike of its neighbours on the list (jinyang.asia imitating
            // jinyang.services counted one domain twice).
            if targets.iter().any(|(t, why)| *why == "seized" && *t == d) {
                continue;
            }
            for (t, why) in &targets {
                if let Some(l) = lookalike::check(&d, t, &lcfg) {
                    hits.entry((subject, d.clone())).or_default().push((field, value.clone(), l, why, source));
                }
            }
        }
        let weight = cx.weight("S3");
        for ((subject, domain), list) in hits {
            let (field, _, l, why, _) = &list[0];
            let summary = format!(
                "{} {domain} imitates the {why} domain {} ({})",
                field.replace('_', " "),
                l.target,
                l.kind.describe()
            );
            let mut f = Finding::new("S3", subject, weight, summary);
            f.evidence_total = list.len() as u64;
            f.evidence = list
                .iter()
                .take(SAMPLE)
                .map(|(field, value, l, why, source)| {
                    let ev = match source {
                        Some(p) => Evidence::at(*p),
                        None => Evidence::without_source(),
                    };
                    ev.with("field", *field)
                        .with("value", value.as_str())
                        .with("domain", l.domain.as_str())
                        .with("imitates", l.target.as_str())
                        .with("target_kind", *why)
                        .with("how", serde_json::to_value(l.kind).unwrap_or_default())
                        .with("edits", l.edits)
                })
                .collect();
            out.push(f);
        }
    }
}

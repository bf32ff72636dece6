//! S2: an email, website or vendor domain, reference contact or payroll wallet is an
//! identifier a list publishes (an SDN email, website or digital-currency address, a
//! seized domain), or the subject's identity document is a listed passport or national
//! ID (compared by keyed fingerprint, never in clear).
//!
//! Exact comparison after normalisation (see `bonafide_intel::sanctions::identifiers`:
//! emails and domains lower-cased, wallets lower-cased only where the address format is
//! case-insensitive); a domain also matches through its parent (`jobs.example.com` is on
//! `example.com`), and an email through its domain. An exact identifier is certainty
//! whatever the list's program: a payment to any listed wallet is an exposure.

use std::collections::BTreeMap;

use bonafide_core::{Finding, SubjectIdx};
use bonafide_intel::sanctions::{IdKind, Match, normalise_domain};

use super::{Screened, evidence, subject_ids};
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct IdentifierScreening;

/// The domain and its parents down to two labels.
fn domain_chain(d: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = d;
    loop {
        out.push(cur.to_string());
        match cur.split_once('.') {
            Some((_, rest)) if rest.contains('.') => cur = rest,
            _ => break,
        }
    }
    out
}

impl Detector for IdentifierScreening {
    fn name(&self) -> &'static str {
        "published-identifiers"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["S2"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let scr = cx.screening;
        let mut values: Vec<(Screened<'_>, IdKind)> = Vec::new();
        let mut hits: BTreeMap<(SubjectIdx, usize), Vec<(Screened<'_>, Match)>> = BTreeMap::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            let subject = SubjectIdx(i as u32);
            for e in &s.emails {
                values.push((Screened { subject, field: "email", value: e, source: s.source }, IdKind::Email));
            }
            for (field, v) in [("website", &s.website), ("vendor_domain", &s.vendor_domain)] {
                if let Some(v) = v {
                    values.push((Screened { subject, field, value: v, source: s.source }, IdKind::Domain));
                }
            }
        }
        for (i, s) in cx.subjects.iter().enumerate() {
            // A subject's identity document is only a fingerprint: compared as such,
            // shown masked.
            if let Some(d) = &s.id_document {
                let sc = Screened {
                    subject: SubjectIdx(i as u32),
                    field: "id_document",
                    value: &d.number.masked,
                    source: s.source,
                };
                for m in scr.document(&d.number.fingerprint) {
                    hits.entry((sc.subject, m.entry)).or_default().push((sc.clone(), m));
                }
            }
        }
        let ids = subject_ids(cx.subjects);
        for r in &cx.records.references {
            let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
            if let Some(v) = &r.email {
                values.push((
                    Screened { subject, field: "reference.email", value: v, source: Some(r.source) },
                    IdKind::Email,
                ));
            }
            if let Some(v) = &r.company_domain {
                let s = Screened { subject, field: "reference.company_domain", value: v, source: Some(r.source) };
                values.push((s, IdKind::Domain));
            }
        }
        for r in &cx.records.payroll {
            let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
            if let Some(w) = &r.wallet {
                let s = Screened { subject, field: "payroll.wallet", value: &w.address, source: Some(r.source) };
                values.push((s, IdKind::Wallet));
            }
        }
        for (sc, kind) in values {
            let mut found: Vec<Match> = scr.identifier(kind, sc.value);
            if kind != IdKind::Wallet {
                // An email or a website also matches through its domain and the domain's parents.
                if let Some(d) = normalise_domain(sc.value) {
                    for d in domain_chain(&d) {
                        for m in scr.identifier(IdKind::Domain, &d) {
                            if !found.iter().any(|f| f.entry == m.entry) {
                                found.push(m);
                            }
                        }
                    }
                }
            }
            for m in found {
                hits.entry((sc.subject, m.entry)).or_default().push((sc.clone(), m));
            }
        }
        let weight = cx.weight("S2");
        for ((subject, entry), list) in hits {
            let Some(e) = scr.entry(entry) else { continue };
            let (best, m) = &list[0];
            let what = m.identifier.as_ref().map(|(k, _)| k.name()).unwrap_or("identifier");
            let listed = if e.name == best.value { String::new() } else { format!(" ({})", e.name) };
            let summary = format!(
                "{} '{}' is a published {what}: {} {}{listed}",
                best.field.replace('_', " "),
                best.value,
                e.list_kind().name().to_uppercase(),
                e.id
            );
            let mut f = Finding::new("S2", subject, weight, summary);
            f.evidence_total = list.len() as u64;
            f.evidence = list.iter().take(SAMPLE).map(|(s, m)| evidence(s, m, e)).collect();
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::domain_chain;

    #[test]
    fn parents() {
        assert_eq!(domain_chain("a.b.example.com"), ["a.b.example.com", "b.example.com", "example.com"]);
        assert_eq!(domain_chain("example.com"), ["example.com"]);
    }
}

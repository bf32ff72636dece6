//! S1: a subject's name or alias, vendor, references and payees match a sanctions entry
//! that concerns North Korea.
//!
//! Reads subjects (name, aliases, vendor, date of birth, identity-document country) and
//! records (reference names and companies, payroll account holders, shipment
//! recipients) and screens each value with the list matcher. A subject's own name is
//! screened with its date of birth and document country, which lift or lower the score;
//! its claimed home country is not used, since a worker under a false identity claims a
//! home that is not theirs. One finding per subject and entry, strongest match first,
//! with every value that hit as evidence. Entries that do not concern North Korea are
//! left to `bonafide screen` unless `[detect.s1] all_programs` is set.

use std::collections::BTreeMap;

use bonafide_core::{CountryCode, Finding, SubjectIdx};
use bonafide_intel::Places;
use bonafide_intel::sanctions::{Dob, Match, Query};

use super::{Screened, evidence, subject_ids, ymd};
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct NameScreening;

impl Detector for NameScreening {
    fn name(&self) -> &'static str {
        "sanctions-names"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["S1"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let scr = cx.screening;
        if scr.is_empty() {
            return;
        }
        let cfg = &cx.config.s1;
        let min = cfg.min_score.unwrap_or(scr.config().min_score);
        let mut values: Vec<(Screened<'_>, Query)> = Vec::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            let subject = SubjectIdx(i as u32);
            let countries: Vec<CountryCode> = s
                .id_document
                .as_ref()
                .and_then(|d| d.country.as_deref())
                .and_then(|c| Places::builtin().country(c))
                .into_iter()
                .collect();
            let person = |name: &str| Query {
                dob: s.date_of_birth.and_then(ymd).map(|(y, m, d)| Dob::date(y, m, d)),
                countries: countries.clone(),
                ..Query::person(name)
            };
            values.push((Screened { subject, field: "name", value: &s.name, source: s.source }, person(&s.name)));
            for a in &s.aliases {
                values.push((Screened { subject, field: "alias", value: a, source: s.source }, person(a)));
            }
            if let Some(v) = &s.vendor {
                values
                    .push((Screened { subject, field: "vendor", value: v, source: s.source }, Query::name(v.as_str())));
            }
        }
        if cfg.screen_records {
            let ids = subject_ids(cx.subjects);
            let recs = cx.records;
            for r in &recs.references {
                let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
                // A reference is a person; a reference's company may be any listed party.
                for (field, v, person) in [("reference.name", &r.name, true), ("reference.company", &r.company, false)]
                {
                    if let Some(v) = v {
                        values.push((
                            Screened { subject, field, value: v, source: Some(r.source) },
                            Query { person, ..Query::name(v.as_str()) },
                        ));
                    }
                }
            }
            for r in &recs.payroll {
                let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
                if let Some(v) = &r.account_holder {
                    let q = Query::person(v.as_str());
                    values.push((
                        Screened { subject, field: "payroll.account_holder", value: v, source: Some(r.source) },
                        q,
                    ));
                }
            }
            for r in &recs.shipments {
                let Some(&subject) = ids.get(r.subject_id.as_str()) else { continue };
                if let Some(v) = &r.recipient_name {
                    let q = Query::person(v.as_str());
                    values.push((
                        Screened { subject, field: "shipment.recipient_name", value: v, source: Some(r.source) },
                        q,
                    ));
                }
            }
        }
        // (subject, entry) -> hits, best first.
        let mut hits: BTreeMap<(SubjectIdx, usize), Vec<(Screened<'_>, Match)>> = BTreeMap::new();
        for (sc, q) in values {
            if q.name.trim().is_empty() {
                continue;
            }
            for m in scr.screen(&q, Some(min)) {
                let Some(e) = scr.entry(m.entry) else { continue };
                if e.dprk.is_none() && !cfg.all_programs {
                    continue;
                }
                hits.entry((sc.subject, m.entry)).or_default().push((sc.clone(), m));
            }
        }
        let weight = cx.weight("S1");
        for ((subject, entry), mut list) in hits {
            let Some(e) = scr.entry(entry) else { continue };
            list.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
            let (best, m) = &list[0];
            // A person's name alone, with no date of birth or country agreeing: common
            // names match list entries by the thousand (and a reference or payee is
            // screened with nothing but a name). Organisation names are specific.
            let organisation = matches!(best.field, "vendor" | "reference.company");
            let confirmed = list.iter().any(|(_, m)| m.corroborated);
            let name_only = !organisation && !confirmed;
            let what = match best.field {
                "name" | "alias" => "Name",
                "vendor" => "Vendor",
                "reference.name" => "Reference",
                "reference.company" => "Reference's company",
                "payroll.account_holder" => "Payroll account holder",
                _ => "Recipient",
            };
            let program = if e.programs.is_empty() { String::new() } else { format!(" ({})", e.program()) };
            let summary = format!(
                "{what} '{}' matches {} {} {}{program}, score {:.2}{}",
                best.value,
                e.list_kind().name().to_uppercase(),
                e.id,
                e.name,
                m.score,
                if name_only { " (name only: no date of birth or country confirms it; for review)" } else { "" }
            );
            let bits = if name_only { cfg.name_only_bits.min(weight) } else { weight };
            if bits <= 0.0 {
                continue;
            }
            let mut f = Finding::new("S1", subject, bits, summary);
            f.evidence_total = list.len() as u64;
            f.evidence = list.iter().take(SAMPLE).map(|(s, m)| evidence(s, m, e)).collect();
            out.push(f);
        }
    }
}

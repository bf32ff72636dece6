//! A10: declared and observed technical jurisdictions that do not fit together.
//!
//! Collects the countries a person's own records put them in: the claimed home, the
//! identity document's issuer, the phone number's plan, the banks they are paid into,
//! and the places of their interview connections (anonymising networks left out, since
//! their place is not the person's). Two countries is an ordinary international life;
//! `min_countries` or more is a soft signal (T3), a consistency check only.

use std::collections::{BTreeMap, HashMap};

use bonafide_core::{CountryCode, Evidence, Finding, SubjectIdx};
use bonafide_intel::Places;

use crate::people::{index, subject_evidence};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Jurisdictions;

/// The record that put a person in a country (built into evidence only when reported).
#[derive(Clone, Copy)]
enum Origin {
    Pay(usize),
    Interview(usize),
}

/// Per country: what put the person there, and the first record that did.
type Countries = BTreeMap<CountryCode, (Vec<&'static str>, Option<Origin>)>;

impl Detector for Jurisdictions {
    fn name(&self) -> &'static str {
        "jurisdictions"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A10"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let places = Places::builtin();
        let ids = index(cx);
        // Per subject: country → (what put them there, a piece of evidence).
        let mut seen: HashMap<SubjectIdx, Countries> = HashMap::new();
        let mut add = |s: SubjectIdx, c: CountryCode, what: &'static str, ev: Option<Origin>| {
            let e = seen.entry(s).or_default().entry(c).or_default();
            if !e.0.contains(&what) {
                e.0.push(what);
            }
            if e.1.is_none() {
                e.1 = ev;
            }
        };
        for (i, s) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            if let Some(c) = s.home.country {
                add(idx, c, "home", None);
            }
            if let Some(c) = s.id_document.as_ref().and_then(|d| d.country.as_deref()).and_then(|c| places.country(c)) {
                add(idx, c, "identity document", None);
            }
            if let Some(c) = s.phone_country {
                add(idx, c, "phone", None);
            }
        }
        for (n, p) in cx.records.payroll.iter().enumerate() {
            if let (Some(&idx), Some(c)) = (ids.get(p.subject_id.as_str()), p.country()) {
                add(idx, c, "bank", Some(Origin::Pay(n)));
            }
        }
        for (n, iv) in cx.records.interviews.iter().enumerate() {
            let Some(&idx) = ids.get(iv.subject_id.as_str()) else { continue };
            let Some(net) = &iv.client else { continue };
            if net.corporate || net.kind.is_anonymising() {
                continue;
            }
            if let Some(c) = net.place.country {
                add(idx, c, "interview connection", Some(Origin::Interview(n)));
            }
        }
        let mut subjects: Vec<_> = seen.into_iter().collect();
        subjects.sort_by_key(|(s, _)| *s);
        for (idx, countries) in subjects {
            if countries.len() < cx.config.a10.min_countries {
                continue;
            }
            let Some(s) = cx.subject(idx) else { continue };
            let parts: Vec<String> =
                countries.iter().map(|(c, (what, _))| format!("{} ({})", c.as_str(), what.join(", "))).collect();
            let summary = format!("{} countries across their own records: {}", countries.len(), parts.join("; "));
            let mut f = Finding::new("A10", idx, cx.weight("A10"), summary);
            let mut evidence = vec![subject_evidence(s).with(
                "countries",
                countries.iter().map(|(c, (w, _))| format!("{}: {}", c.as_str(), w.join(", "))).collect::<Vec<_>>(),
            )];
            evidence.extend(countries.into_values().filter_map(|(_, origin)| match origin? {
                Origin::Pay(n) => cx.records.payroll.get(n).map(crate::people::payroll_evidence),
                Origin::Interview(n) => {
                    let iv = cx.records.interviews.get(n)?;
                    let net = iv.client.as_ref()?;
                    Some(
                        Evidence::at(iv.source)
                            .with("interview_at", iv.at.to_rfc3339())
                            .with("client_ip", net.ip.to_string())
                            .with("country", net.place.country.map(|c| c.as_str().to_string()).unwrap_or_default()),
                    )
                }
            }));
            f.evidence_total = evidence.len() as u64;
            f.evidence = evidence;
            out.push(f);
        }
    }
}

//! H2: one phone number or email behind different claimed names.
//!
//! Every subject's phone (E.164) and emails (folded: case, `+tag`, Gmail dots), and, with
//! `include_references`, the contacts candidates gave for their references, are grouped
//! by value. A value is shared when it is claimed under two or more identities by two or
//! more subjects: one person's records (the same name) and one household (a family
//! landline) count once, so a family sharing a phone is not a ring, while a reference
//! "Bob Lee" whose phone is another candidate's is.

use std::collections::BTreeMap;

use bonafide_core::{Evidence, Shared, SubjectIdx};
use bonafide_intel::contact::email_key;
use bonafide_intel::{names, phone};

use crate::people::{index, names_of};
use crate::shared::{self, Holder};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct SharedContacts;

impl Detector for SharedContacts {
    fn name(&self) -> &'static str {
        "shared-contacts"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["H2"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.h2;
        let mut groups: BTreeMap<(&'static str, String), Vec<Holder>> = BTreeMap::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            if s.implicit {
                continue;
            }
            let ev = || crate::people::subject_evidence(s);
            let holder = |ev: Evidence| Holder {
                subject: SubjectIdx(i as u32),
                name: s.name.clone(),
                at: s.applied_date.or(s.hire_date),
                evidence: ev,
            };
            if let Some(p) = &s.phone_e164 {
                groups.entry(("phone", p.clone())).or_default().push(holder(ev().with("phone", p.as_str())));
            }
            for e in &s.emails {
                if let Some(k) = email_key(e) {
                    groups.entry(("email", k)).or_default().push(holder(ev().with("email", e.as_str())));
                }
            }
        }
        if cfg.include_references {
            let ids = index(cx);
            for r in &cx.records.references {
                let Some(&idx) = ids.get(r.subject_id.as_str()) else { continue };
                let Some(s) = cx.subject(idx) else { continue };
                let Some(name) = r.name.clone() else { continue };
                let ev =
                    || Evidence::at(r.source).with("subject", r.subject_id.as_str()).with("reference", name.as_str());
                let holder = |ev: Evidence| Holder { subject: idx, name: name.clone(), at: None, evidence: ev };
                if let Some(p) = r.phone.as_deref().and_then(|p| phone::normalise(p, s.home.country)) {
                    groups.entry(("phone", p.e164.clone())).or_default().push(holder(ev().with("phone", p.e164)));
                }
                if let Some(k) = r.email.as_deref().and_then(email_key) {
                    groups.entry(("email", k)).or_default().push(holder(ev().with("email", r.email.clone())));
                }
            }
        }
        for ((kind, value), holders) in groups {
            let subjects = shared::subjects(&holders);
            if subjects.len() < 2 || subjects.len() > cfg.max_subjects {
                continue;
            }
            // A holder claims under its subject's own name, or (a reference) another.
            let own = |h: &Holder| cx.subject(h.subject).is_some_and(|s| s.name == h.name);
            let same = |a: &Holder, b: &Holder| {
                let own_alias = |h: &Holder, other: &str| {
                    own(h)
                        && cx.subject(h.subject).is_some_and(|s| names_of(s).iter().any(|n| names::same_name(n, other)))
                };
                names::same_name(&a.name, &b.name)
                    || own_alias(a, &b.name)
                    || own_alias(b, &a.name)
                    || (own(a) && own(b) && cx.households.related(a.subject, b.subject))
            };
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let mut claimed: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
            claimed.sort();
            claimed.dedup();
            let summary = format!(
                "{kind} {value} is claimed under {n} different names by {} subjects: {}",
                subjects.len(),
                claimed.join(", ")
            );
            let shared = Shared { kind: kind.into(), value };
            out.push(shared::finding("H2", cx.weight("H2"), &holders, shared, summary));
        }
    }
}

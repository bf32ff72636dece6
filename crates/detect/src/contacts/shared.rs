//! H2: one phone number or email behind different claimed names.
//!
//! Every subject's phone (E.164) and emails (folded: case, `+tag`, Gmail dots), and, with
//! `include_references`, the contacts candidates gave for their references, are grouped
//! by value. A value is shared when it is claimed under two or more identities by two or
//! more subjects: one person's records (the same name) and one household (a family
//! landline) count once, so a family sharing a phone is not a ring, while a reference
//! "Bob Lee" whose phone is another candidate's is.

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
        // (kind, value) → who claims it: a subject's own contact, or a reference's.
        #[derive(Clone, Copy)]
        enum Claim {
            Own(SubjectIdx),
            Reference(SubjectIdx, usize),
        }
        let mut items: Vec<((&'static str, String), Claim)> = Vec::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            if s.implicit {
                continue;
            }
            let idx = SubjectIdx(i as u32);
            if let Some(p) = &s.phone_e164 {
                items.push((("phone", p.clone()), Claim::Own(idx)));
            }
            for e in &s.emails {
                if let Some(k) = email_key(e) {
                    items.push((("email", k), Claim::Own(idx)));
                }
            }
        }
        if cfg.include_references {
            let ids = index(cx);
            for (n, r) in cx.records.references.iter().enumerate() {
                let Some(&idx) = ids.get(r.subject_id.as_str()) else { continue };
                let Some(s) = cx.subject(idx) else { continue };
                if r.name.is_none() {
                    continue;
                }
                if let Some(p) = r.phone.as_deref().and_then(|p| phone::normalise(p, s.home.country)) {
                    items.push((("phone", p.e164), Claim::Reference(idx, n)));
                }
                if let Some(k) = r.email.as_deref().and_then(email_key) {
                    items.push((("email", k), Claim::Reference(idx, n)));
                }
            }
        }
        let holder = |kind: &str, value: &str, c: Claim| -> Option<Holder> {
            Some(match c {
                Claim::Own(idx) => {
                    let s = cx.subject(idx)?;
                    let shown = match kind {
                        "phone" => s.phone_e164.clone().unwrap_or_default(),
                        _ => s
                            .emails
                            .iter()
                            .find(|e| email_key(e).as_deref() == Some(value))
                            .cloned()
                            .unwrap_or_default(),
                    };
                    Holder::of_subject(idx, s, |ev| ev.with(kind, shown))
                }
                Claim::Reference(idx, n) => {
                    let r = cx.records.references.get(n)?;
                    let name = r.name.clone()?;
                    let shown = if kind == "phone" { value.to_string() } else { r.email.clone().unwrap_or_default() };
                    let evidence = Evidence::at(r.source)
                        .with("subject", r.subject_id.as_str())
                        .with("reference", name.as_str())
                        .with(kind, shown);
                    Holder { subject: idx, name, at: None, evidence }
                }
            })
        };
        let groups = shared::groups(items).into_iter().map(|((kind, value), claims)| {
            let holders: Vec<Holder> = claims.into_iter().filter_map(|c| holder(kind, &value, c)).collect();
            ((kind, value), holders)
        });
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

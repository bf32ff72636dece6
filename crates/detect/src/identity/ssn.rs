//! A7: an identity that belongs to someone else.
//!
//! Reads the SSN conclusions made at ingest (numbers never issued, ITINs, numbers first
//! issued after the 2011 randomisation held by people born long before) and the SSN and
//! identity-document fingerprints of all subjects. One fingerprint held under two
//! different names is a shared identity (T1); the same name with the same date of birth
//! is one person's two records (a re-application) and is not.

use bonafide_core::{Finding, Fingerprint, Sensitive, Shared, SsnProblem, Subject, SubjectIdx, SubjectKind};

use crate::people::{same_identity, subject_evidence};
use crate::shared::{self, Holder};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct IdentityNumbers;

const YEAR_MS: f64 = 365.2425 * 86_400_000.0;

impl Detector for IdentityNumbers {
    fn name(&self) -> &'static str {
        "identity-numbers"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A7"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a7;
        let full = cx.weight("A7");
        for (i, s) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            let (Some(check), Some(ssn)) = (&s.ssn_check, &s.ssn) else { continue };
            let mut reasons: Vec<String> = Vec::new();
            let mut weight: f64 = 0.0;
            for p in &check.problems {
                let w = match p {
                    SsnProblem::Itin if s.kind == SubjectKind::Contractor => continue,
                    SsnProblem::Itin => cfg.itin_bits,
                    SsnProblem::Malformed => cfg.late_issue_bits,
                    _ => full,
                };
                weight = weight.max(w);
                reasons.push(p.describe().to_string());
            }
            if let (Some(issued), Some(dob)) = (check.issued_not_before, s.date_of_birth) {
                let age = (issued.0 - dob.0) as f64 / YEAR_MS;
                if age >= cfg.late_issue_min_age_years {
                    weight = weight.max(cfg.late_issue_bits);
                    reasons.push(format!(
                        "was first issued on or after {} (randomisation), when its holder, born {}, was {:.0}",
                        issued.date_string(),
                        dob.date_string(),
                        age
                    ));
                }
            }
            if reasons.is_empty() {
                continue;
            }
            let mut f = Finding::new("A7", idx, weight, format!("SSN {} {}", ssn.masked, reasons.join("; ")));
            let mut ev = subject_evidence(s).with("ssn", said_with_fingerprint(ssn));
            ev = ev.with("problems", check.problems.iter().map(|p| p.as_str()).collect::<Vec<_>>());
            f.evidence = vec![ev];
            f.evidence_total = 1;
            out.push(f);
        }
        // Numbers held under different names: group cheaply, build evidence for the
        // shared ones only.
        let mut ssns: Vec<(Fingerprint, SubjectIdx)> = Vec::new();
        let mut docs: Vec<((Fingerprint, Option<String>), SubjectIdx)> = Vec::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            if let Some(ssn) = &s.ssn {
                ssns.push((ssn.fingerprint, idx));
            }
            if let Some(doc) = &s.id_document {
                let country = doc.country.as_ref().map(|c| c.trim().to_uppercase());
                docs.push(((doc.number.fingerprint, country), idx));
            }
        }
        let holders = |members: Vec<SubjectIdx>, key: &str| -> Vec<Holder> {
            members
                .into_iter()
                .filter_map(|idx| {
                    let s = cx.subject(idx)?;
                    let number = number(s, key)?;
                    Some(Holder::of_subject(idx, s, |ev| ev.with(key, said_with_fingerprint(number))))
                })
                .collect()
        };
        let groups = shared::groups(ssns)
            .into_iter()
            .map(|(_, m)| ("ssn", "SSN", holders(m, "ssn")))
            .chain(
                shared::groups(docs)
                    .into_iter()
                    .map(|(_, m)| ("id_document", "identity document", holders(m, "id_document"))),
            )
            .collect::<Vec<_>>();
        for (kind, label, holders) in groups {
            if holders.len() < 2 || holders.len() > cfg.max_subjects {
                continue;
            }
            let same = |a: &Holder, b: &Holder| same_identity(cx, a.subject, b.subject);
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let Some(held) = cx.subject(holders[0].subject).and_then(|s| number(s, kind)) else { continue };
            let names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
            // The summary is read by people: the mask alone. The keyed fingerprint (for
            // linking) stays in the shared value and the evidence.
            let summary = format!("{label} {} is held by {n} different people: {}", held.masked, names.join(", "));
            let shared = Shared { kind: kind.into(), value: said_with_fingerprint(held) };
            out.push(shared::finding("A7", full, &holders, shared, summary));
        }
    }
}

/// The subject's SSN (`kind` "ssn") or identity document number.
fn number<'s>(s: &'s Subject, kind: &str) -> Option<&'s Sensitive> {
    if kind == "ssn" { s.ssn.as_ref() } else { s.id_document.as_ref().map(|d| &d.number) }
}

/// A number as evidence and shared values carry it: the mask, then the keyed
/// fingerprint that links its holders.
fn said_with_fingerprint(n: &Sensitive) -> String {
    format!("{} ({})", n.masked, n.fingerprint)
}

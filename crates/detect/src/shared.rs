//! Findings about one identifier held by several people (A7, H2, G3): who holds it,
//! how many distinct identities that is, and the finding that links them.
//!
//! Holders are grouped into identities with a relation the detector chooses (one
//! person's two records, a household); the identifier is shared only when two or more
//! identities hold it, and the finding names every subject involved, so that the engine
//! links them into a cluster.

use bonafide_core::{Evidence, Finding, Shared, Subject, SubjectIdx, UtcMs};

use crate::evidence::SAMPLE;

/// One holder of an identifier, with the record that says so.
#[derive(Debug, Clone)]
pub struct Holder {
    pub subject: SubjectIdx,
    /// The name this holder claims with the identifier (the subject's, or a reference's).
    pub name: String,
    pub at: Option<UtcMs>,
    pub evidence: Evidence,
}

impl Holder {
    /// A subject holding the identifier through its own people record: its name, the
    /// time it applied (or was hired), and evidence at that record with `extra` added.
    pub fn of_subject(idx: SubjectIdx, s: &Subject, extra: impl FnOnce(Evidence) -> Evidence) -> Holder {
        Holder {
            subject: idx,
            name: s.name.clone(),
            at: s.applied_date.or(s.hire_date),
            evidence: extra(crate::people::subject_evidence(s)),
        }
    }
}

/// Groups `items` by key and keeps the groups of two or more, so that the costly part
/// (evidence for each holder) is only built for values that are actually shared.
pub fn groups<K: Ord, T>(mut items: Vec<(K, T)>) -> Vec<(K, Vec<T>)> {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(K, Vec<T>)> = Vec::new();
    for (k, t) in items {
        match out.last_mut() {
            Some((last, v)) if *last == k => v.push(t),
            _ => out.push((k, vec![t])),
        }
    }
    out.retain(|(_, v)| v.len() >= 2);
    out
}

/// The number of distinct identities among `holders`, where `same(a, b)` says two
/// holders are one identity.
pub fn identities(holders: &[Holder], same: impl Fn(&Holder, &Holder) -> bool) -> usize {
    let mut reps: Vec<&Holder> = Vec::new();
    for h in holders {
        if !reps.iter().any(|r| same(r, h)) {
            reps.push(h);
        }
    }
    reps.len()
}

/// The distinct subjects among holders, in order.
pub fn subjects(holders: &[Holder]) -> Vec<SubjectIdx> {
    let mut v: Vec<SubjectIdx> = holders.iter().map(|h| h.subject).collect();
    v.sort();
    v.dedup();
    v
}

/// A cross-subject finding over `holders`.
pub fn finding(indicator: &str, weight: f64, holders: &[Holder], shared: Shared, summary: String) -> Finding {
    let subjects = subjects(holders);
    let mut f = Finding::new(indicator, subjects[0], weight, summary);
    f.subjects = subjects;
    for h in holders {
        if let Some(t) = h.at {
            f.seen(t);
        }
    }
    f.evidence = holders.iter().take(SAMPLE).map(|h| h.evidence.clone()).collect();
    f.evidence_total = holders.len() as u64;
    f.shared = Some(shared);
    f
}

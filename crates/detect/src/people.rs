//! Who is who among the subjects, for the detectors that read records rather than
//! events: finding a record's subject, and telling one person's two records from two
//! people.

use std::collections::HashMap;

use bonafide_core::records::PayrollChange;
use bonafide_core::{Evidence, Subject, SubjectIdx};
use bonafide_intel::names;

use crate::Context;

/// Subjects by `subject_id`.
pub fn index<'a>(cx: &Context<'a>) -> HashMap<&'a str, SubjectIdx> {
    cx.subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), SubjectIdx(i as u32))).collect()
}

/// The names a subject goes by: the full name, then the aliases.
pub fn names_of(s: &Subject) -> Vec<&str> {
    std::iter::once(s.name.as_str()).chain(s.aliases.iter().map(String::as_str)).collect()
}

/// True when the two names lists can belong to one person.
pub fn names_agree(a: &[&str], b: &[&str]) -> bool {
    a.iter().any(|x| b.iter().any(|y| names::same_name(x, y)))
}

/// True when two subject records are one person: their names agree and their dates of
/// birth do not contradict each other (a candidate who applied twice). Two real people
/// who share a common name differ in their other facts, which is why the date of birth
/// must agree when both are known.
pub fn same_person(a: &Subject, b: &Subject) -> bool {
    if !names_agree(&names_of(a), &names_of(b)) {
        return false;
    }
    match (a.date_of_birth, b.date_of_birth) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// True when two subject indices are one person: the same record, or two records of one
/// person ([`same_person`]).
pub fn same_identity(cx: &Context<'_>, a: SubjectIdx, b: SubjectIdx) -> bool {
    a == b || matches!((cx.subject(a), cx.subject(b)), (Some(x), Some(y)) if same_person(x, y))
}

/// Evidence pointing at a subject's people record.
pub fn subject_evidence(s: &Subject) -> Evidence {
    let ev = match s.source {
        Some(p) => Evidence::at(p),
        None => Evidence::without_source(),
    };
    ev.with("subject", s.id.as_str()).with("name", s.name.as_str())
}

/// Evidence pointing at a payroll change, with the masked account.
pub fn payroll_evidence(p: &PayrollChange) -> Evidence {
    let mut ev = Evidence::at(p.source)
        .with("subject", p.subject_id.as_str())
        .with("changed_at", p.changed_at.to_rfc3339())
        .with("method", serde_json::to_value(p.method).unwrap_or_default());
    if let Some(h) = &p.account_holder {
        ev = ev.with("account_holder", h.as_str());
    }
    if let Some(b) = &p.bank_name {
        ev = ev.with("bank_name", b.as_str());
    }
    if let Some(c) = p.country() {
        ev = ev.with("bank_country", c.as_str());
    }
    for (key, v) in [("routing_number", &p.routing_number), ("account_number", &p.account_number), ("iban", &p.iban)] {
        if let Some(v) = v {
            ev = ev.with(key, format!("{} ({})", v.masked, v.fingerprint));
        }
    }
    if let Some(w) = &p.wallet {
        ev = ev.with("wallet", w.address.as_str());
        if let Some(c) = &w.chain {
            ev = ev.with("wallet_chain", c.as_str());
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;
    use bonafide_core::UtcMs;

    #[test]
    fn one_person_or_two() {
        let p = |name: &str, dob: Option<i64>| Subject {
            name: name.into(),
            date_of_birth: dob.map(UtcMs),
            ..Default::default()
        };
        assert!(same_person(&p("Jane Roe", Some(1)), &p("ROE, Jane", Some(1))));
        assert!(same_person(&p("Jane Roe", None), &p("Jane A. Roe", Some(1))));
        assert!(!same_person(&p("John Smith", Some(1)), &p("John Smith", Some(2))), "a common name");
        assert!(!same_person(&p("Jane Roe", Some(1)), &p("Kim Sang", Some(1))));
    }
}

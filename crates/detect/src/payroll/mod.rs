//! Payroll and payments (G family): where wages go, on keyed fingerprints only.
//!
//! Account, routing and IBAN numbers reach these detectors as fingerprints with masked
//! last four; findings show the masked form and the fingerprint, never a number.

pub mod changes;
pub mod crypto;
pub mod shared_account;

use std::collections::BTreeMap;

use bonafide_core::SubjectIdx;
use bonafide_core::records::PayrollChange;

use crate::Context;
use crate::people::index;

/// Each subject's pay changes, oldest first.
pub fn by_subject<'a>(cx: &Context<'a>) -> BTreeMap<SubjectIdx, Vec<&'a PayrollChange>> {
    let ids = index(cx);
    let mut out: BTreeMap<SubjectIdx, Vec<&PayrollChange>> = BTreeMap::new();
    for p in &cx.records.payroll {
        if let Some(&i) = ids.get(p.subject_id.as_str()) {
            out.entry(i).or_default().push(p);
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|p| (p.changed_at, p.source));
    }
    out
}

#[cfg(test)]
mod tests;

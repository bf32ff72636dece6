//! A1: the same person's declared facts disagree across records.
//!
//! Compares, after normalisation, what one person's own records say: the name on the
//! pay account against the person's names (a spouse sharing the surname and the
//! person's own company are not a mismatch), the phone number's country against the
//! claimed home, a declared time zone against the home's, and an email address that
//! spells out a different person's name. One mismatch is everyday (a phone kept from
//! abroad); `min_mismatches` or more is a pattern.

use std::collections::HashMap;

use bonafide_core::{Evidence, Finding, Subject, SubjectIdx, SubjectKind, UtcMs};
use bonafide_intel::{Places, names};

use crate::people::{index, names_of, payroll_evidence, subject_evidence};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct DeclaredFacts;

/// The offset in hours of an IANA zone at `t`.
fn offset_hours(zone: &str, t: UtcMs) -> Option<f64> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    Some(f64::from(tz.to_offset(t.to_jiff()).seconds()) / 3600.0)
}

/// True when an email's local part spells a name (two or more words) sharing nothing
/// with any of the person's names.
pub fn email_names_someone_else(email: &str, person: &[&str]) -> bool {
    let Some((local, _)) = email.split_once('@') else { return false };
    let words: Vec<String> = local
        .split(['.', '_', '-'])
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_lowercase())
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_alphabetic()))
        .collect();
    if words.len() < 2 || words.len() != local.split(['.', '_', '-']).filter(|w| !w.is_empty()).count() {
        return false;
    }
    let tokens: Vec<String> = person.iter().flat_map(|n| names::tokens(n)).collect();
    !words
        .iter()
        .any(|w| tokens.iter().any(|t| t.len() >= 2 && (t.starts_with(w.as_str()) || w.starts_with(t.as_str()))))
}

/// True when an account holder is the person, their household (the surname), or their
/// own business.
pub fn holder_fits(holder: &str, s: &Subject) -> bool {
    // Most holders are written exactly as the person's name: skip the folding.
    if holder.trim().eq_ignore_ascii_case(s.name.trim()) {
        return true;
    }
    let names = names_of(s);
    if names::names_person(holder, &names)
        || names.iter().any(|n| names::shares_token(holder, n) && shares_surname(holder, s))
    {
        return true;
    }
    names::is_company(holder)
        && (s.kind == SubjectKind::Contractor
            || s.vendor.as_deref().is_some_and(|v| names::shares_token(holder, v))
            || names.iter().any(|n| names::shares_token(holder, n)))
}

fn shares_surname(holder: &str, s: &Subject) -> bool {
    let Some(surname) = s.surname() else { return false };
    names::tokens(holder).iter().any(|t| t.to_uppercase() == surname)
}

impl Detector for DeclaredFacts {
    fn name(&self) -> &'static str {
        "declared-facts"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A1"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a1;
        let places = Places::builtin();
        let ids = index(cx);
        let mut zones: HashMap<(String, UtcMs), Option<f64>> = HashMap::new();
        let mut offset =
            |zone: &str, t: UtcMs| *zones.entry((zone.to_string(), t)).or_insert_with(|| offset_hours(zone, t));
        let mut holders: HashMap<SubjectIdx, Vec<&bonafide_core::records::PayrollChange>> = HashMap::new();
        for p in &cx.records.payroll {
            if let Some(&i) = ids.get(p.subject_id.as_str()) {
                holders.entry(i).or_default().push(p);
            }
        }
        for (i, s) in cx.subjects.iter().enumerate() {
            if s.implicit {
                continue;
            }
            let idx = SubjectIdx(i as u32);
            let mut mismatches: Vec<(String, Evidence)> = Vec::new();
            if let Some(p) = holders
                .get(&idx)
                .and_then(|v| v.iter().find(|p| p.account_holder.as_deref().is_some_and(|h| !holder_fits(h, s))))
            {
                let h = p.account_holder.as_deref().unwrap_or_default();
                mismatches.push((format!("paid into an account held by {h:?}"), payroll_evidence(p)));
            }
            if let (Some(pc), Some(home)) = (s.phone_country, s.home.country)
                && pc != home
            {
                let ev = subject_evidence(s).with("phone_country", pc.as_str()).with("home_country", home.as_str());
                mismatches.push((format!("phone number is from {} but home is in {}", pc.as_str(), home.as_str()), ev));
            }
            if let (Some(declared), Some(home_zone)) =
                (s.timezone.as_deref(), places.timezone(s.home.country, s.home.region.as_ref()))
            {
                let t = s.applied_date.or(s.hire_date).unwrap_or(UtcMs(1_736_899_200_000));
                if let (Some(a), Some(b)) = (offset(declared, t), offset(home_zone, t))
                    && (a - b).abs() > cfg.max_timezone_gap_hours
                {
                    let ev = subject_evidence(s).with("timezone", declared).with("home_timezone", home_zone);
                    mismatches.push((
                        format!("declared time zone {declared} is {:.0} h from the home's ({home_zone})", a - b),
                        ev,
                    ));
                }
            }
            if let Some(e) = s.emails.iter().find(|e| email_names_someone_else(e, &names_of(s))) {
                let ev = subject_evidence(s).with("email", e.as_str());
                mismatches.push((format!("email {e} spells a different name"), ev));
            }
            if mismatches.len() < cfg.min_mismatches {
                continue;
            }
            let summary = format!(
                "{} of their declared facts disagree: {}",
                mismatches.len(),
                mismatches.iter().map(|m| m.0.as_str()).collect::<Vec<_>>().join("; ")
            );
            let mut f = Finding::new("A1", idx, cx.weight("A1"), summary);
            f.evidence_total = mismatches.len() as u64;
            f.evidence = mismatches.into_iter().map(|m| m.1).collect();
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_names() {
        assert!(email_names_someone_else("kim.sangman@gmail.com", &["John Smith"]));
        assert!(!email_names_someone_else("jane.smith@x.io", &["Jane Roe"]), "a maiden name keeps the first name");
        assert!(!email_names_someone_else("coolcoder99@x.io", &["John Smith"]), "not a name");
        assert!(!email_names_someone_else("jsmith@x.io", &["John Smith"]));
        assert!(!email_names_someone_else("john.s@x.io", &["John Smith"]));
        assert!(!email_names_someone_else("dev.team@x.io", &["Dev Patel"]));
    }

    #[test]
    fn holders() {
        let s = Subject { name: "Jane Roe".into(), ..Default::default() };
        assert!(holder_fits("Jane Roe", &s));
        assert!(holder_fits("John Roe", &s), "a spouse's account in the family name");
        assert!(holder_fits("Jane & John Roe", &s));
        assert!(!holder_fits("Zhang Wei", &s));
        assert!(!holder_fits("Acme Dev LLC", &s), "an employee is not paid to a company");
        let c = Subject { kind: SubjectKind::Contractor, ..s.clone() };
        assert!(holder_fits("Acme Dev LLC", &c), "a contractor's own company");
    }
}

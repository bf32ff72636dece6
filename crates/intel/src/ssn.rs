//! The Social Security Administration's issuance rules, checked on a raw SSN before it
//! is fingerprinted.
//!
//! Some numbers were never issued to anyone: area 000, 666 and 900-999 (the 9xx range
//! holds ITINs, tax numbers), group 00, serial 0000, and a few published in
//! advertisements. Until randomisation on 25 June 2011 areas were assigned by state, and
//! areas 734-749 and 773-899 were never used; a number in them was issued on or after
//! that day, which a detector compares with the holder's date of birth. Only these
//! conclusions leave this module.

use bonafide_core::{SsnCheck, SsnProblem, UtcMs};

/// 25 June 2011, the day SSN randomisation began.
pub fn randomisation_day() -> UtcMs {
    UtcMs(bonafide_core::time::days_from_civil(2011, 6, 25) * bonafide_core::time::MS_PER_DAY)
}

/// Numbers published in advertising or famously misused.
const PUBLICISED: &[&str] = &["078051120", "219099999"];

/// ITIN group numbers (the middle two digits of a 9xx number).
fn itin_group(g: u32) -> bool {
    matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// Checks a raw SSN (any punctuation). `None` when it has no digits at all.
pub fn check(raw: &str) -> Option<SsnCheck> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let mut problems = Vec::new();
    if digits.len() != 9 {
        problems.push(SsnProblem::Malformed);
        return Some(SsnCheck { problems, issued_not_before: None });
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    if PUBLICISED.contains(&digits.as_str()) || (area == 987 && group == 65 && (4320..=4329).contains(&serial)) {
        problems.push(SsnProblem::Publicised);
    } else if area == 0 || area == 666 {
        problems.push(SsnProblem::AreaNeverIssued);
    } else if area >= 900 {
        problems.push(if itin_group(group) { SsnProblem::Itin } else { SsnProblem::AreaNotSsn });
    }
    if group == 0 {
        problems.push(SsnProblem::GroupZero);
    }
    if serial == 0 {
        problems.push(SsnProblem::SerialZero);
    }
    let late_area = (734..=749).contains(&area) || (773..=899).contains(&area);
    let issued_not_before = (problems.is_empty() && late_area).then(randomisation_day);
    Some(SsnCheck { problems, issued_not_before })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problems(s: &str) -> Vec<SsnProblem> {
        check(s).unwrap().problems
    }

    #[test]
    fn the_rules() {
        assert!(problems("123-45-6789").is_empty());
        assert_eq!(problems("000-12-3456"), vec![SsnProblem::AreaNeverIssued]);
        assert_eq!(problems("666-12-3456"), vec![SsnProblem::AreaNeverIssued]);
        assert_eq!(problems("912-34-5678"), vec![SsnProblem::AreaNotSsn]);
        assert_eq!(problems("912-70-5678"), vec![SsnProblem::Itin]);
        assert_eq!(problems("123-00-4567"), vec![SsnProblem::GroupZero]);
        assert_eq!(problems("123-45-0000"), vec![SsnProblem::SerialZero]);
        assert_eq!(
            problems("000-00-0000"),
            vec![SsnProblem::AreaNeverIssued, SsnProblem::GroupZero, SsnProblem::SerialZero]
        );
        assert_eq!(problems("078-05-1120"), vec![SsnProblem::Publicised]);
        assert_eq!(problems("987-65-4321"), vec![SsnProblem::Publicised]);
        assert_eq!(problems("12345678"), vec![SsnProblem::Malformed]);
        assert!(check("--").is_none());
    }

    #[test]
    fn areas_first_used_after_randomisation() {
        let day = randomisation_day();
        assert_eq!(day.date_string(), "2011-06-25");
        assert_eq!(check("773-12-3456").unwrap().issued_not_before, Some(day));
        assert_eq!(check("740-12-3456").unwrap().issued_not_before, Some(day));
        assert_eq!(check("772-12-3456").unwrap().issued_not_before, None, "772 was assigned before 2011");
        assert_eq!(check("733-12-3456").unwrap().issued_not_before, None);
        assert_eq!(check("899-00-3456").unwrap().issued_not_before, None, "an invalid number has no issue date");
    }

    proptest! {
        #[test]
        fn never_panics_and_never_keeps_digits(raw in ".{0,30}") {
            if let Some(c) = check(&raw) {
                let shown = format!("{c:?}");
                let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 5 {
                    prop_assert!(!shown.contains(&digits));
                }
            }
        }
    }
}

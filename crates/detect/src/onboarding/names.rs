//! Whether a name on a parcel (the recipient, the carrier's signature) is the worker's.
//!
//! Carriers record what the driver typed or the recipient scrawled: `J ROE`, `JROE`,
//! `Roe`, `jane roe`. A name counts as the worker's when every word of it fits the
//! worker's name or an alias (a one-letter word fitting a name's initial), or when it is
//! initials run into the surname. A different name with the worker's surname is family:
//! a spouse signing for a parcel is not someone else collecting a laptop.

use bonafide_intel::places::fold;

fn words(s: &str) -> Vec<String> {
    // `Roe, Jane` is Jane Roe.
    let s = match s.split_once(',') {
        Some((family, given)) => format!("{given} {family}"),
        None => s.to_string(),
    };
    fold(&s).to_uppercase().split_whitespace().map(str::to_string).collect()
}

/// The family name of a written name: before a comma, else the last word.
pub fn surname(s: &str) -> Option<String> {
    match s.split_once(',') {
        Some((family, _)) => fold(family).to_uppercase().split_whitespace().last().map(str::to_string),
        None => words(s).last().cloned(),
    }
}

fn fits(written: &[String], name: &[String]) -> bool {
    if written.is_empty() || name.is_empty() {
        return false;
    }
    let all_fit =
        written.iter().all(|w| name.iter().any(|n| n == w || (w.chars().count() == 1 && n.starts_with(w.as_str()))));
    if all_fit {
        return true;
    }
    // `JROE`, `JMROE`: initials run into the surname.
    if written.len() == 1
        && let Some(family) = name.last()
    {
        let w = &written[0];
        let initials: String = name[..name.len() - 1].iter().filter_map(|n| n.chars().next()).collect();
        return w.ends_with(family.as_str())
            && w.len() > family.len()
            && initials.starts_with(&w[..w.len() - family.len()]);
    }
    false
}

/// Whether `written` names the person known by `names` (full name, aliases): it fits
/// one of them, or it holds one's first and family names among other words (`Jane Roe
/// - Acme Corp`, `ATTN JANE ROE`).
pub fn same_person(written: &str, names: &[&str]) -> bool {
    let w = words(written);
    names.iter().any(|n| {
        let n = words(n);
        fits(&w, &n)
            || (n.len() >= 2 && n.first().is_some_and(|f| w.contains(f)) && n.last().is_some_and(|l| w.contains(l)))
    })
}

/// Whether `written` is a word list carriers use instead of a person (`FRONT DOOR`).
pub fn is_non_person(written: &str, list: &[String]) -> bool {
    let w = words(written).concat();
    w.is_empty() || !w.chars().any(char::is_alphabetic) || list.iter().any(|l| words(l).concat() == w)
}

/// Whether `written` shares a surname with any of `names`.
pub fn same_family(written: &str, names: &[&str]) -> bool {
    let Some(s) = surname(written) else { return false };
    names.iter().filter_map(|n| surname(n)).any(|n| n == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriers_spellings_of_one_person() {
        let me = ["Jane Q. Roe", "Janie Roe"];
        for w in [
            "Jane Roe",
            "JANE ROE",
            "J ROE",
            "J. Roe",
            "Roe",
            "JROE",
            "JQROE",
            "Roe, Jane",
            "jane",
            "Jane Roe - Acme Corp",
        ] {
            assert!(same_person(w, &me), "{w}");
        }
        for w in ["John Smith", "Smith", "JSMITH", "Joe Roe", "Jane Smith"] {
            assert!(!same_person(w, &me), "{w}");
        }
        assert!(same_family("Joe Roe", &me));
        assert!(!same_family("Joe Smith", &me));
        let list = vec!["front door".to_string(), "sof".to_string()];
        assert!(is_non_person("FRONT-DOOR", &list) && is_non_person("S.O.F.", &list) && is_non_person("---", &list));
        assert!(!is_non_person("Frontdoor Smith", &list));
    }
}

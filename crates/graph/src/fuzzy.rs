//! Similarity for the links exactness misses: a street spelled two ways within one
//! block, a name with a typo under one date of birth.
//!
//! Only values in the same block are ever compared, and a block larger than its kind's
//! `max_holders` is skipped like any common value, so the cost stays linear in the
//! number of subjects.

use crate::ident::{FuzzyKind, value_hash_parts};

/// Jaro-Winkler similarity of two strings, compared by `char`, in [0, 1].
pub fn jaro_winkler(a: &str, b: &str) -> f32 {
    if a.is_ascii() && b.is_ascii() && a.len() <= 64 && b.len() <= 64 {
        return jw(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    jw(&a, &b)
}

/// Jaro-Winkler over any comparable units; the scratch space is on the stack for up to
/// 64 units (every name and street in practice), on the heap beyond.
fn jw<T: PartialEq + Copy + Default>(a: &[T], b: &[T]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut used_small, mut match_small) = ([false; 64], [T::default(); 64]);
    let (mut used_big, mut match_big) = (Vec::new(), Vec::new());
    let (b_used, a_match): (&mut [bool], &mut [T]) = if a.len() <= 64 && b.len() <= 64 {
        (&mut used_small[..b.len()], &mut match_small[..a.len()])
    } else {
        used_big.resize(b.len(), false);
        match_big.resize(a.len(), T::default());
        (&mut used_big[..], &mut match_big[..])
    };
    let mut m_count = 0;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == *ca {
                b_used[j] = true;
                a_match[m_count] = *ca;
                m_count += 1;
                break;
            }
        }
    }
    if m_count == 0 {
        return 0.0;
    }
    let b_match = b.iter().zip(b_used.iter()).filter(|(_, u)| **u).map(|(c, _)| *c);
    let transpositions = a_match[..m_count].iter().zip(b_match).filter(|(x, y)| **x != *y).count() as f32 / 2.0;
    let m = m_count as f32;
    let jaro = (m / a.len() as f32 + m / b.len() as f32 + (m - transpositions) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f32;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Folds a text for comparison: letters and digits, upper case, single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_uppercase));
    }
    out
}

/// The similarity at which two values of a fuzzy kind are taken to be one.
pub fn threshold(kind: FuzzyKind) -> f32 {
    match kind {
        FuzzyKind::Address => 0.90,
        FuzzyKind::Name => 0.92,
    }
}

/// Similarity of two fuzzy values when they count as a link, else `None`. Identical
/// addresses are left to the exact address identifier (no double counting); identical
/// names under one birth date are the strongest name match.
pub fn linked(kind: FuzzyKind, a: &str, b: &str) -> Option<f32> {
    linked_folded(kind, &fold(a), &fold(b))
}

/// [`linked`] for texts already passed through [`fold`] (the graph folds once, at
/// insertion).
pub fn linked_folded(kind: FuzzyKind, fa: &str, fb: &str) -> Option<f32> {
    if fa.is_empty() || fb.is_empty() {
        return None;
    }
    if fa == fb {
        return match kind {
            FuzzyKind::Address => None,
            FuzzyKind::Name => Some(1.0),
        };
    }
    // Jaro is at most (2 + short/long) / 3 and the prefix bonus adds at most 0.4 of the
    // rest: lengths this far apart cannot reach any threshold used here.
    let (la, lb) = (fa.chars().count() as f32, fb.chars().count() as f32);
    if la.min(lb) / la.max(lb) < 0.5 {
        return None;
    }
    if !bag_allows(fa, fb, threshold(kind)) {
        return None;
    }
    let s = match kind {
        FuzzyKind::Address => jaro_winkler(fa, fb),
        // Word order varies (`KIM Sang` / `Sang KIM`): compare sorted tokens too.
        FuzzyKind::Name => {
            let sorted = |s: &str| {
                let mut w: Vec<&str> = s.split(' ').collect();
                w.sort_unstable();
                w.join(" ")
            };
            let direct = jaro_winkler(fa, fb);
            if direct >= threshold(kind) { direct } else { direct.max(jaro_winkler(&sorted(fa), &sorted(fb))) }
        }
    };
    (s >= threshold(kind)).then_some(s)
}

/// An upper bound check: Jaro matches pair equal characters, so their number is at
/// most the size of the two strings' character-multiset intersection; with the largest
/// prefix bonus (0.4 of the rest) that bounds Jaro-Winkler from above. Cheap, and it
/// rules out most pairs of a block (other people's names) before the real comparison.
/// Word order does not change the multiset, so the bound holds for the sorted-token
/// comparison too. Non-ASCII texts are always allowed through.
fn bag_allows(a: &str, b: &str, threshold: f32) -> bool {
    if !a.is_ascii() || !b.is_ascii() {
        return true;
    }
    let mut counts = [0i16; 128];
    for c in a.bytes() {
        counts[c as usize] += 1;
    }
    let mut m = 0u32;
    for c in b.bytes() {
        let slot = &mut counts[c as usize];
        if *slot > 0 {
            *slot -= 1;
            m += 1;
        }
    }
    if m == 0 {
        return false;
    }
    let m = m as f32;
    let jaro_max = (m / a.len() as f32 + m / b.len() as f32 + 1.0) / 3.0;
    jaro_max + 0.4 * (1.0 - jaro_max) >= threshold - 1e-6
}

/// Block of an address for fuzzy comparison: locality and house number.
pub fn address_block(street: &str, locality: &str) -> Option<u64> {
    let number = street.split_whitespace().next().filter(|w| w.chars().any(|c| c.is_ascii_digit()))?;
    if locality.is_empty() {
        return None;
    }
    Some(value_hash_parts(&[locality.as_bytes(), b"#", number.as_bytes()]))
}

/// Block of a name for fuzzy comparison: date of birth and the initial of the
/// alphabetically first name token (word order does not matter).
pub fn name_block(name: &str, dob: &str) -> Option<u64> {
    if dob.is_empty() {
        return None;
    }
    let folded = fold(name);
    let first = folded.split(' ').filter(|w| !w.is_empty()).min()?;
    let initial = first.chars().next()?;
    let mut buf = [0u8; 4];
    Some(value_hash_parts(&[dob.as_bytes(), b"#", initial.encode_utf8(&mut buf).as_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("MARTHA", "MARHTA") - 0.961).abs() < 0.01);
        assert!((jaro_winkler("DIXON", "DICKSONX") - 0.813).abs() < 0.01);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("A", ""), 0.0);
    }

    #[test]
    fn the_bag_bound_never_rejects_a_pair_jaro_winkler_accepts() {
        let words =
            ["JOHN SMITH", "JON SMITH", "SMITH JOHN", "JANE DOE", "12 OAK ST", "12 OAKK ST", "MARTHA", "MARHTA"];
        for a in words {
            for b in words {
                if jaro_winkler(a, b) >= 0.9 {
                    assert!(bag_allows(a, b, 0.9), "{a} / {b}");
                }
            }
        }
        assert!(!bag_allows("JOHN SMITH", "AVA LEE", 0.9));
    }

    #[test]
    fn links_need_similarity() {
        assert!(linked(FuzzyKind::Address, "12 OAK STREET", "12 OAK STRET").is_some());
        assert!(linked(FuzzyKind::Address, "12 OAK ST", "12 OAK ST").is_none(), "left to the exact key");
        assert!(linked(FuzzyKind::Address, "12 OAK ST", "12 ELM ST").is_none());
        assert!(linked(FuzzyKind::Name, "Jon Smith", "John Smith").is_some());
        assert!(linked(FuzzyKind::Name, "Smith, John", "John Smith").is_some());
        assert!(linked(FuzzyKind::Name, "Mia Kim", "Joon Kim").is_none());
    }
}

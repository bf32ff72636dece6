//! The columns of one of our CSV record formats: which known column sits where, and what
//! to do with the columns the contract does not know.
//!
//! Unknown columns are kept as extra attributes, so nothing a user exported is lost;
//! any whose name looks sensitive (`bank_acct_no`, `passport`, `sort_code`, ...) is
//! fingerprinted first, so a raw number never gets past the reader under another name.

use std::collections::BTreeMap;

use bonafide_core::SensitiveKind;
use bonafide_intel::Keyring;

use crate::table::{Row, Table};

/// Words that make an unknown column's values sensitive.
const SENSITIVE_WORDS: &[&str] = &[
    "ssn", "social", "account", "acct", "iban", "routing", "passport", "licence", "license", "tax", "tin", "national",
    "document", "card", "sin", "nin", "bsn", "sort", "bsb", "clabe", "swift", "bic", "aba", "itin",
];

pub fn looks_sensitive(column: &str) -> bool {
    column.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| SENSITIVE_WORDS.contains(&w))
}

/// Known columns by name, and the unknown ones by position.
pub struct Cols {
    c: BTreeMap<&'static str, Option<usize>>,
    extra: Vec<(usize, String)>,
}

impl Cols {
    pub fn new(table: &Table<'_>, known: &[&'static str]) -> Cols {
        Cols {
            c: known.iter().map(|c| (*c, table.col(c))).collect(),
            extra: table
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !known.contains(&c.as_str()))
                .map(|(i, c)| (i, c.clone()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.c.get(name).copied().flatten()
    }

    /// True when every one of `names` is in the header.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.get(n).is_some())
    }

    /// The row's unknown columns, sensitive-looking ones as `masked (fingerprint)`.
    pub fn extras(&self, row: &Row, keyring: &Keyring) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (i, column) in &self.extra {
            let Some(value) = row.get(Some(*i)) else { continue };
            if looks_sensitive(column) {
                if let Some(p) = keyring.protect(SensitiveKind::Other, value) {
                    out.insert(column.clone(), format!("{} ({})", p.masked, p.fingerprint));
                }
            } else {
                out.insert(column.clone(), value.to_string());
            }
        }
        out
    }
}

/// `true`/`false` in the spellings exports use.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names() {
        for c in ["bank_acct_no", "passport", "sort_code", "tax_id", "clabe"] {
            assert!(looks_sensitive(c), "{c}");
        }
        for c in ["favourite_colour", "team", "notes"] {
            assert!(!looks_sensitive(c), "{c}");
        }
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }
}

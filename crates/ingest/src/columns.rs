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

/// Words that make an unknown column's values sensitive when they stand alone in its
/// name (`tax_id`, `SIN`): short enough to occur inside harmless words (longer ones are
/// in `SENSITIVE_STEMS`, matched anywhere).
const SENSITIVE_WORDS: &[&str] = &["tax", "tin", "card", "sin", "nin", "bsn", "sort", "bsb", "bic", "aba", "itin"];

/// Stems that make a column sensitive wherever they occur in its name, so that names
/// written without separators (`PassportNumber`, `BankAccountNumber`, `NationalID`,
/// `TaxID`, `EmployeeSSN`; headers are lower-cased before this) are caught too. A
/// harmless column caught by one (`classname`) is only shown fingerprinted: the safe
/// direction.
const SENSITIVE_STEMS: &[&str] = &[
    "ssn",
    "social",
    "passport",
    "account",
    "acct",
    "iban",
    "routing",
    "licen",
    "national",
    "document",
    "taxid",
    "taxpayer",
    "taxnumber",
    "taxno",
    "idnumber",
    "idno",
    "idnum",
    "dlnumber",
    "dlno",
    "dlnum",
    "cardnumber",
    "cardno",
    "clabe",
    "swift",
    "sortcode",
    "identification",
    "identitynumber",
];

/// Words that name an identifier, and words that say "its number": together
/// (`id_number`, `DL No`, `identity nr`) they name a document number.
const ID_WORDS: &[&str] = &["id", "dl", "identity", "ident", "card", "permit", "visa"];
const NUMBER_WORDS: &[&str] = &["number", "no", "num", "nr", "nbr"];

/// Whether an unknown column's name says its values are identity, tax, bank or card
/// numbers, which must be fingerprinted before anything keeps them.
pub fn looks_sensitive(column: &str) -> bool {
    let lower = column.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let joined: String = words.concat();
    words.iter().any(|w| SENSITIVE_WORDS.contains(w))
        || SENSITIVE_STEMS.iter().any(|s| joined.contains(s))
        || (words.iter().any(|w| ID_WORDS.contains(w)) && words.iter().any(|w| NUMBER_WORDS.contains(w)))
}

/// Whether a value, whatever its column is called, has the shape of a US social
/// security number (`123-45-6789`) or a checksummed IBAN: a raw one must not get past
/// the reader under an innocent column name.
pub fn looks_like_sensitive_value(value: &str) -> bool {
    let v = value.trim();
    let b = v.as_bytes();
    let ssn = b.len() == 11
        && b.iter().enumerate().all(|(i, c)| if i == 3 || i == 6 { *c == b'-' } else { c.is_ascii_digit() });
    ssn || iban_checksum_holds(v)
}

/// Two letters, two check digits, then the mod-97 check ([`crate::payroll::iban_ok`]).
fn iban_checksum_holds(v: &str) -> bool {
    let compact: String = v.chars().filter(|c| *c != ' ').collect();
    let b = compact.as_bytes();
    b.len() >= 4
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && crate::payroll::iban_ok(&compact)
}

/// Known columns by name, and the unknown ones by position.
pub struct Cols {
    c: BTreeMap<&'static str, Option<usize>>,
    /// Unknown columns: position, name, and whether the name says sensitive (decided
    /// once per file, not per row).
    extra: Vec<(usize, String, bool)>,
}

impl Cols {
    /// A column the header repeats is read from its first copy; the later copies are
    /// kept as extras named `name#2`, `name#3`, so no exported value is dropped.
    pub fn new(table: &Table<'_>, known: &[&'static str]) -> Cols {
        let mut extra = Vec::new();
        for (i, c) in table.columns.iter().enumerate() {
            let copy = table.copy_number(i);
            let name = if copy > 1 {
                format!("{c}#{copy}")
            } else if !known.contains(&c.as_str()) {
                c.clone()
            } else {
                continue;
            };
            let sensitive = looks_sensitive(&name);
            extra.push((i, name, sensitive));
        }
        Cols { c: known.iter().map(|c| (*c, table.col(c))).collect(), extra }
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
        for (i, column, sensitive) in &self.extra {
            let Some(value) = row.get(Some(*i)) else { continue };
            if *sensitive || looks_like_sensitive_value(value) {
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
        for c in [
            "bank_acct_no",
            "passport",
            "sort_code",
            "tax_id",
            "clabe",
            // Written without separators, as many HR exports do (lower-cased by the header fold).
            "passportnumber",
            "socialsecuritynumber",
            "bankaccountnumber",
            "nationalid",
            "taxid",
            "employeessn",
            "id_number",
            "dl number",
            "identity nr",
            "visa no",
            "cardnumber",
        ] {
            assert!(looks_sensitive(c), "{c}");
        }
        for c in ["favourite_colour", "team", "notes", "employee_id", "start_date", "manager", "phone_number", "zip"] {
            assert!(!looks_sensitive(c), "{c}");
        }
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn sensitive_values() {
        for v in ["123-45-6789", " 078-05-1120 ", "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"] {
            assert!(looks_like_sensitive_value(v), "{v}");
        }
        for v in [
            "12-345-6789",
            "123456789",
            "GB82 WEST 1234 5698 7654 33",
            "DE89",
            "2024-01-15",
            "+1 555 123 4567",
            "Ohio",
            "",
        ] {
            assert!(!looks_like_sensitive_value(v), "{v}");
        }
    }
}

//! The columns of one of our CSV record formats: which known column sits where, and what
//! to do with the columns the contract does not know.
//!
//! Unknown columns are kept as extra attributes, so nothing a user exported is lost;
//! any whose name looks sensitive (`bank_acct_no`, `passport`, `sort_code`, ...) is
//! fingerprinted first, so a raw number never gets past the reader under another name.

use std::borrow::Cow;
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

/// Whether a value, whatever its column is called, is in whole a US social security
/// number (`123-45-6789`) or a checksummed IBAN: the shapes [`scrub_text`] masks
/// wherever they stand.
pub fn looks_like_sensitive_value(value: &str) -> bool {
    let b = value.trim().as_bytes();
    !b.is_empty() && (ssn_at(b, 0) == Some(b.len()) || iban_at(b, 0) == Some(b.len()))
}

/// `text` with every SSN-shaped (`123-45-6789`) or checksummed-IBAN run inside it
/// replaced by its masked form and fingerprint, so a number typed into a free-text
/// column (`notes: "prev ssn 234-56-7890"`) is kept as evidence but never stored raw.
/// Text without such a run comes back borrowed.
pub fn scrub_text<'a>(text: &'a str, keyring: &Keyring) -> Cow<'a, str> {
    // Both shapes need at least nine digits (an IBAN has at least 13).
    if text.bytes().filter(u8::is_ascii_digit).count() < 9 {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut i) = (0usize, 0usize);
    while i < b.len() {
        // An SSN may be glued to a label (`SSN#123-45-6789`); an IBAN starts a word.
        let prev = i.checked_sub(1).map(|k| b[k]);
        let found = match prev {
            Some(c) if c.is_ascii_digit() => None,
            Some(c) if c.is_ascii_alphabetic() => ssn_at(b, i).map(|end| (end, SensitiveKind::Ssn)),
            _ => ssn_at(b, i)
                .map(|end| (end, SensitiveKind::Ssn))
                .or_else(|| iban_at(b, i).map(|end| (end, SensitiveKind::Iban))),
        };
        match found {
            Some((end, kind)) => {
                out.push_str(&text[copied..i]);
                match keyring.protect(kind, &text[i..end]) {
                    Some(p) => out.push_str(&format!("{} ({})", p.masked, p.fingerprint)),
                    None => out.push_str("****"),
                }
                copied = end;
                i = end;
            }
            // Runs are ASCII, so stepping bytes never starts one inside a character.
            None => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The end of a `ddd-dd-dddd` run starting at `i` and not followed by a digit.
fn ssn_at(b: &[u8], i: usize) -> Option<usize> {
    let run = b.get(i..i + 11)?;
    let shaped = run.iter().enumerate().all(|(k, c)| if k == 3 || k == 6 { *c == b'-' } else { c.is_ascii_digit() });
    let ends = b.get(i + 11).is_none_or(|c| !c.is_ascii_digit());
    (shaped && ends).then_some(i + 11)
}

/// The end of the longest checksummed IBAN starting at `i`: two letters, two digits,
/// then letters and digits, single spaces allowed between groups (`GB82 WEST 1234 …`),
/// ending at a word boundary.
fn iban_at(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !(head[..2].iter().all(u8::is_ascii_alphabetic) && head[2..].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let mut compact = String::with_capacity(34);
    let mut ends = Vec::new();
    let mut j = i;
    while j < b.len() && compact.len() < 34 {
        let c = b[j];
        if c.is_ascii_alphanumeric() {
            compact.push(c.to_ascii_uppercase() as char);
            j += 1;
            if b.get(j).is_none_or(|n| !n.is_ascii_alphanumeric()) {
                ends.push((j, compact.len()));
            }
        } else if c == b' ' && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) && j > i {
            j += 1;
        } else {
            break;
        }
    }
    ends.into_iter().rev().find(|&(_, len)| crate::payroll::iban_ok(&compact[..len])).map(|(end, _)| end)
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
            if *sensitive {
                if let Some(p) = keyring.protect(SensitiveKind::Other, value) {
                    out.insert(column.clone(), format!("{} ({})", p.masked, p.fingerprint));
                }
            } else {
                // An SSN or IBAN, alone in the cell or inside text, is fingerprinted as
                // what it is, so it matches the same number read from a known column.
                out.insert(column.clone(), scrub_text(value, keyring).into_owned());
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
    fn numbers_inside_free_text_are_masked() {
        let k = Keyring::from_bytes([3; 32]);
        let fp = |kind, v| k.protect(kind, v).map(|p| p.fingerprint.to_string()).unwrap_or_default();
        let s = scrub_text("prev ssn 234-56-7890, see file", &k);
        assert_eq!(s, format!("prev ssn ***-**-7890 ({}), see file", fp(SensitiveKind::Ssn, "234-56-7890")));
        // Alone in a cell, the number is fingerprinted as an SSN too, so it matches the
        // same number read from a people file's `ssn` column.
        assert_eq!(scrub_text(" 234-56-7890", &k), format!(" ***-**-7890 ({})", fp(SensitiveKind::Ssn, "234-56-7890")));
        let s = scrub_text("SSN#234-56-7890", &k);
        assert!(s.starts_with("SSN#***-**-7890 (") && !s.contains("234-56"), "{s}");
        let s = scrub_text("paid to GB82 WEST 1234 5698 7654 32 on Friday", &k);
        assert!(s.starts_with("paid to ****5432 (") && s.ends_with(") on Friday"), "{s}");
        assert!(!s.contains("WEST 1234"), "{s}");
        let s = scrub_text("iban de89370400440532013000.", &k);
        assert!(s.starts_with("iban ****3000 (") && s.ends_with(")."), "{s}");
        let s = scrub_text("two: 078-05-1120 and 219-09-9999", &k);
        assert!(!s.contains("078-05") && !s.contains("219-09"), "{s}");
        // Benign text that only looks close stays as written, borrowed.
        for t in [
            "call +1 555-123-4567 after 5",
            "ticket 1234-56-7890",
            "order 123-45-67890",
            "2024-01-15 to 2024-02-15",
            "GB82 WEST 1234 5698 7654 33",
            "ISO 27001 and SOC2 audits in 2024",
            "주민번호 없음",
        ] {
            assert!(matches!(scrub_text(t, &k), Cow::Borrowed(_)), "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn scrubbing_never_panics_and_removes_every_ssn(pre in "\\PC{0,20}", post in "([^0-9]\\PC{0,20})?", a in 0u32..1000, b in 0u32..100, c in 0u32..10000) {
            let k = Keyring::from_bytes([5; 32]);
            let ssn = format!("{a:03}-{b:02}-{c:04}");
            let pre = if pre.ends_with(|ch: char| ch.is_ascii_digit()) { format!("{pre} ") } else { pre };
            let text = format!("{pre}{ssn}{post}");
            let out = scrub_text(&text, &k);
            proptest::prop_assert!(!out.contains(&ssn), "{text:?} -> {out:?}");
        }
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

//! Postal addresses folded into a comparison key, good enough for US mail.
//!
//! Two records of one home rarely agree letter for letter: `12 Oak Street, Apt. 4` and
//! `12 OAK ST #4` are one door. The key folds case, accents and punctuation, applies the
//! USPS standard abbreviations from `data/address.toml` (street suffixes, directionals,
//! ordinals), folds every unit designator to `#`, and keeps ZIP+4 as its five-digit ZIP.
//! The unit number stays in the key: an apartment block with several unrelated tenants
//! is several addresses, not a laptop farm.

use std::collections::HashMap;
use std::sync::OnceLock;

use bonafide_core::PostalAddress;
use serde::Deserialize;

use crate::places::{Places, fold};

const TABLES: &str = include_str!("../data/address.toml");

#[derive(Debug, Deserialize)]
struct Tables {
    suffixes: HashMap<String, String>,
    directionals: HashMap<String, String>,
    ordinals: HashMap<String, String>,
    units: Units,
}

#[derive(Debug, Deserialize)]
struct Units {
    words: Vec<String>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    // Checked by the unit tests below; a failure is a build defect.
    T.get_or_init(|| toml::from_str(TABLES).expect("embedded address.toml is valid"))
}

/// Folds one street line into standard tokens, splitting off the unit: returns
/// (`12 OAK ST`, `Some("4B")`).
pub fn street_line(line: &str) -> (String, Option<String>) {
    let t = tables();
    let upper = fold(&line.replace('#', " UNIT ")).to_uppercase();
    // "P O BOX" and "PO BOX" are one thing.
    let upper = upper.replace("P O BOX", "PO BOX");
    let mut street: Vec<String> = Vec::new();
    let mut unit: Option<String> = None;
    let tokens: Vec<&str> = upper.split_whitespace().collect();
    let mut i = 0;
    let is_po_box = upper.starts_with("PO BOX");
    while i < tokens.len() {
        let tok = tokens[i];
        let unit_word = tok == "#" || (t.units.words.iter().any(|w| w == tok) && !(is_po_box && tok == "BOX"));
        if unit_word && i + 1 < tokens.len() && i > 0 {
            let rest: Vec<&str> = tokens[i + 1..].iter().copied().filter(|s| *s != "#").collect();
            if !rest.is_empty() {
                unit = Some(rest.join(""));
            }
            break;
        }
        let mapped = t
            .suffixes
            .get(tok)
            .or_else(|| t.directionals.get(tok))
            .or_else(|| t.ordinals.get(tok))
            .map(String::as_str)
            .unwrap_or(tok);
        street.push(mapped.to_string());
        i += 1;
    }
    (street.join(" "), unit)
}

/// The five-digit ZIP of a US postal code (`62701-1234` → `62701`); other countries'
/// postal codes folded to upper-case letters and digits.
pub fn postal_key(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    let compact: String = code.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    if compact.is_empty() {
        return None;
    }
    if compact.chars().all(|c| c.is_ascii_digit()) && (digits.len() == 5 || digits.len() == 9) {
        return Some(digits[..5].to_string());
    }
    Some(compact)
}

/// The comparison key of an address, or `None` when it has no street line.
///
/// `street|unit|locality|country`, where the locality is the postal key when there is
/// one, else `city~region`.
pub fn address_key(addr: &PostalAddress) -> Option<String> {
    let line1 = addr.line1.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let (street, mut unit) = street_line(line1);
    if street.is_empty() {
        return None;
    }
    if let Some(line2) = addr.line2.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Line 2 is nearly always the unit; "Apt 4", "#4" and a bare "4" are all unit 4.
        let (l2, l2_unit) = street_line(&format!("X {line2}"));
        let value = l2_unit.unwrap_or_else(|| l2.trim_start_matches('X').trim().replace(' ', ""));
        if !value.is_empty() && unit.is_none() {
            unit = Some(value);
        }
    }
    let places = Places::builtin();
    let country = addr.country.as_deref().and_then(|c| places.country(c));
    let locality = match addr.postal_code.as_deref().and_then(postal_key) {
        Some(zip) => zip,
        None => {
            let city = addr.city.as_deref().map(fold).unwrap_or_default().to_uppercase();
            let region = addr
                .region
                .as_deref()
                .and_then(|r| places.region(country.or(bonafide_core::CountryCode::new("US")), r))
                .map(|r| r.as_str().to_string())
                .unwrap_or_default();
            format!("{city}~{region}")
        }
    };
    Some(format!(
        "{street}|{}|{locality}|{}",
        unit.unwrap_or_default(),
        country.map(|c| c.to_string()).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(line1: &str, line2: &str, city: &str, region: &str, zip: &str) -> PostalAddress {
        let s = |v: &str| {
            if v.is_empty() { None } else { Some(v.to_string()) }
        };
        PostalAddress {
            line1: s(line1),
            line2: s(line2),
            city: s(city),
            region: s(region),
            postal_code: s(zip),
            country: Some("US".into()),
            key: None,
        }
    }

    #[test]
    fn one_door_many_spellings() {
        let a = address_key(&addr("12 Oak Street", "Apt. 4", "Springfield", "IL", "62701")).unwrap();
        let b = address_key(&addr("12 OAK ST #4", "", "SPRINGFIELD", "Illinois", "62701-1234")).unwrap();
        let c = address_key(&addr("12 oak st.", "Unit 4", "Springfield", "IL", "62701")).unwrap();
        let d = address_key(&addr("12 Oak St", "4", "Springfield", "IL", "62701")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(a, "12 OAK ST|4|62701|US");
    }

    #[test]
    fn units_and_directions_matter() {
        let a = address_key(&addr("500 North Main Street", "Apt 4", "", "", "10001")).unwrap();
        let b = address_key(&addr("500 N Main St", "Apt 5", "", "", "10001")).unwrap();
        assert_ne!(a, b, "different units are different homes");
        let c = address_key(&addr("500 N Main St", "Apt 4", "", "", "10001")).unwrap();
        assert_eq!(a, c);
        let s = address_key(&addr("500 South Main Street", "Apt 4", "", "", "10001")).unwrap();
        assert_ne!(a, s);
    }

    #[test]
    fn without_zip_uses_city_and_region() {
        let a = address_key(&addr("1 First Avenue", "", "Austin", "Texas", "")).unwrap();
        let b = address_key(&addr("1 1st Ave", "", "AUSTIN", "TX", "")).unwrap();
        assert_eq!(a, b);
        assert!(address_key(&addr("", "", "Austin", "TX", "")).is_none());
    }

    #[test]
    fn po_boxes() {
        let (a, u) = street_line("P.O. Box 123");
        assert_eq!((a.as_str(), u), ("PO BOX 123", None));
        assert_eq!(street_line("PO BOX 123").0, "PO BOX 123");
    }
}

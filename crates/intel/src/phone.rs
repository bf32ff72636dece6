//! Phone numbers in E.164, so that `(614) 555-1001`, `614.555.1001` and `+1 614 555 1001`
//! are one number.
//!
//! Parsing uses `phonenumber`, a Rust port of Google's libphonenumber with its metadata
//! compiled in (no network, no files): it knows every country's national prefixes,
//! lengths and, where the plan tells, which ranges are mobile or VoIP. Measured cost:
//! about 25 s of a cold debug build, the metadata loads once in about 0.1 s, and reading
//! a number (parse, E.164, country) takes about 15 µs.
//!
//! A number written internationally (`+44 ...`) is parsed without a default region:
//! phonenumber 0.3.10 misreads some `+` numbers when a default region is also given
//! (`+86 138 0013 8000` with region US lost a digit), so the default region is used only
//! for numbers written nationally. `00` and `011` international prefixes are read as `+`
//! where the default region dials them.

use std::str::FromStr;

use bonafide_core::{CountryCode, LineType};
use phonenumber::country::Id;
use phonenumber::{Mode, Type as PhoneNumberType};

/// A phone number as bonafide compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    /// `+16145551001`.
    pub e164: String,
    /// The country its numbering plan assigns it to (`None` for shared plans that the
    /// number alone does not settle, and non-geographic numbers).
    pub country: Option<CountryCode>,
    /// The line type the numbering plan implies, when it tells (mobile, VoIP, toll-free).
    /// Not asked of North American numbers: that plan does not set VoIP apart, and the
    /// check costs about 60 µs there (every NANP region's patterns are tried).
    pub line_type: Option<LineType>,
}

/// North American Numbering Plan regions dial `011` abroad; most others `00`.
const NANP: &[&str] = &[
    "US", "CA", "AG", "AI", "AS", "BB", "BM", "BS", "DM", "DO", "GD", "GU", "JM", "KN", "KY", "LC", "MP", "MS", "PR",
    "SX", "TC", "TT", "VC", "VG", "VI",
];

/// Reads a phone number; `None` when it is not one (too few digits, letters, junk).
/// `default_country` is the country to assume for numbers written without a country
/// code (the person's home).
pub fn normalise(raw: &str, default_country: Option<CountryCode>) -> Option<Phone> {
    let raw = raw.trim();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    if !(6..=17).contains(&digits) || raw.len() > 64 {
        return None;
    }
    let lead = raw.trim_start_matches(|c: char| c == '(' || c == '[' || c.is_whitespace());
    let default = default_country.and_then(|c| Id::from_str(c.as_str()).ok());
    let parsed = if lead.starts_with('+') {
        phonenumber::parse(None, lead)
    } else {
        let compact: String = lead.chars().filter(char::is_ascii_digit).collect();
        let nanp = default_country.is_some_and(|c| NANP.contains(&c.as_str()));
        if nanp && compact.starts_with("011") {
            phonenumber::parse(None, format!("+{}", &compact[3..]))
        } else if !nanp && default.is_some() && compact.starts_with("00") {
            phonenumber::parse(None, format!("+{}", &compact[2..]))
        } else {
            match default {
                Some(d) => phonenumber::parse(Some(d), lead),
                None => return None,
            }
        }
    }
    .ok()?;
    if parsed.national().value() == 0 {
        return None;
    }
    let e164 = parsed.format().mode(Mode::E164).to_string();
    let line_type = if parsed.code().value() == 1 {
        None
    } else {
        match parsed.number_type(&phonenumber::metadata::DATABASE) {
            PhoneNumberType::Mobile => Some(LineType::Mobile),
            PhoneNumberType::FixedLine => Some(LineType::Landline),
            PhoneNumberType::Voip => Some(LineType::Voip),
            PhoneNumberType::TollFree => Some(LineType::TollFree),
            _ => None,
        }
    };
    let country = parsed.country().id().and_then(|id| CountryCode::new(id.as_ref()));
    Some(Phone { e164, country, line_type })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn us() -> Option<CountryCode> {
        CountryCode::new("US")
    }

    #[test]
    fn spellings_of_one_number_agree() {
        for raw in ["(614) 555-1001", "614.555.1001", "+1 614 555 1001", "1-614-555-1001", "+16145551001"] {
            assert_eq!(normalise(raw, us()).unwrap().e164, "+16145551001", "{raw}");
        }
        let p = normalise("+1 614 555 1001", None).unwrap();
        assert_eq!(p.country.unwrap().as_str(), "US");
    }

    #[test]
    fn international_numbers_ignore_the_default_region() {
        let cn = normalise("+86 138 0013 8000", us()).unwrap();
        assert_eq!(cn.e164, "+8613800138000");
        assert_eq!(cn.country.unwrap().as_str(), "CN");
        assert_eq!(cn.line_type, Some(LineType::Mobile));
        assert_eq!(normalise("011 44 20 7946 0958", us()).unwrap().e164, "+442079460958");
        assert_eq!(normalise("0044 20 7946 0958", CountryCode::new("DE")).unwrap().e164, "+442079460958");
        assert_eq!(normalise("010-1234-5678", CountryCode::new("KR")).unwrap().e164, "+821012345678");
    }

    #[test]
    fn the_plan_tells_voip_where_it_can() {
        assert_eq!(normalise("+44 56 1234 5678", None).unwrap().line_type, Some(LineType::Voip));
    }

    #[test]
    fn junk_is_not_a_number() {
        assert!(normalise("n/a", us()).is_none());
        assert!(normalise("12", us()).is_none());
        assert!(normalise("555 0100", None).is_none(), "national numbers need a region");
        assert!(normalise("000-000-0000", us()).is_none());
    }

    proptest! {
        #[test]
        fn never_panics(raw in "[+()0-9 .x-]{0,30}|.{0,30}") {
            let _ = normalise(&raw, us());
            let _ = normalise(&raw, None);
        }
    }
}

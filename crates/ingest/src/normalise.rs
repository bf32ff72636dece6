//! What every JSON vendor reader needs to turn a record into the shared model cheaply:
//! interned strings, remembered place names, stable identifier hashes, quarantine
//! reasons that say which field was wrong, and lenient field types for the places where
//! vendors are inconsistent (a number that is sometimes a string, a string that is
//! sometimes a list, a time that is sometimes epoch milliseconds and sometimes RFC 3339).
//!
//! The lenient types are visitors, not `#[serde(untagged)]` enums: an untagged enum
//! buffers the value to try each variant, which costs an allocation per field on the hot
//! path of a reader that runs over millions of records.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use bonafide_core::{CountryCode, Region, UtcMs};
use bonafide_intel::Places;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, de::MapAccess};

/// A stable 64-bit hash of a vendor identifier (sessions, devices, deduplication keys).
pub fn id_hash(system: &str, id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    system.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

/// True for identifiers that exports blank out instead of omitting (`0000…-0000`), which
/// must not be used as deduplication keys: every record would be a duplicate of the first.
pub fn is_placeholder_id(id: &str) -> bool {
    let id = id.trim();
    id.is_empty() || id.chars().all(|c| c == '0' || c == '-')
}

/// Strings repeated across events, shared rather than allocated per event. Bounded:
/// past its capacity it stops remembering and simply allocates.
pub struct Interner {
    map: HashMap<String, Arc<str>>,
    capacity: usize,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { map: HashMap::default(), capacity: 200_000 }
    }
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.map.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        if self.map.len() < self.capacity {
            self.map.insert(s.to_string(), a.clone());
        }
        a
    }

    /// The lower-case form of `s`, interned.
    pub fn lower(&mut self, s: &str) -> Arc<str> {
        if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
            self.get(&s.to_lowercase())
        } else {
            self.get(s)
        }
    }

    /// `s` trimmed, or `None` when empty.
    pub fn opt(&mut self, s: Option<&str>) -> Option<Arc<str>> {
        s.map(str::trim).filter(|s| !s.is_empty()).map(|s| self.get(s))
    }
}

/// Country and region names into codes, remembered: an export names the same few
/// hundred places millions of times.
pub struct PlaceCache {
    places: &'static Places,
    countries: HashMap<String, Option<CountryCode>>,
    regions: HashMap<CountryCode, HashMap<String, Option<Region>>>,
}

impl Default for PlaceCache {
    fn default() -> Self {
        PlaceCache { places: Places::builtin(), countries: HashMap::default(), regions: HashMap::default() }
    }
}

impl PlaceCache {
    pub fn country(&mut self, name: &str) -> Option<CountryCode> {
        if let Some(c) = self.countries.get(name) {
            return *c;
        }
        let c = self.places.country(name);
        if self.countries.len() < 10_000 {
            self.countries.insert(name.to_string(), c);
        }
        c
    }

    pub fn region(&mut self, country: Option<CountryCode>, name: &str) -> Option<Region> {
        let Some(cc) = country else { return self.places.region(None, name) };
        let per = self.regions.entry(cc).or_default();
        if let Some(r) = per.get(name) {
            return r.clone();
        }
        let r = self.places.region(country, name);
        if per.len() < 10_000 {
            per.insert(name.to_string(), r.clone());
        }
        r
    }
}

/// The quarantine reason for a record that did not deserialise: where and what.
pub fn describe_json_error<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> String {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => "record does not fit the format".to_string(),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let what = if inner.is_syntax() || inner.is_eof() {
                format!("invalid JSON ({inner})")
            } else {
                // serde's message may quote the offending value; keep it short, and
                // say "an object" where it names our Rust type (`expected struct
                // OktaEvent`), which means nothing to a user.
                let msg = inner.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                truncate(&without_type_names(&msg), 160)
            };
            if path == "." || path.is_empty() { what } else { format!("{path}: {what}") }
        }
    }
}

/// `expected struct OktaEvent` → `expected a JSON object`; `expected enum X` likewise.
fn without_type_names(msg: &str) -> String {
    let mut out = msg.to_string();
    for (marker, plain) in [("struct ", "a JSON object"), ("enum ", "one of the known values")] {
        while let Some(i) = out.find(&format!("expected {marker}")) {
            let start = i + "expected ".len();
            let name_start = start + marker.len();
            let name_end = out[name_start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(out.len(), |j| name_start + j);
            out.replace_range(start..name_end, plain);
        }
    }
    out
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Accepts `7922`, `"7922"`, `"AS7922"` and `null`.
pub fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match lenient_i64(d)? {
        None => Ok(None),
        Some(n) => u32::try_from(n).map(Some).map_err(|_| de::Error::custom(format!("{n} is out of range"))),
    }
}

/// Accepts integers, integral floats, numeric strings (`"50140"`, `"AS12"`) and `null`.
pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a numeric string")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(V)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v).map(Some).map_err(|_| E::custom("integer out of range"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom("not an integer"))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let t = t.strip_prefix("AS").or_else(|| t.strip_prefix("as")).unwrap_or(t);
            t.parse::<i64>().map(Some).map_err(|_| E::custom("not a number"))
        }
    }
    d.deserialize_any(V)
}

/// Accepts `true`, `"true"`, `"True"`, `1`, their negatives, and `null`.
pub fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(V)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::custom("not a boolean")),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.visit_u64(u64::try_from(v).map_err(|_| E::custom("not a boolean"))?)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "yes" | "1" => Ok(Some(true)),
                "false" | "no" | "0" => Ok(Some(false)),
                _ => Err(E::custom("not a boolean")),
            }
        }
    }
    d.deserialize_any(V)
}

/// A time as vendors write it: epoch milliseconds (integer, float, or a numeric string
/// such as `"1624445969188.000000"`) or RFC 3339 text.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeField<'a> {
    Millis(f64),
    Text(Cow<'a, str>),
}

impl TimeField<'_> {
    /// The instant; numbers below 10^11 are taken as seconds (a year-5138 instant in
    /// milliseconds would be needed to confuse the two).
    pub fn to_utc(&self) -> Result<UtcMs, String> {
        let from_number = |n: f64| -> Result<UtcMs, String> {
            if !(0.0..=1.0e14).contains(&n) {
                return Err(format!("{n} is not an epoch time"));
            }
            let ms = if n < 1.0e11 { n * 1000.0 } else { n };
            Ok(UtcMs(ms.round() as i64))
        };
        match self {
            TimeField::Millis(n) => from_number(*n),
            TimeField::Text(s) => {
                let t = s.trim();
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    match t.parse::<f64>() {
                        Ok(n) => from_number(n),
                        Err(_) => Err(format!("{:?} is not a time", truncate(t, 40))),
                    }
                } else {
                    UtcMs::parse(t).map_err(|e| e.to_string())
                }
            }
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TimeField<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TimeField<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch milliseconds or an RFC 3339 time")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TimeField::Millis(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TimeField::Millis(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TimeField::Millis(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TimeField::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TimeField::Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string that some exports write as a list of strings (GitHub's `org`): the first
/// non-empty element is kept. Numbers are accepted as their decimal text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OneString<'a>(pub Option<Cow<'a, str>>);

impl<'a> OneString<'a> {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for OneString<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneString<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OneString(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OneString(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(V)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(OneString(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OneString(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(OneString(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(OneString(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first: Option<Cow<'de, str>> = None;
                while let Some(item) = seq.next_element::<OneString<'de>>()? {
                    if first.is_none() && item.as_deref().is_some() {
                        first = item.0;
                    }
                }
                Ok(OneString(first))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Err(de::Error::custom("an object where a string was expected"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn reasons_do_not_name_our_types() {
        assert_eq!(
            super::without_type_names("invalid type: integer `1`, expected struct OktaEvent"),
            "invalid type: integer `1`, expected a JSON object"
        );
        assert_eq!(super::without_type_names("expected enum Kind or null"), "expected one of the known values or null");
        assert_eq!(super::without_type_names("missing field `published`"), "missing field `published`");
    }

    use super::*;

    #[derive(Deserialize)]
    struct T<'a> {
        #[serde(default, deserialize_with = "lenient_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "lenient_bool")]
        b: Option<bool>,
        #[serde(borrow, default)]
        t: Option<TimeField<'a>>,
        #[serde(borrow, default)]
        s: OneString<'a>,
    }

    type Fields = (Option<i64>, Option<bool>, Option<Result<UtcMs, String>>, Option<String>);

    fn t(json: &str) -> Result<Fields, String> {
        let v: T<'_> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Ok((v.n, v.b, v.t.map(|t| t.to_utc()), v.s.as_deref().map(str::to_string)))
    }

    #[test]
    fn lenient_fields() {
        assert_eq!(t(r#"{"n": "50140", "b": "false"}"#).unwrap().0, Some(50140));
        assert_eq!(t(r#"{"n": 7, "b": "True"}"#).unwrap().1, Some(true));
        assert_eq!(t(r#"{"n": null, "s": ["", "acme"]}"#).unwrap().3.as_deref(), Some("acme"));
        assert_eq!(t(r#"{"s": []}"#).unwrap().3, None);
        assert_eq!(t(r#"{"s": 163237012}"#).unwrap().3.as_deref(), Some("163237012"));
        assert!(t(r#"{"n": "x"}"#).is_err());
        assert!(t(r#"{"s": {"a": 1}}"#).is_err());
        let ms = UtcMs(1_711_431_195_806);
        assert_eq!(t(r#"{"t": 1711431195806}"#).unwrap().2, Some(Ok(ms)));
        assert_eq!(t(r#"{"t": "1711431195806.000000"}"#).unwrap().2, Some(Ok(ms)));
        assert_eq!(t(r#"{"t": 1711431195.806}"#).unwrap().2, Some(Ok(ms)));
        assert_eq!(t(r#"{"t": "2024-03-26T05:33:15.806Z"}"#).unwrap().2, Some(Ok(ms)));
        assert!(matches!(t(r#"{"t": "yesterday"}"#).unwrap().2, Some(Err(_))));
        assert!(matches!(t(r#"{"t": -5}"#).unwrap().2, Some(Err(_))));
        assert!(is_placeholder_id("00000000-0000-0000-0000-000000000000"));
        assert!(!is_placeholder_id("0231f922-93fa-4005-bb11-b344eca03c01"));
    }
}

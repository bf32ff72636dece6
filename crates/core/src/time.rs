//! Instants as milliseconds since the Unix epoch, in UTC.
//!
//! Every event carries one `UtcMs`: eight bytes, `Copy`, totally ordered, cheap to
//! subtract. Parsing takes a fast path for the shapes vendor logs actually use
//! (`2025-07-21T14:48:24.597Z`, with or without fraction, `Z` or `±hh:mm`) and falls back
//! to jiff for everything else RFC 3339 allows, so the hot path of a sign-in reader does
//! not pay for a general parser.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UtcMs(pub i64);

pub const MS_PER_SECOND: i64 = 1_000;
pub const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 time with an offset: {0}")]
pub struct TimeError(String);

impl UtcMs {
    pub fn from_secs(secs: i64) -> Self {
        UtcMs(secs.saturating_mul(MS_PER_SECOND))
    }

    /// Days since the epoch (UTC calendar day), for per-day bucketing.
    pub fn day(self) -> i64 {
        self.0.div_euclid(MS_PER_DAY)
    }

    pub fn as_secs(self) -> i64 {
        self.0.div_euclid(MS_PER_SECOND)
    }

    /// Hours between two instants, as a float (positive when `later` is later).
    pub fn hours_until(self, later: UtcMs) -> f64 {
        (later.0 - self.0) as f64 / MS_PER_HOUR as f64
    }

    /// Parses RFC 3339 (`2025-03-04T09:15:00Z`, `2025-03-04T09:15:00.1234567+02:00`). A
    /// space may replace the `T`. Times without an offset are rejected: guessing a zone
    /// would move evidence by hours.
    pub fn parse(s: &str) -> Result<UtcMs, TimeError> {
        let s = s.trim();
        if let Some(ms) = fast_parse(s.as_bytes()) {
            return Ok(UtcMs(ms));
        }
        let normalised;
        let candidate = if s.len() > 10 && s.as_bytes()[10] == b' ' {
            normalised = format!("{}T{}", &s[..10], &s[11..]);
            normalised.as_str()
        } else {
            s
        };
        candidate.parse::<jiff::Timestamp>().map(|t| UtcMs(t.as_millisecond())).map_err(|_| TimeError(truncate(s, 64)))
    }

    /// Parses RFC 3339 and also returns the UTC offset the text recorded, in minutes
    /// (`Z` and `+00:00` are 0).
    pub fn parse_with_offset(s: &str) -> Result<(UtcMs, i16), TimeError> {
        let t = UtcMs::parse(s)?;
        let s = s.trim();
        let b = s.as_bytes();
        let offset = if s.ends_with(['Z', 'z']) {
            0
        } else if b.len() >= 6 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':' {
            let h = num(&b[b.len() - 5..b.len() - 3]).ok_or_else(|| TimeError(truncate(s, 64)))?;
            let m = num(&b[b.len() - 2..]).ok_or_else(|| TimeError(truncate(s, 64)))?;
            let v = (h * 60 + m) as i16;
            if b[b.len() - 6] == b'-' { -v } else { v }
        } else {
            return Err(TimeError(truncate(s, 64)));
        };
        Ok((t, offset))
    }

    /// Parses a calendar date `YYYY-MM-DD` as midnight UTC.
    pub fn parse_date(s: &str) -> Result<UtcMs, TimeError> {
        let b = s.trim().as_bytes();
        if b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && let (Some(y), Some(m), Some(d)) = (num(&b[0..4]), num(&b[5..7]), num(&b[8..10]))
            && (1..=12).contains(&m)
            && d >= 1
            && d <= days_in_month(y, m)
        {
            return Ok(UtcMs(days_from_civil(y, m, d) * MS_PER_DAY));
        }
        Err(TimeError(truncate(s, 64)))
    }

    /// As a jiff timestamp, clamped to jiff's range (years -9999 to 9999): a date past it
    /// (`9999-12-31`, HR's "no end date") stays at the far end, never the epoch.
    pub fn to_jiff(self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.0).unwrap_or(if self.0 < 0 {
            jiff::Timestamp::MIN
        } else {
            jiff::Timestamp::MAX
        })
    }

    /// RFC 3339 in UTC with a `Z`, seconds precision unless milliseconds are set. Written
    /// from the civil date directly, so every value the parsers accept (years 0000 to
    /// 9999) prints as it was read.
    pub fn to_rfc3339(self) -> String {
        self.rfc3339(false)
    }

    /// [`UtcMs::to_rfc3339`] always with milliseconds: fixed width, so that text order is
    /// time order (the service's tables compare these strings in SQL).
    pub fn to_stamp(self) -> String {
        self.rfc3339(true)
    }

    fn rfc3339(self, always_ms: bool) -> String {
        let (y, mo, d) = civil_from_days(self.0.div_euclid(MS_PER_DAY));
        let ms = self.0.rem_euclid(MS_PER_DAY);
        let (h, mi, sec, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        if milli == 0 && !always_ms {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}Z")
        } else {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{milli:03}Z")
        }
    }

    /// Calendar date `YYYY-MM-DD` (UTC).
    pub fn date_string(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(MS_PER_DAY));
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (the inverse of
/// [`days_from_civil`], Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl fmt::Display for UtcMs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for UtcMs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for UtcMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        UtcMs::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn num(b: &[u8]) -> Option<i64> {
    let mut v = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}](Z|±HH:MM)`; `None` sends the caller to the full
/// parser (which also rejects what neither accepts).
fn fast_parse(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let y = num(&b[0..4])?;
    let mo = num(&b[5..7])?;
    let d = num(&b[8..10])?;
    let h = num(&b[11..13])?;
    let mi = num(&b[14..16])?;
    let s = num(&b[17..19])?;
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 3 {
                ms = ms * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        for _ in digits..3 {
            ms *= 10;
        }
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(&b[i + 1..i + 3])?;
            let om = num(&b[i + 4..i + 6])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let v = oh * 60 + om;
            if *sign == b'-' { -v } else { v }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_min * 60;
    Some(secs * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// HR exports write `9999-12-31` for "no end date": it prints as read, not as 1970.
    #[test]
    fn the_far_ends_of_the_calendar_print_as_read() {
        for d in ["9999-12-31", "0000-01-01", "1970-01-01", "2000-02-29", "1900-03-01"] {
            let t = UtcMs::parse_date(d).unwrap();
            assert_eq!(t.date_string(), d);
            assert_eq!(t.to_rfc3339(), format!("{d}T00:00:00Z"));
        }
        let late = UtcMs::parse("9999-12-31T23:59:59.999Z").unwrap();
        assert_eq!(late.to_rfc3339(), "9999-12-31T23:59:59.999Z");
        assert_eq!(late.to_jiff(), jiff::Timestamp::MAX, "clamped, not the epoch");
    }

    proptest! {
        /// The civil formatting agrees with jiff wherever jiff reaches.
        #[test]
        fn civil_formatting_agrees_with_jiff(ms in -62_000_000_000_000i64..253_000_000_000_000) {
            let t = UtcMs(ms);
            let j = jiff::Timestamp::from_millisecond(ms).unwrap();
            let want = if ms.rem_euclid(1000) == 0 {
                j.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
            } else {
                j.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            };
            prop_assert_eq!(t.to_rfc3339(), want);
            prop_assert_eq!(t.date_string(), j.strftime("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn parses_vendor_shapes() {
        let okta = UtcMs::parse("2025-07-21T14:48:24.597Z").unwrap();
        assert_eq!(okta.0, 1_753_109_304_597);
        let entra = UtcMs::parse("2025-08-15T15:20:26.1234567+02:00").unwrap();
        assert_eq!(entra.0, UtcMs::parse("2025-08-15T13:20:26.123Z").unwrap().0);
        assert_eq!(UtcMs::parse("2025-03-04 09:15:00Z").unwrap(), UtcMs::parse("2025-03-04T09:15:00Z").unwrap());
        assert!(UtcMs::parse("2025-03-04T09:15:00").is_err(), "no offset, no guess");
        assert!(UtcMs::parse("2025-02-30T09:15:00Z").is_err());
        assert!(UtcMs::parse("garbage").is_err());
        assert_eq!(UtcMs::parse_with_offset("2025-03-04T09:15:00+08:00").unwrap().1, 480);
        assert_eq!(UtcMs::parse_with_offset("2025-03-04T09:15:00-05:30").unwrap().1, -330);
        assert_eq!(UtcMs::parse_with_offset("2025-03-04T09:15:00Z").unwrap().1, 0);
    }

    #[test]
    fn formats_round_trip() {
        let t = UtcMs::parse("2025-03-04T09:15:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-03-04T09:15:00Z");
        let t = UtcMs::parse("2025-03-04T09:15:00.250Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-03-04T09:15:00.250Z");
        // Stamps keep the milliseconds even when they are zero, so they sort as text.
        let whole = UtcMs::parse("2025-03-04T09:15:00Z").unwrap();
        assert_eq!(whole.to_stamp(), "2025-03-04T09:15:00.000Z");
        assert!(whole.to_stamp() < t.to_stamp());
        assert_eq!(UtcMs::parse_date("2024-02-29").unwrap().date_string(), "2024-02-29");
        assert!(UtcMs::parse_date("2023-02-29").is_err());
    }

    proptest! {
        #[test]
        fn fast_path_agrees_with_jiff(secs in 0i64..4_000_000_000, ms in 0i64..1000, off in -14i64*60..14*60) {
            let t = jiff::Timestamp::from_millisecond(secs * 1000 + ms).unwrap();
            let off = jiff::tz::Offset::from_seconds((off * 60) as i32).unwrap();
            let s = t.to_zoned(jiff::tz::TimeZone::fixed(off)).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
            prop_assert_eq!(UtcMs::parse(&s).unwrap().0, secs * 1000 + ms);
        }

        #[test]
        fn never_panics(s in ".{0,40}") {
            let _ = UtcMs::parse(&s);
            let _ = UtcMs::parse_date(&s);
        }
    }
}

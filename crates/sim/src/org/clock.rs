//! Days and local times of the simulation. Day 0 is Monday 2 June 2025; local times are
//! turned into UTC through the IANA zone, with each zone's midnights computed once.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

pub const START: Date = jiff::civil::date(2025, 6, 2);
pub const HOUR: i64 = 3_600_000;
/// Day 0 at 00:00 UTC, in ms since the epoch.
pub const START_MS: i64 = 1_748_822_400_000;
pub const DAY: i64 = 24 * HOUR;

pub fn date(day: i64) -> Date {
    START.checked_add(jiff::Span::new().days(day)).unwrap_or(START)
}

/// UTC ms of 00:00 UTC on `day`.
pub fn day_ms(day: i64) -> i64 {
    START_MS + day * DAY
}

/// `YYYY-MM-DD` of a day relative to the start.
pub fn ymd(day: i64) -> String {
    date(day).to_string()
}

pub fn is_weekday(day: i64) -> bool {
    day.rem_euclid(7) < 5
}

/// RFC 3339 in UTC, seconds.
pub fn utc(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// RFC 3339 with a recorded UTC offset in minutes.
pub fn with_offset(ms: i64, offset_min: i32) -> String {
    let local = ms + i64::from(offset_min) * 60_000;
    let t = jiff::Timestamp::from_millisecond(local).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("{}{sign}{:02}:{:02}", t.strftime("%Y-%m-%dT%H:%M:%S"), a / 60, a % 60)
}

/// Local midnights (as UTC ms) and UTC offsets per zone and day, cached.
#[derive(Default)]
pub struct Zones {
    cache: HashMap<&'static str, Vec<(i64, i32)>>,
    days: i64,
}

impl Zones {
    pub fn new(days: i64) -> Zones {
        Zones { cache: HashMap::new(), days: days + 2 }
    }

    fn table(&mut self, tz: &'static str) -> &Vec<(i64, i32)> {
        let days = self.days;
        self.cache.entry(tz).or_insert_with(|| {
            let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
            (-1..days)
                .map(|d| {
                    let dt = date(d).at(0, 0, 0, 0);
                    let z = zone.to_ambiguous_zoned(dt).compatible().ok();
                    let ms = z.as_ref().map(|z| z.timestamp().as_millisecond()).unwrap_or(d * DAY);
                    let off = z.map(|z| z.offset().seconds() / 60).unwrap_or(0);
                    (ms, off)
                })
                .collect()
        })
    }

    fn entry(&mut self, tz: &'static str, day: i64) -> (i64, i32) {
        let t = self.table(tz);
        let i = (day + 1).clamp(0, t.len() as i64 - 1) as usize;
        t.get(i).copied().unwrap_or((day * DAY, 0))
    }

    /// UTC ms of `hours` (may exceed 24) after local midnight of `day` in `tz`.
    pub fn at(&mut self, tz: &'static str, day: i64, hours: f64) -> i64 {
        self.entry(tz, day).0 + (hours * HOUR as f64) as i64
    }

    /// The zone's UTC offset in minutes on `day`.
    pub fn offset(&mut self, tz: &'static str, day: i64) -> i32 {
        self.entry(tz, day).1
    }
}

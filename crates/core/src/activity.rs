//! What a subject's timestamps say about when (and so where) they work.
//!
//! Built by the time detectors from every timestamped event of a subject, carried to the
//! report (`subjects[].activity`) and the HTML clock. Offsets are minutes east of UTC.

use serde::Serialize;

/// A subject's activity rhythm and the working time zone it implies.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ActivitySummary {
    /// Human activity events counted (sign-ins, commits, chat, meetings).
    pub events: u64,
    /// The working UTC offset inferred from UTC times alone.
    pub inferred_utc_offset_minutes: Option<i32>,
    /// 0..1: how much to believe the inference (amount of data, clarity of the daily
    /// quiet period, agreement of the rhythm's landmarks).
    pub confidence: f64,
    /// The claimed home zone's offset at the time of the activity (the most common one
    /// when daylight saving time changes it during the period).
    pub claimed_utc_offset_minutes: Option<i32>,
    /// The claimed IANA zone, when known.
    pub claimed_zone: Option<String>,
    /// Activity per UTC hour (24 bins).
    pub utc_hours: Vec<u32>,
    /// Activity per hour of the claimed local time (24 bins; DST applied per event).
    pub local_hours: Vec<u32>,
    /// UTC offsets that commits recorded, with counts, most common first.
    pub recorded_offsets: Vec<(i32, u32)>,
    /// Periods whose rhythm fits a different zone, oldest first: (first day, last day,
    /// inferred offset), as `YYYY-MM-DD` strings.
    pub periods: Vec<(String, String, i32)>,
    /// Commits left out of the rhythm because someone else committed them at the second
    /// of their author time (a squash or merge in a forge's web interface): their time
    /// is when the committer acted, not an hour this subject worked.
    #[serde(skip_serializing_if = "is_zero")]
    pub commits_timed_by_committer: u32,
}

/// For `skip_serializing_if`: leaves a zero count or an empty value out of the JSON
/// (optional fields stay absent rather than `0`).
pub fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

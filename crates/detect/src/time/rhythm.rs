//! Inferring a working UTC offset from UTC times alone.
//!
//! People sleep. Whatever their job, a person's activity over the 24 hours of the UTC day
//! has a quiet period, and where that quiet period falls in UTC says where on Earth the
//! person's night is. The fit uses three landmarks of the daily rhythm, each measured on
//! a circular histogram of *active periods* (30-minute slots with any activity, so a burst
//! of fifty commits counts once):
//!
//! - the middle of the quietest stretch of `quiet_hours` (the night),
//! - the time by which 5% of the day's activity has happened, counting from the night
//!   (the start of the day),
//! - the time by which 90% has happened (the end of the evening).
//!
//! Each landmark, set against the local time at which people typically reach it, implies
//! an offset; the estimate is their circular mean, rounded to 15 minutes. The typical
//! local times are population constants (configuration; the defaults were measured once
//! on 40,000 public commits pooled across seven projects, not per project or per
//! person). A short active day (at most `office_span_hours` between the 5% and the 90%
//! landmarks) is an office day, whose night is everything outside working hours; its
//! start and end are set against office constants instead. Confidence multiplies three
//! terms: enough data, a clear quiet period, and landmarks that agree with each other.
//!
//! What this cannot do: tell a night-shift worker from someone twelve hours away, or a
//! night owl from someone two hours east. Chronotypes differ by a couple of hours between
//! people, so the estimate is good to about ±2 h for most people; flags therefore require
//! a much larger difference (6 h by default) and a confident fit.

use serde::{Deserialize, Serialize};

/// Population constants of the daily rhythm, and the confidence model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RhythmConfig {
    /// Length of the daily quiet period the fit looks for, in hours.
    pub quiet_hours: f64,
    /// Typical local time (hours) of the middle of the quiet period.
    pub quiet_mid_local: f64,
    /// Typical local time by which 5% of a day's activity has happened.
    pub early_local: f64,
    /// Typical local time by which 90% of a day's activity has happened.
    pub late_local: f64,
    /// A day whose 5% and 90% landmarks are at most this many hours apart is an office
    /// day, fitted with the two office constants below.
    pub office_span_hours: f64,
    /// Typical local start (5% landmark) and end (90% landmark) of an office day.
    pub office_start_local: f64,
    pub office_end_local: f64,
    /// Active 30-minute slots at which the data-volume term of the confidence reaches
    /// 63% (it is 1 − e^(−slots/this)).
    pub slots_scale: f64,
    /// Share of activity inside the quiet period at which the clarity term reaches zero
    /// (a flat, always-on rhythm has no night to find).
    pub max_quiet_share: f64,
}

impl Default for RhythmConfig {
    fn default() -> Self {
        RhythmConfig {
            quiet_hours: 5.0,
            quiet_mid_local: 4.75,
            early_local: 9.5,
            late_local: 22.5,
            office_span_hours: 10.0,
            office_start_local: 8.75,
            office_end_local: 17.5,
            slots_scale: 30.0,
            max_quiet_share: 0.2,
        }
    }
}

/// The result of a fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Minutes east of UTC, in (−720, 720].
    pub offset_minutes: i32,
    pub confidence: f64,
    /// Share of activity in the quiet period (6 h around its middle).
    pub quiet_share: f64,
    /// 0..1 agreement of the three landmarks.
    pub agreement: f64,
    /// Active slots the fit saw.
    pub slots: u64,
    /// The middle of the quiet period in UTC hours.
    pub quiet_mid_utc: f64,
}

fn smooth(h: &[u32], k: isize) -> Vec<u64> {
    let n = h.len() as isize;
    (0..n).map(|i| (-k..=k).map(|j| u64::from(h[((i + j).rem_euclid(n)) as usize])).sum()).collect()
}

/// Middle (in bins, fractional) of the longest run of windows of `w` bins whose total is
/// within a small tolerance of the minimum: the centre of the quiet period even when
/// the night is longer than the window.
fn quiet_middle(h: &[u64], w: usize) -> f64 {
    let n = h.len();
    // Sliding circular window sums: O(n) rather than O(n·w).
    let mut totals = Vec::with_capacity(n);
    let mut acc: u64 = (0..w).map(|i| h[i % n]).sum();
    for s in 0..n {
        totals.push(acc);
        acc = acc + h[(s + w) % n] - h[s];
    }
    let min = totals.iter().copied().min().unwrap_or(0);
    let sum: u64 = h.iter().sum();
    let tol = ((sum as f64) * 0.02).max(1.0) as u64;
    let good: Vec<bool> = totals.iter().map(|t| *t <= min + tol).collect();
    let (mut best_len, mut best_start) = (0usize, 0usize);
    for s in 0..n {
        if good[s] && !good[(s + n - 1) % n] {
            let mut l = 0;
            while l < n && good[(s + l) % n] {
                l += 1;
            }
            if l > best_len {
                best_len = l;
                best_start = s;
            }
        }
    }
    if best_len == 0 {
        // Every window is equally quiet: no structure to find.
        best_len = n;
    }
    (best_start as f64 + (best_len as f64 - 1.0) / 2.0 + w as f64 / 2.0).rem_euclid(n as f64)
}

/// The bin (fractional hours) by which `p` of the activity has happened, counting from
/// `start` bin.
fn quantile_from(h: &[u32], start: usize, p: f64) -> f64 {
    let n = h.len();
    let total: u64 = h.iter().map(|&x| u64::from(x)).sum();
    let mut acc = 0u64;
    for i in 0..n {
        acc += u64::from(h[(start + i) % n]);
        if acc as f64 >= p * total as f64 {
            return ((start + i) % n) as f64 * 24.0 / n as f64;
        }
    }
    start as f64 * 24.0 / n as f64
}

/// Fits an offset to a circular histogram of active slots over the UTC day (any number
/// of bins dividing the day evenly; 96 = 15 minutes). `None` when it is empty.
pub fn fit(hist: &[u32], cfg: &RhythmConfig) -> Option<Fit> {
    let n = hist.len();
    let slots: u64 = hist.iter().map(|&x| u64::from(x)).sum();
    if n < 24 || slots == 0 {
        return None;
    }
    let per_hour = n as f64 / 24.0;
    let smoothed = smooth(hist, (per_hour / 2.0).round() as isize);
    let w = ((cfg.quiet_hours * per_hour).round() as usize).clamp(1, n - 1);
    let mid_bin = quiet_middle(&smoothed, w);
    let mid_utc = mid_bin / per_hour;
    let start = mid_bin.floor() as usize % n;
    let early_utc = quantile_from(hist, start, 0.05);
    let late_utc = quantile_from(hist, start, 0.90);
    // Each landmark implies local − utc; average them on the circle.
    let span = (late_utc - early_utc).rem_euclid(24.0);
    let implied: Vec<f64> = if span <= cfg.office_span_hours {
        vec![cfg.office_start_local - early_utc, cfg.office_end_local - late_utc]
    } else {
        vec![cfg.quiet_mid_local - mid_utc, cfg.early_local - early_utc, cfg.late_local - late_utc]
    };
    let (mean, agreement) = mean_hour(implied.iter().copied())?;
    let agreement = agreement.clamp(0.0, 1.0);
    let hours = if mean > 12.0 { mean - 24.0 } else { mean };
    let offset_minutes = ((hours * 4.0).round() as i32) * 15;
    let offset_minutes = if offset_minutes <= -720 { offset_minutes + 1440 } else { offset_minutes };
    // Activity inside the 6 hours around the quiet middle.
    let half = (3.0 * per_hour).round() as isize;
    let centre = mid_bin.round() as isize;
    let quiet: u64 = (-half..half).map(|i| u64::from(hist[((centre + i).rem_euclid(n as isize)) as usize])).sum();
    let quiet_share = quiet as f64 / slots as f64;
    let volume = 1.0 - (-(slots as f64) / cfg.slots_scale.max(1.0)).exp();
    let clarity = (1.0 - quiet_share / cfg.max_quiet_share.max(1e-6)).clamp(0.0, 1.0);
    Some(Fit {
        offset_minutes,
        confidence: volume * clarity * agreement,
        quiet_share,
        agreement,
        slots,
        quiet_mid_utc: mid_utc,
    })
}

/// The circular mean of clock hours (any real number of hours, read modulo 24) as an
/// hour in `0..24`, and how concentrated they are (0: spread evenly, so the mean says
/// nothing; 1: all at one hour). `None` for no hours.
pub fn mean_hour(hours: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut x, mut y, mut n) = (0.0, 0.0, 0usize);
    for h in hours {
        let a = h / 24.0 * std::f64::consts::TAU;
        x += a.cos();
        y += a.sin();
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let mean = y.atan2(x).rem_euclid(std::f64::consts::TAU) / std::f64::consts::TAU * 24.0;
    Some((mean, x.hypot(y) / n as f64))
}

/// Hours between two clock times, the short way round the day.
pub fn hours_apart(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(24.0);
    d.min(24.0 - d)
}

/// The shorter way round the day between two offsets, in minutes.
pub fn offset_distance(a: i32, b: i32) -> i32 {
    let d = (a - b).rem_euclid(1440);
    d.min(1440 - d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_apart_goes_the_short_way_round() {
        assert!((hours_apart(23.0, 1.0) - 2.0).abs() < 1e-9);
        assert!((hours_apart(14.5, 2.5) - 12.0).abs() < 1e-9);
        assert!((hours_apart(-1.0, 1.0) - 2.0).abs() < 1e-9, "negative hours read modulo 24");
    }

    #[test]
    fn mean_hour_wraps_midnight_and_says_how_concentrated() {
        let (m, r) = mean_hour([23.0, 1.0]).unwrap_or_default();
        assert!(hours_apart(m, 0.0) < 1e-9 && r > 0.9, "{m} {r}");
        let (_, r) = mean_hour([0.0, 12.0]).unwrap_or_default();
        assert!(r < 1e-9, "opposite hours cancel: {r}");
        assert!(mean_hour([]).is_none());
    }

    /// A synthetic person: active `per_day` 30-minute slots a day between local hours
    /// `from` and `to` (wrapping past midnight), for `days` days, at `offset` minutes.
    fn person(offset_minutes: i32, from: f64, to: f64, days: u32) -> [u32; 96] {
        let mut h = [0u32; 96];
        let len = (to - from).rem_euclid(24.0);
        for d in 0..days {
            // Spread the slots over the working block, shifting a little each day.
            let mut t = from + (d % 3) as f64 * 0.25;
            while t < from + len {
                let utc = (t - offset_minutes as f64 / 60.0).rem_euclid(24.0);
                h[(utc * 4.0) as usize % 96] += 1;
                t += 0.5;
            }
        }
        h
    }

    #[test]
    fn office_hours_anywhere() {
        let cfg = RhythmConfig::default();
        for offset in [-480, -300, 0, 60, 330, 480, 540, 600] {
            // 09:00 to 18:00 with an evening session 20:00 to 23:00.
            let mut h = person(offset, 9.0, 18.0, 40);
            let evening = person(offset, 20.0, 23.0, 20);
            for (a, b) in h.iter_mut().zip(evening) {
                *a += b;
            }
            let f = fit(&h, &cfg).unwrap();
            assert!(offset_distance(f.offset_minutes, offset) <= 60, "offset {offset}: fitted {f:?}");
            assert!(f.confidence > 0.7, "{f:?}");
        }
    }

    #[test]
    fn sparse_data_is_not_confident() {
        let cfg = RhythmConfig::default();
        let mut h = [0u32; 96];
        h[40] = 1;
        h[60] = 1;
        h[70] = 1;
        let f = fit(&h, &cfg).unwrap();
        assert!(f.confidence < 0.2, "{f:?}");
        assert!(fit(&[0u32; 96], &cfg).is_none());
    }

    #[test]
    fn an_always_on_machine_has_no_night() {
        let cfg = RhythmConfig::default();
        let f = fit(&[5u32; 96], &cfg).unwrap();
        assert!(f.confidence < 0.05, "{f:?}");
    }

    #[test]
    fn distances_wrap() {
        assert_eq!(offset_distance(-300, 480), 660);
        assert_eq!(offset_distance(-660, 660), 120);
        assert_eq!(offset_distance(540, 540), 0);
    }
}

//! Work behaviour and time (F1, F4, F5): when people work says where they are.
//!
//! One pass builds a bounded activity profile per subject from every timestamped event
//! (sign-ins, sessions, commits, chat and meetings): active 30-minute slots over the UTC
//! day, the same over the claimed home's local day (daylight saving applied per event
//! through the IANA zone), the same per week (to see a relocation or an account changing
//! hands), and the offsets commits recorded. At the end [`rhythm::fit`] infers each subject's working offset from the UTC
//! histogram alone and the findings follow:
//!
//! - F1: the rhythm fits a zone at least `min_shift_hours` from the claimed one with
//!   enough confidence; or a recent period does (relocation, hand-over); or a large share
//!   of activity falls between 00:00 and 06:00 claimed local time; or commits record a
//!   UTC offset that neither the claim nor the rhythm explains. Declared shift work
//!   (role keywords) explains night activity.
//! - F5: commits tied to a subject through the committer but authored under an identity
//!   never seen for that subject.
//! - F4: camera off in most meetings, or screen-share sessions longer than 8 hours.
//!
//! Memory per subject is fixed: about 1.5 kB whatever the number of events.

pub mod clocks;
pub mod rhythm;

use std::collections::BTreeMap;
use std::sync::Arc;

use bonafide_core::time::MS_PER_DAY;
use bonafide_core::{Action, ActivitySummary, Detail, Event, Evidence, Finding, Outcome, SubjectIdx, UtcMs};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::evidence::Sample;
use crate::network::PerSubject;
use crate::{Context, Findings};
use rhythm::{Fit, RhythmConfig, fit, offset_distance};

/// `[detect.f1]`: working hours that fit another zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct F1Config {
    /// Difference between the inferred and the claimed offset that fires F1, hours.
    pub min_shift_hours: f64,
    /// Confidence of the fit required.
    pub min_confidence: f64,
    /// Active 30-minute slots required before anything is judged.
    pub min_slots: u64,
    /// Share of activity between 00:00 and 06:00 claimed local time that fires F1.
    pub max_night_share: f64,
    /// Roles whose declared schedule explains night work (matched case-insensitively as
    /// words or phrases in the role and department).
    pub shift_work_roles: Vec<String>,
    /// Commits whose recorded offset differs from both the claim and the rhythm by at
    /// least this many hours count as a clock mismatch.
    pub clock_mismatch_hours: f64,
    /// Share of a subject's commits (at least `min_commits`) that must mismatch.
    pub clock_mismatch_share: f64,
    pub min_commits: u32,
    /// Recorded offsets never counted as a mismatch: UTC is what CI, web editors and
    /// containers record whatever the author's zone.
    pub neutral_recorded_offsets_minutes: Vec<i32>,
    /// Committer addresses of forges' web interfaces (lower case). A commit such an
    /// identity committed at the second of its author time was squashed or merged by
    /// whoever clicked, so its time is left out of the author's rhythm; so is one that
    /// another declared person committed at that second. Other committers are the
    /// author's own tools and count.
    pub forge_committers: Vec<String>,
    /// A rhythm with more than this share of its activity in its busiest two hours is a
    /// machine's (scheduled jobs, automated commits), not a person's working day: the
    /// rhythm clauses of F1 do not judge it.
    pub max_peak_share: f64,
    /// Consecutive weeks a rhythm must hold to count as a period (a change of zone needs
    /// two such periods).
    pub min_period_weeks: u32,
    /// Active 30-minute slots a week needs to have its own fit.
    pub min_period_slots: u64,
    /// Confidence a period's fit needs.
    pub min_period_confidence: f64,
}

impl Default for F1Config {
    fn default() -> Self {
        F1Config {
            min_shift_hours: 6.0,
            min_confidence: 0.5,
            min_slots: 30,
            max_night_share: 0.25,
            shift_work_roles: ["night", "overnight", "on-call", "on call", "shift", "24/7", "noc", "graveyard"]
                .into_iter()
                .map(String::from)
                .collect(),
            clock_mismatch_hours: 3.0,
            clock_mismatch_share: 0.8,
            min_commits: 10,
            neutral_recorded_offsets_minutes: vec![0],
            forge_committers: vec!["noreply@github.com".into()],
            max_peak_share: 0.4,
            min_period_weeks: 2,
            min_period_slots: 12,
            min_period_confidence: 0.5,
        }
    }
}

/// `[detect.f4]`: camera off, endless screen shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct F4Config {
    /// Meetings needed before the camera-off share is judged.
    pub min_meetings: u32,
    /// Share of meetings with the camera off that fires F4.
    pub camera_off_share: f64,
    /// A screen-share session at least this long fires F4, hours.
    pub screen_share_hours: f64,
    /// Activity kinds that are meetings, and that are screen shares (case-insensitive
    /// substrings of the `kind` column).
    pub meeting_kinds: Vec<String>,
    pub screen_share_kinds: Vec<String>,
}

impl Default for F4Config {
    fn default() -> Self {
        F4Config {
            min_meetings: 8,
            camera_off_share: 0.9,
            screen_share_hours: 8.0,
            meeting_kinds: vec!["meeting".into(), "call".into()],
            screen_share_kinds: vec!["screen".into()],
        }
    }
}

/// Weekly rhythms: the robust estimate is the consensus of the weeks (a week abroad is
/// an outlier, not a new home), and runs of weeks show a change of zone.
const PERIOD_DAYS: i64 = 7;
const PERIODS: usize = 26;
const PERIOD_BINS: usize = 24;

#[derive(Debug)]
struct Period {
    index: i64,
    hist: [u16; PERIOD_BINS],
    slots: u32,
}

#[derive(Debug, Default)]
struct Profile {
    zone: Option<Option<TimeZone>>,
    utc: Vec<u32>,
    local: Vec<u32>,
    events: u64,
    slots: u64,
    last_slot: i64,
    periods: Vec<Period>,
    recorded: Vec<(i16, u32)>,
    commits_with_offset: u32,
    commits_off_claim: u32,
    /// Commits whose time is a committer's action, left out of the rhythm.
    timed_by_committer: u32,
    claimed_offsets: Vec<(i32, u32)>,
    night: Sample,
    /// Some of the activity itself, so every finding points back to records.
    sample: Sample,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
    // F4
    meetings: u32,
    camera_off: u32,
    long_shares: u32,
    f4_sample: Sample,
    // F5
    foreign_commits: u32,
    foreign_authors: Vec<Arc<str>>,
    f5_sample: Sample,
}

impl Profile {
    fn new() -> Profile {
        Profile { utc: vec![0; 96], local: vec![0; 24], last_slot: i64::MIN, ..Default::default() }
    }
}

fn bump<T: PartialEq>(v: &mut Vec<(T, u32)>, k: T) {
    if let Some(e) = v.iter_mut().find(|(x, _)| *x == k) {
        e.1 += 1;
    } else if v.len() < 16 {
        v.push((k, 1));
    }
}

pub(crate) fn offset_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.abs();
    if m % 60 == 0 { format!("UTC{sign}{}", m / 60) } else { format!("UTC{sign}{}:{:02}", m / 60, m % 60) }
}

pub(crate) fn date(day: i64) -> String {
    UtcMs(day * MS_PER_DAY).date_string()
}

/// Human activity: what a person did, not what a machine or a failed attacker did.
fn is_human(e: &Event) -> bool {
    !matches!(e.outcome, Outcome::Failure)
        && match e.action {
            Action::Work => true,
            Action::SignIn | Action::Authenticate | Action::Access => e.interactive,
            _ => false,
        }
}

fn matches_any(text: &str, needles: &[String]) -> bool {
    let t = text.to_lowercase();
    needles.iter().any(|n| {
        let n = n.to_lowercase();
        t.match_indices(&n).any(|(i, _)| {
            let before = t[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = t[i + n.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
    })
}

/// The time family: one profile per subject feeding F1, F4 and F5.
#[derive(Debug, Default)]
pub struct TimeDetectors {
    profiles: PerSubject<Profile>,
    summaries: Vec<Option<ActivitySummary>>,
}

impl TimeDetectors {
    /// The indicators the time family raises (as [`crate::Detector::indicators`]).
    pub const INDICATORS: &'static [&'static str] = &["F1", "F4", "F5"];

    pub fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        let p = self.profiles.get_mut(subject);
        if p.utc.is_empty() {
            *p = Profile::new();
        }
        let zone = p
            .zone
            .get_or_insert_with(|| {
                cx.subject(subject).and_then(|s| s.timezone.as_deref()).and_then(|z| jiff::tz::db().get(z).ok())
            })
            .clone();
        let day = e.at.day();
        if let Detail::Activity(a) = &e.detail {
            let kind = a.kind.as_deref().unwrap_or("");
            let cfg = &cx.config.f4;
            if cfg.meeting_kinds.iter().any(|k| kind.to_lowercase().contains(&k.to_lowercase())) {
                p.meetings += 1;
                if a.camera_on == Some(false) {
                    p.camera_off += 1;
                }
            }
            let long = a.duration_seconds.is_some_and(|d| f64::from(d) >= cfg.screen_share_hours * 3600.0);
            if long && cfg.screen_share_kinds.iter().any(|k| kind.to_lowercase().contains(&k.to_lowercase())) {
                p.long_shares += 1;
                p.f4_sample.add(e);
            }
        }
        let human = is_human(e);
        let timed_by_committer = matches!(&e.detail, Detail::Commit(c) if c.timed_by_committer);
        // The claimed home's offset at this event (DST applied), once: commits and the
        // events that count toward the rhythm are judged against it.
        let claimed = match (&zone, human || matches!(e.detail, Detail::Commit(_))) {
            (Some(z), true) => Some(z.to_offset(e.at.to_jiff()).seconds() / 60),
            _ => None,
        };
        if let Detail::Commit(c) = &e.detail {
            if c.attributed_via_committer {
                p.foreign_commits += 1;
                if !p.foreign_authors.contains(&e.actor.account) && p.foreign_authors.len() < 8 {
                    p.foreign_authors.push(e.actor.account.clone());
                }
                p.f5_sample.add(e);
            }
            if let Some(rec) = c.author_offset_minutes {
                bump(&mut p.recorded, rec);
                p.commits_with_offset += 1;
                if let Some(claimed) = claimed {
                    let neutral = cx.config.f1.neutral_recorded_offsets_minutes.contains(&i32::from(rec));
                    if !neutral
                        && f64::from(offset_distance(i32::from(rec), claimed))
                            >= cx.config.f1.clock_mismatch_hours * 60.0
                    {
                        p.commits_off_claim += 1;
                    }
                }
            }
        }
        if timed_by_committer {
            p.timed_by_committer = p.timed_by_committer.saturating_add(1);
        }
        // A commit timed by its committer is not the subject's hour, but the claim still
        // holds for it: the recorded-clock clause must see one even when every commit of
        // the subject is marked (the committer field is the author's to forge).
        if let Some(off) = claimed
            && (human || timed_by_committer)
        {
            bump(&mut p.claimed_offsets, off);
        }
        if !human || timed_by_committer {
            return;
        }
        p.events += 1;
        p.sample.add(e);
        p.first = Some(p.first.map_or(e.at, |f| f.min(e.at)));
        p.last = Some(p.last.map_or(e.at, |l| l.max(e.at)));
        if let Some(off) = claimed {
            let local_ms = e.at.0 + i64::from(off) * 60_000;
            let local_hour = (local_ms.rem_euclid(MS_PER_DAY) / 3_600_000) as usize;
            if local_hour < 6 {
                p.night.add(e);
            }
            // Local hours count slots too, below.
            let slot = e.at.0.div_euclid(1_800_000);
            if slot != p.last_slot {
                p.local[local_hour] += 1;
            }
        }
        let slot = e.at.0.div_euclid(1_800_000);
        if slot == p.last_slot {
            return;
        }
        p.last_slot = slot;
        p.slots += 1;
        let bin = (e.at.0.rem_euclid(MS_PER_DAY) / 900_000) as usize;
        p.utc[bin] += 1;
        let pidx = day.div_euclid(PERIOD_DAYS);
        let pos = match p.periods.iter().position(|x| x.index == pidx) {
            Some(i) => i,
            None => {
                p.periods.push(Period { index: pidx, hist: [0; PERIOD_BINS], slots: 0 });
                if p.periods.len() > PERIODS
                    && let Some((oldest, _)) = p.periods.iter().enumerate().min_by_key(|(_, x)| x.index)
                {
                    p.periods.swap_remove(oldest);
                }
                match p.periods.iter().position(|x| x.index == pidx) {
                    Some(i) => i,
                    None => return,
                }
            }
        };
        let per = &mut p.periods[pos];
        per.hist[bin / 4] = per.hist[bin / 4].saturating_add(1);
        per.slots += 1;
    }

    /// Per-subject summaries, available after [`conclude`](Self::conclude).
    pub fn take_summaries(&mut self) -> Vec<Option<ActivitySummary>> {
        std::mem::take(&mut self.summaries)
    }

    pub fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let rcfg = &cx.config.rhythm;
        let cfg = &cx.config.f1;
        self.summaries = vec![None; cx.subjects.len()];
        for (subject, p) in self.profiles.iter_mut() {
            let weeks = fit_weeks(p, rcfg, cfg);
            let overall = consensus(fit(&p.utc, rcfg), &weeks, rcfg);
            let claimed = p.claimed_offsets.iter().max_by_key(|(_, n)| *n).map(|(o, _)| *o);
            let periods = runs(&weeks, cfg);
            if p.events > 0 || p.timed_by_committer > 0 {
                let summary = summarise(cx, subject, p, overall.as_ref(), claimed, &periods);
                if let Some(slot) = self.summaries.get_mut(subject.index()) {
                    *slot = Some(summary);
                }
            }
            if let Some(f) = f1(cx, subject, p, overall.as_ref(), claimed, &periods) {
                out.push(f);
            }
            if let Some(f) = f4(cx, subject, p) {
                out.push(f);
            }
            if let Some(f) = f5(cx, subject, p) {
                out.push(f);
            }
        }
    }
}

/// A week's own fit.
struct WeekFit {
    index: i64,
    offset: i32,
    slots: u64,
    confidence: f64,
}

/// Fits of the weeks with enough data, in time order.
fn fit_weeks(p: &Profile, rcfg: &RhythmConfig, cfg: &F1Config) -> Vec<WeekFit> {
    let mut sorted: Vec<&Period> = p.periods.iter().collect();
    sorted.sort_by_key(|x| x.index);
    sorted
        .into_iter()
        .filter(|per| u64::from(per.slots) >= cfg.min_period_slots)
        .filter_map(|per| {
            let hist: Vec<u32> = per.hist.iter().map(|&x| u32::from(x)).collect();
            let f = fit(&hist, rcfg)?;
            (f.confidence >= cfg.min_period_confidence).then_some(WeekFit {
                index: per.index,
                offset: f.offset_minutes,
                slots: f.slots,
                confidence: f.confidence,
            })
        })
        .collect()
}

/// The whole-period fit, corrected by the weeks when there are enough of them: the
/// offset is the weeks' weighted medoid (the offset closest, in total, to all weeks), and
/// the confidence is discounted by the share of activity in weeks that disagree.
fn consensus(overall: Option<Fit>, weeks: &[WeekFit], rcfg: &RhythmConfig) -> Option<Fit> {
    let mut f = overall?;
    if weeks.len() < 3 {
        return Some(f);
    }
    let medoid = weeks
        .iter()
        .map(|c| {
            (
                c.offset,
                weeks.iter().map(|w| w.slots as f64 * f64::from(offset_distance(c.offset, w.offset))).sum::<f64>(),
            )
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(o, _)| o)
        .unwrap_or(f.offset_minutes);
    let total: f64 = weeks.iter().map(|w| w.slots as f64).sum();
    let agree: f64 = weeks.iter().filter(|w| offset_distance(w.offset, medoid) <= 120).map(|w| w.slots as f64).sum();
    let mean_conf: f64 = weeks.iter().map(|w| w.slots as f64 * w.confidence).sum::<f64>() / total.max(1.0);
    let volume = 1.0 - (-(f.slots as f64) / rcfg.slots_scale.max(1.0)).exp();
    f.offset_minutes = medoid;
    f.confidence = volume * mean_conf * (agree / total.max(1.0));
    Some(f)
}

/// Runs of consecutive weeks with similar offsets (at least `min_period_weeks` long), as
/// (first day, last day, offset).
fn runs(weeks: &[WeekFit], cfg: &F1Config) -> Vec<(i64, i64, i32)> {
    let mut runs: Vec<(i64, i64, i32, u32)> = Vec::new();
    for w in weeks {
        let (from, to) = (w.index * PERIOD_DAYS, w.index * PERIOD_DAYS + PERIOD_DAYS - 1);
        match runs.last_mut() {
            Some(last) if offset_distance(last.2, w.offset) <= 120 => {
                last.1 = to;
                last.3 += 1;
            }
            _ => runs.push((from, to, w.offset, 1)),
        }
    }
    runs.into_iter().filter(|r| r.3 >= cfg.min_period_weeks).map(|(a, b, o, _)| (a, b, o)).collect()
}

fn summarise(
    cx: &Context<'_>,
    subject: SubjectIdx,
    p: &Profile,
    overall: Option<&Fit>,
    claimed: Option<i32>,
    periods: &[(i64, i64, i32)],
) -> ActivitySummary {
    let utc_hours: Vec<u32> = p.utc.chunks(4).map(|c| c.iter().sum()).collect();
    let mut recorded: Vec<(i32, u32)> = p.recorded.iter().map(|(o, n)| (i32::from(*o), *n)).collect();
    recorded.sort_by_key(|r| std::cmp::Reverse(r.1));
    ActivitySummary {
        events: p.events,
        inferred_utc_offset_minutes: overall.map(|f| f.offset_minutes),
        confidence: overall.map(|f| (f.confidence * 100.0).round() / 100.0).unwrap_or(0.0),
        claimed_utc_offset_minutes: claimed,
        claimed_zone: cx.subject(subject).and_then(|s| s.timezone.clone()),
        utc_hours,
        local_hours: if p.local.iter().any(|&x| x > 0) { p.local.clone() } else { Vec::new() },
        recorded_offsets: recorded,
        periods: if periods.len() > 1 {
            periods.iter().map(|(a, b, o)| (date(*a), date(*b), *o)).collect()
        } else {
            Vec::new()
        },
        commits_timed_by_committer: p.timed_by_committer,
    }
}

fn histogram_evidence(p: &Profile, claimed: Option<i32>, overall: Option<&Fit>) -> Evidence {
    let utc_hours: Vec<u32> = p.utc.chunks(4).map(|c| c.iter().sum()).collect();
    let mut ev = Evidence::without_source()
        .with("active_slots_by_utc_hour", utc_hours)
        .with("active_slots", p.slots)
        .with("events", p.events);
    if p.local.iter().any(|&x| x > 0) {
        ev = ev.with("active_slots_by_claimed_local_hour", p.local.clone());
    }
    if let Some(c) = claimed {
        ev = ev.with("claimed_offset", offset_label(c));
    }
    if let Some(f) = overall {
        ev = ev
            .with("inferred_offset", offset_label(f.offset_minutes))
            .with("confidence", (f.confidence * 100.0).round() / 100.0)
            .with("quiet_share", (f.quiet_share * 1000.0).round() / 1000.0);
    }
    ev
}

fn f1(
    cx: &Context<'_>,
    subject: SubjectIdx,
    p: &Profile,
    overall: Option<&Fit>,
    claimed: Option<i32>,
    periods: &[(i64, i64, i32)],
) -> Option<Finding> {
    let cfg = &cx.config.f1;
    let s = cx.subject(subject)?;
    let claimed_off = claimed?;
    let shift_worker = [s.role.as_deref(), s.department.as_deref()]
        .into_iter()
        .flatten()
        .any(|t| matches_any(t, &cfg.shift_work_roles));
    let min_shift = (cfg.min_shift_hours * 60.0) as i32;
    let zone = s.timezone.as_deref().unwrap_or("the claimed zone");
    let mut reasons: Vec<String> = Vec::new();
    let mut summary: Option<String> = None;
    let busiest_two: u32 = (0..24)
        .map(|h| {
            p.utc[h * 4..h * 4 + 4].iter().sum::<u32>()
                + p.utc[((h + 1) % 24) * 4..((h + 1) % 24) * 4 + 4].iter().sum::<u32>()
        })
        .max()
        .unwrap_or(0);
    let machine_like = p.slots > 0 && f64::from(busiest_two) > cfg.max_peak_share * p.slots as f64;
    // Someone who moved, says so (people.csv `address_changed_at`) and has kept the
    // claimed zone's hours in every period since (a week's slack for the move itself):
    // the whole history mixes the old home's hours in, so the whole-history clauses
    // stand down. Another zone's hours after the move still count, here and in the
    // zone-change clause.
    let settled_after_move = s.address_changed_at.is_some_and(|moved| {
        let since: Vec<_> = periods.iter().filter(|r| r.1 > moved.day() + PERIOD_DAYS).collect();
        !since.is_empty() && since.iter().all(|r| offset_distance(r.2, claimed_off) < min_shift)
    });
    if p.slots >= cfg.min_slots && !machine_like {
        if let Some(f) = overall
            && !settled_after_move
            && f.confidence >= cfg.min_confidence
            && offset_distance(f.offset_minutes, claimed_off) >= min_shift
            && !shift_worker
        {
            summary.get_or_insert_with(|| {
                format!(
                    "working rhythm fits {} (confidence {:.2}) but the claimed home is {zone} ({})",
                    offset_label(f.offset_minutes),
                    f.confidence,
                    offset_label(claimed_off)
                )
            });
            reasons.push("zone".into());
        }
        if let Some(last) = periods.last()
            && periods.len() > 1
            && offset_distance(last.2, claimed_off) >= min_shift
            && !shift_worker
        {
            let before = &periods[periods.len() - 2];
            summary.get_or_insert_with(|| {
                    format!(
                        "since about {} the rhythm fits {} (before: {}), far from the claimed {zone}: relocation or another person at the keyboard",
                        date(last.0),
                        offset_label(last.2),
                        offset_label(before.2)
                    )
                });
            reasons.push("zone_change".into());
        }
        let total: u32 = p.local.iter().sum();
        let night: u32 = p.local[..6].iter().sum();
        // A flat, always-on rhythm has a quarter of its activity in any six hours; that is
        // a machine left running (E9, D6), not a person working nights.
        let has_a_night = overall.is_some_and(|f| f.quiet_share < cx.config.rhythm.max_quiet_share);
        if total > 0
            && has_a_night
            && !settled_after_move
            && f64::from(night) > cfg.max_night_share * f64::from(total)
            && !shift_worker
        {
            summary.get_or_insert_with(|| {
                format!(
                    "{:.0}% of activity falls between 00:00 and 06:00 in the claimed zone {zone}",
                    100.0 * f64::from(night) / f64::from(total)
                )
            });
            reasons.push("night_share".into());
        }
    }
    // Commits whose recorded clock neither the claim nor the rhythm explains.
    if p.commits_with_offset >= cfg.min_commits
        && f64::from(p.commits_off_claim) >= cfg.clock_mismatch_share * f64::from(p.commits_with_offset)
    {
        let dominant = p.recorded.iter().max_by_key(|(_, n)| *n).map(|(o, _)| i32::from(*o));
        let rhythm_explains = match (dominant, overall) {
            (Some(d), Some(f)) if f.confidence >= cfg.min_confidence => {
                f64::from(offset_distance(d, f.offset_minutes)) < cfg.clock_mismatch_hours * 60.0
            }
            _ => false,
        };
        if let (Some(d), false) = (dominant, rhythm_explains) {
            summary.get_or_insert_with(|| {
                format!(
                    "{} of {} commits record {} while the claimed home is {zone} ({}) and the working rhythm does not fit it either",
                    p.commits_off_claim,
                    p.commits_with_offset,
                    offset_label(d),
                    offset_label(claimed_off)
                )
            });
            reasons.push("commit_clock".into());
        }
    }
    let summary = summary?;
    let mut f = Finding::new("F1", subject, cx.weight("F1"), summary);
    f.first_seen = p.first;
    f.last_seen = p.last;
    let mut first = histogram_evidence(p, Some(claimed_off), overall).with("reasons", reasons);
    if periods.len() > 1 {
        let list: Vec<String> =
            periods.iter().map(|(a, b, o)| format!("{} to {}: {}", date(*a), date(*b), offset_label(*o))).collect();
        first = first.with("periods", list);
    }
    if !p.recorded.is_empty() {
        let list: Vec<String> =
            p.recorded.iter().map(|(o, n)| format!("{} ×{}", offset_label(i32::from(*o)), n)).collect();
        first = first.with("recorded_commit_offsets", list);
    }
    f.evidence.push(first);
    if p.night.items.is_empty() {
        f.evidence.extend(p.sample.evidence());
    } else {
        f.evidence
            .extend(p.night.evidence().into_iter().map(|e| e.with("note", "activity at night, claimed local time")));
    }
    f.evidence_total = p.events;
    Some(f)
}

fn f4(cx: &Context<'_>, subject: SubjectIdx, p: &Profile) -> Option<Finding> {
    let cfg = &cx.config.f4;
    let camera =
        p.meetings >= cfg.min_meetings && f64::from(p.camera_off) >= cfg.camera_off_share * f64::from(p.meetings);
    if !camera && p.long_shares == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if camera {
        parts.push(format!("camera off in {} of {} meetings", p.camera_off, p.meetings));
    }
    if p.long_shares > 0 {
        parts.push(format!("{} screen-share session(s) of {} h or more", p.long_shares, cfg.screen_share_hours));
    }
    let mut f = Finding::new("F4", subject, cx.weight("F4"), parts.join("; "));
    f.first_seen = p.first;
    f.last_seen = p.last;
    f.evidence = p.f4_sample.evidence();
    f.evidence.push(Evidence::without_source().with("meetings", p.meetings).with("camera_off", p.camera_off));
    f.evidence_total = u64::from(p.camera_off + p.long_shares);
    Some(f)
}

fn f5(cx: &Context<'_>, subject: SubjectIdx, p: &Profile) -> Option<Finding> {
    if p.foreign_commits == 0 {
        return None;
    }
    let authors: Vec<&str> = p.foreign_authors.iter().map(|a| a.as_ref()).collect();
    let summary = format!(
        "{} commit(s) committed by this subject under author identities never tied to them: {}",
        p.foreign_commits,
        authors.join(", ")
    );
    let mut f = Finding::new("F5", subject, cx.weight("F5"), summary);
    f.first_seen = p.f5_sample.items.iter().map(|n| n.at).min();
    f.last_seen = p.f5_sample.items.iter().map(|n| n.at).max();
    f.evidence = p.f5_sample.evidence();
    f.evidence_total = u64::from(p.foreign_commits);
    Some(f)
}

/// Counts of subjects per inferred-minus-claimed difference, for logs and tests.
pub fn differences(summaries: &[Option<ActivitySummary>]) -> BTreeMap<i32, usize> {
    let mut m = BTreeMap::new();
    for s in summaries.iter().flatten() {
        if let (Some(i), Some(c)) = (s.inferred_utc_offset_minutes, s.claimed_utc_offset_minutes) {
            *m.entry(offset_distance(i, c) / 60).or_default() += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests;

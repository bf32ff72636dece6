//! F3: several operators behind one account, seen in its commits' clocks.
//!
//! Every commit records the UTC offset of the machine that made it. One person's
//! commits carry one clock at a time: it moves with daylight saving (an hour), with a
//! trip or a move (in blocks: a trip out and back changes it twice). Commits that go
//! back and forth between two clocks hours apart, three times or more within the same
//! week, week after week, and made at different hours of the UTC day, come from two
//! people in two zones working one identity: the account's claimed owner in one zone
//! and the people doing the work in another. One person with two machines on two clocks
//! (a laptop and a remote dev box left on its data centre's zone) commits from both at
//! their own hours, so the two clocks' commits share their UTC hours and do not count.
//!
//! Counted: commits tied to the subject by their author identity and timed by its own
//! hand (not a forge's squash merge or a maintainer's patch), with a recorded
//! offset that is not neutral (`[detect.f1] neutral_recorded_offsets_minutes`: UTC is
//! what CI, web editors and containers record). Two offsets each carrying
//! `min_share` of those commits and `min_gap_hours` apart must alternate (change at
//! least twice, in time order) within `min_weeks` different weeks, a `min_week_share`
//! of the weeks with commits at either. On the real commits
//! of seven open-source projects (`../shared/data/git_tz`), travellers and movers
//! included, no author does (the `git_tz` test).
//!
//! Bounded: at most [`MAX_COMMITS`] commits' (time, offset) per subject are kept.

use std::collections::BTreeMap;

use bonafide_core::time::MS_PER_DAY;
use bonafide_core::{Detail, Event, Evidence, Finding, UtcMs};
use serde::{Deserialize, Serialize};

use super::rhythm::{hours_apart, mean_hour, offset_distance};
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};

/// Commits kept per subject, the first met in reading order (sources are read one after
/// another, a git history newest first); the rest are not looked at: a history this
/// long has shown its pattern.
const MAX_COMMITS: usize = 8192;

/// `[detect.f3]`: commits alternating between two clocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct F3Config {
    /// Commits with a non-neutral recorded offset required before anything is judged.
    pub min_commits: u32,
    /// Share of those commits each of the two clocks must carry.
    pub min_share: f64,
    /// Hours between the two clocks (daylight saving moves a clock by one).
    pub min_gap_hours: f64,
    /// Weeks in which the commits go back and forth between the two clocks (three
    /// changes or more: a trip out and back is two)...
    pub min_weeks: usize,
    /// ...and their share of the weeks with commits at either: a team works the account
    /// every week; a person with a second machine now and then, or on the road, does
    /// not.
    pub min_week_share: f64,
    /// Hours between the mean UTC hour of each clock's commits: two people in two
    /// zones work at different hours, one person's two machines at the same ones.
    pub min_hour_gap: f64,
}

impl Default for F3Config {
    fn default() -> Self {
        F3Config {
            min_commits: 20,
            min_share: 0.2,
            min_gap_hours: 3.0,
            min_weeks: 3,
            min_week_share: 0.25,
            min_hour_gap: 3.0,
        }
    }
}

#[derive(Debug, Default)]
pub struct CommitClocks {
    commits: PerSubject<Vec<(UtcMs, i16)>>,
}

impl Detector for CommitClocks {
    fn name(&self) -> &'static str {
        "commit-clocks"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["F3"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let (Some(subject), Detail::Commit(c)) = (e.subject, &e.detail) else { return };
        // A commit tied through its committer, or timed by someone else's click (a forge's
        // squash merge, a maintainer applying a patch), carries another's clock.
        let own = !c.attributed_via_committer && !c.timed_by_committer;
        let Some(offset) = c.author_offset_minutes.filter(|_| own) else { return };
        if cx.config.f1.neutral_recorded_offsets_minutes.contains(&i32::from(offset)) {
            return;
        }
        let list = self.commits.get_mut(subject);
        if list.len() < MAX_COMMITS {
            list.push((e.at, offset));
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.f3;
        for (idx, commits) in self.commits.iter_mut() {
            if commits.len() < cfg.min_commits as usize {
                continue;
            }
            commits.sort_unstable();
            let mut count: BTreeMap<i16, usize> = BTreeMap::new();
            for (_, o) in commits.iter() {
                *count.entry(*o).or_default() += 1;
            }
            let n = commits.len();
            let big: Vec<i16> =
                count.iter().filter(|(_, c)| **c as f64 >= cfg.min_share * n as f64).map(|(o, _)| *o).collect();
            let gap = (cfg.min_gap_hours * 60.0) as i32;
            let mut best: Option<(i16, i16, Vec<i64>)> = None;
            for (i, &a) in big.iter().enumerate() {
                for &b in &big[i + 1..] {
                    if offset_distance(i32::from(a), i32::from(b)) < gap {
                        continue;
                    }
                    let hours = |o: i16| commits.iter().filter(move |(_, x)| *x == o).map(|(t, _)| utc_hour(*t));
                    // A clock whose hours spread evenly round the day has no mean to compare.
                    let apart = match (mean_hour(hours(a)), mean_hour(hours(b))) {
                        (Some((x, rx)), Some((y, ry))) if rx > 1e-9 && ry > 1e-9 => {
                            hours_apart(x, y) >= cfg.min_hour_gap
                        }
                        _ => false,
                    };
                    if !apart {
                        continue;
                    }
                    let (weeks, active) = alternating_weeks(commits, a, b);
                    let enough =
                        weeks.len() >= cfg.min_weeks && weeks.len() as f64 >= cfg.min_week_share * active as f64;
                    if enough && best.as_ref().is_none_or(|x| weeks.len() > x.2.len()) {
                        best = Some((a, b, weeks));
                    }
                }
            }
            let Some((a, b, weeks)) = best else { continue };
            let share = |o: i16| 100.0 * count[&o] as f64 / n as f64;
            let summary = format!(
                "commits alternate between clocks at {} ({:.0}%) and {} ({:.0}%), {} h apart, within the same week in {} weeks and at other hours of the day: two people in two zones working one identity",
                label(a),
                share(a),
                label(b),
                share(b),
                offset_distance(i32::from(a), i32::from(b)) / 60,
                weeks.len()
            );
            let mut f = Finding::new("F3", idx, cx.weight("F3"), summary);
            for (at, _) in commits.iter() {
                f.seen(*at);
            }
            f.evidence = weeks
                .iter()
                .take(crate::evidence::SAMPLE)
                .map(|&w| {
                    let in_week: Vec<&(UtcMs, i16)> =
                        commits.iter().filter(|(t, o)| week_of(*t) == w && (*o == a || *o == b)).collect();
                    Evidence::without_source()
                        .with("week_of", monday(w))
                        .with("clocks", runs(in_week.iter().map(|(_, o)| *o)))
                        .with("count", in_week.len())
                })
                .collect();
            f.evidence_total = weeks.len() as u64;
            out.push(f);
        }
    }
}

/// Weeks from Monday (1970-01-05, day 4, was one), as people's working weeks run.
fn week_of(t: UtcMs) -> i64 {
    (t.day() - 4).div_euclid(7)
}

/// The Monday a week of [`week_of`] starts on.
fn monday(week: i64) -> String {
    UtcMs((week * 7 + 4) * MS_PER_DAY).date_string()
}

/// Changes between two clocks within a week that count as alternating: a trip out and
/// back changes twice.
const MIN_CHANGES: u32 = 3;

fn utc_hour(t: UtcMs) -> f64 {
    t.0.rem_euclid(MS_PER_DAY) as f64 / 3_600_000.0
}

/// The weeks in which commits at `a` and `b`, in time order, change from one to the
/// other [`MIN_CHANGES`] times or more, and how many weeks have commits at either.
fn alternating_weeks(commits: &[(UtcMs, i16)], a: i16, b: i16) -> (Vec<i64>, usize) {
    let mut out = Vec::new();
    let mut active = 0;
    let (mut week, mut last, mut changes) = (i64::MIN, None, 0u32);
    for (t, o) in commits.iter().filter(|(_, o)| *o == a || *o == b) {
        let w = week_of(*t);
        if w != week {
            if changes >= MIN_CHANGES {
                out.push(week);
            }
            (week, last, changes) = (w, None, 0);
            active += 1;
        }
        if last.is_some_and(|l| l != *o) {
            changes += 1;
        }
        last = Some(*o);
    }
    if changes >= MIN_CHANGES {
        out.push(week);
    }
    (out, active)
}

/// Runs of one clock a week's evidence shows; the rest are counted.
const RUNS_SHOWN: usize = 12;

/// Clocks in time order, each run of one clock once: `UTC+8 ×2 → UTC−5 → ...`,
/// at most [`RUNS_SHOWN`] runs and how many more.
fn runs(clocks: impl Iterator<Item = i16>) -> String {
    let mut out: Vec<(i16, usize)> = Vec::new();
    for o in clocks {
        match out.last_mut() {
            Some((last, n)) if *last == o => *n += 1,
            _ => out.push((o, 1)),
        }
    }
    let mut text = out
        .iter()
        .take(RUNS_SHOWN)
        .map(|(o, n)| if *n == 1 { label(*o) } else { format!("{} ×{n}", label(*o)) })
        .collect::<Vec<_>>()
        .join(" → ");
    if out.len() > RUNS_SHOWN {
        text.push_str(&format!(" … and {} more changes", out.len() - RUNS_SHOWN));
    }
    text
}

/// A recorded clock as F1 writes offsets (`UTC+8`, `UTC−5`).
fn label(offset: i16) -> String {
    super::offset_label(i32::from(offset))
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    /// Commits on each weekday of `weeks` at the UTC hours and recorded clocks `plan`
    /// gives for the day.
    fn commits(w: &mut World, id: &str, weeks: std::ops::Range<i64>, plan: impl Fn(i64) -> Vec<(i64, i16)>) {
        for day in weeks.start * 7..weeks.end * 7 {
            if day % 7 >= 5 {
                continue;
            }
            for (hour, clock) in plan(day) {
                w.commit_at(id, w.t(day, hour, 0), clock, id, false);
            }
        }
    }

    /// Working hours 14:00-18:00 UTC (New York's morning) on a UTC-5 clock.
    fn home(_: i64) -> Vec<(i64, i16)> {
        (14..18).map(|h| (h, -300)).collect()
    }

    /// One identity committing from a machine at UTC+8 (at Shanghai's working hours)
    /// and one at UTC-5 (at New York's) every day fires; honest patterns with two
    /// clocks do not.
    #[test]
    fn two_people_on_two_clocks_fire_trips_moves_dev_boxes_and_dst_do_not() {
        let mut w = World::new(&["TEAM", "TRIP", "ROUNDTRIP", "MOVE", "DST", "CI", "DEVBOX"]);
        commits(&mut w, "TEAM", 0..8, |_| vec![(2, 480), (4, 480), (15, -300), (17, -300)]);
        // Home at UTC-5, two trips to Seoul from mid-week to mid-week: blocks, four
        // weeks with one change each.
        let seoul = |_| (1..5).map(|h| (h, 540)).collect::<Vec<_>>();
        commits(&mut w, "TRIP", 0..8, |day| {
            if (9..16).contains(&day) || (37..44).contains(&day) { seoul(day) } else { home(day) }
        });
        // Every other week Tuesday to Thursday in Seoul: out and back, two changes.
        commits(&mut w, "ROUNDTRIP", 0..8, |day| {
            if (day / 7) % 2 == 0 && (1..4).contains(&(day % 7)) { seoul(day) } else { home(day) }
        });
        // Moved from UTC+8 to UTC-5 once.
        commits(&mut w, "MOVE", 0..8, |day| if day < 28 { vec![(2, 480), (4, 480)] } else { home(day) });
        // Daylight saving: an hour, back and forth (as a laptop set by hand might).
        commits(&mut w, "DST", 0..8, |_| vec![(14, -240), (15, -300), (16, -240), (17, -300)]);
        // A laptop in UTC-5 and CI at UTC: UTC is neutral.
        commits(&mut w, "CI", 0..8, |_| vec![(14, 0), (15, -300), (16, 0), (17, -300)]);
        // One person, a laptop at UTC-5 and a remote dev box left on Frankfurt's clock,
        // both at their owner's hours.
        commits(&mut w, "DEVBOX", 0..8, |_| vec![(14, 60), (15, -300), (16, 60), (17, -300)]);
        let f = w.run();
        let f3 = f.get("TEAM", "F3").expect("F3");
        let both = f3.summary.contains("UTC−5 ") && f3.summary.contains("UTC+8 ");
        assert!(both && f3.summary.contains("11 h apart"), "{}", f3.summary);
        assert!(f3.summary.contains("in 8 weeks"), "{}", f3.summary);
        let clocks = f3.evidence[0].detail["clocks"].as_str().unwrap_or_default();
        assert!(clocks.starts_with("UTC+8 ×2 → UTC−5 ×2 → UTC+8 ×2"), "{clocks}");
        for id in ["TRIP", "ROUNDTRIP", "MOVE", "DST", "CI", "DEVBOX"] {
            assert!(!f.ids(id).contains(&"F3"), "{id}: {:?}", f.of(id));
        }
    }

    /// A handful of commits from another clock (a colleague's machine once, a
    /// conference) is below the share each clock needs.
    #[test]
    fn a_few_commits_from_another_clock_are_not_a_second_operator() {
        let mut w = World::new(&["MOSTLY"]);
        commits(&mut w, "MOSTLY", 0..8, |day| if day % 7 == 2 { vec![(3, 60), (15, -300)] } else { home(day) });
        let f = w.run();
        assert!(!f.ids("MOSTLY").contains(&"F3"), "{:?}", f.of("MOSTLY"));
    }
}

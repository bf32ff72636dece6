//! Time-zone inference against real, public ground truth: 40k+ commits of seven
//! projects with the UTC offset each author's machine recorded
//! (../shared/data/git_tz/commit_tz_ground_truth.csv.gz). The offsets are inferred from
//! the UTC times only and compared with each author's dominant recorded offset.
//!
//! `cargo test -p bonafide-detect --test git_tz -- --nocapture` prints the table.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use bonafide_core::{Action, Actor, Commit, Detail, Event, Records, SourceId, SourcePos, Subject, SubjectIdx, UtcMs};
use bonafide_detect::time::rhythm::offset_distance;
use bonafide_detect::{Defaults, Engine, Households};

struct Row {
    repo: String,
    author: String,
    unix: i64,
    tz: i32,
    /// Committed at the second of its author time by a machine whose clock read another
    /// offset: a squash or merge clicked in GitHub's web interface by someone else. The
    /// file keeps no committer identity; a repository would show GitHub's
    /// `noreply@github.com` (or the other person) as committer, which is what the engine
    /// looks at. The offsets only stand in for that identity here; the inference never
    /// sees them.
    committed_elsewhere: bool,
}

fn tz_minutes(s: &str) -> i32 {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits = s.trim_start_matches(['+', '-']);
    let (h, m) = digits.split_at(2);
    sign * (h.parse::<i32>().unwrap() * 60 + m.parse::<i32>().unwrap())
}

fn load() -> Option<Vec<Row>> {
    let path = bonafide_core::testdata::shared("git_tz/commit_tz_ground_truth.csv.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (repo, author, unix, tz) = (col("repo"), col("author_email_sha256_12"), col("author_unix"), col("author_tz"));
    let (cunix, ctz) = (col("committer_unix"), col("committer_tz"));
    Some(
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                Row {
                    repo: r[repo].to_string(),
                    author: r[author].to_string(),
                    unix: r[unix].parse().unwrap(),
                    tz: tz_minutes(&r[tz]),
                    committed_elsewhere: r[cunix] == r[unix] && tz_minutes(&r[ctz]) != tz_minutes(&r[tz]),
                }
            })
            .collect(),
    )
}

fn dominant(offsets: &[i32]) -> i32 {
    let mut c: HashMap<i32, usize> = HashMap::new();
    for o in offsets {
        *c.entry(*o).or_default() += 1;
    }
    c.into_iter().max_by_key(|(o, n)| (*n, *o)).unwrap().0
}

/// Share of authors placed within ±1 h and ±2 h of their recorded dominant offset, per
/// project: `[authors, within 1 h, within 2 h, not placed]`. With `own_times_only`, commits
/// someone else merged by a click are left out as a scan of the repository would (see
/// `Row`); without, every author time counts, as the check reads the file.
fn placements(rows: &[Row], own_times_only: bool) -> BTreeMap<String, [usize; 4]> {
    let mut by: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by.entry((r.repo.clone(), r.author.clone())).or_default().push(r);
    }
    let authors: Vec<((String, String), Vec<&Row>)> = by.into_iter().filter(|(_, c)| c.len() >= 30).collect();
    // Through the whole engine, as a scan would: subjects with no claimed zone.
    let mut subjects = Vec::new();
    let mut events = Vec::new();
    for ((repo, author), commits) in &authors {
        let idx = SubjectIdx(subjects.len() as u32);
        let id = format!("{repo}|{author}");
        subjects.push(Subject { id: id.clone(), name: id.clone(), ..Default::default() });
        for (i, c) in commits.iter().enumerate() {
            events.push(commit_event(&id, idx, c, false, own_times_only, i));
        }
    }
    events.sort_by_key(|e| e.at);
    let (_, activity) = run(&subjects, &events);
    // An author whose every commit was merged by someone else's click has no hours of
    // their own: not placed, and counted as a miss.
    let mut per_repo: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for (((repo, _), commits), a) in authors.iter().zip(&activity) {
        let truth = dominant(&commits.iter().map(|c| c.tz).collect::<Vec<_>>());
        let e = per_repo.entry(repo.clone()).or_default();
        e[0] += 1;
        match a.as_ref().and_then(|a| a.inferred_utc_offset_minutes) {
            Some(inferred) => {
                e[1] += usize::from(offset_distance(inferred, truth) <= 60);
                e[2] += usize::from(offset_distance(inferred, truth) <= 120);
            }
            None => e[3] += 1,
        }
    }
    per_repo
}

/// Prints the per-project table and returns the totals.
fn print_placements(title: &str, per_repo: &BTreeMap<String, [usize; 4]>) -> [usize; 4] {
    let total = per_repo.values().fold([0; 4], |mut t, x| {
        for (t, x) in t.iter_mut().zip(x) {
            *t += x;
        }
        t
    });
    let [n, within1, within2, unplaced] = total;
    eprintln!("\n{title}\n{:<24} {:>8} {:>8} {:>8} {:>9}", "project", "authors", "±1 h", "±2 h", "unplaced");
    for (repo, [n, w1, w2, u]) in per_repo {
        eprintln!("{repo:<24} {n:>8} {w1:>8} {w2:>8} {u:>9}");
    }
    eprintln!(
        "{:<24} {:>8} {:>7.1}% {:>7.1}% {:>9}",
        "all",
        n,
        100.0 * within1 as f64 / n as f64,
        100.0 * within2 as f64 / n as f64,
        unplaced
    );
    total
}

#[test]
fn inferred_offsets_against_recorded_ones() {
    let Some(rows) = load() else { return };
    // Measured on 2026-11-22: 56/106 (52.8%) within ±1 h and 78/106 (73.6%) within ±2 h
    // with every author time; 53/106 (50.0%) and 71/106 (67.0%, 3 not placed) with the
    // commits merged by someone else's click left out. Why no rhythm estimator gets much
    // further: bench/timezones/README.md and the module docs of rhythm.rs. These floors,
    // a little under the measurements, catch regressions; they are not targets.
    for (own, title, floor1, floor2) in [
        (false, "every author time counted", 0.50, 0.70),
        (true, "commits merged by someone else's click left out (as a repository scan does)", 0.48, 0.65),
    ] {
        let [n, within1, within2, _] = print_placements(title, &placements(&rows, own));
        assert_eq!(n, 106, "authors with at least 30 commits");
        assert!(within1 as f64 >= floor1 * n as f64, "{title}: {within1}/{n} within ±1 h");
        assert!(within2 as f64 >= floor2 * n as f64, "{title}: {within2}/{n} within ±2 h");
    }
}

/// One row as the engine's commit event: with its recorded offset when `recorded`, and
/// marked as timed by a committer's click when `own_times_only` and the row was.
fn commit_event(account: &str, idx: SubjectIdx, row: &Row, recorded: bool, own_times_only: bool, i: usize) -> Event {
    let commit = Commit {
        repo: None,
        id: format!("{i}").into(),
        author_name: None,
        committer: None,
        attributed_via_committer: false,
        // What the engine decides from the committer identity (see `Row`).
        timed_by_committer: own_times_only && row.committed_elsewhere,
        author_offset_minutes: recorded.then_some(row.tz as i16),
        committer_time: None,
        committer_offset_minutes: None,
    };
    let source = SourcePos::line(SourceId(0), i as u64 + 2);
    Event {
        subject: Some(idx),
        detail: Detail::Commit(Box::new(commit)),
        ..Event::new(UtcMs::from_secs(row.unix), Actor::user("git", account), Action::Work, "git.commit", source)
    }
}

fn run(
    subjects: &[Subject],
    events: &[Event],
) -> (Vec<bonafide_core::Finding>, Vec<Option<bonafide_core::ActivitySummary>>) {
    let defaults = Defaults::default();
    let records = Records::default();
    let households = Households::build(subjects);
    let cx = defaults.context(subjects, &records, &households);
    let mut engine = Engine::new(&defaults.config);
    for e in events {
        engine.observe(e, &cx);
    }
    let findings = engine.conclude(&cx).list;
    (findings, engine.take_activity())
}

/// Authors whose clocks switched with daylight saving time, claimed in the matching
/// IANA zone, must not raise F1.
#[test]
fn daylight_saving_pairs_raise_no_f1() {
    let Some(rows) = load() else { return };
    let mut by: BTreeMap<(String, String), Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        if r.repo == "BurntSushi/ripgrep" || r.repo == "sharkdp/bat" {
            by.entry((r.repo.clone(), r.author.clone())).or_default().push(r);
        }
    }
    let mut subjects = Vec::new();
    let mut events = Vec::new();
    for ((_, author), commits) in &by {
        let offsets: HashSet<i32> = commits.iter().map(|c| c.tz).collect();
        let zone = if offsets.contains(&-240) && offsets.contains(&-300) {
            "America/New_York"
        } else if offsets.contains(&60) && offsets.contains(&120) {
            "Europe/Berlin"
        } else {
            continue;
        };
        if commits.len() < 30 {
            continue;
        }
        let idx = SubjectIdx(subjects.len() as u32);
        subjects.push(Subject {
            id: author.clone(),
            name: author.clone(),
            timezone: Some(zone.into()),
            ..Default::default()
        });
        for (i, c) in commits.iter().enumerate() {
            events.push(commit_event(author, idx, c, true, true, i));
        }
    }
    assert!(subjects.len() >= 6, "DST-pair authors found: {}", subjects.len());
    events.sort_by_key(|e| e.at);
    let (findings, activity) = run(&subjects, &events);
    let f1: Vec<&str> = findings.iter().filter(|f| f.indicator == "F1").map(|f| f.summary.as_str()).collect();
    for (s, a) in subjects.iter().zip(&activity) {
        let a = a.as_ref().unwrap();
        eprintln!(
            "{} {} claimed {:?} inferred {:?} confidence {} local {:?}",
            s.id,
            s.timezone.as_deref().unwrap_or(""),
            a.claimed_utc_offset_minutes,
            a.inferred_utc_offset_minutes,
            a.confidence,
            a.local_hours
        );
    }
    assert!(f1.is_empty(), "{f1:?}");
}

/// Each author (`repo|author`) with at least 30 commits, and their commits.
fn authors(rows: &[Row]) -> BTreeMap<String, Vec<&Row>> {
    let mut by: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by.entry(format!("{}|{}", r.repo, r.author)).or_default().push(r);
    }
    by.retain(|_, c| c.len() >= 30);
    by
}

/// How often F1 fires on honest developers who claim exactly the zone their clock
/// records: the false-positive rate of F1 on real people.
#[test]
fn f1_on_honest_developers_claiming_their_clock_zone() {
    let Some(rows) = load() else { return };
    let mut subjects = Vec::new();
    let mut events = Vec::new();
    for (key, commits) in &authors(&rows) {
        let truth = dominant(&commits.iter().map(|c| c.tz).collect::<Vec<_>>());
        let zone = match truth {
            330 => "Asia/Kolkata".to_string(),
            t if t % 60 == 0 => {
                let h = -t / 60;
                if h == 0 { "Etc/GMT".to_string() } else { format!("Etc/GMT{h:+}") }
            }
            _ => continue,
        };
        let idx = SubjectIdx(subjects.len() as u32);
        subjects.push(Subject { id: key.clone(), name: key.clone(), timezone: Some(zone), ..Default::default() });
        for (i, c) in commits.iter().enumerate() {
            events.push(commit_event(key, idx, c, false, true, i));
        }
    }
    events.sort_by_key(|e| e.at);
    let (findings, _) = run(&subjects, &events);
    let f1: Vec<&bonafide_core::Finding> = findings.iter().filter(|f| f.indicator == "F1").collect();
    eprintln!("F1 on {} of {} honest developers claiming their clock's zone", f1.len(), subjects.len());
    for f in &f1 {
        eprintln!("  {}: {}", subjects[f.subjects[0].index()].id, f.summary);
    }
    // Measured: 5 of 106 (8 before squash merges clicked by someone else were left out
    // of the author's rhythm: four contributors in the Americas had been placed at their
    // European maintainers' hours, one in Japan now lacks that cover for his evening
    // hours). Open-source contributors commit at all hours; employees' working days are
    // far more regular. This floor catches regressions.
    assert!(f1.len() * 100 <= subjects.len() * 10, "{} of {}", f1.len(), subjects.len());
}

/// F3 (commits alternating between two clocks hours apart within the same weeks) on the
/// real commits of every author with at least 30, their recorded offsets as recorded:
/// travellers, movers and daylight saving among them, and no second operator. None may
/// fire. (The most alternating real author goes back and forth between UTC+07:00 and
/// UTC-05:00 within 3 weeks of 2016-2019, out of many more with commits at either: the
/// share of such weeks the rule asks for, not their number, keeps them out.)
#[test]
fn f3_never_fires_on_real_developers() {
    let Some(rows) = load() else { return };
    let mut subjects = Vec::new();
    let mut events = Vec::new();
    for (key, commits) in &authors(&rows) {
        let idx = SubjectIdx(subjects.len() as u32);
        subjects.push(Subject { id: key.clone(), name: key.clone(), ..Default::default() });
        for (i, c) in commits.iter().enumerate() {
            events.push(commit_event(key, idx, c, true, true, i));
        }
    }
    assert!(subjects.len() >= 100, "{}", subjects.len());
    events.sort_by_key(|e| e.at);
    let (findings, _) = run(&subjects, &events);
    let f3: Vec<&str> = findings.iter().filter(|f| f.indicator == "F3").map(|f| f.summary.as_str()).collect();
    assert!(f3.is_empty(), "{f3:?}");
}

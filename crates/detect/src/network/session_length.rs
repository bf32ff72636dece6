//! D6: a subject active for a day or more without a break.
//!
//! Two readings of "continuously logged in", both from the engine's [`sessions`]:
//!
//! - **Per session.** For every session (the vendor's, or one the engine inferred for a
//!   source without session ids) the detector follows runs of activity: a run continues
//!   while consecutive events are at most `max_gap_hours` apart, in either direction of
//!   time (exports are often newest-first). A run of `min_hours` or more is a machine that
//!   never leaves its desk, the always-on laptop of a farm or a remote-control set-up; a
//!   long-lived token used during two working days has a night-long gap and is not.
//! - **Across sources.** A person whose sign-ins end at six and whose commits and chat
//!   carry on through the night is present without a break even though no single session
//!   shows it. The engine's presence bitmap (the UTC hours with any interactive event, any
//!   source) gives the longest run of consecutive active hours; `min_hours` of them fire
//!   too.
//!
//! Only interactive events count (no API clients, no token refreshes). Memory stays small:
//! a session whose run is more than the gap away from the event in hand is judged and
//! dropped, and at most `max_open_sessions` are followed per subject.
//!
//! [`sessions`]: crate::sessions

use bonafide_core::{Event, Evidence, Finding, UtcMs};

use super::PerSubject;
use crate::evidence::{Note, SAMPLE};
use crate::sessions::{SessionMark, Sessions};
use crate::{Context, Detector, Findings};

/// The cheap end of a run: it moves with nearly every event, so it holds only what the
/// evidence of a run's end shows.
#[derive(Debug, Clone)]
struct Mark {
    at: UtcMs,
    source: bonafide_core::SourcePos,
    event_type: std::sync::Arc<str>,
}

impl Mark {
    fn of(e: &Event) -> Mark {
        Mark { at: e.at, source: e.source, event_type: e.event_type.clone() }
    }

    fn evidence(&self) -> Evidence {
        Evidence::at(self.source).with("at", self.at.to_rfc3339()).with("event_type", self.event_type.as_ref())
    }
}

#[derive(Debug, Clone)]
struct Session {
    key: u64,
    lo: Note,
    hi: Mark,
    /// Counts runs, so the best run's start is copied once, not at every event.
    run: u32,
    best_run: u32,
    best_ms: i64,
    best: Option<(Note, Mark)>,
}

impl Session {
    fn distance(&self, t: UtcMs) -> i64 {
        if t < self.lo.at {
            self.lo.at.0 - t.0
        } else if t > self.hi.at {
            t.0 - self.hi.at.0
        } else {
            0
        }
    }
}

#[derive(Debug, Default)]
struct Tally {
    open: Vec<Session>,
    long: u64,
    longest_ms: i64,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
    evidence: Vec<Evidence>,
}

impl Tally {
    fn judge(&mut self, s: Session, min_ms: i64) {
        if s.best_ms < min_ms {
            return;
        }
        let Some((a, b)) = s.best else { return };
        self.long += 1;
        self.longest_ms = self.longest_ms.max(s.best_ms);
        self.first = Some(self.first.map_or(a.at, |f| f.min(a.at)));
        self.last = Some(self.last.map_or(b.at, |l| l.max(b.at)));
        if self.evidence.len() + 2 <= SAMPLE {
            let h = (s.best_ms as f64 / 3_600_000.0 * 10.0).round() / 10.0;
            self.evidence.push(a.evidence().with("run", "start").with("run_hours", h));
            self.evidence.push(b.evidence().with("run", "end").with("run_hours", h));
        }
    }
}

#[derive(Debug, Default)]
pub struct SessionLength {
    tallies: PerSubject<Tally>,
}

impl Detector for SessionLength {
    fn name(&self) -> &'static str {
        "session-length"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D6"]
    }

    fn observe_in_session(&mut self, e: &Event, mark: &SessionMark, cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        if !e.interactive {
            return;
        }
        let cfg = &cx.config.d6;
        let gap_ms = (cfg.max_gap_hours * 3_600_000.0) as i64;
        let min_ms = (cfg.min_hours * 3_600_000.0) as i64;
        let t = self.tallies.get_mut(subject);
        if let Some(s) = t.open.iter_mut().find(|s| s.key == mark.key) {
            if s.distance(e.at) <= gap_ms {
                if e.at < s.lo.at {
                    s.lo = Note::of(e);
                    s.run += 1;
                } else if e.at > s.hi.at {
                    s.hi = Mark::of(e);
                }
            } else {
                // A pause longer than the gap: a new run starts here.
                s.lo = Note::of(e);
                s.hi = Mark::of(e);
                s.run += 1;
            }
            let run = s.hi.at.0 - s.lo.at.0;
            if run > s.best_ms {
                s.best_ms = run;
                match &mut s.best {
                    Some((_, end)) if s.best_run == s.run => *end = s.hi.clone(),
                    _ => {
                        s.best = Some((s.lo.clone(), s.hi.clone()));
                        s.best_run = s.run;
                    }
                }
            }
        } else {
            t.open.push(Session {
                key: mark.key,
                lo: Note::of(e),
                hi: Mark::of(e),
                run: 0,
                best_run: 0,
                best_ms: 0,
                best: None,
            });
        }
        // Judge sessions this stream has left behind, and keep the set bounded.
        let mut i = 0;
        while i < t.open.len() {
            let behind = t.open[i].key != mark.key && t.open[i].distance(e.at) > gap_ms;
            if behind || t.open.len() > cfg.max_open_sessions.max(1) {
                let s = t.open.swap_remove(i);
                t.judge(s, min_ms);
            } else {
                i += 1;
            }
        }
        if t.open.is_empty() {
            t.open = Vec::new();
        }
    }

    fn conclude_with_sessions(&mut self, cx: &Context<'_>, sessions: &Sessions, out: &mut Findings) {
        let cfg = &cx.config.d6;
        let min_ms = (cfg.min_hours * 3_600_000.0) as i64;
        for (_, t) in self.tallies.iter_mut() {
            for s in std::mem::take(&mut t.open) {
                t.judge(s, min_ms);
            }
        }
        let mut subjects: Vec<bonafide_core::SubjectIdx> = self.tallies.iter().map(|(s, _)| s).collect();
        for (s, _) in sessions.iter() {
            if !subjects.contains(&s) {
                subjects.push(s);
            }
        }
        subjects.sort();
        for subject in subjects {
            let tally = self.tallies.get(subject).filter(|t| t.long > 0);
            let presence = sessions
                .timeline(subject)
                .and_then(|tl| tl.presence.longest_run().map(|r| (r, tl.systems.clone())))
                .filter(|((_, hours), _)| f64::from(*hours) >= cfg.min_hours);
            let mut parts = Vec::new();
            if let Some(t) = tally {
                parts.push(format!(
                    "{} session(s) active without a break of over {} h for a day or more; longest {:.1} h",
                    t.long,
                    cfg.max_gap_hours,
                    t.longest_ms as f64 / 3_600_000.0
                ));
            }
            if let Some(((start, hours), systems)) = &presence {
                let longest_session_h = tally.map_or(0.0, |t| t.longest_ms as f64 / 3_600_000.0);
                if f64::from(*hours) > longest_session_h + 1.0 {
                    let names: Vec<&str> = systems.iter().map(|s| &**s).collect();
                    parts.push(format!(
                        "active in every hour for {hours} consecutive hours from {} ({})",
                        start.to_rfc3339(),
                        names.join(", ")
                    ));
                }
            }
            if parts.is_empty() {
                continue;
            }
            let mut f = Finding::new("D6", subject, cx.weight("D6"), parts.join("; "));
            if let Some(t) = tally {
                f.first_seen = t.first;
                f.last_seen = t.last;
                f.evidence = t.evidence.clone();
                f.evidence_total = t.long * 2;
            }
            if let Some(((start, hours), systems)) = presence {
                let end = UtcMs(start.0 + i64::from(hours) * 3_600_000 - 1);
                f.seen(start);
                f.seen(end);
                if f.evidence.len() < SAMPLE {
                    let names: Vec<String> = systems.iter().map(|s| s.to_string()).collect();
                    f.evidence.push(
                        Evidence::without_source()
                            .with("presence_from", start.to_rfc3339())
                            .with("presence_hours", hours)
                            .with("systems", names),
                    );
                }
                f.evidence_total += 1;
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    #[test]
    fn always_on_session_fires() {
        let mut w = World::new(&["E1"]);
        for h in 0..30 {
            w.session_event("E1", w.t(0, 0, 0).0 + h * 3_600_000, 42);
        }
        let f = w.run();
        let d6 = f.get("E1", "D6").expect("D6");
        assert!(d6.summary.contains("29.0 h"), "{}", d6.summary);
    }

    #[test]
    fn a_long_lived_token_used_on_two_working_days_does_not() {
        let mut w = World::new(&["E1"]);
        for day in 0..2 {
            for h in 9..18 {
                w.session_event("E1", w.t(day, h, 0).0, 7);
            }
        }
        assert!(w.run().ids("E1").is_empty());
    }

    #[test]
    fn newest_first_exports_find_the_same_run() {
        let mut w = World::new(&["E1"]);
        for h in (0..30).rev() {
            w.session_event("E1", w.t(0, 0, 0).0 + h * 3_600_000, 42);
        }
        let f = w.run();
        assert!(f.get("E1", "D6").expect("D6").summary.contains("29.0 h"));
    }

    #[test]
    fn sign_ins_by_day_and_commits_by_night_are_one_presence() {
        let mut w = World::new(&["E1", "E2"]);
        // E1: Okta 08-18 with a session, then, from another export, GitHub activity every
        // hour of the night. Neither source alone has a day-long session.
        for h in 8..18 {
            w.session_event("E1", w.t(0, h, 10).0, 7);
        }
        for h in 18..34 {
            w.activity("E1", "github", w.t(0, h, 40));
        }
        // E2: the same day job, and evenings off.
        for h in 8..18 {
            w.session_event("E2", w.t(0, h, 10).0, 8);
        }
        for h in 18..21 {
            w.activity("E2", "github", w.t(0, h, 40));
        }
        let f = w.run();
        let d6 = f.get("E1", "D6").expect("cross-source presence");
        assert!(d6.summary.contains("26 consecutive hours"), "{}", d6.summary);
        assert!(d6.summary.contains("github"), "{}", d6.summary);
        assert!(f.get("E2", "D6").is_none(), "{:?}", f.findings);
    }

    #[test]
    fn out_of_order_events_do_not_invent_runs() {
        let mut w = World::new(&["E1"]);
        w.session_event("E1", w.t(1, 9, 0).0, 7);
        w.session_event("E1", w.t(0, 9, 0).0, 7);
        w.session_event("E1", w.t(1, 10, 0).0, 7);
        assert!(w.run().ids("E1").is_empty());
    }

    #[test]
    fn many_daily_sessions_keep_state_small_and_still_find_the_long_one() {
        let mut w = World::new(&["E1"]);
        for day in 0..60 {
            for h in 9..17 {
                w.session_event("E1", w.t(day, h, 0).0, 1000 + day as u64);
            }
        }
        for h in 0..26 {
            w.session_event("E1", w.t(60, 0, 0).0 + h * 3_600_000, 5);
        }
        let f = w.run();
        assert_eq!(f.ids("E1"), vec!["D6"]);
    }
}

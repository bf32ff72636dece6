//! D6: an interactive session kept alive and active for a day or more.
//!
//! Per session (the vendor's session id), the detector follows runs of activity: a run
//! continues while consecutive events are at most `max_gap_hours` apart. A run of
//! `min_hours` or more is a machine that never leaves its desk, the always-on laptop of a
//! farm or a remote-control set-up; a long-lived token used during two working days has
//! a night-long gap and is not. Only interactive events count (no API clients).
//!
//! Memory stays small: a session idle for longer than the gap, measured against the
//! subject's latest event, can only start a new run, so it is judged and dropped as soon
//! as that is the case. Events older than a session's last one (out-of-order logs) widen
//! nothing and break nothing.

use bonafide_core::{Event, Evidence, Finding, UtcMs};

use super::PerSubject;
use crate::evidence::{Note, SAMPLE};
use crate::{Context, Detector, Findings};

#[derive(Debug, Clone)]
struct Session {
    key: u64,
    run_start: Note,
    last: UtcMs,
    best_ms: i64,
    best: Option<(Note, Note)>,
}

#[derive(Debug, Default)]
struct Tally {
    open: Vec<Session>,
    latest: Option<UtcMs>,
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

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let (Some(subject), Some(key)) = (e.subject, e.session) else { return };
        if !e.interactive {
            return;
        }
        let cfg = &cx.config.d6;
        let gap_ms = (cfg.max_gap_hours * 3_600_000.0) as i64;
        let min_ms = (cfg.min_hours * 3_600_000.0) as i64;
        let t = self.tallies.get_mut(subject);
        let latest = t.latest.map_or(e.at, |l| l.max(e.at));
        t.latest = Some(latest);
        if let Some(s) = t.open.iter_mut().find(|s| s.key == key) {
            if e.at >= s.last {
                if e.at.0 - s.last.0 > gap_ms {
                    s.run_start = Note::of(e);
                }
                s.last = e.at;
                let run = s.last.0 - s.run_start.at.0;
                if run > s.best_ms {
                    s.best_ms = run;
                    s.best = Some((s.run_start.clone(), Note::of(e)));
                }
            }
        } else {
            t.open.push(Session { key, run_start: Note::of(e), last: e.at, best_ms: 0, best: None });
        }
        // Judge sessions that can no longer extend a run, and keep the set bounded.
        let mut i = 0;
        while i < t.open.len() {
            let idle = latest.0 - t.open[i].last.0 > gap_ms;
            if idle || t.open.len() > cfg.max_open_sessions.max(1) {
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

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let min_ms = (cx.config.d6.min_hours * 3_600_000.0) as i64;
        for (subject, t) in self.tallies.iter_mut() {
            for s in std::mem::take(&mut t.open) {
                t.judge(s, min_ms);
            }
            if t.long == 0 {
                continue;
            }
            let hours = t.longest_ms as f64 / 3_600_000.0;
            let summary = format!(
                "{} session(s) active without a break of over {} h for a day or more; longest {:.1} h",
                t.long, cx.config.d6.max_gap_hours, hours
            );
            let mut f = Finding::new("D6", subject, cx.weight("D6"), summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t.evidence.clone();
            f.evidence_total = t.long * 2;
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

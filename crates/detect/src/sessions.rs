//! Sessions across sources: one picture of when each subject is present.
//!
//! Two views are kept, because the sources give two kinds of evidence:
//!
//! - **Sessions per identity system.** An event with the vendor's session id (Okta's
//!   `externalSessionId`, Entra's `sessionId`, `signins.csv` `session_id`) belongs to that
//!   session. An event without one (GitHub, Google Workspace, chat activity) joins the
//!   subject's open *inferred* session of the same system when it falls within
//!   `idle_minutes` of it, and otherwise starts a new one. A session starts with its first
//!   event (a sign-in, or activity after a pause), continues with each event, and ends at
//!   a sign-out or, inferred, after `idle_minutes` without an event. Every event is handed
//!   to the detectors with its [`SessionMark`]: D5 reads it to see a device change inside
//!   one session, D6 to follow continuous activity per session.
//! - **Presence across all sources.** Logs are read file by file, so an Okta export and a
//!   GitHub export of the same weeks arrive one after the other, not interleaved; no
//!   per-event state machine can join them. Instead each subject keeps a bitmap of the UTC
//!   hours in which any interactive event of any source happened (one bit per hour: about
//!   1 kB per subject-year), plus an hour-of-day histogram. Bits do not care about arrival
//!   order. D6 reads the longest run of consecutive active hours (a machine or a team
//!   that never leaves), and the time analysis the histogram.
//!
//! This lives in the detector crate, run by the [`Engine`](crate::Engine) before the
//! detectors see an event, so that every detector reads the same sessions. Memory is
//! bounded per subject: at most `max_open` open sessions (the stalest is closed first),
//! a presence bitmap capped at `max_presence_days`, and a few counters.

use std::sync::Arc;

use bonafide_core::{Action, Event, SubjectIdx, UtcMs};
use serde::{Deserialize, Serialize};

use crate::network::PerSubject;

/// `[detect.sessions]`: how sessions are reconstructed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionsConfig {
    /// Minutes without an event after which a session without a vendor session id is
    /// taken to have ended (and a vendor session is closed in memory).
    pub idle_minutes: f64,
    /// Sessions tracked open per subject at once; the stalest is closed first.
    pub max_open: usize,
    /// Days of hourly presence kept per subject (the oldest are dropped beyond it).
    pub max_presence_days: u32,
}

impl Default for SessionsConfig {
    fn default() -> Self {
        SessionsConfig { idle_minutes: 30.0, max_open: 16, max_presence_days: 730 }
    }
}

/// Where an event stands in its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The first event of the session.
    Start,
    Continue,
    /// A sign-out: the session ends here.
    End,
}

/// The session an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionMark {
    /// The vendor's session id hash, or an id for the inferred session.
    pub key: u64,
    pub phase: Phase,
    /// The earliest event of the session so far.
    pub started: UtcMs,
    /// True when the session was inferred from timing (the vendor gave no session id).
    pub inferred: bool,
    /// Events of the session so far, this one included.
    pub events: u32,
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    SignOut,
    Inactivity,
    /// Still open when the input ended.
    EndOfInput,
}

/// A finished session, for the subject's summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionSummary {
    pub system: Arc<str>,
    pub start: UtcMs,
    pub end: UtcMs,
    pub events: u32,
    pub inferred: bool,
    pub ending: Ending,
}

#[derive(Debug, Clone)]
struct Open {
    key: u64,
    system: Arc<str>,
    inferred: bool,
    first: UtcMs,
    last: UtcMs,
    events: u32,
}

impl Open {
    /// Distance from `t` to the session's span.
    fn distance(&self, t: UtcMs) -> i64 {
        if t < self.first {
            self.first.0 - t.0
        } else if t > self.last {
            t.0 - self.last.0
        } else {
            0
        }
    }

    fn summary(&self, ending: Ending) -> SessionSummary {
        SessionSummary {
            system: self.system.clone(),
            start: self.first,
            end: self.last,
            events: self.events,
            inferred: self.inferred,
            ending,
        }
    }
}

const HOUR: i64 = 3_600_000;

/// The hours in which a subject was active, as a bitmap from `first_hour`.
#[derive(Debug, Default, Clone)]
pub struct Presence {
    first_hour: i64,
    words: Vec<u64>,
}

impl Presence {
    fn mark(&mut self, t: UtcMs, max_hours: i64) {
        let h = t.0.div_euclid(HOUR);
        if self.words.is_empty() {
            self.first_hour = h - h.rem_euclid(64);
            self.words.push(0);
        }
        if h < self.first_hour {
            let extra = (self.first_hour - h + 63) / 64;
            if (self.words.len() as i64 + extra) * 64 > max_hours {
                return; // older than the window kept
            }
            let mut w = vec![0u64; extra as usize];
            w.extend_from_slice(&self.words);
            self.words = w;
            self.first_hour -= extra * 64;
        }
        let mut i = (h - self.first_hour) / 64;
        if i >= self.words.len() as i64 {
            self.words.resize(i as usize + 1, 0);
            // Keep the newest `max_hours`: drop whole words from the front.
            let excess = self.words.len() as i64 - (max_hours / 64).max(1);
            if excess > 0 {
                self.words.drain(..excess as usize);
                self.first_hour += excess * 64;
                i -= excess;
            }
        }
        let bit = (h - self.first_hour) % 64;
        self.words[i as usize] |= 1 << bit;
    }

    /// Active hours in all.
    pub fn active_hours(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// The longest run of consecutive active hours, as (first hour's start, hours).
    pub fn longest_run(&self) -> Option<(UtcMs, u32)> {
        let mut best: Option<(i64, u32)> = None;
        let mut run_start = 0i64;
        let mut run = 0u32;
        for (wi, w) in self.words.iter().enumerate() {
            for b in 0..64 {
                let h = self.first_hour + wi as i64 * 64 + b;
                if w >> b & 1 == 1 {
                    if run == 0 {
                        run_start = h;
                    }
                    run += 1;
                    if best.is_none_or(|(_, n)| run > n) {
                        best = Some((run_start, run));
                    }
                } else {
                    run = 0;
                }
            }
        }
        best.map(|(h, n)| (UtcMs(h * HOUR), n))
    }
}

/// One subject's picture.
#[derive(Debug, Default)]
pub struct Timeline {
    open: Vec<Open>,
    /// Sessions finished so far, by how they ended.
    pub signed_out: u64,
    pub timed_out: u64,
    /// The longest finished session.
    pub longest: Option<SessionSummary>,
    /// Hours with interactive activity from any source.
    pub presence: Presence,
    /// Interactive events per UTC hour of day, all sources.
    pub hour_of_day: [u32; 24],
    /// Identity systems seen (at most eight names).
    pub systems: Vec<Arc<str>>,
    pub first_seen: Option<UtcMs>,
    pub last_seen: Option<UtcMs>,
}

impl Timeline {
    fn finish(&mut self, s: &Open, ending: Ending) {
        match ending {
            Ending::SignOut => self.signed_out += 1,
            _ => self.timed_out += 1,
        }
        if self.longest.as_ref().is_none_or(|l| l.end.0 - l.start.0 < s.last.0 - s.first.0) {
            self.longest = Some(s.summary(ending));
        }
    }

    /// Sessions still open (at the end of input, before [`Sessions::finish`]).
    pub fn open_sessions(&self) -> usize {
        self.open.len()
    }
}

/// Session reconstruction for every subject.
#[derive(Debug, Default)]
pub struct Sessions {
    timelines: PerSubject<Timeline>,
}

fn mix(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}

fn system_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Sessions {
    /// Places `e` in its subject's sessions; `None` for unattributed events.
    pub fn observe(&mut self, e: &Event, cfg: &SessionsConfig) -> Option<SessionMark> {
        let subject = e.subject?;
        let idle = (cfg.idle_minutes.max(0.0) * 60_000.0) as i64;
        let t = self.timelines.get_mut(subject);
        t.first_seen = Some(t.first_seen.map_or(e.at, |f| f.min(e.at)));
        t.last_seen = Some(t.last_seen.map_or(e.at, |l| l.max(e.at)));
        if e.interactive {
            let max_hours = i64::from(cfg.max_presence_days.max(1)) * 24;
            t.presence.mark(e.at, max_hours);
            t.hour_of_day[(e.at.0.div_euclid(HOUR).rem_euclid(24)) as usize] += 1;
        }
        if !t.systems.contains(&e.actor.system) && t.systems.len() < 8 {
            t.systems.push(e.actor.system.clone());
        }
        let sys = system_hash(&e.actor.system);
        let found = match e.session {
            Some(vendor) => {
                let key = mix(vendor, sys);
                t.open.iter().position(|s| s.key == key)
            }
            None => t
                .open
                .iter()
                .enumerate()
                .filter(|(_, s)| s.inferred && s.system == e.actor.system && s.distance(e.at) <= idle)
                .min_by_key(|(_, s)| s.distance(e.at))
                .map(|(i, _)| i),
        };
        let (i, new) = match found {
            Some(i) => {
                let s = &mut t.open[i];
                s.first = s.first.min(e.at);
                s.last = s.last.max(e.at);
                s.events = s.events.saturating_add(1);
                (i, false)
            }
            None => {
                let (key, inferred) = match e.session {
                    Some(vendor) => (mix(vendor, sys), false),
                    None => (mix(mix(sys, u64::from(subject.0)), e.at.0 as u64), true),
                };
                t.open.push(Open { key, system: e.actor.system.clone(), inferred, first: e.at, last: e.at, events: 1 });
                (t.open.len() - 1, true)
            }
        };
        let s = &t.open[i];
        let phase = if e.action == Action::SignOut {
            Phase::End
        } else if new {
            Phase::Start
        } else {
            Phase::Continue
        };
        let mark = SessionMark { key: s.key, phase, started: s.first, inferred: s.inferred, events: s.events };
        if phase == Phase::End {
            let s = t.open.swap_remove(i);
            t.finish(&s, Ending::SignOut);
        }
        // Sessions the stream has left behind by more than the idle time have ended.
        let mut j = 0;
        while j < t.open.len() {
            if t.open[j].distance(e.at) > idle.max(1) && t.open[j].key != mark.key {
                let s = t.open.swap_remove(j);
                t.finish(&s, Ending::Inactivity);
            } else {
                j += 1;
            }
        }
        while t.open.len() > cfg.max_open.max(1) {
            let stalest = (0..t.open.len()).max_by_key(|&k| t.open[k].distance(e.at)).unwrap_or(0);
            let s = t.open.swap_remove(stalest);
            t.finish(&s, Ending::Inactivity);
        }
        Some(mark)
    }

    /// Closes every session still open (the input has ended).
    pub fn finish(&mut self) {
        for (_, t) in self.timelines.iter_mut() {
            for s in std::mem::take(&mut t.open) {
                t.finish(&s, Ending::EndOfInput);
            }
        }
    }

    pub fn timeline(&self, subject: SubjectIdx) -> Option<&Timeline> {
        self.timelines.get(subject)
    }

    pub fn iter(&self) -> impl Iterator<Item = (SubjectIdx, &Timeline)> {
        self.timelines.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bonafide_core::{Actor, ActorKind, Outcome, SourceId, SourcePos};

    fn ev(system: &str, at_min: i64, session: Option<u64>, action: Action) -> Event {
        Event {
            at: UtcMs(1_740_960_000_000 + at_min * 60_000),
            actor: Actor {
                system: Arc::from(system),
                account: Arc::from("a"),
                display_name: None,
                kind: ActorKind::User,
            },
            subject: Some(SubjectIdx(0)),
            action,
            outcome: Outcome::Success,
            event_type: Arc::from("x"),
            net: None,
            session,
            device: None,
            device_managed: None,
            target: None,
            detail: bonafide_core::Detail::None,
            user_agent: None,
            interactive: true,
            id: None,
            source: SourcePos::line(SourceId(0), 1),
        }
    }

    #[test]
    fn inferred_sessions_start_continue_and_end_after_inactivity() {
        let cfg = SessionsConfig::default();
        let mut s = Sessions::default();
        let m1 = s.observe(&ev("github", 0, None, Action::Access), &cfg).unwrap();
        let m2 = s.observe(&ev("github", 20, None, Action::Access), &cfg).unwrap();
        let m3 = s.observe(&ev("github", 45, None, Action::Access), &cfg).unwrap();
        let m4 = s.observe(&ev("github", 120, None, Action::Access), &cfg).unwrap();
        assert!(m1.inferred && m1.phase == Phase::Start);
        assert_eq!((m2.key, m2.phase, m2.events), (m1.key, Phase::Continue, 2));
        assert_eq!(m3.key, m1.key, "25 minutes later is the same session");
        assert_ne!(m4.key, m1.key, "75 minutes of silence ended it");
        assert_eq!(m4.phase, Phase::Start);
        let t = s.timeline(SubjectIdx(0)).unwrap();
        assert_eq!(t.timed_out, 1);
        assert_eq!(t.longest.as_ref().unwrap().events, 3);
    }

    #[test]
    fn vendor_sessions_end_at_sign_out_and_sources_stay_apart() {
        let cfg = SessionsConfig::default();
        let mut s = Sessions::default();
        let a = s.observe(&ev("okta", 0, Some(7), Action::SignIn), &cfg).unwrap();
        let g = s.observe(&ev("gws", 5, None, Action::SignIn), &cfg).unwrap();
        let b = s.observe(&ev("okta", 10, Some(7), Action::Access), &cfg).unwrap();
        let c = s.observe(&ev("okta", 20, Some(7), Action::SignOut), &cfg).unwrap();
        assert!(!a.inferred && g.inferred);
        assert_ne!(a.key, g.key);
        assert_eq!((b.key, b.phase), (a.key, Phase::Continue));
        assert_eq!((c.key, c.phase), (a.key, Phase::End));
        let d = s.observe(&ev("okta", 30, Some(8), Action::SignIn), &cfg).unwrap();
        assert_eq!(d.phase, Phase::Start);
        assert_eq!(s.timeline(SubjectIdx(0)).unwrap().signed_out, 1);
    }

    #[test]
    fn newest_first_logs_build_the_same_sessions() {
        let cfg = SessionsConfig::default();
        let mut s = Sessions::default();
        let keys: Vec<u64> = [120, 100, 80, 60, 0]
            .iter()
            .map(|m| s.observe(&ev("github", *m, None, Action::Access), &cfg).unwrap().key)
            .collect();
        assert!(keys[..4].iter().all(|k| *k == keys[0]), "20-minute steps backwards stay one session");
        assert_ne!(keys[4], keys[0]);
    }

    #[test]
    fn presence_joins_sources_read_one_after_the_other() {
        let cfg = SessionsConfig::default();
        let mut s = Sessions::default();
        // Okta by day (hours 0-11), then, from another file, GitHub by night (hours 12-25).
        for h in 0..12 {
            s.observe(&ev("okta", h * 60 + 5, Some(1), Action::Access), &cfg);
        }
        for h in 12..26 {
            s.observe(&ev("github", h * 60 + 30, None, Action::Access), &cfg);
        }
        let t = s.timeline(SubjectIdx(0)).unwrap();
        assert_eq!(t.presence.longest_run().unwrap().1, 26);
        assert_eq!(t.presence.active_hours(), 26);
        assert_eq!(t.systems.len(), 2);
        assert_eq!(t.hour_of_day.iter().sum::<u32>(), 26);
    }

    #[test]
    fn memory_stays_bounded() {
        let cfg = SessionsConfig { max_open: 4, max_presence_days: 10, ..Default::default() };
        let mut s = Sessions::default();
        for i in 0..1000u64 {
            s.observe(&ev("okta", i as i64 * 7, Some(i), Action::SignIn), &cfg);
        }
        // Then far back in time, and far forward.
        s.observe(&ev("okta", -60 * 24 * 400, None, Action::Access), &cfg);
        s.observe(&ev("okta", 60 * 24 * 400, None, Action::Access), &cfg);
        let t = s.timeline(SubjectIdx(0)).unwrap();
        assert!(t.open_sessions() <= 4);
        assert!(t.presence.words.len() <= 10 * 24 / 64 + 1, "{}", t.presence.words.len());
    }
}

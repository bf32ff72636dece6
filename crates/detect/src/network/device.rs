//! D5: access from unmanaged devices, or a session token replayed from another device.
//!
//! Replay: inside one vendor session (the identity provider's own session id, never an
//! inferred one), the first device seen is the session's device. A later successful
//! sign-in or access in that session from another device (another device id; without
//! ids, another operating system in the user agent) means the session cookie or token
//! travelled to a second machine: the remote-control and token-theft pattern. MFA steps
//! are left out (a push approved on a phone is another device by design).
//!
//! Unmanaged: where the identity provider reports device management (Entra's
//! `deviceDetail.isManaged`/`isCompliant`, Okta's `device.managed`), a subject whose
//! sign-ins mostly come from unmanaged devices is flagged at a lower weight, and only
//! where managed devices are the organisation's norm: in a bring-your-own-device company
//! everyone is unmanaged and nobody stands out.

use bonafide_core::{Action, Event, Finding, Outcome, UtcMs};

use super::PerSubject;
use crate::evidence::{Note, SAMPLE, Sample};
use crate::sessions::SessionMark;
use crate::{Context, Detector, Findings};

/// The operating-system family of a user agent. User agents spell the system the same
/// way nearly always, so the common spellings are found without lower-casing (this runs
/// for every sign-in).
pub fn os_family(ua: &str) -> Option<&'static str> {
    const SPELLINGS: &[(&str, &str)] = &[
        ("iPhone", "ios"),
        ("iPad", "ios"),
        ("Android", "android"),
        ("CrOS", "chromeos"),
        ("Windows", "windows"),
        ("Macintosh", "macos"),
        ("Mac OS", "macos"),
        ("Linux", "linux"),
        ("X11", "linux"),
    ];
    let b = ua.as_bytes();
    if let Some((_, f)) = SPELLINGS.iter().find(|(needle, _)| memchr::memmem::find(b, needle.as_bytes()).is_some()) {
        return Some(f);
    }
    let u = ua.to_ascii_lowercase();
    let family = if u.contains("iphone") || u.contains("ipad") || u.contains("ios") {
        "ios"
    } else if u.contains("android") {
        "android"
    } else if u.contains("cros") {
        "chromeos"
    } else if u.contains("windows") {
        "windows"
    } else if u.contains("mac os") || u.contains("macintosh") || u.contains("macos") {
        "macos"
    } else if u.contains("linux") || u.contains("x11") {
        "linux"
    } else {
        return None;
    };
    Some(family)
}

#[derive(Debug, Clone, PartialEq)]
enum Fingerprint {
    Device(std::sync::Arc<str>),
    Os(&'static str),
}

impl Fingerprint {
    fn label(&self) -> String {
        match self {
            Fingerprint::Device(d) => format!("device {d}"),
            Fingerprint::Os(o) => format!("{o} client"),
        }
    }

    fn same_kind(&self, other: &Fingerprint) -> bool {
        matches!(
            (self, other),
            (Fingerprint::Device(_), Fingerprint::Device(_)) | (Fingerprint::Os(_), Fingerprint::Os(_))
        )
    }
}

/// A followed session: its key, the device that opened it and where that was logged.
/// Kept small (no evidence note) because every subject has dozens of sessions and
/// nearly none is ever replayed.
#[derive(Debug)]
struct Tracked {
    key: u64,
    first: Fingerprint,
    at: UtcMs,
    source: bonafide_core::SourcePos,
    replayed: bool,
}

#[derive(Debug, Default)]
struct Tally {
    sessions: Vec<Tracked>,
    replays: u64,
    evidence: Vec<bonafide_core::Evidence>,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
    with_context: u64,
    unmanaged: u64,
    unmanaged_sample: Sample,
}

#[derive(Debug, Default)]
pub struct DeviceChange {
    tallies: PerSubject<Tally>,
    org_with_context: u64,
    org_managed: u64,
}

impl Detector for DeviceChange {
    fn name(&self) -> &'static str {
        "device-change"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D5"]
    }

    fn observe_in_session(&mut self, e: &Event, mark: &SessionMark, cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        if !matches!(e.outcome, Outcome::Success | Outcome::Unknown)
            || !matches!(e.action, Action::SignIn | Action::Access)
        {
            return;
        }
        let cfg = &cx.config.d5;
        if let Some(managed) = e.device_managed
            && e.action == Action::SignIn
        {
            self.org_with_context += 1;
            self.org_managed += u64::from(managed);
            let t = self.tallies.get_mut(subject);
            t.with_context += 1;
            if !managed {
                t.unmanaged += 1;
                t.unmanaged_sample.add(e);
            }
        }
        if mark.inferred {
            return;
        }
        let fp = match (&e.device, &e.user_agent) {
            (Some(d), _) => Fingerprint::Device(d.clone()),
            (None, Some(ua)) if cfg.compare_user_agent => match os_family(ua) {
                Some(os) => Fingerprint::Os(os),
                None => return,
            },
            _ => return,
        };
        let t = self.tallies.get_mut(subject);
        match t.sessions.iter_mut().find(|s| s.key == mark.key) {
            None => {
                if t.sessions.len() >= cfg.max_sessions.max(1) {
                    t.sessions.remove(0);
                }
                t.sessions.push(Tracked { key: mark.key, first: fp, at: e.at, source: e.source, replayed: false });
            }
            Some(s) => {
                if s.replayed || !s.first.same_kind(&fp) || s.first == fp {
                    return;
                }
                s.replayed = true;
                t.replays += 1;
                let (lo, hi) = (s.at.min(e.at), s.at.max(e.at));
                t.first = Some(t.first.map_or(lo, |f| f.min(lo)));
                t.last = Some(t.last.map_or(hi, |l| l.max(hi)));
                if t.evidence.len() + 2 <= SAMPLE {
                    let opened = bonafide_core::Evidence::at(s.source)
                        .with("at", s.at.to_rfc3339())
                        .with("session_device", s.first.label())
                        .with("role", "opened the session");
                    let other = Note::of(e).evidence().with("session_device", fp.label()).with("role", "continued it");
                    if s.at <= e.at {
                        t.evidence.extend([opened, other]);
                    } else {
                        t.evidence.extend([other, opened]);
                    }
                }
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.d5;
        let org_share =
            if self.org_with_context == 0 { 0.0 } else { self.org_managed as f64 / self.org_with_context as f64 };
        for (subject, t) in self.tallies.iter() {
            let unmanaged_share = if t.with_context == 0 { 0.0 } else { t.unmanaged as f64 / t.with_context as f64 };
            let unmanaged = t.with_context >= u64::from(cfg.unmanaged_min_signins)
                && unmanaged_share > cfg.unmanaged_min_share
                && org_share >= cfg.org_managed_share;
            if t.replays == 0 && !unmanaged {
                continue;
            }
            let mut parts = Vec::new();
            if t.replays > 0 {
                parts.push(format!(
                    "{} session(s) continued from another device than the one that opened them",
                    t.replays
                ));
            }
            if unmanaged {
                parts.push(format!(
                    "{} of {} sign-ins ({}) from unmanaged devices, where {} of the organisation's are managed",
                    t.unmanaged,
                    t.with_context,
                    super::percent(t.unmanaged, t.with_context),
                    super::percent(self.org_managed, self.org_with_context)
                ));
            }
            let weight = if t.replays > 0 { cx.weight("D5") } else { cfg.unmanaged_bits };
            let mut f = Finding::new("D5", subject, weight, parts.join("; "));
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t.evidence.clone();
            f.evidence_total = t.replays * 2;
            if unmanaged {
                for n in &t.unmanaged_sample.items {
                    f.seen(n.at);
                    if f.evidence.len() < SAMPLE {
                        f.evidence.push(n.evidence().with("device_managed", false));
                    }
                }
                f.evidence_total += t.unmanaged;
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::os_family;
    use crate::testkit::*;

    const WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/133.0 Safari/537.36";
    const LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/133.0 Safari/537.36";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15";

    #[test]
    fn user_agents_name_their_system() {
        assert_eq!(os_family(WIN), Some("windows"));
        assert_eq!(os_family(LINUX), Some("linux"));
        assert_eq!(os_family(IPHONE), Some("ios"));
        assert_eq!(os_family("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3)"), Some("macos"));
        assert_eq!(os_family("Mozilla/5.0 (Linux; Android 14; Pixel 8)"), Some("android"));
        assert_eq!(os_family("okta-sdk-java/8.2"), None);
    }

    #[test]
    fn a_session_continued_from_another_machine_fires() {
        let mut w = World::new(&["E1", "E2"]);
        w.device_event("E1", w.t(0, 9, 0), 7, None, Some(WIN), None);
        w.device_event("E1", w.t(0, 10, 0), 7, None, Some(WIN), None);
        w.device_event("E1", w.t(0, 11, 0), 7, None, Some(LINUX), None);
        // Device ids: the same session on a second registered device.
        w.device_event("E2", w.t(0, 9, 0), 9, Some("dev-a"), None, None);
        w.device_event("E2", w.t(0, 9, 30), 9, Some("dev-b"), None, None);
        let f = w.run();
        let d5 = f.get("E1", "D5").expect("OS change inside one session");
        assert!(d5.summary.contains("1 session(s)"), "{}", d5.summary);
        assert_eq!(d5.evidence.len(), 2);
        assert_eq!(d5.weight_bits, w.weight("D5"));
        assert!(f.get("E2", "D5").is_some(), "device id change inside one session");
    }

    #[test]
    fn new_sessions_on_new_devices_and_phone_approvals_are_normal() {
        let mut w = World::new(&["E1"]);
        // Laptop session, then a phone session of its own: two sessions, one device each.
        w.device_event("E1", w.t(0, 9, 0), 7, None, Some(WIN), None);
        w.device_event("E1", w.t(0, 12, 0), 8, None, Some(IPHONE), None);
        // An MFA push approved on the phone inside the laptop session.
        w.mfa_event("E1", w.t(0, 9, 1), 7, IPHONE);
        // A browser update inside a session changes the version, not the system.
        w.device_event("E1", w.t(0, 13, 0), 7, None, Some(&WIN.replace("133.0", "134.0")), None);
        assert!(w.run().get("E1", "D5").is_none());
    }

    #[test]
    fn unmanaged_access_counts_only_where_managed_is_the_norm() {
        let ids: Vec<String> = (0..6).map(|i| format!("M{i}")).collect();
        let mut all: Vec<&str> = ids.iter().map(String::as_str).collect();
        all.push("U1");
        let mut w = World::new(&all);
        for day in 0..10 {
            for id in &ids {
                w.device_event(id, w.t(day, 9, 0), 100 + day as u64, None, Some(WIN), Some(true));
            }
            w.device_event("U1", w.t(day, 9, 0), 200 + day as u64, None, Some(WIN), Some(false));
        }
        let f = w.run();
        let d5 = f.get("U1", "D5").expect("unmanaged where others are managed");
        assert!(d5.weight_bits < w.weight("D5"));
        assert!(d5.summary.contains("unmanaged"), "{}", d5.summary);
        assert!(f.get("M0", "D5").is_none());

        // A bring-your-own-device company: nobody is managed, nobody stands out.
        let mut w = World::new(&all);
        for day in 0..10 {
            for id in &all {
                w.device_event(id, w.t(day, 9, 0), 300 + day as u64, None, Some(WIN), Some(false));
            }
        }
        assert!(w.run().findings.iter().all(|f| f.indicator != "D5"));
    }

    #[test]
    fn inferred_sessions_are_not_compared() {
        // No vendor session id: two devices in the same hour are two devices, not a replay.
        let mut w = World::new(&["E1"]);
        w.device_event_no_session("E1", w.t(0, 9, 0), Some("dev-a"));
        w.device_event_no_session("E1", w.t(0, 9, 10), Some("dev-b"));
        assert!(w.run().get("E1", "D5").is_none());
    }
}

//! F9: access after the HR end date.
//!
//! Any successful event of the subject's own identities (a sign-in, a token refresh, a
//! git pull, a chat message, a new key) after the end of the end date plus
//! `grace_hours`, or `min_failures` failed attempts, fires: a former worker whose
//! access still works, or who tries to get back in, often shortly before an extortion
//! demand. Events done *to* the subject (an admin deactivating the account) are not the
//! subject's. A hire date after the end date is a rehire, and the old end date is void.
//! Failed non-interactive attempts (a phone's mail app retrying a disabled account every
//! hour) are a device, not a person trying to get back in, and are not counted; a
//! non-interactive *success* still is: access that works after the end date.

use bonafide_core::{Event, Finding, Outcome, UtcMs};

use crate::evidence::{Note, SAMPLE, Sample};
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
struct Tally {
    access: Sample,
    failures: Sample,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
}

#[derive(Debug, Default)]
pub struct AfterExit {
    tallies: PerSubject<Tally>,
}

impl Detector for AfterExit {
    fn name(&self) -> &'static str {
        "after-exit"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["F9"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        let Some(s) = cx.subject(subject) else { return };
        let Some(end) = s.end_date else { return };
        if s.hire_date.is_some_and(|h| h > end) {
            return;
        }
        let cutoff = end.0 + bonafide_core::time::MS_PER_DAY + (cx.config.f9.grace_hours * 3_600_000.0) as i64;
        if e.at.0 < cutoff {
            return;
        }
        let failed = matches!(e.outcome, Outcome::Failure | Outcome::Challenge);
        if failed && !e.interactive {
            return;
        }
        let t = self.tallies.get_mut(subject);
        match e.outcome {
            Outcome::Failure | Outcome::Challenge => t.failures.add(e),
            Outcome::Success | Outcome::Unknown => t.access.add(e),
        }
        t.first = Some(t.first.map_or(e.at, |f| f.min(e.at)));
        t.last = Some(t.last.map_or(e.at, |l| l.max(e.at)));
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.f9;
        for (subject, t) in self.tallies.iter() {
            let (ok, failed) = (t.access.total, t.failures.total);
            if ok == 0 && failed < u64::from(cfg.min_failures) {
                continue;
            }
            let Some(end) = cx.subject(subject).and_then(|s| s.end_date) else { continue };
            let mut parts = Vec::new();
            if ok > 0 {
                let kinds: Vec<String> = {
                    let mut k: Vec<String> = t.access.items.iter().map(|n| n.event_type.to_string()).collect();
                    k.sort();
                    k.dedup();
                    k.into_iter().take(4).collect()
                };
                parts.push(format!("{ok} successful event(s) ({})", kinds.join(", ")));
            }
            if failed > 0 {
                parts.push(format!("{failed} failed attempt(s)"));
            }
            let last = t.last.map(|l| l.to_rfc3339()).unwrap_or_default();
            let summary =
                format!("{} after the end date {}, the last at {last}", parts.join(" and "), end.date_string());
            let mut f = Finding::new("F9", subject, cx.weight("F9"), summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t
                .access
                .items
                .iter()
                .chain(t.failures.items.iter())
                .take(SAMPLE)
                .map(|n: &Note| n.evidence().with("days_after_end", (n.at.0 - end.0) / bonafide_core::time::MS_PER_DAY))
                .collect();
            f.evidence_total = ok + failed;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::{IpKind, Outcome};

    #[test]
    fn a_sign_in_or_token_use_after_leaving_fires() {
        let mut w = World::new(&["L1", "L2"]);
        w.set_end("L1", 10);
        w.set_end("L2", 10);
        w.signin("L1", 14, 3, "73.1.1.1", IpKind::Residential, (40.0, -83.0), "US");
        w.github("L2", w.t(40, 3, 0), "git.clone", "acme/payments");
        let f = w.run();
        let f9 = f.get("L1", "F9").expect("sign-in after the end date");
        assert!(f9.summary.contains("1 successful"), "{}", f9.summary);
        assert_eq!(f9.weight_bits, w.weight("F9"));
        assert!(f.get("L2", "F9").expect("token use").summary.contains("git.clone"));
    }

    #[test]
    fn repeated_failures_fire_a_single_one_does_not() {
        let mut w = World::new(&["L1", "L2"]);
        w.set_end("L1", 10);
        w.set_end("L2", 10);
        for h in 0..3 {
            w.failed_at("L1", w.t(20, h, 0), "73.1.1.1", (40.0, -83.0), "US");
        }
        w.failed_at("L2", w.t(20, 1, 0), "73.1.1.1", (40.0, -83.0), "US");
        let f = w.run();
        assert!(f.get("L1", "F9").expect("attempts").summary.contains("3 failed"));
        assert!(f.get("L2", "F9").is_none());
    }

    /// A phone's mail app retrying the disabled account every hour is a device, not the
    /// person; the same device still getting in would be access.
    #[test]
    fn a_device_retrying_a_disabled_account_does_not_fire() {
        let mut w = World::new(&["L1", "L2"]);
        w.set_end("L1", 10);
        w.set_end("L2", 10);
        for h in 0..12 {
            w.failed_at("L1", w.t(20, h, 0), "73.1.1.1", (40.0, -83.0), "US");
            w.events.last_mut().unwrap().interactive = false;
        }
        w.failed_at("L2", w.t(20, 1, 0), "73.1.1.1", (40.0, -83.0), "US");
        w.events.last_mut().unwrap().interactive = false;
        w.events.last_mut().unwrap().outcome = Outcome::Success;
        let f = w.run();
        assert!(f.get("L1", "F9").is_none());
        assert!(f.get("L2", "F9").expect("a token that still works").summary.contains("1 successful"));
    }

    #[test]
    fn the_last_day_a_rehire_and_an_admin_deactivation_do_not() {
        let mut w = World::new(&["L1", "R1", "L3", "ADM"]);
        w.set_end("L1", 10);
        // The last evening, in a time zone behind UTC.
        w.signin_at("L1", w.t(11, 4, 0), "73.1.1.1", IpKind::Residential, (40.0, -83.0), "US");
        // Left, then rehired: the old end date is void.
        w.set_end("R1", 10);
        w.set_hire("R1", 30);
        w.signin("R1", 40, 9, "73.1.1.2", IpKind::Residential, (40.0, -83.0), "US");
        // An admin deactivates the account after the end date.
        w.set_end("L3", 10);
        w.grant("ADM", "L3", w.t(12, 9, 0), "okta", "user.lifecycle.deactivate");
        let f = w.run();
        for id in ["L1", "R1", "L3", "ADM"] {
            assert!(f.get(id, "F9").is_none(), "{id}");
        }
    }
}

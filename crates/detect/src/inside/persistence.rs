//! F6: an early push for privileges, or new persistence.
//!
//! Grants of admin, publishing or signing rights to the subject (by anyone: the grant
//! is usually made by an admin, and the engine hands such events to the grantee), and
//! credentials the subject creates (SSH keys, personal access and API tokens, OAuth app
//! authorisations, MFA factors, recovery channels; the vendor event types are in
//! `data/conduct.toml`). It fires on
//!
//! - a privilege grant within `early_days` of the hire date;
//! - `min_credentials` new credentials within the early window, not counting the first
//!   `grace_days` (MFA enrolment and a first SSH key are onboarding, not persistence);
//! - a burst of `burst_count` credentials within `burst_hours` at any time after the
//!   grace period.
//!
//! Without a hire date only bursts are judged. Failed attempts are not credentials.

use bonafide_core::{Event, Finding, Outcome, SubjectIdx, UtcMs};

use super::{Conduct, CredentialKind, F6Rules};
use crate::evidence::{Note, SAMPLE};
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};

/// Credential events remembered per subject.
const MAX_EVENTS: usize = 512;
const DAY: i64 = 86_400_000;

#[derive(Debug, Default)]
struct Tally {
    /// (time, kind, evidence), in arrival order.
    items: Vec<(UtcMs, CredentialKind, Note)>,
    total: u64,
}

#[derive(Debug, Default)]
pub struct Persistence {
    rules: Option<F6Rules>,
    tallies: PerSubject<Tally>,
}

impl Persistence {
    fn record(&mut self, e: &Event, subject: SubjectIdx, as_target: bool, cx: &Context<'_>) {
        if matches!(e.outcome, Outcome::Failure | Outcome::Challenge) {
            return;
        }
        let rules = self.rules.get_or_insert_with(|| Conduct::builtin().f6_rules(&cx.config.f6));
        let Some(kind) = rules.kind(&e.actor.system, &e.event_type) else { return };
        // Done to the subject by someone else, only a grant of rights is theirs.
        if as_target && kind != CredentialKind::Privilege {
            return;
        }
        let t = self.tallies.get_mut(subject);
        t.total += 1;
        if t.items.len() < MAX_EVENTS {
            t.items.push((e.at, kind, Note::of(e)));
        }
    }
}

impl Detector for Persistence {
    fn name(&self) -> &'static str {
        "persistence"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["F6"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        if let Some(s) = e.subject {
            self.record(e, s, false, cx);
        }
    }

    fn observe_target(&mut self, e: &Event, target: SubjectIdx, cx: &Context<'_>) {
        self.record(e, target, true, cx);
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.f6;
        for (subject, t) in self.tallies.iter_mut() {
            t.items.sort_by_key(|i| i.0);
            let hire = cx.subject(subject).and_then(|s| s.hire_date);
            let grace_end = hire.map(|h| UtcMs(h.0 + i64::from(cfg.grace_days) * DAY));
            let early_end = hire.map(|h| UtcMs(h.0 + i64::from(cfg.early_days) * DAY));
            let mut parts = Vec::new();
            let mut picked: Vec<usize> = Vec::new();
            if let (Some(h), Some(end)) = (hire, early_end) {
                let grants: Vec<usize> = (0..t.items.len())
                    .filter(|&i| t.items[i].1 == CredentialKind::Privilege && t.items[i].0 >= h && t.items[i].0 < end)
                    .collect();
                if let Some(&g) = grants.first() {
                    let days = (t.items[g].0.0 - h.0) / DAY;
                    parts.push(format!(
                        "{} privilege grant(s) within {} days of the hire date, the first after {days} day(s) ({})",
                        grants.len(),
                        cfg.early_days,
                        t.items[g].2.event_type
                    ));
                    picked.extend(&grants);
                }
                let early: Vec<usize> = (0..t.items.len())
                    .filter(|&i| {
                        let (at, kind, _) = &t.items[i];
                        *kind != CredentialKind::Privilege && grace_end.is_some_and(|g| *at >= g) && *at < end
                    })
                    .collect();
                if early.len() >= cfg.min_credentials as usize {
                    parts.push(format!(
                        "{} new credentials between day {} and day {} after the hire date ({})",
                        early.len(),
                        cfg.grace_days,
                        cfg.early_days,
                        kinds(&t.items, &early)
                    ));
                    picked.extend(&early);
                }
            }
            // Bursts, at any time after the grace period.
            let creds: Vec<usize> = (0..t.items.len())
                .filter(|&i| t.items[i].1 != CredentialKind::Privilege && grace_end.is_none_or(|g| t.items[i].0 >= g))
                .collect();
            let span = (cfg.burst_hours * 3_600_000.0) as i64;
            let need = cfg.burst_count.max(2) as usize;
            let mut best: Option<(usize, usize)> = None;
            let mut lo = 0;
            for hi in 0..creds.len() {
                while t.items[creds[hi]].0.0 - t.items[creds[lo]].0.0 > span {
                    lo += 1;
                }
                if hi + 1 - lo >= need && best.is_none_or(|(a, b)| hi - lo > b - a) {
                    best = Some((lo, hi));
                }
            }
            if let Some((a, b)) = best {
                let burst: Vec<usize> = creds[a..=b].to_vec();
                parts.push(format!(
                    "{} new credentials within {} h from {} ({})",
                    burst.len(),
                    cfg.burst_hours,
                    t.items[burst[0]].0,
                    kinds(&t.items, &burst)
                ));
                picked.extend(&burst);
            }
            if parts.is_empty() {
                continue;
            }
            picked.sort_unstable();
            picked.dedup();
            let mut f = Finding::new("F6", subject, cx.weight("F6"), parts.join("; "));
            for &i in &picked {
                let (at, kind, note) = &t.items[i];
                f.seen(*at);
                if f.evidence.len() < SAMPLE {
                    f.evidence.push(note.evidence().with("credential", kind.as_str()));
                }
            }
            f.evidence_total = picked.len() as u64;
            out.push(f);
        }
    }
}

/// `2 access token, 1 SSH key` for the items at `idx`.
fn kinds(items: &[(UtcMs, CredentialKind, Note)], idx: &[usize]) -> String {
    let mut counts: Vec<(CredentialKind, usize)> = Vec::new();
    for &i in idx {
        match counts.iter_mut().find(|(k, _)| *k == items[i].1) {
            Some((_, n)) => *n += 1,
            None => counts.push((items[i].1, 1)),
        }
    }
    counts.sort();
    counts.iter().map(|(k, n)| format!("{n} {}", k.as_str())).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    #[test]
    fn an_admin_grant_in_week_three_fires_for_the_grantee() {
        let mut w = World::new(&["N1", "ADM"]);
        w.set_hire("N1", 0);
        w.grant("ADM", "N1", w.t(20, 10, 0), "okta", "user.account.privilege.grant");
        let f = w.run();
        let f6 = f.get("N1", "F6").expect("F6 for the grantee");
        assert!(f6.summary.contains("privilege grant"), "{}", f6.summary);
        assert!(f.get("ADM", "F6").is_none(), "the admin who granted it did nothing suspicious");
    }

    #[test]
    fn tokens_keys_and_oauth_apps_after_onboarding_fire() {
        let mut w = World::new(&["N1", "N2"]);
        for id in ["N1", "N2"] {
            w.set_hire(id, 0);
            // Onboarding: MFA and a first SSH key on day one.
            w.github(id, w.t(0, 10, 0), "two_factor_authentication.add_factor", "");
            w.github(id, w.t(0, 11, 0), "public_key.create", "");
        }
        w.github("N1", w.t(15, 3, 0), "personal_access_token.create", "");
        w.github("N1", w.t(30, 3, 0), "oauth_authorization.create", "");
        w.github("N1", w.t(45, 3, 0), "public_key.create", "");
        let f = w.run();
        let f6 = f.get("N1", "F6").expect("F6");
        assert!(f6.summary.contains("3 new credentials"), "{}", f6.summary);
        assert!(f.get("N2", "F6").is_none(), "onboarding alone is not persistence");
    }

    #[test]
    fn a_burst_fires_without_a_hire_date_an_ordinary_membership_does_not() {
        let mut w = World::new(&["V1", "V2"]);
        for k in 0..5 {
            w.github("V1", w.t(100, 2, k * 20), "personal_access_token.create", "");
        }
        w.github("V2", w.t(100, 2, 0), "org.add_member", "acme");
        for k in 0..5 {
            // Five tokens, but over five months.
            w.github("V2", w.t(30 * k, 2, 0), "personal_access_token.create", "");
        }
        let f = w.run();
        assert!(f.get("V1", "F6").expect("burst").summary.contains("5 new credentials within 24 h"));
        assert!(f.get("V2", "F6").is_none());
    }

    #[test]
    fn a_late_grant_and_a_failed_attempt_do_not() {
        let mut w = World::new(&["N1", "ADM"]);
        w.set_hire("N1", 0);
        w.grant("ADM", "N1", w.t(200, 10, 0), "okta", "user.account.privilege.grant");
        w.github_failed("N1", w.t(10, 10, 0), "personal_access_token.create");
        assert!(w.run().get("N1", "F6").is_none());
    }
}

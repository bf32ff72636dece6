//! Which subject a log identity belongs to.
//!
//! `accounts.csv` links are exact per system; failing that, a log account that is one of
//! a subject's email addresses belongs to that subject in any system; failing that, an
//! account of a file that names no system (`signins.csv` without `source`,
//! `activity.csv` rows without one) belongs to the subject `accounts.csv` gives it under
//! any system, when it gives it to one subject only; failing that, a user identity
//! becomes an implicit subject of its own (when configured), so no person's activity
//! goes unanalysed.

use rustc_hash::FxHashMap as HashMap;

use bonafide_core::{Actor, SubjectIdx};

#[derive(Debug, Default)]
pub struct Directory {
    /// system → account → subject; nested so a lookup borrows and never allocates.
    by_account: HashMap<String, HashMap<String, SubjectIdx>>,
    by_email: HashMap<String, SubjectIdx>,
    /// account → the one subject `accounts.csv` links it to under any system (`None`
    /// when it links it to two).
    by_declared: HashMap<String, Option<SubjectIdx>>,
}

/// The systems of rows whose file does not say where they come from: a user linking
/// `jdoe` to a person under `vpn` means the `jdoe` of their sign-in export too.
const UNNAMED_SYSTEMS: &[&str] = &[bonafide_ingest::signins::SYSTEM, bonafide_ingest::activity::DEFAULT_SYSTEM];

impl Directory {
    pub fn link(&mut self, system: &str, account: &str, subject: SubjectIdx) {
        self.by_account.entry(system.to_lowercase()).or_default().entry(account.to_lowercase()).or_insert(subject);
    }

    /// A link `accounts.csv` declares: exact for its system, and a candidate for rows
    /// of unnamed systems.
    pub fn declare(&mut self, system: &str, account: &str, subject: SubjectIdx) {
        self.link(system, account, subject);
        let slot = self.by_declared.entry(account.to_lowercase()).or_insert(Some(subject));
        if *slot != Some(subject) {
            *slot = None;
        }
    }

    pub fn email(&mut self, email: &str, subject: SubjectIdx) {
        self.by_email.entry(email.to_lowercase()).or_insert(subject);
    }

    /// The subject linked to `account` (lower case) in `system`, without the email
    /// fallback.
    pub fn resolve_in(&self, system: &str, account: &str) -> Option<SubjectIdx> {
        self.by_account.get(system).and_then(|m| m.get(account)).copied()
    }

    /// The subject of an actor, if any record claims it. Accounts are stored lower case
    /// by the readers.
    pub fn resolve(&self, actor: &Actor) -> Option<SubjectIdx> {
        let account = actor.account.as_ref();
        self.by_account
            .get(actor.system.as_ref())
            .and_then(|m| m.get(account))
            .or_else(|| self.by_email.get(account))
            .copied()
            .or_else(|| {
                UNNAMED_SYSTEMS
                    .contains(&actor.system.as_ref())
                    .then(|| self.by_declared.get(account).copied().flatten())?
            })
    }

    /// The subject of an account named in an event's target (the grantee of a role),
    /// looked up like an actor of the same system. Accounts are compared lower case.
    pub fn resolve_account(&self, system: &str, account: &str) -> Option<SubjectIdx> {
        let account = account.trim();
        if account.is_empty() {
            return None;
        }
        let lower;
        let account = if account.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = account.to_lowercase();
            lower.as_str()
        } else {
            account
        };
        self.by_account.get(system).and_then(|m| m.get(account)).or_else(|| self.by_email.get(account)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(system: &str, account: &str) -> Actor {
        Actor::user(system, account)
    }

    #[test]
    fn unnamed_systems_take_a_declared_account_of_one_subject_only() {
        let (e1, e2) = (SubjectIdx(0), SubjectIdx(1));
        let mut d = Directory::default();
        d.declare("vpn", "JDoe", e1);
        d.declare("chat", "u0jane", e1);
        d.declare("okta", "u0jane", e1);
        d.declare("okta", "sam", e1);
        d.declare("github", "sam", e2);
        assert_eq!(d.resolve(&actor("signins", "jdoe")), Some(e1));
        assert_eq!(d.resolve(&actor("activity", "u0jane")), Some(e1), "one subject under two systems");
        assert_eq!(d.resolve(&actor("signins", "sam")), None, "two subjects: no guess");
        // A named system stays exact.
        assert_eq!(d.resolve(&actor("okta", "jdoe")), None);
        assert_eq!(d.resolve(&actor("vpn", "jdoe")), Some(e1));
        // Links that accounts.csv did not declare (implicit subjects, hosts) are not candidates.
        d.link("osquery", "host-1", e2);
        assert_eq!(d.resolve(&actor("signins", "host-1")), None);
    }
}

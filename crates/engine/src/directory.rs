//! Which subject a log identity belongs to.
//!
//! `accounts.csv` links are exact per system; failing that, a log account that is one of
//! a subject's email addresses belongs to that subject in any system; failing that, a
//! user identity becomes an implicit subject of its own (when configured), so no person's
//! activity goes unanalysed.

use rustc_hash::FxHashMap as HashMap;

use bonafide_core::{Actor, SubjectIdx};

#[derive(Debug, Default)]
pub struct Directory {
    /// system → account → subject; nested so a lookup borrows and never allocates.
    by_account: HashMap<String, HashMap<String, SubjectIdx>>,
    by_email: HashMap<String, SubjectIdx>,
}

impl Directory {
    pub fn link(&mut self, system: &str, account: &str, subject: SubjectIdx) {
        self.by_account.entry(system.to_lowercase()).or_default().entry(account.to_lowercase()).or_insert(subject);
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

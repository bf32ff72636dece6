//! GitHub audit log exports (organisation and enterprise: the UI's JSON/NDJSON export,
//! the REST API, streaming) and user security log exports.
//!
//! Every event keeps its `action` (`git.clone`, `repo.download_zip`,
//! `personal_access_token.create`, `org.add_member`, ...) as its event type and names
//! what it was done to in [`Event::target`]: the repository, or, for organisation, team
//! and enterprise membership changes made by someone else, the member (lower case, so the
//! engine can resolve the grantee to a subject). A membership or role change that grants
//! admin rights (`permission`/`role` of admin, owner or maintain) is typed
//! `ACTION:admin` (`org.add_member:admin`) so that rules can tell it from an ordinary
//! invitation.
//!
//! Real quirks handled here: times are epoch milliseconds in `@timestamp` and
//! `created_at`, as integers, floats or strings (`"1624445969188.000000"` in forwarded
//! logs), and sometimes RFC 3339; `org`/`org_id` are a string or number in one event and
//! a list in the next; booleans arrive as strings; `actor_ip` is present only when the
//! organisation enabled IP disclosure, with `actor_location.country_code`; some user
//! events (`user.forgot_password`) have no `actor`, only `user`; bots (`actor_is_bot`,
//! `name[bot]`) are not people. `_document_id` is the deduplication key.
//!
//! Only web sessions (a browser user agent) are interactive: git clients pull on their
//! own (IDE auto-fetch, scheduled jobs), and token use is a program, so neither says a
//! person is at the keyboard for the session and presence analysis.

use std::borrow::Cow;
use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Action, Actor, ActorKind, Detail, Event, Net, Outcome, Place, SourcePos};
use serde::Deserialize;

use crate::json_records;
use crate::normalise::{Interner, OneString, PlaceCache, TimeField, lenient_bool};
use crate::{ReadContext, RecordSink};

#[derive(Deserialize)]
pub struct AuditEvent<'a> {
    #[serde(borrow, default, rename = "@timestamp")]
    pub timestamp: Option<TimeField<'a>>,
    #[serde(borrow, default)]
    pub created_at: Option<TimeField<'a>>,
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    #[serde(borrow, default)]
    pub actor: OneString<'a>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub actor_is_bot: Option<bool>,
    #[serde(borrow, default)]
    pub actor_ip: OneString<'a>,
    #[serde(borrow, default)]
    pub actor_location: Option<ActorLocation<'a>>,
    #[serde(borrow, default)]
    pub user: OneString<'a>,
    #[serde(borrow, default)]
    pub org: OneString<'a>,
    #[serde(borrow, default)]
    pub repo: OneString<'a>,
    #[serde(borrow, default)]
    pub repository: OneString<'a>,
    #[serde(borrow, default)]
    pub repositories_added_names: OneString<'a>,
    #[serde(borrow, default)]
    pub name: OneString<'a>,
    #[serde(borrow, default)]
    pub user_programmatic_access_name: OneString<'a>,
    #[serde(borrow, default)]
    pub permission: OneString<'a>,
    #[serde(borrow, default)]
    pub role: OneString<'a>,
    #[serde(borrow, default)]
    pub user_agent: OneString<'a>,
    #[serde(borrow, default)]
    pub programmatic_access_type: OneString<'a>,
    #[serde(borrow, default)]
    pub token_id: OneString<'a>,
    #[serde(borrow, default)]
    pub _document_id: OneString<'a>,
}

#[derive(Deserialize)]
pub struct ActorLocation<'a> {
    #[serde(borrow, default)]
    pub country_code: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub country_name: Option<Cow<'a, str>>,
}

fn meaning(action: &str) -> (Action, Outcome) {
    let failed = action.contains("fail");
    let outcome = if failed { Outcome::Failure } else { Outcome::Success };
    match action {
        "user.login" | "user.failed_login" => (Action::SignIn, outcome),
        "user.logout" => (Action::SignOut, outcome),
        "user.two_factor_requested" | "user.device_verification_requested" => {
            (Action::Authenticate, Outcome::Challenge)
        }
        a if a.starts_with("user.two_factor_challenge")
            || a.starts_with("user.device_verification")
            || a.starts_with("user.sign_in_from_unrecognized_device")
            || a == "user.new_device_used" =>
        {
            (Action::Authenticate, outcome)
        }
        a if a.starts_with("git.") || a == "repo.download_zip" => (Action::Access, outcome),
        _ => (Action::Other, outcome),
    }
}

fn admin_like(role: &str) -> bool {
    matches!(
        role.trim().to_ascii_lowercase().as_str(),
        "admin" | "owner" | "maintain" | "maintainer" | "billing_manager"
    )
}

/// Turns one audit event into the shared model.
pub struct Normaliser {
    system: Arc<str>,
    strings: Interner,
    places: PlaceCache,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser { system: Arc::from("github"), strings: Interner::default(), places: PlaceCache::default() }
    }
}

impl Normaliser {
    pub fn normalise(&mut self, a: &AuditEvent<'_>, source: SourcePos) -> Result<Event, String> {
        let at = match (&a.timestamp, &a.created_at) {
            (Some(t), _) => t.to_utc().map_err(|e| format!("@timestamp: {e}"))?,
            (None, Some(t)) => t.to_utc().map_err(|e| format!("created_at: {e}"))?,
            (None, None) => return Err("@timestamp and created_at are both missing".into()),
        };
        let action = a.action.trim();
        if action.is_empty() {
            return Err("action is empty".into());
        }
        let actor = a.actor.as_deref();
        let user = a.user.as_deref();
        let (account, kind) = match actor {
            Some(name) if a.actor_is_bot == Some(true) || name.ends_with("[bot]") => (name, ActorKind::System),
            Some(name) => (name, ActorKind::User),
            // A user's own security event without an actor (`user.forgot_password`).
            None => match user {
                Some(u) if action.starts_with("user.") => (u, ActorKind::User),
                _ => ("", ActorKind::Unknown),
            },
        };
        let net = match a.actor_ip.as_deref() {
            None => None,
            Some(t) => {
                let ip: IpAddr = t.parse().map_err(|_| "actor_ip: not an IP address".to_string())?;
                let mut net = Net::new(ip);
                if let Some(loc) = &a.actor_location {
                    let code = loc.country_code.as_deref().or(loc.country_name.as_deref()).map(str::trim);
                    net.reported = Place { country: code.and_then(|c| self.places.country(c)), ..Default::default() };
                }
                Some(net)
            }
        };
        let category = action.split('.').next().unwrap_or("");
        let membership = matches!(category, "org" | "team" | "business" | "enterprise" | "repo");
        let grantee = user.filter(|u| membership && actor.is_none_or(|x| !x.eq_ignore_ascii_case(u)));
        let target = match grantee {
            Some(u) if category != "repo" => Some(self.strings.lower(u)),
            _ => self.strings.opt(
                a.repo
                    .as_deref()
                    .or(a.repository.as_deref())
                    .or(a.repositories_added_names.as_deref())
                    .or(a.name.as_deref())
                    .or(a.user_programmatic_access_name.as_deref())
                    .or(a.org.as_deref()),
            ),
        };
        let role = a.permission.as_deref().or(a.role.as_deref());
        let event_type = if membership && role.is_some_and(admin_like) && action.contains("member") {
            self.strings.get(&format!("{action}:admin"))
        } else {
            self.strings.get(action)
        };
        let (act, outcome) = meaning(action);
        let ua = a.user_agent.as_deref();
        let programmatic = a.programmatic_access_type.as_deref().is_some() && a.token_id.as_deref().is_some();
        Ok(Event {
            at,
            actor: Actor {
                system: self.system.clone(),
                account: self.strings.lower(account),
                display_name: None,
                kind,
            },
            subject: None,
            action: act,
            outcome,
            event_type,
            net,
            session: None,
            device: None,
            device_managed: None,
            target,
            detail: Detail::None,
            user_agent: self.strings.opt(ua),
            interactive: kind == ActorKind::User && !programmatic && ua.is_some_and(|u| u.starts_with("Mozilla/")),
            id: a._document_id.as_deref().map(Into::into),
            source,
        })
    }
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let mut norm = Normaliser::default();
    json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        let e: AuditEvent<'_> = json_records::parse(bytes)?;
        sink.event(norm.normalise(&e, pos)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::test_support::{read_path, read_str};
    use bonafide_core::testdata::shared;

    #[test]
    fn the_real_user_security_log_reads_whole() {
        let Some(path) = shared("signin/github/user_security_log.json") else { return };
        let c = read_path(Format::Github, &path);
        assert_eq!(c.quarantined, vec![], "real GitHub events quarantined");
        assert_eq!(c.events.len(), 63);
        assert!(c.events.iter().all(|e| &*e.actor.account == "siteshjha11"), "every event is the one user's");
        assert!(c.events.iter().all(|e| e.net.is_none()), "a user security log export carries no IP");
        assert!(c.events.iter().all(|e| e.id.is_some()));

        let login = &c.events[0];
        assert_eq!(&*login.event_type, "user.login");
        assert_eq!(login.at.to_rfc3339(), "2024-03-26T05:33:15.806Z");
        assert_eq!((login.action, login.outcome), (Action::SignIn, Outcome::Success));
        assert!(login.interactive);

        let failed = c.events.iter().filter(|e| &*e.event_type == "user.failed_login").collect::<Vec<_>>();
        assert_eq!(failed.len(), 5);
        assert!(failed.iter().all(|e| e.outcome == Outcome::Failure && e.action == Action::SignIn));
        assert_eq!(failed.last().unwrap().at.to_rfc3339(), "2023-11-27T06:18:25.223Z");

        let pats = c.events.iter().filter(|e| &*e.event_type == "personal_access_token.create").count();
        assert_eq!(pats, 6);
        let repo = c.events.iter().find(|e| &*e.event_type == "repo.create").unwrap();
        assert_eq!(repo.target.as_deref(), Some("siteshjha11/Azure-Sentinel"));
        let admin = c.events.iter().find(|e| e.event_type.starts_with("org.add_member")).unwrap();
        assert_eq!(&*admin.event_type, "org.add_member:admin", "the permission was admin");
        assert_eq!(admin.target.as_deref(), Some("x-sentinellabs"), "he added himself: the org is the target");
        let forgot = c.events.iter().find(|e| &*e.event_type == "user.forgot_password").unwrap();
        assert_eq!(forgot.actor.kind, ActorKind::User, "no actor field: the user is the actor");
    }

    /// Organisation audit-log events with git activity and IP disclosure, in the
    /// shapes exports and forwarders write them.
    const ORG: &str = r#"[
{"@timestamp": 1743590400123, "_document_id": "d1", "action": "git.clone", "actor": "Li-Wei", "actor_id": 5, "actor_ip": "73.63.112.167", "actor_location": {"country_code": "US"}, "org": "acme", "org_id": 99, "repo": "acme/payments", "repository": "acme/payments", "repository_public": false, "transport_protocol": 2, "transport_protocol_name": "ssh", "user_agent": "git/2.43.0"},
{"@timestamp": "1743590460000.000000", "_document_id": "d2", "action": "repo.download_zip", "actor": "li-wei", "actor_ip": "175.45.176.9", "actor_location": {"country_code": "KP"}, "org": ["acme"], "org_id": [99], "repo": "acme/billing", "repository_public": "false", "transport_protocol": "1", "user_agent": "Mozilla/5.0"},
{"created_at": "2025-04-02T10:00:00Z", "_document_id": "d3", "action": "org.update_member", "actor": "boss", "user": "Li-Wei", "org": "acme", "permission": "admin"},
{"@timestamp": 1743600000000, "_document_id": "d4", "action": "git.clone", "actor": "dependabot[bot]", "actor_is_bot": true, "repo": "acme/payments"},
{"@timestamp": 1743600000001, "_document_id": "d5", "action": "public_key.create", "actor": "li-wei", "user": "li-wei", "actor_ip": "2001:db8::9", "actor_location": {"country_name": "Germany"}, "org": [], "org_id": []}
]"#;

    #[test]
    fn organisation_events_read_with_ip_targets_and_roles() {
        let c = read_str(Format::Github, ORG);
        assert_eq!(c.quarantined, vec![]);
        assert_eq!(c.events.len(), 5);
        let clone = &c.events[0];
        assert_eq!(&*clone.actor.account, "li-wei");
        assert_eq!(clone.at.to_rfc3339(), "2025-04-02T10:40:00.123Z");
        assert_eq!((clone.action, clone.outcome), (Action::Access, Outcome::Success));
        assert_eq!(clone.target.as_deref(), Some("acme/payments"));
        let net = clone.net.as_ref().unwrap();
        assert_eq!((net.ip.to_string().as_str(), net.reported.country.unwrap().as_str()), ("73.63.112.167", "US"));
        assert!(!clone.interactive, "a git client is not a browser session");

        let zip = &c.events[1];
        assert_eq!(zip.at.to_rfc3339(), "2025-04-02T10:41:00Z");
        assert_eq!(zip.net.as_ref().unwrap().reported.country.unwrap().as_str(), "KP");

        let grant = &c.events[2];
        assert_eq!(&*grant.event_type, "org.update_member:admin");
        assert_eq!(&*grant.actor.account, "boss");
        assert_eq!(grant.target.as_deref(), Some("li-wei"), "the grantee, lower case");

        assert_eq!(c.events[3].actor.kind, ActorKind::System);
        let key = &c.events[4];
        assert_eq!(key.net.as_ref().unwrap().reported.country.unwrap().as_str(), "DE");
        assert_eq!(key.target, None, "nothing named");
    }

    #[test]
    fn broken_events_are_quarantined_with_reasons() {
        let text = [
            r#"{"@timestamp": 1711431195806, "action": "user.login", "actor": "a"}"#,
            r#"{"action": "user.login", "actor": "a"}"#,
            r#"{"@timestamp": "last week", "action": "user.login", "actor": "a"}"#,
            r#"{"@timestamp": 1711431195806, "actor": "a"}"#,
            r#"{"@timestamp": 1711431195806, "action": "git.clone", "actor": "a", "actor_ip": "nope"}"#,
            r#"{"@timestamp": 1711431195806, "action": "git.clone", "actor": {"login": "a"}}"#,
        ]
        .join("\n");
        let c = read_str(Format::Github, &text);
        assert_eq!(c.events.len(), 1);
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].contains("missing"), "{reasons:?}");
        assert!(reasons[1].starts_with("@timestamp"), "{reasons:?}");
        assert!(reasons[2].contains("action"), "{reasons:?}");
        assert!(reasons[3].contains("actor_ip"), "{reasons:?}");
        assert!(reasons[4].starts_with("actor"), "{reasons:?}");
    }
}

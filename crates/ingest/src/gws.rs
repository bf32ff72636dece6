//! Google Workspace Admin SDK Reports API activities (`activities.list`), as exported:
//! the API's pages (`{"kind": "admin#reports#activities", "items": [...]}`), bare
//! arrays, or one activity per line.
//!
//! The `login` application is the sign-in log: `login_success`, `login_failure`,
//! `logout`, challenges and verifications, and the account changes Google logs with them
//! (`2sv_enroll`, `passkey_enrolled`, `recovery_phone_edit`, ...), which later detectors
//! read as new persistence. Activities of other applications in the same export are read
//! too, with their application in the event type (`token.authorize` is an OAuth grant,
//! `admin.ASSIGN_ROLE` a privilege grant whose `USER_EMAIL` parameter is the target).
//!
//! One activity holds a list of events, each with `parameters[]` whose value sits in
//! one of `value`, `intValue` (a string of digits), `boolValue`, `multiValue` or
//! `multiIntValue`; each event becomes one [`Event`]. The place comes from
//! `networkInfo` (`regionCode` is the country, `subdivisionCode` the ISO 3166-2 region,
//! `ipAsn` a list) when the export has it. `id.uniqueQualifier` (with the event's index
//! when an activity has several) is the deduplication key.

use std::borrow::Cow;
use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Action, Actor, ActorKind, Detail, Event, Net, Outcome, Place, SourcePos, UtcMs};
use serde::Deserialize;

use crate::json_records;
use crate::normalise::{Interner, OneString, PlaceCache, lenient_bool};
use crate::{ReadContext, RecordSink};

#[derive(Deserialize)]
pub struct Activity<'a> {
    #[serde(borrow)]
    pub id: ActivityId<'a>,
    #[serde(borrow, default)]
    pub actor: Option<GwsActor<'a>>,
    #[serde(borrow, default, rename = "ipAddress")]
    pub ip: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "networkInfo")]
    pub network: Option<NetworkInfo<'a>>,
    #[serde(borrow, default)]
    pub events: Vec<GwsEvent<'a>>,
}

#[derive(Deserialize)]
pub struct ActivityId<'a> {
    #[serde(borrow)]
    pub time: Cow<'a, str>,
    #[serde(borrow, default, rename = "uniqueQualifier")]
    pub unique: OneString<'a>,
    #[serde(borrow, default, rename = "applicationName")]
    pub application: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct GwsActor<'a> {
    #[serde(borrow, default)]
    pub email: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "callerType")]
    pub caller_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub key: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct NetworkInfo<'a> {
    #[serde(borrow, default, rename = "regionCode")]
    pub region_code: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "subdivisionCode")]
    pub subdivision_code: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "ipAsn")]
    pub ip_asn: OneString<'a>,
}

#[derive(Deserialize)]
pub struct GwsEvent<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub parameters: Vec<Parameter<'a>>,
}

/// One parameter; the value is in whichever field its type uses.
#[derive(Deserialize)]
pub struct Parameter<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub value: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "intValue")]
    pub int_value: OneString<'a>,
    #[serde(default, rename = "boolValue", deserialize_with = "lenient_bool")]
    pub bool_value: Option<bool>,
    #[serde(borrow, default, rename = "multiValue")]
    pub multi_value: OneString<'a>,
}

impl Parameter<'_> {
    /// The value as text, whatever field held it (the first of a multi-value).
    pub fn text(&self) -> Option<Cow<'_, str>> {
        if let Some(v) = self.value.as_deref() {
            return Some(Cow::Borrowed(v));
        }
        if let Some(v) = self.int_value.as_deref() {
            return Some(Cow::Borrowed(v));
        }
        if let Some(b) = self.bool_value {
            return Some(Cow::Borrowed(if b { "true" } else { "false" }));
        }
        self.multi_value.as_deref().map(Cow::Borrowed)
    }
}

fn param<'p>(e: &'p GwsEvent<'_>, name: &str) -> Option<&'p Parameter<'p>> {
    e.parameters.iter().find(|p| p.name == name)
}

/// Action and outcome of a `login` event.
fn login_meaning(name: &str, e: &GwsEvent<'_>) -> (Action, Outcome) {
    match name {
        "login_success" => (Action::SignIn, Outcome::Success),
        "login_failure" => (Action::SignIn, Outcome::Failure),
        "logout" => (Action::SignOut, Outcome::Success),
        "login_challenge" | "login_verification" => {
            let status = param(e, "login_challenge_status").and_then(|p| p.text()).map(|s| s.to_ascii_lowercase());
            let outcome = match status.as_deref() {
                Some(s) if s.contains("passed") => Outcome::Success,
                Some(s) if s.contains("failed") => Outcome::Failure,
                _ => Outcome::Challenge,
            };
            (Action::Authenticate, outcome)
        }
        n if n.starts_with("suspicious_login") || n.starts_with("account_disabled") || n == "gov_attack_warning" => {
            (Action::Other, Outcome::Unknown)
        }
        _ => (Action::Other, Outcome::Success),
    }
}

/// Turns one activity into events.
pub struct Normaliser {
    system: Arc<str>,
    strings: Interner,
    places: PlaceCache,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser { system: Arc::from("gws"), strings: Interner::default(), places: PlaceCache::default() }
    }
}

impl Normaliser {
    pub fn normalise(&mut self, a: &Activity<'_>, source: SourcePos, out: &mut Vec<Event>) -> Result<(), String> {
        let at = UtcMs::parse(&a.id.time).map_err(|e| format!("id.time: {e}"))?;
        if a.events.is_empty() {
            return Err("events is empty".into());
        }
        let app = a.id.application.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("login");
        let app_lower = app.to_ascii_lowercase();
        let actor = a.actor.as_ref();
        let email = actor.and_then(|x| x.email.as_deref()).map(str::trim).filter(|s| !s.is_empty());
        let caller = actor.and_then(|x| x.caller_type.as_deref()).unwrap_or("USER");
        let (account, kind) = match email {
            Some(e) if caller.eq_ignore_ascii_case("USER") => (e, ActorKind::User),
            Some(e) => (e, ActorKind::System),
            None => (actor.and_then(|x| x.key.as_deref()).unwrap_or(""), ActorKind::System),
        };
        let net = match a.ip.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(t) => {
                let ip: IpAddr = t.parse().map_err(|_| "ipAddress: not an IP address".to_string())?;
                let mut net = Net::new(ip);
                if let Some(n) = &a.network {
                    let country = n.region_code.as_deref().map(str::trim).and_then(|c| self.places.country(c));
                    let region =
                        n.subdivision_code.as_deref().map(str::trim).and_then(|r| self.places.region(country, r));
                    net.reported = Place { country, region, ..Default::default() };
                    net.asn = n.ip_asn.as_deref().and_then(|s| s.parse().ok());
                }
                Some(net)
            }
        };
        let account = self.strings.lower(account);
        let many = a.events.len() > 1;
        for (i, e) in a.events.iter().enumerate() {
            let name = e.name.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or("events[].name is missing")?;
            let (action, outcome) =
                if app_lower == "login" { login_meaning(name, e) } else { (Action::Other, Outcome::Success) };
            let event_type = if app_lower == "login" {
                self.strings.get(name)
            } else {
                self.strings.get(&format!("{app_lower}.{name}"))
            };
            // What the event was done to: the affected account, the user an admin changed,
            // the app a user authorised.
            let target = ["affected_email_address", "USER_EMAIL", "app_name"]
                .iter()
                .find_map(|n| param(e, n).and_then(|p| p.text()))
                .map(|t| if t.contains('@') { self.strings.lower(t.trim()) } else { self.strings.get(t.trim()) })
                .filter(|t| !t.is_empty());
            let id = a.id.unique.as_deref().map(|u| if many { format!("{u}#{i}") } else { u.to_string() });
            out.push(Event {
                at,
                actor: Actor { system: self.system.clone(), account: account.clone(), display_name: None, kind },
                subject: None,
                action,
                outcome,
                event_type,
                net: net.clone(),
                session: None,
                device: None,
                device_managed: None,
                target,
                detail: Detail::None,
                user_agent: None,
                interactive: kind == ActorKind::User && app_lower == "login" && action != Action::Other,
                id: id.map(Into::into),
                source,
            });
        }
        Ok(())
    }
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let mut norm = Normaliser::default();
    let mut events = Vec::new();
    json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        let a: Activity<'_> = json_records::parse(bytes)?;
        events.clear();
        norm.normalise(&a, pos, &mut events)?;
        for e in events.drain(..) {
            sink.event(e);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::test_support::read_str;

    /// A page of `activities.list?applicationName=login` as the API returns it, with the
    /// parameter types Google uses (`intValue` as a string of digits, `multiValue`,
    /// `boolValue`), `networkInfo`, and a second application mixed in.
    const PAGE: &str = r#"{
  "kind": "admin#reports#activities",
  "etag": "\"abc\"",
  "items": [
    {
      "kind": "admin#reports#activity",
      "id": {"time": "2025-04-02T13:05:11.411Z", "uniqueQualifier": "-4002319273918261741", "applicationName": "login", "customerId": "C01x"},
      "etag": "\"e1\"",
      "actor": {"callerType": "USER", "email": "Li.Wei@Example.com", "profileId": "100000000000000000001"},
      "ipAddress": "73.63.112.167",
      "networkInfo": {"ipAsn": [7922], "regionCode": "US", "subdivisionCode": "US-UT"},
      "events": [{"type": "login", "name": "login_success", "parameters": [
        {"name": "login_type", "value": "google_password"},
        {"name": "login_challenge_method", "multiValue": ["password", "google_authenticator"]},
        {"name": "is_suspicious", "boolValue": false},
        {"name": "login_timestamp", "intValue": "1743599111411000"}
      ]}]
    },
    {
      "kind": "admin#reports#activity",
      "id": {"time": "2025-04-02T13:01:00Z", "uniqueQualifier": "881", "applicationName": "login", "customerId": "C01x"},
      "actor": {"callerType": "USER", "email": "li.wei@example.com"},
      "ipAddress": "2001:db8::5",
      "events": [
        {"type": "login", "name": "login_failure", "parameters": [{"name": "login_failure_type", "value": "login_failure_invalid_password"}]},
        {"type": "login", "name": "login_challenge", "parameters": [{"name": "login_challenge_status", "value": "Challenge Failed"}]}
      ]
    },
    {
      "kind": "admin#reports#activity",
      "id": {"time": "2025-04-03T09:00:00.000Z", "uniqueQualifier": "882", "applicationName": "login"},
      "actor": {"email": "li.wei@example.com"},
      "ipAddress": "73.63.112.167",
      "events": [{"type": "2sv_change", "name": "2sv_enroll", "parameters": [{"name": "affected_email_address", "value": "li.wei@example.com"}]},
                 {"type": "logout", "name": "logout"}]
    },
    {
      "kind": "admin#reports#activity",
      "id": {"time": "2025-04-03T10:00:00Z", "uniqueQualifier": 883, "applicationName": "token"},
      "actor": {"email": "li.wei@example.com"},
      "ipAddress": "73.63.112.167",
      "events": [{"type": "auth", "name": "authorize", "parameters": [{"name": "app_name", "value": "Sketchy Sync"}, {"name": "scope", "multiValue": ["https://mail.google.com/"]}]}]
    },
    {
      "kind": "admin#reports#activity",
      "id": {"time": "2025-04-03T11:00:00Z", "uniqueQualifier": "884", "applicationName": "admin"},
      "actor": {"callerType": "KEY", "key": "SYSTEM"},
      "events": [{"type": "DELEGATED_ADMIN_SETTINGS", "name": "ASSIGN_ROLE", "parameters": [{"name": "USER_EMAIL", "value": "Li.Wei@example.com"}, {"name": "ROLE_NAME", "value": "_SEED_ADMIN_ROLE"}]}]
    }
  ]
}"#;

    #[test]
    fn a_reports_api_page_reads_whole() {
        let c = read_str(Format::Gws, PAGE);
        assert_eq!(c.quarantined, vec![]);
        assert_eq!(c.events.len(), 7);

        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "li.wei@example.com");
        assert_eq!(e.at.to_rfc3339(), "2025-04-02T13:05:11.411Z");
        assert_eq!((e.action, e.outcome), (Action::SignIn, Outcome::Success));
        let net = e.net.as_ref().unwrap();
        assert_eq!(net.ip.to_string(), "73.63.112.167");
        assert_eq!(net.reported.country.unwrap().as_str(), "US");
        assert_eq!(net.reported.region.as_ref().unwrap().as_str(), "US-UT");
        assert_eq!(net.asn, Some(7922));
        assert_eq!(e.id.as_deref(), Some("-4002319273918261741"));
        assert!(e.interactive);

        let (f, ch) = (&c.events[1], &c.events[2]);
        assert_eq!((f.action, f.outcome), (Action::SignIn, Outcome::Failure));
        assert_eq!(f.net.as_ref().unwrap().ip.to_string(), "2001:db8::5");
        assert_eq!((ch.action, ch.outcome), (Action::Authenticate, Outcome::Failure));
        assert_eq!((f.id.as_deref(), ch.id.as_deref()), (Some("881#0"), Some("881#1")), "one key per event");

        let enrol = &c.events[3];
        assert_eq!(&*enrol.event_type, "2sv_enroll");
        assert_eq!(enrol.action, Action::Other);
        assert_eq!(c.events[4].action, Action::SignOut);

        let token = &c.events[5];
        assert_eq!(&*token.event_type, "token.authorize");
        assert_eq!(token.target.as_deref(), Some("Sketchy Sync"));
        assert_eq!(token.id.as_deref(), Some("883"), "a numeric uniqueQualifier is read as text");

        let grant = &c.events[6];
        assert_eq!(&*grant.event_type, "admin.ASSIGN_ROLE");
        assert_eq!(grant.actor.kind, ActorKind::System);
        assert_eq!(grant.target.as_deref(), Some("li.wei@example.com"), "the grantee, lower case");
        assert!(grant.net.is_none());
    }

    #[test]
    fn broken_activities_are_quarantined_with_reasons() {
        let ok = r#"{"id": {"time": "2025-04-02T13:05:11Z", "applicationName": "login"}, "actor": {"email": "a@x.io"}, "events": [{"name": "logout"}]}"#;
        let text = [
            ok,
            r#"{"id": {"time": "yesterday"}, "events": [{"name": "logout"}]}"#,
            r#"{"id": {"time": "2025-04-02T13:05:11Z"}, "events": []}"#,
            r#"{"id": {"time": "2025-04-02T13:05:11Z"}, "ipAddress": "x.y", "events": [{"name": "logout"}]}"#,
            r#"{"actor": {"email": "a@x.io"}, "events": [{"name": "logout"}]}"#,
            r#"{"id": {"time": "2025-04-02T13:05:11Z"}, "events": [{"name": "x", "parameters": [{"name": "p", "boolValue": "maybe"}]}]}"#,
        ]
        .join("\n");
        let c = read_str(Format::Gws, &text);
        assert_eq!(c.events.len(), 1);
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].starts_with("id.time"), "{reasons:?}");
        assert!(reasons[1].contains("events is empty"), "{reasons:?}");
        assert!(reasons[2].contains("ipAddress"), "{reasons:?}");
        assert!(reasons[3].contains("id"), "{reasons:?}");
        assert!(reasons[4].contains("boolValue"), "{reasons:?}");
    }
}

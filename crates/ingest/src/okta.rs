//! Okta System Log events (`/api/v1/logs`), as exported: NDJSON, arrays, or single
//! pretty-printed objects.
//!
//! Real quirks handled here: `client.geographicalContext.country` is a country *name*
//! ("United States") and `state` a region name; many system events have `client: null`
//! or a client without an IP; `securityContext` fields are often null; the actor of
//! system work is `system@okta.com` of type `SystemPrincipal`, which is never a person;
//! `externalSessionId` is sometimes the literal `unknown`. The event `uuid` is the
//! deduplication key.
//!
//! The record is deserialised into borrowed structs that name only the fields bonafide
//! uses (serde skips the rest), which is what keeps this reader near the speed of a bare
//! parse. When a record does not fit, it is parsed again with path tracking so the
//! quarantine reason says which field was wrong.

use std::borrow::Cow;
use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Action, Actor, ActorKind, Event, GeoPoint, Net, Outcome, Place, UtcMs};
use serde::Deserialize;

use crate::json_records;
use crate::normalise::lenient_u32;
// Shared with the other JSON readers; re-exported where they were first defined.
pub use crate::normalise::{Interner, PlaceCache, describe_json_error, id_hash};
use crate::{ReadContext, RecordSink};

#[derive(Deserialize)]
pub struct OktaEvent<'a> {
    #[serde(borrow, default)]
    pub uuid: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub published: Cow<'a, str>,
    #[serde(borrow, rename = "eventType")]
    pub event_type: Cow<'a, str>,
    #[serde(borrow, default)]
    pub actor: Option<OktaActor<'a>>,
    #[serde(borrow, default)]
    pub client: Option<OktaClient<'a>>,
    #[serde(borrow, default, rename = "authenticationContext")]
    pub authentication_context: Option<AuthenticationContext<'a>>,
    #[serde(borrow, default)]
    pub outcome: Option<OktaOutcome<'a>>,
    #[serde(borrow, default, rename = "securityContext")]
    pub security_context: Option<SecurityContext<'a>>,
    #[serde(borrow, default)]
    pub device: Option<OktaDevice<'a>>,
    #[serde(borrow, default)]
    pub target: Option<Vec<OktaTarget<'a>>>,
}

/// What an event was done to: a user (the grantee of a privilege), an app, a token.
#[derive(Deserialize)]
pub struct OktaTarget<'a> {
    #[serde(borrow, default, rename = "type")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "alternateId")]
    pub alternate_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "displayName")]
    pub display_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct OktaActor<'a> {
    #[serde(borrow, default, rename = "type")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "alternateId")]
    pub alternate_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "displayName")]
    pub display_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct OktaClient<'a> {
    #[serde(borrow, default, rename = "ipAddress")]
    pub ip_address: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "userAgent")]
    pub user_agent: Option<UserAgent<'a>>,
    #[serde(borrow, default, rename = "geographicalContext")]
    pub geo: Option<GeoContext<'a>>,
}

#[derive(Deserialize)]
pub struct UserAgent<'a> {
    #[serde(borrow, default, rename = "rawUserAgent")]
    pub raw: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub browser: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct GeoContext<'a> {
    #[serde(borrow, default)]
    pub city: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub country: Option<Cow<'a, str>>,
    #[serde(default)]
    pub geolocation: Option<Geolocation>,
}

#[derive(Deserialize)]
pub struct Geolocation {
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

#[derive(Deserialize)]
pub struct AuthenticationContext<'a> {
    #[serde(borrow, default, rename = "externalSessionId")]
    pub external_session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "rootSessionId")]
    pub root_session_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct OktaOutcome<'a> {
    #[serde(borrow, default)]
    pub result: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct SecurityContext<'a> {
    #[serde(default, rename = "asNumber", deserialize_with = "lenient_u32")]
    pub as_number: Option<u32>,
    #[serde(borrow, default, rename = "asOrg")]
    pub as_org: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub isp: Option<Cow<'a, str>>,
    #[serde(default, rename = "isProxy")]
    pub is_proxy: Option<bool>,
}

#[derive(Deserialize)]
pub struct OktaDevice<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    /// Identity Engine reports whether the device is managed.
    #[serde(default)]
    pub managed: Option<bool>,
}

fn action_of(event_type: &str) -> Action {
    match event_type {
        "user.session.start" => Action::SignIn,
        "user.session.end" | "user.session.clear" | "user.session.expire" => Action::SignOut,
        t if t.starts_with("user.authentication.") || t.starts_with("user.mfa.") || t == "policy.evaluate_sign_on" => {
            Action::Authenticate
        }
        t if t.starts_with("user.session.") || t.starts_with("app.") => Action::Access,
        _ => Action::Other,
    }
}

fn outcome_of(result: Option<&str>) -> Outcome {
    match result.map(str::to_ascii_uppercase).as_deref() {
        Some("SUCCESS") | Some("ALLOW") => Outcome::Success,
        Some("FAILURE") | Some("DENY") => Outcome::Failure,
        Some("CHALLENGE") => Outcome::Challenge,
        _ => Outcome::Unknown,
    }
}

/// Turns one parsed event into the shared model.
pub struct Normaliser {
    system: Arc<str>,
    strings: Interner,
    places: PlaceCache,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser { system: Arc::from("okta"), strings: Interner::default(), places: PlaceCache::default() }
    }
}

impl Normaliser {
    /// The event's target: another user it was done to (lower case, so the engine can
    /// resolve it to a subject: an admin granting privileges), else the first target's
    /// name (the app signed into, the token created).
    fn target(&mut self, e: &OktaEvent<'_>, actor: &str) -> Option<Arc<str>> {
        let targets = e.target.as_deref()?;
        fn clean(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("unknown"))
        }
        if let Some(user) = targets
            .iter()
            .filter(|t| t.kind.as_deref() == Some("User"))
            .filter_map(|t| clean(t.alternate_id.as_deref()))
            .find(|a| !a.eq_ignore_ascii_case(actor))
        {
            return Some(self.strings.lower(user));
        }
        let first = targets.first()?;
        clean(first.display_name.as_deref()).or(clean(first.alternate_id.as_deref())).map(|s| self.strings.get(s))
    }

    pub fn normalise(&mut self, e: &OktaEvent<'_>, source: bonafide_core::SourcePos) -> Result<Event, String> {
        let at = UtcMs::parse(&e.published).map_err(|err| format!("published: {err}"))?;
        let actor = e.actor.as_ref();
        let account = actor.and_then(|a| a.alternate_id.as_deref()).map(str::trim).unwrap_or("");
        let kind = match actor.and_then(|a| a.kind.as_deref()) {
            Some("User") if account != "system@okta.com" => ActorKind::User,
            Some("SystemPrincipal") | Some("PublicClientApp") | Some("Client") | Some("AppInstance") => {
                ActorKind::System
            }
            _ if account == "system@okta.com" => ActorKind::System,
            _ => ActorKind::Unknown,
        };
        let client = e.client.as_ref();
        let net = match client.and_then(|c| c.ip_address.as_deref()).map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(ip_text) => {
                let ip: IpAddr = ip_text.parse().map_err(|_| "client.ipAddress: not an IP address".to_string())?;
                let mut net = Net::new(ip);
                if let Some(g) = client.and_then(|c| c.geo.as_ref()) {
                    let country = g.country.as_deref().and_then(|c| self.places.country(c));
                    net.reported = Place {
                        country,
                        region: g.state.as_deref().and_then(|s| self.places.region(country, s)),
                        city: g.city.as_deref().filter(|c| !c.is_empty()).map(|c| self.strings.get(c)),
                        point: g.geolocation.as_ref().and_then(|p| GeoPoint::new(p.lat?, p.lon?)),
                    };
                }
                if let Some(sc) = &e.security_context {
                    net.asn = sc.as_number;
                    net.as_org = sc.as_org.as_deref().filter(|s| !s.is_empty()).map(|s| self.strings.get(s));
                    net.isp = sc.isp.as_deref().filter(|s| !s.is_empty()).map(|s| self.strings.get(s));
                    net.vendor_proxy = sc.is_proxy;
                }
                Some(net)
            }
        };
        let session = e
            .authentication_context
            .as_ref()
            .and_then(|a| a.external_session_id.as_deref().or(a.root_session_id.as_deref()))
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("unknown"))
            .map(|s| id_hash("okta", s));
        let ua = client.and_then(|c| c.user_agent.as_ref());
        let browser = ua.and_then(|u| u.browser.as_deref()).unwrap_or("UNKNOWN");
        let interactive = kind == ActorKind::User && net.is_some() && !browser.eq_ignore_ascii_case("UNKNOWN");
        Ok(Event {
            at,
            actor: Actor {
                system: self.system.clone(),
                account: self.strings.lower(account),
                display_name: actor
                    .and_then(|a| a.display_name.as_deref())
                    .filter(|d| !d.is_empty())
                    .map(|d| self.strings.get(d)),
                kind,
            },
            subject: None,
            action: action_of(&e.event_type),
            outcome: outcome_of(e.outcome.as_ref().and_then(|o| o.result.as_deref())),
            event_type: self.strings.get(&e.event_type),
            net,
            session,
            device: e
                .device
                .as_ref()
                .and_then(|d| d.id.as_deref())
                .filter(|d| !d.is_empty())
                .map(|d| self.strings.get(d)),
            device_managed: e.device.as_ref().and_then(|d| d.managed),
            target: self.target(e, account),
            detail: bonafide_core::Detail::None,
            user_agent: ua.and_then(|u| u.raw.as_deref()).filter(|s| !s.is_empty()).map(|s| self.strings.get(s)),
            interactive,
            id: e.uuid.as_deref().filter(|s| !s.is_empty()).map(Into::into),
            source,
        })
    }
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let mut norm = Normaliser::default();
    json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        let e: OktaEvent<'_> = json_records::parse(bytes)?;
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
    fn every_real_sample_parses_without_quarantine() {
        let Some(dir) = shared("signin/okta") else {
            return;
        };
        let c = read_path(Format::Okta, &dir.join("systemlog_100.ndjson"));
        assert_eq!(c.quarantined, vec![], "real Okta events quarantined");
        assert_eq!(c.events.len(), 100);
        let system = c.events.iter().filter(|e| e.actor.kind == ActorKind::System).count();
        assert_eq!(system, 95);
        assert!(c.events.iter().filter(|e| e.actor.kind == ActorKind::System).all(|e| e.net.is_none()));
        let jdoe = c.events.iter().find(|e| &*e.actor.account == "jdoe@acme.com").unwrap();
        assert_eq!(jdoe.action, Action::Authenticate);
        assert_eq!(jdoe.outcome, Outcome::Challenge);
        assert!(jdoe.interactive);
        let net = jdoe.net.as_ref().unwrap();
        assert_eq!(net.ip.to_string(), "97.178.252.31");
        assert_eq!(net.reported.country.unwrap().as_str(), "US");
        assert_eq!(net.reported.region.as_ref().unwrap().as_str(), "US-UT");
        assert_eq!(net.asn, Some(6167));
        assert_eq!(jdoe.at.to_rfc3339(), "2025-07-21T14:48:52.292Z");
        let sdk = c.events.iter().find(|e| &*e.actor.account == "freetrialorgcreator@okta.com").unwrap();
        assert!(!sdk.interactive, "an SDK client is not a person at a keyboard");

        let c = read_path(Format::Okta, &dir.join("doc_sample_event.json"));
        assert_eq!(c.quarantined, vec![]);
        assert_eq!(c.events.len(), 1, "a pretty-printed single object is one record");
        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "mbegan@okta.com");
        assert_eq!(e.action, Action::Access);
        let net = e.net.as_ref().unwrap();
        assert_eq!(net.ip.to_string(), "73.63.112.167");
        assert_eq!(net.reported.city.as_deref(), Some("Ogden"));
        assert_eq!(net.vendor_proxy, Some(false));
        assert!(e.session.is_some());
        assert_eq!(e.id.as_deref(), Some("53d1e0b0-d0db-11ea-9210-815689eddc18"));
    }

    #[test]
    fn wrong_types_and_broken_lines_are_quarantined_with_reasons() {
        let good = r#"{"uuid":"u1","published":"2025-01-01T00:00:00Z","eventType":"user.session.start","actor":{"type":"User","alternateId":"a@x.io"},"client":{"ipAddress":"1.2.3.4"}}"#;
        let text = [
            good,
            r#"{"uuid":"u2","published":12345,"eventType":"x","actor":{}}"#,
            r#"{"uuid":"u3","published":"yesterday","eventType":"x"}"#,
            r#"{"uuid":"u4","published":"2025-01-01T00:00:00Z","eventType":"x","client":{"ipAddress":"999.1.1.1"}}"#,
            r#"{"uuid":"u5","published":"2025-01-01T00:00:00Z","eventType":"x","securityContext":{"asNumber":"twelve"}}"#,
            r#"{"uuid":"u6","published":"2025-01-01T00:00"#,
            "not json at all",
            r#"{"uuid":"u7","published":"2025-01-01T00:00:00Z","eventType":"x","securityContext":{"asNumber":"7922"}}"#,
        ]
        .join("\n");
        let c = read_str(Format::Okta, &text);
        assert_eq!(c.events.len(), 2);
        let reasons: Vec<(u64, &str)> = c.quarantined.iter().map(|q| (q.pos.line, q.reason.as_str())).collect();
        assert_eq!(reasons.len(), 6, "{reasons:?}");
        assert!(reasons[0].1.starts_with("published: invalid type"), "{reasons:?}");
        assert!(reasons[1].1.starts_with("published: not an RFC 3339"), "{reasons:?}");
        assert!(reasons[2].1.contains("ipAddress"), "{reasons:?}");
        assert!(reasons[3].1.starts_with("securityContext.asNumber"), "{reasons:?}");
        assert!(reasons[4].1.contains("invalid JSON"), "{reasons:?}");
        assert_eq!(reasons.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3, 4, 5, 6, 7]);
        assert_eq!(c.events[1].net.as_ref(), None);
    }

    #[test]
    fn targets_name_the_grantee_or_the_app() {
        let grant = r#"{"uuid":"g1","published":"2025-01-01T00:00:00Z","eventType":"user.account.privilege.grant","actor":{"type":"User","alternateId":"admin@acme.example"},"target":[{"type":"User","alternateId":"New.Hire@Acme.example","displayName":"New Hire"}]}"#;
        let sso = r#"{"uuid":"g2","published":"2025-01-01T00:00:00Z","eventType":"user.authentication.sso","actor":{"type":"User","alternateId":"a@acme.example"},"target":[{"type":"AppInstance","alternateId":"unknown","displayName":"Greenhouse"},{"type":"User","alternateId":"a@acme.example"}]}"#;
        let none = r#"{"uuid":"g3","published":"2025-01-01T00:00:00Z","eventType":"user.session.start","actor":{"type":"User","alternateId":"a@acme.example"},"target":null}"#;
        let c = read_str(Format::Okta, &[grant, sso, none].join("\n"));
        assert_eq!(c.quarantined, vec![]);
        assert_eq!(c.events[0].target.as_deref(), Some("new.hire@acme.example"), "the grantee, lower case");
        assert_eq!(c.events[1].target.as_deref(), Some("Greenhouse"), "the user's own entry is not a target");
        assert_eq!(c.events[2].target, None);
    }

    #[test]
    fn a_ten_megabyte_line_is_quarantined() {
        let good =
            r#"{"published":"2025-01-01T00:00:00Z","eventType":"x","actor":{"type":"User","alternateId":"a@x.io"}}"#;
        let huge = format!(
            r#"{{"published":"2025-01-01T00:00:00Z","eventType":"x","actor":{{}},"pad":"{}"}}"#,
            "x".repeat(10 << 20)
        );
        let c = read_str(Format::Okta, &format!("{good}\n{huge}\n{good}\n"));
        assert_eq!(c.events.len(), 2);
        assert_eq!(c.quarantined.len(), 1);
        assert!(c.quarantined[0].reason.contains("limit"), "{:?}", c.quarantined);
    }
}

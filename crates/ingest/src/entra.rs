//! Microsoft Entra ID sign-in logs, in both shapes they are exported in: the Microsoft
//! Graph `auditLogs/signIns` object (usually as `{"value": [...]}` pages) and the Azure
//! Monitor diagnostic record (`time`, `category`, `properties{...}`, as Event Hub or
//! storage exports write it, often as `{"records": [...]}`).
//!
//! One borrowed struct reads both: the Graph fields sit at the top of a Graph object and
//! inside `properties` of a diagnostic record, so the struct nests itself once. Real
//! quirks handled here: `createdDateTime` with seven fractional digits and a `+00:00`
//! offset; a diagnostic `location` that is a country code string where Graph has an
//! object; `resultType` and `autonomousSystemNumber` as strings or numbers; identifiers
//! blanked to `00000000-…` in shared samples (never used as deduplication keys);
//! service-principal and managed-identity sign-ins, which are not people; and
//! non-interactive sign-ins (token refreshes by apps on the user's behalf), which are
//! token use rather than a person at a keyboard. Interrupts such as "MFA required" or
//! "keep me signed in" (error codes listed below) are challenges, not failures.
//! Identity Protection's `anonymizedIPAddress` risk detection is taken as the vendor's
//! anonymiser verdict; `deviceDetail.isManaged` / `isCompliant` become
//! [`Event::device_managed`].

use std::borrow::Cow;
use std::fmt;
use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Action, Actor, ActorKind, Detail, Event, GeoPoint, Net, Outcome, Place, SourcePos, UtcMs};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::json_records;
use crate::normalise::{Interner, PlaceCache, id_hash, is_placeholder_id, lenient_bool, lenient_i64, lenient_u32};
use crate::{ReadContext, RecordSink};

/// Entra error codes that interrupt a sign-in for more proof rather than refuse it:
/// MFA required (50072, 50074, 50076, 50079), device authentication required (50097),
/// password change or registration interrupt (50125), "keep me signed in" (50140),
/// external challenge (50158), consent interrupt (50199).
const INTERRUPTS: &[i64] = &[50072, 50074, 50076, 50079, 50097, 50125, 50140, 50158, 50199];

/// A sign-in: the Graph object, or a diagnostic record whose `properties` hold one.
#[derive(Deserialize)]
pub struct EntraSignIn<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "createdDateTime")]
    pub created: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "userPrincipalName")]
    pub upn: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "userDisplayName")]
    pub display_name: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "appDisplayName")]
    pub app: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "ipAddress")]
    pub ip: Option<Cow<'a, str>>,
    #[serde(default, rename = "isInteractive", deserialize_with = "lenient_bool")]
    pub is_interactive: Option<bool>,
    #[serde(borrow, default)]
    pub status: Option<Status<'a>>,
    #[serde(borrow, default, rename = "deviceDetail")]
    pub device: Option<DeviceDetail<'a>>,
    #[serde(borrow, default)]
    pub location: Option<LocationField<'a>>,
    #[serde(borrow, default, rename = "userAgent")]
    pub user_agent: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "sessionId")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(default, rename = "autonomousSystemNumber", deserialize_with = "lenient_u32")]
    pub asn: Option<u32>,
    #[serde(borrow, default, rename = "signInEventTypes")]
    pub event_types: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default, rename = "servicePrincipalName")]
    pub service_principal: Option<Cow<'a, str>>,
    #[serde(default, rename = "riskEventTypes_v2")]
    pub risk_v2: Option<RiskTypes>,
    #[serde(default, rename = "riskEventTypes")]
    pub risk: Option<RiskTypes>,
    // The Azure Monitor diagnostic envelope.
    #[serde(borrow, default)]
    pub time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub category: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "callerIpAddress")]
    pub caller_ip: Option<Cow<'a, str>>,
    #[serde(default, rename = "resultType", deserialize_with = "lenient_i64")]
    pub result_type: Option<i64>,
    #[serde(borrow, default)]
    pub identity: Option<Cow<'a, str>>,
    #[serde(borrow = "'a", default)]
    pub properties: Option<Box<EntraSignIn<'a>>>,
}

#[derive(Deserialize)]
pub struct Status<'a> {
    #[serde(default, rename = "errorCode", deserialize_with = "lenient_i64")]
    pub error_code: Option<i64>,
    #[serde(borrow, default, rename = "failureReason")]
    pub failure_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct DeviceDetail<'a> {
    #[serde(borrow, default, rename = "deviceId")]
    pub device_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "operatingSystem")]
    pub os: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub browser: Option<Cow<'a, str>>,
    #[serde(default, rename = "isCompliant", deserialize_with = "lenient_bool")]
    pub is_compliant: Option<bool>,
    #[serde(default, rename = "isManaged", deserialize_with = "lenient_bool")]
    pub is_managed: Option<bool>,
}

#[derive(Deserialize)]
pub struct EntraLocation<'a> {
    #[serde(borrow, default)]
    pub city: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub state: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "countryOrRegion")]
    pub country: Option<Cow<'a, str>>,
    #[serde(default, rename = "geoCoordinates")]
    pub coordinates: Option<Coordinates>,
}

#[derive(Deserialize)]
pub struct Coordinates {
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// Graph's `location` object, or the diagnostic envelope's country code string.
pub enum LocationField<'a> {
    Place(EntraLocation<'a>),
    Code(Cow<'a, str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for LocationField<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LocationField<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a location object or a country code")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LocationField::Code(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LocationField::Code(Cow::Owned(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                EntraLocation::deserialize(de::value::MapAccessDeserializer::new(map)).map(LocationField::Place)
            }
        }
        d.deserialize_any(V)
    }
}

/// Whether Identity Protection's risk detections include an anonymised IP. Graph writes
/// a list of strings; Log Analytics and some diagnostic exports a string (`"[]"`,
/// `"[\"anonymizedIPAddress\"]"`).
pub struct RiskTypes {
    pub anonymised_ip: bool,
}

const ANONYMISED: &str = "anonymizedipaddress";

impl<'de> Deserialize<'de> for RiskTypes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RiskTypes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of risk event types")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(RiskTypes { anonymised_ip: false })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RiskTypes { anonymised_ip: v.to_ascii_lowercase().contains(ANONYMISED) })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut any = false;
                while let Some(s) = seq.next_element::<Cow<'de, str>>()? {
                    any |= s.eq_ignore_ascii_case(ANONYMISED);
                }
                Ok(RiskTypes { anonymised_ip: any })
            }
        }
        d.deserialize_any(V)
    }
}

/// What kind of sign-in a record is, from the diagnostic category or Graph's
/// `signInEventTypes`/`isInteractive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Interactive,
    NonInteractive,
    ServicePrincipal,
    ManagedIdentity,
}

impl Kind {
    fn event_type(self) -> &'static str {
        match self {
            Kind::Interactive => "signin.interactive",
            Kind::NonInteractive => "signin.noninteractive",
            Kind::ServicePrincipal => "signin.serviceprincipal",
            Kind::ManagedIdentity => "signin.managedidentity",
        }
    }
}

fn kind_of(category: Option<&str>, inner: &EntraSignIn<'_>) -> Result<Kind, String> {
    if let Some(cat) = category.map(str::trim).filter(|c| !c.is_empty()) {
        let c = cat.to_ascii_lowercase();
        if !c.ends_with("signinlogs") {
            return Err(format!("category {cat:?} is not a sign-in log"));
        }
        return Ok(if c.contains("serviceprincipal") {
            Kind::ServicePrincipal
        } else if c.contains("managedidentity") {
            Kind::ManagedIdentity
        } else if c.contains("noninteractive") || inner.is_interactive == Some(false) {
            Kind::NonInteractive
        } else {
            Kind::Interactive
        });
    }
    for t in inner.event_types.iter().flatten() {
        match t.to_ascii_lowercase().as_str() {
            "serviceprincipal" => return Ok(Kind::ServicePrincipal),
            "managedidentity" => return Ok(Kind::ManagedIdentity),
            "noninteractiveuser" => return Ok(Kind::NonInteractive),
            _ => {}
        }
    }
    if inner.upn.as_deref().is_none_or(|u| u.trim().is_empty()) && inner.service_principal.is_some() {
        return Ok(Kind::ServicePrincipal);
    }
    Ok(if inner.is_interactive == Some(false) { Kind::NonInteractive } else { Kind::Interactive })
}

fn outcome_of(code: Option<i64>) -> Outcome {
    match code {
        None => Outcome::Unknown,
        Some(0) => Outcome::Success,
        Some(c) if INTERRUPTS.contains(&c) => Outcome::Challenge,
        Some(_) => Outcome::Failure,
    }
}

fn text<'s>(s: &'s Option<Cow<'_, str>>) -> Option<&'s str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Turns one parsed record into the shared model.
pub struct Normaliser {
    system: Arc<str>,
    strings: Interner,
    places: PlaceCache,
    event_types: [Arc<str>; 4],
}

impl Default for Normaliser {
    fn default() -> Self {
        let k = |k: Kind| Arc::from(k.event_type());
        Normaliser {
            system: Arc::from("entra"),
            strings: Interner::default(),
            places: PlaceCache::default(),
            event_types: [
                k(Kind::Interactive),
                k(Kind::NonInteractive),
                k(Kind::ServicePrincipal),
                k(Kind::ManagedIdentity),
            ],
        }
    }
}

impl Normaliser {
    pub fn normalise(&mut self, rec: &EntraSignIn<'_>, source: SourcePos) -> Result<Event, String> {
        // A diagnostic record carries the sign-in in `properties`; a Graph object is one.
        let (envelope, s): (Option<&EntraSignIn<'_>>, &EntraSignIn<'_>) = match rec.properties.as_deref() {
            Some(p) => (Some(rec), p),
            None => (None, rec),
        };
        let kind = kind_of(envelope.and_then(|e| text(&e.category)).or(text(&rec.category)), s)?;
        let at_text = text(&s.created)
            .or(envelope.and_then(|e| text(&e.created)))
            .or(envelope.and_then(|e| text(&e.time)))
            .or(text(&s.time))
            .ok_or("createdDateTime (or time) is missing")?;
        let at = UtcMs::parse(at_text).map_err(|e| format!("createdDateTime: {e}"))?;

        let person = matches!(kind, Kind::Interactive | Kind::NonInteractive);
        let account = if person {
            text(&s.upn).or(envelope.and_then(|e| text(&e.upn)))
        } else {
            text(&s.service_principal).or(text(&s.app)).or(envelope.and_then(|e| text(&e.identity)))
        }
        .unwrap_or("");
        let actor_kind = match (person, account.is_empty()) {
            (false, _) => ActorKind::System,
            (true, false) => ActorKind::User,
            (true, true) => ActorKind::Unknown,
        };

        let ip_text = text(&s.ip).or(envelope.and_then(|e| text(&e.caller_ip)));
        let net = match ip_text {
            None => None,
            Some(t) => {
                let ip: IpAddr = t.parse().map_err(|_| "ipAddress: not an IP address".to_string())?;
                let mut net = Net::new(ip);
                let location = s.location.as_ref().or(envelope.and_then(|e| e.location.as_ref()));
                net.reported = match location {
                    Some(LocationField::Place(l)) => {
                        let country = text(&l.country).and_then(|c| self.places.country(c));
                        Place {
                            country,
                            region: text(&l.state).and_then(|r| self.places.region(country, r)),
                            city: self.strings.opt(l.city.as_deref()),
                            point: l.coordinates.as_ref().and_then(|c| GeoPoint::new(c.latitude?, c.longitude?)),
                        }
                    }
                    Some(LocationField::Code(c)) => {
                        Place { country: self.places.country(c.trim()), ..Default::default() }
                    }
                    None => Place::default(),
                };
                net.asn = s.asn.or(envelope.and_then(|e| e.asn));
                let anonymised = [&s.risk_v2, &s.risk].into_iter().flatten().any(|r| r.anonymised_ip);
                net.vendor_proxy = anonymised.then_some(true);
                Some(net)
            }
        };

        let code = s.status.as_ref().and_then(|st| st.error_code).or(envelope.and_then(|e| e.result_type));
        let outcome = outcome_of(code);
        let device = s.device.as_ref();
        let device_managed = device.and_then(|d| match (d.is_managed, d.is_compliant) {
            (None, None) => None,
            (m, c) => Some(m.unwrap_or(false) || c.unwrap_or(false)),
        });
        let id = text(&s.id).or(envelope.and_then(|e| text(&e.id))).filter(|i| !is_placeholder_id(i));
        let event_type = self.event_types[kind as usize].clone();
        Ok(Event {
            at,
            actor: Actor {
                system: self.system.clone(),
                account: self.strings.lower(account),
                display_name: self.strings.opt(s.display_name.as_deref()),
                kind: actor_kind,
            },
            subject: None,
            action: match kind {
                Kind::Interactive => Action::SignIn,
                _ => Action::Access,
            },
            outcome,
            event_type,
            net,
            session: text(&s.session_id).filter(|i| !is_placeholder_id(i)).map(|i| id_hash("entra", i)),
            device: device
                .and_then(|d| text(&d.device_id))
                .filter(|d| !is_placeholder_id(d))
                .map(|d| self.strings.lower(d)),
            device_managed,
            target: self.strings.opt(s.app.as_deref()),
            detail: Detail::None,
            user_agent: self.strings.opt(s.user_agent.as_deref()),
            interactive: kind == Kind::Interactive && actor_kind == ActorKind::User,
            id: id.map(Into::into),
            source,
        })
    }
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let mut norm = Normaliser::default();
    json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        let e: EntraSignIn<'_> = json_records::parse(bytes)?;
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
    fn the_real_graph_sample_reads_whole() {
        let Some(path) = shared("signin/entra/graph_signins.json") else { return };
        let c = read_path(Format::Entra, &path);
        assert_eq!(c.quarantined, vec![], "real Entra sign-ins quarantined");
        assert_eq!(c.events.len(), 2);

        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "mscore@afos.io");
        assert_eq!(e.actor.kind, ActorKind::User);
        assert_eq!(e.at.to_rfc3339(), "2025-08-15T15:20:26Z");
        assert_eq!((e.action, e.outcome), (Action::SignIn, Outcome::Success));
        let net = e.net.as_ref().unwrap();
        assert_eq!(net.ip.to_string(), "2600:100f:a100:735:2c45:127a:aaaa:0");
        assert_eq!(net.reported.country.unwrap().as_str(), "US");
        assert_eq!(net.reported.region.as_ref().unwrap().as_str(), "US-OR");
        assert_eq!(net.reported.city.as_deref(), Some("Hillsboro"));
        assert!((net.reported.point.unwrap().lat - 45.54019).abs() < 1e-9);
        assert_eq!(e.device_managed, Some(false), "isManaged and isCompliant are false");
        assert_eq!(e.device, None, "an empty deviceId is no device");
        assert_eq!(e.target.as_deref(), Some("Graph Explorer"));
        assert_eq!(e.id, None, "a zeroed id is not a deduplication key");
        assert!(e.interactive);

        let e = &c.events[1];
        assert_eq!(&*e.actor.account, "rknight@company.io");
        assert_eq!(e.at.to_rfc3339(), "2025-08-15T15:43:25Z");
        assert_eq!(e.net.as_ref().unwrap().ip.to_string(), "70.1.1.10");
        assert_eq!(e.net.as_ref().unwrap().reported.region.as_ref().unwrap().as_str(), "US-UT");
        assert_eq!(e.outcome, Outcome::Success);
    }

    /// Azure Monitor diagnostic records as an Event Hub export writes them: the
    /// envelope with `properties`, seven fractional digits, offsets, a string
    /// `resultType`, a country-code `location`, and the non-interactive and
    /// service-principal categories.
    const DIAGNOSTIC: &str = r#"{"records": [
{"time": "2025-03-04T16:02:15.5522137Z", "resourceId": "/tenants/t/providers/Microsoft.aadiam", "operationName": "Sign-in activity", "operationVersion": "1.0", "category": "SignInLogs", "tenantId": "t", "resultType": "50140", "resultSignature": "None", "durationMs": 0, "callerIpAddress": "203.0.113.7", "correlationId": "c1", "identity": "Dana Wells", "Level": 4, "location": "US",
 "properties": {"id": "0231f922-93fa-4005-bb11-b344eca03c01", "createdDateTime": "2025-03-04T11:02:15.5522137-05:00", "userDisplayName": "Dana Wells", "userPrincipalName": "Dana.Wells@Example.COM", "appDisplayName": "Azure Portal", "ipAddress": "203.0.113.7", "status": {"errorCode": 50140, "failureReason": "Keep me signed in interrupt"}, "clientAppUsed": "Browser", "userAgent": "Mozilla/5.0 (X11; Linux x86_64)", "deviceDetail": {"deviceId": "8bfcb982-6856-4402-924c-ada2486321cc", "operatingSystem": "Windows 10", "browser": "Chrome 72.0.3626", "isCompliant": true, "isManaged": true}, "location": {"city": "Bellevue", "state": "Washington", "countryOrRegion": "US", "geoCoordinates": {"latitude": 47.61, "longitude": -122.2}}, "isInteractive": true, "autonomousSystemNumber": 8075, "riskEventTypes_v2": [], "sessionId": "5b0e5c0e-1111-4e0e-9d6e-000000000001"}},
{"time": "2025-03-04T16:05:00.1234567Z", "category": "NonInteractiveUserSignInLogs", "resultType": "0", "callerIpAddress": "198.51.100.4", "location": "NL",
 "properties": {"id": "a5b2c3d4-0000-4000-8000-000000000002", "createdDateTime": "2025-03-04T16:05:00.1234567+00:00", "userPrincipalName": "dana.wells@example.com", "appDisplayName": "Microsoft Teams", "ipAddress": "198.51.100.4", "status": {"errorCode": 0}, "deviceDetail": {"deviceId": "", "operatingSystem": "Linux", "browser": ""}, "isInteractive": false, "autonomousSystemNumber": "9009", "riskEventTypes_v2": ["anonymizedIPAddress"]}},
{"time": "2025-03-04T16:06:00Z", "category": "ServicePrincipalSignInLogs", "resultType": 0, "callerIpAddress": "20.190.128.1",
 "properties": {"id": "b5b2c3d4-0000-4000-8000-000000000003", "createdDateTime": "2025-03-04T16:06:00Z", "servicePrincipalName": "nightly-sync", "appDisplayName": "nightly-sync", "ipAddress": "20.190.128.1", "status": {"errorCode": 0}}},
{"time": "2025-03-04T16:07:00Z", "category": "SignInLogs", "resultType": "50126", "callerIpAddress": "192.0.2.9",
 "properties": {"createdDateTime": "2025-03-04T16:07:00.0000001Z", "userPrincipalName": "dana.wells@example.com", "ipAddress": "192.0.2.9", "status": {"errorCode": 50126, "failureReason": "Invalid username or password"}}}
]}"#;

    #[test]
    fn diagnostic_records_read_in_every_category() {
        let c = read_str(Format::Entra, DIAGNOSTIC);
        assert_eq!(c.quarantined, vec![]);
        assert_eq!(c.events.len(), 4);

        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "dana.wells@example.com");
        assert_eq!(e.at.to_rfc3339(), "2025-03-04T16:02:15.552Z", "-05:00 and seven digits to UTC");
        assert_eq!((e.action, e.outcome), (Action::SignIn, Outcome::Challenge), "KMSI is an interrupt");
        assert_eq!(e.device_managed, Some(true));
        assert_eq!(e.device.as_deref(), Some("8bfcb982-6856-4402-924c-ada2486321cc"));
        assert!(e.session.is_some());
        let net = e.net.as_ref().unwrap();
        assert_eq!((net.ip.to_string().as_str(), net.asn), ("203.0.113.7", Some(8075)));
        assert_eq!(net.reported.region.as_ref().unwrap().as_str(), "US-WA");
        assert_eq!(net.vendor_proxy, None, "no detection is not a verdict of 'not an anonymiser'");
        assert_eq!(e.id.as_deref(), Some("0231f922-93fa-4005-bb11-b344eca03c01"));

        let e = &c.events[1];
        assert_eq!((e.action, e.outcome), (Action::Access, Outcome::Success));
        assert!(!e.interactive, "a token refresh is not a person at a keyboard");
        assert_eq!(&*e.event_type, "signin.noninteractive");
        let net = e.net.as_ref().unwrap();
        assert_eq!(net.reported.country.unwrap().as_str(), "NL", "the envelope's country code");
        assert_eq!(net.asn, Some(9009));
        assert_eq!(net.vendor_proxy, Some(true), "Identity Protection saw an anonymised IP");

        let e = &c.events[2];
        assert_eq!(e.actor.kind, ActorKind::System);
        assert_eq!(&*e.actor.account, "nightly-sync");

        let e = &c.events[3];
        assert_eq!(e.outcome, Outcome::Failure);
        assert_eq!(e.at.to_rfc3339(), "2025-03-04T16:07:00Z");
    }

    #[test]
    fn broken_records_are_quarantined_with_reasons() {
        let text = [
            r#"{"createdDateTime": "2025-03-04T16:07:00Z", "userPrincipalName": "a@x.io", "ipAddress": "192.0.2.9"}"#,
            r#"{"createdDateTime": "2025-03-04 16:07", "userPrincipalName": "a@x.io"}"#,
            r#"{"createdDateTime": "2025-03-04T16:07:00Z", "userPrincipalName": "a@x.io", "ipAddress": "300.1.1.1"}"#,
            r#"{"time": "2025-03-04T16:07:00Z", "category": "AuditLogs", "properties": {"activityDisplayName": "Add user"}}"#,
            r#"{"createdDateTime": "2025-03-04T16:07:00Z", "status": {"errorCode": "fifty"}}"#,
            r#"{"userPrincipalName": "a@x.io"}"#,
            r#"{"createdDateTime": "2025-03-04T16:07:00Z", "location": 12}"#,
        ]
        .join("\n");
        let c = read_str(Format::Entra, &text);
        assert_eq!(c.events.len(), 1);
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 6, "{reasons:?}");
        assert!(reasons[0].starts_with("createdDateTime: not an RFC 3339"), "{reasons:?}");
        assert!(reasons[1].contains("ipAddress"), "{reasons:?}");
        assert!(reasons[2].contains("AuditLogs") && reasons[2].contains("not a sign-in log"), "{reasons:?}");
        assert!(reasons[3].starts_with("status.errorCode"), "{reasons:?}");
        assert!(reasons[4].contains("missing"), "{reasons:?}");
        assert!(reasons[5].starts_with("location"), "{reasons:?}");
        assert_eq!(c.quarantined.iter().map(|q| q.pos.line).collect::<Vec<_>>(), vec![2, 3, 4, 5, 6, 7]);
    }
}

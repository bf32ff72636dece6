//! Okta System Log events in the real export schema, for synthetic organisations and
//! benchmarks.
//!
//! The shape follows real `/api/v1/logs` events field for field (actor, client with
//! userAgent and geographicalContext, authenticationContext, outcome, securityContext,
//! debugContext, transaction, request.ipChain, target), so that what bonafide reads in
//! tests and benchmarks costs what a customer's export costs.

use serde_json::{Value, json};

/// Where a sign-in came from, as Okta reports it.
#[derive(Clone, Debug)]
pub struct Client {
    pub ip: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub postal: String,
    pub lat: f64,
    pub lon: f64,
    pub as_number: u32,
    pub as_org: String,
    pub isp: String,
    pub domain: String,
    pub is_proxy: bool,
}

/// The person acting.
#[derive(Clone, Debug)]
pub struct OktaUser {
    pub id: String,
    pub login: String,
    pub display_name: String,
}

/// One event to write.
#[derive(Clone, Debug)]
pub struct Spec<'a> {
    pub uuid: String,
    pub published_ms: i64,
    pub event_type: &'a str,
    pub user: &'a OktaUser,
    pub client: &'a Client,
    pub session: &'a str,
    pub outcome: &'a str,
    pub user_agent: &'a str,
}

fn display_message(event_type: &str) -> &'static str {
    match event_type {
        "user.session.start" => "User login to Okta",
        "user.session.end" => "User logout from Okta",
        "user.authentication.sso" => "User single sign on to app",
        "user.authentication.auth_via_mfa" => "Authentication of user via MFA",
        "policy.evaluate_sign_on" => "Evaluation of sign-on policy",
        _ => "Event",
    }
}

/// RFC 3339 with milliseconds, UTC.
pub fn rfc3339_ms(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A user event as Okta exports it.
pub fn event(s: &Spec<'_>) -> Value {
    let c = s.client;
    let geo = json!({
        "city": c.city, "state": c.state, "country": c.country, "postalCode": c.postal,
        "geolocation": {"lat": c.lat, "lon": c.lon}
    });
    let request_id = format!("{:x}", (s.published_ms as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995);
    json!({
        "actor": {"id": s.user.id, "type": "User", "alternateId": s.user.login, "displayName": s.user.display_name, "detailEntry": null},
        "client": {
            "userAgent": {"rawUserAgent": s.user_agent, "os": "Mac OS X", "browser": "CHROME"},
            "zone": "null", "device": "Computer", "id": null, "ipAddress": c.ip, "geographicalContext": geo
        },
        "device": null,
        "authenticationContext": {
            "authenticationProvider": null, "credentialProvider": null, "credentialType": null, "issuer": null,
            "interface": null, "authenticationStep": 0, "rootSessionId": s.session, "externalSessionId": s.session
        },
        "displayMessage": display_message(s.event_type),
        "eventType": s.event_type,
        "outcome": {"result": s.outcome, "reason": null},
        "published": rfc3339_ms(s.published_ms),
        "securityContext": {"asNumber": c.as_number, "asOrg": c.as_org, "isp": c.isp, "domain": c.domain, "isProxy": c.is_proxy},
        "severity": "INFO",
        "debugContext": {"debugData": {"requestId": request_id, "requestUri": "/idp/idx/identify", "threatSuspected": "false", "url": "/idp/idx/identify?"}},
        "legacyEventType": null,
        "transaction": {"type": "WEB", "id": request_id, "detail": {}},
        "uuid": s.uuid,
        "version": "0",
        "request": {"ipChain": [{"ip": c.ip, "geographicalContext": geo, "version": "V4", "source": null}]},
        "target": [{"id": format!("0oa{}", &s.user.id[3.min(s.user.id.len())..]), "type": "AppInstance", "alternateId": "Workday", "displayName": "Workday", "detailEntry": null}]
    })
}

/// A system event with no client, as Okta logs its own work.
pub fn system_event(uuid: &str, published_ms: i64, event_type: &str) -> Value {
    json!({
        "actor": {"id": "0oa1system", "type": "SystemPrincipal", "alternateId": "system@okta.com", "displayName": "Okta System", "detailEntry": null},
        "client": null, "device": null,
        "authenticationContext": {"authenticationProvider": null, "credentialProvider": null, "credentialType": null, "issuer": null, "interface": null, "authenticationStep": 0, "externalSessionId": "unknown"},
        "displayMessage": "Update policy rule", "eventType": event_type,
        "outcome": {"result": "SUCCESS", "reason": null},
        "published": rfc3339_ms(published_ms),
        "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
        "severity": "INFO", "debugContext": {"debugData": {}}, "legacyEventType": null,
        "transaction": {"type": "JOB", "id": uuid, "detail": {}}, "uuid": uuid, "version": "0",
        "request": {"ipChain": []}, "target": []
    })
}

/// A deterministic UUID-shaped id from a counter and a seed.
pub fn uuid(seed: u64, n: u64) -> String {
    let a = crate::rng::mix(seed ^ n.wrapping_mul(0xa076_1d64_78bd_642f));
    let b = crate::rng::mix(a ^ 0xe703_7ed1_a0b4_28db);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        (b >> 52) as u16 & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

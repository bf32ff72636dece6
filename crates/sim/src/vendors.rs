//! Entra ID, Google Workspace and GitHub events in their real export schemas, for
//! benchmarks and synthetic organisations.
//!
//! Each writer follows its vendor's shape field for field, including the fields
//! bonafide does not read, so that reading a generated export costs what reading a
//! customer's costs: the Azure Monitor diagnostic envelope with the Graph sign-in in
//! `properties` (seven-digit fractions and an offset in `createdDateTime`), a Reports API
//! activity with typed parameters and `networkInfo`, and an organisation audit-log event
//! with IP disclosure.

use serde_json::{Value, json};

/// A place a sign-in came from.
#[derive(Clone, Debug)]
pub struct Origin<'a> {
    pub ip: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    /// ISO 3166-1 alpha-2.
    pub country: &'a str,
    /// ISO 3166-2, e.g. `US-OH`.
    pub subdivision: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub asn: u32,
}

fn rfc3339_7(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!("{}{:04}Z", t.strftime("%Y-%m-%dT%H:%M:%S%.3f"), (ms.rem_euclid(7) * 1357) % 10_000)
}

fn rfc3339_7_offset(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!("{}{:04}+00:00", t.strftime("%Y-%m-%dT%H:%M:%S%.3f"), (ms.rem_euclid(7) * 1357) % 10_000)
}

pub fn guid(seed: u64) -> String {
    let a = crate::rng::mix(seed);
    let b = crate::rng::mix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        (b >> 52) as u16 & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// One Entra sign-in as the Azure Monitor diagnostic settings export it.
#[derive(Clone, Debug)]
pub struct EntraSignIn<'a> {
    pub id: u64,
    pub at_ms: i64,
    pub upn: &'a str,
    pub display_name: &'a str,
    pub app: &'a str,
    pub interactive: bool,
    pub error_code: u32,
    pub origin: &'a Origin<'a>,
    pub device_id: &'a str,
    pub managed: bool,
    pub session: &'a str,
    pub user_agent: &'a str,
}

pub fn entra_diagnostic(s: &EntraSignIn<'_>) -> Value {
    let o = s.origin;
    let id = guid(s.id);
    let category = if s.interactive { "SignInLogs" } else { "NonInteractiveUserSignInLogs" };
    json!({
        "time": rfc3339_7(s.at_ms),
        "resourceId": "/tenants/00000000-0000-0000-0000-00000000beef/providers/Microsoft.aadiam",
        "operationName": "Sign-in activity",
        "operationVersion": "1.0",
        "category": category,
        "tenantId": "00000000-0000-0000-0000-00000000beef",
        "resultType": s.error_code.to_string(),
        "resultSignature": "None",
        "resultDescription": if s.error_code == 0 { "" } else { "Invalid username or password or Invalid on-premise username or password." },
        "durationMs": 0,
        "callerIpAddress": o.ip,
        "correlationId": guid(s.id ^ 0xc0),
        "identity": s.display_name,
        "Level": 4,
        "location": o.country,
        "properties": {
            "id": id,
            "createdDateTime": rfc3339_7_offset(s.at_ms),
            "userDisplayName": s.display_name,
            "userPrincipalName": s.upn,
            "userId": guid(s.id ^ 0x11),
            "appId": guid(s.app.len() as u64),
            "appDisplayName": s.app,
            "ipAddress": o.ip,
            "status": {"errorCode": s.error_code, "failureReason": if s.error_code == 0 { "Other." } else { "Invalid username or password." }},
            "clientAppUsed": "Browser",
            "userAgent": s.user_agent,
            "deviceDetail": {"deviceId": s.device_id, "displayName": "", "operatingSystem": "Windows10", "browser": "Chrome 133.0.0", "isCompliant": s.managed, "isManaged": s.managed, "trustType": if s.managed { "Azure AD joined" } else { "" }},
            "location": {"city": o.city, "state": o.state, "countryOrRegion": o.country, "geoCoordinates": {"altitude": null, "latitude": o.lat, "longitude": o.lon}},
            "correlationId": guid(s.id ^ 0xc0),
            "conditionalAccessStatus": "success",
            "appliedConditionalAccessPolicies": [{"id": guid(7), "displayName": "Require MFA for all users", "enforcedGrantControls": ["Mfa"], "enforcedSessionControls": [], "result": "success"}],
            "originalRequestId": guid(s.id ^ 0x0f),
            "isInteractive": s.interactive,
            "tokenIssuerName": "",
            "tokenIssuerType": "AzureAD",
            "authenticationProcessingDetails": [{"key": "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value": "False"}],
            "networkLocationDetails": [],
            "processingTimeInMilliseconds": 112,
            "riskDetail": "none",
            "riskLevelAggregated": "none",
            "riskLevelDuringSignIn": "none",
            "riskState": "none",
            "riskEventTypes": [],
            "riskEventTypes_v2": [],
            "resourceDisplayName": "Microsoft Graph",
            "resourceId": "00000003-0000-0000-c000-000000000000",
            "resourceTenantId": "00000000-0000-0000-0000-00000000beef",
            "homeTenantId": "00000000-0000-0000-0000-00000000beef",
            "authenticationDetails": [{"authenticationStepDateTime": rfc3339_7_offset(s.at_ms), "authenticationMethod": "Previously satisfied", "succeeded": true, "authenticationStepResultDetail": "First factor requirement satisfied by claim in the token", "authenticationStepRequirement": "Primary authentication"}],
            "authenticationRequirement": "multiFactorAuthentication",
            "userType": "Member",
            "flaggedForReview": false,
            "isTenantRestricted": false,
            "autonomousSystemNumber": o.asn,
            "crossTenantAccessType": "none",
            "sessionId": s.session,
            "ssoExtensionVersion": ""
        }
    })
}

/// One Google Workspace `login` activity.
pub fn gws_login(unique: u64, at_ms: i64, email: &str, name: &str, origin: &Origin<'_>) -> Value {
    let t = jiff::Timestamp::from_millisecond(at_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut params = vec![json!({"name": "login_type", "value": "google_password"})];
    if name == "login_success" || name == "login_failure" {
        params.push(json!({"name": "login_challenge_method", "multiValue": ["password", "google_authenticator"]}));
        params.push(json!({"name": "is_suspicious", "boolValue": false}));
        params.push(json!({"name": "login_timestamp", "intValue": (at_ms * 1000).to_string()}));
    }
    if name == "login_failure" {
        params.push(json!({"name": "login_failure_type", "value": "login_failure_invalid_password"}));
    }
    json!({
        "kind": "admin#reports#activity",
        "id": {
            "time": t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "uniqueQualifier": (crate::rng::mix(unique) as i64).to_string(),
            "applicationName": "login",
            "customerId": "C03az79cb"
        },
        "etag": format!("\"{:016x}/{:08x}\"", crate::rng::mix(unique ^ 0xe7), unique as u32),
        "actor": {"callerType": "USER", "email": email, "profileId": (100_000_000_000_000_000_000u128 + u128::from(unique % 1_000_000)).to_string()},
        "ipAddress": origin.ip,
        "networkInfo": {"ipAsn": [origin.asn], "regionCode": origin.country, "subdivisionCode": origin.subdivision},
        "events": [{"type": if name == "logout" { "logout" } else { "login" }, "name": name, "parameters": params}],
        "ownerDomain": "bench.example"
    })
}

/// One GitHub organisation audit-log event with IP disclosure on.
pub fn github_event(doc: u64, at_ms: i64, action: &str, actor: &str, repo: &str, origin: &Origin<'_>) -> Value {
    let git = action.starts_with("git.");
    let mut v = json!({
        "@timestamp": at_ms,
        "_document_id": format!("{:022x}", crate::rng::mix(doc) as u128 * 7919),
        "action": action,
        "actor": actor,
        "actor_id": crate::rng::mix(actor.len() as u64) % 100_000_000,
        "actor_ip": origin.ip,
        "actor_location": {"country_code": origin.country},
        "business": "bench",
        "business_id": 4242,
        "created_at": at_ms,
        "operation_type": if git { "access" } else { "create" },
        "org": "bench-org",
        "org_id": 900_001,
        "user_agent": if git { "git/2.43.0" } else { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36" },
        "request_id": format!("{:08X}:{:04X}:{:06X}", doc as u32, (doc >> 8) as u16, doc % 0xffffff)
    });
    if let Some(map) = v.as_object_mut() {
        if git {
            map.insert("repo".into(), json!(repo));
            map.insert("repository".into(), json!(repo));
            map.insert("repository_public".into(), json!(false));
            map.insert("transport_protocol".into(), json!(2));
            map.insert("transport_protocol_name".into(), json!("ssh"));
        } else {
            map.insert("repo".into(), json!(repo));
            map.insert("visibility".into(), json!("private"));
        }
    }
    v
}

//! A case as one self-contained, printable HTML page holding what an IC3 complaint
//! asks for: the people and their identifiers, IP addresses, addresses, payment
//! destinations (masked), devices and shipments, a timeline with source positions, the
//! indicators with their public sources, and the analysts' notes.
//!
//! The page carries its CSS inline and nothing else; its content security policy allows
//! exactly that stylesheet (by hash), so the saved file is safe to open anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::{Principal, now};
use crate::snapshot::{FindingView, Snapshot, SubjectView};
use crate::views::{self, Table};
use crate::web::{Kind, WebError};

const CSS: &str = include_str!("../templates/export.css");

pub struct ExportSubject {
    pub id: String,
    pub name: String,
    pub score: u8,
    pub band: String,
    pub facts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "export.html")]
pub struct ExportPage {
    pub css: &'static str,
    pub version: &'static str,
    pub case_id: i64,
    pub title: String,
    pub status: String,
    pub disposition: String,
    pub exported_at: String,
    pub exported_by: String,
    pub run_id: String,
    pub subjects: Vec<ExportSubject>,
    pub ips: Vec<(String, String)>,
    pub addresses: Vec<(String, String)>,
    pub payments: Table,
    pub devices: Table,
    pub shipments: Table,
    pub indicators: Vec<(String, String, String, String)>,
    pub timeline: Vec<(String, String, String)>,
    pub notes: Vec<crate::cases::Note>,
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSP of the exported page: its one inline stylesheet, by hash.
pub fn export_csp() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(CSS))
    )
}

/// Every IP address in a JSON value (evidence details), with the key it was under.
fn collect_ips(v: &Value, key: &str, out: &mut Vec<(IpAddr, String)>) {
    match v {
        Value::String(s) => {
            for word in s.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')') {
                if let Ok(ip) = word.trim_matches(|c: char| c == '[' || c == ']').parse::<IpAddr>() {
                    out.push((ip, key.to_string()));
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_ips(x, key, out)),
        // A cluster link names what it shares as `{"kind": "ip", "value": ADDR}`: its
        // value is an address the linked people connected from, as an `ip` key's is.
        Value::Object(m) => {
            let shared_ip = m.get("kind").and_then(Value::as_str) == Some("ip");
            m.iter().for_each(|(k, x)| collect_ips(x, if shared_ip && k == "value" { "ip" } else { k }, out))
        }
        _ => {}
    }
}

/// Evidence keys whose addresses are ones the person connected from: sign-ins and
/// sessions (`ip`, written by every network detector), interviews (`client_ip`), and the
/// usual spellings of a client address in other sources. Any other key holding an
/// address says something else: an osquery `listening_ports` row's `address` (D7) is
/// the interface a program listens on, a socket's `remote_address` is the far end, and
/// neither belongs in a complaint as "an IP address the subject used".
const USED_IP_KEYS: &[&str] = &["ip", "ips", "client_ip", "src_ip", "source_ip", "ip_address", "remote_ip"];

/// True for an address worth giving the FBI: reachable on the internet. Unspecified
/// (`0.0.0.0`), loopback, link-local, private (RFC 1918, IPv6 unique-local), shared
/// carrier NAT, multicast and broadcast addresses name no one outside the network they
/// were seen on.
fn public_ip(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v) => {
            let o = v.octets();
            let cgnat = o[0] == 100 && (o[1] & 0xc0) == 64;
            !(v.is_unspecified()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_private()
                || v.is_multicast()
                || v.is_broadcast()
                || cgnat)
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            let unique_local = (s[0] & 0xfe00) == 0xfc00;
            let link_local = (s[0] & 0xffc0) == 0xfe80;
            !(v.is_unspecified() || v.is_loopback() || v.is_multicast() || unique_local || link_local)
        }
    }
}

/// The public addresses the case's people used, each with where it was seen: evidence
/// under [`USED_IP_KEYS`] and interviews' client addresses.
fn used_ips(findings: &[&FindingView], subjects: &[&SubjectView]) -> BTreeMap<IpAddr, BTreeSet<String>> {
    let mut ips: BTreeMap<IpAddr, BTreeSet<String>> = BTreeMap::new();
    let mut found = Vec::new();
    for f in findings {
        for e in &f.evidence {
            found.clear();
            collect_ips(&e.detail, "", &mut found);
            for (ip, key) in &found {
                if USED_IP_KEYS.contains(&key.as_str()) && public_ip(*ip) {
                    let seen = format!("{} {}", f.indicator, e.source.clone().unwrap_or_default());
                    ips.entry(ip.to_canonical()).or_default().insert(seen);
                }
            }
        }
    }
    for s in subjects {
        if let Some(a) = s.records.get("interviews").and_then(Value::as_array) {
            for i in a {
                if let Some(ip) = i.get("client_ip").and_then(Value::as_str).and_then(|x| x.parse::<IpAddr>().ok())
                    && public_ip(ip)
                {
                    ips.entry(ip.to_canonical()).or_default().insert(format!("interview of {}", s.id));
                }
            }
        }
    }
    ips
}

fn merge_rows(subjects: &[&SubjectView], key: &str, cols: &[&str]) -> Table {
    let mut all = Vec::new();
    for s in subjects {
        if let Some(a) = s.records.get(key).and_then(Value::as_array) {
            for r in a {
                let mut r = r.clone();
                if let Some(o) = r.as_object_mut() {
                    o.insert("subject".into(), Value::String(s.id.clone()));
                }
                all.push(r);
            }
        }
    }
    views::table(&Value::Array(all), cols)
}

pub fn build(snap: &Snapshot, case: &crate::cases::Case, notes: Vec<crate::cases::Note>, by: &str) -> ExportPage {
    let catalog = bonafide_core::Catalog::builtin();
    let members: Vec<String> = match (&case.subject_id, &case.cluster_id) {
        (Some(s), _) => vec![s.clone()],
        (None, Some(c)) => snap.cluster(c).map(|c| c.members.clone()).unwrap_or_default(),
        _ => Vec::new(),
    };
    let subjects: Vec<&SubjectView> = members.iter().filter_map(|m| snap.subject(m)).collect();
    let mut finding_ids: BTreeSet<usize> = BTreeSet::new();
    for s in &subjects {
        finding_ids.extend(s.findings.iter().copied());
    }
    let findings: Vec<&FindingView> = finding_ids.iter().map(|&i| &snap.findings[i]).collect();
    let ips = used_ips(&findings, &subjects);
    let mut addresses: Vec<(String, String)> = Vec::new();
    for s in &subjects {
        let claimed = ["line1", "line2", "city", "region", "postal_code", "country"]
            .iter()
            .filter_map(|k| s.claims.get("address").and_then(|a| a.get(*k)).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(", ");
        if !claimed.is_empty() {
            addresses.push((claimed, format!("home claimed by {}", s.id)));
        }
        if let Some(a) = s.records.get("shipments").and_then(Value::as_array) {
            for sh in a {
                if let Some(addr) = sh.get("address").and_then(Value::as_str).filter(|x| !x.is_empty()) {
                    addresses.push((addr.to_string(), format!("equipment shipped for {}", s.id)));
                }
            }
        }
    }
    addresses.sort();
    addresses.dedup();
    let mut indicators: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for f in &findings {
        if let Some(i) = catalog.get(&f.indicator) {
            let src = i
                .sources
                .iter()
                .map(|s| format!("{s}: {}", catalog.sources.get(s).cloned().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ");
            indicators.insert(i.id.clone(), (i.tier.to_string(), i.title.clone(), src));
        }
    }
    let mut timeline: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            let when = f.first_seen.clone().unwrap_or_default();
            let src = f.evidence.iter().filter_map(|e| e.source.clone()).take(3).collect::<Vec<_>>().join(", ");
            (when, format!("{} ({}): {}", f.indicator, f.subjects.join(", "), f.summary), src)
        })
        .collect();
    timeline.push((
        case.created_at.clone(),
        format!("case #{} opened by {}", case.case_id, case.created_by),
        String::new(),
    ));
    for n in &notes {
        timeline.push((n.at.clone(), format!("note by {}", n.author), String::new()));
    }
    timeline.sort();
    let fact_list = |s: &SubjectView| {
        let mut f = Vec::new();
        let keys = [
            ("emails", "Emails"),
            ("phone_e164", "Phone"),
            ("ssn", "SSN (masked)"),
            ("id_document", "ID document (masked)"),
            ("date_of_birth", "Date of birth"),
            ("github", "GitHub"),
            ("linkedin", "LinkedIn"),
            ("website", "Website"),
            ("vendor", "Vendor"),
            ("department", "Department"),
            ("role", "Role"),
            ("hire_date", "Hired"),
            ("timezone", "Claimed time zone"),
        ];
        for (k, label) in keys {
            if let Some(t) = s.claims.get(k).map(views::text).filter(|t| !t.is_empty()) {
                f.push((label.to_string(), t));
            }
        }
        f
    };
    ExportPage {
        css: CSS,
        version: env!("CARGO_PKG_VERSION"),
        case_id: case.case_id,
        title: case.title.clone(),
        status: case.status.clone(),
        disposition: case.disposition.clone().unwrap_or_default(),
        exported_at: now().to_stamp(),
        exported_by: by.into(),
        run_id: snap.run.as_ref().map(|r| r.run_id.clone()).unwrap_or_default(),
        subjects: subjects
            .iter()
            .map(|s| ExportSubject {
                id: s.id.clone(),
                name: s.name.clone(),
                score: s.score,
                band: s.band.clone(),
                facts: fact_list(s),
            })
            .collect(),
        ips: ips.into_iter().map(|(ip, w)| (ip.to_string(), w.into_iter().collect::<Vec<_>>().join("; "))).collect(),
        addresses,
        payments: merge_rows(
            &subjects,
            "payroll",
            &[
                "subject",
                "changed_at",
                "method",
                "account_holder",
                "bank_name",
                "bank_country",
                "routing_number",
                "account_number",
                "iban",
                "wallet",
                "source",
            ],
        ),
        devices: merge_rows(
            &subjects,
            "devices",
            &["subject", "asset_serial", "hostname", "host_identifier", "managed", "source"],
        ),
        shipments: merge_rows(
            &subjects,
            "shipments",
            &["subject", "shipped_at", "asset_serial", "address", "status", "signed_by", "source"],
        ),
        indicators: indicators.into_iter().map(|(id, (t, title, src))| (id, t, title, src)).collect(),
        timeline,
        notes,
    }
}

/// Renders the export, audits it, and answers with the page's own CSP.
pub async fn response(st: &AppState, p: &Principal, id: i64, kind: Kind) -> Result<Response, WebError> {
    let pool = &st.pool;
    let case = crate::cases::get(pool, id)
        .await
        .map_err(|e| WebError::internal(kind, e))?
        .ok_or_else(|| WebError::not_found(kind))?;
    let notes = crate::cases::notes(pool, id).await.map_err(|e| WebError::internal(kind, e))?;
    let snap = st.snap().await;
    let html = build(&snap, &case, notes, &p.name).render().map_err(|e| WebError::internal(kind, e))?;
    crate::audit::record(pool, &p.name, "case.export", &format!("case:{id}"), &format!("{} bytes", html.len()))
        .await
        .map_err(|e| WebError::internal(kind, e))?;
    let mut resp = Html(html).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&export_csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"bonafide-case-{id}.html\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (i, o) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    fn finding(indicator: &str, detail: Value) -> crate::snapshot::FindingView {
        crate::snapshot::FindingView {
            finding_id: indicator.into(),
            indicator: indicator.into(),
            subjects: vec!["P".into()],
            first_seen: None,
            last_seen: None,
            summary: String::new(),
            weight_bits: 1.0,
            evidence: vec![crate::snapshot::EvidenceView { source: Some("x.json:1".into()), detail }],
            evidence_total: 1,
            shared: None,
        }
    }

    #[test]
    fn only_public_addresses_the_person_used_are_listed() {
        use serde_json::json;
        let findings = vec![
            // An osquery listening port: the interface, not an address anyone used.
            finding("D7", json!({"host": "lt-p", "address": "0.0.0.0", "port": "7070"})),
            finding("D7", json!({"host": "lt-p", "address": "203.0.113.99", "remote_address": "198.51.100.99"})),
            finding("A4", json!({"ip": "127.0.0.1", "event_type": "signin"})),
            finding("A4", json!({"ip": "10.1.2.3", "event_type": "signin"})),
            finding("A4", json!({"ip": "169.254.0.9", "event_type": "signin"})),
            finding("A4", json!({"ip": "fe80::1", "event_type": "signin"})),
            finding("A4", json!({"ip": "::ffff:192.168.1.4", "event_type": "signin"})),
            finding("A5", json!({"ip": "73.9.9.9", "event_type": "signin"})),
            finding("B1", json!({"client_ip": "2001:db8::7"})),
            // A cluster link's shared address, and a link that shares something else.
            finding("H6", json!({"a": "P", "b": "Q", "kind": "ip", "value": "81.2.69.161"})),
            finding("H6", json!({"a": "P", "b": "Q", "kind": "phone", "value": "198.51.100.77"})),
        ];
        let subject = SubjectView {
            id: "P".into(),
            name: "Pat".into(),
            kind: "employee".into(),
            implicit: false,
            department: None,
            vendor: None,
            score: 90,
            band: "critical".into(),
            log2_odds: 3.0,
            run_score: 90,
            contributions: Vec::new(),
            first_seen: String::new(),
            indicators: BTreeSet::new(),
            claims: Value::Null,
            activity: None,
            records: json!({"interviews": [{"client_ip": "192.168.0.20"}, {"client_ip": "81.2.69.160"}]}),
            findings: (0..findings.len()).collect(),
            clusters: Vec::new(),
        };
        let snap = Snapshot {
            index: [("P".to_string(), 0)].into_iter().collect(),
            subjects: vec![subject],
            findings,
            ..Snapshot::default()
        };
        let case = crate::cases::Case {
            case_id: 1,
            subject_id: Some("P".into()),
            cluster_id: None,
            title: "t".into(),
            status: "open".into(),
            disposition: None,
            assignee: None,
            created_by: "a".into(),
            created_at: String::new(),
            updated_at: String::new(),
        };
        let page = build(&snap, &case, Vec::new(), "a");
        let ips: Vec<&str> = page.ips.iter().map(|(ip, _)| ip.as_str()).collect();
        assert_eq!(ips, ["73.9.9.9", "81.2.69.160", "81.2.69.161", "2001:db8::7"]);
        assert!(page.ips[0].1.contains("A5"), "{:?}", page.ips);
        assert_eq!(page.ips[1].1, "interview of P");
        let html = page.render().expect("renders");
        for hidden in
            ["0.0.0.0", "127.0.0.1", "10.1.2.3", "192.168.", "169.254.", "fe80::", "203.0.113.99", "198.51.100.77"]
        {
            assert!(!html.contains(hidden), "the export lists {hidden}");
        }
    }

    #[test]
    fn ips_are_found_in_nested_evidence() {
        let v = serde_json::json!({"ip": "203.0.113.7", "path": ["198.51.100.1 (VPN)", "not an ip"], "n": 3});
        let mut out = Vec::new();
        collect_ips(&v, "", &mut out);
        let ips: Vec<String> = out.iter().map(|x| x.0.to_string()).collect();
        assert_eq!(ips, ["203.0.113.7", "198.51.100.1"]);
    }
}

//! The service's behaviour through its HTTP surface, in-process: the queue and its
//! filters, cases from open to confirmed with propagation to the cluster, suppressions
//! that expire, the export's IC3 content, the audit trail that cannot be rewritten,
//! ingest by upload, login and its rate limit, and no raw sensitive value anywhere.
//! Every test runs twice: on a SQLite file (`sqlite::`) and on PostgreSQL (`postgres::`,
//! a schema of its own; skipped outside CI when BONAFIDE_PG_URL is unset).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use bonafide_serve::auth;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Client {
    app: axum::Router,
    token: String,
}

impl Client {
    async fn new(org: &common::Org, role: &str) -> Client {
        let pool = &org.state.pool;
        let id: i64 =
            sqlx::query_scalar("SELECT user_id FROM users WHERE name = $1").bind(role).fetch_one(pool).await.unwrap();
        Client {
            app: bonafide_serve::app(org.state.clone()),
            token: auth::create_api_token(pool, id, "t").await.unwrap(),
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut req =
            Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let resp = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (status, headers, text)
    }

    /// A POST of `body` as the raw request body.
    async fn post_raw(&self, path: &str, body: Body) -> (StatusCode, String) {
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(body)
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        (status, String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string())
    }

    async fn json(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (s, _, t) = self.send(method, path, body).await;
        assert!(s.is_success(), "{method} {path}: {s} {t}");
        serde_json::from_str(&t).unwrap()
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
}

fn subject<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["items"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

async fn the_queue_ranks_and_filters(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let all = c.json("GET", "/api/v1/subjects", None).await;
    let scores: Vec<u64> = all["items"].as_array().unwrap().iter().map(|s| s["score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "ranked: {scores:?}");
    assert_eq!(&ids(&all)[..3], ["F1", "F2", "F3"], "the laptop farm leads");
    let sales = c.json("GET", "/api/v1/subjects?department=Sales&include_quiet=1", None).await;
    assert!(sales["items"].as_array().unwrap().iter().all(|s| s["department"] == "Sales"));
    assert!(ids(&sales).contains(&"C1".to_string()) && !ids(&sales).contains(&"F1".to_string()));
    let vendor = c.json("GET", "/api/v1/subjects?vendor=Acme%20Staffing", None).await;
    assert_eq!(ids(&vendor), ["F1", "F2", "F3"]);
    let g3 = c.json("GET", "/api/v1/subjects?indicator=G3", None).await;
    assert_eq!(ids(&g3), ["F1", "F2"], "the shared pay account");
    let high = c.json("GET", "/api/v1/subjects?band=high", None).await;
    assert!(
        high["items"].as_array().unwrap().iter().all(|s| ["high", "critical"].contains(&s["band"].as_str().unwrap()))
    );
    assert!(ids(&high).len() < ids(&all).len());
    // Everything was first stored just now, so all of it is new this week.
    let new = c.json("GET", "/api/v1/subjects?new=1", None).await;
    assert_eq!(new["total"], all["total"]);
    let quiet = c.json("GET", "/api/v1/subjects?include_quiet=1", None).await;
    assert!(quiet["total"].as_u64() > all["total"].as_u64(), "benign subjects without findings are hidden by default");
    let page = c.json("GET", "/api/v1/subjects?limit=2&offset=1", None).await;
    assert_eq!(ids(&page), ["F2", "F3"]);
}

async fn a_confirmed_case_raises_its_cluster_and_is_exported_for_ic3(org: &common::Org) {
    let c = Client::new(org, "analyst").await;
    let before = c.json("GET", "/api/v1/subjects", None).await;
    let e9 = subject(&before, "E1009")["log2_odds"].as_f64().unwrap();
    let case = c.json("POST", "/api/v1/cases", Some(json!({"subject_id": "E1008"}))).await;
    let id = case["case_id"].as_i64().unwrap();
    assert_eq!(case["status"], "open");
    c.json("POST", &format!("/api/v1/cases/{id}/notes"), Some(json!({"body": "same home IP as two others"}))).await;
    let (s, _, t) = c.send("PATCH", &format!("/api/v1/cases/{id}"), Some(json!({"status": "closed"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "closing needs a disposition: {t}");
    let closed = c
        .json("PATCH", &format!("/api/v1/cases/{id}"), Some(json!({"status": "closed", "disposition": "confirmed"})))
        .await;
    assert_eq!((closed["status"].as_str(), closed["disposition"].as_str()), (Some("closed"), Some("confirmed")));
    let after = c.json("GET", "/api/v1/subjects", None).await;
    let s9 = subject(&after, "E1009");
    let t2 = bonafide_core::ScoringConfig::default().tier_bits.t2;
    assert!((s9["log2_odds"].as_f64().unwrap() - (e9 + t2)).abs() < 1e-9, "E1009 gains the T2 weight: {s9}");
    let via = s9["contributions"].as_array().unwrap().iter().find(|x| x["indicator"] == "CASE").unwrap();
    assert!(via["via"].as_str().unwrap().contains("E1008"), "{via}");
    assert!(
        subject(&after, "E1008")["contributions"].as_array().unwrap().iter().all(|x| x["indicator"] != "CASE"),
        "the confirmed subject does not lend itself bits"
    );
    assert!(
        subject(&after, "E1012")["contributions"].as_array().unwrap().iter().all(|x| x["indicator"] != "CASE"),
        "subjects outside the cluster are untouched"
    );
    // The case's audit trail has every change, in order.
    let detail = c.json("GET", &format!("/api/v1/cases/{id}"), None).await;
    let actions: Vec<&str> =
        detail["audit"].as_array().unwrap().iter().rev().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["case.open", "case.note", "case.change"]);

    // Export of a farm case: what an IC3 complaint needs, sensitive numbers masked.
    let farm = c.json("POST", "/api/v1/cases", Some(json!({"cluster_id": cluster_of(&c, "F1").await}))).await;
    let fid = farm["case_id"].as_i64().unwrap();
    c.json("POST", &format!("/api/v1/cases/{fid}/notes"), Some(json!({"body": "three laptops, one porch"}))).await;
    let (s, h, html) = c.send("GET", &format!("/api/v1/cases/{fid}/export"), None).await;
    assert_eq!(s, StatusCode::OK);
    for want in
        ["F1", "F2", "F3", "9 Farm Road", "SN-F2", "First Bank", "***", "C2", "PSA24", "three laptops, one porch"]
    {
        assert!(html.contains(want), "export lacks {want:?}");
    }
    for raw in ["123-45-6789", "123456789", "987654321", "021000021"] {
        assert!(!html.contains(raw), "export shows the raw value {raw:?}");
    }
    assert!(!html.contains("<script") && !html.contains("src=\"http"), "self-contained");
    let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("style-src 'sha256-") && csp.contains("default-src 'none'"), "{csp}");
}

async fn cluster_of(c: &Client, subject: &str) -> String {
    let all = c.json("GET", "/api/v1/clusters", None).await;
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["members"].as_array().unwrap().iter().any(|m| m == subject))
        .unwrap()["cluster_id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn suppressions_remove_bits_until_they_expire(org: &common::Org) {
    let c = Client::new(org, "analyst").await;
    let before = c.json("GET", "/api/v1/subjects", None).await;
    let f3 = subject(&before, "F3")["log2_odds"].as_f64().unwrap();
    let g2 = subject(&before, "F3")["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["indicator"] == "G2")
        .unwrap()["bits"]
        .as_f64()
        .unwrap();
    let (s, _, t) = c
        .send(
            "POST",
            "/api/v1/subjects/F3/suppressions",
            Some(json!({"indicator": "G2", "reason": "", "expires_at": "2099-01-01"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a reason is required: {t}");
    let (s, _, _) = c
        .send(
            "POST",
            "/api/v1/subjects/F3/suppressions",
            Some(json!({"indicator": "ZZ9", "reason": "why not", "expires_at": "2099-01-01"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "unknown indicator");
    let soon = bonafide_core::UtcMs(auth::now().0 + 30 * 86_400_000).to_stamp();
    c.json(
        "POST",
        "/api/v1/subjects/F3/suppressions",
        Some(json!({"indicator": "G2", "reason": "paid through a platform by choice", "expires_at": soon})),
    )
    .await;
    let after = c.json("GET", "/api/v1/subjects", None).await;
    let s3 = subject(&after, "F3");
    assert!((s3["log2_odds"].as_f64().unwrap() - (f3 - g2)).abs() < 1e-9);
    assert!(s3["contributions"].as_array().unwrap().iter().any(|x| x["indicator"] == "G2" && x["suppressed"] == true));
    assert_eq!(s3["run_score"], subject(&before, "F3")["score"], "the stored run is unchanged");
    // An expired suppression stops applying.
    sqlx::query("INSERT INTO suppressions (subject_id, indicator, reason, expires_at, created_by, created_at) VALUES ('F1', 'C3', 'old', '2001-01-01T00:00:00.000Z', 'x', '2000-01-01T00:00:00.000Z')")
        .execute(&org.state.pool)
        .await
        .unwrap();
    org.state.reload().await.unwrap();
    let later = c.json("GET", "/api/v1/subjects", None).await;
    assert_eq!(subject(&later, "F1")["log2_odds"], subject(&before, "F1")["log2_odds"]);
}

async fn no_raw_sensitive_value_leaves_the_api(org: &common::Org) {
    let c = Client::new(org, "admin").await;
    let mut seen = String::new();
    for path in
        ["/api/v1/subjects/F1", "/api/v1/subjects/F2", "/api/v1/subjects", "/api/v1/findings", "/api/v1/clusters"]
    {
        let (s, _, t) = c.send("GET", path, None).await;
        assert_eq!(s, StatusCode::OK);
        seen.push_str(&t);
    }
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let id: i64 = sqlx::query_scalar("SELECT user_id FROM users WHERE name = 'admin'").fetch_one(pool).await.unwrap();
    let (cookie, _) = auth::create_session(pool, id).await.unwrap();
    for path in ["/subjects/F1", "/subjects/F2", "/queue"] {
        let req = Request::get(path)
            .header(header::COOKIE, format!("{}={cookie}", auth::SESSION_COOKIE))
            .body(Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        seen.push_str(&String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()));
    }
    for raw in ["123-45-6789", "123456789", "987654321", "021000021"] {
        assert!(!seen.contains(raw), "a response shows the raw value {raw:?}");
    }
    assert!(!seen.contains("\"fingerprint\""), "fingerprints are not shown either");
    assert!(seen.contains("6789") && seen.contains("4321"), "masked forms are");
}

async fn the_audit_trail_records_views_and_cannot_be_rewritten(org: &common::Org) {
    let c = Client::new(org, "admin").await;
    c.json("GET", "/api/v1/subjects/F2", None).await;
    let audit = c.json("GET", "/api/v1/audit?target=subject:F2", None).await;
    let e = &audit["items"][0];
    assert_eq!((e["actor"].as_str(), e["action"].as_str()), (Some("admin"), Some("subject.view")));
    let pool = &org.state.pool;
    assert!(sqlx::query("UPDATE audit_log SET actor = 'nobody'").execute(pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(pool).await.is_err());
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE actor = 'admin'").fetch_one(pool).await.unwrap();
    assert!(n >= 1);
}

/// Every API read that hands out evidence leaves an audit entry naming the reader, as the
/// subject detail and the HTML cluster page do: a subject's findings, a cluster, and
/// one entry per bulk read of findings or clusters.
async fn evidence_reads_are_audited(org: &common::Org) {
    let viewer = Client::new(org, "viewer").await;
    let cluster = cluster_of(&viewer, "F1").await;
    viewer.json("GET", "/api/v1/subjects/F2/findings", None).await;
    viewer.json("GET", &format!("/api/v1/clusters/{cluster}"), None).await;
    viewer.json("GET", "/api/v1/findings?indicator=C2&limit=5", None).await;
    let admin = Client::new(org, "admin").await;
    let f2 = actions_on(&admin, "subject:F2").await;
    assert_eq!(f2.len(), 1, "{f2:?}");
    assert_eq!((f2[0].0.as_str(), f2[0].1.as_str()), ("viewer", "subject.findings"));
    let c = actions_on(&admin, &format!("cluster:{cluster}")).await;
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!((c[0].0.as_str(), c[0].1.as_str()), ("viewer", "cluster.view"));
    let bulk = actions_on(&admin, "findings").await;
    assert_eq!(bulk.len(), 1, "one entry for the whole list: {bulk:?}");
    assert_eq!((bulk[0].0.as_str(), bulk[0].1.as_str()), ("viewer", "findings.list"));
    assert!(bulk[0].2.contains("indicator=C2"), "{bulk:?}");
    let clusters = actions_on(&admin, "clusters").await;
    assert_eq!(clusters.len(), 1, "cluster_of listed every cluster once: {clusters:?}");
    assert_eq!((clusters[0].0.as_str(), clusters[0].1.as_str()), ("viewer", "clusters.list"));
}

const MIB: usize = 1 << 20;

/// A body of `chunks` chunks of 1 MiB, each made only when the server polls for it;
/// `pulled` counts the bytes handed out, and `seen` (when given) runs before each chunk.
fn counted_body(chunks: usize, pulled: Arc<AtomicU64>, seen: impl Fn(usize) + Send + Sync + 'static) -> Body {
    Body::from_stream(futures_util::stream::iter(0..chunks).map(move |i| {
        seen(i);
        pulled.fetch_add(MIB as u64, Ordering::SeqCst);
        Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; MIB]))
    }))
}

/// A caller who may not upload, push or attach is refused before the server reads any of
/// the body: before, a viewer's 400 MB post was read into memory whole and then refused
/// with 403, and three at once took the server from 54 MB to 1.4 GB. An attachment
/// stops at its own limit (413), not at the 512 MiB of uploads.
async fn bodies_are_not_read_for_callers_who_may_not_send_them(org: &common::Org) {
    let viewer = Client::new(org, "viewer").await;
    let analyst = Client::new(org, "analyst").await;
    let case = analyst.json("POST", "/api/v1/cases", Some(json!({"subject_id": "F1"}))).await;
    let attach = format!("/api/v1/cases/{}/attachments?name=big.bin", case["case_id"]);
    for path in ["/api/v1/ingest?name=big.csv", "/api/v1/events?format=okta", attach.as_str()] {
        let pulled = Arc::new(AtomicU64::new(0));
        let (s, t) = viewer.post_raw(path, counted_body(64, pulled.clone(), |_| {})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {t}");
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{path}: the refused body was read");
    }
    let max = bonafide_serve::cases::MAX_ATTACHMENT;
    assert_eq!(max % MIB, 0);
    let pulled = Arc::new(AtomicU64::new(0));
    let (s, t) = analyst.post_raw(&attach, counted_body(max / MIB + 1, pulled.clone(), |_| {})).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{t}");
    let (s, t) = analyst.post_raw(&attach, counted_body(max / MIB, Arc::default(), |_| {})).await;
    assert_eq!(s, StatusCode::CREATED, "exactly the limit is kept: {t}");
    let detail = analyst.json("GET", &format!("/api/v1/cases/{}", case["case_id"]), None).await;
    let sizes: Vec<u64> =
        detail["attachments"].as_array().unwrap().iter().map(|a| a["size"].as_u64().unwrap()).collect();
    assert_eq!(sizes, [max as u64], "the refused attachment was not stored");
}

/// Uploads go to the inbox as they arrive, not after the whole body is in memory: while
/// the body is still being sent, the part already received is on disk under a hidden
/// name. A body over the limit is refused with 413 (before any byte is read when its
/// Content-Length says so) and leaves nothing in the inbox.
async fn uploads_stream_to_the_inbox_and_stop_at_the_limit(org: &common::Org) {
    let inbox = org.dir.path().join("small-inbox");
    let st = common::replica_with(org, |c| {
        c.inbox = Some(inbox.clone());
        c.max_upload = 4 * MIB as u64;
    })
    .await;
    let analyst = Client { app: bonafide_serve::app(st.clone()), token: Client::new(org, "analyst").await.token };
    let files = |dir: &std::path::Path| -> Vec<(String, u64)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().to_string(), e.metadata().unwrap().len()))
            .collect();
        v.sort();
        v
    };
    // While chunk i is asked for, the i chunks before it should be on disk already.
    let partial = Arc::new(std::sync::Mutex::new(Vec::new()));
    let watch = {
        let (inbox, partial) = (inbox.clone(), partial.clone());
        move |i: usize| {
            let part: u64 = files(&inbox).iter().filter(|(n, _)| n.ends_with(".part")).map(|f| f.1).sum();
            partial.lock().unwrap().push((i, part));
        }
    };
    let (s, t) = analyst.post_raw("/api/v1/ingest?name=big.csv", counted_body(3, Arc::default(), watch)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{t}");
    let seen = partial.lock().unwrap().clone();
    assert!(seen.iter().any(|&(i, part)| i == 2 && part >= MIB as u64), "not on disk while arriving: {seen:?}");
    let kept = files(&inbox);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].0.ends_with("big.csv") && kept[0].1 == 3 * MIB as u64, "{kept:?}");

    let pulled = Arc::new(AtomicU64::new(0));
    let (s, t) = analyst.post_raw("/api/v1/events", counted_body(8, pulled.clone(), |_| {})).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{t}");
    assert!(pulled.load(Ordering::SeqCst) <= 5 * MIB as u64, "reading stops at the limit");
    assert_eq!(files(&inbox), kept, "a refused upload leaves nothing behind");

    let pulled = Arc::new(AtomicU64::new(0));
    let req = Request::post("/api/v1/ingest?name=declared.csv")
        .header(header::AUTHORIZATION, format!("Bearer {}", analyst.token))
        .header(header::CONTENT_LENGTH, 5 * MIB)
        .body(counted_body(5, pulled.clone(), |_| {}))
        .unwrap();
    assert_eq!(analyst.app.clone().oneshot(req).await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), 0, "a declared length over the limit is refused unread");
    let (s, _) = analyst.post_raw("/api/v1/ingest", Body::empty()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "empty body");
    assert_eq!(files(&inbox), kept);
    st.pool.close().await;
}

/// An unfinished upload left by a crash (`.NAME.part`, unwritten for longer than
/// `stale_upload_age`) is removed when the ingest worker starts; one still being written
/// (fresh, perhaps another replica's on a shared inbox) and finished uploads stay.
async fn stale_unfinished_uploads_are_removed_at_startup(org: &common::Org) {
    let inbox = org.dir.path().join("shared-inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let (crashed, arriving, finished) = (".1-crashed.csv.part", ".2-arriving.csv.part", "3-finished.part");
    for name in [crashed, arriving, finished] {
        std::fs::write(inbox.join(name), b"subject_id\n").unwrap();
    }
    let three_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
    for name in [crashed, finished] {
        let f = std::fs::File::options().write(true).open(inbox.join(name)).unwrap();
        f.set_modified(three_hours_ago).unwrap();
    }
    let st = common::replica_with(org, |c| {
        c.inbox = Some(inbox.clone());
        c.stale_upload_age = std::time::Duration::from_secs(3600);
    })
    .await;
    assert!(inbox.join(crashed).exists(), "opening the state alone removes nothing");
    st.ingest.clone().spawn(st.clone());
    let t0 = std::time::Instant::now();
    while inbox.join(crashed).exists() {
        assert!(t0.elapsed() < std::time::Duration::from_secs(30), "the stale upload was not removed");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(inbox.join(arriving).exists() && inbox.join(finished).exists());
    assert_eq!(st.ingest.remove_stale_uploads(), 0, "and nothing else is stale");
    st.pool.close().await;
}

async fn an_upload_is_scanned_into_a_new_run(org: &common::Org) {
    let c = Client::new(org, "analyst").await;
    let run0 = org.state.snap().await.run.clone().unwrap().run_id;
    let csv = "subject_id,kind,full_name,address_line1,city,region,postal_code,country,hire_date,department\n\
               F4,employee,Ida Quinn,4 Elm St,Springfield,IL,62701,US,2025-03-03,Engineering\n";
    let ship = "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,city,region,postal_code,country,status,signed_by\n\
                F4,2025-03-02,S9,SN-F4,Ida Quinn,9 Farm Rd,Springfield,IL,62701,US,delivered,B SMITH\n";
    let app = c.app.clone();
    for (name, body) in [("more_people.csv", csv), ("more_shipments.csv", ship)] {
        let req = Request::post(format!("/api/v1/ingest?name={name}&wait=1"))
            .header(header::AUTHORIZATION, format!("Bearer {}", c.token))
            .body(Body::from(body))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let snap = org.state.snap().await;
    assert_ne!(snap.run.as_ref().unwrap().run_id, run0);
    let f4 = snap.subject("F4").expect("the uploaded person is a subject");
    assert!(f4.indicators.contains("C2"), "and joins the farm: {:?}", f4.indicators);
    let runs = c.json("GET", "/api/v1/runs", None).await;
    assert!(runs["items"].as_array().unwrap().len() >= 3);
    let (s, _, _) = c.send("POST", "/api/v1/ingest?format=no-such-format", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

/// As many wrong passwords for `name` as the sign-in limit allows.
async fn fail_to_the_limit(app: &axum::Router, name: &str) {
    for _ in 0..auth::MAX_FAILURES {
        assert_eq!(login(app, name, "wrong password!").await.0, StatusCode::UNAUTHORIZED);
    }
}

async fn login(app: &axum::Router, name: &str, password: &str) -> (StatusCode, Option<String>) {
    login_from(app, name, password, None).await
}

/// A sign-in from client address `ip` (as the server's connection info gives it), or from
/// nowhere in particular (in-process requests carry none).
async fn login_from(
    app: &axum::Router,
    name: &str,
    password: &str,
    ip: Option<[u8; 4]>,
) -> (StatusCode, Option<String>) {
    let body = format!("name={name}&password={}", password.replace(' ', "+"));
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    if let Some(ip) = ip {
        let addr = std::net::SocketAddr::from((ip, 40000));
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    }
    let resp = app.clone().oneshot(req).await.unwrap();
    (resp.status(), resp.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string()))
}

/// Many wrong passwords at once get no more guesses than one after another: each attempt
/// is counted before its password is checked. (Checking the count first and recording
/// the failure after let 40 parallel attempts through 26 times against a limit of 5.)
async fn parallel_logins_get_no_more_guesses_than_the_limit(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let app = app.clone();
        set.spawn(async move { login(&app, "viewer", "wrong password!").await.0 });
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        statuses.push(s.unwrap());
    }
    let mut guessed = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(guessed + limited, 40, "{statuses:?}");
    assert!(guessed <= auth::MAX_FAILURES, "{guessed} passwords were checked: {statuses:?}");
    // A burst may refuse more than it must (an attempt counts until a refused one takes
    // its row back), never fewer; one after another, the rest of the limit and no more.
    while login(&app, "viewer", "wrong password!").await.0 == StatusCode::UNAUTHORIZED {
        guessed += 1;
        assert!(guessed <= auth::MAX_FAILURES, "more guesses than the limit");
    }
    assert_eq!(guessed, auth::MAX_FAILURES);
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
}

/// The limit per address survives its owner signing in: an attacker with an account of
/// their own cannot spray guesses at other accounts, sign in, and spray again. Signing
/// in does not count against the address either (an office behind one NAT signs in
/// freely).
async fn signing_in_does_not_reset_the_address_limit(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let office = Some([192, 0, 2, 1]);
    for _ in 0..=auth::MAX_FAILURES {
        assert_eq!(login_from(&app, "analyst", common::PASSWORD, office).await.0, StatusCode::SEE_OTHER);
    }
    let attacker = Some([198, 51, 100, 7]);
    for i in 1..auth::MAX_FAILURES {
        let (s, _) = login_from(&app, &format!("target{i}"), "spray password", attacker).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "spray {i}");
    }
    assert_eq!(login_from(&app, "analyst", common::PASSWORD, attacker).await.0, StatusCode::SEE_OTHER, "own account");
    let (s, _) = login_from(&app, "target5", "spray password", attacker).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the fifth guess from the address");
    let (s, _) = login_from(&app, "target6", "spray password", attacker).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the sixth: signing in in between reset nothing");
    assert_eq!(login_from(&app, "admin", common::PASSWORD, office).await.0, StatusCode::SEE_OTHER, "other addresses");
}

async fn login_sets_a_strict_cookie_and_is_rate_limited(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let (s, cookie) = login(&app, "analyst", common::PASSWORD).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let cookie = cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback: {cookie}");
    assert_eq!(login(&app, "nobody", "whatever password").await.0, StatusCode::UNAUTHORIZED);
    fail_to_the_limit(&app, "viewer").await;
    assert_eq!(
        login(&app, "viewer", common::PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    assert_eq!(login(&app, "admin", common::PASSWORD).await.0, StatusCode::SEE_OTHER, "other users are not locked out");
}

/// A database that cannot answer is "try again", not "sign in": a signed-in analyst is
/// not sent to the sign-in page (or an API client told its token is bad) because the
/// database is away; the public sign-in page still answers.
async fn a_database_that_does_not_answer_is_503_not_sign_in(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let (_, cookie) = login(&app, "analyst", common::PASSWORD).await;
    let cookie = session_pair(cookie);
    assert_eq!(page_with(&app, &cookie).await.0, StatusCode::OK);
    org.state.pool.close().await;
    assert_eq!(page_with(&app, &cookie).await.0, StatusCode::SERVICE_UNAVAILABLE);
    let api = Request::get("/api/v1/subjects").header(header::AUTHORIZATION, "Bearer abc").body(Body::empty()).unwrap();
    assert_eq!(app.clone().oneshot(api).await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    let public = Request::get("/login").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    assert_eq!(app.clone().oneshot(public).await.unwrap().status(), StatusCode::OK);
}

/// The status of a page opened with `cookie` (a `name=value` pair), and where it sends.
async fn page_with(app: &axum::Router, cookie: &str) -> (StatusCode, String) {
    let req = Request::get("/cases").header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let to = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (resp.status(), to)
}

fn session_pair(set_cookie: Option<String>) -> String {
    set_cookie.unwrap().split(';').next().unwrap().to_string()
}

async fn actions_on(c: &Client, target: &str) -> Vec<(String, String, String)> {
    let audit = c.json("GET", &format!("/api/v1/audit?target={target}"), None).await;
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("actor"), s("action"), s("detail"))
        })
        .collect()
}

/// Resetting a password (re-adding the user) ends the user's sessions and revokes their
/// API tokens: a password is reset because someone else may know it, and what they
/// signed in or issued with it must not outlive it. Before, both kept working.
async fn a_password_reset_ends_sessions_and_tokens(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let viewer = Client::new(org, "viewer").await;
    let (s, cookie) = login(&app, "viewer", common::PASSWORD).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let session = session_pair(cookie);
    assert_eq!(page_with(&app, &session).await.0, StatusCode::OK);
    assert_eq!(viewer.send("GET", "/api/v1/subjects", None).await.0, StatusCode::OK);

    let admin = Client::new(org, "admin").await;
    let reset = admin
        .json(
            "POST",
            "/api/v1/users",
            Some(json!({"name": "viewer", "role": "viewer", "password": "a brand new password"})),
        )
        .await;
    assert_eq!(reset["reset"], true, "{reset}");
    assert_eq!((reset["sessions_ended"].as_u64(), reset["tokens_revoked"].as_u64()), (Some(1), Some(1)), "{reset}");
    assert_eq!(viewer.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED, "the old token");
    assert_eq!(page_with(&app, &session).await, (StatusCode::SEE_OTHER, "/login".into()), "the old session");
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::UNAUTHORIZED, "the old password");
    assert_eq!(login(&app, "viewer", "a brand new password").await.0, StatusCode::SEE_OTHER);
    let trail = actions_on(&admin, "user:viewer").await;
    assert!(
        trail.iter().any(|(actor, action, detail)| actor == "admin"
            && action == "user.reset"
            && detail.contains("1 sessions ended, 1 API tokens revoked")),
        "{trail:?}"
    );
    // A new user is added, not reset, and has nothing to revoke.
    let added = admin
        .json("POST", "/api/v1/users", Some(json!({"name": "newbie", "role": "viewer", "password": "long enough pw"})))
        .await;
    assert_eq!(added["reset"], false, "{added}");
    assert_eq!(actions_on(&admin, "user:newbie").await[0].1, "user.add");
}

/// A user lists their API tokens (ids and labels, never the tokens) and revokes one; an
/// admin lists and revokes anyone's; nobody else can revoke another user's token (404,
/// as for no token). Revocations are audited. The account page lists the tokens with a
/// button that revokes each.
async fn api_tokens_can_be_listed_and_revoked(org: &common::Org) {
    let analyst = Client::new(org, "analyst").await;
    let first = analyst.json("POST", "/api/v1/tokens", Some(json!({"label": "ci"}))).await;
    let second = analyst.json("POST", "/api/v1/tokens", Some(json!({"label": "backup"}))).await;
    let (t1, id1) = (first["token"].as_str().unwrap(), first["token_id"].as_str().unwrap());
    let id2 = second["token_id"].as_str().unwrap();
    assert_eq!(id1, auth::token_id(t1));
    let mine = analyst.json("GET", "/api/v1/tokens", None).await;
    let listed: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|t| t["token_id"].as_str().unwrap()).collect();
    assert!(listed.contains(&id1) && listed.contains(&id2) && listed.len() == 3, "{mine}");
    assert!(!mine.to_string().contains(t1), "the token itself is never listed");
    assert!(mine["items"].as_array().unwrap().iter().all(|t| t["user"] == "analyst"), "only the caller's: {mine}");

    let viewer = Client::new(org, "viewer").await;
    let (s, _, _) = viewer.send("DELETE", &format!("/api/v1/tokens/{id1}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another user's token");
    let by_t1 = Client { app: analyst.app.clone(), token: t1.to_string() };
    assert_eq!(by_t1.send("GET", "/api/v1/subjects", None).await.0, StatusCode::OK);
    let (s, _, _) = analyst.send("DELETE", &format!("/api/v1/tokens/{id1}"), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(by_t1.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED, "revoked");
    assert_eq!(analyst.send("GET", "/api/v1/subjects", None).await.0, StatusCode::OK, "the others still work");
    let (s, _, _) = analyst.send("DELETE", &format!("/api/v1/tokens/{id1}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "already gone");

    let admin = Client::new(org, "admin").await;
    let all = admin.json("GET", "/api/v1/tokens", None).await;
    let users: std::collections::BTreeSet<&str> =
        all["items"].as_array().unwrap().iter().map(|t| t["user"].as_str().unwrap()).collect();
    assert!(users.contains("analyst") && users.contains("viewer") && users.contains("admin"), "{all}");
    let (s, _, _) = admin.send("DELETE", &format!("/api/v1/tokens/{id2}"), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "an admin revokes anyone's");
    let trail = actions_on(&admin, "user:analyst").await;
    let revokes: Vec<_> =
        trail.iter().filter(|e| e.1 == "token.revoke").map(|e| (e.0.as_str(), e.2.as_str())).collect();
    assert_eq!(revokes, [("admin", &*format!("token {id2} (backup)")), ("analyst", &*format!("token {id1} (ci)"))]);

    // The account page: the caller's tokens, each with a form that revokes it.
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let uid: i64 =
        sqlx::query_scalar("SELECT user_id FROM users WHERE name = 'analyst'").fetch_one(pool).await.unwrap();
    let (cookie, csrf) = auth::create_session(pool, uid).await.unwrap();
    let cookie = format!("{}={cookie}", auth::SESSION_COOKIE);
    let page = Request::get("/account").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    let html = app.clone().oneshot(page).await.unwrap().into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&html);
    let own = auth::token_id(&analyst.token);
    assert!(html.contains(&format!("/account/tokens/{own}/revoke")), "{html}");
    assert!(!html.contains(id2), "revoked tokens are not listed");
    let revoke = Request::post(format!("/account/tokens/{own}/revoke"))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    let resp = app.clone().oneshot(revoke).await.unwrap();
    assert_eq!(
        (resp.status(), resp.headers()[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/account")
    );
    assert_eq!(analyst.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED);
}

/// A disabled user cannot sign in, and the sessions and tokens they had end with the
/// disable (audited); authentication also refuses a disabled user's session or token
/// that were somehow left. Adding the user again with a new password enables them.
async fn a_disabled_user_is_refused_everywhere(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let viewer = Client::new(org, "viewer").await;
    let session = session_pair(login(&app, "viewer", common::PASSWORD).await.1);
    let revoked = bonafide_serve::users::disable_user(pool, "cli", "viewer").await.unwrap().unwrap();
    assert_eq!((revoked.sessions, revoked.tokens), (1, 1));
    assert_eq!(viewer.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(page_with(&app, &session).await.0, StatusCode::SEE_OTHER);
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    assert!(bonafide_serve::users::disable_user(pool, "cli", "nobody").await.unwrap().is_none());
    let admin = Client::new(org, "admin").await;
    let trail = actions_on(&admin, "user:viewer").await;
    let disable = trail.iter().find(|e| e.1 == "user.disable").unwrap();
    assert_eq!((disable.0.as_str(), disable.2.as_str()), ("cli", "1 sessions ended, 1 API tokens revoked"));
    let users = admin.json("GET", "/api/v1/users", None).await;
    assert!(users["items"].as_array().unwrap().iter().any(|u| u["name"] == "viewer" && u["disabled"] == true));

    // Credentials that outlived a disable (set directly, as an older version left them).
    let analyst = Client::new(org, "analyst").await;
    let analyst_session = session_pair(login(&app, "analyst", common::PASSWORD).await.1);
    sqlx::query("UPDATE users SET disabled = 1 WHERE name = 'analyst'").execute(pool).await.unwrap();
    assert_eq!(analyst.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(page_with(&app, &analyst_session).await.0, StatusCode::SEE_OTHER);

    bonafide_serve::users::add_user(pool, "cli", "viewer", bonafide_serve::Role::Viewer, "enabled again!")
        .await
        .unwrap();
    assert_eq!(login(&app, "viewer", "enabled again!").await.0, StatusCode::SEE_OTHER);
}

/// An admin disables a user through the API (`PATCH /api/v1/users/{name}`) or the
/// administration page's button, which ends the user's sessions and API tokens and
/// refuses their sign-in, audited with the admin as the actor; enabling lets them sign
/// in with their password again. The page's forms need the session's CSRF token. No
/// disable may leave the service without an enabled admin (409), even two admins
/// disabling each other at once; a disable of someone else's that leaves one is fine.
async fn admins_disable_and_enable_users(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let admin = Client::new(org, "admin").await;
    let viewer = Client::new(org, "viewer").await;
    let session = session_pair(login(&app, "viewer", common::PASSWORD).await.1);
    let patch = |name: &str, disabled: bool| {
        let (admin, path) = (&admin, format!("/api/v1/users/{name}"));
        async move { admin.send("PATCH", &path, Some(json!({ "disabled": disabled }))).await }
    };
    let (s, _, t) = patch("viewer", true).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let done: Value = serde_json::from_str(&t).unwrap();
    assert_eq!((done["sessions_ended"].as_u64(), done["tokens_revoked"].as_u64()), (Some(1), Some(1)), "{done}");
    assert_eq!(viewer.send("GET", "/api/v1/subjects", None).await.0, StatusCode::UNAUTHORIZED, "the token ended");
    assert_eq!(page_with(&app, &session).await, (StatusCode::SEE_OTHER, "/login".into()), "the session ended");
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::UNAUTHORIZED, "sign-in is refused");
    assert_eq!(patch("viewer", false).await.0, StatusCode::OK);
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::SEE_OTHER, "enabled again");
    let trail = actions_on(&admin, "user:viewer").await;
    let actions: Vec<(&str, &str, &str)> = trail
        .iter()
        .filter(|e| e.1.starts_with("user."))
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("admin", "user.enable", ""),
            ("admin", "user.disable", "1 sessions ended, 1 API tokens revoked"),
            ("setup", "user.add", "viewer")
        ]
    );
    assert_eq!(patch("nobody", true).await.0, StatusCode::NOT_FOUND);
    let (s, _, t) = admin.send("PATCH", "/api/v1/users/viewer", Some(json!({"disabled": "yes"}))).await;
    assert!(s.is_client_error() && s != StatusCode::NOT_FOUND, "{s} {t}");

    // The only admin cannot disable themselves; with another admin, they can.
    let (s, _, t) = patch("admin", true).await;
    assert_eq!(s, StatusCode::CONFLICT, "{t}");
    assert_eq!(admin.send("GET", "/api/v1/users", None).await.0, StatusCode::OK, "still signed in");
    bonafide_serve::users::add_user(pool, "setup", "admin2", bonafide_serve::Role::Admin, common::PASSWORD)
        .await
        .unwrap();
    assert_eq!(patch("admin", true).await.0, StatusCode::OK);
    assert_eq!(admin.send("GET", "/api/v1/users", None).await.0, StatusCode::UNAUTHORIZED, "their own token ended");
    let admin2 = Client::new(org, "admin2").await;
    let (s, _, _) = admin2.send("PATCH", "/api/v1/users/admin2", Some(json!({"disabled": true}))).await;
    assert_eq!(s, StatusCode::CONFLICT, "now admin2 is the last");

    // The administration page: a Disable button per enabled user, an Enable one per
    // disabled user, each a form with the session's CSRF token.
    let uid: i64 = sqlx::query_scalar("SELECT user_id FROM users WHERE name = 'admin2'").fetch_one(pool).await.unwrap();
    let (cookie, csrf) = auth::create_session(pool, uid).await.unwrap();
    let cookie = format!("{}={cookie}", auth::SESSION_COOKIE);
    let post = |path: &str, body: String| {
        let req = Request::post(path)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let app = app.clone();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            (status, String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string())
        }
    };
    let page = Request::get("/admin").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    let html = app.clone().oneshot(page).await.unwrap().into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("action=\"/admin/users/viewer/disable\""), "{html}");
    assert!(html.contains("action=\"/admin/users/admin/enable\""), "{html}");
    let viewer_session = session_pair(login(&app, "viewer", common::PASSWORD).await.1);
    let (s, _) = post("/admin/users/viewer/disable", String::new()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no CSRF token");
    assert_eq!(page_with(&app, &viewer_session).await.0, StatusCode::OK, "so nothing was disabled");
    let (s, html) = post("/admin/users/viewer/disable", format!("csrf={csrf}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    // The sign-in after the enable above, and this one.
    assert!(html.contains("User viewer disabled: 2 sessions ended, 0 API tokens revoked."), "{html}");
    assert_eq!(page_with(&app, &viewer_session).await.0, StatusCode::SEE_OTHER);
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    let (s, html) = post("/admin/users/viewer/enable", format!("csrf={csrf}")).await;
    assert!(s == StatusCode::OK && html.contains("User viewer enabled."), "{s} {html}");
    assert_eq!(login(&app, "viewer", common::PASSWORD).await.0, StatusCode::SEE_OTHER);
    let (s, html) = post("/admin/users/admin2/disable", format!("csrf={csrf}")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("admin2 is the last enabled admin"), "{html}");
    let trail = actions_on(&admin2, "user:viewer").await;
    let last = trail.iter().find(|e| e.1.starts_with("user.")).unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("admin2", "user.enable"));

    // Two admins disabling each other at once: one of them stays.
    for _ in 0..5 {
        for name in ["admin", "admin2"] {
            bonafide_serve::users::set_disabled(pool, "setup", name, false).await.unwrap();
        }
        let (a, b) = tokio::join!(
            bonafide_serve::users::set_disabled(pool, "admin", "admin2", true),
            bonafide_serve::users::set_disabled(pool, "admin2", "admin", true),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(admins, 1, "{outcomes:?}");
        assert!(outcomes.contains(&bonafide_serve::users::Switched::LastAdmin), "{outcomes:?}");
    }
}

/// A failed sign-in is audited as `anonymous` (nobody proved who they are) with the name
/// tried as a bounded target; a name no account can have (over 64 characters, spaces,
/// control characters) is refused before anything is written, so a 1 MB name reaches
/// neither the append-only audit trail nor the rate-limit table.
async fn failed_logins_are_anonymous_and_bounded(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let count = |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap() };
    let audit0 = count("SELECT COUNT(*) FROM audit_log").await;
    let limits0 = count("SELECT COUNT(*) FROM login_failures").await;
    for name in ["x".repeat(1 << 20), "y".repeat(65), "a+b".into(), "a%09b".into()] {
        assert_eq!(login(&app, &name, "wrong password!").await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(count("SELECT COUNT(*) FROM audit_log").await, audit0, "invalid names write no audit entry");
    assert_eq!(count("SELECT COUNT(*) FROM login_failures").await, limits0, "nor a rate-limit key");

    assert_eq!(login(&app, "viewer", "wrong password!").await.0, StatusCode::UNAUTHORIZED);
    let (actor, target): (String, String) =
        sqlx::query_as("SELECT actor, target FROM audit_log WHERE action = 'login.failed' ORDER BY seq DESC LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((actor.as_str(), target.as_str()), ("anonymous", "user:viewer"));
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE actor = 'viewer' AND action = 'login.failed'").await,
        0,
        "the trail never says the account itself failed to sign in"
    );
}

/// A login form posted from another site is refused (login CSRF); the site's own form,
/// and clients that are not browsers, sign in.
async fn login_from_another_site_is_refused(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let post = |headers: &[(&str, &str)]| {
        let mut req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:8080");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(Body::from(format!("name=analyst&password={}", common::PASSWORD.replace(' ', "+")))).unwrap()
    };
    let send = |req: Request<Body>| {
        let app = app.clone();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            (resp.status(), resp.headers().contains_key(header::SET_COOKIE))
        }
    };
    assert_eq!(send(post(&[("sec-fetch-site", "cross-site")])).await, (StatusCode::FORBIDDEN, false));
    assert_eq!(send(post(&[("sec-fetch-site", "same-site")])).await, (StatusCode::FORBIDDEN, false));
    assert_eq!(send(post(&[("origin", "https://evil.example")])).await, (StatusCode::FORBIDDEN, false));
    assert_eq!(send(post(&[("origin", "null")])).await, (StatusCode::FORBIDDEN, false));
    assert_eq!(send(post(&[("sec-fetch-site", "same-origin")])).await, (StatusCode::SEE_OTHER, true));
    assert_eq!(send(post(&[("origin", "http://127.0.0.1:8080")])).await, (StatusCode::SEE_OTHER, true));
    assert_eq!(send(post(&[])).await, (StatusCode::SEE_OTHER, true));
}

/// After signing in, the browser goes only to a path of this site: a `next` that a URL
/// parser would turn into another host (a tab, newline or backslash after the first
/// slash, all percent-encoded as a link would carry them) falls back to the queue.
async fn login_redirects_only_to_paths_of_this_site(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let pw = common::PASSWORD.replace(' ', "+");
    for (next, want) in [
        ("%2Fcases%2F3", "/cases/3"),
        ("%2F%09%2Fevil.example", "/queue"),
        ("%2F%0a%2Fevil.example", "/queue"),
        ("%2F%0d%0a%2Fevil.example", "/queue"),
        ("%2F%5Cevil.example", "/queue"),
        ("%2F%5C%2Fevil.example", "/queue"),
        ("%5C%5Cevil.example", "/queue"),
        ("%2F%2Fevil.example", "/queue"),
    ] {
        let req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("name=analyst&password={pw}&next={next}")))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(resp.headers()[header::LOCATION], want, "next={next}");
        // The login page keeps the same rule for the `next` it carries into its form.
        let page = Request::get(format!("/login?next={next}")).body(Body::empty()).unwrap();
        let html = app.clone().oneshot(page).await.unwrap().into_body().collect().await.unwrap().to_bytes();
        let html = String::from_utf8_lossy(&html);
        assert!(html.contains(&format!("value=\"{want}\"")), "next={next}: {html}");
    }
}

async fn pages_carry_a_strict_content_security_policy(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let (s, h, body) = c.send("GET", "/metrics", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("bonafide_subjects ") && body.contains("# TYPE bonafide_http_requests_total counter"));
    let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src") && csp.contains("frame-ancestors 'none'")
    );
    let doc: Value = serde_json::from_str(&c.send("GET", "/api/v1/openapi.json", None).await.2).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
}

async fn a_watched_folder_and_a_push_each_produce_a_new_run(org: &common::Org) {
    let state = org.state.clone();
    // The org's watched folders are examples/small and <tmp>/farm; spawn the poller.
    state.ingest.clone().spawn(state.clone());
    let run0 = state.snap().await.run.clone().unwrap().run_id;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::write(
        org.dir.path().join("farm/late_hires.csv"),
        "subject_id,kind,full_name,address_line1,city,region,postal_code,country,hire_date,department\n\
         W1,employee,Una Late,7 Birch St,Springfield,IL,62701,US,2025-04-01,Support\n",
    )
    .unwrap();
    let t0 = std::time::Instant::now();
    while state.snap().await.subject("W1").is_none() {
        assert!(t0.elapsed() < std::time::Duration::from_secs(60), "the watched folder was not re-scanned");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let run1 = state.snap().await.run.clone().unwrap().run_id;
    assert_ne!(run0, run1);

    // A push of Okta events for that person, forced to the Okta reader.
    let c = Client::new(org, "analyst").await;
    let event = json!({"uuid": "push-1", "published": "2025-04-02T15:00:00.000Z", "eventType": "user.session.start",
        "actor": {"alternateId": "una.late@example.com", "type": "User"},
        "outcome": {"result": "SUCCESS"}, "client": {"ipAddress": "203.0.113.9"}});
    let before = state.snap().await.run.clone().unwrap().totals["events"].as_u64().unwrap();
    let req = Request::post("/api/v1/events?format=okta&wait=1")
        .header(header::AUTHORIZATION, format!("Bearer {}", c.token))
        .body(Body::from(format!("{event}\n")))
        .unwrap();
    let resp = c.app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let after = state.snap().await.run.clone().unwrap().totals["events"].as_u64().unwrap();
    assert_eq!(after, before + 1, "the pushed event was read");
}

/// Two `bonafide serve` processes on one database, as behind a load balancer: they show
/// the same run, a session or token made on one works on the other, failed sign-ins on
/// one count on the other, a case opened on one
/// is decided on the other, and the first picks the decision up (the confirmed
/// subject's cluster gains weight) when it polls for changes, as a running service does
/// every few seconds.
async fn replicas_share_sessions_cases_and_decisions(org: &common::Org) {
    let other = common::replica(org).await;
    let (a_snap, b_snap) = (org.state.snap().await, other.snap().await);
    assert!(a_snap.run.is_some());
    assert_eq!(a_snap.run.as_ref().map(|r| &r.run_id), b_snap.run.as_ref().map(|r| &r.run_id));
    assert_eq!(a_snap.version, b_snap.version);

    let (app_a, app_b) = (bonafide_serve::app(org.state.clone()), bonafide_serve::app(other.clone()));
    let (_, cookie) = login(&app_a, "analyst", common::PASSWORD).await;
    let session = session_pair(cookie);
    assert_eq!(page_with(&app_b, &session).await.0, StatusCode::OK, "the session made on A works on B");
    assert_ne!(page_with(&app_b, "").await.0, StatusCode::OK, "and B still asks who is there");
    fail_to_the_limit(&app_a, "viewer").await;
    assert_eq!(
        login(&app_b, "viewer", common::PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "failures on A count on B: one limit, not one per process"
    );

    let a = Client::new(org, "analyst").await;
    let b = Client { app: app_b, token: a.token.clone() };
    let e9 = subject(&a.json("GET", "/api/v1/subjects", None).await, "E1009")["log2_odds"].as_f64().unwrap();
    let case = a.json("POST", "/api/v1/cases", Some(json!({"subject_id": "E1008"}))).await;
    let id = case["case_id"].as_i64().unwrap();
    let listed = b.json("GET", "/api/v1/cases", None).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|c| c["case_id"] == id), "{listed}");
    b.json("PATCH", &format!("/api/v1/cases/{id}"), Some(json!({"status": "closed", "disposition": "confirmed"})))
        .await;
    assert!(org.state.refresh_if_stale().await.unwrap(), "A sees that the database changed");
    assert!(!org.state.refresh_if_stale().await.unwrap(), "and reloads once");
    let t2 = bonafide_core::ScoringConfig::default().tier_bits.t2;
    let after = subject(&a.json("GET", "/api/v1/subjects", None).await, "E1009")["log2_odds"].as_f64().unwrap();
    assert!((after - (e9 + t2)).abs() < 1e-9, "B's confirmation propagates on A: {e9} -> {after}");
    let detail = a.json("GET", &format!("/api/v1/cases/{id}"), None).await;
    let actions: Vec<&str> =
        detail["audit"].as_array().unwrap().iter().rev().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["case.open", "case.change"], "one trail, written by both");
    other.pool.close().await;
}

/// askama's escaping of text in an attribute or element.
fn escaped(s: &str) -> String {
    s.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// An indicator code is never shown bare: each chip (`G3 +6.0`) on the queue, a subject
/// page and a cluster's members carries the catalog's title as its tooltip and links to
/// the indicator's page, and the queue's Indicator filter names each option and lists
/// them as people count (A4 before A14). Before, the chips were plain text.
async fn indicator_chips_explain_and_link(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let catalog = bonafide_core::Catalog::builtin();
    let label = |id: &str| format!("{id} · {}", escaped(&catalog.get(id).unwrap().title));
    let chip = |id: &str| format!("<a class=\"chip tip\" href=\"/indicators/{id}\" title=\"{}\">{id} +", label(id));
    let get = |path: String| {
        let c = &c;
        async move {
            let (s, _, html) = c.send("GET", &path, None).await;
            assert_eq!(s, StatusCode::OK, "{path}");
            html
        }
    };
    let queue = get("/queue".into()).await;
    assert!(queue.contains(&chip("G3")), "the queue's G3 chip: {queue}");
    assert!(queue.contains(&format!("<option value=\"G3\">{}</option>", label("G3"))), "the filter's G3 option");
    let select = queue.split("<select name=\"indicator\">").nth(1).unwrap().split("</select>").next().unwrap();
    let codes: Vec<&str> = select.split("<option value=\"").skip(2).map(|o| o.split('"').next().unwrap()).collect();
    assert!(codes.len() > 3, "{codes:?}");
    let number = |id: &str| id[1..].parse::<u32>().unwrap();
    let mut natural = codes.clone();
    natural.sort_by_key(|id| (id[..1].to_string(), number(id)));
    assert_eq!(codes, natural, "A4 before A14");
    let subject = get("/subjects/F1".into()).await;
    assert!(subject.contains(&chip("G3")), "the subject's score explained");
    let cluster = get(format!("/clusters/{}", cluster_of(&c, "F1").await)).await;
    assert!(cluster.contains(&chip("G3")), "the cluster's members");
}

/// The subject page's evidence reads as facts in words: per finding a table whose
/// columns are the main facts with their labels (the report's `present` table), times
/// in one format, other subjects linked, facts equal in every row said once, and the
/// rest one click away under "more"; claimed dates are dates. Before, each row printed
/// every detail key as `key: value` (`shipped_at: 2025-03-01T00:00:00Z · asset_serial:
/// ...`) and claimed dates as midnight timestamps.
async fn evidence_reads_as_labelled_facts(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let (s, _, html) = c.send("GET", "/subjects/F1", None).await;
    assert_eq!(s, StatusCode::OK);
    let evidence = html.split("id=\"evidence\"").nth(1).unwrap().split("<h2>Clusters</h2>").next().unwrap();
    for column in ["Source", "Shipped", "Recipient", "Signed for by", "Pay change", "Account holder"] {
        assert!(evidence.contains(&format!("<th scope=\"col\">{column}</th>")), "a {column} column: {evidence}");
    }
    assert!(evidence.contains(">2025-03-01 00:00:00 UTC</td>"), "times in one format: {evidence}");
    assert!(evidence.contains("In every record below: "), "a fact equal in every row said once");
    assert!(evidence.contains("<a href=\"/subjects/F2\">F2</a></td>"), "other subjects linked in the rows");
    assert!(evidence.contains("<dt>Asset serial</dt>"), "the rest stays available, labelled");
    for key in ["shipped_at", "asset_serial", "recipient_name", "account_holder", "changed_at"] {
        assert!(!evidence.contains(&format!("{key}:")), "{key} shown by its internal name");
    }
    assert!(!evidence.contains("T00:00:00Z<"), "no raw timestamps shown");
    let shipments = html.split("id=\"shipments\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(
        shipments.contains("<td>2025-03-01 00:00:00 UTC</td>"),
        "record tables use the same time format: {shipments}"
    );
    let facts = html.split("id=\"facts\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(facts.contains("<td>2025-03-03</td>") && !facts.contains("2025-03-03T"), "hired on a date: {facts}");
}

/// The cluster page answers "who shares which identifier with whom": its kind in
/// words, one row per shared value with every member who carries it (each a link),
/// kinds in words, masked values without their fingerprint, the vetting indicator
/// linked. Before, the kind was `laptop_farm` and the table listed stored pairs as
/// plain-text "A" and "B" columns, one row per pair.
async fn the_cluster_page_groups_members_by_shared_identifier(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let id = cluster_of(&c, "F1").await;
    let cluster = c.json("GET", &format!("/api/v1/clusters/{id}"), None).await;
    // The holders of each shared value, from the stored pairs.
    let mut holders: std::collections::BTreeMap<(String, String), std::collections::BTreeSet<String>> =
        Default::default();
    for l in cluster["links"].as_array().unwrap() {
        let key = (l["kind"].as_str().unwrap().to_string(), l["value"].as_str().unwrap().to_string());
        let set = holders.entry(key).or_default();
        set.insert(l["a"].as_str().unwrap().to_string());
        set.insert(l["b"].as_str().unwrap().to_string());
    }
    assert!(holders.values().any(|h| h.len() >= 3), "a value held by three members: {holders:?}");
    let (s, _, html) = c.send("GET", &format!("/clusters/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cluster["kind"], "laptop_farm");
    assert!(html.contains(&format!("<h1>Cluster {id} · Laptop farm</h1>")), "the kind in words");
    assert!(!html.contains("laptop_farm"), "no internal kind name");
    let table = html.split("<table id=\"links\">").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(table.contains("<th scope=\"col\">Shared by</th>"));
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), holders.len(), "one row per shared value: {table}");
    for ((kind, value), members) in &holders {
        let shown = bonafide_report::present::without_fingerprint(value);
        let row = rows
            .iter()
            .find(|r| r.contains(&format!(">{}</td>", escaped(shown))))
            .unwrap_or_else(|| panic!("no row for {kind} {value}: {table}"));
        assert!(row.contains(&format!("<td>{}</td>", escaped(&bonafide_report::present::identifier_kind(kind)))));
        assert!(row.contains(&format!("{} members: ", members.len())), "{row}");
        for m in members {
            assert!(row.contains(&format!("<a href=\"/subjects/{m}\">{m}</a>")), "{m} linked in {row}");
        }
        assert!(row.contains("<a class=\"chip tip\" href=\"/indicators/"), "the indicator linked: {row}");
        assert!(!row.contains(">bank_account<") && !row.contains(">shipping_address<"), "{row}");
    }
    // Fingerprints stay in tooltips only, and every tooltip is reachable from the
    // keyboard: on a link, or on an element that takes focus (before, the values' cells
    // could not be focused, so their fingerprints were for mouse users only).
    assert_eq!(
        table.matches(" title=\"").count(),
        table.matches(" tabindex=\"0\" title=\"").count() + table.matches("<a class=\"chip tip\" href=").count(),
        "{table}"
    );
    assert!(table.contains("class=\"tip\" tabindex=\"0\" title=\""), "the masked values' fingerprints: {table}");
    let shown: String = table
        .split("title=\"")
        .enumerate()
        .map(|(i, p)| if i == 0 { p } else { p.split_once('"').map_or(p, |x| x.1) })
        .collect();
    assert!(holders.keys().any(|(_, v)| v.contains("(fp:")), "a masked value with its fingerprint is stored");
    assert!(!shown.contains("(fp:"), "no fingerprint shown: {shown}");
    // The graph is the report's drawing (`bonafide_report::svg::cluster_graph`): one
    // point per shared value joined to every member who holds it, its kind in words.
    // Before, one line per stored pair made a star around one member.
    let graph = html.split("<div id=\"graph\">").nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(graph.matches("<rect").count(), holders.len(), "one point per shared value: {graph}");
    let edges: usize = holders.values().map(|m| m.len()).sum();
    assert_eq!(graph.matches("<line").count(), edges, "each value joined to its holders, no pairs: {graph}");
    for ((kind, value), members) in &holders {
        let words = bonafide_report::present::identifier_kind(kind);
        let shown = bonafide_report::present::without_fingerprint(value);
        let svg_text =
            |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let title = format!("<title>{}: {} (held by ", svg_text(&words), svg_text(shown));
        let point = graph.split(&title).nth(1).unwrap_or_else(|| panic!("no point {title} in {graph}"));
        let held = point.split(")</title>").next().unwrap();
        assert_eq!(held.split(", ").count(), members.len(), "{held}");
        assert!(members.iter().all(|m| held.split(", ").any(|h| h == m)), "{held}");
    }
    assert!(!graph.contains("(fp:") && !graph.contains("_address<"), "{graph}");
    assert!(graph.contains("<a href=\"/subjects/F1\"><circle"), "members link to their pages");
}

/// A browser session of `name`: its cookie pair and the forms' CSRF token.
async fn session_of(org: &common::Org, name: &str) -> (String, String) {
    let pool = &org.state.pool;
    let id: i64 =
        sqlx::query_scalar("SELECT user_id FROM users WHERE name = $1").bind(name).fetch_one(pool).await.unwrap();
    let (token, csrf) = auth::create_session(pool, id).await.unwrap();
    (format!("{}={token}", auth::SESSION_COOKIE), csrf)
}

async fn browse(
    app: &axum::Router,
    cookie: &str,
    req: axum::http::request::Builder,
    body: Body,
) -> (StatusCode, String) {
    let resp = app.clone().oneshot(req.header(header::COOKIE, cookie).body(body).unwrap()).await.unwrap();
    let status = resp.status();
    (status, String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string())
}

/// The Runs page says per run what it read (files read and skipped, records,
/// quarantined, duplicates), what it found (subjects, findings), how long it took and
/// who started it, and offers analysts the existing re-scan (`POST /api/v1/rescan`) as a
/// button; viewers get no button. The new run names its starter on the page and in
/// `GET /api/v1/runs`, as the run the organisation was set up with names its own. Before,
/// the page listed only the run id, start, finish and version, and re-scans were
/// API-only.
async fn the_runs_page_says_what_each_run_read_and_offers_a_rescan(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let (viewer, _) = session_of(org, "viewer").await;
    let (s, page) = browse(&app, &viewer, Request::get("/runs"), Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("id=\"rescan\""), "no re-scan for viewers");
    assert!(page.contains("setup <span class=\"muted\">· test fixture</span>"), "the setup run's starter: {page}");

    let (cookie, csrf) = session_of(org, "analyst").await;
    let (_, page) = browse(&app, &cookie, Request::get("/runs"), Body::empty()).await;
    assert!(page.contains("<button id=\"rescan\" type=\"submit\">"), "analysts may re-scan: {page}");
    let runs_before = org.state.snap().await.run.as_ref().unwrap().run_id.clone();
    let req = Request::post("/runs/rescan").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let resp = app
        .clone()
        .oneshot(req.header(header::COOKIE, &cookie).body(Body::from(format!("csrf={csrf}"))).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[header::LOCATION], "/runs");
    let snap = org.state.snap().await;
    let run = snap.run.as_ref().unwrap();
    assert_ne!(run.run_id, runs_before, "a new run was stored");

    let (_, page) = browse(&app, &cookie, Request::get("/runs"), Body::empty()).await;
    let table = page.split("<table id=\"runs\">").nth(1).unwrap().split("</table>").next().unwrap();
    let first = table.split("<tr").nth(2).unwrap();
    assert!(
        first.contains(&format!("<a href=\"/runs/{0}\"><code>{0}</code></a> <strong>(shown now)</strong>", run.run_id)),
        "{first}"
    );
    assert!(first.contains("analyst <span class=\"muted\">· re-scan from the Runs page</span>"), "{first}");
    let n = |x: u64| bonafide_report::present::number(x as f64);
    let totals = &run.totals;
    for (what, want) in [
        ("files read", n(totals["files_read"].as_u64().unwrap())),
        ("records", n(totals["records"].as_u64().unwrap())),
        ("subjects", n(snap.subjects.len() as u64)),
        ("findings", n(snap.findings.len() as u64)),
    ] {
        assert!(first.contains(&format!("<td class=\"num\">{want}</td>")), "{what} {want}: {first}");
    }
    for column in ["Files read", "Files skipped", "Quarantined", "Subjects", "Findings", "Took", "Started by"] {
        assert!(table.contains(&format!(">{column}</th>")), "a {column} column");
    }

    // The API lists the same, as optional additions to its items.
    let c = Client::new(org, "viewer").await;
    let runs = c.json("GET", "/api/v1/runs", None).await;
    let item = &runs["items"][0];
    assert_eq!(item["run_id"], run.run_id.as_str());
    assert_eq!(item["started_by"], "analyst");
    assert_eq!(item["subjects"], json!(snap.subjects.len()));
    assert_eq!(item["findings"], json!(snap.findings.len()));
    assert!(item["started_at"].is_string() && item["finished_at"].is_string() && item["version"].is_string());
    assert!(
        runs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["run_id"] == runs_before.as_str() && r["started_by"] == "setup")
    );
}

/// A run's page (and `GET /api/v1/runs/{id}`) says what became of each input: the files
/// read with their counts, the ones not read grouped by reason as the terminal says it,
/// and the quarantine samples with where and why. Before, the Runs page had only the
/// counts, though the store keeps every input's reason. Viewing it is audited.
async fn a_run_page_says_what_became_of_each_input(org: &common::Org) {
    let farm = org.dir.path().join("farm");
    // One readable person, one without an id (quarantined), and a file nobody reads.
    std::fs::write(
        farm.join("late_hires.csv"),
        "subject_id,kind,full_name,address_line1,city,region,postal_code,country,hire_date,department\n\
         F7,employee,Ida Quinn,4 Elm St,Springfield,IL,62701,US,2025-03-03,Engineering\n\
         ,employee,No Id,5 Elm St,Springfield,IL,62701,US,2025-03-03,Engineering\n",
    )
    .unwrap();
    std::fs::write(farm.join("minutes.txt"), "notes from the hiring meeting, not records\n").unwrap();
    let c = Client::new(org, "analyst").await;
    let (s, _, _) = c.send("POST", "/api/v1/rescan", None).await;
    assert_eq!(s, StatusCode::CREATED);
    let run_id = org.state.snap().await.run.as_ref().unwrap().run_id.clone();

    let v = Client::new(org, "viewer").await;
    let detail = v.json("GET", &format!("/api/v1/runs/{run_id}"), None).await;
    assert_eq!(detail["run_id"], run_id.as_str());
    assert_eq!(detail["started_by"], "analyst");
    let inputs = detail["inputs"].as_array().unwrap();
    let input = |end: &str| inputs.iter().find(|i| i["path"].as_str().unwrap().ends_with(end)).cloned().unwrap();
    let hires = input("late_hires.csv");
    assert_eq!((hires["records"].as_i64(), hires["quarantined"].as_i64()), (Some(1), Some(1)), "{hires}");
    assert!(input("minutes.txt")["skipped"].is_string(), "{inputs:?}");
    let samples = detail["quarantine"].as_array().unwrap();
    let sample = samples.iter().find(|q| q["source"].as_str().unwrap().contains("late_hires.csv:3")).unwrap();
    assert!(!sample["reason"].as_str().unwrap().is_empty());
    assert_eq!(detail["quarantine_samples"].as_i64(), Some(samples.len() as i64));

    let (s, _, page) = v.send("GET", &format!("/runs/{run_id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    let read = page.split("<table id=\"inputs-read\">").nth(1).unwrap().split("</table>").next().unwrap();
    let row = read.split("<tr>").find(|r| r.contains("late_hires.csv")).unwrap();
    assert!(row.contains("<td>people</td><td class=\"num\">1</td><td class=\"num\">1</td>"), "{row}");
    assert!(!read.contains("minutes.txt"), "a skipped file is not among those read");
    let not_read = page.split("<ul id=\"inputs-not-read\">").nth(1).unwrap().split("</ul>\n").next().unwrap();
    // The reason as far as the first character the page escapes.
    let why: String =
        input("minutes.txt")["skipped"].as_str().unwrap().chars().take_while(|c| !"&<>\"'".contains(*c)).collect();
    assert!(!why.is_empty() && not_read.contains("minutes.txt") && not_read.contains(&why), "{why}: {not_read}");
    let quarantine = page.split("<table id=\"quarantine\">").nth(1).unwrap();
    assert!(quarantine.contains("late_hires.csv:3"), "{quarantine}");
    assert!(page.contains("analyst <span class=\"muted\">· re-scan through the API</span>"), "{page}");

    let audit = Client::new(org, "admin").await.json("GET", "/api/v1/audit", None).await;
    let views = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "run.view").count();
    assert_eq!(views, 2, "the API read and the page view are audited");
    let (s, _, _) = v.send("GET", "/api/v1/runs/no-such-run", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = v.send("GET", "/runs/no-such-run", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The case form speaks plainly and forgives: options read "in progress" and "false
/// positive" (the values stay `in_progress`, `false_positive`); closing without a
/// disposition shows the case page again with the message and what the analyst chose;
/// the assignee is picked from the enabled users and a name that is none of them is
/// refused (form and API); and files are attached with a form. Before, the options
/// showed raw values, a refused close was a bare 400 page, any typed name was saved, and
/// the page only named the API route for attachments.
async fn the_case_form_is_labelled_forgiving_and_attaches_files(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let api = Client::new(org, "analyst").await;
    let (s, _, t) = api.send("POST", "/api/v1/cases", Some(json!({"subject_id": "F1", "assignee": "nobody"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a case opened for nobody known: {t}");
    let new = json!({"subject_id": "F1", "assignee": "analyst"});
    let id = api.json("POST", "/api/v1/cases", Some(new)).await["case_id"].as_i64().unwrap();
    bonafide_serve::users::add_user(
        &org.state.pool,
        "setup",
        "leaver",
        bonafide_serve::Role::Analyst,
        common::PASSWORD,
    )
    .await
    .unwrap();
    bonafide_serve::users::set_disabled(&org.state.pool, "setup", "leaver", true).await.unwrap();
    let (cookie, csrf) = session_of(org, "analyst").await;
    let (s, page) = browse(&app, &cookie, Request::get(format!("/cases/{id}")), Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    for want in [
        "<option value=\"in_progress\">in progress</option>",
        "<option value=\"false_positive\">false positive</option>",
        "<option value=\"benign_explained\">benign, explained</option>",
        "<option value=\"viewer\">viewer (viewer)</option>",
        "<option value=\"analyst\" selected>analyst (analyst)</option>",
        "enctype=\"multipart/form-data\"",
        "<input type=\"file\" name=\"file\"",
    ] {
        assert!(page.contains(want), "the case page lacks {want}");
    }
    assert!(!page.contains("value=\"leaver\""), "a disabled user is not offered");
    let updated_at = page.split("name=\"updated_at\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();

    let post = |body: String| {
        let req = Request::post(format!("/cases/{id}/update"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        browse(&app, &cookie, req, Body::from(body))
    };
    let form = |assignee: &str, disposition: &str| {
        format!("csrf={csrf}&updated_at={updated_at}&status=closed&disposition={disposition}&assignee={assignee}")
    };
    let (s, again) = post(form("viewer", "")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(again.contains("closing a case needs a disposition"), "the message: {again}");
    assert!(again.contains("<option value=\"closed\" selected>closed</option>"), "the status chosen is kept");
    assert!(again.contains("<option value=\"viewer\" selected>"), "the assignee chosen is kept");
    assert!(again.contains("<form method=\"post\" action=\"/cases/"), "the whole case page, form and all");
    let (s, again) = post(form("anallyst", "confirmed")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(again.contains("assignee &#34;anallyst&#34; is not an enabled user"), "{again}");
    assert!(again.contains("<option value=\"confirmed\" selected>"), "the disposition chosen is kept");
    let (s, _, t) = api.send("PATCH", &format!("/api/v1/cases/{id}"), Some(json!({"assignee": "leaver"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a disabled user: {t}");
    assert!(t.contains("is not an enabled user"), "{t}");
    let case = api.json("GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!(case["case"]["status"], "open", "nothing refused was saved");
    assert_eq!(case["case"]["assignee"], "analyst");
    let (s, _) = post(form("viewer", "false_positive")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let case = api.json("GET", &format!("/api/v1/cases/{id}"), None).await;
    assert_eq!((&case["case"]["status"], &case["case"]["disposition"]), (&json!("closed"), &json!("false_positive")));
    assert_eq!(case["case"]["assignee"], "viewer");

    let boundary = "case-form-boundary";
    let upload = |csrf: &str, file: &[u8]| {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"label.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(format!("/cases/{id}/attachments"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        browse(&app, &cookie, req, Body::from(body))
    };
    assert_eq!(upload("stale", b"a shipping label").await.0, StatusCode::FORBIDDEN);
    let big = vec![b'x'; bonafide_serve::cases::MAX_ATTACHMENT + 1];
    assert_eq!(upload(&csrf, &big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(upload(&csrf, b"a shipping label").await.0, StatusCode::SEE_OTHER);
    let case = api.json("GET", &format!("/api/v1/cases/{id}"), None).await;
    let atts = case["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 1, "only the upload with the token and within the limit: {atts:?}");
    assert_eq!((&atts[0]["name"], &atts[0]["size"]), (&json!("label.txt"), &json!(16)));
}

/// The only enabled admin keeps the role: a reset through `POST /api/v1/users` or the
/// add-user form that would make them a viewer or analyst is refused (409) and changes
/// nothing, as disabling them is; with another admin it goes through. Two admins
/// demoting each other at once leave one. Before, the reset left no admin at all.
async fn the_last_admin_cannot_be_demoted(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let pool = &org.state.pool;
    let admin = Client::new(org, "admin").await;
    let role_of = |name: &'static str| async move {
        sqlx::query_scalar::<_, String>("SELECT role FROM users WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let reset = json!({"name": "admin", "role": "viewer", "password": "another long password"});
    let (s, _, t) = admin.send("POST", "/api/v1/users", Some(reset.clone())).await;
    assert_eq!(s, StatusCode::CONFLICT, "{t}");
    assert!(t.contains("last enabled admin"), "{t}");
    assert_eq!(role_of("admin").await, "admin");
    assert_eq!(admin.send("GET", "/api/v1/users", None).await.0, StatusCode::OK, "nothing was reset: the token works");

    let (cookie, csrf) = session_of(org, "admin").await;
    let req = Request::post("/admin/users").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let form = format!("csrf={csrf}&name=admin&role=analyst&password=another+long+password");
    let (s, html) = browse(&app, &cookie, req, Body::from(form)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("Not saved: admin is the last enabled admin"), "{html}");
    assert_eq!(role_of("admin").await, "admin");

    // A disabled admin does not count.
    bonafide_serve::users::add_user(pool, "setup", "admin2", bonafide_serve::Role::Admin, common::PASSWORD)
        .await
        .unwrap();
    bonafide_serve::users::set_disabled(pool, "setup", "admin2", true).await.unwrap();
    assert_eq!(admin.send("POST", "/api/v1/users", Some(reset.clone())).await.0, StatusCode::CONFLICT);
    bonafide_serve::users::set_disabled(pool, "setup", "admin2", false).await.unwrap();
    let (s, _, t) = admin.send("POST", "/api/v1/users", Some(reset)).await;
    assert_eq!(s, StatusCode::CREATED, "admin2 stays an admin: {t}");
    assert_eq!(role_of("admin").await, "viewer");

    // Two admins demoting each other at once: one of them stays.
    for _ in 0..3 {
        for name in ["admin", "admin2"] {
            bonafide_serve::users::add_user(pool, "setup", name, bonafide_serve::Role::Admin, common::PASSWORD)
                .await
                .unwrap();
        }
        let (a, b) = tokio::join!(
            bonafide_serve::users::save_user(pool, "admin", "admin2", bonafide_serve::Role::Viewer, common::PASSWORD),
            bonafide_serve::users::save_user(pool, "admin2", "admin", bonafide_serve::Role::Viewer, common::PASSWORD),
        );
        let outcomes = [a.unwrap().is_some(), b.unwrap().is_some()];
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(admins, 1, "{outcomes:?}");
        assert!(outcomes.contains(&false), "{outcomes:?}");
    }
}

/// `/metrics` answers in plain text, its errors too: a scraper (or the person reading
/// its logs) sees the same kind of body for 200, 401 and 503. Before, 401 was JSON and
/// 503 (the database not answering) an HTML page.
async fn metrics_errors_are_plain_text_like_its_body(org: &common::Org) {
    let app = bonafide_serve::app(org.state.clone());
    let viewer = Client::new(org, "viewer").await;
    let get = |bearer: Option<&str>| {
        let mut req = Request::get("/metrics");
        if let Some(t) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let app = app.clone();
        let req = req.body(Body::empty()).unwrap();
        async move {
            let resp = app.oneshot(req).await.unwrap();
            let ct = resp.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().to_string();
            let status = resp.status();
            (status, ct, String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string())
        }
    };
    let (s, ct, body) = get(Some(&viewer.token)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/plain") && body.contains("bonafide_http_requests_total"), "{ct} {body}");
    let (s, ct, body) = get(None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(ct.starts_with("text/plain") && body.trim() == "sign in first", "{ct} {body}");
    org.state.pool.close().await;
    let (s, ct, body) = get(Some(&viewer.token)).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(ct.starts_with("text/plain") && body.contains("the database is not answering"), "{ct} {body}");
    assert!(!body.contains('<') && !body.contains('{'), "neither HTML nor JSON: {body}");
}

/// The Indicators page, its API and an indicator's page say which catalog entries this
/// version detects: before, D8 showed "0 subjects" exactly like a detected indicator
/// that found nobody.
async fn indicators_say_which_ones_this_version_detects(org: &common::Org) {
    let c = Client::new(org, "viewer").await;
    let detected = bonafide_engine::detected_indicators();
    let catalog = bonafide_core::Catalog::builtin();
    let not = catalog.indicators.iter().find(|i| !detected.contains(i.id.as_str())).expect("one not detected yet");
    let (s, _, page) = c.send("GET", "/indicators", None).await;
    assert_eq!(s, StatusCode::OK);
    let row = |id: &str| {
        let start = page.find(&format!("<a href=\"/indicators/{id}\">")).unwrap();
        page[start..].split("</tr>").next().unwrap().to_string()
    };
    assert!(row(&not.id).contains("not yet"), "{}", row(&not.id));
    assert!(row("G3").contains("yes") && !row("G3").contains("not yet"), "{}", row("G3"));
    let all = c.json("GET", "/api/v1/indicators", None).await;
    for i in all["indicator"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        assert_eq!(i["detected"].as_bool(), Some(detected.contains(id)), "{id}");
    }
    let one = c.json("GET", &format!("/api/v1/indicators/{}", not.id), None).await;
    assert_eq!(one["detected"], json!(false));
    let (_, _, page) = c.send("GET", &format!("/indicators/{}", not.id), None).await;
    assert!(page.contains("id=\"not-detected\""), "{page}");
}

crate::on_both_backends!(
    indicators_say_which_ones_this_version_detects,
    metrics_errors_are_plain_text_like_its_body,
    the_last_admin_cannot_be_demoted,
    the_case_form_is_labelled_forgiving_and_attaches_files,
    indicator_chips_explain_and_link,
    evidence_reads_as_labelled_facts,
    the_cluster_page_groups_members_by_shared_identifier,
    the_runs_page_says_what_each_run_read_and_offers_a_rescan,
    a_run_page_says_what_became_of_each_input,
    replicas_share_sessions_cases_and_decisions,
    the_queue_ranks_and_filters,
    a_confirmed_case_raises_its_cluster_and_is_exported_for_ic3,
    suppressions_remove_bits_until_they_expire,
    no_raw_sensitive_value_leaves_the_api,
    the_audit_trail_records_views_and_cannot_be_rewritten,
    evidence_reads_are_audited,
    an_upload_is_scanned_into_a_new_run,
    bodies_are_not_read_for_callers_who_may_not_send_them,
    uploads_stream_to_the_inbox_and_stop_at_the_limit,
    stale_unfinished_uploads_are_removed_at_startup,
    login_sets_a_strict_cookie_and_is_rate_limited,
    parallel_logins_get_no_more_guesses_than_the_limit,
    signing_in_does_not_reset_the_address_limit,
    login_from_another_site_is_refused,
    failed_logins_are_anonymous_and_bounded,
    a_password_reset_ends_sessions_and_tokens,
    api_tokens_can_be_listed_and_revoked,
    a_disabled_user_is_refused_everywhere,
    admins_disable_and_enable_users,
    login_redirects_only_to_paths_of_this_site,
    pages_carry_a_strict_content_security_policy,
    a_watched_folder_and_a_push_each_produce_a_new_run,
    a_database_that_does_not_answer_is_503_not_sign_in,
);

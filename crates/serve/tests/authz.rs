//! The authorisation matrix: every route × anonymous, viewer, analyst and admin gives
//! the status written in the table below, driven in-process through the real router
//! and middleware. Browsers use a session cookie and the form's CSRF token; programs
//! use a bearer token. Each request gets a fresh session, so signing out cannot affect
//! the next row. Both tests run on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use bonafide_serve::auth;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// `L` = redirected to the login page (303 with Location /login).
const L: u16 = 1;

/// method, path, body, then the expected status for anonymous, viewer, analyst, admin.
/// `{case}` is an existing case, `{fresh}` a case created just for that request,
/// `{cluster}` the laptop-farm cluster, `{run}` the latest run, `{att}` an attachment of
/// `{case}`, `{token}` the
/// id of an API token of the analyst's created just for that request; `leaver` is a
/// viewer whom admins disable and enable again.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str, [u16; 4])] = &[
    // Public.
    ("GET",  "/healthz",                                "", [200, 200, 200, 200]),
    ("GET",  "/api/v1/openapi.json",                    "", [200, 200, 200, 200]),
    ("GET",  "/assets/app.css",                         "", [200, 200, 200, 200]),
    ("GET",  "/login",                                  "", [200, 200, 200, 200]),
    ("GET",  "/",                                       "", [303, 303, 303, 303]),
    // Web UI (form posts carry the session's CSRF token).
    ("GET",  "/queue",                                  "", [L, 200, 200, 200]),
    ("GET",  "/queue?band=high&department=Engineering",  "", [L, 200, 200, 200]),
    ("GET",  "/subjects/F1",                            "", [L, 200, 200, 200]),
    ("GET",  "/subjects/NOPE",                          "", [L, 404, 404, 404]),
    ("POST", "/subjects/F1/suppressions",               "indicator=C3&reason=same+building&expires_at=2099-01-01", [L, 403, 400, 400]),
    ("POST", "/subjects/F2/suppressions",               "indicator=C3&reason=same+building&expires_at={soon}", [L, 403, 303, 303]),
    ("GET",  "/clusters/{cluster}",                     "", [L, 200, 200, 200]),
    ("GET",  "/indicators",                             "", [L, 200, 200, 200]),
    ("GET",  "/indicators/C2",                          "", [L, 200, 200, 200]),
    ("GET",  "/cases",                                  "", [L, 200, 200, 200]),
    ("POST", "/cases",                                  "subject_id=F1", [L, 403, 303, 303]),
    ("GET",  "/cases/{case}",                           "", [L, 200, 200, 200]),
    ("POST", "/cases/{case}/notes",                     "body=checked+the+shipping+label", [L, 403, 303, 303]),
    ("POST", "/cases/{case}/update",                    "status=in_progress&assignee=analyst", [L, 403, 303, 303]),
    ("POST", "/cases/{case}/attachments",               "a shipping label", [L, 403, 303, 303]),
    ("GET",  "/cases/{case}/export",                    "", [L, 403, 200, 200]),
    ("GET",  "/runs",                                   "", [L, 200, 200, 200]),
    ("POST", "/runs/rescan",                            "", [L, 403, 303, 303]),
    ("GET",  "/runs/{run}",                             "", [L, 200, 200, 200]),
    ("GET",  "/account",                                "", [L, 200, 200, 200]),
    ("POST", "/account/tokens",                         "label=ci", [L, 200, 200, 200]),
    ("POST", "/account/tokens/{token}/revoke",          "", [L, 404, 303, 303]),
    ("GET",  "/admin",                                  "", [L, 403, 403, 200]),
    ("POST", "/admin/users",                            "name=newbie&role=viewer&password=long+enough+pw", [L, 403, 403, 200]),
    ("POST", "/admin/users/leaver/disable",             "", [L, 403, 403, 200]),
    ("POST", "/admin/users/leaver/enable",              "", [L, 403, 403, 200]),
    ("POST", "/admin/users/nobody/disable",             "", [L, 403, 403, 404]),
    ("POST", "/logout",                                 "", [L, 303, 303, 303]),
    // API (bearer tokens).
    ("GET",  "/metrics",                                "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/subjects",                        "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/subjects/F1",                     "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/subjects/F1/findings",            "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/subjects/F1/suppressions",        "", [401, 200, 200, 200]),
    ("POST", "/api/v1/subjects/F3/suppressions",        r#"{"indicator":"G2","reason":"paid by platform by choice","expires_at":"{soon}"}"#, [401, 403, 201, 201]),
    ("GET",  "/api/v1/findings",                        "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/findings?indicator=C2",           "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/clusters",                        "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/clusters/{cluster}",              "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/indicators",                      "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/indicators/C2",                   "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/runs",                            "", [401, 200, 200, 200]),
    ("GET",  "/api/v1/runs/{run}",                      "", [401, 200, 200, 200]),
    ("POST", "/api/v1/rescan",                          "", [401, 403, 201, 201]),
    ("GET",  "/api/v1/ingest",                          "", [401, 200, 200, 200]),
    ("POST", "/api/v1/ingest?name=extra.csv",           "subject_id,source,account\n", [401, 403, 202, 202]),
    ("POST", "/api/v1/events?format=okta",              "{}\n", [401, 403, 202, 202]),
    ("GET",  "/api/v1/cases",                           "", [401, 200, 200, 200]),
    ("POST", "/api/v1/cases",                           r#"{"subject_id":"F2"}"#, [401, 403, 201, 201]),
    ("GET",  "/api/v1/cases/{case}",                    "", [401, 200, 200, 200]),
    ("PATCH","/api/v1/cases/{case}",                    r#"{"assignee":"analyst"}"#, [401, 403, 200, 200]),
    ("DELETE","/api/v1/cases/{fresh}",                  "", [401, 403, 403, 204]),
    ("POST", "/api/v1/cases/{case}/notes",              r#"{"body":"called the vendor"}"#, [401, 403, 201, 201]),
    ("POST", "/api/v1/cases/{case}/attachments?name=label.txt", "a shipping label", [401, 403, 201, 201]),
    ("GET",  "/api/v1/cases/{case}/attachments/{att}",  "", [401, 403, 200, 200]),
    ("GET",  "/api/v1/cases/{case}/export",             "", [401, 403, 200, 200]),
    ("GET",  "/api/v1/audit",                           "", [401, 403, 403, 200]),
    ("GET",  "/api/v1/users",                           "", [401, 403, 403, 200]),
    ("POST", "/api/v1/users",                           r#"{"name":"bot","role":"viewer","password":"long enough pw"}"#, [401, 403, 403, 201]),
    ("PATCH","/api/v1/users/leaver",                    r#"{"disabled":true}"#, [401, 403, 403, 200]),
    ("PATCH","/api/v1/users/nobody",                    r#"{"disabled":true}"#, [401, 403, 403, 404]),
    ("GET",  "/api/v1/tokens",                          "", [401, 200, 200, 200]),
    ("POST", "/api/v1/tokens",                          "", [401, 201, 201, 201]),
    ("DELETE","/api/v1/tokens/{token}",                 "", [401, 404, 204, 204]),
    ("GET",  "/api/v1/nothing-here",                    "", [401, 404, 404, 404]),
    ("GET",  "/nothing-here",                           "", [L, 404, 404, 404]),
];

const ROLES: [&str; 4] = ["anonymous", "viewer", "analyst", "admin"];

/// The boundary of the multipart bodies the matrix sends.
const B: &str = "matrix-boundary-7MA4YWxkTrZu0gW";

async fn user_id(pool: &sqlx::AnyPool, name: &str) -> i64 {
    sqlx::query_scalar("SELECT user_id FROM users WHERE name = $1").bind(name).fetch_one(pool).await.unwrap()
}

/// What the matrix's placeholders stand for, and a way to send any row as any role.
struct Fixture {
    pool: sqlx::AnyPool,
    app: axum::Router,
    case: String,
    cluster: String,
    run: String,
    att: String,
    soon: String,
    /// An API token per role (none for anonymous).
    tokens: Vec<String>,
}

impl Fixture {
    async fn new(org: &common::Org) -> Fixture {
        let st = &org.state;
        let pool = st.pool.clone();
        let snap = st.snap().await;
        let cluster = snap.clusters.iter().find(|c| c.members.iter().any(|m| m == "F1")).unwrap().cluster_id.clone();
        let run = snap.run.as_ref().unwrap().run_id.clone();
        let case = bonafide_serve::cases::open(
            &pool,
            "setup",
            bonafide_serve::cases::NewCase { subject_id: Some("F1".into()), ..Default::default() },
        )
        .await
        .unwrap();
        let att =
            bonafide_serve::cases::attach(&pool, "setup", case.case_id, "a.txt", "text/plain", b"x").await.unwrap();
        let soon = bonafide_core::UtcMs(bonafide_serve::auth::now().0 + 86_400_000).to_stamp();
        bonafide_serve::users::add_user(&pool, "setup", "leaver", bonafide_serve::Role::Viewer, common::PASSWORD)
            .await
            .unwrap();
        let mut tokens = vec![String::new()];
        for name in &ROLES[1..] {
            let id = user_id(&pool, name).await;
            tokens.push(auth::create_api_token(&pool, id, "matrix").await.unwrap());
        }
        Fixture {
            app: bonafide_serve::app(st.clone()),
            pool,
            case: case.case_id.to_string(),
            cluster,
            run,
            att: att.attachment_id.to_string(),
            soon,
            tokens,
        }
    }

    /// The request of a matrix row as role `r` (an index into [`ROLES`]), ready for its
    /// body, and that body: the row's, with the session's CSRF token for a form post.
    async fn request(&self, method: &str, path: &str, body: &str, r: usize) -> (axum::http::request::Builder, String) {
        let pool = &self.pool;
        let mut path =
            path.replace("{case}", &self.case).replace("{cluster}", &self.cluster).replace("{run}", &self.run);
        path = path.replace("{att}", &self.att);
        if path.contains("{token}") {
            let analyst = user_id(pool, "analyst").await;
            let token = auth::create_api_token(pool, analyst, "to revoke").await.unwrap();
            path = path.replace("{token}", &auth::token_id(&token));
        }
        if path.contains("{fresh}") {
            let fresh = bonafide_serve::cases::open(
                pool,
                "setup",
                bonafide_serve::cases::NewCase { subject_id: Some("F3".into()), ..Default::default() },
            )
            .await
            .unwrap();
            path = path.replace("{fresh}", &fresh.case_id.to_string());
        }
        let body = body.replace("{soon}", &self.soon);
        let api = path.starts_with("/api/") || path == "/metrics";
        let mut req = Request::builder().method(Method::from_bytes(method.as_bytes()).unwrap()).uri(&path);
        let mut body = body.to_string();
        if r > 0 {
            if api {
                req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[r]));
            } else {
                let id = user_id(pool, ROLES[r]).await;
                let (cookie, csrf) = auth::create_session(pool, id).await.unwrap();
                req = req.header(header::COOKIE, format!("{}={cookie}", auth::SESSION_COOKIE));
                if path.ends_with("/attachments") {
                    // The case page's file form: multipart, the token before the file.
                    body = format!(
                        "--{B}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{B}\r\n\
                         Content-Disposition: form-data; name=\"file\"; filename=\"label.txt\"\r\n\
                         Content-Type: text/plain\r\n\r\n{body}\r\n--{B}--\r\n"
                    );
                } else if method == "POST" {
                    body = if body.is_empty() { format!("csrf={csrf}") } else { format!("csrf={csrf}&{body}") };
                }
            }
        }
        let multipart = format!("multipart/form-data; boundary={B}");
        let ct = if !api && path.ends_with("/attachments") {
            multipart.as_str()
        } else if api && body.starts_with('{') && !path.contains("events") {
            "application/json"
        } else if api {
            "application/octet-stream"
        } else {
            "application/x-www-form-urlencoded"
        };
        (req.header(header::CONTENT_TYPE, ct), body)
    }
}

async fn every_route_and_role_gives_the_expected_status(org: &common::Org) {
    let fx = Fixture::new(org).await;
    let mut failures = Vec::new();
    for (method, path, body, expected) in MATRIX {
        for (r, role) in ROLES.iter().enumerate() {
            let (req, body) = fx.request(method, path, body, r).await;
            let req = req.body(Body::from(body)).unwrap();
            let path = req.uri().to_string();
            let resp = fx.app.clone().oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let location = resp.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let want = expected[r];
            let ok = if want == L { status == 303 && location == "/login" } else { status == want };
            if !ok {
                let text = String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).to_string();
                failures.push(format!(
                    "{method} {path} as {role}: got {status} {location}, want {}: {}",
                    if want == L { "303 /login".to_string() } else { want.to_string() },
                    text.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// Every write the matrix refuses to a role (401, the sign-in page or 403) is refused
/// before any of its body is read: each such request carries the row's body followed by
/// 3 MiB of spaces, each chunk made and counted only when the server asks for it, and
/// none may be asked for. Before the role was an extractor, the JSON and form routes read up to 2 MB of a
/// viewer's post (413 past that) before the handler said 403.
async fn refused_writes_read_none_of_the_body(org: &common::Org) {
    let fx = Fixture::new(org).await;
    let mut failures = Vec::new();
    for (method, path, body, expected) in MATRIX.iter().filter(|row| row.0 != "GET") {
        for (r, role) in ROLES.iter().enumerate().filter(|&(r, _)| [L, 401, 403].contains(&expected[r])) {
            let (req, body) = fx.request(method, path, body, r).await;
            let pulled = Arc::new(AtomicU64::new(0));
            let chunks = std::iter::once(Bytes::from(body)).chain((0..3).map(|_| Bytes::from(vec![b' '; 1 << 20])));
            let stream = futures_util::stream::iter(chunks).map({
                let pulled = pulled.clone();
                move |chunk| {
                    pulled.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    Ok::<_, std::io::Error>(chunk)
                }
            });
            let req = req.body(Body::from_stream(stream)).unwrap();
            let path = req.uri().to_string();
            let resp = fx.app.clone().oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let want = if expected[r] == L { 303 } else { expected[r] };
            let read = pulled.load(Ordering::SeqCst);
            if status != want || read > 0 {
                failures
                    .push(format!("{method} {path} as {role}: got {status} after reading {read} bytes, want {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} refused writes read their body:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_matrix_covers_every_path_of_the_openapi_document() {
    let doc: serde_json::Value = serde_json::from_str(bonafide_serve::api::OPENAPI).unwrap();
    let covered: Vec<String> = MATRIX
        .iter()
        .map(|(m, p, _, _)| {
            let p = p.split('?').next().unwrap();
            let p = p
                .replace("{case}", "{id}")
                .replace("{fresh}", "{id}")
                .replace("{cluster}", "{id}")
                .replace("{run}", "{id}")
                .replace("{att}", "{aid}")
                .replace("{token}", "{id}")
                .replace("/users/leaver", "/users/{name}")
                .replace("/users/nobody", "/users/{name}")
                .replace("/F1", "/{id}")
                .replace("/F2", "/{id}")
                .replace("/F3", "/{id}")
                .replace("/C2", "/{id}");
            format!("{} {p}", m.to_lowercase())
        })
        .collect();
    let mut missing = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let key = format!("{method} {path}");
            if !covered.contains(&key) {
                missing.push(key);
            }
        }
    }
    assert!(missing.is_empty(), "routes in openapi.json without a row in the matrix: {missing:?}");
}

async fn session_writes_need_their_csrf_token(org: &common::Org) {
    let pool = org.state.pool.clone();
    let app = bonafide_serve::app(org.state.clone());
    let id = user_id(&pool, "analyst").await;
    let (cookie, csrf) = auth::create_session(&pool, id).await.unwrap();
    let cookie = format!("{}={cookie}", auth::SESSION_COOKIE);
    let send = |req: Request<Body>| app.clone().oneshot(req);
    // A form without, or with another session's, token.
    for body in ["subject_id=F1".to_string(), "csrf=0000&subject_id=F1".to_string()] {
        let req = Request::post("/cases")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(req).await.unwrap().status(), StatusCode::FORBIDDEN);
    }
    // An API write with the session cookie but no X-CSRF-Token, then with it.
    let mk = |token: Option<&str>| {
        let mut r = Request::post("/api/v1/cases")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::from(r#"{"subject_id":"F1"}"#)).unwrap()
    };
    assert_eq!(send(mk(None)).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(send(mk(Some("wrong"))).await.unwrap().status(), StatusCode::FORBIDDEN);
    // A guess of the right length that differs only in its last character (compared in
    // constant time, refused all the same).
    let mut near = csrf[..csrf.len() - 1].to_string();
    near.push(if csrf.ends_with('0') { '1' } else { '0' });
    assert_eq!(send(mk(Some(&near))).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(send(mk(Some(&csrf))).await.unwrap().status(), StatusCode::CREATED);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "only the request with the right token opened a case");
}

crate::on_both_backends!(
    every_route_and_role_gives_the_expected_status,
    refused_writes_read_none_of_the_body,
    session_writes_need_their_csrf_token,
);

//! The REST API under `/api/v1` (JSON), `/healthz` and `/metrics`. The OpenAPI
//! document (`openapi.json`, hand-written beside this file) describes every route; a
//! test checks that each routed path appears in it.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, FromRequest, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bonafide_store::Started;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Principal;
use crate::auth::{self, Role};
use crate::cases::{self, CaseChange, NewCase, NewSuppression};
use crate::ingest::SaveError;
use crate::snapshot::{QueueFilter, Snapshot, SubjectView};
use crate::web::{Admin, Analyst, Auth, Kind, Viewer, WebError, need};

type ApiResult = Result<Response, WebError>;

const API: Kind = Kind::Api;

fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::internal(API, e)
}

pub const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn healthz(State(st): State<AppState>) -> Response {
    let db = sqlx::query("SELECT 1").execute(&st.pool).await.is_ok();
    let snap = st.snap().await;
    let body = json!({"status": if db { "ok" } else { "degraded" }, "database": db,
        "run_id": snap.run.as_ref().map(|r| r.run_id.clone())});
    let code = if db { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text; its errors are plain text too ([`Kind::Text`]).
pub async fn metrics(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    need(&a, Role::Viewer, Kind::Text)?;
    let snap = st.snap().await;
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE status != 'closed'")
        .fetch_one(&st.pool)
        .await
        .map_err(|e| WebError::internal(Kind::Text, e))?;
    let band = |b: &str| snap.subjects.iter().filter(|s| s.band == b).count() as f64;
    let text = st.metrics.render(&[
        ("bonafide_subjects", "subjects in the latest run", snap.subjects.len() as f64),
        ("bonafide_subjects_critical", "subjects in the critical band", band("critical")),
        ("bonafide_subjects_high", "subjects in the high band", band("high")),
        ("bonafide_findings", "findings in the latest run", snap.findings.len() as f64),
        ("bonafide_clusters", "clusters in the latest run", snap.clusters.len() as f64),
        ("bonafide_cases_open", "cases not closed", open as f64),
    ]);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// A subject as listed.
pub fn subject_summary(s: &SubjectView) -> Value {
    json!({"id": s.id, "name": s.name, "kind": s.kind, "score": s.score, "band": s.band,
        "run_score": s.run_score, "log2_odds": s.log2_odds, "department": s.department, "vendor": s.vendor,
        "first_seen": s.first_seen, "indicators": s.indicators, "contributions": s.contributions})
}

pub async fn subjects(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Query(f): Query<QueueFilter>,
) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    let all: Vec<&SubjectView> = snap.filter(&f).collect();
    let offset = f.offset.unwrap_or(0);
    let limit = f.limit.unwrap_or(100).min(1000);
    let items: Vec<Value> = all.iter().skip(offset).take(limit).map(|s| subject_summary(s)).collect();
    Ok(Json(json!({"run_id": snap.run.as_ref().map(|r| &r.run_id), "total": all.len(), "offset": offset,
        "items": items}))
    .into_response())
}

fn subject_of<'a>(snap: &'a Snapshot, id: &str) -> Result<&'a SubjectView, WebError> {
    snap.subject(id).ok_or_else(|| WebError::not_found(API))
}

pub async fn subject(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    let s = subject_of(&snap, &id)?;
    crate::audit::record(&st.pool, &p.name, "subject.view", &format!("subject:{id}"), "api").await.map_err(internal)?;
    let findings: Vec<&crate::snapshot::FindingView> = s.findings.iter().map(|&i| &snap.findings[i]).collect();
    let clusters: Vec<&crate::snapshot::ClusterView> = s.clusters.iter().map(|&i| &snap.clusters[i]).collect();
    let cases = cases::list(&st.pool, Some(&id)).await.map_err(internal)?;
    let suppressions = cases::suppressions(&st.pool, &id).await.map_err(internal)?;
    let mut v = subject_summary(s);
    if let Some(o) = v.as_object_mut() {
        o.insert("claims".into(), s.claims.clone());
        o.insert("records".into(), s.records.clone());
        o.insert("activity".into(), serde_json::to_value(&s.activity).unwrap_or(Value::Null));
        o.insert("findings".into(), json!(findings));
        o.insert("clusters".into(), json!(clusters));
        o.insert("cases".into(), json!(cases));
        o.insert("suppressions".into(), json!(suppressions));
    }
    Ok(Json(v).into_response())
}

pub async fn subject_findings(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    let s = subject_of(&snap, &id)?;
    // Findings carry the evidence (identifiers, places, source positions) the subject
    // page shows, so reading them is audited like a view of that page.
    crate::audit::record(&st.pool, &p.name, "subject.findings", &format!("subject:{id}"), "api")
        .await
        .map_err(internal)?;
    let findings: Vec<&crate::snapshot::FindingView> = s.findings.iter().map(|&i| &snap.findings[i]).collect();
    Ok(Json(json!({"items": findings})).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct FindingQuery {
    pub indicator: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

pub async fn findings(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Query(q): Query<FindingQuery>,
) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    let all: Vec<&crate::snapshot::FindingView> = snap
        .findings
        .iter()
        .filter(|f| q.indicator.as_deref().is_none_or(|i| i.is_empty() || f.indicator == i))
        .collect();
    let offset = q.offset.unwrap_or(0);
    let items: Vec<_> = all.iter().skip(offset).take(q.limit.unwrap_or(100).min(1000)).collect();
    // The bulk read hands out many subjects' evidence at once: one entry says who took
    // which page of it (not one per subject, which would flood the trail).
    let indicator: String =
        q.indicator.as_deref().unwrap_or("").chars().filter(char::is_ascii_alphanumeric).take(32).collect();
    let detail = format!("api indicator={indicator} offset={offset} count={}", items.len());
    crate::audit::record(&st.pool, &p.name, "findings.list", "findings", &detail).await.map_err(internal)?;
    Ok(Json(json!({"total": all.len(), "items": items})).into_response())
}

pub async fn clusters(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    // Every cluster with its members and linking identifiers: evidence in bulk, one entry.
    let detail = format!("api count={}", snap.clusters.len());
    crate::audit::record(&st.pool, &p.name, "clusters.list", "clusters", &detail).await.map_err(internal)?;
    Ok(Json(json!({"items": snap.clusters})).into_response())
}

pub async fn cluster(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let snap = st.snap().await;
    let c = snap.cluster(&id).ok_or_else(|| WebError::not_found(API))?;
    // The members and the identifiers linking them, as the cluster page shows and audits.
    crate::audit::record(&st.pool, &p.name, "cluster.view", &format!("cluster:{id}"), "api").await.map_err(internal)?;
    Ok(Json(json!(c)).into_response())
}

pub async fn indicators(Extension(a): Extension<Auth>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    Ok(Json(bonafide_engine::catalog_json()).into_response())
}

pub async fn indicator(Extension(a): Extension<Auth>, Path(id): Path<String>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    let c = bonafide_core::Catalog::builtin();
    let i = c.get(&id).ok_or_else(|| WebError::not_found(API))?;
    let sources: Vec<Value> =
        i.sources.iter().map(|s| json!({"id": s, "title": c.sources.get(s).cloned().unwrap_or_default()})).collect();
    let detected = bonafide_engine::detected_indicators().contains(i.id.as_str());
    Ok(Json(json!({"indicator": i, "family_name": c.family_name(&i.family), "sources": sources, "detected": detected}))
        .into_response())
}

pub async fn runs(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    // Each item: run_id, started_at, finished_at, version, and (additions) totals,
    // subjects, findings and, when recorded, started_by and started_how.
    let items = crate::snapshot::Snapshot::recent_runs(&st.pool).await.map_err(internal)?;
    Ok(Json(json!({"items": items, "ingest": st.ingest.status()})).into_response())
}

/// `GET /api/v1/runs/{id}`: the run as the list has it, plus each input and what became
/// of it, and the quarantine samples (audited, as the run's page).
pub async fn run(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let detail = crate::snapshot::Snapshot::run_detail(&st.pool, &id)
        .await
        .map_err(internal)?
        .ok_or_else(|| WebError::not_found(API))?;
    crate::audit::record(&st.pool, &p.name, "run.view", &format!("run:{id}"), "api").await.map_err(internal)?;
    Ok(Json(json!(detail)).into_response())
}

pub async fn ingest_status(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    Ok(Json(json!(st.ingest.status())).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct IngestQuery {
    /// The file's name (its extension helps format sniffing).
    pub name: Option<String>,
    /// Force a reader (`bonafide formats` lists the names).
    pub format: Option<String>,
    /// `1`: scan and wait for the new run before answering.
    pub wait: Option<String>,
}

/// The request's declared length, when it declares one.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn too_large(limit: u64) -> WebError {
    WebError::new(StatusCode::PAYLOAD_TOO_LARGE, API, format!("the body is larger than {limit} bytes"))
}

/// Stores an upload or push. Everything that can refuse the request (the role, checked
/// by the handler's [`Analyst`] extractor, the format, a declared length over the
/// limit) is checked before the first byte of the
/// body is read, and the body then goes to disk as it arrives: a caller may not make the
/// server hold a body it was never going to accept (a viewer's 400 MB post was read into
/// memory before the 403).
async fn ingest_body(
    st: &AppState,
    p: Principal,
    q: IngestQuery,
    headers: &HeaderMap,
    body: Body,
    default_name: &str,
) -> ApiResult {
    let format = match q.format.as_deref().filter(|f| !f.is_empty()) {
        Some(f) => Some(
            bonafide_ingest::Format::from_name(f).ok_or_else(|| WebError::bad(API, format!("unknown format {f:?}")))?,
        ),
        None => None,
    };
    let limit = st.ingest.max_upload;
    if content_length(headers).is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let name = q.name.as_deref().unwrap_or(default_name);
    let (path, size) = st.ingest.save(name, format, body, &st.metrics).await.map_err(|e| match e {
        SaveError::TooLarge(limit) => too_large(limit),
        e @ (SaveError::Empty | SaveError::Body(_)) => WebError::bad(API, e.to_string()),
        e @ SaveError::Io(_) => internal(e),
    })?;
    let file = path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    crate::audit::record(&st.pool, &p.name, "ingest", &format!("file:{file}"), &format!("{size} bytes"))
        .await
        .map_err(internal)?;
    if matches!(q.wait.as_deref(), Some("1" | "true")) {
        let how = format!("upload of {file}");
        let run_id = st.ingest.rescan(st, &Started::new(&p.name, how)).await.map_err(internal)?;
        return Ok((StatusCode::CREATED, Json(json!({"stored": file, "run_id": run_id}))).into_response());
    }
    st.ingest.wake();
    Ok((StatusCode::ACCEPTED, Json(json!({"stored": file, "rescan": "queued"}))).into_response())
}

/// `POST /api/v1/ingest?name=people.csv`: the body is one input file. It is taken as a
/// stream ([`Body`] is never read by axum), read only once [`ingest_body`] accepts it.
pub async fn ingest_upload(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Query(q): Query<IngestQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    ingest_body(&st, p, q, &headers, body, "upload").await
}

/// `POST /api/v1/events?format=okta`: newline-delimited JSON records or events.
pub async fn ingest_push(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Query(q): Query<IngestQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    ingest_body(&st, p, q, &headers, body, "push.ndjson").await
}

pub async fn rescan(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    let p = need(&a, Role::Analyst, API)?;
    crate::audit::record(&st.pool, &p.name, "rescan", "runs", "").await.map_err(internal)?;
    let run_id = st.ingest.rescan(&st, &Started::new(&p.name, "re-scan through the API")).await.map_err(internal)?;
    Ok((StatusCode::CREATED, Json(json!({"run_id": run_id}))).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    pub subject_id: Option<String>,
}

pub async fn cases(State(st): State<AppState>, Extension(a): Extension<Auth>, Query(q): Query<CaseQuery>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    let items = cases::list(&st.pool, q.subject_id.as_deref()).await.map_err(internal)?;
    Ok(Json(json!({"items": items})).into_response())
}

/// A case must be about a subject or cluster of the current run.
fn check_target(snap: &Snapshot, n: &NewCase, kind: Kind) -> Result<(), WebError> {
    if let Some(s) = n.subject_id.as_deref().filter(|s| !s.is_empty())
        && snap.subject(s).is_none()
    {
        return Err(WebError::bad(kind, format!("no subject {s:?} in the current run")));
    }
    if let Some(c) = n.cluster_id.as_deref().filter(|s| !s.is_empty())
        && snap.cluster(c).is_none()
    {
        return Err(WebError::bad(kind, format!("no cluster {c:?} in the current run")));
    }
    Ok(())
}

pub async fn open_case(State(st): State<AppState>, Analyst(p): Analyst, Json(n): Json<NewCase>) -> ApiResult {
    check_target(&*st.snap().await, &n, API)?;
    let c = cases::open(&st.pool, &p.name, n).await.map_err(|e| WebError::from_case(API, e))?;
    Ok((StatusCode::CREATED, Json(json!(c))).into_response())
}

pub async fn case(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<i64>) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    let pool = &st.pool;
    let c = cases::get(pool, id).await.map_err(internal)?.ok_or_else(|| WebError::not_found(API))?;
    let notes = cases::notes(pool, id).await.map_err(internal)?;
    let attachments = cases::attachments(pool, id).await.map_err(internal)?;
    let audit = crate::audit::list(pool, Some(&format!("case:{id}")), 200).await.map_err(internal)?;
    Ok(Json(json!({"case": c, "notes": notes, "attachments": attachments, "audit": audit})).into_response())
}

async fn after_decision(st: &AppState) -> Result<(), WebError> {
    st.reload().await.map_err(internal)
}

pub async fn change_case(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    Json(c): Json<CaseChange>,
) -> ApiResult {
    let decided = c.disposition.is_some();
    let case = cases::change(&st.pool, &p.name, id, c).await.map_err(|e| WebError::from_case(API, e))?;
    if decided {
        after_decision(&st).await?;
    }
    Ok(Json(json!(case)).into_response())
}

pub async fn delete_case(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<i64>) -> ApiResult {
    let p = need(&a, Role::Admin, API)?;
    cases::delete(&st.pool, &p.name, id).await.map_err(|e| WebError::from_case(API, e))?;
    after_decision(&st).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub struct NoteBody {
    pub body: String,
}

pub async fn add_note(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    Json(n): Json<NoteBody>,
) -> ApiResult {
    let note = cases::add_note(&st.pool, &p.name, id, &n.body).await.map_err(|e| WebError::from_case(API, e))?;
    Ok((StatusCode::CREATED, Json(json!(note))).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct AttachQuery {
    pub name: Option<String>,
}

/// `POST /api/v1/cases/{id}/attachments?name=scan.pdf`: the body is the file. The role
/// is checked ([`Analyst`]) before the body is read, which then stops at the route's body limit
/// ([`cases::MAX_ATTACHMENT`], 413 beyond it): attachments are kept in the database
/// whole, so reading more than one may hold is only memory spent.
pub async fn attach(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    Query(q): Query<AttachQuery>,
    req: axum::extract::Request,
) -> ApiResult {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .chars()
        .take(100)
        .collect::<String>();
    let body = Bytes::from_request(req, &st).await.map_err(|r| WebError::new(r.status(), API, r.body_text()))?;
    let att = cases::attach(&st.pool, &p.name, id, q.name.as_deref().unwrap_or("attachment"), &ct, &body)
        .await
        .map_err(|e| WebError::from_case(API, e))?;
    Ok((StatusCode::CREATED, Json(json!(att))).into_response())
}

pub async fn attachment(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path((id, aid)): Path<(i64, i64)>,
) -> ApiResult {
    let p = need(&a, Role::Analyst, API)?;
    let (name, _ct, bytes) =
        cases::attachment_bytes(&st.pool, id, aid).await.map_err(internal)?.ok_or_else(|| WebError::not_found(API))?;
    crate::audit::record(&st.pool, &p.name, "attachment.download", &format!("case:{id}"), &format!("attachment {aid}"))
        .await
        .map_err(internal)?;
    // Always served as a download, never rendered: an attachment is untrusted content.
    let disposition = format!("attachment; filename=\"{}\"", name.replace(['"', '\\'], "_"));
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

pub async fn export(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<i64>) -> ApiResult {
    let p = need(&a, Role::Analyst, API)?;
    crate::export::response(&st, &p, id, API).await
}

pub async fn suppressions(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> ApiResult {
    need(&a, Role::Viewer, API)?;
    let items = cases::suppressions(&st.pool, &id).await.map_err(internal)?;
    Ok(Json(json!({"items": items})).into_response())
}

pub async fn suppress(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<String>,
    Json(s): Json<NewSuppression>,
) -> ApiResult {
    if st.snap().await.subject(&id).is_none() {
        return Err(WebError::not_found(API));
    }
    let s = cases::suppress(&st.pool, &p.name, &id, s).await.map_err(|e| WebError::from_case(API, e))?;
    after_decision(&st).await?;
    Ok((StatusCode::CREATED, Json(json!(s))).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub target: Option<String>,
    pub limit: Option<i64>,
}

pub async fn audit(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Query(q): Query<AuditQuery>,
) -> ApiResult {
    need(&a, Role::Admin, API)?;
    let items = crate::audit::list(&st.pool, q.target.as_deref(), q.limit.unwrap_or(500).clamp(1, 10_000))
        .await
        .map_err(internal)?;
    Ok(Json(json!({"items": items})).into_response())
}

pub async fn users(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    need(&a, Role::Admin, API)?;
    let items = crate::users::list(&st.pool).await.map_err(internal)?;
    Ok(Json(json!({"items": items})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub role: String,
    pub password: String,
}

pub async fn add_user(State(st): State<AppState>, Admin(p): Admin, Json(u): Json<NewUser>) -> ApiResult {
    let role = Role::parse(&u.role).ok_or_else(|| WebError::bad(API, "role must be viewer, analyst or admin"))?;
    let saved = crate::users::save_user(&st.pool, &p.name, &u.name, role, &u.password)
        .await
        .map_err(|e| match e {
            crate::ServeError::Other(m) => WebError::bad(API, m),
            e => internal(e),
        })?
        .ok_or_else(|| {
            let m = format!("{} is the last enabled admin; make another admin first", u.name);
            WebError::new(StatusCode::CONFLICT, API, m)
        })?;
    let body = json!({"user_id": saved.user_id, "name": u.name, "role": role, "reset": saved.reset,
        "sessions_ended": saved.revoked.sessions, "tokens_revoked": saved.revoked.tokens});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct UserChange {
    pub disabled: bool,
}

/// `PATCH /api/v1/users/{name}` with `{"disabled": true}` disables a user, ending their
/// sessions and API tokens; `false` enables them again. 409 when the disable would leave
/// no enabled admin (see [`crate::users::set_disabled`]).
pub async fn change_user(
    State(st): State<AppState>,
    Admin(p): Admin,
    Path(name): Path<String>,
    Json(c): Json<UserChange>,
) -> ApiResult {
    let revoked = match crate::users::set_disabled(&st.pool, &p.name, &name, c.disabled).await.map_err(internal)? {
        crate::users::Switched::Done(r) => r,
        crate::users::Switched::NoSuchUser => return Err(WebError::not_found(API)),
        crate::users::Switched::LastAdmin => {
            return Err(WebError::new(StatusCode::CONFLICT, API, "that would leave no enabled admin"));
        }
    };
    let body = json!({"name": name, "disabled": c.disabled, "sessions_ended": revoked.sessions,
        "tokens_revoked": revoked.tokens});
    Ok(Json(body).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenBody {
    pub label: Option<String>,
}

/// Issues an API token for the caller (shown once). The token carries the caller's role.
pub async fn create_token(State(st): State<AppState>, Viewer(p): Viewer, body: Bytes) -> ApiResult {
    let body: TokenBody = if body.iter().all(u8::is_ascii_whitespace) {
        TokenBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| WebError::bad(API, format!("invalid JSON: {e}")))?
    };
    let label = body.label.unwrap_or_else(|| "api".into()).chars().take(64).collect::<String>();
    let token = auth::create_api_token(&st.pool, p.user_id, &label).await.map_err(internal)?;
    crate::audit::record(&st.pool, &p.name, "token.create", &format!("user:{}", p.name), &label)
        .await
        .map_err(internal)?;
    let body = json!({"token": token, "token_id": auth::token_id(&token), "role": p.role, "label": label});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The caller's API tokens (ids and labels, never the tokens); an admin's list has every
/// user's, so that an admin can find and revoke any of them.
pub async fn tokens(State(st): State<AppState>, Extension(a): Extension<Auth>) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    let mine = (p.role < Role::Admin).then_some(p.user_id);
    let items = auth::list_tokens(&st.pool, mine).await.map_err(internal)?;
    Ok(Json(json!({"items": items})).into_response())
}

/// `DELETE /api/v1/tokens/{id}`: revokes one of the caller's tokens, or any token for an
/// admin. 404 for another user's token, as for one that does not exist.
pub async fn revoke_token(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Path(id): Path<String>,
) -> ApiResult {
    let p = need(&a, Role::Viewer, API)?;
    auth::revoke_token(&st.pool, &p, &id).await.map_err(internal)?.ok_or_else(|| WebError::not_found(API))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

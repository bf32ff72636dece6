//! The router: every route with the role it needs, the middleware that finds who is
//! asking (session cookie or bearer token), enforces CSRF on API writes made with a
//! session, counts requests and sets the security headers on every response.

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, patch, post};

use crate::AppState;
use crate::auth::{self, Principal, Role, Via};
use crate::metrics::Metrics;
use crate::{api, ui};

/// Whether a route answers people (HTML: an anonymous visitor is sent to the login
/// page) or programs (JSON: 401), or programs that read plain text (`/metrics`, whose
/// scrapers get their errors in the same form as its exposition text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ui,
    Api,
    Text,
}

/// Who is asking, as the middleware found it.
#[derive(Clone, Debug, Default)]
pub struct Auth(pub Option<Principal>);

/// A refusal or failure, rendered as the route's kind expects.
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub kind: Kind,
    pub message: String,
}

impl WebError {
    pub fn new(status: StatusCode, kind: Kind, message: impl Into<String>) -> WebError {
        WebError { status, kind, message: message.into() }
    }
    pub fn not_found(kind: Kind) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, kind, "not found")
    }
    pub fn bad(kind: Kind, m: impl Into<String>) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, kind, m)
    }
    pub fn internal(kind: Kind, e: impl std::fmt::Display) -> WebError {
        tracing::error!("internal error: {e}");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, kind, "internal error")
    }
    pub fn from_case(kind: Kind, e: crate::cases::CaseError) -> WebError {
        match e {
            crate::cases::CaseError::Invalid(m) => WebError::bad(kind, m),
            crate::cases::CaseError::NotFound => WebError::not_found(kind),
            e @ crate::cases::CaseError::Conflict => WebError::new(StatusCode::CONFLICT, kind, e.to_string()),
            crate::cases::CaseError::Serve(e) => WebError::internal(kind, e),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match (self.kind, self.status) {
            (Kind::Ui, StatusCode::UNAUTHORIZED) => Redirect::to("/login").into_response(),
            (Kind::Api, _) => (self.status, axum::Json(serde_json::json!({"error": self.message}))).into_response(),
            (Kind::Text, _) => {
                (self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.message))
                    .into_response()
            }
            (Kind::Ui, _) => (self.status, axum::response::Html(crate::views::error_page(self.status, &self.message)))
                .into_response(),
        }
    }
}

/// The signed-in principal when it has at least `role`; 401 (or the login page) when
/// nobody is signed in, 403 when the role is too low.
pub fn need(auth: &Auth, role: Role, kind: Kind) -> Result<Principal, WebError> {
    match &auth.0 {
        None => Err(WebError::new(StatusCode::UNAUTHORIZED, kind, "sign in first")),
        Some(p) if p.role < role => {
            Err(WebError::new(StatusCode::FORBIDDEN, kind, format!("needs the {} role", role.as_str())))
        }
        Some(p) => Ok(p.clone()),
    }
}

/// A form post must carry its session's CSRF token (checked once the form is read,
/// which only a caller with the route's role gets to: see [`Analyst`]).
pub fn form_csrf(p: &Principal, csrf: &str) -> Result<(), WebError> {
    if !p.csrf_ok(csrf) {
        return Err(WebError::new(StatusCode::FORBIDDEN, Kind::Ui, "the form's CSRF token is missing or stale"));
    }
    Ok(())
}

/// Whether `path` answers programs (JSON errors; plain text for `/metrics`) or people
/// (HTML, and the sign-in page for nobody).
fn kind_of(path: &str) -> Kind {
    if path == "/metrics" {
        Kind::Text
    } else if path.starts_with("/api/") {
        Kind::Api
    } else {
        Kind::Ui
    }
}

/// The caller, as [`need`] finds them in the request's head.
fn caller(parts: &Parts, role: Role) -> Result<Principal, WebError> {
    let nobody = Auth::default();
    let auth = parts.extensions.get::<Auth>().unwrap_or(&nobody);
    need(auth, role, kind_of(parts.uri.path()))
}

/// Declares an extractor that yields the signed-in caller when they have at least
/// `$role`, and refuses everyone else as [`need`] does (401 or the sign-in page, 403).
///
/// Why extractors: axum runs the extractors that read only the request's head before
/// the one that reads its body, so a handler that takes one of these ahead of its
/// `Json`, `Form` or `Bytes` refuses a caller without the role before a byte of the body
/// is read. With `need` called inside the handler, a viewer's post to an analyst's or an
/// admin's route was read (up to axum's 2 MB) and only then refused. Every handler that
/// reads a body takes its caller this way; the authorisation tests send each refused
/// write a body that counts what is read of it.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name(pub Principal);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = WebError;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
                caller(parts, $role).map($name)
            }
        }
    };
}

role_extractor!(
    /// Anyone signed in.
    Viewer,
    Role::Viewer
);
role_extractor!(
    /// An analyst or an admin.
    Analyst,
    Role::Analyst
);
role_extractor!(
    /// An admin.
    Admin,
    Role::Admin
);

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Who presents the request's token or session cookie. A database that cannot answer
/// is an error, not "nobody": a signed-in analyst must not be sent to the sign-in page
/// because PostgreSQL is briefly away.
async fn principal_of(st: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, crate::ServeError> {
    if let Some(token) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return auth::token_principal(&st.pool, token.trim()).await;
    }
    match cookie(headers, auth::SESSION_COOKIE) {
        Some(token) => auth::session_principal(&st.pool, token).await,
        None => Ok(None),
    }
}

/// The content security policy: nothing from anywhere but this origin, no scripts at
/// all, no framing, forms only to this origin.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

async fn middleware(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    Metrics::inc(&st.metrics.requests);
    let principal = match principal_of(&st, req.headers()).await {
        Ok(p) => p,
        // Public pages (health, sign-in) still answer, as anonymous.
        Err(e) if PUBLIC.contains(&req.uri().path()) => {
            tracing::warn!("cannot check the caller's sign-in: {e}");
            None
        }
        Err(e) => {
            tracing::warn!("cannot check the caller's sign-in: {e}");
            let kind = kind_of(req.uri().path());
            return finish(
                &st,
                WebError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    kind,
                    "the database is not answering; try again shortly",
                )
                .into_response(),
            );
        }
    };
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes
        && req.uri().path().starts_with("/api/")
        && let Some(Principal { via: Via::Session { csrf }, .. }) = &principal
    {
        let given = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
        // Constant time, like the form token's check: a plain comparison returns at the
        // first differing byte, which tells a timing attacker how much of a guess is right.
        if !auth::constant_time_eq(given.as_bytes(), csrf.as_bytes()) {
            return finish(
                &st,
                WebError::new(StatusCode::FORBIDDEN, Kind::Api, "X-CSRF-Token header missing or stale").into_response(),
            );
        }
    }
    // Nobody reaches a non-public route unsigned, whatever its body: the handlers then
    // check the role each route needs (before its body, see `Analyst`).
    let path = req.uri().path();
    if principal.is_none() && !PUBLIC.contains(&path) {
        return finish(&st, WebError::new(StatusCode::UNAUTHORIZED, kind_of(path), "sign in first").into_response());
    }
    req.extensions_mut().insert(Auth(principal));
    let resp = next.run(req).await;
    finish(&st, resp)
}

fn finish(st: &AppState, mut resp: Response) -> Response {
    let s = resp.status();
    if s.is_client_error() {
        Metrics::inc(&st.metrics.responses_4xx);
    } else if s.is_server_error() {
        Metrics::inc(&st.metrics.responses_5xx);
    }
    let h = resp.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Routes anyone may reach.
const PUBLIC: &[&str] = &["/", "/healthz", "/api/v1/openapi.json", "/assets/app.css", "/login"];

pub fn router(state: AppState) -> Router {
    // Uploads and pushes stream to the inbox with their own limit (`ServeConfig::
    // max_upload`, see `api::ingest_body`); attachments are read whole, up to the size
    // one may have. Everything else keeps axum's 2 MB limit. Each of these handlers
    // checks the caller's role before it reads a byte of the body.
    let attachments = Router::new()
        .route("/api/v1/cases/{id}/attachments", post(api::attach))
        .layer(DefaultBodyLimit::max(crate::cases::MAX_ATTACHMENT));
    // The form's file arrives inside multipart/form-data, whose boundaries and headers
    // add a little to the file itself; `ui::attach` holds the file to the same limit.
    let attachment_form = Router::new()
        .route("/cases/{id}/attachments", post(ui::attach))
        .layer(DefaultBodyLimit::max(crate::cases::MAX_ATTACHMENT + 64 * 1024));
    Router::new()
        // Public.
        .route("/healthz", get(api::healthz))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/assets/app.css", get(ui::css))
        .route("/login", get(ui::login_page).post(ui::login))
        .route("/", get(|| async { Redirect::to("/queue") }))
        // Web UI.
        .route("/logout", post(ui::logout))
        .route("/queue", get(ui::queue))
        .route("/subjects/{id}", get(ui::subject))
        .route("/subjects/{id}/suppressions", post(ui::suppress))
        .route("/clusters/{id}", get(ui::cluster))
        .route("/indicators", get(ui::indicators))
        .route("/indicators/{id}", get(ui::indicator))
        .route("/cases", get(ui::cases).post(ui::open_case))
        .route("/cases/{id}", get(ui::case))
        .route("/cases/{id}/notes", post(ui::add_note))
        .route("/cases/{id}/update", post(ui::update_case))
        .route("/cases/{id}/export", get(ui::export))
        .route("/runs", get(ui::runs))
        .route("/runs/rescan", post(ui::rescan))
        .route("/runs/{id}", get(ui::run))
        .route("/account", get(ui::account))
        .route("/account/tokens", post(ui::create_token))
        .route("/account/tokens/{id}/revoke", post(ui::revoke_token))
        .route("/admin", get(ui::admin))
        .route("/admin/users", post(ui::add_user))
        .route("/admin/users/{name}/disable", post(ui::disable_user))
        .route("/admin/users/{name}/enable", post(ui::enable_user))
        // API.
        .route("/metrics", get(api::metrics))
        .route("/api/v1/subjects", get(api::subjects))
        .route("/api/v1/subjects/{id}", get(api::subject))
        .route("/api/v1/subjects/{id}/findings", get(api::subject_findings))
        .route("/api/v1/subjects/{id}/suppressions", get(api::suppressions).post(api::suppress))
        .route("/api/v1/findings", get(api::findings))
        .route("/api/v1/clusters", get(api::clusters))
        .route("/api/v1/clusters/{id}", get(api::cluster))
        .route("/api/v1/indicators", get(api::indicators))
        .route("/api/v1/indicators/{id}", get(api::indicator))
        .route("/api/v1/runs", get(api::runs))
        .route("/api/v1/runs/{id}", get(api::run))
        .route("/api/v1/rescan", post(api::rescan))
        .route("/api/v1/cases", get(api::cases).post(api::open_case))
        .route("/api/v1/cases/{id}", get(api::case).patch(api::change_case).delete(api::delete_case))
        .route("/api/v1/cases/{id}/notes", post(api::add_note))
        .route("/api/v1/cases/{id}/attachments/{aid}", get(api::attachment))
        .route("/api/v1/cases/{id}/export", get(api::export))
        .route("/api/v1/ingest", post(api::ingest_upload).get(api::ingest_status))
        .route("/api/v1/events", post(api::ingest_push))
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/users", get(api::users).post(api::add_user))
        .route("/api/v1/users/{name}", patch(api::change_user))
        .route("/api/v1/tokens", get(api::tokens).post(api::create_token))
        .route("/api/v1/tokens/{id}", delete(api::revoke_token))
        .merge(attachments)
        .merge(attachment_form)
        .fallback(|| async { WebError::not_found(Kind::Api) })
        .layer(middleware::from_fn_with_state(state.clone(), middleware))
        .with_state(state)
}

//! The web UI: server-rendered pages (askama), forms that post back with a CSRF token,
//! no script and no external asset.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Extension, Path, Query, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bonafide_store::Started;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Role};
use crate::cases::{self, CaseChange, NewCase, NewSuppression};
use crate::metrics::Metrics;
use crate::snapshot::QueueFilter;
use crate::views::{self, Chrome};
use crate::web::{Admin, Analyst, Auth, Kind, Viewer, WebError, form_csrf, need};

type UiResult = Result<Response, WebError>;
const UI: Kind = Kind::Ui;

fn internal(e: impl std::fmt::Display) -> WebError {
    WebError::internal(UI, e)
}

fn page(t: impl Template) -> UiResult {
    t.render().map(|h| Html(h).into_response()).map_err(internal)
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub const CSS: &str = include_str!("../templates/app.css");

pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], CSS).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only same-site paths are followed after login (no open redirect). A path must start
/// with one `/` and hold nothing but the characters of a URL path and query (RFC 3986
/// unreserved, sub-delims, `:@/?%`): browsers' URL parsers drop tabs and newlines and
/// read `\\` as `/`, so `/\t/evil.example` or `/\\evil.example` would otherwise
/// become the protocol-relative `//evil.example`, another site.
fn safe_next(next: Option<&str>) -> String {
    fn path_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c)
    }
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && n.chars().all(path_char) => n.to_string(),
        _ => "/queue".into(),
    }
}

pub async fn login_page(Query(q): Query<NextQuery>) -> UiResult {
    page(views::LoginPage { error: String::new(), next: safe_next(q.next.as_deref()) })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub name: String,
    pub password: String,
    pub next: Option<String>,
}

/// True when a browser says the login form was posted from another site. The session
/// cookie's SameSite=Strict stops other sites from using a session, not from creating
/// one: without this check a page elsewhere could sign an analyst's browser into the
/// attacker's account (login CSRF), and what the analyst then uploads or notes would land
/// there. Browsers send `Sec-Fetch-Site` and `Origin` on form posts; clients that send
/// neither (scripts, the API's own tests) are not browsers to protect.
fn cross_site_post(headers: &HeaderMap) -> bool {
    let value = |h: &str| headers.get(h).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (value("origin"), value("host")) {
        (Some(origin), Some(host)) => {
            let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !authority.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        _ => false,
    }
}

pub async fn login(
    State(st): State<AppState>,
    ext: Extensions,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> UiResult {
    if cross_site_post(&headers) {
        Metrics::inc(&st.metrics.logins_failed);
        let body = views::LoginPage { error: "Sign in from this site's own login page.".into(), next: "/queue".into() }
            .render()
            .map_err(internal)?;
        return Ok((StatusCode::FORBIDDEN, Html(body)).into_response());
    }
    let name = f.name.trim().to_string();
    let next = safe_next(f.next.as_deref());
    let wrong = |next: String| -> UiResult {
        let body =
            views::LoginPage { error: "Wrong user name or password.".into(), next }.render().map_err(internal)?;
        Ok((StatusCode::UNAUTHORIZED, Html(body)).into_response())
    };
    // No account can have a name `users::valid_name` refuses, so such an attempt fails
    // here, before anything is written: the form allows 2 MB, and the name would
    // otherwise be kept as a rate-limit key and in the append-only audit trail.
    if !crate::users::valid_name(&name) {
        Metrics::inc(&st.metrics.logins_failed);
        return wrong(next);
    }
    let user_key = format!("user:{}", name.to_lowercase());
    let mut keys = vec![user_key.clone()];
    if let Some(ConnectInfo(addr)) = ext.get::<ConnectInfo<SocketAddr>>() {
        keys.push(format!("ip:{}", addr.ip()));
    }
    let pool = &st.pool;
    // Recorded before the password is checked (see `auth::limit`): a wrong password
    // leaves the attempt counted, a right one takes it back.
    let attempt = auth::limit::attempt(pool, &keys).await.map_err(internal)?;
    if attempt.blocked {
        Metrics::inc(&st.metrics.logins_limited);
        let body = views::LoginPage { error: "Too many failed attempts; wait a few minutes.".into(), next }
            .render()
            .map_err(internal)?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response());
    }
    let Some((user_id, name, _role)) = auth::check_login(pool, &name, &f.password).await.map_err(internal)? else {
        Metrics::inc(&st.metrics.logins_failed);
        // Nobody proved who they are: the actor is `anonymous`, the name tried is only
        // the target (at most 64 characters, checked above).
        crate::audit::record(pool, "anonymous", "login.failed", &format!("user:{name}"), "").await.map_err(internal)?;
        return wrong(next);
    };
    auth::limit::succeed(pool, &attempt, &user_key).await.map_err(internal)?;
    Metrics::inc(&st.metrics.logins_ok);
    let (token, _csrf) = auth::create_session(pool, user_id).await.map_err(internal)?;
    crate::audit::record(pool, &name, "login", &format!("user:{name}"), "").await.map_err(internal)?;
    let cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        auth::SESSION_COOKIE,
        auth::SESSION_HOURS * 3600,
        if st.secure_cookies { "; Secure" } else { "" }
    );
    let mut resp = see_other(&next);
    resp.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(internal)?);
    Ok(resp)
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(
    State(st): State<AppState>,
    Viewer(p): Viewer,
    headers: axum::http::HeaderMap,
    Form(f): Form<CsrfForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    if let Some(token) = crate::web::cookie(&headers, auth::SESSION_COOKIE) {
        auth::end_session(&st.pool, token).await.map_err(internal)?;
    }
    crate::audit::record(&st.pool, &p.name, "logout", &format!("user:{}", p.name), "").await.map_err(internal)?;
    let mut resp = see_other("/login");
    let clear = format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", auth::SESSION_COOKIE);
    resp.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&clear).map_err(internal)?);
    Ok(resp)
}

pub async fn queue(
    State(st): State<AppState>,
    Extension(a): Extension<Auth>,
    Query(f): Query<QueueFilter>,
) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let snap = st.snap().await;
    let all: Vec<_> = snap.filter(&f).collect();
    let limit = f.limit.unwrap_or(500).min(5000);
    let rows = all.iter().take(limit).enumerate().map(|(i, s)| views::queue_row(i + 1, s)).collect::<Vec<_>>();
    let (departments, vendors) = snap.facets();
    let mut codes: Vec<String> = snap
        .findings
        .iter()
        .map(|f| f.indicator.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    codes.sort_by_cached_key(|i| views::indicator_order(i));
    let indicators = codes
        .into_iter()
        .map(|i| {
            let label = views::indicator_label(&i).0;
            (i, label)
        })
        .collect();
    page(views::QueuePage {
        chrome: Chrome::new("Queue", &p),
        run: snap.run.as_ref().map(|r| r.run_id.clone()).unwrap_or_else(|| "none yet".into()),
        total: all.len(),
        shown: rows.len(),
        rows,
        band_options: views::options(&["critical", "high", "medium", "low"], f.band.as_deref().unwrap_or("")),
        indicator: f.indicator.clone().unwrap_or_default(),
        department: f.department.clone().unwrap_or_default(),
        vendor: f.vendor.clone().unwrap_or_default(),
        new: f.new_this_week(),
        quiet: f.all(),
        departments,
        vendors,
        indicators,
    })
}

fn facts(claims: &serde_json::Value) -> Vec<(String, String)> {
    let keys = [
        ("kind", "Kind"),
        ("name", "Name"),
        ("aliases", "Aliases"),
        ("emails", "Emails"),
        ("phone", "Phone"),
        ("phone_e164", "Phone (E.164)"),
        ("address", "Address"),
        ("home", "Claimed home"),
        ("timezone", "Time zone"),
        ("role", "Role"),
        ("department", "Department"),
        ("vendor", "Vendor"),
        ("referred_by", "Referred by"),
        ("applied_date", "Applied"),
        ("hire_date", "Hired"),
        ("end_date", "Ended"),
        ("date_of_birth", "Date of birth"),
        ("ssn", "SSN (masked)"),
        ("id_document", "ID document (masked)"),
        ("idv_result", "ID verification"),
        ("github", "GitHub"),
        ("linkedin", "LinkedIn"),
        ("website", "Website"),
    ];
    let mut out = Vec::new();
    for (k, label) in keys {
        if let Some(v) = claims.get(k) {
            let t = if k == "address" {
                // PostalAddress: show the lines, not the comparison key.
                ["line1", "line2", "city", "region", "postal_code", "country"]
                    .iter()
                    .filter_map(|f| v.get(*f).and_then(|x| x.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else if matches!(k, "applied_date" | "hire_date" | "end_date" | "date_of_birth") {
                // Stored as midnight UTC; the date is the fact.
                bonafide_report::present::date(&views::text(v))
            } else {
                views::text(v)
            };
            if !t.is_empty() {
                out.push((label.to_string(), t));
            }
        }
    }
    out
}

fn offset_label(m: i32) -> String {
    let sign = if m < 0 { '−' } else { '+' };
    let a = m.abs();
    if a % 60 == 0 { format!("UTC{sign}{}", a / 60) } else { format!("UTC{sign}{}:{:02}", a / 60, a % 60) }
}

pub async fn subject(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let snap = st.snap().await;
    let s = snap.subject(&id).ok_or_else(|| WebError::not_found(UI))?;
    let pool = &st.pool;
    crate::audit::record(pool, &p.name, "subject.view", &format!("subject:{id}"), "ui").await.map_err(internal)?;
    let cases = cases::list(pool, Some(&id)).await.map_err(internal)?;
    let suppressions = cases::suppressions(pool, &id).await.map_err(internal)?;
    let rec = |k: &str| s.records.get(k).cloned().unwrap_or(serde_json::Value::Null);
    page(views::SubjectPage {
        chrome: Chrome::new(format!("{} · {}", s.id, s.name), &p),
        id: s.id.clone(),
        name: s.name.clone(),
        score: s.score,
        band: s.band.clone(),
        run_score: s.run_score,
        log2_odds: format!("{:.1}", s.log2_odds),
        prior: format!("{:.1}", snap.scoring.prior_log2_odds),
        contributions: s
            .contributions
            .iter()
            .map(|c| (views::chip(&c.indicator, c.bits, c.suppressed), c.via.clone().unwrap_or_default()))
            .collect(),
        facts: facts(&s.claims),
        clock: s
            .activity
            .as_ref()
            .filter(|a| a.events > 0 || a.commits_timed_by_committer > 0)
            .map(bonafide_report::svg::activity_clock),
        zones: s
            .activity
            .as_ref()
            .map(|a| a.periods.iter().map(|(f, t, o)| (f.clone(), t.clone(), offset_label(*o))).collect())
            .unwrap_or_default(),
        stages: views::stages(&snap, s),
        clusters: s
            .clusters
            .iter()
            .map(|&i| {
                let c = &snap.clusters[i];
                (c.cluster_id.clone(), bonafide_report::present::cluster_kind(&c.kind).0, c.members.len())
            })
            .collect(),
        devices: views::table(
            &rec("devices"),
            &["asset_serial", "hostname", "host_identifier", "managed", "assigned_at", "source"],
        ),
        shipments: views::table(
            &rec("shipments"),
            &["shipped_at", "asset_serial", "address", "status", "signed_by", "recipient_name", "source"],
        ),
        payroll: views::table(
            &rec("payroll"),
            &["changed_at", "method", "bank_name", "bank_country", "account_number", "iban", "wallet", "source"],
        ),
        interviews: views::table(
            &rec("interviews"),
            &["at", "round", "medium", "flags", "client_ip", "client_place", "source"],
        ),
        cases: cases.iter().map(views::case_row).collect(),
        suppressions,
        indicators: s.contributions.iter().filter(|c| c.indicator != "CASE").map(|c| c.indicator.clone()).collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct SuppressForm {
    #[serde(default)]
    pub csrf: String,
    pub indicator: String,
    pub reason: String,
    pub expires_at: String,
}

pub async fn suppress(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<String>,
    Form(f): Form<SuppressForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    if st.snap().await.subject(&id).is_none() {
        return Err(WebError::not_found(UI));
    }
    let s = NewSuppression { indicator: f.indicator, reason: f.reason, expires_at: f.expires_at };
    cases::suppress(&st.pool, &p.name, &id, s).await.map_err(|e| WebError::from_case(UI, e))?;
    st.reload().await.map_err(internal)?;
    Ok(see_other(&format!("/subjects/{}", views::path_segment(&id))))
}

pub async fn cluster(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let snap = st.snap().await;
    let c = snap.cluster(&id).ok_or_else(|| WebError::not_found(UI))?;
    crate::audit::record(&st.pool, &p.name, "cluster.view", &format!("cluster:{id}"), "ui").await.map_err(internal)?;
    let cases: Vec<views::CaseRow> = cases::list(&st.pool, None)
        .await
        .map_err(internal)?
        .iter()
        .filter(|x| {
            x.cluster_id.as_deref() == Some(&id) || x.subject_id.as_ref().is_some_and(|s| c.members.contains(s))
        })
        .map(views::case_row)
        .collect();
    let (kind, meaning) = bonafide_report::present::cluster_kind(&c.kind);
    // One grouping of the links by shared value serves the graph and the table.
    let values = views::shared_values(c);
    page(views::ClusterPage {
        chrome: Chrome::new(format!("Cluster {id} · {kind}"), &p),
        id: c.cluster_id.clone(),
        kind,
        meaning,
        graph: views::cluster_graph(&snap, c, &values),
        members: c.members.iter().filter_map(|m| snap.subject(m)).map(|s| views::queue_row(0, s)).collect(),
        shared: views::shared_identifiers(&snap, c, values),
        cases,
    })
}

pub async fn indicators(State(st): State<AppState>, Extension(a): Extension<Auth>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let snap = st.snap().await;
    let c = bonafide_core::Catalog::builtin();
    let families = c
        .families
        .iter()
        .map(|(fam, name)| {
            let items = c
                .indicators
                .iter()
                .filter(|i| &i.family == fam)
                .map(|i| {
                    let n = snap.subjects.iter().filter(|s| s.indicators.contains(&i.id)).count();
                    let detected = bonafide_engine::detected_indicators().contains(i.id.as_str());
                    (i.id.clone(), i.tier.to_string(), i.title.clone(), n, detected)
                })
                .collect();
            (format!("{fam} · {name}"), items)
        })
        .collect();
    page(views::IndicatorsPage { chrome: Chrome::new("Indicators", &p), families })
}

pub async fn indicator(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let c = bonafide_core::Catalog::builtin();
    let i = c.get(&id).ok_or_else(|| WebError::not_found(UI))?;
    let snap = st.snap().await;
    page(views::IndicatorPage {
        chrome: Chrome::new(format!("{} · {}", i.id, i.title), &p),
        id: i.id.clone(),
        title: i.title.clone(),
        family: format!("{} · {}", i.family, c.family_name(&i.family)),
        tier: i.tier.to_string(),
        tier_meaning: c.tiers.get(&i.tier.to_string()).cloned().unwrap_or_default(),
        description: i.description.clone(),
        data: i.data.clone(),
        detection: i.detection.clone(),
        sources: i.sources.iter().map(|s| (s.clone(), c.sources.get(s).cloned().unwrap_or_default())).collect(),
        subjects: snap
            .subjects
            .iter()
            .filter(|s| s.indicators.contains(&i.id))
            .map(|s| views::queue_row(0, s))
            .collect(),
        detected: bonafide_engine::detected_indicators().contains(i.id.as_str()),
    })
}

pub async fn cases(State(st): State<AppState>, Extension(a): Extension<Auth>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let list = cases::list(&st.pool, None).await.map_err(internal)?;
    page(views::CasesPage { chrome: Chrome::new("Cases", &p), cases: list.iter().map(views::case_row).collect() })
}

#[derive(Debug, Deserialize)]
pub struct OpenCaseForm {
    #[serde(default)]
    pub csrf: String,
    pub subject_id: Option<String>,
    pub cluster_id: Option<String>,
    pub title: Option<String>,
}

pub async fn open_case(State(st): State<AppState>, Analyst(p): Analyst, Form(f): Form<OpenCaseForm>) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    let n =
        NewCase { subject_id: f.subject_id, cluster_id: f.cluster_id, title: f.title, assignee: Some(p.name.clone()) };
    {
        let snap = st.snap().await;
        if n.subject_id.as_deref().is_some_and(|s| !s.is_empty() && snap.subject(s).is_none())
            || n.cluster_id.as_deref().is_some_and(|c| !c.is_empty() && snap.cluster(c).is_none())
        {
            return Err(WebError::bad(UI, "no such subject or cluster in the current run"));
        }
    }
    let c = cases::open(&st.pool, &p.name, n).await.map_err(|e| WebError::from_case(UI, e))?;
    Ok(see_other(&format!("/cases/{}", c.case_id)))
}

pub async fn case(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<i64>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    case_page(&st, &p, id, None).await
}

/// The case page; with `refused`, the form as the user filled it and why it was not
/// saved, so that a refused change costs nothing to correct.
async fn case_page(st: &AppState, p: &auth::Principal, id: i64, refused: Option<(&UpdateForm, String)>) -> UiResult {
    let pool = &st.pool;
    let c = cases::get(pool, id).await.map_err(internal)?.ok_or_else(|| WebError::not_found(UI))?;
    let (status, disposition, assignee, form_updated_at, error) = match refused {
        Some((f, e)) => (
            f.status.clone().unwrap_or_else(|| c.status.clone()),
            f.disposition.clone().unwrap_or_else(|| c.disposition.clone().unwrap_or_default()),
            f.assignee.clone().unwrap_or_else(|| c.assignee.clone().unwrap_or_default()),
            f.updated_at.clone().unwrap_or_else(|| c.updated_at.clone()),
            e,
        ),
        None => (
            c.status.clone(),
            c.disposition.clone().unwrap_or_default(),
            c.assignee.clone().unwrap_or_default(),
            c.updated_at.clone(),
            String::new(),
        ),
    };
    let assignee = assignee.trim().to_string();
    let mut assignees: Vec<(String, String, bool)> = vec![(String::new(), "nobody".into(), assignee.is_empty())];
    let mut listed = assignee.is_empty();
    for u in crate::users::list(pool).await.map_err(internal)?.into_iter().filter(|u| !u.disabled) {
        let selected = u.name == assignee;
        listed |= selected;
        let label = format!("{} ({})", u.name, u.role.as_str());
        assignees.push((u.name, label, selected));
    }
    if !listed {
        // A disabled user, or what a refused form named: shown, so the page says what is
        // (or was asked to be) assigned rather than silently picking someone else.
        assignees.push((assignee.clone(), format!("{assignee} (not an enabled user)"), true));
    }
    let snap = st.snap().await;
    let mut resp = page(views::CasePage {
        chrome: Chrome::new(format!("Case #{id}"), p),
        subject: c.subject_id.as_deref().and_then(|s| snap.subject(s)).map(|s| views::queue_row(0, s)),
        created_by: c.created_by.clone(),
        created_at: c.created_at.clone(),
        status_options: views::status_options(&status),
        disposition_options: views::disposition_options(&disposition),
        assignees,
        form_updated_at,
        case: views::case_row(&c),
        notes: cases::notes(pool, id).await.map_err(internal)?,
        attachments: cases::attachments(pool, id).await.map_err(internal)?,
        audit: crate::audit::list(pool, Some(&format!("case:{id}")), 200).await.map_err(internal)?,
        attachment_limit: format!("{} MB", cases::MAX_ATTACHMENT / (1024 * 1024)),
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub csrf: String,
    pub body: String,
}

pub async fn add_note(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    cases::add_note(&st.pool, &p.name, id, &f.body).await.map_err(|e| WebError::from_case(UI, e))?;
    Ok(see_other(&format!("/cases/{id}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    pub csrf: String,
    pub status: Option<String>,
    pub disposition: Option<String>,
    pub assignee: Option<String>,
    /// The case as the page showed it (see [`CaseChange::updated_at`]).
    pub updated_at: Option<String>,
}

pub async fn update_case(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    Form(f): Form<UpdateForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    let change = CaseChange {
        status: f.status.clone(),
        disposition: f.disposition.clone(),
        assignee: f.assignee.clone(),
        title: None,
        updated_at: f.updated_at.clone(),
    };
    match cases::change(&st.pool, &p.name, id, change).await {
        Ok(_) => {}
        // A choice the form can correct (closing without a disposition, an assignee who
        // is not a user): the page again, with the message and the user's choices.
        Err(cases::CaseError::Invalid(m)) => return case_page(&st, &p, id, Some((&f, m))).await,
        Err(e) => return Err(WebError::from_case(UI, e)),
    }
    st.reload().await.map_err(internal)?;
    Ok(see_other(&format!("/cases/{id}")))
}

/// `POST /cases/{id}/attachments`: the case page's file form (multipart/form-data, the
/// `csrf` field before the `file`). Browsers cannot send a raw body or the API's
/// `X-CSRF-Token` header from a form, so this is the analysts' way to what
/// `POST /api/v1/cases/{id}/attachments` does, with the same limits: the role is checked
/// before the body is read, the route's body limit stops a request a little above
/// [`cases::MAX_ATTACHMENT`], and the file is read chunk by chunk and refused (413) as
/// soon as it passes that size, before [`cases::attach`] stores it whole.
pub async fn attach(
    State(st): State<AppState>,
    Analyst(p): Analyst,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> UiResult {
    let unreadable = |e: axum::extract::multipart::MultipartError| WebError::new(e.status(), UI, e.body_text());
    let mut csrf_checked = false;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => {
                let token = field.text().await.map_err(unreadable)?;
                form_csrf(&p, &token)?;
                csrf_checked = true;
            }
            Some("file") => {
                // The token must come first: nothing of the file is read without it.
                if !csrf_checked {
                    form_csrf(&p, "")?;
                }
                let name = field.file_name().unwrap_or("attachment").to_string();
                let ct: String = field.content_type().unwrap_or("application/octet-stream").chars().take(100).collect();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if bytes.len() + chunk.len() > cases::MAX_ATTACHMENT {
                        let m = format!("an attachment may have at most {} bytes", cases::MAX_ATTACHMENT);
                        return Err(WebError::new(StatusCode::PAYLOAD_TOO_LARGE, UI, m));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                return match cases::attach(&st.pool, &p.name, id, &name, &ct, &bytes).await {
                    Ok(_) => Ok(see_other(&format!("/cases/{id}"))),
                    Err(cases::CaseError::Invalid(m)) => {
                        case_page(&st, &p, id, Some((&UpdateForm::default(), m))).await
                    }
                    Err(e) => Err(WebError::from_case(UI, e)),
                };
            }
            _ => {}
        }
    }
    if !csrf_checked {
        form_csrf(&p, "")?;
    }
    Err(WebError::bad(UI, "choose a file to attach"))
}

pub async fn export(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<i64>) -> UiResult {
    let p = need(&a, Role::Analyst, UI)?;
    crate::export::response(&st, &p, id, UI).await
}

pub async fn runs(State(st): State<AppState>, Extension(a): Extension<Auth>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let runs = crate::snapshot::Snapshot::recent_runs(&st.pool).await.map_err(internal)?;
    let current = st.snap().await.run.as_ref().map(|r| r.run_id.clone());
    let ingest = st.ingest.status();
    // Walks the input folders (as the watcher does every poll), only for those who may
    // re-scan.
    let can_rescan = p.role >= Role::Analyst && st.ingest.has_inputs();
    page(views::RunsPage {
        chrome: Chrome::new("Runs", &p),
        runs: runs.iter().map(|r| views::run_row(r, current.as_deref())).collect(),
        last_took: ingest
            .last_duration_ms
            .map(|ms| bonafide_report::present::duration(ms as f64 / 1000.0))
            .unwrap_or_default(),
        ingest,
        inbox: st.ingest.inbox.display().to_string(),
        watch: st.ingest.watch.iter().map(|w| w.display().to_string()).collect(),
        can_rescan,
    })
}

/// `GET /runs/{id}`: one stored run, what became of each input and its quarantine
/// samples. Viewing it is audited: quarantine samples say where kept-aside records are.
pub async fn run(State(st): State<AppState>, Extension(a): Extension<Auth>, Path(id): Path<String>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    let detail = crate::snapshot::Snapshot::run_detail(&st.pool, &id)
        .await
        .map_err(internal)?
        .ok_or_else(|| WebError::not_found(UI))?;
    crate::audit::record(&st.pool, &p.name, "run.view", &format!("run:{id}"), "ui").await.map_err(internal)?;
    let current = st.snap().await.run.as_ref().map(|r| r.run_id.clone());
    page(views::run_page(Chrome::new(format!("Run {id}"), &p), &detail, current.as_deref()))
}

/// `POST /runs/rescan`: the Runs page's button, as `POST /api/v1/rescan` (analysts and
/// admins; audited alike): scans the inbox and the watched folders now, stores a new
/// run and comes back to the Runs page. A scan that fails (nothing readable) leaves the
/// runs as they were; the page then shows the error from the ingest status.
pub async fn rescan(State(st): State<AppState>, Analyst(p): Analyst, Form(f): Form<CsrfForm>) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    crate::audit::record(&st.pool, &p.name, "rescan", "runs", "ui").await.map_err(internal)?;
    if let Err(e) = st.ingest.rescan(&st, &Started::new(&p.name, "re-scan from the Runs page")).await {
        tracing::warn!("re-scan from the Runs page failed: {e}");
    }
    Ok(see_other("/runs"))
}

async fn account_page(st: &AppState, p: &auth::Principal, token: String) -> UiResult {
    let tokens = auth::list_tokens(&st.pool, Some(p.user_id)).await.map_err(internal)?;
    page(views::AccountPage { chrome: Chrome::new("Account", p), token, tokens })
}

pub async fn account(State(st): State<AppState>, Extension(a): Extension<Auth>) -> UiResult {
    let p = need(&a, Role::Viewer, UI)?;
    account_page(&st, &p, String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf: String,
    pub label: Option<String>,
}

pub async fn create_token(State(st): State<AppState>, Viewer(p): Viewer, Form(f): Form<TokenForm>) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    let label: String = f.label.unwrap_or_else(|| "api".into()).chars().take(64).collect();
    let token = auth::create_api_token(&st.pool, p.user_id, &label).await.map_err(internal)?;
    crate::audit::record(&st.pool, &p.name, "token.create", &format!("user:{}", p.name), &label)
        .await
        .map_err(internal)?;
    account_page(&st, &p, token).await
}

/// Revokes one of the caller's tokens listed on the account page (an admin may name any
/// token, as with `DELETE /api/v1/tokens/{id}`).
pub async fn revoke_token(
    State(st): State<AppState>,
    Viewer(p): Viewer,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    auth::revoke_token(&st.pool, &p, &id).await.map_err(internal)?.ok_or_else(|| WebError::not_found(UI))?;
    Ok(see_other("/account"))
}

async fn admin_page(st: &AppState, p: &auth::Principal, message: String) -> UiResult {
    let pool = &st.pool;
    page(views::AdminPage {
        chrome: Chrome::new("Administration", p),
        users: crate::users::list(pool)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|u| {
                let segment = views::path_segment(&u.name);
                (u, segment)
            })
            .collect(),
        audit: crate::audit::list(pool, None, 200).await.map_err(internal)?,
        message,
    })
}

pub async fn admin(State(st): State<AppState>, Extension(a): Extension<Auth>) -> UiResult {
    let p = need(&a, Role::Admin, UI)?;
    admin_page(&st, &p, String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub csrf: String,
    pub name: String,
    pub role: String,
    pub password: String,
}

pub async fn add_user(State(st): State<AppState>, Admin(p): Admin, Form(f): Form<UserForm>) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    let role = Role::parse(&f.role).ok_or_else(|| WebError::bad(UI, "role must be viewer, analyst or admin"))?;
    let name = f.name.trim();
    let msg = match crate::users::save_user(&st.pool, &p.name, name, role, &f.password).await {
        Ok(Some(s)) if s.reset => format!("User {name} reset as {}: {}.", role.as_str(), s.revoked),
        Ok(Some(_)) => format!("User {name} saved as {}.", role.as_str()),
        Ok(None) => {
            let msg = format!("Not saved: {name} is the last enabled admin; make another admin first.");
            let mut resp = admin_page(&st, &p, msg).await?;
            *resp.status_mut() = StatusCode::CONFLICT;
            return Ok(resp);
        }
        Err(e) => format!("Not saved: {e}"),
    };
    admin_page(&st, &p, msg).await
}

/// `POST /admin/users/{name}/disable` (`disabled`) or `/enable`: the buttons on the
/// administration page, as `PATCH /api/v1/users/{name}`.
async fn switch_user(st: &AppState, p: &auth::Principal, name: &str, disabled: bool) -> UiResult {
    let (did, not) = if disabled { ("disabled", "Not disabled") } else { ("enabled", "Not enabled") };
    match crate::users::set_disabled(&st.pool, &p.name, name, disabled).await.map_err(internal)? {
        crate::users::Switched::Done(r) if disabled => admin_page(st, p, format!("User {name} {did}: {r}.")).await,
        crate::users::Switched::Done(_) => admin_page(st, p, format!("User {name} {did}.")).await,
        crate::users::Switched::NoSuchUser => Err(WebError::not_found(UI)),
        crate::users::Switched::LastAdmin => {
            let msg = format!("{not}: {name} is the last enabled admin; make another admin first.");
            let mut resp = admin_page(st, p, msg).await?;
            *resp.status_mut() = StatusCode::CONFLICT;
            Ok(resp)
        }
    }
}

pub async fn disable_user(
    State(st): State<AppState>,
    Admin(p): Admin,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    switch_user(&st, &p, &name, true).await
}

pub async fn enable_user(
    State(st): State<AppState>,
    Admin(p): Admin,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> UiResult {
    form_csrf(&p, &f.csrf)?;
    switch_user(&st, &p, &name, false).await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_of_this_site_or_the_queue() {
        for ok in ["/queue", "/subjects/F1", "/queue?band=high&department=Sales%20Ops", "/cases/3"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\/evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{b}/evil.example",
            "/\u{3000}/evil.example",
            "https://evil.example/",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/queue", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/queue");
    }
}

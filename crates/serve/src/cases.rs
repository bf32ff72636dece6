//! Cases: an analyst's investigation of one subject or cluster, with notes,
//! attachments, a status and a disposition; and per-subject rule suppressions. Every
//! change is written together with its audit entry in one transaction.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::ServeError;
use crate::auth::{hex, now};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    InProgress,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Closed => "closed",
        }
    }
    /// What people read: the stored values are identifiers (`in_progress`).
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in progress",
            Status::Closed => "closed",
        }
    }
    pub const ALL: [Status; 3] = [Status::Open, Status::InProgress, Status::Closed];
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "open" => Some(Status::Open),
            "in_progress" => Some(Status::InProgress),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Confirmed,
    FalsePositive,
    BenignExplained,
}

impl Disposition {
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Confirmed => "confirmed",
            Disposition::FalsePositive => "false_positive",
            Disposition::BenignExplained => "benign_explained",
        }
    }
    /// What people read: the stored values are identifiers (`false_positive`).
    pub fn label(self) -> &'static str {
        match self {
            Disposition::Confirmed => "confirmed",
            Disposition::FalsePositive => "false positive",
            Disposition::BenignExplained => "benign, explained",
        }
    }
    pub const ALL: [Disposition; 3] =
        [Disposition::Confirmed, Disposition::FalsePositive, Disposition::BenignExplained];
    pub fn parse(s: &str) -> Option<Disposition> {
        match s {
            "confirmed" => Some(Disposition::Confirmed),
            "false_positive" => Some(Disposition::FalsePositive),
            "benign_explained" => Some(Disposition::BenignExplained),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Case {
    pub case_id: i64,
    pub subject_id: Option<String>,
    pub cluster_id: Option<String>,
    pub title: String,
    pub status: String,
    pub disposition: Option<String>,
    pub assignee: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub note_id: i64,
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub attachment_id: i64,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub author: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Suppression {
    pub suppression_id: i64,
    pub subject_id: String,
    pub indicator: String,
    pub reason: String,
    pub expires_at: String,
    pub created_by: String,
    pub created_at: String,
    pub active: bool,
}

/// What a new case is about.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewCase {
    pub subject_id: Option<String>,
    pub cluster_id: Option<String>,
    pub title: Option<String>,
    pub assignee: Option<String>,
}

/// A change to a case; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CaseChange {
    pub status: Option<String>,
    pub disposition: Option<String>,
    pub assignee: Option<String>,
    pub title: Option<String>,
    /// The case's `updated_at` as the client last read it: when given and the case has
    /// changed since, the change is refused ([`CaseError::Conflict`]) rather than applied
    /// over a decision the client never saw.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// Why a request was refused, as the client should hear it.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    /// Someone changed the case between this request's read and its write (another
    /// analyst, perhaps on another `serve` process).
    #[error("the case changed since it was read; reload it and apply the change again")]
    Conflict,
    #[error(transparent)]
    Serve(#[from] ServeError),
}

impl From<sqlx::Error> for CaseError {
    fn from(e: sqlx::Error) -> Self {
        CaseError::Serve(ServeError::Sql(e))
    }
}

macro_rules! case_columns {
    () => {
        "case_id, subject_id, cluster_id, title, status, disposition, assignee, created_by, created_at, updated_at"
    };
}

fn case_row(r: &sqlx::any::AnyRow) -> Case {
    Case {
        case_id: r.get(0),
        subject_id: r.get(1),
        cluster_id: r.get(2),
        title: r.get(3),
        status: r.get(4),
        disposition: r.get(5),
        assignee: r.get(6),
        created_by: r.get(7),
        created_at: r.get(8),
        updated_at: r.get(9),
    }
}

async fn audit(
    tx: &mut sqlx::AnyConnection,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    crate::audit::record_in(tx, actor, action, target, detail).await?;
    if DECISIONS.contains(&action) {
        sqlx::query("UPDATE serve_version SET decisions = decisions + 1 WHERE id = 1").execute(&mut *tx).await?;
    }
    Ok(())
}

/// Audit actions that change what the snapshot shows (scores, propagation): each bumps
/// `serve_version`, which other `serve` processes on the database poll.
const DECISIONS: &[&str] = &["case.open", "case.change", "case.delete", "suppression.add"];

fn clean(s: Option<String>, max: usize) -> Option<String> {
    s.map(|x| x.trim().chars().take(max).collect::<String>()).filter(|x| !x.is_empty())
}

/// Refuses an assignee who is not an enabled user: a name typed with a typo would
/// otherwise be saved, and the case would sit assigned to nobody who can see it.
async fn check_assignee(tx: &mut sqlx::AnyConnection, assignee: &str) -> Result<(), CaseError> {
    let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = $1 AND disabled = 0")
        .bind(assignee)
        .fetch_one(&mut *tx)
        .await?;
    if known == 0 {
        return Err(CaseError::Invalid(format!(
            "assignee {assignee:?} is not an enabled user; pick one from the list"
        )));
    }
    Ok(())
}

pub async fn open(pool: &sqlx::AnyPool, actor: &str, new: NewCase) -> Result<Case, CaseError> {
    let subject = clean(new.subject_id, 200);
    let cluster = clean(new.cluster_id, 200);
    if subject.is_none() && cluster.is_none() {
        return Err(CaseError::Invalid("a case needs a subject_id or a cluster_id".into()));
    }
    let title = clean(new.title, 200).unwrap_or_else(|| match (&subject, &cluster) {
        (Some(s), _) => format!("Subject {s}"),
        (None, Some(c)) => format!("Cluster {c}"),
        (None, None) => String::new(),
    });
    let assignee = clean(new.assignee, 64);
    let at = now().to_stamp();
    let mut tx = pool.begin().await?;
    if let Some(a) = &assignee {
        check_assignee(&mut tx, a).await?;
    }
    let r = sqlx::query(concat!(
        "INSERT INTO cases (subject_id, cluster_id, title, status, assignee, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $6) RETURNING ",
        case_columns!()
    ))
    .bind(&subject)
    .bind(&cluster)
    .bind(&title)
    .bind(&assignee)
    .bind(actor)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?;
    let case = case_row(&r);
    let about = subject.map(|s| format!("subject {s}")).or(cluster.map(|c| format!("cluster {c}"))).unwrap_or_default();
    audit(&mut tx, actor, "case.open", &format!("case:{}", case.case_id), &about).await?;
    tx.commit().await?;
    Ok(case)
}

pub async fn get(pool: &sqlx::AnyPool, id: i64) -> Result<Option<Case>, ServeError> {
    Ok(sqlx::query(concat!("SELECT ", case_columns!(), " FROM cases WHERE case_id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(case_row))
}

/// Cases, newest first; only those about `subject` when given.
pub async fn list(pool: &sqlx::AnyPool, subject: Option<&str>) -> Result<Vec<Case>, ServeError> {
    let rows = match subject {
        Some(s) => {
            sqlx::query(concat!("SELECT ", case_columns!(), " FROM cases WHERE subject_id = $1 ORDER BY case_id DESC"))
                .bind(s)
                .fetch_all(pool)
                .await?
        }
        None => {
            sqlx::query(concat!("SELECT ", case_columns!(), " FROM cases ORDER BY case_id DESC"))
                .fetch_all(pool)
                .await?
        }
    };
    Ok(rows.iter().map(case_row).collect())
}

/// Applies a change. Closing needs a disposition; a disposition closes nothing by
/// itself (an analyst may record it and keep working).
pub async fn change(pool: &sqlx::AnyPool, actor: &str, id: i64, c: CaseChange) -> Result<Case, CaseError> {
    let Some(case) = get(pool, id).await? else { return Err(CaseError::NotFound) };
    if c.updated_at.as_deref().is_some_and(|seen| seen != case.updated_at) {
        return Err(CaseError::Conflict);
    }
    change_read(pool, actor, case, c).await
}

/// Applies a change to `case` as it was read. The write happens only if the case is still
/// as read (its `updated_at`), so two analysts deciding one case at once cannot silently
/// overwrite each other: the later gets [`CaseError::Conflict`].
pub async fn change_read(pool: &sqlx::AnyPool, actor: &str, mut case: Case, c: CaseChange) -> Result<Case, CaseError> {
    let id = case.case_id;
    let read_at = case.updated_at.clone();
    let mut what = Vec::new();
    if let Some(s) = c.status.as_deref().filter(|s| !s.is_empty()) {
        let s = Status::parse(s).ok_or_else(|| CaseError::Invalid(format!("unknown status {s:?}")))?;
        if case.status != s.as_str() {
            what.push(format!("status {} -> {}", case.status, s.as_str()));
            case.status = s.as_str().into();
        }
    }
    if let Some(d) = c.disposition.as_deref().filter(|s| !s.is_empty()) {
        let d = Disposition::parse(d).ok_or_else(|| CaseError::Invalid(format!("unknown disposition {d:?}")))?;
        if case.disposition.as_deref() != Some(d.as_str()) {
            what.push(format!("disposition -> {}", d.as_str()));
            case.disposition = Some(d.as_str().into());
        }
    }
    if case.status == "closed" && case.disposition.is_none() {
        return Err(CaseError::Invalid("closing a case needs a disposition".into()));
    }
    // Only a new assignee is checked: a case may stay with someone since disabled
    // while its status changes.
    let mut new_assignee = None;
    if let Some(a) = c.assignee {
        let a = clean(Some(a), 64);
        if a != case.assignee {
            what.push(format!("assignee -> {}", a.as_deref().unwrap_or("nobody")));
            new_assignee.clone_from(&a);
            case.assignee = a;
        }
    }
    if let Some(t) = clean(c.title, 200)
        && t != case.title
    {
        what.push("title changed".into());
        case.title = t;
    }
    if what.is_empty() {
        return Ok(case);
    }
    // Strictly later than the version read, even within one millisecond (or behind a
    // slower clock on another host), so `updated_at` always names one version.
    let after_read = bonafide_core::UtcMs::parse(&read_at).map_or(i64::MIN, |t| t.0.saturating_add(1));
    case.updated_at = bonafide_core::UtcMs(now().0.max(after_read)).to_stamp();
    let mut tx = pool.begin().await?;
    if let Some(a) = &new_assignee {
        check_assignee(&mut tx, a).await?;
    }
    let written = sqlx::query(
        "UPDATE cases SET status = $1, disposition = $2, assignee = $3, title = $4, updated_at = $5 \
         WHERE case_id = $6 AND updated_at = $7",
    )
    .bind(&case.status)
    .bind(&case.disposition)
    .bind(&case.assignee)
    .bind(&case.title)
    .bind(&case.updated_at)
    .bind(id)
    .bind(&read_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        drop(tx);
        return Err(if get(pool, id).await?.is_some() { CaseError::Conflict } else { CaseError::NotFound });
    }
    audit(&mut tx, actor, "case.change", &format!("case:{id}"), &what.join("; ")).await?;
    tx.commit().await?;
    Ok(case)
}

/// Deletes a case with its notes and attachments (admin only). The audit trail keeps
/// the fact and who did it.
pub async fn delete(pool: &sqlx::AnyPool, actor: &str, id: i64) -> Result<(), CaseError> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM case_notes WHERE case_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM case_attachments WHERE case_id = $1").bind(id).execute(&mut *tx).await?;
    let n = sqlx::query("DELETE FROM cases WHERE case_id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
    if n == 0 {
        return Err(CaseError::NotFound);
    }
    audit(&mut tx, actor, "case.delete", &format!("case:{id}"), "").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_note(pool: &sqlx::AnyPool, actor: &str, id: i64, body: &str) -> Result<Note, CaseError> {
    let body = body.trim();
    if body.is_empty() || body.len() > 20_000 {
        return Err(CaseError::Invalid("a note needs 1 to 20000 characters".into()));
    }
    if get(pool, id).await?.is_none() {
        return Err(CaseError::NotFound);
    }
    let at = now().to_stamp();
    let mut tx = pool.begin().await?;
    let note_id: i64 =
        sqlx::query("INSERT INTO case_notes (case_id, author, at, body) VALUES ($1, $2, $3, $4) RETURNING note_id")
            .bind(id)
            .bind(actor)
            .bind(&at)
            .bind(body)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
    sqlx::query("UPDATE cases SET updated_at = $1 WHERE case_id = $2").bind(&at).bind(id).execute(&mut *tx).await?;
    audit(&mut tx, actor, "case.note", &format!("case:{id}"), &format!("note {note_id} ({} chars)", body.len()))
        .await?;
    tx.commit().await?;
    Ok(Note { note_id, author: actor.into(), at, body: body.into() })
}

pub async fn notes(pool: &sqlx::AnyPool, id: i64) -> Result<Vec<Note>, ServeError> {
    let rows = sqlx::query("SELECT note_id, author, at, body FROM case_notes WHERE case_id = $1 ORDER BY note_id")
        .bind(id)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(|r| Note { note_id: r.get(0), author: r.get(1), at: r.get(2), body: r.get(3) }).collect())
}

pub const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

pub async fn attach(
    pool: &sqlx::AnyPool,
    actor: &str,
    id: i64,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<Attachment, CaseError> {
    let name: String =
        name.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').take(200).collect::<String>();
    if name.trim().is_empty() {
        return Err(CaseError::Invalid("an attachment needs a name".into()));
    }
    if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT {
        return Err(CaseError::Invalid(format!("an attachment needs 1 byte to {MAX_ATTACHMENT} bytes")));
    }
    if get(pool, id).await?.is_none() {
        return Err(CaseError::NotFound);
    }
    let sha = hex(&Sha256::digest(bytes));
    let at = now().to_stamp();
    let mut tx = pool.begin().await?;
    let aid: i64 = sqlx::query(
        "INSERT INTO case_attachments (case_id, name, content_type, sha256, bytes, author, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING attachment_id",
    )
    .bind(id)
    .bind(&name)
    .bind(content_type)
    .bind(&sha)
    .bind(bytes)
    .bind(actor)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?
    .get(0);
    audit(&mut tx, actor, "case.attach", &format!("case:{id}"), &format!("attachment {aid} sha256 {sha}")).await?;
    tx.commit().await?;
    Ok(Attachment {
        attachment_id: aid,
        name,
        content_type: content_type.into(),
        sha256: sha,
        size: bytes.len() as i64,
        author: actor.into(),
        at,
    })
}

pub async fn attachments(pool: &sqlx::AnyPool, id: i64) -> Result<Vec<Attachment>, ServeError> {
    let rows = sqlx::query(
        "SELECT attachment_id, name, content_type, sha256, length(bytes), author, at FROM case_attachments \
         WHERE case_id = $1 ORDER BY attachment_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Attachment {
            attachment_id: r.get(0),
            name: r.get(1),
            content_type: r.get(2),
            sha256: r.get(3),
            size: r.get(4),
            author: r.get(5),
            at: r.get(6),
        })
        .collect())
}

/// An attachment's name, content type and bytes.
pub async fn attachment_bytes(
    pool: &sqlx::AnyPool,
    case_id: i64,
    aid: i64,
) -> Result<Option<(String, String, Vec<u8>)>, ServeError> {
    let r =
        sqlx::query("SELECT name, content_type, bytes FROM case_attachments WHERE case_id = $1 AND attachment_id = $2")
            .bind(case_id)
            .bind(aid)
            .fetch_optional(pool)
            .await?;
    Ok(r.map(|r| (r.get(0), r.get(1), r.get(2))))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewSuppression {
    pub indicator: String,
    pub reason: String,
    /// RFC 3339 time or `YYYY-MM-DD`; at most a year ahead.
    pub expires_at: String,
}

pub async fn suppress(
    pool: &sqlx::AnyPool,
    actor: &str,
    subject: &str,
    s: NewSuppression,
) -> Result<Suppression, CaseError> {
    let indicator = s.indicator.trim().to_string();
    if bonafide_core::Catalog::builtin().get(&indicator).is_none() {
        return Err(CaseError::Invalid(format!("unknown indicator {indicator:?}")));
    }
    let reason = s.reason.trim().to_string();
    if reason.len() < 3 || reason.len() > 2000 {
        return Err(CaseError::Invalid("a suppression needs a reason (3 to 2000 characters)".into()));
    }
    let when = s.expires_at.trim();
    let expires = bonafide_core::UtcMs::parse(when)
        .or_else(|_| bonafide_core::UtcMs::parse_date(when))
        .map_err(|_| CaseError::Invalid(format!("expires_at {when:?} is not a date")))?;
    let t = now();
    if expires.0 <= t.0 || expires.0 > t.0 + 366 * 86_400_000 {
        return Err(CaseError::Invalid("expires_at must be in the future and within a year".into()));
    }
    let at = t.to_stamp();
    let mut tx = pool.begin().await?;
    let sid: i64 = sqlx::query(
        "INSERT INTO suppressions (subject_id, indicator, reason, expires_at, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING suppression_id",
    )
    .bind(subject)
    .bind(&indicator)
    .bind(&reason)
    .bind(expires.to_stamp())
    .bind(actor)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await?
    .get(0);
    audit(
        &mut tx,
        actor,
        "suppression.add",
        &format!("subject:{subject}"),
        &format!("{indicator} until {}", expires.to_stamp()),
    )
    .await?;
    tx.commit().await?;
    Ok(Suppression {
        suppression_id: sid,
        subject_id: subject.into(),
        indicator,
        reason,
        expires_at: expires.to_stamp(),
        created_by: actor.into(),
        created_at: at,
        active: true,
    })
}

pub async fn suppressions(pool: &sqlx::AnyPool, subject: &str) -> Result<Vec<Suppression>, ServeError> {
    let at = now().to_stamp();
    let rows = sqlx::query(
        "SELECT suppression_id, subject_id, indicator, reason, expires_at, created_by, created_at FROM suppressions \
         WHERE subject_id = $1 ORDER BY suppression_id DESC",
    )
    .bind(subject)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let expires_at: String = r.get(4);
            Suppression {
                suppression_id: r.get(0),
                subject_id: r.get(1),
                indicator: r.get(2),
                reason: r.get(3),
                active: expires_at > at,
                expires_at,
                created_by: r.get(5),
                created_at: r.get(6),
            }
        })
        .collect())
}

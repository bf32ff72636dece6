//! The audit trail: who viewed which subject, exported which case, changed what. The
//! table is append-only (database triggers refuse UPDATE and DELETE, see migration
//! 0003), and this module only ever inserts and reads.

use sqlx::Row;

use crate::ServeError;
use crate::auth::now;

#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// Appends one entry. `detail` must not hold sensitive values (callers pass ids,
/// statuses and lengths, never note bodies or identifiers).
pub async fn record(
    pool: &sqlx::AnyPool,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), ServeError> {
    let mut conn = pool.acquire().await?;
    record_in(&mut conn, actor, action, target, detail).await?;
    Ok(())
}

/// [`record`] inside the caller's transaction, so the entry and the change it
/// describes commit together (or neither does).
pub async fn record_in(
    conn: &mut sqlx::AnyConnection,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(now().to_stamp())
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The newest entries first, optionally only those about `target`.
pub async fn list(pool: &sqlx::AnyPool, target: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>, ServeError> {
    let rows = match target {
        Some(t) => sqlx::query(
            "SELECT seq, at, actor, action, target, detail FROM audit_log WHERE target = $1 ORDER BY seq DESC LIMIT $2",
        )
        .bind(t)
        .bind(limit)
        .fetch_all(pool)
        .await?,
        None => {
            sqlx::query("SELECT seq, at, actor, action, target, detail FROM audit_log ORDER BY seq DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| AuditEntry {
            seq: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            action: r.get(3),
            target: r.get(4),
            detail: r.get(5),
        })
        .collect())
}

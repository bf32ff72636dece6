//! Test support for the PostgreSQL backend: a fresh schema per test on the server
//! `BONAFIDE_PG_URL` names, so tests run in parallel and leave each other alone.
//!
//! Without `BONAFIDE_PG_URL` a test is skipped with a message — unless it runs in CI
//! (`CI` or `BONAFIDE_REQUIRE_SHARED_DATA` set), where a missing server is a failure.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

pub use bonafide_core::testdata::required;

/// The server URL, or `None` (with a message) when the test should be skipped.
///
/// # Panics
/// When the variable is unset and the run is CI.
pub fn server_url(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ if required() => panic!("{test}: {var} is not set, and CI requires the server (see .ci/run)"),
        _ => {
            eprintln!("SKIPPED {test}: set {var} to run it against a real server");
            None
        }
    }
}

/// Adds `options=-c search_path=SCHEMA` to `url`.
pub fn with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// Creates a schema of its own for `test` and returns the URL that uses it, or `None`
/// when PostgreSQL tests are skipped.
///
/// # Panics
/// When the server is required but unreachable.
pub async fn fresh_schema(test: &str) -> Option<String> {
    static N: AtomicU64 = AtomicU64::new(0);
    let base = server_url("BONAFIDE_PG_URL", test)?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let clean: String = test.chars().filter(|c| c.is_ascii_alphanumeric()).take(20).collect::<String>().to_lowercase();
    let schema =
        format!("bft_{clean}_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), nanos % 1_000_000);
    let mut conn = match sqlx::PgConnection::connect(&base).await {
        Ok(c) => c,
        Err(e) => panic!("{test}: cannot connect to BONAFIDE_PG_URL: {e}"),
    };
    // `schema` is built above from ASCII letters, digits and underscores only.
    let sql = sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"));
    if let Err(e) = sqlx::query(sql).execute(&mut conn).await {
        panic!("{test}: cannot create schema {schema}: {e}");
    }
    let _ = conn.close().await;
    Some(with_schema(&base, &schema))
}

/// Drops the schema a [`fresh_schema`] URL names (best effort: a test's leftovers are
/// only clutter, never shared state).
pub async fn drop_schema(url: &str) {
    let Some((base, schema)) = url.rsplit_once("options=-c%20search_path%3D") else { return };
    if schema.is_empty() || !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return;
    }
    let base = base.trim_end_matches(['?', '&']);
    if let Ok(mut conn) = sqlx::PgConnection::connect(base).await {
        // `schema` was checked above to be letters, digits and underscores.
        let sql = sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        let _ = sqlx::query(sql).execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

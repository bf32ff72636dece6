//! The backend a `--db` argument names: a `postgres://` (or `postgresql://`) URL opens
//! the shared PostgreSQL store, anything else is a SQLite file. Commands take a path
//! argument and hand it here, so every `--db FILE` accepts a URL as well.

use std::path::Path;

use bonafide_engine::ScanOutcome;

use crate::{PgStore, Started, Store, StoreError};

/// An open, migrated store of either kind.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(Store),
    Postgres(PgStore),
}

/// Whether `target` is a PostgreSQL URL rather than a file name.
pub fn is_postgres_url(target: &str) -> bool {
    let t = target.trim_start();
    t.starts_with("postgres://") || t.starts_with("postgresql://")
}

impl Db {
    /// Opens the store `target` names (a URL or a file path) and applies migrations.
    pub async fn open(target: &Path) -> Result<Db, StoreError> {
        match target.to_str() {
            Some(url) if is_postgres_url(url) => Ok(Db::Postgres(PgStore::open(url).await?)),
            _ => Ok(Db::Sqlite(Store::open(target).await?)),
        }
    }

    /// [`Db::open`], and a pool of sqlx's Any driver on the same database for SQL written
    /// once for both backends (`$N` parameters, `RETURNING`, types both know): the serve
    /// tables, so that `bonafide serve` processes share one PostgreSQL database as
    /// readily as one process uses a SQLite file. The pool comes only after the
    /// migrations, so it never sees a table missing.
    pub async fn open_with_pool(target: &Path) -> Result<(Db, sqlx::AnyPool), StoreError> {
        let db = Db::open(target).await?;
        let pool = any_pool(target).await?;
        Ok((db, pool))
    }

    pub async fn save_run(&self, o: &ScanOutcome, started: &Started) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(s) => s.save_run(o, started).await,
            Db::Postgres(s) => s.save_run(o, started).await,
        }
    }

    pub async fn latest_run(&self) -> Result<Option<String>, StoreError> {
        match self {
            Db::Sqlite(s) => s.latest_run().await,
            Db::Postgres(s) => s.latest_run().await,
        }
    }

    pub async fn subjects(&self) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            Db::Sqlite(s) => s.subjects().await,
            Db::Postgres(s) => s.subjects().await,
        }
    }

    pub async fn counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        match self {
            Db::Sqlite(s) => s.counts().await,
            Db::Postgres(s) => s.counts().await,
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => s.close().await,
            Db::Postgres(s) => s.close().await,
        }
    }
}

/// A pool of sqlx's Any driver on the database `target` names (see
/// [`Db::open_with_pool`], which migrates it first).
async fn any_pool(target: &Path) -> Result<sqlx::AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    let (url, shown) = match target.to_str() {
        Some(url) if is_postgres_url(url) => (url.to_string(), redact(url)),
        _ => {
            let path = std::fs::canonicalize(target)
                .map_err(|e| StoreError::Open { path: target.display().to_string(), source: sqlx::Error::Io(e) })?;
            let text = path.to_str().ok_or_else(|| StoreError::Open {
                path: path.display().to_string(),
                source: sqlx::Error::Configuration("the database path is not UTF-8".into()),
            })?;
            // The driver splits the URL at `?` and percent-decodes the path.
            let escaped = text.replace('%', "%25").replace('?', "%3F").replace('#', "%23");
            (format!("sqlite://{escaped}"), text.to_string())
        }
    };
    sqlx::any::AnyPoolOptions::new()
        .max_connections(8)
        .connect(&url)
        .await
        .map_err(|source| StoreError::Open { path: shown, source })
}

/// A URL with its password replaced, for messages and logs: the one in the user info
/// and a `password=` query parameter (libpq and sqlx accept both).
pub fn redact(target: &str) -> String {
    if !is_postgres_url(target) {
        return target.to_string();
    }
    let (base, query) = match target.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (target, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s => match base[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &base[..s + 3], &base[at..]),
            None => base.to_string(),
        },
        _ => base.to_string(),
    };
    if let Some(q) = query {
        let params: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_masked_wherever_the_url_carries_them() {
        assert_eq!(redact("postgres://bf:s3cret@db:5432/bf"), "postgres://bf:***@db:5432/bf");
        assert_eq!(
            redact("postgresql://bf@db/bf?sslmode=require&password=s3cret&options=-c%20x"),
            "postgresql://bf@db/bf?sslmode=require&password=***&options=-c%20x"
        );
        assert_eq!(redact("postgres://bf:a@b@db/bf?Password=x"), "postgres://bf:***@db/bf?Password=***");
        assert_eq!(redact("data/bonafide.db"), "data/bonafide.db");
    }
}

//! The backend a `--db` argument names: a `postgres://` (or `postgresql://`) URL opens
//! the shared PostgreSQL store, anything else is a SQLite file. Commands take a path
//! argument and hand it here, so every `--db FILE` accepts a URL as well.

use std::path::Path;

use bonafide_engine::ScanOutcome;

use crate::{PgStore, Store, StoreError};

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

    pub async fn save_run(&self, o: &ScanOutcome) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(s) => s.save_run(o).await,
            Db::Postgres(s) => s.save_run(o).await,
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

/// A URL with its password replaced, for messages and logs.
pub fn redact(target: &str) -> String {
    if !is_postgres_url(target) {
        return target.to_string();
    }
    match (target.find("://"), target.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &target[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &target[..s + 3], &target[at..]),
                None => target.to_string(),
            }
        }
        _ => target.to_string(),
    }
}

//! Persistence: runs, subjects, scores, findings and clusters in an embedded SQLite
//! database, so that the service and later runs can read what a scan found.
//!
//! The schema lives in `migrations/*.sql`, embedded in the binary and applied with
//! sqlx's migrator (checksummed, in a `_sqlx_migrations` table), so a database created
//! by one version is upgraded in place by the next. Statements are portable SQL so the
//! PostgreSQL backend ([`PgStore`], `migrations/postgres/`, which mirrors these files
//! with the same numbers) shares them. A run is written in one transaction: a crash
//! leaves either the whole run or none of it. [`Db`] picks the backend from what
//! `--db` names: a `postgres://` URL or a file.

use std::borrow::Cow;
use std::path::Path;

use bonafide_engine::ScanOutcome;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, SqlStr};

/// The statements that write one run, shared verbatim by the SQLite and PostgreSQL
/// backends (a macro rather than a generic function: sqlx's per-database bounds would
/// outweigh the code). `$tx` is an open transaction; the caller commits.
macro_rules! write_run {
    ($tx:ident, $o:ident, $started:ident, $insert_run:expr) => {
        let o: &bonafide_engine::ScanOutcome = $o;
        let started: &$crate::Started = $started;
        let tx = &mut $tx;
        let run_id = o.run.run_id.as_str();
        let finished = o.run.finished_at.to_rfc3339();
        sqlx::query($insert_run)
            .bind(run_id)
            .bind(o.run.started_at.to_rfc3339())
            .bind(&finished)
            .bind(o.run.version)
            .bind(serde_json::to_string(&o.totals)?)
            .execute(&mut **tx)
            .await?;
        for (seq, i) in o.inputs.iter().enumerate() {
            sqlx::query(
                "INSERT INTO inputs (run_id, seq, path, format, records, quarantined, duplicates, field_issues, skipped, error) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(run_id)
            .bind(seq as i64)
            .bind(&i.path)
            .bind(i.format.as_deref())
            .bind(i.records as i64)
            .bind(i.quarantined as i64)
            .bind(i.duplicates as i64)
            .bind(i.field_issues as i64)
            .bind(i.skipped.as_deref())
            .bind(i.error.as_deref())
            .execute(&mut **tx)
            .await?;
        }
        for (idx, s) in o.subjects.iter().enumerate() {
            let claims = serde_json::to_string(s)?;
            sqlx::query(
                "INSERT INTO subjects (subject_id, kind, name, implicit, claims, first_run_id, last_run_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7) \
                 ON CONFLICT (subject_id) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
                 implicit = excluded.implicit, claims = excluded.claims, last_run_id = excluded.last_run_id, \
                 updated_at = excluded.updated_at",
            )
            .bind(&s.id)
            .bind(s.kind.as_str())
            .bind(&s.name)
            .bind(i64::from(s.implicit))
            .bind(claims)
            .bind(run_id)
            .bind(&finished)
            .execute(&mut **tx)
            .await?;
            let score = &o.scores[idx];
            sqlx::query(
                "INSERT INTO subject_scores (run_id, subject_id, score, band, log2_odds, contributions, activity) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(run_id)
            .bind(&s.id)
            .bind(i64::from(score.score))
            .bind(score.band.as_str())
            .bind(score.log2_odds)
            .bind(serde_json::to_string(&score.contributions)?)
            .bind(o.activity.get(idx).and_then(Option::as_ref).map(serde_json::to_string).transpose()?)
            .execute(&mut **tx)
            .await?;
        }
        for f in &o.findings {
            let ids: Vec<String> =
                f.subjects.iter().filter_map(|s| o.subjects.get(s.index())).map(|s| s.id.clone()).collect();
            let fid = $crate::finding_id(run_id, f, &ids);
            let evidence: Vec<serde_json::Value> = f
                .evidence
                .iter()
                .map(|e| serde_json::json!({"source": e.source.map(|p| o.sources.display(&p)), "detail": e.detail}))
                .collect();
            sqlx::query(
                "INSERT INTO findings (run_id, finding_id, indicator, subject_ids, first_seen, last_seen, summary, weight_bits, evidence, evidence_total, shared) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (run_id, finding_id) DO NOTHING",
            )
            .bind(run_id)
            .bind(&fid)
            .bind(&f.indicator)
            .bind(serde_json::to_string(&ids)?)
            .bind(f.first_seen.map(|t| t.to_rfc3339()))
            .bind(f.last_seen.map(|t| t.to_rfc3339()))
            .bind(&f.summary)
            .bind(f.weight_bits)
            .bind(serde_json::to_string(&evidence)?)
            .bind(f.evidence_total as i64)
            .bind(f.shared.as_ref().map(serde_json::to_string).transpose()?)
            .execute(&mut **tx)
            .await?;
            for id in &ids {
                sqlx::query("INSERT INTO finding_subjects (run_id, finding_id, subject_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(run_id)
                    .bind(&fid)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        for c in &o.clusters {
            let id = |s: bonafide_core::SubjectIdx| o.subjects.get(s.index()).map(|x| x.id.clone()).unwrap_or_default();
            let members: Vec<String> = c.subjects.iter().map(|s| id(*s)).collect();
            let links: Vec<serde_json::Value> = c
                .links
                .iter()
                .map(|l| serde_json::json!({"a": id(l.a), "b": id(l.b), "kind": l.kind, "value": l.value, "indicator": l.indicator}))
                .collect();
            sqlx::query(
                "INSERT INTO clusters (run_id, cluster_id, kind, subject_ids, links) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(run_id)
            .bind(&c.id)
            .bind(&c.kind)
            .bind(serde_json::to_string(&members)?)
            .bind(serde_json::to_string(&links)?)
            .execute(&mut **tx)
            .await?;
        }
        for (subject_id, records) in $crate::subject_records(o) {
            sqlx::query("INSERT INTO subject_records (run_id, subject_id, records) VALUES ($1, $2, $3)")
                .bind(run_id)
                .bind(subject_id)
                .bind(serde_json::to_string(&records)?)
                .execute(&mut **tx)
                .await?;
        }
        for (seq, q) in o.quarantine.iter().enumerate() {
            sqlx::query("INSERT INTO quarantine (run_id, seq, source, reason) VALUES ($1, $2, $3, $4)")
                .bind(run_id)
                .bind(seq as i64)
                .bind(o.sources.display(&q.pos))
                .bind(&q.reason)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(o.run.finished_at.to_stamp())
            .bind(&started.by)
            .bind($crate::STARTED)
            .bind(format!("run:{run_id}"))
            .bind(&started.how)
            .execute(&mut **tx)
            .await?;
    };
}

/// The queries both backends run with the same statements, written once: sqlx's pools
/// differ in type, so each backend's `impl` is generated from this text. `$migrations`
/// is the backend's migration list, `$tables` what `counts` reports.
macro_rules! shared_queries {
    ($store:ty, $migrations:expr, $insert_run:expr, [$($table:literal),* $(,)?]) => {
        impl $store {
            pub async fn migrate(&self) -> Result<(), StoreError> {
                let migrator = Migrator::new(Embedded($migrations)).await?;
                migrator.run(&self.pool).await?;
                Ok(())
            }

            /// Writes one scan's results, and who started it, in a single transaction.
            pub async fn save_run(&self, o: &ScanOutcome, started: &$crate::Started) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                write_run!(tx, o, started, $insert_run);
                tx.commit().await?;
                Ok(())
            }

            /// The most recent run id.
            pub async fn latest_run(&self) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| r.get::<String, _>(0)))
            }

            /// Every stored subject: its id and its claims (the subject as JSON), by id.
            pub async fn subjects(&self) -> Result<Vec<(String, String)>, StoreError> {
                let rows = sqlx::query("SELECT subject_id, claims FROM subjects ORDER BY subject_id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.iter().map(|r| (r.get::<String, _>(0), r.get::<String, _>(1))).collect())
            }

            /// Row counts per table, for summaries and tests.
            pub async fn counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
                let mut out = Vec::new();
                for t in [$($table),*] {
                    // `t` comes from the fixed list above, never from input.
                    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}"));
                    let n: i64 = sqlx::query(sql).fetch_one(&self.pool).await?.get(0);
                    out.push((t.to_string(), n));
                }
                Ok(out)
            }

            pub async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}

pub mod db;
pub mod postgres;
pub mod testing;

/// The audit action that says who started a run (`target` `run:<id>`, `detail` how): the
/// runs table itself does not record it. Written with the run, in its transaction, by
/// every way a run is stored: `bonafide scan --db`, `bonafide demo` and the service's
/// re-scans.
pub const STARTED: &str = "run.started";

/// The query for who started the runs `targets` name (`run:<id>`, bound as `$2...`
/// after [`STARTED`] as `$1`): each entry with its sequence number, unordered (the
/// caller keeps each run's first). Shared by the service and the test of its plan.
pub fn started_query(targets: usize) -> String {
    let marks = (0..targets).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
    format!("SELECT target, actor, detail, seq FROM audit_log WHERE action = $1 AND target IN ({marks})")
}

/// Who started a run and how, as the Runs page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    /// A service user's name, `ingest` for the service's own watcher, or the operating
    /// system's user for a command.
    pub by: String,
    /// In words: `re-scan from the Runs page`, `bonafide scan --db`.
    pub how: String,
}

impl Started {
    pub fn new(by: impl Into<String>, how: impl Into<String>) -> Started {
        Started { by: by.into(), how: how.into() }
    }

    /// A command run from a shell: the operating system's user (`USER`, `USERNAME` or
    /// `LOGNAME`), or `command line` when none is set (a container's root often has none).
    pub fn command(how: impl Into<String>) -> Started {
        Started::command_from(how, |k| std::env::var(k).ok())
    }

    /// [`Started::command`] with the environment `var` reads.
    fn command_from(how: impl Into<String>, var: impl Fn(&str) -> Option<String>) -> Started {
        let user = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .filter_map(|k| var(k))
            .map(|u| u.trim().to_string())
            .find(|u| !u.is_empty())
            .unwrap_or_else(|| "command line".to_string());
        Started::new(user, how)
    }
}

pub use db::Db;
pub use postgres::PgStore;

/// The embedded migrations, in order.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "activity", include_str!("../migrations/0002_activity.sql")),
    (3, "serve", include_str!("../migrations/0003_serve.sql")),
    (4, "serve_version", include_str!("../migrations/0004_serve_version.sql")),
    (5, "login_failures", include_str!("../migrations/0005_login_failures.sql")),
    (6, "run_order", include_str!("../migrations/0006_run_order.sql")),
    (7, "login_attempts", include_str!("../migrations/0007_login_attempts.sql")),
    (8, "audit_action", include_str!("../migrations/0008_audit_action.sql")),
    (9, "audit_action_target", include_str!("../migrations/0009_audit_action_target.sql")),
    // 1000 and up are SQLite-only (PostgreSQL has its own above 1000).
    (1002, "serve_triggers", include_str!("../migrations/1002_serve.sql")),
];

/// Migration 3 as the first serve release wrote it (see `Store::adopt_first_serve_schema`).
const FIRST_SERVE_SCHEMA: &str = include_str!("../migrations/legacy/0003_serve_first.sql");

/// A list of migrations compiled into the binary.
#[derive(Debug)]
pub(crate) struct Embedded(pub(crate) &'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> futures_core::future::BoxFuture<'s, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(v, d, sql)| {
                    Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, SqlStr::from_static(sql), false)
                })
                .collect())
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("cannot serialise: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// True when the database refused the data itself, so retrying the same statement
    /// can only fail again: SQLSTATE classes 22 (data exception: bad encoding, a value out
    /// of range), 23 (integrity constraint) and 54 (program limit: a key too long for its
    /// index). Connection loss, serialisation failures, a full disk or a restarting
    /// server are not: they pass.
    pub fn is_permanent(&self) -> bool {
        match self {
            StoreError::Sql(sqlx::Error::Database(db)) => {
                db.code().is_some_and(|c| ["22", "23", "54"].iter().any(|class| c.starts_with(class)))
            }
            _ => false,
        }
    }
}

/// An open, migrated database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

pub(crate) fn finding_id(run_id: &str, f: &bonafide_core::Finding, subjects: &[String]) -> String {
    // Stable within a run for the same indicator, subjects and summary.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [run_id, f.indicator.as_str(), &subjects.join(","), f.summary.as_str()] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{}-{:016x}", f.indicator, h)
}

/// Each subject's records for the subject page and the case export, as JSON built field
/// by field so that only masked forms of sensitive numbers (never fingerprints, never raw
/// values) leave the run: devices, shipments, pay changes and interviews, oldest first.
pub fn subject_records(o: &ScanOutcome) -> std::collections::BTreeMap<String, serde_json::Value> {
    use serde_json::{Value, json};
    let mut out: std::collections::BTreeMap<String, serde_json::Value> = std::collections::BTreeMap::new();
    fn entry<'m>(m: &'m mut std::collections::BTreeMap<String, Value>, id: &str) -> &'m mut Value {
        m.entry(id.to_string())
            .or_insert_with(|| json!({"devices": [], "shipments": [], "payroll": [], "interviews": []}))
    }
    fn push(v: &mut Value, key: &str, item: Value) {
        if let Some(a) = v.get_mut(key).and_then(Value::as_array_mut) {
            a.push(item);
        }
    }
    let src = |p: &bonafide_core::source::SourcePos| o.sources.display(p);
    for d in &o.records.devices {
        let item = json!({"asset_serial": d.asset_serial, "host_identifier": d.host_identifier, "hostname": d.hostname,
            "assigned_at": d.assigned_at.map(|t| t.to_rfc3339()), "managed": d.managed, "source": src(&d.source)});
        push(entry(&mut out, &d.subject_id), "devices", item);
    }
    for s in &o.records.shipments {
        let item = json!({"shipped_at": s.shipped_at.to_rfc3339(), "shipment_id": s.shipment_id, "asset_serial": s.asset_serial,
            "recipient_name": s.recipient_name, "address": s.address.one_line(), "status": s.status,
            "signed_by": s.signed_by, "source": src(&s.source)});
        push(entry(&mut out, &s.subject_id), "shipments", item);
    }
    for p in &o.records.payroll {
        let masked = |x: &Option<bonafide_core::sensitive::Sensitive>| x.as_ref().map(|s| s.masked.clone());
        let item = json!({"changed_at": p.changed_at.to_rfc3339(), "method": p.method, "account_holder": p.account_holder,
            "bank_name": p.bank_name, "bank_country": p.country().map(|c| c.to_string()),
            "routing_number": masked(&p.routing_number), "account_number": masked(&p.account_number),
            "iban": masked(&p.iban), "wallet": p.wallet.as_ref().map(|w| w.address.clone()), "source": src(&p.source)});
        push(entry(&mut out, &p.subject_id), "payroll", item);
    }
    for i in &o.records.interviews {
        let item = json!({"at": i.at.to_rfc3339(), "round": i.round, "medium": i.medium, "flags": i.flags,
            "client_ip": i.client_ip.map(|ip| ip.to_string()),
            "client_place": i.client.as_ref().map(|n| n.place.label()), "source": src(&i.source)});
        push(entry(&mut out, &i.subject_id), "interviews", item);
    }
    for v in out.values_mut() {
        for (key, at) in
            [("devices", "assigned_at"), ("shipments", "shipped_at"), ("payroll", "changed_at"), ("interviews", "at")]
        {
            if let Some(a) = v.get_mut(key).and_then(Value::as_array_mut) {
                a.sort_by(|x, y| x[at].as_str().unwrap_or("").cmp(y[at].as_str().unwrap_or("")));
            }
        }
    }
    out
}

shared_queries!(
    Store,
    MIGRATIONS,
    // The run's place in storage order: SQLite serialises writing transactions, so the
    // largest plus one is never taken twice (migration 6).
    "INSERT INTO runs (run_id, started_at, finished_at, version, totals, seq) \
     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM runs))",
    ["runs", "inputs", "subjects", "subject_scores", "findings", "finding_subjects", "clusters", "quarantine"]
);

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        let store = Store { pool };
        store.adopt_first_serve_schema().await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Databases created before migration 3 became portable hold its first text
    /// (`migrations/legacy/0003_serve_first.sql`: AUTOINCREMENT keys and the audit
    /// triggers inline), whose checksum sqlx would refuse. That schema already is what 3
    /// plus 1002 build (1002 must not run there: it recreates the case tables, which hold
    /// data by then), so the record of it is brought up to date instead, in one
    /// transaction. Any other mismatch is left for the migrator to report.
    async fn adopt_first_serve_schema(&self) -> Result<(), StoreError> {
        let checksum = |version: i64, sql: &'static str| {
            Migration::new(version, Cow::Borrowed(""), MigrationType::Simple, SqlStr::from_static(sql), false)
                .checksum
                .into_owned()
        };
        let table: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_optional(&self.pool)
                .await?;
        if table.is_none() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        let recorded: Option<Vec<u8>> = sqlx::query_scalar("SELECT checksum FROM _sqlx_migrations WHERE version = 3")
            .fetch_optional(&mut *tx)
            .await?;
        let has_1002: Option<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE version = 1002")
            .fetch_optional(&mut *tx)
            .await?;
        if recorded.as_deref() != Some(checksum(3, FIRST_SERVE_SCHEMA).as_slice()) || has_1002.is_some() {
            return Ok(());
        }
        let current = |version: i64| MIGRATIONS.iter().find(|m| m.0 == version).map_or(("", ""), |m| (m.1, m.2));
        sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 3")
            .bind(checksum(3, current(3).1))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (1002, $1, TRUE, $2, 0)",
        )
        .bind(current(1002).0)
        .bind(checksum(1002, current(1002).1))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// A database made by the first serve release (migration 3 in its first text) opens
    /// with today's migrations, keeps its cases, never reuses a deleted case's id, and
    /// its audit trail stays append-only.
    #[tokio::test]
    async fn a_database_of_the_first_serve_schema_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let opts = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let pool = SqlitePoolOptions::new().connect_with(opts).await.unwrap();
        let first: &'static [(i64, &str, &str)] = &[
            (1, "init", include_str!("../migrations/0001_init.sql")),
            (2, "activity", include_str!("../migrations/0002_activity.sql")),
            (3, "serve", FIRST_SERVE_SCHEMA),
        ];
        Migrator::new(Embedded(first)).await.unwrap().run(&pool).await.unwrap();
        let case = "INSERT INTO cases (subject_id, title, status, created_by, created_at, updated_at) \
                    VALUES ('E1', 'look', 'open', 'ann', 't', 't')";
        for _ in 0..2 {
            sqlx::query(case).execute(&pool).await.unwrap();
        }
        sqlx::query("DELETE FROM cases WHERE case_id = 2").execute(&pool).await.unwrap();
        pool.close().await;

        let store = Store::open(&path).await.expect("the first serve schema opens");
        let p = store.pool();
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(p).await.unwrap();
        assert_eq!(kept, 1, "the case survives");
        let returning = sqlx::AssertSqlSafe(format!("{case} RETURNING case_id"));
        let id: i64 = sqlx::query_scalar(returning).fetch_one(p).await.unwrap();
        assert_eq!(id, 3, "a deleted case's id is not handed out again");
        sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ('t', 'a', 'x', 'y', 'z')")
            .execute(p)
            .await
            .unwrap();
        assert!(sqlx::query("DELETE FROM audit_log").execute(p).await.is_err(), "append-only");
        store.close().await;
        // And again: nothing left to adopt or apply.
        Store::open(&path).await.expect("reopens").close().await;
    }

    /// A scan of the shipped example, stored as run `id` finished at `finished_ms`.
    fn example_run(id: &str, finished_ms: i64) -> ScanOutcome {
        let config = bonafide_engine::Config::parse("").unwrap();
        let small = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/small");
        let req = bonafide_engine::ScanRequest::new(vec![small], bonafide_intel::Keyring::from_bytes([9; 32]));
        let mut o = bonafide_engine::scan(&config, req).unwrap();
        o.run.run_id = id.to_string();
        o.run.finished_at = bonafide_core::UtcMs(finished_ms);
        o
    }

    /// "The latest run" is the one the database stored last, not the one whose host
    /// clock read latest: scans on several hosts (or one whose clock was set back) share
    /// a store, and serve shows the latest run.
    async fn latest_is_last_stored(db: &crate::Db) {
        let noon = 1_790_000_000_000;
        db.save_run(&example_run("run-a", noon), &Started::new("test", "unit test")).await.unwrap();
        assert_eq!(db.latest_run().await.unwrap().as_deref(), Some("run-a"));
        // Stored later by a host whose clock is an hour behind.
        db.save_run(&example_run("run-b", noon - 3_600_000), &Started::new("test", "unit test")).await.unwrap();
        assert_eq!(db.latest_run().await.unwrap().as_deref(), Some("run-b"));
        // And a run sorting before both by id and by time is still the latest once stored.
        db.save_run(&example_run("run-0", noon - 7_200_000), &Started::new("test", "unit test")).await.unwrap();
        assert_eq!(db.latest_run().await.unwrap().as_deref(), Some("run-0"));
    }

    /// Who started a run is written with the run, in its transaction: a run stored by
    /// `bonafide scan --db` or `bonafide demo` names its starter as a service re-scan does.
    async fn the_starter_is_stored_with_the_run(db: &crate::Db) {
        let started = Started::new("ann", "bonafide scan --db");
        db.save_run(&example_run("run-s", 1_790_000_000_000), &started).await.unwrap();
        let sql = "SELECT actor, detail, at FROM audit_log WHERE action = $1 AND target = 'run:run-s'";
        let rows: Vec<(String, String, String)> = match db {
            crate::Db::Sqlite(s) => sqlx::query_as(sql).bind(STARTED).fetch_all(s.pool()).await.unwrap(),
            crate::Db::Postgres(p) => sqlx::query_as(sql).bind(STARTED).fetch_all(p.pool()).await.unwrap(),
        };
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0].0.as_str(), rows[0].1.as_str()), ("ann", "bonafide scan --db"));
        assert_eq!(rows[0].2, "2026-09-21T14:13:20.000Z", "stamped when the run finished, as the service stamps");
        // A command's starter is whoever runs it, never empty.
        assert!(!Started::command("bonafide demo").by.is_empty());
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Started::command_from("x", env(&[("USER", " ann ")])).by, "ann");
        assert_eq!(Started::command_from("x", env(&[("USER", " "), ("LOGNAME", "bob")])).by, "bob");
        assert_eq!(Started::command_from("x", env(&[])).by, "command line", "a container's root sets none");
    }

    #[tokio::test]
    async fn sqlite_stores_the_starter_with_the_run() {
        let dir = tempfile::tempdir().unwrap();
        the_starter_is_stored_with_the_run(&crate::Db::open(&dir.path().join("starter.db")).await.unwrap()).await;
    }

    #[tokio::test]
    async fn postgres_stores_the_starter_with_the_run() {
        let Some(url) = crate::testing::fresh_schema("starter").await else { return };
        the_starter_is_stored_with_the_run(&crate::Db::open(std::path::Path::new(&url)).await.unwrap()).await;
        crate::testing::drop_schema(&url).await;
    }

    #[tokio::test]
    async fn sqlite_latest_run_is_the_last_stored() {
        let dir = tempfile::tempdir().unwrap();
        latest_is_last_stored(&crate::Db::open(&dir.path().join("order.db")).await.unwrap()).await;
    }

    #[tokio::test]
    async fn postgres_latest_run_is_the_last_stored() {
        let Some(url) = crate::testing::fresh_schema("run_order").await else { return };
        latest_is_last_stored(&crate::Db::open(std::path::Path::new(&url)).await.unwrap()).await;
        crate::testing::drop_schema(&url).await;
    }

    /// Who started each listed run is looked up among the audit trail's entries of one
    /// action and those runs; the append-only trail only grows, so the lookup the service
    /// runs ([`started_query`]) must read neither all of it nor every run's entry.
    #[tokio::test]
    async fn audit_entries_of_one_action_are_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Db::open(&dir.path().join("audit.db")).await.unwrap();
        let crate::Db::Sqlite(s) = &db else { panic!("a file path opens SQLite") };
        let sql = sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", started_query(3)));
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sql)
            .bind(STARTED)
            .bind("run:a")
            .bind("run:b")
            .bind("run:c")
            .fetch_all(s.pool())
            .await
            .unwrap();
        let plan: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(plan.iter().any(|d| d.contains("USING INDEX audit_log_action")), "{plan:?}");
        assert!(
            plan.iter().any(|d| d.contains("USING INDEX audit_log_action_target (action=? AND target=?)")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|d| d.contains("TEMP B-TREE")), "no sort of the entries: {plan:?}");
        db.close().await;
    }

    const BEFORE_RUN_ORDER: &str = "INSERT INTO runs (run_id, started_at, finished_at, version, totals) \
         VALUES ('r1', 't', '2026-01-02T00:00:00+00:00', 'v', '{}'), ('r2', 't', '2026-01-01T00:00:00+00:00', 'v', '{}'), \
         ('r3', 't', '2026-01-03T00:00:00+00:00', 'v', '{}')";

    /// Checks a store opened over [`BEFORE_RUN_ORDER`]'s runs: they keep their order by
    /// finish time, and a run stored now comes after them whatever its finish time.
    async fn upgraded_in_order(db: crate::Db) {
        let sql = "SELECT run_id, seq FROM runs ORDER BY seq";
        let order: Vec<(String, i64)> = match &db {
            crate::Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(s.pool()).await.unwrap(),
            crate::Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p.pool()).await.unwrap(),
        };
        assert_eq!(order, [("r2".into(), 1), ("r1".into(), 2), ("r3".into(), 3)]);
        db.save_run(&example_run("r4", 0), &Started::new("test", "unit test")).await.unwrap();
        assert_eq!(db.latest_run().await.unwrap().as_deref(), Some("r4"));
        db.close().await;
    }

    #[tokio::test]
    async fn runs_stored_before_the_run_order_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let opts = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
        let pool = SqlitePoolOptions::new().connect_with(opts).await.unwrap();
        let before: Vec<_> = MIGRATIONS.iter().copied().filter(|m| m.0 < 6).collect();
        Migrator::new(Embedded(Box::leak(before.into_boxed_slice()))).await.unwrap().run(&pool).await.unwrap();
        sqlx::query(BEFORE_RUN_ORDER).execute(&pool).await.unwrap();
        pool.close().await;
        upgraded_in_order(crate::Db::open(&path).await.unwrap()).await;
    }

    /// The same on PostgreSQL, where the order comes from a sequence that must start
    /// after the runs already there.
    #[tokio::test]
    async fn postgres_runs_stored_before_the_run_order_keep_their_order() {
        let Some(url) = crate::testing::fresh_schema("run_order_upgrade").await else { return };
        let pool = sqlx::postgres::PgPoolOptions::new().connect(&url).await.unwrap();
        let before: Vec<_> =
            postgres::MIGRATIONS.iter().copied().filter(|m| m.0 < 6 || (1000..1004).contains(&m.0)).collect();
        Migrator::new(Embedded(Box::leak(before.into_boxed_slice()))).await.unwrap().run(&pool).await.unwrap();
        sqlx::query(BEFORE_RUN_ORDER).execute(&pool).await.unwrap();
        pool.close().await;
        upgraded_in_order(crate::Db::open(std::path::Path::new(&url)).await.unwrap()).await;
        crate::testing::drop_schema(&url).await;
    }
}

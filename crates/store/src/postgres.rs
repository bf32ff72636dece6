//! The shared PostgreSQL store: everything the SQLite store keeps (same migrations,
//! mirrored in `migrations/postgres/` with the same numbers, and the same statements),
//! plus the scale-out mode's tables (`1001_stream.sql`): the events workers committed,
//! per-actor state, and parked messages.
//!
//! Several processes may share one database: runs are written in one transaction each,
//! event writes are idempotent upserts keyed by the publisher's event id.

use std::collections::HashMap;
use std::str::FromStr;

use bonafide_engine::ScanOutcome;
use sqlx::Row;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::{Embedded, StoreError};

/// The PostgreSQL migrations, in order. Versions below 1000 mirror SQLite's files of
/// the same number (a test checks the list); 1000 and up are PostgreSQL-only.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
    (2, "activity", include_str!("../migrations/postgres/0002_activity.sql")),
    (3, "serve", include_str!("../migrations/postgres/0003_serve.sql")),
    (4, "serve_version", include_str!("../migrations/postgres/0004_serve_version.sql")),
    (5, "login_failures", include_str!("../migrations/postgres/0005_login_failures.sql")),
    (6, "run_order", include_str!("../migrations/postgres/0006_run_order.sql")),
    (7, "login_attempts", include_str!("../migrations/postgres/0007_login_attempts.sql")),
    (8, "audit_action", include_str!("../migrations/postgres/0008_audit_action.sql")),
    (9, "audit_action_target", include_str!("../migrations/postgres/0009_audit_action_target.sql")),
    (1001, "stream", include_str!("../migrations/postgres/1001_stream.sql")),
    (1002, "serve_ids_triggers", include_str!("../migrations/postgres/1002_serve.sql")),
    (1003, "serve_bigint_ids", include_str!("../migrations/postgres/1003_serve_bigint_ids.sql")),
    (1004, "run_seq", include_str!("../migrations/postgres/1004_run_seq.sql")),
    (1005, "stream_problems", include_str!("../migrations/postgres/1005_stream_problems.sql")),
];

/// An open, migrated PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

/// The kind of a stream row that is an event; the others are problems of its input
/// (`quarantine`, `field_issue`), which never count as an actor's activity.
pub const EVENT: &str = "event";

/// One event (or one problem of an input) as a worker commits it.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEvent {
    pub event_id: String,
    /// [`EVENT`], or the kind of problem.
    pub kind: &'static str,
    pub part: i32,
    pub actor_key: String,
    pub batch: String,
    pub file_ord: i64,
    pub file_path: String,
    pub format: String,
    pub line: i64,
    pub idx: Option<i64>,
    pub at_ms: i64,
    /// The normalised event, as JSON.
    pub event: String,
    pub stream_seq: i64,
}

/// A message that could not be used, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Parked {
    pub part: i32,
    pub stream_seq: i64,
    pub msg_id: Option<String>,
    pub reason: String,
    pub payload: String,
}

/// What a batch commit changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    /// Events that were new (the rest were redeliveries or republished duplicates).
    pub inserted: u64,
    /// Problems of inputs that were new.
    pub problems: u64,
    pub parked: u64,
}

/// One stored row of an input, as replay reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRow {
    /// (line, index or -1, event id): the replay order.
    pub key: (i64, i64, String),
    /// [`EVENT`], or the kind of problem.
    pub kind: String,
    pub json: String,
}

/// An input whose events are stored, in replay order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredInput {
    pub batch: String,
    pub file_ord: i64,
    pub file_path: String,
    pub format: String,
    /// Rows stored: events and problems.
    pub events: i64,
}

shared_queries!(
    PgStore,
    MIGRATIONS,
    // `seq` comes from the column's sequence (migration 1004).
    "INSERT INTO runs (run_id, started_at, finished_at, version, totals) VALUES ($1, $2, $3, $4, $5)",
    [
        "runs",
        "inputs",
        "subjects",
        "subject_scores",
        "findings",
        "finding_subjects",
        "clusters",
        "quarantine",
        "stream_events",
        "actor_state",
        "parked",
    ]
);

impl PgStore {
    /// Connects to `url` and applies migrations. A `?options=-c search_path=NAME` in the
    /// URL puts everything (the migrations table too) in that schema.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let redacted = crate::db::redact(url);
        let opts =
            PgConnectOptions::from_str(url).map_err(|source| StoreError::Open { path: redacted.clone(), source })?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(|source| StoreError::Open { path: redacted, source })?;
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Commits one batch in a single transaction: new events (by id; known ids change
    /// nothing), the per-actor state of the new ones, and parked messages. The caller
    /// acks the batch's messages only after this returns Ok.
    pub async fn commit_batch(&self, events: &[StreamEvent], parked: &[Parked]) -> Result<Committed, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut done = Committed::default();
        if !events.is_empty() {
            let col = |f: fn(&StreamEvent) -> String| events.iter().map(f).collect::<Vec<String>>();
            let rows = sqlx::query(
                "INSERT INTO stream_events (event_id, part, actor_key, batch, file_ord, file_path, format, line, idx, at_ms, event, stream_seq, kind) \
                 SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], \
                 $8::int8[], $9::int8[], $10::int8[], $11::text[], $12::int8[], $13::text[]) \
                 ON CONFLICT (event_id) DO NOTHING RETURNING actor_key, part, at_ms, kind",
            )
            .bind(col(|e| e.event_id.clone()))
            .bind(events.iter().map(|e| e.part).collect::<Vec<i32>>())
            .bind(col(|e| e.actor_key.clone()))
            .bind(col(|e| e.batch.clone()))
            .bind(events.iter().map(|e| e.file_ord).collect::<Vec<i64>>())
            .bind(col(|e| e.file_path.clone()))
            .bind(col(|e| e.format.clone()))
            .bind(events.iter().map(|e| e.line).collect::<Vec<i64>>())
            .bind(events.iter().map(|e| e.idx.unwrap_or(-1)).collect::<Vec<i64>>())
            .bind(events.iter().map(|e| e.at_ms).collect::<Vec<i64>>())
            .bind(col(|e| e.event.clone()))
            .bind(events.iter().map(|e| e.stream_seq).collect::<Vec<i64>>())
            .bind(events.iter().map(|e| e.kind.to_string()).collect::<Vec<String>>())
            .fetch_all(&mut *tx)
            .await?;
            // (events, first, last, part) per actor, over the rows that were new events.
            let mut actors: HashMap<String, (i64, i64, i64, i32)> = HashMap::new();
            for r in &rows {
                if r.get::<String, _>(3) != EVENT {
                    done.problems += 1;
                    continue;
                }
                done.inserted += 1;
                let (key, part, at): (String, i32, i64) = (r.get(0), r.get(1), r.get(2));
                let e = actors.entry(key).or_insert((0, at, at, part));
                e.0 += 1;
                e.1 = e.1.min(at);
                e.2 = e.2.max(at);
            }
            if !actors.is_empty() {
                let mut keys = Vec::new();
                let (mut parts, mut counts, mut firsts, mut lasts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                let mut sorted: Vec<_> = actors.into_iter().collect();
                // A fixed order keeps concurrent workers from deadlocking on shared rows.
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                for (k, (n, first, last, part)) in sorted {
                    keys.push(k);
                    parts.push(part);
                    counts.push(n);
                    firsts.push(first);
                    lasts.push(last);
                }
                sqlx::query(
                    "INSERT INTO actor_state (actor_key, part, events, first_ms, last_ms) \
                     SELECT * FROM UNNEST($1::text[], $2::int4[], $3::int8[], $4::int8[], $5::int8[]) \
                     ON CONFLICT (actor_key) DO UPDATE SET events = actor_state.events + excluded.events, \
                     first_ms = LEAST(actor_state.first_ms, excluded.first_ms), \
                     last_ms = GREATEST(actor_state.last_ms, excluded.last_ms)",
                )
                .bind(keys)
                .bind(parts)
                .bind(counts)
                .bind(firsts)
                .bind(lasts)
                .execute(&mut *tx)
                .await?;
            }
        }
        for p in parked {
            let r = sqlx::query(
                "INSERT INTO parked (part, stream_seq, msg_id, reason, payload, parked_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (part, stream_seq) DO NOTHING",
            )
            .bind(p.part)
            .bind(p.stream_seq)
            .bind(p.msg_id.as_deref())
            .bind(&p.reason)
            .bind(&p.payload)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?;
            done.parked += r.rows_affected();
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The inputs whose events are stored, in the order the embedded scan reads them.
    pub async fn stored_inputs(&self) -> Result<Vec<StoredInput>, StoreError> {
        let rows = sqlx::query(
            "SELECT batch, file_ord, file_path, format, COUNT(*) FROM stream_events \
             GROUP BY batch, file_ord, file_path, format ORDER BY batch, file_ord, file_path",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| StoredInput {
                batch: r.get(0),
                file_ord: r.get(1),
                file_path: r.get(2),
                format: r.get(3),
                events: r.get(4),
            })
            .collect())
    }

    /// Up to `limit` rows of one stored input after position `after` (line, index,
    /// event id), in file order: keyset pages, so memory stays bounded. Each is its key,
    /// its kind ([`EVENT`] or a problem's) and its JSON.
    pub async fn input_events(
        &self,
        input: &StoredInput,
        after: Option<&(i64, i64, String)>,
        limit: i64,
    ) -> Result<Vec<StoredRow>, StoreError> {
        let (line, idx, id) = after.cloned().unwrap_or((i64::MIN, i64::MIN, String::new()));
        // (The row comparison matches the replay index, so each page is a range scan.)
        let rows = sqlx::query(
            "SELECT line, idx, event_id, event, kind FROM stream_events \
             WHERE batch = $1 AND file_ord = $2 AND file_path = $3 AND (line, idx, event_id) > ($4, $5, $6) \
             ORDER BY line, idx, event_id LIMIT $7",
        )
        .bind(&input.batch)
        .bind(input.file_ord)
        .bind(&input.file_path)
        .bind(line)
        .bind(idx)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| StoredRow { key: (r.get(0), r.get(1), r.get(2)), json: r.get(3), kind: r.get(4) })
            .collect())
    }

    /// Per-actor state: (actor key, events, first ms, last ms), by key.
    pub async fn actor_state(&self) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        let rows = sqlx::query("SELECT actor_key, events, first_ms, last_ms FROM actor_state ORDER BY actor_key")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
    }

    /// Parked messages: (partition, stream sequence, reason), in order.
    pub async fn parked(&self) -> Result<Vec<(i32, i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT part, stream_seq, reason FROM parked ORDER BY part, stream_seq")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

fn now_rfc3339() -> String {
    let ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    bonafide_core::UtcMs(ms).to_rfc3339()
}

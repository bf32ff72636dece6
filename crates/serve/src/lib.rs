//! `bonafide serve`: the analyst's workplace, on a SQLite file or on PostgreSQL.
//!
//! One process holds the latest stored run as an in-memory [`snapshot::Snapshot`]
//! (ranked subjects, findings, clusters, records), answers the REST API under
//! `/api/v1` and the server-rendered web UI from it, and keeps what analysts do
//! (cases, notes, attachments, suppressions, the audit trail) in the same database: a
//! SQLite file, or PostgreSQL shared by several such processes (each polls for the
//! others' runs and decisions, [`REFRESH_EVERY`]). Ingest (file
//! upload, HTTP push, a watched folder) puts inputs into the inbox and wakes one
//! background task that re-runs the engine's scan over all accumulated inputs and stores
//! the new run; findings are therefore refreshed per run (a full re-scan), not per event.
//!
//! Why a snapshot: pages and the API read far more often than runs change, and a run is
//! immutable once stored, so reading it once and sharing it behind an `Arc` keeps every
//! page a few microseconds of work and needs no cache invalidation beyond "a new run or
//! a case decision arrived".

pub mod api;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod export;
pub mod ingest;
pub mod metrics;
pub mod snapshot;
pub mod ui;
pub mod users;
mod views;
mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bonafide_store::Db;
use tokio::sync::RwLock;

pub use auth::Role;

/// How to run the service.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The database: a SQLite file (created and migrated if missing) or a PostgreSQL
    /// URL (migrated).
    pub db: PathBuf,
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// Folders polled for new or changed input files.
    pub watch: Vec<PathBuf>,
    /// Where uploads and HTTP pushes are kept (default: `<db>.inbox/`, or
    /// `bonafide.inbox/` for a PostgreSQL URL).
    pub inbox: Option<PathBuf>,
    /// The engine configuration used for re-scans.
    pub engine: bonafide_engine::Config,
    /// The fingerprint key file (default: the engine configuration's, else the
    /// per-user default).
    pub key_file: Option<PathBuf>,
    /// Mark the session cookie `Secure`. Default: on unless listening on loopback,
    /// where browsers accept `Secure` cookies over plain HTTP anyway but a proxy in
    /// front is not expected.
    pub secure_cookies: Option<bool>,
    /// How often the watched folders are polled.
    pub poll_interval: std::time::Duration,
    /// The largest upload or push body kept, in bytes (default
    /// [`ingest::MAX_UPLOAD`]); a larger one is refused with 413.
    pub max_upload: u64,
    /// How long an unfinished upload (`.NAME.part` in the inbox) may go unwritten before
    /// it is taken for the leftover of a crash and removed (default
    /// [`ingest::STALE_UPLOAD_AGE`], 24 hours). Checked when the service starts and then
    /// every `min(this, 1 hour)`. Age counts from the file's last write, and an upload
    /// being received is written as its bytes arrive, so a replica sharing the inbox
    /// never loses an upload in progress unless it stalls this long; keep it well above
    /// the slowest upload you expect to pause.
    pub stale_upload_age: std::time::Duration,
}

impl ServeConfig {
    pub fn new(db: PathBuf, listen: SocketAddr) -> ServeConfig {
        ServeConfig {
            db,
            listen,
            watch: Vec::new(),
            inbox: None,
            engine: bonafide_engine::Config::default(),
            key_file: None,
            secure_cookies: None,
            poll_interval: std::time::Duration::from_secs(2),
            max_upload: ingest::MAX_UPLOAD,
            stale_upload_age: ingest::STALE_UPLOAD_AGE,
        }
    }

    /// The inbox: `--inbox`, else `<db>.inbox/` beside a SQLite file, else (a
    /// PostgreSQL URL names no folder) `bonafide.inbox/` in the working directory.
    fn inbox_dir(&self) -> PathBuf {
        self.inbox.clone().unwrap_or_else(|| {
            if self.db.to_str().is_some_and(bonafide_store::db::is_postgres_url) {
                return PathBuf::from("bonafide.inbox");
            }
            let mut p = self.db.clone().into_os_string();
            p.push(".inbox");
            PathBuf::from(p)
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] bonafide_store::StoreError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// Everything a request handler reaches.
#[derive(Clone)]
pub struct AppState {
    /// The store of runs (the scans ingest triggers are saved through it).
    pub db: Db,
    /// The serve tables (users, sessions, cases, audit) and run reads, on whichever
    /// backend `db` is: the SQL is the same for both.
    pub pool: sqlx::AnyPool,
    pub snapshot: Arc<RwLock<Arc<snapshot::Snapshot>>>,
    pub metrics: Arc<metrics::Metrics>,
    pub ingest: Arc<ingest::Ingest>,
    pub secure_cookies: bool,
    /// One reload at a time, so a slow load that began earlier cannot replace a newer
    /// snapshot when it ends.
    reloading: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// Opens the database, loads the latest run and prepares ingest (without starting
    /// any background task: see [`run`] and [`ingest::Ingest::spawn`]).
    pub async fn open(config: &ServeConfig) -> Result<AppState, ServeError> {
        let (db, pool) = Db::open_with_pool(&config.db).await?;
        let snap = snapshot::Snapshot::load(&pool, &config.engine).await?;
        let ingest = ingest::Ingest::new(config)?;
        Ok(AppState {
            db,
            pool,
            snapshot: Arc::new(RwLock::new(Arc::new(snap))),
            metrics: Arc::new(metrics::Metrics::default()),
            ingest: Arc::new(ingest),
            secure_cookies: config.secure_cookies.unwrap_or(!config.listen.ip().is_loopback()),
            reloading: Arc::default(),
        })
    }

    /// The current snapshot (cheap: an `Arc` clone).
    pub async fn snap(&self) -> Arc<snapshot::Snapshot> {
        self.snapshot.read().await.clone()
    }

    /// Re-reads the latest run and the case decisions that adjust scores.
    pub async fn reload(&self) -> Result<(), ServeError> {
        let _one_at_a_time = self.reloading.lock().await;
        let snap = snapshot::Snapshot::load(&self.pool, &self.ingest.engine).await?;
        *self.snapshot.write().await = Arc::new(snap);
        Ok(())
    }

    /// Reloads when the database holds a newer run or other case decisions than the
    /// snapshot: what another `bonafide serve` on the same database did. Returns whether
    /// it reloaded.
    pub async fn refresh_if_stale(&self) -> Result<bool, ServeError> {
        let now = snapshot::Snapshot::version(&self.pool).await?;
        if now == self.snap().await.version {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    /// Polls [`refresh_if_stale`](Self::refresh_if_stale) every `every` for as long as
    /// the process runs.
    fn spawn_refresh(&self, every: std::time::Duration) {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = state.refresh_if_stale().await {
                    tracing::warn!("reloading the snapshot failed: {e}");
                }
            }
        });
    }
}

/// How often a running service checks the database for another replica's changes.
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// The whole application: UI, API, health and metrics, behind the security headers.
pub fn app(state: AppState) -> axum::Router {
    web::router(state)
}

/// Serves `config.db` until Ctrl-C: loads the latest run, starts the ingest worker and
/// the folder watcher, and listens. `bonafide serve` and `bonafide demo` call this.
pub async fn run(config: ServeConfig) -> Result<(), ServeError> {
    let state = AppState::open(&config).await?;
    state.ingest.clone().spawn(state.clone());
    // Other replicas on the same database decide cases and store runs too.
    state.spawn_refresh(REFRESH_EVERY);
    if state.snap().await.run.is_none() && state.ingest.has_inputs() {
        state.ingest.wake();
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen { addr: config.listen, source })?;
    let addr = listener.local_addr()?;
    tracing::info!("bonafide serve listening on http://{addr}");
    let shown = bonafide_store::db::redact(&config.db.to_string_lossy());
    eprintln!("bonafide serve: http://{addr}/  (database {shown})");
    // A new database serves a sign-in page nobody can pass, or an empty queue: say what
    // to do rather than leave the operator guessing.
    let active = users::list(&state.pool).await?.iter().filter(|u| !u.disabled).count();
    if active == 0 {
        eprintln!(
            "warning: {shown} has no users, so nobody can sign in; add one with \
             `bonafide user add --db {shown} --name NAME --role admin` (password on standard input)"
        );
    }
    if state.snap().await.run.is_none() && !state.ingest.has_inputs() {
        eprintln!(
            "warning: {shown} holds no scan yet; store one with `bonafide scan PATH... --db {shown}`, \
             or give serve --watch DIR"
        );
    }
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_inbox_is_beside_a_file_and_local_for_a_url() {
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let file = ServeConfig::new(PathBuf::from("data/b.db"), listen);
        assert_eq!(file.inbox_dir(), PathBuf::from("data/b.db.inbox"));
        let url = ServeConfig::new(PathBuf::from("postgres://bonafide@db/bonafide"), listen);
        assert_eq!(url.inbox_dir(), PathBuf::from("bonafide.inbox"));
        let chosen = ServeConfig { inbox: Some(PathBuf::from("/shared/inbox")), ..url };
        assert_eq!(chosen.inbox_dir(), PathBuf::from("/shared/inbox"));
    }
}

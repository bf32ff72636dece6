//! Ingest for the service: uploads and HTTP pushes land as files in the inbox folder,
//! watched folders are polled, and one background task re-runs the engine's scan over
//! everything accumulated (inbox + watched folders) and stores the result as a new run.
//!
//! Why a full re-scan rather than per-event updates: the engine's detectors conclude
//! over a subject's whole history (rhythms, clusters, second scoring pass), and a scan
//! of an organisation's files takes seconds; re-scanning keeps the service's findings
//! exactly equal to `bonafide scan` over the same inputs. Wake-ups that arrive while a
//! scan runs are coalesced into one more scan.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bonafide_engine::{Config, ScanRequest};
use bonafide_ingest::Format;
use bonafide_intel::Keyring;
use bonafide_store::Started;
use serde::Serialize;

use crate::metrics::Metrics;
use crate::{AppState, ServeConfig, ServeError};

/// What the ingest worker is doing, for `/api/v1/ingest` and the runs page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IngestStatus {
    pub scanning: bool,
    pub pending: bool,
    pub scans: u64,
    pub last_run_id: Option<String>,
    pub last_error: Option<String>,
    pub last_duration_ms: Option<u64>,
}

/// The default largest upload or push body (see [`ServeConfig::max_upload`]).
pub const MAX_UPLOAD: u64 = 512 * 1024 * 1024;

/// The default age after which an unfinished upload is removed (see
/// [`ServeConfig::stale_upload_age`]).
pub const STALE_UPLOAD_AGE: Duration = Duration::from_secs(24 * 3600);

/// The longest wait between two looks for stale unfinished uploads.
const SWEEP_AT_LEAST_EVERY: Duration = Duration::from_secs(3600);

pub struct Ingest {
    pub engine: Config,
    pub inbox: PathBuf,
    pub watch: Vec<PathBuf>,
    /// The largest body [`Ingest::save`] keeps from a request.
    pub max_upload: u64,
    /// See [`ServeConfig::stale_upload_age`].
    pub stale_upload_age: Duration,
    key_file: PathBuf,
    poll: Duration,
    wake: tokio::sync::Notify,
    seq: AtomicU64,
    pub status: Mutex<IngestStatus>,
}

/// Upload names keep only characters safe in a file name.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(120)
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() { "upload".into() } else { s }
}

/// Why an upload was not kept.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("empty body")]
    Empty,
    #[error("the body is larger than {0} bytes")]
    TooLarge(u64),
    /// The client's body ended badly (a dropped connection, a malformed chunk).
    #[error("cannot read the body: {0}")]
    Body(String),
    #[error("cannot write to the inbox: {0}")]
    Io(std::io::Error),
}

/// The format forced on an inbox file, encoded in its name as `__fmt-NAME__`.
fn forced_format(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    let rest = name.split("__fmt-").nth(1)?;
    Format::from_name(rest.split("__").next()?)
}

impl Ingest {
    pub fn new(config: &ServeConfig) -> Result<Ingest, ServeError> {
        let inbox = config.inbox_dir();
        std::fs::create_dir_all(&inbox)?;
        let key_file = config.engine.fingerprint.key_path(config.key_file.as_deref());
        Ok(Ingest {
            engine: config.engine.clone(),
            inbox,
            watch: config.watch.clone(),
            max_upload: config.max_upload,
            stale_upload_age: config.stale_upload_age,
            key_file,
            poll: config.poll_interval,
            wake: tokio::sync::Notify::new(),
            seq: AtomicU64::new(0),
            status: Mutex::new(IngestStatus::default()),
        })
    }

    pub fn status(&self) -> IngestStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn roots(&self) -> Vec<PathBuf> {
        std::iter::once(self.inbox.clone()).chain(self.watch.iter().cloned()).filter(|p| p.exists()).collect()
    }

    /// A cheap fingerprint of the input folders: every file's path, size and mtime.
    fn signature(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let mut out = self.files(usize::MAX);
        out.sort();
        out
    }

    /// Up to `limit` files of the input folders (hidden names skipped), in walk order.
    fn files(&self, limit: usize) -> Vec<(PathBuf, u64, SystemTime)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, SystemTime)>, depth: usize, limit: usize) {
            let Ok(rd) = std::fs::read_dir(dir) else { return };
            for e in rd.flatten() {
                if out.len() >= limit {
                    return;
                }
                // Hidden names are skipped, as the scan skips them: an upload still being
                // written (`.NAME.part`) is no reason to re-scan.
                if e.file_name().to_str().is_some_and(|n| n.starts_with('.')) {
                    continue;
                }
                let p = e.path();
                let Ok(m) = e.metadata() else { continue };
                if m.is_dir() && depth < 16 {
                    walk(&p, out, depth + 1, limit);
                } else if m.is_file() {
                    out.push((p, m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
                }
            }
        }
        let mut out = Vec::new();
        for r in self.roots() {
            walk(&r, &mut out, 0, limit);
        }
        out
    }

    /// Whether any input is there, from the first file found: the Runs page asks on every
    /// view, and a watched folder of repositories holds thousands of files.
    pub fn has_inputs(&self) -> bool {
        !self.files(1).is_empty()
    }

    /// Keeps an uploaded or pushed body in the inbox, written to disk as it arrives (an
    /// upload may be hundreds of megabytes, and a few held in memory at once would
    /// exhaust it) under a hidden temporary name and renamed when complete, so a scan
    /// never reads half a file (scans and the folder poll skip hidden names). A body over
    /// [`Ingest::max_upload`] bytes, an empty one or a broken one leaves nothing behind.
    /// `format` forces the reader. Returns the file and its size.
    pub async fn save(
        &self,
        name: &str,
        format: Option<Format>,
        mut body: axum::body::Body,
        metrics: &Metrics,
    ) -> Result<(PathBuf, u64), SaveError> {
        use http_body_util::BodyExt;
        use tokio::io::AsyncWriteExt;

        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let stamp = crate::auth::now().to_jiff().strftime("%Y%m%dT%H%M%S").to_string();
        let fmt = format.map(|f| format!("__fmt-{}__", f.name())).unwrap_or_default();
        let file = format!("{stamp}-{n:04}-{}{fmt}{}", std::process::id() % 10_000, safe_name(name));
        let path = self.inbox.join(&file);
        let tmp = self.inbox.join(format!(".{file}.part"));
        let mut out = tokio::fs::File::create(&tmp).await.map_err(SaveError::Io)?;
        let limit = self.max_upload;
        let written = async {
            let mut size = 0u64;
            while let Some(frame) = body.frame().await {
                let Ok(data) = frame.map_err(|e| SaveError::Body(e.to_string()))?.into_data() else { continue };
                size += data.len() as u64;
                if size > limit {
                    return Err(SaveError::TooLarge(limit));
                }
                out.write_all(&data).await.map_err(SaveError::Io)?;
            }
            if size == 0 {
                return Err(SaveError::Empty);
            }
            out.flush().await.map_err(SaveError::Io)?;
            Ok(size)
        }
        .await;
        drop(out);
        let size = match written {
            Ok(size) => size,
            Err(e) => {
                if let Err(rm) = tokio::fs::remove_file(&tmp).await {
                    tracing::warn!("cannot remove the partial upload {}: {rm}", tmp.display());
                }
                return Err(e);
            }
        };
        tokio::fs::rename(&tmp, &path).await.map_err(SaveError::Io)?;
        Metrics::inc(&metrics.ingested_files);
        metrics.ingested_bytes.fetch_add(size, Ordering::Relaxed);
        Ok((path, size))
    }

    /// Removes the unfinished uploads of the inbox that nobody has written to for
    /// [`Ingest::stale_upload_age`], and logs each and how many; returns how many.
    ///
    /// A crash between [`Ingest::save`]'s create and its rename leaves the hidden
    /// `.NAME.part` forever. All of them cannot simply go at startup: replicas may share
    /// the inbox, and another's upload in progress is a `.part` file too. Its bytes
    /// keep arriving, though, so its modification time stays recent; a leftover's does
    /// not. Only hidden `.part` files are touched: a finished upload is never hidden
    /// (`safe_name` drops leading dots), even one named `x.part`.
    pub fn remove_stale_uploads(&self) -> usize {
        let removed = remove_stale_parts(&self.inbox, self.stale_upload_age);
        for p in &removed {
            tracing::info!(
                "removed the unfinished upload {}, unwritten for over {:?}",
                p.display(),
                self.stale_upload_age
            );
        }
        if !removed.is_empty() {
            tracing::info!("removed {} stale unfinished uploads from {}", removed.len(), self.inbox.display());
        }
        removed.len()
    }

    /// Asks for a re-scan (coalesced with any already pending).
    pub fn wake(&self) {
        if let Ok(mut s) = self.status.lock() {
            s.pending = true;
        }
        self.wake.notify_one();
    }

    /// Starts the re-scan worker, the sweep of stale unfinished uploads (now, then every
    /// `min(stale_upload_age, 1 hour)`) and, when folders are watched, the poller.
    pub fn spawn(self: Arc<Self>, state: AppState) {
        let sweeper = self.clone();
        tokio::spawn(async move {
            let every = sweeper.stale_upload_age.clamp(Duration::from_secs(1), SWEEP_AT_LEAST_EVERY);
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let ingest = sweeper.clone();
                if let Err(e) = tokio::task::spawn_blocking(move || ingest.remove_stale_uploads()).await {
                    tracing::warn!("the sweep of stale unfinished uploads failed: {e}");
                }
            }
        });
        let me = self.clone();
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                me.wake.notified().await;
                let started = Started::new("ingest", "new or changed inputs in the inbox or a watched folder");
                if let Err(e) = me.rescan(&st, &started).await {
                    tracing::warn!("re-scan failed: {e}");
                }
            }
        });
        if !self.watch.is_empty() {
            tokio::spawn(async move {
                let mut last = self.signature();
                loop {
                    tokio::time::sleep(self.poll).await;
                    let now = self.signature();
                    if now != last {
                        last = now;
                        self.wake();
                    }
                }
            });
        }
    }

    /// Scans the inbox and watched folders now, stores the run and reloads the
    /// snapshot; returns the new run id.
    pub async fn rescan(&self, state: &AppState, started_by: &Started) -> Result<String, ServeError> {
        if let Ok(mut s) = self.status.lock() {
            s.scanning = true;
            s.pending = false;
        }
        let started = Instant::now();
        let result = self.scan_and_store(state, started_by).await;
        let ms = started.elapsed().as_millis() as u64;
        state.metrics.last_rescan_ms.store(ms, Ordering::Relaxed);
        if let Ok(mut s) = self.status.lock() {
            s.scanning = false;
            s.last_duration_ms = Some(ms);
            match &result {
                Ok(id) => {
                    s.scans += 1;
                    s.last_run_id = Some(id.clone());
                    s.last_error = None;
                }
                Err(e) => s.last_error = Some(e.to_string()),
            }
        }
        match &result {
            Ok(_) => Metrics::inc(&state.metrics.rescans),
            Err(_) => Metrics::inc(&state.metrics.rescan_failures),
        }
        result
    }

    async fn scan_and_store(&self, state: &AppState, started_by: &Started) -> Result<String, ServeError> {
        let roots = self.roots();
        let forced: Vec<(Format, PathBuf)> = std::fs::read_dir(&self.inbox)?
            .flatten()
            .map(|e| e.path())
            .filter_map(|p| forced_format(&p).map(|f| (f, p)))
            .collect();
        let config = self.engine.clone();
        let key_file = self.key_file.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let keyring = Keyring::load_or_create(&key_file).map_err(|e| ServeError::Other(e.to_string()))?;
            let req = ScanRequest { forced, ..ScanRequest::new(roots, keyring) };
            bonafide_engine::scan(&config, req).map_err(|e| ServeError::Other(format!("scan failed: {e}")))
        })
        .await
        .map_err(|e| ServeError::Other(format!("scan task failed: {e}")))??;
        state.db.save_run(&outcome, started_by).await?;
        state.reload().await?;
        Ok(outcome.run.run_id.clone())
    }
}

/// Removes the hidden `.part` files directly in `dir` whose last write is more than
/// `age` ago; returns those removed. A file that cannot be read or removed is logged and
/// left.
fn remove_stale_parts(dir: &Path, age: Duration) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            tracing::warn!("cannot list the inbox {} for stale unfinished uploads: {e}", dir.display());
            return Vec::new();
        }
    };
    let now = SystemTime::now();
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_str().is_some_and(|n| n.starts_with('.') && n.ends_with(".part")) {
            continue;
        }
        let path = e.path();
        // Not followed through a link: only files `save` made are removed.
        let modified = match std::fs::symlink_metadata(&path)
            .and_then(|m| if m.is_file() { m.modified().map(Some) } else { Ok(None) })
        {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(err) => {
                tracing::warn!("cannot read the age of {}: {err}", path.display());
                continue;
            }
        };
        // A time in the future (clock skew between replicas) counts as fresh.
        if now.duration_since(modified).is_ok_and(|idle| idle > age) {
            match std::fs::remove_file(&path) {
                Ok(()) => removed.push(path),
                // Another replica's sweep may have removed it first.
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => tracing::warn!("cannot remove the stale unfinished upload {}: {err}", path.display()),
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hidden_part_files_unwritten_for_longer_than_the_age_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let two_days_ago = SystemTime::now() - Duration::from_secs(48 * 3600);
        let file = |name: &str, modified: Option<SystemTime>| {
            let p = dir.path().join(name);
            std::fs::write(&p, b"x").expect("write");
            if let Some(t) = modified {
                std::fs::File::options().write(true).open(&p).and_then(|f| f.set_modified(t)).expect("set mtime");
            }
        };
        file(".20250101T000000-0001-1-crashed.csv.part", Some(two_days_ago));
        file(".20250101T000000-0002-1-arriving.csv.part", None);
        file("20250101T000000-0003-1-finished.part", Some(two_days_ago));
        file(".hidden-but-not-part", Some(two_days_ago));
        let removed = remove_stale_parts(dir.path(), STALE_UPLOAD_AGE);
        assert_eq!(removed, [dir.path().join(".20250101T000000-0001-1-crashed.csv.part")]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".20250101T000000-0002-1-arriving.csv.part",
                ".hidden-but-not-part",
                "20250101T000000-0003-1-finished.part"
            ]
        );
        assert!(remove_stale_parts(dir.path(), STALE_UPLOAD_AGE).is_empty(), "nothing more");
        assert!(remove_stale_parts(&dir.path().join("missing"), STALE_UPLOAD_AGE).is_empty());
    }

    #[test]
    fn upload_names_cannot_escape_the_inbox() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\x\\okta log.json"), "okta_log.json");
        assert_eq!(safe_name("..."), "upload");
        assert_eq!(safe_name(""), "upload");
    }

    #[test]
    fn forced_format_round_trips_through_the_name() {
        let p = PathBuf::from("/x/20250101T000000-0001-1__fmt-okta__push.ndjson");
        assert_eq!(forced_format(&p), Format::from_name("okta"));
        assert_eq!(forced_format(Path::new("/x/plain.csv")), None);
    }
}

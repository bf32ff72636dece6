//! `bonafide worker --nats URL --db postgres://... --partitions 0-3`: consumes its
//! partitions with one durable pull consumer each (`bonafide-p<N>`, shared by every
//! worker that takes partition N), and commits each fetched batch to PostgreSQL in one
//! transaction — events upserted by id, per-actor state for the new ones, unusable
//! messages parked with their reason — and acks the batch only after the commit. A
//! crash before the ack means redelivery, which the upsert makes harmless; a crash
//! after it loses nothing. While PostgreSQL is unreachable the batch is retried with
//! backoff and kept unacked (with progress acks so it is not redelivered meanwhile).
//! A batch the database refuses for its data (a key too long for its index, say) is
//! committed again one message at a time and the refused messages are parked, so one
//! bad message never stalls a partition.
//!
//! SIGTERM or Ctrl-C stops fetching; the batch in hand is committed and acked first.
//! `--listen ADDR` serves `/healthz`, `/readyz` and Prometheus `/metrics` (lag per
//! partition, events and parked messages per partition).

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use async_nats::jetstream::{self, AckKind, consumer::pull};
use bonafide_store::PgStore;
use bonafide_store::StoreError;
use bonafide_store::postgres::{Committed, Parked, StreamEvent};
use futures_util::StreamExt;

use crate::bus;

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The NATS server with JetStream.
    #[arg(long, env = "BONAFIDE_NATS_URL", value_name = "URL")]
    nats: String,
    /// The JetStream stream (created if missing); its subjects are `<name>.events.<p>`
    /// in lower case.
    #[arg(long, env = "BONAFIDE_STREAM", default_value = bus::STREAM)]
    stream: String,
    /// The shared PostgreSQL store (postgres://...).
    #[arg(long, env = "BONAFIDE_PG_URL", value_name = "URL")]
    db: String,
    /// The partitions this worker consumes: a range (0-3), a list (0,2) or one (1).
    #[arg(long, default_value = "0-3", value_name = "LIST")]
    partitions: String,
    /// Messages fetched and committed together.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Seconds before an unacked message is redelivered (to this or another worker).
    #[arg(long, default_value_t = 30)]
    ack_wait: u64,
    /// Serve /healthz, /readyz and /metrics on this address (e.g. 127.0.0.1:9464).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Exit once every partition has had nothing to fetch for this many seconds
    /// (batch jobs, tests, benchmarks); by default the worker runs until SIGTERM.
    #[arg(long, value_name = "SECS")]
    exit_when_idle: Option<u64>,
}

/// Parses `0-3`, `0,2,5` or `1`.
pub fn parse_partitions(s: &str) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.trim().parse()?, b.trim().parse()?);
                if a > b || b - a > 4096 {
                    bail!("partition range {part:?} is empty or too large");
                }
                out.extend(a..=b);
            }
            None => out.push(part.parse().with_context(|| format!("{part:?} is not a partition number"))?),
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        bail!("no partitions in {s:?}");
    }
    Ok(out)
}

/// Counters for one partition, read by /metrics.
#[derive(Default)]
struct PartStats {
    events: AtomicU64,
    inserted: AtomicU64,
    problems: AtomicU64,
    parked: AtomicU64,
    lag: AtomicU64,
    retries: AtomicU64,
    idle_since_ms: AtomicU64,
}

struct Shared {
    parts: Vec<(u32, PartStats)>,
    stop: Arc<AtomicBool>,
    started: Instant,
    store: PgStore,
    client: async_nats::Client,
}

fn consumer_name(part: u32) -> String {
    format!("bonafide-p{part}")
}

pub fn run(args: WorkerArgs) -> Result<ExitCode> {
    if !bonafide_store::db::is_postgres_url(&args.db) {
        bail!("--db must be a postgres:// URL: workers share one PostgreSQL store");
    }
    let parts = parse_partitions(&args.partitions)?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(work(args, parts))
}

async fn open_store(url: &str, stop: &AtomicBool) -> Result<PgStore> {
    let mut delay = Duration::from_millis(200);
    loop {
        match PgStore::open(url).await {
            Ok(s) => return Ok(s),
            Err(e) if !stop.load(Ordering::Relaxed) => {
                eprintln!("worker: PostgreSQL not ready ({e}); retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn work(args: WorkerArgs, parts: Vec<u32>) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    spawn_signals(stop.clone())?;
    let store = open_store(&args.db, &stop).await?;
    let client =
        async_nats::connect(&args.nats).await.with_context(|| format!("connecting to NATS at {}", args.nats))?;
    let js = jetstream::new(client.clone());
    let bus = bus::Bus::new(&args.stream)?;
    bus::ensure_stream(&js, &bus).await?;
    let stream = js.get_stream(&bus.stream).await.map_err(|e| anyhow::anyhow!("opening stream: {e}"))?;
    let shared = Arc::new(Shared {
        parts: parts.iter().map(|p| (*p, PartStats::default())).collect(),
        stop,
        started: Instant::now(),
        store,
        client: client.clone(),
    });
    if let Some(addr) = &args.listen {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        eprintln!("worker: serving /healthz /readyz /metrics on {}", listener.local_addr()?);
        tokio::spawn(serve(listener, shared.clone()));
    }
    let mut tasks = Vec::new();
    for (slot, &part) in parts.iter().enumerate() {
        let consumer = stream
            .get_or_create_consumer(
                &consumer_name(part),
                pull::Config {
                    durable_name: Some(consumer_name(part)),
                    filter_subject: bus.subject(part),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(args.ack_wait),
                    max_ack_pending: 20_000,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("creating consumer {}: {e}", consumer_name(part)))?;
        tasks.push(tokio::spawn(consume(consumer, part, slot, shared.clone(), args.batch.max(1), args.exit_when_idle)));
    }
    let mut failed = None;
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failed = Some(e),
            Err(e) => failed = Some(anyhow::anyhow!("a partition task failed: {e}")),
        }
    }
    client.flush().await.context("flushing acks to NATS")?;
    let total: u64 = shared.parts.iter().map(|(_, s)| s.inserted.load(Ordering::Relaxed)).sum();
    let parked: u64 = shared.parts.iter().map(|(_, s)| s.parked.load(Ordering::Relaxed)).sum();
    eprintln!("worker: stopped; {total} new events committed, {parked} messages parked");
    shared.store.close().await;
    match failed {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn spawn_signals(stop: Arc<AtomicBool>) -> Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        eprintln!("worker: stopping after the batches in hand");
        stop.store(true, Ordering::Relaxed);
    });
    Ok(())
}

async fn consume(
    mut consumer: jetstream::consumer::Consumer<pull::Config>,
    part: u32,
    slot: usize,
    shared: Arc<Shared>,
    batch_size: usize,
    exit_when_idle: Option<u64>,
) -> Result<()> {
    let stats = &shared.parts[slot].1;
    let mut idle_since = Instant::now();
    let mut last_info = Instant::now() - Duration::from_secs(10);
    while !shared.stop.load(Ordering::Relaxed) {
        if last_info.elapsed() >= Duration::from_millis(500) {
            if let Ok(info) = consumer.info().await {
                stats.lag.store(info.num_pending + info.num_ack_pending as u64, Ordering::Relaxed);
            }
            last_info = Instant::now();
        }
        let mut batch =
            match consumer.fetch().max_messages(batch_size).expires(Duration::from_millis(500)).messages().await {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("worker: partition {part}: fetch failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            };
        let mut msgs = Vec::new();
        while let Some(m) = batch.next().await {
            match m {
                Ok(m) => msgs.push(m),
                Err(e) => {
                    eprintln!("worker: partition {part}: {e}");
                    break;
                }
            }
        }
        if msgs.is_empty() {
            stats.idle_since_ms.store(idle_since.elapsed().as_millis() as u64, Ordering::Relaxed);
            if let Some(secs) = exit_when_idle
                && idle_since.elapsed() >= Duration::from_secs(secs)
            {
                break;
            }
            continue;
        }
        idle_since = Instant::now();
        let (events, parked) = decode_batch(&msgs, part);
        let mut delay = Duration::from_millis(100);
        let committed = loop {
            let attempt = match shared.store.commit_batch(&events, &parked).await {
                Err(e) if e.is_permanent() => {
                    eprintln!(
                        "worker: partition {part}: the database refused the batch ({e}); committing its messages one at a time"
                    );
                    commit_singly(&shared.store, &events, &parked, &msgs, part).await
                }
                other => other,
            };
            match attempt {
                Ok(c) => break c,
                Err(e) if shared.stop.load(Ordering::Relaxed) => {
                    // Stopping with the store away: leave the batch unacked; it is
                    // redelivered to whichever worker runs next, and the upsert makes
                    // that harmless.
                    eprintln!(
                        "worker: partition {part}: stopping with an uncommitted batch ({e}); it will be redelivered"
                    );
                    return Ok(());
                }
                Err(e) => {
                    stats.retries.fetch_add(1, Ordering::Relaxed);
                    eprintln!("worker: partition {part}: commit failed ({e}); retrying in {delay:?}");
                    // Keep the batch ours while we wait instead of letting it be redelivered.
                    keep_ours(&msgs).await;
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        };
        for m in &msgs {
            if let Err(e) = m.ack().await {
                // Not fatal: the message is redelivered and the upsert ignores it.
                eprintln!("worker: partition {part}: ack failed ({e})");
            }
        }
        stats.events.fetch_add(msgs.len() as u64, Ordering::Relaxed);
        stats.inserted.fetch_add(committed.inserted, Ordering::Relaxed);
        stats.problems.fetch_add(committed.problems, Ordering::Relaxed);
        stats.parked.fetch_add(committed.parked, Ordering::Relaxed);
    }
    Ok(())
}

/// Commits a batch the database refused, one message at a time: each message it
/// refuses again is parked with the database's reason, so one bad message cannot stall
/// its partition, and the rest are committed. Fails, for the caller to retry the batch,
/// on an error that is not the data's, and when the database refuses every message of a
/// batch of several: that is the schema or the deployment, not the messages, and
/// parking a whole stream would only move the problem (the upserts make the retry
/// harmless).
async fn commit_singly(
    store: &PgStore,
    events: &[StreamEvent],
    parked: &[Parked],
    msgs: &[jetstream::Message],
    part: u32,
) -> Result<Committed, StoreError> {
    let mut done = Committed::default();
    let mut park = parked.to_vec();
    let mut refused = None;
    for (i, e) in events.iter().enumerate() {
        if i % 50 == 49 {
            // One round trip each: keep the batch ours meanwhile.
            keep_ours(msgs).await;
        }
        match store.commit_batch(std::slice::from_ref(e), &[]).await {
            Ok(c) => {
                done.inserted += c.inserted;
                done.problems += c.problems;
            }
            Err(err) if err.is_permanent() => {
                park.push(Parked {
                    part: part as i32,
                    stream_seq: e.stream_seq,
                    msg_id: Some(e.event_id.clone()),
                    reason: format!("refused by the database: {err}"),
                    payload: bus::storable(e.event.as_bytes()),
                });
                refused = Some(err);
            }
            Err(err) => return Err(err),
        }
    }
    if let Some(err) = refused
        && events.len() > 1
        && park.len() - parked.len() == events.len()
    {
        return Err(err);
    }
    done.parked = store.commit_batch(&[], &park).await?.parked;
    Ok(done)
}

/// Progress acks for a batch in hand, so the server does not redeliver it meanwhile.
/// Best effort: a lost ack means a redelivery, which the upserts make harmless.
async fn keep_ours(msgs: &[jetstream::Message]) {
    for m in msgs {
        if let Err(e) = m.ack_with(AckKind::Progress).await {
            tracing::debug!("progress ack failed (the batch may be redelivered): {e}");
        }
    }
}

fn decode_batch(msgs: &[jetstream::Message], part: u32) -> (Vec<StreamEvent>, Vec<Parked>) {
    let mut events = Vec::with_capacity(msgs.len());
    let mut parked = Vec::new();
    for m in msgs {
        let seq = m.info().map(|i| i.stream_sequence as i64).unwrap_or(0);
        let msg_id = m.headers.as_ref().and_then(|h| h.get("Nats-Msg-Id")).map(|v| v.as_str().to_string());
        let decoded = bus::decode(&m.payload, part).and_then(|env| {
            // `decode` guarantees exactly one of the two.
            let (kind, line, idx, at_ms, json) = match (&env.event, &env.problem) {
                (Some(e), _) => (
                    bonafide_store::postgres::EVENT,
                    e.source.line,
                    e.source.index,
                    e.at.0,
                    serde_json::to_string(e).map_err(|e| format!("event cannot be re-encoded: {e}"))?,
                ),
                (None, Some(p)) => (
                    p.kind.as_str(),
                    p.line,
                    p.index,
                    0,
                    serde_json::to_string(p).map_err(|e| format!("problem cannot be re-encoded: {e}"))?,
                ),
                (None, None) => return Err("an envelope carries either an event or a problem".to_string()),
            };
            Ok(StreamEvent {
                event_id: env.id,
                kind,
                part: part as i32,
                actor_key: env.actor,
                batch: env.batch,
                file_ord: env.file_ord as i64,
                file_path: env.file,
                format: env.format,
                line: line as i64,
                idx: idx.map(|i| i as i64),
                at_ms,
                event: json,
                stream_seq: seq,
            })
        });
        match decoded {
            Ok(e) => events.push(e),
            Err(reason) => parked.push(Parked {
                part: part as i32,
                stream_seq: seq,
                msg_id,
                reason,
                payload: bus::storable(&m.payload),
            }),
        }
    }
    // One event id twice in a batch would make the upsert touch a row twice.
    let mut seen = std::collections::HashSet::new();
    events.retain(|e| seen.insert(e.event_id.clone()));
    (events, parked)
}

async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    loop {
        let Ok((mut sock, _)) = listener.accept().await else { continue };
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let n = match tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf)).await {
                Ok(Ok(n)) => n,
                _ => return,
            };
            let req = String::from_utf8_lossy(&buf[..n]);
            let path = req.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match path {
                "/healthz" => ("200 OK", "ok\n".to_string()),
                "/readyz" => {
                    let nats = shared.client.connection_state() == async_nats::connection::State::Connected;
                    let pg = tokio::time::timeout(Duration::from_secs(2), shared.store.ping()).await;
                    match (nats, pg) {
                        (true, Ok(Ok(()))) => ("200 OK", "ready\n".to_string()),
                        (false, _) => ("503 Service Unavailable", "NATS not connected\n".to_string()),
                        (_, _) => ("503 Service Unavailable", "PostgreSQL not reachable\n".to_string()),
                    }
                }
                "/metrics" => ("200 OK", metrics(&shared)),
                _ => ("404 Not Found", "not found\n".to_string()),
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        });
    }
}

/// A metric family: name, type, help, and how to read it from a partition's counters.
type Family = (&'static str, &'static str, &'static str, fn(&PartStats) -> u64);

/// Prometheus text: counters per partition, lag (pending + unacked) per partition,
/// and the worker's mean events/s since it started.
fn metrics(shared: &Shared) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let families: [Family; 6] = [
        ("bonafide_worker_messages_total", "counter", "Messages committed (events and parked).", |p| {
            p.events.load(Ordering::Relaxed)
        }),
        ("bonafide_worker_events_inserted_total", "counter", "Events that were new to the store.", |p| {
            p.inserted.load(Ordering::Relaxed)
        }),
        (
            "bonafide_worker_problems_inserted_total",
            "counter",
            "Input problems (quarantined records, field issues) new to the store.",
            |p| p.problems.load(Ordering::Relaxed),
        ),
        ("bonafide_worker_parked_total", "counter", "Messages parked with a reason.", |p| {
            p.parked.load(Ordering::Relaxed)
        }),
        ("bonafide_worker_commit_retries_total", "counter", "Batch commits retried.", |p| {
            p.retries.load(Ordering::Relaxed)
        }),
        ("bonafide_worker_lag_messages", "gauge", "Messages not yet delivered or not yet acked.", |p| {
            p.lag.load(Ordering::Relaxed)
        }),
    ];
    for (name, kind, help, get) in families {
        let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (part, p) in &shared.parts {
            let _ = writeln!(s, "{name}{{partition=\"{part}\"}} {}", get(p));
        }
    }
    let total: u64 = shared.parts.iter().map(|(_, p)| p.events.load(Ordering::Relaxed)).sum();
    let secs = shared.started.elapsed().as_secs_f64().max(1e-3);
    let _ = writeln!(
        s,
        "# HELP bonafide_worker_events_per_second Messages committed per second since start.\n# TYPE bonafide_worker_events_per_second gauge\nbonafide_worker_events_per_second {:.1}",
        total as f64 / secs
    );
    s
}

#[cfg(test)]
mod tests {
    use super::parse_partitions;

    proptest::proptest! {
        #[test]
        fn partition_lists_never_panic(s in "[0-9,\\- x]{0,24}") {
            if let Ok(parts) = parse_partitions(&s) {
                proptest::prop_assert!(!parts.is_empty());
                proptest::prop_assert!(parts.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }

    #[test]
    fn partitions_parse() {
        assert_eq!(parse_partitions("0-3").unwrap(), vec![0, 1, 2, 3]);
        assert_eq!(parse_partitions("2,0,2").unwrap(), vec![0, 2]);
        assert_eq!(parse_partitions("1").unwrap(), vec![1]);
        assert!(parse_partitions("3-1").is_err());
        assert!(parse_partitions("").is_err());
        assert!(parse_partitions("x").is_err());
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The scale-out mode end to end, against the real PostgreSQL (BONAFIDE_PG_URL) and NATS
//! JetStream (BONAFIDE_NATS_URL) servers: each test gets a schema and a stream of its
//! own. Skipped with a message when the variables are unset outside CI; failing in CI.
//!
//! - equivalence: examples/small scanned embedded and through NATS with two workers
//!   plus the finalize step gives the same subjects, findings, scores and clusters;
//! - a worker killed with SIGKILL mid-stream and restarted loses no event and
//!   duplicates no finding;
//! - a malformed message, or one the database refuses, is parked with its reason and
//!   the partition flows on;
//! - PostgreSQL cut for seconds (through a TCP proxy the test controls, since a test
//!   must not stop the machine's server): workers retry and recover.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bonafide_store::PgStore;
use bonafide_store::testing::{fresh_schema, server_url};
use serde_json::Value;

const SMALL_EVENTS: i64 = 5071;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn small() -> PathBuf {
    repo().join("examples/small")
}

struct Env {
    pg: String,
    nats: String,
    stream: String,
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

impl Env {
    /// A schema and a stream of the test's own, or None when skipped.
    fn new(test: &str) -> Option<Env> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let nats = server_url("BONAFIDE_NATS_URL", test)?;
        let pg = rt.block_on(fresh_schema(test))?;
        let stream = format!("T{}{}", test.replace('_', "").to_uppercase(), std::process::id());
        Some(Env { pg, nats, stream, dir: tempfile::tempdir().unwrap(), rt })
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_bonafide"));
        c.env("BONAFIDE_KEY_FILE", self.dir.path().join("secret.key"))
            .env("BONAFIDE_NATS_URL", &self.nats)
            .env("BONAFIDE_STREAM", &self.stream)
            .env("NO_COLOR", "1")
            .current_dir(small());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.cmd().args(args).output().expect("run bonafide");
        assert!(
            out.status.success(),
            "bonafide {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn ingest(&self) {
        self.run(&["ingest", "okta_system_log.ndjson.gz"]);
    }

    fn worker(&self, db: &str, parts: &str, extra: &[&str]) -> Child {
        self.cmd()
            .args(["worker", "--db", db, "--partitions", parts])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start worker")
    }

    fn store(&self) -> PgStore {
        self.rt.block_on(PgStore::open(&self.pg)).expect("open store")
    }

    fn count(&self, store: &PgStore, table: &str) -> i64 {
        let counts = self.rt.block_on(store.counts()).expect("counts");
        counts.into_iter().find(|(t, _)| t == table).map(|(_, n)| n).expect("table counted")
    }

    fn report(&self, args: &[&str], name: &str) -> Value {
        let out = self.dir.path().join(name);
        let mut a: Vec<&str> = args.to_vec();
        let o = out.display().to_string();
        a.extend(["--out", &o, "-q"]);
        self.run(&a);
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
    }

    /// The embedded scan, its run also stored in a SQLite file (`embedded.db`).
    fn embedded(&self) -> Value {
        let db = self.dir.path().join("embedded.db").display().to_string();
        self.report(&["scan", ".", "--db", &db], "embedded")
    }

    /// The finalize step: the reference files plus the stored events, stored as a run.
    fn finalize(&self, name: &str) -> Value {
        self.report(
            &["scan", "--from-db", &self.pg, "--db", &self.pg, "people.csv", "accounts.csv", "ipintel.csv"],
            name,
        )
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let nats = self.nats.clone();
        let stream = self.stream.clone();
        self.rt.block_on(bonafide_store::testing::drop_schema(&self.pg));
        let _ = self.rt.block_on(async move {
            let c = async_nats::connect(nats).await?;
            let js = async_nats::jetstream::new(c);
            js.delete_stream(&stream).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok::<_, anyhow::Error>(())
        });
    }
}

fn wait_ok(mut child: Child, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            assert!(status.success(), "{what} failed: {err}");
            return err;
        }
        assert!(Instant::now() < deadline, "{what} did not finish");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What must be equal between modes: every subject with its score, band and findings,
/// and the clusters.
fn essence(report: &Value) -> (Value, Value, usize) {
    let subjects = report["subjects"].clone();
    let findings = subjects.as_array().unwrap().iter().map(|s| s["findings"].as_array().map_or(0, Vec::len)).sum();
    (subjects, report["clusters"].clone(), findings)
}

fn assert_same(embedded: &Value, distributed: &Value) {
    let (a, b) = (essence(embedded), essence(distributed));
    assert!(a.2 > 0, "the example must have findings for the comparison to mean anything");
    assert_eq!(a.0.as_array().unwrap().len(), b.0.as_array().unwrap().len(), "subject count");
    assert_eq!(a, b, "embedded and distributed results differ");
}

#[test]
fn two_workers_give_the_embedded_result() {
    let Some(env) = Env::new("equivalence") else { return };
    env.ingest();
    let w1 = env.worker(&env.pg, "0-1", &["--exit-when-idle", "2"]);
    let w2 = env.worker(&env.pg, "2-3", &["--exit-when-idle", "2"]);
    wait_ok(w1, "worker 0-1");
    wait_ok(w2, "worker 2-3");
    let store = env.store();
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS);
    // Re-publishing the same file changes nothing: ids are stable, writes are upserts.
    env.ingest();
    wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "2"]), "worker 0-3");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS);
    let embedded = env.embedded();
    let distributed = env.finalize("distributed");
    assert_same(&embedded, &distributed);
    // The run was stored in PostgreSQL with every finding once.
    // The run stored in PostgreSQL has the embedded run's rows, every finding once.
    let lite = env.rt.block_on(bonafide_store::Store::open(&env.dir.path().join("embedded.db"))).unwrap();
    let lite_counts = env.rt.block_on(lite.counts()).unwrap();
    for table in ["runs", "subjects", "subject_scores", "findings", "finding_subjects", "clusters"] {
        let want = lite_counts.iter().find(|(t, _)| t == table).unwrap().1;
        assert_eq!(env.count(&store, table), want, "{table}");
    }
    let state = env.rt.block_on(store.actor_state()).unwrap();
    assert_eq!(state.iter().map(|s| s.1).sum::<i64>(), SMALL_EVENTS, "per-actor state counts each event once");
}

#[test]
fn a_killed_worker_loses_nothing_and_duplicates_nothing() {
    let Some(env) = Env::new("sigkill") else { return };
    env.ingest();
    let store = env.store();
    // Small batches and a short ack wait: slow enough to kill mid-stream, quick redelivery.
    let mut w = env.worker(&env.pg, "0-3", &["--batch", "10", "--ack-wait", "2"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let at_kill = loop {
        let n = env.count(&store, "stream_events");
        if n >= 300 {
            break n;
        }
        assert!(Instant::now() < deadline, "the worker made no progress");
        std::thread::sleep(Duration::from_millis(20));
    };
    w.kill().unwrap(); // SIGKILL
    w.wait().unwrap();
    let after_kill = env.count(&store, "stream_events");
    assert!(after_kill < SMALL_EVENTS, "killed after the stream was done ({at_kill}); not a mid-stream kill");
    wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "4", "--ack-wait", "2"]), "restarted worker");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS, "events lost or duplicated");
    let state = env.rt.block_on(store.actor_state()).unwrap();
    assert_eq!(state.iter().map(|s| s.1).sum::<i64>(), SMALL_EVENTS, "redelivery double counted");
    let distributed = env.finalize("after_kill");
    assert_same(&env.embedded(), &distributed);
}

/// An input that breaks off (a truncated gzip) publishes what it held and fails the
/// command, so a script knows to run it again.
#[test]
fn an_input_that_stops_early_fails_the_ingest() {
    let Some(env) = Env::new("stops_early") else { return };
    let whole = std::fs::read(small().join("okta_system_log.ndjson.gz")).unwrap();
    let cut = env.dir.path().join("okta_cut.ndjson.gz");
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).unwrap();
    let out = env.cmd().arg("ingest").arg(&cut).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped early") && err.contains("run again"), "{err}");
}

/// Records the reader quarantines, or keeps without a field, reach the finalize report
/// as they do in an embedded scan: counted per input and listed with their lines.
#[test]
fn quarantined_records_reach_the_finalize_report() {
    let Some(env) = Env::new("problems") else { return };
    let file = env.dir.path().join("vpn.csv");
    std::fs::write(
        &file,
        "account,at,ip,country\n\
         ann@example.com,2025-05-01T09:00:00Z,73.63.112.167,US\n\
         ann@example.com,not-a-time,73.63.112.167,US\n\
         ann@example.com,2025-05-01T10:00:00Z,1.2.3,US\n\
         ann@example.com,2025-05-01T11:00:00Z,73.63.112.167,Narnia\n\
         ann@example.com,\"2025-05-01T12:00:00Z,73.63.112.167,US\n\
         ann@example.com,2025-05-01T13:00:00Z,73.63.112.167,US\n",
    )
    .unwrap();
    let path = file.display().to_string();
    env.run(&["ingest", &path]);
    // Twice: republished problems are stored once.
    env.run(&["ingest", &path]);
    wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "2"]), "worker 0-3");
    let embedded = env.report(&["scan", &path, "people.csv", "accounts.csv", "ipintel.csv"], "embedded");
    let distributed = env.finalize("distributed");
    let counts = |r: &Value| {
        let i = r["inputs"].as_array().unwrap().iter().find(|i| i["format"] == "signins").cloned().unwrap();
        (i["records"].clone(), i["quarantined"].clone(), i["field_issues"].clone())
    };
    assert_eq!(counts(&embedded), (3.into(), 3.into(), 1.into()), "{}", embedded["inputs"]);
    assert_eq!(counts(&distributed), counts(&embedded), "{}", distributed["inputs"]);
    let lines = |r: &Value| -> Vec<String> {
        let mut l: Vec<String> = r["quarantine"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["source"].as_str().unwrap().contains("vpn.csv"))
            .map(|q| q["source"].as_str().unwrap().rsplit(':').next().unwrap().to_string())
            .collect();
        l.sort();
        l
    };
    assert_eq!(lines(&distributed), lines(&embedded));
    assert_eq!(lines(&embedded), ["3", "4", "6"]);
}

#[test]
fn a_malformed_message_is_parked_and_the_partition_flows() {
    let Some(env) = Env::new("parked") else { return };
    // The stream exists before the bad messages: an ingest of nothing creates it.
    env.run(&["ingest", "people.csv"]);
    let subject = format!("{}.events.1", env.stream.to_lowercase());
    let stream = env.stream.clone();
    let nats = env.nats.clone();
    env.rt.block_on(async move {
        let c = async_nats::connect(nats).await.unwrap();
        let js = async_nats::jetstream::new(c);
        js.get_stream(&stream).await.unwrap();
        js.publish(subject.clone(), "{\"v\":1, \"truncated".into()).await.unwrap().await.unwrap();
        js.publish(subject, "[1,2,3]".into()).await.unwrap().await.unwrap();
    });
    // Valid events after the bad ones, on every partition.
    env.ingest();
    wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "2"]), "worker");
    let store = env.store();
    let parked = env.rt.block_on(store.parked()).unwrap();
    assert_eq!(parked.len(), 2, "{parked:?}");
    assert!(parked.iter().all(|(p, _, r)| *p == 1 && r.contains("not a bonafide envelope")), "{parked:?}");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS);
}

/// A message PostgreSQL refuses on every retry (an account name too long for the actor
/// index: incompressible text beyond a third of a page) must not stall its partition: it
/// is parked with the database's reason and everything else is committed.
#[test]
fn a_message_the_database_refuses_is_parked_and_the_partition_flows() {
    let Some(env) = Env::new("refused") else { return };
    let mut huge = String::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while huge.len() < 8000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        huge.push_str(&format!("{x:016x}"));
    }
    let signins = env.dir.path().join("signins.csv");
    std::fs::write(
        &signins,
        format!(
            "account,at,ip,result\n\
             ana@acme.example,2025-03-03T14:00:00Z,203.0.113.7,success\n\
             {huge}@acme.example,2025-03-03T14:05:00Z,203.0.113.8,success\n\
             ben@acme.example,2025-03-03T14:10:00Z,203.0.113.9,success\n"
        ),
    )
    .unwrap();
    env.run(&["ingest", signins.to_str().unwrap()]);
    env.ingest();
    let err = wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "2"]), "worker");
    let store = env.store();
    let parked = env.rt.block_on(store.parked()).unwrap();
    assert_eq!(parked.len(), 1, "{parked:?}\n{err}");
    assert!(parked[0].2.contains("refused by the database"), "{parked:?}");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS + 2);
}

/// A TCP proxy to PostgreSQL that the test can cut: while down it closes every open
/// connection and every new one at once, as a stopped server would.
struct Proxy {
    port: u16,
    down: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (d, cs) = (down.clone(), conns.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if d.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else { continue };
                let mut list = cs.lock().unwrap();
                list.push(client.try_clone().unwrap());
                list.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server.try_clone().unwrap(), client.try_clone().unwrap()),
                ] {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16384];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, down, conns }
    }

    fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

/// `url` with its host:port replaced by 127.0.0.1:`port`.
fn via(url: &str, port: u16) -> (String, String) {
    let start = url.find('@').map(|i| i + 1).unwrap_or_else(|| url.find("://").unwrap() + 3);
    let end = start + url[start..].find(['/', '?']).unwrap_or(url.len() - start);
    let host = &url[start..end];
    let target = if host.contains(':') { host.to_string() } else { format!("{host}:5432") };
    (format!("{}127.0.0.1:{port}{}", &url[..start], &url[end..]), target)
}

#[test]
fn workers_recover_when_postgres_goes_away() {
    let Some(env) = Env::new("pgdown") else { return };
    let (_, target) = via(&env.pg, 0);
    let proxy = Proxy::start(target);
    let (proxied, _) = via(&env.pg, proxy.port);
    env.ingest();
    let store = env.store();
    let w = env.worker(&proxied, "0-3", &["--batch", "20", "--exit-when-idle", "4"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.count(&store, "stream_events") < 200 {
        assert!(Instant::now() < deadline, "the worker made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    proxy.cut();
    // A COMMIT already on the wire may still land; settle before measuring.
    std::thread::sleep(Duration::from_millis(500));
    let during = env.count(&store, "stream_events");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(env.count(&store, "stream_events"), during, "writes went through a cut proxy?");
    proxy.restore();
    let log = wait_ok(w, "worker across the outage");
    assert!(during < SMALL_EVENTS, "the stream was done before the cut; not an outage test");
    assert!(log.contains("commit failed") || log.contains("not ready"), "no retry was needed? {log}");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS);
}

#[test]
fn worker_serves_health_and_metrics() {
    let Some(env) = Env::new("metrics") else { return };
    env.ingest();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut w = env.worker(&env.pg, "0-3", &["--listen", &addr]);
    let get = |path: &str| -> Option<String> {
        let mut s = TcpStream::connect(&addr).ok()?;
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        Some(body)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let store = env.store();
    while env.count(&store, "stream_events") < SMALL_EVENTS || get("/healthz").is_none() {
        assert!(Instant::now() < deadline, "worker did not drain the stream");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1200));
    assert!(get("/healthz").unwrap().starts_with("HTTP/1.1 200"));
    assert!(get("/readyz").unwrap().starts_with("HTTP/1.1 200"));
    let m = get("/metrics").unwrap();
    let total: u64 = m
        .lines()
        .filter(|l| l.starts_with("bonafide_worker_messages_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, SMALL_EVENTS as u64, "{m}");
    for p in 0..4 {
        assert!(m.contains(&format!("bonafide_worker_lag_messages{{partition=\"{p}\"}} 0")), "{m}");
    }
    assert!(get("/nope").unwrap().starts_with("HTTP/1.1 404"));
    // SIGTERM: a graceful stop.
    Command::new("kill").args(["-TERM", &w.id().to_string()]).status().unwrap();
    let status = w.wait().unwrap();
    assert!(status.success(), "worker did not stop cleanly on SIGTERM");
}

#[test]
fn sigterm_mid_stream_finishes_the_batches_in_hand() {
    let Some(env) = Env::new("sigterm") else { return };
    env.ingest();
    let store = env.store();
    let mut w = env.worker(&env.pg, "0-3", &["--batch", "50", "--ack-wait", "60"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.count(&store, "stream_events") < 300 {
        assert!(Instant::now() < deadline, "the worker made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    Command::new("kill").args(["-TERM", &w.id().to_string()]).status().unwrap();
    assert!(w.wait().unwrap().success(), "worker did not stop cleanly on SIGTERM");
    let stored = env.count(&store, "stream_events");
    assert!(stored < SMALL_EVENTS, "stopped after the stream was done; not a mid-stream stop");
    // Nothing fetched was left unacked (the ack wait is long: an abandoned batch would
    // still be pending), and every delivered message was committed.
    let (stream, nats) = (env.stream.clone(), env.nats.clone());
    let (pending, delivered) = env.rt.block_on(async move {
        let c = async_nats::connect(nats).await.unwrap();
        let js = async_nats::jetstream::new(c);
        let s = js.get_stream(&stream).await.unwrap();
        let (mut pending, mut delivered) = (0u64, 0u64);
        for p in 0..4 {
            let mut consumer: async_nats::jetstream::consumer::PullConsumer =
                s.get_consumer(&format!("bonafide-p{p}")).await.unwrap();
            let info = consumer.info().await.unwrap();
            pending += info.num_ack_pending as u64;
            delivered += info.delivered.consumer_sequence;
        }
        (pending, delivered)
    });
    assert_eq!(pending, 0, "batches in hand were abandoned at SIGTERM");
    assert_eq!(delivered as i64, stored, "a delivered message was acked without being stored");
    wait_ok(env.worker(&env.pg, "0-3", &["--exit-when-idle", "2"]), "restarted worker");
    assert_eq!(env.count(&store, "stream_events"), SMALL_EVENTS);
}

//! Load test: the subject list (`/queue?include_quiet=1`: the first 500 ranked subjects) and subject
//! pages (`/subjects/{id}`, which also append an audit entry each) at a fixed arrival
//! rate on loopback, as a signed-in viewer, over keep-alive connections.
//!
//!     cargo bench -p bonafide-serve --bench load            # 200 req/s for 10 s
//!     LOAD_RPS=400 LOAD_SECONDS=20 LOAD_USERS=5000 cargo bench -p bonafide-serve --bench load
//!     LOAD_DB=postgres://localhost/empty cargo bench -p bonafide-serve --bench load
//!
//! Open loop: request k is due at k/rps seconds whatever happened before, and its
//! latency counts from when it was due, so a stall shows up in the percentiles instead
//! of slowing the load down (no coordinated omission). The organisation is synthetic
//! (`bonafide-sim`'s Okta generator: LOAD_USERS people, 100 sign-in events each).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bonafide_serve::{AppState, Role, ServeConfig, auth};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One keep-alive HTTP/1.1 GET; the status and body length.
async fn get(conn: &mut TcpStream, path: &str, cookie: &str, buf: &mut Vec<u8>) -> (u16, usize) {
    let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
    conn.write_all(req.as_bytes()).await.unwrap();
    buf.clear();
    let mut chunk = [0u8; 65536];
    let (split, length) = loop {
        let n = conn.read(&mut chunk).await.unwrap();
        assert!(n > 0, "server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..p]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
                .expect("content-length");
            break (p + 4, len);
        }
    };
    while buf.len() < split + length {
        let n = conn.read(&mut chunk).await.unwrap();
        assert!(n > 0, "server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
    let status = String::from_utf8_lossy(&buf[9..12]).parse().unwrap_or(0);
    (status, length)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut v: Vec<Duration>, bytes: usize) {
    v.sort();
    println!(
        "{name:<16} n={:<5} p50={:>7.2} ms  p90={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms  ({} KiB/page)",
        v.len(),
        pct(&v, 0.50).as_secs_f64() * 1e3,
        pct(&v, 0.90).as_secs_f64() * 1e3,
        pct(&v, 0.99).as_secs_f64() * 1e3,
        v.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        bytes / 1024
    );
}

fn main() {
    let rps = env("LOAD_RPS", 200);
    let seconds = env("LOAD_SECONDS", 10);
    let users = env("LOAD_USERS", 2000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("org");
        let t0 = Instant::now();
        let w = bonafide_sim::bench::write_okta_org(&data, users * 100, users, 7).unwrap();
        // LOAD_DB=postgres://... (an empty database or schema) measures PostgreSQL.
        let db = std::env::var("LOAD_DB").map(std::path::PathBuf::from).unwrap_or_else(|_| dir.path().join("b.db"));
        let mut config = ServeConfig::new(db, "127.0.0.1:0".parse().unwrap());
        config.inbox = Some(dir.path().join("inbox"));
        config.watch = vec![data];
        config.key_file = Some(dir.path().join("key"));
        let state = AppState::open(&config).await.unwrap();
        state.ingest.rescan(&state, &bonafide_store::Started::new("bench", "load bench")).await.unwrap();
        let snap = state.snap().await;
        println!(
            "organisation: {} people, {} events, {} subjects in the run, {} findings; written and scanned in {:.1} s",
            w.users,
            w.events,
            snap.subjects.len(),
            snap.findings.len(),
            t0.elapsed().as_secs_f64()
        );
        let ids: Vec<String> = snap.subjects.iter().take(200).map(|s| s.id.clone()).collect();
        drop(snap);
        let pool = state.pool.clone();
        let uid = bonafide_serve::users::add_user(&pool, "bench", "load", Role::Viewer, "load test password")
            .await
            .unwrap()
            .user_id;
        let (token, _) = auth::create_session(&pool, uid).await.unwrap();
        let cookie = format!("{}={token}", auth::SESSION_COOKIE);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let app = bonafide_serve::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });

        // Enough connections that one slow response does not hold back the next due
        // request: each connection takes every `conns`-th request.
        let conns = 32u64;
        let total = rps * seconds;
        let start = Instant::now() + Duration::from_millis(200);
        let mut tasks = Vec::new();
        for c in 0..conns {
            let cookie = cookie.clone();
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = TcpStream::connect(addr).await.unwrap();
                conn.set_nodelay(true).unwrap();
                let mut buf = Vec::new();
                let mut out = Vec::new();
                let mut k = c;
                while k < total {
                    let due = start + Duration::from_secs_f64(k as f64 / rps as f64);
                    tokio::time::sleep_until(due.into()).await;
                    let list = k % 2 == 0;
                    let path = if list {
                        "/queue?include_quiet=1".to_string()
                    } else {
                        format!("/subjects/{}", ids[(k as usize / 2) % ids.len()])
                    };
                    let (status, len) = get(&mut conn, &path, &cookie, &mut buf).await;
                    assert_eq!(status, 200, "{path}");
                    out.push((list, due.elapsed(), len));
                    k += conns;
                }
                out
            }));
        }
        let mut list = Vec::new();
        let mut page = Vec::new();
        let (mut list_bytes, mut page_bytes) = (0, 0);
        for t in tasks {
            for (is_list, d, len) in t.await.unwrap() {
                if is_list {
                    list.push(d);
                    list_bytes = len;
                } else {
                    page.push(d);
                    page_bytes = len;
                }
            }
        }
        let wall = start.elapsed().as_secs_f64();
        let n = list.len() + page.len();
        println!(
            "{n} requests in {wall:.1} s = {:.0} req/s offered {rps}/s over {conns} keep-alive connections",
            n as f64 / wall
        );
        report("subject list", list.clone(), list_bytes);
        report("subject page", page.clone(), page_bytes);
        let mut all = list;
        all.extend(page);
        report("all", all, 0);
        let audits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'subject.view'")
            .fetch_one(&pool)
            .await
            .unwrap();
        println!("audit entries written for subject views: {audits}");
    });
}

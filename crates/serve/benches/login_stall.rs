//! Sign-ins against the rest of the service: the latency of two cheap requests (the
//! stylesheet, no database; `/healthz`, one `SELECT 1`) while LOGIN_TASKS tasks sign in
//! one after another, each as a user of its own, on the two worker threads
//! `bonafide serve` runs with. A password check is tens of milliseconds of argon2; on
//! the executor it holds a worker thread that long, and with every worker hashing, each
//! other request waits.
//!
//!     cargo bench -p bonafide-serve --bench login_stall             # 16 tasks, 10 s
//!     LOGIN_TASKS=32 LOGIN_SECONDS=20 cargo bench -p bonafide-serve --bench login_stall
//!
//! Requests go through the router in-process (no sockets), each probe in a task of its
//! own as a connection's would be, due every 10 ms whatever happened before; latency
//! counts from when it was due (no coordinated omission). The probes run first alone,
//! then with the sign-ins. In-process requests carry no client address, so only the
//! per-user sign-in limit applies, and each task's own successes clear it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bonafide_serve::{AppState, Role, ServeConfig};
use tower::ServiceExt;

const PASSWORD: &str = "login stall bench";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted.get(((sorted.len().max(1) - 1) as f64 * p).round() as usize).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{name:<28} n={:<5} p50={:>7.2} ms  p90={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
        v.len(),
        pct(&v, 0.50),
        pct(&v, 0.90),
        pct(&v, 0.99),
        pct(&v, 1.0)
    );
}

/// Probes `path` every 10 ms for `seconds`; each probe's latency from when it was due.
async fn probe(app: &axum::Router, path: &'static str, seconds: u64) -> Vec<Duration> {
    let start = Instant::now() + Duration::from_millis(50);
    let mut probes = Vec::new();
    for k in 0..seconds * 100 {
        let due = start + Duration::from_millis(k * 10);
        let app = app.clone();
        probes.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let resp = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            due.elapsed()
        }));
    }
    let mut out = Vec::new();
    for p in probes {
        out.push(p.await.unwrap());
    }
    out
}

fn main() {
    let tasks = env("LOGIN_TASKS", 16);
    let seconds = env("LOGIN_SECONDS", 10);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServeConfig::new(dir.path().join("b.db"), "127.0.0.1:0".parse().unwrap());
        config.inbox = Some(dir.path().join("inbox"));
        config.key_file = Some(dir.path().join("key"));
        let state = AppState::open(&config).await.unwrap();
        for i in 0..tasks {
            bonafide_serve::users::add_user(&state.pool, "bench", &format!("u{i}"), Role::Viewer, PASSWORD)
                .await
                .unwrap();
        }
        let app = bonafide_serve::app(state.clone());
        let quiet = seconds.div_ceil(2);
        let (css, health) = tokio::join!(probe(&app, "/assets/app.css", quiet), probe(&app, "/healthz", quiet));
        report("stylesheet, no sign-ins", css);
        report("/healthz, no sign-ins", health);

        let stop = Arc::new(AtomicBool::new(false));
        let signed_in = Arc::new(AtomicU64::new(0));
        let mut logins = Vec::new();
        for i in 0..tasks {
            let (app, stop, signed_in) = (app.clone(), stop.clone(), signed_in.clone());
            logins.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let req = Request::post("/login")
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(format!("name=u{i}&password={}", PASSWORD.replace(' ', "+"))))
                        .unwrap();
                    let resp = app.clone().oneshot(req).await.unwrap();
                    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
                    signed_in.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        let t0 = Instant::now();
        let (css, health) = tokio::join!(probe(&app, "/assets/app.css", seconds), probe(&app, "/healthz", seconds));
        let during = t0.elapsed().as_secs_f64();
        let n = signed_in.load(Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
        for l in logins {
            l.await.unwrap();
        }
        report(&format!("stylesheet, {tasks} signing in"), css);
        report(&format!("/healthz, {tasks} signing in"), health);
        println!("{n} sign-ins in {during:.1} s = {:.1}/s", n as f64 / during);
    });
}

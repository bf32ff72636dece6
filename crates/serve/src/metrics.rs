//! Prometheus text exposition of a few counters and gauges, kept as atomics so that
//! counting costs nothing measurable on the request path.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub responses_4xx: AtomicU64,
    pub responses_5xx: AtomicU64,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
    pub logins_limited: AtomicU64,
    pub ingested_files: AtomicU64,
    pub ingested_bytes: AtomicU64,
    pub rescans: AtomicU64,
    pub rescan_failures: AtomicU64,
    pub last_rescan_ms: AtomicU64,
}

impl Metrics {
    pub fn inc(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text; `gauges` are (name, help, value) read at scrape time.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut s = String::new();
        let counters = [
            ("bonafide_http_requests_total", "HTTP requests served", &self.requests),
            ("bonafide_http_client_errors_total", "responses with a 4xx status", &self.responses_4xx),
            ("bonafide_http_server_errors_total", "responses with a 5xx status", &self.responses_5xx),
            ("bonafide_logins_total", "successful logins", &self.logins_ok),
            ("bonafide_login_failures_total", "failed logins", &self.logins_failed),
            ("bonafide_login_rate_limited_total", "logins refused by the rate limit", &self.logins_limited),
            ("bonafide_ingested_files_total", "files received by upload or push", &self.ingested_files),
            ("bonafide_ingested_bytes_total", "bytes received by upload or push", &self.ingested_bytes),
            ("bonafide_rescans_total", "completed re-scans", &self.rescans),
            ("bonafide_rescan_failures_total", "failed re-scans", &self.rescan_failures),
        ];
        for (name, help, c) in counters {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", c.load(Ordering::Relaxed));
        }
        let last = self.last_rescan_ms.load(Ordering::Relaxed) as f64 / 1000.0;
        let _ = writeln!(
            s,
            "# HELP bonafide_last_rescan_seconds duration of the last re-scan\n# TYPE bonafide_last_rescan_seconds gauge\nbonafide_last_rescan_seconds {last}"
        );
        for (name, help, v) in gauges {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        s
    }
}

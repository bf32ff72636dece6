//! Throughput and peak memory of a whole scan of a generated export, on one core.
//!
//! `cargo run --release -p bonafide-engine --example scan_memory -- EVENTS [USERS] [okta|mixed]`
//! generates (once, under the system temp folder) an organisation of USERS people
//! (default 5,000) and EVENTS events, either one Okta log (`okta`, the default) or one
//! export each of Okta, Entra ID, Google Workspace and GitHub (`mixed`), scans it, and
//! prints events per second and the process's peak heap and resident memory. Run it with
//! 1M and 2M events: the population is the same, so the peak should be too.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes and their peak, to tell what the scan holds from what the
/// allocator keeps.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let users: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let mixed = std::env::args().nth(3).is_some_and(|s| s == "mixed");
    let dir = if mixed {
        let dir = std::env::temp_dir().join(format!("bonafide-bench-mixed-{events}-{users}"));
        if !dir.join("github.ndjson").exists() {
            let w = bonafide_sim::bench::write_mixed_org(&dir, events, users, 7)?;
            eprintln!(
                "generated {} events (okta {}, entra {}, gws {}, github {}), {} MB",
                w.events(),
                w.okta,
                w.entra,
                w.gws,
                w.github,
                w.bytes / 1_000_000
            );
        }
        dir
    } else {
        let dir = std::env::temp_dir().join(format!("bonafide-bench-okta-{events}-{users}"));
        if !dir.join("okta.ndjson").exists() {
            let w = bonafide_sim::bench::write_okta_org(&dir, events, users, 7)?;
            eprintln!("generated {} events, {} MB", w.events, w.bytes / 1_000_000);
        }
        dir
    };
    let before = peak_rss_kb();
    let mut config = bonafide_engine::Config::default();
    if let Some(w) = std::env::var("BONAFIDE_DEDUP_WINDOW").ok().and_then(|s| s.parse().ok()) {
        config.limits.dedup_window = w;
    }
    // Indicator IDs to switch off, to see what each detector costs: `BONAFIDE_DISABLE=D5,I1`.
    if let Ok(list) = std::env::var("BONAFIDE_DISABLE") {
        config.detect.disabled = list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    let req = bonafide_engine::ScanRequest {
        paths: vec![dir.clone()],
        forced: vec![],
        ip_lists: vec![],
        strict: false,
        column_map: Default::default(),
        keyring: bonafide_intel::Keyring::from_bytes([1; 32]),
        progress: None,
    };
    let started = Instant::now();
    let outcome = bonafide_engine::scan(&config, req)?;
    let secs = started.elapsed().as_secs_f64();
    let n = outcome.totals.events;
    println!(
        "events {n}  users {users}  seconds {secs:.2}  events/s {:.0}  MB/s {:.0}  peak heap {} MB  peak RSS {} MB (before scan {} MB)  findings {}",
        n as f64 / secs,
        outcome.totals.bytes as f64 / 1e6 / secs,
        PEAK.load(Ordering::Relaxed) / 1_000_000,
        peak_rss_kb() / 1024,
        before / 1024,
        outcome.findings.len()
    );
    let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &outcome.findings {
        *by.entry(f.indicator.as_str()).or_default() += 1;
    }
    println!("findings by indicator: {by:?}");
    Ok(())
}

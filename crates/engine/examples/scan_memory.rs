//! Throughput and peak memory of a whole scan of a generated export, on one core.
//!
//! `cargo run --release -p bonafide-engine --example scan_memory -- EVENTS [USERS] [okta|mixed]`
//! generates (once, under the system temp folder) an organisation of USERS people
//! (default 5,000) and EVENTS events, either one Okta log (`okta`, the default) or one
//! export each of Okta, Entra ID, Google Workspace and GitHub (`mixed`), scans it, and
//! prints events per second and the process's peak heap and resident memory. Run it with
//! 1M and 2M events: the population is the same, so the peak should be too.

use std::time::Instant;

#[path = "support/measure.rs"]
mod measure;

#[global_allocator]
static GLOBAL: measure::Counting = measure::Counting;

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
    let before = measure::status_kb("VmHWM:");
    let mut config = bonafide_engine::Config::default();
    if let Some(w) = std::env::var("BONAFIDE_DEDUP_WINDOW").ok().and_then(|s| s.parse().ok()) {
        config.limits.dedup_window = w;
    }
    // Indicator IDs to switch off, to see what each detector costs: `BONAFIDE_DISABLE=D5,I1`.
    if let Ok(list) = std::env::var("BONAFIDE_DISABLE") {
        config.detect.disabled = list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    let req = bonafide_engine::ScanRequest::new(vec![dir.clone()], bonafide_intel::Keyring::from_bytes([1; 32]));
    let started = Instant::now();
    let outcome = bonafide_engine::scan(&config, req)?;
    let secs = started.elapsed().as_secs_f64();
    let n = outcome.totals.events;
    println!(
        "events {n}  users {users}  seconds {secs:.2}  events/s {:.0}  MB/s {:.0}  peak heap {} MB  peak RSS {} MB (before scan {} MB)  findings {}",
        n as f64 / secs,
        outcome.totals.bytes as f64 / 1e6 / secs,
        measure::peak_heap_bytes() / 1_000_000,
        measure::status_kb("VmHWM:") / 1024,
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

//! Throughput and peak memory of a whole scan of a generated osquery fleet, on one core.
//!
//! `cargo run --release -p bonafide-engine --example osquery_scan_memory -- HOSTS DAYS`
//! generates (once, under the system temp folder) HOSTS laptops (default 2,000) reporting
//! for DAYS days (default 14) with their people, devices and shipments, scans it, and
//! prints rows per second (by the wall clock and by the process's CPU time, which a busy
//! machine disturbs less) and the peak heap and resident memory. Memory should follow
//! the hosts, not the days.

use std::time::Instant;

#[path = "support/measure.rs"]
mod measure;

#[global_allocator]
static GLOBAL: measure::Counting = measure::Counting;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hosts: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let days: i64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(14);
    let dir = std::env::temp_dir().join(format!("bonafide-bench-fleet-{hosts}-{days}"));
    if !dir.join("osquery.ndjson").exists() {
        let w = bonafide_sim::fleet::write_fleet(&dir, hosts, days, 7)?;
        eprintln!("generated {} rows in {} lines, {} MB, {} farm hosts", w.rows, w.lines, w.bytes / 1_000_000, w.farms);
    }
    let before = measure::status_kb("VmHWM:");
    let req = bonafide_engine::ScanRequest::new(vec![dir.clone()], bonafide_intel::Keyring::from_bytes([1; 32]));
    let cpu0 = measure::cpu_seconds();
    let started = Instant::now();
    let outcome = bonafide_engine::scan(&bonafide_engine::Config::default(), req)?;
    let secs = started.elapsed().as_secs_f64();
    let cpu = measure::cpu_seconds() - cpu0;
    let rows = outcome.totals.events;
    let count = |id: &str| outcome.findings.iter().filter(|f| f.indicator == id).count();
    println!(
        "hosts {hosts}  days {days}  rows {rows}  seconds {secs:.2} (cpu {cpu:.2})  rows/s {:.0} (per cpu-second {:.0})  MB/s {:.0}  peak heap {} MB  peak RSS {} MB (before scan {} MB)  quarantined {}",
        rows as f64 / secs,
        rows as f64 / cpu.max(0.01),
        outcome.totals.bytes as f64 / 1e6 / secs,
        measure::peak_heap_bytes() / 1_000_000,
        measure::status_kb("VmHWM:") / 1024,
        before / 1024,
        outcome.totals.quarantined,
    );
    println!(
        "findings: E1 {}  E2 {}  E9 {}  C1 {}  C2 {}  C5 {}  laptop_farm clusters {}",
        count("E1"),
        count("E2"),
        count("E9"),
        count("C1"),
        count("C2"),
        count("C5"),
        outcome.clusters.iter().filter(|c| c.kind == "laptop_farm").count()
    );
    Ok(())
}

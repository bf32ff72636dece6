//! The screening benchmark's bonafide side: screens every query of
//! `bench/screening/queries.tsv` against an OFAC folder on one thread, writes the top
//! match of each query and its time, and prints throughput and latency percentiles.
//!
//! `cargo run --release -p bonafide-intel --example screen_bench -- OFAC_DIR QUERIES OUT`

use std::io::{BufReader, Write};
use std::time::Instant;

use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{Lists, MatchConfig, Query, Screening};

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Nanoseconds this thread has run on a CPU (the machine is shared: wall time includes
/// time other processes took).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, queries, out] = args.as_slice() else {
        return Err("usage: screen_bench OFAC_DIR QUERIES.tsv OUT.tsv".into());
    };
    let t0 = Instant::now();
    let mut set = OfacSet::new(dir.as_str());
    let mut files: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f)?;
        let Some(kind) = sniff(&bytes[..bytes.len().min(65536)]) else { continue };
        let name = f.display().to_string();
        set.read(kind, i as u32, &name, &mut BufReader::new(&bytes[..]), &mut |_| {})?;
    }
    let (label, entries) = set.finish(&mut |_, _| {});
    let mut lists = Lists::default();
    lists.push_list(label, entries);
    let n_entries = lists.len();
    let s = Screening::build(lists, NameRules::builtin(), MatchConfig::default());
    let build = t0.elapsed();
    let text = std::fs::read_to_string(queries)?;
    let qs: Vec<&str> = text.lines().skip(1).filter_map(|l| l.split('\t').nth(3)).collect();
    // Warm-up pass (page in the index), then the timed pass.
    for q in qs.iter().take(500) {
        std::hint::black_box(s.screen(&Query::name(*q), None));
    }
    // Five timed passes; the figures are those of the fastest.
    let mut best: Option<(std::time::Duration, Vec<u64>)> = None;
    let mut best_cpu = u64::MAX;
    for _ in 0..5 {
        let mut times = Vec::with_capacity(qs.len());
        let cpu0 = cpu_ns();
        let all = Instant::now();
        for q in &qs {
            let t = Instant::now();
            let m = s.screen(&Query::name(*q), None);
            times.push(t.elapsed().as_nanos() as u64);
            std::hint::black_box(&m);
        }
        let total = all.elapsed();
        best_cpu = best_cpu.min(cpu_ns().saturating_sub(cpu0));
        if best.as_ref().is_none_or(|(b, _)| total < *b) {
            best = Some((total, times));
        }
    }
    let (total, mut times) = best.unwrap_or_default();
    let mut rows = Vec::with_capacity(qs.len());
    // Untimed: the best candidate of each query whatever its score, for the ranking
    // comparison with the other matchers.
    for (q, ns) in qs.iter().zip(times.clone()) {
        let m = s.screen(&Query::name(*q), Some(0.0));
        let top: Vec<String> =
            m.iter().take(5).map(|m| format!("{}={:.4}", s.entries()[m.entry].id, m.score)).collect();
        rows.push((top.join(" "), ns));
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(f, "matches\tns")?;
    for (top, ns) in &rows {
        writeln!(f, "{top}\t{ns}")?;
    }
    times.sort_unstable();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)] as f64 / 1000.0;
    println!(
        "entries {n_entries}, names indexed {}, index built in {:.0} ms, peak RSS {} MiB",
        s.name_count(),
        build.as_secs_f64() * 1000.0,
        peak_rss_kb() / 1024
    );
    println!(
        "{} queries in {:.3} s wall, {:.3} s on CPU: {:.0} names/s on one core ({:.0} by wall time); p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        qs.len(),
        total.as_secs_f64(),
        best_cpu as f64 / 1e9,
        qs.len() as f64 / (best_cpu as f64 / 1e9),
        qs.len() as f64 / total.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        *times.last().unwrap_or(&0) as f64 / 1000.0
    );
    Ok(())
}

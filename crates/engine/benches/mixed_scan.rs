//! A whole scan of a mixed export (Okta, Entra ID, Google Workspace, GitHub) of 1M
//! events for 5,000 people, and each source's export alone, in events per second
//! (set BONAFIDE_BENCH_EVENTS to change the size).
//!
//! `cargo bench -p bonafide-engine --bench mixed_scan`

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn dataset() -> (PathBuf, bonafide_sim::bench::Mixed) {
    let events: u64 = std::env::var("BONAFIDE_BENCH_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("bonafide-bench-mixed-{events}-5000"));
    // Regenerated every run (a few seconds) so the counts below are this run's.
    let w = bonafide_sim::bench::write_mixed_org(&dir, events, 5_000, 7).expect("generate the benchmark exports");
    (dir, w)
}

fn scan(paths: Vec<PathBuf>) -> u64 {
    let req = bonafide_engine::ScanRequest::new(paths, bonafide_intel::Keyring::from_bytes([1; 32]));
    bonafide_engine::scan(&bonafide_engine::Config::default(), req).expect("scan").totals.events
}

fn one(dir: &Path, file: &str) -> Vec<PathBuf> {
    vec![dir.join("people.csv"), dir.join(file)]
}

fn bench(c: &mut Criterion) {
    let (dir, w) = dataset();
    eprintln!(
        "mixed_scan: {} events (okta {}, entra {}, gws {}, github {}), {} MB",
        w.events(),
        w.okta,
        w.entra,
        w.gws,
        w.github,
        w.bytes / 1_000_000
    );
    let mut g = c.benchmark_group("mixed");
    g.sample_size(10);
    g.throughput(Throughput::Elements(w.events()));
    g.bench_function("whole scan, four sources", |b| b.iter(|| scan(vec![dir.clone()])));
    for (file, n) in [("entra.ndjson", w.entra), ("gws.ndjson", w.gws), ("github.ndjson", w.github)] {
        g.throughput(Throughput::Elements(n));
        g.bench_function(format!("{file} alone"), |b| b.iter(|| scan(one(&dir, file))));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

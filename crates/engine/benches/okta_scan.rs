//! Okta ingest + detect versus a bare serde_json parse of the same file into the same
//! struct, over a generated export of 1M events (set BONAFIDE_BENCH_EVENTS to change).
//!
//! `cargo bench -p bonafide-engine --bench okta_scan`

use std::io::BufRead;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn dataset() -> (PathBuf, u64) {
    let events: u64 = std::env::var("BONAFIDE_BENCH_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("bonafide-bench-okta-{events}-5000"));
    if !dir.join("okta.ndjson").exists() {
        bonafide_sim::bench::write_okta_org(&dir, events, 5_000, 7).expect("generate the benchmark log");
    }
    (dir, events)
}

fn bench(c: &mut Criterion) {
    let (dir, events) = dataset();
    let log = dir.join("okta.ndjson");
    let mut g = c.benchmark_group("okta");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("bare serde_json parse", |b| {
        b.iter(|| {
            let f = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&log).expect("log"));
            let mut n = 0u64;
            for line in f.split(b'\n') {
                let line = line.expect("read");
                if let Ok(e) = serde_json::from_slice::<bonafide_ingest::okta::OktaEvent<'_>>(&line) {
                    n += u64::from(!e.event_type.is_empty());
                }
            }
            n
        })
    });
    g.bench_function("ingest + enrich + detect + score", |b| {
        b.iter(|| {
            let req =
                bonafide_engine::ScanRequest::new(vec![dir.clone()], bonafide_intel::Keyring::from_bytes([1; 32]));
            bonafide_engine::scan(&bonafide_engine::Config::default(), req).expect("scan").totals.events
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

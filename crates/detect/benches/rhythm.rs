//! Working-zone inference at the scale of a large employer: 100,000 subjects, each with
//! a daily histogram (96 bins) and 26 weekly histograms (24 bins), fitted as
//! `TimeDetectors::conclude` does.
//!
//! `cargo bench -p bonafide-detect --bench rhythm`

use bonafide_detect::time::rhythm::{RhythmConfig, fit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A deterministic pseudo-random population of office and evening rhythms.
fn population(n: usize) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut daily = Vec::with_capacity(n);
    let mut weekly = Vec::with_capacity(n * 26);
    for _ in 0..n {
        let offset = (next() % 24) as usize;
        let start = 7 + (next() % 4) as usize;
        let len = 8 + (next() % 6) as usize;
        let mut d = vec![0u32; 96];
        for h in start..start + len {
            for q in 0..4 {
                d[((h + 24 - offset) % 24) * 4 + q] += 1 + (next() % 9) as u32;
            }
        }
        for _ in 0..26 {
            let mut w = vec![0u32; 24];
            for h in start..start + len {
                w[(h + 24 - offset) % 24] += (next() % 5) as u32;
            }
            weekly.push(w);
        }
        daily.push(d);
    }
    (daily, weekly)
}

fn bench(c: &mut Criterion) {
    let cfg = RhythmConfig::default();
    let (daily, weekly) = population(100_000);
    let mut g = c.benchmark_group("rhythm");
    g.sample_size(10);
    g.throughput(Throughput::Elements(daily.len() as u64));
    g.bench_function("fit 100k daily histograms", |b| b.iter(|| daily.iter().filter_map(|h| fit(h, &cfg)).count()));
    g.bench_function("fit 100k subjects x 26 weekly histograms", |b| {
        b.iter(|| weekly.iter().filter_map(|h| fit(h, &cfg)).count())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

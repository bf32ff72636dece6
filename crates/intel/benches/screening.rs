//! Name screening against the full OFAC set of 2021 with aliases (from
//! `../shared/data`): names per second on one thread, for ordinary names (the common
//! case, mostly no match) and for spelling variants of listed names. Skipped when the
//! shared data is absent. The side-by-side comparison with other matchers is
//! `bench/screening/compare.py`.

use bonafide_intel::sanctions::Query;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/screening_workload.rs"]
mod workload;
use workload::{VARIANTS, load, ordinary_names};

fn bench(c: &mut Criterion) {
    let Some(s) = load() else {
        eprintln!("shared data absent: screening benchmark skipped");
        return;
    };
    let ordinary = ordinary_names();
    let variants = VARIANTS;
    let mut g = c.benchmark_group("screening");
    g.throughput(Throughput::Elements(ordinary.len() as u64));
    g.bench_function("1000 ordinary names vs OFAC 2021 + aliases", |b| {
        b.iter(|| ordinary.iter().map(|n| s.screen(&Query::name(*n), None).len()).sum::<usize>())
    });
    g.throughput(Throughput::Elements(variants.len() as u64));
    g.bench_function("spelling variants of listed names", |b| {
        b.iter(|| variants.iter().map(|n| s.screen(&Query::name(*n), None).len()).sum::<usize>())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Name screening against the full OFAC set of 2021 with aliases (from
//! `../shared/data`): names per second on one thread, for ordinary names (the common
//! case, mostly no match) and for spelling variants of listed names. Skipped when the
//! shared data is absent. The side-by-side comparison with other matchers is
//! `bench/screening/compare.py`.

use std::io::BufReader;

use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{Lists, MatchConfig, Query, Screening};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load() -> Option<Screening> {
    let dir = bonafide_core::testdata::shared_data_dir()?.join("sanctions/ofac_2021");
    let mut set = OfacSet::new("ofac_2021");
    for (i, f) in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"].iter().enumerate() {
        let bytes = std::fs::read(dir.join(f)).ok()?;
        let kind = sniff(&bytes[..bytes.len().min(65536)])?;
        set.read(kind, i as u32, f, &mut BufReader::new(&bytes[..]), &mut |_| {}).ok()?;
    }
    let (label, entries) = set.finish(&mut |_, _| {});
    let mut lists = Lists::default();
    lists.push_list(label, entries);
    Some(Screening::build(lists, NameRules::builtin(), MatchConfig::default()))
}

fn bench(c: &mut Criterion) {
    let Some(s) = load() else {
        eprintln!("shared data absent: screening benchmark skipped");
        return;
    };
    let ordinary: Vec<&str> =
        include_str!("../tests/data/ordinary_names.txt").lines().filter(|l| !l.is_empty()).collect();
    let variants = [
        "Sang Man Kim",
        "Gim Yeong Jeol",
        "Korea Mining Development Trading Corp.",
        "Rhee Seong-cheol",
        "Reconnaissance Generl Bureau",
        "Green Pine Associated Corp.",
        "Ofice 39",
        "Kang Ryong",
    ];
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

//! IP lookups per second on one core over the merged real public lists (every source
//! under `../shared/data/ipintel`), and the memory the merged table holds.
//!
//! `cargo bench -p bonafide-intel --bench ip_lookup`
//!
//! Two query mixes: addresses drawn uniformly from the IPv4 space (most land in big
//! ISP ranges), and a sign-in-like mix of 80% IPv4 and 20% IPv6 drawn from inside the
//! ranges the lists cover. Both the borrowed lookup that enrichment uses and the owned
//! record are measured. Without the shared data the benchmark says so and uses a
//! synthetic table of the same size.

use std::hint::black_box;
use std::io::{BufReader, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Instant;

use bonafide_core::IpKind;
use bonafide_intel::ip::build::Fact;
use bonafide_intel::ip::{IpIntel, IpIntelBuilder, Priority, formats, sniff};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn open(path: &Path) -> Box<dyn std::io::BufRead> {
    let f = std::fs::File::open(path).expect("open list");
    if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::new(f))
    }
}

fn real_lists(dir: &Path) -> IpIntel {
    let mut b = IpIntelBuilder::new();
    let mut names: Vec<_> =
        std::fs::read_dir(dir).expect("ipintel dir").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let mut sample = vec![0u8; 64 * 1024];
        let n = open(&path).read(&mut sample).unwrap_or(0);
        let Some(format) = sniff(&sample[..n]) else { continue };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let kind = formats::kind_from_name(&name);
        let _ = formats::load(&mut b, format, &name, kind, &mut *open(&path), &mut |_, _| {});
    }
    b.build()
}

fn synthetic() -> IpIntel {
    let mut b = IpIntelBuilder::new();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..600_000u32 {
        let start = i.wrapping_mul(7151);
        let fact = Fact::Asn { asn: next() as u32 % 400_000, org: Some(format!("AS org {}", i % 50_000)) };
        let _ = b.add_range(
            IpAddr::V4(Ipv4Addr::from(start)),
            IpAddr::V4(Ipv4Addr::from(start.saturating_add(5000))),
            fact,
            "synthetic",
            Priority::List,
        );
        if i % 10 == 0 {
            let _ = b.add_net(
                IpAddr::V4(Ipv4Addr::from(start)),
                24,
                Fact::Kind { kind: IpKind::Hosting, label: None },
                "synthetic-dc",
                Priority::List,
            );
        }
    }
    b.build()
}

/// Query addresses: uniform IPv4, and a sign-in-like mix from inside covered ranges.
fn queries(intel: &IpIntel) -> (Vec<IpAddr>, Vec<IpAddr>) {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let uniform: Vec<IpAddr> = (0..1_000_000).map(|_| IpAddr::V4(Ipv4Addr::from(next() as u32))).collect();
    let mut mixed = Vec::with_capacity(1_000_000);
    while mixed.len() < 1_000_000 {
        let ip = if mixed.len() % 5 == 4 {
            // Addresses in the 2000::/4 global unicast space that some list covers.
            let hi = 0x2000_0000_0000_0000u64 | (next() >> 8);
            IpAddr::V6(Ipv6Addr::from((u128::from(hi) << 64) | u128::from(next())))
        } else {
            IpAddr::V4(Ipv4Addr::from(next() as u32))
        };
        if intel.lookup(ip).is_some() {
            mixed.push(ip);
        }
    }
    (uniform, mixed)
}

fn bench(c: &mut Criterion) {
    let started = Instant::now();
    let (intel, what) = match bonafide_core::testdata::shared("ipintel") {
        Some(dir) => (real_lists(&dir), "the real public lists"),
        None => (synthetic(), "a synthetic table (../shared/data is absent)"),
    };
    let s = intel.stats();
    eprintln!(
        "ip_lookup: {what}: {} IPv4 and {} IPv6 segments, {} distinct records, {:.1} MB of lookup tables; built in {:.1} s",
        s.v4_ranges,
        s.v6_ranges,
        s.records,
        intel.memory_bytes() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let (uniform, mixed) = queries(&intel);
    let mut g = c.benchmark_group("ip_lookup");
    g.throughput(Throughput::Elements(uniform.len() as u64));
    g.bench_function("uniform IPv4, borrowed", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for ip in &uniform {
                if let Some(r) = intel.lookup(*ip) {
                    n += r.kind() as u64 + u64::from(r.asn().unwrap_or(0) & 1);
                }
            }
            black_box(n)
        })
    });
    g.bench_function("sign-in mix 80/20 v4/v6, borrowed", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for ip in &mixed {
                if let Some(r) = intel.lookup(*ip) {
                    n += r.kind() as u64 + u64::from(r.country().is_some());
                }
            }
            black_box(n)
        })
    });
    g.bench_function("sign-in mix 80/20 v4/v6, owned record", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for ip in &mixed {
                if let Some(r) = intel.record(*ip) {
                    n += r.kind as u64;
                }
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Resumes and photos at pool scale: MinHash sketching and photo hashing throughput, and
//! the candidate search over 100k of each (LSH banding; multi-index Hamming search).
//!
//! `cargo bench -p bonafide-intel --bench documents`

use std::hint::black_box;

use bonafide_intel::minhash::{self, ShingleWeights, SketchShape};
use bonafide_intel::phash;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use image::{ImageFormat, Rgb, RgbImage};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A ~450-word resume: a shared template (one of 20) plus a history drawn from a
/// 5,000-word vocabulary.
fn resume(rng: &mut Rng, vocab: &[String], templates: &[String]) -> String {
    let mut s = templates[(rng.next() % templates.len() as u64) as usize].clone();
    for _ in 0..300 {
        s.push(' ');
        s.push_str(&vocab[(rng.next() % vocab.len() as u64) as usize]);
    }
    s
}

fn corpus(n: usize) -> Vec<String> {
    let mut rng = Rng(0x1234_5678);
    let vocab: Vec<String> = (0..5000).map(|i| format!("w{i:x}")).collect();
    let templates: Vec<String> =
        (0..20).map(|t| (0..150).map(|i| format!("t{t}x{i}")).collect::<Vec<_>>().join(" ")).collect();
    let mut docs: Vec<String> = (0..n).map(|_| resume(&mut rng, &vocab, &templates)).collect();
    // 1% copies with a new header.
    for k in 0..n / 100 {
        docs[n - 1 - k] = format!("Name Copy{k} {}", docs[k]);
    }
    docs
}

fn resumes(c: &mut Criterion) {
    let shape = SketchShape::default();
    let docs = corpus(100_000);
    let mut g = c.benchmark_group("resumes");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000));
    g.bench_function("sketch 1000 resumes (450 words)", |b| {
        b.iter(|| {
            for d in &docs[..1000] {
                black_box(minhash::sketch(d, &shape));
            }
        })
    });
    let sketches: Vec<minhash::Sketch> = docs.iter().map(|d| minhash::sketch(d, &shape)).collect();
    let refs: Vec<&[u64]> = sketches.iter().map(|s| s.minima.as_slice()).collect();
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("LSH candidates among 100k", |b| b.iter(|| black_box(minhash::candidates(&refs, &shape, 200))));
    g.bench_function("candidates + weighted confirmation, 100k", |b| {
        b.iter(|| {
            let pairs = minhash::candidates(&refs, &shape, 200);
            let mut wanted = rustc_hash::FxHashSet::default();
            for &(i, j) in &pairs {
                wanted.extend(sketches[i as usize].shingles.iter().chain(&sketches[j as usize].shingles));
            }
            let w = ShingleWeights::counting(sketches.iter().map(|s| s.shingles.as_slice()), &wanted);
            let confirmed = pairs
                .iter()
                .filter(|(i, j)| {
                    minhash::weighted_jaccard(&sketches[*i as usize].shingles, &sketches[*j as usize].shingles, &w)
                        >= 0.8
                })
                .count();
            black_box(confirmed)
        })
    });
    g.finish();
}

fn photo(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let blobs: Vec<(f64, f64, f64)> = (0..6)
        .map(|_| ((rng.next() % 400) as f64, (rng.next() % 500) as f64, 20.0 + (rng.next() % 80) as f64))
        .collect();
    let img = RgbImage::from_fn(400, 500, |x, y| {
        let v: f64 = blobs
            .iter()
            .map(|(cx, cy, r)| (-((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2)) / (r * r)).exp())
            .sum();
        let g = (40.0 + 180.0 * v.min(1.0)) as u8;
        Rgb([g, g, g / 2 + 30])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Jpeg).expect("encode");
    out
}

fn photos(c: &mut Criterion) {
    let jpegs: Vec<Vec<u8>> = (0..50).map(photo).collect();
    let mut g = c.benchmark_group("photos");
    g.sample_size(10);
    g.throughput(Throughput::Elements(jpegs.len() as u64));
    g.bench_function("decode + pHash 50 JPEG 400x500", |b| {
        b.iter(|| {
            for j in &jpegs {
                black_box(phash::hash_image(j, 40_000_000).expect("hash"));
            }
        })
    });
    // 100k hashes: random, with 1% near copies (1-8 bits flipped).
    let mut rng = Rng(0xfeed);
    let mut hashes: Vec<u64> = (0..99_000).map(|_| rng.next()).collect();
    for k in 0..1000 {
        let flips = 1 + rng.next() % 8;
        let mask = (0..flips).fold(0u64, |m, _| m | (1 << (rng.next() % 64)));
        hashes.push(hashes[k] ^ mask);
    }
    g.throughput(Throughput::Elements(hashes.len() as u64));
    for d in [10, 12] {
        g.bench_function(format!("near pairs within {d} bits among 100k"), |b| {
            b.iter(|| black_box(phash::near_pairs(&hashes, d)))
        });
    }
    g.finish();
}

criterion_group!(benches, resumes, photos);
criterion_main!(benches);

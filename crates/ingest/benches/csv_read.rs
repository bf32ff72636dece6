//! CSV record reading, rows per second: the whole `signins.csv` reader (row framing with
//! quoted fields, the row size limit and resynchronisation after a broken quote, column
//! lookup, parsing into events) against the csv crate splitting the same file into byte
//! records and nothing else.
//!
//! `cargo bench -p bonafide-ingest --bench csv_read` (BONAFIDE_BENCH_LINES to change the
//! size, default 200k rows).

use std::io::Write;
use std::path::PathBuf;

use bonafide_core::SourceId;
use bonafide_ingest::{Format, Input, ReadContext};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod common;
use common::Count;

/// Writes the file; returns its path and its number of rows. One row in 50 quotes its
/// user agent (commas inside), as browsers' strings force exports to.
fn dataset() -> (PathBuf, u64) {
    let rows: u64 = std::env::var("BONAFIDE_BENCH_LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let path = std::env::temp_dir().join(format!("bonafide-bench-signins-{rows}.csv"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("bench file"));
    writeln!(out, "account,at,ip,result,country,city,asn,as_org,user_agent,device_id,session_id,app").expect("write");
    for i in 0..rows {
        let t = 1_741_000_000 + i * 7;
        let (d, s) = (t / 86_400, t % 86_400);
        let ua = if i % 50 == 0 {
            "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\""
        } else {
            "curl/8.5"
        };
        writeln!(
            out,
            "user{u}@example.com,2025-03-{day:02}T{h:02}:{m:02}:{sec:02}Z,73.{a}.{b}.{c},success,US,Ohio,7922,Comcast,{ua},dev-{u},s-{i},okta",
            u = i % 5000,
            day = 1 + d % 28,
            h = s / 3600,
            m = (s / 60) % 60,
            sec = s % 60,
            a = i % 200,
            b = (i / 200) % 250,
            c = i % 251,
        )
        .expect("write");
    }
    out.flush().expect("flush");
    (path, rows)
}

fn bench(c: &mut Criterion) {
    let (path, rows) = dataset();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("signins bench file: {rows} rows, {} MB", bytes / 1_000_000);
    let mut g = c.benchmark_group("signins_csv");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("bare csv crate byte records", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new().flexible(true).from_path(&path).expect("file");
            let mut rec = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut rec).expect("read") {
                n += rec.len() as u64;
            }
            n
        })
    });
    let input = Input::new(&path, "signins.csv").expect("input");
    let sample = input.sample(bonafide_ingest::input::SAMPLE_BYTES).expect("sample");
    let options = common::options();
    g.bench_function("read: frame, columns, parse into events", |b| {
        b.iter(|| {
            let cx = ReadContext { source: SourceId(0), input: &input, options: &options, sample: &sample };
            let mut sink = Count::default();
            let mut r = input.open(None).expect("open");
            bonafide_ingest::read(&cx, Format::Signins, &mut r, &mut sink).expect("read");
            assert_eq!((sink.events, sink.quarantined), (rows, 0));
            sink.events
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

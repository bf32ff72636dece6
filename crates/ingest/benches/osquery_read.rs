//! osquery result-log reading, rows per second: the whole reader (framing, parse, table
//! recognition, normalisation into events) against a bare serde_json parse of each line
//! into the same borrowed struct, over a generated log of the three formats mixed as a
//! fleet writes them: event lines of `SELECT * FROM processes` (macOS, 30 columns),
//! batched differentials of installed programs, snapshots of USB devices.
//!
//! `cargo bench -p bonafide-ingest --bench osquery_read` (BONAFIDE_BENCH_LINES to change
//! the size, default 100k lines).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use bonafide_core::SourceId;
use bonafide_ingest::{Format, Input, ReadContext};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod common;
use common::Count;

fn process(i: u64) -> String {
    format!(
        r#"{{"pid":"{pid}","name":"proc{n}","path":"/usr/lib/app{n}/bin/proc{n}","cmdline":"/usr/lib/app{n}/bin/proc{n} --type=renderer --lang=en-US","state":"S","cwd":"/","root":"/","uid":"501","gid":"20","euid":"501","egid":"20","suid":"501","sgid":"20","on_disk":"1","wired_size":"0","resident_size":"48234496","total_size":"419430400","user_time":"1234","system_time":"567","disk_bytes_read":"0","disk_bytes_written":"0","start_time":"1741000000","parent":"1","pgroup":"{pid}","threads":"12","nice":"0","upid":"{pid}","uppid":"1","cpu_type":"16777228","cpu_subtype":"2","translated":"0"}}"#,
        pid = 1000 + i % 5000,
        n = i % 97
    )
}

fn program(i: u64) -> String {
    format!(
        r#"{{"name":"Program {n}","version":"{n}.2.3","install_location":"C:\\Program Files\\Vendor{n}\\Program{n}","install_source":"","language":"1033","publisher":"Vendor {n} Inc.","uninstall_string":"MsiExec.exe /X{{{n}}}","install_date":"20250301","identifying_number":"{{0000{n}}}","package_family_name":"","upgrade_code":""}}"#,
        n = i % 311
    )
}

fn usb(i: u64) -> String {
    format!(
        r#"{{"usb_address":"{a}","usb_port":"{p}","vendor":"Vendor {a}","vendor_id":"{a:04x}","version":"0100","model":"Device {a}","model_id":"{p:04x}","serial":"SN{i}","class":"0","subclass":"0","protocol":"0","removable":"1"}}"#,
        a = i % 40,
        p = i % 7
    )
}

/// Writes the log; returns its path and the number of rows in it.
pub fn dataset() -> (PathBuf, u64) {
    let lines: u64 = std::env::var("BONAFIDE_BENCH_LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let path = std::env::temp_dir().join(format!("bonafide-bench-osquery-{lines}.ndjson"));
    let mut rows = 0u64;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("bench file"));
    for i in 0..lines {
        let host = format!("lt-{:04}", i % 2000);
        let t = 1_741_000_000 + i * 7;
        let line = match i % 10 {
            0..=4 => {
                rows += 1;
                format!(
                    r#"{{"name":"pack_sec_processes","hostIdentifier":"{host}","calendarTime":"Mon Mar  3 14:05:11 2025 UTC","unixTime":{t},"epoch":0,"counter":{i},"numerics":false,"decorations":{{"host_uuid":"{host}-uuid","hostname":"{host}"}},"action":"added","columns":{}}}"#,
                    process(i)
                )
            }
            5..=7 => {
                rows += 5;
                let added: Vec<String> = (0..4).map(|k| program(i + k)).collect();
                format!(
                    r#"{{"name":"pack_it_software","hostIdentifier":"{host}","calendarTime":"Mon Mar  3 14:05:11 2025 UTC","unixTime":{t},"epoch":0,"counter":{i},"numerics":false,"diffResults":{{"added":[{}],"removed":[{}]}}}}"#,
                    added.join(","),
                    program(i + 9)
                )
            }
            _ => {
                rows += 10;
                let snap: Vec<String> = (0..10).map(|k| usb(i + k)).collect();
                format!(
                    r#"{{"snapshot":[{}],"action":"snapshot","name":"pack_it_usb","hostIdentifier":"{host}","calendarTime":"Mon Mar  3 14:05:11 2025 UTC","unixTime":{t},"epoch":0,"counter":0,"numerics":false}}"#,
                    snap.join(",")
                )
            }
        };
        writeln!(out, "{line}").expect("write");
    }
    out.flush().expect("flush");
    (path, rows)
}

fn bench(c: &mut Criterion) {
    let (path, rows) = dataset();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("osquery bench log: {rows} rows, {} MB", bytes / 1_000_000);
    let mut g = c.benchmark_group("osquery");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("bare serde_json parse", |b| {
        b.iter(|| {
            let f = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&path).expect("log"));
            let mut n = 0u64;
            for line in f.split(b'\n') {
                let line = line.expect("read");
                if let Ok(l) = serde_json::from_slice::<bonafide_ingest::osquery::ResultLine<'_>>(&line) {
                    n += u64::from(l.name.is_some());
                }
            }
            n
        })
    });
    let input = Input::new(&path, "osquery.ndjson").expect("input");
    let sample = input.sample(bonafide_ingest::input::SAMPLE_BYTES).expect("sample");
    let options = common::options();
    g.bench_function("read: frame, parse, recognise, normalise", |b| {
        b.iter(|| {
            let cx = ReadContext { source: SourceId(0), input: &input, options: &options, sample: &sample };
            let mut sink = Count::default();
            let mut r = input.open(None).expect("open");
            bonafide_ingest::read(&cx, Format::Osquery, &mut r, &mut sink).expect("read");
            assert_eq!((sink.events, sink.quarantined), (rows, 0));
            sink.columns
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Endpoint detection, rows per second: every inventory row matched against the
//! built-in signatures and folded into the per-host ledger (`observe`), then the
//! conclusions for 2,000 hosts; and signature matching alone. Rows are the shapes a fleet
//! sends: `SELECT * FROM processes` (30 columns), installed programs, USB devices,
//! listening ports, a few of them matching (AnyDesk, a PiKVM, port 7070).
//!
//! `cargo bench -p bonafide-detect --bench endpoint_inventory`

use std::sync::Arc;

use bonafide_core::{
    Action, Actor, ActorKind, Detail, EndpointRow, Event, Outcome, Records, RowAction, SourceId, SourcePos, Subject,
    SubjectIdx, UtcMs,
};
use bonafide_detect::endpoint::Inventory;
use bonafide_detect::endpoint::signatures::{Signatures, row_kind};
use bonafide_detect::{Defaults, Detector, Findings, Households};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const HOSTS: u32 = 2_000;
const ROWS: u64 = 200_000;

fn cols(pairs: Vec<(&str, String)>) -> Vec<(Arc<str>, String)> {
    pairs.into_iter().map(|(k, v)| (Arc::from(k), v)).collect()
}

fn row(i: u64) -> (&'static str, Vec<(Arc<str>, String)>) {
    let n = i % 97;
    match i % 10 {
        0..=4 => {
            let mut c = vec![
                ("pid", format!("{}", 1000 + i % 5000)),
                ("name", format!("proc{n}")),
                ("path", format!("/usr/lib/app{n}/bin/proc{n}")),
                ("cmdline", format!("/usr/lib/app{n}/bin/proc{n} --type=renderer")),
            ];
            for k in [
                "state",
                "cwd",
                "root",
                "uid",
                "gid",
                "euid",
                "egid",
                "suid",
                "sgid",
                "on_disk",
                "wired_size",
                "resident_size",
                "total_size",
                "user_time",
                "system_time",
                "disk_bytes_read",
                "disk_bytes_written",
                "start_time",
                "parent",
                "pgroup",
                "threads",
                "nice",
                "upid",
                "uppid",
                "cpu_type",
                "translated",
            ] {
                c.push((k, "1".into()));
            }
            ("processes", cols(c))
        }
        5..=7 => {
            let name = if i % 997 == 5 { "AnyDesk".to_string() } else { format!("Program {n}") };
            let c = vec![
                ("name", name),
                ("version", format!("{n}.2.3")),
                ("install_location", format!("C:\\Program Files\\Vendor{n}\\Program{n}")),
                ("publisher", format!("Vendor {n} Inc.")),
                ("uninstall_string", format!("MsiExec.exe /X{{{n}}}")),
                ("install_date", "20250301".into()),
            ];
            ("programs", cols(c))
        }
        8 => {
            let (vid, pid, vendor) =
                if i % 1999 == 8 { ("1d6b", "0104", "PiKVM") } else { ("046d", "c52b", "Logitech, Inc.") };
            let c = vec![
                ("vendor_id", vid.into()),
                ("model_id", pid.into()),
                ("vendor", vendor.into()),
                ("model", format!("Device {n}")),
                ("serial", format!("SN{i}")),
                ("class", "0".into()),
            ];
            ("usb_devices", cols(c))
        }
        _ => {
            let port = if i % 991 == 9 { 7070 } else { 40_000 + n };
            let c = vec![
                ("pid", "1".into()),
                ("port", port.to_string()),
                ("address", "0.0.0.0".into()),
                ("protocol", "6".into()),
            ];
            ("listening_ports", cols(c))
        }
    }
}

fn events() -> Vec<Event> {
    let query: Arc<str> = Arc::from("pack_bench");
    let system: Arc<str> = Arc::from("osquery");
    let hosts: Vec<Arc<str>> = (0..HOSTS).map(|h| Arc::from(format!("lt-{h:04}"))).collect();
    (0..ROWS)
        .map(|i| {
            let h = (i % u64::from(HOSTS)) as u32;
            let (table, columns) = row(i);
            Event {
                at: UtcMs(1_741_000_000_000 + i as i64 * 9_000),
                actor: Actor {
                    system: system.clone(),
                    account: hosts[h as usize].clone(),
                    display_name: None,
                    kind: ActorKind::User,
                },
                subject: Some(SubjectIdx(h)),
                action: Action::Inventory,
                outcome: Outcome::Success,
                event_type: query.clone(),
                net: None,
                session: None,
                device: None,
                device_managed: None,
                target: None,
                detail: Detail::Endpoint(Box::new(EndpointRow {
                    host: hosts[h as usize].clone(),
                    table: Arc::from(table),
                    action: RowAction::Added,
                    columns,
                    counter: Some(1),
                })),
                user_agent: None,
                interactive: false,
                id: None,
                source: SourcePos::line(SourceId(0), i + 1),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let events = events();
    let subjects: Vec<Subject> =
        (0..HOSTS).map(|h| Subject { id: format!("E{h}"), name: format!("P {h}"), ..Default::default() }).collect();
    let records = Records::default();
    let households = Households::build(&subjects);
    let defaults = Defaults::default();
    let cx = defaults.context(&subjects, &records, &households);
    let mut g = c.benchmark_group("endpoint");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS));
    g.bench_function("signature matching only", |b| {
        let s = Signatures::builtin();
        let mut hits = Vec::new();
        b.iter(|| {
            let mut n = 0usize;
            for e in &events {
                if let Detail::Endpoint(r) = &e.detail {
                    hits.clear();
                    s.match_row(r, row_kind(r), &mut hits);
                    n += hits.len();
                }
            }
            n
        })
    });
    g.bench_function("observe every row + conclude (2,000 hosts)", |b| {
        b.iter(|| {
            let mut d = Inventory::builtin();
            for e in &events {
                d.observe(e, &cx);
            }
            let mut out = Findings::default();
            d.conclude(&cx, &mut out);
            assert!(out.list.iter().any(|f| f.indicator == "E2"));
            out.list.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A fleet of laptops reporting to osquery, with the records that say whose they are and
//! where they were shipped, for the endpoint and shipping benchmarks.
//!
//! Each host sends an hourly heartbeat snapshot (`SELECT * FROM osquery_info`-like, as
//! an empty differential), process events through the working day, a daily differential
//! of installed programs and a USB snapshot. One laptop in `FARM_EVERY` sits in a farm:
//! shipped to one of a few shared doors, AnyDesk and a PiKVM on it, never asleep. The
//! answers are known: farm hosts are `farm == true` in [`Written::farms`].

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::rng::Rng;

/// One laptop in this many belongs to a farm.
pub const FARM_EVERY: u64 = 50;

#[derive(Debug, Default)]
pub struct Written {
    pub rows: u64,
    pub lines: u64,
    pub bytes: u64,
    pub hosts: u64,
    pub farms: u64,
}

const PROCS: &[(&str, &str)] = &[
    ("chrome", "/opt/google/chrome/chrome"),
    ("slack", "/usr/lib/slack/slack"),
    ("code", "/usr/share/code/code"),
    ("zoom", "/opt/zoom/zoom"),
    ("bash", "/usr/bin/bash"),
    ("ssh", "/usr/bin/ssh"),
    ("python3", "/usr/bin/python3.12"),
    ("node", "/usr/bin/node"),
];

const PROGRAMS: &[(&str, &str)] = &[
    ("Google Chrome", "Google LLC"),
    ("Slack", "Slack Technologies"),
    ("Zoom Workplace", "Zoom Video Communications, Inc."),
    ("Microsoft Teams", "Microsoft Corporation"),
    ("Git", "The Git Development Community"),
    ("7-Zip 24.09 (x64)", "Igor Pavlov"),
    ("Visual Studio Code", "Microsoft Corporation"),
];

fn process_line(host: &str, t: i64, i: u64, name: &str, path: &str) -> String {
    format!(
        r#"{{"name":"pack_sec_processes","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{i},"numerics":false,"action":"added","columns":{{"pid":"{pid}","name":"{name}","path":"{path}","cmdline":"{path} --flag","state":"S","cwd":"/home/u","root":"/","uid":"1000","gid":"1000","euid":"1000","egid":"1000","suid":"1000","sgid":"1000","on_disk":"1","wired_size":"0","resident_size":"48234496","total_size":"419430400","user_time":"1234","system_time":"567","disk_bytes_read":"0","disk_bytes_written":"0","start_time":"{t}","parent":"1","pgroup":"{pid}","threads":"12","nice":"0","cgroup_path":"/user.slice"}}}}"#,
        pid = 1000 + i % 30_000
    )
}

/// Writes `people.csv`, `devices.csv`, `shipments.csv` and `osquery.ndjson` for `hosts`
/// laptops over `days` days.
pub fn write_fleet(dir: &Path, hosts: u64, days: i64, seed: u64) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let mut w = Written { hosts, ..Default::default() };
    let mut people = BufWriter::new(std::fs::File::create(dir.join("people.csv"))?);
    let mut devices = BufWriter::new(std::fs::File::create(dir.join("devices.csv"))?);
    let mut ships = BufWriter::new(std::fs::File::create(dir.join("shipments.csv"))?);
    writeln!(people, "subject_id,kind,full_name,address_line1,city,region,postal_code,country,hire_date")?;
    writeln!(devices, "asset_serial,subject_id,host_identifier,hostname,assigned_at,managed")?;
    writeln!(
        ships,
        "subject_id,shipped_at,shipment_id,asset_serial,address_line1,city,region,postal_code,country,status,signed_by"
    )?;
    // Monday 6 January 2025, 00:00 UTC.
    let t0: i64 = 1_736_121_600;
    let farm = |h: u64| h % FARM_EVERY == 7;
    for h in 0..hosts {
        let zip = 10_000 + (h % 89_000);
        writeln!(
            people,
            "W{h:06},employee,Worker {h} Person{h},{} Elm St,Springfield,IL,{zip:05},US,2025-01-06",
            h + 1
        )?;
        writeln!(devices, "SN{h:06},W{h:06},lt-{h:06},,2025-01-06,true")?;
        let (door, dzip) = if farm(h) {
            w.farms += 1;
            (format!("{} Farm Rd", 9 + (h / FARM_EVERY) % 4), 62_701)
        } else {
            (format!("{} Elm St", h + 1), zip)
        };
        writeln!(ships, "W{h:06},2025-01-03,S{h:06},SN{h:06},{door},Springfield,IL,{dzip:05},US,delivered,")?;
    }
    people.flush()?;
    devices.flush()?;
    ships.flush()?;
    let path = dir.join("osquery.ndjson");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    for day in 0..days {
        for hour in 0..24i64 {
            for h in 0..hosts {
                let host = format!("lt-{h:06}");
                let t = t0 + day * 86_400 + hour * 3_600 + (h % 3_000) as i64;
                let awake = farm(h) || (8..=19).contains(&hour);
                if !awake {
                    continue;
                }
                // osquery counts each query's runs per host: 0 on the first.
                let counter = (day * 24 + hour) as u64;
                // The hourly heartbeat.
                writeln!(
                    out,
                    r#"{{"name":"pack_heartbeat","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{counter},"numerics":false,"diffResults":{{"added":[],"removed":[]}}}}"#
                )?;
                w.lines += 1;
                w.rows += 1;
                if (9..=17).contains(&hour) {
                    for _ in 0..rng.below(3) {
                        let (name, p) = *rng.pick(PROCS);
                        writeln!(out, "{}", process_line(&host, t + 60, counter, name, p))?;
                        w.lines += 1;
                        w.rows += 1;
                    }
                }
                if hour == 10 {
                    let mut added: Vec<String> = Vec::new();
                    if day == 0 {
                        for (name, publisher) in PROGRAMS {
                            added.push(format!(r#"{{"name":"{name}","version":"1.0","install_location":"C:\\Program Files\\{name}","publisher":"{publisher}","install_date":"20250106"}}"#));
                        }
                    }
                    if farm(h) && day == 1 {
                        added.push(r#"{"name":"AnyDesk","version":"9.0.4","install_location":"C:\\Program Files (x86)\\AnyDesk","publisher":"AnyDesk Software GmbH","install_date":"20250107"}"#.to_string());
                    }
                    w.rows += added.len().max(1) as u64;
                    writeln!(
                        out,
                        r#"{{"name":"pack_it_software","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{},"numerics":false,"diffResults":{{"added":[{}],"removed":[]}}}}"#,
                        u64::from(day != 0),
                        added.join(",")
                    )?;
                    w.lines += 1;
                    let mut usb = vec![
                        r#"{"vendor_id":"8087","model_id":"0026","vendor":"Intel Corp.","model":"AX201 Bluetooth","serial":"","class":"224"}"#.to_string(),
                        r#"{"vendor_id":"046d","model_id":"c52b","vendor":"Logitech, Inc.","model":"Unifying Receiver","serial":"","class":"0"}"#.to_string(),
                    ];
                    if farm(h) && day >= 1 {
                        usb.push(r#"{"vendor_id":"1d6b","model_id":"0104","vendor":"PiKVM","model":"PiKVM Composite Device","serial":"CAFEBABE","class":"239"}"#.to_string());
                    }
                    w.rows += usb.len() as u64;
                    writeln!(
                        out,
                        r#"{{"snapshot":[{}],"action":"snapshot","name":"pack_it_usb","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":0,"numerics":false}}"#,
                        usb.join(",")
                    )?;
                    w.lines += 1;
                }
            }
        }
    }
    out.flush()?;
    w.bytes = std::fs::metadata(&path)?.len();
    Ok(w)
}

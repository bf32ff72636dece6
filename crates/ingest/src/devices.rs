//! `devices.csv`: which machine belongs to whom, and whether the organisation manages it.
//!
//! Each row becomes a [`Record::Device`]; the engine links its osquery host identifier
//! and hostname to the subject, so endpoint rows land on the right person, and C4 reads
//! the `managed` flag. Several rows for one serial are kept (a laptop handed from one
//! person to the next). `asset_serial` and `subject_id` are required; an unusable
//! `assigned_at` or `managed` keeps the row without that value and is reported.

use std::io::BufRead;

use bonafide_core::Record;
use bonafide_core::records::Device;

use crate::record_csv::{each_row, issue, open, parse_bool, parse_time, shown};
use crate::{ReadContext, RecordSink};

/// The contract's columns of `devices.csv`.
pub const COLUMNS: &[&str] = &["asset_serial", "subject_id", "host_identifier", "hostname", "assigned_at", "managed"];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = open(cx, reader, "devices", crate::Format::Devices.required_columns(), sink)? else {
        return Ok(());
    };
    let col = |name: &str| table.col(name);
    let (serial, subject, host, hostname, assigned, managed) = (
        col("asset_serial"),
        col("subject_id"),
        col("host_identifier"),
        col("hostname"),
        col("assigned_at"),
        col("managed"),
    );
    each_row(cx, &mut table, sink, &mut |row, sink| {
        let pos = cx.pos(row.line);
        let (Some(asset_serial), Some(subject_id)) = (row.get(serial), row.get(subject)) else {
            cx.quarantine(sink, row.line, None, "asset_serial and subject_id are required");
            return;
        };
        let assigned_at = row.get(assigned).and_then(|v| {
            let t = parse_time(v);
            if t.is_none() {
                issue(sink, pos, format!("device {asset_serial}: assigned_at {} is not a date or time", shown(v)));
            }
            t
        });
        let managed = row.get(managed).and_then(|v| {
            let b = parse_bool(v);
            if b.is_none() {
                issue(sink, pos, format!("device {asset_serial}: managed {} is not true or false", shown(v)));
            }
            b
        });
        sink.record(Record::Device(Device {
            asset_serial: asset_serial.to_string(),
            subject_id: subject_id.to_string(),
            host_identifier: row.get(host).map(str::to_string),
            hostname: row.get(hostname).map(str::to_string),
            assigned_at,
            managed,
            source: pos,
        }));
    })
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;

    use crate::Format;
    use crate::test_support::read_str;

    #[test]
    fn reads_devices_and_reports_bad_values() {
        let text = "Asset_Serial,subject_id,host_identifier,hostname,assigned_at,managed,colour\n\
                    C02XK1,E1,6F1C-22AB,LT-0042,2025-03-01,true,silver\n\
                    C02XK2,E2,,LT-0043,yesterday,maybe,\n\
                    ,E3,,,,,\n\
                    C02XK4,E4\n";
        let c = read_str(Format::Devices, text);
        assert_eq!(c.records.len(), 2);
        let Record::Device(d) = &c.records[0] else { panic!("a device") };
        assert_eq!((d.asset_serial.as_str(), d.subject_id.as_str()), ("C02XK1", "E1"));
        assert_eq!(d.host_identifier.as_deref(), Some("6F1C-22AB"));
        assert_eq!(d.assigned_at.unwrap().date_string(), "2025-03-01");
        assert_eq!(d.managed, Some(true));
        let Record::Device(d) = &c.records[1] else { panic!("a device") };
        assert_eq!((d.assigned_at, d.managed, d.host_identifier.as_deref()), (None, None, None));
        let issues: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        assert!(issues[0].contains("assigned_at") && issues[1].contains("managed"), "{issues:?}");
        assert_eq!(c.quarantined.iter().map(|q| q.pos.line).collect::<Vec<_>>(), vec![4, 5]);
    }

    #[test]
    fn a_header_without_required_columns_is_quarantined() {
        let c = read_str(Format::Devices, "serial,owner\nX,Y\n");
        assert!(c.records.is_empty());
        assert!(c.quarantined[0].reason.contains("asset_serial"), "{:?}", c.quarantined);
    }
}

//! `shipments.csv`: equipment sent to people, where to, and who signed for it.
//!
//! Each row becomes a [`Record::Shipment`] with the delivery address folded to its
//! comparison key (USPS abbreviations, units, ZIP+4; see `bonafide_intel::address`), so
//! C1 can compare it with the home on record and C2 can find one door receiving laptops
//! for several people. `subject_id` and `shipped_at` are required; an address without a
//! street line is kept but cannot be compared, which is reported, as are unknown
//! statuses.

use std::io::BufRead;

use bonafide_core::records::{Shipment, ShipmentStatus};
use bonafide_core::{PostalAddress, Record};
use bonafide_intel::address::address_key;

use crate::record_csv::{each_row, issue, open, parse_time, shown};
use crate::{ReadContext, RecordSink};

/// The contract's columns of `shipments.csv`.
pub const COLUMNS: &[&str] = &[
    "subject_id",
    "shipped_at",
    "shipment_id",
    "asset_serial",
    "recipient_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "status",
    "signed_by",
];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = open(cx, reader, "shipments", crate::Format::Shipments.required_columns(), sink)? else {
        return Ok(());
    };
    let cols = crate::columns::Cols::new(&table, COLUMNS);
    each_row(cx, &mut table, sink, &mut |row, sink| {
        let get = |name: &str| row.get(cols.get(name));
        let pos = cx.pos(row.line);
        let (Some(subject_id), Some(when)) = (get("subject_id"), get("shipped_at")) else {
            cx.quarantine(sink, row.line, None, "subject_id and shipped_at are required");
            return;
        };
        let Some(shipped_at) = parse_time(when) else {
            cx.quarantine(sink, row.line, None, format!("shipped_at {} is not a date or time", shown(when)));
            return;
        };
        let text = |name: &str| get(name).map(str::to_string);
        let mut address = PostalAddress {
            line1: text("address_line1"),
            line2: text("address_line2"),
            city: text("city"),
            region: text("region"),
            postal_code: text("postal_code"),
            country: text("country"),
            key: None,
        };
        address.key = address_key(&address);
        let label = get("shipment_id").unwrap_or(subject_id);
        if address.key.is_none() && !address.is_empty() {
            issue(sink, pos, format!("shipment {label}: the address has no street line and cannot be compared"));
        }
        let status = get("status").and_then(|v| {
            let s = ShipmentStatus::parse(v);
            if s.is_none() {
                issue(
                    sink,
                    pos,
                    format!(
                        "shipment {label}: status {} is not delivered, held_for_pickup, redirected or returned",
                        shown(v)
                    ),
                );
            }
            s
        });
        sink.record(Record::Shipment(Shipment {
            subject_id: subject_id.to_string(),
            shipped_at,
            shipment_id: text("shipment_id"),
            asset_serial: text("asset_serial"),
            recipient_name: text("recipient_name"),
            address,
            status,
            signed_by: text("signed_by"),
            source: pos,
        }));
    })
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;
    use bonafide_core::records::ShipmentStatus;

    use crate::Format;
    use crate::test_support::read_str;

    const HEADER: &str = "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,address_line2,city,region,postal_code,country,status,signed_by\n";

    #[test]
    fn reads_shipments_with_address_keys() {
        let text = format!(
            "{HEADER}E1,2025-03-01T15:00:00Z,S1,C02XK1,Jane Roe,12 Oak Street,Apt. 4,Springfield,Illinois,62701-1234,United States,delivered,J ROE\n\
             E2,2025-03-02,S2,C02XK2,Bob,,,Springfield,IL,,US,Held for pickup,\n\
             E3,2025-03-03,S3,,,1 Elm St,,Austin,TX,73301,US,lost,\n\
             E4,soon,S4,,,1 Elm St,,Austin,TX,73301,US,,\n\
             ,2025-03-03,S5,,,,,,,,,,\n"
        );
        let c = read_str(Format::Shipments, &text);
        assert_eq!(c.records.len(), 3, "{:?}", c.quarantined);
        let Record::Shipment(s) = &c.records[0] else { panic!("a shipment") };
        assert_eq!(s.address.key.as_deref(), Some("12 OAK ST|4|62701|US"));
        assert_eq!((s.status, s.signed_by.as_deref()), (Some(ShipmentStatus::Delivered), Some("J ROE")));
        assert_eq!(s.shipped_at.to_rfc3339(), "2025-03-01T15:00:00Z");
        let Record::Shipment(s) = &c.records[1] else { panic!("a shipment") };
        assert_eq!((s.status, s.address.key.as_deref()), (Some(ShipmentStatus::HeldForPickup), None));
        let issues: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(issues[0].contains("no street line") && issues[1].contains("\"lost\""), "{issues:?}");
        let q: Vec<(u64, &str)> = c.quarantined.iter().map(|q| (q.pos.line, q.reason.as_str())).collect();
        assert_eq!(q.len(), 2);
        assert!(q[0].1.contains("shipped_at") && q[1].1.contains("required"), "{q:?}");
    }
}

//! What the subject-keyed record readers (`devices.csv`, `shipments.csv`, ...) share:
//! opening the table with its required columns, and the value forms of the contract.

use std::io::BufRead;

use bonafide_core::{QuarantineEntry, SourcePos, UtcMs};

use crate::table::{Row, RowRead, Table, TableError};
use crate::{ReadContext, RecordSink};

/// Opens a record CSV; a header without the required columns quarantines the file's
/// header line and gives `None` (nothing in the file can be read without them).
pub fn open<'r>(
    cx: &ReadContext<'_>,
    reader: &'r mut dyn BufRead,
    format: &str,
    required: &[&str],
    sink: &mut dyn RecordSink,
) -> std::io::Result<Option<Table<'r>>> {
    let table = match Table::open(reader, format, &cx.options.column_map, cx.options.max_record_bytes) {
        Ok(t) => t,
        Err(TableError::Io(e)) => return Err(e),
        Err(e) => {
            cx.quarantine(sink, 1, None, e.to_string());
            return Ok(None);
        }
    };
    for (name, count) in table.repeated() {
        sink.field_issue(QuarantineEntry {
            pos: cx.pos(1),
            reason: format!("column {name:?} appears {count} times in the header; the first is read, the others are kept as extra attributes where the format keeps them"),
        });
    }
    let missing: Vec<&str> = required.iter().copied().filter(|c| table.col(c).is_none()).collect();
    if !missing.is_empty() {
        cx.quarantine(sink, 1, None, format!("header lacks {}", missing.join(", ")));
        return Ok(None);
    }
    Ok(Some(table))
}

/// Hands every row of `table` to `on_row`; rows the table could not cut (bad quoting,
/// oversized) are quarantined with their line. Returns at the end of the input, or with
/// an I/O error after the rows before it.
pub fn each_row(
    cx: &ReadContext<'_>,
    table: &mut Table<'_>,
    sink: &mut dyn RecordSink,
    on_row: &mut dyn FnMut(&Row, &mut dyn RecordSink),
) -> std::io::Result<()> {
    let mut row = Row::default();
    loop {
        match table.next(&mut row)? {
            RowRead::End => return Ok(()),
            RowRead::Bad { line, reason } => cx.quarantine(sink, line, None, reason),
            RowRead::Row => on_row(&row, sink),
        }
    }
}

/// `true|false`, and the spellings exports use for them.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// A time column: RFC 3339 with an offset, or a date (`YYYY-MM-DD`, midnight UTC).
pub fn parse_time(s: &str) -> Option<UtcMs> {
    UtcMs::parse(s).ok().or_else(|| UtcMs::parse_date(s).ok())
}

/// Reports an unusable optional value of an accepted record.
pub fn issue(sink: &mut dyn RecordSink, pos: SourcePos, what: String) {
    sink.field_issue(QuarantineEntry { pos, reason: format!("{what}; field ignored") });
}

/// A value as a message may quote it: trimmed and cut short.
pub fn shown(v: &str) -> String {
    let v: String = v.trim().chars().take(40).collect();
    format!("{v:?}")
}

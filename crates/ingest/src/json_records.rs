//! The loop every JSON event reader shares: frame the input into records, hand each
//! record to the format's own parser, and quarantine what it rejects and what could not
//! be framed, so that no reader can forget a path on which a record would vanish.

use std::io::BufRead;

use bonafide_core::SourcePos;
use serde::Deserialize;

use crate::framing::{JsonRecord, detect_shape, for_each_record};
use crate::normalise::describe_json_error;
use crate::{ReadContext, RecordSink};

/// What a format does with one framed record: deliver events or records to the sink, or
/// return the reason the record is quarantined.
pub type OnRecord<'f> = dyn FnMut(&[u8], SourcePos, &mut dyn RecordSink) -> Result<(), String> + 'f;

/// Reads every record of a JSON input (any shape `framing` knows) through `on`.
/// Framing problems (oversized records, broken structure) are quarantined after the
/// records that could be read; an I/O error is returned after them too.
pub fn read(
    cx: &ReadContext<'_>,
    reader: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
    on: &mut OnRecord<'_>,
) -> std::io::Result<()> {
    let shape = detect_shape(cx.sample);
    let mut problems = Vec::new();
    let mut on_record = |rec: JsonRecord<'_>| {
        let pos = SourcePos { source: cx.source, line: rec.line, index: Some(rec.index) };
        if let Err(reason) = on(rec.bytes, pos, sink) {
            cx.quarantine(sink, rec.line, Some(rec.index), reason);
        }
    };
    let result = for_each_record(reader, shape, cx.options.max_record_bytes, &mut on_record, &mut |p| problems.push(p));
    for p in problems {
        cx.quarantine(sink, p.line, Some(p.index), p.reason);
    }
    result.map(|_| ())
}

/// Deserialises one record, or says where and why it does not fit `T`.
pub fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|_| describe_json_error::<T>(bytes))
}

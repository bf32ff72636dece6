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
    // JSON records start with an object or an array. A sample in which no line does
    // (after a byte-order mark and blank space) was forced here with --format: one
    // reason for the file, not one per word of it. A damaged first line of NDJSON is
    // only that line's problem, so one good line in the sample is enough to read on.
    let body = crate::framing::skip_bom(cx.sample);
    let opens = |l: &[u8]| matches!(l.trim_ascii_start().first(), Some(b'{' | b'['));
    if let Some(&first) = body.iter().find(|c| !c.is_ascii_whitespace())
        && !body.split(|&c| c == b'\n').any(opens)
    {
        cx.quarantine(
            sink,
            1,
            None,
            format!(
                "not JSON: the file starts with {:?}, not '{{' or '['; it is not read (was it given the wrong --format?)",
                char::from(first)
            ),
        );
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::test_support::read_str;

    /// A CSV forced to a JSON format is one problem of the file, not one per word.
    #[test]
    fn a_file_that_is_not_json_is_one_quarantine() {
        let c = read_str(Format::Okta, "subject_id,full_name,email\nE1,Jane Roe,jane@x.io\nE2,Bob Roe,bob@x.io\n");
        assert_eq!(c.events.len(), 0);
        assert_eq!(c.quarantined.len(), 1, "{:?}", c.quarantined);
        assert!(c.quarantined[0].reason.contains("not JSON") && c.quarantined[0].reason.contains("--format"));
        let bom = read_str(Format::Okta, "\u{feff}  []\n");
        assert!(bom.quarantined.is_empty(), "{:?}", bom.quarantined);
        // A damaged first line of NDJSON costs that line only.
        let ndjson = read_str(Format::Okta, "!\n{\"published\":\"x\"}\n");
        assert_eq!(ndjson.quarantined.len(), 2, "{:?}", ndjson.quarantined);
        assert!(!ndjson.quarantined[0].reason.contains("not JSON: the file"));
    }
}

//! Cutting a JSON input into records without reading it whole.
//!
//! Vendors export the same events as NDJSON, as one JSON array, as an array wrapped in
//! an object (`{"value": [...]}`, `{"records": [...]}`, `{"items": [...]}`), as one
//! pretty-printed object, or as pretty objects one after another. Two framers cover them:
//!
//! - **Lines**, when the sample shows one complete JSON value per line: records are cut
//!   at newlines (memchr), so a broken line costs one record and the next line starts
//!   clean. This is the fast path for large logs.
//! - **Structural** otherwise: a byte scanner that tracks strings, escapes and depth,
//!   descends into a top-level array or a wrapper's array, and yields each element.
//!
//! Both enforce a size limit per record: an oversized record is skipped without being
//! buffered and reported, so one 10 MB line cannot exhaust memory or stop the file.

use std::io::{self, BufRead};

/// Keys of a wrapper object whose array holds the records.
pub const WRAPPER_KEYS: &[&str] = &["value", "records", "items", "events", "data", "results", "logs"];

/// Object-valued members that make an object a record, never a wrapper, whatever arrays
/// it holds.
const RECORD_KEYS: &[&str] = &["actor", "id"];

/// One record's bytes and position.
#[derive(Debug)]
pub struct JsonRecord<'a> {
    pub bytes: &'a [u8],
    /// 1-based line where the record starts.
    pub line: u64,
    /// 0-based index of the record in the file.
    pub index: u64,
}

/// A record that could not be framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameProblem {
    pub line: u64,
    pub index: u64,
    pub reason: String,
}

/// How a JSON input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    Lines,
    Structural,
}

pub(crate) fn skip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b)
}

/// Decides the shape from the first bytes of the content: lines when one of the first
/// three non-empty lines is a complete JSON object by itself, or when none is but all of
/// them look like one (`{...}` on one line): NDJSON whose first lines are damaged, which
/// must still cost one record per bad line, not the rest of the file.
pub fn detect_shape(sample: &[u8]) -> JsonShape {
    let sample = skip_bom(sample);
    let first = sample.iter().position(|c| !c.is_ascii_whitespace());
    if first.is_some_and(|i| sample[i] == b'[') {
        return JsonShape::Structural;
    }
    // A first line longer than the sample (osquery snapshots reach hundreds of KB) cannot
    // be parsed here. It is one record per line unless it opens a wrapper's array
    // (`{"value": [...` minified on one line): reading it structurally would let one
    // damaged later line swallow the rest of the file.
    let body = sample.trim_ascii();
    if body.first() == Some(&b'{')
        && !body.contains(&b'\n')
        && serde_json::from_slice::<serde_json::Value>(body).is_err_and(|e| e.is_eof())
    {
        return match first_member(body) {
            Some((key, b'[')) if WRAPPER_KEYS.contains(&key.as_str()) => JsonShape::Structural,
            _ => JsonShape::Lines,
        };
    }
    for line in sample.split(|&c| c == b'\n').map(|l| l.trim_ascii()).filter(|l| !l.is_empty()).take(3) {
        // A line that opens a value it does not close, or an array element followed by a
        // comma, belongs to a multi-line document (`{"value": [` then one record per line).
        if matches!(line.last(), Some(b'[' | b'{' | b',')) {
            return JsonShape::Structural;
        }
        if line.first() != Some(&b'{') {
            continue;
        }
        if let Ok(obj) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line) {
            // A one-line wrapper (`{"value": [{...}]}`) is not a record per line. A record
            // that merely holds an array under such a key (a Google Workspace activity's
            // `events`) says who acted: it has an `actor` or `id` object of its own.
            let wrapper = WRAPPER_KEYS
                .iter()
                .any(|k| obj.get(*k).and_then(|v| v.as_array()).is_some_and(|a| a.iter().all(|e| e.is_object())))
                && !RECORD_KEYS.iter().any(|k| obj.get(*k).is_some_and(|v| v.is_object()));
            return if wrapper { JsonShape::Structural } else { JsonShape::Lines };
        }
    }
    let mut first_lines =
        sample.split(|&c| c == b'\n').map(|l| l.trim_ascii()).filter(|l| !l.is_empty()).take(3).peekable();
    if first_lines.peek().is_some() && first_lines.all(|l| l.len() > 1 && l[0] == b'{' && l[l.len() - 1] == b'}') {
        return JsonShape::Lines;
    }
    JsonShape::Structural
}

/// The first member of the object `line` opens: its key and the first byte of its
/// value, if the line gets that far.
fn first_member(line: &[u8]) -> Option<(String, u8)> {
    let rest = line.strip_prefix(b"{")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"")?;
    let mut end = None;
    let mut escaped = false;
    for (i, &c) in rest.iter().enumerate() {
        match c {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let key = String::from_utf8_lossy(&rest[..end]).into_owned();
    let after = rest[end + 1..].trim_ascii_start().strip_prefix(b":")?.trim_ascii_start();
    Some((key, *after.first()?))
}

/// Feeds every record of `reader` to `on_record` and every framing problem to `on_bad`.
/// Returns the number of records framed; an I/O error (a truncated gzip stream) is
/// returned after the records before it were delivered.
pub fn for_each_record(
    reader: &mut dyn BufRead,
    shape: JsonShape,
    limit: usize,
    on_record: &mut dyn FnMut(JsonRecord<'_>),
    on_bad: &mut dyn FnMut(FrameProblem),
) -> io::Result<u64> {
    match shape {
        JsonShape::Lines => lines(reader, limit, on_record, on_bad),
        JsonShape::Structural => Structural::new(limit).run(reader, on_record, on_bad),
    }
}

/// Reads one line into `buf` (without the newline), keeping at most `limit` bytes.
/// Returns `None` at end of input, else the line's full length.
pub fn read_line_bounded(reader: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let avail = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            if !any {
                return Ok(None);
            }
            // The end of the input ends the line as `\n` does: a `\r` before it goes too.
            if buf.last() == Some(&b'\r') && total <= limit {
                buf.pop();
                total -= 1;
            }
            return Ok(Some(total));
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        let room = limit.saturating_add(1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        match done {
            Some(used) => {
                reader.consume(used);
                if buf.last() == Some(&b'\r') && total <= limit {
                    buf.pop();
                    total -= 1;
                }
                return Ok(Some(total));
            }
            None => {
                let n = avail.len();
                reader.consume(n);
            }
        }
    }
}

fn too_large(size: usize, limit: usize) -> String {
    format!("record is {size} bytes, over the {limit}-byte limit (limits.max_record_bytes)")
}

fn lines(
    reader: &mut dyn BufRead,
    limit: usize,
    on_record: &mut dyn FnMut(JsonRecord<'_>),
    on_bad: &mut dyn FnMut(FrameProblem),
) -> io::Result<u64> {
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut line = 0u64;
    let mut index = 0u64;
    let mut deliver = |raw: &[u8], len: usize, line: u64, index: &mut u64| {
        let mut bytes = raw.trim_ascii();
        if line == 1 {
            bytes = skip_bom(bytes).trim_ascii();
        }
        if bytes.is_empty() {
            return;
        }
        if len > limit {
            on_bad(FrameProblem { line, index: *index, reason: too_large(len, limit) });
        } else {
            on_record(JsonRecord { bytes, line, index: *index });
        }
        *index += 1;
    };
    loop {
        // Fast path: the whole line is in the reader's buffer; parse it where it lies.
        let avail = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(index);
        }
        if let Some(i) = memchr::memchr(b'\n', avail) {
            line += 1;
            deliver(&avail[..i], i, line, &mut index);
            reader.consume(i + 1);
            continue;
        }
        // Slow path: the line runs past the buffer; gather it (up to the limit).
        match read_line_bounded(reader, &mut buf, limit)? {
            Some(len) => {
                line += 1;
                deliver(&buf, len, line, &mut index);
            }
            None => return Ok(index),
        }
    }
}

/// Where the structural scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Between top-level values.
    Top,
    /// Inside the root object, deciding whether it is a wrapper.
    RootObject,
    /// Inside the array whose elements are records.
    Records,
    /// Past the records array, inside the rest of a wrapper object.
    WrapperTail,
}

struct Structural {
    limit: usize,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: usize,
    line: u64,
    index: u64,
}

impl Structural {
    fn new(limit: usize) -> Self {
        Structural { limit, buf: Vec::new(), base: 0, line: 1, index: 0 }
    }

    fn run(
        mut self,
        reader: &mut dyn BufRead,
        on_record: &mut dyn FnMut(JsonRecord<'_>),
        on_bad: &mut dyn FnMut(FrameProblem),
    ) -> io::Result<u64> {
        let mut level = Level::Top;
        let mut depth = 0usize; // nesting depth in the whole document
        let mut in_str = false;
        let mut esc = false;
        // Record in progress: (absolute start, line, depth at which it started, is container)
        let mut rec: Option<(usize, u64, usize, bool)> = None;
        let mut oversize = false;
        // Wrapper detection inside the root object.
        let mut key_start: Option<usize> = None;
        let mut last_key: Option<Vec<u8>> = None;
        let mut expecting_key = false;
        let mut records_depth = 0usize;
        // An object-valued member of the root object: then it is a record, not a wrapper.
        let mut root_has_object = false;
        let mut first = true;
        let mut pos = 0usize; // absolute offset of the next byte to scan
        let mut root_start_line = 1u64;
        loop {
            // Refill: keep from the record start (or nothing) onwards.
            let keep_from = match rec {
                Some((start, ..)) if !oversize => start,
                _ => pos,
            };
            let drop = keep_from.saturating_sub(self.base).min(self.buf.len());
            if drop > 0 {
                self.buf.drain(..drop);
                self.base += drop;
            }
            let chunk = match reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            let mut chunk = chunk.to_vec();
            let n = chunk.len();
            reader.consume(n);
            if first {
                first = false;
                if chunk.starts_with(b"\xef\xbb\xbf") {
                    chunk.drain(..3);
                    self.base += 3;
                    pos += 3;
                }
            }
            self.buf.extend_from_slice(&chunk);
            let end = self.base + self.buf.len();
            while pos < end {
                let c = self.buf[pos - self.base];
                pos += 1;
                if c == b'\n' {
                    self.line += 1;
                }
                if in_str {
                    if esc {
                        esc = false;
                    } else if c == b'\\' {
                        esc = true;
                    } else if c == b'"' {
                        in_str = false;
                        if let Some(ks) = key_start.take() {
                            // The key's bytes may have been dropped from the buffer when
                            // the root object grew past the limit; then it is no wrapper.
                            last_key =
                                (ks >= self.base).then(|| self.buf[ks - self.base..pos - 1 - self.base].to_vec());
                        }
                        if let Some((start, line, d, false)) = rec
                            && d == depth
                        {
                            self.finish(start, pos, line, &mut oversize, on_record, on_bad);
                            rec = None;
                        }
                    }
                    continue;
                }
                // A scalar record ends at a delimiter.
                if let Some((start, line, d, false)) = rec
                    && d == depth
                    && (c == b',' || c == b']' || c == b'}' || c.is_ascii_whitespace())
                {
                    self.finish(start, pos - 1, line, &mut oversize, on_record, on_bad);
                    rec = None;
                }
                match c {
                    b'"' => {
                        in_str = true;
                        if level == Level::RootObject && depth == 1 && expecting_key {
                            key_start = Some(pos);
                            expecting_key = false;
                        } else if level == Level::Top && depth == 0 {
                            // A bare string at top level, like any other scalar there:
                            // one record of its own (its reader reports it), not nothing.
                            rec = Some((pos - 1, self.line, 0, false));
                        } else {
                            self.maybe_start(level, depth, records_depth, pos - 1, false, &mut rec);
                        }
                    }
                    b'{' | b'[' => {
                        if level == Level::Top && depth == 0 {
                            if c == b'[' {
                                level = Level::Records;
                                records_depth = 1;
                            } else {
                                level = Level::RootObject;
                                expecting_key = true;
                                root_has_object = false;
                                root_start_line = self.line;
                                rec = Some((pos - 1, self.line, 0, true));
                            }
                        } else if level == Level::RootObject
                            && depth == 1
                            && c == b'['
                            && !root_has_object
                            && last_key.as_deref().is_some_and(|k| WRAPPER_KEYS.iter().any(|w| w.as_bytes() == k))
                        {
                            // A wrapper: its array holds the records.
                            level = Level::Records;
                            records_depth = 2;
                            rec = None;
                            oversize = false;
                        } else {
                            if level == Level::RootObject
                                && depth == 1
                                && c == b'{'
                                && last_key.as_deref().is_some_and(|k| RECORD_KEYS.iter().any(|w| w.as_bytes() == k))
                            {
                                root_has_object = true;
                            }
                            self.maybe_start(level, depth, records_depth, pos - 1, true, &mut rec);
                        }
                        depth += 1;
                    }
                    b'}' | b']' => {
                        if depth == 0 {
                            on_bad(FrameProblem {
                                line: self.line,
                                index: self.index,
                                reason: format!("unexpected '{}' outside any value", c as char),
                            });
                            continue;
                        }
                        depth -= 1;
                        if let Some((start, line, d, true)) = rec
                            && d == depth
                        {
                            self.finish(start, pos, line, &mut oversize, on_record, on_bad);
                            rec = None;
                            if level == Level::RootObject {
                                level = Level::Top;
                            }
                        }
                        if level == Level::Records && depth + 1 == records_depth && c == b']' {
                            level = if records_depth == 1 { Level::Top } else { Level::WrapperTail };
                        } else if level == Level::WrapperTail && depth == 0 {
                            level = Level::Top;
                        }
                    }
                    b',' if level == Level::RootObject && depth == 1 => expecting_key = true,
                    b':' => {}
                    c if c.is_ascii_whitespace() || c == b',' => {}
                    _ => {
                        if level == Level::Top && depth == 0 {
                            // A bare scalar at top level: one record of its own.
                            rec = Some((pos - 1, self.line, 0, false));
                        } else {
                            self.maybe_start(level, depth, records_depth, pos - 1, false, &mut rec);
                        }
                    }
                }
                if let Some((start, ..)) = rec
                    && pos - start > self.limit
                    && !oversize
                {
                    oversize = true;
                }
            }
        }
        if let Some((start, line, d, container)) = rec {
            if !container && !in_str && d == depth {
                let end = self.base + self.buf.len();
                self.finish(start, end, line, &mut oversize, on_record, on_bad);
            } else {
                let at = if level == Level::RootObject { root_start_line } else { line };
                on_bad(FrameProblem {
                    line: at,
                    index: self.index,
                    reason: "the input ends inside a record (truncated JSON)".into(),
                });
                self.index += 1;
            }
        } else if depth > 0 || in_str {
            on_bad(FrameProblem {
                line: self.line,
                index: self.index,
                reason: "the input ends inside an unclosed array or object (truncated JSON)".into(),
            });
        }
        Ok(self.index)
    }

    fn maybe_start(
        &self,
        level: Level,
        depth: usize,
        records_depth: usize,
        at: usize,
        container: bool,
        rec: &mut Option<(usize, u64, usize, bool)>,
    ) {
        if level == Level::Records && depth == records_depth && rec.is_none() {
            *rec = Some((at, self.line, depth, container));
        }
    }

    fn finish(
        &mut self,
        start: usize,
        end: usize,
        line: u64,
        oversize: &mut bool,
        on_record: &mut dyn FnMut(JsonRecord<'_>),
        on_bad: &mut dyn FnMut(FrameProblem),
    ) {
        let size = end - start;
        if *oversize || size > self.limit {
            on_bad(FrameProblem { line, index: self.index, reason: too_large(size, self.limit) });
        } else {
            let bytes = &self.buf[start - self.base..end - self.base];
            on_record(JsonRecord { bytes, line, index: self.index });
        }
        *oversize = false;
        self.index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(input: &str, limit: usize) -> (Vec<(String, u64, u64)>, Vec<FrameProblem>) {
        let shape = detect_shape(input.as_bytes());
        let mut recs = Vec::new();
        let mut bad = Vec::new();
        let mut r = input.as_bytes();
        for_each_record(
            &mut r,
            shape,
            limit,
            &mut |rec| recs.push((String::from_utf8_lossy(rec.bytes).into_owned(), rec.line, rec.index)),
            &mut |p| bad.push(p),
        )
        .unwrap();
        (recs, bad)
    }

    #[test]
    fn damaged_ndjson_stays_line_by_line() {
        let text = "{\"a\":\"x}\n{\"b\":2}\n";
        assert_eq!(detect_shape(text.as_bytes()), JsonShape::Lines);
        let (recs, _) = frame(text, 100);
        assert_eq!(recs.len(), 2, "the broken first line costs only itself");
        assert_eq!(detect_shape(b"{\n  \"a\": 1\n}\n"), JsonShape::Structural, "pretty objects");
        assert_eq!(detect_shape(b"{\"value\": [\n{\"a\": 1},\n"), JsonShape::Structural, "an open wrapper");
    }

    /// NDJSON whose first line is longer than the recognition sample is still read one
    /// line at a time, so a damaged second line costs only itself; a minified wrapper
    /// longer than the sample is still unwrapped.
    #[test]
    fn a_first_line_longer_than_the_sample_keeps_its_shape() {
        let big: Vec<String> = (0..4000).map(|i| format!("{{\"serial\":\"SN{i:040}\"}}")).collect();
        let line1 = format!("{{\"name\":\"pack_usb\",\"snapshot\":[{}]}}", big.join(","));
        assert!(line1.len() > crate::input::SAMPLE_BYTES);
        let text =
            format!("{line1}\n{{\"name\":\"pack_usb\",\"snapshot\":[{{\"vendor\":\"Chro\n{{\"c\":3}}\n{{\"d\":4}}\n");
        let sample = &text.as_bytes()[..crate::input::SAMPLE_BYTES];
        assert_eq!(detect_shape(sample), JsonShape::Lines);
        let mut r = text.as_bytes();
        let (mut recs, mut bad) = (Vec::new(), Vec::new());
        for_each_record(&mut r, JsonShape::Lines, 1 << 20, &mut |rec| recs.push(rec.line), &mut |p| bad.push(p.line))
            .unwrap();
        // The damaged line 2 is a record of its own (its reader quarantines it); 3 and 4 follow.
        assert_eq!((recs, bad), (vec![1, 2, 3, 4], vec![]));

        let wrapper = format!("{{ \"value\" : [{}]}}", big.join(","));
        assert_eq!(detect_shape(&wrapper.as_bytes()[..crate::input::SAMPLE_BYTES]), JsonShape::Structural);
        let escaped_key = format!("{{\"va\\\"lue\":[{}]}}", big.join(","));
        assert_eq!(detect_shape(&escaped_key.as_bytes()[..crate::input::SAMPLE_BYTES]), JsonShape::Lines);
        // A record holding an object first is a record, not a wrapper.
        let record = format!("{{\"value\":{{\"a\":[{}]}}}}", big.join(","));
        assert_eq!(detect_shape(&record.as_bytes()[..crate::input::SAMPLE_BYTES]), JsonShape::Lines);
    }

    #[test]
    fn a_bare_string_between_objects_is_a_record() {
        let (recs, bad) = frame("{\n \"a\": 1\n}\n\"stray, record\"\n{\n \"b\": 2\n}\n", 100);
        assert!(bad.is_empty(), "{bad:?}");
        let got: Vec<(&str, u64)> = recs.iter().map(|r| (r.0.as_str(), r.1)).collect();
        assert_eq!(got, [("{\n \"a\": 1\n}", 1), ("\"stray, record\"", 4), ("{\n \"b\": 2\n}", 5)]);
    }

    #[test]
    fn ndjson() {
        let (recs, bad) = frame("{\"a\":1}\n\n{\"b\":2}\r\n  {\"c\":\n", 100);
        assert_eq!(
            recs.iter().map(|r| (r.0.as_str(), r.1)).collect::<Vec<_>>(),
            vec![("{\"a\":1}", 1), ("{\"b\":2}", 3), ("{\"c\":", 4)]
        );
        assert!(bad.is_empty(), "a broken line is the record reader's to reject");
    }

    #[test]
    fn arrays_and_wrappers() {
        let (recs, bad) = frame("[\n {\"a\": [1, {\"x\": \"]\"}]},\n {\"b\": \"q\\\"}\"}\n]\n", 100);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].0, "{\"a\": [1, {\"x\": \"]\"}]}");
        assert_eq!((recs[1].1, recs[1].2), (3, 1));
        assert!(bad.is_empty());
        let (recs, _) = frame(
            "{\"@odata.context\": \"x\", \"value\": [{\"id\": 1}, {\"id\": 2}], \"next\": {\"value\": [9]}}",
            100,
        );
        assert_eq!(recs.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), vec!["{\"id\": 1}", "{\"id\": 2}"]);
        let (recs, _) = frame("{\"kind\": \"admin#reports\", \"items\": [{\"id\": {\"time\": \"t\"}}]}", 100);
        assert_eq!(recs.len(), 1);
        // A Google Workspace activity holds `events`, but it is a record, on one line or
        // pretty-printed.
        let activity = "{\"id\": {\"time\": \"t\"}, \"actor\": {\"email\": \"a\"}, \"events\": [{\"name\": \"x\"}, {\"name\": \"y\"}]}";
        let (recs, _) = frame(&format!("{activity}\n{activity}\n"), 1000);
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.0 == activity));
        let (recs, _) = frame(&activity.replace(", ", ",\n  "), 1000);
        assert_eq!(recs.len(), 1);
        assert!(recs[0].0.starts_with("{\"id\""));
    }

    #[test]
    fn a_wrapper_with_one_record_per_line_is_not_ndjson() {
        let text = "{\"value\": [\n {\"id\": 1, \"a\": {\"b\": 2}},\n {\"id\": 2},\n {\"id\": 3}\n]}\n";
        let (recs, bad) = frame(text, 100);
        assert_eq!(
            recs.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            vec!["{\"id\": 1, \"a\": {\"b\": 2}}", "{\"id\": 2}", "{\"id\": 3}"]
        );
        assert!(bad.is_empty());
        let (recs, _) = frame("[\n{\"id\": 1},\n{\"id\": 2}\n]", 100);
        assert_eq!(recs.len(), 2);
    }

    #[test]
    fn pretty_single_and_concatenated_objects() {
        let (recs, bad) = frame("{\n  \"actor\": {\"id\": 1},\n  \"value\": 3\n}\n", 100);
        assert_eq!(recs.len(), 1, "a `value` key that is not an array is just a field");
        assert!(recs[0].0.starts_with("{\n  \"actor\""));
        assert!(bad.is_empty());
        let (recs, _) = frame("{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n", 100);
        assert_eq!(recs.iter().map(|r| r.1).collect::<Vec<_>>(), vec![1, 4]);
    }

    #[test]
    fn oversized_records_are_reported_not_buffered() {
        let big = format!("{{\"x\": \"{}\"}}", "a".repeat(10_000));
        let (recs, bad) = frame(&format!("{{\"a\":1}}\n{big}\n{{\"b\":2}}\n"), 1000);
        assert_eq!(recs.len(), 2);
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].line, bad[0].index), (2, 1));
        assert!(bad[0].reason.contains("over the 1000-byte limit"));
        let (recs, bad) = frame(&format!("[{{\"a\":1}}, {big}, {{\"b\":2}}]"), 1000);
        assert_eq!(recs.len(), 2);
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn truncation_is_reported() {
        let (recs, bad) = frame("[{\"a\": 1}, {\"b\": ", 100);
        assert_eq!(recs.len(), 1);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].reason.contains("truncated"));
        let (recs, bad) = frame("{\n \"a\": [1, 2\n", 100);
        assert!(recs.is_empty());
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn bom_is_skipped() {
        let (recs, _) = frame("\u{feff}{\"a\":1}\n", 100);
        assert_eq!(recs[0].0, "{\"a\":1}");
        let (recs, _) = frame("\u{feff}[{\"a\":1}]", 100);
        assert_eq!(recs[0].0, "{\"a\":1}");
    }

    #[test]
    fn bounded_lines() {
        let mut r: &[u8] = b"short\nthis line is long\nend";
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(17));
        assert!(buf.len() <= 9);
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(3));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), None);
        // A `\r` before the end of the input is a line end's, as before `\n`.
        let mut r: &[u8] = b"a,b\r\nc,true\r";
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(3));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(6));
        assert_eq!(buf, b"c,true");
    }

    proptest! {
        #[test]
        fn framing_never_panics(data in proptest::collection::vec(any::<u8>(), 0..3000), limit in 1usize..500) {
            for shape in [JsonShape::Lines, JsonShape::Structural] {
                let mut r = data.as_slice();
                let _ = for_each_record(&mut r, shape, limit, &mut |_| {}, &mut |_| {});
            }
        }

        /// Every element of a generated array of objects comes out whole, once, in order.
        #[test]
        fn arrays_round_trip(values in proptest::collection::vec(proptest::collection::btree_map("[a-z\"\\\\\\]\\[{} ]{0,6}", any::<i32>(), 0..4), 0..20)) {
            let elems: Vec<String> = values.iter().map(|m| serde_json::to_string(m).unwrap()).collect();
            let doc = format!("[{}]", elems.join(",\n"));
            let (recs, bad) = frame(&doc, 10_000);
            prop_assert!(bad.is_empty());
            prop_assert_eq!(recs.into_iter().map(|r| r.0).collect::<Vec<_>>(), elems.clone());
            let wrapped = format!("{{\"records\": [{}]}}", elems.join(","));
            let (recs, _) = frame(&wrapped, 10_000);
            prop_assert_eq!(recs.len(), elems.len());
        }
    }
}

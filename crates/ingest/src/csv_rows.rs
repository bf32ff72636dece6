//! Cutting a CSV file into rows, one physical line at a time, with bounded memory.
//!
//! A quoted field may span lines, so a row is the lines fed to the parser until it
//! closes. The csv crate reads a row until its quotes close or the file ends: one stray
//! quote (`E1,"Jane Roe,jane@x.com`) made the rest of the file a single bad row, and a
//! file of them was held in memory whole. Here a row that would run past the row limit
//! or the end of the file, or that closes with the wrong number of fields after spanning
//! lines, costs only the line it started on: that line is reported and reading goes on
//! at the next line, which is fed again from the lines held (never more than the limit).
//!
//! Lines end at `\n`; a `\r` before it is dropped. A lone `\r` is data, not a line end.
//!
//! Fields are separated by a comma unless the caller sets another separator (a file
//! whose header decided on `;` or a tab, see [`crate::table::header_delimiter`]);
//! quoting is CSV's whatever the separator.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use csv_core::{ReadRecordResult, ReaderBuilder, Terminator};

use crate::framing::read_line_bounded;

/// One physical line, or the length of one too long to keep.
enum Line {
    Text(Vec<u8>),
    TooLong(usize),
}

/// A row's fields as parsed bytes, or why its first line was skipped.
pub enum Cut<'a> {
    Row { line: u64, fields: Fields<'a> },
    Bad { line: u64, reason: String },
    End,
}

/// The fields of the row just cut.
pub struct Fields<'a> {
    out: &'a [u8],
    ends: &'a [usize],
}

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let out = self.out;
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let f = out.get(start..end).unwrap_or_default();
            start = end;
            f
        })
    }
}

/// Rows of one CSV input.
pub struct Rows<'r> {
    reader: &'r mut dyn BufRead,
    limit: usize,
    parser: csv_core::Reader,
    /// Number of the last line taken from `reader`.
    read: u64,
    /// Lines to feed again, in order, after a row starting before them was skipped.
    again: VecDeque<(u64, Line)>,
    first: bool,
    /// The current line (reused: the common one-line row allocates nothing).
    cur: Vec<u8>,
    out: Vec<u8>,
    ends: Vec<usize>,
}

/// Feeds one line and its line end to `parser`; true when the row closed with it.
fn feed(
    parser: &mut csv_core::Reader,
    out: &mut Vec<u8>,
    ends: &mut Vec<usize>,
    line: &[u8],
    len: &mut (usize, usize),
) -> bool {
    for mut input in [line, b"\n".as_slice()] {
        // csv_core takes an empty input for the end of the file, which would close a row
        // inside a quoted field at a blank line; an empty line is only its line end.
        if input.is_empty() {
            continue;
        }
        loop {
            let (res, nin, nout, nend) = parser.read_record(input, &mut out[len.0..], &mut ends[len.1..]);
            input = &input[nin..];
            len.0 += nout;
            len.1 += nend;
            match res {
                ReadRecordResult::InputEmpty => break,
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => return true,
            }
        }
    }
    false
}

/// A row parser splitting fields at `delimiter`, rows at `\n` (the lines are cut here).
fn parser(delimiter: u8) -> csv_core::Reader {
    ReaderBuilder::new().delimiter(delimiter).terminator(Terminator::Any(b'\n')).build()
}

impl<'r> Rows<'r> {
    /// Comma-separated rows. `limit`: the most bytes one row may take (lines and their
    /// line ends).
    pub fn new(reader: &'r mut dyn BufRead, limit: usize) -> Rows<'r> {
        Rows {
            reader,
            limit: limit.max(1),
            parser: parser(b','),
            read: 0,
            again: VecDeque::new(),
            first: true,
            cur: Vec::new(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// The next line into `cur`: its number, and its length when it is too long to keep
    /// (then `cur` holds no line).
    fn next_line(&mut self) -> io::Result<Option<(u64, Option<usize>)>> {
        if let Some((n, l)) = self.again.pop_front() {
            return Ok(Some(match l {
                Line::Text(t) => {
                    self.cur = t;
                    (n, None)
                }
                Line::TooLong(len) => (n, Some(len)),
            }));
        }
        let Some(len) = read_line_bounded(self.reader, &mut self.cur, self.limit)? else { return Ok(None) };
        self.read += 1;
        if len > self.limit {
            return Ok(Some((self.read, Some(len))));
        }
        // (`read_line_bounded` already dropped the `\r` of a `\r\n`.)
        if self.first {
            self.first = false;
            let bom = self.cur.len() - crate::framing::skip_bom(&self.cur).len();
            self.cur.drain(..bom);
        }
        Ok(Some((self.read, None)))
    }

    /// Splits fields at `delimiter` from the next row on.
    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.parser = parser(delimiter);
    }

    /// The first non-blank line still to come (a BOM dropped), without taking it or the
    /// blank lines before it: a header's separator is decided from it before the header
    /// is cut. `None` at the end of the input, or when the line is over the row limit
    /// (cutting reports that line then).
    pub fn peek_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut taken = Vec::new();
        let mut found = None;
        while let Some((n, too_long)) = self.next_line()? {
            if let Some(len) = too_long {
                taken.push((n, Line::TooLong(len)));
                break;
            }
            let text = std::mem::take(&mut self.cur);
            let blank = text.trim_ascii().is_empty();
            if !blank {
                found = Some(text.clone());
            }
            taken.push((n, Line::Text(text)));
            if !blank {
                break;
            }
        }
        self.again(taken.into_iter());
        Ok(found)
    }

    /// Puts lines back to be read again before anything else.
    fn again(&mut self, lines: impl DoubleEndedIterator<Item = (u64, Line)>) {
        for l in lines.rev() {
            self.again.push_front(l);
        }
    }

    /// The next row. `columns`: the number of fields a row must have (`None` for the
    /// header), so that a row spanning lines with the wrong count gives its later lines
    /// back.
    pub fn next(&mut self, columns: Option<usize>) -> io::Result<Cut<'_>> {
        loop {
            let Some((start, too_long)) = self.next_line()? else { return Ok(Cut::End) };
            if let Some(len) = too_long {
                return Ok(Cut::Bad {
                    line: start,
                    reason: format!(
                        "line is {len} bytes, over the {}-byte row limit (limits.max_record_bytes)",
                        self.limit
                    ),
                });
            }
            if self.cur.trim_ascii().is_empty() {
                continue;
            }
            self.parser.reset();
            let mut len = (0, 0);
            let mut size = self.cur.len() + 1;
            let mut closed = feed(&mut self.parser, &mut self.out, &mut self.ends, &self.cur, &mut len);
            // The lines of a row that spans lines, kept until it closes (at most `limit`
            // bytes): a row that fails gives back all but its first.
            let mut held: Vec<(u64, Vec<u8>)> = Vec::new();
            if !closed {
                held.push((start, self.cur.clone()));
            }
            while !closed {
                let reason = match self.next_line()? {
                    None => Some("a quoted field opened on this line is never closed".to_string()),
                    Some((n, Some(too_long))) => {
                        self.again.push_front((n, Line::TooLong(too_long)));
                        Some(format!("a quoted field opened on this line runs past the {}-byte row limit", self.limit))
                    }
                    Some((n, None)) if size + self.cur.len() + 1 > self.limit => {
                        self.again.push_front((n, Line::Text(std::mem::take(&mut self.cur))));
                        Some(format!("a quoted field opened on this line runs past the {}-byte row limit", self.limit))
                    }
                    Some((n, None)) => {
                        size += self.cur.len() + 1;
                        closed = feed(&mut self.parser, &mut self.out, &mut self.ends, &self.cur, &mut len);
                        held.push((n, self.cur.clone()));
                        None
                    }
                };
                if let Some(reason) = reason {
                    self.again(held.drain(1..).map(|(n, t)| (n, Line::Text(t))));
                    return Ok(Cut::Bad { line: start, reason: format!("{reason}; reading goes on at the next line") });
                }
            }
            let (outlen, endlen) = len;
            if let Some(want) = columns
                && endlen != want
            {
                let spanned = held.len();
                if spanned > 1 {
                    self.again(held.drain(1..).map(|(n, t)| (n, Line::Text(t))));
                    return Ok(Cut::Bad {
                        line: start,
                        reason: format!(
                            "row has {endlen} fields over {spanned} lines (a quoted field spans them), the header has {want}; reading goes on at the next line"
                        ),
                    });
                }
                return Ok(Cut::Bad { line: start, reason: format!("row has {endlen} fields, the header has {want}") });
            }
            return Ok(Cut::Row {
                line: start,
                fields: Fields { out: &self.out[..outlen], ends: &self.ends[..endlen] },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Cuts = (Vec<(u64, Vec<String>)>, Vec<(u64, String)>);

    /// Every cut of `text`: rows as (line, fields) and bad rows as (line, reason).
    fn cut(text: &str, columns: usize, limit: usize) -> Cuts {
        let mut input = text.as_bytes();
        let mut rows = Rows::new(&mut input, limit);
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        loop {
            match rows.next(Some(columns)).unwrap() {
                Cut::End => return (good, bad),
                Cut::Bad { line, reason } => bad.push((line, reason)),
                Cut::Row { line, fields } => {
                    good.push((line, fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()))
                }
            }
        }
    }

    fn lines(rows: &[(u64, Vec<String>)]) -> Vec<u64> {
        rows.iter().map(|r| r.0).collect()
    }

    #[test]
    fn quoted_fields_span_lines_and_carry_commas_and_quotes() {
        let (good, bad) = cut("a,\"b, \"\"c\"\"\",d\r\n\r\nx,\"two\nlines\",z\n", 3, 1 << 20);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good[0], (1, vec!["a".into(), "b, \"c\"".into(), "d".into()]));
        assert_eq!(good[1], (3, vec!["x".into(), "two\nlines".into(), "z".into()]));
    }

    #[test]
    fn a_blank_line_inside_a_quoted_field_is_part_of_it() {
        let (good, bad) = cut("E1,\"first paragraph\n\nsecond\",x\nE2,b,y\n", 3, 1 << 20);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good[0], (1, vec!["E1".into(), "first paragraph\n\nsecond".into(), "x".into()]));
        assert_eq!(lines(&good), [1, 4]);
    }

    #[test]
    fn an_unclosed_quote_costs_its_line_only() {
        let text = "E1,\"Jane Roe,jane@x.com\nE2,Bob Roe,bob@x.com\nE3,Kim Roe,kim@x.com\n";
        let (good, bad) = cut(text, 3, 1 << 20);
        assert_eq!(lines(&good), [2, 3]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 1);
        assert!(bad[0].1.contains("never closed"), "{bad:?}");
    }

    #[test]
    fn a_stray_quote_closed_lines_later_gives_the_lines_back() {
        // Line 1 opens a quote that line 3 closes: the three lines make one row of the
        // wrong width, so line 1 is reported and lines 2 and 3 are read as themselves
        // (line 3 is too wide on its own, a quote inside a field being data).
        let text = "E1,\"Jane,x\nE2,Bob,y\nE3,Kim\",z,q\nE4,Lee,w\n";
        let (good, bad) = cut(text, 3, 1 << 20);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [1, 3], "{bad:?}");
        assert!(bad[0].1.contains("over 3 lines"), "{bad:?}");
        assert_eq!(lines(&good), [2, 4]);
    }

    #[test]
    fn rows_and_quoted_fields_are_bounded() {
        let long = "x".repeat(100);
        let mid = "y".repeat(40);
        let text = format!("a,b\n{long},b\nc,\"{mid}\n{mid}\nd\",e\nf,g\n");
        let (good, bad) = cut(&text, 2, 64);
        // Line 2 is over the limit by itself; line 3 opens a quote that would run past it,
        // after which lines 4 (one field) and 5 (`d",e`: a quote inside a field is data)
        // are read again as themselves.
        assert_eq!(lines(&good), [1, 5, 6]);
        let bad_lines: Vec<u64> = bad.iter().map(|b| b.0).collect();
        assert_eq!(bad_lines, [2, 3, 4], "{bad:?}");
        assert!(bad[0].1.contains("over the 64-byte row limit"), "{bad:?}");
        assert!(bad[1].1.contains("runs past"), "{bad:?}");
        assert!(bad[2].1.contains("1 fields"), "{bad:?}");
    }

    #[test]
    fn fields_split_at_the_delimiter_set_and_quotes_keep_theirs() {
        let text = "\u{feff}\r\na;\"b;c\";d\r\nx\ty;\"q\"\r\n";
        let mut input = text.as_bytes();
        let mut rows = Rows::new(&mut input, 1 << 20);
        // Peeking takes nothing: the blank line and the BOM are skipped as ever.
        assert_eq!(rows.peek_line().unwrap().as_deref(), Some(b"a;\"b;c\";d".as_slice()));
        assert_eq!(rows.peek_line().unwrap().as_deref(), Some(b"a;\"b;c\";d".as_slice()));
        rows.set_delimiter(b';');
        let mut got = Vec::new();
        while let Cut::Row { line, fields } = rows.next(None).unwrap() {
            got.push((line, fields.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect::<Vec<_>>()));
        }
        assert_eq!(got, [(2, vec!["a".into(), "b;c".into(), "d".into()]), (3, vec!["x\ty".into(), "q".into()])]);
    }

    #[test]
    fn a_bom_and_blank_lines_are_not_rows() {
        let (good, bad) = cut("\u{feff}h1,h2\n\n   \na,b", 2, 1 << 20);
        assert!(bad.is_empty());
        assert_eq!(good, [(1, vec!["h1".into(), "h2".into()]), (4, vec!["a".into(), "b".into()])]);
    }

    proptest! {
        /// Every non-blank line of any input is accounted for: it starts a row, starts a
        /// reported bad row, or belongs to a row that started before it and closed.
        /// Nothing panics, and no row is longer than the limit.
        #[test]
        fn every_line_is_a_row_a_report_or_part_of_a_row(
            text in "[a-c,;\t\"\r\n ]{0,200}",
            limit in 4usize..80,
            delimiter in proptest::sample::select(crate::table::DELIMITERS.to_vec()),
        ) {
            let mut input = text.as_bytes();
            let mut rows = Rows::new(&mut input, limit);
            rows.set_delimiter(delimiter);
            let mut starts = Vec::new();
            loop {
                match rows.next(Some(2)).unwrap() {
                    Cut::End => break,
                    Cut::Bad { line, .. } => starts.push(line),
                    Cut::Row { line, fields } => {
                        prop_assert!(fields.iter().map(|f| f.len() + 1).sum::<usize>() <= limit + 1);
                        starts.push(line);
                    }
                }
            }
            let mut sorted = starts.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(&sorted, &starts, "rows come in line order, each once");
            let physical: Vec<&str> = text.split('\n').collect();
            for (i, l) in physical.iter().enumerate() {
                let n = i as u64 + 1;
                let blank = l.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty();
                if !blank && !starts.contains(&n) {
                    // Only a line inside a quoted field of a row that closed may be absent.
                    prop_assert!(starts.iter().any(|&s| s < n), "line {} vanished: {:?}", n, text);
                }
            }
        }
    }
}

//! CSV record files: header row, free column order, a user's own column names.
//!
//! Our record formats (`people.csv`, `accounts.csv`, ...) name their columns in the data
//! contract. Organisations export with their own names, so a mapping file
//! (`--map FILE.toml`) renames them per format:
//!
//! ```toml
//! [people]
//! "Employee ID" = "subject_id"
//! "Legal Name" = "full_name"
//! ```
//!
//! Header names are compared trimmed and case-insensitively. Rows whose field count
//! differs from the header's, or that are not UTF-8, are reported, never guessed at.
//!
//! Fields are separated by commas, or by semicolons or tabs where the header says so
//! ([`header_delimiter`]): spreadsheet programs save "CSV" with `;` in locales whose
//! decimal mark is the comma (Excel in most of Europe), and tab-separated exports are
//! common. Recognition ([`sample_header`]) and reading ([`Table::open`]) decide the
//! separator with the same function from the same header line, so a file recognised as
//! a format is read as it was recognised.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use crate::csv_rows::{Cut, Rows};
use crate::sniff::Format;

/// Column renaming, per format.
#[derive(Clone, Debug, Default)]
pub struct ColumnMap {
    sections: HashMap<String, HashMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ColumnMapError {
    #[error("cannot read the column map {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the column map {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

/// The names a `[format]` section of a column map may rename to: the contract columns of
/// a CSV record format, or for `osquery` (query name → table) the tables bonafide knows.
fn targets(format: &str) -> Option<Vec<&'static str>> {
    if format == "osquery" {
        return Some(crate::osquery::TableCatalog::builtin().tables.iter().map(|t| t.name.as_str()).collect());
    }
    Format::from_name(format).and_then(Format::columns).map(<[&str]>::to_vec)
}

/// Section names a column map may use, in `bonafide formats` order.
fn mappable_sections() -> Vec<&'static str> {
    let mut names: Vec<&str> = Format::all().into_iter().filter(|f| f.columns().is_some()).map(Format::name).collect();
    names.push("osquery");
    names
}

fn fold_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_lowercase()
}

impl ColumnMap {
    pub fn load(path: &Path) -> Result<ColumnMap, ColumnMapError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ColumnMapError::Read { path: path.display().to_string(), source })?;
        ColumnMap::parse(&text).map_err(|message| ColumnMapError::Invalid { path: path.display().to_string(), message })
    }

    /// Parses the TOML form: one table per format, user name = our name.
    ///
    /// A section must name a CSV record format (or `osquery`, whose entries name a query's
    /// table), and every entry must rename to one of that format's contract columns (or
    /// a known osquery table). Anything else would be ignored while reading, so a typo
    /// (`[peeple]`, `"subjct_id"`) would silently leave the column unread; it is refused
    /// here with the valid choices instead.
    pub fn parse(text: &str) -> Result<ColumnMap, String> {
        let raw: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut sections = HashMap::new();
        let mut problems = Vec::new();
        for (section, cols) in raw {
            let format = section.trim().to_lowercase();
            let Some(targets) = targets(&format) else {
                problems.push(format!(
                    "[{section}] is not a format whose columns can be renamed; use one of {}",
                    mappable_sections().join(", ")
                ));
                continue;
            };
            for (theirs, ours) in &cols {
                if !targets.iter().any(|t| *t == fold_header(ours)) {
                    let what = if format == "osquery" {
                        "an osquery table bonafide knows; tables".to_string()
                    } else {
                        format!("a column of {format}; its columns")
                    };
                    problems.push(format!(
                        "[{section}] {theirs:?} = {ours:?}: {ours:?} is not {what}: {}",
                        targets.join(", ")
                    ));
                }
            }
            let cols = cols.into_iter().map(|(theirs, ours)| (fold_header(&theirs), fold_header(&ours))).collect();
            sections.insert(format, cols);
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(ColumnMap { sections })
    }

    /// Our name for a header cell in a file of `format`.
    pub fn rename(&self, format: &str, header: &str) -> String {
        let folded = fold_header(header);
        self.sections.get(format).and_then(|m| m.get(&folded)).cloned().unwrap_or(folded)
    }

    pub fn formats(&self) -> impl Iterator<Item = &str> {
        self.sections.keys().map(String::as_str)
    }

    /// Our name for `theirs` in `format`, only when the map names it.
    pub fn get(&self, format: &str, theirs: &str) -> Option<&str> {
        self.sections.get(format).and_then(|m| m.get(&fold_header(theirs))).map(String::as_str)
    }

    /// Adds one renaming (from configuration); an entry of the map file wins.
    pub fn insert(&mut self, format: &str, theirs: &str, ours: &str) {
        self.sections
            .entry(format.trim().to_lowercase())
            .or_default()
            .entry(fold_header(theirs))
            .or_insert_with(|| fold_header(ours));
    }
}

/// One data row.
#[derive(Debug, Default, Clone)]
pub struct Row {
    /// 1-based line where the row starts.
    pub line: u64,
    pub fields: Vec<String>,
}

impl Row {
    /// The trimmed cell at `col`, or `None` when absent or empty.
    pub fn get(&self, col: Option<usize>) -> Option<&str> {
        col.and_then(|i| self.fields.get(i)).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// What reading one row gave.
pub enum RowRead {
    Row,
    End,
    /// The row could not be used; the reason names no cell value.
    Bad {
        line: u64,
        reason: String,
    },
}

/// An open CSV file with its (renamed) header.
pub struct Table<'r> {
    rows: Rows<'r>,
    pub columns: Vec<String>,
    index: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read the header row: {0}")]
    Header(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Field separators a CSV record file may use: the contract's comma first.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Whether a (folded) header name is a column of any CSV record format, directly or
/// through the user's column map.
fn is_contract_column(map: &ColumnMap, name: &str) -> bool {
    Format::all()
        .into_iter()
        .filter_map(|f| f.columns().map(|cols| (f, cols)))
        .any(|(f, cols)| cols.contains(&map.rename(f.name(), name).as_str()))
}

/// The field separator of a CSV record file, from its header line: a comma, unless split
/// at commas the header holds no column of our formats (after the column map) and split
/// at `;` or a tab it holds some; then the separator that finds the most. Only the header
/// decides, so a comma file whose values hold semicolons (the contract's multi-valued
/// cells, `aliases`) stays comma-separated; quoting is CSV's either way.
pub fn header_delimiter(line: &[u8], map: &ColumnMap) -> u8 {
    let known = |delimiter: u8| header_cells(line, delimiter).iter().filter(|c| is_contract_column(map, c)).count();
    if known(b',') > 0 {
        return b',';
    }
    let mut best = (0, b',');
    for d in &DELIMITERS[1..] {
        let k = known(*d);
        if k > best.0 {
            best = (k, *d);
        }
    }
    best.1
}

/// One header line split at `delimiter` (CSV quoting), folded as headers are compared.
pub fn header_cells(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(line);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec.iter().map(|c| fold_header(&String::from_utf8_lossy(c))).collect(),
        _ => Vec::new(),
    }
}

/// Decides the separator from the first non-blank line to come and cuts the header with
/// it: the raw header cells, as text.
fn read_header(rows: &mut Rows<'_>, map: &ColumnMap) -> Result<Vec<String>, TableError> {
    if let Some(line) = rows.peek_line()? {
        rows.set_delimiter(header_delimiter(&line, map));
    }
    match rows.next(None)? {
        Cut::Row { fields, .. } => Ok(fields.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect()),
        Cut::Bad { reason, .. } => Err(TableError::Header(reason)),
        Cut::End => Err(TableError::Header("the file is empty".into())),
    }
}

/// The header names of a sample (for recognition), folded as headers are compared,
/// split at the separator reading will use.
pub fn sample_header(sample: &[u8], map: &ColumnMap) -> Option<Vec<String>> {
    let mut input = sample;
    let mut rows = Rows::new(&mut input, sample.len() + 1);
    read_header(&mut rows, map).ok().map(|cells| cells.iter().map(|c| fold_header(c)).collect())
}

impl<'r> Table<'r> {
    /// Reads the header. `limit` is the most bytes a row may take (the header included).
    pub fn open(
        reader: &'r mut dyn BufRead,
        format: &str,
        map: &ColumnMap,
        limit: usize,
    ) -> Result<Table<'r>, TableError> {
        let mut rows = Rows::new(reader, limit);
        let columns: Vec<String> = read_header(&mut rows, map)?.iter().map(|h| map.rename(format, h)).collect();
        let mut index = HashMap::new();
        for (i, c) in columns.iter().enumerate() {
            index.entry(c.clone()).or_insert(i);
        }
        Ok(Table { rows, columns, index })
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Which copy of its name column `i` is: 1 for the first, 2 for the next (only the
    /// first is read as that column).
    pub fn copy_number(&self, i: usize) -> usize {
        self.columns.get(i).map_or(0, |c| self.columns[..=i].iter().filter(|p| *p == c).count())
    }

    /// Column names the header holds more than once (after renaming), each with its
    /// count: only the first of each is read as that column. Unnamed columns (Excel's
    /// trailing `;;;`) name nothing, so they are not reported as repeated.
    pub fn repeated(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = Vec::new();
        for c in self.columns.iter().filter(|c| !c.is_empty()) {
            match out.iter_mut().find(|(n, _)| *n == c.as_str()) {
                Some(e) => e.1 += 1,
                None => out.push((c.as_str(), 1)),
            }
        }
        out.retain(|(_, n)| *n > 1);
        out
    }

    /// Reads the next row into `row`. I/O errors end the file and are returned.
    pub fn next(&mut self, row: &mut Row) -> std::io::Result<RowRead> {
        let (line, fields) = match self.rows.next(Some(self.columns.len()))? {
            Cut::End => return Ok(RowRead::End),
            Cut::Bad { line, reason } => return Ok(RowRead::Bad { line, reason }),
            Cut::Row { line, fields } => (line, fields),
        };
        row.line = line;
        row.fields.clear();
        for (i, cell) in fields.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(s) => row.fields.push(s.to_string()),
                Err(_) => {
                    return Ok(RowRead::Bad { line, reason: format!("column {} is not valid UTF-8", self.columns[i]) });
                }
            }
        }
        Ok(RowRead::Row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_and_reads() {
        let map = ColumnMap::parse("[people]\n\"Employee ID\" = \"subject_id\"\n").unwrap();
        let mut input: &[u8] = b"\xef\xbb\xbfEmployee ID, Full_Name ,extra\nE1,Jane,x\nE2,Bob\nE3,\"Q, R\",\xff\n";
        let mut t = Table::open(&mut input, "people", &map, 1 << 20).unwrap();
        assert_eq!(t.columns, vec!["subject_id", "full_name", "extra"]);
        let mut row = Row::default();
        assert!(matches!(t.next(&mut row).unwrap(), RowRead::Row));
        assert_eq!((row.line, row.get(t.col("full_name"))), (2, Some("Jane")));
        assert!(matches!(t.next(&mut row).unwrap(), RowRead::Bad { line: 3, .. }));
        match t.next(&mut row).unwrap() {
            RowRead::Bad { reason, .. } => {
                assert!(reason.contains("extra") && reason.contains("UTF-8"))
            }
            _ => panic!("invalid UTF-8 must be reported"),
        }
        assert!(matches!(t.next(&mut row).unwrap(), RowRead::End));
    }

    #[test]
    fn repeated_names_are_counted_and_unnamed_columns_are_not() {
        let mut input: &[u8] = b"subject_id;full_name;email;;email;;email\nE1;A;a;;b;;c\n";
        let t = Table::open(&mut input, "people", &ColumnMap::default(), 1 << 20).unwrap();
        assert_eq!(t.repeated(), [("email", 3)]);
    }

    fn read_all(text: &[u8], map: &ColumnMap) -> (Vec<String>, Vec<Vec<String>>) {
        let mut input = text;
        let mut t = Table::open(&mut input, "people", map, 1 << 20).unwrap();
        let mut rows = Vec::new();
        let mut row = Row::default();
        loop {
            match t.next(&mut row).unwrap() {
                RowRead::Row => rows.push(row.fields.clone()),
                RowRead::Bad { line, reason } => panic!("line {line}: {reason}"),
                RowRead::End => return (t.columns.clone(), rows),
            }
        }
    }

    #[test]
    fn the_header_decides_the_delimiter() {
        let none = ColumnMap::default();
        assert_eq!(header_delimiter(b"subject_id;full_name;email", &none), b';');
        assert_eq!(header_delimiter(b"subject_id\tfull_name", &none), b'\t');
        assert_eq!(header_delimiter(b"subject_id,full_name", &none), b',');
        // A header with a known column split at commas stays comma, whatever else it holds.
        assert_eq!(header_delimiter(b"subject_id,full_name,\"notes; misc\"", &none), b',');
        // A quoted comma inside a `;` header does not make it a comma file.
        assert_eq!(header_delimiter(b"subject_id;full_name;\"Address, line 1\"", &none), b';');
        // Nothing known either way: the contract's comma.
        assert_eq!(header_delimiter(b"a;b;c", &none), b',');
        assert_eq!(header_delimiter(b"1.0.0.0;1.0.0.255;AU", &none), b',');
        // Names the column map knows count.
        let map = ColumnMap::parse("[people]\n\"Employee ID\" = \"subject_id\"\n").unwrap();
        assert_eq!(header_delimiter(b"Employee ID;Legal Name", &map), b';');
        assert_eq!(header_delimiter(b"Employee ID;Legal Name", &none), b',');
    }

    #[test]
    fn a_semicolon_file_with_a_bom_and_crlf_reads_whole() {
        let text = b"\xef\xbb\xbfsubject_id;full_name;aliases\r\nE1;\"Roe, Jane\";J. Roe\r\nE2;Bob;\"B;Bobby\"\r\n";
        let (columns, rows) = read_all(text, &ColumnMap::default());
        assert_eq!(columns, ["subject_id", "full_name", "aliases"]);
        assert_eq!(rows, [vec!["E1", "Roe, Jane", "J. Roe"], vec!["E2", "Bob", "B;Bobby"]]);
        let sample = sample_header(text, &ColumnMap::default()).unwrap();
        assert_eq!(sample, ["subject_id", "full_name", "aliases"], "recognition sees the header reading sees");
    }

    #[test]
    fn a_comma_file_with_semicolons_in_its_values_stays_comma() {
        let text = b"subject_id,full_name,aliases\nE1,Jane Roe,J;Janey;JR\nE2,\"Lee; Kim\",\n";
        let (columns, rows) = read_all(text, &ColumnMap::default());
        assert_eq!(columns, ["subject_id", "full_name", "aliases"]);
        assert_eq!(rows, [vec!["E1", "Jane Roe", "J;Janey;JR"], vec!["E2", "Lee; Kim", ""]]);
    }

    proptest::proptest! {
        /// Whatever the separator, a file written with it (CSV quoting, cells holding every
        /// separator, quotes and line ends) reads back cell for cell, and recognition sees
        /// the header that reading uses.
        #[test]
        fn any_delimiter_round_trips(
            delimiter in proptest::sample::select(DELIMITERS.to_vec()),
            cells in proptest::collection::vec(proptest::collection::vec("[a-c,;\t\"\n ]{0,6}", 3), 0..8),
            bom in proptest::bool::ANY,
            crlf in proptest::bool::ANY,
        ) {
            let header = ["subject_id", "full_name", "aliases"];
            let line = |cells: &[&str]| {
                let mut w = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                    .from_writer(Vec::new());
                w.write_record(cells).unwrap();
                w.into_inner().unwrap()
            };
            let mut text = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            text.extend(line(&header));
            // A line that is only blanks (tabs between empty cells) is no row, in any CSV.
            let mut rows: Vec<Vec<String>> = Vec::new();
            for r in &cells {
                let written = line(&r.iter().map(String::as_str).collect::<Vec<_>>());
                if !written.trim_ascii().is_empty() {
                    text.extend(written);
                    rows.push(r.clone());
                }
            }
            let (columns, got) = read_all(&text, &ColumnMap::default());
            proptest::prop_assert_eq!(&columns, &header);
            proptest::prop_assert_eq!(sample_header(&text, &ColumnMap::default()).unwrap(), header);
            proptest::prop_assert_eq!(got, rows);
        }
    }

    #[test]
    fn bad_map_is_an_error() {
        assert!(ColumnMap::parse("people = 3").is_err());
    }

    #[test]
    fn an_unknown_section_is_refused_with_the_sections_a_map_may_use() {
        let e = ColumnMap::parse("[peeple]\n\"Employee ID\" = \"subject_id\"\n").unwrap_err();
        assert!(e.contains("[peeple]"), "{e}");
        for section in ["people", "accounts", "payroll_changes", "signins", "commits", "osquery"] {
            assert!(e.contains(section), "{section} missing from: {e}");
        }
        // Formats whose columns the map does not rename are not offered.
        assert!(!e.contains("okta"), "{e}");
        assert!(ColumnMap::parse("[okta]\nactor = \"account\"\n").is_err());
    }

    #[test]
    fn a_target_that_is_not_a_column_of_the_format_is_refused_with_its_columns() {
        let e = ColumnMap::parse("[people]\n\"Employee ID\" = \"subjct_id\"\n").unwrap_err();
        assert!(e.contains("[people]") && e.contains("Employee ID") && e.contains("subjct_id"), "{e}");
        assert!(e.contains("subject_id") && e.contains("full_name"), "the valid columns: {e}");
        // A column of another format is not one of this format's.
        assert!(ColumnMap::parse("[devices]\nEmail = \"full_name\"\n").is_err());
        // Every problem is named, not just the first.
        let e = ColumnMap::parse("[people]\na = \"x1\"\n[accounts]\nb = \"x2\"\n").unwrap_err();
        assert!(e.contains("x1") && e.contains("x2"), "{e}");
        // Targets compare as headers do: trimmed, any case.
        let map = ColumnMap::parse("[People]\n\"Employee ID\" = \" Subject_ID \"\n").unwrap();
        assert_eq!(map.rename("people", "employee id"), "subject_id");
    }

    #[test]
    fn osquery_entries_name_a_known_table_and_configuration_renames_still_apply() {
        let map = ColumnMap::parse("[osquery]\nsw_inventory = \"programs\"\n").unwrap();
        assert_eq!(map.get("osquery", "sw_inventory"), Some("programs"));
        let e = ColumnMap::parse("[osquery]\nsw_inventory = \"programz\"\n").unwrap_err();
        assert!(e.contains("programz") && e.contains("programs") && e.contains("deb_packages"), "{e}");
        // `[osquery] queries` of the configuration go in through insert; a map entry wins.
        let mut map = ColumnMap::parse("[osquery]\nsw_inventory = \"programs\"\n").unwrap();
        map.insert("osquery", "sw_inventory", "deb_packages");
        map.insert("osquery", "pack_usb", "usb_devices");
        assert_eq!(map.get("osquery", "sw_inventory"), Some("programs"));
        assert_eq!(map.get("osquery", "pack_usb"), Some("usb_devices"));
    }
}

//! OFAC's SDN list as published in four headerless CSV files that share entity numbers.
//!
//! `sdn.csv` (12 fields: `ent_num, name, type, programs, title, call sign, vessel type,
//! tonnage, GRT, flag, owner, remarks`) holds one row per designation; `alt.csv` (5:
//! `ent_num, alt_num, type, name, remarks`) its aliases; `add.csv` (6: `ent_num,
//! add_num, address, city/state/postal code, country, remarks`) its addresses; and
//! `sdn_comments.csv` (2: `ent_num, text`) the part of a remarks field beyond OFAC's
//! 1,000-character cut, to be appended as is (it continues mid-word). Real quirks: no
//! header, `-0-` (often followed by a space) for an empty field, CRLF line ends, a DOS
//! end-of-file byte (0x1A) as the last line, several programs packed into one field as
//! `DPRK3] [DPRK4`, and Windows-1252 text.
//!
//! Which file is which is decided by the number of fields, never by the file name. The
//! four files are one list only together: [`OfacSet`] collects whatever files of a set it
//! is given, in any order, and joins them when it is finished, so a folder read as
//! `add.csv, alt.csv, sdn.csv, sdn_comments.csv` (alphabetical) gives the same entries as
//! any other order. A row of `add`/`alt`/comments whose entity is in no `sdn.csv` of the
//! set is reported, not dropped; so is a second `sdn.csv` row for an entity already read.

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

use crate::places::Places;

use super::remarks::{self, OFAC_REMARKS_LIMIT};
use super::{Alias, BadRow, Entry, EntryKind, ListKind};

/// The DOS end-of-file byte OFAC leaves at the end of every file.
const EOF_BYTE: u8 = 0x1a;

/// The file of the OFAC set a CSV is, from its number of fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OfacFile {
    Sdn,
    Alias,
    Address,
    Comments,
}

impl OfacFile {
    pub fn fields(self) -> usize {
        match self {
            OfacFile::Sdn => 12,
            OfacFile::Alias => 5,
            OfacFile::Address => 6,
            OfacFile::Comments => 2,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OfacFile::Sdn => "sdn.csv",
            OfacFile::Alias => "alt.csv",
            OfacFile::Address => "add.csv",
            OfacFile::Comments => "sdn_comments.csv",
        }
    }

    fn from_fields(n: usize) -> Option<OfacFile> {
        [OfacFile::Sdn, OfacFile::Alias, OfacFile::Address, OfacFile::Comments].into_iter().find(|f| f.fields() == n)
    }
}

fn csv_reader<R: std::io::Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(r)
}

/// Text of a field: UTF-8 when it is, else Windows-1252 (which OFAC uses); `-0-` is
/// empty.
fn text(field: &[u8]) -> String {
    let s = match std::str::from_utf8(field) {
        Ok(s) => s.to_string(),
        Err(_) => field.iter().map(|&b| char::from(b)).collect(),
    };
    let t = s.trim();
    if t == "-0-" { String::new() } else { t.to_string() }
}

fn is_eof_marker(rec: &csv::ByteRecord) -> bool {
    rec.len() == 1 && rec.get(0).is_some_and(|f| f.iter().all(|&b| b == EOF_BYTE || b.is_ascii_whitespace()))
}

/// Recognises a file of the OFAC set from a sample of its first lines: a numeric entity
/// number first, the same field count (12, 5, 6 or 2) on every complete line, no header.
pub fn sniff(sample: &[u8]) -> Option<OfacFile> {
    // Only complete lines: the sample may end mid-record.
    let end = sample.iter().rposition(|&b| b == b'\n').map(|i| i + 1).unwrap_or(sample.len());
    let mut rdr = csv_reader(&sample[..end]);
    let mut kind = None;
    let mut rows = 0;
    let mut null_seen = false;
    for rec in rdr.byte_records().take(20) {
        let rec = rec.ok()?;
        if is_eof_marker(&rec) {
            break;
        }
        let id = rec.get(0)?;
        if id.is_empty() || !id.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let k = OfacFile::from_fields(rec.len())?;
        if kind.is_some_and(|x| x != k) {
            return None;
        }
        kind = Some(k);
        null_seen |= rec.iter().any(|f| f.trim_ascii() == b"-0-");
        rows += 1;
    }
    match kind? {
        // A two-column numeric-id CSV is common; comments rows are long remarks text.
        OfacFile::Comments => {
            let first = csv_reader(&sample[..end]).byte_records().next()?.ok()?;
            (first.get(1)?.len() > 20 && (rows > 1 || end == sample.len())).then_some(OfacFile::Comments)
        }
        k => (null_seen || rows > 0 && k == OfacFile::Sdn).then_some(k),
    }
}

#[derive(Debug)]
struct Pending {
    ent: u64,
    tag: u32,
    line: u64,
    what: PendingKind,
}

#[derive(Debug)]
enum PendingKind {
    Alias { name: String, quality: String },
    Address { text: String, country: String },
    Comments(String),
}

/// One OFAC list being collected from its files.
#[derive(Debug)]
pub struct OfacSet {
    source: Arc<str>,
    entries: Vec<Entry>,
    by_ent: HashMap<u64, usize>,
    /// Where each entity was first read: (file tag, line).
    first: Vec<(u32, u64)>,
    pending: Vec<Pending>,
    files: Vec<(OfacFile, String)>,
}

impl OfacSet {
    /// `source` names the set in evidence (its folder, or its sdn file).
    pub fn new(source: impl Into<Arc<str>>) -> OfacSet {
        OfacSet {
            source: source.into(),
            entries: Vec::new(),
            by_ent: HashMap::new(),
            first: Vec::new(),
            pending: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Reads one file of the set. `tag` identifies the file in late reports from
    /// [`OfacSet::finish`]; `file` is its name as evidence shows it. Returns the rows
    /// taken (rows of `add`/`alt`/comments may still be reported at the join).
    pub fn read(
        &mut self,
        kind: OfacFile,
        tag: u32,
        file: &str,
        reader: &mut dyn BufRead,
        bad: &mut dyn FnMut(BadRow),
    ) -> std::io::Result<u64> {
        self.files.push((kind, file.to_string()));
        let file_src: Arc<str> = Arc::from(file);
        let mut rdr = csv_reader(reader);
        let mut rec = csv::ByteRecord::new();
        let mut used = 0;
        loop {
            let line = rdr.position().line();
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    if let csv::ErrorKind::Io(_) = e.kind() {
                        let csv::ErrorKind::Io(io) = e.into_kind() else { unreachable!() };
                        return Err(io);
                    }
                    bad(BadRow { line, index: None, reason: format!("not a CSV row: {e}") });
                    continue;
                }
            }
            let line = rec.position().map(|p| p.line()).unwrap_or(line);
            if is_eof_marker(&rec) {
                continue;
            }
            if rec.len() != kind.fields() {
                let shown: String = text(rec.as_slice()).chars().take(40).collect();
                bad(BadRow {
                    line,
                    index: None,
                    reason: format!(
                        "expected {} fields (a row of {}), found {} ({shown:?})",
                        kind.fields(),
                        kind.name(),
                        rec.len()
                    ),
                });
                continue;
            }
            let id = text(&rec[0]);
            let Ok(ent) = id.parse::<u64>() else {
                bad(BadRow {
                    line,
                    index: None,
                    reason: format!("the entity number {:?} is not a number", id.chars().take(20).collect::<String>()),
                });
                continue;
            };
            match kind {
                OfacFile::Sdn => {
                    let name = text(&rec[1]);
                    if name.is_empty() {
                        bad(BadRow { line, index: None, reason: format!("entity {ent} has no name") });
                        continue;
                    }
                    if let Some(&i) = self.by_ent.get(&ent) {
                        let (_, first_line) = self.first[i];
                        bad(BadRow {
                            line,
                            index: None,
                            reason: format!(
                                "entity {ent} already read (line {first_line} of {}); a folder holds one OFAC list, \
                                 keep snapshots in separate folders",
                                self.entries[i].source
                            ),
                        });
                        continue;
                    }
                    let kind = match text(&rec[2]).to_ascii_lowercase().as_str() {
                        "individual" => EntryKind::Person,
                        "vessel" => EntryKind::Vessel,
                        "aircraft" => EntryKind::Aircraft,
                        _ => EntryKind::Organisation,
                    };
                    let programs: Vec<String> = text(&rec[3])
                        .split("] [")
                        .map(|p| p.trim_matches(['[', ']', ' ']).to_string())
                        .filter(|p| !p.is_empty())
                        .collect();
                    let entry = Entry {
                        list: Some(ListKind::Ofac),
                        source: file_src.clone(),
                        line,
                        id: ent.to_string(),
                        kind,
                        name,
                        programs,
                        remarks: text(&rec[11]),
                        ..Default::default()
                    };
                    self.by_ent.insert(ent, self.entries.len());
                    self.first.push((tag, line));
                    self.entries.push(entry);
                }
                OfacFile::Alias => {
                    let name = text(&rec[3]);
                    if name.is_empty() {
                        bad(BadRow {
                            line,
                            index: None,
                            reason: format!("alias {} of entity {ent} is empty", text(&rec[1])),
                        });
                        continue;
                    }
                    let quality = match text(&rec[2]).to_ascii_lowercase().as_str() {
                        "fka" => "f.k.a.",
                        "nka" => "n.k.a.",
                        _ => "a.k.a.",
                    }
                    .to_string();
                    self.pending.push(Pending { ent, tag, line, what: PendingKind::Alias { name, quality } });
                }
                OfacFile::Address => {
                    let parts: Vec<String> =
                        [2, 3, 4].iter().map(|&i| text(&rec[i])).filter(|s| !s.is_empty()).collect();
                    let country = text(&rec[4]);
                    self.pending.push(Pending {
                        ent,
                        tag,
                        line,
                        what: PendingKind::Address { text: parts.join(", "), country },
                    });
                }
                OfacFile::Comments => {
                    // Not trimmed: the continuation may start with a space between words.
                    let raw = &rec[1];
                    let s = match std::str::from_utf8(raw) {
                        Ok(s) => s.to_string(),
                        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
                    };
                    self.pending.push(Pending { ent, tag, line, what: PendingKind::Comments(s) });
                }
            }
            used += 1;
        }
        Ok(used)
    }

    /// A label for the list: its source and the files it was built from.
    pub fn label(&self) -> String {
        let mut files: Vec<&(OfacFile, String)> = self.files.iter().collect();
        files.sort();
        let names: Vec<&str> = files.iter().map(|(_, n)| n.as_str()).collect();
        format!("ofac {} ({})", self.source, names.join(" + "))
    }

    /// Joins the set: aliases, addresses and remark continuations go to their entities,
    /// remarks are parsed. Rows whose entity is unknown are reported through `bad` with
    /// the tag of their file.
    pub fn finish(mut self, bad: &mut dyn FnMut(u32, BadRow)) -> (String, Vec<Entry>) {
        let label = self.label();
        let places = Places::builtin();
        let mut continuation: HashMap<usize, String> = HashMap::new();
        let has_sdn = self.files.iter().any(|(k, _)| *k == OfacFile::Sdn);
        for p in std::mem::take(&mut self.pending) {
            let Some(&i) = self.by_ent.get(&p.ent) else {
                let reason = if has_sdn {
                    format!("entity {} is in no sdn.csv of this list", p.ent)
                } else {
                    "no sdn.csv beside this file: an OFAC alias, address or comments file only has meaning with \
                     the sdn.csv of the same folder"
                        .to_string()
                };
                bad(p.tag, BadRow { line: p.line, index: None, reason });
                continue;
            };
            let e = &mut self.entries[i];
            match p.what {
                PendingKind::Alias { name, quality } => {
                    if !e.aliases.iter().any(|a| a.name.eq_ignore_ascii_case(&name)) {
                        e.aliases.push(Alias { name, quality, weak: false });
                    }
                }
                PendingKind::Address { text, country } => {
                    if let Some(c) = places.country(&country)
                        && !e.countries.contains(&c)
                    {
                        e.countries.push(c);
                    }
                    if !text.is_empty() {
                        e.addresses.push(text);
                    }
                }
                PendingKind::Comments(s) => continuation.entry(i).or_default().push_str(&s),
            }
        }
        for (i, e) in self.entries.iter_mut().enumerate() {
            let cut = e.remarks.chars().count() >= OFAC_REMARKS_LIMIT;
            if let Some(more) = continuation.remove(&i) {
                e.remarks.push_str(&more);
            }
            let full = std::mem::take(&mut e.remarks);
            let truncated = cut && !full.trim_end().ends_with('.') && full.chars().count() <= OFAC_REMARKS_LIMIT;
            let aliases_from_alt = std::mem::take(&mut e.aliases);
            remarks::apply(e, &full, truncated);
            for a in aliases_from_alt {
                if !e.aliases.iter().any(|x| x.name.eq_ignore_ascii_case(&a.name)) {
                    e.aliases.push(a);
                }
            }
            e.remarks = full;
            e.judge_dprk();
        }
        (label, self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(set: &mut OfacSet, kind: OfacFile, text: &str) -> Vec<BadRow> {
        let mut bad = Vec::new();
        set.read(kind, 0, kind.name(), &mut text.as_bytes(), &mut |b| bad.push(b)).unwrap();
        bad
    }

    const SDN: &str = "43377,\"KIM, Sang Man\",\"individual\",\"DPRK4\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 25 Apr 1965; nationality Korea, North.\"\r\n\
        11195,\"IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY\",-0- ,\"NPWMD] [IFSR\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'HESA'.\"\r\n\x1a";

    #[test]
    fn the_files_are_told_apart_by_their_fields() {
        assert_eq!(sniff(SDN.as_bytes()), Some(OfacFile::Sdn));
        assert_eq!(sniff(b"11195,11591,\"aka\",\"HESA TRADE CENTER\",-0- \r\n"), Some(OfacFile::Alias));
        assert_eq!(sniff(b"11195,16312,\"P.O. Box 81465-935\",\"Esfahan\",\"Iran\",-0- \r\n"), Some(OfacFile::Address));
        assert_eq!(
            sniff(b"33151,\"aa35MVkf7sDjuGUYAP5izQt7Qi; Digital Currency Address - ETH 0x2f38\"\r\n"),
            Some(OfacFile::Comments)
        );
        assert_eq!(sniff(b"subject_id,name\n1,2\n"), None);
        assert_eq!(sniff(b"1,2\n3,4\n"), None);
    }

    #[test]
    fn a_set_joins_in_any_order() {
        let mut set = OfacSet::new("test");
        assert!(read(&mut set, OfacFile::Alias, "11195,11591,\"aka\",\"HESA TRADE CENTER\",-0- \r\n").is_empty());
        assert!(read(&mut set, OfacFile::Address, "11195,1,\"P.O. Box 8140\",\"Tehran\",\"Iran\",-0- \r\n").is_empty());
        assert!(read(&mut set, OfacFile::Sdn, SDN).is_empty());
        assert!(read(&mut set, OfacFile::Comments, "11195,\"; Website www.example.ir.\"\r\n").is_empty());
        assert!(read(&mut set, OfacFile::Alias, "99,1,\"aka\",\"ORPHAN\",-0- \r\n").is_empty());
        let mut late = Vec::new();
        let (label, entries) = set.finish(&mut |_, b| late.push(b));
        assert!(label.contains("sdn.csv"), "{label}");
        assert_eq!(entries.len(), 2);
        let kim = &entries[0];
        assert_eq!(kim.kind, EntryKind::Person);
        assert_eq!(kim.dprk.as_deref(), Some("program DPRK4"));
        let iran = &entries[1];
        assert_eq!(iran.programs, ["NPWMD", "IFSR"]);
        let aliases: Vec<&str> = iran.aliases.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(aliases, ["HESA", "HESA TRADE CENTER"]);
        assert_eq!(iran.countries, [bonafide_core::CountryCode::new("IR").unwrap()]);
        assert_eq!(iran.websites, ["www.example.ir"]);
        assert_eq!(iran.dprk, None);
        assert_eq!(late.len(), 1);
        assert!(late[0].reason.contains("entity 99"), "{:?}", late[0]);
    }

    #[test]
    fn bad_rows_say_why() {
        let mut set = OfacSet::new("test");
        let bad = read(
            &mut set,
            OfacFile::Sdn,
            "x1,\"A\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n||||\n5,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n",
        );
        let reasons: Vec<&str> = bad.iter().map(|b| b.reason.as_str()).collect();
        assert_eq!(bad.len(), 3, "{reasons:?}");
        assert!(reasons[0].contains("not a number"));
        assert!(reasons[1].contains("expected 12 fields") && reasons[1].contains("||||"));
        assert_eq!(bad[1].line, 2);
        assert!(reasons[2].contains("no name"));
    }

    #[test]
    fn a_second_row_for_an_entity_is_reported() {
        let mut set = OfacSet::new("test");
        read(&mut set, OfacFile::Sdn, SDN);
        let bad = read(&mut set, OfacFile::Sdn, SDN);
        assert_eq!(bad.len(), 2);
        assert!(bad[0].reason.contains("already read"));
    }

    #[test]
    fn windows_1252_text_is_kept() {
        let mut set = OfacSet::new("test");
        let row = b"7,\"MU\xd1OZ, Jos\xe9\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        set.read(OfacFile::Sdn, 0, "sdn.csv", &mut &row[..], &mut |b| panic!("{b:?}")).unwrap();
        let (_, entries) = set.finish(&mut |_, b| panic!("{b:?}"));
        assert_eq!(entries[0].name, "MUÑOZ, José");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("-0- ".to_string()),
            "[A-Za-z ,.'\\-]{0,30}".prop_map(|s| format!("\"{s}\"")),
            "[0-9]{1,6}",
            "\\PC{0,20}",
        ]
    }

    proptest! {
        /// Any bytes: no panic, and every row is an entry, an end-of-file marker or
        /// reported, in every file of the set.
        #[test]
        fn any_input_is_accounted_for(rows in proptest::collection::vec(proptest::collection::vec(field(), 1..14), 0..20), kind in 0usize..4, eof in any::<bool>()) {
            let kind = [OfacFile::Sdn, OfacFile::Alias, OfacFile::Address, OfacFile::Comments][kind];
            let mut text = String::new();
            for r in &rows {
                text.push_str(&r.join(","));
                text.push_str("\r\n");
            }
            let mut bytes = text.into_bytes();
            if eof {
                bytes.push(0x1a);
            }
            let mut set = OfacSet::new("p");
            let mut bad = 0u64;
            let used = set.read(kind, 0, "f", &mut &bytes[..], &mut |_| bad += 1).unwrap();
            let mut late = 0u64;
            let (_, entries) = set.finish(&mut |_, _| late += 1);
            prop_assert!(used + bad <= rows.len() as u64 + 1);
            if kind == OfacFile::Sdn {
                prop_assert_eq!(entries.len() as u64, used);
            } else {
                prop_assert_eq!(late, used);
            }
            let _ = sniff(&bytes);
        }

        #[test]
        fn remarks_never_panic(s in "\\PC{0,300}", truncated in any::<bool>()) {
            let mut e = Entry::default();
            remarks::apply(&mut e, &s, truncated);
        }
    }
}

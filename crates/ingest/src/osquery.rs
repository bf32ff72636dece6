//! osquery result logs: what is installed, running, plugged in and listening on each
//! endpoint.
//!
//! Reads all three result formats of the official logging description: batched
//! differentials (`diffResults.added` / `removed`), event lines (`columns` with an
//! `action`) and snapshots (`snapshot`), as NDJSON or arrays, plain or gzip. Every row
//! becomes an [`Action::Inventory`] event of actor `osquery` / lower-cased host
//! identifier (the engine ties hosts to people through `devices.csv`), carrying an
//! [`EndpointRow`]; a line with no rows (an empty differential) becomes one heartbeat
//! event, because it still says the machine was on.
//!
//! Query names are each deployment's own, so the table is recognised from the row's
//! column names against the specs in `data/osquery_tables.toml` (see its header), or
//! taken from the user's mapping of query names (`[osquery]` in the column map). Real
//! quirks handled: `numerics: true` writes numbers unquoted; `unixTime` is a string in
//! older versions and a number in newer ones; `calendarTime` has a double space before
//! one-digit days and sometimes a `UTC`; older event lines say `hostname` instead of
//! `hostIdentifier`; process command lines carry bytes that are not UTF-8 and JSON
//! escapes of lone UTF-16 surrogates, which are replaced (and reported) rather than
//! costing the whole line. A row that is not an object costs that row only.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;
use std::sync::{Arc, OnceLock};

use bonafide_core::{
    Action, Actor, ActorKind, Detail, EndpointRow, Event, Outcome, QuarantineEntry, RowAction, SourcePos, UtcMs,
};
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::json_records;
use crate::okta::{Interner, describe_json_error};
use crate::table::ColumnMap;
use crate::{ReadContext, RecordSink};

const TABLES: &str = include_str!("../data/osquery_tables.toml");

/// Times before this are a clock that was never set, not an observation.
const EARLIEST: i64 = 946_684_800; // 2000-01-01T00:00:00Z

/// One table of the catalogue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    pub name: String,
    /// What the table says, shared by its equivalents on other platforms.
    pub kind: String,
    pub hints: Vec<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    table: Vec<TableDef>,
}

/// The tables bonafide knows, indexed by column.
#[derive(Debug)]
pub struct TableCatalog {
    pub tables: Vec<TableDef>,
    names: Vec<Arc<str>>,
    by_column: HashMap<String, u64>,
}

/// Which table a row's columns fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fit {
    Table(usize),
    /// Several tables fit equally well (indices into the catalogue).
    Ambiguous(Vec<usize>),
    None,
}

impl TableCatalog {
    pub fn parse(text: &str) -> Result<TableCatalog, String> {
        let file: TableFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.table.len() > 64 {
            return Err("at most 64 tables".into());
        }
        let mut by_column: HashMap<String, u64> = HashMap::default();
        for (i, t) in file.table.iter().enumerate() {
            for c in &t.columns {
                *by_column.entry(c.clone()).or_default() |= 1 << i;
            }
        }
        let names = file.table.iter().map(|t| Arc::from(t.name.as_str())).collect();
        Ok(TableCatalog { tables: file.table, names, by_column })
    }

    /// The catalogue shipped in the binary.
    pub fn builtin() -> &'static TableCatalog {
        static C: OnceLock<TableCatalog> = OnceLock::new();
        // Checked by a unit test; a failure is a build defect.
        C.get_or_init(|| TableCatalog::parse(TABLES).expect("embedded osquery_tables.toml is valid"))
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.name == name)
    }

    pub fn name(&self, i: usize) -> &Arc<str> {
        &self.names[i]
    }

    /// The table whose columns the row's fit best, tie-broken by the query name.
    pub fn fit<'c>(&self, query: &str, columns: impl Iterator<Item = &'c str>) -> Fit {
        let mut counts = [0u16; 64];
        let mut total = 0u16;
        for c in columns {
            total = total.saturating_add(1);
            let mask = match self.by_column.get(c) {
                Some(m) => *m,
                None if c.bytes().any(|b| b.is_ascii_uppercase()) => {
                    self.by_column.get(&c.to_ascii_lowercase()).copied().unwrap_or(0)
                }
                None => 0,
            };
            let mut m = mask;
            while m != 0 {
                let b = m.trailing_zeros() as usize;
                counts[b] += 1;
                m &= m - 1;
            }
        }
        let best = counts[..self.tables.len()].iter().copied().max().unwrap_or(0);
        if best == 0 {
            return Fit::None;
        }
        let tied: Vec<usize> = (0..self.tables.len()).filter(|&i| counts[i] == best).collect();
        let weak = best.saturating_mul(2) < total;
        if tied.len() == 1 && !weak {
            return Fit::Table(tied[0]);
        }
        let q = query.to_ascii_lowercase();
        let at_boundary =
            |needle: &str| q.match_indices(needle).any(|(i, _)| i == 0 || !q.as_bytes()[i - 1].is_ascii_alphanumeric());
        let named: Vec<usize> = tied.iter().copied().filter(|&i| at_boundary(&self.tables[i].name)).collect();
        if named.len() == 1 {
            return Fit::Table(named[0]);
        }
        let hinted: Vec<usize> =
            tied.iter().copied().filter(|&i| self.tables[i].hints.iter().any(|h| at_boundary(h))).collect();
        if hinted.len() == 1 {
            return Fit::Table(hinted[0]);
        }
        if weak { Fit::None } else { Fit::Ambiguous(tied) }
    }
}

/// A text value, borrowed from the input when it has no escapes.
pub struct Text<'a>(pub Cow<'a, str>);

/// A column value: osquery writes strings, or numbers with `numerics: true`; anything
/// else (nested JSON from a custom table) is kept as its JSON text.
impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed("")))
            }
            fn visit_none<E>(self) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed("")))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Text<'a>, D2::Error> {
                Text::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'a>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// One result row, or what stood where a row should be.
pub enum Row<'a> {
    Columns(Vec<(Text<'a>, Text<'a>)>),
    NotAnObject(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Row<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Row<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row<'a>, A::Error> {
                let mut cols = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some((k, v)) = map.next_entry::<Text<'a>, Text<'a>>()? {
                    cols.push((k, v));
                }
                Ok(Row::Columns(cols))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Row<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Row::NotAnObject("an array"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("a string"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("a number"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("a boolean"))
            }
            fn visit_unit<E>(self) -> Result<Row<'a>, E> {
                Ok(Row::NotAnObject("null"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An integer written as a number or a string (`unixTime`, `counter`); `Err` keeps
/// nothing of an unreadable value but the fact.
pub struct Int(pub Result<i64, ()>);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Int, E> {
                Ok(Int(Ok(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Int, E> {
                Ok(Int(i64::try_from(v).map_err(|_| ())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Int, E> {
                Ok(Int(if v.is_finite() && v.abs() < 9.0e15 { Ok(v as i64) } else { Err(()) }))
            }
            fn visit_str<E>(self, v: &str) -> Result<Int, E> {
                let v = v.trim();
                Ok(Int(v.parse::<i64>().or_else(|_| {
                    v.parse::<f64>().ok().filter(|f| f.is_finite() && f.abs() < 9.0e15).map(|f| f as i64).ok_or(())
                })))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Int, E> {
                Ok(Int(Err(())))
            }
            fn visit_unit<E>(self) -> Result<Int, E> {
                Ok(Int(Err(())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Int, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Int(Err(())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Int, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Int(Err(())))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
pub struct Diff<'a> {
    #[serde(borrow, default)]
    pub added: Option<Vec<Row<'a>>>,
    #[serde(borrow, default)]
    pub removed: Option<Vec<Row<'a>>>,
}

#[derive(Deserialize)]
pub struct Decorations<'a> {
    #[serde(borrow, default)]
    pub hostname: Option<Text<'a>>,
}

/// One line of a result log, in any of the three formats.
#[derive(Deserialize)]
pub struct ResultLine<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default, rename = "hostIdentifier")]
    pub host_identifier: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub hostname: Option<Text<'a>>,
    #[serde(default, rename = "unixTime")]
    pub unix_time: Option<Int>,
    #[serde(borrow, default, rename = "calendarTime")]
    pub calendar_time: Option<Text<'a>>,
    #[serde(default)]
    pub counter: Option<Int>,
    #[serde(borrow, default)]
    pub action: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub columns: Option<Row<'a>>,
    #[serde(borrow, default)]
    pub snapshot: Option<Vec<Row<'a>>>,
    #[serde(borrow, default, rename = "diffResults")]
    pub diff: Option<Diff<'a>>,
    #[serde(borrow, default)]
    pub decorations: Option<Decorations<'a>>,
    #[serde(default)]
    pub severity: Option<IgnoredAny>,
    #[serde(default)]
    pub message: Option<IgnoredAny>,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// `Tue Sep 30 17:37:30 2014` or `Mon May  2 22:27:32 2016 UTC` (osquery writes UTC).
/// A time in another named zone is not guessed at.
pub fn parse_calendar_time(s: &str) -> Option<UtcMs> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if !(5..=6).contains(&parts.len()) {
        return None;
    }
    if let Some(zone) = parts.get(5)
        && !matches!(*zone, "UTC" | "GMT" | "Z" | "+0000")
    {
        return None;
    }
    let month = MONTHS.iter().position(|m| parts[1].get(..3).is_some_and(|p| p.eq_ignore_ascii_case(m)))? as i8 + 1;
    let day: i8 = parts[2].parse().ok()?;
    let year: i16 = parts[4].parse().ok()?;
    let hms: Vec<&str> = parts[3].split(':').collect();
    let [h, m, sec] = hms.as_slice() else { return None };
    let (h, m, sec): (i8, i8, i8) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    let dt = jiff::civil::DateTime::new(year, month, day, h, m, sec, 0).ok()?;
    let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(UtcMs(ts.as_millisecond()))
}

fn line_time(l: &ResultLine<'_>) -> Result<UtcMs, String> {
    if let Some(Int(t)) = &l.unix_time {
        return match t {
            Ok(secs) if *secs >= EARLIEST && *secs < 32_503_680_000 => Ok(UtcMs::from_secs(*secs)),
            Ok(secs) => Err(format!("unixTime {secs} is not a plausible time (clock not set?)")),
            Err(()) => Err("unixTime is not a number".into()),
        };
    }
    match &l.calendar_time {
        Some(Text(c)) => match parse_calendar_time(c) {
            Some(t) if t.as_secs() >= EARLIEST => Ok(t),
            _ => Err("calendarTime is not a UTC time like `Tue Sep 30 17:37:30 2014 UTC`".into()),
        },
        None => Err("no unixTime or calendarTime".into()),
    }
}

/// Replaces what makes a line unparseable without making it wrong: bytes that are not
/// UTF-8, and `\uD800`-style escapes of lone UTF-16 surrogates. Returns the repaired
/// bytes and what was repaired, or `None` when there was nothing to repair.
pub fn repair(bytes: &[u8]) -> Option<(Vec<u8>, &'static str)> {
    let (utf8, mut what): (Cow<'_, [u8]>, Option<&'static str>) = match std::str::from_utf8(bytes) {
        Ok(_) => (Cow::Borrowed(bytes), None),
        Err(_) => {
            (Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes()), Some("bytes that are not UTF-8"))
        }
    };
    let b = utf8.as_ref();
    let hex = |s: &[u8]| -> Option<u16> {
        if s.len() < 4 {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&s[..4]).ok()?, 16).ok()
    };
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut fixed = false;
    let (mut i, mut in_str) = (0usize, false);
    while i < b.len() {
        let c = b[i];
        if !in_str {
            in_str = c == b'"';
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_str = false;
                out.push(c);
                i += 1;
            }
            b'\\' if b.get(i + 1) == Some(&b'u') => {
                let unit = hex(&b[(i + 2).min(b.len())..]);
                match unit {
                    Some(0xD800..=0xDBFF) => {
                        let lo = (b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u'))
                            .then(|| hex(&b[(i + 8).min(b.len())..]))
                            .flatten();
                        if matches!(lo, Some(0xDC00..=0xDFFF)) {
                            out.extend_from_slice(&b[i..i + 12]);
                            i += 12;
                        } else {
                            out.extend_from_slice(b"\\ufffd");
                            fixed = true;
                            i += 6;
                        }
                    }
                    Some(0xDC00..=0xDFFF) => {
                        out.extend_from_slice(b"\\ufffd");
                        fixed = true;
                        i += 6;
                    }
                    _ => {
                        out.extend_from_slice(&b[i..(i + 2).min(b.len())]);
                        i += 2;
                    }
                }
            }
            b'\\' => {
                out.extend_from_slice(&b[i..(i + 2).min(b.len())]);
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if fixed {
        what = Some(match what {
            Some(_) => "bytes that are not UTF-8 and lone UTF-16 surrogate escapes",
            None => "lone UTF-16 surrogate escapes",
        });
        return Some((out, what.unwrap_or_default()));
    }
    what.map(|w| (utf8.into_owned(), w))
}

/// Turns result lines into events.
pub struct Normaliser<'m> {
    catalog: &'static TableCatalog,
    map: &'m ColumnMap,
    strings: Interner,
    system: Arc<str>,
    no_table: Arc<str>,
    /// Queries whose rows fit no table, or several: reported once each, at the end.
    unplaced: BTreeMap<String, (SourcePos, String)>,
    /// The query name's mapped table, remembered.
    mapped: HashMap<String, Option<Arc<str>>>,
    /// The last column names (interned) and table of each query: a query's rows nearly
    /// always have the same columns, so the next row compares names instead of hashing
    /// them and recognising the table again.
    shapes: HashMap<String, Shape>,
    pub rows: u64,
}

struct Shape {
    names: Vec<Arc<str>>,
    table: Arc<str>,
}

impl Shape {
    fn fits(&self, cols: &[(Text<'_>, Text<'_>)]) -> bool {
        self.names.len() == cols.len() && self.names.iter().zip(cols).all(|(n, (k, _))| n.as_ref() == k.0.as_ref())
    }
}

impl<'m> Normaliser<'m> {
    pub fn new(map: &'m ColumnMap) -> Self {
        Normaliser {
            catalog: TableCatalog::builtin(),
            map,
            strings: Interner::default(),
            system: Arc::from("osquery"),
            no_table: Arc::from(""),
            unplaced: BTreeMap::new(),
            mapped: HashMap::default(),
            shapes: HashMap::default(),
            rows: 0,
        }
    }

    fn mapped_table(&mut self, query: &str) -> Option<Arc<str>> {
        if let Some(t) = self.mapped.get(query) {
            return t.clone();
        }
        let t = self.map.get("osquery", query).map(|t| self.strings.get(t));
        if self.mapped.len() < 10_000 {
            self.mapped.insert(query.to_string(), t.clone());
        }
        t
    }

    fn table_of(&mut self, query: &str, cols: &[(Text<'_>, Text<'_>)], pos: SourcePos) -> Arc<str> {
        if let Some(t) = self.mapped_table(query) {
            return t;
        }
        match self.catalog.fit(query, cols.iter().map(|(k, _)| k.0.as_ref())) {
            Fit::Table(i) => self.catalog.name(i).clone(),
            fit => {
                if !self.unplaced.contains_key(query) && self.unplaced.len() < 1000 {
                    let mut names: Vec<&str> = cols.iter().map(|(k, _)| k.0.as_ref()).take(8).collect();
                    if cols.len() > 8 {
                        names.push("…");
                    }
                    let why = match fit {
                        Fit::Ambiguous(t) => format!(
                            "columns ({}) fit {} equally well",
                            names.join(", "),
                            t.iter().map(|&i| self.catalog.tables[i].name.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                        _ => format!("columns ({}) fit no table bonafide knows", names.join(", ")),
                    };
                    self.unplaced.insert(query.to_string(), (pos, why));
                }
                self.no_table.clone()
            }
        }
    }

    /// The row's table and its columns with interned names.
    fn columns(
        &mut self,
        query: &str,
        cols: &[(Text<'_>, Text<'_>)],
        pos: SourcePos,
    ) -> (Arc<str>, Vec<(Arc<str>, String)>) {
        if let Some(shape) = self.shapes.get(query)
            && shape.fits(cols)
        {
            let columns =
                shape.names.iter().zip(cols).map(|(n, (_, v))| (n.clone(), v.0.as_ref().to_string())).collect();
            return (shape.table.clone(), columns);
        }
        let table = self.table_of(query, cols, pos);
        let names: Vec<Arc<str>> = cols.iter().map(|(k, _)| self.strings.get(&k.0)).collect();
        let columns = names.iter().zip(cols).map(|(n, (_, v))| (n.clone(), v.0.as_ref().to_string())).collect();
        if self.shapes.len() < 10_000 || self.shapes.contains_key(query) {
            self.shapes.insert(query.to_string(), Shape { names, table: table.clone() });
        }
        (table, columns)
    }

    fn event(
        &mut self,
        at: UtcMs,
        host: &str,
        name: &Arc<str>,
        query: &Arc<str>,
        row: EndpointRow,
        pos: SourcePos,
    ) -> Event {
        self.rows += 1;
        Event {
            at,
            actor: Actor {
                system: self.system.clone(),
                account: self.strings.lower(host),
                display_name: Some(name.clone()),
                kind: ActorKind::User,
            },
            subject: None,
            action: Action::Inventory,
            outcome: Outcome::Success,
            event_type: query.clone(),
            net: None,
            session: None,
            device: Some(row.host.clone()),
            device_managed: None,
            target: None,
            detail: Detail::Endpoint(Box::new(row)),
            user_agent: None,
            interactive: false,
            id: None,
            source: pos,
        }
    }

    /// Normalises one parsed line: events to the sink, bad rows and lines quarantined.
    pub fn line(&mut self, l: &ResultLine<'_>, pos: SourcePos, sink: &mut dyn RecordSink) {
        let quarantine = |sink: &mut dyn RecordSink, reason: String| sink.quarantine(QuarantineEntry { pos, reason });
        let host =
            [l.host_identifier.as_ref(), l.hostname.as_ref(), l.decorations.as_ref().and_then(|d| d.hostname.as_ref())]
                .into_iter()
                .flatten()
                .map(|t| t.0.trim())
                .find(|h| !h.is_empty());
        let has_rows = l.diff.is_some() || l.snapshot.is_some() || l.columns.is_some();
        if !has_rows {
            let reason = if l.message.is_some() || l.severity.is_some() {
                "an osquery status log line (severity, message), not a query result".to_string()
            } else {
                "no diffResults, snapshot or columns: not an osquery result line".to_string()
            };
            return quarantine(sink, reason);
        }
        let Some(host) = host else {
            return quarantine(sink, "no hostIdentifier (or hostname) to say which machine".into());
        };
        let at = match line_time(l) {
            Ok(t) => t,
            Err(reason) => return quarantine(sink, reason),
        };
        let counter = l.counter.as_ref().and_then(|c| c.0.ok()).and_then(|c| u64::try_from(c).ok());
        let query_text = l.name.as_ref().map(|n| n.0.trim()).unwrap_or("");
        let query = self.strings.get(query_text);
        let host_arc = self.strings.get(host);
        // The machine's name: the decorations' hostname when the host identifier is a
        // UUID, else the identifier itself.
        let name = match l.decorations.as_ref().and_then(|d| d.hostname.as_ref()).map(|t| t.0.trim()) {
            Some(n) if !n.is_empty() => self.strings.get(n),
            _ => host_arc.clone(),
        };
        let mut groups: Vec<(&'static str, RowAction, &[Row<'_>])> = Vec::with_capacity(2);
        if let Some(diff) = &l.diff {
            groups.push(("diffResults.added", RowAction::Added, diff.added.as_deref().unwrap_or(&[])));
            groups.push(("diffResults.removed", RowAction::Removed, diff.removed.as_deref().unwrap_or(&[])));
        } else if let Some(snap) = &l.snapshot {
            groups.push(("snapshot", RowAction::Snapshot, snap.as_slice()));
        } else if let Some(cols) = &l.columns {
            let action = match l.action.as_ref().map(|a| a.0.trim().to_ascii_lowercase()).as_deref() {
                Some("added") | None => RowAction::Added,
                Some("removed") => RowAction::Removed,
                Some("snapshot") => RowAction::Snapshot,
                Some(other) => {
                    let other: String = other.chars().take(32).collect();
                    return quarantine(sink, format!("action {other:?} is not added, removed or snapshot"));
                }
            };
            if let Row::NotAnObject(what) = cols {
                return quarantine(sink, format!("columns is {what}, not an object"));
            }
            groups.push(("columns", action, std::slice::from_ref(cols)));
        }
        let mut any = false;
        for (field, action, rows) in groups {
            for (i, row) in rows.iter().enumerate() {
                match row {
                    Row::NotAnObject(what) => {
                        let at = if field == "columns" { field.to_string() } else { format!("{field}[{i}]") };
                        quarantine(sink, format!("{at} is {what}, not a row object"));
                    }
                    Row::Columns(cols) => {
                        any = true;
                        let (table, columns) = self.columns(query_text, cols, pos);
                        let row = EndpointRow { host: host_arc.clone(), table, action, columns, counter };
                        let e = self.event(at, host, &name, &query, row, pos);
                        sink.event(e);
                    }
                }
            }
        }
        if !any {
            // The query ran and reported nothing (new): the machine was on.
            let table = self.mapped_table(query_text).unwrap_or_else(|| self.no_table.clone());
            let row = EndpointRow {
                host: host_arc.clone(),
                table,
                action: RowAction::Snapshot,
                columns: Vec::new(),
                counter,
            };
            let e = self.event(at, host, &name, &query, row, pos);
            sink.event(e);
        }
    }

    /// Reports every query whose rows could not be placed in a table, once.
    pub fn finish(&mut self, sink: &mut dyn RecordSink) {
        for (query, (pos, why)) in std::mem::take(&mut self.unplaced) {
            let shown = if query.is_empty() { "(unnamed)".to_string() } else { query };
            sink.field_issue(QuarantineEntry {
                pos,
                reason: format!(
                    "osquery query {shown}: {why}; its rows are kept without a table (map the query name to its table in [osquery] of the column map or [osquery.queries] of the configuration)"
                ),
            });
        }
    }
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let mut norm = Normaliser::new(&cx.options.column_map);
    let result = json_records::read(cx, reader, sink, &mut |bytes, pos, sink| {
        match serde_json::from_slice::<ResultLine<'_>>(bytes) {
            Ok(l) => norm.line(&l, pos, sink),
            Err(_) => {
                // Invalid UTF-8 inside strings is common in osquery output (raw device
                // names); repair it, say so, and keep the row.
                let Some((fixed, what)) = repair(bytes) else {
                    return Err(describe_json_error::<ResultLine<'_>>(bytes));
                };
                let l: ResultLine<'_> = json_records::parse(&fixed)?;
                sink.field_issue(QuarantineEntry { pos, reason: format!("{what} replaced by U+FFFD") });
                norm.line(&l, pos, sink);
            }
        }
        Ok(())
    });
    norm.finish(sink);
    result
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use bonafide_core::{Detail, EndpointRow, Event, RowAction};
    use proptest::prelude::*;

    use super::*;
    use crate::Format;
    use crate::sniff::{Recognition, recognise_sample};
    use crate::test_support::{Collect, options, read_bytes, read_path, read_path_with, read_str};

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osquery").join(name)
    }

    fn row(e: &Event) -> &EndpointRow {
        match &e.detail {
            Detail::Endpoint(r) => r,
            other => panic!("not an endpoint row: {other:?}"),
        }
    }

    fn tables(c: &Collect) -> Vec<String> {
        c.events.iter().map(|e| row(e).table.to_string()).collect()
    }

    #[test]
    fn batched_differentials() {
        let path = fixture("batch.ndjson");
        let sample = std::fs::read(&path).unwrap();
        assert_eq!(recognise_sample(&sample, &ColumnMap::default()), Recognition::Format(Format::Osquery));
        let c = read_path(Format::Osquery, &path);
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        // 2 + 2 + 1 + (1 added, 1 removed) + 1 + 1 heartbeat
        assert_eq!(c.events.len(), 9);
        assert_eq!(
            tables(&c),
            [
                "programs",
                "programs",
                "usb_devices",
                "usb_devices",
                "programs",
                "usb_devices",
                "usb_devices",
                "listening_ports",
                ""
            ]
        );
        let e = &c.events[0];
        assert_eq!((&*e.actor.system, &*e.actor.account), ("osquery", "lt-0042"));
        assert_eq!(e.action, Action::Inventory);
        assert_eq!(&*e.event_type, "pack_it_software");
        assert_eq!(e.at.to_rfc3339(), "2025-03-03T14:05:11Z");
        assert_eq!((e.source.line, row(e).counter), (1, Some(0)));
        assert_eq!(&*row(e).host, "LT-0042", "the host as osquery wrote it");
        let kvm = row(&c.events[5]);
        assert_eq!(
            (kvm.action, kvm.get("vendor_id"), kvm.get("serial")),
            (RowAction::Added, Some("1d6b"), Some("CAFEBABE"))
        );
        assert_eq!(row(&c.events[6]).action, RowAction::Removed);
        let port = row(&c.events[7]);
        assert_eq!((port.get("port"), port.get("fd")), (Some("7070"), Some("-1")), "numerics are kept as text");
        let beat = row(&c.events[8]);
        assert!(beat.columns.is_empty(), "an empty differential is a heartbeat");
        assert_eq!(c.events[8].at.to_rfc3339(), "2025-03-04T16:06:11Z");
    }

    #[test]
    fn every_fixture_and_an_old_event_line_alone_is_recognised() {
        for f in ["batch.ndjson", "event.ndjson", "snapshot.ndjson"] {
            let sample = std::fs::read(fixture(f)).unwrap();
            assert_eq!(recognise_sample(&sample, &ColumnMap::default()), Recognition::Format(Format::Osquery), "{f}");
        }
        let old = std::fs::read_to_string(fixture("event.ndjson")).unwrap();
        let first = old.lines().next().unwrap();
        assert!(first.contains("\"hostname\"") && !first.contains("hostIdentifier"));
        assert_eq!(recognise_sample(first.as_bytes(), &ColumnMap::default()), Recognition::Format(Format::Osquery));
    }

    #[test]
    fn event_lines_old_and_new() {
        let c = read_path(Format::Osquery, &fixture("event.ndjson"));
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        assert_eq!(tables(&c), ["apps", "apps", "processes", "processes", "chrome_extensions", "processes"]);
        assert_eq!(&*c.events[0].actor.account, "mbp-jroe.local", "older lines name the host `hostname`");
        assert_eq!(c.events[0].at.to_rfc3339(), "2025-03-05T16:00:00Z", "unixTime as a string");
        let actions: Vec<RowAction> = c.events.iter().map(|e| row(e).action).collect();
        assert_eq!(actions[2..4], [RowAction::Added, RowAction::Removed]);
        let astrill = row(&c.events[5]);
        assert_eq!(astrill.get("path"), Some("/usr/local/Astrill/asovpnc"));
        assert_eq!(&*c.events[5].actor.account, "ws-kim-dev");
    }

    #[test]
    fn snapshots() {
        let c = read_path(Format::Osquery, &fixture("snapshot.ndjson"));
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        assert_eq!(
            tables(&c),
            [
                "system_info",
                "os_version",
                "connected_displays",
                "connected_displays",
                "logged_in_users",
                "logged_in_users",
                "interface_addresses",
                "interface_addresses",
                ""
            ]
        );
        assert!(c.events.iter().all(|e| row(e).action == RowAction::Snapshot));
        assert_eq!(row(&c.events[3]).get("name"), Some("PiKVM"));
    }

    /// Reads the spec files (`specs/*.table`) into (table, columns).
    fn specs() -> Option<Vec<(String, Vec<String>)>> {
        let dir = bonafide_core::testdata::shared("reference/osquery/specs")?;
        let mut out = Vec::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            let quoted = |after: &str, s: &str| -> Vec<String> {
                s.match_indices(after)
                    .filter_map(|(i, _)| s[i + after.len()..].split('"').next().map(str::to_string))
                    .collect()
            };
            let name = quoted("table_name(\"", &text).remove(0);
            let mut cols = quoted("Column(\"", &text);
            for line in text.lines().filter(|l| l.contains("Column(") && l.contains("aliases=[")) {
                cols.extend(quoted("aliases=[\"", line));
            }
            out.push((name, cols));
        }
        Some(out)
    }

    #[test]
    fn the_catalogue_covers_the_real_specs() {
        let Some(specs) = specs() else { return };
        assert_eq!(specs.len(), 10);
        let cat = TableCatalog::builtin();
        for (name, cols) in &specs {
            let i = cat.index(name).unwrap_or_else(|| panic!("{name} is not in the catalogue"));
            for c in cols {
                assert!(cat.tables[i].columns.contains(c), "{name}.{c} is not in the catalogue");
            }
        }
    }

    /// Rows built from each spec, in the three formats: `SELECT *`, a query that picks a
    /// few columns (the rest missing), and the same few columns under a query name that
    /// says the table.
    #[test]
    fn rows_built_from_the_specs_find_their_tables() {
        let Some(specs) = specs() else { return };
        let mut text = String::new();
        let mut want: Vec<String> = Vec::new();
        for (n, (name, cols)) in specs.iter().enumerate() {
            let full: serde_json::Map<String, serde_json::Value> =
                cols.iter().map(|c| (c.clone(), serde_json::Value::from(format!("v{n}")))).collect();
            let t = 1_741_000_000 + n as i64;
            text.push_str(&serde_json::json!({"name": "q", "hostIdentifier": "h", "unixTime": t, "diffResults": {"added": [full], "removed": []}}).to_string());
            text.push('\n');
            want.push(name.clone());
            text.push_str(&serde_json::json!({"name": "q", "hostIdentifier": "h", "unixTime": t, "action": "added", "columns": full}).to_string());
            text.push('\n');
            want.push(name.clone());
            text.push_str(&serde_json::json!({"name": "q", "hostIdentifier": "h", "unixTime": t, "action": "snapshot", "snapshot": [full, full]}).to_string());
            text.push('\n');
            want.extend([name.clone(), name.clone()]);
            // Two columns only: recognised by the query name when they do not say it.
            let few: serde_json::Map<String, serde_json::Value> =
                cols.iter().take(2).map(|c| (c.clone(), serde_json::Value::from("x"))).collect();
            text.push_str(&serde_json::json!({"name": format!("pack_fleet_{name}"), "hostIdentifier": "h", "unixTime": t, "snapshot": [few]}).to_string());
            text.push('\n');
            want.push(name.clone());
        }
        let c = read_str(Format::Osquery, &text);
        assert!(c.quarantined.is_empty(), "{:?}", c.quarantined);
        assert!(c.issues.is_empty(), "{:?}", c.issues);
        assert_eq!(tables(&c), want);
    }

    #[test]
    fn ambiguous_rows_keep_no_table_and_the_query_is_reported_once_unless_mapped() {
        let line = |q: &str| {
            format!(
                r#"{{"name":"{q}","hostIdentifier":"h","unixTime":1741000000,"snapshot":[{{"name":"AnyDesk","version":"9"}},{{"name":"Zoom","version":"6"}}]}}"#
            )
        };
        let text = format!("{}\n{}\n{}\n", line("sw_inventory"), line("sw_inventory"), line("pack_brew"));
        let c = read_str(Format::Osquery, &text);
        assert_eq!(tables(&c), ["", "", "", "", "homebrew_packages", "homebrew_packages"]);
        assert_eq!(c.issues.len(), 1, "{:?}", c.issues);
        assert!(
            c.issues[0].reason.contains("sw_inventory") && c.issues[0].reason.contains("programs"),
            "{:?}",
            c.issues
        );
        // The user's mapping names the table.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.ndjson");
        std::fs::write(&path, &text).unwrap();
        let mut opts = options();
        opts.column_map = ColumnMap::parse("[osquery]\nsw_inventory = \"programs\"\n").unwrap();
        let c = read_path_with(Format::Osquery, &path, &opts);
        assert_eq!(tables(&c)[..4], ["programs", "programs", "programs", "programs"]);
        assert!(c.issues.is_empty());
    }

    #[test]
    fn odd_lines_are_repaired_or_quarantined_never_lost() {
        let ok = r#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"columns":{"name":"x","pid":"1","path":"/bin/x"},"action":"added"}"#;
        let mut bytes: Vec<u8> = Vec::new();
        let mut push = |l: &[u8]| {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        };
        push(ok.as_bytes()); // 1 fine
        // 2: a command line with bytes that are not UTF-8
        push(b"{\"name\":\"p\",\"hostIdentifier\":\"H1\",\"unixTime\":1741000000,\"action\":\"added\",\"columns\":{\"name\":\"x\",\"pid\":\"2\",\"cmdline\":\"x --title \xff\xfe\"}}");
        // 3: a lone surrogate escape, and a valid pair that must survive
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"action":"added","columns":{"name":"x\ud800y","pid":"3","path":"/a/\ud83d\ude00"}}"#);
        // 4: one good row, one string, one array in the batch
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"diffResults":{"added":[{"name":"a","pid":"4","path":"/a"},"oops",[1,2]],"removed":null}}"#);
        push(br#"{"name":"p","unixTime":1741000000,"columns":{"name":"x"}}"#); // 5 no host
        push(br#"{"name":"p","hostIdentifier":"H1","columns":{"name":"x"}}"#); // 6 no time
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":"soon","columns":{"name":"x"}}"#); // 7
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":12,"columns":{"name":"x"}}"#); // 8 clock not set
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"action":"changed","columns":{"name":"x"}}"#); // 9
        push(br#"{"severity":0,"filename":"scheduler.cpp","line":83,"message":"Executing scheduled query","version":"5.12.1","hostIdentifier":"H1","unixTime":1741000000}"#); // 10
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"columns":"name=x"}"#); // 11
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"snapshot":{"name":"x"}}"#); // 12
        push(br#"{"name":"p","hostIdentifier":"H1","unixTime":1741000000,"snapsh"#); // 13 cut
        // 14: only the decorations name the host; calendarTime only; a nested value
        push(br#"{"name":"p","decorations":{"hostname":"H2"},"calendarTime":"Mon May  2 22:27:32 2016 UTC","columns":{"name":"x","pid":"5","path":"/x","extra":{"a":[1]}}}"#);
        push(br#"{"name":"p","hostIdentifier":"H1","calendarTime":"Mon May  2 22:27:32 2016 PDT","columns":{"name":"x"}}"#); // 15
        push(br#"{"name":"p","hostIdentifier":"  ","unixTime":1741000000,"columns":{"name":"x"}}"#); // 16 blank host
        let c = read_bytes(Format::Osquery, &bytes);
        let lines_of = |v: &[bonafide_core::QuarantineEntry]| v.iter().map(|q| q.pos.line).collect::<Vec<_>>();
        let event_lines: Vec<u64> = c.events.iter().map(|e| e.source.line).collect();
        assert_eq!(event_lines, [1, 2, 3, 4, 14]);
        assert_eq!(lines_of(&c.quarantined), [4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16]);
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        for (i, want) in [
            (0, "diffResults.added[1] is a string"),
            (1, "diffResults.added[2] is an array"),
            (2, "no hostIdentifier"),
            (3, "no unixTime or calendarTime"),
            (4, "unixTime is not a number"),
            (5, "clock not set"),
            (6, "\"changed\""),
            (7, "status log"),
            (8, "columns is a string"),
            (9, "snapshot"),
            (10, "invalid JSON"),
            (11, "calendarTime"),
            (12, "no hostIdentifier"),
        ] {
            assert!(reasons[i].contains(want), "{i}: {want:?} not in {:?}", reasons[i]);
        }
        assert_eq!(lines_of(&c.issues), [2, 3]);
        assert!(c.issues[0].reason.contains("not UTF-8") && c.issues[1].reason.contains("surrogate"), "{:?}", c.issues);
        assert_eq!(row(&c.events[1]).get("cmdline"), Some("x --title \u{fffd}\u{fffd}"));
        assert_eq!(row(&c.events[2]).get("name"), Some("x\u{fffd}y"));
        assert_eq!(row(&c.events[2]).get("path"), Some("/a/\u{1f600}"), "a valid pair is kept");
        let e = &c.events[4];
        assert_eq!((&*e.actor.account, e.at.to_rfc3339().as_str()), ("h2", "2016-05-02T22:27:32Z"));
        assert_eq!(row(e).get("extra"), Some(r#"{"a":[1]}"#));
    }

    #[test]
    fn a_uuid_host_identifier_keeps_the_hostname_as_display_name() {
        let c = read_str(
            Format::Osquery,
            r#"{"name":"p","hostIdentifier":"4C4C4544-0042-3010-8052-B4C04F564433","decorations":{"hostname":"LT-0042","host_uuid":"4C4C4544-0042-3010-8052-B4C04F564433"},"unixTime":1741000000,"columns":{"name":"x","pid":"1","path":"/x"}}"#,
        );
        let e = &c.events[0];
        assert_eq!(&*e.actor.account, "4c4c4544-0042-3010-8052-b4c04f564433");
        assert_eq!(e.actor.display_name.as_deref(), Some("LT-0042"));
        assert_eq!(&*row(e).host, "4C4C4544-0042-3010-8052-B4C04F564433");
    }

    #[test]
    fn calendar_times() {
        let t = |s: &str| parse_calendar_time(s).map(|t| t.to_rfc3339());
        assert_eq!(t("Tue Sep 30 17:37:30 2014").as_deref(), Some("2014-09-30T17:37:30Z"));
        assert_eq!(t("Mon May  2 22:27:32 2016 UTC").as_deref(), Some("2016-05-02T22:27:32Z"));
        assert_eq!(t("Mon Feb 30 22:27:32 2016 UTC"), None);
        assert_eq!(t("Mon May 2 25:27:32 2016"), None);
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn surrogate_repair_respects_escaped_backslashes() {
        // `\\ud800` is a backslash followed by text, not an escape.
        assert!(repair(br#"{"a":"\\ud800"}"#).is_none());
        let (fixed, _) = repair(br#"{"a":"\udc00 and \ud800"}"#).unwrap();
        assert_eq!(fixed, br#"{"a":"\ufffd and \ufffd"}"#);
    }

    fn near_valid() -> impl Strategy<Value = String> {
        let cell = "[a-zA-Z0-9 /._\\\\-]{0,12}";
        let row =
            proptest::collection::vec(("(name|pid|path|vendor_id|model_id|port|x)", cell), 0..4).prop_map(|cols| {
                let m: serde_json::Map<String, serde_json::Value> =
                    cols.into_iter().map(|(k, v)| (k, serde_json::Value::from(v))).collect();
                serde_json::Value::Object(m).to_string()
            });
        (0..4u8, "[a-z_]{0,8}", "(H1|)", prop_oneof![Just("1741000000".to_string()), "[0-9a-z\"]{0,12}"], row).prop_map(
            |(shape, name, host, time, row)| match shape {
                0 => format!(r#"{{"name":"{name}","hostIdentifier":"{host}","unixTime":{time},"diffResults":{{"added":[{row}],"removed":[]}}}}"#),
                1 => format!(r#"{{"name":"{name}","hostIdentifier":"{host}","unixTime":{time},"action":"added","columns":{row}}}"#),
                2 => format!(r#"{{"name":"{name}","hostIdentifier":"{host}","unixTime":{time},"snapshot":[{row},{row}]}}"#),
                _ => format!(r#"{{"name":"{name}","hostIdentifier":"{host}","unixTime":{time},"snapshot":[{row}"#),
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every line is accepted (one or more events) or quarantined; nothing panics.
        #[test]
        fn every_line_is_read_or_quarantined(lines in proptest::collection::vec(near_valid(), 1..6)) {
            let text = lines.join("\n");
            let c = read_str(Format::Osquery, &text);
            for (i, _) in lines.iter().enumerate() {
                let line = i as u64 + 1;
                let read = c.events.iter().any(|e| e.source.line == line);
                let quarantined = c.quarantined.iter().any(|q| q.pos.line == line);
                prop_assert!(read || quarantined, "line {} vanished: {}", line, lines[i]);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut b = br#"{"name":"p","hostIdentifier":"H","unixTime":1741000000,"columns":{"x":""#.to_vec();
            b.extend_from_slice(&bytes);
            b.extend_from_slice(b"\"}}\n");
            let c = read_bytes(Format::Osquery, &b);
            prop_assert!(c.events.len() + c.quarantined.len() >= 1);
        }
    }
}

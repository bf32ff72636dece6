//! How the sinks present what the detectors and the graph name in code: evidence as a
//! few labelled facts with units and one time format (the rest one click away),
//! identifier kinds and cluster kinds in words.
//!
//! Why one table, and as data (`data/present.toml`): the HTML report and the web UI both
//! show evidence, and each detector writes its own detail keys (`asn`, `network_source`,
//! `duration_seconds`...). A label, unit or order set there reaches every indicator in
//! both sinks; no sink branches per indicator, and a key nobody described yet is still
//! shown, only under "more" and by its name.
//!
//! Why a table per finding rather than `key: value` runs: the evidence rows of one
//! finding mostly share their keys (eight sign-ins, three shipments), so the facts that
//! matter become columns an analyst can scan down, facts equal in every row are said
//! once above them, and rows of another shape (the F1 summary before the sign-ins it
//! rests on) start a table of their own.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use bonafide_core::UtcMs;
use bonafide_core::time::{MS_PER_DAY, MS_PER_MINUTE};
use serde::Deserialize;
use serde_json::{Map, Value};

const TABLE: &str = include_str!("../data/present.toml");

/// How a value is written (see `data/present.toml`).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Text,
    Time,
    Date,
    Number,
    Percent,
    Seconds,
    YesNo,
    Code,
    Masked,
    Asn,
    Hours,
    IdentifierKind,
    Subject,
    Subjects,
}

/// One evidence detail key: its label, how its value is written, whether it is one of
/// the facts shown first.
#[derive(Clone, Debug, Deserialize)]
pub struct Field {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub format: Format,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub main: bool,
}

/// The presentation table (`data/present.toml`), read once.
#[derive(Debug, Deserialize)]
pub struct Table {
    /// In reading order: a field's place here is its column's place.
    pub fields: Vec<Field>,
    #[serde(default)]
    pub codes: HashMap<String, String>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Table {
    pub fn parse(text: &str) -> Result<Table, toml::de::Error> {
        let mut t: Table = toml::from_str(text)?;
        t.index = t.fields.iter().enumerate().map(|(i, f)| (f.key.clone(), i)).collect();
        Ok(t)
    }

    /// The embedded table.
    pub fn builtin() -> &'static Table {
        static BUILTIN: OnceLock<Table> = OnceLock::new();
        // The embedded file is checked by a unit test; failing here is a build defect.
        BUILTIN.get_or_init(|| Table::parse(TABLE).expect("embedded present.toml is valid"))
    }

    /// The field and its place in reading order, when the table describes `key`.
    pub fn field(&self, key: &str) -> Option<(usize, &Field)> {
        self.index.get(key).map(|&i| (i, &self.fields[i]))
    }

    /// A code in words: the table's wording, else (for a value that looks like a code)
    /// its underscores as spaces. Free text is left as it is.
    pub fn code(&self, s: &str) -> String {
        match self.codes.get(s) {
            Some(w) => w.clone(),
            None if s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') => s.replace('_', " "),
            None => s.to_string(),
        }
    }
}

/// An identifier kind (`clusters[].links[].kind`) in words: `shipping_address` is
/// "shipping address".
pub fn identifier_kind(kind: &str) -> String {
    match bonafide_graph::words::identifier_kind(kind) {
        Some(w) => w.to_string(),
        None => Table::builtin().code(kind),
    }
}

/// A cluster kind (`clusters[].kind`) in words and what holds such a cluster together;
/// the meaning is empty for a kind the table does not know.
pub fn cluster_kind(kind: &str) -> (String, String) {
    match bonafide_graph::words::cluster_kind(kind) {
        Some((label, meaning)) => (label.to_string(), meaning.to_string()),
        None => (capitalised(&Table::builtin().code(kind)), String::new()),
    }
}

/// `words` with its first letter in upper case, as a label or a name starts.
fn capitalised(words: &str) -> String {
    let mut c = words.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// One link of a cluster as a sink holds it: the two members' ids, the identifier's
/// kind and value as stored, and the indicator that vetted it.
pub struct ClusterLink<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub indicator: &'a str,
}

/// One identifier shared inside a cluster and every member who carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedValue {
    /// Its kind in words (`shipping address`).
    pub kind: String,
    /// Its value as shown: a masked value without its keyed fingerprint.
    pub value: String,
    /// The value as stored, when what is shown differs (for a tooltip).
    pub raw: String,
    /// Indices into the cluster's members, in member order.
    pub holders: Vec<usize>,
    /// The indicators that vetted the links, in the order first met.
    pub indicators: Vec<String>,
}

/// A cluster's links grouped by identifier: "who shares which identifier with whom",
/// for the report's cluster section, the web UI's cluster page and the drawing on both.
///
/// Why: the stored links are pairs, and a value held by four members is stored as the
/// pairs the graph happened to join (often a star around one of them), so pairs drawn
/// or listed read as one member at the centre of everything. One row (one point in the
/// drawing) per value, with all its holders, says the same without that artefact. Rows
/// with more holders come first, then by kind and value; a member not in `members` is
/// left out.
pub fn shared_values<'a>(members: &[&str], links: impl IntoIterator<Item = ClusterLink<'a>>) -> Vec<SharedValue> {
    let mut by_value: Vec<((&str, &str), SharedValue)> = Vec::new();
    for l in links {
        let key = (l.kind, l.value);
        let at = match by_value.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let shown = without_fingerprint(l.value);
                let row = SharedValue {
                    kind: identifier_kind(l.kind),
                    value: shown.to_string(),
                    raw: if shown == l.value { String::new() } else { l.value.to_string() },
                    holders: Vec::new(),
                    indicators: Vec::new(),
                };
                by_value.push((key, row));
                by_value.len() - 1
            }
        };
        let row = &mut by_value[at].1;
        for m in [l.a, l.b] {
            if let Some(i) = members.iter().position(|x| *x == m)
                && !row.holders.contains(&i)
            {
                row.holders.push(i);
            }
        }
        if !l.indicator.is_empty() && !row.indicators.iter().any(|x| x == l.indicator) {
            row.indicators.push(l.indicator.to_string());
        }
    }
    let mut rows: Vec<SharedValue> = by_value
        .into_iter()
        .map(|(_, mut r)| {
            r.holders.sort_unstable();
            r
        })
        .collect();
    rows.sort_by(|a, b| {
        b.holders.len().cmp(&a.holders.len()).then_with(|| a.kind.cmp(&b.kind)).then_with(|| a.value.cmp(&b.value))
    });
    rows
}

/// `+9`, `−7:15` (the sign is U+2212, as the detectors write zones).
fn offset_text(minutes: i64) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let a = minutes.abs();
    if a % 60 == 0 { format!("{sign}{}", a / 60) } else { format!("{sign}{}:{:02}", a / 60, a % 60) }
}

/// A masked value as shown, without the keyed fingerprint the detectors append
/// (`****2465 (fp:f794…)` is `****2465`): the fingerprint is a linking key, not a fact
/// an analyst reads; sinks keep it for a tooltip.
pub fn without_fingerprint(s: &str) -> &str {
    s.split_once(" (fp:").map_or(s, |(shown, _)| shown)
}

/// An instant as every page writes it: `2025-06-03 00:11:00 UTC`.
pub fn instant(t: UtcMs) -> String {
    local_time(t, 0)
}

fn local_time(t: UtcMs, offset_minutes: i64) -> String {
    let local = UtcMs(t.0.saturating_add(offset_minutes * MS_PER_MINUTE));
    let ms = local.0.rem_euclid(MS_PER_DAY);
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    let zone = if offset_minutes == 0 { "UTC".to_string() } else { format!("UTC{}", offset_text(offset_minutes)) };
    format!("{} {h:02}:{m:02}:{s:02} {zone}", local.date_string())
}

/// An RFC 3339 time as every page writes it: `2025-06-03 00:11:00 UTC`; a time recorded
/// with another offset keeps it (`2025-06-03 09:11:00 UTC+9`), since where a clock was
/// set can be the evidence. A date stays a date; anything else is returned as it is.
pub fn time(s: &str) -> String {
    let t = s.trim();
    if let Ok((at, offset)) = UtcMs::parse_with_offset(t) {
        return local_time(at, i64::from(offset));
    }
    s.to_string()
}

/// The calendar date (`2025-06-03`) of a date or an RFC 3339 time (in UTC).
pub fn date(s: &str) -> String {
    let t = s.trim();
    if UtcMs::parse_date(t).is_ok() {
        return t.to_string();
    }
    UtcMs::parse(t).map(UtcMs::date_string).unwrap_or_else(|_| s.to_string())
}

/// A finding's time range as stored (RFC 3339 text): one time, or `first → last`.
pub fn when(first: Option<&str>, last: Option<&str>) -> String {
    range(first, last, time)
}

/// [`when`] of a finding's own times, as a scan holds them.
pub fn when_utc(first: Option<UtcMs>, last: Option<UtcMs>) -> String {
    range(first, last, instant)
}

fn range<T: PartialEq>(first: Option<T>, last: Option<T>, show: impl Fn(T) -> String) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{} → {}", show(a), show(b)),
        (Some(a), _) | (None, Some(a)) => show(a),
        (None, None) => String::new(),
    }
}

/// A JSON value as one line of text (masked values by their mask only).
pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(plain).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
        Value::Object(m) => {
            if let Some(Value::String(masked)) = m.get("masked") {
                return masked.clone();
            }
            m.iter()
                .map(|(k, v)| (k, plain(v)))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
        other => other.to_string(),
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `9317.0` is `9,317`; `8.95` stays `8.95`.
pub fn number(x: f64) -> String {
    let group = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a.fract() == 0.0 && a < 1e15 {
        return format!("{sign}{}", group(a as u64));
    }
    let text = format!("{a}");
    match text.split_once('.') {
        Some((int, frac)) if a < 1e15 => format!("{sign}{}.{frac}", group(int.parse().unwrap_or(0))),
        _ => format!("{sign}{text}"),
    }
}

/// `31 min 39 s`, `1 h 5 min`, `40 s`.
pub fn duration(secs: f64) -> String {
    if secs > 0.0 && secs < 10.0 && secs.fract() != 0.0 {
        return format!("{secs:.1} s");
    }
    let s = secs.round().max(0.0) as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 if s.is_multiple_of(60) => format!("{} min", s / 60),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ if s % 3600 / 60 == 0 => format!("{} h", s / 3600),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// 24 counts by hour as the hours with any (runs as `09–17`) and the busiest:
/// `09–17, 21 h; busiest 17 h`.
fn hours_text(v: &Value) -> Option<String> {
    let counts: Vec<f64> = v.as_array()?.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect();
    if counts.len() != 24 {
        return None;
    }
    let active: Vec<usize> = (0..24).filter(|&h| counts[h] > 0.0).collect();
    let Some(&first) = active.first() else { return Some("none".into()) };
    let busiest = (0..24).fold(first, |b, h| if counts[h] > counts[b] { h } else { b });
    if active.len() == 24 {
        return Some(format!("every hour; busiest {busiest:02} h"));
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for h in active {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == h => *end = h,
            _ => runs.push((h, h)),
        }
    }
    let runs: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { format!("{a:02}") } else { format!("{a:02}–{b:02}") }).collect();
    Some(format!("{} h; busiest {busiest:02} h", runs.join(", ")))
}

/// One fact of a piece of evidence, as shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fact {
    /// The detail key it came from (`duration_seconds`).
    pub key: String,
    pub label: String,
    pub value: String,
    /// The value as recorded, when what is shown differs from it (for a tooltip): the
    /// exact RFC 3339 time, the fingerprint of a masked value, the 24 hourly counts.
    pub raw: String,
    /// The subject ids the value names (formats `subject`, `subjects`), for links.
    pub subjects: Vec<String>,
}

impl Table {
    /// `key: v` as a fact, or None when there is nothing to show.
    pub fn fact(&self, key: &str, v: &Value) -> Option<Fact> {
        let field = self.field(key).map(|(_, f)| f);
        let raw = plain(v);
        if raw.is_empty() {
            return None;
        }
        let format = field.map(|f| f.format).unwrap_or_default();
        let unit = |s: String| match field.and_then(|f| f.unit.as_deref()) {
            Some(u) => format!("{s} {u}"),
            None => s,
        };
        let mut subjects = Vec::new();
        let value = match format {
            Format::Text => raw.clone(),
            Format::Time => match v {
                Value::Array(a) => a.iter().map(|x| time(&plain(x))).collect::<Vec<_>>().join(", "),
                _ => time(&raw),
            },
            Format::Date => date(&raw),
            Format::Number => as_number(v).map(|x| unit(number(x))).unwrap_or_else(|| raw.clone()),
            Format::Percent => as_number(v)
                .map(|x| {
                    let p = x * 100.0;
                    if (p - p.round()).abs() < 1e-9 { format!("{p:.0}%") } else { format!("{p:.1}%") }
                })
                .unwrap_or_else(|| raw.clone()),
            Format::Seconds => as_number(v).map(duration).unwrap_or_else(|| raw.clone()),
            Format::YesNo => match v {
                Value::Bool(true) => "yes".into(),
                Value::Bool(false) => "no".into(),
                Value::String(s) if s == "true" => "yes".into(),
                Value::String(s) if s == "false" => "no".into(),
                _ => raw.clone(),
            },
            Format::Code => match v {
                Value::Array(a) => a.iter().map(|x| self.code(&plain(x))).collect::<Vec<_>>().join(", "),
                _ => self.code(&raw),
            },
            Format::Masked => without_fingerprint(&raw).to_string(),
            Format::Asn => as_number(v).map(|x| format!("AS{x}")).unwrap_or_else(|| raw.clone()),
            Format::Hours => hours_text(v).unwrap_or_else(|| raw.clone()),
            Format::IdentifierKind => identifier_kind(&raw),
            Format::Subject => {
                subjects.push(raw.clone());
                raw.clone()
            }
            Format::Subjects => {
                subjects = match v {
                    Value::Array(a) => a.iter().map(plain).filter(|s| !s.is_empty()).collect(),
                    _ => vec![raw.clone()],
                };
                subjects.join(", ")
            }
        };
        let label = match field {
            Some(f) => f.label.clone(),
            None => capitalised(&key.replace('_', " ")),
        };
        let raw = if raw == value { String::new() } else { raw };
        Some(Fact { key: key.to_string(), label, value, raw, subjects })
    }
}

/// One record behind a finding.
#[derive(Clone, Debug, Default)]
pub struct EvidenceRow {
    /// Where it was read, short (`okta.ndjson.gz:2939`); `—` for evidence computed from
    /// many records.
    pub source: String,
    /// The full source position, or what a row without one is (for a tooltip).
    pub source_title: String,
    /// One fact per column of its group (empty where the row has none).
    pub cells: Vec<Fact>,
    /// The rest of its facts, in reading order.
    pub more: Vec<Fact>,
}

/// Consecutive evidence rows of one shape, shown as one table.
#[derive(Clone, Debug, Default)]
pub struct EvidenceGroup {
    /// Facts equal in every row (said once, above the table); only for several rows.
    pub common: Vec<Fact>,
    /// The labels of the main facts' columns.
    pub columns: Vec<String>,
    pub rows: Vec<EvidenceRow>,
    /// Whether any row has facts under "more".
    pub more: bool,
}

struct Prepared {
    source: String,
    source_title: String,
    main: BTreeMap<usize, Fact>,
    more: Vec<(usize, Fact)>,
    /// Main facts that name the page's own subject.
    mine: BTreeSet<usize>,
}

/// The short form of a source position: its file name and line.
fn short_source(s: &str) -> String {
    s.rsplit(['/', '\\']).next().unwrap_or(s).to_string()
}

/// A finding's evidence, `(source position, detail)` per record, as tables of main
/// facts. `me` is the subject whose page (or report section) this is: a column that
/// names only `me` is left out (the page says it), and in a column of several subjects
/// `me` reads "(this subject)", unlinked.
pub fn evidence<'a>(
    items: impl IntoIterator<Item = (String, &'a Map<String, Value>)>,
    me: Option<&str>,
) -> Vec<EvidenceGroup> {
    let t = Table::builtin();
    let unknown = t.fields.len();
    let rows: Vec<Prepared> = items
        .into_iter()
        .map(|(source, detail)| {
            let mut main = BTreeMap::new();
            let mut more = Vec::new();
            let mut mine = BTreeSet::new();
            for (k, v) in detail {
                let Some(mut f) = t.fact(k, v) else { continue };
                let field = t.field(k);
                let own = me.is_some_and(|me| f.value == me) && field.is_some_and(|(_, x)| x.format == Format::Subject);
                if own {
                    f.raw = f.value.clone();
                    f.value = format!("{} (this subject)", f.value);
                    f.subjects.clear();
                }
                match field {
                    Some((i, field)) if field.main => {
                        if own {
                            mine.insert(i);
                        }
                        main.insert(i, f);
                    }
                    Some((i, _)) => more.push((i, f)),
                    None => more.push((unknown, f)),
                }
            }
            // Unknown keys after the described ones, by key.
            more.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
            let (source, source_title) = if source.trim().is_empty() {
                ("—".to_string(), "computed from many records, not read from one".to_string())
            } else {
                (short_source(&source), source)
            };
            Prepared { source, source_title, main, more, mine }
        })
        .collect();

    // Rows join the table before them while they share a main fact with it (other than
    // whose it is: the summary of a subject's rhythm and its sign-ins are two shapes).
    let shape = |row: &Prepared| -> BTreeSet<usize> {
        row.main
            .keys()
            .copied()
            .filter(|&i| !matches!(t.fields[i].format, Format::Subject | Format::Subjects))
            .collect()
    };
    let mut groups: Vec<(BTreeSet<usize>, BTreeSet<usize>, Vec<Prepared>)> = Vec::new();
    for row in rows {
        let keys: BTreeSet<usize> = row.main.keys().copied().collect();
        let kind = shape(&row);
        match groups.last_mut() {
            Some((have, have_kind, members))
                if (have_kind.is_empty() && kind.is_empty()) || !have_kind.is_disjoint(&kind) =>
            {
                have.extend(keys);
                have_kind.extend(kind);
                members.push(row);
            }
            _ => groups.push((keys, kind, vec![row])),
        }
    }

    groups
        .into_iter()
        .map(|(keys, _, members)| {
            let mut columns: Vec<usize> = keys.into_iter().collect();
            columns.retain(|k| !members.iter().all(|m| m.mine.contains(k)));
            let mut common = Vec::new();
            if members.len() > 1 {
                columns.retain(|k| {
                    let first = members[0].main.get(k);
                    let same = first.is_some() && members.iter().all(|m| m.main.get(k) == first);
                    if same && let Some(f) = first {
                        common.push(f.clone());
                    }
                    !same
                });
            }
            let more = members.iter().any(|m| !m.more.is_empty());
            EvidenceGroup {
                common,
                columns: columns.iter().map(|&k| t.fields[k].label.clone()).collect(),
                rows: members
                    .into_iter()
                    .map(|m| EvidenceRow {
                        cells: columns.iter().map(|k| m.main.get(k).cloned().unwrap_or_default()).collect(),
                        more: m.more.into_iter().map(|(_, f)| f).collect(),
                        source: m.source,
                        source_title: m.source_title,
                    })
                    .collect(),
                more,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn the_embedded_table_parses_and_names_each_key_once() {
        let t = Table::parse(TABLE).expect("present.toml");
        let mut seen = BTreeSet::new();
        for f in &t.fields {
            assert!(seen.insert(f.key.as_str()), "{} twice", f.key);
            assert!(!f.label.is_empty(), "{} has no label", f.key);
        }
    }

    #[test]
    fn times_read_one_way_and_keep_a_recorded_offset() {
        assert_eq!(time("2025-06-03T00:11:00Z"), "2025-06-03 00:11:00 UTC");
        assert_eq!(time("2025-06-03T04:24:13.082Z"), "2025-06-03 04:24:13 UTC");
        assert_eq!(time("2025-06-03T09:11:00+09:00"), "2025-06-03 09:11:00 UTC+9");
        assert_eq!(time("2025-06-02T20:11:00-07:30"), "2025-06-02 20:11:00 UTC−7:30");
        assert_eq!(time("not a time"), "not a time");
        assert_eq!(date("2025-05-02T00:00:00Z"), "2025-05-02");
        assert_eq!(date("2025-05-02"), "2025-05-02");
        assert_eq!(
            when(Some("2025-02-11T15:00:00Z"), Some("2025-06-10T15:00:00Z")),
            "2025-02-11 15:00:00 UTC → 2025-06-10 15:00:00 UTC"
        );
    }

    #[test]
    fn values_read_in_words_with_units() {
        let t = Table::builtin();
        let shown = |k: &str, v: Value| t.fact(k, &v).map(|f| (f.label, f.value)).unwrap();
        assert_eq!(shown("duration_seconds", json!(1899)), ("Length".into(), "31 min 39 s".into()));
        assert_eq!(duration(0.4), "0.4 s");
        assert_eq!(duration(3900.0), "1 h 5 min");
        assert_eq!(shown("distance_km", json!(9317.0)), ("Distance".into(), "9,317 km".into()));
        assert_eq!(shown("speed_kmh", json!("1041")), ("Speed needed".into(), "1,041 km/h".into()));
        assert_eq!(shown("hours", json!(8.95)), ("Time between".into(), "8.95 h".into()));
        assert_eq!(shown("ratio", json!(0.53)).1, "53%");
        assert_eq!(shown("quiet_share", json!(0.207)).1, "20.7%");
        assert_eq!(shown("verified", json!(false)).1, "no");
        assert_eq!(shown("asn", json!(701)), ("AS number".into(), "AS701".into()));
        assert_eq!(
            shown("flags", json!(["camera_refused", "declined_onsite"])).1,
            "refused the camera, declined to meet in person"
        );
        assert_eq!(shown("problems", json!(["some_new_problem"])).1, "some new problem");
        assert_eq!(shown("account_number", json!("****2465 (fp:f794)")).1, "****2465");
        assert_eq!(t.fact("account_number", &json!("****2465 (fp:f794)")).unwrap().raw, "****2465 (fp:f794)");
        let mut day = vec![0; 24];
        day[9] = 3;
        day[10] = 5;
        day[11] = 2;
        day[21] = 1;
        assert_eq!(shown("active_slots_by_utc_hour", json!(day)).1, "09–11, 21 h; busiest 10 h");
        assert_eq!(shown("kind", json!("shipping_address")).1, "shipping address");
        // A key nobody described yet still reads, by its name.
        assert_eq!(shown("brand_new_key", json!("x")), ("Brand new key".into(), "x".into()));
        assert!(t.fact("reference", &json!(null)).is_none(), "nothing to show");
    }

    #[test]
    fn evidence_puts_main_facts_in_columns_and_the_rest_under_more() {
        let signin = |at: &str, ip: &str| {
            map(json!({"as_org": "verizon business", "asn": 701, "at": at, "event_type": "user.session.start",
                "ip": ip, "label": "verizon business", "network": "residential", "network_source": "ipintel.csv",
                "place": "New York, NY, US"}))
        };
        let rows = [signin("2025-06-03T00:11:00Z", "72.229.3.3"), signin("2025-06-04T00:52:00Z", "72.229.3.4")];
        let groups = evidence(rows.iter().map(|d| ("/data/okta.ndjson.gz:2939".to_string(), d)), None);
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!(g.columns, ["When", "IP address"], "facts that differ are columns, in reading order");
        let common: Vec<(&str, &str)> = g.common.iter().map(|f| (f.label.as_str(), f.value.as_str())).collect();
        assert_eq!(
            common,
            [
                ("Place (from the IP)", "New York, NY, US"),
                ("Network type", "residential"),
                ("Network name", "verizon business")
            ],
            "facts equal in every row are said once"
        );
        assert_eq!(g.rows[0].cells[0].value, "2025-06-03 00:11:00 UTC");
        assert_eq!(
            (g.rows[0].source.as_str(), g.rows[0].source_title.as_str()),
            ("okta.ndjson.gz:2939", "/data/okta.ndjson.gz:2939")
        );
        let more: Vec<&str> = g.rows[0].more.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(more, ["Event", "Network owner", "AS number", "Network type from"]);
        assert!(g.more);
    }

    #[test]
    fn rows_of_another_shape_start_their_own_table_and_the_page_subject_is_not_repeated() {
        let summary =
            map(json!({"claimed_offset": "UTC−7", "inferred_offset": "UTC+8", "events": 146, "subject": "E1"}));
        let event = map(json!({"at": "2025-06-06T23:59:01Z", "event_type": "message", "subject": "E1"}));
        let groups =
            evidence([(String::new(), &summary), ("a.csv:1".into(), &event), ("a.csv:2".into(), &event)], Some("E1"));
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].columns, ["Claimed zone", "Rhythm fits", "Events"]);
        assert_eq!(groups[0].rows[0].source, "—");
        assert!(groups[1].columns.is_empty() && groups[1].common.len() == 1, "{:?}", groups[1].columns);
        assert!(groups.iter().flat_map(|g| &g.rows).all(|r| r.cells.iter().chain(&r.more).all(|f| f.key != "subject")));
        assert!(groups.iter().all(|g| g.common.iter().all(|f| f.key != "subject")));
        // Other subjects stay, as subjects to link; the page's own is named, unlinked.
        let other = map(json!({"subject": "F2", "at": "2025-06-06T23:59:01Z"}));
        let own = map(json!({"subject": "E1", "at": "2025-06-07T23:59:01Z"}));
        let g = evidence([("x:1".to_string(), &other), ("x:2".to_string(), &own)], Some("E1"));
        assert_eq!(g[0].columns, ["Subject", "When"]);
        assert_eq!(g[0].rows[0].cells[0].subjects, ["F2"]);
        let mine = &g[0].rows[1].cells[0];
        assert_eq!((mine.value.as_str(), mine.subjects.len()), ("E1 (this subject)", 0));
    }

    #[test]
    fn kinds_read_in_words() {
        assert_eq!(identifier_kind("bank_account"), "bank account");
        assert_eq!(identifier_kind("something_new"), "something new");
        assert_eq!(cluster_kind("persona_ring").0, "Persona ring");
        assert_eq!(cluster_kind("brand_new"), ("Brand new".to_string(), String::new()));
    }

    /// Every key a detector writes as a literal (`.with("key", ...)`) is described in the
    /// table, so no indicator's evidence falls back to a raw key name.
    #[test]
    fn every_evidence_key_the_detectors_write_is_described() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("read dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        walk(&root.join("detect/src"), &mut files);
        files.push(root.join("engine/src/graph.rs"));
        let t = Table::builtin();
        let mut missing = BTreeSet::new();
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name == "tests.rs" || name == "testkit.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("read source");
            // Test modules write keys of their own.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for piece in text.split(".with(\"").skip(1) {
                let key: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if piece[key.len()..].starts_with('"') && t.field(&key).is_none() {
                    missing.insert(format!("{key} ({})", f.display()));
                }
            }
        }
        assert!(missing.is_empty(), "describe these evidence keys in data/present.toml: {missing:?}");
    }
}

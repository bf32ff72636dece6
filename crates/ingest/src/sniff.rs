//! Recognising a file's format from its content.
//!
//! A file's name says little (exports are called `export (3).json`), so recognition
//! looks at content only: a CSV's header row (after the user's column map), a JSON
//! file's characteristic keys, an IP list's lines, a MaxMind database's marker. The
//! catalogue can also hold a format a version cannot read yet ([`Format::supported`]), so
//! that such a file is reported as "recognised, not supported" rather than "unknown";
//! today every format in it is read.

use bonafide_intel::ip::{IpFormat, formats as ipformats};

use crate::input::{Input, SAMPLE_BYTES};
use crate::table::{ColumnMap, sample_header};

/// Every input format bonafide knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    People,
    Accounts,
    PayrollChanges,
    Shipments,
    Devices,
    Interviews,
    References,
    Signins,
    Activity,
    Commits,
    /// Identifiers of people removed or banned (`watchlist.csv`).
    Watchlist,
    /// A git repository on disk (a folder, recognised by its `.git`).
    Git,
    Okta,
    Entra,
    Gws,
    Github,
    /// GitHub REST exports of a person's public profile (user, repositories, commits).
    GithubProfile,
    Osquery,
    Ofac,
    Un,
    Ftm,
    Ip(IpFormat),
}

/// What a format contributes to a scan, which decides the reading order: records first
/// (they define subjects and accounts), then intelligence, then events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Records,
    Intel,
    Lists,
    Events,
}

/// How each CSV record format is recognised from its header: all of the first list (the
/// contract's required columns) and, where the required columns alone would claim
/// unrelated files, at least one of the second (references.csv requires only
/// `subject_id`, which every record format carries).
const CSV_FORMATS: &[(Format, &[&str], &[&str])] = &[
    (Format::People, &["subject_id", "full_name"], &[]),
    (Format::Accounts, &["subject_id", "source", "account"], &[]),
    (Format::PayrollChanges, &["subject_id", "changed_at", "method"], &[]),
    (Format::Shipments, &["subject_id", "shipped_at"], &[]),
    (Format::Devices, &["asset_serial", "subject_id"], &[]),
    (Format::Interviews, &["subject_id", "at"], &[]),
    // Not `name`, `email` or `phone`: a people file with `name` for `full_name` must not
    // be read as references.
    (Format::References, &["subject_id"], &["company", "company_domain", "verified"]),
    (Format::Signins, &["account", "at", "ip"], &[]),
    (Format::Activity, &["account", "at"], &[]),
    (Format::Commits, &["author_email", "author_time"], &[]),
    // `kind,value` alone is too common a header (test fixtures, settings) to claim.
    (Format::Watchlist, &["kind", "value"], &["label", "listed_at"]),
];

/// Every column of each CSV record format in the data contract: when a header carries the
/// required columns of two formats (a shipments file with `asset_serial` has those of
/// devices too), the format that knows more of its columns wins.
const CSV_COLUMNS: &[(Format, &[&str])] = &[
    (Format::People, crate::people::COLUMNS),
    (Format::Accounts, crate::accounts::COLUMNS),
    (Format::PayrollChanges, crate::payroll::COLUMNS),
    (Format::Shipments, crate::shipments::COLUMNS),
    (Format::Devices, crate::devices::COLUMNS),
    (Format::Interviews, crate::interviews::COLUMNS),
    (Format::References, crate::references::COLUMNS),
    (Format::Signins, crate::signins::COLUMNS),
    (Format::Activity, crate::activity::COLUMNS),
    (Format::Commits, crate::commits::COLUMNS),
    (Format::Watchlist, crate::watchlist::COLUMNS),
];

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::People => "people",
            Format::Accounts => "accounts",
            Format::PayrollChanges => "payroll_changes",
            Format::Shipments => "shipments",
            Format::Devices => "devices",
            Format::Interviews => "interviews",
            Format::References => "references",
            Format::Signins => "signins",
            Format::Activity => "activity",
            Format::Commits => "commits",
            Format::Watchlist => "watchlist",
            Format::Git => "git",
            Format::Okta => "okta",
            Format::Entra => "entra",
            Format::Gws => "gws",
            Format::Github => "github",
            Format::GithubProfile => "github_profile",
            Format::Osquery => "osquery",
            Format::Ofac => "ofac",
            Format::Un => "un",
            Format::Ftm => "ftm",
            Format::Ip(f) => f.name(),
        }
    }

    pub fn all() -> Vec<Format> {
        let mut v: Vec<Format> = CSV_FORMATS.iter().map(|(f, _, _)| *f).collect();
        v.extend([
            Format::Git,
            Format::Okta,
            Format::Entra,
            Format::Gws,
            Format::Github,
            Format::GithubProfile,
            Format::Osquery,
            Format::Ofac,
            Format::Un,
            Format::Ftm,
        ]);
        v.extend(IpFormat::all().iter().map(|f| Format::Ip(*f)));
        v
    }

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        Format::all().into_iter().find(|f| f.name() == name)
    }

    pub fn role(self) -> Role {
        match self {
            Format::People | Format::Accounts | Format::GithubProfile => Role::Records,
            Format::PayrollChanges | Format::Shipments | Format::Devices | Format::Interviews | Format::References => {
                Role::Records
            }
            Format::Watchlist => Role::Records,
            Format::Ip(_) => Role::Intel,
            Format::Ofac | Format::Un | Format::Ftm => Role::Lists,
            _ => Role::Events,
        }
    }

    /// Whether this version reads the format (others are listed as skipped).
    pub fn supported(self) -> bool {
        matches!(self, Format::People | Format::Accounts | Format::Okta | Format::Ip(_))
            || matches!(self, Format::Entra | Format::Gws | Format::Github | Format::Signins | Format::Activity)
            || matches!(self, Format::Commits | Format::Git)
            || matches!(self, Format::Osquery | Format::Devices | Format::Shipments)
            || matches!(self, Format::PayrollChanges | Format::Interviews | Format::References)
            || matches!(self, Format::Ofac | Format::Un | Format::Ftm)
            || matches!(self, Format::GithubProfile | Format::Watchlist)
    }

    /// Every column of a CSV record format in the data contract (the names a column map
    /// may rename to); `None` for formats that are not CSV records.
    pub fn columns(self) -> Option<&'static [&'static str]> {
        CSV_COLUMNS.iter().find(|(f, _)| *f == self).map(|(_, c)| *c)
    }

    /// Required columns of a CSV record format.
    pub fn required_columns(self) -> &'static [&'static str] {
        CSV_FORMATS.iter().find(|(f, _, _)| *f == self).map(|(_, c, _)| *c).unwrap_or(&[])
    }

    /// What a CSV record format's header must hold to be recognised without
    /// `--format`, in words (`subject_id, at`; `subject_id and one of company, ...`).
    pub fn recognised_by(self) -> Option<String> {
        let (_, all, any) = CSV_FORMATS.iter().find(|(f, _, _)| *f == self)?;
        let mut text = all.join(", ");
        if !any.is_empty() {
            text.push_str(&format!(" and one of {}", any.join(", ")));
        }
        Some(text)
    }
}

fn has(sample: &[u8], needle: &str) -> bool {
    memchr::memmem::find(sample, needle.as_bytes()).is_some()
}

/// Recognises a JSON vendor format from keys in the sample.
fn sniff_json(sample: &[u8]) -> Option<Format> {
    if has(sample, "\"eventType\"") && has(sample, "\"published\"") && has(sample, "\"actor\"") {
        return Some(Format::Okta);
    }
    if (has(sample, "\"createdDateTime\"")
        && (has(sample, "\"userPrincipalName\"")
            || has(sample, "\"servicePrincipalName\"")
            || has(sample, "\"signInEventTypes\"")))
        || (has(sample, "\"category\"") && has(sample, "SignInLogs") && has(sample, "\"properties\""))
    {
        return Some(Format::Entra);
    }
    if (has(sample, "\"applicationName\"") && has(sample, "\"events\"") && has(sample, "\"actor\""))
        || has(sample, "\"admin#reports#activit")
    {
        return Some(Format::Gws);
    }
    // Older event and batch lines name the host `hostname` rather than `hostIdentifier`.
    if (has(sample, "\"hostIdentifier\"") || (has(sample, "\"hostname\"") && has(sample, "\"calendarTime\"")))
        && (has(sample, "\"diffResults\"") || has(sample, "\"snapshot\"") || has(sample, "\"columns\""))
    {
        return Some(Format::Osquery);
    }
    // REST objects have no `action`/`actor`; checked first all the same, since a user
    // object has `created_at` like an audit event.
    if !has(sample, "\"action\"") && crate::ghprofile::sniff(|k| has(sample, k)) {
        return Some(Format::GithubProfile);
    }
    if has(sample, "\"action\"")
        && has(sample, "\"actor\"")
        && (has(sample, "\"@timestamp\"") || has(sample, "\"created_at\""))
    {
        return Some(Format::Github);
    }
    if is_ftm_line(sample) {
        return Some(Format::Ftm);
    }
    None
}

/// Whether the sample opens with a FollowTheMoney entity: one object per line with `id`,
/// a `schema` name and `properties`. The keys alone are not enough, since an OpenAPI or
/// JSON Schema document has all three; those are pretty-printed across lines, and even
/// on one line their `schema` is an object, not an entity's schema name. A first line
/// longer than the sample (an entity with thousands of aliases) cannot be parsed and is
/// judged by its keys.
fn is_ftm_line(sample: &[u8]) -> bool {
    let start = sample.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(sample.len());
    let rest = &sample[start..];
    let end = rest.iter().position(|&b| b == b'\n');
    let line = &rest[..end.unwrap_or(rest.len())];
    if !(has(line, "\"schema\"") && has(line, "\"properties\"") && has(line, "\"id\"")) {
        return false;
    }
    if end.is_none() && sample.len() >= SAMPLE_BYTES {
        return true;
    }
    match serde_json::from_slice::<serde_json::Value>(line) {
        Ok(v) => {
            v.get("schema")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                && v.get("properties").is_some_and(serde_json::Value::is_object)
        }
        Err(_) => false,
    }
}

/// Recognises one of our CSV record formats from the header, after the column map.
fn sniff_csv(sample: &[u8], map: &ColumnMap) -> Option<Format> {
    let header = sample_header(sample, map)?;
    CSV_FORMATS
        .iter()
        .filter_map(|(f, required, any_of)| {
            let renamed: Vec<String> = header.iter().map(|h| map.rename(f.name(), h)).collect();
            let present = |c: &&str| renamed.iter().any(|h| h == c);
            if !required.iter().all(present) || !(any_of.is_empty() || any_of.iter().any(present)) {
                return None;
            }
            let all = f.columns().unwrap_or(required);
            let known = renamed.iter().filter(|h| all.contains(&h.as_str())).count();
            Some((*f, required.len(), known))
        })
        .max_by_key(|(_, required, known)| (*required, *known))
        .map(|(f, _, _)| f)
}

/// A file's format, or why it was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    Format(Format),
    Unknown(Unread),
}

/// Why a file was not recognised, and what it holds as far as its first bytes tell:
/// recognition has the sample in hand, so the scan asks it rather than reading the
/// sample again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub why: String,
    pub holds: Holds,
}

/// What an unrecognised file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// A document with no records (a picture, a PDF, a Markdown README). A scan skips it
    /// without counting it lost (`--strict` does not fail on it): a resume or photo
    /// people.csv points to is read from there, and a README is no export.
    Document,
    /// A CSV header with every required column of a known format under other names
    /// (`Subject ID,Full Name`): an export the user most likely meant to be read, which
    /// `--map` would read. A scan never forgives these, even inside a git work tree.
    RenamedColumns,
    /// Anything else: it may hold records in a form bonafide does not know.
    Unknown,
}

impl Recognition {
    fn unknown(why: impl Into<String>, holds: Holds) -> Recognition {
        Recognition::Unknown(Unread { why: why.into(), holds })
    }
}

/// A picture or PDF, by its magic bytes.
fn binary_document_kind(body: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| body.starts_with(magic)) {
        return Some(what);
    }
    (body.starts_with(b"RIFF") && body.get(8..12) == Some(b"WEBP".as_slice())).then_some("a WebP image")
}

/// Whether markup is an HTML page (`<!DOCTYPE html>`, `<html`, or a `<head>`/`<body>`
/// near the start) rather than XML data.
fn is_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    ["<!doctype html", "<html", "<head", "<body"].iter().any(|tag| has(&start, tag))
}

/// Other names exports give the contract's required columns, compared folded to letters
/// and digits (`Subject ID`, `EmployeeID`, `employee_id` are all `employeeid`): a header
/// that has them is a known format under other names, for which `--map` is the answer.
const OTHER_NAMES: &[(&str, &[&str])] = &[
    (
        "subject_id",
        &[
            "employeeid",
            "empid",
            "employeenumber",
            "personid",
            "workerid",
            "staffid",
            "candidateid",
            "applicantid",
            "id",
        ],
    ),
    ("full_name", &["name", "legalname", "employeename", "displayname", "personname"]),
    ("account", &["username", "login", "userid", "userprincipalname", "upn"]),
    ("source", &["system", "idp"]),
    ("at", &["time", "timestamp", "datetime", "date", "eventtime", "createdat", "occurredat"]),
    ("ip", &["ipaddress", "clientip", "sourceip", "remoteip"]),
    ("changed_at", &["changedate", "effectivedate"]),
    ("method", &["paymentmethod", "paytype"]),
    ("shipped_at", &["shipdate", "shippeddate"]),
    ("asset_serial", &["serial", "serialnumber", "assettag"]),
    ("author_email", &["authoremail"]),
    ("author_time", &["authordate"]),
];

fn letters_and_digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The header cell that loosely names `column`, if any.
fn loose_match<'h>(header: &'h [String], column: &str) -> Option<&'h str> {
    let folded = letters_and_digits(column);
    let others = OTHER_NAMES.iter().find(|(c, _)| *c == column).map_or(&[][..], |(_, o)| *o);
    header.iter().map(String::as_str).find(|h| {
        let h = letters_and_digits(h);
        h == folded || others.contains(&h.as_str())
    })
}

/// When a CSV header has every required column of one of our formats under other names
/// (`Subject ID,Full Name`, `EmployeeID,Name`), says so and how to map them.
fn map_hint(sample: &[u8]) -> Option<String> {
    // Any separator: the header's names are what is unknown, so the reader's rule (a
    // separator that finds contract columns) cannot decide it yet.
    let line = sample.split(|&b| b == b'\n').find(|l| !l.trim_ascii().is_empty())?;
    let headers: Vec<Vec<String>> = crate::table::DELIMITERS
        .iter()
        .map(|d| crate::table::header_cells(line.trim_ascii_end(), *d))
        .filter(|h| h.len() >= 2)
        .collect();
    let (format, pairs) = headers
        .iter()
        .flat_map(|header| CSV_FORMATS.iter().map(move |spec| (header, spec)))
        .filter_map(|(header, (f, required, any_of))| {
            let pairs: Vec<(&str, &str)> =
                required.iter().map(|c| loose_match(header, c).map(|h| (h, *c))).collect::<Option<_>>()?;
            (any_of.is_empty() || any_of.iter().any(|c| loose_match(header, c).is_some())).then_some((*f, pairs))
        })
        .max_by_key(|(_, pairs)| pairs.len())?;
    let entries: Vec<String> = pairs.iter().map(|(theirs, ours)| format!("{theirs:?} = {ours:?}")).collect();
    Some(format!(
        "a CSV header like {name}'s under other column names: map them with --map FILE.toml holding [{name}] {} (`bonafide formats` lists each format's columns)",
        entries.join(", "),
        name = format.name()
    ))
}

/// Whether text opens as a Markdown document (a README): its first non-blank line is an
/// ATX heading, `#` to `######` then a space. A TOML, INI or Python file opening with a
/// `# comment` looks the same, so a file with a `key = value` or `[section]` line outside
/// code fences is not called Markdown (Cargo.lock, a config file).
fn is_markdown(body: &[u8]) -> bool {
    let mut lines = body.split(|&b| b == b'\n').map(<[u8]>::trim_ascii);
    let Some(line) = lines.find(|l| !l.is_empty()) else {
        return false;
    };
    let hashes = line.iter().take_while(|&&b| b == b'#').count();
    if !((1..=6).contains(&hashes) && line.get(hashes) == Some(&b' ')) {
        return false;
    }
    let mut fenced = false;
    for line in lines {
        if line.starts_with(b"```") || line.starts_with(b"~~~") {
            fenced = !fenced;
        } else if !fenced && !line.starts_with(b"    ") && is_assignment_or_section(line) {
            return false;
        }
    }
    true
}

/// `key = value` (a bare or dotted key) or `[section]` / `[[table]]`, as TOML and INI
/// write them; Markdown prose has neither outside code.
fn is_assignment_or_section(line: &[u8]) -> bool {
    if line.starts_with(b"[") && line.ends_with(b"]") && !line.contains(&b'(') && !line.contains(&b' ') {
        return true;
    }
    let Some(eq) = line.iter().position(|&b| b == b'=') else { return false };
    let key = line[..eq].trim_ascii();
    !key.is_empty() && key.iter().all(|&b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// Recognises `input` from its content.
pub fn recognise(input: &Input, map: &ColumnMap) -> std::io::Result<Recognition> {
    if input.size == 0 {
        return Ok(Recognition::unknown("empty file", Holds::Unknown));
    }
    if !input.gzip && ipformats::is_mmdb(&input.raw_tail(128 * 1024)?) {
        return Ok(Recognition::Format(Format::Ip(IpFormat::Mmdb)));
    }
    let sample = input.sample(SAMPLE_BYTES)?;
    Ok(recognise_sample(&sample, map))
}

/// Recognition on a content sample (for tests and for pushed data).
pub fn recognise_sample(sample: &[u8], map: &ColumnMap) -> Recognition {
    let body = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(sample);
    // Markdown is told apart after the record formats: lists may open with `# ` comments.
    if let Some(what) = binary_document_kind(body) {
        return Recognition::unknown(format!("{what}, which holds no records bonafide reads"), Holds::Document);
    }
    let first = body.iter().position(|c| !c.is_ascii_whitespace()).map(|i| body[i]);
    match first {
        None => return Recognition::unknown("no content", Holds::Unknown),
        Some(b'{') | Some(b'[') => {
            return match sniff_json(body) {
                Some(f) => Recognition::Format(f),
                None => Recognition::unknown("JSON without the keys of any known format", Holds::Unknown),
            };
        }
        Some(b'<') => {
            if has(body, "CONSOLIDATED_LIST") {
                return Recognition::Format(Format::Un);
            }
            if is_html(body) {
                return Recognition::unknown("an HTML page, not a format bonafide reads", Holds::Unknown);
            }
            return Recognition::unknown("XML that is not the UN consolidated list", Holds::Unknown);
        }
        _ => {}
    }
    if body.iter().take(4096).any(|&b| b == 0) {
        return Recognition::unknown("binary content", Holds::Unknown);
    }
    if let Some(f) = sniff_csv(body, map) {
        return Recognition::Format(f);
    }
    if let Some(f) = ipformats::sniff(body) {
        return Recognition::Format(Format::Ip(f));
    }
    // OFAC's headerless files: numeric id, then 12, 5, 6 or 2 fields (sdn, alt, add,
    // comments), `-0-` as null.
    if bonafide_intel::sanctions::ofac::sniff(body).is_some() {
        return Recognition::Format(Format::Ofac);
    }
    if is_markdown(body) {
        return Recognition::unknown("a Markdown document, which holds no records bonafide reads", Holds::Document);
    }
    if let Some(hint) = map_hint(body) {
        return Recognition::unknown(hint, Holds::RenamedColumns);
    }
    Recognition::unknown(
        "not a format bonafide knows (no known CSV header, JSON keys or list layout; `bonafide formats` lists what each \
         header needs, `--map` renames your columns, `--format NAME=PATH` forces a format)",
        Holds::Unknown,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &str) -> Recognition {
        recognise_sample(s.as_bytes(), &ColumnMap::default())
    }

    #[test]
    fn recognises_from_content() {
        assert_eq!(rec("subject_id,kind,full_name\nE1,employee,Jane\n"), Recognition::Format(Format::People));
        assert_eq!(rec("\u{feff}Subject_ID, Source ,Account\n"), Recognition::Format(Format::Accounts));
        assert_eq!(rec("{\"actor\":{},\"eventType\":\"x\",\"published\":\"t\"}\n"), Recognition::Format(Format::Okta));
        assert_eq!(
            rec("{\"value\": [{\"createdDateTime\": \"x\", \"userPrincipalName\": \"y\"}]}"),
            Recognition::Format(Format::Entra)
        );
        assert_eq!(rec("1.0.0.0,1.0.0.255,AU\n"), Recognition::Format(Format::Ip(IpFormat::LocationDbCountry)));
        assert_eq!(
            rec("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"),
            Recognition::Format(Format::Ofac)
        );
        assert_eq!(
            rec("subject_id,changed_at,method,account_number\nE1,2025-01-01,ach,1\n"),
            Recognition::Format(Format::PayrollChanges)
        );
        assert_eq!(rec("subject_id,at,round,flags\n"), Recognition::Format(Format::Interviews));
        assert_eq!(rec("subject_id,name,email,company\n"), Recognition::Format(Format::References));
        // The contract's required columns are enough (round and company are optional).
        assert_eq!(rec("subject_id,at,medium,video_seconds,flags\n"), Recognition::Format(Format::Interviews));
        assert_eq!(rec("subject_id,at\n"), Recognition::Format(Format::Interviews));
        assert_eq!(rec("subject_id,name,email,verified\n"), Recognition::Format(Format::References));
        // ... but a subject_id alone does not make a references file: a people export
        // calling its name column `name` is not one.
        assert!(matches!(rec("subject_id,name,email,phone\n"), Recognition::Unknown(_)));
        assert_eq!(rec("subject_id,full_name,company\n"), Recognition::Format(Format::People));
        assert!(matches!(rec("# just some notes\nhello\n"), Recognition::Unknown(_)));
        assert_eq!(
            rec("subject_id,shipped_at,shipment_id,asset_serial,address_line1,signed_by\n"),
            Recognition::Format(Format::Shipments),
            "a shipments file with asset_serial is not a devices file"
        );
        assert_eq!(rec("asset_serial,subject_id,hostname,managed\n"), Recognition::Format(Format::Devices));
        assert!(matches!(rec("{\"hello\": 1}"), Recognition::Unknown(_)));
        assert!(matches!(rec(""), Recognition::Unknown(_)));
    }

    #[test]
    fn recognises_semicolon_and_tab_separated_record_files() {
        assert_eq!(
            rec("\u{feff}subject_id;kind;full_name\r\nE1;employee;Jane\r\n"),
            Recognition::Format(Format::People)
        );
        assert_eq!(rec("subject_id\tsource\taccount\nE1\tokta\tjane\n"), Recognition::Format(Format::Accounts));
        assert_eq!(rec("account;at;ip;result\n"), Recognition::Format(Format::Signins));
        // A comma file whose values hold semicolons stays what its header says.
        assert_eq!(rec("subject_id,full_name,aliases\nE1,Jane,J;Janey\n"), Recognition::Format(Format::People));
        // Separators do not make an unknown header known.
        assert!(matches!(rec("a;b;c\n1;2;3\n"), Recognition::Unknown(_)));
    }

    #[test]
    fn documents_are_told_apart_from_unknown_records() {
        let holds = |bytes: &[u8]| match recognise_sample(bytes, &ColumnMap::default()) {
            Recognition::Unknown(u) => Some(u.holds),
            Recognition::Format(_) => None,
        };
        let doc = |bytes: &[u8]| holds(bytes) == Some(Holds::Document);
        assert!(doc(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(doc(b"\xff\xd8\xff\xe0\0\x10JFIF"));
        assert!(doc(b"%PDF-1.7\n"));
        assert!(doc(b"\n# Example: Northwind\n\nSynthetic data, written by ...\n"));
        assert!(doc(b"## Notes\n"));
        assert!(matches!(rec("# Notes\n"), Recognition::Unknown(u) if u.why.contains("Markdown")));
        // A README with TOML in a code block is still Markdown; TOML with a comment is not.
        assert!(doc(b"# Setup\n\nPut this in bonafide.toml:\n\n```toml\n[people]\nsubject_id = \"Emp No\"\n```\n"));
        for text in [
            "# This file is automatically @generated by Cargo.\nversion = 4\n\n[[package]]\nname = \"x\"\n",
            "# bonafide settings\n[detect.f1]\nmin_confidence = 0.5\n",
            "# a script\nimport sys\nx = 1\n",
        ] {
            assert!(
                matches!(rec(text), Recognition::Unknown(u) if !u.why.contains("Markdown"))
                    && holds(text.as_bytes()) == Some(Holds::Unknown),
                "{text:?}"
            );
        }
        // Not documents: these may hold records bonafide cannot read yet.
        for text in ["#hashtag,count\n", "PK\u{3}\u{4}\u{14}\0\u{6}\0", "a;b;c\n1;2;3\n", "meeting notes, nothing\n"] {
            assert!(holds(text.as_bytes()) == Some(Holds::Unknown), "{text:?}");
        }
    }

    #[test]
    fn a_known_header_under_other_names_suggests_a_map_and_html_is_not_called_xml() {
        for header in ["Subject ID,Full Name,Email\n", "EmployeeID,Name,Dept\n", "employee_id;legal_name\n"] {
            let Recognition::Unknown(Unread { why, .. }) = rec(header) else { panic!("{header}") };
            assert!(why.contains("--map") && why.contains("[people]"), "{header}: {why}");
        }
        let Recognition::Unknown(Unread { why, .. }) = rec("Subject ID,Full Name\n") else { panic!() };
        assert!(
            why.contains("\"subject id\" = \"subject_id\"") && why.contains("\"full name\" = \"full_name\""),
            "{why}"
        );
        let Recognition::Unknown(Unread { why, .. }) = rec("User Name,Timestamp,IP Address\n") else { panic!() };
        assert!(why.contains("[signins]"), "{why}");
        // Renamed columns are told apart from everything else unknown.
        let holds = |s: &str| match rec(s) {
            Recognition::Unknown(u) => Some(u.holds),
            Recognition::Format(_) => None,
        };
        assert_eq!(holds("\u{feff}Subject ID;Full Name\r\n"), Some(Holds::RenamedColumns));
        assert_eq!(holds("colour,shape\nred,round\n"), Some(Holds::Unknown));
        assert_eq!(holds("fn main() {}\n"), Some(Holds::Unknown));
        assert_eq!(holds("{\"name\": \"pkg\", \"version\": \"1.0.0\"}"), Some(Holds::Unknown));
        // Nothing like a known format: no map is suggested.
        let Recognition::Unknown(Unread { why, .. }) = rec("colour,shape\nred,round\n") else { panic!() };
        assert!(!why.contains("[people]"), "{why}");
        for page in ["<!DOCTYPE html>\n<html><body>report</body></html>", "<html lang=\"en\"><head></head></html>"] {
            let Recognition::Unknown(Unread { why, .. }) = rec(page) else { panic!("{page}") };
            assert!(why.contains("HTML") && !why.contains("UN consolidated"), "{why}");
        }
        assert!(matches!(rec("<?xml version=\"1.0\"?><a/>"), Recognition::Unknown(u) if u.why.contains("XML")));
    }

    #[test]
    fn recognises_every_real_sign_in_sample() {
        let Some(dir) = bonafide_core::testdata::shared("signin") else { return };
        for (file, want) in [
            ("okta/systemlog_100.ndjson", Format::Okta),
            ("okta/doc_sample_event.json", Format::Okta),
            ("entra/graph_signins.json", Format::Entra),
            ("github/user_security_log.json", Format::Github),
        ] {
            let input = Input::new(&dir.join(file), file).unwrap();
            assert_eq!(recognise(&input, &ColumnMap::default()).unwrap(), Recognition::Format(want), "{file}");
        }
    }

    #[test]
    fn recognises_the_other_sign_in_shapes() {
        assert_eq!(
            rec(
                "{\"records\": [{\"time\": \"t\", \"category\": \"NonInteractiveUserSignInLogs\", \"properties\": {}}]}"
            ),
            Recognition::Format(Format::Entra)
        );
        assert_eq!(
            rec("{\"value\": [{\"createdDateTime\": \"t\", \"servicePrincipalName\": \"sync\"}]}"),
            Recognition::Format(Format::Entra)
        );
        assert_eq!(rec("{\"kind\": \"admin#reports#activities\", \"items\": []}"), Recognition::Format(Format::Gws));
        assert_eq!(
            rec("{\"id\": {\"time\": \"t\", \"applicationName\": \"login\"}, \"actor\": {}, \"events\": []}\n"),
            Recognition::Format(Format::Gws)
        );
        assert_eq!(
            rec("[{\"@timestamp\": 1, \"action\": \"git.clone\", \"actor\": \"a\"}]"),
            Recognition::Format(Format::Github)
        );
        assert_eq!(rec("account,at,ip,result\n"), Recognition::Format(Format::Signins));
        assert_eq!(rec("account,at,kind,source\n"), Recognition::Format(Format::Activity));
        assert_eq!(rec("account,at\n"), Recognition::Format(Format::Activity), "kind is optional");
        for f in [Format::Entra, Format::Gws, Format::Github, Format::Signins, Format::Activity] {
            assert!(f.supported(), "{f:?}");
        }
    }

    #[test]
    fn the_column_map_takes_part() {
        let map =
            ColumnMap::parse("[people]\n\"Employee ID\" = \"subject_id\"\n\"Legal Name\" = \"full_name\"\n").unwrap();
        assert_eq!(recognise_sample(b"Employee ID,Legal Name\n", &map), Recognition::Format(Format::People));
        assert!(matches!(
            recognise_sample(b"Employee ID,Legal Name\n", &ColumnMap::default()),
            Recognition::Unknown(_)
        ));
    }

    #[test]
    fn names_round_trip() {
        for f in Format::all() {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }

    /// FollowTheMoney is one entity per line; an OpenAPI or JSON Schema document has the
    /// same three keys and is not one.
    #[test]
    fn ftm_is_recognised_by_its_first_line_not_by_its_keys() {
        let entity = r#"{"id": "NK-1", "schema": "Person", "properties": {"name": ["Kim Il"]}}"#;
        assert!(matches!(rec(&format!("{entity}\n{entity}\n")), Recognition::Format(Format::Ftm)));
        assert!(matches!(rec(&format!("{entity}\r\n")), Recognition::Format(Format::Ftm)));
        assert!(matches!(rec(entity), Recognition::Format(Format::Ftm)), "a file of one entity, no newline");
        let openapi = "{\n \"openapi\": \"3.0.3\",\n \"components\": {\"schemas\": {\"X\": {\"schema\": 1, \"properties\": {\"id\": {}}}}}\n}\n";
        assert!(matches!(rec(openapi), Recognition::Unknown(_)));
        let schema = r#"{"id": "x", "schema": {"type": "object"}, "properties": {"id": {}}}"#;
        assert!(matches!(rec(schema), Recognition::Unknown(_)), "one line, but `schema` is no schema name");
        // A first line longer than the sample is judged by its keys.
        let long = format!(
            r#"{{"id": "NK-2", "schema": "Person", "properties": {{"alias": [{}]}}}}"#,
            vec!["\"Kim\""; SAMPLE_BYTES / 4].join(", ")
        );
        assert!(matches!(
            recognise_sample(&long.as_bytes()[..SAMPLE_BYTES], &ColumnMap::default()),
            Recognition::Format(Format::Ftm)
        ));
    }
}

//! Endpoint signatures: what to look for in inventory rows, as data.
//!
//! The built-in set is `data/signatures.toml` (see its header for the format), embedded
//! in the binary; users add or replace signatures with files of the same format. Loading
//! compiles every pattern once: exact names go into a hash map, the rest into small
//! pattern lists split by shape (prefix, suffix, contains), so matching a row costs a
//! handful of hash lookups and substring searches, not a regex engine. Values are folded
//! the way each source writes them (case, `.exe`, backslashes, udev's underscores).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use bonafide_core::EndpointRow;
use serde::Deserialize;

const BUILTIN: &str = include_str!("../../data/signatures.toml");

/// What a signature's match means, and which indicator it raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    RemoteAccess,
    IpKvm,
    KeepAwake,
    Vpn,
    Impersonation,
}

impl Category {
    pub fn indicator(self) -> &'static str {
        match self {
            Category::RemoteAccess => "E1",
            Category::IpKvm => "E2",
            Category::KeepAwake => "E3",
            Category::Vpn => "E4",
            Category::Impersonation => "E5",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::RemoteAccess => "remote_access",
            Category::IpKvm => "ip_kvm",
            Category::KeepAwake => "keep_awake",
            Category::Vpn => "vpn",
            Category::Impersonation => "impersonation",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        [Category::RemoteAccess, Category::IpKvm, Category::KeepAwake, Category::Vpn, Category::Impersonation]
            .into_iter()
            .find(|c| c.as_str() == s.trim())
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsbDef {
    vendor_id: Option<String>,
    model_id: Option<String>,
    vendor: Option<String>,
    model: Option<String>,
    serial: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplayDef {
    vendor: Option<String>,
    #[serde(default)]
    products: Vec<String>,
    name: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureDef {
    id: String,
    name: String,
    category: Category,
    family: Option<String>,
    #[serde(default)]
    weak: bool,
    bits: Option<f64>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    bundle_ids: Vec<String>,
    #[serde(default)]
    publishers: Vec<String>,
    #[serde(default)]
    extensions: Vec<String>,
    #[serde(default)]
    usb: Vec<UsbDef>,
    #[serde(default)]
    displays: Vec<DisplayDef>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortDef {
    name: String,
    ports: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    #[serde(default)]
    signature: Vec<SignatureDef>,
    #[serde(default)]
    port: Vec<PortDef>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("cannot read the signature file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the signature file {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

/// A case-insensitive pattern with `*` wildcards, compiled by shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    /// Literal pieces between wildcards; `anchored` says the first must start the
    /// value and the last must end it.
    Pieces {
        pieces: Vec<String>,
        start: bool,
        end: bool,
    },
}

impl Pattern {
    pub fn new(p: &str) -> Option<Pattern> {
        let p = p.trim().to_lowercase();
        if p.is_empty() || p.chars().all(|c| c == '*') {
            return None;
        }
        let start = !p.starts_with('*');
        let end = !p.ends_with('*');
        let pieces: Vec<String> = p.split('*').filter(|s| !s.is_empty()).map(str::to_string).collect();
        Some(match (pieces.len(), start, end) {
            (1, true, true) => Pattern::Exact(pieces[0].clone()),
            (1, true, false) => Pattern::Prefix(pieces[0].clone()),
            (1, false, true) => Pattern::Suffix(pieces[0].clone()),
            (1, false, false) => Pattern::Contains(pieces[0].clone()),
            _ => Pattern::Pieces { pieces, start, end },
        })
    }

    /// Matches a value already folded to lower case.
    pub fn matches(&self, v: &str) -> bool {
        match self {
            Pattern::Exact(s) => v == s,
            Pattern::Prefix(s) => v.starts_with(s.as_str()),
            Pattern::Suffix(s) => v.ends_with(s.as_str()),
            Pattern::Contains(s) => v.contains(s.as_str()),
            Pattern::Pieces { pieces, start, end } => {
                let mut rest = v;
                let last = pieces.len() - 1;
                for (i, piece) in pieces.iter().enumerate() {
                    if i == 0 && *start {
                        match rest.strip_prefix(piece.as_str()) {
                            Some(r) => rest = r,
                            None => return false,
                        }
                    } else if i == last && *end {
                        return rest.len() >= piece.len() && rest.ends_with(piece.as_str());
                    } else {
                        match rest.find(piece.as_str()) {
                            Some(at) => rest = &rest[at + piece.len()..],
                            None => return false,
                        }
                    }
                }
                true
            }
        }
    }
}

/// The patterns of one field, indexed by a literal piece each must contain: one
/// Aho-Corasick pass over a value finds the few patterns worth checking, and a value
/// that contains none of the pieces (nearly all of them) is never even folded.
#[derive(Debug, Default)]
struct PatternSet {
    patterns: Vec<(Pattern, u16)>,
    automaton: Option<AhoCorasick>,
    /// Patterns by the needle the automaton reports.
    by_needle: Vec<Vec<usize>>,
    /// Patterns without an ASCII piece to index (checked on every value).
    always: Vec<usize>,
}

impl Pattern {
    /// The longest ASCII run of the pattern's literal text that holds no separator: a
    /// value matching the pattern contains it, whatever its case and separators.
    fn needle(&self) -> Option<&str> {
        let pieces: Vec<&str> = match self {
            Pattern::Exact(s) | Pattern::Prefix(s) | Pattern::Suffix(s) | Pattern::Contains(s) => vec![s.as_str()],
            Pattern::Pieces { pieces, .. } => pieces.iter().map(String::as_str).collect(),
        };
        pieces
            .into_iter()
            .flat_map(|p| p.split(['/', '\\']))
            .filter(|p| !p.is_empty() && p.is_ascii())
            .max_by_key(|p| p.len())
    }
}

impl PatternSet {
    fn add(&mut self, p: Pattern, sig: u16) {
        self.patterns.push((p, sig));
    }

    fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Builds the index once all patterns are in.
    fn seal(&mut self) -> Result<(), String> {
        let mut needles: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        self.by_needle.clear();
        self.always.clear();
        for (i, (p, _)) in self.patterns.iter().enumerate() {
            match p.needle() {
                Some(n) => {
                    let id = *index.entry(n.to_string()).or_insert_with(|| {
                        needles.push(n.to_string());
                        needles.len() - 1
                    });
                    if self.by_needle.len() <= id {
                        self.by_needle.resize_with(id + 1, Vec::new);
                    }
                    self.by_needle[id].push(i);
                }
                None => self.always.push(i),
            }
        }
        self.automaton = if needles.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&needles)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(())
    }

    /// Calls `f` with every signature whose pattern matches `raw`, folded by `fold`.
    fn each(&self, raw: &str, fold: fn(&str) -> String, f: &mut dyn FnMut(u16)) {
        let mut folded: Option<String> = None;
        let mut check = |i: usize, folded: &mut Option<String>| {
            let (p, sig) = &self.patterns[i];
            if p.matches(folded.get_or_insert_with(|| fold(raw))) {
                f(*sig);
            }
        };
        if let Some(ac) = &self.automaton {
            let mut done: Vec<usize> = Vec::new();
            for m in ac.find_overlapping_iter(raw) {
                let id = m.pattern().as_usize();
                if done.contains(&id) {
                    continue;
                }
                done.push(id);
                for &i in &self.by_needle[id] {
                    check(i, &mut folded);
                }
            }
        }
        for &i in &self.always {
            check(i, &mut folded);
        }
    }
}

#[derive(Clone, Debug, Default)]
struct UsbMatch {
    vendor_id: Option<String>,
    model_id: Option<String>,
    vendor: Option<Pattern>,
    model: Option<Pattern>,
    serial: Option<Pattern>,
}

#[derive(Clone, Debug, Default)]
struct DisplayMatch {
    /// Accepted spellings of the EDID manufacturer: `lnx` and `31d8`.
    vendor: Vec<String>,
    products: Vec<(u32, u32)>,
    name: Option<Pattern>,
}

/// One signature, as findings name it.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub family: String,
    pub weak: bool,
    pub bits: Option<f64>,
}

/// A listening-port rule (D7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortRule {
    pub name: String,
    pub ranges: Vec<(u16, u16)>,
}

/// The compiled signature set.
#[derive(Debug, Default)]
pub struct Signatures {
    pub list: Vec<Signature>,
    pub ports: Vec<PortRule>,
    names: PatternSet,
    paths: PatternSet,
    bundles: PatternSet,
    publishers: PatternSet,
    extensions: PatternSet,
    usb: Vec<(UsbMatch, u16)>,
    displays: Vec<(DisplayMatch, u16)>,
}

/// What matched, for evidence: the column and the value as the row gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub signature: u16,
    pub column: Arc<str>,
    pub value: String,
}

/// The 16-bit form of a three-letter EDID manufacturer id (`LNX` → `31d8`).
pub fn pnp_hex(code: &str) -> Option<String> {
    let b = code.trim().as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let v = b.iter().fold(0u16, |acc, c| (acc << 5) | u16::from(c.to_ascii_uppercase() - b'A' + 1));
    Some(format!("{v:04x}"))
}

/// A hex id as USB and EDID tables write it (`0x1D6B`, `1d6b`, `610`) → `1d6b`, `0610`.
pub fn hex_id(v: &str) -> String {
    let v = v.trim().to_ascii_lowercase();
    let v = v.strip_prefix("0x").unwrap_or(&v);
    if !v.is_empty() && v.len() < 4 && v.bytes().all(|c| c.is_ascii_hexdigit()) {
        format!("{v:0>4}")
    } else {
        v.to_string()
    }
}

/// A name as compared: lower case, without `.exe`/`.app`.
pub fn fold_name(v: &str) -> String {
    let v = v.trim().to_lowercase();
    for ext in [".exe", ".app"] {
        if let Some(s) = v.strip_suffix(ext) {
            return s.to_string();
        }
    }
    v
}

/// Other text as compared: trimmed, lower case.
pub fn fold_lower(v: &str) -> String {
    v.trim().to_lowercase()
}

/// A path as compared: lower case with `/` separators.
pub fn fold_path(v: &str) -> String {
    v.trim().to_lowercase().replace('\\', "/")
}

/// USB descriptor text as compared: lower case, udev's `_` as spaces.
pub fn fold_text(v: &str) -> String {
    v.trim().to_lowercase().replace('_', " ")
}

/// The executable of a command line: the quoted first token, else the first word.
pub fn argv0(cmdline: &str) -> &str {
    let c = cmdline.trim_start();
    if let Some(rest) = c.strip_prefix('"') {
        return rest.split('"').next().unwrap_or(rest);
    }
    c.split(' ').next().unwrap_or(c)
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn parse_range(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let p = |x: &str| u32::from_str_radix(x.trim().trim_start_matches("0x"), 16).ok();
    let (a, b) = (p(a)?, p(b)?);
    (a <= b).then_some((a, b))
}

fn parse_port_range(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && a > 0).then_some((a, b))
}

/// Columns whose values are names of a program, process or app.
const NAME_COLUMNS: &[&str] = &["name", "display_name", "bundle_name", "bundle_executable"];
/// Columns whose values are paths (a command line counts: its executable).
const PATH_COLUMNS: &[&str] = &["path", "install_location", "uninstall_string", "cmdline", "source"];
const PUBLISHER_COLUMNS: &[&str] = &["publisher", "maintainer", "vendor"];
const EXTENSION_COLUMNS: &[&str] = &["identifier", "referenced_identifier"];

/// What an inventory table says, for matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Installed software, running processes, extensions, or a table not recognised.
    Software,
    Usb,
    Display,
    Port,
    /// System facts (OS version, interfaces, logins): nothing to match.
    System,
}

pub fn row_kind(row: &EndpointRow) -> RowKind {
    match row.table.as_ref() {
        "usb_devices" => RowKind::Usb,
        "connected_displays" => RowKind::Display,
        "listening_ports" => RowKind::Port,
        "system_info" | "os_version" | "interface_addresses" | "logged_in_users" => RowKind::System,
        "" if row.get("vendor_id").is_some() && row.get("model_id").is_some() => RowKind::Usb,
        "" if row.get("port").is_some() && row.get("address").is_some() => RowKind::Port,
        _ => RowKind::Software,
    }
}

impl Signatures {
    /// The built-in set.
    pub fn builtin() -> &'static Signatures {
        static S: OnceLock<Signatures> = OnceLock::new();
        // Checked by a unit test; a failure is a build defect.
        S.get_or_init(|| Signatures::load(&[]).expect("embedded signatures.toml is valid"))
    }

    /// The built-in set extended (and overridden, by id) by the user's files.
    pub fn load(files: &[PathBuf]) -> Result<Signatures, SignatureError> {
        let mut sigs = parse("built-in signatures", BUILTIN)?;
        for path in files {
            let text = std::fs::read_to_string(path)
                .map_err(|source| SignatureError::Read { path: path.display().to_string(), source })?;
            let shown = path.display().to_string();
            let extra = parse(&shown, &text)?;
            // Checked on its own first, so that a mistake names its file.
            compile(extra.clone()).map_err(|message| SignatureError::Invalid { path: shown.clone(), message })?;
            for s in extra.signature {
                match sigs.signature.iter_mut().find(|x| x.id == s.id) {
                    Some(existing) => *existing = s,
                    None => sigs.signature.push(s),
                }
            }
            sigs.port.extend(extra.port);
        }
        compile(sigs).map_err(|message| SignatureError::Invalid {
            path: "the built-in and configured signatures".into(),
            message,
        })
    }

    /// Checks the user's files without keeping them.
    pub fn check(files: &[PathBuf]) -> Result<(), SignatureError> {
        Signatures::load(files).map(|_| ())
    }

    pub fn get(&self, i: u16) -> &Signature {
        &self.list[i as usize]
    }

    /// Every signature that matches a software, USB or display row.
    pub fn match_row(&self, row: &EndpointRow, kind: RowKind, out: &mut Vec<Hit>) {
        // One hit per signature; a path says more than a name, so it wins as evidence.
        let rank = |c: &str| u8::from(PATH_COLUMNS.contains(&c));
        let mut push = |sig: u16, column: &Arc<str>, value: &str| match out.iter_mut().find(|h| h.signature == sig) {
            Some(h) if rank(&h.column) < rank(column) => {
                h.column = column.clone();
                h.value = value.to_string();
            }
            Some(_) => {}
            None => out.push(Hit { signature: sig, column: column.clone(), value: value.to_string() }),
        };
        match kind {
            RowKind::Software => {
                for (k, v) in &row.columns {
                    if v.is_empty() {
                        continue;
                    }
                    let key = k.as_ref();
                    if NAME_COLUMNS.contains(&key) && !self.names.is_empty() {
                        self.names.each(v, fold_name, &mut |s| push(s, k, v));
                    }
                    if PATH_COLUMNS.contains(&key) {
                        let shown = if key == "cmdline" { argv0(v) } else { v.as_str() };
                        self.paths.each(v, fold_path, &mut |s| push(s, k, shown));
                        if key == "path" || key == "cmdline" {
                            let exe = if key == "cmdline" { argv0(v) } else { v.as_str() };
                            self.names.each(basename(exe), fold_name, &mut |s| push(s, k, shown));
                        }
                    }
                    if key == "bundle_identifier" {
                        self.bundles.each(v, fold_lower, &mut |s| push(s, k, v));
                    }
                    if PUBLISHER_COLUMNS.contains(&key) {
                        self.publishers.each(v, fold_lower, &mut |s| push(s, k, v));
                    }
                    if EXTENSION_COLUMNS.contains(&key) {
                        self.extensions.each(v, fold_lower, &mut |s| push(s, k, v));
                    }
                }
            }
            RowKind::Usb => {
                let vid = row.get("vendor_id").map(hex_id);
                let pid = row.get("model_id").map(hex_id);
                let vendor = row.get("vendor").map(fold_text);
                let model = row.get("model").map(fold_text);
                let serial = row.get("serial").map(fold_text);
                for (m, sig) in &self.usb {
                    let id_ok = |want: &Option<String>, got: &Option<String>| {
                        want.as_ref().is_none_or(|w| got.as_deref() == Some(w.as_str()))
                    };
                    let text_ok = |want: &Option<Pattern>, got: &Option<String>| {
                        want.as_ref().is_none_or(|w| got.as_deref().is_some_and(|g| w.matches(g)))
                    };
                    if id_ok(&m.vendor_id, &vid)
                        && id_ok(&m.model_id, &pid)
                        && text_ok(&m.vendor, &vendor)
                        && text_ok(&m.model, &model)
                        && text_ok(&m.serial, &serial)
                    {
                        let shown = usb_label(row);
                        if !out.iter().any(|h| h.signature == *sig) {
                            out.push(Hit { signature: *sig, column: Arc::from("usb"), value: shown });
                        }
                    }
                }
            }
            RowKind::Display => {
                let vendor = row.get("vendor_id").map(|v| {
                    let v = v.trim().to_ascii_lowercase();
                    if v.len() == 3 && v.bytes().all(|c| c.is_ascii_alphabetic()) { v } else { hex_id(&v) }
                });
                let product = row.get("product_id").map(hex_id);
                let name = row.get("name").map(fold_text);
                for (m, sig) in &self.displays {
                    let vendor_ok = m.vendor.is_empty() || vendor.as_ref().is_some_and(|v| m.vendor.contains(v));
                    let product_ok = m.products.is_empty()
                        || product
                            .as_deref()
                            .and_then(|p| u32::from_str_radix(p, 16).ok())
                            .is_some_and(|p| m.products.iter().any(|(lo, hi)| (*lo..=*hi).contains(&p)));
                    let name_ok = m.name.as_ref().is_none_or(|n| name.as_deref().is_some_and(|v| n.matches(v)));
                    if vendor_ok && product_ok && name_ok && !out.iter().any(|h| h.signature == *sig) {
                        let shown = format!(
                            "display {} vendor {} product {}",
                            row.get("name").unwrap_or("?"),
                            row.get("vendor_id").unwrap_or("?"),
                            row.get("product_id").unwrap_or("?")
                        );
                        out.push(Hit { signature: *sig, column: Arc::from("edid"), value: shown });
                    }
                }
            }
            RowKind::Port | RowKind::System => {}
        }
    }

    /// The port rule a listening port falls under.
    pub fn port_rule(&self, port: u16) -> Option<usize> {
        self.ports.iter().position(|r| r.ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&port)))
    }
}

/// `1d6b:0104 'PiKVM Composite Device' (PiKVM) serial CAFEBABE`.
pub fn usb_label(row: &EndpointRow) -> String {
    let mut s = format!(
        "{}:{}",
        row.get("vendor_id").map(hex_id).unwrap_or_else(|| "?".into()),
        row.get("model_id").map(hex_id).unwrap_or_else(|| "?".into())
    );
    if let Some(m) = row.get("model").filter(|m| !m.is_empty()) {
        s.push_str(&format!(" '{}'", m.replace('_', " ")));
    }
    if let Some(v) = row.get("vendor").filter(|v| !v.is_empty()) {
        s.push_str(&format!(" ({})", v.replace('_', " ")));
    }
    if let Some(serial) = row.get("serial").filter(|v| !v.is_empty()) {
        s.push_str(&format!(" serial {serial}"));
    }
    s
}

fn parse(path: &str, text: &str) -> Result<SignatureFile, SignatureError> {
    toml::from_str(text).map_err(|e| SignatureError::Invalid { path: path.to_string(), message: e.to_string() })
}

fn compile(file: SignatureFile) -> Result<Signatures, String> {
    let mut s = Signatures::default();
    if file.signature.len() >= u16::MAX as usize {
        return Err("too many signatures".into());
    }
    let mut seen = std::collections::HashSet::new();
    for def in file.signature {
        let id = def.id.trim().to_string();
        if id.is_empty() || !seen.insert(id.clone()) {
            return Err(format!("signature id {:?} is empty or repeated", def.id));
        }
        let idx = s.list.len() as u16;
        let bad = |what: &str| format!("signature {id}: {what}");
        let pat = |p: &str| Pattern::new(p).ok_or_else(|| bad(&format!("pattern {p:?} matches everything or nothing")));
        let mut any = false;
        for p in &def.names {
            s.names.add(pat(&fold_name(p))?, idx);
            any = true;
        }
        for p in &def.paths {
            s.paths.add(pat(&fold_path(p))?, idx);
            any = true;
        }
        for p in &def.bundle_ids {
            s.bundles.add(pat(p)?, idx);
            any = true;
        }
        for p in &def.publishers {
            s.publishers.add(pat(p)?, idx);
            any = true;
        }
        for p in &def.extensions {
            s.extensions.add(pat(p)?, idx);
            any = true;
        }
        for u in &def.usb {
            let m = UsbMatch {
                vendor_id: u.vendor_id.as_deref().map(hex_id),
                model_id: u.model_id.as_deref().map(hex_id),
                vendor: u.vendor.as_deref().map(|p| pat(&fold_text(p))).transpose()?,
                model: u.model.as_deref().map(|p| pat(&fold_text(p))).transpose()?,
                serial: u.serial.as_deref().map(|p| pat(&fold_text(p))).transpose()?,
            };
            if m.vendor_id.is_none()
                && m.model_id.is_none()
                && m.vendor.is_none()
                && m.model.is_none()
                && m.serial.is_none()
            {
                return Err(bad("a usb entry has no field"));
            }
            s.usb.push((m, idx));
            any = true;
        }
        for d in &def.displays {
            let mut vendor = Vec::new();
            if let Some(v) = &d.vendor {
                vendor.push(v.trim().to_ascii_lowercase());
                match pnp_hex(v) {
                    Some(h) => vendor.push(h),
                    None => vendor.push(hex_id(v)),
                }
            }
            let products = d
                .products
                .iter()
                .map(|p| parse_range(p).ok_or_else(|| bad(&format!("product {p:?} is not a hex id or range"))))
                .collect::<Result<Vec<_>, _>>()?;
            let name = d.name.as_deref().map(|p| pat(&fold_text(p))).transpose()?;
            if vendor.is_empty() && products.is_empty() && name.is_none() {
                return Err(bad("a display entry has no field"));
            }
            s.displays.push((DisplayMatch { vendor, products, name }, idx));
            any = true;
        }
        if !any {
            return Err(bad("no names, paths, bundle ids, publishers, extensions, usb or displays"));
        }
        if def.bits.is_some_and(|b| !b.is_finite() || b < 0.0) {
            return Err(bad("bits must be a non-negative number"));
        }
        s.list.push(Signature {
            family: def.family.map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).unwrap_or_else(|| id.clone()),
            id,
            name: def.name,
            category: def.category,
            weak: def.weak,
            bits: def.bits,
        });
    }
    for p in file.port {
        let ranges = p
            .ports
            .iter()
            .map(|r| parse_port_range(r).ok_or_else(|| format!("port rule {}: {r:?} is not a port or range", p.name)))
            .collect::<Result<Vec<_>, _>>()?;
        if ranges.is_empty() {
            return Err(format!("port rule {} has no ports", p.name));
        }
        s.ports.push(PortRule { name: p.name, ranges });
    }
    for set in [&mut s.names, &mut s.paths, &mut s.bundles, &mut s.publishers, &mut s.extensions] {
        set.seal()?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bonafide_core::RowAction;
    use proptest::prelude::*;

    fn row(table: &str, cols: &[(&str, &str)]) -> EndpointRow {
        EndpointRow {
            host: Arc::from("h"),
            table: Arc::from(table),
            action: RowAction::Added,
            columns: cols.iter().map(|(k, v)| (Arc::from(*k), v.to_string())).collect(),
            counter: None,
        }
    }

    fn ids(r: &EndpointRow) -> Vec<String> {
        let s = Signatures::builtin();
        let mut out = Vec::new();
        s.match_row(r, row_kind(r), &mut out);
        out.iter().map(|h| s.get(h.signature).id.clone()).collect()
    }

    #[test]
    fn the_builtin_set_compiles() {
        let s = Signatures::builtin();
        assert!(s.list.len() > 30);
        assert!(s.ports.iter().any(|p| p.name == "RDP"));
        assert_eq!(s.port_rule(5901).map(|i| s.ports[i].name.as_str()), Some("VNC"));
        assert_eq!(s.port_rule(443), None);
    }

    #[test]
    fn patterns() {
        let p = |s: &str| Pattern::new(s).unwrap();
        assert!(p("anydesk").matches("anydesk") && !p("anydesk").matches("anydesk2"));
        assert!(p("teamviewer*").matches("teamviewer 15"));
        assert!(p("*/anydesk/*").matches("c:/program files (x86)/anydesk/anydesk.exe"));
        assert!(p("tigervnc*server*").matches("tigervnc-standalone-server"));
        assert!(!p("tigervnc*server*").matches("tigervnc-viewer"));
        assert!(p("a*b*c").matches("axxbyyc") && !p("a*b*c").matches("axxbyy"));
        assert!(!p("ab*ba").matches("aba"), "pieces may not overlap");
        assert!(Pattern::new("**").is_none() && Pattern::new(" ").is_none());
    }

    #[test]
    fn software_in_every_shape() {
        assert_eq!(ids(&row("programs", &[("name", "AnyDesk"), ("publisher", "AnyDesk Software GmbH")])), ["anydesk"]);
        assert_eq!(
            ids(&row("programs", &[("name", "TeamViewer 15"), ("install_location", "C:\\Program Files\\TeamViewer")])),
            ["teamviewer"]
        );
        assert_eq!(
            ids(&row("apps", &[("name", "TeamViewer.app"), ("bundle_identifier", "com.teamviewer.TeamViewer")])),
            ["teamviewer"]
        );
        assert_eq!(ids(&row("processes", &[("name", "asovpnc"), ("path", "/usr/local/Astrill/asovpnc")])), ["astrill"]);
        assert_eq!(
            ids(&row(
                "processes",
                &[("pid", "1"), ("cmdline", "\"C:\\Program Files\\RustDesk\\rustdesk.exe\" --service")]
            )),
            ["rustdesk"]
        );
        assert_eq!(
            ids(&row("chrome_extensions", &[("identifier", "inomeogfingihgjfjlpeplalcfajhgai")])),
            ["chrome_remote_desktop"]
        );
        assert_eq!(ids(&row("deb_packages", &[("name", "chrome-remote-desktop")])), ["chrome_remote_desktop"]);
        assert_eq!(ids(&row("", &[("name", "Voicemod"), ("version", "2.4")])), ["voice_changer"]);
        assert_eq!(
            ids(&row("programs", &[("name", "Microsoft Edge"), ("publisher", "Microsoft Corporation")])),
            Vec::<String>::new()
        );
        assert_eq!(ids(&row("programs", &[("name", "Slack")])), Vec::<String>::new());
        // A VNC viewer is not a VNC server.
        assert_eq!(ids(&row("programs", &[("name", "TigerVNC Viewer")])), Vec::<String>::new());
        // System tables are not matched, whatever they say.
        assert_eq!(ids(&row("os_version", &[("name", "AnyDesk OS")])), Vec::<String>::new());
    }

    #[test]
    fn usb_and_edid() {
        let pikvm = row(
            "usb_devices",
            &[
                ("vendor_id", "1d6b"),
                ("model_id", "0104"),
                ("vendor", "PiKVM"),
                ("model", "PiKVM_Composite_Device"),
                ("serial", "CAFEBABE"),
            ],
        );
        assert_eq!(ids(&pikvm), ["pikvm", "linux_usb_gadget"]);
        let pi = row(
            "usb_devices",
            &[
                ("vendor_id", "0x1D6B"),
                ("model_id", "0x0104"),
                ("vendor", "Linux Foundation"),
                ("model", "Multifunction Composite Gadget"),
            ],
        );
        assert_eq!(ids(&pi), ["linux_usb_gadget"], "a bare gadget is only the weak signature");
        let tiny = row(
            "usb_devices",
            &[
                ("vendor_id", "1d6b"),
                ("model_id", "0104"),
                ("vendor", "tinypilot"),
                ("model", "Multifunction USB Device"),
            ],
        );
        assert_eq!(ids(&tiny), ["tinypilot", "linux_usb_gadget"]);
        let hub = row("usb_devices", &[("vendor_id", "1d6b"), ("model_id", "0002"), ("vendor", "Linux Foundation")]);
        assert!(ids(&hub).is_empty());
        assert_eq!(pnp_hex("LNX").as_deref(), Some("31d8"));
        assert_eq!(pnp_hex("TSB").as_deref(), Some("5262"));
        let edid = row("connected_displays", &[("name", "Display"), ("vendor_id", "31d8"), ("product_id", "7771")]);
        assert_eq!(ids(&edid), ["pikvm"]);
        let edid = row("connected_displays", &[("name", "TinyPilot"), ("vendor_id", "5262"), ("product_id", "9876")]);
        assert_eq!(ids(&edid), ["tinypilot"]);
        let dell = row("connected_displays", &[("name", "DELL U2720Q"), ("vendor_id", "10ac"), ("product_id", "a0c4")]);
        assert!(ids(&dell).is_empty());
        let jiggler =
            row("usb_devices", &[("vendor_id", "0e1d"), ("model_id", "0001"), ("model", "Mouse_Jiggler_MJ-3")]);
        assert_eq!(ids(&jiggler), ["usb_jiggler"]);
    }

    #[test]
    fn user_files_extend_and_replace() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("mine.toml");
        std::fs::write(
            &f,
            "[[signature]]\nid = \"acme_rat\"\nname = \"Acme RAT\"\ncategory = \"remote_access\"\nnames = [\"acmerat\"]\n\n[[signature]]\nid = \"caffeine\"\nname = \"Caffeine (ours)\"\ncategory = \"keep_awake\"\nnames = [\"caffeine-ng\"]\n\n[[port]]\nname = \"Acme\"\nports = [\"9999\"]\n",
        )
        .unwrap();
        let s = Signatures::load(std::slice::from_ref(&f)).unwrap();
        let n = Signatures::builtin().list.len();
        assert_eq!(s.list.len(), n + 1);
        assert_eq!(s.list.iter().find(|x| x.id == "caffeine").unwrap().name, "Caffeine (ours)");
        assert!(s.port_rule(9999).is_some());
        std::fs::write(&f, "[[signature]]\nid = \"x\"\nname = \"X\"\ncategory = \"remote_access\"\n").unwrap();
        let e = Signatures::load(std::slice::from_ref(&f)).unwrap_err().to_string();
        assert!(e.contains("mine.toml") && e.contains("signature x: no names"), "{e}");
        std::fs::write(&f, "[[signature]]\nid = \"x\"\nname = \"X\"\ncategory = \"teleport\"\nnames = [\"x\"]\n")
            .unwrap();
        let e = Signatures::load(std::slice::from_ref(&f)).unwrap_err().to_string();
        assert!(e.contains("mine.toml") && e.contains("teleport"), "{e}");
        let e = Signatures::load(&[dir.path().join("missing.toml")]).unwrap_err().to_string();
        assert!(e.contains("cannot read"), "{e}");
    }

    proptest! {
        #[test]
        fn matching_never_panics(k in "(name|path|cmdline|vendor_id|model_id|model|product_id|identifier)", v in ".{0,40}",
                                 t in "(programs|usb_devices|connected_displays|processes|)") {
            let r = row(&t, &[(k.as_str(), v.as_str())]);
            let _ = ids(&r);
            let _ = Pattern::new(&v).map(|p| p.matches(&v.to_lowercase()));
        }
    }
}

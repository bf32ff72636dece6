//! `bonafide.toml`: the whole configuration, with defaults.
//!
//! The annotated reference is `data/bonafide.toml`, shipped in the binary and printed by
//! `bonafide config`; a test keeps it equal to the defaults in code and checks that every
//! setting is documented in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bonafide_core::ScoringConfig;
use bonafide_detect::DetectConfig;
use bonafide_intel::NetworkConfig;
use serde::{Deserialize, Serialize};

/// The annotated default configuration.
pub const REFERENCE: &str = include_str!("../data/bonafide.toml");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub limits: Limits,
    pub subjects: SubjectsConfig,
    pub fingerprint: FingerprintConfig,
    pub ipintel: IpIntelConfig,
    pub network: NetworkConfig,
    pub screening: crate::lists::ScreeningConfig,
    pub detect: DetectConfig,
    pub scoring: ScoringConfig,
    pub osquery: OsqueryConfig,
    pub documents: DocumentsConfig,
}

/// `[documents]`: limits on the resumes and photos people.csv points to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// Larger resume files are skipped (a field issue), not read.
    pub max_resume_bytes: u64,
    /// Larger photo files are skipped.
    pub max_photo_bytes: u64,
    /// Photos with more pixels than this are refused before decoding.
    pub max_photo_pixels: u64,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        DocumentsConfig { max_resume_bytes: 2 << 20, max_photo_bytes: 20 << 20, max_photo_pixels: 40_000_000 }
    }
}

/// `[osquery]`: how this deployment's queries map to osquery tables.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OsqueryConfig {
    /// Query name → table, for queries whose columns do not say their table (a `SELECT
    /// name, version` fits several). A `[osquery]` section of the `--map` file does the
    /// same and wins.
    pub queries: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_record_bytes: usize,
    pub dedup_window: usize,
    pub max_quarantine_kept: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_record_bytes: 1 << 20, dedup_window: 500_000, max_quarantine_kept: 10_000 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubjectsConfig {
    pub implicit: bool,
}

impl Default for SubjectsConfig {
    fn default() -> Self {
        SubjectsConfig { implicit: true }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FingerprintConfig {
    pub key_file: Option<PathBuf>,
}

impl FingerprintConfig {
    /// The key file to use: the one given on the command line, else `[fingerprint]
    /// key_file`, else the per-user default. Every command that fingerprints must agree,
    /// or the same SSN would get two fingerprints.
    pub fn key_path(&self, given: Option<&std::path::Path>) -> PathBuf {
        given
            .map(std::path::Path::to_path_buf)
            .or_else(|| self.key_file.clone())
            .unwrap_or_else(bonafide_intel::fingerprint::default_key_path)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpIntelConfig {
    pub paths: Vec<PathBuf>,
    /// Kind name → list files.
    pub lists: BTreeMap<String, Vec<PathBuf>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the configuration {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Reads and checks a configuration file. Signature files named in it are resolved
    /// against the file's folder and must be readable and valid.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        let invalid = |message: String| ConfigError::Invalid { path: path.display().to_string(), message };
        let mut config = Config::parse(&text).map_err(invalid)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for f in &mut config.detect.endpoint.signature_files {
            if f.is_relative() {
                *f = base.join(&*f);
            }
        }
        bonafide_detect::endpoint::signatures::Signatures::check(&config.detect.endpoint.signature_files)
            .map_err(|e| invalid(e.to_string()))?;
        config.validate().map_err(invalid)?;
        Ok(config)
    }

    /// Checks what parsing cannot: networks that are CIDRs, indicator ids that are in the
    /// catalog, shares between 0 and 1, bands that rise, names of kinds and tables. A
    /// setting the scan would refuse later, or silently do nothing with (a weight for
    /// `D99`, `disabled = ["d3"]`), is refused here with its key and value. `load` (and
    /// so `bonafide config --check`) and scan start-up both call it, so the check and the
    /// scan never disagree, and a configuration built in code meets the same rules.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems: Vec<String> = self.network.check().iter().map(ToString::to_string).collect();
        let catalog = bonafide_core::Catalog::builtin();
        let not_an_indicator = |id: &str| -> Option<String> {
            if catalog.get(id).is_some() {
                return None;
            }
            let upper = id.trim().to_ascii_uppercase();
            Some(match catalog.get(&upper) {
                Some(_) => format!("{id:?} is not an indicator id; ids are upper case: {upper:?}"),
                None => format!("{id:?} is not an indicator id (`bonafide indicators` lists them)"),
            })
        };
        for id in &self.detect.disabled {
            if let Some(why) = not_an_indicator(id) {
                problems.push(format!("[detect] disabled: {why}"));
            }
        }
        for id in self.scoring.weights.keys() {
            if let Some(why) = not_an_indicator(id) {
                problems.push(format!("[scoring.weights] {id} = {:?}: {why}", self.scoring.weights[id]));
            }
        }
        for group in &self.scoring.correlated {
            for m in &group.members {
                if let Some(why) = not_an_indicator(m) {
                    problems.push(format!("[[scoring.correlated]] {:?} members: {why}", group.name));
                }
            }
            if !(0.0..=1.0).contains(&group.others) {
                problems.push(format!(
                    "[[scoring.correlated]] {:?} others = {:?}: a share of the other members' bits, must be between 0 and 1",
                    group.name, group.others
                ));
            }
        }
        let b = &self.scoring.bands;
        if !(b.medium < b.high && b.high < b.critical && b.critical <= 100) {
            problems.push(format!(
                "[scoring.bands] medium = {}, high = {}, critical = {}: each band must start above the one before, at most 100 (medium < high < critical <= 100)",
                b.medium, b.high, b.critical
            ));
        }
        for kind in self.ipintel.lists.keys() {
            if bonafide_core::IpKind::parse(kind).is_none() {
                problems.push(format!(
                    "[ipintel.lists] {kind}: not a network kind; use vpn, proxy, tor, hosting, mobile, residential or corporate"
                ));
            }
        }
        let tables = &bonafide_ingest::osquery::TableCatalog::builtin().tables;
        for (query, table) in &self.osquery.queries {
            if !tables.iter().any(|t| t.name == *table) {
                let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
                problems.push(format!(
                    "[osquery.queries] {query} = {table:?}: not an osquery table bonafide knows; tables: {}",
                    names.join(", ")
                ));
            }
        }
        let f6 = &self.detect.f6;
        for rule in &f6.extra_event_types {
            if bonafide_detect::inside::parse_f6_rule(rule).is_none() {
                problems.push(format!(
                    "[detect.f6] extra_event_types: {rule:?} is not \"system:event_type=kind\" with kind privilege, ssh_key, token, oauth_app, mfa_factor or recovery"
                ));
            }
        }
        for rule in &f6.ignore_event_types {
            if !rule.contains(':') {
                problems.push(format!("[detect.f6] ignore_event_types: {rule:?} is not \"system:event_type\""));
            }
        }
        if let Ok(toml::Value::Table(t)) = toml::Value::try_from(self) {
            numbers(&t, &mut Vec::new(), &mut problems);
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
    }

    /// `path` when given, else `./bonafide.toml` when present, else the defaults.
    pub fn discover(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::load(p),
            None => {
                let local = Path::new("bonafide.toml");
                if local.is_file() { Config::load(local) } else { Ok(Config::default()) }
            }
        }
    }
}

/// Settings that are shares, fractions or similarity scores: 0 to 1.
const SHARES: &[&str] = &[
    "screening.matching.min_score",
    "screening.matching.weak_alias_factor",
    "screening.matching.weak_alias_cap",
    "screening.matching.dob_match_bonus",
    "screening.matching.dob_year_bonus",
    "screening.matching.dob_mismatch_penalty",
    "screening.matching.country_match_bonus",
    "screening.matching.country_mismatch_penalty",
    "screening.matching.min_candidate_share",
    "screening.matching.given_order_factor",
    "detect.d1.min_share",
    "detect.d4.min_share",
    "detect.d5.unmanaged_min_share",
    "detect.d5.org_managed_share",
    "detect.e6.peer_quantile",
    "detect.rhythm.max_quiet_share",
    "detect.f1.min_confidence",
    "detect.f1.max_night_share",
    "detect.f1.clock_mismatch_share",
    "detect.f1.max_peak_share",
    "detect.f1.min_period_confidence",
    "detect.f4.camera_off_share",
    "detect.a5.min_face_match",
    "detect.a12.max_ratio",
    "detect.a12.min_plausible_ratio",
    "detect.interview.min_video_share",
    "detect.h1.min_similarity",
    "detect.a6.similar_factor",
    "detect.a8.copied_share",
    "detect.s1.min_score",
];

/// The one setting that may be negative: log2 odds below 1:1.
const SIGNED: &[&str] = &["scoring.prior_log2_odds"];

/// Checks every number among the settings (tables only; the arrays hold no fractions):
/// finite (TOML allows `nan` and `inf`), not negative (hours, distances, bits), and the
/// shares between 0 and 1.
fn numbers(table: &toml::Table, path: &mut Vec<String>, problems: &mut Vec<String>) {
    for (key, value) in table {
        path.push(key.clone());
        let dotted = path.join(".");
        let shown = || format!("[{}] {key} = {value}", path[..path.len() - 1].join("."));
        match value {
            toml::Value::Table(t) => numbers(t, path, problems),
            toml::Value::Float(f) if !f.is_finite() => problems.push(format!("{}: not a finite number", shown())),
            toml::Value::Float(f) if SHARES.contains(&dotted.as_str()) && !(0.0..=1.0).contains(f) => {
                problems.push(format!("{}: a share, must be between 0 and 1", shown()))
            }
            toml::Value::Float(f) if *f < 0.0 && !SIGNED.contains(&dotted.as_str()) => {
                problems.push(format!("{}: must not be negative", shown()))
            }
            _ => {}
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScanRequest;

    #[test]
    fn the_reference_is_the_default() {
        assert_eq!(Config::parse(REFERENCE).unwrap(), Config::default());
    }

    fn keys(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        if let toml::Value::Table(t) = v {
            for (k, v) in t {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.push(path.clone());
                keys(v, &path, out);
            }
        }
    }

    #[test]
    fn every_setting_is_in_the_reference() {
        let default = toml::Value::try_from(Config::default()).unwrap();
        let reference: toml::Value = toml::from_str(REFERENCE).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        keys(&default, "", &mut a);
        keys(&reference, "", &mut b);
        for k in &a {
            assert!(b.contains(k), "setting {k} is not documented in data/bonafide.toml");
        }
        // Optional settings appear commented out.
        assert!(REFERENCE.contains("# key_file ="));
    }

    /// Every setting of the reference that has no settings below it (values, arrays, and
    /// tables documented empty), with its path.
    fn leaves(v: &toml::Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, toml::Value)>) {
        match v {
            toml::Value::Table(t) if !t.is_empty() => {
                for (k, v) in t {
                    path.push(k.clone());
                    leaves(v, path, out);
                    path.pop();
                }
            }
            _ => out.push((path.clone(), v.clone())),
        }
    }

    fn set(root: &mut toml::Value, path: &[String], value: toml::Value) {
        let mut at = root;
        for k in &path[..path.len() - 1] {
            let toml::Value::Table(t) = at else { panic!("{path:?} crosses a value") };
            at = t.entry(k.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        }
        let toml::Value::Table(t) = at else { panic!("{path:?} crosses a value") };
        t.insert(path[path.len() - 1].clone(), value);
    }

    /// README: "a setting left out takes the default". A file setting any one key of the
    /// reference, alone in its table, must parse, take that value, and leave every other
    /// setting (its neighbours in the same table included) at the default.
    #[test]
    fn any_one_setting_alone_parses_and_the_rest_stay_default() {
        let reference: toml::Value = toml::from_str(REFERENCE).unwrap();
        let mut all = Vec::new();
        leaves(&reference, &mut Vec::new(), &mut all);
        assert!(all.len() > 200, "{} settings found", all.len());
        let default = toml::Value::try_from(Config::default()).unwrap();
        let mut failures = Vec::new();
        for (path, value) in all {
            // Another value where one is easy to make, so that the test also sees the
            // setting taken: numbers move, booleans flip, strings and lists stay.
            let value = match value {
                toml::Value::Integer(i) => toml::Value::Integer(i + 1),
                toml::Value::Float(f) => toml::Value::Float(f + 0.25),
                toml::Value::Boolean(b) => toml::Value::Boolean(!b),
                v => v,
            };
            let mut alone = toml::Value::Table(toml::Table::new());
            set(&mut alone, &path, value.clone());
            let text = toml::to_string(&alone).unwrap();
            let mut expected = default.clone();
            set(&mut expected, &path, value);
            let expected: Config = expected.try_into().unwrap();
            match Config::parse(&text) {
                Ok(got) if got == expected => {}
                Ok(got) => failures.push(format!("{} alone gives {got:?}", path.join("."))),
                Err(e) => failures.push(format!("{} alone: {e}", path.join("."))),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn signature_files_are_checked_at_load_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("bonafide.toml");
        std::fs::write(&cfg, "[detect.endpoint]\nsignature_files = [\"sigs.toml\"]\n").unwrap();
        let e = Config::load(&cfg).unwrap_err().to_string();
        assert!(e.contains("sigs.toml") && e.contains("cannot read"), "{e}");
        std::fs::write(
            dir.path().join("sigs.toml"),
            "[[signature]]\nid = \"x\"\nname = \"X\"\ncategory = \"vpn\"\nnames = [\"xvpn\"]\n",
        )
        .unwrap();
        let c = Config::load(&cfg).unwrap();
        assert_eq!(c.detect.endpoint.signature_files, vec![dir.path().join("sigs.toml")]);
        std::fs::write(dir.path().join("sigs.toml"), "[[signature]]\nid = \"x\"\n").unwrap();
        assert!(Config::load(&cfg).unwrap_err().to_string().contains("not valid"));
    }

    /// What the scan would refuse later (a CIDR), or silently do nothing with (an unknown
    /// indicator, a share of 5), is refused by `validate`, by `load` (and so by `bonafide
    /// config --check`) and at scan start-up, naming the key and the value.
    #[test]
    fn settings_the_scan_would_refuse_or_ignore_are_refused_with_key_and_value() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bonafide.toml");
        let cases: &[(&str, &[&str])] = &[
            ("[network]\ncorporate_egress = [\"10.0.0.0/33\"]\n", &["corporate_egress", "\"10.0.0.0/33\""]),
            ("[network]\napproved_vpn = [\"vpn.example\"]\n", &["approved_vpn", "vpn.example"]),
            ("[detect]\ndisabled = [\"ZZ9\"]\n", &["disabled", "\"ZZ9\"", "bonafide indicators"]),
            ("[detect]\ndisabled = [\"d3\"]\n", &["disabled", "\"d3\"", "\"D3\""]),
            ("[scoring.weights]\nD99 = 3.0\n", &["[scoring.weights] D99 = 3.0", "\"D99\""]),
            (
                "[[scoring.correlated]]\nname = \"g\"\nmembers = [\"D1\", \"QQ\"]\n",
                &["scoring.correlated", "\"g\"", "\"QQ\""],
            ),
            ("[[scoring.correlated]]\nname = \"g\"\nmembers = [\"D1\", \"E4\"]\nothers = 2.0\n", &["others = 2.0"]),
            ("[detect.d1]\nmin_share = 5.0\n", &["[detect.d1] min_share = 5.0", "between 0 and 1"]),
            ("[screening.matching]\nmin_score = 1.5\n", &["[screening.matching] min_score = 1.5"]),
            ("[scoring.bands]\nmedium = 95\nhigh = 50\n", &["[scoring.bands]", "medium = 95", "high = 50"]),
            ("[scoring.bands]\ncritical = 101\n", &["critical = 101"]),
            ("[ipintel.lists]\nvpnn = [\"v.txt\"]\n", &["[ipintel.lists] vpnn", "residential"]),
            ("[osquery.queries]\nsw = \"programz\"\n", &["[osquery.queries] sw = \"programz\"", "programs"]),
            ("[detect.f6]\nextra_event_types = [\"okta:x=badge\"]\n", &["extra_event_types", "okta:x=badge"]),
            ("[detect.f6]\nignore_event_types = [\"user.mfa\"]\n", &["ignore_event_types", "user.mfa"]),
            ("[detect.d2]\nmax_speed_kmh = -1.0\n", &["[detect.d2] max_speed_kmh = -1.0", "negative"]),
            ("[scoring.tier_bits]\nT1 = nan\n", &["[scoring.tier_bits] T1 = nan", "finite"]),
        ];
        for (text, names) in cases {
            let config = Config::parse(text).unwrap();
            let e = config.validate().unwrap_err();
            std::fs::write(&file, text).unwrap();
            let loaded = Config::load(&file).unwrap_err().to_string();
            let request = ScanRequest::new(Vec::new(), bonafide_intel::Keyring::from_bytes([1; 32]));
            let scanned = match crate::scan(&config, request) {
                Err(crate::ScanError::Config(m)) => m,
                other => panic!("{text}: the scan started: {:?}", other.map(|_| ())),
            };
            for n in *names {
                assert!(e.contains(n), "{text}: {n} not in: {e}");
                assert!(loaded.contains(n), "{text}: {n} not in: {loaded}");
                assert!(scanned.contains(n), "{text}: {n} not in: {scanned}");
            }
        }
        // Every problem is reported at once.
        let e = Config::parse("[detect]\ndisabled = [\"ZZ9\", \"D3\"]\n[scoring.weights]\nD99 = 1.0\n")
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(e.contains("ZZ9") && e.contains("D99") && !e.contains("\"D3\""), "{e}");
        let fine = "[network]\ncorporate_egress = [\"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.7\"]\n[detect]\ndisabled = [\"D3\"]\n[scoring]\nprior_log2_odds = -9.0\n[scoring.weights]\nD1 = 3.0\n[scoring.bands]\nmedium = 10\n[osquery.queries]\nsw = \"programs\"\n";
        Config::parse(fine).unwrap().validate().unwrap();
    }

    #[test]
    fn the_reference_validates_and_every_share_is_a_setting() {
        Config::default().validate().unwrap();
        let default = toml::Value::try_from(Config::default()).unwrap();
        for path in SHARES {
            let mut at = &default;
            for k in path.split('.') {
                at = match at.get(k) {
                    Some(v) => v,
                    // Optional settings (commented out in the reference) are absent.
                    None if *path == "detect.s1.min_score" => break,
                    None => panic!("{path} is not a setting"),
                };
            }
        }
    }

    #[test]
    fn unknown_settings_are_errors() {
        assert!(Config::parse("[detect.d1]\nmin_shar = 0.5\n").is_err());
        assert!(Config::parse("[detect.d1]\nmin_share = 0.5\n").is_ok());
    }
}

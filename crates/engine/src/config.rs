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
        Ok(config)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn unknown_settings_are_errors() {
        assert!(Config::parse("[detect.d1]\nmin_shar = 0.5\n").is_err());
        assert!(Config::parse("[detect.d1]\nmin_share = 0.5\n").is_ok());
    }
}

//! The indicator catalog: every red flag bonafide can raise, as data.
//!
//! The catalog is `data/indicators.toml`, embedded in the binary and parsed once. Code
//! refers to indicators by ID only; titles, tiers, descriptions and public sources live
//! in the data so that an analyst reading a report and an engineer reading a detector see
//! the same words.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const BUILTIN: &str = include_str!("../data/indicators.toml");

/// How much one finding of an indicator should move a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// Hard fact: by itself enough to open a case.
    T1,
    /// Strong correlate.
    T2,
    /// Soft signal.
    T3,
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::T1 => "T1",
            Tier::T2 => "T2",
            Tier::T3 => "T3",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub family: String,
    pub tier: Tier,
    pub title: String,
    pub description: String,
    pub data: String,
    pub detection: String,
    pub sources: Vec<String>,
    #[serde(default)]
    pub weight_bits: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub families: BTreeMap<String, String>,
    pub tiers: BTreeMap<String, String>,
    pub sources: BTreeMap<String, String>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("indicator catalog is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("indicator {id}: {problem}")]
    Invalid { id: String, problem: String },
}

impl Catalog {
    /// The catalog shipped in the binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is checked by a unit test; failing here is a build defect.
            Catalog::parse(BUILTIN).expect("embedded indicators.toml is valid")
        })
    }

    /// Parses and checks a catalog: unique IDs, known families and sources.
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = toml::from_str(text)?;
        let mut seen = std::collections::BTreeSet::new();
        for ind in &catalog.indicators {
            let invalid = |problem: String| CatalogError::Invalid { id: ind.id.clone(), problem };
            if !seen.insert(ind.id.as_str()) {
                return Err(invalid("duplicate id".into()));
            }
            if !catalog.families.contains_key(&ind.family) || !ind.id.starts_with(&ind.family) {
                return Err(invalid(format!("family {} is unknown or does not prefix the id", ind.family)));
            }
            if ind.sources.is_empty() {
                return Err(invalid("no public source".into()));
            }
            if let Some(s) = ind.sources.iter().find(|s| !catalog.sources.contains_key(*s)) {
                return Err(invalid(format!("unknown source {s}")));
            }
        }
        Ok(catalog)
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// `A7 · <title>`, how a chip's tooltip names an indicator (the id alone when the
    /// catalog does not hold it).
    pub fn label(&self, id: &str) -> String {
        self.get(id).map(|i| format!("{} · {}", i.id, i.title)).unwrap_or_else(|| id.to_string())
    }

    pub fn family_name<'a>(&'a self, family: &'a str) -> &'a str {
        self.families.get(family).map(String::as_str).unwrap_or(family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ID of the design catalog; a change here is a change of the public contract.
    const DESIGN_IDS: &[&str] = &[
        "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11", "A12", "A13", "A14", "B1", "B2", "B3",
        "B4", "B5", "B7", "B8", "C1", "C2", "C3", "C4", "C5", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9",
        "E1", "E2", "E3", "E4", "E5", "E6", "E8", "E9", "F1", "F2", "F3", "F4", "F5", "F6", "F9", "G1", "G2", "G3",
        "G4", "G5", "H1", "H2", "H4", "H6", "H7", "I1", "I2", "I5", "I10", "I13", "I14", "S1", "S2", "S3",
    ];

    #[test]
    fn builtin_catalog_has_every_design_id() {
        let c = Catalog::builtin();
        let ids: Vec<&str> = c.indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, DESIGN_IDS);
        assert_eq!(c.get("E2").unwrap().tier, Tier::T1);
        assert_eq!(c.get("D1").unwrap().tier, Tier::T2);
        assert_eq!(c.get("F2").unwrap().tier, Tier::T3);
    }

    #[test]
    fn rejects_broken_catalogs() {
        let bad = BUILTIN.replacen("sources = [\"ADV22\", \"PSA23\", \"SEAL\"]", "sources = [\"NOPE\"]", 1);
        assert!(matches!(Catalog::parse(&bad), Err(CatalogError::Invalid { .. })));
        let dup = BUILTIN.replacen("id = \"A2\"", "id = \"A1\"", 1);
        assert!(Catalog::parse(&dup).is_err());
    }
}

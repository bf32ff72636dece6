//! Identifier and cluster kinds in words (`data/kinds.toml`), for every place that names
//! them to people: the engine's finding summaries, the HTML report and the web UI. The
//! kinds are defined here, so their words live here too, once.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::cluster::ClusterKind;
use crate::ident::IdKind;

const KINDS: &str = include_str!("../data/kinds.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    identifier_kinds: HashMap<String, String>,
    cluster_kinds: HashMap<String, ClusterWords>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterWords {
    label: String,
    meaning: String,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    // The embedded file is checked by a unit test; were it ever unreadable, the codes
    // themselves (underscores as spaces) are said rather than nothing.
    WORDS.get_or_init(|| toml::from_str(KINDS).unwrap_or_default())
}

/// An identifier kind as stored (`shipping_address`) in words ("shipping address"), or
/// `None` for a kind this version does not know.
pub fn identifier_kind(kind: &str) -> Option<&'static str> {
    words().identifier_kinds.get(kind).map(String::as_str)
}

/// A cluster kind as stored (`persona_ring`): its name ("Persona ring") and what holds
/// such a cluster together, or `None` for a kind this version does not know.
pub fn cluster_kind(kind: &str) -> Option<(&'static str, &'static str)> {
    words().cluster_kinds.get(kind).map(|w| (w.label.as_str(), w.meaning.as_str()))
}

impl IdKind {
    /// In words ("bank account"): for summaries read by people.
    pub fn words(self) -> &'static str {
        identifier_kind(self.as_str()).unwrap_or(self.as_str())
    }
}

impl ClusterKind {
    /// Its name in words ("Shared payout"): for summaries read by people.
    pub fn label(self) -> &'static str {
        cluster_kind(self.as_str()).map(|(label, _)| label).unwrap_or(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_words() {
        let w: Words = toml::from_str(KINDS).expect("data/kinds.toml parses");
        for k in IdKind::ALL {
            assert!(w.identifier_kinds.contains_key(k.as_str()), "{} has no words", k.as_str());
        }
        for k in ClusterKind::PRIORITY {
            let c = w.cluster_kinds.get(k.as_str()).unwrap_or_else(|| panic!("{} has no words", k.as_str()));
            assert!(!c.label.is_empty() && !c.meaning.is_empty());
        }
        assert_eq!(IdKind::BankAccount.words(), "bank account");
        assert_eq!(ClusterKind::SharedPayout.label(), "Shared payout");
        assert_eq!(identifier_kind("something_new"), None);
    }
}

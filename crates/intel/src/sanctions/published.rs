//! bonafide's own list of published identifiers: seized domains and the organisations
//! named in the IT-worker actions, as data (`data/published.toml`), extendable with
//! files of the same layout.
//!
//! Domains become entries of kind [`EntryKind::Identifier`] (screened exactly by S2 and
//! as look-alike targets by S3); organisations become named entries screened by S1.
//! Everything here concerns North Korea by construction.

use std::sync::Arc;

use serde::Deserialize;

use crate::places::Places;

use super::identifiers::normalise_domain;
use super::{Alias, Entry, EntryKind, ListKind};

/// The built-in list.
pub const BUILTIN: &str = include_str!("../../data/published.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    domain: Vec<Domain>,
    #[serde(default)]
    organisation: Vec<Organisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Domain {
    domain: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organisation {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    program: String,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    source: String,
}

#[derive(Debug, thiserror::Error)]
#[error("published identifiers {file}: {message}")]
pub struct PublishedError {
    pub file: String,
    pub message: String,
}

/// Parses a published-identifier file; `file` names it in evidence and errors.
pub fn parse(file: &str, text: &str) -> Result<Vec<Entry>, PublishedError> {
    let err = |message: String| PublishedError { file: file.to_string(), message };
    let parsed: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    let source: Arc<str> = Arc::from(file);
    let mut out = Vec::new();
    for d in parsed.domain {
        let Some(domain) = normalise_domain(&d.domain) else {
            return Err(err(format!("{:?} is not a domain", d.domain)));
        };
        out.push(Entry {
            list: Some(ListKind::Published),
            source: source.clone(),
            id: format!("domain:{domain}"),
            kind: EntryKind::Identifier,
            name: domain.clone(),
            websites: vec![domain],
            programs: vec!["DPRK".into()],
            remarks: [d.note, d.source].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; "),
            dprk: Some("published identifier of the DPRK IT-worker scheme".into()),
            ..Default::default()
        });
    }
    for o in parsed.organisation {
        if o.name.trim().is_empty() || o.id.trim().is_empty() {
            return Err(err("an organisation needs an id and a name".into()));
        }
        let country = match &o.country {
            Some(c) => Some(Places::builtin().country(c).ok_or_else(|| err(format!("unknown country {c:?}")))?),
            None => None,
        };
        out.push(Entry {
            list: Some(ListKind::Published),
            source: source.clone(),
            id: o.id,
            kind: EntryKind::Organisation,
            name: o.name,
            aliases: o.aliases.into_iter().map(|name| Alias { name, quality: "a.k.a.".into(), weak: false }).collect(),
            programs: if o.program.is_empty() { vec![] } else { vec![o.program] },
            countries: country.into_iter().collect(),
            remarks: [o.note, o.source].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; "),
            dprk: Some("organisation named in the DPRK IT-worker actions".into()),
            ..Default::default()
        });
    }
    Ok(out)
}

/// The built-in entries.
pub fn builtin() -> Vec<Entry> {
    parse("bonafide:published.toml", BUILTIN).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_has_every_seized_domain_and_organisation() {
        let v = parse("b", BUILTIN).unwrap();
        let domains: Vec<&str> =
            v.iter().filter(|e| e.kind == EntryKind::Identifier).map(|e| e.name.as_str()).collect();
        assert_eq!(domains.len(), 18);
        assert!(domains.contains(&"silverstarchina.com") && domains.contains(&"upworksell.com"));
        let orgs = v.iter().filter(|e| e.kind == EntryKind::Organisation).count();
        assert_eq!(orgs, 8);
        assert!(v.iter().all(|e| e.dprk.is_some()));
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(parse("x", "[[domain]]\ndomain = \"nodot\"\n").is_err());
        assert!(parse("x", "[[organisation]]\nid = \"a\"\nname = \"\"\n").is_err());
        assert!(parse("x", "[[domain]]\ndomian = \"a.com\"\n").is_err());
        assert!(parse("x", "[[organisation]]\nid = \"a\"\nname = \"A\"\ncountry = \"Atlantis\"\n").is_err());
    }
}

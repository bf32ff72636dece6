//! Technologies and the years a resume claims with them (A2).
//!
//! The release-year table is data (`data/technologies.toml`). Claims are read from two
//! phrasings resumes use, after folding case and punctuation: "8+ years of (professional
//! experience with) Rust" and "Rust (8 years)" / "Rust: 8 yrs". Anything looser ("worked
//! with Rust for many years") is not a number and is not read.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct TableFile {
    technologies: BTreeMap<String, Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    released: i32,
    names: Vec<String>,
}

/// Release years and the names that refer to each technology.
#[derive(Debug, Default)]
pub struct TechTable {
    released: HashMap<String, i32>,
    /// Name as words → technology key.
    names: HashMap<Vec<String>, String>,
    longest: usize,
}

/// One claim read from a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub tech: String,
    pub years: f64,
    pub excerpt: String,
}

#[derive(Debug, thiserror::Error)]
#[error("technology table: {0}")]
pub struct TableError(String);

impl TechTable {
    /// The table shipped with bonafide.
    pub fn builtin() -> &'static TechTable {
        static T: OnceLock<TechTable> = OnceLock::new();
        T.get_or_init(|| {
            TechTable::parse(include_str!("../data/technologies.toml")).unwrap_or_else(|e| {
                tracing::error!("{e}");
                TechTable::default()
            })
        })
    }

    pub fn parse(text: &str) -> Result<TechTable, TableError> {
        let file: TableFile = toml::from_str(text).map_err(|e| TableError(e.to_string()))?;
        let mut t = TechTable::default();
        for (key, e) in file.technologies {
            for n in &e.names {
                let words = tokens(n);
                if words.is_empty() {
                    return Err(TableError(format!("{key}: empty name")));
                }
                t.longest = t.longest.max(words.len());
                t.names.insert(words, key.clone());
            }
            t.released.insert(key, e.released);
        }
        Ok(t)
    }

    /// The first public release year of `tech` (a table key).
    pub fn released(&self, tech: &str) -> Option<i32> {
        self.released.get(tech).copied()
    }

    /// The technology named by the words starting at `at`, and how many words it takes.
    fn name_at(&self, words: &[String], at: usize) -> Option<(&str, usize)> {
        (1..=self.longest).rev().find_map(|len| {
            let w = words.get(at..at + len)?;
            self.names.get(w).map(|k| (k.as_str(), len))
        })
    }

    /// Every "N years of TECH" claim in `text`, the largest per technology.
    pub fn claims(&self, text: &str) -> Vec<Claim> {
        let words = tokens(text);
        let mut best: BTreeMap<String, Claim> = BTreeMap::new();
        let mut keep = |tech: &str, years: f64, from: usize, to: usize| {
            let excerpt = words[from..to.min(words.len())].join(" ");
            let e = best.entry(tech.to_string()).or_insert(Claim {
                tech: tech.to_string(),
                years,
                excerpt: excerpt.clone(),
            });
            if years > e.years {
                *e = Claim { tech: tech.to_string(), years, excerpt };
            }
        };
        for i in 0..words.len() {
            // "8+ years of (professional experience with) TECH"
            if let Some(n) = number(&words[i])
                && words.get(i + 1).is_some_and(|w| is_years(w))
            {
                let mut j = i + 2;
                let mut skipped = 0;
                while skipped < 4 && words.get(j).is_some_and(|w| FILLER.contains(&w.as_str())) {
                    j += 1;
                    skipped += 1;
                }
                if skipped > 0
                    && let Some((tech, len)) = self.name_at(&words, j)
                {
                    keep(tech, n, i, j + len);
                }
            }
            // "TECH (8 years)", "TECH: 8+ yrs"
            if let Some((tech, len)) = self.name_at(&words, i)
                && let Some(n) = words.get(i + len).and_then(|w| number(w))
                && words.get(i + len + 1).is_some_and(|w| is_years(w))
                && words.get(i + len + 2).is_none_or(|w| w != "ago")
            {
                keep(tech, n, i, i + len + 2);
            }
        }
        best.into_values().collect()
    }
}

const FILLER: &[&str] =
    &["of", "with", "in", "using", "experience", "professional", "commercial", "production", "hands", "on"];

fn is_years(w: &str) -> bool {
    matches!(w, "year" | "years" | "yr" | "yrs")
}

/// `8`, `8+`, `2.5`; at most 60 (a larger number is not a span of years).
fn number(w: &str) -> Option<f64> {
    let n: f64 = w.trim_end_matches('+').parse().ok()?;
    (n.is_finite() && n > 0.0 && n <= 60.0).then_some(n)
}

/// Lower-case words; `.`, `+` and `#` stay inside words (`node.js`, `c++`, `c#`), and
/// a trailing full stop or comma is dropped.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '#')))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_phrasings() {
        let t = TechTable::builtin();
        let c = t.claims(
            "Summary: 12+ years of professional experience with Rust and 5 years with React Native. \
             Skills: Kubernetes (9 years), Docker: 3 yrs, Python 10 years ago started coding.",
        );
        let got: Vec<(&str, f64)> = c.iter().map(|c| (c.tech.as_str(), c.years)).collect();
        assert_eq!(got, vec![("docker", 3.0), ("kubernetes", 9.0), ("react_native", 5.0), ("rust", 12.0)]);
        assert_eq!(t.released("rust"), Some(2012));
        assert!(t.claims("I have worked with Rust for many years").is_empty());
        assert!(t.claims("").is_empty());
    }

    #[test]
    fn the_builtin_table_parses() {
        assert!(TechTable::parse(include_str!("../data/technologies.toml")).is_ok());
        assert!(TechTable::parse("[technologies]\nx = { released = 1, names = [\"\"] }").is_err());
    }
}

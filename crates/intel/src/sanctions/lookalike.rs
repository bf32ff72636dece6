//! Look-alike domains: does a vendor's or a reference's domain imitate a seized domain
//! or a legitimate company's?
//!
//! A front company registers a name one keystroke, one glyph, one word or one TLD away
//! from the one it imitates. Domains are compared by their registrable label (the part
//! before the public suffix: `silverstarchina` in `silverstarchina.com`, `acme` in
//! `acme.co.uk`) and their suffix, and a pair is a look-alike when it is not the same
//! domain (nor a subdomain of it) and: the labels are the same under a different suffix
//! (TLD swap); they are the same once confusable glyphs are folded (`0`/`o`, `1`/`l`,
//! `rn`/`m`, `vv`/`w`, Cyrillic `а`/Latin `a`: homoglyphs); one label is the other with
//! words or hyphens added or dropped (`silverstarchina-group`, `mycloudfox`: token
//! insertion); or they are within a small edit distance (one edit for labels shorter than
//! eight letters, two from eight). Short labels (under five letters) are left alone:
//! too many honest domains are one letter from another.

use serde::{Deserialize, Serialize};

use super::identifiers::normalise_domain;

/// `[detect.s3]` look-alike settings shared with the matcher.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LookalikeConfig {
    /// Labels shorter than this are not compared (too many honest near neighbours).
    pub min_label_len: usize,
    /// Edits allowed between labels shorter than eight letters; one more from eight.
    pub max_edits: usize,
    /// The shorter label must have at least this many letters for a token insertion.
    pub min_insertion_base: usize,
}

impl Default for LookalikeConfig {
    fn default() -> Self {
        LookalikeConfig { min_label_len: 5, max_edits: 1, min_insertion_base: 6 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LookalikeKind {
    TldSwap,
    Homoglyph,
    TokenInsertion,
    EditDistance,
}

impl LookalikeKind {
    pub fn describe(self) -> &'static str {
        match self {
            LookalikeKind::TldSwap => "same name under another suffix",
            LookalikeKind::Homoglyph => "confusable characters",
            LookalikeKind::TokenInsertion => "words added or dropped",
            LookalikeKind::EditDistance => "a letter or two changed",
        }
    }
}

/// One look-alike finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lookalike {
    pub domain: String,
    pub target: String,
    pub kind: LookalikeKind,
    /// Edits between the labels, for `EditDistance`.
    pub edits: usize,
}

const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc", "or", "ne", "go"];

/// Splits a normalised domain into (registrable label, public suffix).
pub fn split(domain: &str) -> Option<(&str, &str)> {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let n = labels.len();
    let suffix_labels = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) { 2 } else { 1 };
    if n <= suffix_labels {
        return None;
    }
    let label = labels[n - suffix_labels - 1];
    let start = labels[..n - suffix_labels].iter().map(|l| l.len() + 1).sum::<usize>();
    Some((label, &domain[start..]))
}

/// Folds confusable glyphs to one form.
pub fn fold_glyphs(label: &str) -> String {
    let ascii: String = label
        .chars()
        .map(|c| if c.is_ascii() { c.to_string() } else { any_ascii::any_ascii_char(c).to_lowercase() })
        .collect();
    let mut s = ascii.replace("rn", "m").replace("vv", "w").replace("cl", "d");
    s = s
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' | '|' => 'l',
            '3' => 'e',
            '5' => 's',
            '4' => 'a',
            '7' => 't',
            '8' => 'b',
            _ => c,
        })
        .collect();
    s
}

fn edits(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
        }
        prev = cur;
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// Whether `domain` looks like `target` without being it. Both may be URLs or emails.
pub fn check(domain: &str, target: &str, cfg: &LookalikeConfig) -> Option<Lookalike> {
    let d = normalise_domain(domain)?;
    let t = normalise_domain(target)?;
    if d == t || d.ends_with(&format!(".{t}")) {
        return None;
    }
    let (dl, ds) = split(&d)?;
    let (tl, ts) = split(&t)?;
    let out = |kind, edits| Some(Lookalike { domain: d.clone(), target: t.clone(), kind, edits });
    if dl == tl {
        return if ds != ts { out(LookalikeKind::TldSwap, 0) } else { None };
    }
    if dl.chars().count().min(tl.chars().count()) < cfg.min_label_len {
        return None;
    }
    if fold_glyphs(dl) == fold_glyphs(tl) {
        return out(LookalikeKind::Homoglyph, 0);
    }
    let (dn, tn) = (dl.replace('-', ""), tl.replace('-', ""));
    let (short, long) = if dn.len() <= tn.len() { (&dn, &tn) } else { (&tn, &dn) };
    if dn == tn || (short.len() >= cfg.min_insertion_base && long.len() > short.len() && long.contains(short.as_str()))
    {
        return out(LookalikeKind::TokenInsertion, 0);
    }
    let max = if dl.len().min(tl.len()) >= 8 { cfg.max_edits + 1 } else { cfg.max_edits };
    if let Some(e) = edits(dl, tl, max) {
        return out(LookalikeKind::EditDistance, e);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(d: &str, t: &str) -> Option<LookalikeKind> {
        check(d, t, &LookalikeConfig::default()).map(|l| l.kind)
    }

    #[test]
    fn every_kind_of_look_alike() {
        assert_eq!(kind("silverstarchina.net", "silverstarchina.com"), Some(LookalikeKind::TldSwap));
        assert_eq!(kind("si1verstarchina.com", "silverstarchina.com"), Some(LookalikeKind::Homoglyph));
        assert_eq!(kind("cloudf0xhub.com", "cloudfoxhub.com"), Some(LookalikeKind::Homoglyph));
        assert_eq!(kind("silverstarchina-group.com", "silverstarchina.com"), Some(LookalikeKind::TokenInsertion));
        assert_eq!(kind("silver-star-china.com", "silverstarchina.com"), Some(LookalikeKind::TokenInsertion));
        assert_eq!(kind("foxysunstudioz.com", "foxysunstudios.com"), Some(LookalikeKind::EditDistance));
        assert_eq!(kind("https://www.acmme.com/jobs", "acme.com"), None, "short labels are left alone");
        assert_eq!(kind("acmecorp.co.uk", "acmecorp.com"), Some(LookalikeKind::TldSwap));
        assert_eq!(kind("mícrosoft.com", "microsoft.com"), Some(LookalikeKind::Homoglyph));
    }

    #[test]
    fn the_same_domain_and_honest_neighbours_are_not() {
        assert_eq!(kind("silverstarchina.com", "https://silverstarchina.com"), None);
        assert_eq!(kind("jobs.microsoft.com", "microsoft.com"), None);
        assert_eq!(kind("stripe.com", "github.com"), None);
        assert_eq!(kind("globex.com", "initech.com"), None);
        assert_eq!(kind("mycompany.com", "notacompany.org"), None);
    }

    #[test]
    fn suffixes() {
        assert_eq!(split("a.b.acme.co.uk"), Some(("acme", "co.uk")));
        assert_eq!(split("acme.com"), Some(("acme", "com")));
        assert_eq!(split("com"), None);
    }
}

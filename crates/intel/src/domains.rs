//! Domains as reference, vendor and contact checks see them: free-mail providers,
//! seized domains, and look-alikes of a company's real domain.
//!
//! A look-alike is judged on the registrable label (`northwind` of `hr.northwind.co.uk`):
//! the same label under another suffix (`northwind.co` for `northwind.com`), the same
//! skeleton after folding homoglyphs (`n0rthwind`, `rnicrosoft`, Cyrillic `о`, punycode
//! `xn--...` decoded), one or two edits away (a typo-squat), or the real label plus words
//! (`northwind-careers`). The real domain and its subdomains are never look-alikes. The
//! lists are data (`data/domains.toml`), extended by configuration.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct Lists {
    free_mail: Vec<String>,
    well_known: Vec<String>,
    multi_label_suffixes: Vec<String>,
}

/// The built-in lists.
#[derive(Debug, Default)]
pub struct DomainLists {
    pub free_mail: HashSet<String>,
    pub well_known: Vec<String>,
    pub seized: HashSet<String>,
    pub suffixes: HashSet<String>,
}

const DATA: &str = include_str!("../data/domains.toml");

/// The seized domains are kept once, with the other published identifiers that
/// screening (S2, S3) reads.
#[derive(Debug, Default, Deserialize)]
struct Published {
    #[serde(default)]
    domain: Vec<PublishedDomain>,
}

#[derive(Debug, Deserialize)]
struct PublishedDomain {
    domain: String,
}

impl DomainLists {
    pub fn builtin() -> &'static DomainLists {
        static LISTS: OnceLock<DomainLists> = OnceLock::new();
        LISTS.get_or_init(|| {
            // The embedded file is checked by a test; an unreadable one leaves the lists empty.
            let l: Lists = toml::from_str(DATA).unwrap_or_default();
            let published: Published = toml::from_str(crate::sanctions::published::BUILTIN).unwrap_or_default();
            DomainLists {
                free_mail: l.free_mail.into_iter().collect(),
                well_known: l.well_known,
                seized: published.domain.into_iter().map(|d| clean(&d.domain)).collect(),
                suffixes: l.multi_label_suffixes.into_iter().collect(),
            }
        })
    }

    pub fn is_free_mail(&self, domain: &str) -> bool {
        self.free_mail.contains(&clean(domain))
    }

    pub fn is_seized(&self, domain: &str) -> bool {
        let d = clean(domain);
        self.seized.iter().any(|s| d == *s || is_subdomain_of(&d, s))
    }

    /// Splits a domain into its registrable label and public suffix:
    /// `hr.acme.co.uk` → (`acme`, `co.uk`).
    pub fn registrable(&self, domain: &str) -> Option<(String, String)> {
        let d = clean(domain);
        let labels: Vec<&str> = d.split('.').filter(|l| !l.is_empty()).collect();
        if labels.len() < 2 {
            return None;
        }
        let n = labels.len();
        let two = format!("{}.{}", labels[n - 2], labels[n - 1]);
        if n >= 3 && self.suffixes.contains(&two) {
            return Some((labels[n - 3].to_string(), two));
        }
        Some((labels[n - 2].to_string(), labels[n - 1].to_string()))
    }
}

/// Lower case, without surrounding dots, a `www.` or a URL scheme and path.
/// Whether `host` is a subdomain of `parent` (`hr.acme.com` of `acme.com`; not
/// `acme.com` itself, nor `notacme.com`). Both as [`clean`] leaves them.
pub fn is_subdomain_of(host: &str, parent: &str) -> bool {
    host.strip_suffix(parent).is_some_and(|sub| sub.ends_with('.'))
}

pub fn clean(domain: &str) -> String {
    let d = domain.trim().to_lowercase();
    let d = d.split("://").last().unwrap_or(&d).to_string();
    let d = d.split(['/', '?', '#']).next().unwrap_or("").trim_matches('.').to_string();
    let d = d.rsplit('@').next().unwrap_or("").to_string();
    d.strip_prefix("www.").map(str::to_string).unwrap_or(d)
}

/// How a domain imitates another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookAlike {
    /// The same name under another suffix.
    OtherSuffix,
    /// The same after folding look-alike characters.
    Homoglyph,
    /// One or two typing edits away.
    Typo,
    /// The real name with words added.
    Combo,
}

impl LookAlike {
    pub fn as_str(self) -> &'static str {
        match self {
            LookAlike::OtherSuffix => "same name, other suffix",
            LookAlike::Homoglyph => "look-alike characters",
            LookAlike::Typo => "typo of the name",
            LookAlike::Combo => "the name with words added",
        }
    }
}

/// A domain prepared for comparison: its registrable label (punycode decoded), suffix
/// and skeleton, computed once.
#[derive(Debug, Clone)]
struct Prepared {
    domain: String,
    label: String,
    suffix: String,
    skeleton: String,
    chars: usize,
}

fn prepare(lists: &DomainLists, domain: &str) -> Option<Prepared> {
    let domain = clean(domain);
    if domain.is_empty() {
        return None;
    }
    let (label, suffix) = lists.registrable(&domain)?;
    let label = decode_label(&label);
    let skeleton = skeleton(&label);
    let chars = label.chars().count();
    Some(Prepared { domain, label, suffix, skeleton, chars })
}

fn compare(c: &Prepared, t: &Prepared, strict: bool) -> Option<LookAlike> {
    if c.domain == t.domain || c.domain.ends_with(&format!(".{}", t.domain)) {
        return None;
    }
    if c.label == t.label {
        return (strict && c.suffix != t.suffix).then_some(LookAlike::OtherSuffix);
    }
    if t.chars < 4 {
        return None;
    }
    if c.skeleton == t.skeleton {
        return Some(LookAlike::Homoglyph);
    }
    if c.chars.abs_diff(t.chars) <= 2 {
        let d = osa_distance(&c.label, &t.label);
        if (d == 1 && t.chars >= 5) || (d == 2 && t.chars >= 10) {
            return Some(LookAlike::Typo);
        }
    }
    let min_combo = if strict { 4 } else { 6 };
    if t.chars >= min_combo && c.chars > t.chars {
        let hyphen_word = c.label.split('-').any(|p| p == t.label);
        let glued = strict && (c.label.starts_with(&t.label) || c.label.ends_with(&t.label));
        if hyphen_word || glued {
            return Some(LookAlike::Combo);
        }
    }
    None
}

/// Whether `candidate` imitates `target`. `strict` (for the organisation's own domains)
/// also reports the same name under another suffix and shorter combos; well-known
/// companies own many suffixes, so for them only character tricks count.
pub fn look_alike(lists: &DomainLists, candidate: &str, target: &str, strict: bool) -> Option<LookAlike> {
    compare(&prepare(lists, candidate)?, &prepare(lists, target)?, strict)
}

/// Many targets prepared once, so that checking a domain against all of them costs a
/// few string comparisons per target (the edit distance only runs when the lengths are
/// within two).
#[derive(Debug, Default)]
pub struct LookAlikeIndex {
    targets: Vec<(Prepared, bool)>,
}

impl LookAlikeIndex {
    /// `strict` targets are the organisation's own domains; `loose` ones other companies'.
    pub fn new<'a>(
        lists: &DomainLists,
        strict: impl IntoIterator<Item = &'a str>,
        loose: impl IntoIterator<Item = &'a str>,
    ) -> LookAlikeIndex {
        let mut targets = Vec::new();
        for (domains, is_strict) in
            [(strict.into_iter().collect::<Vec<_>>(), true), (loose.into_iter().collect(), false)]
        {
            for d in domains {
                if let Some(p) = prepare(lists, d) {
                    targets.push((p, is_strict));
                }
            }
        }
        LookAlikeIndex { targets }
    }

    /// Every target `candidate` imitates: (target domain, how, strict target).
    pub fn check(&self, lists: &DomainLists, candidate: &str) -> Vec<(&str, LookAlike, bool)> {
        let Some(c) = prepare(lists, candidate) else { return Vec::new() };
        self.targets
            .iter()
            .filter_map(|(t, strict)| compare(&c, t, *strict).map(|k| (t.domain.as_str(), k, *strict)))
            .collect()
    }
}

/// A label after folding characters that look alike in common fonts.
pub fn skeleton(label: &str) -> String {
    let mut s = String::with_capacity(label.len());
    for c in label.chars() {
        let mapped = match c {
            'а' | 'α' | 'ɑ' => 'a',
            'е' | 'ε' | 'ё' => 'e',
            'о' | 'ο' | 'σ' | '0' => 'o',
            'р' | 'ρ' => 'p',
            'с' | 'ϲ' => 'c',
            'х' | 'χ' => 'x',
            'у' | 'γ' => 'y',
            'і' | 'ι' | 'ӏ' | 'i' | '1' | 'l' | '|' => 'l',
            'ј' => 'j',
            'ԁ' => 'd',
            'ɡ' => 'g',
            'ѕ' | '5' => 's',
            'ԛ' => 'q',
            'ԝ' | 'ω' => 'w',
            'ν' => 'v',
            'κ' | 'к' => 'k',
            'т' | 'τ' => 't',
            'н' => 'h',
            'м' => 'm',
            'в' => 'b',
            other => other,
        };
        s.push(mapped);
    }
    s.replace("rn", "m").replace("vv", "w")
}

/// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one
/// substring), on characters.
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// A label as its owner sees it: punycode (`xn--...`) decoded, otherwise as is.
pub fn decode_label(label: &str) -> String {
    match label.strip_prefix("xn--") {
        Some(rest) => punycode_decode(rest).unwrap_or_else(|| label.to_string()),
        None => label.to_string(),
    }
}

/// RFC 3492 Bootstring decoding with the punycode parameters; `None` on bad input.
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
        delta /= if first { DAMP } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }
    let (basic, extended) = match input.rfind('-') {
        Some(p) => (&input[..p], &input[p + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let bytes = extended.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let c = *bytes.get(pos)?;
            pos += 1;
            let digit = match c {
                b'a'..=b'z' => u32::from(c - b'a'),
                b'A'..=b'Z' => u32::from(c - b'A'),
                b'0'..=b'9' => u32::from(c - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn l() -> &'static DomainLists {
        DomainLists::builtin()
    }

    #[test]
    fn the_lists_load() {
        let lists: Lists = toml::from_str(DATA).unwrap();
        assert!(lists.free_mail.len() > 50 && !lists.well_known.is_empty());
        // The seized domains come from published.toml.
        assert_eq!(l().seized.len(), 18);
        assert!(l().is_free_mail("Gmail.com") && !l().is_free_mail("northwind.example"));
        assert!(l().is_seized("ktsolution.tech") && l().is_seized("www.KTsolution.tech"));
        assert!(!l().is_seized("notktsolution.tech"), "a longer name is no subdomain");
        assert!(is_subdomain_of("hr.acme.com", "acme.com") && !is_subdomain_of("acme.com", "acme.com"));
        assert_eq!(l().registrable("hr.acme.co.uk"), Some(("acme".into(), "co.uk".into())));
    }

    #[test]
    fn look_alikes_of_an_employer() {
        let t = "northwind.com";
        assert_eq!(look_alike(l(), "n0rthwind.com", t, true), Some(LookAlike::Homoglyph));
        assert_eq!(look_alike(l(), "northwlnd.com", t, true), Some(LookAlike::Homoglyph));
        assert_eq!(look_alike(l(), "northwind.co", t, true), Some(LookAlike::OtherSuffix));
        assert_eq!(look_alike(l(), "nortwind.com", t, true), Some(LookAlike::Typo));
        assert_eq!(look_alike(l(), "northwind-careers.com", t, true), Some(LookAlike::Combo));
        assert_eq!(look_alike(l(), "northwindhr.com", t, true), Some(LookAlike::Combo));
        // Cyrillic і (U+0456) in punycode decodes and folds to the real name.
        assert_eq!(decode_label("xn--mcrosoft-thh"), "m\u{456}crosoft");
        assert_eq!(look_alike(l(), "xn--mcrosoft-thh.com", "microsoft.com", false), Some(LookAlike::Homoglyph));
        assert_eq!(look_alike(l(), "rnicrosoft.com", "microsoft.com", false), Some(LookAlike::Homoglyph));
        // Not look-alikes: the domain itself, its subdomains, other companies.
        assert_eq!(look_alike(l(), "careers.northwind.com", t, true), None);
        assert_eq!(look_alike(l(), "NORTHWIND.COM", t, true), None);
        assert_eq!(look_alike(l(), "southwind.com", t, true), None, "two edits on a 9-letter name");
        assert_eq!(look_alike(l(), "gitlab.com", "github.com", false), None);
        assert_eq!(look_alike(l(), "amazon.de", "amazon.com", false), None, "big companies own many suffixes");
        assert_eq!(look_alike(l(), "applebees.com", "apple.com", false), None);
    }

    #[test]
    fn punycode() {
        assert_eq!(punycode_decode("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(punycode_decode("mnchen-3ya").as_deref(), Some("münchen"));
        assert!(punycode_decode("!!").is_none());
    }

    proptest! {
        #[test]
        fn never_panics(a in ".{0,40}", b in "[a-z0-9.-]{0,20}") {
            let _ = look_alike(l(), &a, &b, true);
            let _ = decode_label(&format!("xn--{a}"));
            let _ = l().registrable(&a);
        }
    }
}

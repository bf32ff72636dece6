//! Folding a name into comparable words.
//!
//! Lists and the people screened against them write one name in many ways: `KIM, Sang
//! Man`, `Sang-man Kim`, `김상만`; `CHINYONG INFORMATION TECHNOLOGY COOPERATION
//! COMPANY`, `Chinyong Information Technology Cooperation Co.`. Folding makes those the
//! same words: every script is transliterated to Latin letters (any_ascii, a table
//! crate without dependencies that builds in 0.4 s: Hangul by
//! Revised Romanization, Han by pinyin, Cyrillic, Greek, Arabic...), each Hangul or Han
//! syllable becomes its own word, accents and case go, dots and apostrophes join
//! (`L.L.C.` = `LLC`, `O'Neil` = `ONeil`), everything else separates. Then the rules of
//! `data/names.toml` apply: stop words go, company forms fold to one word each (marked,
//! so they weigh little), and romanisation variants fold to one spelling. Word order is
//! left alone here; the matcher ignores it.
//!
//! [`skeleton`] gives a coarser phonetic key for spellings the tables do not list:
//! voiced and voiceless consonants merge (k/g, t/d, p/b), `ch`/`zh`/`j` merge, `eo`
//! becomes `o`, `r` becomes `l`, a silent `h` goes, doubled letters collapse.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

const BUILTIN: &str = include_str!("../../data/names.toml");

/// One folded word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// A company form (`llc`, `company`, ...).
    pub form: bool,
    /// The word (or form phrase) before variant and form folding.
    pub raw: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RulesFile {
    stopwords: Vec<String>,
    particles: Vec<String>,
    forms: std::collections::BTreeMap<String, Vec<String>>,
    variants: std::collections::BTreeMap<String, Vec<String>>,
    korean_variants: std::collections::BTreeMap<String, Vec<String>>,
}

/// The folding rules: stop words, company forms, romanisation variants.
#[derive(Clone, Debug, Default)]
pub struct NameRules {
    stop: FxHashSet<String>,
    /// Words kept but weighing like a company form (`van`, `la`).
    particles: FxHashSet<String>,
    /// First word of a form phrase → (phrase words, canonical form), longest first.
    forms: FxHashMap<String, Vec<(Vec<String>, String)>>,
    variants: FxHashMap<String, String>,
    /// Variants that hold only in Korean names (`li`, `yi` = `lee`): elsewhere they are
    /// other names (Chinese Li and Yi).
    korean: FxHashMap<String, String>,
    /// `variants` and `korean` inverted (canonical spelling → the spellings folding to it),
    /// so that [`NameRules::spellings_as`] can list a word's spellings without trying
    /// every word.
    variant_spellings: FxHashMap<String, Vec<String>>,
    korean_spellings: FxHashMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("name rules: {0}")]
    Parse(String),
    #[error("name rules: {word:?} is a variant of both {a:?} and {b:?}")]
    Ambiguous { word: String, a: String, b: String },
}

impl NameRules {
    /// The built-in rules.
    pub fn builtin() -> NameRules {
        let mut r = NameRules::default();
        // The built-in table is tested to parse and to be unambiguous.
        let _ = r.extend(BUILTIN);
        r
    }

    /// Adds the rules of a TOML text in the layout of `data/names.toml`.
    pub fn extend(&mut self, text: &str) -> Result<(), RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError::Parse(e.to_string()))?;
        for s in file.stopwords {
            for w in fold_words(&s) {
                self.stop.insert(w);
            }
        }
        for s in file.particles {
            for w in fold_words(&s) {
                self.stop.remove(&w);
                self.particles.insert(w);
            }
        }
        for (canon, spellings) in file.forms {
            let canon = fold_words(&canon).join("");
            for s in spellings.iter().chain(std::iter::once(&canon)) {
                // Phrases are matched after stop words are dropped and letters joined.
                let words: Vec<String> =
                    join_letters(fold_words(s).into_iter().filter(|w| !self.stop.contains(w)).collect());
                let Some(first) = words.first().cloned() else { continue };
                let list = self.forms.entry(first).or_default();
                if !list.iter().any(|(w, _)| *w == words) {
                    list.push((words, canon.clone()));
                }
                list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
            }
        }
        for (table, korean) in [(file.variants, false), (file.korean_variants, true)] {
            let (map, inverse) = if korean {
                (&mut self.korean, &mut self.korean_spellings)
            } else {
                (&mut self.variants, &mut self.variant_spellings)
            };
            for (canon, spellings) in table {
                let canon = fold_words(&canon).join("");
                for s in spellings.iter().chain(std::iter::once(&canon)) {
                    let w = fold_words(s).join("");
                    match map.get(&w) {
                        Some(prev) if *prev != canon => {
                            return Err(RulesError::Ambiguous { word: w, a: prev.clone(), b: canon });
                        }
                        Some(_) => {}
                        // A spelling maps to one canonical form, once: the inverse gets
                        // it once, and stays the exact inverse even when a later table
                        // of this call is rejected.
                        None => {
                            inverse.entry(canon.clone()).or_default().push(w.clone());
                            map.insert(w, canon.clone());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The folded words of a name.
    pub fn words(&self, name: &str) -> Vec<Word> {
        self.words_as(name, false)
    }

    /// The folded words of a name, with the Korean-only variants when `korean` (the
    /// list gives the name as Korean).
    ///
    /// A name that would fold to nothing but stop words, particles and company forms
    /// (`DES INTERNATIONAL CO., LTD.`, `GENERAL TECHNOLOGY LIMITED`) keeps all its words,
    /// stop words too, as ordinary words: they are all there is to tell it by, and
    /// without them it could be neither screened nor found.
    pub fn words_as(&self, name: &str, korean: bool) -> Vec<Word> {
        let out = self.fold(name, korean, true);
        if out.iter().any(|w| !w.form) || (out.is_empty() && fold_words(name).is_empty()) {
            return out;
        }
        self.fold(name, korean, false).into_iter().map(|w| Word { form: false, ..w }).collect()
    }

    fn fold(&self, name: &str, korean: bool, drop_stop: bool) -> Vec<Word> {
        let mut raw: Vec<String> =
            join_letters(fold_words(name).into_iter().filter(|w| !drop_stop || !self.stop.contains(w)).collect());
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        'outer: while i < raw.len() {
            if let Some(phrases) = self.forms.get(&raw[i]) {
                for (phrase, canon) in phrases {
                    if raw.len() - i >= phrase.len() && raw[i..i + phrase.len()] == phrase[..] {
                        out.push(Word { text: canon.clone(), form: true, raw: phrase.join(" ") });
                        i += phrase.len();
                        continue 'outer;
                    }
                }
            }
            // Nothing reads this word again (phrases look ahead only): it moves into the
            // word rather than being copied.
            let w = std::mem::take(&mut raw[i]);
            if self.particles.contains(&w) {
                out.push(Word { text: w.clone(), form: true, raw: w });
                i += 1;
                continue;
            }
            let text = self.variant_as(&w, korean).to_string();
            out.push(Word { text, form: false, raw: w });
            i += 1;
        }
        out
    }

    /// The canonical spelling of one already folded word.
    pub fn variant<'a>(&'a self, word: &'a str) -> &'a str {
        self.variant_as(word, false)
    }

    /// The canonical spelling of one already folded word, in a Korean name or not.
    pub fn variant_as<'a>(&'a self, word: &'a str, korean: bool) -> &'a str {
        korean
            .then(|| self.korean.get(word))
            .flatten()
            .or_else(|| self.variants.get(word))
            .map(String::as_str)
            .unwrap_or(word)
    }

    /// Every folded word `w` with `variant_as(w, korean) == canon`: the inverse of
    /// [`NameRules::variant_as`], so that the matcher can list the ways two query words
    /// may be written as one list word instead of trying every split of every list word
    /// (see `Screening::joins`). `canon` itself is among them unless a table folds it
    /// to another spelling.
    pub fn spellings_as<'a>(&'a self, canon: &'a str, korean: bool) -> impl Iterator<Item = &'a str> + 'a {
        // `variant_as` looks in the Korean table first: a word it holds folds by it alone.
        let korean_key = move |w: &str| korean && self.korean.contains_key(w);
        let by_korean = korean.then(|| self.korean_spellings.get(canon)).flatten();
        let by_variants =
            self.variant_spellings.get(canon).into_iter().flatten().filter(move |w| !korean_key(w.as_str()));
        let itself = (!korean_key(canon) && !self.variants.contains_key(canon)).then_some(canon);
        by_korean.into_iter().flatten().chain(by_variants).map(String::as_str).chain(itself)
    }

    /// Every spelling the variant tables fold (to another spelling or to itself), in
    /// Korean names or not.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        self.variants.keys().chain(self.korean.keys()).map(String::as_str)
    }

    /// Whether one already folded word folds otherwise in a Korean name (`li` is `lee`
    /// there): when no word of a name does, its Korean reading is its reading.
    pub fn korean_differs(&self, word: &str) -> bool {
        self.korean.get(word).is_some_and(|k| k != self.variant_as(word, false))
    }
}

/// Runs of single letters become one word: `S A S` = `S.A.S.` = `SAS`.
fn join_letters(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut run = false;
    for w in words {
        let single = w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic();
        match out.last_mut() {
            Some(last) if single && run => last.push_str(&w),
            _ => out.push(w),
        }
        run = single;
    }
    out
}

fn is_syllabic(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF // Hangul
        | 0x3040..=0x30FF // kana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F) // Han
}

/// Transliterates, lower-cases and splits a name into words (no rules applied).
pub fn fold_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur));
        }
    };
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        } else if matches!(c, '.' | '\'' | '\u{2019}' | '\u{02bc}' | '`') {
            // Joiners: L.L.C. = LLC, O'Neil = ONeil.
        } else if c.is_ascii() || c.is_whitespace() {
            flush(&mut cur, &mut words);
        } else if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            let t = any_ascii::any_ascii_char(c);
            let syllabic = is_syllabic(c);
            if syllabic {
                flush(&mut cur, &mut words);
            }
            for b in t.chars() {
                if b.is_ascii_alphanumeric() {
                    cur.push(b.to_ascii_lowercase());
                } else if b == ' ' {
                    flush(&mut cur, &mut words);
                }
            }
            if syllabic {
                flush(&mut cur, &mut words);
            }
        } else {
            flush(&mut cur, &mut words);
        }
    }
    flush(&mut cur, &mut words);
    words
}

/// A phonetic key of one folded word, for romanisation differences the variant table
/// does not list.
pub fn skeleton(word: &str) -> String {
    let mut out = Vec::with_capacity(word.len());
    skeleton_into(word, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`skeleton`] written into `out` (cleared first), for a caller that only looks the
/// key up and reuses one buffer instead of allocating a string per word. The bytes are
/// [`skeleton`]'s; read them with [`key_str`], which reads them as [`skeleton`] does.
pub(crate) fn skeleton_into(word: &str, out: &mut Vec<u8>) {
    out.clear();
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (mapped, step): (&[u8], usize) = match (c, next) {
            (b'c', Some(b'h')) | (b'z', Some(b'h')) => (b"j", 2),
            (b's', Some(b'h')) => (b"s", 2),
            (b'k', Some(b'h')) | (b'g', Some(b'h')) => (b"g", 2),
            (b'p', Some(b'h')) => (b"f", 2),
            (b't', Some(b'h')) | (b'd', Some(b'h')) => (b"d", 2),
            (b'c', Some(b'k')) => (b"g", 2),
            (b'e', Some(b'o')) => (b"o", 2),
            (b'e', Some(b'u')) => (b"u", 2),
            (b'o', Some(b'o')) | (b'o', Some(b'u')) => (b"u", 2),
            (b'e', Some(b'e')) => (b"i", 2),
            (b'k', _) | (b'g', _) | (b'q', _) | (b'c', _) => (b"g", 1),
            (b't', _) | (b'd', _) => (b"d", 1),
            (b'p', _) | (b'b', _) => (b"b", 1),
            (b'z', _) | (b'j', _) => (b"j", 1),
            (b'r', _) => (b"l", 1),
            (b'y', _) => (b"i", 1),
            (b'w', _) => (b"u", 1),
            (b'v', _) => (b"f", 1),
            // A silent `h` after a consonant or at the end (Allah/Alla); kept between
            // vowels, where it is heard (Zihan is not Jian).
            (b'h', n) if i > 0 && (n.is_none() || !b"aeiouy".contains(&b[i - 1])) => (b"", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &m in mapped {
            if out.last() != Some(&m) {
                out.push(m);
            }
        }
        i += step;
    }
}

/// A lighter key than [`skeleton`]: only spelling differences that do not change the
/// sound (doubled letters, a silent `h`, `y`/`i`, `ph`/`f`, `ou`/`u`, `ck`/`k`), safe for
/// short words in any language (Smooth/Smoth, Sepah/Sepa, Allan/Alan), where the full
/// key would join different names (Zhen/Chen).
pub fn light_key(word: &str) -> String {
    let mut out = Vec::with_capacity(word.len());
    light_key_into(word, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`light_key`] written into `out` (cleared first), like [`skeleton_into`].
pub(crate) fn light_key_into(word: &str, out: &mut Vec<u8>) {
    out.clear();
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (mapped, step): (&[u8], usize) = match (c, next) {
            (b'p', Some(b'h')) => (b"f", 2),
            (b'o', Some(b'u')) => (b"u", 2),
            (b'c', Some(b'k')) => (b"k", 2),
            (b'y', _) => (b"i", 1),
            (b'h', n) if i > 0 && (n.is_none() || !b"aeiouy".contains(&b[i - 1])) => (b"", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &m in mapped {
            if out.last() != Some(&m) {
                out.push(m);
            }
        }
        i += step;
    }
}

/// A key [`skeleton_into`] or [`light_key_into`] wrote, as the string [`skeleton`] and
/// [`light_key`] return for it: empty when the bytes are not UTF-8 (folded words are
/// ASCII, so they always are).
pub(crate) fn key_str(key: &[u8]) -> &str {
    std::str::from_utf8(key).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(r: &NameRules, s: &str) -> Vec<String> {
        r.words(s).into_iter().map(|w| if w.form { format!("<{}>", w.text) } else { w.text }).collect()
    }

    #[test]
    fn the_builtin_rules_parse_and_are_unambiguous() {
        let mut r = NameRules::default();
        r.extend(BUILTIN).unwrap();
        assert!(r.variants.len() > 100);
    }

    #[test]
    fn names_fold_into_the_same_words() {
        let r = NameRules::builtin();
        assert_eq!(texts(&r, "KIM, Sang Man"), ["kim", "sang", "man"]);
        assert_eq!(texts(&r, "김상만"), ["kim", "sang", "man"]);
        assert_eq!(texts(&r, "Gim Sang-man"), ["kim", "sang", "man"]);
        assert_eq!(
            texts(&r, "Chinyong Information Technology Cooperation Co."),
            ["chinyong", "information", "<technology>", "<cooperation>", "<company>"]
        );
        assert_eq!(texts(&r, "LIMITED LIABILITY COMPANY ALIS"), ["<llc>", "alis"]);
        assert_eq!(texts(&r, "Alis L.L.C."), ["alis", "<llc>"]);
        assert_eq!(texts(&r, "José  MÜLLER-O'Neil"), ["jose", "muller", "oneil"]);
        assert_eq!(texts(&r, "Виталий КУЗЬМЕНКО"), ["vitaliy", "kuzmenko"]);
        assert_eq!(texts(&r, "Department 53 of the Ministry"), ["department", "53", "ministry"]);
        assert_eq!(texts(&r, "PARQUES S A S"), ["parques", "<sas>"]);
        assert_eq!(texts(&r, "Grupo Crisatl S.A. de C.V."), ["<group>", "crisatl", "<sacv>"]);
        assert_eq!(texts(&r, "John F Kennedy"), ["john", "f", "kennedy"]);
        assert_eq!(texts(&r, "王伟"), ["wang", "wei"]);
        assert_eq!(texts(&r, "RI Je-son"), texts(&r, "Lee Je Son"));
        // Chinese Li, Yi, Zhang and Wu are not Korean Lee, Jang and U, except in a
        // Korean name.
        assert_eq!(texts(&r, "Li Yi Zhang Wu"), ["li", "yi", "zhang", "wu"]);
        let korean: Vec<String> = r.words_as("Li Yi Chang Wu", true).into_iter().map(|w| w.text).collect();
        assert_eq!(korean, ["lee", "lee", "jang", "u"]);
        assert_eq!(texts(&r, ""), Vec::<String>::new());
    }

    #[test]
    fn the_phonetic_key_joins_romanisations() {
        for (a, b) in [("chinyong", "jinyong"), ("kim", "gim"), ("jeong", "chong"), ("hyeok", "hyok"), ("pak", "bak")] {
            assert_eq!(skeleton(a), skeleton(b), "{a} {b}");
        }
        assert_ne!(skeleton("maria"), skeleton("mario"));
        for (a, b) in [("smooth", "smoth"), ("sepah", "sepa"), ("allan", "alan"), ("food", "fod"), ("mary", "mari")] {
            assert_eq!(light_key(a), light_key(b), "{a} {b}");
        }
        for (a, b) in [("zhen", "chen"), ("zhou", "chu"), ("sun", "son"), ("kim", "gim")] {
            assert_ne!(light_key(a), light_key(b), "{a} {b}");
        }
        assert_ne!(skeleton("smith"), skeleton("smyth") + "x");
    }

    /// `spellings_as` is the exact inverse of `variant_as`, in Korean names and not:
    /// every spelling it lists folds to the word, and every word that folds to another
    /// is listed among that one's spellings.
    #[test]
    fn spellings_invert_variants() {
        let mut r = NameRules::builtin();
        r.extend("[variants]\nzzx = [\"zzy\"]\n[korean_variants]\nzzy = [\"zzz\"]\n").unwrap();
        let mut words: Vec<String> = r.variants.keys().chain(r.korean.keys()).cloned().collect();
        words.extend(r.variants.values().chain(r.korean.values()).cloned());
        words.extend(["kim", "mohammed", "smith", "zzx", "zzy", "zzz", "x"].map(String::from));
        for korean in [false, true] {
            for w in &words {
                let c = r.variant_as(w, korean);
                assert!(r.spellings_as(c, korean).any(|s| s == w), "{w} -> {c} ({korean})");
                for s in r.spellings_as(w, korean) {
                    assert_eq!(r.variant_as(s, korean), w, "{s} listed for {w} ({korean})");
                }
                assert_eq!(r.korean_differs(w), r.variant_as(w, true) != r.variant_as(w, false), "{w}");
            }
        }
        assert!(r.spellings_as("lee", true).any(|s| s == "li"));
        assert!(!r.spellings_as("lee", false).any(|s| s == "li"));
    }

    #[test]
    fn extension_adds_and_checks() {
        let mut r = NameRules::builtin();
        r.extend("[variants]\nkhan = [\"khan\", \"kahn\"]\n").unwrap();
        assert_eq!(texts(&r, "Kahn"), ["khan"]);
        assert!(r.extend("[variants]\nx = [\"kim\"]\n").is_err());
        assert!(r.extend("nonsense = 1\n").is_err());
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn folding_never_panics_and_is_stable(s in "\\PC{0,60}") {
            let r = NameRules::builtin();
            let words = r.words(&s);
            let again: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
            for w in &words {
                prop_assert!(!w.text.is_empty());
                prop_assert!(w.text.bytes().all(|b| b.is_ascii_alphanumeric()));
                let _ = skeleton(&w.text);
            }
            let joined = again.join(" ");
            let _ = r.words(&joined);
        }
    }
}

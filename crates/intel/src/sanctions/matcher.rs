//! The name matcher: which list entries does a name match, how well, and why.
//!
//! Every name and alias of every entry is folded into words ([`super::names`]) and
//! indexed four ways: by word, by the word's phonetic key, by its first four key
//! letters (typos later in the word), and by adjacent word pairs joined (`sang man` is
//! found by `Sangman`). A query is folded the same way; its words fetch candidate names
//! from the index, rarest word first, and the words of lists too common to walk (a
//! `kim` among North Korean designations) are checked against the candidates already
//! found instead. Only candidates that share enough of the query's weight are scored
//! in full, so a query never scans the list.
//!
//! The score of a name is a weighted Dice coefficient over an alignment of words that
//! ignores order: each query word pairs with at most one list word (exact 1.0, same
//! variant-folded spelling 1.0, same sound spelt otherwise (doubled letters, silent h) 0.9,
//! same phonetic key 0.85 (short words only in Korean names), one typo from six letters or two from nine
//! 0.8/0.75 (two letters swapped 0.9), one word equal to two joined words 0.95, or to their joined phonetic key 0.9), and
//! `score = Σ similarity × (w_query + w_list) / (Σ w_query + Σ w_list)`.
//! A word's weight is 0.5 plus half its normalised inverse frequency among list names,
//! so a rare word counts up to twice a common one, and company forms count 0.25: a
//! missing `LLC` costs little, a missing surname a lot. Aliases a list marks weak count
//! a little less. A date of birth and countries, when the query has them, then lift or
//! lower the name score by configured amounts. Every match carries its breakdown.

use std::collections::BTreeMap;

use bonafide_core::CountryCode;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::identifiers::{self, IdKind};
use super::names::{NameRules, Word, key_str, light_key, light_key_into, skeleton, skeleton_into};
use super::{Dob, DobAgreement, Entry, EntryKind, Lists};

/// `[screening]` matching settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchConfig {
    /// Matches scoring below this are not reported (0..1). `bonafide screen --min-score`
    /// overrides it for one run.
    pub min_score: f64,
    /// Factor on the score of a name the list marks as a weak alias.
    pub weak_alias_factor: f64,
    /// The most a weak alias scores unless a date of birth or a country of the query
    /// agrees with the entry's. Lists mark as weak the aliases too generic to screen on
    /// (the UN's `Low` quality: `John`, `Israel`, `Chairman`), so one must not match on
    /// its own: below `min_score`, it shows only when asked for lower scores.
    pub weak_alias_cap: f64,
    /// Added when the query's date of birth agrees with one of the entry's (to the
    /// month at least).
    pub dob_match_bonus: f64,
    /// Added when only the year agrees: a listed year, range or `circa`, or a query that
    /// knows only the year. Consistent but shared by many: it does not corroborate.
    pub dob_year_bonus: f64,
    /// Subtracted when the entry has dates of birth and none agrees.
    pub dob_mismatch_penalty: f64,
    /// Added when one of the query's countries is one of the entry's.
    pub country_match_bonus: f64,
    /// Subtracted when both have countries and none is shared.
    pub country_mismatch_penalty: f64,
    /// Candidates scored in full per query, at most, those with the best achievable
    /// score first. Candidates that cannot reach the minimum score are dropped before
    /// this cap, so it bounds the work on a query that matches very many names alike.
    pub max_candidates: usize,
    /// Share of the query's word weight a candidate must share through the index to be
    /// scored in full.
    pub min_candidate_share: f64,
    /// Factor on the name score when the query puts a Korean person's given-name
    /// syllables in another order than the list (`Il-soo Kim` for `KIM Su Il`): the
    /// order of the syllables is the name (Su Il and Il Su are two people), while moving
    /// the family name from front to back is only a writing habit and costs nothing.
    pub given_order_factor: f64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            min_score: 0.88,
            weak_alias_factor: 0.92,
            weak_alias_cap: 0.85,
            dob_match_bonus: 0.05,
            dob_year_bonus: 0.02,
            dob_mismatch_penalty: 0.15,
            country_match_bonus: 0.03,
            country_mismatch_penalty: 0.05,
            max_candidates: 100,
            min_candidate_share: 0.34,
            given_order_factor: 0.8,
        }
    }
}

/// What to screen: a name, and facts that lift or lower a name match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub name: String,
    /// Date of birth: a full date, or only a year (and month) when that is all that is
    /// known, which agrees at most on the year.
    pub dob: Option<Dob>,
    /// Countries comparable with the list's nationalities and addresses (a nationality
    /// or an identity document's country, not a claimed home: see the S1 detector).
    pub countries: Vec<CountryCode>,
    /// The name is a person's (a subject, an alias, a reference, a payee, a recipient):
    /// vessels and aircraft are not candidates. Ships are named like people (`JIN TAI`,
    /// `HWA SONG`), and a person whose name is a ship's is not that ship.
    pub person: bool,
}

impl Query {
    pub fn name(name: impl Into<String>) -> Query {
        Query { name: name.into(), ..Default::default() }
    }

    /// A person's name: see [`Query::person`].
    pub fn person(name: impl Into<String>) -> Query {
        Query { name: name.into(), person: true, ..Default::default() }
    }
}

/// How one query word met one list word.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TokenPair {
    pub query: String,
    pub list: String,
    pub similarity: f64,
    /// `exact`, `variant`, `phonetic`, `typo`, `joined`, `form`.
    pub how: &'static str,
}

/// One entry a query matches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// Index of the entry in [`Screening::entries`].
    pub entry: usize,
    /// The name or alias that matched.
    pub matched_name: String,
    pub alias: bool,
    /// Final score, 0..1, after date-of-birth and country adjustments.
    pub score: f64,
    /// The name score before adjustments.
    pub name_score: f64,
    pub pairs: Vec<TokenPair>,
    /// Query words left without a partner, and list words likewise.
    pub unmatched_query: Vec<String>,
    pub unmatched_list: Vec<String>,
    /// Adjustments applied, e.g. `("date of birth agrees", 0.05)`.
    pub adjustments: Vec<(String, f64)>,
    /// Set when the match is an exact identifier (email, domain, wallet): certainty.
    pub identifier: Option<(IdKind, String)>,
    /// A date of birth or a country of the query agrees with the entry's: the name is
    /// not all there is (whatever the configured bonus for it).
    pub corroborated: bool,
}

#[derive(Clone, Copy, Debug)]
struct NameRec {
    entry: u32,
    /// 0 for the primary name, i for alias i - 1.
    alias: u16,
    start: u32,
    len: u16,
    weight: f32,
    weak: bool,
    /// A Korean name (the entry concerns North or South Korea): its short syllables
    /// may match by phonetic key (Kyu/Gyu, Chun/Jun, Tok/Deok), which in other
    /// languages joins different names (Zhen/Chen, Zhou/Chu).
    korean: bool,
}

#[derive(Clone, Copy, Debug)]
struct NTok {
    canon: u32,
    skel: u32,
    /// The phonetic key of this word joined with the next (`u32::MAX` when none).
    pair_skel: u32,
    light: u32,
    w: f32,
    form: bool,
}

#[derive(Debug, Default, Clone)]
struct Interner {
    map: FxHashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.strs.len() as u32;
        self.strs.push(s.into());
        self.map.insert(s.into(), i);
        i
    }
    fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }
    fn str(&self, i: u32) -> &str {
        &self.strs[i as usize]
    }
}

struct QTok {
    raw: String,
    canon: String,
    skel: String,
    canon_id: Option<u32>,
    skel_id: Option<u32>,
    /// The phonetic key of this word joined with the next, when the lists know it.
    pair_skel_id: Option<u32>,
    light_id: Option<u32>,
    w: f32,
    form: bool,
    /// The letters of `canon` and of `skel` ([`letters`]), for the typo test of the bound.
    letters: u128,
    skel_letters: u128,
    /// The pairs of adjacent list words (canon ids) this word writes as one (`sangman`:
    /// `sang man`; see [`Screening::halves`]), read as in a list name that is not Korean
    /// `[0]` and that is `[1]`. Listed once per query by [`Screening::prepare_joins`]:
    /// trying every split of the word against every candidate's words was most of the
    /// time of a query.
    halves: [Vec<(u32, u32)>; 2],
    /// The list words (canon ids) that write this word and the next as one, likewise.
    joins: [Vec<u32>; 2],
}

/// The query weight each name shares through the index, summed by
/// [`Screening::candidates`] as it walks the postings: one slot per indexed name, and
/// the names touched, in the order first touched. A slot holds (the weight shared, the
/// query word counted last (`u16::MAX`: none yet), what that word added), so that a
/// word found in one name through several postings (its spelling, its key, a prefix)
/// counts once, at its strongest.
///
/// A hash map from name to slot did this before: hashing, probing and a table allocated
/// per query were a third of the candidate search and a ninth of the instructions of a
/// query that finds names. An array indexed by name is a load and a store per posting,
/// and only the touched slots are cleared; the order of the candidates, which changes,
/// never mattered (`screen` sorts them on score and name). It is kept per thread ([`SHARES`]) rather than in the
/// [`Screening`], which is shared between threads and must stay `Sync` without a lock
/// on every query; the array grows to the largest list a thread has screened against
/// (12 bytes a name: half a megabyte for the OFAC lists with aliases).
#[derive(Default)]
struct Shares {
    slots: Vec<(f32, u16, f32)>,
    touched: Vec<u32>,
}

impl Shares {
    const EMPTY: (f32, u16, f32) = (0.0, u16::MAX, 0.0);

    /// Clears the slots the last query touched and makes room for `names` names. Clearing
    /// before rather than after a query keeps the slots right even when a query did
    /// not finish (a panic unwinds through the borrow).
    fn reset(slots: &mut Vec<(f32, u16, f32)>, touched: &mut Vec<u32>, names: usize) {
        for &ni in touched.iter() {
            if let Some(slot) = slots.get_mut(ni as usize) {
                *slot = Shares::EMPTY;
            }
        }
        touched.clear();
        if slots.len() < names {
            slots.resize(names, Shares::EMPTY);
        }
    }
}

thread_local! {
    /// This thread's [`Shares`], reused by every query it screens.
    static SHARES: std::cell::RefCell<Shares> = std::cell::RefCell::new(Shares::default());
}

/// Similarity of two spellings of one sound (doubled letters, silent h, y/i).
const SPELLING: f64 = 0.9;

/// Similarity of two words with the same phonetic key but different spellings. Two such
/// words alone (Zhou Zhen / Zhu Chen) stay under the default threshold.
const PHONETIC: f64 = 0.85;

/// Similarity of one word with two joined words under the phonetic key (`Seongnam` =
/// `Song Nam`): joined syllables of a given name, a common way to write Korean names.
const JOINED_PHONETIC: f64 = 0.9;

/// Names longer than this many words are cut (list names rarely exceed 12).
const MAX_WORDS: usize = 24;
/// Postings longer than this are checked against candidates rather than walked.
const LARGE: usize = 384;

/// Loaded lists, indexed for screening.
pub struct Screening {
    entries: Vec<Entry>,
    sources: Vec<String>,
    rules: NameRules,
    config: MatchConfig,
    names: Vec<NameRec>,
    toks: Vec<NTok>,
    canon: Interner,
    skel: Interner,
    light: Interner,
    by_canon: Vec<Vec<u32>>,
    by_skel: Vec<Vec<u32>>,
    by_pair: FxHashMap<Box<str>, Vec<u32>>,
    by_prefix: FxHashMap<Box<str>, Vec<u32>>,
    by_suffix: FxHashMap<Box<str>, Vec<u32>>,
    canon_w: Vec<f32>,
    /// The letters of each interned word and phonetic key ([`letters`]), by id.
    canon_letters: Vec<u128>,
    skel_letters: Vec<u128>,
    /// The list word each spelling of the variant tables folds to, in a name that is
    /// not Korean `[0]` and that is `[1]`: `canon.get(variant_as(w, korean))` for the
    /// few hundred strings where that is not `canon.get(w)`, for [`Screening::halves`].
    spelling_folds: FxHashMap<Box<str>, [Option<u32>; 2]>,
    ids: FxHashMap<(IdKind, String), Vec<u32>>,
    /// Listed document numbers by keyed fingerprint, with their masked form.
    documents: FxHashMap<bonafide_core::Fingerprint, Vec<(u32, String)>>,
}

impl std::fmt::Debug for Screening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screening").field("entries", &self.entries.len()).field("names", &self.names.len()).finish()
    }
}

impl Default for Screening {
    fn default() -> Self {
        Screening::build(Lists::default(), NameRules::builtin(), MatchConfig::default())
    }
}

fn prefix_key(skel: &str) -> Option<&str> {
    (skel.len() >= 5).then(|| &skel[..4])
}

fn suffix_key(skel: &str) -> Option<&str> {
    (skel.len() >= 7).then(|| &skel[skel.len() - 4..])
}

/// Edit distance with transpositions, or `None` when above `max`. Words longer than
/// 31 bytes are compared on their first 31.
fn osa(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    const W: usize = 32;
    let (a, b) = (&a[..a.len().min(W - 1)], &b[..b.len().min(W - 1)]);
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let n = b.len();
    let mut prev2 = [0usize; W];
    let mut prev = [0usize; W];
    let mut cur = [0usize; W];
    for (j, p) in prev.iter_mut().enumerate().take(n + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        prev2 = prev;
        prev = cur;
    }
    let d = prev[n];
    (d <= max).then_some(d)
}

impl Screening {
    /// Indexes every name of every entry.
    pub fn build(lists: Lists, rules: NameRules, config: MatchConfig) -> Screening {
        let mut s = Screening {
            entries: lists.entries,
            sources: lists.sources,
            rules,
            config,
            names: Vec::new(),
            toks: Vec::new(),
            canon: Interner::default(),
            skel: Interner::default(),
            light: Interner::default(),
            by_canon: Vec::new(),
            by_skel: Vec::new(),
            by_pair: FxHashMap::default(),
            by_prefix: FxHashMap::default(),
            by_suffix: FxHashMap::default(),
            canon_w: Vec::new(),
            canon_letters: Vec::new(),
            skel_letters: Vec::new(),
            spelling_folds: FxHashMap::default(),
            ids: FxHashMap::default(),
            documents: FxHashMap::default(),
        };
        let mut pending: Vec<(NameRec, Vec<Word>)> = Vec::new();
        let (kp, kr) = (CountryCode::new("KP"), CountryCode::new("KR"));
        for (ei, e) in s.entries.iter().enumerate() {
            let mut seen: Vec<Vec<Word>> = Vec::new();
            let korean = e.dprk.is_some()
                || e.nationalities.iter().chain(&e.countries).any(|c| Some(*c) == kp || Some(*c) == kr);
            for (ai, name) in e.all_names().enumerate() {
                if e.kind == EntryKind::Identifier {
                    break;
                }
                let mut words = s.rules.words_as(name, korean);
                words.truncate(MAX_WORDS);
                let key: Vec<(&str, bool)> = words.iter().map(|w| (w.text.as_str(), w.form)).collect();
                if words.is_empty()
                    || seen.iter().any(|s| s.iter().map(|w| (w.text.as_str(), w.form)).eq(key.iter().copied()))
                {
                    continue;
                }
                drop(key);
                seen.push(words.clone());
                let weak = ai > 0 && e.aliases[ai - 1].weak;
                let rec = NameRec { entry: ei as u32, alias: ai as u16, start: 0, len: 0, weight: 0.0, weak, korean };
                pending.push((rec, words));
            }
            for v in &e.emails {
                if let Some(n) = identifiers::normalise_email(v) {
                    s.ids.entry((IdKind::Email, n)).or_default().push(ei as u32);
                }
            }
            for v in &e.websites {
                // A page on a shared platform (`facebook.com/...`) is not the platform.
                if let Some(n) = identifiers::site_domain(v) {
                    s.ids.entry((IdKind::Domain, n)).or_default().push(ei as u32);
                }
            }
            for w in &e.wallets {
                if let Some(n) = identifiers::normalise_wallet(&w.address) {
                    s.ids.entry((IdKind::Wallet, n)).or_default().push(ei as u32);
                }
            }
        }
        for v in s.ids.values_mut() {
            v.dedup();
        }
        // Document frequencies, for weights.
        let mut df: Vec<u32> = Vec::new();
        for (_, words) in &pending {
            let mut ids: Vec<u32> = words.iter().filter(|w| !w.form).map(|w| s.canon.intern(&w.text)).collect();
            ids.sort_unstable();
            ids.dedup();
            for i in ids {
                if df.len() <= i as usize {
                    df.resize(i as usize + 1, 0);
                }
                df[i as usize] += 1;
            }
        }
        let n = (pending.len().max(2)) as f32;
        s.canon_w = df.iter().map(|&d| 0.5 + 0.5 * ((n / d.max(1) as f32).ln() / n.ln()).clamp(0.0, 1.0)).collect();
        s.by_canon = vec![Vec::new(); s.canon.strs.len()];
        for (mut rec, words) in pending {
            let ni = s.names.len() as u32;
            rec.start = s.toks.len() as u32;
            rec.len = words.len() as u16;
            let mut weight = 0.0;
            for w in &words {
                let canon = s.canon.intern(&w.text);
                let sk = skeleton(&w.text);
                let skel = s.skel.intern(&sk);
                let tw = if w.form { 0.25 } else { s.canon_w.get(canon as usize).copied().unwrap_or(1.0) };
                weight += tw;
                let light = s.light.intern(&light_key(&w.text));
                s.toks.push(NTok { canon, skel, pair_skel: u32::MAX, light, w: tw, form: w.form });
                if w.form {
                    continue;
                }
                if s.by_canon.len() <= canon as usize {
                    s.by_canon.resize(canon as usize + 1, Vec::new());
                }
                push_once(&mut s.by_canon[canon as usize], ni);
                if s.by_skel.len() <= skel as usize {
                    s.by_skel.resize(skel as usize + 1, Vec::new());
                }
                push_once(&mut s.by_skel[skel as usize], ni);
                if let Some(p) = prefix_key(&sk) {
                    push_once(s.by_prefix.entry(p.into()).or_default(), ni);
                }
                if let Some(p) = suffix_key(&sk) {
                    push_once(s.by_suffix.entry(p.into()).or_default(), ni);
                }
            }
            for (k, pair) in words.windows(2).enumerate() {
                if !pair[0].form && !pair[1].form {
                    let joined = format!("{}{}", pair[0].text, pair[1].text);
                    push_once(s.by_pair.entry(joined.as_str().into()).or_default(), ni);
                    let joined = skeleton(&joined);
                    s.toks[rec.start as usize + k].pair_skel = s.skel.intern(&joined);
                    push_once(s.by_pair.entry(joined.into()).or_default(), ni);
                }
            }
            rec.weight = weight;
            s.names.push(rec);
        }
        s.canon_letters = s.canon.strs.iter().map(|w| letters(w.as_bytes())).collect();
        s.skel_letters = s.skel.strs.iter().map(|w| letters(w.as_bytes())).collect();
        // A string the tables do not list folds to itself.
        s.spelling_folds = s
            .rules
            .spellings()
            .map(|w| (w.into(), [false, true].map(|k| s.canon.get(s.rules.variant_as(w, k)))))
            .collect();
        s
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i)
    }

    /// One line per list loaded.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    pub fn config(&self) -> &MatchConfig {
        &self.config
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Names indexed (primary names and aliases).
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The query's words with what the index knows of them. The keys only looked up
    /// (a word's light key, the phonetic key of two words joined) are written into two
    /// buffers reused for every word rather than allocated per word.
    fn query_tokens(&self, name: &str, korean: bool) -> Vec<QTok> {
        let mut words = self.rules.words_as(name, korean);
        words.truncate(MAX_WORDS);
        let (mut joined, mut key) = (String::new(), Vec::new());
        let pair_skels: Vec<Option<u32>> = (0..words.len())
            .map(|i| {
                let next = words.get(i + 1)?;
                if words[i].form || next.form {
                    return None;
                }
                joined.clear();
                joined.push_str(&words[i].text);
                joined.push_str(&next.text);
                skeleton_into(&joined, &mut key);
                self.skel.get(key_str(&key))
            })
            .collect();
        words
            .into_iter()
            .zip(pair_skels)
            .map(|(w, pair_skel_id)| {
                let canon_id = self.canon.get(&w.text);
                let sk = skeleton(&w.text);
                let skel_id = self.skel.get(&sk);
                let w_ = if w.form {
                    0.25
                } else {
                    canon_id.and_then(|c| self.canon_w.get(c as usize).copied()).unwrap_or(1.0)
                };
                light_key_into(&w.text, &mut key);
                let light_id = self.light.get(key_str(&key));
                let (letters, skel_letters) = (letters(w.text.as_bytes()), letters(sk.as_bytes()));
                QTok {
                    raw: w.raw,
                    canon: w.text,
                    skel: sk,
                    canon_id,
                    skel_id,
                    pair_skel_id,
                    light_id,
                    w: w_,
                    form: w.form,
                    letters,
                    skel_letters,
                    halves: Default::default(),
                    joins: Default::default(),
                }
            })
            .collect()
    }

    /// Lists, for the query words `qt` compared with list names that are Korean or not
    /// (each of `readings`), which adjacent list words each word writes as one and which
    /// list words write two adjacent query words as one: what [`Screening::joined`] says
    /// of them, asked once per query instead of once per candidate word.
    fn prepare_joins(&self, qt: &mut [QTok], readings: &[bool]) {
        for i in 0..qt.len() {
            if qt[i].form {
                continue;
            }
            let mut halves = self.halves(&qt[i].canon);
            for &korean in readings {
                let k = usize::from(korean);
                // Each reading is asked once: its list moves, uncopied.
                qt[i].halves[k] = std::mem::take(&mut halves[k]);
                if let Some(next) = qt.get(i + 1)
                    && !next.form
                {
                    qt[i].joins[k] = self.joins(&qt[i].canon, &next.canon, korean);
                }
            }
        }
    }

    /// The entries whose names match `q` at or above `min_score` (the configured
    /// minimum when `None`), best first, one match per entry.
    pub fn screen(&self, q: &Query, min_score: Option<f64>) -> Vec<Match> {
        let min = min_score.unwrap_or(self.config.min_score);
        let mut qt = self.query_tokens(&q.name, false);
        let wq: f32 = qt.iter().filter(|t| !t.form).map(|t| t.w).sum();
        if wq <= 0.0 {
            return Vec::new();
        }
        // The query folded as a Korean name, when that differs (`Li` is `lee` there):
        // it is compared with the Korean names of the lists, `qt` with the others. The
        // two readings differ only in words the Korean table folds otherwise, which
        // most names have none of: then the query is not read twice.
        let mut qk = qt
            .iter()
            .any(|t| self.rules.korean_differs(&t.raw))
            .then(|| self.query_tokens(&q.name, true))
            .filter(|qk| qk.iter().map(|t| &t.canon).ne(qt.iter().map(|t| &t.canon)));
        match &mut qk {
            Some(qk) => {
                self.prepare_joins(&mut qt, &[false]);
                self.prepare_joins(qk, &[true]);
            }
            None => self.prepare_joins(&mut qt, &[false, true]),
        }
        let mut cands = self.candidates(&qt, false);
        if let Some(qk) = &qk {
            cands.retain(|(ni, _)| !self.names[*ni as usize].korean);
            cands.extend(self.candidates(qk, true).into_iter().filter(|(ni, _)| self.names[*ni as usize].korean));
        }
        let toks_for = |rec: NameRec| -> &[QTok] {
            match &qk {
                Some(k) if rec.korean => k,
                _ => &qt,
            }
        };
        // Only names whose best achievable score reaches the minimum (less what a date
        // of birth and countries could add) are scored in full, best bound first: an
        // exact name is never cut for names that merely share its words (`MOHAMMED,
        // Ali` among the hundreds of names with both), whatever the lists loaded.
        let slack = self.config.dob_match_bonus.max(0.0) + self.config.country_match_bonus.max(0.0);
        let need = (min - slack - 0.02) as f32;
        let mut cands: Vec<(u32, f32, f32)> = cands
            .into_iter()
            .filter(|(ni, _)| {
                !q.person
                    || !matches!(
                        self.entries[self.names[*ni as usize].entry as usize].kind,
                        EntryKind::Vessel | EntryKind::Aircraft
                    )
            })
            .map(|(ni, a)| (ni, self.bound(toks_for(self.names[ni as usize]), self.names[ni as usize]), a))
            .filter(|(_, b, _)| need <= 0.0 || *b >= need)
            .collect();
        cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
        cands.truncate(self.config.max_candidates);

        // Per entry, the best of its names; among equals, the one written in the
        // query's word order (`Alis LLC` is reported as the a.k.a. `ALIS LLC`).
        // (score with the order factor, written in the query's order, name, name score
        // before the order factor, syllables inverted).
        let mut best: BTreeMap<u32, (f64, bool, u32, f64, bool)> = BTreeMap::new();
        let mut scratch = Vec::new();
        for (ni, _, _) in &cands {
            let rec = self.names[*ni as usize];
            let qt = toks_for(rec);
            let a = self.align(qt, rec, false, &mut scratch);
            let mut name_score = a.score;
            if rec.weak {
                name_score *= self.config.weak_alias_factor;
                if !agreement(q, &self.entries[rec.entry as usize]).corroborates() {
                    name_score = name_score.min(self.config.weak_alias_cap);
                }
            }
            let score = if a.inverted { name_score * self.config.given_order_factor } else { name_score };
            let toks = &self.toks[rec.start as usize..rec.start as usize + rec.len as usize];
            let in_order = toks.len() == qt.len() && toks.iter().zip(qt).all(|(n, q)| Some(n.canon) == q.canon_id);
            let e = best.entry(rec.entry).or_insert((-1.0, false, *ni, 0.0, false));
            if score > e.0 || (score == e.0 && in_order && !e.1) {
                *e = (score, in_order, *ni, name_score, a.inverted);
            }
        }
        let mut out: Vec<Match> = Vec::new();
        for (entry, (score, _, ni, name_score, inverted)) in best {
            if score + slack < min {
                continue;
            }
            let rec = self.names[ni as usize];
            let e = &self.entries[entry as usize];
            let mut adjustments = Vec::new();
            if inverted {
                adjustments.push(("given-name syllables in another order than listed".to_string(), score - name_score));
            }
            let (facts, corroborated) = self.facts(q, e);
            adjustments.extend(facts);
            let mut score = (name_score + adjustments.iter().map(|(_, a)| a).sum::<f64>()).clamp(0.0, 1.0);
            if rec.weak && !corroborated {
                score = score.min(self.config.weak_alias_cap);
            }
            if score < min {
                continue;
            }
            let Aligned { pairs, unmatched_query: uq, unmatched_list: ul, .. } =
                self.align(toks_for(rec), rec, true, &mut scratch);
            let matched_name = e.all_names().nth(rec.alias as usize).unwrap_or(&e.name).to_string();
            out.push(Match {
                entry: entry as usize,
                matched_name,
                alias: rec.alias > 0,
                score,
                name_score,
                pairs,
                unmatched_query: uq,
                unmatched_list: ul,
                adjustments,
                identifier: None,
                corroborated,
            });
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }

    /// The date-of-birth and country adjustments of a query against one entry, and
    /// whether one of them agrees ([`Agreement::corroborates`]).
    fn facts(&self, q: &Query, e: &Entry) -> (Vec<(String, f64)>, bool) {
        let a = agreement(q, e);
        let mut adjustments = Vec::new();
        let listed = || e.dobs.iter().map(|d| d.label()).collect::<Vec<_>>().join(", ");
        match a.dob {
            Some(DobAgreement::Full) => {
                adjustments.push(("date of birth agrees".to_string(), self.config.dob_match_bonus));
            }
            Some(DobAgreement::Year) => {
                adjustments.push((format!("year of birth agrees (listed {})", listed()), self.config.dob_year_bonus))
            }
            Some(DobAgreement::Differs) => adjustments
                .push((format!("date of birth differs (listed {})", listed()), -self.config.dob_mismatch_penalty)),
            None => {}
        }
        match a.country {
            Some(Some(c)) => {
                adjustments.push((format!("country {} agrees", c.as_str()), self.config.country_match_bonus))
            }
            Some(None) => adjustments.push(("countries differ".to_string(), -self.config.country_mismatch_penalty)),
            None => {}
        }
        (adjustments, a.corroborates())
    }

    /// The entries publishing this identifier (exact after normalisation): certainty.
    pub fn identifier(&self, kind: IdKind, value: &str) -> Vec<Match> {
        let Some(n) = identifiers::normalise(kind, value) else { return Vec::new() };
        let Some(list) = self.ids.get(&(kind, n.clone())) else { return Vec::new() };
        list.iter()
            .map(|&e| {
                let entry = &self.entries[e as usize];
                Match {
                    entry: e as usize,
                    matched_name: entry.name.clone(),
                    alias: false,
                    score: 1.0,
                    name_score: 0.0,
                    pairs: Vec::new(),
                    unmatched_query: Vec::new(),
                    unmatched_list: Vec::new(),
                    adjustments: Vec::new(),
                    identifier: Some((kind, n.clone())),
                    corroborated: true,
                }
            })
            .collect()
    }

    /// Fingerprints every listed identity-document number under the installation key,
    /// so a subject's document (which arrives only as a fingerprint) can be compared.
    pub fn index_documents(&mut self, keyring: &crate::Keyring) {
        use bonafide_core::SensitiveKind::IdDocument;
        self.documents.clear();
        for (ei, e) in self.entries.iter().enumerate() {
            for d in &e.documents {
                let n = crate::fingerprint::normalise(IdDocument, &d.number);
                if n.len() < 5 {
                    continue;
                }
                let fp = keyring.fingerprint(IdDocument, &n);
                let masked = crate::fingerprint::mask(IdDocument, &n);
                let list = self.documents.entry(fp).or_default();
                if !list.iter().any(|(x, _)| *x == ei as u32) {
                    list.push((ei as u32, format!("{} {masked}", d.kind)));
                }
            }
        }
    }

    /// The entries listing an identity document with this fingerprint (certainty; the
    /// number shows only masked).
    pub fn document(&self, fp: &bonafide_core::Fingerprint) -> Vec<Match> {
        self.documents
            .get(fp)
            .into_iter()
            .flatten()
            .map(|(e, masked)| Match {
                entry: *e as usize,
                matched_name: self.entries[*e as usize].name.clone(),
                alias: false,
                score: 1.0,
                name_score: 0.0,
                pairs: Vec::new(),
                unmatched_query: Vec::new(),
                unmatched_list: Vec::new(),
                adjustments: Vec::new(),
                identifier: Some((IdKind::Document, masked.clone())),
                corroborated: true,
            })
            .collect()
    }

    /// Every normalised identifier of `kind` the lists publish, with its entries.
    pub fn identifiers(&self, kind: IdKind) -> impl Iterator<Item = (&str, &[u32])> {
        self.ids.iter().filter(move |((k, _), _)| *k == kind).map(|((_, v), e)| (v.as_str(), e.as_slice()))
    }

    fn sim(&self, q: &QTok, n: &NTok, korean: bool) -> (f64, &'static str) {
        if q.form && n.form {
            return if q.canon_id == Some(n.canon) { (1.0, "form") } else { (0.0, "") };
        }
        if !q.form && !n.form {
            if q.canon_id == Some(n.canon) {
                return (1.0, "exact");
            }
            if q.light_id == Some(n.light) {
                return (SPELLING, "spelling");
            }
            // Short words sound alike too easily across languages (Zhen/Chen, Zhou/Chu),
            // except the syllables of Korean names, written in three romanisations.
            if q.skel_id == Some(n.skel) && (korean || q.canon.len().min(self.canon.str(n.canon).len()) >= 5) {
                return (PHONETIC, "phonetic");
            }
        }
        // A typo, on the spelling or on the phonetic key, also of a company form word
        // (`Interantional`); short words are left alone: Mary/Mark, Zheng/Zhang,
        // Ting/Teng are other names.
        let (a, b) = (q.canon.as_bytes(), self.canon.str(n.canon).as_bytes());
        let Some(max) = typo_budget(a, b) else { return (0.0, "") };
        let mut d = osa(a, b, max);
        if !q.form && !n.form {
            let (c, e) = (q.skel.as_bytes(), self.skel.str(n.skel).as_bytes());
            if typo_budget(c, e).is_some()
                && let Some(k) = osa(c, e, max)
            {
                d = Some(d.map_or(k, |x| x.min(k)));
            }
        }
        match d {
            // Two letters swapped is a slip of the keyboard, not another name
            // (Hernandez/Fernandez is one substitution and stays at 0.8).
            Some(1) if swapped(a, b) => (0.9, "typo"),
            Some(1) => (0.8, "typo"),
            Some(_) => (0.75, "typo"),
            None => (0.0, ""),
        }
    }

    /// The names the index proposes for the query words `qt` (folded as Korean or
    /// not), with the weight of the query they share, at least the floor share.
    fn candidates(&self, qt: &[QTok], korean: bool) -> Vec<(u32, f32)> {
        let wq: f32 = qt.iter().filter(|t| !t.form).map(|t| t.w).sum();
        // Candidate generation: (name -> (shared weight, last query word counted, its add)).
        let mut sources: Vec<(usize, f32, &[u32])> = Vec::new(); // (query word, strength, postings)
        for (i, t) in qt.iter().enumerate() {
            if t.form {
                continue;
            }
            if let Some(c) = t.canon_id {
                sources.push((i, 1.0, self.by_canon.get(c as usize).map(Vec::as_slice).unwrap_or(&[])));
            }
            if let Some(k) = t.skel_id {
                sources.push((i, 0.9, self.by_skel.get(k as usize).map(Vec::as_slice).unwrap_or(&[])));
            }
            if let Some(p) = prefix_key(&t.skel).and_then(|p| self.by_prefix.get(p)) {
                sources.push((i, 0.7, p));
            }
            if let Some(p) = suffix_key(&t.skel).and_then(|p| self.by_suffix.get(p)) {
                sources.push((i, 0.7, p));
            }
            if let Some(p) = self.by_pair.get(t.canon.as_str()) {
                sources.push((i, 0.95, p));
            } else if let Some(p) = self.folded_pair(&t.canon, korean) {
                sources.push((i, 0.95, p));
            } else if let Some(p) = self.by_pair.get(t.skel.as_str()) {
                sources.push((i, 0.85, p));
            }
        }
        // Two query words written as one list word: the word itself, or else its
        // phonetic key ([`QTok::pair_skel_id`], looked up with the query's words).
        let mut joined = String::new();
        for (i, pair) in qt.windows(2).enumerate() {
            if pair[0].form || pair[1].form {
                continue;
            }
            joined.clear();
            joined.push_str(&pair[0].canon);
            joined.push_str(&pair[1].canon);
            if let Some(c) = self.canon.get(&joined)
                && let Some(p) = self.by_canon.get(c as usize)
            {
                sources.push((i, 0.95, p));
            } else if let Some(k) = pair[0].pair_skel_id
                && let Some(p) = self.by_skel.get(k as usize)
            {
                sources.push((i, 0.85, p));
            }
        }
        sources.sort_by_key(|(_, _, p)| p.len());
        // Words found only in long postings (a `kim`, a `mohammed`) are checked against
        // the candidates the other words found instead of walked, but only as long as
        // the words so skipped weigh less than the floor share: a name that none of the
        // walked postings holds then cannot reach the floor, so nothing is lost. (Before,
        // any long posting after the first walked one was skipped, and a stray short one
        // (`ali` as the joined pair `a li`) could hide every `MOHAMMED, Ali`.)
        let floor = self.config.min_candidate_share as f32 * wq;
        let mut longest: Vec<(usize, usize)> = Vec::new(); // (query word, its shortest posting)
        for (ti, _, p) in &sources {
            match longest.iter_mut().find(|(i, _)| i == ti) {
                Some(e) => e.1 = e.1.min(p.len()),
                None => longest.push((*ti, p.len())),
            }
        }
        longest.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let mut skip = [false; MAX_WORDS];
        let mut skipped = 0.0f32;
        for (ti, n) in longest {
            if n > LARGE && skipped + qt[ti].w < floor {
                skip[ti] = true;
                skipped += qt[ti].w;
            }
        }
        let mut probe: Vec<(usize, f32)> = Vec::new();
        let mut cands: Vec<(u32, f32)> = SHARES.with_borrow_mut(|shares| {
            let Shares { slots, touched } = shares;
            Shares::reset(slots, touched, self.names.len());
            for (ti, strength, postings) in &sources {
                if skip[*ti] && postings.len() > LARGE {
                    probe.push((*ti, *strength));
                    continue;
                }
                let add = strength * qt[*ti].w;
                for &ni in *postings {
                    let e = &mut slots[ni as usize];
                    if e.1 == *ti as u16 {
                        if add > e.2 {
                            e.0 += add - e.2;
                            e.2 = add;
                        }
                    } else {
                        if e.1 == u16::MAX {
                            touched.push(ni);
                        }
                        e.0 += add;
                        e.1 = *ti as u16;
                        e.2 = add;
                    }
                }
            }
            touched.iter().map(|&ni| (ni, slots[ni as usize].0)).collect()
        });
        if !probe.is_empty() {
            // Frequent words: check the candidates found so far instead of walking.
            let mut done: Vec<usize> = Vec::new();
            for (ti, _) in &probe {
                if done.contains(ti) {
                    continue;
                }
                done.push(*ti);
                let t = &qt[*ti];
                for (ni, a) in cands.iter_mut() {
                    let rec = self.names[*ni as usize];
                    let toks = &self.toks[rec.start as usize..rec.start as usize + rec.len as usize];
                    let best = toks
                        .iter()
                        .map(|nt| {
                            if Some(nt.canon) == t.canon_id {
                                1.0
                            } else if Some(nt.skel) == t.skel_id {
                                0.9
                            } else {
                                0.0
                            }
                        })
                        .fold(0.0f32, f32::max);
                    *a += best * t.w;
                }
            }
        }
        cands.retain(|(_, a)| *a >= floor);
        cands
    }

    /// An upper bound of the score [`Screening::align`] can give `q` and this name: every
    /// word of either side that could pair with some word of the other (the same word,
    /// key or light key, a typo's reach, a joined pair) counts as paired at 1.0, every
    /// other word counts against. Cheap comparisons only, no edit distance, so that
    /// every candidate can be bounded before the best are scored in full.
    fn bound(&self, q: &[QTok], rec: NameRec) -> f32 {
        let n = &self.toks[rec.start as usize..rec.start as usize + rec.len as usize];
        let mut qhit = [false; MAX_WORDS];
        let mut nhit = [false; MAX_WORDS];
        for (i, qt) in q.iter().enumerate() {
            for (j, nt) in n.iter().enumerate() {
                if qt.canon_id == Some(nt.canon)
                    || qt.light_id == Some(nt.light)
                    || qt.skel_id == Some(nt.skel)
                    || self.typo_reach(qt, nt)
                {
                    qhit[i] = true;
                    nhit[j] = true;
                }
            }
        }
        let k = usize::from(rec.korean);
        // A query word is two list words only by its phonetic key or its listed halves,
        // and two query words one list word only by their joined key or listed joins:
        // words with neither (most) skip the walk over the candidate's words.
        for (i, qt) in q.iter().enumerate() {
            if qt.form || (qt.skel_id.is_none() && qt.halves[k].is_empty()) {
                continue;
            }
            for j in 0..n.len().saturating_sub(1) {
                if n[j].form || n[j + 1].form {
                    continue;
                }
                if qt.skel_id == Some(n[j].pair_skel) || qt.halves[k].contains(&(n[j].canon, n[j + 1].canon)) {
                    qhit[i] = true;
                    nhit[j] = true;
                    nhit[j + 1] = true;
                }
            }
        }
        for i in 0..q.len().saturating_sub(1) {
            if q[i].form || q[i + 1].form || (q[i].pair_skel_id.is_none() && q[i].joins[k].is_empty()) {
                continue;
            }
            for (j, nt) in n.iter().enumerate() {
                if nt.form {
                    continue;
                }
                if q[i].pair_skel_id == Some(nt.skel) || q[i].joins[k].contains(&nt.canon) {
                    qhit[i] = true;
                    qhit[i + 1] = true;
                    nhit[j] = true;
                }
            }
        }
        let num: f32 = q.iter().zip(qhit).filter(|(_, h)| *h).map(|(t, _)| t.w).sum::<f32>()
            + n.iter().zip(nhit).filter(|(_, h)| *h).map(|(t, _)| t.w).sum::<f32>();
        let den = q.iter().map(|t| t.w).sum::<f32>() + rec.weight;
        if den > 0.0 { num / den } else { 0.0 }
    }

    /// Whether [`Screening::sim`] could call the two words a typo of each other: both six
    /// letters or more, and spellings or phonetic keys whose letters, counted without
    /// order, differ by no more than the typos allowed (a lower bound of the edit
    /// distance, without computing it).
    fn typo_reach(&self, q: &QTok, n: &NTok) -> bool {
        let (a, b) = (q.canon.as_bytes(), self.canon.str(n.canon).as_bytes());
        let Some(max) = typo_budget(a, b) else { return false };
        let (c, e) = (q.skel.as_bytes(), self.skel.str(n.skel).as_bytes());
        let (la, lb) = (q.letters, self.canon_letters.get(n.canon as usize).copied().unwrap_or(u128::MAX));
        let (lc, le) = (q.skel_letters, self.skel_letters.get(n.skel as usize).copied().unwrap_or(u128::MAX));
        bag_within(a, b, la, lb, max)
            || (!q.form && !n.form && typo_budget(c, e).is_some() && bag_within(c, e, lc, le, max))
    }

    /// Whether `whole` is the folded words `a` and `b` written as one: `Sangman` = `sang
    /// man`, and also when a half is a variant spelling that folds only as a word of its
    /// own (`Taehun` = `thae hun`, `tae` being a spelling of `thae`; `Sungjun` = `seung
    /// jun`). The rule, as [`Screening::splits`] says it; the matcher asks it through the
    /// lists [`Screening::prepare_joins`] makes, which the tests hold to this.
    #[cfg(test)]
    fn joined(&self, a: &str, b: &str, whole: &str, korean: bool) -> bool {
        self.splits(whole, korean).any(|halves| halves == (a, b))
    }

    /// The two words `whole` may be written for: cut at any letter, each half as written
    /// (`sangman`: `sang man`), and, cut inside it, each half folded to its variant
    /// spelling (`taehun`: `thae hun`). The matcher lists them with
    /// [`Screening::halves`], which skips what no list word can be.
    #[cfg(test)]
    fn splits<'a>(&'a self, whole: &'a str, korean: bool) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        (0..=whole.len()).filter(|&k| whole.is_char_boundary(k)).flat_map(move |k| {
            let (a, b) = whole.split_at(k);
            let folded = (0 < k && k < whole.len())
                .then(|| (self.rules.variant_as(a, korean), self.rules.variant_as(b, korean)));
            std::iter::once((a, b)).chain(folded)
        })
    }

    /// The pairs of list words (canon ids) among [`Screening::splits`] of `whole`, read
    /// as in a list name that is not Korean `[0]` and that is `[1]`. The same
    /// enumeration, with the lookups of a cut shared by both readings
    /// ([`Screening::half_word`]), and the second half looked up only when the first
    /// is or folds to a list word (most prefixes of a word are none).
    fn halves(&self, whole: &str) -> [Vec<(u32, u32)>; 2] {
        let mut out: [Vec<(u32, u32)>; 2] = Default::default();
        let mut push = |k: usize, a: Option<u32>, b: Option<u32>| {
            if let (Some(a), Some(b)) = (a, b)
                && !out[k].contains(&(a, b))
            {
                out[k].push((a, b));
            }
        };
        for cut in (0..=whole.len()).filter(|&cut| whole.is_char_boundary(cut)) {
            let (a, b) = whole.split_at(cut);
            let x = self.half_word(a);
            // Halves fold only when cut inside the word.
            let inside = 0 < cut && cut < whole.len();
            if x.literal.is_none() && !(inside && x.folded.iter().any(Option::is_some)) {
                continue;
            }
            let y = self.half_word(b);
            for k in 0..2 {
                push(k, x.literal, y.literal);
                if inside {
                    push(k, x.folded[k], y.folded[k]);
                }
            }
        }
        out
    }

    /// What `w` is as half of a word written for two: the list word it is, and the list
    /// words it folds to.
    fn half_word(&self, w: &str) -> HalfWord {
        let literal = self.canon.get(w);
        let folded = self.spelling_folds.get(w).copied().unwrap_or([literal; 2]);
        HalfWord { literal, folded }
    }

    /// The list words (canon ids) that are `a` and `b` written as one, as
    /// [`Screening::splits`] reads them: `ab` itself, and every spelling of `a` followed
    /// by every spelling of `b` ([`NameRules::spellings_as`], the words that fold to
    /// them). Few words have more than one spelling, so this is a handful of lookups
    /// where trying the splits of every candidate's every word was thousands.
    fn joins(&self, a: &str, b: &str, korean: bool) -> Vec<u32> {
        let mut out = Vec::new();
        let mut buf = String::with_capacity(a.len() + b.len() + 8);
        let mut add = |x: &str, y: &str| {
            buf.clear();
            buf.push_str(x);
            buf.push_str(y);
            if let Some(id) = self.canon.get(&buf)
                && !out.contains(&id)
            {
                out.push(id);
            }
        };
        add(a, b);
        for x in self.rules.spellings_as(a, korean).filter(|x| !x.is_empty()) {
            for y in self.rules.spellings_as(b, korean).filter(|y| !y.is_empty()) {
                add(x, y);
            }
        }
        out
    }

    /// The index key of `word` read as two joined words whose halves fold to variants
    /// (`taehun` → `thaehun`), when the lists have such a pair.
    fn folded_pair(&self, word: &str, korean: bool) -> Option<&[u32]> {
        (1..word.len()).filter(|&k| word.is_char_boundary(k)).find_map(|k| {
            let (a, b) = (self.rules.variant_as(&word[..k], korean), self.rules.variant_as(&word[k..], korean));
            if a == &word[..k] && b == &word[k..] {
                return None;
            }
            self.by_pair.get(format!("{a}{b}").as_str()).map(Vec::as_slice)
        })
    }

    /// Aligns query words with one list name; returns the score and, when `explain`,
    /// the pairs and the words left over.
    fn align(
        &self,
        q: &[QTok],
        rec: NameRec,
        explain: bool,
        cand: &mut Vec<(f64, usize, usize, &'static str)>,
    ) -> Aligned {
        let n = &self.toks[rec.start as usize..rec.start as usize + rec.len as usize];
        let k = usize::from(rec.korean);
        // The list word each query word met (`u8::MAX`: none), for the order check.
        let mut at = [u8::MAX; MAX_WORDS];
        cand.clear();
        for (i, qt) in q.iter().enumerate() {
            for (j, nt) in n.iter().enumerate() {
                let (s, how) = self.sim(qt, nt, rec.korean);
                if s > 0.0 {
                    cand.push((s, i, j, how));
                }
            }
        }
        cand.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut qused = [false; MAX_WORDS];
        let mut nused = [false; MAX_WORDS];
        let mut num = 0.0f64;
        let mut pairs = Vec::new();
        for &(s, i, j, how) in cand.iter() {
            if qused[i] || nused[j] {
                continue;
            }
            qused[i] = true;
            nused[j] = true;
            at[i] = j as u8;
            num += s * f64::from(q[i].w + n[j].w);
            if explain {
                let how = if how == "exact" && q[i].raw != q[i].canon { "variant" } else { how };
                pairs.push(TokenPair {
                    query: q[i].raw.clone(),
                    list: self.canon.str(n[j].canon).to_string(),
                    similarity: s,
                    how,
                });
            }
        }
        // One word for two: `Sangman` = `Sang Man`, either way round.
        for i in 0..q.len() {
            if qused[i] || q[i].form {
                continue;
            }
            for j in 0..n.len().saturating_sub(1) {
                if nused[j] || nused[j + 1] || n[j].form || n[j + 1].form {
                    continue;
                }
                let sim = if q[i].halves[k].contains(&(n[j].canon, n[j + 1].canon)) {
                    0.95
                } else if n[j].pair_skel != u32::MAX && q[i].canon.len() >= 7 && q[i].skel_id == Some(n[j].pair_skel) {
                    JOINED_PHONETIC
                } else {
                    continue;
                };
                qused[i] = true;
                nused[j] = true;
                nused[j + 1] = true;
                at[i] = j as u8;
                num += sim * f64::from(q[i].w + n[j].w + n[j + 1].w);
                if explain {
                    pairs.push(TokenPair {
                        query: q[i].raw.clone(),
                        list: format!("{} {}", self.canon.str(n[j].canon), self.canon.str(n[j + 1].canon)),
                        similarity: sim,
                        how: "joined",
                    });
                }
                break;
            }
        }
        for j in 0..n.len() {
            if nused[j] || n[j].form {
                continue;
            }
            for i in 0..q.len().saturating_sub(1) {
                if qused[i] || qused[i + 1] || q[i].form || q[i + 1].form {
                    continue;
                }
                let sim = if q[i].joins[k].contains(&n[j].canon) {
                    0.95
                } else if self.canon.str(n[j].canon).len() >= 7 && q[i].pair_skel_id == Some(n[j].skel) {
                    JOINED_PHONETIC
                } else {
                    continue;
                };
                qused[i] = true;
                qused[i + 1] = true;
                nused[j] = true;
                at[i] = j as u8;
                at[i + 1] = j as u8;
                num += sim * f64::from(q[i].w + q[i + 1].w + n[j].w);
                if explain {
                    pairs.push(TokenPair {
                        query: format!("{} {}", q[i].raw, q[i + 1].raw),
                        list: self.canon.str(n[j].canon).to_string(),
                        similarity: sim,
                        how: "joined",
                    });
                }
                break;
            }
        }
        let den = f64::from(q.iter().map(|t| t.w).sum::<f32>() + rec.weight);
        let score = if den > 0.0 { (num / den).min(1.0) } else { 0.0 };
        let rotated =
            |at: &[u8; MAX_WORDS]| in_rotated_order(q.iter().zip(*at).filter(|(t, _)| !t.form).map(|(_, j)| j));
        let inverted = rec.korean && self.entries[rec.entry as usize].kind == EntryKind::Person && !rotated(&at) && {
            // A syllable the list has twice (`CHANG, Chang Ha`, `LI, Hong Ri`) pairs
            // with either copy: the order is kept if exchanging them keeps it.
            let same = |a: u8, b: u8| a != u8::MAX && b != u8::MAX && n[a as usize].canon == n[b as usize].canon;
            !(0..q.len()).any(|x| {
                (x + 1..q.len()).any(|y| {
                    same(at[x], at[y]) && at[x] != at[y] && {
                        let mut alt = at;
                        alt.swap(x, y);
                        rotated(&alt)
                    }
                })
            })
        };
        if !explain {
            return Aligned { score, inverted, pairs, unmatched_query: Vec::new(), unmatched_list: Vec::new() };
        }
        let uq = q.iter().enumerate().filter(|(i, _)| !qused[*i]).map(|(_, t)| t.raw.clone()).collect();
        let ul = n
            .iter()
            .enumerate()
            .filter(|(j, _)| !nused[*j])
            .map(|(_, t)| self.canon.str(t.canon).to_string())
            .collect();
        Aligned { score, inverted, pairs, unmatched_query: uq, unmatched_list: ul }
    }
}

/// How a query's date of birth and countries compare with one entry's, before any
/// adjustment is worded: the candidates' loop needs only whether a weak alias is
/// corroborated, and wording it there built strings for every weak-alias candidate.
struct Agreement {
    /// The best agreement of the query's date of birth with the entry's, when both have one.
    dob: Option<DobAgreement>,
    /// When both have countries: the first of the query's the entry has, if any.
    country: Option<Option<CountryCode>>,
}

impl Agreement {
    /// A date of birth or a country agrees: the name is not all there is.
    fn corroborates(&self) -> bool {
        self.dob == Some(DobAgreement::Full) || matches!(self.country, Some(Some(_)))
    }
}

fn agreement(q: &Query, e: &Entry) -> Agreement {
    let dob = q.dob.as_ref().and_then(|qd| e.dobs.iter().map(|x| x.compare(qd)).max());
    let country = (!q.countries.is_empty() && (!e.nationalities.is_empty() || !e.countries.is_empty()))
        .then(|| q.countries.iter().find(|c| e.nationalities.contains(c) || e.countries.contains(c)).copied());
    Agreement { dob, country }
}

/// One string as half of a word written for two list words: the list word it is, if
/// any, and the list word it folds to in a name that is not Korean `[0]` and that is
/// `[1]` (`canon.get(variant_as(w, korean))`).
#[derive(Clone, Copy, Debug)]
struct HalfWord {
    literal: Option<u32>,
    folded: [Option<u32>; 2],
}

/// What [`Screening::align`] found for one list name.
struct Aligned {
    score: f64,
    /// A Korean person's name whose syllables the query puts in another order than the
    /// list, beyond moving the family name from front to back.
    inverted: bool,
    pairs: Vec<TokenPair>,
    unmatched_query: Vec<String>,
    unmatched_list: Vec<String>,
}

/// Whether the list positions the query's words met, in query order (`u8::MAX`: none),
/// keep the list's order but for the family name moving between the ends: `Su Il Kim`
/// for `KIM Su Il` ([1, 2, 0]) moves it from front to back, `Kim Su Il` for a list
/// name written `Su Il KIM` ([2, 0, 1]) from back to front; `Il Su Kim` ([2, 1, 0]) is
/// another name, as is any deeper rotation of four or more words. (With three words
/// the two moves cover every rotation: which word is the family name is not known.)
/// Positions repeat when two query words met one joined list word.
fn in_rotated_order(positions: impl Iterator<Item = u8>) -> bool {
    let mut seq = [0u8; MAX_WORDS];
    let mut len = 0;
    for j in positions.filter(|&j| j != u8::MAX) {
        if len < MAX_WORDS && (len == 0 || seq[len - 1] != j) {
            seq[len] = j;
            len += 1;
        }
    }
    let seq = &seq[..len];
    let ascending = |s: &[u8]| s.windows(2).all(|w| w[0] < w[1]);
    len < 3
        || ascending(seq)
        || (ascending(&seq[..len - 1]) && seq[len - 1] < seq[0])
        || (ascending(&seq[1..]) && seq[0] > seq[len - 1])
}

/// The typos two words may differ by and still be one name: none when the shorter has
/// under six letters (Mary/Mark, Zheng/Zhang are other names), one, or two from nine
/// letters. [`Screening::sim`] scores by it and the candidate bound
/// ([`Screening::typo_reach`]) must accept whatever it accepts, so both ask here.
fn typo_budget(a: &[u8], b: &[u8]) -> Option<usize> {
    match a.len().min(b.len()) {
        0..6 => None,
        6..9 => Some(1),
        _ => Some(2),
    }
}

/// The letters of one word missing from the other, counted without order, on the side
/// missing more: never more than the edit distance.
fn bag_distance(a: &[u8], b: &[u8]) -> usize {
    let mut count = [0i32; 128];
    for &x in a {
        count[usize::from(x & 0x7f)] += 1;
    }
    for &x in b {
        count[usize::from(x & 0x7f)] -= 1;
    }
    let (more, fewer) = count.iter().fold((0i32, 0i32), |(p, n), &c| if c > 0 { (p + c, n) } else { (p, n - c) });
    more.max(fewer) as usize
}

/// The letters a word has, as a set (the bytes [`bag_distance`] counts, modulo 128).
fn letters(w: &[u8]) -> u128 {
    w.iter().fold(0, |set, &x| set | 1u128 << (x & 0x7f))
}

/// Whether the bag distance of `a` and `b`, whose [`letters`] are `la` and `lb`, is at
/// most `max`. The bound asks this of nearly every pair of words of a query and a
/// candidate, nearly all far apart: a letter one word has and the other lacks counts
/// at least once in the distance, on its side, so comparing the sets answers most
/// pairs in a few instructions and counts only the rest (a quarter of the
/// instructions of a query did the counting).
fn bag_within(a: &[u8], b: &[u8], la: u128, lb: u128, max: usize) -> bool {
    a.len().abs_diff(b.len()) <= max
        && at_most_ones(la & !lb, max)
        && at_most_ones(lb & !la, max)
        && bag_distance(a, b) <= max
}

/// Whether `x` has at most `max` bits set: clearing the lowest set bit `max` times
/// leaves nothing. `count_ones` on a `u128` is some thirty instructions on the
/// baseline x86-64 target (no `popcnt`), this two or four for a budget of one or two.
fn at_most_ones(mut x: u128, max: usize) -> bool {
    for _ in 0..max {
        x &= x.wrapping_sub(1);
    }
    x == 0
}

/// Whether `b` is `a` with two adjacent letters swapped.
fn swapped(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]]
}

fn push_once(v: &mut Vec<u32>, x: u32) {
    if v.last() != Some(&x) {
        v.push(x);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Alias, Dob};
    use super::*;

    #[test]
    fn only_the_ends_move() {
        let ok = |v: &[u8]| in_rotated_order(v.iter().copied());
        assert!(ok(&[0, 1, 2]) && ok(&[1, 2, 0]) && ok(&[2, 0, 1]) && ok(&[0, 0, 1, 2]));
        assert!(ok(&[1, 2, 3, 0]) && ok(&[3, 0, 1, 2]) && ok(&[0, u8::MAX, 1, 2]));
        assert!(!ok(&[2, 1, 0]) && !ok(&[0, 2, 1]) && !ok(&[2, 3, 0, 1]) && !ok(&[1, 0, 3, 2]));
    }

    fn entry(id: &str, name: &str, aliases: &[&str]) -> Entry {
        Entry {
            id: id.into(),
            name: name.into(),
            aliases: aliases
                .iter()
                .map(|a| Alias { name: a.to_string(), quality: "a.k.a.".into(), weak: false })
                .collect(),
            ..Default::default()
        }
    }

    fn screening(entries: Vec<Entry>) -> Screening {
        let mut l = Lists::default();
        l.push_list("test".into(), entries);
        Screening::build(l, NameRules::builtin(), MatchConfig::default())
    }

    fn top(s: &Screening, name: &str) -> Option<(String, f64)> {
        s.screen(&Query::name(name), Some(0.0)).first().map(|m| (s.entries()[m.entry].id.clone(), m.score))
    }

    fn sample() -> Screening {
        let mut kim = entry("43377", "KIM, Sang Man", &[]);
        kim.kind = EntryKind::Person;
        kim.dobs = vec![Dob { month: Some(4), day: Some(25), ..Dob::year(1965) }];
        kim.nationalities = vec![CountryCode::new("KP").unwrap()];
        kim.wallets = vec![super::super::ListedWallet {
            chain: "USDT".into(),
            address: "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40".into(),
        }];
        screening(vec![
            kim,
            entry("43379", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY", &[]),
            entry("48260", "LIMITED LIABILITY COMPANY ALIS", &["ALIAS LLC", "ALIS LLC"]),
            entry("1", "RI Song Chol", &[]),
            entry("2", "KOREA SAENAL TRADING CORPORATION", &[]),
            entry("3", "PAK, Hwa Song", &[]),
            entry("4", "JONG, Myong Hak", &[]),
            entry("5", "CHOE, Chun Yong", &[]),
        ])
    }

    #[test]
    fn order_forms_and_variants_do_not_matter() {
        let s = sample();
        for (q, id) in [
            ("Sang Man Kim", "43377"),
            ("KIM Sangman", "43377"),
            ("Gim Sang-man", "43377"),
            ("김상만", "43377"),
            ("Chinyong Information Technology Cooperation Co.", "43379"),
            ("Jinyong Information Technology Cooperation Company", "43379"),
            ("Alis LLC", "48260"),
            ("Alis Limited Liability Company", "48260"),
            ("Lee Song Chol", "1"),
            ("Rhee Seong-cheol", "1"),
            ("Park Hwa Song", "3"),
            ("Bak Hwa Seong", "3"),
            ("Chong Myong Hak", "4"),
            ("Jeong Myeong-hak", "4"),
            ("Choi Chun Yong", "5"),
        ] {
            let (got, score) = top(&s, q).unwrap_or_else(|| panic!("{q}: no match"));
            assert_eq!(got, id, "{q}");
            assert!(score >= MatchConfig::default().min_score, "{q}: {score}");
        }
    }

    #[test]
    fn different_names_stay_apart() {
        let s = sample();
        for q in
            ["Korea Songkwang Trading General Corp.", "Kim Jong Un", "Maria Garcia", "Alice Smith", "Song Chol", "Kim"]
        {
            let m = s.screen(&Query::name(q), None);
            assert!(m.is_empty(), "{q}: {:?}", m.first().map(|m| (&m.matched_name, m.score)));
        }
    }

    fn korean(id: &str, name: &str) -> Entry {
        Entry { kind: EntryKind::Person, nationalities: vec![CountryCode::new("KP").unwrap()], ..entry(id, name, &[]) }
    }

    /// The shares of the candidates are summed in slots each thread reuses ([`Shares`]):
    /// a query finds the same candidates with the same shares whatever the thread asked
    /// before, of this matcher or of a larger one whose names overlap these indices.
    #[test]
    fn candidates_do_not_remember_earlier_queries() {
        let small = screening(vec![korean("1", "KIM, Sang Man"), entry("2", "ALIS LLC", &["KIM SANG"])]);
        let large = sample();
        let ask = |s: &Screening, q: &str| {
            let mut qt = s.query_tokens(q, false);
            s.prepare_joins(&mut qt, &[false, true]);
            let mut c = s.candidates(&qt, false);
            c.sort_by_key(|(ni, _)| *ni);
            c
        };
        let first = ask(&small, "Kim Sang Man");
        assert!(first.len() >= 2 && first.iter().all(|(_, a)| *a > 0.0), "{first:?}");
        assert_eq!(ask(&small, "Kim Sang Man"), first);
        for s in [&large, &small, &large] {
            for q in ["Kim Sang Man", "Sangman Kim", "Alis", "Kim Jong Un"] {
                ask(s, q);
            }
        }
        assert_eq!(ask(&small, "Kim Sang Man"), first);
    }

    /// Su Il and Il Su are two given names: a query that inverts a Korean person's
    /// given-name syllables scores below the minimum, while moving the family name to the
    /// back, hyphens and romanisations still match.
    #[test]
    fn korean_given_name_order_matters() {
        let s = screening(vec![korean("1", "KIM, Su Il"), korean("2", "MIN, Byong Chol"), korean("3", "KIM, Il Su")]);
        let min = MatchConfig::default().min_score;
        let score = |q: &str, id: &str| {
            s.screen(&Query::name(q), Some(0.0)).iter().find(|m| s.entries()[m.entry].id == id).map_or(0.0, |m| m.score)
        };
        for q in ["Kim Il Soo", "KIM Il Su", "Il-soo Kim", "Il Su Kim"] {
            assert!(score(q, "3") >= min, "{q}: {}", score(q, "3"));
            assert!(score(q, "1") < min, "{q} is not KIM Su Il: {}", score(q, "1"));
        }
        for q in ["Su Il Kim", "Kim Su-il", "Soo-il Kim"] {
            assert!(score(q, "1") >= min, "{q}: {}", score(q, "1"));
        }
        assert!(score("Chol Byong Min", "2") < min, "{}", score("Chol Byong Min", "2"));
        assert!(score("Byong Chol Min", "2") >= min);
        assert!(score("Byong-chol Min", "2") >= min);
        // A syllable listed twice pairs with either copy.
        let twice = screening(vec![korean("20575", "CHANG, Chang Ha"), korean("22609", "LI, Hong Ri")]);
        for (q, id) in [("Chang Ha Chang", "20575"), ("Chang-ha Chang", "20575"), ("Hong Ri Li", "22609")] {
            assert_eq!(top(&twice, q).filter(|m| m.1 >= min).map(|m| m.0), Some(id.to_string()), "{q}");
        }
        let m = s.screen(&Query::name("Il-soo Kim"), Some(0.0));
        let inverted = m.iter().find(|m| s.entries()[m.entry].id == "1").unwrap();
        assert!(inverted.adjustments.iter().any(|(why, v)| why.contains("order") && *v < 0.0), "{inverted:?}");
        // Not a Korean name: word order stays free.
        let s = screening(vec![entry("9", "GARCIA, Maria Jose", &[])]);
        assert!(s.screen(&Query::name("Jose Maria Garcia"), None).len() == 1);
    }

    /// Hundreds of names sharing a query's words (`MOHAMMED, Ali ...`) do not crowd out
    /// the one that is exactly the query, wherever it sits in the lists: candidates are
    /// ranked by the score they can reach, not by the words they share.
    #[test]
    fn an_exact_name_is_never_cut_among_many_alike() {
        let mut entries: Vec<Entry> =
            (0..300).map(|i| entry(&format!("x{i}"), &format!("MOHAMMED, Ali Hassan{}", word(i)), &[])).collect();
        entries.push(entry("exact", "KONY, Joseph", &["MOHAMMED, Ali"]));
        let s = screening(entries);
        let m = s.screen(&Query::name("Mohammed Ali"), None);
        assert_eq!(m.first().map(|m| s.entries()[m.entry].id.as_str()), Some("exact"), "{} matches", m.len());
        assert!(m[0].score > 0.99 && m[0].alias);
    }

    /// A distinct word per number: `a`, `b`, ..., `ba`, ...
    fn word(mut i: usize) -> String {
        let mut w = String::new();
        loop {
            w.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
            if i == 0 {
                return w;
            }
        }
    }

    /// Joined given names find syllables the lists spell with a variant (`tae` is
    /// `thae`, `bong` is `pong`), and 승 (Sung on the lists, Seung in Revised
    /// Romanization) is not 성 (Song, Seong).
    #[test]
    fn joined_given_names_fold_their_halves() {
        let s = screening(vec![
            korean("1", "CHA, Sung Jun"),
            korean("2", "KO, Tae Hun"),
            korean("3", "HAN, Jang Su"),
            korean("4", "PAEK, Se Bong"),
            korean("5", "KIM, Il Su"),
            entry("6", "SUN, Sidong", &[]),
        ]);
        for (q, id) in [
            ("Sungjun Cha", "1"),
            ("Seungjun Cha", "1"),
            ("Cha Seung-jun", "1"),
            ("차승준", "1"),
            ("Taehun Ko", "2"),
            ("Tae-hun Ko", "2"),
            ("Jangsu Han", "3"),
            ("Sebong Paek", "4"),
            ("Ilsoo Kim", "5"),
            ("孙四东", "6"),
        ] {
            let (got, score) = top(&s, q).unwrap_or_else(|| panic!("{q}: no match"));
            assert_eq!(got, id, "{q}");
            assert!(score >= MatchConfig::default().min_score, "{q}: {score}");
        }
        for q in ["Cha Song Jun", "Seong-jun Cha"] {
            assert!(s.screen(&Query::name(q), None).is_empty(), "{q}");
        }
    }

    /// What [`Screening::prepare_joins`] lists for a query is exactly what
    /// [`Screening::joined`] says of its words and every word of the lists, read as a
    /// Korean name and not: the bound and the alignment ask the lists instead.
    #[test]
    fn prepared_joins_are_what_joined_says() {
        let s = screening(vec![
            korean("1", "CHA, Sung Jun"),
            korean("2", "KO, Tae Hun"),
            korean("3", "RI, Song Chol"),
            korean("4", "PAEK, Se Bong"),
            korean("5", "KIM, Sangman"),
            korean("6", "LEE, Yichang"),
            entry("7", "SUN, Sidong", &["Li Yi Zhang", "Thaehun LLC"]),
            entry("8", "KIM SANG MAN TRADING", &["LIYI"]),
        ]);
        let words: Vec<&str> = s.canon.strs.iter().map(|w| &**w).collect();
        for q in [
            "Sungjun Cha",
            "Seung Jun",
            "Taehun Ko",
            "Tae Hun",
            "Rhee Songchol",
            "Sebong Paek",
            "Sang Man Kim",
            "Gim Sangman",
            "Li Yi Chang",
            "Yi Chang Li",
            "Si Dong Sun",
            "Thae Hun LLC",
            "Li Yi",
        ] {
            for korean in [false, true] {
                let mut qt = s.query_tokens(q, korean);
                s.prepare_joins(&mut qt, &[false, true]);
                for k in [false, true] {
                    for (i, t) in qt.iter().enumerate().filter(|(_, t)| !t.form) {
                        for a in &words {
                            for b in &words {
                                let (ia, ib) = (s.canon.get(a).unwrap(), s.canon.get(b).unwrap());
                                let listed = t.halves[usize::from(k)].contains(&(ia, ib));
                                assert_eq!(listed, s.joined(a, b, &t.canon, k), "{q}: {} = {a} {b} ({k})", t.canon);
                            }
                        }
                        let Some(next) = qt.get(i + 1).filter(|n| !n.form) else { continue };
                        for w in &words {
                            let listed = t.joins[usize::from(k)].contains(&s.canon.get(w).unwrap());
                            assert_eq!(
                                listed,
                                s.joined(&t.canon, &next.canon, w, k),
                                "{q}: {} {} = {w}",
                                t.canon,
                                next.canon
                            );
                        }
                    }
                }
            }
        }
    }

    /// Ships are named like people: a person's name does not match a vessel or an
    /// aircraft, an unknown party's name still does.
    #[test]
    fn people_do_not_match_vessels() {
        let mut ship = entry("19575", "JIN TAI", &[]);
        ship.kind = EntryKind::Vessel;
        let mut plane = entry("8", "HWA SONG", &[]);
        plane.kind = EntryKind::Aircraft;
        let s = screening(vec![ship, plane, korean("9", "JIN, Tai")]);
        let ids =
            |q: Query| -> Vec<String> { s.screen(&q, None).iter().map(|m| s.entries()[m.entry].id.clone()).collect() };
        assert_eq!(ids(Query::person("Tai Jin")), ["9"]);
        assert!(ids(Query::person("Hwa Song")).is_empty());
        assert_eq!(ids(Query::name("Hwa Song")), ["8"]);
        assert_eq!(ids(Query::name("Tai Jin")).len(), 2);
    }

    /// A weak alias (`John`, `Chairman`) does not match on its own; a date of birth or a
    /// country that agrees lets it.
    #[test]
    fn a_weak_alias_needs_corroboration() {
        let mut e = entry("QDi.406", "Murad Iraklievich MARGOSHVILI", &[]);
        e.aliases.push(Alias { name: "John".into(), quality: "Low".into(), weak: true });
        e.dobs = vec![Dob::year(1982)];
        e.dobs[0].month = Some(2);
        e.dobs[0].day = Some(4);
        e.nationalities = vec![CountryCode::new("GE").unwrap()];
        let s = screening(vec![e]);
        assert!(s.screen(&Query::name("John"), None).is_empty());
        assert!(s.screen(&Query::name("Chairman John"), None).is_empty());
        let with_country = Query { countries: vec![CountryCode::new("GE").unwrap()], ..Query::name("John") };
        assert_eq!(s.screen(&with_country, None).len(), 1);
        assert_eq!(s.screen(&Query::name("Murad Margoshvili"), Some(0.5)).len(), 1);
        assert!(s.screen(&Query::name("Murad Iraklievich Margoshvili"), None)[0].score > 0.99);
    }

    /// Only a precise date agreeing to the month corroborates a match; a year, a range
    /// or a `circa` on either side agrees on the year, for a smaller bonus.
    #[test]
    fn a_year_of_birth_is_not_a_date_of_birth() {
        let mut circa = korean("12211", "KIM, Yong Chol");
        circa.dobs = vec![Dob { approx: true, ..Dob::year(1947) }];
        let mut range = korean("2", "PAK, Hwa Song");
        range.dobs = vec![Dob { month: Some(1), year_to: Some(1960), month_to: Some(3), ..Dob::year(1960) }];
        let mut exact = korean("3", "JONG, Myong Hak");
        exact.dobs = vec![Dob::date(1965, 4, 25)];
        let s = screening(vec![circa, range, exact]);
        let one = |name: &str, dob: Dob| s.screen(&Query { dob: Some(dob), ..Query::name(name) }, Some(0.0))[0].clone();
        let m = one("Kim Yong Chol", Dob::date(1947, 5, 1));
        let c = MatchConfig::default();
        assert!(!m.corroborated, "{m:?}");
        assert!(m.adjustments.iter().any(|(w, v)| w.contains("year of birth") && *v > 0.0 && *v < c.dob_match_bonus));
        assert!(!one("Pak Hwa Song", Dob::date(1960, 2, 1)).corroborated);
        assert!(one("Pak Hwa Song", Dob::date(1960, 6, 1)).adjustments.iter().any(|(w, _)| w.contains("differs")));
        assert!(one("Jong Myong Hak", Dob::date(1965, 4, 25)).corroborated);
        let year_only = one("Jong Myong Hak", Dob::year(1965));
        assert!(!year_only.corroborated && year_only.adjustments.iter().any(|(w, _)| w.contains("year of birth")));
        assert!(one("Jong Myong Hak", Dob::year(1966)).adjustments.iter().any(|(w, _)| w.contains("differs")));
    }

    /// Chinese Li and Yi are two names; Korean Ri, Li, Yi and Lee are one. Variants
    /// across languages fold only in names the list gives as Korean.
    #[test]
    fn cross_language_variants_only_in_korean_names() {
        let s = screening(vec![
            entry("27472", "LI, Yi", &[]),
            entry("2", "ZHANG, Wei", &[]),
            korean("3", "RI, Song Chol"),
            korean("4", "JANG, Song Thaek"),
            korean("5", "U, Jong Su"),
        ]);
        for q in ["Li Li", "Yi Yi", "Jang Wei"] {
            let m = s.screen(&Query::name(q), None);
            assert!(m.is_empty(), "{q}: {:?}", m.first().map(|m| (&m.matched_name, m.score)));
        }
        for (q, id) in [
            ("Li Yi", "27472"),
            ("Zhang Wei", "2"),
            ("Li Song Chol", "3"),
            ("Yi Song Chol", "3"),
            ("Lee Song Chol", "3"),
            ("Chang Song Thaek", "4"),
            ("Zhang Song Thaek", "4"),
            ("Wu Jong Su", "5"),
        ] {
            assert_eq!(top(&s, q).filter(|m| m.1 >= 0.88).map(|m| m.0), Some(id.to_string()), "{q}");
        }
    }

    /// A name made only of stop words and company forms can be screened; Le and Du
    /// are surnames (Vietnamese Lê, Chinese Du), not articles to drop, while the
    /// particles van and la still weigh little.
    #[test]
    fn stop_words_and_forms_that_are_names() {
        let s = screening(vec![
            entry("1", "DES INTERNATIONAL CO., LTD.", &[]),
            entry("2", "GENERAL TECHNOLOGY LIMITED", &[]),
            entry("3", "LE, Van Hung", &[]),
            entry("4", "DU, Wei", &[]),
            entry("5", "VAN DER BERG, Jan", &[]),
            entry("6", "DE LA CRUZ, Maria", &[]),
        ]);
        for (q, id) in [
            ("DES INTERNATIONAL CO., LTD.", "1"),
            ("Des International Company Limited", "1"),
            ("General Technology Ltd", "2"),
            ("Le Van Hung", "3"),
            ("Hung Le", "3"),
            ("Du Wei", "4"),
            ("Jan Berg", "5"),
            ("Jan van der Berg", "5"),
            ("Maria Cruz", "6"),
            ("Maria de la Cruz", "6"),
        ] {
            let (got, score) = top(&s, q).unwrap_or_else(|| panic!("{q}: no match"));
            assert_eq!(got, id, "{q}");
            assert!(score >= MatchConfig::default().min_score, "{q}: {score}");
        }
        for q in ["Hung", "Wei", "Van Hung", "International Ltd", "Technology"] {
            let m = s.screen(&Query::name(q), None);
            assert!(m.is_empty(), "{q}: {:?}", m.first().map(|m| (&m.matched_name, m.score)));
        }
    }

    #[test]
    fn typos_score_below_exact() {
        let s = sample();
        let exact = top(&s, "Chinyong Information Technology Cooperation Company").unwrap().1;
        let typo = top(&s, "Chinyong Informaton Technology Cooperation Company").unwrap().1;
        assert!(exact > typo && typo > 0.9, "{exact} {typo}");
    }

    #[test]
    fn date_of_birth_and_country_lift_or_lower() {
        let s = sample();
        let base = s.screen(&Query::name("Kim Sang Man"), Some(0.0))[0].score;
        let same = Query {
            dob: Some(Dob::date(1965, 4, 25)),
            countries: vec![CountryCode::new("KP").unwrap()],
            ..Query::name("Kim Sang Man")
        };
        let other = Query {
            dob: Some(Dob::date(1990, 1, 1)),
            countries: vec![CountryCode::new("US").unwrap()],
            ..Query::name("Kim Sang Man")
        };
        let a = s.screen(&same, Some(0.0))[0].clone();
        let b = s.screen(&other, Some(0.0))[0].clone();
        assert!(a.score >= base && b.score < base - 0.15, "{} {base} {}", a.score, b.score);
        assert_eq!(a.adjustments.len(), 2);
        assert!(s.screen(&other, None).is_empty());
    }

    #[test]
    fn a_match_explains_itself() {
        let s = sample();
        let m = &s.screen(&Query::name("Sangman Gim"), None)[0];
        let hows: Vec<&str> = m.pairs.iter().map(|p| p.how).collect();
        assert!(hows.contains(&"variant") && hows.contains(&"joined"), "{:?}", m.pairs);
        let m = &s.screen(&Query::name("Alis LLC"), None)[0];
        assert!(m.alias);
        assert_eq!(m.matched_name, "ALIS LLC");
    }

    #[test]
    fn identifiers_match_exactly_and_by_chain_rules() {
        let s = sample();
        let m = s.identifier(IdKind::Wallet, "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].score, 1.0);
        assert!(s.identifier(IdKind::Wallet, "0xb6f5ec1a0a9cd1526536d3f0426c429529471f41").is_empty());
    }

    #[test]
    fn documents_compare_by_fingerprint() {
        let mut e = entry("7", "X, Y", &[]);
        e.documents.push(super::super::ListedDocument {
            kind: "Passport".into(),
            number: "109420132".into(),
            country: None,
        });
        let mut s = screening(vec![e]);
        let keyring = crate::Keyring::from_bytes([3; 32]);
        s.index_documents(&keyring);
        let subject = keyring.protect(bonafide_core::SensitiveKind::IdDocument, "1094-20132").unwrap();
        let m = s.document(&subject.fingerprint);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].identifier.as_ref().unwrap().1, "Passport ****0132");
        let other = keyring.protect(bonafide_core::SensitiveKind::IdDocument, "109420133").unwrap();
        assert!(s.document(&other.fingerprint).is_empty());
    }

    #[test]
    fn empty_and_odd_queries() {
        let s = sample();
        for q in ["", "   ", "LLC", "Co. Ltd.", "!!!", "\u{0}"] {
            assert!(s.screen(&Query::name(q), None).is_empty(), "{q:?}");
        }
        assert!(Screening::default().screen(&Query::name("Kim"), Some(0.0)).is_empty());
    }

    #[test]
    fn bits_are_counted() {
        for x in [0u128, 1, 2, 3, 5, 7, 1 << 127, (1 << 127) | 1, u128::MAX, 0b1011_0000] {
            for max in 0..4 {
                assert_eq!(at_most_ones(x, max), x.count_ones() as usize <= max, "{x:b} {max}");
            }
        }
    }

    #[test]
    fn edit_distance() {
        assert_eq!(osa(b"abcd", b"abdc", 2), Some(1));
        assert_eq!(osa(b"abcd", b"abcd", 0), Some(0));
        assert_eq!(osa(b"abcdef", b"azcdzf", 1), None);
        assert_eq!(osa(b"", b"ab", 2), Some(2));
    }
}

#[cfg(test)]
mod props {
    use super::super::Alias;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any query: no panic, scores in 0..=1, best first, at or above the minimum; a
        /// listed name always finds its own entry at 1.0.
        #[test]
        fn screening_is_well_behaved(names in proptest::collection::vec("[A-Za-z ,.'\\-]{1,30}", 1..8), q in "\\PC{0,40}") {
            let entries: Vec<Entry> = names.iter().enumerate().map(|(i, n)| Entry {
                id: i.to_string(), name: n.clone(),
                aliases: vec![Alias { name: format!("{n} LLC"), quality: "a.k.a.".into(), weak: i % 2 == 0 }],
                ..Default::default()
            }).collect();
            let mut l = Lists::default();
            l.push_list("p".into(), entries);
            let s = Screening::build(l, NameRules::builtin(), MatchConfig::default());
            let m = s.screen(&Query::name(q), Some(0.5));
            for w in m.windows(2) {
                prop_assert!(w[0].score >= w[1].score);
            }
            for x in &m {
                prop_assert!((0.5..=1.0).contains(&x.score));
            }
            for (i, n) in names.iter().enumerate() {
                if NameRules::builtin().words(n).iter().any(|w| !w.form) {
                    let m = s.screen(&Query::name(n.clone()), Some(0.99));
                    prop_assert!(m.iter().any(|x| x.entry == i), "{n:?} does not find itself");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// The candidate bound is never below the score the alignment gives, for names
        /// and queries made of syllables that join, fold to variants and differ by a
        /// typo, Korean names and not: a candidate the bound drops could not have matched.
        #[test]
        fn the_bound_bounds_the_score(
            names in proptest::collection::vec(proptest::collection::vec((0usize..SYLLABLES.len(), 0usize..4), 1..5), 1..6),
            q in proptest::collection::vec((0usize..SYLLABLES.len(), 0usize..4), 1..5),
            respell in any::<bool>(),
            joins in proptest::collection::vec(any::<bool>(), 8),
            korean in any::<bool>(),
        ) {
            // Syllables in one of their spellings, written apart or joined (`sang man`,
            // `sangman`) as `joins` says from `at` on.
            let write = |ws: &[(usize, usize)], at: usize| ws.iter().enumerate().fold(String::new(), |mut out, (i, &(w, v))| {
                if i > 0 && !joins[(at + i) % joins.len()] {
                    out.push(' ');
                }
                out.push_str(SYLLABLES[w][v % SYLLABLES[w].len()]);
                out
            });
            let entries: Vec<Entry> = names.iter().enumerate().map(|(i, n)| Entry {
                id: i.to_string(),
                name: write(n, 0),
                kind: EntryKind::Person,
                nationalities: if korean { vec![CountryCode::new("KP").unwrap()] } else { Vec::new() },
                ..Default::default()
            }).collect();
            let mut l = Lists::default();
            l.push_list("p".into(), entries);
            let s = Screening::build(l, NameRules::builtin(), MatchConfig::default());
            // Either any syllables, or the first name's respelt and joined otherwise: the
            // case the joined-word lists are for.
            let query = if respell {
                let n: Vec<(usize, usize)> = names[0].iter().zip(&q).map(|(&(w, _), &(_, v))| (w, v)).collect();
                write(&n, 3)
            } else {
                write(&q, 3)
            };
            let mut scratch = Vec::new();
            for k in [false, true] {
                let mut qt = s.query_tokens(&query, k);
                s.prepare_joins(&mut qt, &[false, true]);
                for rec in &s.names {
                    let a = s.align(&qt, *rec, false, &mut scratch);
                    let b = s.bound(&qt, *rec);
                    prop_assert!(f64::from(b) + 1e-6 >= a.score, "{query:?} vs {rec:?}: bound {b} < {}", a.score);
                }
            }
        }
    }

    /// Syllables in their romanisations, variants of one another (some whose phonetic
    /// keys differ: `pak`/`park`, `hee`/`hui`, `yi`/`lee`, so that only the folded
    /// halves join them), a company form, and longer words a typo apart (swapped letters,
    /// another letter).
    const SYLLABLES: &[&[&str]] = &[
        &["kim", "gim"],
        &["sang"],
        &["man"],
        &["tae", "thae"],
        &["hun"],
        &["sung", "seung"],
        &["li", "lee", "yi", "ri"],
        &["chang", "jang"],
        &["pak", "park", "bak"],
        &["hee", "hui"],
        &["choi", "choe"],
        &["mohd", "mohammed", "muhammad"],
        &["abd", "abdul"],
        &["kennedy", "kenendy", "kemnedy"],
        &["llc"],
    ];
}

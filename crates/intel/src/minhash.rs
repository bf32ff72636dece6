//! Near-duplicate text: word shingles, MinHash sketches, LSH banding, and a Jaccard
//! similarity weighted by how rare each shingle is in the pool.
//!
//! A resume is reduced to the set of its word `k`-shingles (hashed to 64 bits). MinHash
//! estimates the Jaccard similarity of two sets from `n` minima; LSH banding splits the
//! sketch into `bands` of `rows` and makes two documents candidates when any band agrees,
//! so finding the similar pairs among 100k documents costs one hash-table pass rather
//! than 5·10⁹ comparisons. Candidates are then confirmed on the exact shingle sets.
//!
//! Why weighted: a bootcamp cohort writes from one template, so plain Jaccard counts the
//! shared boilerplate as similarity. [`ShingleWeights`] gives each shingle the weight
//! `ln(1 + N / df)` (df = how many documents of the pool hold it): boilerplate shared by
//! the whole cohort weighs little, the employers, dates and project names that make a
//! history someone's own weigh much. The same resume under two names shares its rare
//! shingles too, so it stays near 1.

use rustc_hash::FxHashMap;

/// Shingle length in words and sketch shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SketchShape {
    /// Words per shingle.
    pub shingle_words: usize,
    /// LSH bands; the sketch holds `bands * rows` minima.
    pub bands: usize,
    pub rows: usize,
}

impl Default for SketchShape {
    /// 3-word shingles, 16 bands of 8 rows (128 minima): a pair at Jaccard 0.8 becomes a
    /// candidate with probability 1 - (1 - 0.8^8)^16 ≈ 0.9996, a pair at 0.3 with ≈ 0.001.
    fn default() -> Self {
        SketchShape { shingle_words: 3, bands: 16, rows: 8 }
    }
}

impl SketchShape {
    pub fn len(&self) -> usize {
        self.bands * self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A document's shingles (sorted, distinct) and its MinHash sketch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sketch {
    pub shingles: Vec<u64>,
    pub minima: Vec<u64>,
}

/// A 64-bit mixer (SplitMix64's finaliser): fast, and good enough to make minima of
/// different seeds independent.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over a word's lower-cased characters, then mixed; no allocation.
#[inline]
fn word_hash(w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |c: char| {
        h ^= u64::from(c as u32);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for c in w.chars() {
        if c.is_ascii() {
            add(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(&mut add);
        }
    }
    mix(h)
}

/// The words of a text: runs of letters and digits, lower-cased. Punctuation and
/// layout (bullets, columns, line breaks) do not matter, which is what a copied resume
/// with a new header changes.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase())
}

/// The distinct `k`-word shingles of a text, hashed, sorted. A text shorter than `k`
/// words gives one shingle of all its words (or none when empty).
pub fn shingles(text: &str, k: usize) -> Vec<u64> {
    let k = k.max(1);
    let hashes: Vec<u64> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(word_hash).collect();
    let mut out: Vec<u64> = if hashes.len() < k {
        if hashes.is_empty() { Vec::new() } else { vec![combine(&hashes)] }
    } else {
        hashes.windows(k).map(combine).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

#[inline]
fn combine(ws: &[u64]) -> u64 {
    ws.iter().fold(0x9e37_79b9_7f4a_7c15u64, |acc, &w| mix(acc.rotate_left(17) ^ w))
}

/// MurmurHash3's 32-bit finaliser: a bijection, so `fmix32(x ^ seed)` is one random-ish
/// permutation per seed, and cheap enough (two multiplies) for the compiler to run four
/// or eight seeds at once.
#[inline]
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The MinHash sketch of a shingle set: for each of `n` seeds, the least permuted value
/// (32-bit permutations, kept in `u64` slots). An empty set gives all `u64::MAX`.
pub fn minhash(shingles: &[u64], n: usize) -> Vec<u64> {
    if shingles.is_empty() {
        return vec![u64::MAX; n];
    }
    let seeds: Vec<u32> = (0..n).map(|i| mix(SEEDS[i % SEEDS.len()].wrapping_add(i as u64)) as u32).collect();
    let mut minima = vec![u32::MAX; n];
    for &s in shingles {
        let x = (s ^ (s >> 32)) as u32;
        for (m, &seed) in minima.iter_mut().zip(&seeds) {
            *m = (*m).min(fmix32(x ^ seed));
        }
    }
    minima.into_iter().map(u64::from).collect()
}

/// Seeds of the permutations (arbitrary constants, fixed so that sketches are comparable
/// across runs).
const SEEDS: [u64; 4] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7345, 0xa409_3822_299f_31d1, 0x082e_fa98_ec4e_6c89];

/// Shingles and sketch of one text.
pub fn sketch(text: &str, shape: &SketchShape) -> Sketch {
    let shingles = shingles(text, shape.shingle_words);
    let minima = minhash(&shingles, shape.len());
    Sketch { shingles, minima }
}

/// The fraction of agreeing minima: an estimate of the Jaccard similarity.
pub fn estimate(a: &[u64], b: &[u64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y && **x != u64::MAX).count() as f64 / n as f64
}

/// Pairs `(i, j)`, `i < j`, of sketches that agree on at least one whole band. Each band
/// is hashed into one table; a bucket larger than `max_bucket` (a template everyone
/// used, or empty documents) is skipped, so the cost stays linear whatever the pool.
/// Sketches shorter than the shape (or empty documents) take no part.
pub fn candidates(sketches: &[&[u64]], shape: &SketchShape, max_bucket: usize) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut table: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for band in 0..shape.bands {
        table.clear();
        let range = band * shape.rows..(band + 1) * shape.rows;
        for (i, s) in sketches.iter().enumerate() {
            let Some(rows) = s.get(range.clone()) else { continue };
            if rows.iter().all(|&m| m == u64::MAX) {
                continue;
            }
            let key = rows.iter().fold(band as u64, |acc, &m| mix(acc ^ m));
            table.entry(key).or_default().push(i as u32);
        }
        for bucket in table.values() {
            if bucket.len() < 2 || bucket.len() > max_bucket {
                continue;
            }
            for (x, &i) in bucket.iter().enumerate() {
                for &j in &bucket[x + 1..] {
                    pairs.push((i.min(j), i.max(j)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Document frequency at or below which a shingle counts as rare (see
/// [`ShingleWeights::weight`]).
pub const RARE_DF: u32 = 3;

/// How many documents of the pool hold each shingle, for [`weighted_jaccard`].
#[derive(Clone, Debug, Default)]
pub struct ShingleWeights {
    df: FxHashMap<u64, u32>,
    docs: u32,
}

impl ShingleWeights {
    pub fn new<'a>(pool: impl IntoIterator<Item = &'a [u64]>) -> Self {
        let mut w = ShingleWeights::default();
        for shingles in pool {
            w.docs += 1;
            for &s in shingles {
                *w.df.entry(s).or_default() += 1;
            }
        }
        w
    }

    /// As [`ShingleWeights::new`], counting only the shingles in `wanted` (those of the
    /// documents about to be compared): the pool is scanned once, but the table holds
    /// only what will be asked, not every shingle of 100k resumes.
    pub fn counting<'a>(pool: impl IntoIterator<Item = &'a [u64]>, wanted: &rustc_hash::FxHashSet<u64>) -> Self {
        let mut w = ShingleWeights::default();
        for shingles in pool {
            w.docs += 1;
            for s in shingles.iter().filter(|s| wanted.contains(s)) {
                *w.df.entry(*s).or_default() += 1;
            }
        }
        w
    }

    /// `ln(1 + N / max(df, RARE_DF))`: always positive, so a pool of two identical
    /// documents still compares; a shingle every document holds weighs `ln 2`. Shingles
    /// held by up to [`RARE_DF`] documents weigh the same: a resume copied under three
    /// names holds its own lines three times, and the lines edited in one copy must not
    /// outweigh the lines the copies share.
    pub fn weight(&self, shingle: u64) -> f64 {
        let df = self.df.get(&shingle).copied().unwrap_or(1).max(RARE_DF);
        (1.0 + f64::from(self.docs.max(1)) / f64::from(df)).ln()
    }

    /// Documents in the pool.
    pub fn docs(&self) -> u32 {
        self.docs
    }
}

/// Exact Jaccard similarity of two sorted, distinct shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (inter, union) = merge(a, b, |_| 1.0);
    if union == 0.0 { 0.0 } else { inter / union }
}

/// Jaccard similarity where each shingle counts with its rarity weight.
pub fn weighted_jaccard(a: &[u64], b: &[u64], weights: &ShingleWeights) -> f64 {
    let (inter, union) = merge(a, b, |s| weights.weight(s));
    if union == 0.0 { 0.0 } else { inter / union }
}

fn merge(a: &[u64], b: &[u64], w: impl Fn(u64) -> f64) -> (f64, f64) {
    let (mut i, mut j) = (0, 0);
    let (mut inter, mut union) = (0.0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                let x = w(a[i]);
                inter += x;
                union += x;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                union += w(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                union += w(b[j]);
                j += 1;
            }
        }
    }
    union += a[i..].iter().map(|&s| w(s)).sum::<f64>();
    union += b[j..].iter().map(|&s| w(s)).sum::<f64>();
    (inter, union)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "Senior software engineer with eight years building payment systems at Northwind \
        Traders 2016-2021 and Contoso Bank 2021-2024. Led the migration of the ledger service to Rust, \
        cut settlement latency by 40 percent, built the fraud scoring pipeline in Kafka and Flink, \
        mentored six engineers, ran the on-call rotation for the card authorisation platform.";

    #[test]
    fn shingles_ignore_case_and_punctuation() {
        assert_eq!(shingles("Hello, World! again", 2), shingles("hello world\n\n  AGAIN.", 2));
        assert_eq!(shingles("", 3), Vec::<u64>::new());
        assert_eq!(shingles("one two", 3).len(), 1);
    }

    #[test]
    fn the_estimate_follows_the_exact_jaccard() {
        let shape = SketchShape::default();
        let edited = BASE.replace("six engineers", "five engineers").replace("Flink", "Spark");
        let other = "Junior web developer, bootcamp graduate 2023, built a todo app in React and a \
            weather dashboard with the OpenWeather API, volunteer at a food bank, keen to learn.";
        let a = sketch(BASE, &shape);
        let b = sketch(&edited, &shape);
        let c = sketch(other, &shape);
        let exact = jaccard(&a.shingles, &b.shingles);
        let est = estimate(&a.minima, &b.minima);
        assert!(exact > 0.7, "{exact}");
        assert!((exact - est).abs() < 0.15, "exact {exact} estimate {est}");
        assert!(estimate(&a.minima, &c.minima) < 0.1);
        assert_eq!(estimate(&a.minima, &a.minima), 1.0);
    }

    #[test]
    fn banding_finds_near_duplicates_only() {
        let shape = SketchShape::default();
        let docs: Vec<Sketch> = [
            BASE.to_string(),
            BASE.replace("Northwind Traders", "Northwind Trading"),
            "Completely different text about gardening, tomatoes, compost and the weather in spring time.".to_string(),
            String::new(),
            String::new(),
        ]
        .iter()
        .map(|t| sketch(t, &shape))
        .collect();
        let refs: Vec<&[u64]> = docs.iter().map(|d| d.minima.as_slice()).collect();
        assert_eq!(candidates(&refs, &shape, 100), vec![(0, 1)], "empty documents are never candidates");
    }

    #[test]
    fn rare_shingles_outweigh_boilerplate() {
        let template = "Full stack developer graduate of the Launch Academy immersive program. Skilled in \
            JavaScript, React, Node, Express, PostgreSQL, Git and agile teamwork. Passionate about clean code, \
            test driven development, continuous learning and collaborating with cross functional teams.";
        let a = format!(
            "{template} Previously warehouse lead at Acme Logistics 2017-2022 in Dayton, built \
            a shift planner for forty pickers."
        );
        let b = format!(
            "{template} Previously nurse at Mercy General 2015-2021 in Tulsa, wrote a \
            medication reminder app used on two wards."
        );
        let c = format!(
            "{template} Previously barista and shift manager at Blue Bottle 2019-2023, \
            volunteer coding tutor for high school students."
        );
        let dup = a.replace("Dayton", "Dayton Ohio");
        let pool: Vec<Vec<u64>> = [&a, &b, &c, &dup].iter().map(|t| shingles(t, 3)).collect();
        let w = ShingleWeights::new(pool.iter().map(|s| s.as_slice()));
        let cohort = weighted_jaccard(&pool[0], &pool[1], &w);
        let plain = jaccard(&pool[0], &pool[1]);
        assert!(plain > 0.5, "the template dominates plain Jaccard: {plain}");
        assert!(cohort < 0.5, "weighted: {cohort}");
        assert!(weighted_jaccard(&pool[0], &pool[3], &w) > 0.8);
    }

    #[test]
    fn a_pool_of_two_identical_documents_compares() {
        let s = shingles(BASE, 3);
        let w = ShingleWeights::new([s.as_slice(), s.as_slice()]);
        assert_eq!(weighted_jaccard(&s, &s, &w), 1.0);
        assert_eq!(weighted_jaccard(&[], &[], &w), 0.0);
    }
}

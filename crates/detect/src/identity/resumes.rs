//! H1: the same or nearly the same resume under different names.
//!
//! Resumes arrive reduced (shingle hashes and a MinHash sketch, see
//! `bonafide_intel::minhash`). LSH banding proposes candidate pairs in linear time;
//! each candidate is confirmed on the exact shingle sets with a Jaccard similarity that
//! weights each shingle by its rarity in this pool, so a bootcamp cohort writing from
//! one template (shared boilerplate, different employers, dates and projects) stays
//! apart while a copied history stays together. Confirmed pairs are joined into groups;
//! a group fires when it holds two or more identities (one person's two applications
//! are one).

use bonafide_core::{Shared, SubjectIdx};
use bonafide_intel::minhash::{self, ShingleWeights, SketchShape};

use crate::people::same_identity;
use crate::shared::{self, Holder};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Resumes;

/// Union-find over `n` items, for grouping confirmed pairs.
pub(crate) struct Groups(Vec<u32>);

impl Groups {
    pub(crate) fn new(n: usize) -> Self {
        Groups((0..n as u32).collect())
    }

    pub(crate) fn find(&mut self, mut i: u32) -> u32 {
        while self.0[i as usize] != i {
            let up = self.0[self.0[i as usize] as usize];
            self.0[i as usize] = up;
            i = up;
        }
        i
    }

    pub(crate) fn join(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb) as usize] = ra.min(rb);
        }
    }

    /// Members of every group of two or more, by root.
    pub(crate) fn members(mut self) -> Vec<Vec<u32>> {
        let n = self.0.len();
        let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for i in 0..n as u32 {
            let r = self.find(i);
            by_root.entry(r).or_default().push(i);
        }
        by_root.into_values().filter(|m| m.len() >= 2).collect()
    }
}

impl Detector for Resumes {
    fn name(&self) -> &'static str {
        "resumes"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["H1"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.h1;
        let shape = SketchShape::default();
        let pool: Vec<_> = cx
            .records
            .documents
            .resumes
            .iter()
            .filter(|r| r.shingles.len() >= cfg.min_shingles && r.minhash.len() == shape.len())
            .collect();
        if pool.len() < 2 {
            return;
        }
        let sketches: Vec<&[u64]> = pool.iter().map(|r| r.minhash.as_slice()).collect();
        let candidates = minhash::candidates(&sketches, &shape, cfg.max_bucket);
        if candidates.is_empty() {
            return;
        }
        // Rarity is counted over the whole pool, for the shingles of candidates only.
        let mut wanted: rustc_hash::FxHashSet<u64> = Default::default();
        for &(i, j) in &candidates {
            wanted.extend(pool[i as usize].shingles.iter().chain(&pool[j as usize].shingles));
        }
        let weights = ShingleWeights::counting(pool.iter().map(|r| r.shingles.as_slice()), &wanted);
        let mut groups = Groups::new(pool.len());
        let mut best = vec![0.0f64; pool.len()];
        for (i, j) in candidates {
            let (a, b) = (pool[i as usize], pool[j as usize]);
            let sim = minhash::weighted_jaccard(&a.shingles, &b.shingles, &weights);
            if sim >= cfg.min_similarity {
                groups.join(i, j);
                for k in [i, j] {
                    best[k as usize] = best[k as usize].max(sim);
                }
            }
        }
        for members in groups.members() {
            let holders: Vec<Holder> = members
                .iter()
                .filter_map(|&m| {
                    let r = pool[m as usize];
                    let s = cx.subject(r.subject)?;
                    Some(Holder::of_subject(r.subject, s, |ev| {
                        ev.with("resume_words", r.words as u64)
                            .with("similarity", (best[m as usize] * 100.0).round() / 100.0)
                    }))
                })
                .collect();
            let subjects = shared::subjects(&holders);
            if subjects.len() < 2 || subjects.len() > cfg.max_subjects {
                continue;
            }
            let same = |a: &Holder, b: &Holder| same_identity(cx, a.subject, b.subject);
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let mut names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
            names.sort();
            names.dedup();
            let summary = format!(
                "nearly the same resume (weighted shingle similarity >= {:.2}) under {n} names: {}",
                cfg.min_similarity,
                names.join(", ")
            );
            let lead = first_id(cx, &subjects);
            let shared = Shared { kind: "resume".into(), value: format!("resume like {lead}'s") };
            out.push(shared::finding("H1", cx.weight("H1"), &holders, shared, summary));
        }
    }
}

/// The subject id of the first of `subjects`, to name a group stably.
pub(crate) fn first_id<'a>(cx: &'a Context<'a>, subjects: &[SubjectIdx]) -> &'a str {
    subjects.first().and_then(|&s| cx.subject(s)).map(|s| s.id.as_str()).unwrap_or("?")
}

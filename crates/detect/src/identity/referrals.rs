//! A11: referral chains around a confirmed or high-risk subject.
//!
//! Fraud rings refer their own: a placed worker vouches for the next persona. A referral
//! is not evidence by itself, so this detector runs in the engine's second pass, after
//! the first scoring: every subject whose score reached `min_band` (A11 itself not
//! counted, so chains cannot feed on each other) or that an analyst confirmed is a seed,
//! and the people within `max_hops` referral steps of a seed, in either direction (who
//! it referred, who referred it), are raised with a soft signal that names the path.
//! Seeds themselves are not raised again.

use std::collections::{HashMap, VecDeque};

use bonafide_core::{Finding, SubjectIdx};

use crate::people::{index, subject_evidence};
use crate::{Context, Detector, Findings, Risk};

#[derive(Debug, Default)]
pub struct Referrals;

impl Detector for Referrals {
    fn name(&self) -> &'static str {
        "referrals"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A11"]
    }

    fn reconsider(&mut self, cx: &Context<'_>, risk: &Risk<'_>, out: &mut Findings) {
        let cfg = &cx.config.a11;
        let ids = index(cx);
        // Undirected referral graph: edges[i] = (neighbour, true when i referred them).
        let mut edges: HashMap<SubjectIdx, Vec<(SubjectIdx, bool)>> = HashMap::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            let Some(&referrer) = s.referred_by.as_deref().and_then(|r| ids.get(r.trim())) else { continue };
            let me = SubjectIdx(i as u32);
            if referrer == me {
                continue;
            }
            edges.entry(referrer).or_default().push((me, true));
            edges.entry(me).or_default().push((referrer, false));
        }
        if edges.is_empty() {
            return;
        }
        let is_seed = |i: SubjectIdx| -> Option<String> {
            let s = cx.subject(i)?;
            if cfg.confirmed.iter().any(|c| c == &s.id) {
                return Some(format!("{} (confirmed)", s.id));
            }
            let score = risk.scores.get(i.index())?;
            (score.band >= cfg.min_band)
                .then(|| format!("{} ({} risk, score {})", s.id, score.band.as_str(), score.score))
        };
        let mut seeds: Vec<(SubjectIdx, String)> =
            edges.keys().filter_map(|&i| is_seed(i).map(|why| (i, why))).collect();
        seeds.sort();
        // Nearest seed per raised subject: (hops, seed label, path description).
        let mut raised: HashMap<SubjectIdx, (usize, String, String)> = HashMap::new();
        for (seed, label) in &seeds {
            let mut queue = VecDeque::from([(*seed, 0usize, String::new())]);
            let mut visited = vec![*seed];
            while let Some((at, hops, path)) = queue.pop_front() {
                if hops == cfg.max_hops {
                    continue;
                }
                for &(next, at_referred_next) in edges.get(&at).map(Vec::as_slice).unwrap_or(&[]) {
                    if visited.contains(&next) {
                        continue;
                    }
                    visited.push(next);
                    let at_id = cx.subject(at).map(|s| s.id.as_str()).unwrap_or("?");
                    let step =
                        if at_referred_next { format!("referred by {at_id}") } else { format!("referred {at_id}") };
                    let path = if path.is_empty() { step } else { format!("{step}, who {path}") };
                    if seeds.iter().all(|(s, _)| *s != next) {
                        let better = raised.get(&next).is_none_or(|(h, _, _)| hops + 1 < *h);
                        if better {
                            raised.insert(next, (hops + 1, label.clone(), path.clone()));
                        }
                    }
                    queue.push_back((next, hops + 1, path));
                }
            }
        }
        let mut raised: Vec<_> = raised.into_iter().collect();
        raised.sort_by_key(|(i, _)| *i);
        for (idx, (hops, seed, path)) in raised {
            let Some(s) = cx.subject(idx) else { continue };
            let summary = format!("{path}; {hops} referral step(s) from {seed}");
            let mut f = Finding::new("A11", idx, cx.weight("A11"), summary);
            let mut ev = subject_evidence(s).with("seed", seed).with("hops", hops);
            if let Some(r) = &s.referred_by {
                ev = ev.with("referred_by", r.as_str());
            }
            f.evidence = vec![ev];
            f.evidence_total = 1;
            out.push(f);
        }
    }
}

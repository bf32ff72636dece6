//! Score propagation: a subject strongly linked to a confirmed or critical subject gains
//! bits (indicator H6), and the path that caused the gain is kept for the report.
//!
//! Why damped: a link is evidence of a shared facilitator, not of guilt, so the gain is
//! the seed's H6 weight scaled by the weakest link on the path (full at 8 bits, the
//! worth of a shared account between two strangers) and halved for every hop beyond the
//! first; paths longer than `max_hops` give nothing. Only links at or above the graph's
//! minimum strength carry anything.

use rustc_hash::FxHashMap;

use crate::cluster::Cluster;
use crate::ident::IdKind;

/// Bits at which a link carries the full H6 weight.
pub const FULL_LINK_BITS: f32 = 8.0;

/// What one subject gains from one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Propagation {
    pub subject: u32,
    pub seed: u32,
    pub bits: f64,
    /// The hops from the seed: (subject reached, what the hop shares).
    pub path: Vec<(u32, IdKind)>,
}

/// Gains for every non-seed member of `clusters` reachable from a seed within
/// `max_hops` over links of at least `min_bits`. `seeds`: (subject, bits a direct,
/// full-strength link to it is worth). One result per subject: the largest gain.
pub fn propagate(clusters: &[Cluster], seeds: &[(u32, f64)], min_bits: f32, max_hops: usize) -> Vec<Propagation> {
    let seed_bits: FxHashMap<u32, f64> = seeds.iter().copied().collect();
    let mut best: FxHashMap<u32, Propagation> = FxHashMap::default();
    for c in clusters {
        if !c.members.iter().any(|m| seed_bits.contains_key(m)) {
            continue;
        }
        // Pair strength: a strong link's own bits, or the weak links' sum.
        let mut adj: FxHashMap<u32, Vec<(u32, f32, IdKind)>> = FxHashMap::default();
        let mut strength: FxHashMap<(u32, u32), (f32, IdKind)> = FxHashMap::default();
        for l in &c.links {
            let s = l.pair_bits.unwrap_or(l.bits);
            let e = strength.entry((l.a.min(l.b), l.a.max(l.b))).or_insert((0.0, l.kind));
            if s > e.0 || (s == e.0 && l.bits > 0.0 && l.kind < e.1) {
                *e = (s, l.kind);
            }
        }
        let mut edges: Vec<((u32, u32), (f32, IdKind))> = strength.into_iter().collect();
        edges.sort_by_key(|(k, _)| *k);
        for ((a, b), (s, kind)) in edges {
            if s >= min_bits {
                adj.entry(a).or_default().push((b, s, kind));
                adj.entry(b).or_default().push((a, s, kind));
            }
        }
        let mut seeds_here: Vec<u32> = c.members.iter().copied().filter(|m| seed_bits.contains_key(m)).collect();
        seeds_here.sort_unstable();
        for seed in seeds_here {
            let base = seed_bits.get(&seed).copied().unwrap_or(0.0);
            // Breadth-first from the seed; each subject keeps its first (shortest) path.
            let mut reached: FxHashMap<u32, (Vec<(u32, IdKind)>, f32)> = FxHashMap::default();
            reached.insert(seed, (Vec::new(), f32::INFINITY));
            let mut frontier = vec![seed];
            for hop in 1..=max_hops {
                let mut next = Vec::new();
                for u in frontier {
                    let (path, weakest) = reached.get(&u).cloned().unwrap_or_default();
                    for &(v, s, kind) in adj.get(&u).map(Vec::as_slice).unwrap_or(&[]) {
                        if reached.contains_key(&v) {
                            continue;
                        }
                        let mut p = path.clone();
                        p.push((v, kind));
                        let w = weakest.min(s);
                        reached.insert(v, (p.clone(), w));
                        next.push(v);
                        if seed_bits.contains_key(&v) {
                            continue;
                        }
                        let bits = base * f64::from((w / FULL_LINK_BITS).min(1.0)) * 0.5f64.powi(hop as i32 - 1);
                        let better = best.get(&v).is_none_or(|b| bits > b.bits + 1e-9);
                        if better {
                            best.insert(v, Propagation { subject: v, seed, bits, path: p });
                        }
                    }
                }
                frontier = next;
            }
        }
    }
    let mut out: Vec<Propagation> = best.into_values().collect();
    out.sort_by_key(|p| p.subject);
    out
}

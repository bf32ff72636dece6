//! A6 and I13: one profile photo, or a light edit of it, under different identities.
//!
//! Photos arrive as 64-bit perceptual hashes (`bonafide_intel::phash`); pairs within
//! `max_distance` bits are found by multi-index hashing and joined into groups. A group
//! whose closest pair is within `same_distance` is the same photo; one held only by
//! looser pairs is a similar photo, weighed less, because two different photos that
//! close are rare per pair but not in a large pool. A group fires when it holds two or
//! more identities: one person who applied twice (same name,
//! no conflicting date of birth) and re-submitted their own ID photo is one identity.
//! When two or more of the group's subjects are platform accounts (kind `account`), the
//! photo opened several accounts, which is I13; otherwise it is A6.

use std::collections::{BTreeMap, HashMap};

use bonafide_core::{Shared, SubjectKind};
use bonafide_intel::phash;

use crate::identity::resumes::{Groups, first_id};
use crate::people::same_identity;
use crate::shared::{self, Holder};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Photos;

impl Detector for Photos {
    fn name(&self) -> &'static str {
        "photos"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A6", "I13"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a6;
        let photos = &cx.records.documents.photos;
        if photos.len() < 2 {
            return;
        }
        let hashes: Vec<u64> = photos.iter().map(|p| p.phash).collect();
        let same_distance = cfg.same_distance.min(cfg.max_distance);
        let pairs = phash::near_pairs(&hashes, cfg.max_distance);
        // The same photo: groups joined by close pairs only. Similar photos: groups joined
        // by any near pair, reported when they reach an identity their close pairs do
        // not (a look-alike of someone's photo, or of their re-submitted one).
        let mut same = Groups::new(photos.len());
        let mut near = Groups::new(photos.len());
        let mut closest = vec![u32::MAX; photos.len()];
        for &(i, j, d) in &pairs {
            near.join(i, j);
            if d <= same_distance {
                same.join(i, j);
            }
            for k in [i, j] {
                closest[k as usize] = closest[k as usize].min(d);
            }
        }
        // Each near group with its pairs, bucketed once by root (a group's root is its
        // lowest member, which `members` lists first).
        let mut by_group: HashMap<u32, Vec<(u32, u32, u32)>> = HashMap::new();
        for &(i, j, d) in &pairs {
            by_group.entry(near.find(i)).or_default().push((i, j, d));
        }
        for members in near.members() {
            let group_pairs = by_group.remove(&members[0]).unwrap_or_default();
            let mut subgroups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            for &m in &members {
                subgroups.entry(same.find(m)).or_default().push(m);
            }
            // The close pairs, bucketed once by the same-photo group they join.
            let mut close: HashMap<u32, Vec<(u32, u32, u32)>> = HashMap::new();
            for &(i, j, d) in group_pairs.iter().filter(|p| p.2 <= same_distance) {
                close.entry(same.find(i)).or_default().push((i, j, d));
            }
            for (root, sub) in &subgroups {
                if let Some(pairs) = close.get(root) {
                    report(cx, out, photos, pairs, &closest, sub, Tier::Same);
                }
            }
            if subgroups.len() > 1 {
                let loose: Vec<(u32, u32, u32)> =
                    group_pairs.into_iter().filter(|&(_, _, d)| d > same_distance).collect();
                report(cx, out, photos, &loose, &closest, &members, Tier::Similar);
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tier {
    Same,
    Similar,
}

/// One group's finding, when it holds two or more identities.
/// `pairs` are the group's pairs of the tier's distances.
fn report(
    cx: &Context<'_>,
    out: &mut Findings,
    photos: &[bonafide_core::documents::PhotoPrint],
    pairs: &[(u32, u32, u32)],
    closest: &[u32],
    members: &[u32],
    tier: Tier,
) {
    let cfg = &cx.config.a6;
    // The pairs between photos of different identities: they set the distance shown and,
    // for similar photos, who is named (a member of the group only through close pairs
    // is not similar to anyone).
    let tier_pairs: Vec<&(u32, u32, u32)> = pairs
        .iter()
        .filter(|(i, j, _)| !same_identity(cx, photos[*i as usize].subject, photos[*j as usize].subject))
        .collect();
    let Some(nearest) = tier_pairs.iter().map(|(_, _, d)| *d).min() else { return };
    let named: Vec<u32> = match tier {
        Tier::Same => members.to_vec(),
        Tier::Similar => {
            let mut v: Vec<u32> = tier_pairs.iter().flat_map(|(i, j, _)| [*i, *j]).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    let holders: Vec<Holder> = named
        .iter()
        .filter_map(|&m| {
            let p = photos[m as usize];
            let s = cx.subject(p.subject)?;
            Some(Holder::of_subject(p.subject, s, |ev| {
                ev.with("photo_hash", format!("{:016x}", p.phash)).with("closest_distance_bits", closest[m as usize])
            }))
        })
        .collect();
    let subjects = shared::subjects(&holders);
    if subjects.len() < 2 || subjects.len() > cfg.max_subjects {
        return;
    }
    let n = shared::identities(&holders, |a, b| same_identity(cx, a.subject, b.subject));
    if n < 2 {
        return;
    }
    let accounts = subjects.iter().filter(|&&s| cx.subject(s).is_some_and(|s| s.kind == SubjectKind::Account)).count();
    let indicator = if accounts >= 2 { "I13" } else { "A6" };
    if cx.config.disabled.iter().any(|d| d == indicator) {
        return;
    }
    let mut names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
    names.sort();
    names.dedup();
    let (what, kind, weight) = match tier {
        Tier::Same => ("the same photo", "photo", cx.weight(indicator)),
        Tier::Similar => {
            ("a similar photo", "similar_photo", cx.weight(indicator) * cfg.similar_factor.clamp(0.0, 1.0))
        }
    };
    let summary =
        format!("{what} (perceptual hashes {nearest} bits apart, of 64) under {n} identities: {}", names.join(", "));
    let lead = first_id(cx, &subjects);
    let shared = Shared { kind: kind.into(), value: format!("photo like {lead}'s") };
    out.push(shared::finding(indicator, weight, &holders, shared, summary));
}

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

use bonafide_core::{Shared, SubjectKind};
use bonafide_intel::phash;

use crate::identity::resumes::{Groups, first_id};
use crate::people::same_person;
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
        let mut groups = Groups::new(photos.len());
        let mut closest = vec![u32::MAX; photos.len()];
        for (i, j, d) in phash::near_pairs(&hashes, cfg.max_distance) {
            groups.join(i, j);
            for k in [i, j] {
                closest[k as usize] = closest[k as usize].min(d);
            }
        }
        for members in groups.members() {
            let holders: Vec<Holder> = members
                .iter()
                .filter_map(|&m| {
                    let p = photos[m as usize];
                    let s = cx.subject(p.subject)?;
                    Some(Holder::of_subject(p.subject, s, |ev| {
                        ev.with("photo_hash", format!("{:016x}", p.phash))
                            .with("closest_distance_bits", closest[m as usize])
                    }))
                })
                .collect();
            let subjects = shared::subjects(&holders);
            if subjects.len() < 2 || subjects.len() > cfg.max_subjects {
                continue;
            }
            let same = |a: &Holder, b: &Holder| match (cx.subject(a.subject), cx.subject(b.subject)) {
                (Some(x), Some(y)) => same_person(x, y),
                _ => false,
            };
            let n = shared::identities(&holders, same);
            if n < 2 {
                continue;
            }
            let accounts =
                subjects.iter().filter(|&&s| cx.subject(s).is_some_and(|s| s.kind == SubjectKind::Account)).count();
            let indicator = if accounts >= 2 { "I13" } else { "A6" };
            if cx.config.disabled.iter().any(|d| d == indicator) {
                continue;
            }
            let mut names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
            names.sort();
            names.dedup();
            let nearest = members.iter().map(|&m| closest[m as usize]).min().unwrap_or(u32::MAX);
            let same_photo = nearest <= cfg.same_distance;
            let (what, kind, weight) = if same_photo {
                ("the same photo", "photo", cx.weight(indicator))
            } else {
                ("a similar photo", "similar_photo", cx.weight(indicator) * cfg.similar_factor.clamp(0.0, 1.0))
            };
            let summary = format!(
                "{what} (perceptual hashes {nearest} bits apart, of 64) under {n} identities: {}",
                names.join(", ")
            );
            let lead = first_id(cx, &subjects);
            let shared = Shared { kind: kind.into(), value: format!("photo like {lead}'s") };
            out.push(shared::finding(indicator, weight, &holders, shared, summary));
        }
    }
}

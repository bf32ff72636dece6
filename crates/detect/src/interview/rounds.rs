//! B1-B5 and B8 from `interviews.csv`.
//!
//! The flag codes are the interviewers' recorded judgements, so one recorded failure is
//! enough for the rubric indicators: `liveness_failed` (B2), `reading_answers` or
//! `ai_answers` (B3), `location_smalltalk_failed` (B4, a consistency check against the
//! person's own claimed home, applied to everyone), `face_mismatch`,
//! `voice_mismatch` or `other_identity_on_screen` (B5, a different person between
//! rounds). Camera (B1) and avoidance (B8) are patterns, not moments: a camera that
//! fails once in four rounds is a bad day, so B1 needs a refusal, `min_camera_rounds`
//! camera-off rounds, or the camera off in every video round; B8 needs
//! `min_declines` declined meetings or drug tests.

use std::collections::BTreeMap;

use bonafide_core::records::{Interview, Medium};
use bonafide_core::{Evidence, Finding, SubjectIdx};

use crate::people::index;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Interviews;

/// (indicator, flag codes, what they mean).
const RUBRIC: &[(&str, &[&str], &str)] = &[
    ("B2", &["liveness_failed"], "failed a liveness check"),
    ("B3", &["reading_answers", "ai_answers"], "read or generated answers"),
    ("B4", &["location_smalltalk_failed"], "could not talk about the claimed home"),
    ("B5", &["face_mismatch", "voice_mismatch", "other_identity_on_screen"], "a different person between rounds"),
];

fn evidence(i: &Interview) -> Evidence {
    let mut ev = Evidence::at(i.source).with("subject", i.subject_id.as_str()).with("at", i.at.to_rfc3339());
    if let Some(r) = &i.round {
        ev = ev.with("round", r.as_str());
    }
    if let Some(r) = &i.interviewer {
        ev = ev.with("interviewer", r.as_str());
    }
    if let Some(m) = i.medium {
        ev = ev.with("medium", serde_json::to_value(m).unwrap_or_default());
    }
    if let (Some(d), Some(v)) = (i.duration_seconds, i.video_seconds) {
        ev = ev.with("video_seconds", v).with("duration_seconds", d);
    }
    if !i.flags.is_empty() {
        ev = ev.with("flags", i.flags.clone());
    }
    ev
}

fn finding(cx: &Context<'_>, id: &str, idx: SubjectIdx, summary: String, rounds: &[&Interview]) -> Finding {
    let mut f = Finding::new(id, idx, cx.weight(id), summary);
    for r in rounds {
        f.seen(r.at);
    }
    f.evidence = rounds.iter().take(crate::evidence::SAMPLE).map(|r| evidence(r)).collect();
    f.evidence_total = rounds.len() as u64;
    f
}

/// Whether a round was held on video, so that its camera counts for B1. A camera flag
/// says a camera was asked for, whatever the medium column says. Otherwise the recorded
/// medium decides: an onsite, phone or chat round had no camera to turn on, even when
/// its export carries `video_seconds = 0` (many scheduling tools fill the column for
/// every round). Only a round with no medium recorded falls back to camera time: some
/// seconds of video say it was a video call.
fn was_video(i: &Interview) -> bool {
    camera_off(i, 0.0).is_some()
        || match i.medium {
            Some(m) => m == Medium::Video,
            None => i.video_seconds.is_some_and(|v| v > 0),
        }
}

/// How a video round went for the camera: `Some(why)` when it counts as camera-off.
fn camera_off(i: &Interview, min_share: f64) -> Option<&'static str> {
    if i.flags.iter().any(|f| f == "camera_refused") {
        return Some("refused the camera");
    }
    if i.flags.iter().any(|f| f == "camera_broken") {
        return Some("camera \"broken\"");
    }
    if i.medium == Some(Medium::Video)
        && let (Some(d), Some(v)) = (i.duration_seconds, i.video_seconds)
        && d > 0
        && f64::from(v.min(d)) / f64::from(d) < min_share
    {
        return Some("camera mostly off");
    }
    None
}

impl Detector for Interviews {
    fn name(&self) -> &'static str {
        "interviews"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["B1", "B2", "B3", "B4", "B5", "B8"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.interview;
        let ids = index(cx);
        let mut by_subject: BTreeMap<SubjectIdx, Vec<&Interview>> = BTreeMap::new();
        for i in &cx.records.interviews {
            if let Some(&idx) = ids.get(i.subject_id.as_str()) {
                by_subject.entry(idx).or_default().push(i);
            }
        }
        let disabled = |id: &str| cx.config.disabled.iter().any(|d| d == id);
        for (idx, mut rounds) in by_subject {
            rounds.sort_by_key(|r| r.at);
            // B1: camera.
            let video: Vec<&Interview> = rounds.iter().copied().filter(|r| was_video(r)).collect();
            let off: Vec<(&Interview, &str)> =
                video.iter().filter_map(|r| camera_off(r, cfg.min_video_share).map(|why| (*r, why))).collect();
            let refused = off.iter().any(|(_, why)| *why == "refused the camera");
            if !disabled("B1")
                && !off.is_empty()
                && (refused || off.len() >= cfg.min_camera_rounds || off.len() == video.len())
            {
                let mut whys: Vec<&str> = off.iter().map(|(_, w)| *w).collect();
                whys.dedup();
                let summary =
                    format!("camera off in {} of {} video round(s): {}", off.len(), video.len(), whys.join(", "));
                let list: Vec<&Interview> = off.iter().map(|(r, _)| *r).collect();
                out.push(finding(cx, "B1", idx, summary, &list));
            }
            // B2-B5: recorded judgements.
            for (id, codes, meaning) in RUBRIC {
                if disabled(id) {
                    continue;
                }
                let hit: Vec<&Interview> =
                    rounds.iter().copied().filter(|r| r.flags.iter().any(|f| codes.contains(&f.as_str()))).collect();
                if hit.is_empty() {
                    continue;
                }
                let mut flags: Vec<&str> =
                    hit.iter().flat_map(|r| r.flags.iter().map(String::as_str)).filter(|f| codes.contains(f)).collect();
                flags.sort();
                flags.dedup();
                let summary = format!("{meaning}: {} in {} of {} round(s)", flags.join(", "), hit.len(), rounds.len());
                out.push(finding(cx, id, idx, summary, &hit));
            }
            // B8: avoidance.
            let declines: Vec<&Interview> = rounds
                .iter()
                .copied()
                .filter(|r| r.flags.iter().any(|f| f == "declined_onsite" || f == "declined_drug_test"))
                .collect();
            let count: usize = declines
                .iter()
                .map(|r| r.flags.iter().filter(|f| *f == "declined_onsite" || *f == "declined_drug_test").count())
                .sum();
            if !disabled("B8") && count >= cfg.min_declines {
                let summary = format!("declined in-person meetings or drug tests {count} time(s)");
                out.push(finding(cx, "B8", idx, summary, &declines));
            }
        }
    }
}

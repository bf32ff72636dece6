//! Interview detectors: recorded judgements fire; one bad day does not.

use bonafide_core::records::{Interview, Medium};

use crate::testkit::World;

fn round(w: &mut World, id: &str, day: i64, medium: Medium, video: Option<(u32, u32)>, flags: &[&str]) {
    let source = w.pos();
    let at = w.t(day, 15, 0);
    w.records.interviews.push(Interview {
        subject_id: id.into(),
        at,
        round: Some(format!("round {day}")),
        interviewer: Some("Pat".into()),
        medium: Some(medium),
        duration_seconds: video.map(|v| v.0),
        video_seconds: video.map(|v| v.1),
        client_ip: None,
        client: None,
        flags: flags.iter().map(|f| f.to_string()).collect(),
        notes: None,
        source,
        extra: Default::default(),
    });
}

#[test]
fn b1_camera_patterns_and_a_one_off_glitch() {
    let mut w = World::new(&["Refused", "Broken2", "AlwaysOff", "Glitch", "PhoneOnly"]);
    round(&mut w, "Refused", 0, Medium::Video, Some((1800, 0)), &["camera_refused"]);
    round(&mut w, "Refused", 2, Medium::Video, Some((1800, 1800)), &[]);
    round(&mut w, "Broken2", 0, Medium::Video, None, &["camera_broken"]);
    round(&mut w, "Broken2", 1, Medium::Video, Some((3600, 600)), &[]);
    round(&mut w, "Broken2", 2, Medium::Video, Some((3600, 3600)), &[]);
    round(&mut w, "AlwaysOff", 0, Medium::Video, Some((2400, 300)), &[]);
    // A genuine glitch: the camera failed once in three rounds.
    round(&mut w, "Glitch", 0, Medium::Video, None, &["camera_broken"]);
    round(&mut w, "Glitch", 1, Medium::Video, Some((3600, 3500)), &[]);
    round(&mut w, "Glitch", 2, Medium::Video, Some((3600, 3600)), &[]);
    round(&mut w, "PhoneOnly", 0, Medium::Phone, Some((1800, 0)), &[]);
    let r = w.run();
    assert!(r.get("Refused", "B1").unwrap().summary.contains("refused"));
    assert!(r.get("Broken2", "B1").unwrap().summary.contains("2 of 3"));
    assert!(r.get("AlwaysOff", "B1").is_some());
    assert!(r.ids("Glitch").is_empty(), "{:?}", r.findings);
    assert!(r.ids("PhoneOnly").is_empty(), "a phone screen has no camera to turn on");
}

/// Onsite and phone rounds exported with `video_seconds = 0` had no camera: B1's "N of
/// M video round(s)" and its evidence count only the rounds held on video, and a camera
/// off in the one video round is off in every video round however many onsite rounds
/// followed.
#[test]
fn b1_counts_only_rounds_held_on_video() {
    let mut w = World::new(&["Mixed", "OneVideo"]);
    round(&mut w, "Mixed", 0, Medium::Video, Some((3600, 600)), &[]);
    round(&mut w, "Mixed", 1, Medium::Onsite, Some((3600, 0)), &[]);
    round(&mut w, "Mixed", 2, Medium::Video, None, &["camera_broken"]);
    round(&mut w, "Mixed", 3, Medium::Video, Some((3600, 3600)), &[]);
    round(&mut w, "Mixed", 4, Medium::Phone, Some((1800, 0)), &[]);
    round(&mut w, "OneVideo", 0, Medium::Video, Some((2400, 300)), &[]);
    round(&mut w, "OneVideo", 1, Medium::Onsite, Some((5400, 0)), &[]);
    let r = w.run();
    let f = r.get("Mixed", "B1").expect("B1");
    assert!(f.summary.starts_with("camera off in 2 of 3 video round(s):"), "{}", f.summary);
    assert_eq!(f.evidence_total, 2);
    let rounds: Vec<(&str, &str)> = f
        .evidence
        .iter()
        .map(|e| (e.detail["round"].as_str().unwrap_or(""), e.detail["medium"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(rounds, vec![("round 0", "video"), ("round 2", "video")]);
    let f = r.get("OneVideo", "B1").expect("the only video round had the camera off");
    assert!(f.summary.starts_with("camera off in 1 of 1 video round(s):"), "{}", f.summary);
    assert_eq!(f.evidence.len(), 1);
    assert_eq!(f.evidence[0].detail["medium"], "video");
}

#[test]
fn b2_to_b5_are_recorded_judgements() {
    let mut w = World::new(&["S", "Clean"]);
    round(&mut w, "S", 0, Medium::Video, Some((1800, 1800)), &["liveness_failed", "reading_answers"]);
    round(&mut w, "S", 1, Medium::Video, Some((1800, 1800)), &["ai_answers", "location_smalltalk_failed"]);
    round(&mut w, "S", 2, Medium::Video, Some((1800, 1800)), &["face_mismatch"]);
    round(&mut w, "Clean", 0, Medium::Video, Some((1800, 1790)), &[]);
    round(&mut w, "Clean", 1, Medium::Onsite, None, &[]);
    let r = w.run();
    assert_eq!(r.ids("S"), vec!["B2", "B3", "B4", "B5"]);
    let b3 = r.get("S", "B3").unwrap();
    assert!(b3.summary.contains("ai_answers, reading_answers in 2 of 3"), "{}", b3.summary);
    assert_eq!(b3.evidence.len(), 2);
    assert_eq!(r.get("S", "B5").unwrap().weight_bits, w.weight("B5"), "T1");
    assert!(r.ids("Clean").is_empty());
}

#[test]
fn b8_needs_repeated_avoidance() {
    let mut w = World::new(&["Avoids", "Once"]);
    round(&mut w, "Avoids", 0, Medium::Phone, None, &["declined_onsite"]);
    round(&mut w, "Avoids", 5, Medium::Phone, None, &["declined_drug_test"]);
    round(&mut w, "Once", 0, Medium::Phone, None, &["declined_onsite"]);
    let r = w.run();
    assert!(r.get("Avoids", "B8").unwrap().summary.contains("2 time(s)"));
    assert!(r.ids("Once").is_empty(), "one scheduling conflict is not avoidance");
}

#[test]
fn disabling_one_interview_indicator_keeps_the_others() {
    let mut w = World::new(&["S"]);
    round(&mut w, "S", 0, Medium::Video, Some((1800, 1800)), &["liveness_failed", "reading_answers"]);
    w.config.disabled = vec!["B3".into()];
    assert_eq!(w.run().ids("S"), vec!["B2"]);
}

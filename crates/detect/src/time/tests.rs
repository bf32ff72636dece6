use crate::testkit::*;

const NY: &str = "America/New_York";

/// Work events on weekdays between local `from` and `to` in `tz`, every 30 minutes with
/// a little jitter, for `days` days starting at `first_day`.
fn workdays(w: &mut World, id: &str, tz: &str, from: i64, to: i64, first_day: i64, days: i64) {
    for day in first_day..first_day + days {
        if day.rem_euclid(7) >= 5 {
            continue;
        }
        let mut minutes = from * 60 + (day % 3) * 7;
        let end = if to > from { to * 60 } else { (to + 24) * 60 };
        while minutes < end {
            let (d, m) = (day + minutes / 1440, minutes % 1440);
            let at = w.local(tz, d, m / 60, m % 60);
            w.work_at(id, at);
            minutes += 30 + (day % 5);
        }
    }
}

#[test]
fn claims_new_york_keeps_shenyang_office_hours() {
    let mut w = World::new(&["OP"]);
    w.set_timezone("OP", NY);
    workdays(&mut w, "OP", "Asia/Shanghai", 9, 18, 0, 42);
    let r = w.run();
    let f1 = r.get("OP", "F1").expect("F1");
    assert!(f1.summary.contains("UTC+8"), "{}", f1.summary);
    let a = r.activity[0].as_ref().unwrap();
    assert_eq!(a.inferred_utc_offset_minutes.map(|m| (m - 480).abs() <= 60), Some(true), "{a:?}");
    assert!(a.confidence >= 0.5, "{a:?}");
    assert!(a.claimed_utc_offset_minutes == Some(-240) || a.claimed_utc_offset_minutes == Some(-300));
}

#[test]
fn a_disciplined_operative_keeping_us_hours_is_not_a_timing_finding() {
    let mut w = World::new(&["OP"]);
    w.set_timezone("OP", NY);
    workdays(&mut w, "OP", NY, 9, 17, 0, 42);
    assert!(!w.run().ids("OP").contains(&"F1"));
}

#[test]
fn an_honest_new_yorker_across_daylight_saving_raises_nothing() {
    // 3 March to 13 April 2025 crosses the US change to EDT on 9 March.
    let mut w = World::new(&["NY"]);
    w.set_timezone("NY", NY);
    workdays(&mut w, "NY", NY, 8, 18, 0, 42);
    let r = w.run();
    assert!(r.ids("NY").is_empty(), "{:?}", r.findings);
    let a = r.activity[0].as_ref().unwrap();
    let inferred = a.inferred_utc_offset_minutes.unwrap();
    assert!((-360..=-180).contains(&inferred), "{a:?}");
    // Local hours were computed with the real offset of each day: nothing before 08:00.
    assert_eq!(a.local_hours[..8].iter().sum::<u32>(), 0, "{:?}", a.local_hours);
}

#[test]
fn declared_night_shift_explains_night_work_undeclared_does_not() {
    let mut w = World::new(&["SRE", "X"]);
    for id in ["SRE", "X"] {
        w.set_timezone(id, NY);
        workdays(&mut w, id, NY, 22, 6, 0, 42);
    }
    w.set_role("SRE", "Site Reliability Engineer, night shift");
    let r = w.run();
    assert!(!r.ids("SRE").contains(&"F1"), "declared shift work");
    assert!(r.ids("X").contains(&"F1"), "night work with no declared reason");
}

#[test]
fn someone_who_lives_in_tokyo_and_says_so_is_fine() {
    let mut w = World::new(&["JP"]);
    w.set_timezone("JP", "Asia/Tokyo");
    w.set_home("JP", "JP", None);
    workdays(&mut w, "JP", "Asia/Tokyo", 9, 19, 0, 42);
    assert!(w.run().ids("JP").is_empty());
}

#[test]
fn a_week_abroad_does_not_move_the_rhythm() {
    let mut w = World::new(&["T"]);
    w.set_timezone("T", NY);
    workdays(&mut w, "T", NY, 9, 17, 0, 21);
    workdays(&mut w, "T", "Asia/Tokyo", 9, 17, 21, 7);
    workdays(&mut w, "T", NY, 9, 17, 28, 21);
    assert!(!w.run().ids("T").contains(&"F1"));
}

/// Eight weeks of Seoul hours, then a recorded move to New York and eight weeks of its
/// hours: the person now keeps the claimed zone, and the months before the move are not
/// "a rhythm far from the claim". Without the recorded move the same activity is still
/// a finding (whole-history zone), and a move the other way still is (zone change).
#[test]
fn a_recorded_move_to_the_claimed_zone_is_not_f1() {
    let mut w = World::new(&["MOVED", "SILENT", "BACK", "EARLY"]);
    for id in ["MOVED", "SILENT", "BACK", "EARLY"] {
        w.set_timezone(id, NY);
    }
    let moved = w.local(NY, 56, 0, 0);
    w.edit_person("MOVED", |s| s.address_changed_at = Some(moved));
    w.edit_person("BACK", |s| s.address_changed_at = Some(moved));
    // A move on record two months before the hours changed: Seoul hours after it count.
    let long_before = w.local(NY, 0, 0, 0);
    w.edit_person("EARLY", |s| s.address_changed_at = Some(long_before));
    for id in ["MOVED", "SILENT", "EARLY"] {
        workdays(&mut w, id, "Asia/Seoul", 9, 18, 0, 56);
        workdays(&mut w, id, NY, 9, 17, 56, 56);
    }
    workdays(&mut w, "BACK", NY, 9, 17, 0, 56);
    workdays(&mut w, "BACK", "Asia/Seoul", 9, 18, 56, 56);
    let r = w.run();
    assert!(!r.ids("MOVED").contains(&"F1"), "{:?}", r.get("MOVED", "F1").map(|f| &f.summary));
    assert!(r.ids("BACK").contains(&"F1"), "a move, then another zone's hours");
    assert!(r.ids("EARLY").contains(&"F1"), "months of another zone's hours after the recorded move");
    assert!(r.ids("SILENT").contains(&"F1"), "no recorded move: the whole history is judged");
}

#[test]
fn a_hand_over_half_way_is_seen_as_a_change_of_zone() {
    // Eight weeks of New York hours, then eight of Seoul hours, claiming New York.
    let mut w = World::new(&["H"]);
    w.set_timezone("H", NY);
    workdays(&mut w, "H", NY, 9, 17, 0, 56);
    workdays(&mut w, "H", "Asia/Seoul", 9, 18, 56, 56);
    let r = w.run();
    let f1 = r.get("H", "F1").expect("F1");
    let a = r.activity[0].as_ref().unwrap();
    assert!(a.periods.len() >= 2, "{a:?}");
    assert!(f1.summary.contains("UTC+9") || f1.summary.contains("since"), "{}", f1.summary);
}

#[test]
fn sparse_data_gives_low_confidence_and_no_finding() {
    let mut w = World::new(&["S"]);
    w.set_timezone("S", NY);
    for (day, hour) in [(0, 2), (3, 3), (9, 1), (15, 4)] {
        let at = w.local(NY, day, hour, 0);
        w.work_at("S", at);
    }
    let r = w.run();
    assert!(r.ids("S").is_empty());
    assert!(r.activity[0].as_ref().unwrap().confidence < 0.3);
}

#[test]
fn a_chinese_clock_behind_us_hours_is_a_clock_mismatch_but_utc_is_neutral() {
    let mut w = World::new(&["C", "U"]);
    for (id, recorded) in [("C", 480i16), ("U", 0)] {
        w.set_timezone(id, NY);
        workdays(&mut w, id, NY, 9, 17, 0, 28);
        for day in 0..20 {
            let at = w.local(NY, day, 14, 0);
            w.commit_at(id, at, recorded, &format!("{}@acme.example", id.to_lowercase()), false);
        }
    }
    let r = w.run();
    let f1 = r.get("C", "F1").expect("commit clock");
    assert!(f1.summary.contains("UTC+8") && f1.summary.contains("commits"), "{}", f1.summary);
    assert!(!r.ids("U").contains(&"F1"), "UTC clocks are what CI and web editors record");
}

#[test]
fn camera_always_off_and_endless_screen_shares_are_f4() {
    let mut w = World::new(&["A", "B", "C"]);
    for day in 0..10 {
        let at = w.t(day, 15, 0);
        w.meeting_at("A", at, "meeting", Some(false), 1800);
        w.meeting_at("B", at, "meeting", Some(day % 2 == 0), 1800);
    }
    let at = w.t(3, 13, 0);
    w.meeting_at("C", at, "screen_share", None, 9 * 3600);
    let r = w.run();
    assert_eq!(r.ids("A"), vec!["F4"]);
    assert!(r.ids("B").is_empty(), "half the meetings with the camera on is ordinary");
    assert_eq!(r.ids("C"), vec!["F4"]);
}

#[test]
fn commits_under_someone_elses_identity_are_f5() {
    let mut w = World::new(&["K"]);
    for day in 0..5 {
        let at = w.t(day, 15, 0);
        w.commit_at("K", at, -300, "k@acme.example", false);
    }
    let at = w.t(6, 15, 0);
    w.commit_at("K", at, -300, "stranger@gmail.example", true);
    let r = w.run();
    let f5 = r.get("K", "F5").expect("F5");
    assert!(f5.summary.contains("stranger@gmail.example"));
}

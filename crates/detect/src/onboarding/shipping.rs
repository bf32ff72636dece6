//! C1, C2, C3: where the laptops went and who took them in.
//!
//! Reads `shipments.csv` records (addresses already folded to comparison keys) against
//! the homes people claim. C1 flags a worker's equipment sent elsewhere than the home on
//! record, to a mail drop, held for pickup or redirected, or a home that changed soon
//! after hire. C2 finds one door receiving equipment for several unrelated workers (a
//! household counts once) and emits one finding naming all of them, which the engine
//! turns into a `laptop_farm` cluster. C3 flags a carrier signature that is neither the
//! worker nor family. Doors are compared with their unit: tenants of one apartment block
//! are different homes, and a shipment that left the unit out is taken to the unit of
//! the worker's own home in that building.

use std::collections::{BTreeMap, HashMap};

use bonafide_core::records::{Shipment, ShipmentStatus};
use bonafide_core::{Evidence, Finding, Shared, Subject, SubjectIdx, UtcMs};
use bonafide_intel::address::{self, Door, DropKind, compare_keys, mail_drops, parse_one_line};

use super::names::{is_non_person, same_family, same_person};
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Shipping;

/// What a conclusion needs about the run, computed once.
struct Setting<'a> {
    cx: &'a Context<'a>,
    by_id: HashMap<&'a str, SubjectIdx>,
    offices: Vec<String>,
}

impl<'a> Setting<'a> {
    fn new(cx: &'a Context<'a>) -> Self {
        let by_id = cx.subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), SubjectIdx(i as u32))).collect();
        let offices =
            cx.config.shipping.office_addresses.iter().filter_map(|a| parse_one_line(a).key).collect::<Vec<_>>();
        Setting { cx, by_id, offices }
    }

    fn office(&self, key: &str) -> bool {
        self.offices.iter().any(|o| matches!(compare_keys(o, key), Door::Same | Door::UnitUnknown))
    }

    fn names(s: &Subject) -> Vec<&str> {
        std::iter::once(s.name.as_str()).chain(s.aliases.iter().map(String::as_str)).collect()
    }
}

fn shown(s: &Shipment) -> String {
    address::display(&s.address).unwrap_or_else(|| s.address.one_line())
}

fn shipment_evidence(s: &Shipment, subject: &Subject) -> Evidence {
    let mut e = Evidence::at(s.source)
        .with("subject", subject.id.as_str())
        .with("shipped_at", s.shipped_at.to_rfc3339())
        .with("address", s.address.one_line());
    for (k, v) in [
        ("shipment_id", &s.shipment_id),
        ("asset_serial", &s.asset_serial),
        ("recipient_name", &s.recipient_name),
        ("signed_by", &s.signed_by),
    ] {
        if let Some(v) = v {
            e = e.with(k, v.as_str());
        }
    }
    if let Some(st) = s.status {
        e = e.with("status", format!("{st:?}").to_lowercase());
    }
    e
}

fn days_between(a: UtcMs, b: UtcMs) -> i64 {
    (b.0 - a.0).div_euclid(bonafide_core::time::MS_PER_DAY)
}

impl Detector for Shipping {
    fn name(&self) -> &'static str {
        "shipping"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["C1", "C2", "C3"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let set = Setting::new(cx);
        let mut by_subject: BTreeMap<SubjectIdx, Vec<&Shipment>> = BTreeMap::new();
        for s in &cx.records.shipments {
            if let Some(&i) = set.by_id.get(s.subject_id.as_str()) {
                by_subject.entry(i).or_default().push(s);
            }
        }
        for list in by_subject.values_mut() {
            list.sort_by_key(|s| s.shipped_at);
        }
        for (i, person) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            let shipments = by_subject.get(&idx).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(f) = elsewhere(&set, idx, person, shipments) {
                out.push(f);
            }
            if let Some(f) = signed_by_someone_else(&set, idx, person, shipments) {
                out.push(f);
            }
        }
        farms(&set, &by_subject, out);
    }
}

/// C1 for one worker.
fn elsewhere(set: &Setting<'_>, idx: SubjectIdx, person: &Subject, shipments: &[&Shipment]) -> Option<Finding> {
    let cx = set.cx;
    let window = i64::from(cx.config.c1.change_window_days);
    let home = person.address.as_ref().and_then(|a| a.key.as_deref());
    let names = Setting::names(person);
    let mut items: Vec<(UtcMs, Evidence)> = Vec::new();
    let mut reasons_all: Vec<String> = Vec::new();
    let note = |reasons_all: &mut Vec<String>, r: &str| {
        if !reasons_all.iter().any(|x| x == r) {
            reasons_all.push(r.to_string());
        }
    };
    let first_key = shipments.iter().filter_map(|s| s.address.key.as_deref()).find(|k| !set.office(k));
    for s in shipments {
        let mut reasons: Vec<String> = Vec::new();
        let drops = mail_drops(&s.address, s.recipient_name.as_deref(), &cx.config.shipping.mail_drops);
        for d in &drops {
            reasons.push(match d.kind {
                DropKind::PoBox | DropKind::GeneralDelivery | DropKind::CareOf | DropKind::PrivateMailbox => {
                    format!("to a {}", d.kind.as_str())
                }
                _ => format!("to a {} ({})", d.kind.as_str(), d.name),
            });
        }
        match s.status {
            Some(ShipmentStatus::HeldForPickup) => reasons.push("held for pickup".into()),
            Some(ShipmentStatus::Redirected) => reasons.push("redirected in transit".into()),
            _ => {}
        }
        let key = s.address.key.as_deref();
        let office = key.is_some_and(|k| set.office(k));
        // The home on record changed after this shipment: it went to the home on record
        // of its day, which the HR export no longer shows (a move, judged on its own
        // below when it came right after hire).
        let before_move = person.address_changed_at.is_some_and(|changed| s.shipped_at < changed);
        if let (Some(h), Some(k), false, false) = (home, key, office, before_move) {
            let home_shown = person.address.as_ref().and_then(address::display).unwrap_or_default();
            match compare_keys(h, k) {
                Door::Different => reasons.push(format!("to {}, not the home on record ({home_shown})", shown(s))),
                Door::OtherUnit => reasons.push(format!("to another unit of the home's building ({})", shown(s))),
                Door::Same | Door::UnitUnknown => {}
            }
        }
        if !person.implicit
            && let Some(r) = s.recipient_name.as_deref()
            && !drops.iter().any(|d| d.kind == DropKind::CareOf)
            && !same_person(r, &names)
            && !same_family(r, &names)
        {
            reasons.push(format!("addressed to {r}"));
        }
        // A later shipment to a new address soon after hire: the home moved.
        if let (Some(hire), Some(k0), Some(k)) = (person.hire_date, first_key, key)
            && !office
            && compare_keys(k0, k) == Door::Different
            && s.shipped_at >= hire
            && days_between(hire, s.shipped_at) <= window
        {
            reasons.push(format!(
                "a later shipment went to a new address {} days after hire",
                days_between(hire, s.shipped_at)
            ));
        }
        if reasons.is_empty() {
            continue;
        }
        for r in &reasons {
            note(&mut reasons_all, r);
        }
        items.push((s.shipped_at, shipment_evidence(s, person).with("reasons", reasons.join("; "))));
    }
    if let (Some(changed), Some(hire)) = (person.address_changed_at, person.hire_date) {
        let d = days_between(hire, changed);
        if (0..=window).contains(&d) {
            let r = format!("the home on record changed {d} days after hire");
            note(&mut reasons_all, &r);
            let mut e = Evidence::without_source();
            if let Some(src) = person.source {
                e = Evidence::at(src);
            }
            items.push((
                changed,
                e.with("subject", person.id.as_str())
                    .with("address_changed_at", changed.date_string())
                    .with("hire_date", hire.date_string()),
            ));
        }
    }
    if items.is_empty() {
        return None;
    }
    items.sort_by_key(|(t, _)| *t);
    let shown_reasons: Vec<&str> = reasons_all.iter().take(3).map(String::as_str).collect();
    let more = reasons_all.len().saturating_sub(3);
    let mut summary =
        format!("Equipment for {} shipped elsewhere than the home on record: {}", person.id, shown_reasons.join("; "));
    if more > 0 {
        summary.push_str(&format!(" (+{more} more)"));
    }
    let mut f = Finding::new("C1", idx, cx.weight("C1"), summary);
    for (t, _) in &items {
        f.seen(*t);
    }
    f.evidence_total = items.len() as u64;
    f.evidence = items.into_iter().take(SAMPLE).map(|(_, e)| e).collect();
    Some(f)
}

/// C3 for one worker: a signature that is not the worker, not a relative by surname and
/// not a colleague of the same household.
fn signed_by_someone_else(
    set: &Setting<'_>,
    idx: SubjectIdx,
    person: &Subject,
    shipments: &[&Shipment],
) -> Option<Finding> {
    let cx = set.cx;
    if person.implicit {
        return None;
    }
    let names = Setting::names(person);
    let mut items: Vec<(UtcMs, Evidence)> = Vec::new();
    let mut signers: Vec<String> = Vec::new();
    for s in shipments {
        let Some(signer) = s.signed_by.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { continue };
        if is_non_person(signer, &cx.config.c3.non_person_signatures)
            || same_person(signer, &names)
            || same_family(signer, &names)
        {
            continue;
        }
        // Signed by another worker of the organisation: say who.
        let colleague = cx
            .subjects
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.implicit && o.id != person.id && o.name.split_whitespace().count() >= 2)
            .find(|(_, o)| same_person(signer, &[o.name.as_str()]) && same_person(&o.name, &[signer]));
        let mut label = signer.to_string();
        if let Some((j, o)) = colleague {
            // A partner who is a colleague and shares the home signs as household.
            if cx.households.related(idx, SubjectIdx(j as u32)) {
                continue;
            }
            label.push_str(&format!(" (worker {})", o.id));
        }
        if !signers.contains(&label) {
            signers.push(label.clone());
        }
        items.push((s.shipped_at, shipment_evidence(s, person).with("signer", label)));
    }
    if items.is_empty() {
        return None;
    }
    let summary = format!(
        "Equipment for {} ({}) signed for by {}, neither the worker nor family",
        person.id,
        person.name,
        signers.join(", ")
    );
    let mut f = Finding::new("C3", idx, cx.weight("C3"), summary);
    for (t, _) in &items {
        f.seen(*t);
    }
    f.evidence_total = items.len() as u64;
    f.evidence = items.into_iter().take(SAMPLE).map(|(_, e)| e).collect();
    Some(f)
}

/// C2 across all workers: one finding per door.
fn farms(set: &Setting<'_>, by_subject: &BTreeMap<SubjectIdx, Vec<&Shipment>>, out: &mut Findings) {
    let cx = set.cx;
    let cfg = &cx.config.c2;
    let mut doors: BTreeMap<String, Vec<(SubjectIdx, &Shipment)>> = BTreeMap::new();
    for (&idx, list) in by_subject {
        let home = cx.subject(idx).and_then(|p| p.address.as_ref()).and_then(|a| a.key.as_deref());
        for s in list {
            let Some(key) = s.address.key.as_deref() else { continue };
            if set.office(key) {
                continue;
            }
            let parts: Vec<&str> = key.split('|').collect();
            let [street, unit, locality, country] = parts.as_slice() else { continue };
            // A shipment without a unit to the building of the worker's own home went
            // to that home.
            let unit = match (*unit, home) {
                ("", Some(h)) if compare_keys(h, key) == Door::UnitUnknown => h.split('|').nth(1).unwrap_or(""),
                (u, _) => u,
            };
            doors.entry(format!("{street}|{unit}|{locality}|{country}")).or_default().push((idx, s));
        }
    }
    for (_, list) in doors {
        let mut members: Vec<SubjectIdx> = list.iter().map(|(i, _)| *i).collect();
        members.sort();
        members.dedup();
        if members.len() < 2 || (cfg.max_subjects > 0 && members.len() > cfg.max_subjects) {
            continue;
        }
        let unrelated = cx.households.count_unrelated(&members);
        if unrelated < cfg.min_subjects.max(2) {
            continue;
        }
        let ids: Vec<&str> = members.iter().filter_map(|m| cx.subject(*m)).map(|s| s.id.as_str()).collect();
        let door = shown(list[0].1);
        let households = if unrelated < members.len() { format!(" ({} households)", unrelated) } else { String::new() };
        let shown_ids: Vec<&str> = ids.iter().copied().take(12).collect();
        let mut summary = format!(
            "{} unrelated workers{households} had equipment delivered to one address, {door}: {}{}",
            members.len(),
            shown_ids.join(", "),
            if ids.len() > shown_ids.len() { ", …" } else { "" }
        );
        if members.len() > 25 {
            summary.push_str(" (if this is an office or depot, list it in [detect.shipping] office_addresses)");
        }
        let mut f = Finding::new("C2", members[0], cx.weight("C2"), summary);
        f.subjects = members;
        f.shared = Some(Shared { kind: "shipping_address".into(), value: door });
        for (_, s) in &list {
            f.seen(s.shipped_at);
        }
        f.evidence_total = list.len() as u64;
        f.evidence =
            list.iter().take(SAMPLE).filter_map(|(i, s)| cx.subject(*i).map(|p| shipment_evidence(s, p))).collect();
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use bonafide_core::records::ShipmentStatus;

    use crate::testkit::*;

    const ZIP: &str = "62701";

    #[test]
    fn c1_the_home_on_record_in_another_spelling_is_home() {
        let mut w = World::new(&["A"]);
        w.home("A", "Jane Roe", "12 Oak St", "Apt 4", ZIP);
        w.shipment("A", 1, "12 Oak Street", "Apartment #4", "62701-1234").signed_by = Some("J ROE".into());
        assert!(w.run().ids("A").is_empty());
    }

    #[test]
    fn c1_elsewhere_mail_drops_pickup_and_redirects() {
        let mut w = World::new(&["A", "B", "C", "D", "E"]);
        for id in ["A", "B", "C", "D", "E"] {
            w.home(id, &format!("Pat {id}"), "1 Oak St", &format!("Apt {id}"), ZIP);
        }
        w.shipment("A", 1, "500 Other Rd", "", ZIP);
        w.shipment("B", 1, "The UPS Store #4512", "123 Main St", ZIP);
        w.shipment("C", 1, "2810 N Church St", "PMB 98765", "19802");
        w.shipment("D", 1, "1 Oak St", "Apt D", ZIP).status = Some(ShipmentStatus::HeldForPickup);
        w.shipment("E", 1, "1 Oak St", "Apt E", ZIP).status = Some(ShipmentStatus::Redirected);
        let r = w.run();
        let s = |id: &str| r.get(id, "C1").map(|f| f.summary.clone()).unwrap_or_default();
        assert!(s("A").contains("500 OTHER RD") && s("A").contains("not the home on record"), "{}", s("A"));
        assert!(s("B").contains("carrier store (The UPS Store)"), "{}", s("B"));
        assert!(s("C").contains("private mailbox"), "{}", s("C"));
        assert!(s("D").contains("held for pickup") && !s("D").contains("not the home"), "{}", s("D"));
        assert!(s("E").contains("redirected"), "{}", s("E"));
        assert_eq!(r.get("A", "C1").unwrap().weight_bits, w.weight("C1"));
    }

    #[test]
    fn c1_a_home_changed_right_after_hire() {
        let mut w = World::new(&["NEW", "OLD"]);
        for (id, changed) in [("NEW", 10), ("OLD", 400)] {
            w.hired(id, 0);
            let t = w.t(changed, 0, 0);
            w.edit_person(id, |s| s.address_changed_at = Some(t));
        }
        let r = w.run();
        assert!(r.get("NEW", "C1").unwrap().summary.contains("changed 10 days after hire"));
        assert!(r.ids("OLD").is_empty(), "a move a year later is life");
    }

    /// A laptop shipped to the old home before a move: the HR export shows only the new
    /// home, so the old shipment is not "elsewhere". Equipment sent to a third door
    /// after the move still is.
    #[test]
    fn c1_shipments_before_a_move_met_the_home_of_their_day() {
        let mut w = World::new(&["MOVED", "MOVED_THEN_ELSEWHERE", "NEVER_MOVED"]);
        for id in ["MOVED", "MOVED_THEN_ELSEWHERE", "NEVER_MOVED"] {
            w.home(id, &format!("Pat {id}"), "12 Oak St", "", ZIP);
            w.hired(id, 0);
            w.shipment(id, 1, "80 Birch Ave", "", ZIP);
        }
        for id in ["MOVED", "MOVED_THEN_ELSEWHERE"] {
            let t = w.t(200, 0, 0);
            w.edit_person(id, |s| s.address_changed_at = Some(t));
        }
        w.shipment("MOVED", 210, "12 Oak St", "", ZIP);
        w.shipment("MOVED_THEN_ELSEWHERE", 210, "900 Farm Rd", "", ZIP);
        let r = w.run();
        assert!(r.get("MOVED", "C1").is_none(), "{:?}", r.get("MOVED", "C1").map(|f| &f.summary));
        let later = r.get("MOVED_THEN_ELSEWHERE", "C1").map(|f| f.summary.clone()).unwrap_or_default();
        assert!(later.contains("900 FARM RD") && !later.contains("80 BIRCH"), "{later}");
        assert!(r.get("NEVER_MOVED", "C1").is_some_and(|f| f.summary.contains("80 BIRCH AVE")));
    }

    #[test]
    fn c1_c2_the_office_is_neither_elsewhere_nor_a_farm() {
        let ids: Vec<String> = (0..30).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut w = World::new(&refs);
        w.config.shipping.office_addresses = vec!["1 Corporate Way, Suite 100, Springfield, IL 62701, US".into()];
        for (i, id) in refs.iter().enumerate() {
            w.home(id, &format!("Pat Person{i}"), &format!("{} Elm St", i + 1), "", ZIP);
            w.shipment(id, 1, "1 Corporate Way", "Ste 100", ZIP);
        }
        let r = w.run();
        assert!(r.findings.is_empty(), "{:?}", r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>());
    }

    #[test]
    fn c2_one_door_for_unrelated_workers_is_one_finding() {
        let mut w = World::new(&["F1", "F2", "F3", "OK"]);
        for (id, name, home) in
            [("F1", "Ann Lee", "1 Elm St"), ("F2", "Raj Patel", "2 Pine St"), ("F3", "Tom Berg", "3 Ash St")]
        {
            w.home(id, name, home, "", ZIP);
        }
        w.shipment("F1", 1, "9 Farm Road", "", ZIP);
        w.shipment("F2", 2, "9 FARM RD", "", "62701-0009");
        w.shipment("F3", 3, "9 Farm Rd.", "", ZIP);
        w.home("OK", "Kim Ode", "4 Oak St", "", ZIP);
        w.shipment("OK", 3, "4 Oak St", "", ZIP);
        let r = w.run();
        let farms: Vec<_> = r.findings.iter().filter(|f| f.indicator == "C2").collect();
        assert_eq!(farms.len(), 1, "one finding per address");
        let f = farms[0];
        assert_eq!(f.subjects.len(), 3);
        let shared = f.shared.as_ref().unwrap();
        assert_eq!(
            (shared.kind.as_str(), shared.value.as_str()),
            ("shipping_address", "9 FARM RD, SPRINGFIELD, IL 62701, US")
        );
        assert_eq!(f.weight_bits, w.weight("C2"));
        assert_eq!(r.ids("F2"), ["C1", "C2"]);
        assert!(r.ids("OK").is_empty());
    }

    #[test]
    fn c2_a_big_farm_is_still_a_farm_unless_capped() {
        let ids: Vec<String> = (0..60).map(|i| format!("W{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut w = World::new(&refs);
        for (i, id) in refs.iter().enumerate() {
            w.home(id, &format!("Pat Person{i}"), &format!("{} Elm St", i + 1), "", ZIP);
            w.shipment(id, 1, "9 Farm Rd", "", ZIP);
        }
        let r = w.run();
        let f = r.get("W0", "C2").expect("90 laptops at one house is the public case; 60 here");
        assert_eq!(f.subjects.len(), 60);
        assert!(f.summary.contains("office_addresses") && f.summary.contains('…'), "{}", f.summary);
        w.config.c2.max_subjects = 25;
        assert!(w.run().get("W0", "C2").is_none());
    }

    #[test]
    fn c2_a_couple_shipped_to_their_shared_home_is_not_a_farm() {
        let mut w = World::new(&["H1", "H2", "M1", "M2"]);
        // Two people claiming one home, different surnames.
        w.home("H1", "Ann Lee", "12 Oak St", "", ZIP);
        w.home("H2", "Raj Patel", "12 Oak St", "", ZIP);
        w.shipment("H1", 1, "12 Oak St", "", ZIP);
        w.shipment("H2", 2, "12 Oak Street", "", ZIP).signed_by = Some("Ann Lee".into());
        // A married couple who moved; one record still has the old address.
        w.home("M1", "Mia Kim", "5 New Ave", "", ZIP);
        w.home("M2", "Joon Kim", "77 Old Rd", "", ZIP);
        w.shipment("M1", 1, "5 New Ave", "", ZIP);
        w.shipment("M2", 1, "5 New Avenue", "", ZIP);
        let r = w.run();
        assert!(!r.findings.iter().any(|f| f.indicator == "C2"), "{:?}", r.findings);
        assert!(r.ids("H1").is_empty());
        assert!(r.ids("H2").is_empty(), "signed by the partner, a colleague of the same household");
        assert_eq!(r.ids("M2"), ["C1"], "the stale record says elsewhere");
    }

    #[test]
    fn c2_an_apartment_block_of_unrelated_tenants_is_not_a_farm() {
        let ids = ["T1", "T2", "T3", "T4"];
        let mut w = World::new(&ids);
        for (i, id) in ids.iter().enumerate() {
            let unit = format!("Apt {}", i + 1);
            w.home(id, &format!("Pat Tenant{i}"), "500 Main St", &unit, ZIP);
            if i % 2 == 0 {
                w.shipment(id, 1, "500 Main Street", &format!("#{}", i + 1), ZIP);
            } else {
                // The unit left out: delivered to the building's front desk.
                w.shipment(id, 1, "500 Main St", "", ZIP);
            }
        }
        let r = w.run();
        assert!(r.findings.is_empty(), "{:?}", r.findings.iter().map(|f| &f.summary).collect::<Vec<_>>());
        // Two of them receiving at one unit is a farm again.
        w.shipment("T4", 5, "500 Main St", "Apt 1", ZIP);
        let r = w.run();
        assert_eq!(r.get("T4", "C2").map(|f| f.subjects.len()), Some(2));
    }

    #[test]
    fn c3_signed_by_someone_else() {
        let mut w = World::new(&["A", "B", "C", "D", "BOB"]);
        for id in ["A", "B", "C", "D"] {
            w.home(id, &format!("Jane {id}roe"), "12 Oak St", &format!("Apt {id}"), ZIP);
        }
        w.home("BOB", "Bob Smith", "9 Pine St", "", ZIP);
        w.shipment("A", 1, "12 Oak St", "Apt A", ZIP).signed_by = Some("BOB SMITH".into());
        w.shipment("B", 1, "12 Oak St", "Apt B", ZIP).signed_by = Some("J BROE".into());
        w.shipment("C", 1, "12 Oak St", "Apt C", ZIP).signed_by = Some("FRONT DOOR".into());
        w.shipment("D", 1, "12 Oak St", "Apt D", ZIP).signed_by = Some("Sam Droe".into());
        let r = w.run();
        let f = r.get("A", "C3").expect("C3");
        assert!(f.summary.contains("BOB SMITH (worker BOB)"), "{}", f.summary);
        assert_eq!(f.weight_bits, w.weight("C3"));
        for id in ["B", "C", "D"] {
            assert!(r.ids(id).is_empty(), "{id}: {:?}", r.of(id).iter().map(|f| &f.summary).collect::<Vec<_>>());
        }
    }
}

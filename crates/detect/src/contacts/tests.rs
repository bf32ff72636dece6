//! Contact detectors: shared phones and emails across names, families that share.

use bonafide_core::LineType;
use bonafide_core::records::Reference;

use crate::testkit::World;

fn phone(w: &mut World, id: &str, name: &str, e164: &str) {
    let p = w.person(id);
    p.name = name.into();
    p.phone_e164 = Some(e164.into());
}

#[test]
fn h2_one_phone_three_names() {
    let mut w = World::new(&["P1", "P2", "P3", "Own"]);
    phone(&mut w, "P1", "Alex Turner", "+12025550143");
    phone(&mut w, "P2", "Brian Cole", "+12025550143");
    phone(&mut w, "P3", "Chris Dunn", "+12025550143");
    phone(&mut w, "Own", "Dana Fox", "+12025550999");
    let r = w.run();
    let f = r.get("P1", "H2").unwrap();
    assert_eq!(f.subjects.len(), 3);
    let shared = f.shared.as_ref().unwrap();
    assert_eq!((shared.kind.as_str(), shared.value.as_str()), ("phone", "+12025550143"));
    assert!(r.ids("Own").is_empty());
}

#[test]
fn h2_emails_fold_plus_and_gmail_dots() {
    let mut w = World::new(&["A", "B"]);
    w.person("A").name = "Alex Turner".into();
    w.person("A").emails = vec!["dev.master+a@gmail.com".into()];
    w.person("B").name = "Brian Cole".into();
    w.person("B").emails = vec!["devmaster@googlemail.com".into()];
    let f = w.run().get("A", "H2").cloned().unwrap();
    assert_eq!(f.shared.unwrap().value, "devmaster@gmail.com");
}

#[test]
fn h2_a_family_sharing_a_phone_and_one_person_twice_are_not_rings() {
    let mut w = World::new(&["Mum", "Son", "Jane", "Jane2", "J1", "J2"]);
    w.set_address("Mum", "5 B AVE||30001|US", "Mia Kim");
    w.set_address("Son", "5 B AVE||30001|US", "Joon Kim");
    phone(&mut w, "Mum", "Mia Kim", "+13035550100");
    phone(&mut w, "Son", "Joon Kim", "+13035550100");
    phone(&mut w, "Jane", "Jane Roe", "+13035550111");
    phone(&mut w, "Jane2", "ROE, Jane", "+13035550111");
    // Two real John Smiths, each with their own number.
    phone(&mut w, "J1", "John Smith", "+13035550122");
    phone(&mut w, "J2", "John Smith", "+13035550133");
    let r = w.run();
    for id in ["Mum", "Son", "Jane", "Jane2", "J1", "J2"] {
        assert!(r.ids(id).is_empty(), "{id}: {:?}", r.findings);
    }
}

#[test]
fn h2_a_reference_whose_phone_is_another_candidates() {
    let mut w = World::new(&["Cand", "Other", "Coworker", "Coworker2", "Cand2"]);
    phone(&mut w, "Other", "Kim Sang", "+12025550177");
    phone(&mut w, "Coworker", "Eve Fox", "+12025550188");
    let source = w.pos();
    let r = |name: &str, phone: &str, source| Reference {
        name: Some(name.into()),
        phone: Some(phone.into()),
        ..crate::testkit::reference("Cand", source)
    };
    w.records.references.push(r("Bob Lee", "(202) 555-0177", source));
    let source = w.pos();
    // A real colleague who also works here gives their own number: the same name.
    w.records.references.push(r("Eve Fox", "202-555-0188", source));
    // The same colleague under the short form of her name, and a former manager two
    // candidates list as "John Roe" and "Jonathan Roe": one person each, no ring.
    phone(&mut w, "Coworker2", "Alice Smith", "+12025550199");
    let source = w.pos();
    w.records.references.push(r("Ally Smith", "202-555-0199", source));
    for (cand, name) in [("Cand", "John Roe"), ("Cand2", "Jonathan Roe")] {
        let source = w.pos();
        w.records.references.push(Reference { subject_id: cand.into(), ..r(name, "202-555-0166", source) });
    }
    let res = w.run();
    for id in ["Coworker2", "Cand2"] {
        assert!(res.get(id, "H2").is_none(), "{id}: {:?}", res.get(id, "H2").map(|f| &f.summary));
    }
    assert!(
        res.findings
            .iter()
            .filter(|f| f.indicator == "H2")
            .all(|f| !f.summary.contains("Roe") && !f.summary.contains("Smith")),
        "{:?}",
        res.findings
    );
    let f = res.get("Cand", "H2").unwrap();
    assert!(f.subjects.len() == 2 && f.summary.contains("Bob Lee") && f.summary.contains("Kim Sang"), "{}", f.summary);
    assert!(res.get("Coworker", "H2").is_none());
}

#[test]
fn d9_voip_lines_but_not_a_cable_home_phone() {
    let mut w = World::new(&["V", "Fixed", "M"]);
    w.person("V").phone_line_type = Some(LineType::NonFixedVoip);
    w.person("V").phone_e164 = Some("+12025550100".into());
    w.person("Fixed").phone_line_type = Some(LineType::FixedVoip);
    w.person("M").phone_line_type = Some(LineType::Mobile);
    let r = w.run();
    assert!(r.get("V", "D9").unwrap().summary.contains("non-fixed-voip"));
    assert!(r.ids("Fixed").is_empty() && r.ids("M").is_empty());
}

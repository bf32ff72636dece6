//! Identity detectors: positives and the benign look-alikes that must stay quiet.

use bonafide_core::records::{PayMethod, PayrollChange, Reference};
use bonafide_core::subject::{IdDocument, IdvResult};
use bonafide_core::{Band, CountryCode, SensitiveKind, SubjectKind, UtcMs};
use bonafide_intel::Keyring;

use crate::testkit::World;

fn keyring() -> Keyring {
    Keyring::from_bytes([3; 32])
}

fn date(s: &str) -> UtcMs {
    UtcMs::parse_date(s).unwrap()
}

fn set_ssn(w: &mut World, id: &str, raw: &str) {
    let p = w.person(id);
    p.ssn_check = bonafide_intel::ssn::check(raw);
    p.ssn = keyring().protect(SensitiveKind::Ssn, raw);
}

#[test]
fn a7_a_number_under_two_names_is_a_shared_identity() {
    let mut w = World::new(&["A", "B", "C"]);
    w.person("A").name = "Jane Roe".into();
    w.person("B").name = "Kim Sang".into();
    w.person("C").name = "Tom Lee".into();
    for id in ["A", "B"] {
        set_ssn(&mut w, id, "123-45-6789");
    }
    set_ssn(&mut w, "C", "223-45-6789");
    let r = w.run();
    let f = r.get("A", "A7").expect("shared SSN");
    assert_eq!(f.subjects.len(), 2);
    assert_eq!(f.shared.as_ref().unwrap().kind, "ssn");
    assert!(f.shared.as_ref().unwrap().value.starts_with("***-**-6789 (fp:"));
    assert!(f.summary.starts_with("SSN ***-**-6789 is held by 2 different people"), "{}", f.summary);
    assert!(!f.summary.contains("fp:"), "{}", f.summary);
    assert!(!format!("{f:?}").contains("123456789") && !format!("{f:?}").contains("123-45"));
    assert_eq!(f.weight_bits, w.weight("A7"));
    assert!(r.ids("C").is_empty());
}

#[test]
fn a7_one_person_applying_twice_and_two_people_with_one_common_name() {
    let mut w = World::new(&["A", "A-again", "S1", "S2"]);
    w.person("A").name = "Jane Roe".into();
    w.person("A-again").name = "ROE, Jane".into();
    for id in ["A", "A-again"] {
        set_ssn(&mut w, id, "123-45-6789");
        w.person(id).date_of_birth = Some(date("1990-01-01"));
    }
    // Two real John Smiths: common name, different numbers and birthdays.
    for (id, ssn, dob) in [("S1", "234-56-7890", "1980-01-01"), ("S2", "345-67-8901", "1975-06-30")] {
        w.person(id).name = "John Smith".into();
        set_ssn(&mut w, id, ssn);
        w.person(id).date_of_birth = Some(date(dob));
    }
    let r = w.run();
    for id in ["A", "A-again", "S1", "S2"] {
        assert!(r.ids(id).is_empty(), "{id}: {:?}", r.findings);
    }
}

#[test]
fn a7_an_identity_document_under_two_names() {
    let mut w = World::new(&["A", "B"]);
    w.person("A").name = "Jane Roe".into();
    w.person("B").name = "Mia Chen".into();
    for id in ["A", "B"] {
        let number = keyring().protect(SensitiveKind::IdDocument, "X1234567").unwrap();
        w.person(id).id_document =
            Some(IdDocument { doc_type: Some("passport".into()), number, country: Some("US".into()) });
    }
    let f = w.run().get("A", "A7").cloned().unwrap();
    assert_eq!(f.shared.unwrap().kind, "id_document");
}

#[test]
fn a7_invalid_and_late_numbers() {
    let mut w = World::new(&["Bad", "Late", "Young", "Itin", "Contractor"]);
    set_ssn(&mut w, "Bad", "666-12-3456");
    set_ssn(&mut w, "Late", "773-12-3456");
    w.person("Late").date_of_birth = Some(date("1975-03-01"));
    set_ssn(&mut w, "Young", "773-12-3457");
    w.person("Young").date_of_birth = Some(date("2000-03-01"));
    set_ssn(&mut w, "Itin", "912-70-1234");
    set_ssn(&mut w, "Contractor", "912-70-1235");
    w.person("Contractor").kind = SubjectKind::Contractor;
    let r = w.run();
    assert_eq!(r.get("Bad", "A7").unwrap().weight_bits, w.weight("A7"), "never issued: T1");
    let late = r.get("Late", "A7").unwrap();
    assert_eq!(late.weight_bits, w.config.a7.late_issue_bits, "possible for an adult immigrant: soft");
    assert!(late.summary.contains("2011-06-25"), "{}", late.summary);
    assert!(r.ids("Young").is_empty(), "born 2000, first SSN after 2011 at eleven: ordinary");
    assert_eq!(r.get("Itin", "A7").unwrap().weight_bits, w.config.a7.itin_bits);
    assert!(r.ids("Contractor").is_empty(), "contractors may use an ITIN");
}

#[test]
fn a5_failures_count_a_resubmitted_photo_stays_modest() {
    let mut w = World::new(&["Fail", "Resub", "Face", "Fine"]);
    w.person("Fail").idv_result = Some(IdvResult::Fail);
    w.person("Resub").idv_result = Some(IdvResult::Resubmitted);
    w.person("Resub").idv_face_match = Some(0.95);
    w.person("Face").idv_result = Some(IdvResult::Pass);
    w.person("Face").idv_face_match = Some(0.41);
    w.person("Fine").idv_result = Some(IdvResult::Pass);
    w.person("Fine").idv_face_match = Some(0.97);
    let r = w.run();
    assert_eq!(r.get("Fail", "A5").unwrap().weight_bits, w.weight("A5"));
    assert_eq!(r.get("Face", "A5").unwrap().weight_bits, w.weight("A5"));
    let resub = r.get("Resub", "A5").unwrap();
    assert_eq!(resub.weight_bits, w.config.a5.resubmitted_bits);
    let band = w.scoring.score([resub], &[]).band;
    assert_eq!(band, Band::Low, "a retaken ID photo alone is not a case");
    assert!(r.ids("Fine").is_empty());
}

fn pay(w: &mut World, id: &str, at: &str, holder: Option<&str>, country: Option<&str>, method: PayMethod) {
    let source = w.pos();
    w.records.payroll.push(PayrollChange {
        account_holder: holder.map(str::to_string),
        bank_country: country.and_then(CountryCode::new),
        account_number: keyring()
            .protect(SensitiveKind::BankAccount, &id.bytes().map(|b| format!("{b:03}")).collect::<String>()),
        ..PayrollChange::new(id, date(at), method, source)
    });
}

#[test]
fn a10_many_jurisdictions_two_is_an_ordinary_life() {
    let mut w = World::new(&["Many", "Immigrant"]);
    for id in ["Many", "Immigrant"] {
        let number = keyring().protect(SensitiveKind::IdDocument, &format!("{id}123456")).unwrap();
        w.person(id).id_document = Some(IdDocument { doc_type: None, number, country: Some("India".into()) });
    }
    w.person("Many").phone_country = CountryCode::new("CN");
    pay(&mut w, "Many", "2025-01-01", None, Some("HK"), PayMethod::Wire);
    w.person("Immigrant").phone_country = CountryCode::new("US");
    pay(&mut w, "Immigrant", "2025-01-01", None, Some("US"), PayMethod::Ach);
    let r = w.run();
    let f = r.get("Many", "A10").unwrap();
    assert!(f.summary.starts_with("4 countries"), "{}", f.summary);
    assert!(r.ids("Immigrant").is_empty(), "{:?}", r.findings);
}

#[test]
fn a1_two_disagreements_fire_one_does_not() {
    let mut w = World::new(&["Mixed", "Traveller", "Spouse"]);
    w.person("Mixed").name = "John Smith".into();
    w.person("Mixed").emails = vec!["kim.sangman@gmail.com".into()];
    w.person("Mixed").phone_country = CountryCode::new("CN");
    pay(&mut w, "Mixed", "2025-01-01", Some("Zhang Wei"), Some("US"), PayMethod::Ach);
    // One mismatch only: a phone kept from home abroad.
    w.person("Traveller").name = "Ana Silva".into();
    w.person("Traveller").phone_country = CountryCode::new("BR");
    // A spouse's account in the family name is not a mismatch.
    w.person("Spouse").name = "Jane Roe".into();
    w.person("Spouse").timezone = Some("America/New_York".into());
    pay(&mut w, "Spouse", "2025-01-01", Some("John Roe"), Some("US"), PayMethod::Ach);
    let r = w.run();
    let f = r.get("Mixed", "A1").unwrap();
    assert_eq!(f.evidence.len(), 3, "{}", f.summary);
    assert!(r.get("Traveller", "A1").is_none());
    assert!(r.get("Spouse", "A1").is_none(), "{:?}", r.findings);
}

#[test]
fn a1_a_declared_zone_far_from_home() {
    let mut w = World::new(&["Z"]);
    w.person("Z").timezone = Some("Asia/Shanghai".into());
    w.person("Z").phone_country = CountryCode::new("CN");
    let f = w.run().get("Z", "A1").cloned().unwrap();
    assert!(f.summary.contains("Asia/Shanghai"), "{}", f.summary);
}

#[test]
fn a12_lowball_and_unit_confusion() {
    let mut w = World::new(&["Low", "Fair", "Hourly"]);
    for (id, req) in [("Low", 40_000.0), ("Fair", 92_000.0), ("Hourly", 55.0)] {
        w.person(id).requested_pay = Some(req);
        w.person(id).pay_band_mid = Some(100_000.0);
    }
    let r = w.run();
    assert!(r.get("Low", "A12").unwrap().summary.contains("40%"));
    assert!(r.ids("Fair").is_empty());
    assert!(r.ids("Hourly").is_empty(), "an hourly rate against an annual band is not a lowball");
}

fn reference(w: &mut World, id: &str, name: &str, email: &str, domain: Option<&str>, verified: Option<bool>) {
    let source = w.pos();
    w.records.references.push(Reference {
        name: Some(name.into()),
        email: Some(email.into()),
        company: Some("Acme".into()),
        company_domain: domain.map(str::to_string),
        verified,
        ..crate::testkit::reference(id, source)
    });
}

#[test]
fn a4_references_look_alike_free_mail_and_self() {
    let mut w = World::new(&["Fake", "Small", "Real", "Self"]);
    w.config.domains.employer = vec!["northwind.com".into()];
    reference(&mut w, "Fake", "Bob Lee", "bob@n0rthwind.com", Some("n0rthwind.com"), None);
    reference(&mut w, "Small", "Ann Ray", "ann.ray@gmail.com", None, None);
    reference(&mut w, "Real", "Eve Fox", "eve@acme.com", Some("acme.com"), Some(true));
    w.person("Self").emails = vec!["me.myself@gmail.com".into()];
    reference(&mut w, "Self", "Dan Poe", "MeMyself+ref@gmail.com", None, None);
    let r = w.run();
    let fake = r.get("Fake", "A4").unwrap();
    assert_eq!(fake.weight_bits, w.weight("A4"));
    assert!(fake.summary.contains("imitates the employer's northwind.com"), "{}", fake.summary);
    assert_eq!(r.get("Small", "A4").unwrap().weight_bits, w.config.a4.soft_bits, "small firms use Gmail");
    assert!(r.ids("Real").is_empty());
    assert!(r.get("Self", "A4").unwrap().summary.contains("candidate's own"));
}

#[test]
fn a4_young_domains_and_a14_vendors() {
    let mut w = World::new(&["A", "V", "OkVendor"]);
    w.person("A").applied_date = Some(date("2025-03-01"));
    reference(&mut w, "A", "Bob Lee", "bob@fresh-dev.io", Some("fresh-dev.io"), None);
    w.records.references[0].domain_created = Some(date("2025-02-10"));
    w.person("V").vendor = Some("Silver Star".into());
    w.person("V").vendor_domain = Some("silverstarchina.com".into());
    w.person("OkVendor").vendor = Some("Acme Staffing".into());
    w.person("OkVendor").vendor_domain = Some("acmestaffing.com".into());
    w.person("OkVendor").vendor_domain_created = Some(date("2009-01-01"));
    w.person("OkVendor").hire_date = Some(date("2025-01-01"));
    let r = w.run();
    assert!(r.get("A", "A4").unwrap().summary.contains("registered 19 day(s)"), "{:?}", r.findings);
    assert!(r.get("V", "A14").unwrap().summary.contains("seized"));
    assert!(r.ids("OkVendor").is_empty());
}

#[test]
fn a11_raises_the_referral_chain_of_a_high_risk_subject() {
    let mut w = World::new(&["Boss", "R1", "R2", "R3", "Up", "Other", "Ref"]);
    set_ssn(&mut w, "Boss", "000-12-3456");
    w.person("Boss").idv_result = Some(IdvResult::Fail);
    w.person("R1").referred_by = Some("Boss".into());
    w.person("R2").referred_by = Some("R1".into());
    w.person("R3").referred_by = Some("R2".into());
    w.person("Boss").referred_by = Some("Up".into());
    // An ordinary referral between two low-risk people.
    w.person("Other").referred_by = Some("Ref".into());
    let r = w.run();
    assert_eq!(r.ids("Boss"), vec!["A5", "A7"], "a seed is not raised by itself");
    assert!(r.get("R1", "A11").unwrap().summary.contains("referred by Boss"));
    assert!(r.get("R2", "A11").unwrap().summary.contains("2 referral step(s)"));
    assert!(r.get("R3", "A11").is_none(), "three steps away is too far");
    assert!(r.get("Up", "A11").unwrap().summary.contains("referred Boss"));
    assert!(r.ids("Other").is_empty() && r.ids("Ref").is_empty());
    // An analyst's confirmation seeds too, whatever the score.
    w.config.a11.confirmed = vec!["Ref".into()];
    assert!(w.run().get("Other", "A11").unwrap().summary.contains("confirmed"));
}

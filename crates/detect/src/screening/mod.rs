//! Screening against published lists (S family): names, identifiers and look-alike
//! domains of the people an organisation knows, and of the vendors, references and
//! payees around them.
//!
//! The lists and the matching live in `bonafide_intel::sanctions`; these detectors only
//! decide what to screen and what a match means. They read subjects and records, not
//! events, so all their work happens in `conclude`. Relevance to S1 is the entry's own
//! North-Korea judgement (program, nationality, addresses or remarks), not its program
//! alone: a North Korean national can be designated under a non-DPRK program.

pub mod identifiers;
pub mod lookalike;
pub mod names;

use std::collections::HashMap;

use bonafide_core::{Evidence, SourcePos, Subject, SubjectIdx, UtcMs};
use bonafide_intel::sanctions::{Entry, Match};

/// A value screened, where it came from, and whose it is.
#[derive(Clone, Debug)]
pub struct Screened<'a> {
    pub subject: SubjectIdx,
    /// `name`, `alias`, `vendor`, `reference.name`, `payroll.account_holder`, ...
    pub field: &'static str,
    pub value: &'a str,
    pub source: Option<SourcePos>,
}

/// Subject indices by `subject_id`, for records.
pub fn subject_ids(subjects: &[Subject]) -> HashMap<&str, SubjectIdx> {
    subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), SubjectIdx(i as u32))).collect()
}

/// A date as (year, month, day).
pub fn ymd(t: UtcMs) -> Option<(i32, u8, u8)> {
    let s = t.date_string();
    let mut it = s.split('-');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Evidence of one match: the value screened, the entry, and why they match.
pub fn evidence(s: &Screened<'_>, m: &Match, e: &Entry) -> Evidence {
    let mut ev = match s.source {
        Some(p) => Evidence::at(p),
        None => Evidence::without_source(),
    };
    ev = ev
        .with("field", s.field)
        .with("value", s.value)
        .with("list", e.list_kind().name())
        .with("entry_id", e.id.as_str())
        .with("listed_name", e.name.as_str())
        .with("matched_name", m.matched_name.as_str())
        .with("score", (m.score * 1000.0).round() / 1000.0)
        .with("list_source", format!("{}:{}", e.source, e.line));
    if !e.programs.is_empty() {
        ev = ev.with("program", e.program());
    }
    if let Some(why) = &e.dprk {
        ev = ev.with("north_korea", why.as_str());
    }
    if let Some((kind, value)) = &m.identifier {
        ev = ev.with("identifier", format!("{} {}", kind.name(), value));
        let chains: Vec<&str> =
            e.wallets.iter().filter(|w| w.address.eq_ignore_ascii_case(value)).map(|w| w.chain.as_str()).collect();
        if !chains.is_empty() {
            ev = ev.with("listed_chains", chains.join(", "));
        }
    } else {
        let pairs: Vec<String> =
            m.pairs.iter().map(|p| format!("{}={} ({}, {:.2})", p.query, p.list, p.how, p.similarity)).collect();
        ev = ev.with("name_score", (m.name_score * 1000.0).round() / 1000.0).with("pairs", pairs.join("; "));
        if !m.unmatched_query.is_empty() || !m.unmatched_list.is_empty() {
            ev = ev.with(
                "unmatched",
                format!("query: {}; list: {}", m.unmatched_query.join(" "), m.unmatched_list.join(" ")),
            );
        }
        for (why, v) in &m.adjustments {
            ev = ev.with(if *v >= 0.0 { "lifted" } else { "lowered" }, format!("{why} ({v:+.2})"));
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use bonafide_core::records::{PayMethod, PayrollChange, Reference, Wallet};
    use bonafide_core::{SourceId, SourcePos, UtcMs};
    use bonafide_intel::sanctions::names::NameRules;
    use bonafide_intel::sanctions::{
        Alias, Dob, Entry, EntryKind, ListKind, ListedWallet, Lists, MatchConfig, Screening,
    };

    use crate::testkit::World;

    fn entry(id: &str, name: &str, program: &str) -> Entry {
        let mut e = Entry {
            list: Some(ListKind::Ofac),
            source: "sdn.csv".into(),
            line: 1,
            id: id.into(),
            name: name.into(),
            programs: vec![program.into()],
            ..Default::default()
        };
        e.judge_dprk();
        e
    }

    fn screening() -> Screening {
        let mut kim = entry("43377", "KIM, Sang Man", "DPRK4");
        kim.kind = EntryKind::Person;
        kim.dobs = vec![Dob { month: Some(4), day: Some(25), ..Dob::year(1965) }];
        kim.wallets =
            vec![ListedWallet { chain: "USDT".into(), address: "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40".into() }];
        kim.documents = vec![bonafide_intel::sanctions::ListedDocument {
            kind: "Passport".into(),
            number: "109420132".into(),
            country: None,
        }];
        let mut alis = entry("48260", "LIMITED LIABILITY COMPANY ALIS", "DPRK2");
        alis.aliases.push(Alias { name: "ALIS LLC".into(), quality: "a.k.a.".into(), weak: false });
        let mut npwmd = entry("9", "RI, Je Son", "NPWMD");
        npwmd.nationalities = vec![bonafide_core::CountryCode::new("KP").unwrap()];
        npwmd.judge_dprk();
        let mut suex = entry("33151", "SUEX OTC, S.R.O.", "CYBER2");
        suex.wallets = vec![ListedWallet { chain: "XBT".into(), address: "12HQDsicffSBaYdJ6BhnE22sfjTESmmzKx".into() }];
        let mut lists = Lists::default();
        lists.push_list(
            "test".into(),
            vec![
                kim,
                entry("43379", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY", "DPRK2"),
                alis,
                npwmd,
                entry("15102", "MORENO, Daniel", "SDNTK"),
                suex,
            ],
        );
        lists.push_list("published".into(), bonafide_intel::sanctions::published::builtin());
        Screening::build(lists, NameRules::builtin(), MatchConfig::default())
    }

    fn pos(line: u64) -> SourcePos {
        SourcePos::line(SourceId(1), line)
    }

    fn world() -> World {
        let mut w = World::new(&["E1", "E2", "E3", "E4", "E5", "E6"]);
        w.screening = screening();
        // Only screening: the records here would also raise A4, A14 and G1.
        w.config.disabled = bonafide_core::Catalog::builtin()
            .indicators
            .iter()
            .filter(|i| !i.id.starts_with('S'))
            .map(|i| i.id.to_string())
            .collect();
        w
    }

    fn dob(s: &str) -> Option<UtcMs> {
        UtcMs::parse_date(s).ok()
    }

    #[test]
    fn s1_names_vendors_references_and_payees() {
        let mut w = world();
        w.subjects[0].name = "Sang-man Kim".into();
        w.subjects[0].date_of_birth = dob("1965-04-25");
        w.subjects[1].vendor = Some("Chinyong Information Technology Cooperation Co.".into());
        w.records.references.push(Reference {
            name: Some("Pat Doe".into()),
            company: Some("Alis LLC".into()),
            verified: Some(false),
            ..crate::testkit::reference("E3", pos(4))
        });
        w.subjects[3].name = "Lee Je-son".into();
        w.records.payroll.push(PayrollChange {
            account_holder: Some("Kim Sangman".into()),
            ..PayrollChange::new("E5", UtcMs(0), PayMethod::Wire, pos(9))
        });
        let r = w.run();
        for id in ["E1", "E2", "E3", "E4", "E5"] {
            assert_eq!(r.ids(id), ["S1"], "{id}");
        }
        assert!(r.ids("E6").is_empty());
        let f = r.get("E3", "S1").unwrap();
        assert!(f.summary.contains("Reference's company 'Alis LLC'") && f.summary.contains("48260"), "{}", f.summary);
        assert_eq!(f.evidence[0].detail["matched_name"], "ALIS LLC");
        assert_eq!(f.evidence[0].source, Some(pos(4)));
        let f = r.get("E1", "S1").unwrap();
        assert!(f.evidence[0].detail.contains_key("lifted"), "{:?}", f.evidence[0].detail);
        // The NPWMD designation concerns North Korea through the nationality.
        assert!(r.get("E4", "S1").unwrap().evidence[0].detail["north_korea"].as_str().unwrap().contains("nationality"));
    }

    /// A subject, a reference and a recipient named like a listed ship are not the ship;
    /// a vendor may still match it.
    #[test]
    fn s1_people_do_not_match_vessels() {
        let mut w = world();
        let mut ship = entry("19575", "JIN TAI", "DPRK");
        ship.kind = EntryKind::Vessel;
        let mut lists = Lists::default();
        lists.push_list("test".into(), vec![ship]);
        w.screening = Screening::build(lists, NameRules::builtin(), MatchConfig::default());
        w.subjects[0].name = "Tai Jin".into();
        w.records
            .references
            .push(Reference { name: Some("Jin Tai".into()), ..crate::testkit::reference("E2", pos(4)) });
        w.subjects[2].vendor = Some("Jin Tai".into());
        let r = w.run();
        assert!(r.ids("E1").is_empty() && r.ids("E2").is_empty(), "{:?}", r.findings);
        assert_eq!(r.ids("E3"), ["S1"]);
    }

    #[test]
    fn s1_confounders_namesakes_and_other_programs() {
        let mut w = world();
        // Same name as a listed person, another date of birth: a namesake.
        w.subjects[0].name = "Sang Man Kim".into();
        w.subjects[0].date_of_birth = dob("1991-02-03");
        // A listed name under a non-DPRK program.
        w.subjects[1].name = "Daniel Moreno".into();
        // Similar, not the same.
        w.subjects[2].name = "Kim Sang Hoon".into();
        w.subjects[3].vendor = Some("Alis Consulting Group".into());
        let r = w.run();
        for id in ["E1", "E2", "E3", "E4"] {
            assert!(r.ids(id).is_empty(), "{id}: {:?}", r.findings);
        }
        w.config.s1.all_programs = true;
        assert_eq!(w.run().ids("E2"), ["S1"]);
    }

    #[test]
    fn s2_wallets_emails_and_seized_domains() {
        let mut w = world();
        w.records.payroll.push(PayrollChange {
            wallet: Some(Wallet {
                address: "0xB6F5EC1A0A9CD1526536D3F0426C429529471F40".into(),
                chain: Some("USDT".into()),
            }),
            ..PayrollChange::new("E1", UtcMs(0), PayMethod::Crypto, pos(2))
        });
        w.subjects[1].emails = vec!["recruiter@silverstarchina.com".into()];
        w.subjects[2].vendor_domain = Some("https://jobs.silverstarchina.com/apply".into());
        w.subjects[3].website = Some("upworksell.com".into());
        // A Bitcoin address in the wrong case is another address: nothing.
        w.records.payroll.push(PayrollChange {
            subject_id: "E5".into(),
            wallet: Some(Wallet { address: "12hqdsicffsbaydj6bhne22sfjtesmmzkx".into(), chain: Some("BTC".into()) }),
            ..w.records.payroll[0].clone()
        });
        w.subjects[5].emails = vec!["someone@gmail.com".into()];
        w.subjects[5].website = Some("https://example.org".into());
        // A passport number the list publishes, known only by its fingerprint.
        let keyring = bonafide_intel::Keyring::from_bytes([5; 32]);
        w.screening.index_documents(&keyring);
        let doc = |n: &str| bonafide_core::subject::IdDocument {
            doc_type: Some("passport".into()),
            number: keyring.protect(bonafide_core::SensitiveKind::IdDocument, n).unwrap(),
            country: None,
        };
        w.subjects[4].id_document = Some(doc("109 420 132"));
        w.subjects[5].id_document = Some(doc("109420133"));
        let r = w.run();
        assert_eq!(r.ids("E1"), ["S2"]);
        let f = r.get("E1", "S2").unwrap();
        assert!(f.summary.contains("43377"));
        assert_eq!(f.evidence[0].detail["listed_chains"], "USDT");
        assert_eq!(f.evidence[0].source, Some(pos(2)));
        assert_eq!(r.ids("E2"), ["S2"]);
        assert_eq!(r.ids("E3"), ["S2"]);
        assert_eq!(r.ids("E4"), ["S2"]);
        let f = r.get("E5", "S2").expect("listed passport");
        assert!(f.summary.contains("****0132") && !f.summary.contains("109420132"), "{}", f.summary);
        assert!(!serde_json::to_string(&f.evidence).unwrap().contains("420132"));
        assert_eq!(r.ids("E5"), ["S2"], "the wrong-case Bitcoin address still gives nothing");
        assert!(r.ids("E6").is_empty());
    }

    #[test]
    fn s3_look_alikes_of_seized_and_legitimate_domains() {
        let mut w = world();
        w.config.s3.legitimate_domains = vec!["globexcorp.com".into()];
        w.subjects[0].vendor_domain = Some("silverstarchina-group.com".into());
        w.subjects[1].vendor_domain = Some("cloudf0xhub.com".into());
        let reference = |id: &str, email: &str, line| Reference {
            email: Some(email.into()),
            ..crate::testkit::reference(id, pos(line))
        };
        w.records.references.push(reference("E3", "hr@globexcorp.co", 3));
        // The real domain, a subdomain of it, and an unrelated company: nothing.
        w.records.references.push(reference("E4", "hr@globexcorp.com", 4));
        w.records.references.push(reference("E5", "hr@eu.globexcorp.com", 5));
        w.subjects[5].vendor_domain = Some("initech.com".into());
        let r = w.run();
        assert_eq!(r.ids("E1"), ["S3"]);
        assert!(r.get("E1", "S3").unwrap().summary.contains("seized domain silverstarchina.com"));
        assert_eq!(r.ids("E2"), ["S3"]);
        assert_eq!(r.ids("E3"), ["S3"]);
        assert!(r.get("E3", "S3").unwrap().summary.contains("legitimate domain globexcorp.com"), "{:?}", r.findings);
        for id in ["E4", "E5", "E6"] {
            assert!(r.ids(id).is_empty(), "{id}");
        }
    }

    #[test]
    fn without_lists_nothing_fires() {
        let mut w = World::new(&["E1"]);
        w.subjects[0].name = "Kim Sang Man".into();
        assert!(w.run().findings.is_empty());
    }
}

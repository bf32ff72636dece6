#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The list readers and the matcher on the real public lists in `../shared/data/sanctions`.

use std::io::BufReader;
use std::path::Path;

use bonafide_core::testdata::shared;
use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{
    BadRow, Dob, EntryKind, IdKind, Lists, MatchConfig, Query, Screening, ftm, published, un,
};

/// Reads the OFAC files given as one set; returns the entries' list and every bad row.
fn ofac(files: &[&Path]) -> (Lists, Vec<(String, BadRow)>) {
    let mut set = OfacSet::new("test");
    let mut bad = Vec::new();
    for (tag, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let kind =
            sniff(&bytes[..bytes.len().min(64 * 1024)]).unwrap_or_else(|| panic!("{} not recognised", f.display()));
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        set.read(kind, tag as u32, &name, &mut BufReader::new(&bytes[..]), &mut |b| bad.push((name.clone(), b)))
            .unwrap();
    }
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().to_string()).collect();
    let (label, entries) = set.finish(&mut |tag, b| bad.push((names[tag as usize].clone(), b)));
    let mut lists = Lists::default();
    lists.push_list(label, entries);
    (lists, bad)
}

fn screening(lists: Lists) -> Screening {
    Screening::build(lists, NameRules::builtin(), MatchConfig::default())
}

#[test]
fn ofac_2024_it_worker_designations() {
    let Some(sdn) = shared("sanctions/sdn_2024-05-03.csv") else { return };
    let (lists, bad) = ofac(&[&sdn]);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(lists.len(), 14965, "every row but the end-of-file byte is an entry");
    let dprk = lists.entries.iter().filter(|e| e.dprk.is_some()).count();
    let by_program = lists.entries.iter().filter(|e| e.programs.iter().any(|p| p.starts_with("DPRK"))).count();
    assert!(by_program >= 480, "{by_program}");
    assert!(dprk > by_program, "nationality and remarks add DPRK entries beyond the programs: {dprk} vs {by_program}");
    // A North Korean national designated under a non-DPRK program still concerns North Korea.
    assert!(lists.entries.iter().any(|e| e.dprk.is_some()
        && !e.programs.iter().any(|p| p.starts_with("DPRK"))
        && e.nationalities.iter().any(|c| c.as_str() == "KP")));
    let s = screening(lists);

    let m = s.screen(&Query::name("Chinyong Information Technology Cooperation Co."), None);
    let e = s.entry(m[0].entry).unwrap();
    assert_eq!((e.id.as_str(), e.name.as_str()), ("43379", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY"));
    assert!(m[0].score >= 0.99, "{}", m[0].score);
    assert_eq!(e.program(), "DPRK2");

    let m = s.screen(&Query::name("Alis LLC"), None);
    let e = s.entry(m[0].entry).unwrap();
    assert_eq!((e.id.as_str(), e.name.as_str()), ("48260", "LIMITED LIABILITY COMPANY ALIS"));
    assert_eq!(m[0].matched_name, "ALIS LLC", "found through its a.k.a.");
    assert!(m[0].alias);

    for addr in [
        "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40",
        "0XB6F5EC1A0A9CD1526536D3F0426C429529471F40",
        "0xB6f5Ec1A0a9cD1526536d3F0426c429529471F40",
    ] {
        let m = s.identifier(IdKind::Wallet, addr);
        assert_eq!(m.len(), 1, "{addr}");
        let e = s.entry(m[0].entry).unwrap();
        assert_eq!((e.id.as_str(), e.name.as_str()), ("43377", "KIM, Sang Man"));
        assert_eq!(m[0].score, 1.0);
        assert!(e.wallets.iter().any(|w| w.chain == "USDT" && w.address.eq_ignore_ascii_case(addr)));
    }
    // A Bitcoin address is case-sensitive: lower-casing it makes another address.
    assert_eq!(s.identifier(IdKind::Wallet, "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ").len(), 1);
    assert!(s.identifier(IdKind::Wallet, "1d6gg9ikehpittcwrjiniuj1jym2hneafj").is_empty());

    let kim = s.screen(&Query { dob: Some(Dob::date(1965, 4, 25)), ..Query::name("Sang-man Kim") }, None);
    assert_eq!(s.entry(kim[0].entry).unwrap().id, "43377");
    assert!(kim[0].adjustments.iter().any(|(why, v)| why.contains("agrees") && *v > 0.0));
}

#[test]
fn ofac_2021_full_set_joins() {
    let Some(dir) = shared("sanctions/ofac_2021") else { return };
    let files: Vec<_> = ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"].iter().map(|f| dir.join(f)).collect();
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (lists, bad) = ofac(&refs);
    assert!(bad.is_empty(), "{:?}", &bad[..bad.len().min(5)]);
    assert_eq!(lists.len(), 8976);
    let aliases: usize = lists.entries.iter().map(|e| e.aliases.len()).sum();
    assert!(aliases > 11_000, "{aliases}");
    // sdn_comments.csv continues remarks cut at 1,000 characters, here mid-address.
    let secondeye = lists.entries.iter().find(|e| e.id == "30518").expect("SECONDEYE SOLUTION in the 2021 list");
    assert!(secondeye.remarks.len() > 1000);
    assert!(
        secondeye.wallets.iter().any(|w| w.address == "1GqChmWqGtsaLrGbHfgdrV5Nkvahtjjuxr"),
        "{:?}",
        secondeye.wallets
    );
    let with_address = lists.entries.iter().filter(|e| !e.addresses.is_empty()).count();
    assert!(with_address > 5000, "{with_address}");
}

#[test]
fn the_small_excerpt_in_any_order() {
    let Some(dir) = shared("sanctions/ofac_small") else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let forward: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let backward: Vec<&Path> = files.iter().rev().map(|p| p.as_path()).collect();
    let (a, bad_a) = ofac(&forward);
    let (b, bad_b) = ofac(&backward);
    assert_eq!(a.entries.len(), 17);
    assert_eq!(bad_a.len(), bad_b.len());
    let names = |l: &Lists| {
        let mut v: Vec<(String, usize, usize)> =
            l.entries.iter().map(|e| (e.id.clone(), e.aliases.len(), e.addresses.len())).collect();
        v.sort();
        v
    };
    assert_eq!(names(&a), names(&b));
}

#[test]
fn the_corrupted_file_says_what_is_wrong() {
    let Some(sdn) = shared("sanctions/ofac_invalid/sdn.csv") else { return };
    let (lists, bad) = ofac(&[&sdn]);
    assert_eq!(lists.len(), 7379);
    assert_eq!(bad.len(), 1, "{bad:?}");
    let (file, row) = &bad[0];
    assert_eq!(file, "sdn.csv");
    assert_eq!(row.line, 7380);
    assert!(
        row.reason.contains("expected 12 fields") && row.reason.contains("found 1") && row.reason.contains("||||"),
        "{}",
        row.reason
    );
}

#[test]
fn un_consolidated_list() {
    let Some(path) = shared("sanctions/un_consolidated.xml") else { return };
    let mut bad = Vec::new();
    let f = std::fs::File::open(&path).unwrap();
    let entries = un::read("un_consolidated.xml", &mut BufReader::new(f), &mut |b| bad.push(b));
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(entries.len(), 1003);
    let dprk_regime = entries.iter().filter(|e| e.programs.iter().any(|p| p == "DPRK")).count();
    assert_eq!(dprk_regime, 155);
    let people = entries.iter().filter(|e| e.kind == EntryKind::Person).count();
    assert_eq!(people, 730);
    let mut lists = Lists::default();
    lists.push_list("un".into(), entries);
    let s = screening(lists);
    // KPi.001: YUN HO-JIN, a.k.a. Yun Ho-chin; folded spellings and word order do not matter.
    for q in ["Yun Ho Jin", "Ho-jin Yun", "YUN Ho-chin", "Yoon Hojin"] {
        let m = s.screen(&Query::name(q), None);
        assert_eq!(m.first().map(|m| s.entry(m.entry).unwrap().id.as_str()), Some("KPi.001"), "{q}");
    }
}

#[test]
fn opensanctions_sample() {
    let Some(path) = shared("sanctions/opensanctions_sample.ftm.json") else { return };
    let mut bad = Vec::new();
    let f = std::fs::File::open(&path).unwrap();
    let r = ftm::read("opensanctions_sample.ftm.json", &mut BufReader::new(f), &mut |b| bad.push(b)).unwrap();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(r.records, 7);
    assert_eq!(r.entries.len(), 6, "every party; the address joins its holder");
    let mut lists = Lists::default();
    lists.push_list("ftm".into(), r.entries);
    let s = screening(lists);
    // Cyrillic and Latin spellings of one person.
    let m = s.screen(&Query::name("Виталий Кузьменко"), None);
    assert_eq!(s.entry(m[0].entry).unwrap().id, "NK-2Ka3UvopqbpZmVDFjWd4LA");
    let m = s.screen(&Query::name("Inter Tobacco LLC"), None);
    assert_eq!(s.entry(m[0].entry).unwrap().id, "NK-2GdmHtZTeNXjNVrBGEXZNj");
}

/// 1,000 ordinary English, Spanish, Chinese and Korean names of people who are not listed
/// (`tests/data/ordinary_names.txt`, made by `bench/screening/ordinary_names.py`) give no
/// match at the default threshold against every real list at once.
#[test]
fn ordinary_names_are_not_matches() {
    let (Some(sdn), Some(dir), Some(unx)) = (
        shared("sanctions/sdn_2024-05-03.csv"),
        shared("sanctions/ofac_2021"),
        shared("sanctions/un_consolidated.xml"),
    ) else {
        return;
    };
    let (mut lists, _) = ofac(&[&sdn]);
    let files: Vec<_> = ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"].iter().map(|f| dir.join(f)).collect();
    let (old, _) = ofac(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    lists.push_list("ofac 2021".into(), old.entries);
    let f = std::fs::File::open(&unx).unwrap();
    lists.push_list("un".into(), un::read("un", &mut BufReader::new(f), &mut |_| {}));
    lists.push_list("published".into(), published::builtin());
    let s = screening(lists);
    let names = include_str!("data/ordinary_names.txt");
    let names: Vec<&str> = names.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(names.len(), 1000);
    let mut hits = Vec::new();
    for n in &names {
        if let Some(m) = s.screen(&Query::name(*n), None).first() {
            hits.push(format!("{n} ~ {} ({:.3})", m.matched_name, m.score));
        }
    }
    assert!(hits.is_empty(), "{} of 1000 ordinary names matched:\n{}", hits.len(), hits.join("\n"));
}

/// Loading more lists does not lose a match: `MOHAMMED, Ali` is an a.k.a. of three
/// entries of the 2024 SDN list, found alone and with the 2021 set's thousands of names
/// that share both words.
#[test]
fn more_lists_do_not_hide_an_exact_alias() {
    let (Some(sdn), Some(dir)) = (shared("sanctions/sdn_2024-05-03.csv"), shared("sanctions/ofac_2021")) else {
        return;
    };
    let (mut lists, _) = ofac(&[&sdn]);
    let files: Vec<_> = ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"].iter().map(|f| dir.join(f)).collect();
    let (old, _) = ofac(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    lists.push_list("ofac 2021".into(), old.entries);
    let s = screening(lists);
    let m = s.screen(&Query::name("MOHAMMED, Ali"), None);
    let ids: Vec<&str> = m.iter().filter(|m| m.score > 0.99).map(|m| s.entry(m.entry).unwrap().id.as_str()).collect();
    for id in ["19930", "21387"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

//! The screening benchmark's workload, shared by `benches/screening.rs` (wall time) and
//! `examples/screen_prof.rs` (instruction counts), so that the two measure the same
//! thing: the OFAC 2021 set with aliases from the shared data, the 1,000 ordinary names
//! of the false-positive test, and eight spelling variants of listed names.

use std::io::BufReader;

use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{Lists, MatchConfig, Screening};

/// Spelling variants of listed names: joined and split given names, a Korean
/// romanisation, a typo, a dropped letter.
pub const VARIANTS: [&str; 8] = [
    "Sang Man Kim",
    "Gim Yeong Jeol",
    "Korea Mining Development Trading Corp.",
    "Rhee Seong-cheol",
    "Reconnaissance Generl Bureau",
    "Green Pine Associated Corp.",
    "Ofice 39",
    "Kang Ryong",
];

/// The 1,000 ordinary names (mostly no match: the common case).
pub fn ordinary_names() -> Vec<&'static str> {
    include_str!("../../tests/data/ordinary_names.txt").lines().filter(|l| !l.is_empty()).collect()
}

/// The OFAC 2021 set with aliases, indexed; `None` when the shared data is absent.
pub fn load() -> Option<Screening> {
    let dir = bonafide_core::testdata::shared_data_dir()?.join("sanctions/ofac_2021");
    let mut set = OfacSet::new("ofac_2021");
    for (i, f) in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"].iter().enumerate() {
        let bytes = std::fs::read(dir.join(f)).ok()?;
        let kind = sniff(&bytes[..bytes.len().min(65536)])?;
        set.read(kind, i as u32, f, &mut BufReader::new(&bytes[..]), &mut |_| {}).ok()?;
    }
    let (label, entries) = set.finish(&mut |_, _| {});
    let mut lists = Lists::default();
    lists.push_list(label, entries);
    Some(Screening::build(lists, NameRules::builtin(), MatchConfig::default()))
}

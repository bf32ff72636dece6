//! The criterion screening benchmark's two workloads, once each, for an instruction
//! count: the machine the benchmark runs on may be shared, and wall times there move
//! by a factor of two from one run to the next, while callgrind's count of the
//! instructions of the screening alone is the same every run. Screens the 1,000
//! ordinary names of the false-positive test once (`run_ordinary`) and the benchmark's
//! 8 spelling variants 100 times (`run_variants`) against the OFAC 2021 set with
//! aliases from the shared data.
//!
//! ```sh
//! cargo build --profile bench -p bonafide-intel --example screen_prof
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*run_ordinary*' \
//!     target/release/examples/screen_prof
//! ```
//! (`*run_variants*` for the variants; `*Screening::build*` for the index.)

use std::io::BufReader;

use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{Lists, MatchConfig, Query, Screening};

/// The criterion benchmark's variants (`benches/screening.rs`).
const VARIANTS: [&str; 8] = [
    "Sang Man Kim",
    "Gim Yeong Jeol",
    "Korea Mining Development Trading Corp.",
    "Rhee Seong-cheol",
    "Reconnaissance Generl Bureau",
    "Green Pine Associated Corp.",
    "Ofice 39",
    "Kang Ryong",
];

// Not inlined, so that callgrind can count each workload alone.
#[inline(never)]
fn run_ordinary(s: &Screening, names: &[&str]) -> usize {
    names.iter().map(|n| s.screen(&Query::name(*n), None).len()).sum()
}

#[inline(never)]
fn run_variants(s: &Screening, names: &[&str]) -> usize {
    names.iter().map(|n| s.screen(&Query::name(*n), None).len()).sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = bonafide_core::testdata::shared_data_dir()
        .ok_or("shared data absent (../shared/data or BONAFIDE_SHARED_DATA)")?
        .join("sanctions/ofac_2021");
    let mut set = OfacSet::new("ofac_2021");
    for (i, f) in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"].iter().enumerate() {
        let bytes = std::fs::read(dir.join(f))?;
        let kind = sniff(&bytes[..bytes.len().min(65536)]).ok_or(format!("{f}: not an OFAC file"))?;
        set.read(kind, i as u32, f, &mut BufReader::new(&bytes[..]), &mut |_| {})?;
    }
    let (label, entries) = set.finish(&mut |_, _| {});
    let mut lists = Lists::default();
    lists.push_list(label, entries);
    let s = Screening::build(lists, NameRules::builtin(), MatchConfig::default());
    let ordinary: Vec<&str> =
        include_str!("../tests/data/ordinary_names.txt").lines().filter(|l| !l.is_empty()).collect();
    let found = run_ordinary(&s, &ordinary);
    let variants: usize = (0..100).map(|_| run_variants(&s, &VARIANTS)).sum();
    println!("{} ordinary names: {found} matches; 8 variants x 100: {variants} matches", ordinary.len());
    Ok(())
}

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

use bonafide_intel::sanctions::{Query, Screening};

#[path = "../benches/common/screening_workload.rs"]
mod workload;
use workload::{VARIANTS, load, ordinary_names};

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
    let s = load().ok_or("shared data absent or unreadable (../shared/data or BONAFIDE_SHARED_DATA)")?;
    let ordinary = ordinary_names();
    let found = run_ordinary(&s, &ordinary);
    let variants: usize = (0..100).map(|_| run_variants(&s, &VARIANTS)).sum();
    println!("{} ordinary names: {found} matches; 8 variants x 100: {variants} matches", ordinary.len());
    Ok(())
}

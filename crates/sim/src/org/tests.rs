#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator's claims about itself: counts, determinism, travel speeds, and that
//! nothing but behaviour tells operatives apart.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::clock::Zones;
use super::population::{self, Params, Trick};
use super::{schedule, world};

fn params(people: usize, operatives: usize, farms: usize, days: i64, seed: u64) -> Params {
    Params { people, operatives, farms, days, seed, neutral_names: false }
}

#[test]
fn counts_are_as_asked_and_operatives_carry_no_confounders() {
    for seed in [1, 2, 3] {
        let p = params(800, 30, 4, 30, seed);
        let (people, farms) = population::build(&p);
        assert_eq!(people.len(), 800);
        assert_eq!(people.iter().filter(|x| x.op.is_some()).count(), 30);
        assert_eq!(farms.len(), 4);
        assert!(
            farms.iter().all(|f| f.members.len() >= 2),
            "{:?}",
            farms.iter().map(|f| f.members.len()).collect::<Vec<_>>()
        );
        let ids: HashSet<&str> = people.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids.len(), 800, "subject ids are unique");
        let phones: HashSet<&str> = people.iter().filter(|x| x.op.is_none()).map(|x| x.phone.as_str()).collect();
        assert_eq!(phones.len(), people.iter().filter(|x| x.op.is_none()).count(), "ordinary phones are unique");
        for x in &people {
            if let Some(op) = &x.op {
                assert!(x.confounders.is_empty(), "{} is an operative with confounders", x.id);
                assert!(x.hire_day.is_some(), "operatives are hired");
                let core = [Trick::Farm, Trick::Relay, Trick::Astrill].iter().filter(|t| op.has(**t)).count();
                assert_eq!(core, 1, "{}: one way to reach the laptop", x.id);
            }
        }
        // Farms are in their own cities, one facilitator each, and hold only operatives.
        for f in &farms {
            assert!(f.members.iter().all(|&m| people[m].op.as_ref().and_then(|o| o.farm).is_some()));
        }
    }
}

#[test]
fn no_single_trick_is_carried_by_every_operative() {
    let (people, _) = population::build(&params(3000, 200, 8, 30, 9));
    let ops: Vec<_> = people.iter().filter_map(|x| x.op.as_ref()).collect();
    let mut by_indicator: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &ops {
        let mut ind: Vec<&str> = o.tricks.iter().flat_map(|t| t.indicators().iter().copied()).collect();
        ind.sort_unstable();
        ind.dedup();
        for i in ind {
            *by_indicator.entry(i).or_default() += 1;
        }
    }
    let most = by_indicator.values().max().copied().unwrap_or(0);
    assert!(most < ops.len() * 3 / 4, "an indicator on {most} of {} operatives: {by_indicator:?}", ops.len());
}

#[test]
fn names_come_from_the_same_pools_for_everyone() {
    // Share of Korean or Chinese names among operatives and among ordinary staff, over a
    // large population: equal within sampling error (they are drawn before roles are).
    let (people, _) = population::build(&params(20_000, 1000, 10, 5, 4));
    let kc = |x: &&&population::Person| world::KOREAN_OR_CHINESE.contains(&x.origin);
    let ops: Vec<_> = people.iter().filter(|x| x.op.is_some()).collect();
    let ord: Vec<_> = people.iter().filter(|x| x.op.is_none()).collect();
    let a = ops.iter().filter(kc).count() as f64 / ops.len() as f64;
    let b = ord.iter().filter(kc).count() as f64 / ord.len() as f64;
    assert!((a - b).abs() < 0.04, "operatives {a:.3}, ordinary {b:.3}");
    assert!(b > 0.1, "the pools include Korean and Chinese names ({b:.3})");
}

#[test]
fn travellers_never_move_faster_than_an_airliner() {
    let p = params(3000, 0, 0, 42, 5);
    let (people, _) = population::build(&p);
    let mut z = Zones::new(p.days);
    let mut legs = 0;
    let mut far = 0;
    for x in people.iter().filter(|x| x.trip.is_some()) {
        let mut fixes: Vec<(i64, (f64, f64))> = Vec::new();
        for day in 0..p.days {
            for s in schedule::plan(x, day, None, &mut z, p.seed).sessions {
                if !s.loc.proxy {
                    fixes.push((s.start, (s.loc.city.lat, s.loc.city.lon)));
                    fixes.push((s.end, (s.loc.city.lat, s.loc.city.lon)));
                }
            }
        }
        fixes.sort_by_key(|f| f.0);
        for w in fixes.windows(2) {
            let km = world::km(w[0].1, w[1].1);
            if km < 1.0 {
                continue;
            }
            legs += 1;
            far += usize::from(km > 3000.0);
            let hours = (w[1].0 - w[0].0) as f64 / 3_600_000.0;
            let kmh = km / hours;
            assert!(kmh < 1000.0, "{}: {km:.0} km in {hours:.1} h = {kmh:.0} km/h", x.id);
        }
    }
    assert!(legs > 50 && far > 10, "the test saw real trips: {legs} legs, {far} over 3000 km");
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let p = params(60, 4, 1, 7, 11);
    let sa = super::simulate(&p, a.path()).unwrap();
    super::simulate(&p, b.path()).unwrap();
    super::simulate(&params(60, 4, 1, 7, 12), c.path()).unwrap();
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between two runs of one seed");
    }
    assert_ne!(fa["truth.json"], fc["truth.json"], "another seed, another organisation");
    assert_eq!(sa.people, 60);
    assert!(sa.events > 0 && sa.osquery_lines > 0 && sa.activity > 0);
    for f in [
        "data/people.csv",
        "data/accounts.csv",
        "data/payroll_changes.csv",
        "data/shipments.csv",
        "data/devices.csv",
        "data/interviews.csv",
        "data/references.csv",
        "data/ipintel.csv",
        "data/okta_system_log.ndjson.gz",
        "data/entra_signins.ndjson.gz",
        "data/gws_login.ndjson.gz",
        "data/github_audit.ndjson.gz",
        "data/app_signins.csv.gz",
        "data/osquery_results.log.gz",
        "data/commits.csv.gz",
        "data/activity.csv.gz",
        "truth.json",
        "bonafide.toml",
    ] {
        assert!(fa.contains_key(f), "{f} missing: {:?}", fa.keys().collect::<Vec<_>>());
    }
}

#[test]
fn photos_are_valid_pngs_and_reused_ones_are_near_copies() {
    let a = super::files::photo(7, false);
    let b = super::files::photo(7, true);
    let c = super::files::photo(8, false);
    assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
    assert_ne!(a, b, "a tweaked copy is the same photo a little brighter");
    assert_ne!(a, c);
    // IHDR: 32×32, 8-bit RGB; the zlib stream inflates to 32 rows of 1 + 96 bytes.
    assert_eq!(&a[12..16], b"IHDR");
    let idat_len = u32::from_be_bytes(a[33..37].try_into().unwrap()) as usize;
    assert_eq!(&a[37..41], b"IDAT");
    let mut raw = Vec::new();
    use std::io::Read;
    flate2::read::ZlibDecoder::new(&a[41..41 + idat_len]).read_to_end(&mut raw).unwrap();
    assert_eq!(raw.len(), 32 * 97);
}

/// Different people's photos must rarely look alike to the perceptual hash A6 uses, and
/// a reused one must: otherwise the simulator makes photo reuse out of nothing, or hides
/// it. (The earlier generator, one blob in one place, put most people within 12 bits.)
#[test]
fn distinct_photos_hash_apart_and_reused_ones_together() {
    use bonafide_intel::phash::{hamming, hash_image};
    let hashes: Vec<u64> = (0..300u64).map(|k| hash_image(&super::files::photo(k, false), 1 << 20).unwrap()).collect();
    let mut close = 0;
    let mut pairs = 0;
    for i in 0..hashes.len() {
        for j in i + 1..hashes.len() {
            pairs += 1;
            close += usize::from(hamming(hashes[i], hashes[j]) <= 12);
        }
    }
    // Measured: 4 of 4.5M pairs among 3,000 photos (under one per million) within 12 bits.
    assert!(close * 20_000 <= pairs, "{close} of {pairs} distinct pairs within 12 bits");
    for (k, h) in hashes.iter().enumerate().take(50) {
        let copy = hash_image(&super::files::photo(k as u64, true), 1 << 20).unwrap();
        assert!(hamming(*h, copy) <= 6, "photo {k}: a brightened copy moved {} bits", hamming(*h, copy));
    }
}

#[test]
fn neutral_names_are_one_for_one() {
    let mut seen = HashSet::new();
    for pool in world::LAST {
        for n in *pool {
            seen.insert(world::neutral(world::LAST, n));
        }
    }
    let distinct: HashSet<&str> = world::LAST.iter().flat_map(|p| p.iter().copied()).collect();
    assert_eq!(seen.len(), distinct.len());
}

#[test]
fn record_times_fall_around_the_simulated_window() {
    let dir = tempfile::tempdir().unwrap();
    super::simulate(&params(80, 6, 1, 14, 21), dir.path()).unwrap();
    // Every time in the record files is between 2010 and the end of the window.
    for f in ["payroll_changes.csv", "shipments.csv", "interviews.csv"] {
        let text = std::fs::read_to_string(dir.path().join("data").join(f)).unwrap();
        for line in text.lines().skip(1) {
            let t = line.split(',').nth(1).unwrap();
            assert!(t.as_bytes()[0] == b'2' && ("2010".."2025-06-18").contains(&&t[..10]), "{f}: {line}");
        }
    }
}

/// Impossible numbers are refused, not bent into another organisation (one person for
/// none, as many operatives as people, farms with one member or none, no days), and
/// nothing is written; the edges of what is possible are accepted.
#[test]
fn impossible_organisations_are_refused_and_nothing_is_written() {
    for (p, words) in [
        (params(0, 0, 0, 7, 1), &["--people 0"][..]),
        (params(10, 20, 0, 7, 1), &["--operatives 20", "--people 10"]),
        (params(100, 5, 20, 7, 1), &["--farms 20", "40 operatives", "--operatives is 5"]),
        (params(100, 3, 2, 7, 1), &["--farms 2", "4 operatives"]),
        (params(100, 5, 1, 0, 1), &["--days 0"]),
        (params(100, 5, 1, -3, 1), &["--days -3"]),
    ] {
        let e = p.check().unwrap_err();
        for w in words {
            assert!(e.contains(w), "{w} not in: {e}");
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("org");
        let err = super::simulate(&p, &out).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(!out.exists(), "{p:?} wrote {}", out.display());
    }
    for p in [params(1, 0, 0, 1, 1), params(4, 4, 2, 1, 1), params(10, 2, 1, 3, 1)] {
        p.check().unwrap();
    }
}

//! How the merged IP lists classify the address space: addresses per network kind and
//! per deciding rule, and (with an output path) every merged range as a TSV, so that two
//! versions of the classification rules can be compared on the same lists.
//!
//! `cargo run --release -p bonafide-intel --example ip_kinds -- [DIR] [OUT.tsv]`
//!
//! DIR defaults to `../shared/data/ipintel`. IPv4 is counted in addresses, IPv6 in /64s
//! (the unit a provider assigns to one customer).

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use bonafide_intel::ip::{IpIntel, IpIntelBuilder, formats, sniff};

fn open(path: &Path) -> std::io::Result<Box<dyn std::io::BufRead>> {
    let f = std::fs::File::open(path)?;
    Ok(if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::new(f))
    })
}

fn load(dir: &Path) -> std::io::Result<IpIntel> {
    let mut b = IpIntelBuilder::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let mut sample = vec![0u8; 64 * 1024];
        let n = open(&path)?.read(&mut sample)?;
        let Some(format) = sniff(&sample[..n]) else { continue };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let kind = formats::kind_from_name(&name);
        let mut bad = 0u64;
        let ok = formats::load(&mut b, format, &name, kind, &mut *open(&path)?, &mut |_, _| bad += 1)?;
        eprintln!("{name}: {ok} entries, {bad} unusable");
    }
    Ok(b.build())
}

/// Size of a range in the unit of its family (addresses for IPv4, /64s for IPv6).
fn units(start: IpAddr, end: IpAddr) -> f64 {
    match (start, end) {
        (IpAddr::V4(s), IpAddr::V4(e)) => f64::from(u32::from(e) - u32::from(s)) + 1.0,
        (IpAddr::V6(s), IpAddr::V6(e)) => ((u128::from(e) >> 64) - (u128::from(s) >> 64)) as f64 + 1.0,
        _ => 0.0,
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = match args.next() {
        Some(d) => PathBuf::from(d),
        None => match bonafide_core::testdata::shared("ipintel") {
            Some(d) => d,
            None => {
                eprintln!("no ../shared/data/ipintel: pass the folder of lists");
                std::process::exit(2);
            }
        },
    };
    let out = args.next().map(PathBuf::from);
    let intel = load(&dir)?;
    let mut tsv = match &out {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    // (family, kind, rule) -> (ranges, units)
    let mut by_rule: BTreeMap<(u8, &str, String), (u64, f64)> = BTreeMap::new();
    for (start, end, info) in intel.ranges() {
        let fam = if start.is_ipv4() { 4 } else { 6 };
        let rule = info.kind_source().map(|s| s.to_string()).unwrap_or_else(|| "-".into());
        let e = by_rule.entry((fam, info.kind().as_str(), rule.clone())).or_default();
        e.0 += 1;
        e.1 += units(start, end);
        if let Some(w) = tsv.as_mut() {
            writeln!(
                w,
                "{fam}\t{start}\t{end}\t{}\t{}\t{}\t{rule}\t{}\t{}",
                info.asn().map(|a| a.to_string()).unwrap_or_default(),
                info.as_org().map(|o| o.replace('\t', " ")).unwrap_or_default(),
                info.kind().as_str(),
                info.label().map(|l| l.replace('\t', " ")).unwrap_or_default(),
                info.country().map(|c| c.to_string()).unwrap_or_default(),
            )?;
        }
    }
    println!("family\tkind\tdecided by\tranges\tunits (v4 addresses, v6 /64s)");
    for ((fam, kind, rule), (n, u)) in &by_rule {
        println!("v{fam}\t{kind}\t{rule}\t{n}\t{u:.0}");
    }
    Ok(())
}

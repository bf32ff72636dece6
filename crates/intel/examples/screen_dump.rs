//! Every match of a large query set, written out in full, so that a change meant only to
//! make the matcher faster can be shown to change nothing: dump before, dump after,
//! compare the files byte for byte (`cmp`). A speed change is only as good as this
//! comparison; the tests check chosen cases, this checks everything the lists hold.
//!
//! Lists: the OFAC SDN file of 2024, the OFAC 2021 set with aliases and addresses, the
//! UN consolidated list (whose weak aliases need a date of birth or country), the
//! OpenSanctions sample and the built-in published identifiers, all from the shared
//! data. Queries: the 1,000 ordinary names of the false-positive test, the screening
//! benchmark's variants, and every name and alias of those lists as listed and in one
//! respelling each (words reversed, a letter dropped, two letters swapped, two words
//! joined). Each query is screened in four forms (a bare name; a person at a lower
//! minimum; with a matching date of birth and North Korea; with a year of birth and
//! another country, lower still), and every match is written with every field (`{:?}`,
//! which prints floats exactly).
//!
//! ```sh
//! cargo run --release -p bonafide-intel --example screen_dump -- before.txt
//! # change the matcher
//! cargo run --release -p bonafide-intel --example screen_dump -- after.txt
//! cmp before.txt after.txt
//! ```

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use bonafide_core::CountryCode;
use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{Dob, Lists, MatchConfig, Query, Screening, ftm, published, un};

#[path = "../benches/common/screening_workload.rs"]
#[allow(dead_code)] // its `load` reads only the 2021 set; this loads more
mod workload;

type Error = Box<dyn std::error::Error>;

/// Reads the OFAC files of one set (any of `sdn.csv`, `alt.csv`, `add.csv`,
/// `sdn_comments.csv`) into `lists`.
fn ofac(lists: &mut Lists, label: &str, files: &[&Path]) -> Result<(), Error> {
    let mut set = OfacSet::new(label);
    for (tag, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let kind =
            sniff(&bytes[..bytes.len().min(65536)]).ok_or_else(|| format!("{}: not an OFAC file", f.display()))?;
        set.read(kind, tag as u32, &f.display().to_string(), &mut BufReader::new(&bytes[..]), &mut |_| {})
            .map_err(|e| format!("{}: {e}", f.display()))?;
    }
    let (label, entries) = set.finish(&mut |_, _| {});
    lists.push_list(label, entries);
    Ok(())
}

fn load(data: &Path) -> Result<Screening, Error> {
    let dir = data.join("sanctions");
    let mut lists = Lists::default();
    ofac(&mut lists, "ofac 2024", &[&dir.join("sdn_2024-05-03.csv")])?;
    let set = dir.join("ofac_2021");
    let files = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"].map(|f| set.join(f));
    ofac(&mut lists, "ofac 2021", &files.iter().map(|p| p.as_path()).collect::<Vec<_>>())?;
    let path = dir.join("un_consolidated.xml");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    lists.push_list("un".into(), un::read("un", &mut BufReader::new(&bytes[..]), &mut |_| {}));
    let path = dir.join("opensanctions_sample.ftm.json");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let read = ftm::read("ftm", &mut BufReader::new(&bytes[..]), &mut |_| {})?;
    lists.push_list("ftm".into(), read.entries);
    lists.push_list("published".into(), published::builtin());
    Ok(Screening::build(lists, NameRules::builtin(), MatchConfig::default()))
}

/// One respelling of `name`, chosen by `i`: the words in reverse order, a letter dropped
/// from the longest word, two of its letters swapped, or the first two words joined.
fn respell(name: &str, i: usize) -> Option<String> {
    let mut words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
    let longest = (0..words.len()).max_by_key(|&k| words[k].chars().count())?;
    match i % 4 {
        0 if words.len() > 1 => words.reverse(),
        1 | 2 => {
            let mut cs: Vec<char> = words[longest].chars().collect();
            if cs.len() < 4 {
                return None;
            }
            let at = cs.len() / 2;
            if i % 4 == 1 {
                cs.remove(at);
            } else {
                cs.swap(at - 1, at);
            }
            words[longest] = cs.into_iter().collect();
        }
        3 if words.len() > 1 => {
            let second = words.remove(1);
            words[0].push_str(&second);
        }
        _ => return None,
    }
    Some(words.join(" "))
}

fn main() -> Result<(), Error> {
    let out = std::env::args().nth(1).ok_or("usage: screen_dump OUT.txt")?;
    let data = bonafide_core::testdata::shared_data_dir()
        .ok_or("shared data absent (../shared/data or BONAFIDE_SHARED_DATA)")?;
    let s = load(&data)?;
    let mut queries: Vec<String> = workload::ordinary_names().into_iter().map(str::to_string).collect();
    queries.extend(workload::VARIANTS.iter().map(|q| q.to_string()));
    for e in s.entries() {
        for name in e.all_names() {
            queries.push(name.to_string());
            if let Some(r) = respell(name, queries.len()) {
                queries.push(r);
            }
        }
    }
    let kp = CountryCode::new("KP").ok_or("KP")?;
    let us = CountryCode::new("US").ok_or("US")?;
    let forms = |name: &str| {
        [
            (Query::name(name), None),
            (Query::person(name), Some(0.7)),
            (Query { dob: Some(Dob::date(1965, 4, 25)), countries: vec![kp], ..Query::name(name) }, None),
            (Query { dob: Some(Dob::year(1970)), countries: vec![us], ..Query::person(name) }, Some(0.6)),
        ]
    };
    let mut f = BufWriter::new(std::fs::File::create(&out).map_err(|e| format!("{out}: {e}"))?);
    let mut matches = 0usize;
    for q in &queries {
        for (form, (query, min)) in forms(q).into_iter().enumerate() {
            for m in s.screen(&query, min) {
                writeln!(f, "{q}\t{form}\t{}\t{m:?}", s.entries()[m.entry].id)?;
                matches += 1;
            }
        }
    }
    f.flush()?;
    println!(
        "{} entries, {} names indexed; {} queries x 4 forms: {matches} matches written to {out}",
        s.entries().len(),
        s.name_count(),
        queries.len()
    );
    Ok(())
}

//! The identifier-graph benchmark (driven by `bench/graph/run.sh`).
//!
//! `graph_bench gen N DIR [SEED]` writes `DIR/subjects.csv`: N synthetic subjects with
//! their identifiers, household and ground-truth cluster.
//! `graph_bench cluster CSV LABELS` reads them, builds the graph, clusters, and writes
//! `unique_id,cluster` to LABELS; it prints the times, the identifier counts and the
//! peak resident memory (VmHWM) as one JSON line.
//! `graph_bench incremental CSV K` builds the graph of all but the last K subjects,
//! then adds those K one by one, and prints what each addition visited.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use bonafide_graph::synth::{self, HEADER, Params, Row};
use bonafide_graph::{Graph, GraphConfig, SubjectIn};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// User plus system CPU time of this process (the machine is shared, so wall time
/// alone says little).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Expected subjects from the file size (about 210 bytes a row), to size the tables once.
fn hint(path: &str) -> usize {
    std::fs::metadata(path).map(|m| (m.len() / 210) as usize).unwrap_or(0)
}

fn read(path: &str) -> std::io::Result<(Vec<SubjectIn>, usize, usize)> {
    let mut out = Vec::new();
    let (mut bad, mut idents) = (0, 0);
    for line in BufReader::new(File::open(path)?).lines().skip(1) {
        match Row::parse(&line?) {
            Some(r) => {
                let s = r.subject();
                idents += s.idents.len() + s.fuzzy.len();
                out.push(s);
            }
            None => bad += 1,
        }
    }
    Ok((out, bad, idents))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") if args.len() >= 4 => {
            let n: usize = args[2].parse()?;
            let seed: u64 = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(42);
            std::fs::create_dir_all(&args[3])?;
            let mut w = BufWriter::new(File::create(format!("{}/subjects.csv", args[3]))?);
            writeln!(w, "{HEADER}")?;
            let mut err = None;
            let t = Instant::now();
            synth::generate(&Params::new(n, seed), |r| {
                if let Err(e) = writeln!(w, "{}", r.csv()) {
                    err = Some(e);
                }
            });
            if let Some(e) = err {
                return Err(e.into());
            }
            w.flush()?;
            eprintln!("generated {n} subjects in {:.1}s", t.elapsed().as_secs_f64());
        }
        Some("cluster") if args.len() >= 4 => {
            // Rows stream from the file into the graph: reading, hashing and linking
            // are timed together, as Splink's load, train and predict are.
            let t0 = Instant::now();
            let (mut bad, mut idents, mut n) = (0, 0, 0);
            let mut input = BufReader::with_capacity(1 << 20, File::open(&args[2])?);
            let mut line = String::new();
            input.read_line(&mut line)?;
            let rows = std::iter::from_fn(|| {
                loop {
                    line.clear();
                    match input.read_line(&mut line) {
                        Ok(0) => return None,
                        Ok(_) => match synth::subject_from_line(line.trim_end()) {
                            Some(s) => {
                                idents += s.idents.len() + s.fuzzy.len();
                                n += 1;
                                return Some(s);
                            }
                            None => bad += 1,
                        },
                        Err(_) => bad += 1,
                    }
                }
            });
            let (g, visit) = Graph::build_with_capacity(GraphConfig::default(), rows, hint(&args[2]));
            let build_s = t0.elapsed().as_secs_f64();
            let t2 = Instant::now();
            let clusters = g.clusters();
            let clusters_s = t2.elapsed().as_secs_f64();
            let labels = g.labels();
            let mut w = BufWriter::new(File::create(&args[3])?);
            writeln!(w, "unique_id,cluster")?;
            for (i, l) in labels.iter().enumerate() {
                writeln!(w, "{},{}", g.key(i as u32), g.key(*l))?;
            }
            w.flush()?;
            println!(
                "{{\"subjects\": {n}, \"bad_rows\": {bad}, \"identifiers\": {idents}, \"distinct_values\": {}, \"read_link_and_cluster_s\": {build_s:.3}, \"typing_s\": {clusters_s:.3}, \"clusters\": {}, \"visited_values\": {}, \"cpu_s\": {:.2}, \"peak_rss_mb\": {:.0}}}",
                g.ident_count(),
                clusters.len(),
                visit.idents,
                cpu_seconds(),
                peak_rss_mb()
            );
        }
        Some("parse") if args.len() >= 3 => {
            // Reading and hashing alone, to separate their cost from linking.
            let t0 = Instant::now();
            let mut input = BufReader::with_capacity(1 << 20, File::open(&args[2])?);
            let (mut line, mut n, mut idents) = (String::new(), 0usize, 0usize);
            input.read_line(&mut line)?;
            loop {
                line.clear();
                if input.read_line(&mut line)? == 0 {
                    break;
                }
                if let Some(s) = synth::subject_from_line(line.trim_end()) {
                    n += 1;
                    idents += s.idents.len() + s.fuzzy.len();
                }
            }
            println!(
                "{{\"subjects\": {n}, \"identifiers\": {idents}, \"seconds\": {:.3}, \"cpu_s\": {:.2}}}",
                t0.elapsed().as_secs_f64(),
                cpu_seconds()
            );
        }
        Some("incremental") if args.len() >= 4 => {
            let k: usize = args[3].parse()?;
            let (mut subjects, _, _) = read(&args[2])?;
            let tail = subjects.split_off(subjects.len().saturating_sub(k));
            let (mut g, _) = Graph::build(GraphConfig::default(), subjects);
            let t = Instant::now();
            let (mut vs, mut vi, mut max_vs) = (0, 0, 0);
            for s in tail {
                let v = g.add(s);
                vs += v.subjects;
                vi += v.idents;
                max_vs = max_vs.max(v.subjects);
            }
            println!(
                "{{\"added\": {k}, \"total\": {}, \"seconds\": {:.4}, \"visited_subjects\": {vs}, \"max_visited_subjects\": {max_vs}, \"visited_values\": {vi}}}",
                g.len(),
                t.elapsed().as_secs_f64()
            );
        }
        _ => {
            eprintln!("usage: graph_bench gen N DIR [SEED] | cluster CSV LABELS | parse CSV | incremental CSV K");
            std::process::exit(2);
        }
    }
    Ok(())
}

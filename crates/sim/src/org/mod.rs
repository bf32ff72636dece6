//! `bonafide simulate`: a whole synthetic organisation with known answers.
//!
//! [`population::build`] decides who everyone is (ordinary staff, some with benign
//! look-alikes of the scheme's signals; operatives with a random mix of tradecraft, some
//! in laptop farms); [`simulate`] then writes every input format of the data contract,
//! day by day and person by person, straight to (gzip) streams, so memory holds the
//! population and one day's sessions, never the logs: `--people 100000 --days 90` runs in
//! bounded memory. `truth.json` records the answers: operatives with the tradecraft and
//! indicators each carries, farms with their members, the confounders of ordinary staff.

pub mod clock;
pub mod files;
pub mod population;
pub mod schedule;
pub mod world;

#[cfg(test)]
mod tests;

use std::io::{self, BufWriter, Write};
use std::path::Path;

pub use population::{Params, Person, Trick};

/// The folder of inputs to scan (records, logs, `ipintel.csv`), under the output folder.
pub const DATA: &str = "data";
/// Resumes and photos, which `people.csv` points to (`../documents/...`).
pub const DOCUMENTS: &str = "documents";

/// What was written, for the command's summary and the benchmark.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub people: usize,
    pub operatives: usize,
    pub farms: usize,
    pub days: i64,
    pub events: u64,
    pub commits: u64,
    pub activity: u64,
    pub osquery_lines: u64,
    pub files: u64,
    pub bytes: u64,
}

/// A buffered file; large streams are gzip-compressed (the readers recognise gzip by its
/// magic bytes).
pub(crate) type Out = BufWriter<Box<dyn Write>>;

pub(crate) fn create(dir: &Path, name: &str, gzip: bool) -> io::Result<Out> {
    let f = std::fs::File::create(dir.join(name))?;
    let w: Box<dyn Write> = if gzip {
        Box::new(flate2::GzBuilder::new().mtime(0).write(f, flate2::Compression::fast()))
    } else {
        Box::new(f)
    };
    Ok(BufWriter::with_capacity(1 << 18, w))
}

/// Finishes a stream (flushes the buffer and, for gzip, writes the trailer).
pub(crate) fn finish(w: Out) -> io::Result<()> {
    let mut inner = w.into_inner().map_err(|e| e.into_error())?;
    inner.flush()?;
    drop(inner);
    Ok(())
}

/// Writes the organisation into `out`. Deterministic for `p.seed`.
pub fn simulate(p: &Params, out: &Path) -> io::Result<Summary> {
    p.check().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    std::fs::create_dir_all(out)?;
    let (people, farms) = population::build(p);
    let mut s = Summary {
        people: people.len(),
        operatives: people.iter().filter(|x| x.op.is_some()).count(),
        farms: farms.len(),
        days: p.days,
        ..Default::default()
    };
    let data = out.join(DATA);
    std::fs::create_dir_all(&data)?;
    files::records(&data, p, &people, &farms)?;
    files::documents(&out.join(DOCUMENTS), p, &people)?;
    files::truth(out, p, &people, &farms)?;
    std::fs::write(data.join("ipintel.csv"), world::ipintel_csv())?;
    std::fs::write(out.join("bonafide.toml"), files::org_config())?;
    std::fs::write(out.join("README.md"), files::readme(p))?;
    schedule::streams(&data, p, &people, &farms, &mut s)?;
    for e in walk(out)? {
        s.files += 1;
        s.bytes += e;
    }
    Ok(s)
}

fn walk(dir: &Path) -> io::Result<Vec<u64>> {
    let mut sizes = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let m = e.metadata()?;
        if m.is_dir() {
            sizes.extend(walk(&e.path())?);
        } else {
            sizes.push(m.len());
        }
    }
    Ok(sizes)
}

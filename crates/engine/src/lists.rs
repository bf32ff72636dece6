//! Loading sanctions lists and published identifiers, for a scan and for `bonafide
//! screen`.
//!
//! List files are recognised like every other input (from their content) and read in
//! the scan's lists phase, after records and IP intelligence and before any event. The
//! OFAC files need one rule of their own: `sdn.csv`, `alt.csv`, `add.csv` and
//! `sdn_comments.csv` share entity numbers and are one list only together, so **every
//! OFAC file in one folder belongs to one list**, joined when the phase ends whatever
//! order the files were read in. Keep two snapshots of the SDN list in two folders: a
//! second `sdn.csv` row for an entity already read in the same folder is quarantined.
//! An `alt.csv`, `add.csv` or `sdn_comments.csv` row whose entity no `sdn.csv` of its
//! folder has is quarantined at the join, with the line it came from. The UN XML and
//! OpenSanctions files are each a list of their own. The built-in published identifiers
//! (and the user's, `[screening] published`) are always added.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use bonafide_ingest::{Format, Input};
use bonafide_intel::sanctions::names::NameRules;
use bonafide_intel::sanctions::ofac::{OfacSet, sniff};
use bonafide_intel::sanctions::{BadRow, Lists, MatchConfig, Screening, ftm, published, un};
use serde::{Deserialize, Serialize};

/// `[screening]` in `bonafide.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreeningConfig {
    /// List files and folders read on every scan besides those among its inputs, and
    /// by `bonafide screen` when no `--list` is given.
    pub lists: Vec<PathBuf>,
    /// Screen against bonafide's built-in published identifiers (seized domains,
    /// organisations named in the IT-worker actions).
    pub builtin_published: bool,
    /// More published-identifier files, in the layout of the built-in one.
    pub published: Vec<PathBuf>,
    /// More name-folding rules (stop words, company forms, romanisation variants), in
    /// the layout of the built-in `names.toml`.
    pub name_rules: Option<PathBuf>,
    pub matching: MatchConfig,
}

impl Default for ScreeningConfig {
    fn default() -> Self {
        ScreeningConfig {
            lists: Vec::new(),
            builtin_published: true,
            published: Vec::new(),
            name_rules: None,
            matching: MatchConfig::default(),
        }
    }
}

/// A list file or setting that cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Invalid(String),
}

/// Collects list files as they are read.
#[derive(Debug, Default)]
pub struct ListLoader {
    sets: BTreeMap<PathBuf, OfacSet>,
    lists: Lists,
}

fn folder(input: &Input) -> PathBuf {
    let p = std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone());
    p.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl ListLoader {
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.lists.is_empty()
    }

    /// Reads one list file of `format`; `tag` identifies the file in reports of rows
    /// rejected when the lists are joined, `sample` is the start of its content. Returns
    /// the records taken.
    pub fn read(
        &mut self,
        format: Format,
        input: &Input,
        tag: u32,
        sample: &[u8],
        reader: &mut dyn BufRead,
        bad: &mut dyn FnMut(BadRow),
    ) -> std::io::Result<u64> {
        match format {
            Format::Ofac => {
                let Some(kind) = sniff(sample) else {
                    bad(BadRow {
                        line: 1,
                        index: None,
                        reason: "not a file of the OFAC set (sdn.csv, alt.csv, add.csv or sdn_comments.csv: \
                                 headerless CSV with 12, 5, 6 or 2 fields)"
                            .into(),
                    });
                    return Ok(0);
                };
                let dir = folder(input);
                let shown = input.path.parent().map(|p| p.display().to_string()).unwrap_or_default();
                let set = self
                    .sets
                    .entry(dir)
                    .or_insert_with(|| OfacSet::new(if shown.is_empty() { ".".into() } else { shown }));
                set.read(kind, tag, &input.display, reader, bad)
            }
            Format::Un => {
                let entries = un::read(&input.display, reader, bad);
                let n = entries.len() as u64;
                self.lists.push_list(format!("un {}", input.display), entries);
                Ok(n)
            }
            Format::Ftm => {
                let r = ftm::read(&input.display, reader, bad)?;
                self.lists.push_list(format!("ftm {}", input.display), r.entries);
                Ok(r.records)
            }
            other => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                format!("{} is not a list format", other.name()),
            )),
        }
    }

    /// Joins the OFAC sets, adds the published identifiers and indexes everything.
    /// Rows rejected at the join are reported through `late` with their file's tag.
    pub fn finish(self, cfg: &ScreeningConfig, late: &mut dyn FnMut(u32, BadRow)) -> Result<Screening, ListError> {
        let mut lists = Lists::default();
        for (_, set) in self.sets {
            let (label, entries) = set.finish(late);
            lists.push_list(label, entries);
        }
        lists.sources.extend(self.lists.sources);
        lists.entries.extend(self.lists.entries);
        if cfg.builtin_published {
            lists.push_list("published (built in)".into(), published::builtin());
        }
        for p in &cfg.published {
            let text = std::fs::read_to_string(p)
                .map_err(|source| ListError::Read { path: p.display().to_string(), source })?;
            let entries =
                published::parse(&p.display().to_string(), &text).map_err(|e| ListError::Invalid(e.to_string()))?;
            lists.push_list(format!("published {}", p.display()), entries);
        }
        let mut rules = NameRules::builtin();
        if let Some(p) = &cfg.name_rules {
            let text = std::fs::read_to_string(p)
                .map_err(|source| ListError::Read { path: p.display().to_string(), source })?;
            rules.extend(&text).map_err(|e| ListError::Invalid(format!("{}: {e}", p.display())))?;
        }
        Ok(Screening::build(lists, rules, cfg.matching.clone()))
    }
}

/// What loading lists outside a scan produced.
#[derive(Debug)]
pub struct LoadedLists {
    pub screening: Screening,
    /// Per file: (path, format, records, problems).
    pub files: Vec<(String, String, u64, u64)>,
    /// Every problem, as `path:line: reason`.
    pub problems: Vec<String>,
}

/// Loads list files and folders (walked, recognised by content) for `bonafide screen`.
/// A file that is not a list is an error: the user named it as one.
pub fn load(paths: &[PathBuf], cfg: &ScreeningConfig) -> Result<LoadedLists, ListError> {
    let mut loader = ListLoader::default();
    let mut files: Vec<(String, String, u64, u64)> = Vec::new();
    let mut problems = Vec::new();
    let map = bonafide_ingest::ColumnMap::default();
    for root in paths {
        for item in crate::plan::walk(root) {
            let path = item.map_err(|(p, why)| ListError::Invalid(format!("{}: {why}", p.display())))?;
            let planned = crate::plan::plan_file(&path, None, None, &map);
            let (Some(input), Some(format)) = (planned.input, planned.format) else {
                let why = planned.skip.unwrap_or_default();
                return Err(ListError::Invalid(format!("{} is not a list bonafide reads: {why}", planned.display)));
            };
            if format.role() != bonafide_ingest::Role::Lists {
                return Err(ListError::Invalid(format!(
                    "{} is a {} file, not a list (lists: ofac, un, ftm)",
                    planned.display,
                    format.name()
                )));
            }
            let sample = input
                .sample(bonafide_ingest::input::SAMPLE_BYTES)
                .map_err(|source| ListError::Read { path: input.display.clone(), source })?;
            let mut reader =
                input.open(None).map_err(|source| ListError::Read { path: input.display.clone(), source })?;
            let tag = files.len() as u32;
            let mut bad_count = 0;
            let shown = input.display.clone();
            let n = loader
                .read(format, &input, tag, &sample, &mut reader, &mut |b| {
                    bad_count += 1;
                    problems.push(format!("{shown}:{}: {}", b.line, b.reason));
                })
                .map_err(|source| ListError::Read { path: input.display.clone(), source })?;
            files.push((input.display.clone(), format.name().to_string(), n, bad_count));
        }
    }
    let mut late = Vec::new();
    let screening = loader.finish(cfg, &mut |tag, b| late.push((tag, b)))?;
    for (tag, b) in late {
        if let Some(f) = files.get_mut(tag as usize) {
            f.2 = f.2.saturating_sub(1);
            f.3 += 1;
            problems.push(format!("{}:{}: {}", f.0, b.line, b.reason));
        }
    }
    Ok(LoadedLists { screening, files, problems })
}

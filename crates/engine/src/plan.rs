//! Which files a scan reads, as what, and in which order.
//!
//! Folders are walked (sorted, hidden entries skipped), every file is recognised from
//! its content (or forced with `--format NAME=PATH`), and the files are ordered by what
//! they contribute: people and accounts first (they define subjects), IP intelligence
//! next (events are enriched with it), events last. A file that cannot be recognised or
//! is not read by this version is listed with the reason, never a failure.

use std::path::{Path, PathBuf};

use bonafide_core::IpKind;
use bonafide_ingest::sniff::{Holds, Recognition, Role};
use bonafide_ingest::{ColumnMap, Format, Input};
use bonafide_intel::ip::IpFormat;

/// One input as the scan will treat it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub display: String,
    pub input: Option<Input>,
    pub format: Option<Format>,
    /// For bare IP and AS lists: what they list.
    pub kind: Option<IpKind>,
    /// Why the file is not read.
    pub skip: Option<String>,
    /// Skipped, but holds no records (a picture, a PDF, a Markdown document): nothing is
    /// lost by not reading it.
    pub document: bool,
    /// What recognition made of a file it did not recognise; `None` for a file
    /// recognised, forced, or that could not be opened or read.
    pub holds: Option<Holds>,
}

const MAX_DEPTH: usize = 32;

/// All files under `path` (the path itself when it is a file), sorted.
///
/// A folder holding `.git` (a work tree) is listed itself, to be read as a git
/// repository, and its files are walked as any folder's (`.git`, hidden, is not): people
/// commonly keep exports under version control, and reading such a folder only as
/// history would silently drop every record file in it. Nested repositories are treated
/// the same way at any depth. A bare repository (`HEAD`, `objects/`, `refs/`) holds only
/// git's own files, so it is read as history and not walked.
pub fn walk(path: &Path) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    walk_excluding(path, &[], &mut Vec::new())
}

/// [`walk`], leaving out the files and folders of `own` (canonical paths: the scan's own
/// report folder, database and key file) where the walk meets them inside a folder; those
/// met are added to `excluded`. A scan run in the folder it scans (`bonafide scan .
/// --out out`) would otherwise read its previous report, database and key as inputs. A
/// path named itself is read whatever it is.
pub fn walk_excluding(
    path: &Path,
    own: &[PathBuf],
    excluded: &mut Vec<PathBuf>,
) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    walk_into(path, 0, true, &mut Walk { own, excluded, out: &mut out });
    out
}

/// What a walk carries down.
struct Walk<'a> {
    own: &'a [PathBuf],
    excluded: &'a mut Vec<PathBuf>,
    out: &'a mut Vec<Result<PathBuf, (PathBuf, String)>>,
}

fn walk_into(path: &Path, depth: usize, explicit: bool, walk: &mut Walk<'_>) {
    if !explicit
        && !walk.own.is_empty()
        && let Ok(canonical) = std::fs::canonicalize(path)
        && walk.own.contains(&canonical)
    {
        walk.excluded.push(path.to_path_buf());
        return;
    }
    let out = &mut *walk.out;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.push(Err((path.to_path_buf(), format!("cannot open: {e}"))));
            return;
        }
    };
    if meta.is_file() {
        out.push(Ok(path.to_path_buf()));
        return;
    }
    if meta.is_dir() && bonafide_ingest::commits::is_repository(path) {
        out.push(Ok(path.to_path_buf()));
        if !path.join(".git").exists() {
            return;
        }
    }
    if !meta.is_dir() {
        if explicit {
            out.push(Err((path.to_path_buf(), "not a regular file or folder".into())));
        }
        return;
    }
    if depth >= MAX_DEPTH {
        out.push(Err((path.to_path_buf(), format!("folder nesting deeper than {MAX_DEPTH}"))));
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            out.push(Err((path.to_path_buf(), format!("cannot list: {e}"))));
            return;
        }
    };
    entries.sort();
    for entry in entries {
        let hidden = entry.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if !hidden {
            walk_into(&entry, depth + 1, false, walk);
        }
    }
}

/// The git work trees among walked paths: folders holding `.git`, which are read as
/// repositories and whose files are walked too.
pub fn work_trees(items: &[Result<PathBuf, (PathBuf, String)>]) -> Vec<PathBuf> {
    items.iter().filter_map(|i| i.as_ref().ok()).filter(|p| p.is_dir() && p.join(".git").exists()).cloned().collect()
}

/// The innermost work tree of `trees` holding `path` (not `path` itself).
pub fn work_tree_of<'a>(trees: &'a [PathBuf], path: &Path) -> Option<&'a Path> {
    trees
        .iter()
        .filter(|t| path != t.as_path() && path.starts_with(t))
        .max_by_key(|t| t.components().count())
        .map(PathBuf::as_path)
}

/// A file of a git work tree that is not a record format is the repository's own
/// content (source code, configuration, assets): its history is what the scan reads
/// there, so not reading the file loses nothing and `--strict` must not fail on a folder
/// of code repositories. It is still listed, under one reason per work tree. A file that
/// looks like an export under other column names is not forgiven: the user most likely
/// meant it to be read, and the `--map` hint says how.
pub fn forgive_in_work_tree(planned: &mut Planned, tree: &Path) {
    // Only what recognition read and knew nothing of. Recognised but unreadable (an
    // unsupported format, an unnamed IP list) holds records; a file that cannot be opened
    // or read may be anything; documents are forgiven already; renamed columns are an
    // export. All of these are said as they are.
    if planned.holds != Some(Holds::Unknown) {
        return;
    }
    planned.document = true;
    planned.skip =
        Some(format!("a file of the git work tree {}, whose history is read; not a record format", display(tree)));
}

fn display(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Recognises one file; `forced` overrides recognition, `kind` labels a bare list.
pub fn plan_file(path: &Path, forced: Option<Format>, kind: Option<IpKind>, map: &ColumnMap) -> Planned {
    let shown = display(path);
    if path.is_dir() {
        let repo = bonafide_ingest::commits::is_repository(path);
        let input = Input { path: path.to_path_buf(), display: shown.clone(), size: 0, gzip: false };
        return match (repo, forced) {
            // A repository found under a path forced to another format is still read as
            // history: `--format` speaks of the files, and a folder can only be git.
            (true, _) => match bonafide_ingest::commits::check_repository(path) {
                Ok(()) => Planned {
                    display: shown,
                    input: Some(input),
                    format: Some(Format::Git),
                    kind,
                    skip: None,
                    document: false,
                    holds: None,
                },
                // Said here, as a skipped input with its reason, rather than as an error
                // while reading: the folder's other files are walked and read all the same.
                Err(why) => Planned {
                    display: shown,
                    input: None,
                    format: Some(Format::Git),
                    kind,
                    skip: Some(format!("holds .git, which cannot be read as a git repository: {why}")),
                    document: false,
                    holds: None,
                },
            },
            _ => Planned {
                display: shown,
                input: None,
                format: forced,
                kind,
                skip: Some("a folder that is not a git repository".into()),
                document: false,
                holds: None,
            },
        };
    }
    let input = match Input::new(path, shown.clone()) {
        Ok(i) => i,
        Err(e) => {
            return Planned {
                display: shown,
                input: None,
                format: None,
                kind,
                skip: Some(format!("cannot open: {e}")),
                document: false,
                holds: None,
            };
        }
    };
    let format = match forced {
        Some(f) => f,
        None => match bonafide_ingest::recognise(&input, map) {
            Ok(Recognition::Format(f)) => f,
            Ok(Recognition::Unknown(u)) => {
                return Planned {
                    display: shown,
                    input: Some(input),
                    format: None,
                    kind,
                    skip: Some(u.why),
                    document: u.holds == Holds::Document,
                    holds: Some(u.holds),
                };
            }
            Err(e) => {
                return Planned {
                    display: shown,
                    input: Some(input),
                    format: None,
                    kind,
                    skip: Some(format!("cannot read: {e}")),
                    document: false,
                    holds: None,
                };
            }
        },
    };
    let mut planned = Planned {
        display: shown,
        input: Some(input),
        format: Some(format),
        kind,
        skip: None,
        document: false,
        holds: None,
    };
    if !format.supported() {
        planned.skip = Some(format!("recognised as {}, which this version does not read yet", format.name()));
    }
    if let Format::Ip(ipf @ (IpFormat::IpList | IpFormat::AsnList)) = format {
        let name = planned.input.as_ref().map(|i| i.file_name()).unwrap_or_default();
        planned.kind = bonafide_ingest::ipintel::list_kind(ipf, kind, &name);
        if planned.kind.is_none() {
            planned.skip = Some(format!(
                "a bare IP list says nothing about what it lists: pass it as --ip-list KIND={} (vpn, proxy, tor, hosting, ...)",
                planned.display
            ));
        }
    }
    planned
}

/// Orders planned inputs for reading: records (people before accounts), intelligence,
/// lists, events; skipped files keep their place at the end.
pub fn order(planned: &mut [Planned]) {
    planned.sort_by_key(|p| match (p.skip.is_some(), p.format) {
        (true, _) | (_, None) => (9, 0),
        (false, Some(f)) => {
            let role = match f.role() {
                Role::Records => 0,
                Role::Intel => 1,
                Role::Lists => 2,
                Role::Events => 3,
            };
            (role, if f == Format::People { 0 } else { 1 })
        }
    });
}

//! `bonafide screen`: ad-hoc screening of names and identifiers against lists, and what
//! a newer list changes.
//!
//! Each query is screened as a name (the matcher of `bonafide_intel::sanctions`) and,
//! when it looks like one, as an identifier: an email, a domain or a digital-currency
//! address matches exactly, with certainty. `--json` prints one JSON object per query,
//! exactly as DATA_CONTRACT.md describes; `--explain` adds the breakdown to both forms.
//! `--diff OLD NEW` compares two loads of the lists and, with `--db`, screens every
//! subject stored by earlier scans against both, to show who matches now and did not.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use bonafide_engine::Config;
use bonafide_engine::lists::{LoadedLists, ScreeningConfig};
use bonafide_intel::Places;
use bonafide_intel::sanctions::diff::diff;
use bonafide_intel::sanctions::{
    Dob, Entry, EntryKind, IdKind, Match, Query, Screening, normalise_domain, normalise_email, normalise_wallet,
};
use serde_json::{Value, json};

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// Names (or emails, domains, wallet addresses) to screen.
    #[arg(value_name = "NAME")]
    names: Vec<String>,
    /// A list file or folder (OFAC sdn.csv set, UN XML, OpenSanctions NDJSON); repeat
    /// for more. Default: `[screening] lists` of the configuration. bonafide's built-in
    /// published identifiers are always included unless the configuration turns them off.
    #[arg(long = "list", value_name = "PATH")]
    lists: Vec<PathBuf>,
    /// Also screen the names in FILE, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// One JSON object per query: {"query", "matches": [{"list", "entry_id", "name",
    /// "score", "program"}]}, best first.
    #[arg(long)]
    json: bool,
    /// Lowest score reported, 0-1 (default: `[screening.matching] min_score`, 0.88).
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
    /// Date of birth of the person screened (YYYY-MM-DD, or YYYY-MM or YYYY when that
    /// is all that is known): lifts or lowers matches.
    #[arg(long, value_name = "DATE")]
    dob: Option<String>,
    /// Nationality or document country of the person screened: lifts or lowers matches.
    #[arg(long, value_name = "COUNTRY")]
    country: Option<String>,
    /// Show why each match matched (word pairs, adjustments, the entry's identifiers).
    #[arg(long)]
    explain: bool,
    /// The names are people's: vessels and aircraft are not matched.
    #[arg(long)]
    person: bool,
    /// Matches shown per query at most.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Compare two loads of the lists: OLD and NEW are list files or folders. Prints
    /// the entries added, removed and changed; with --db, the stored subjects that match
    /// the new lists and did not match the old.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["names", "file", "lists"])]
    diff: Vec<PathBuf>,
    /// The database of earlier scans (`bonafide scan --db`: a SQLite file or
    /// postgres://...) whose subjects --diff screens.
    #[arg(long, value_name = "FILE|URL", requires = "diff")]
    db: Option<PathBuf>,
}

fn load(paths: &[PathBuf], cfg: &ScreeningConfig) -> Result<LoadedLists> {
    let loaded = bonafide_engine::lists::load(paths, cfg)?;
    if !loaded.problems.is_empty() {
        eprintln!("warning: {} list record(s) could not be used:", loaded.problems.len());
        for p in loaded.problems.iter().take(10) {
            eprintln!("  {p}");
        }
        if loaded.problems.len() > 10 {
            eprintln!("  ... and {} more", loaded.problems.len() - 10);
        }
    }
    Ok(loaded)
}

/// What a query string is, besides a name.
fn identifier_kind(q: &str) -> Option<(IdKind, String)> {
    let q = q.trim();
    if q.contains(char::is_whitespace) {
        return None;
    }
    if q.contains('@') {
        return normalise_email(q).map(|e| (IdKind::Email, e));
    }
    if q.contains('.') {
        return normalise_domain(q).map(|d| (IdKind::Domain, d));
    }
    if q.len() >= 25 && q.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') {
        return normalise_wallet(q).map(|w| (IdKind::Wallet, w));
    }
    None
}

fn screen_one(s: &Screening, q: &Query, min: f64) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    if let Some((kind, value)) = identifier_kind(&q.name) {
        out.extend(s.identifier(kind, &value));
        if kind == IdKind::Email
            && let Some(d) = normalise_domain(&value)
        {
            out.extend(s.identifier(IdKind::Domain, &d));
        }
    }
    for m in s.screen(q, Some(min)) {
        if !out.iter().any(|x| x.entry == m.entry) {
            out.push(m);
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
    out
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One match as DATA_CONTRACT.md prints it, fields in its order; `--explain` adds more.
#[derive(serde::Serialize)]
struct MatchOut<'a> {
    list: &'static str,
    entry_id: &'a str,
    name: &'a str,
    score: f64,
    program: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    explain: Option<Value>,
}

#[derive(serde::Serialize)]
struct QueryOut<'a> {
    query: &'a str,
    matches: Vec<MatchOut<'a>>,
}

fn match_out<'a>(e: &'a Entry, m: &Match, explain: bool) -> MatchOut<'a> {
    MatchOut {
        list: e.list_kind().name(),
        entry_id: &e.id,
        name: &e.name,
        score: round(m.score),
        program: e.program(),
        explain: explain.then(|| {
            json!({
                "matched_name": m.matched_name,
                "name_score": round(m.name_score),
                "pairs": m.pairs,
                "adjustments": m.adjustments,
                "identifier": m.identifier.as_ref().map(|(k, v)| json!({"kind": k.name(), "value": v})),
                "kind": e.kind,
                "north_korea": e.dprk,
                "source": format!("{}:{}", e.source, e.line),
            })
        }),
    }
}

/// The entry kind as the output names it (`person`, `vessel`, ...).
fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Person => "person",
        EntryKind::Organisation => "organisation",
        EntryKind::Vessel => "vessel",
        EntryKind::Aircraft => "aircraft",
        EntryKind::Identifier => "identifier",
    }
}

fn print_human(
    out: &mut impl Write,
    s: &Screening,
    query: &str,
    matches: &[Match],
    explain: bool,
    no_list: bool,
) -> Result<()> {
    if matches.is_empty() {
        // With nothing loaded, "no match" would read as a clean result; say why instead.
        let caveat =
            if no_list { " (no sanctions list given: only built-in published identifiers were screened)" } else { "" };
        writeln!(out, "{query}: no match{caveat}")?;
        return Ok(());
    }
    writeln!(out, "{query}:")?;
    for m in matches {
        let Some(e) = s.entry(m.entry) else { continue };
        let program = if e.programs.is_empty() { String::new() } else { format!("  [{}]", e.program()) };
        let via = if m.identifier.is_some() {
            " (exact identifier)".to_string()
        } else if m.alias {
            format!(" (as {})", m.matched_name)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {:.2}  {} {}  {} ({}){via}{program}",
            m.score,
            e.list_kind().name(),
            e.id,
            e.name,
            kind_name(e.kind)
        )?;
        if explain {
            if let Some((k, v)) = &m.identifier {
                writeln!(out, "        {} {v} is published by this entry", k.name())?;
            }
            if !m.pairs.is_empty() {
                let pairs: Vec<String> =
                    m.pairs.iter().map(|p| format!("{}={} {} {:.2}", p.query, p.list, p.how, p.similarity)).collect();
                writeln!(out, "        words: {}", pairs.join(", "))?;
            }
            if !m.unmatched_query.is_empty() || !m.unmatched_list.is_empty() {
                writeln!(
                    out,
                    "        unmatched: query [{}], list [{}]",
                    m.unmatched_query.join(" "),
                    m.unmatched_list.join(" ")
                )?;
            }
            for (why, v) in &m.adjustments {
                writeln!(out, "        {why} {v:+.2}")?;
            }
            if let Some(why) = &e.dprk {
                writeln!(out, "        North Korea: {why}")?;
            }
            writeln!(out, "        source: {}:{}", e.source, e.line)?;
        }
    }
    Ok(())
}

/// `YYYY-MM-DD`, or `YYYY-MM` or `YYYY` when only that is known (agreeing at most on
/// the year, which does not corroborate a match).
fn dob(s: &str) -> Result<Dob> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let parsed = match parts.len() {
        1 => num(0).map(|y| Dob::year(y as i32)),
        2 => num(0)
            .zip(num(1).filter(|m| (1..=12).contains(m)))
            .map(|(y, m)| Dob { month: Some(m as u8), ..Dob::year(y as i32) }),
        3 => num(0)
            .zip(num(1).filter(|m| (1..=12).contains(m)))
            .zip(num(2).filter(|d| (1..=31).contains(d)))
            .map(|((y, m), d)| Dob::date(y as i32, m as u8, d as u8)),
        _ => None,
    };
    parsed
        .filter(|d| (1800..=2200).contains(&d.year))
        .with_context(|| format!("--dob must be YYYY-MM-DD, YYYY-MM or YYYY, got {s:?}"))
}

pub fn run(config_path: Option<&PathBuf>, args: ScreenArgs) -> Result<ExitCode> {
    let config = Config::discover(config_path.map(PathBuf::as_path))?;
    if !args.diff.is_empty() {
        return run_diff(&config, &args);
    }
    let mut queries: Vec<String> = args.names.clone();
    if let Some(f) = &args.file {
        let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        queries
            .extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
    }
    if queries.is_empty() {
        bail!("nothing to screen: give names, or --file FILE, or --diff OLD NEW");
    }
    let min = args.min_score.unwrap_or(config.screening.matching.min_score);
    if !(0.0..=1.0).contains(&min) {
        bail!("--min-score must be between 0 and 1, got {min}");
    }
    let paths = if args.lists.is_empty() { config.screening.lists.clone() } else { args.lists.clone() };
    if paths.is_empty() {
        eprintln!(
            "warning: no list given (--list PATH or [screening] lists): screening against bonafide's built-in \
             published identifiers only"
        );
    }
    let loaded = load(&paths, &config.screening)?;
    let s = &loaded.screening;
    let base = Query {
        dob: args.dob.as_deref().map(dob).transpose()?,
        countries: match &args.country {
            Some(c) => vec![Places::builtin().country(c).with_context(|| format!("unknown country {c:?}"))?],
            None => Vec::new(),
        },
        person: args.person,
        ..Default::default()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for q in &queries {
        let mut matches = screen_one(s, &Query { name: q.clone(), ..base.clone() }, min);
        matches.truncate(args.top);
        if args.json {
            let list = matches.iter().filter_map(|m| s.entry(m.entry).map(|e| match_out(e, m, args.explain))).collect();
            writeln!(out, "{}", serde_json::to_string(&QueryOut { query: q, matches: list })?)?;
        } else {
            print_human(&mut out, s, q, &matches, args.explain, paths.is_empty())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A subject's match with the new lists: (field, value, entry index, score).
type NewHit = (String, String, usize, f64);

/// A stored subject's screenable claims.
struct Known {
    id: String,
    name: String,
    queries: Vec<(String, Query)>,
}

fn known_subjects(db: &std::path::Path) -> Result<Vec<Known>> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let rows = rt
        .block_on(async {
            let store = bonafide_store::Db::open(db).await?;
            let rows = store.subjects().await;
            store.close().await;
            rows
        })
        .with_context(|| format!("reading subjects from {}", bonafide_store::db::redact(&db.display().to_string())))?;
    let mut out = Vec::new();
    for (id, claims) in rows {
        let v: Value = serde_json::from_str(&claims).with_context(|| format!("subject {id}: claims are not JSON"))?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string).filter(|s| !s.trim().is_empty());
        let name = text("name").unwrap_or_else(|| id.clone());
        let dob = text("date_of_birth").and_then(|d| dob(d.get(..10).unwrap_or(&d)).ok());
        let mut queries = vec![("name".to_string(), Query { dob, ..Query::person(name.clone()) })];
        for a in v.get("aliases").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            queries.push(("alias".into(), Query { dob, ..Query::person(a) }));
        }
        for k in ["vendor", "vendor_domain", "website"] {
            if let Some(t) = text(k) {
                queries.push((k.into(), Query::name(t)));
            }
        }
        for e in v.get("emails").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            queries.push(("email".into(), Query::name(e)));
        }
        out.push(Known { id, name, queries });
    }
    Ok(out)
}

fn entry_json(e: &Entry) -> Value {
    json!({"list": e.list_kind().name(), "entry_id": e.id, "name": e.name, "program": e.program()})
}

fn run_diff(config: &Config, args: &ScreenArgs) -> Result<ExitCode> {
    let (old_path, new_path) = (&args.diff[0], &args.diff[1]);
    // Only the lists themselves are compared: the built-in identifiers are in both.
    let cfg = ScreeningConfig { builtin_published: false, published: Vec::new(), ..config.screening.clone() };
    let old = load(std::slice::from_ref(old_path), &cfg)?;
    let new = load(std::slice::from_ref(new_path), &cfg)?;
    let (oe, ne) = (old.screening.entries(), new.screening.entries());
    let d = diff(oe, ne);
    let min = args.min_score.unwrap_or(config.screening.matching.min_score);
    let mut now: Vec<(String, String, Vec<NewHit>)> = Vec::new();
    if let Some(db) = &args.db {
        for k in known_subjects(db)? {
            let mut hits: Vec<NewHit> = Vec::new();
            for (field, q) in &k.queries {
                let before: Vec<String> = screen_one(&old.screening, q, min)
                    .iter()
                    .filter_map(|m| oe.get(m.entry).map(|e| format!("{}:{}", e.list_kind().name(), e.id)))
                    .collect();
                for m in screen_one(&new.screening, q, min) {
                    let Some(e) = ne.get(m.entry) else { continue };
                    let key = format!("{}:{}", e.list_kind().name(), e.id);
                    if !before.contains(&key) && !hits.iter().any(|h| h.2 == m.entry) {
                        hits.push((field.clone(), q.name.clone(), m.entry, m.score));
                    }
                }
            }
            if !hits.is_empty() {
                now.push((k.id, k.name, hits));
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let doc = json!({
            "old": {"path": old_path.display().to_string(), "entries": oe.len()},
            "new": {"path": new_path.display().to_string(), "entries": ne.len()},
            "added": d.added.iter().map(|&i| entry_json(&ne[i])).collect::<Vec<_>>(),
            "removed": d.removed.iter().map(|&i| entry_json(&oe[i])).collect::<Vec<_>>(),
            "changed": d.changed.iter().map(|(_, n, what)| {
                let mut v = entry_json(&ne[*n]);
                if let Value::Object(o) = &mut v { o.insert("changed".into(), json!(what)); }
                v
            }).collect::<Vec<_>>(),
            "now_matching": now.iter().map(|(id, name, hits)| json!({
                "subject_id": id,
                "name": name,
                "matches": hits.iter().map(|(field, value, e, score)| {
                    let mut v = entry_json(&ne[*e]);
                    if let Value::Object(o) = &mut v {
                        o.insert("field".into(), json!(field));
                        o.insert("value".into(), json!(value));
                        o.insert("score".into(), json!(round(*score)));
                    }
                    v
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{doc}")?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} ({} entries) -> {} ({} entries): {} added, {} removed, {} changed",
        old_path.display(),
        oe.len(),
        new_path.display(),
        ne.len(),
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    )?;
    let show = |out: &mut std::io::BufWriter<std::io::StdoutLock<'_>>,
                label: &str,
                items: Vec<(&Entry, String)>|
     -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{label}:")?;
        for (e, extra) in items.iter().take(args.top.max(50)) {
            let nk = if e.dprk.is_some() { "  (North Korea)" } else { "" };
            writeln!(out, "  {} {}  {}  [{}]{extra}{nk}", e.list_kind().name(), e.id, e.name, e.program())?;
        }
        if items.len() > args.top.max(50) {
            writeln!(out, "  ... and {} more (--json lists all)", items.len() - args.top.max(50))?;
        }
        Ok(())
    };
    show(&mut out, "added", d.added.iter().map(|&i| (&ne[i], String::new())).collect())?;
    show(&mut out, "removed", d.removed.iter().map(|&i| (&oe[i], String::new())).collect())?;
    show(
        &mut out,
        "changed",
        d.changed.iter().map(|(_, n, what)| (&ne[*n], format!("  changed: {}", what.join(", ")))).collect(),
    )?;
    match &args.db {
        None => writeln!(out, "\n(add --db FILE|URL to screen the subjects of earlier scans against both)")?,
        Some(db) if now.is_empty() => writeln!(
            out,
            "\nno subject in {} matches the new lists who did not match the old",
            bonafide_store::db::redact(&db.display().to_string())
        )?,
        Some(db) => {
            writeln!(
                out,
                "\nsubjects in {} who match the new lists and did not match the old:",
                bonafide_store::db::redact(&db.display().to_string())
            )?;
            for (id, name, hits) in &now {
                writeln!(out, "  {id} {name}")?;
                for (field, value, e, score) in hits {
                    let e = &ne[*e];
                    writeln!(
                        out,
                        "    {score:.2}  {field} '{value}' ~ {} {} {}  [{}]",
                        e.list_kind().name(),
                        e.id,
                        e.name,
                        e.program()
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_that_are_identifiers() {
        assert_eq!(identifier_kind("Info@Example.com").map(|x| x.0), Some(IdKind::Email));
        assert_eq!(identifier_kind("silverstarchina.com").map(|x| x.0), Some(IdKind::Domain));
        assert_eq!(
            identifier_kind("0xB6F5EC1A0A9CD1526536D3F0426C429529471F40"),
            Some((IdKind::Wallet, "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40".into()))
        );
        assert_eq!(identifier_kind("Kim Sang Man"), None);
        assert_eq!(identifier_kind("Kim"), None);
    }
}

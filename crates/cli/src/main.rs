//! The `bonafide` command: wires the engine to its sinks.

mod bus;
mod demo;
mod eval;
mod ingest;
mod progress;
mod replay;
mod screen;
mod serve;
mod simulate;
mod worker;

/// Writes to stdout; a closed pipe (`bonafide scan ... | head`) ends the program quietly
/// instead of panicking, as Unix tools do.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

macro_rules! out {
    () => { $crate::emit("\n") };
    ($($arg:tt)*) => { $crate::emit(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use out;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use bonafide_core::{Catalog, IpKind};
use bonafide_engine::{Config, ScanError, ScanRequest};
use bonafide_ingest::{ColumnMap, Format};
use bonafide_intel::Keyring;
use clap::{Parser, Subcommand};

/// Tells an employer or a hiring platform which remote workers are not who, or not
/// where, they claim to be.
#[derive(Parser)]
#[command(name = "bonafide", version, about, long_about = None)]
struct Cli {
    /// Configuration file; every command refuses one that does not exist (default:
    /// ./bonafide.toml when present, else the built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read files and folders, find red flags, score subjects, write the report.
    Scan(ScanArgs),
    /// List the indicator catalog.
    Indicators {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the annotated default configuration (the configuration reference), or
    /// check a configuration file.
    Config {
        /// Check this file instead of printing the defaults.
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
    },
    /// List the input formats bonafide recognises and whether this version reads them.
    Formats,
    /// Screen names, emails, domains or wallet addresses against sanctions lists and
    /// published identifiers; or show what a newer list changes (--diff).
    Screen(screen::ScreenArgs),
    /// Serve the web UI and the REST API over a database: ingest, queue, cases.
    Serve(serve::ServeArgs),
    /// Manage the users of `bonafide serve`.
    #[command(subcommand)]
    User(serve::UserCommand),
    /// Publish the events of files to NATS JetStream, partitioned by account (scale-out).
    Ingest(ingest::IngestArgs),
    /// Consume partitions of the event stream into the shared PostgreSQL store (scale-out).
    Worker(worker::WorkerArgs),
    /// Create or upgrade a database's schema (a SQLite file or a postgres:// URL).
    Migrate {
        /// The database: a file or postgres://...
        #[arg(long, value_name = "FILE|URL")]
        db: PathBuf,
    },
    /// Write a synthetic organisation with known answers (truth.json) in every input format.
    Simulate(simulate::SimulateArgs),
    /// Measure a report against a simulated organisation's truth.json; writes eval.json.
    Eval(eval::EvalArgs),
    /// Simulate ~500 people, scan them, show the ranking and the evaluation, write the report.
    Demo(demo::DemoArgs),
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files and folders to read (folders are walked).
    #[arg(required_unless_present = "from_db", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also replay the events workers stored in this PostgreSQL database (scale-out
    /// finalize step; give the reference files — people, accounts, intel — as PATHs).
    #[arg(long, value_name = "URL")]
    from_db: Option<String>,
    /// Write report.json and index.html here.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also store the run in this SQLite database (created if missing) or postgres:// URL.
    #[arg(long, value_name = "FILE|URL")]
    db: Option<PathBuf>,
    /// Rename columns of your CSV exports onto bonafide's (TOML, one table per format).
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// Read PATH as format NAME whatever its content (e.g. okta=export.txt).
    #[arg(long = "format", value_name = "NAME=PATH")]
    formats: Vec<String>,
    /// A bare list of IPs, CIDRs or AS numbers and what it lists (e.g. vpn=vpn.txt).
    #[arg(long = "ip-list", value_name = "KIND=FILE")]
    ip_lists: Vec<String>,
    /// Fail (exit 2) when any record is quarantined.
    #[arg(long)]
    strict: bool,
    /// The fingerprint key file (default: see `bonafide config`).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Subjects listed in the terminal table.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// No terminal table.
    #[arg(long, short)]
    quiet: bool,
}

/// Splits `KEY=PATH`; `form` is how the option's help writes it (`NAME=PATH`,
/// `KIND=FILE`), so that the error repeats what the help and README say.
fn split_pair(s: &str, what: &str, form: &str) -> Result<(String, PathBuf)> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => Ok((k.trim().to_string(), PathBuf::from(v))),
        _ => bail!("{what} must look like {form}, got {s:?}"),
    }
}

fn scan(config_path: Option<&PathBuf>, args: ScanArgs) -> Result<ExitCode> {
    let config = Config::discover(config_path.map(PathBuf::as_path))?;
    let column_map = match &args.map {
        Some(p) => ColumnMap::load(p)?,
        None => ColumnMap::default(),
    };
    let mut forced = Vec::new();
    for f in &args.formats {
        let (name, path) = split_pair(f, "--format", "NAME=PATH")?;
        let format = Format::from_name(&name).with_context(|| {
            let names: Vec<&str> = Format::all().iter().map(|f| f.name()).collect();
            format!("unknown format {name:?}; known: {}", names.join(", "))
        })?;
        forced.push((format, path));
    }
    let mut ip_lists = Vec::new();
    for l in &args.ip_lists {
        let (kind, path) = split_pair(l, "--ip-list", "KIND=FILE")?;
        let kind = IpKind::parse(&kind).with_context(|| {
            format!("unknown network kind {kind:?}; use vpn, proxy, tor, hosting, mobile, residential or corporate")
        })?;
        ip_lists.push((kind, path));
    }
    // Paths the user named that do not exist are most likely typos: say so where `-q`
    // does not hide it. The scan goes on with the rest (the contract's exit codes), and
    // `--strict` makes it a failure.
    let missing: Vec<String> = args
        .paths
        .iter()
        .chain(request_paths(&forced))
        .chain(request_paths(&ip_lists))
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    for m in &missing {
        eprintln!("warning: {m}: no such file or folder; it is not read");
    }
    if let Some(url) = &args.from_db
        && !bonafide_store::db::is_postgres_url(url)
    {
        bail!(
            "--from-db must be a postgres:// URL (the store `bonafide worker` commits events to), not {:?}",
            bonafide_store::db::redact(url)
        );
    }
    // The store is opened (and migrated) before the scan, so a wrong --db fails in a
    // second, not after a long scan.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = match &args.db {
        // (The store's error names the database, its password masked.)
        Some(db) => Some(rt.block_on(bonafide_store::Db::open(db))?),
        None => None,
    };
    let key_path = config.fingerprint.key_path(args.key_file.as_deref());
    let keyring = open_keyring(&key_path)?;
    let show_progress = std::io::stderr().is_terminal();
    let progress = bonafide_engine::Progress::default();
    let bar = show_progress.then(|| progress::start(progress.clone()));
    // This run's report folder, database (and SQLite's side files) and key file are
    // left out where they lie inside a scanned folder.
    let mut own_outputs: Vec<PathBuf> = args.out.iter().chain([&key_path]).cloned().collect();
    if let Some(db) = args.db.as_ref().filter(|db| !bonafide_store::db::is_postgres_url(&db.display().to_string())) {
        own_outputs.push(db.clone());
        for side in ["-wal", "-shm", "-journal"] {
            let mut name = db.clone().into_os_string();
            name.push(side);
            own_outputs.push(PathBuf::from(name));
        }
    }
    let request = ScanRequest {
        own_outputs,
        paths: args.paths.clone(),
        forced,
        ip_lists,
        strict: args.strict,
        column_map,
        keyring,
        progress: Some(progress),
    };
    let result = match &args.from_db {
        Some(url) => {
            let mut feed = replay::PgFeed::open(url).context("opening the stored events")?;
            bonafide_engine::scan_with(&config, request, Some(&mut feed))
        }
        None => bonafide_engine::scan(&config, request),
    };
    if let Some(bar) = bar {
        bar.finish();
    }
    // Under --strict a quarantine still writes the report and stores the run (where
    // the quarantined lines are listed), then exits 2.
    let (outcome, strict_failure) = match result {
        Ok(o) => (o, None),
        Err(ScanError::Strict { reasons, outcome }) => (*outcome, Some(reasons.join("; "))),
        Err(e) => return Err(e.into()),
    };
    let strict_failure = strict_failure.or_else(|| {
        (args.strict && !missing.is_empty()).then(|| format!("named path(s) not found: {}", missing.join(", ")))
    });
    // Without a people file every subject is a log identity with no claims to check
    // (no address, zone or documents), which changes what the report can say: warned
    // where `-q` does not hide it, like a missing path.
    if !outcome.inputs.iter().any(|i| i.format.as_deref() == Some("people") && i.skipped.is_none()) {
        eprintln!(
            "warning: no people file was read; subjects come only from log identities, with no claimed address, zone or documents to check"
        );
    }
    if !args.quiet {
        emit(&bonafide_report::terminal::render(&outcome, terminal_style(args.top)));
    }
    if let Some(dir) = &args.out {
        bonafide_report::write(&outcome, dir)?;
        if !args.quiet {
            out!("\nreport: {}  ·  {}", dir.join("index.html").display(), dir.join("report.json").display());
        }
    }
    if let (Some(db), Some(store)) = (&args.db, store) {
        rt.block_on(async {
            store.save_run(&outcome, &bonafide_store::Started::command("bonafide scan --db")).await?;
            store.close().await;
            Ok::<_, anyhow::Error>(())
        })
        .with_context(|| format!("storing the run in {}", shown(db)))?;
        if !args.quiet {
            out!("stored run {} in {}", outcome.run.run_id, shown(db));
        }
    }
    if args.out.is_none() && args.db.is_none() {
        // Without either, the table above is all there is; say so rather than let
        // "… more in the report" point at a report that was never written.
        eprintln!(
            "note: no --out or --db given, so nothing was written; add --out DIR for the HTML report and report.json"
        );
    }
    if let Some(why) = strict_failure {
        eprintln!("error: --strict: {why}");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The fingerprint key at `path`, created when missing. Creating one is said once,
/// on stderr even under `-q`: fingerprints from another key never match these, so the
/// key must be kept (and backed up) with the database it fingerprinted.
pub(crate) fn open_keyring(path: &std::path::Path) -> Result<Keyring> {
    let existed = path.exists();
    let keyring = Keyring::load_or_create(path)?;
    if !existed {
        eprintln!(
            "created fingerprint key {}; keep it with your reports and database (another key gives other fingerprints)",
            path.display()
        );
    }
    Ok(keyring)
}

/// The paths of `--format` / `--ip-list` pairs.
fn request_paths<T>(pairs: &[(T, PathBuf)]) -> impl Iterator<Item = &PathBuf> {
    pairs.iter().map(|(_, p)| p)
}

/// A `--db` argument for messages: a URL without its password.
fn shown(db: &std::path::Path) -> String {
    bonafide_store::db::redact(&db.display().to_string())
}

pub(crate) fn terminal_style(top: usize) -> bonafide_report::terminal::Style {
    bonafide_report::terminal::Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        top,
    }
}

/// The catalog, each indicator marked with whether this version detects it: the
/// catalog describes more than the detectors raise yet.
fn indicators(json: bool) -> Result<()> {
    let c = Catalog::builtin();
    if json {
        out!("{}", serde_json::to_string_pretty(&bonafide_engine::catalog_json())?);
        return Ok(());
    }
    let detected = bonafide_engine::detected_indicators();
    let mut family = String::new();
    for i in &c.indicators {
        if i.family != family {
            family.clone_from(&i.family);
            out!("\n{} · {}", i.family, c.family_name(&i.family));
        }
        let mark = if detected.contains(i.id.as_str()) { "detected" } else { "not yet " };
        out!("  {:<4} {}  {mark}  {}  [{}]", i.id, i.tier, i.title, i.sources.join(", "));
    }
    let n = c.indicators.iter().filter(|i| detected.contains(i.id.as_str())).count();
    out!(
        "\nDetected by this version: {n} of {}; \"not yet\" ones are described but no detector raises them.",
        c.indicators.len()
    );
    out!("\nTiers: T1 hard fact (opens a case), T2 strong correlate, T3 soft signal. Sources:");
    for (k, v) in &c.sources {
        out!("  {k:<6} {v}");
    }
    Ok(())
}

fn formats() {
    out!("{:<24} {:<10} {:<6} recognised by", "format", "role", "reads");
    for f in Format::all() {
        out!(
            "{:<24} {:<10} {:<6} {}",
            f.name(),
            format!("{:?}", f.role()).to_lowercase(),
            if f.supported() { "yes" } else { "no" },
            f.recognised_by().map_or_else(|| "content (keys, layout)".to_string(), |c| format!("header: {c}"))
        );
    }
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    // Every command takes --config, and most do not read it (indicators, formats, user,
    // ...): without this a mistyped path would pass unnoticed there, and the same
    // command line would fail only once it reached a command that reads it.
    if let Some(p) = &cli.config
        && !p.is_file()
    {
        let why = if p.exists() { "is not a file" } else { "does not exist" };
        bail!(
            "--config {}: {why}; give an existing configuration file, or leave --config out for ./bonafide.toml or the defaults (`bonafide config` prints them)",
            p.display()
        );
    }
    let org = match &cli.command {
        Command::Simulate(a) => Some(("simulate", &a.org)),
        Command::Demo(a) => Some(("demo", &a.org)),
        _ => None,
    };
    if let Some((name, org)) = org
        && let Err(e) = org.check(name)
    {
        e.exit();
    }
    match cli.command {
        Command::Scan(args) => scan(cli.config.as_ref(), args),
        Command::Indicators { json } => indicators(json).map(|_| ExitCode::SUCCESS),
        Command::Config { check } => {
            match check.or(cli.config) {
                Some(p) => {
                    Config::load(&p)?;
                    out!("{}: valid", p.display());
                }
                None => emit(bonafide_engine::config::REFERENCE),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Screen(args) => screen::run(cli.config.as_ref(), args),
        Command::Serve(args) => serve::serve(cli.config.as_ref(), args),
        Command::User(cmd) => serve::user(cmd),
        Command::Ingest(args) => ingest::run(cli.config.as_ref(), args),
        Command::Worker(args) => worker::run(args),
        Command::Migrate { db } => {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(async {
                let store = bonafide_store::Db::open(&db).await?;
                store.close().await;
                Ok::<_, anyhow::Error>(())
            })
            .with_context(|| format!("migrating {}", shown(&db)))?;
            out!("{}: schema up to date", shown(&db));
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate(args) => simulate::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Formats => {
            formats();
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BONAFIDE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each said once: many library errors print
/// their source inside their own message as well, which `{:#}` then repeats. A cause
/// that commonly puzzles gets a hint.
fn describe(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    const HINTS: &[(&str, &str)] = &[
        ("unable to open database file", "does the database's folder exist, and may bonafide write there?"),
        ("Connection refused", "is the server running and listening at that address?"),
        ("failed to lookup address", "is the host name right?"),
        ("pool timed out", "is the database server reachable from here?"),
    ];
    for (needle, hint) in HINTS {
        if out.contains(needle) {
            out.push_str(&format!(" ({hint})"));
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every option and argument of every command says what it is in `--help`, and no
    /// `--db` claims to take only a file: every one of them opens a SQLite file or a
    /// PostgreSQL URL (the worker's takes only the URL).
    #[test]
    fn every_argument_is_described_and_every_db_takes_a_url() {
        fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    problems.push(format!("{path} --{id} has no description"));
                }
                let names: Vec<String> =
                    arg.get_value_names().unwrap_or_default().iter().map(ToString::to_string).collect();
                if id == "db" && !names.iter().any(|n| n.contains("URL")) {
                    problems.push(format!("{path} --db says {names:?}, not FILE|URL"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), problems);
            }
        }
        let mut problems = Vec::new();
        walk(&Cli::command(), "bonafide", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

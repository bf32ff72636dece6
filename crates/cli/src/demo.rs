//! `bonafide demo`: simulate an organisation of about 500 people, scan it, show the
//! ranked summary and how well detection did, write the HTML report; then store the run
//! in a SQLite database under the demo folder, create a demo admin with a random password
//! (printed once) and serve the web UI on it until Ctrl-C (`--no-serve` stops before).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use bonafide_engine::{Config, ScanRequest};
use bonafide_sim::{eval, org};

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where the organisation and the report go.
    #[arg(long, value_name = "DIR", default_value = "demo")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub org: crate::simulate::OrgArgs,
    /// Subjects listed in the terminal table.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Where the web UI listens at the end.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Store the run and create the demo user, but do not start the web UI.
    #[arg(long)]
    pub no_serve: bool,
}

/// `want` if it can be listened on now (port 0: the free port the system picks).
fn free_address(want: SocketAddr) -> Result<SocketAddr> {
    match std::net::TcpListener::bind(want).and_then(|l| l.local_addr()) {
        Ok(addr) => Ok(addr),
        Err(e) => anyhow::bail!(
            "cannot listen on {want}: {e}; choose another with --listen (127.0.0.1:0 picks a free port) or use --no-serve"
        ),
    }
}

/// The demo's web UI user (an admin; its password is random and printed once).
pub const DEMO_USER: &str = "demo";

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    // The port is tried first: a busy one should fail in a second, before the
    // simulation, the scan and a new demo password, not after them.
    let listen = if args.no_serve { args.listen } else { free_address(args.listen)? };
    let org_dir = args.dir.join("org");
    let report_dir = args.dir.join("report");
    let params = args.org.params();
    if org_dir.exists() {
        // Only ever clear an organisation this command wrote.
        if !org_dir.join("truth.json").is_file() {
            anyhow::bail!("{} exists and is not a simulated organisation; choose another --dir", org_dir.display());
        }
        std::fs::remove_dir_all(&org_dir).with_context(|| format!("clearing {}", org_dir.display()))?;
    }
    let s = org::simulate(&params, &org_dir).with_context(|| format!("writing {}", org_dir.display()))?;
    crate::out!(
        "simulated {} people ({} operatives, {} laptop farms) over {} days: {} sign-ins, {} commits, {} osquery lines  [{:.1} s]",
        s.people,
        s.operatives,
        s.farms,
        s.days,
        s.events,
        s.commits,
        s.osquery_lines,
        started.elapsed().as_secs_f64()
    );
    let config = Config::load(&org_dir.join("bonafide.toml"))?;
    // The demo's own key, kept beside its database: the scan and the web UI's uploads
    // must fingerprint identifiers alike, or nothing uploaded would link to the scan.
    let key_file = args.dir.join("secret.key");
    let keyring = bonafide_intel::Keyring::load_or_create(&key_file)
        .with_context(|| format!("fingerprint key {}", key_file.display()))?;
    let request = ScanRequest::new(vec![org_dir.join(org::DATA)], keyring);
    let outcome = bonafide_engine::scan(&config, request)?;
    crate::emit(&bonafide_report::terminal::render(&outcome, crate::terminal_style(args.top)));
    bonafide_report::write(&outcome, &report_dir)?;
    let (e, _) = crate::eval::evaluate_into(&org_dir.join("truth.json"), &report_dir)?;
    crate::out!("\n{}", eval::line(&e));
    crate::out!(
        "report: {}  ·  answers: {}  ·  details: bonafide eval --truth {} {}",
        report_dir.join("index.html").display(),
        org_dir.join("truth.json").display(),
        org_dir.join("truth.json").display(),
        report_dir.display()
    );
    let db = args.dir.join("bonafide.db");
    let password = store(&db, &outcome).with_context(|| format!("storing the run in {}", db.display()))?;
    crate::out!("done in {:.1} s", started.elapsed().as_secs_f64());
    if args.no_serve {
        crate::out!(
            "database: {}  ·  web UI: bonafide serve --db {} --key-file {}  ·  sign in as {DEMO_USER} / {password}",
            db.display(),
            db.display(),
            key_file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    crate::out!("\nweb UI: http://{listen}/  ·  sign in as {DEMO_USER} / {password}  (shown once; Ctrl-C stops)");
    let mut serve = bonafide_serve::ServeConfig::new(db, listen);
    serve.engine = config;
    serve.key_file = Some(key_file);
    crate::serve::runtime()?.block_on(bonafide_serve::run(serve))?;
    Ok(ExitCode::SUCCESS)
}

/// Saves the run in `db` (created if missing; earlier demo runs stay) and (re)creates the
/// demo admin with a fresh random password, which it returns: it is stored only as a hash.
fn store(db: &Path, outcome: &bonafide_engine::ScanOutcome) -> Result<String> {
    // 80 random bits as 20 hex characters: enough for a local demo, short enough to type.
    let mut password = bonafide_serve::auth::random_token()?;
    password.truncate(20);
    crate::serve::runtime()?.block_on(async {
        let (store, pool) = bonafide_store::Db::open_with_pool(db).await?;
        store.save_run(outcome, &bonafide_store::Started::command("bonafide demo")).await?;
        bonafide_serve::users::add_user(&pool, "demo", DEMO_USER, bonafide_serve::Role::Admin, &password).await?;
        pool.close().await;
        store.close().await;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(password)
}

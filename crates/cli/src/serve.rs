//! `bonafide serve` and `bonafide user`: thin wrappers over `bonafide-serve`.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use bonafide_engine::Config;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The database: a SQLite file (created if missing) or a `postgres://` URL that
    /// several `serve` processes can share; `bonafide scan --db` writes the same.
    #[arg(long, value_name = "FILE|URL", default_value = "bonafide.db")]
    db: PathBuf,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Poll this folder for new or changed input files and re-scan (repeatable).
    #[arg(long, value_name = "DIR")]
    watch: Vec<PathBuf>,
    /// Keep uploads and pushes here (default: FILE.inbox next to the database).
    #[arg(long, value_name = "DIR")]
    inbox: Option<PathBuf>,
    /// The fingerprint key file (default: see `bonafide config`).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Mark the session cookie Secure even on loopback (default: only off loopback).
    #[arg(long)]
    secure_cookies: bool,
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a user, or reset an existing user's password and role (which enables the
    /// user again and ends all their sessions and API tokens).
    Add {
        /// The database `bonafide serve` runs on: a SQLite file or postgres://...
        #[arg(long, value_name = "FILE|URL", default_value = "bonafide.db")]
        db: PathBuf,
        /// The user's sign-in name.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// viewer, analyst or admin.
        #[arg(long, default_value = "viewer", value_parser = ["viewer", "analyst", "admin"])]
        role: String,
        /// Read the password from this file's first line (default: standard input).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// List users.
    List {
        /// The database `bonafide serve` runs on: a SQLite file or postgres://...
        #[arg(long, value_name = "FILE|URL", default_value = "bonafide.db")]
        db: PathBuf,
    },
    /// Disable a user: sign-in is refused and their sessions and API tokens end now
    /// (`user add` with a new password enables them again).
    Disable {
        /// The database `bonafide serve` runs on: a SQLite file or postgres://...
        #[arg(long, value_name = "FILE|URL", default_value = "bonafide.db")]
        db: PathBuf,
        /// The user's name.
        name: String,
    },
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}

pub fn serve(config_path: Option<&PathBuf>, args: ServeArgs) -> Result<ExitCode> {
    let mut config = bonafide_serve::ServeConfig::new(args.db, args.listen);
    config.engine = Config::discover(config_path.map(PathBuf::as_path))?;
    config.watch = args.watch;
    config.inbox = args.inbox;
    config.key_file = args.key_file;
    if args.secure_cookies {
        config.secure_cookies = Some(true);
    }
    runtime()?.block_on(bonafide_serve::run(config))?;
    Ok(ExitCode::SUCCESS)
}

fn read_password(file: Option<&PathBuf>) -> Result<String> {
    let text = match file {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading the password from standard input")?;
            s
        }
    };
    let pw = text.lines().next().unwrap_or("").trim_end_matches('\r').to_string();
    if pw.is_empty() {
        bail!("no password given (pipe it on standard input or use --password-file)");
    }
    Ok(pw)
}

/// The serve tables of `db` (a SQLite file or a PostgreSQL URL), migrated first.
async fn serve_pool(db: &std::path::Path) -> Result<sqlx::AnyPool> {
    let (store, pool) = bonafide_store::Db::open_with_pool(db).await?;
    store.close().await;
    Ok(pool)
}

/// Listing or disabling users of a SQLite file that does not exist would create an
/// empty database and report nothing: a mistyped path. (`user add` creates it.)
fn existing(db: &std::path::Path) -> Result<()> {
    if !bonafide_store::db::is_postgres_url(&db.to_string_lossy()) && !db.exists() {
        bail!("no database at {} (`bonafide user add` creates one)", db.display());
    }
    Ok(())
}

pub fn user(cmd: UserCommand) -> Result<ExitCode> {
    let rt = runtime()?;
    match cmd {
        UserCommand::Add { db, name, role, password_file } => {
            let role = bonafide_serve::Role::parse(&role).context("--role must be viewer, analyst or admin")?;
            let password = read_password(password_file.as_ref())?;
            let saved = rt.block_on(async {
                let pool = serve_pool(&db).await?;
                let saved = bonafide_serve::users::add_user(&pool, "cli", &name, role, &password).await;
                pool.close().await;
                Ok::<_, anyhow::Error>(saved?)
            })?;
            let revoked = if saved.reset { format!(" (password reset: {})", saved.revoked) } else { String::new() };
            crate::emit(&format!(
                "user {name} saved as {} in {}{revoked}\n",
                role.as_str(),
                bonafide_store::db::redact(&db.to_string_lossy())
            ));
        }
        UserCommand::Disable { db, name } => {
            existing(&db)?;
            let revoked = rt.block_on(async {
                let pool = serve_pool(&db).await?;
                let revoked = bonafide_serve::users::disable_user(&pool, "cli", &name).await;
                pool.close().await;
                Ok::<_, anyhow::Error>(revoked?)
            })?;
            let Some(revoked) = revoked else {
                bail!("no user {name:?} in {}", bonafide_store::db::redact(&db.to_string_lossy()));
            };
            crate::emit(&format!("user {name} disabled: {revoked}\n"));
        }
        UserCommand::List { db } => {
            existing(&db)?;
            let users = rt.block_on(async {
                let pool = serve_pool(&db).await?;
                let u = bonafide_serve::users::list(&pool).await?;
                pool.close().await;
                Ok::<_, anyhow::Error>(u)
            })?;
            crate::emit(&format!("{:<24} {:<8} {}\n", "NAME", "ROLE", "CREATED (UTC)"));
            for u in users {
                let disabled = if u.disabled { "  disabled" } else { "" };
                crate::emit(&format!("{:<24} {:<8} {}{disabled}\n", u.name, u.role.as_str(), u.created_at));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

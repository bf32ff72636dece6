//! `bonafide simulate`: writes a synthetic organisation with known answers.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use bonafide_sim::org::{self, Params};

/// The organisation to simulate (shared by `simulate` and `demo`). Numbers that cannot
/// make the organisation asked for are refused (exit 2), never adjusted: ranges here,
/// and the checks across options by [`OrgArgs::check`].
#[derive(clap::Args)]
pub struct OrgArgs {
    /// People the organisation knows (applicants, employees, contractors); at least 1.
    #[arg(long, default_value_t = 500, value_parser = at_least_one::<usize>)]
    pub people: usize,
    /// How many of them are operatives of the scheme; at most --people.
    #[arg(long, default_value_t = 12)]
    pub operatives: usize,
    /// Laptop farms the operatives' laptops are spread over; each takes two operatives.
    #[arg(long, default_value_t = 2)]
    pub farms: usize,
    /// Days of logs, from Monday 2 June 2025; at least 1.
    #[arg(long, default_value_t = 42, value_parser = at_least_one::<i64>)]
    pub days: i64,
    /// The same seed writes the same organisation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// A number of at least one, for clap (its own range parser names the type's maximum
/// in the message: "0 is not in 1..18446744073709551615").
fn at_least_one<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
    T::Err: std::fmt::Display,
{
    let n: T = s.trim().parse().map_err(|e: T::Err| e.to_string())?;
    if n < T::from(1) {
        return Err("must be at least 1".into());
    }
    Ok(n)
}

#[derive(clap::Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    /// Write here (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl OrgArgs {
    /// The checks across options (operatives among the people, two operatives a farm),
    /// as a usage error of `command` (`simulate` or `demo`): exit 2, before anything is
    /// written.
    pub fn check(&self, command: &str) -> Result<(), clap::Error> {
        self.params().check().map_err(|message| {
            let mut cli = <crate::Cli as clap::CommandFactory>::command();
            cli.build();
            match cli.find_subcommand_mut(command) {
                Some(sub) => sub.error(clap::error::ErrorKind::ArgumentConflict, message),
                None => cli.error(clap::error::ErrorKind::ArgumentConflict, message),
            }
        })
    }

    pub fn params(&self) -> Params {
        Params {
            people: self.people,
            operatives: self.operatives,
            farms: self.farms,
            days: self.days,
            seed: self.seed,
            neutral_names: false,
        }
    }
}

pub fn run(args: SimulateArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let s = org::simulate(&args.org.params(), &args.out).with_context(|| format!("writing {}", args.out.display()))?;
    let secs = started.elapsed().as_secs_f64();
    crate::out!(
        "wrote {}: {} people ({} operatives, {} farms), {} days: {} sign-in events, {} commits, {} activity rows, {} osquery lines; {} files, {:.1} MB in {:.1} s ({:.0} people/s)",
        args.out.display(),
        s.people,
        s.operatives,
        s.farms,
        s.days,
        s.events,
        s.commits,
        s.activity,
        s.osquery_lines,
        s.files,
        s.bytes as f64 / 1e6,
        secs,
        s.people as f64 / secs.max(1e-9)
    );
    crate::out!("answers: {}", args.out.join("truth.json").display());
    Ok(ExitCode::SUCCESS)
}

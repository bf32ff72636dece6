//! `bonafide simulate`: writes a synthetic organisation with known answers.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use bonafide_sim::org::{self, Params};

/// The organisation to simulate (shared by `simulate` and `demo`).
#[derive(clap::Args)]
pub struct OrgArgs {
    /// People the organisation knows (applicants, employees, contractors).
    #[arg(long, default_value_t = 500)]
    pub people: usize,
    /// How many of them are operatives of the scheme.
    #[arg(long, default_value_t = 12)]
    pub operatives: usize,
    /// Laptop farms the operatives' laptops are spread over.
    #[arg(long, default_value_t = 2)]
    pub farms: usize,
    /// Days of logs, from Monday 2 June 2025.
    #[arg(long, default_value_t = 42)]
    pub days: i64,
    /// The same seed writes the same organisation.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
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

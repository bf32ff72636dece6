//! `bonafide eval`: measures a report against a simulated organisation's answers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use bonafide_sim::eval;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The simulator's truth.json.
    #[arg(long, value_name = "FILE")]
    pub truth: PathBuf,
    /// The scan's output folder (holding report.json); eval.json is written there.
    #[arg(value_name = "REPORT_DIR")]
    pub report_dir: PathBuf,
    /// Print only the one-line verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Evaluates the report in `report_dir` against `truth` and writes `eval.json` beside it.
pub fn evaluate_into(truth: &Path, report_dir: &Path) -> Result<(eval::Eval, PathBuf)> {
    let truth = eval::load_truth(truth)?;
    let report = eval::load_report(&report_dir.join("report.json"))?;
    let e = eval::evaluate(&truth, &report);
    let path = report_dir.join("eval.json");
    std::fs::write(&path, serde_json::to_string_pretty(&e)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok((e, path))
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let (e, path) = evaluate_into(&args.truth, &args.report_dir)?;
    if args.quiet {
        crate::out!("{}", eval::line(&e));
    } else {
        crate::emit(&eval::render(&e));
        crate::out!("\nwritten: {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

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
    /// The scan's output folder (holding report.json), or its report.json; eval.json is
    /// written beside report.json.
    #[arg(value_name = "REPORT_DIR")]
    pub report_dir: PathBuf,
    /// Print only the one-line verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Evaluates the report in `report_dir` (a scan's output folder, or its report.json
/// itself: the path a user copies from the scan's last line) against `truth` and writes
/// `eval.json` beside it. A report of another organisation is refused rather than
/// measured.
pub fn evaluate_into(truth_path: &Path, report_dir: &Path) -> Result<(eval::Eval, PathBuf)> {
    let (report_path, dir) = if report_dir.is_file() {
        (report_dir.to_path_buf(), report_dir.parent().unwrap_or(Path::new(".")).to_path_buf())
    } else {
        (report_dir.join("report.json"), report_dir.to_path_buf())
    };
    let truth = eval::load_truth(truth_path)?;
    let report = eval::load_report(&report_path)?;
    eval::same_organisation(&truth, &report)
        .with_context(|| format!("evaluating {} against {}", report_path.display(), truth_path.display()))?;
    let e = eval::evaluate(&truth, &report);
    let path = dir.join("eval.json");
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

//! Sinks that present a scan: `report.json` (the data contract), `index.html` (for
//! people) and the terminal summary.

pub mod html;
pub mod json;
pub mod present;
pub mod svg;
pub mod terminal;

use std::path::Path;

use bonafide_engine::ScanOutcome;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot render the report: {0}")]
    Render(String),
}

/// Writes `report.json` and `index.html` into `dir` (created if needed). Each file is
/// written to a temporary name and renamed, so a reader never sees half a report.
pub fn write(o: &ScanOutcome, dir: &Path) -> Result<(), ReportError> {
    let err = |path: &Path| {
        let path = path.display().to_string();
        move |source| ReportError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let json = json::to_string(o).map_err(|e| ReportError::Render(e.to_string()))?;
    let html = html::render(o).map_err(|e| ReportError::Render(e.to_string()))?;
    for (name, body) in [("report.json", json), ("index.html", html)] {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, body).map_err(err(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(err(&path))?;
    }
    Ok(())
}

//! The terminal summary: a ranked table an analyst reads first.

use std::fmt::Write;

use bonafide_core::Band;
use bonafide_engine::ScanOutcome;

/// How to print.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Subjects shown in the table.
    pub top: usize,
}

fn paint(s: &str, band: Band, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match band {
        Band::Critical => "1;31",
        Band::High => "31",
        Band::Medium => "33",
        Band::Low => "2",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

fn clip(s: &str, width: usize) -> String {
    let count = s.chars().count();
    if count <= width {
        format!("{s:<width$}")
    } else {
        format!("{}…", s.chars().take(width - 1).collect::<String>())
    }
}

pub fn render(o: &ScanOutcome, style: Style) -> String {
    let mut out = String::new();
    let t = &o.totals;
    let _ = writeln!(
        out,
        "bonafide {} · {} file(s) read, {} skipped · {} records, {} quarantined, {} duplicates · {} events ({} attributed)",
        o.run.version, t.files_read, t.files_skipped, t.records, t.quarantined, t.duplicates, t.events, t.attributed
    );
    let mut bands = [0usize; 4];
    for s in &o.scores {
        bands[s.band as usize] += 1;
    }
    let _ = writeln!(
        out,
        "{} subjects: {} critical, {} high, {} medium, {} low{}",
        o.subjects.len(),
        bands[3],
        bands[2],
        bands[1],
        bands[0],
        if t.implicit_subjects > 0 {
            format!(" ({} from log identities not in people.csv)", t.implicit_subjects)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out);
    let ranking = o.ranking();
    // Ids are never cut: an analyst copies them into the UI, the API and `--db` queries.
    let id_width =
        ranking.iter().take(style.top).map(|i| o.subjects[i.index()].id.chars().count()).max().unwrap_or(0).max(7);
    let _ = writeln!(
        out,
        "{:>4}  {:>5}  {:>6}  {:<8}  {:<id_width$}  {:<24}  indicators (bits)",
        "rank", "score", "bits", "band", "subject", "name"
    );
    for (rank, idx) in ranking.iter().take(style.top).enumerate() {
        let s = &o.subjects[idx.index()];
        let score = &o.scores[idx.index()];
        let indicators: Vec<String> =
            score.contributions.iter().take(6).map(|c| format!("{} {:+.1}", c.indicator, c.bits)).collect();
        let band = paint(&format!("{:<8}", score.band.as_str()), score.band, style.color);
        let _ = writeln!(
            out,
            "{:>4}  {:>5}  {:>6.1}  {}  {:<id_width$}  {}  {}",
            rank + 1,
            score.score,
            score.log2_odds,
            band,
            s.id,
            clip(&s.name, 24),
            if indicators.is_empty() { "-".to_string() } else { indicators.join(", ") }
        );
    }
    if ranking.len() > style.top {
        let _ = writeln!(out, "      … {} more in the report", ranking.len() - style.top);
    }
    if !ranking.is_empty() {
        // Scores stop at 100; the bits (log2 odds) keep ordering the strongest cases.
        let _ = writeln!(
            out,
            "      bits: log2 odds of all findings (ties at score 100 are ordered by it); `A7 +8.0`: indicator A7 added 8.0 bits (`bonafide indicators` names them)"
        );
    }
    if !o.clusters.is_empty() {
        let _ = writeln!(out);
        for c in o.clusters.iter().take(10) {
            let ids: Vec<&str> =
                c.subjects.iter().filter_map(|s| o.subjects.get(s.index())).map(|s| s.id.as_str()).collect();
            let _ = writeln!(out, "cluster {} ({}): {}", c.id, c.kind, ids.join(", "));
        }
    }
    // Skipped files grouped by reason: a folder of unrecognised exports repeats one long
    // reason for every file, which is said once with the files it covers.
    let groups = bonafide_engine::outcome::not_read_by_reason(&o.inputs);
    let problems: Vec<&bonafide_engine::InputSummary> = o
        .inputs
        .iter()
        .filter(|i| i.not_read().is_none() && (i.quarantined > 0 || i.field_issues > 0 || i.error.is_some()))
        .collect();
    if !groups.is_empty() || !problems.is_empty() || !o.own_outputs_skipped.is_empty() {
        let _ = writeln!(out);
        if !o.own_outputs_skipped.is_empty() {
            let _ = writeln!(
                out,
                "not read: this run's own report, database or key inside a scanned folder ({})",
                o.own_outputs_skipped.join(", ")
            );
        }
        for (why, paths) in groups.iter().take(20) {
            match paths.as_slice() {
                [one] => {
                    let _ = writeln!(out, "skipped {one}: {why}");
                }
                _ => {
                    let _ = writeln!(out, "skipped {} files: {why}", paths.len());
                    let _ = writeln!(out, "  {}", bonafide_engine::outcome::listed(paths, 10));
                }
            }
        }
        if groups.len() > 20 {
            let _ = writeln!(out, "… and {} more reasons for skipping (see report.json)", groups.len() - 20);
        }
        for i in problems.iter().take(20) {
            let _ = writeln!(
                out,
                "{}: {} read, {} quarantined{}{}",
                i.path,
                i.records,
                i.quarantined,
                match i.field_issues {
                    0 => String::new(),
                    n => format!(", {n} kept without an unusable field"),
                },
                i.error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
            );
            // The first unusable field says what kind of export problem it is
            // (`hire_date "5/6/2019" is not a date`); the rest are in the report.
            if i.field_issues > 0
                && let Some(first) = o.field_issues.iter().find(|q| o.sources.path(q.pos.source) == i.path)
            {
                let _ = writeln!(out, "  first: {}: {}", o.sources.display(&first.pos), first.reason);
            }
        }
        if problems.len() > 20 {
            let _ = writeln!(out, "… and {} more inputs with problems (see report.json)", problems.len() - 20);
        }
    }
    out
}

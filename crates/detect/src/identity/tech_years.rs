//! A2: more years claimed with a technology than it has existed.
//!
//! Reads the "N years of TECH" claims taken from each resume at ingest and compares them
//! with the technology's first public release (`intel/data/technologies.toml`), as of
//! the application date (else the hire date, else today). `slack_years` absorbs early
//! previews and generous rounding, so only an impossible claim fires.

use bonafide_core::{Finding, UtcMs};
use bonafide_intel::tech::TechTable;

use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct TechYears;

fn year_of(t: UtcMs) -> i32 {
    i32::from(t.to_jiff().to_zoned(jiff::tz::TimeZone::UTC).year())
}

impl Detector for TechYears {
    fn name(&self) -> &'static str {
        "tech-years"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A2"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let table = TechTable::builtin();
        let slack = cx.config.a2.slack_years;
        let this_year = i32::from(jiff::Zoned::now().year());
        for r in &cx.records.documents.resumes {
            let Some(s) = cx.subject(r.subject) else { continue };
            let as_of = s.applied_date.or(s.hire_date).map(year_of).unwrap_or(this_year);
            let impossible: Vec<_> = r
                .claims
                .iter()
                .filter_map(|c| {
                    let released = table.released(&c.tech)?;
                    let existed = f64::from(as_of - released);
                    (c.years > existed + slack).then_some((c, released, existed))
                })
                .collect();
            if impossible.is_empty() {
                continue;
            }
            let parts: Vec<String> = impossible
                .iter()
                .map(|(c, released, _)| format!("{} years of {} (first released {released})", c.years, c.tech))
                .collect();
            let summary = format!("resume claims {} as of {as_of}", parts.join(", "));
            let mut f = Finding::new("A2", r.subject, cx.weight("A2"), summary);
            f.evidence = impossible
                .iter()
                .take(crate::evidence::SAMPLE)
                .map(|(c, released, existed)| {
                    subject_evidence(s)
                        .with("technology", c.tech.as_str())
                        .with("claimed_years", c.years)
                        .with("released", *released)
                        .with("years_existed", *existed)
                        .with("excerpt", c.excerpt.as_str())
                })
                .collect();
            f.evidence_total = impossible.len() as u64;
            out.push(f);
        }
    }
}

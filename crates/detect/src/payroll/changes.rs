//! G2: where pay goes keeps changing or does not fit the person.
//!
//! Four signs, each from the person's own pay changes: frequent changes
//! (`min_changes` changes after the first within `window_days`), an account holder who
//! is neither the person, their family name (a spouse's or joint account) nor, for a
//! contractor, their own company, a bank in another country than the claimed home, and
//! payout platforms (PayPal, Payoneer, Wise). One sign alone is common enough
//! (contractors abroad use Wise) to weigh `single_bits`; two or more carry the full
//! weight.

use bonafide_core::Finding;
use bonafide_core::records::PayrollChange;

use super::by_subject;
use crate::identity::consistency::holder_fits;
use crate::people::payroll_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct PayChanges;

fn note<'a>(rows: &mut Vec<&'a PayrollChange>, p: &'a PayrollChange) {
    if !rows.iter().any(|r| std::ptr::eq(*r, p)) {
        rows.push(p);
    }
}

impl Detector for PayChanges {
    fn name(&self) -> &'static str {
        "pay-changes"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["G2"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.g2;
        let window = i64::from(cfg.window_days) * bonafide_core::time::MS_PER_DAY;
        for (idx, changes) in by_subject(cx) {
            let Some(s) = cx.subject(idx) else { continue };
            let mut signs: Vec<String> = Vec::new();
            let mut rows: Vec<&PayrollChange> = Vec::new();
            // Most rows in any window, by a sliding window over the sorted times.
            let (mut best, mut best_at) = (0usize, 0usize);
            let mut lo = 0;
            for hi in 0..changes.len() {
                while changes[hi].changed_at.0 - changes[lo].changed_at.0 > window {
                    lo += 1;
                }
                if hi - lo + 1 > best {
                    best = hi - lo + 1;
                    best_at = lo;
                }
            }
            if best > cfg.min_changes {
                signs.push(format!("{} pay changes within {} days", best - 1, cfg.window_days));
                for p in &changes[best_at..best_at + best] {
                    note(&mut rows, p);
                }
            }
            if let Some(p) = changes.iter().find(|p| p.account_holder.as_deref().is_some_and(|h| !holder_fits(h, s))) {
                signs.push(format!("account held by {:?}", p.account_holder.as_deref().unwrap_or_default()));
                note(&mut rows, p);
            }
            if let Some(home) = s.home.country
                && let Some(p) = changes.iter().find(|p| p.country().is_some_and(|c| c != home))
            {
                let c = p.country().map(|c| c.as_str().to_string()).unwrap_or_default();
                signs.push(format!("bank in {c}, home in {}", home.as_str()));
                note(&mut rows, p);
            }
            if let Some(p) = changes.iter().find(|p| p.method.is_platform()) {
                let m = serde_json::to_value(p.method)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                signs.push(format!("paid through payout platform {m}"));
                note(&mut rows, p);
            }
            if signs.is_empty() {
                continue;
            }
            let weight = if signs.len() >= 2 { cx.weight("G2") } else { cfg.single_bits };
            let mut f = Finding::new("G2", idx, weight, signs.join("; "));
            for p in &rows {
                f.seen(p.changed_at);
            }
            rows.sort_by_key(|p| p.changed_at);
            f.evidence = rows.iter().take(crate::evidence::SAMPLE).map(|p| payroll_evidence(p)).collect();
            f.evidence_total = rows.len() as u64;
            out.push(f);
        }
    }
}

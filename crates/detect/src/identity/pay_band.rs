//! A12: asks for pay far below the band.
//!
//! Compares `requested_pay` with `pay_band_mid` of the same people row (one currency).
//! A ratio below `min_plausible_ratio` means the figures are in different units (an
//! hourly or monthly rate against an annual band) and says nothing.

use bonafide_core::{Finding, SubjectIdx};

use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct PayBand;

impl Detector for PayBand {
    fn name(&self) -> &'static str {
        "pay-band"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A12"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a12;
        for (i, s) in cx.subjects.iter().enumerate() {
            let (Some(req), Some(mid)) = (s.requested_pay, s.pay_band_mid) else { continue };
            if req <= 0.0 || mid <= 0.0 {
                continue;
            }
            let ratio = req / mid;
            if ratio >= cfg.max_ratio || ratio < cfg.min_plausible_ratio {
                continue;
            }
            let cur = s.currency.as_deref().unwrap_or("");
            let summary = format!(
                "asked for {req:.0} {cur} against a band midpoint of {mid:.0} {cur} ({:.0}% of it)",
                ratio * 100.0
            );
            let mut f = Finding::new("A12", SubjectIdx(i as u32), cx.weight("A12"), summary.replace("  ", " "));
            f.evidence = vec![
                subject_evidence(s)
                    .with("requested_pay", req)
                    .with("pay_band_mid", mid)
                    .with("ratio", (ratio * 100.0).round() / 100.0),
            ];
            f.evidence_total = 1;
            out.push(f);
        }
    }
}

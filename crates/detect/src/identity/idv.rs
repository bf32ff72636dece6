//! A5: the identity-verification vendor failed the person, made them resubmit, or
//! scored the face match low.
//!
//! A failure or a low face match carries the indicator's weight. A resubmission alone
//! is modest (`resubmitted_bits`): a blurred or glared photo retaken is everyday, and an
//! honest person should not look like a case for it.

use bonafide_core::subject::IdvResult;
use bonafide_core::{Finding, SubjectIdx};

use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct IdentityVerification;

impl Detector for IdentityVerification {
    fn name(&self) -> &'static str {
        "identity-verification"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A5"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a5;
        for (i, s) in cx.subjects.iter().enumerate() {
            let mut reasons = Vec::new();
            let mut weight: f64 = 0.0;
            match s.idv_result {
                Some(IdvResult::Fail) => {
                    reasons.push("identity verification failed".to_string());
                    weight = cx.weight("A5");
                }
                Some(IdvResult::Resubmitted) => {
                    reasons.push("identity documents had to be resubmitted".to_string());
                    weight = weight.max(cfg.resubmitted_bits);
                }
                _ => {}
            }
            if let Some(m) = s.idv_face_match.filter(|m| *m < cfg.min_face_match) {
                reasons.push(format!("face match {m:.2} is below {:.2}", cfg.min_face_match));
                weight = cx.weight("A5");
            }
            if reasons.is_empty() {
                continue;
            }
            let mut f = Finding::new("A5", SubjectIdx(i as u32), weight, reasons.join("; "));
            let mut ev = subject_evidence(s);
            if let Some(r) = s.idv_result {
                ev = ev.with("idv_result", serde_json::to_value(r).unwrap_or_default());
            }
            if let Some(m) = s.idv_face_match {
                ev = ev.with("idv_face_match", m);
            }
            f.evidence = vec![ev];
            f.evidence_total = 1;
            out.push(f);
        }
    }
}

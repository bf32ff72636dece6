//! D9: a VoIP phone number given as the person's contact.
//!
//! The line type comes from the people file's `phone_line_type` (a carrier lookup's
//! answer: Twilio Lookup, Telesign, ...) or, failing that, from the numbering plan where
//! it sets VoIP ranges apart. Fixed VoIP (a cable company's home phone) is left out by
//! default; online numbers anyone can get are the sign. Soft (T3) alone; the summary
//! says when the same number is also another subject's.

use std::collections::HashMap;

use bonafide_core::{Finding, SubjectIdx};

use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct VoipPhones;

impl Detector for VoipPhones {
    fn name(&self) -> &'static str {
        "voip-phones"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D9"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let mut holders: HashMap<&str, usize> = HashMap::new();
        for s in cx.subjects {
            if let Some(p) = &s.phone_e164 {
                *holders.entry(p.as_str()).or_default() += 1;
            }
        }
        for (i, s) in cx.subjects.iter().enumerate() {
            let Some(t) = s.phone_line_type.filter(|t| cx.config.d9.line_types.contains(t)) else { continue };
            let number = s.phone_e164.as_deref().or(s.phone.as_deref()).unwrap_or("");
            let others = s.phone_e164.as_deref().and_then(|p| holders.get(p)).map_or(0, |n| n.saturating_sub(1));
            let mut summary = format!("contact phone {number} is a {} line", t.as_str().replace('_', "-"));
            if others > 0 {
                summary.push_str(&format!(", and {others} other subject(s) give the same number"));
            }
            let mut f = Finding::new("D9", SubjectIdx(i as u32), cx.weight("D9"), summary);
            f.evidence = vec![subject_evidence(s).with("phone", number).with("line_type", t.as_str())];
            f.evidence_total = 1;
            out.push(f);
        }
    }
}

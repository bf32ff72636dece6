//! G1: wants to be paid in cryptocurrency or stablecoins.
//!
//! Any pay change with method `crypto` or a wallet address fires. The wallet is kept as
//! given in the evidence so that screening (S2) and analysts can look it up.

use bonafide_core::Finding;
use bonafide_core::records::PayMethod;

use super::by_subject;
use crate::people::payroll_evidence;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct CryptoPay;

impl Detector for CryptoPay {
    fn name(&self) -> &'static str {
        "crypto-pay"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["G1"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        for (idx, changes) in by_subject(cx) {
            let crypto: Vec<_> =
                changes.into_iter().filter(|p| p.method == PayMethod::Crypto || p.wallet.is_some()).collect();
            if crypto.is_empty() {
                continue;
            }
            let wallets: Vec<String> = crypto
                .iter()
                .filter_map(|p| p.wallet.as_ref())
                .map(|w| match &w.chain {
                    Some(c) => format!("{} ({c})", w.address),
                    None => w.address.clone(),
                })
                .collect();
            let summary = if wallets.is_empty() {
                format!("asked to be paid in cryptocurrency ({} change(s))", crypto.len())
            } else {
                format!("asked to be paid in cryptocurrency to {}", wallets.join(", "))
            };
            let mut f = Finding::new("G1", idx, cx.weight("G1"), summary);
            for p in &crypto {
                f.seen(p.changed_at);
            }
            f.evidence = crypto.iter().take(crate::evidence::SAMPLE).map(|p| payroll_evidence(p)).collect();
            f.evidence_total = crypto.len() as u64;
            out.push(f);
        }
    }
}

//! Findings: one indicator fired for one or more subjects, with its evidence.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::source::SourcePos;
use crate::subject::SubjectIdx;
use crate::time::UtcMs;

/// One piece of evidence: the record it came from and the facts that mattered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    pub source: Option<SourcePos>,
    pub detail: Map<String, Value>,
}

impl Evidence {
    pub fn at(source: SourcePos) -> Self {
        Evidence { source: Some(source), detail: Map::new() }
    }

    pub fn without_source() -> Self {
        Evidence { source: None, detail: Map::new() }
    }

    /// Adds a fact (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_string(), value.into());
        self
    }
}

/// What the subjects of a cross-subject finding have in common (an IP, an address, a
/// payout account fingerprint), which is what links them into a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Shared {
    /// `ip`, `shipping_address`, `bank_account`, ...
    pub kind: String,
    /// The shared value as it may be shown (masked when sensitive).
    pub value: String,
}

/// An indicator that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// An ID from the catalog.
    pub indicator: String,
    /// The subjects it is about; several for cross-subject findings (D3, C2, G3).
    pub subjects: Vec<SubjectIdx>,
    pub first_seen: Option<UtcMs>,
    pub last_seen: Option<UtcMs>,
    /// One line for a human.
    pub summary: String,
    /// log2 of the likelihood ratio this finding contributes.
    pub weight_bits: f64,
    /// A bounded sample of the supporting records.
    pub evidence: Vec<Evidence>,
    /// How many supporting records there were in all (`>= evidence.len()`).
    pub evidence_total: u64,
    /// For cross-subject findings: what the subjects share.
    pub shared: Option<Shared>,
}

impl Finding {
    pub fn new(indicator: &str, subject: SubjectIdx, weight_bits: f64, summary: impl Into<String>) -> Self {
        Finding {
            indicator: indicator.to_string(),
            subjects: vec![subject],
            first_seen: None,
            last_seen: None,
            summary: summary.into(),
            weight_bits,
            evidence: Vec::new(),
            evidence_total: 0,
            shared: None,
        }
    }

    /// Widens the time range to include `t`.
    pub fn seen(&mut self, t: UtcMs) {
        self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
        self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
    }
}

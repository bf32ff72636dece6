//! bonafide's engine: the scan pipeline that both `bonafide scan` and the service run.
//!
//! It wires the stages together and owns nothing but the order of work: readers
//! (`bonafide-ingest`) normalise, enrichment (`bonafide-intel`) places and classifies,
//! detectors (`bonafide-detect`) find, scoring (`bonafide-core`) weighs; the result is a
//! [`ScanOutcome`] that sinks render and store.

pub mod config;
pub mod directory;
pub mod graph;
pub mod lists;
pub mod outcome;
pub mod plan;
pub mod scan;

pub use config::Config;
pub use outcome::{Cluster, InputSummary, Link, ScanOutcome};
pub use scan::{EventFeed, Fed, Progress, ScanError, ScanRequest, scan, scan_with};

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Every indicator this version can raise: what the detectors declare
/// ([`bonafide_detect::Engine::builtin_indicators`]) and what the identifier graph adds
/// ([`graph::INDICATORS`]). The catalog also describes indicators no detector raises
/// yet; a listing that showed those like the rest would read "0 subjects" as "looked and
/// found nothing".
pub fn detected_indicators() -> &'static BTreeSet<&'static str> {
    static DETECTED: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    DETECTED.get_or_init(|| {
        let mut all = bonafide_detect::Engine::builtin_indicators();
        all.extend(graph::INDICATORS);
        all
    })
}

/// The built-in catalog as JSON (`bonafide indicators --json`, `GET
/// /api/v1/indicators`), each indicator with `detected`: whether this version raises it
/// ([`detected_indicators`]).
pub fn catalog_json() -> serde_json::Value {
    let mut v = serde_json::to_value(bonafide_core::Catalog::builtin()).unwrap_or_default();
    if let Some(list) = v.get_mut("indicator").and_then(serde_json::Value::as_array_mut) {
        for i in list {
            let detected =
                i.get("id").and_then(serde_json::Value::as_str).is_some_and(|id| detected_indicators().contains(id));
            if let Some(o) = i.as_object_mut() {
                o.insert("detected".into(), detected.into());
            }
        }
    }
    v
}

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

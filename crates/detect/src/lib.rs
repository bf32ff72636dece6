//! Detectors: each knows one family of indicators and reads only normalised events and
//! subjects.
//!
//! The model is push, in one pass: the engine hands every event to every detector's
//! [`Detector::observe`] as it streams off the readers, then calls
//! [`Detector::conclude`] once when the input is exhausted (in batch) or on a schedule
//! (in the service). A detector keeps bounded state per subject (counters, a few recent
//! sign-ins, small sets) so memory grows with the number of subjects, never with the
//! number of events, and it emits at most a handful of findings per subject and
//! indicator, each with a bounded sample of evidence. Events may arrive in any order:
//! detectors that compare events in time (travel, sessions) say how they cope.
//!
//! Thresholds and weights are configuration (`[detect.*]` and `[scoring]` in
//! `bonafide.toml`), never constants in code.

pub mod config;
pub mod evidence;
pub mod households;
pub mod network;
pub mod screening;

use bonafide_core::{Catalog, Event, Finding, Records, ScoringConfig, Subject, SubjectIdx};

pub use config::DetectConfig;
pub use households::Households;

/// What a detector may consult besides the event in hand.
pub struct Context<'a> {
    pub subjects: &'a [Subject],
    /// Subject-keyed records (pay, shipments, devices, interviews, references).
    pub records: &'a Records,
    pub households: &'a Households,
    pub config: &'a DetectConfig,
    pub scoring: &'a ScoringConfig,
    pub catalog: &'static Catalog,
    /// Sanctions lists and published identifiers loaded for this run (empty when none
    /// were given: the built-in published identifiers are always there).
    pub screening: &'a bonafide_intel::sanctions::Screening,
}

impl Context<'_> {
    pub fn subject(&self, idx: SubjectIdx) -> Option<&Subject> {
        self.subjects.get(idx.index())
    }

    /// The configured weight of one finding of `indicator`, in bits.
    pub fn weight(&self, indicator: &str) -> f64 {
        self.catalog.get(indicator).map(|i| self.scoring.weight(i)).unwrap_or(0.0)
    }
}

/// Where detectors put what they find.
#[derive(Debug, Default)]
pub struct Findings {
    pub list: Vec<Finding>,
}

impl Findings {
    pub fn push(&mut self, f: Finding) {
        self.list.push(f);
    }
}

/// One family of indicators.
pub trait Detector {
    /// A short name for logs and timings.
    fn name(&self) -> &'static str;
    /// Indicators this detector can raise.
    fn indicators(&self) -> &'static [&'static str];
    /// Called for every event attributed to a subject.
    fn observe(&mut self, _event: &Event, _cx: &Context<'_>) {}
    /// Called once all input is read.
    fn conclude(&mut self, _cx: &Context<'_>, _out: &mut Findings) {}
}

/// Drives all enabled detectors.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
}

impl Engine {
    /// The built-in detectors, minus those disabled in the configuration.
    pub fn new(config: &DetectConfig) -> Engine {
        let all: Vec<Box<dyn Detector>> = vec![
            Box::new(network::anonymiser::Anonymiser::default()),
            Box::new(network::travel::ImpossibleTravel::default()),
            Box::new(network::shared_ip::SharedIp::default()),
            Box::new(network::home_mismatch::HomeMismatch::default()),
            Box::new(network::session_length::SessionLength::default()),
            Box::new(screening::names::NameScreening),
            Box::new(screening::identifiers::IdentifierScreening),
            Box::new(screening::lookalike::LookalikeDomains),
        ];
        let detectors = all
            .into_iter()
            .filter(|d| !d.indicators().iter().any(|i| config.disabled.iter().any(|x| x == i)))
            .collect();
        Engine { detectors }
    }

    /// The detectors in use, by name.
    pub fn names(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.name()).collect()
    }

    pub fn observe(&mut self, event: &Event, cx: &Context<'_>) {
        if event.subject.is_none() {
            return;
        }
        for d in &mut self.detectors {
            d.observe(event, cx);
        }
    }

    pub fn conclude(&mut self, cx: &Context<'_>) -> Findings {
        let mut out = Findings::default();
        for d in &mut self.detectors {
            d.conclude(cx, &mut out);
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod testkit;

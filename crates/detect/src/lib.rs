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

pub mod contacts;
pub mod identity;
pub mod interview;
pub mod payroll;
pub mod people;
pub mod shared;

use bonafide_core::{Catalog, Event, Finding, Records, Score, ScoringConfig, Subject, SubjectIdx};

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

/// What the first scoring concluded, for detectors that look again once risk is known
/// (A11 raises the referral chain of high-risk subjects). The engine scores all
/// findings of `conclude`, calls [`Detector::reconsider`] once, and scores again with
/// what that added; it does not iterate, so no finding feeds on itself.
pub struct Risk<'a> {
    /// Per subject, indexed like `Context::subjects`.
    pub scores: &'a [Score],
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
    /// Called once after the first scoring, with every subject's score.
    fn reconsider(&mut self, _cx: &Context<'_>, _risk: &Risk<'_>, _out: &mut Findings) {}
}

/// Drives all enabled detectors.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    disabled: Vec<String>,
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
            Box::new(identity::ssn::IdentityNumbers),
            Box::new(identity::idv::IdentityVerification),
            Box::new(identity::jurisdiction::Jurisdictions),
            Box::new(identity::consistency::DeclaredFacts),
            Box::new(identity::pay_band::PayBand),
            Box::new(identity::domains::Domains),
            Box::new(identity::referrals::Referrals),
            Box::new(interview::rounds::Interviews),
            Box::new(contacts::shared::SharedContacts),
            Box::new(contacts::voip::VoipPhones),
            Box::new(payroll::crypto::CryptoPay),
            Box::new(payroll::changes::PayChanges),
            Box::new(payroll::shared_account::SharedAccounts),
        ];
        // A detector is left out when all its indicators are disabled; findings of a
        // disabled indicator from a detector that raises several are dropped.
        let detectors = all
            .into_iter()
            .filter(|d| !d.indicators().iter().all(|i| config.disabled.iter().any(|x| x == i)))
            .collect();
        Engine { detectors, disabled: config.disabled.clone() }
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
        out.list.retain(|f| !self.disabled.contains(&f.indicator));
        out
    }

    /// The second pass, after the first scoring (see [`Risk`]).
    pub fn reconsider(&mut self, cx: &Context<'_>, risk: &Risk<'_>) -> Findings {
        let mut out = Findings::default();
        for d in &mut self.detectors {
            d.reconsider(cx, risk, &mut out);
        }
        out.list.retain(|f| !self.disabled.contains(&f.indicator));
        out
    }
}

#[cfg(test)]
pub(crate) mod testkit;

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
pub mod endpoint;
pub mod evidence;
pub mod households;
pub mod inside;
pub mod network;
pub mod onboarding;
pub mod screening;
pub mod sessions;
pub mod time;

pub mod contacts;
pub mod identity;
pub mod interview;
pub mod payroll;
pub mod people;
pub mod shared;

use bonafide_core::{ActivitySummary, Catalog, Event, Finding, Records, Score, ScoringConfig, Subject, SubjectIdx};

pub use config::DetectConfig;
pub use households::Households;
pub use sessions::{SessionMark, Sessions};

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

/// The configuration a [`Context`] borrows, at its defaults (no sanctions lists loaded):
/// for tests, benchmarks and tools that run the detectors over their own subjects
/// without a scan.
#[derive(Default)]
pub struct Defaults {
    pub config: DetectConfig,
    pub scoring: ScoringConfig,
    pub screening: bonafide_intel::sanctions::Screening,
}

impl Defaults {
    pub fn context<'a>(
        &'a self,
        subjects: &'a [Subject],
        records: &'a Records,
        households: &'a Households,
    ) -> Context<'a> {
        Context {
            subjects,
            records,
            households,
            config: &self.config,
            scoring: &self.scoring,
            catalog: Catalog::builtin(),
            screening: &self.screening,
        }
    }
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
    /// Indicators this detector can raise: every finding it emits is of one of them
    /// (the test kit checks each run, see [`Engine::undeclared`]). What a version
    /// detects (`bonafide indicators`, the web's Indicators page) is read from these.
    fn indicators(&self) -> &'static [&'static str];
    /// Called for every event attributed to a subject.
    fn observe(&mut self, _event: &Event, _cx: &Context<'_>) {}
    /// Called once all input is read.
    fn conclude(&mut self, _cx: &Context<'_>, _out: &mut Findings) {}
    /// Called for every event attributed to a subject, with the session the engine
    /// placed it in ([`sessions`]). Detectors that follow sessions implement this instead
    /// of [`observe`](Self::observe), which it calls by default.
    fn observe_in_session(&mut self, event: &Event, _session: &SessionMark, cx: &Context<'_>) {
        self.observe(event, cx)
    }
    /// Called for an event done *to* a subject by another identity, such as an admin
    /// granting them a role: `target` is the subject the event's target resolved to.
    fn observe_target(&mut self, _event: &Event, _target: SubjectIdx, _cx: &Context<'_>) {}
    /// Called once all input is read, with every subject's sessions and presence.
    /// Detectors that need them implement this instead of [`conclude`](Self::conclude),
    /// which it calls by default.
    fn conclude_with_sessions(&mut self, cx: &Context<'_>, _sessions: &Sessions, out: &mut Findings) {
        self.conclude(cx, out)
    }
    /// Called once after the first scoring, with every subject's score.
    fn reconsider(&mut self, _cx: &Context<'_>, _risk: &Risk<'_>, _out: &mut Findings) {}
}

/// Drives all enabled detectors, and the session reconstruction they share.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    sessions: Sessions,
    /// The time family shares one profile per subject and hands its summaries to the
    /// report, so it is driven directly rather than through the list.
    time: time::TimeDetectors,
    disabled: Vec<String>,
    /// Findings a detector emitted for an indicator it does not declare: detector name
    /// and indicator (see [`Engine::undeclared`]).
    undeclared: Vec<(&'static str, String)>,
}

/// Notes each of `emitted` (what detector `name` just added) whose indicator `name` does
/// not declare.
fn check_declared(
    undeclared: &mut Vec<(&'static str, String)>,
    name: &'static str,
    declared: &[&str],
    emitted: &[Finding],
) {
    for f in emitted {
        if !declared.contains(&f.indicator.as_str()) {
            undeclared.push((name, f.indicator.clone()));
        }
    }
}

impl Engine {
    /// The built-in detectors, minus those whose indicators are all disabled in the
    /// configuration. A configured signature file that cannot be used is logged and the
    /// built-in signatures are used instead ([`Engine::try_new`] fails on it).
    pub fn new(config: &DetectConfig) -> Engine {
        let inventory = endpoint::Inventory::new(config).unwrap_or_else(|e| {
            tracing::error!("{e}; using the built-in endpoint signatures only");
            endpoint::Inventory::builtin()
        });
        Engine::assemble(config, inventory)
    }

    /// As [`Engine::new`], failing when a configured signature file is unusable.
    pub fn try_new(config: &DetectConfig) -> Result<Engine, endpoint::signatures::SignatureError> {
        Ok(Engine::assemble(config, endpoint::Inventory::new(config)?))
    }

    fn assemble(config: &DetectConfig, inventory: endpoint::Inventory) -> Engine {
        let all: Vec<Box<dyn Detector>> = vec![
            Box::new(network::anonymiser::Anonymiser::default()),
            Box::new(network::travel::ImpossibleTravel::default()),
            Box::new(network::shared_ip::SharedIp::default()),
            Box::new(network::home_mismatch::HomeMismatch::default()),
            Box::new(network::session_length::SessionLength::default()),
            Box::new(network::device::DeviceChange::default()),
            Box::new(network::countries::ManyCountries::default()),
            Box::new(network::accounts_per_ip::AccountsPerIp::default()),
            Box::new(network::careers::CareersSite::default()),
            Box::new(network::shared_device::SharedDevice::default()),
            Box::new(network::handover::Handover::default()),
            Box::new(time::clocks::CommitClocks::default()),
            Box::new(network::interview_ip::InterviewIp),
            Box::new(inside::exfiltration::Exfiltration::default()),
            Box::new(inside::persistence::Persistence::default()),
            Box::new(inside::after_exit::AfterExit::default()),
            Box::new(inventory),
            Box::new(onboarding::shipping::Shipping),
            Box::new(onboarding::managed_device::ManagedDevice::default()),
            Box::new(identity::ssn::IdentityNumbers),
            Box::new(identity::idv::IdentityVerification),
            Box::new(identity::jurisdiction::Jurisdictions),
            Box::new(identity::consistency::DeclaredFacts),
            Box::new(identity::pay_band::PayBand),
            Box::new(identity::domains::Domains),
            Box::new(identity::websites::Websites),
            Box::new(identity::watchlist::Watchlist),
            Box::new(identity::referrals::Referrals),
            Box::new(identity::resumes::Resumes),
            Box::new(identity::tech_years::TechYears),
            Box::new(identity::photos::Photos),
            Box::new(identity::github::GithubProfiles::default()),
            Box::new(interview::rounds::Interviews),
            Box::new(contacts::shared::SharedContacts),
            Box::new(contacts::voip::VoipPhones),
            Box::new(payroll::crypto::CryptoPay),
            Box::new(payroll::changes::PayChanges),
            Box::new(payroll::shared_account::SharedAccounts),
            Box::new(screening::names::NameScreening),
            Box::new(screening::identifiers::IdentifierScreening),
            Box::new(screening::lookalike::LookalikeDomains),
        ];
        // A detector raising several indicators runs while any of them is enabled; the
        // findings of disabled ones are dropped in `conclude`.
        let disabled = config.disabled.clone();
        let detectors =
            all.into_iter().filter(|d| !d.indicators().iter().all(|i| disabled.iter().any(|x| x == i))).collect();
        Engine {
            detectors,
            sessions: Sessions::default(),
            time: time::TimeDetectors::default(),
            disabled,
            undeclared: Vec::new(),
        }
    }

    /// The detectors in use, by name.
    pub fn names(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.name()).collect()
    }

    /// The indicators the detectors in use can raise (each detector's
    /// [`Detector::indicators`], and the time family's).
    pub fn indicators(&self) -> std::collections::BTreeSet<&'static str> {
        let mut all: std::collections::BTreeSet<&'static str> =
            self.detectors.iter().flat_map(|d| d.indicators().iter().copied()).collect();
        all.extend(time::TimeDetectors::INDICATORS);
        all
    }

    /// The indicators this version's detectors can raise with every detector enabled:
    /// the catalog describes more than is detected yet, and this tells which is which.
    pub fn builtin_indicators() -> std::collections::BTreeSet<&'static str> {
        Engine::assemble(&DetectConfig::default(), endpoint::Inventory::builtin()).indicators()
    }

    /// Findings emitted so far for an indicator the emitting detector does not declare,
    /// as (detector, indicator): always empty unless a detector's
    /// [`Detector::indicators`] is out of date, which would make [`Engine::indicators`]
    /// wrong. The test kit asserts it after every run.
    pub fn undeclared(&self) -> &[(&'static str, String)] {
        &self.undeclared
    }

    pub fn observe(&mut self, event: &Event, cx: &Context<'_>) {
        let Some(mark) = self.sessions.observe(event, &cx.config.sessions) else {
            return;
        };
        for d in &mut self.detectors {
            d.observe_in_session(event, &mark, cx);
        }
        self.time.observe(event, cx);
    }

    /// An event whose target is the subject `target` (resolved by the caller), done by
    /// another identity.
    pub fn observe_target(&mut self, event: &Event, target: SubjectIdx, cx: &Context<'_>) {
        for d in &mut self.detectors {
            d.observe_target(event, target, cx);
        }
    }

    /// Every subject's sessions and presence so far.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    pub fn conclude(&mut self, cx: &Context<'_>) -> Findings {
        self.sessions.finish();
        let mut out = Findings::default();
        for d in &mut self.detectors {
            let before = out.list.len();
            d.conclude_with_sessions(cx, &self.sessions, &mut out);
            check_declared(&mut self.undeclared, d.name(), d.indicators(), &out.list[before..]);
        }
        let before = out.list.len();
        self.time.conclude(cx, &mut out);
        check_declared(&mut self.undeclared, "time", time::TimeDetectors::INDICATORS, &out.list[before..]);
        out.list.retain(|f| !self.disabled.contains(&f.indicator));
        out
    }

    /// The second pass, after the first scoring (see [`Risk`]).
    pub fn reconsider(&mut self, cx: &Context<'_>, risk: &Risk<'_>) -> Findings {
        let mut out = Findings::default();
        for d in &mut self.detectors {
            let before = out.list.len();
            d.reconsider(cx, risk, &mut out);
            check_declared(&mut self.undeclared, d.name(), d.indicators(), &out.list[before..]);
        }
        out.list.retain(|f| !self.disabled.contains(&f.indicator));
        out
    }

    /// Each subject's activity rhythm and inferred working zone, after
    /// [`conclude`](Self::conclude).
    pub fn take_activity(&mut self) -> Vec<Option<ActivitySummary>> {
        self.time.take_summaries()
    }
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_indicator_is_in_the_catalog() {
        let all = Engine::builtin_indicators();
        assert!(all.len() > 40, "{all:?}");
        let catalog = Catalog::builtin();
        for id in &all {
            assert!(catalog.get(id).is_some(), "{id} is declared by a detector and not in the catalog");
        }
    }
}

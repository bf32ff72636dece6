//! bonafide's shared model.
//!
//! Everything that flows between the stages (sources → normalise → enrich → detect →
//! score → sinks) is defined here, so that a reader, a detector and a sink agree on one
//! vocabulary without depending on each other: subjects and their claims, normalised
//! events with their source positions, findings with evidence, the indicator catalog
//! (data, embedded from `data/indicators.toml`) and the likelihood-ratio score.

pub mod activity;
pub mod catalog;
pub mod documents;
pub mod event;
pub mod finding;
pub mod identity;
pub mod place;
pub mod records;
pub mod scoring;
pub mod sensitive;
pub mod source;
pub mod subject;
pub mod testdata;
pub mod time;

pub use activity::ActivitySummary;
pub use catalog::{Catalog, Indicator, Tier};
pub use documents::{Documents, PhotoPrint, ResumePrint, TechClaim};
pub use event::{
    Action, ActivityInfo, Actor, ActorKind, Commit, Detail, EndpointRow, Event, IpKind, Net, Outcome, RowAction,
};
pub use finding::{Evidence, Finding, Shared};
pub use identity::{LineType, SsnCheck, SsnProblem};
pub use place::{CountryCode, GeoPoint, Place, Region};
pub use records::{GithubCommit, GithubRepo, GithubUser, Record, Records};
pub use scoring::{Band, Contribution, Score, ScoringConfig};
pub use sensitive::{Fingerprint, Sensitive, SensitiveKind};
pub use source::{QuarantineEntry, SourceId, SourcePos};
pub use subject::{PostalAddress, Subject, SubjectIdx, SubjectKind};
pub use time::UtcMs;

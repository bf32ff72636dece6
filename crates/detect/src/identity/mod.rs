//! Identity at hiring (A family): whether the identity a person presents can be theirs,
//! and whether their declared facts hang together.
//!
//! These detectors read subjects and subject-keyed records (pay, interviews,
//! references), never events, so they do all their work in `conclude`; A11 works after
//! the first scoring, because it needs to know who is high-risk.

pub mod consistency;
pub mod domains;
pub mod github;
pub mod idv;
pub mod jurisdiction;
pub mod pay_band;
pub mod photos;
pub mod referrals;
pub mod resumes;
pub mod ssn;
pub mod tech_years;
pub mod watchlist;
pub mod websites;

#[cfg(test)]
mod documents_tests;
#[cfg(test)]
mod github_tests;
#[cfg(test)]
mod tests;

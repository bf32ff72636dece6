//! Identity at hiring (A family): whether the identity a person presents can be theirs,
//! and whether their declared facts hang together.
//!
//! These detectors read subjects and subject-keyed records (pay, interviews,
//! references), never events, so they do all their work in `conclude`; A11 works after
//! the first scoring, because it needs to know who is high-risk.

pub mod consistency;
pub mod domains;
pub mod idv;
pub mod jurisdiction;
pub mod pay_band;
pub mod referrals;
pub mod ssn;

#[cfg(test)]
mod tests;

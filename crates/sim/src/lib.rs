//! Synthetic organisations with known answers, for bonafide's tests, examples and
//! benchmarks. Everything here is deterministic for a seed and contains no real
//! person's data.

// The Entra diagnostic record is a large `json!` literal.
#![recursion_limit = "256"]

pub mod bench;
pub mod eval;
pub mod fleet;
pub mod okta;
pub mod org;
pub mod rng;
pub mod small;
pub mod vendors;

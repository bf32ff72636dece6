//! The identifier graph: every identifier a subject holds (a payout account's keyed
//! fingerprint, a phone in E.164, a delivery address key, a sign-in IP on one day...)
//! becomes a typed node, and two subjects holding the same one are linked.
//!
//! Why a graph rather than pairwise rules: one operative can look ordinary, a cell of
//! them cannot, because they share facilitators, doors, accounts and templates. The
//! graph weighs each shared identifier by its kind and by how common its value is, does
//! not count a household sharing its own home, joins strong links into weighted
//! connected components (union-find, never all pairs), types each component by what holds
//! it together, gives it an id that survives re-runs, and updates only the components a
//! new subject touches.
//!
//! The crate knows nothing of bonafide's records: callers hand it [`SubjectIn`]s with
//! already-normalised, already-fingerprinted values hashed to `u64` ([`value_hash`]),
//! so raw sensitive values never reach it and a million subjects fit in memory.

pub mod cluster;
pub mod fuzzy;
pub mod graph;
pub mod ident;
pub mod propagate;
pub mod synth;
pub mod words;

pub use cluster::{Cluster, ClusterKind};
pub use graph::{Graph, GraphConfig, Link, Visit};
pub use ident::{Fuzzy, FuzzyKind, IdKind, Ident, SubjectIn, value_hash};
pub use propagate::{Propagation, propagate};

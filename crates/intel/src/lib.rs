//! Enrichment knowledge: IP intelligence, places, postal addresses, keyed fingerprints.
//!
//! This crate knows about networks and places and nothing about people: it answers
//! "what is this IP", "which country is `Korea, Democratic People's Republic of`", "are
//! these two addresses one door" and "what is the fingerprint of this SSN under this
//! installation's key". Readers use it to normalise; the engine uses it to enrich events
//! before any detector sees them. It also knows sanctions lists and published identifiers
//! ([`sanctions`]): how to read them and how to match a name or an identifier against them.

pub mod address;
pub mod contact;
pub mod domains;
pub mod enrich;
pub mod fingerprint;
pub mod ip;
pub mod minhash;
pub mod mmdb_writer;
pub mod names;
pub mod phash;
pub mod phone;
pub mod places;
pub mod sanctions;
pub mod ssn;
pub mod tech;

pub use enrich::{Enricher, NetworkConfig};
pub use fingerprint::Keyring;
pub use ip::{IpIntel, IpIntelBuilder, IpRecord};
pub use places::Places;

//! Contacts (H2, D9): phone numbers and emails, normalised at ingest (E.164; case,
//! plus-addressing and Gmail dots folded here), compared across people.

pub mod shared;
pub mod voip;

#[cfg(test)]
mod tests;

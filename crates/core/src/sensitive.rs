//! Sensitive identifiers, kept only as a keyed fingerprint and a masked display form.
//!
//! Raw SSNs, bank account numbers and identity-document numbers never get past the
//! reader that sees them: the reader asks the installation's keyring for an HMAC of the
//! normalised value and keeps this type instead. Two subjects with the same SSN get the
//! same fingerprint under one installation's key, which is all linking needs; nobody who
//! lacks the key can test a guess against a report.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of value was fingerprinted; part of the HMAC input, so an SSN and a bank
/// account with the same digits do not collide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveKind {
    Ssn,
    IdDocument,
    BankAccount,
    RoutingNumber,
    Iban,
    Wallet,
    Other,
}

impl SensitiveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SensitiveKind::Ssn => "ssn",
            SensitiveKind::IdDocument => "id_document",
            SensitiveKind::BankAccount => "bank_account",
            SensitiveKind::RoutingNumber => "routing_number",
            SensitiveKind::Iban => "iban",
            SensitiveKind::Wallet => "wallet",
            SensitiveKind::Other => "other",
        }
    }
}

/// HMAC-SHA256 of a normalised sensitive value under the installation key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The first 16 bytes in hex: enough to tell values apart in a report, and the form
    /// that reports and the database store.
    pub fn short_hex(&self) -> String {
        let mut s = String::with_capacity(32);
        for b in &self.0[..16] {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fp:{}", self.short_hex())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fp:{}", self.short_hex())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A sensitive value as bonafide keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Sensitive {
    pub kind: SensitiveKind,
    pub fingerprint: Fingerprint,
    /// e.g. `***-**-1234`; never more than the last four characters of the value.
    pub masked: String,
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Fingerprints are written, never read back into the engine; the store keeps
        // the hex form. Reading one back gives the 16 bytes it shows, zero-padded.
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix("fp:").unwrap_or(&s);
        let mut out = [0u8; 32];
        for (i, chunk) in hex.as_bytes().chunks(2).take(32).enumerate() {
            let txt = std::str::from_utf8(chunk).map_err(serde::de::Error::custom)?;
            out[i] = u8::from_str_radix(txt, 16).map_err(serde::de::Error::custom)?;
        }
        Ok(Fingerprint(out))
    }
}

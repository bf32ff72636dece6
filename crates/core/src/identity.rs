//! What bonafide concludes about identifiers at ingest, kept instead of the raw values.
//!
//! A reader that sees a raw SSN checks it against the Social Security Administration's
//! issuance rules before fingerprinting it, and keeps only the conclusions here: which
//! rules it breaks and the earliest date it can have been issued. Nothing here reveals
//! more of the number than its masked last four already do, beyond the conclusion itself.

use serde::{Deserialize, Serialize};

use crate::time::UtcMs;

/// A rule an SSN breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SsnProblem {
    /// Not nine digits.
    Malformed,
    /// Area 000 or 666: never issued.
    AreaNeverIssued,
    /// Area 900-999 outside the ITIN group ranges: never issued as an SSN.
    AreaNotSsn,
    /// An Individual Taxpayer Identification Number (9xx with an ITIN group) given as
    /// an SSN: a tax number for people without work authorisation through an SSN.
    Itin,
    /// Group 00: never issued.
    GroupZero,
    /// Serial 0000: never issued.
    SerialZero,
    /// A number published in advertising or famously misused (078-05-1120,
    /// 219-09-9999, 987-65-4320 to 4329): it belongs to nobody who could hold it.
    Publicised,
}

impl SsnProblem {
    pub fn as_str(self) -> &'static str {
        match self {
            SsnProblem::Malformed => "malformed",
            SsnProblem::AreaNeverIssued => "area_never_issued",
            SsnProblem::AreaNotSsn => "area_not_ssn",
            SsnProblem::Itin => "itin",
            SsnProblem::GroupZero => "group_zero",
            SsnProblem::SerialZero => "serial_zero",
            SsnProblem::Publicised => "publicised",
        }
    }

    /// One phrase for a human.
    pub fn describe(self) -> &'static str {
        match self {
            SsnProblem::Malformed => "is not nine digits",
            SsnProblem::AreaNeverIssued => "has an area number (000 or 666) that is never issued",
            SsnProblem::AreaNotSsn => "has an area number in 900-999, which is never issued as an SSN",
            SsnProblem::Itin => "is an ITIN (a taxpayer number), not an SSN",
            SsnProblem::GroupZero => "has group number 00, which is never issued",
            SsnProblem::SerialZero => "has serial number 0000, which is never issued",
            SsnProblem::Publicised => "is a publicised number (advertising or famously misused)",
        }
    }
}

/// The conclusions of the SSN checks on one person's number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsnCheck {
    /// Rules broken; empty for a number that could have been issued.
    pub problems: Vec<SsnProblem>,
    /// The earliest date the number can have been issued, when its area was never
    /// assigned before randomisation (25 June 2011).
    pub issued_not_before: Option<UtcMs>,
}

/// How a phone line is provided, as a carrier lookup (Twilio Lookup, Telesign, ...)
/// reports it, or as the numbering plan implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineType {
    Mobile,
    Landline,
    /// VoIP, fixedness unknown.
    Voip,
    /// VoIP tied to an address (a cable company's home phone, a business PBX).
    FixedVoip,
    /// VoIP anyone can get online without an address (Google Voice, TextNow, ...).
    NonFixedVoip,
    TollFree,
    Other,
}

impl LineType {
    pub fn parse(s: &str) -> Option<LineType> {
        let folded: String =
            s.trim().chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        Some(match folded.as_str() {
            "mobile" | "wireless" | "cell" | "cellular" => LineType::Mobile,
            "landline" | "fixed" | "fixedline" => LineType::Landline,
            "voip" => LineType::Voip,
            "fixedvoip" => LineType::FixedVoip,
            "nonfixedvoip" | "virtual" => LineType::NonFixedVoip,
            "tollfree" => LineType::TollFree,
            "other" | "unknown" | "pager" | "premium" | "sharedcost" | "personal" | "uan" | "voicemail" => {
                LineType::Other
            }
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineType::Mobile => "mobile",
            LineType::Landline => "landline",
            LineType::Voip => "voip",
            LineType::FixedVoip => "fixed_voip",
            LineType::NonFixedVoip => "non_fixed_voip",
            LineType::TollFree => "toll_free",
            LineType::Other => "other",
        }
    }
}

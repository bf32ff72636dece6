//! Subjects: the people an organisation knows, with what they claim about themselves.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::identity::{LineType, SsnCheck};
use crate::place::{CountryCode, Place};
use crate::sensitive::Sensitive;
use crate::source::SourcePos;
use crate::time::UtcMs;

/// Index of a subject in the run's subject table; stable within one run only (the
/// `subject_id` is the stable key across runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SubjectIdx(pub u32);

impl SubjectIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Applicant,
    #[default]
    Employee,
    Contractor,
    /// A platform account, or a log identity that no people record claims.
    Account,
}

impl SubjectKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "applicant" | "candidate" => Some(SubjectKind::Applicant),
            "employee" | "staff" => Some(SubjectKind::Employee),
            "contractor" | "consultant" | "freelancer" => Some(SubjectKind::Contractor),
            "account" => Some(SubjectKind::Account),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Applicant => "applicant",
            SubjectKind::Employee => "employee",
            SubjectKind::Contractor => "contractor",
            SubjectKind::Account => "account",
        }
    }
}

/// A postal address as given, plus its normalised key (set by enrichment).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// Normalised form used for comparison (`12 OAK ST|APT 4|SPRINGFIELD|IL|62701|US`);
    /// `None` when the address is too incomplete to compare.
    pub key: Option<String>,
}

impl PostalAddress {
    pub fn is_empty(&self) -> bool {
        [&self.line1, &self.line2, &self.city, &self.region, &self.postal_code, &self.country]
            .iter()
            .all(|f| f.as_deref().is_none_or(|s| s.trim().is_empty()))
    }

    /// One line for display.
    pub fn one_line(&self) -> String {
        let parts: Vec<&str> = [&self.line1, &self.line2, &self.city, &self.region, &self.postal_code, &self.country]
            .iter()
            .filter_map(|f| f.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        parts.join(", ")
    }
}

/// Result of an identity-verification check, as the vendor reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdvResult {
    Pass,
    Fail,
    Resubmitted,
}

impl IdvResult {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" | "passed" | "ok" | "approved" => Some(IdvResult::Pass),
            "fail" | "failed" | "rejected" | "declined" => Some(IdvResult::Fail),
            "resubmitted" | "resubmit" | "retry" => Some(IdvResult::Resubmitted),
            _ => None,
        }
    }
}

/// An identity document: the number only as a fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IdDocument {
    pub doc_type: Option<String>,
    pub number: Sensitive,
    pub country: Option<String>,
}

/// A person as the organisation knows them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Subject {
    pub id: String,
    pub kind: SubjectKind,
    pub name: String,
    pub aliases: Vec<String>,
    /// Normalised (trimmed, lower-case) email addresses.
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub address: Option<PostalAddress>,
    /// When the home on record last changed, if the HR system says (`address_changed_at`).
    pub address_changed_at: Option<UtcMs>,
    /// The claimed home, normalised: country, region, city.
    pub home: Place,
    /// IANA zone of the claimed home, as given or derived from the address.
    pub timezone: Option<String>,
    pub date_of_birth: Option<UtcMs>,
    pub ssn: Option<Sensitive>,
    pub id_document: Option<IdDocument>,
    pub idv_result: Option<IdvResult>,
    pub idv_face_match: Option<f64>,
    pub applied_date: Option<UtcMs>,
    pub hire_date: Option<UtcMs>,
    pub end_date: Option<UtcMs>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub vendor: Option<String>,
    pub vendor_domain: Option<String>,
    /// `subject_id` of the referrer.
    pub referred_by: Option<String>,
    pub github: Option<String>,
    pub linkedin: Option<String>,
    pub website: Option<String>,
    pub resume_path: Option<PathBuf>,
    pub photo_path: Option<PathBuf>,
    pub requested_pay: Option<f64>,
    pub pay_band_mid: Option<f64>,
    pub currency: Option<String>,
    /// Columns the contract does not know, kept as given (sensitive-looking ones are
    /// fingerprinted by the reader before they get here).
    pub extra: BTreeMap<String, String>,
    /// The people record this subject came from.
    pub source: Option<SourcePos>,
    /// True when the subject was created from a log identity that no people record
    /// claims; such a subject has no claims to compare against.
    pub implicit: bool,
    /// The phone in E.164 (`+16145551001`), read with the home country as the default
    /// region; `None` when the phone cannot be read as a number.
    pub phone_e164: Option<String>,
    /// The country the phone number belongs to by its numbering plan.
    pub phone_country: Option<CountryCode>,
    /// The phone's line type, as given (`phone_line_type`) or as the numbering plan
    /// implies when it can tell (VoIP ranges).
    pub phone_line_type: Option<LineType>,
    /// Conclusions of the SSN checks made at ingest (never the number itself).
    pub ssn_check: Option<SsnCheck>,
    /// When the vendor's domain was registered, when the people file says.
    pub vendor_domain_created: Option<UtcMs>,
    /// When the domain of the person's `website` was registered, when the people file
    /// says.
    pub website_created: Option<UtcMs>,
}

impl Subject {
    /// The family name, for household comparisons: the part before a comma
    /// (`KIM, Sang Man`), otherwise the last word, folded to upper case.
    pub fn surname(&self) -> Option<String> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let family = match name.split_once(',') {
            Some((before, _)) => before.trim(),
            None => name.split_whitespace().last().unwrap_or(name),
        };
        let folded: String = family.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
        if folded.is_empty() { None } else { Some(folded) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames() {
        let mut s = Subject { name: "Jane Roe".into(), ..Default::default() };
        assert_eq!(s.surname().as_deref(), Some("ROE"));
        s.name = "KIM, Sang Man".into();
        assert_eq!(s.surname().as_deref(), Some("KIM"));
        s.name = "  ".into();
        assert_eq!(s.surname(), None);
        s.name = "Mary O'Neil".into();
        assert_eq!(s.surname().as_deref(), Some("ONEIL"));
    }
}

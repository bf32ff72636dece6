//! Records tied to a subject by its `subject_id` rather than through a log identity:
//! pay changes, equipment shipments, devices, interviews and references.
//!
//! They are read before any event (like people and accounts), kept whole in [`Records`]
//! because there are few of them per person, and consulted by detectors when they
//! conclude. Sensitive numbers arrive here already fingerprinted.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::Serialize;

use crate::event::Net;
use crate::place::CountryCode;
use crate::sensitive::Sensitive;
use crate::source::SourcePos;
use crate::subject::PostalAddress;
use crate::time::UtcMs;

/// How a person is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    Ach,
    Wire,
    Check,
    Paypal,
    Payoneer,
    Wise,
    Crypto,
    Other,
}

impl PayMethod {
    pub fn parse(s: &str) -> Option<PayMethod> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "ach" | "direct_deposit" | "direct deposit" => PayMethod::Ach,
            "wire" | "swift" => PayMethod::Wire,
            "check" | "cheque" => PayMethod::Check,
            "paypal" => PayMethod::Paypal,
            "payoneer" => PayMethod::Payoneer,
            "wise" | "transferwise" => PayMethod::Wise,
            "crypto" | "cryptocurrency" | "stablecoin" => PayMethod::Crypto,
            "other" => PayMethod::Other,
            _ => return None,
        })
    }

    /// A payout platform rather than a bank (G2).
    pub fn is_platform(self) -> bool {
        matches!(self, PayMethod::Paypal | PayMethod::Payoneer | PayMethod::Wise)
    }
}

/// A digital-currency address. Addresses are public identifiers (they are published on
/// sanctions lists), so they are kept as given for screening.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Wallet {
    pub address: String,
    pub chain: Option<String>,
}

/// One change of where a person is paid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PayrollChange {
    pub subject_id: String,
    pub changed_at: UtcMs,
    pub method: PayMethod,
    pub account_holder: Option<String>,
    pub bank_name: Option<String>,
    pub bank_country: Option<CountryCode>,
    pub routing_number: Option<Sensitive>,
    pub account_number: Option<Sensitive>,
    pub iban: Option<Sensitive>,
    pub wallet: Option<Wallet>,
    pub source: SourcePos,
    /// The country of the IBAN (its first two letters), read before the IBAN is
    /// fingerprinted: the bank's country when `bank_country` is not given.
    pub iban_country: Option<CountryCode>,
    /// Columns the contract does not know (sensitive-looking ones fingerprinted).
    pub extra: BTreeMap<String, String>,
}

impl PayrollChange {
    /// A change to `method` with nothing else known (no holder, bank, account or
    /// wallet): the base callers fill in.
    pub fn new(subject_id: impl Into<String>, changed_at: UtcMs, method: PayMethod, source: SourcePos) -> Self {
        PayrollChange {
            subject_id: subject_id.into(),
            changed_at,
            method,
            account_holder: None,
            bank_name: None,
            bank_country: None,
            routing_number: None,
            account_number: None,
            iban: None,
            wallet: None,
            source,
            iban_country: None,
            extra: BTreeMap::new(),
        }
    }

    /// The bank's country: as given, else the IBAN's.
    pub fn country(&self) -> Option<CountryCode> {
        self.bank_country.or(self.iban_country)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    Delivered,
    HeldForPickup,
    Redirected,
    Returned,
    Other,
}

impl ShipmentStatus {
    pub fn parse(s: &str) -> Option<ShipmentStatus> {
        Some(match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "delivered" => ShipmentStatus::Delivered,
            "held_for_pickup" | "held" | "pickup" => ShipmentStatus::HeldForPickup,
            "redirected" | "rerouted" => ShipmentStatus::Redirected,
            "returned" | "return_to_sender" => ShipmentStatus::Returned,
            "other" | "in_transit" | "shipped" => ShipmentStatus::Other,
            _ => return None,
        })
    }
}

/// Equipment sent to a person.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shipment {
    pub subject_id: String,
    pub shipped_at: UtcMs,
    pub shipment_id: Option<String>,
    pub asset_serial: Option<String>,
    pub recipient_name: Option<String>,
    /// The delivery address, with its comparison key.
    pub address: PostalAddress,
    pub status: Option<ShipmentStatus>,
    pub signed_by: Option<String>,
    pub source: SourcePos,
}

/// A managed (or unmanaged) device and who holds it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Device {
    pub asset_serial: String,
    pub subject_id: String,
    /// osquery's host identifier, which ties endpoint rows to the device.
    pub host_identifier: Option<String>,
    pub hostname: Option<String>,
    pub assigned_at: Option<UtcMs>,
    pub managed: Option<bool>,
    pub source: SourcePos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    Video,
    Phone,
    Onsite,
    Chat,
}

impl Medium {
    pub fn parse(s: &str) -> Option<Medium> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "video" => Medium::Video,
            "phone" | "call" => Medium::Phone,
            "onsite" | "on-site" | "in_person" | "in-person" => Medium::Onsite,
            "chat" | "text" => Medium::Chat,
            _ => return None,
        })
    }
}

/// The interview flag codes of the data contract.
pub const INTERVIEW_FLAGS: &[&str] = &[
    "camera_refused",
    "camera_broken",
    "liveness_failed",
    "face_mismatch",
    "voice_mismatch",
    "reading_answers",
    "ai_answers",
    "location_smalltalk_failed",
    "other_identity_on_screen",
    "declined_onsite",
    "declined_drug_test",
];

/// One interview round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interview {
    pub subject_id: String,
    pub at: UtcMs,
    pub round: Option<String>,
    pub interviewer: Option<String>,
    pub medium: Option<Medium>,
    pub duration_seconds: Option<u32>,
    pub video_seconds: Option<u32>,
    pub client_ip: Option<IpAddr>,
    /// The client IP, placed and classified by enrichment once IP intelligence is loaded.
    pub client: Option<Net>,
    /// Flag codes from [`INTERVIEW_FLAGS`].
    pub flags: Vec<String>,
    pub notes: Option<String>,
    pub source: SourcePos,
    /// Columns the contract does not know.
    pub extra: BTreeMap<String, String>,
}

/// A reference a candidate gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    pub subject_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub company_domain: Option<String>,
    pub verified: Option<bool>,
    pub source: SourcePos,
    /// When `company_domain` was registered, when the file says (`domain_created`).
    pub domain_created: Option<UtcMs>,
    /// Columns the contract does not know.
    pub extra: BTreeMap<String, String>,
}

/// What a watchlist entry names: an identifier of a person the organisation removed or
/// banned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    Email,
    Phone,
    Ssn,
    IdDocument,
    BankAccount,
    Iban,
    Wallet,
    Github,
    DeviceSerial,
}

impl WatchKind {
    pub const ALL: [WatchKind; 9] = [
        WatchKind::Email,
        WatchKind::Phone,
        WatchKind::Ssn,
        WatchKind::IdDocument,
        WatchKind::BankAccount,
        WatchKind::Iban,
        WatchKind::Wallet,
        WatchKind::Github,
        WatchKind::DeviceSerial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Email => "email",
            WatchKind::Phone => "phone",
            WatchKind::Ssn => "ssn",
            WatchKind::IdDocument => "id_document",
            WatchKind::BankAccount => "bank_account",
            WatchKind::Iban => "iban",
            WatchKind::Wallet => "wallet",
            WatchKind::Github => "github",
            WatchKind::DeviceSerial => "device_serial",
        }
    }

    pub fn parse(s: &str) -> Option<WatchKind> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        WatchKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A watchlist entry's value as compared: normalised text, or for SSNs, document and
/// account numbers the keyed fingerprint (the raw number is never kept).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WatchValue {
    Plain(String),
    Protected(Sensitive),
}

impl WatchValue {
    /// As it may be shown: plain text, or the mask of a protected number.
    pub fn shown(&self) -> &str {
        match self {
            WatchValue::Plain(s) => s,
            WatchValue::Protected(p) => &p.masked,
        }
    }
}

/// One identifier of someone the organisation removed or banned (`watchlist.csv`), to
/// know them again under a new name (I14).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WatchEntry {
    pub kind: WatchKind,
    pub value: WatchValue,
    /// Why they are listed, or the case that listed them.
    pub label: Option<String>,
    pub listed_at: Option<UtcMs>,
    pub source: SourcePos,
}

/// Any of the above, as a reader hands it over.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Record {
    Payroll(PayrollChange),
    Shipment(Shipment),
    Device(Device),
    Interview(Interview),
    Reference(Reference),
    /// GitHub REST exports: keyed by login, not subject_id (people.csv `github` links).
    GithubUser(GithubUser),
    GithubRepo(GithubRepo),
    GithubCommit(GithubCommit),
    /// Keyed by no subject: it names someone who should not be among them.
    Watch(WatchEntry),
}

impl Record {
    pub fn subject_id(&self) -> &str {
        match self {
            Record::Payroll(r) => &r.subject_id,
            Record::Shipment(r) => &r.subject_id,
            Record::Device(r) => &r.subject_id,
            Record::Interview(r) => &r.subject_id,
            Record::Reference(r) => &r.subject_id,
            Record::GithubUser(r) => &r.login,
            Record::GithubRepo(r) => &r.owner,
            Record::GithubCommit(r) => &r.owner,
            Record::Watch(_) => "",
        }
    }

    pub fn source(&self) -> SourcePos {
        match self {
            Record::Payroll(r) => r.source,
            Record::Shipment(r) => r.source,
            Record::Device(r) => r.source,
            Record::Interview(r) => r.source,
            Record::Reference(r) => r.source,
            Record::GithubUser(r) => r.source,
            Record::GithubRepo(r) => r.source,
            Record::GithubCommit(r) => r.source,
            Record::Watch(r) => r.source,
        }
    }
}

/// All records of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Records {
    pub payroll: Vec<PayrollChange>,
    pub shipments: Vec<Shipment>,
    pub devices: Vec<Device>,
    pub interviews: Vec<Interview>,
    pub references: Vec<Reference>,
    /// GitHub REST exports (`/users/{login}`, its repos, their commits).
    pub github: GithubProfiles,
    /// Resumes and photos, reduced (filled by the engine once subjects are known).
    pub documents: crate::documents::Documents,
    /// Identifiers of people removed or banned (`watchlist.csv`).
    pub watchlist: Vec<WatchEntry>,
}

/// A GitHub account as `GET /users/{login}` returns it (the fields we use).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GithubUser {
    /// Lower case.
    pub login: String,
    pub id: u64,
    pub created_at: UtcMs,
    pub updated_at: Option<UtcMs>,
    pub followers: u64,
    pub following: u64,
    pub public_repos: u64,
    pub source: SourcePos,
}

/// A repository as `GET /users/{login}/repos` returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GithubRepo {
    /// `owner.login`, lower case.
    pub owner: String,
    /// `full_name`, lower case.
    pub full_name: String,
    pub fork: bool,
    pub created_at: Option<UtcMs>,
    pub pushed_at: Option<UtcMs>,
    pub source: SourcePos,
}

/// A commit as `GET /repos/{owner}/{repo}/commits` returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GithubCommit {
    /// The repository's owner and `owner/repo`, lower case, from the commit's `url` or
    /// `html_url` (the list itself does not name its repository otherwise).
    pub owner: String,
    pub repo: String,
    pub sha: String,
    /// `commit.author.email`, lower case.
    pub author_email: Option<String>,
    /// `commit.author.date`: what the author's clock said, which anyone can set.
    pub author_date: Option<UtcMs>,
    pub committer_date: Option<UtcMs>,
    /// `author.login`: the GitHub account the author email belongs to, when any.
    pub author_login: Option<String>,
    pub source: SourcePos,
}

/// Every GitHub export read, by kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GithubProfiles {
    pub users: Vec<GithubUser>,
    pub repos: Vec<GithubRepo>,
    pub commits: Vec<GithubCommit>,
}

impl GithubProfiles {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.repos.is_empty() && self.commits.is_empty()
    }
}

impl Records {
    pub fn add(&mut self, r: Record) {
        match r {
            Record::Payroll(x) => self.payroll.push(x),
            Record::Shipment(x) => self.shipments.push(x),
            Record::Device(x) => self.devices.push(x),
            Record::Interview(x) => self.interviews.push(x),
            Record::Reference(x) => self.references.push(x),
            Record::GithubUser(x) => self.github.users.push(x),
            Record::GithubRepo(x) => self.github.repos.push(x),
            Record::GithubCommit(x) => self.github.commits.push(x),
            Record::Watch(x) => self.watchlist.push(x),
        }
    }

    pub fn len(&self) -> usize {
        self.payroll.len()
            + self.shipments.len()
            + self.devices.len()
            + self.interviews.len()
            + self.references.len()
            + self.github.users.len()
            + self.github.repos.len()
            + self.github.commits.len()
            + self.watchlist.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

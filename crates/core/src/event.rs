//! Normalised events: what a reader turns a vendor's log line into.
//!
//! An event is a timestamped observation of one log identity (the actor), tied to a
//! subject once the account directory resolves it. Readers fill what their vendor says;
//! enrichment fills `Net::place`, `Net::kind` and friends from IP intelligence; detectors
//! read only this type, never a vendor's JSON.

use std::net::IpAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::place::Place;
use crate::source::SourcePos;
use crate::subject::SubjectIdx;
use crate::time::UtcMs;

/// What kind of log identity acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person's account.
    User,
    /// The vendor's own system principal or a service account: never a subject.
    System,
    Unknown,
}

/// The log identity behind an event: which system and which account in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The identity system, as in `accounts.csv` `source` (`okta`, `entra`, ...).
    pub system: Arc<str>,
    /// The account name in that system (login, UPN, email), as the vendor wrote it.
    pub account: Arc<str>,
    pub display_name: Option<Arc<str>>,
    pub kind: ActorKind,
}

impl Actor {
    /// A person's account, with no display name.
    pub fn user(system: &str, account: &str) -> Actor {
        Actor { system: Arc::from(system), account: Arc::from(account), display_name: None, kind: ActorKind::User }
    }
}

/// What the event means for detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A primary sign-in: a new session begins (or was refused).
    SignIn,
    /// A further authentication inside or alongside a session (MFA, SSO into an app).
    Authenticate,
    /// The session ended (logout, expiry).
    SignOut,
    /// Any other activity by the user with a client context.
    Access,
    /// Work done: a commit, a chat message, a meeting, a ticket (see [`Detail`]).
    Work,
    /// An inventory observation of an endpoint (see [`Detail::Endpoint`]).
    Inventory,
    /// Everything else the vendor logs (administration, system changes).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    /// An MFA or policy challenge: neither granted nor refused yet.
    Challenge,
    Unknown,
}

/// What kind of network an IP belongs to. Ordered from least to most telling: when two
/// lists disagree and neither is the user's own, the later variant wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpKind {
    #[default]
    Unknown,
    Residential,
    Mobile,
    Corporate,
    Hosting,
    Vpn,
    Proxy,
    Tor,
}

impl IpKind {
    pub fn parse(s: &str) -> Option<IpKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "unknown" => Some(IpKind::Unknown),
            "residential" | "isp" | "broadband" => Some(IpKind::Residential),
            "mobile" | "cellular" => Some(IpKind::Mobile),
            "corporate" | "business" | "egress" => Some(IpKind::Corporate),
            "hosting" | "datacenter" | "data_center" | "cloud" | "vps" => Some(IpKind::Hosting),
            "vpn" => Some(IpKind::Vpn),
            "proxy" => Some(IpKind::Proxy),
            "tor" => Some(IpKind::Tor),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IpKind::Unknown => "unknown",
            IpKind::Residential => "residential",
            IpKind::Mobile => "mobile",
            IpKind::Corporate => "corporate",
            IpKind::Hosting => "hosting",
            IpKind::Vpn => "vpn",
            IpKind::Proxy => "proxy",
            IpKind::Tor => "tor",
        }
    }

    /// VPN, proxy, Tor or hosting: the network hides where the person is.
    pub fn is_anonymising(self) -> bool {
        matches!(self, IpKind::Hosting | IpKind::Vpn | IpKind::Proxy | IpKind::Tor)
    }
}

/// The network side of an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Net {
    pub ip: IpAddr,
    /// Where the vendor placed the IP (Okta's geographicalContext, Entra's location).
    pub reported: Place,
    pub asn: Option<u32>,
    pub as_org: Option<Arc<str>>,
    pub isp: Option<Arc<str>>,
    /// The vendor's own anonymiser verdict, when it gives one (Okta `isProxy`).
    pub vendor_proxy: Option<bool>,

    // Filled by enrichment.
    /// Best place: the vendor's when it gave one, else IP intelligence.
    pub place: Place,
    pub kind: IpKind,
    /// Which list or rule decided `kind` (`ipintel.csv`, `x4bnet_vpn`, `vendor isProxy`).
    pub kind_source: Option<Arc<str>>,
    /// A provider name a list gave (`Astrill`, `aws`), or the AS organisation.
    pub label: Option<Arc<str>>,
    /// True when the IP is in the organisation's corporate egress or approved VPN
    /// ranges: such an IP says nothing about where the person is.
    pub corporate: bool,
}

impl Net {
    pub fn new(ip: IpAddr) -> Self {
        Net {
            ip,
            reported: Place::default(),
            asn: None,
            as_org: None,
            isp: None,
            vendor_proxy: None,
            place: Place::default(),
            kind: IpKind::Unknown,
            kind_source: None,
            label: None,
            corporate: false,
        }
    }
}

/// A commit's metadata. The author email is the event's actor and the author time is
/// the event's time; the offsets are the UTC offsets the author's machine recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    pub repo: Option<Arc<str>>,
    pub id: Box<str>,
    pub author_name: Option<Arc<str>>,
    /// The committer's email, lower case, when the source has it (git repositories).
    pub committer: Option<Arc<str>>,
    /// Set by the engine when the author identity is nobody's and the commit was tied to
    /// its subject through the committer instead.
    pub attributed_via_committer: bool,
    /// Set by the engine when someone other than the author's subject committed at the
    /// very second of the author time: the time is the committer's action (a squash or
    /// merge in a forge's web interface, a patch applied by a maintainer), not an hour
    /// the author worked, so it stays out of the author's rhythm.
    #[serde(default)]
    pub timed_by_committer: bool,
    pub author_offset_minutes: Option<i16>,
    pub committer_time: Option<UtcMs>,
    pub committer_offset_minutes: Option<i16>,
}

/// Work activity of any other kind (`activity.csv`): chat, meetings, tickets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityInfo {
    pub kind: Option<Arc<str>>,
    pub camera_on: Option<bool>,
    pub duration_seconds: Option<u32>,
}

/// What an osquery row reports about its table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Added,
    Removed,
    Snapshot,
}

/// One row of an endpoint-inventory table (osquery).
///
/// A row with no columns is a heartbeat: the host ran the query and reported nothing new
/// (an empty differential or snapshot), which still says the machine was on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointRow {
    pub host: Arc<str>,
    /// The table the row belongs to, recognised from its columns; empty when the columns
    /// fit no known table (or several equally well).
    pub table: Arc<str>,
    pub action: RowAction,
    pub columns: Vec<(Arc<str>, String)>,
    /// osquery's schedule counter: `0` marks the query's first run on the host (the
    /// baseline of everything present at installation), later runs count up.
    #[serde(default)]
    pub counter: Option<u64>,
}

impl EndpointRow {
    pub fn get(&self, column: &str) -> Option<&str> {
        self.columns.iter().find(|(k, _)| k.as_ref() == column).map(|(_, v)| v.as_str())
    }
}

/// What an event carries beyond the common fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Detail {
    #[default]
    None,
    Commit(Box<Commit>),
    Activity(Box<ActivityInfo>),
    Endpoint(Box<EndpointRow>),
}

/// A normalised, timestamped observation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: UtcMs,
    pub actor: Actor,
    /// Set by the account directory; `None` for system actors and unknown identities.
    pub subject: Option<SubjectIdx>,
    pub action: Action,
    pub outcome: Outcome,
    /// The vendor's event type (`user.session.start`), for evidence and later rules.
    pub event_type: Arc<str>,
    pub net: Option<Net>,
    /// A hash of the vendor's session identifier, when it has one.
    pub session: Option<u64>,
    /// The vendor's device identifier or fingerprint, when it has one.
    pub device: Option<Arc<str>>,
    /// Whether the identity provider saw a managed (compliant) device, when it says.
    pub device_managed: Option<bool>,
    /// What the action was done to, when the vendor names it (a repository, a key).
    pub target: Option<Arc<str>>,
    /// Commit, activity or endpoint specifics.
    pub detail: Detail,
    pub user_agent: Option<Arc<str>>,
    /// False for API and service traffic that no person drives.
    pub interactive: bool,
    /// The vendor's unique event id (Okta `uuid`), for deduplication.
    pub id: Option<Box<str>>,
    pub source: SourcePos,
}

impl Event {
    /// A successful, interactive event with nothing known beyond who, what and when;
    /// readers and tests set the rest with struct update syntax.
    pub fn new(at: UtcMs, actor: Actor, action: Action, event_type: &str, source: SourcePos) -> Event {
        Event {
            at,
            actor,
            subject: None,
            action,
            outcome: Outcome::Success,
            event_type: Arc::from(event_type),
            net: None,
            session: None,
            device: None,
            device_managed: None,
            target: None,
            detail: Detail::None,
            user_agent: None,
            interactive: true,
            id: None,
            source,
        }
    }
}

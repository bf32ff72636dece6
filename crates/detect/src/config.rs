//! `[detect]` in `bonafide.toml`: thresholds of every detector.
//!
//! The defaults follow the detection column of the indicator catalog. Each field's doc
//! comment is its user documentation; `bonafide config` prints the annotated defaults.

use bonafide_core::IpKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[derive(Default)]
pub struct DetectConfig {
    /// Indicator IDs whose detectors are switched off, e.g. `["D3"]`.
    pub disabled: Vec<String>,
    pub d1: D1Config,
    pub d2: D2Config,
    pub d3: D3Config,
    pub d4: D4Config,
    pub d6: D6Config,
    pub s1: S1Config,
    pub s3: S3Config,
}

/// D1: sign-ins through VPN, proxy, Tor or hosting networks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D1Config {
    /// Network kinds that count as anonymising.
    pub kinds: Vec<IpKind>,
    /// Share of a subject's sign-ins through such networks that fires D1.
    pub min_share: f64,
    /// Fewer sign-ins than this are too few to judge a share.
    pub min_signins: u32,
    /// Providers named in public reporting; one sign-in through any of them fires D1 at
    /// `named_bits`. Matched, case-insensitively, against the list label, the AS
    /// organisation and the ISP.
    pub named_providers: Vec<String>,
    /// Weight of a finding through a named provider, in bits.
    pub named_bits: f64,
}

impl Default for D1Config {
    fn default() -> Self {
        D1Config {
            kinds: vec![IpKind::Vpn, IpKind::Proxy, IpKind::Tor, IpKind::Hosting],
            min_share: 0.2,
            min_signins: 5,
            named_providers: vec!["astrill".into()],
            named_bits: 6.0,
        }
    }
}

/// D2: impossible travel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D2Config {
    /// Implied speed above which travel is impossible, km/h (airliners cruise at ~900).
    pub max_speed_kmh: f64,
    /// Below this distance, IP geolocation error dominates and no travel is judged.
    pub min_distance_km: f64,
    /// Minimum distance when either end is a mobile network, whose gateways
    /// geolocate far from the handset.
    pub min_distance_km_mobile: f64,
    /// Network kinds whose apparent place is not the person's (D1 reports them).
    pub exclude_kinds: Vec<IpKind>,
    /// How many recent located sign-ins per subject each new one is compared with.
    pub window: usize,
}

impl Default for D2Config {
    fn default() -> Self {
        D2Config {
            max_speed_kmh: 1000.0,
            min_distance_km: 500.0,
            min_distance_km_mobile: 1500.0,
            exclude_kinds: vec![IpKind::Vpn, IpKind::Proxy, IpKind::Tor, IpKind::Hosting],
            window: 8,
        }
    }
}

/// D3: several unrelated subjects on one public IP on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D3Config {
    /// Unrelated subjects (households count once) needed on one IP and day.
    pub min_subjects: usize,
    /// The same, on VPN, proxy and hosting IPs, whose exits strangers share.
    pub min_subjects_anonymising: usize,
    /// More subjects than this on one IP and day looks like a shared office, coworking
    /// space or carrier NAT, not a farm: no finding for that day. (Configure real office
    /// egress as corporate instead of relying on this.)
    pub max_subjects: usize,
    /// Network kinds considered; mobile (carrier NAT) and Tor are left out by default.
    pub kinds: Vec<IpKind>,
}

impl Default for D3Config {
    fn default() -> Self {
        D3Config {
            min_subjects: 2,
            min_subjects_anonymising: 3,
            max_subjects: 25,
            kinds: vec![IpKind::Unknown, IpKind::Residential, IpKind::Hosting, IpKind::Vpn, IpKind::Proxy],
        }
    }
}

/// D4: sign-in places persistently away from the claimed home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D4Config {
    /// Share of active days spent outside the claimed home that fires D4.
    pub min_share: f64,
    /// Days outside needed at least: a one-week trip is not persistent.
    pub min_days: u32,
    /// Also compare first-level regions (states) when the country matches.
    pub compare_region: bool,
    /// Weight of a region-only mismatch, in bits (IP geolocation of regions is coarse).
    pub region_bits: f64,
    /// Network kinds whose place is ignored (their place is not the person's).
    pub exclude_kinds: Vec<IpKind>,
}

impl Default for D4Config {
    fn default() -> Self {
        D4Config {
            min_share: 0.3,
            min_days: 14,
            compare_region: true,
            region_bits: 2.0,
            exclude_kinds: vec![IpKind::Vpn, IpKind::Proxy, IpKind::Tor, IpKind::Hosting],
        }
    }
}

/// D6: an interactive session kept alive for a day or more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D6Config {
    /// Continuous activity in one session for at least this many hours fires D6.
    pub min_hours: f64,
    /// A pause longer than this breaks continuity: a long-lived token used 9 to 5 on
    /// two days is not a session kept open.
    pub max_gap_hours: f64,
    /// Sessions tracked per subject at once; the oldest is judged and dropped first.
    pub max_open_sessions: usize,
}

impl Default for D6Config {
    fn default() -> Self {
        D6Config { min_hours: 24.0, max_gap_hours: 3.0, max_open_sessions: 64 }
    }
}

/// S1: names, aliases, vendors, references and payees matching a sanctions entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S1Config {
    /// Lowest match score (0..1) that fires S1; `[screening.matching] min_score` when
    /// absent.
    pub min_score: Option<f64>,
    /// Report matches with every list entry, not only those concerning North Korea (by
    /// program, nationality, addresses or remarks). Off by default: S1 is the DPRK
    /// indicator; use `bonafide screen` for general sanctions screening.
    pub all_programs: bool,
    /// Also screen the names of references, payroll account holders and shipment
    /// recipients, not only subjects and their vendors.
    pub screen_records: bool,
}

impl Default for S1Config {
    fn default() -> Self {
        S1Config { min_score: None, all_programs: false, screen_records: true }
    }
}

/// S3: vendor and reference domains that imitate a seized or a legitimate domain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Config {
    /// The organisation's own and its real partners' domains: a vendor or reference
    /// domain that imitates one of them fires S3 (the domains themselves never do).
    pub legitimate_domains: Vec<String>,
    /// Labels shorter than this are not compared (too many honest near neighbours).
    pub min_label_len: usize,
    /// Edits allowed between labels shorter than eight letters; one more from eight.
    pub max_edits: usize,
    /// Shortest label, in letters, that counts as imitated when words are added to it.
    pub min_insertion_base: usize,
}

impl Default for S3Config {
    fn default() -> Self {
        let l = bonafide_intel::sanctions::LookalikeConfig::default();
        S3Config {
            legitimate_domains: Vec::new(),
            min_label_len: l.min_label_len,
            max_edits: l.max_edits,
            min_insertion_base: l.min_insertion_base,
        }
    }
}

impl S3Config {
    pub fn lookalike(&self) -> bonafide_intel::sanctions::LookalikeConfig {
        bonafide_intel::sanctions::LookalikeConfig {
            min_label_len: self.min_label_len,
            max_edits: self.max_edits,
            min_insertion_base: self.min_insertion_base,
        }
    }
}

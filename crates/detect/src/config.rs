//! `[detect]` in `bonafide.toml`: thresholds of every detector.
//!
//! The defaults follow the detection column of the indicator catalog. Each field's doc
//! comment is its user documentation; `bonafide config` prints the annotated defaults.

use bonafide_core::{Band, IpKind, LineType};
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
    pub a1: A1Config,
    pub a4: A4Config,
    pub a5: A5Config,
    pub a7: A7Config,
    pub a10: A10Config,
    pub a11: A11Config,
    pub a12: A12Config,
    pub interview: InterviewConfig,
    pub h2: H2Config,
    pub d9: D9Config,
    pub g2: G2Config,
    pub g3: G3Config,
    pub domains: DomainsConfig,
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

/// A1: the same person's declared facts disagree across records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A1Config {
    /// Mismatches needed (pay-account holder, phone country, declared time zone, an
    /// email that names someone else).
    pub min_mismatches: usize,
    /// A declared time zone whose UTC offset differs from the home's by more than this
    /// many hours is a mismatch.
    pub max_timezone_gap_hours: f64,
}

impl Default for A1Config {
    fn default() -> Self {
        A1Config { min_mismatches: 2, max_timezone_gap_hours: 3.0 }
    }
}

/// A4 (references) and A14 (staffing vendors): free-mail, young, look-alike or seized
/// domains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A4Config {
    /// A domain registered fewer than this many days before the application is young.
    pub young_days: u32,
    /// Weight, in bits, of weak signs alone (one reference on free mail, one that HR
    /// could not verify); look-alike, young and seized domains, and two or more weak
    /// signs, carry the indicator's full weight.
    pub soft_bits: f64,
}

impl Default for A4Config {
    fn default() -> Self {
        A4Config { young_days: 90, soft_bits: 1.5 }
    }
}

/// Domains the reference, vendor and contact checks compare against, besides the
/// built-in lists (free mail, well-known companies, seized domains).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DomainsConfig {
    /// The organisation's own domains (every one it owns): imitations of them are
    /// look-alikes, including the same name under another suffix.
    pub employer: Vec<String>,
    /// More free or disposable mail domains.
    pub free_mail: Vec<String>,
    /// More company domains that impostors imitate.
    pub well_known: Vec<String>,
}

/// A5: identity verification failed, was resubmitted, or the face did not match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A5Config {
    /// A face-match score (0..1) below this fires A5.
    pub min_face_match: f64,
    /// Weight, in bits, of a resubmission alone (a blurred photo retaken is common).
    pub resubmitted_bits: f64,
}

impl Default for A5Config {
    fn default() -> Self {
        A5Config { min_face_match: 0.8, resubmitted_bits: 1.0 }
    }
}

/// A7: an SSN or identity document used by different names, or an SSN that cannot be
/// the holder's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A7Config {
    /// A holder at least this old on 25 June 2011 with an SSN first issued after that
    /// day got the number as an adult: possible (immigration), so a soft signal.
    pub late_issue_min_age_years: f64,
    /// Weight of that late issue, in bits.
    pub late_issue_bits: f64,
    /// Weight, in bits, of an ITIN given as an SSN (legitimate for some contractors).
    pub itin_bits: f64,
    /// More subjects than this on one number looks like a placeholder entered for
    /// many (a test value), not a shared identity: no finding.
    pub max_subjects: usize,
}

impl Default for A7Config {
    fn default() -> Self {
        A7Config { late_issue_min_age_years: 18.0, late_issue_bits: 1.5, itin_bits: 1.5, max_subjects: 25 }
    }
}

/// A10: declared and observed technical jurisdictions that do not fit together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A10Config {
    /// Distinct countries among home, identity document, phone, bank and interview IP
    /// that fire A10 (two is an ordinary immigrant's life).
    pub min_countries: usize,
}

impl Default for A10Config {
    fn default() -> Self {
        A10Config { min_countries: 3 }
    }
}

/// A11: referral chains around a confirmed or high-risk subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A11Config {
    /// Subjects whose score lands in this band or above (before A11 itself) raise the
    /// people they referred and who referred them.
    pub min_band: Band,
    /// Subject ids an analyst has confirmed (until case dispositions are stored, list
    /// them here); they raise their referral chain whatever their score.
    pub confirmed: Vec<String>,
    /// How many referral steps away from such a subject are raised.
    pub max_hops: usize,
}

impl Default for A11Config {
    fn default() -> Self {
        A11Config { min_band: Band::High, confirmed: Vec::new(), max_hops: 2 }
    }
}

/// A12: asks for pay far below the band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A12Config {
    /// Requested pay below this share of the band midpoint fires A12.
    pub max_ratio: f64,
    /// Below this share the two figures are taken to be in different units (hourly or
    /// monthly against annual): no finding.
    pub min_plausible_ratio: f64,
}

impl Default for A12Config {
    fn default() -> Self {
        A12Config { max_ratio: 0.6, min_plausible_ratio: 0.15 }
    }
}

/// B1-B5 and B8: interview rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InterviewConfig {
    /// A video round with the camera on for less than this share of the call counts
    /// as camera-off (B1).
    pub min_video_share: f64,
    /// Camera-off or "broken" video rounds needed for B1 (a refusal fires at once; so
    /// does a camera off in every video round).
    pub min_camera_rounds: usize,
    /// Declined in-person meetings or drug tests needed for B8.
    pub min_declines: usize,
}

impl Default for InterviewConfig {
    fn default() -> Self {
        InterviewConfig { min_video_share: 0.5, min_camera_rounds: 2, min_declines: 2 }
    }
}

/// H2: phones or emails shared by different claimed names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct H2Config {
    /// More subjects than this on one phone or email looks like a switchboard or a
    /// shared recruiting inbox: no finding.
    pub max_subjects: usize,
    /// Also compare the contacts candidates gave for their references.
    pub include_references: bool,
}

impl Default for H2Config {
    fn default() -> Self {
        H2Config { max_subjects: 25, include_references: true }
    }
}

/// D9: VoIP phone numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D9Config {
    /// Line types that fire D9 (fixed VoIP, such as a cable company's home phone, is
    /// left out by default).
    pub line_types: Vec<LineType>,
}

impl Default for D9Config {
    fn default() -> Self {
        D9Config { line_types: vec![LineType::Voip, LineType::NonFixedVoip] }
    }
}

/// G2: where pay goes keeps changing or does not fit the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct G2Config {
    /// Window for counting changes, in days.
    pub window_days: u32,
    /// Changes (rows after the first) within the window that count as frequent.
    pub min_changes: usize,
    /// Weight, in bits, of a single sign alone (a payout platform, a foreign bank);
    /// two or more signs carry the indicator's full weight.
    pub single_bits: f64,
}

impl Default for G2Config {
    fn default() -> Self {
        G2Config { window_days: 90, min_changes: 2, single_bits: 2.0 }
    }
}

/// G3: one payout account or wallet paid to several unrelated payees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct G3Config {
    /// More payees than this on one account looks like a payroll provider's pooled
    /// account entered for everyone: no finding.
    pub max_payees: usize,
}

impl Default for G3Config {
    fn default() -> Self {
        G3Config { max_payees: 25 }
    }
}

//! `[detect]` in `bonafide.toml`: thresholds of every detector.
//!
//! The defaults follow the detection column of the indicator catalog. Each field's doc
//! comment is its user documentation; `bonafide config` prints the annotated defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bonafide_core::{Band, IpKind, LineType};

use crate::time::rhythm::RhythmConfig;
use crate::time::{F1Config, F4Config};
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
    pub sessions: crate::sessions::SessionsConfig,
    pub d5: D5Config,
    pub i1: I1Config,
    pub i2: I2Config,
    pub a13: A13Config,
    pub h4: H4Config,
    pub i10: crate::network::handover::I10Config,
    pub b7: B7Config,
    pub e6: E6Config,
    pub f6: F6Config,
    pub f9: F9Config,
    /// How working rhythms are fitted (F1's inferred zones).
    pub rhythm: RhythmConfig,
    pub f1: F1Config,
    pub f3: crate::time::clocks::F3Config,
    pub f4: F4Config,
    pub e9: E9Config,
    pub endpoint: EndpointConfig,
    pub e1: E1Config,
    pub e2: E2Config,
    pub d7: D7Config,
    pub c5: C5Config,
    pub shipping: ShippingConfig,
    pub c1: C1Config,
    pub c2: C2Config,
    pub c3: C3Config,
    pub c4: C4Config,
    pub a1: A1Config,
    pub a3: crate::identity::websites::A3Config,
    pub i14: crate::identity::watchlist::I14Config,
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
    pub s1: S1Config,
    pub s3: S3Config,
    pub h1: H1Config,
    pub a2: A2Config,
    pub a6: A6Config,
    pub a8: A8Config,
    pub a9: A9Config,
}

/// H1: the same or nearly the same resume under different names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct H1Config {
    /// Rarity-weighted Jaccard similarity of word 3-shingles at which two resumes are
    /// one. Shingles most resumes of the pool share (a bootcamp template) weigh little.
    pub min_similarity: f64,
    /// Resumes with fewer distinct shingles than this are too short to compare.
    pub min_shingles: usize,
    /// An LSH bucket holding more resumes than this is boilerplate (an empty template):
    /// not compared.
    pub max_bucket: usize,
    /// More subjects than this on one resume: no finding (a placeholder file).
    pub max_subjects: usize,
}

impl Default for H1Config {
    fn default() -> Self {
        H1Config { min_similarity: 0.8, min_shingles: 20, max_bucket: 200, max_subjects: 25 }
    }
}

/// A2: more years claimed with a technology than it has existed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A2Config {
    /// Years of tolerance beyond the technology's age (early previews, rounding up).
    pub slack_years: f64,
}

impl Default for A2Config {
    fn default() -> Self {
        A2Config { slack_years: 1.0 }
    }
}

/// A6 and I13: one photo (or a light edit of it) under different identities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A6Config {
    /// Perceptual-hash distance (bits of 64) at or below which two photos are compared at
    /// all. Resizing, recompression and brightness move 0-4 bits; a light crop with a
    /// brightness change and a resize 0-12 (median 6); different faces are usually 22 or
    /// more apart, but in a large pool a few pairs of different photos come within 12.
    /// At most 15.
    pub max_distance: u32,
    /// A group whose closest pair is at most this far apart is the same photo: full
    /// weight, and a strong link in the identifier graph. Further (up to `max_distance`)
    /// it is a similar photo: two different photos come that close by chance about once
    /// in a few million pairs, which a pool of 10,000 people (50 million pairs) meets, so
    /// it weighs `similar_factor` of A6 and links only together with other evidence.
    pub same_distance: u32,
    /// Share of A6's (or I13's) weight a similar photo carries, 0..1.
    pub similar_factor: f64,
    /// More subjects than this on one photo: no finding (a default avatar).
    pub max_subjects: usize,
}

impl Default for A6Config {
    fn default() -> Self {
        A6Config { max_distance: 12, same_distance: 6, similar_factor: 0.5, max_subjects: 25 }
    }
}

/// A8: a GitHub account with a manufactured history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A8Config {
    /// Commits (in the account's own, non-fork repositories) dated this many days or
    /// more before the account was created, needed to call the history backdated.
    pub min_backdated_commits: usize,
    /// Days of tolerance before account creation (clock skew, a first local commit).
    pub backdate_grace_days: i64,
    /// A non-fork repository whose commits are this share or more another account's
    /// is a copy pushed as one's own...
    pub copied_share: f64,
    /// ...when it has at least this many commits.
    pub copied_min_commits: usize,
    /// Follower-farm shape: an account younger than this many days...
    pub farm_max_age_days: i64,
    /// ...following at least this many accounts...
    pub farm_min_following: u64,
    /// ...or followed by at least this many while owning at most `farm_max_repos`.
    pub farm_min_followers: u64,
    pub farm_max_repos: u64,
    /// Distinct commit author emails (noreply addresses aside) on the account's own
    /// commits at which it looks shared by several people.
    pub min_commit_emails: usize,
}

impl Default for A8Config {
    fn default() -> Self {
        A8Config {
            min_backdated_commits: 3,
            backdate_grace_days: 2,
            copied_share: 0.8,
            copied_min_commits: 5,
            farm_max_age_days: 365,
            farm_min_following: 1000,
            farm_min_followers: 500,
            farm_max_repos: 3,
            min_commit_emails: 5,
        }
    }
}

/// A9: a dormant GitHub account revived, or a recent rename.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A9Config {
    /// A gap in activity at least this long (days)...
    pub dormant_days: i64,
    /// ...ended within this many days before the application (or the export).
    pub revived_within_days: i64,
    /// A rename within this many days before the application (or the end of the data).
    pub rename_within_days: i64,
    /// GitHub log actions that record an account rename (the enterprise audit log's
    /// `user.rename`; add others your exports use).
    pub rename_actions: Vec<String>,
}

impl Default for A9Config {
    fn default() -> Self {
        A9Config {
            dormant_days: 3 * 365,
            revived_within_days: 365,
            rename_within_days: 90,
            rename_actions: vec!["user.rename".into()],
        }
    }
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
    /// Weight, in bits, of sign-ins from the DPRK's own address space (its AS and block,
    /// `[dprk]` of the built-in `ipintel.toml`): one such sign-in fires D4 at this weight,
    /// whatever the claimed home and whatever a list calls the range. Its network is
    /// reached from inside the country or by relaying through it, nowhere else; this is
    /// where a connection came from, never a person's nationality.
    pub dprk_bits: f64,
}

impl Default for D4Config {
    fn default() -> Self {
        D4Config {
            min_share: 0.3,
            min_days: 14,
            compare_region: true,
            region_bits: 2.0,
            exclude_kinds: vec![IpKind::Vpn, IpKind::Proxy, IpKind::Tor, IpKind::Hosting],
            dprk_bits: 8.0,
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

/// D5: a new device inside an existing session (a replayed session token), or access
/// mostly from devices the identity provider says are unmanaged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D5Config {
    /// With no device id, compare the operating system of the user agent: Windows in one
    /// half of a session and Linux in the other is another machine.
    pub compare_user_agent: bool,
    /// Vendor sessions followed per subject for device changes; the oldest is dropped.
    pub max_sessions: usize,
    /// Share of a subject's successful sign-ins with device context that came from
    /// unmanaged devices, above which D5 fires for unmanaged access.
    pub unmanaged_min_share: f64,
    /// Sign-ins with device context needed before the share is judged.
    pub unmanaged_min_signins: u32,
    /// Unmanaged access is only telling where managed devices are the norm: at least
    /// this share of the organisation's sign-ins with device context must be managed.
    pub org_managed_share: f64,
    /// Weight of an unmanaged-access finding, in bits (a replayed session weighs the
    /// indicator's full weight).
    pub unmanaged_bits: f64,
}

impl Default for D5Config {
    fn default() -> Self {
        D5Config {
            compare_user_agent: true,
            max_sessions: 16,
            unmanaged_min_share: 0.5,
            unmanaged_min_signins: 5,
            org_managed_share: 0.5,
            unmanaged_bits: 2.0,
        }
    }
}

/// I1: many countries on one account within a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct I1Config {
    /// Distinct countries within the window that fire I1.
    pub min_countries: usize,
    /// Distinct IPs needed among them.
    pub min_ips: usize,
    /// The window, in hours.
    pub window_hours: f64,
    /// Network kinds left out: their apparent country is not the person's (Tor changes
    /// country with every circuit, VPN and proxy exits are where the service is; D1
    /// reports them).
    pub exclude_kinds: Vec<IpKind>,
}

impl Default for I1Config {
    fn default() -> Self {
        I1Config {
            min_countries: 3,
            min_ips: 3,
            window_hours: 24.0,
            exclude_kinds: vec![IpKind::Tor, IpKind::Vpn, IpKind::Proxy, IpKind::Hosting],
        }
    }
}

/// I2: many accounts from one IP, each with its own device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct I2Config {
    /// Unrelated accounts (households count once), each with a device of its own, needed
    /// on one IP within the window.
    pub min_accounts: usize,
    /// The same on VPN, proxy and hosting IPs, whose exits strangers share.
    pub min_accounts_anonymising: usize,
    /// The window, in days.
    pub window_days: u32,
    /// More accounts than this on one IP within the window looks like a public network
    /// (a café, a campus, carrier NAT): no finding.
    pub max_accounts: usize,
    /// Network kinds considered (mobile carrier NAT and Tor are left out).
    pub kinds: Vec<IpKind>,
}

impl Default for I2Config {
    fn default() -> Self {
        I2Config {
            min_accounts: 3,
            min_accounts_anonymising: 5,
            window_days: 7,
            max_accounts: 25,
            kinds: vec![IpKind::Unknown, IpKind::Residential, IpKind::Hosting, IpKind::Vpn, IpKind::Proxy],
        }
    }
}

/// H4: one device signing in as several unrelated people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct H4Config {
    /// Distinct days an account must have signed in from the device to count: one
    /// visit (a help-desk technician on someone's laptop) is not a second owner.
    pub min_days: u32,
    /// Accounts on the device must overlap within this many days.
    pub window_days: u32,
    /// More accounts than this on one device within the window is a shared terminal (a
    /// kiosk, a training room): no finding.
    pub max_subjects: usize,
}

impl Default for H4Config {
    fn default() -> Self {
        H4Config { min_days: 3, window_days: 30, max_subjects: 4 }
    }
}

/// A13: several candidate accounts from one IP or one device on the careers site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A13Config {
    /// Unrelated candidate accounts (households count once) on one IP or device that
    /// fire A13.
    pub min_accounts: usize,
    /// The window, in days.
    pub window_days: u32,
    /// More accounts than this on one IP looks like a campus or a public network.
    pub max_accounts: usize,
    /// Words that make a sign-in's app (`signins.csv` `app`, the event's target) a
    /// careers-site login, matched case-insensitively against the words of the app name.
    /// Sign-ins of subjects whose kind is `applicant` count whatever the app.
    pub apps: Vec<String>,
    /// Identity systems whose sign-ins can be careers-site logins. The careers site's
    /// own login table arrives as `signins.csv` (`signins`); an employee's single
    /// sign-on into the applicant-tracking system (Okta into "Greenhouse") is a recruiter
    /// at work, not a candidate.
    pub systems: Vec<String>,
    /// Network kinds considered for IP sharing (mobile carrier NAT is left out; a
    /// shared device fingerprint counts on any network).
    pub kinds: Vec<IpKind>,
}

impl Default for A13Config {
    fn default() -> Self {
        A13Config {
            min_accounts: 3,
            window_days: 30,
            max_accounts: 50,
            apps: [
                "careers",
                "career",
                "jobs",
                "job",
                "recruiting",
                "recruitment",
                "applicant",
                "applicants",
                "apply",
                "candidate",
                "candidates",
                "talent",
                "hiring",
                "ats",
                "greenhouse",
                "lever",
                "workable",
                "smartrecruiters",
                "icims",
                "taleo",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            systems: vec!["signins".into()],
            kinds: vec![IpKind::Unknown, IpKind::Residential, IpKind::Hosting, IpKind::Vpn, IpKind::Proxy, IpKind::Tor],
        }
    }
}

/// B7: the interview client IP far from the claimed home, or an anonymiser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct B7Config {
    /// Network kinds that fire B7 by themselves.
    pub kinds: Vec<IpKind>,
    /// When both the home and the IP have coordinates, farther than this (km) is far.
    pub max_km: f64,
    /// Also compare first-level regions (states) when the country matches.
    pub compare_region: bool,
    /// Weight of a region-only mismatch, in bits.
    pub region_bits: f64,
    /// Weight, in bits, of a round joined from the DPRK's own address space (as D4's
    /// `dprk_bits`, whatever the claimed home).
    pub dprk_bits: f64,
}

impl Default for B7Config {
    fn default() -> Self {
        B7Config {
            kinds: vec![IpKind::Vpn, IpKind::Proxy, IpKind::Tor, IpKind::Hosting],
            max_km: 500.0,
            compare_region: true,
            region_bits: 2.0,
            dprk_bits: 8.0,
        }
    }
}

/// E6: code pulled far above peers in the first weeks, and pushes outside the
/// organisation. Which event types pull and push is data (`data/conduct.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct E6Config {
    /// Days after the hire date (or, without one, after the subject's first pull) in
    /// which pulls are counted.
    pub window_days: u32,
    /// Distinct repositories pulled in the window that are suspicious whatever peers do.
    pub min_repos: u32,
    /// The subject must also exceed this quantile of peers' counts in their own windows.
    pub peer_quantile: f64,
    /// Peers needed before the quantile is used (with fewer, `min_repos` alone decides).
    pub min_peers: usize,
    /// Repository owners (organisations) that belong to the organisation. Empty: the
    /// owners of the repositories anyone pulled.
    pub organisations: Vec<String>,
}

impl Default for E6Config {
    fn default() -> Self {
        E6Config { window_days: 30, min_repos: 20, peer_quantile: 0.99, min_peers: 10, organisations: Vec::new() }
    }
}

/// F6: early privilege grants and new persistence. Which event types grant privileges
/// or create credentials is data (`data/conduct.toml`); add your own here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct F6Config {
    /// Days after the hire date in which a privilege grant or new credentials are early.
    pub early_days: u32,
    /// Credentials created in the first days are onboarding (MFA enrolment, the first
    /// SSH key): not counted. Privilege grants are never excused.
    pub grace_days: u32,
    /// New credentials after the grace period and within the early window that fire.
    pub min_credentials: u32,
    /// New credentials within `burst_hours`, at any time after the grace period, that fire.
    pub burst_count: u32,
    pub burst_hours: f64,
    /// Further event types, as `system:event_type=kind` (`okta:user.mfa.factor.activate=mfa_factor`);
    /// kinds: privilege, ssh_key, token, oauth_app, mfa_factor, recovery.
    pub extra_event_types: Vec<String>,
    /// Built-in event types to ignore, as `system:event_type`.
    pub ignore_event_types: Vec<String>,
}

impl Default for F6Config {
    fn default() -> Self {
        F6Config {
            early_days: 90,
            grace_days: 7,
            min_credentials: 3,
            burst_count: 5,
            burst_hours: 24.0,
            extra_event_types: Vec::new(),
            ignore_event_types: Vec::new(),
        }
    }
}

/// F9: access after the HR end date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct F9Config {
    /// Hours after the end of the end date before access counts (time zones, the last
    /// evening's hand-over).
    pub grace_hours: f64,
    /// Failed attempts after the end date that fire when nothing succeeded.
    pub min_failures: u32,
}

impl Default for F9Config {
    fn default() -> Self {
        F9Config { grace_hours: 12.0, min_failures: 3 }
    }
}

/// Endpoint signatures (E1-E5, D7, C5) and the tools the organisation approves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EndpointConfig {
    /// Extra signature files (the format of the built-in `signatures.toml`); a signature
    /// with a built-in id replaces it.
    pub signature_files: Vec<PathBuf>,
    /// Tools the organisation deploys itself, by signature id or family (`teamviewer`):
    /// never a finding for anyone.
    pub approved_tools: Vec<String>,
    /// Tools approved only for people of a department or role (matched to people.csv
    /// `department` or `role`, case-insensitively), e.g. `"IT Support" = ["anydesk"]`.
    pub approved_by_department: BTreeMap<String, Vec<String>>,
}

/// E1: remote-access tools.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct E1Config {
    /// Distinct tool families that, first seen within `window_days` of provisioning,
    /// make E1 a hard fact (weighted as T1).
    pub min_families: usize,
    /// Days after provisioning (device assignment, else hire date, else the host's first
    /// check-in) in which several families count as T1.
    pub window_days: u32,
}

impl Default for E1Config {
    fn default() -> Self {
        E1Config { min_families: 2, window_days: 30 }
    }
}

/// E2: IP-KVM hardware.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct E2Config {
    /// Weight, in bits, of a weak signature alone (the generic Linux gadget 1d6b:0104,
    /// which a Raspberry Pi in gadget mode also shows); 0 silences it.
    pub weak_bits: f64,
}

impl Default for E2Config {
    fn default() -> Self {
        E2Config { weak_bits: 1.0 }
    }
}

/// D7: remote-desktop ports listening on a laptop.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct D7Config {
    /// Ports the organisation uses itself (e.g. 3389 on machines IT reaches by RDP).
    pub approved_ports: Vec<u16>,
    /// Count listeners bound to loopback only (127.0.0.1, ::1), which cannot be reached
    /// from the network without a tunnel.
    pub include_loopback: bool,
}

/// E9: a machine that never sleeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct E9Config {
    /// A day counts when the host reported in more than this many distinct hours (UTC).
    pub min_hours: u32,
    /// Days that count needed at least.
    pub min_days: u32,
    /// Report E9 only for subjects with an E1 or E2 finding, as the catalog says (a
    /// machine left on is common; one left on with remote control is not).
    pub only_with_e1_e2: bool,
}

impl Default for E9Config {
    fn default() -> Self {
        E9Config { min_hours: 20, min_days: 14, only_with_e1_e2: true }
    }
}

/// C5: suspicious activity in the laptop's first hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C5Config {
    /// Hours after the laptop's first check-in that count.
    pub window_hours: f64,
    /// The first check-in seen is the laptop's first only when it falls within this many
    /// days of its assignment (or the hire date); otherwise the logs start too late to
    /// judge. Without either date, only a first check-in with osquery counter 0 counts.
    pub first_checkin_max_days: u32,
    /// Signature categories that count in the window. Consumer VPN clients are not
    /// among the defaults: E4 already reports them (and D1 the sign-ins through them),
    /// and the catalogue's C5 is about the laptop being driven by someone else. Nor are
    /// keep-awake tools: they are E3's (T3), and counting them here promoted a caffeine
    /// utility to T2; a USB jiggler still counts as a new USB device.
    pub categories: Vec<String>,
    /// USB devices never counted as new: vendor ids (`046d`) or vendor:product
    /// (`1d6b:0002`, root hubs) of ordinary peripherals, docks and hubs.
    pub benign_usb: Vec<String>,
    /// USB device classes never counted (`9`: hubs).
    pub benign_usb_classes: Vec<String>,
    /// Weight, in bits, when only new unknown USB devices appeared (no signature).
    pub unknown_usb_bits: f64,
}

impl Default for C5Config {
    fn default() -> Self {
        C5Config {
            window_hours: 72.0,
            first_checkin_max_days: 14,
            categories: ["remote_access", "ip_kvm"].map(String::from).to_vec(),
            benign_usb: [
                "05ac",
                "046d",
                "045e",
                "413c",
                "17ef",
                "03f0",
                "8087",
                "0bda",
                "05e3",
                "2109",
                "06cb",
                "17e9",
                "0b0e",
                "047f",
                "1395",
                "1050",
                "1532",
                "1b1c",
                "1038",
                "0fd9",
                "04e8",
                "0781",
                "0951",
                "0bc2",
                "1058",
                "046a",
                "1d6b:0001",
                "1d6b:0002",
                "1d6b:0003",
            ]
            .map(String::from)
            .to_vec(),
            benign_usb_classes: vec!["9".into()],
            unknown_usb_bits: 2.0,
        }
    }
}

/// Shipping addresses (C1, C2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShippingConfig {
    /// The organisation's own addresses (offices, IT depots), one line each:
    /// `"1 Corporate Way, Suite 100, Springfield, IL 62701, US"`. Equipment sent there
    /// is neither elsewhere than home (C1) nor a farm (C2).
    pub office_addresses: Vec<String>,
    /// Names of mail drops to recognise besides the built-in list (forwarders, virtual
    /// mailboxes, carrier stores), matched as whole words in the address.
    pub mail_drops: Vec<String>,
}

/// C1: equipment shipped elsewhere than the home on record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C1Config {
    /// A change of the home on record (people.csv `address_changed_at`), or a shipment
    /// to a new address, this many days after hire or fewer counts.
    pub change_window_days: u32,
}

impl Default for C1Config {
    fn default() -> Self {
        C1Config { change_window_days: 30 }
    }
}

/// C2: one delivery address for several unrelated workers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C2Config {
    /// Unrelated workers (a household counts once) receiving equipment at one door.
    pub min_subjects: usize,
    /// Doors with more workers than this are ignored; 0 for no limit (the default: the
    /// largest public farms held 90+ laptops at one house). Offices and depots are told
    /// apart by `[detect.shipping] office_addresses`, not by a count.
    pub max_subjects: usize,
}

impl Default for C2Config {
    fn default() -> Self {
        C2Config { min_subjects: 2, max_subjects: 0 }
    }
}

/// C3: equipment signed for by someone else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C3Config {
    /// What carriers write instead of a person's name (compared after folding case and
    /// punctuation): no finding for these.
    pub non_person_signatures: Vec<String>,
}

impl Default for C3Config {
    fn default() -> Self {
        C3Config {
            non_person_signatures: [
                "front door",
                "frontdoor",
                "back door",
                "side door",
                "door",
                "porch",
                "garage",
                "mailroom",
                "mail room",
                "reception",
                "receptionist",
                "front desk",
                "concierge",
                "leasing office",
                "office",
                "management",
                "driver release",
                "released",
                "shipper release",
                "signature not required",
                "no signature",
                "not required",
                "signature on file",
                "sof",
                "left at door",
                "contactless",
                "covid",
                "covid19",
                "c19",
                "cv19",
                "n a",
                "na",
                "none",
                "unknown",
                "parcel locker",
                "locker",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// C4: no managed device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct C4Config {
    /// Days after hire by which a managed device must have checked in.
    pub grace_days: u32,
}

impl Default for C4Config {
    fn default() -> Self {
        C4Config { grace_days: 7 }
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
    /// Weight, in bits, of a person's name that matches with nothing to confirm it (no
    /// date of birth or country that agrees): for review, not a case.
    pub name_only_bits: f64,
}

impl Default for S1Config {
    fn default() -> Self {
        S1Config { min_score: None, all_programs: false, screen_records: true, name_only_bits: 1.5 }
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

//! Merging IP sources into one segmented table.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use bonafide_core::{CountryCode, GeoPoint, IpKind, Region};
use serde::Deserialize;

use super::{IntelStats, IpIntel, IpRecord, NONE, Parts, PlaceRow, Slot, SourceStat};

/// How much a source is trusted when it disagrees with another about the same field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Public lists (ip-location-db, hosting and VPN lists, Tor exits).
    List = 1,
    /// Commercial-grade databases (MaxMind-format `.mmdb`).
    Database = 2,
    /// The organisation's own `ipintel.csv`.
    User = 3,
    /// Corporate egress and approved VPN ranges from the configuration.
    Config = 4,
}

/// One thing a source says about a range.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    Asn { asn: u32, org: Option<String> },
    Country(CountryCode),
    Geo { country: Option<CountryCode>, region: Option<Region>, city: Option<String>, point: Option<GeoPoint> },
    Kind { kind: IpKind, label: Option<String> },
}

/// `data/ipintel.toml`: how files are recognised and what is inferred where no list
/// speaks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Hints {
    pub name_hints: HashMap<String, String>,
    pub asn_list_default: String,
    pub mobile_org_keywords: Vec<String>,
    pub hosting_org_keywords: Vec<String>,
    pub hosting_hint_org_keywords: Vec<String>,
    pub access_org_keywords: Vec<String>,
    pub residential_org_keywords: Vec<String>,
    pub name_says: ByNameSays<NameWording>,
    pub as_share: AsShare,
    pub dprk: super::dprk::DprkData,
}

/// `[as_share]`: when an AS's listed space makes its unlisted ranges hosting.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AsShare {
    pub kinds: Vec<IpKind>,
    pub min_share: f64,
    pub lends: IpKind,
}

/// What a network's name can plainly say about it ([`network_name_says`]). A name
/// decides three kinds and no others, so each has a variant of its own and everything
/// said of one (its [`IpKind`], its wording) is matched without a catch-all: when the
/// names gave an [`IpKind`], the wording matched hosting and mobile and called anything
/// else broadband, and would have called broadband whatever kind a name was taught next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameSays {
    /// A word that says hosting (`hosting`, `data center`, `IDC`), or hints at it in a
    /// name of no access network.
    Hosting,
    /// A mobile carrier's word (`T-Mobile`, `Cellco`).
    Mobile,
    /// A word of home broadband (`cable`, `DSL`, `fibre`).
    Broadband,
}

impl NameSays {
    pub const ALL: [NameSays; 3] = [NameSays::Hosting, NameSays::Mobile, NameSays::Broadband];

    /// The network kind a name saying this gives.
    pub fn kind(self) -> IpKind {
        match self {
            NameSays::Hosting => IpKind::Hosting,
            NameSays::Mobile => IpKind::Mobile,
            NameSays::Broadband => IpKind::Residential,
        }
    }
}

/// One value for each thing a name can say ([`NameSays`]), read by an exhaustive match:
/// `[name_says]` of `data/ipintel.toml`, where a table missing or unknown fails the parse.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByNameSays<T> {
    pub hosting: T,
    pub mobile: T,
    pub broadband: T,
}

impl<T> ByNameSays<T> {
    pub fn get(&self, says: NameSays) -> &T {
        match says {
            NameSays::Hosting => &self.hosting,
            NameSays::Mobile => &self.mobile,
            NameSays::Broadband => &self.broadband,
        }
    }

    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> ByNameSays<U> {
        ByNameSays { hosting: f(&self.hosting), mobile: f(&self.mobile), broadband: f(&self.broadband) }
    }
}

/// How a kind read from a network's name is worded as the `kind_source` of an address:
/// the one place for it, `[name_says]` in `data/ipintel.toml`, for the lists' AS names
/// (here) and the networks sign-ins name ([`crate::enrich`]) alike.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameWording {
    /// Of the AS organisation name the IP lists give a range.
    pub listed: String,
    /// Of the AS organisation or ISP a sign-in reports, for an IP no list knows.
    pub reported: String,
}

pub(crate) fn hints() -> &'static Hints {
    static H: OnceLock<Hints> = OnceLock::new();
    // Checked by the unit tests; a failure is a build defect.
    H.get_or_init(|| toml::from_str(include_str!("../../data/ipintel.toml")).expect("embedded ipintel.toml is valid"))
}

const ASN: usize = 0;
const COUNTRY: usize = 1;
const GEO: usize = 2;
const KIND: usize = 3;

#[derive(Clone, Debug)]
struct AsnFact {
    asn: u32,
    org: Option<Arc<str>>,
    source: Arc<str>,
}

#[derive(Clone, Debug)]
struct PlaceFact {
    country: Option<CountryCode>,
    region: Option<Region>,
    city: Option<Arc<str>>,
    point: Option<GeoPoint>,
    source: Arc<str>,
}

#[derive(Clone, Debug)]
struct KindFact {
    kind: IpKind,
    label: Option<Arc<str>>,
    source: Arc<str>,
    /// The tier of the source (AS-number lists are public lists).
    prio: Priority,
}

#[derive(Clone, Copy, Debug)]
struct Interval {
    start: u128,
    end: u128,
    fact: u32,
    prio: u8,
    rank: u8,
}

/// Collects facts from any number of sources, then [`build`](Self::build)s the lookup.
#[derive(Default)]
pub struct IpIntelBuilder {
    asn: Vec<AsnFact>,
    place: Vec<PlaceFact>,
    kind: Vec<KindFact>,
    /// `[v4, v6][group]`.
    intervals: [[Vec<Interval>; 4]; 2],
    asn_kinds: HashMap<u32, KindFact>,
    sources: Vec<SourceStat>,
    strings: HashMap<String, Arc<str>>,
    fact_dedup: HashMap<(usize, String), u32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RangeError {
    #[error("range start and end are of different address families")]
    MixedFamilies,
    #[error("range start is after its end")]
    Reversed,
}

fn to_u128(ip: IpAddr) -> (usize, u128) {
    match ip {
        IpAddr::V4(v4) => (0, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => (0, u128::from(u32::from(v4))),
            None => (1, u128::from(v6)),
        },
    }
}

/// First and last address of `ip/prefix`.
pub fn prefix_range(ip: IpAddr, prefix: u8) -> Option<(IpAddr, IpAddr)> {
    match ip {
        IpAddr::V4(v4) if prefix <= 32 => {
            let bits = u32::from(v4);
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
            Some((IpAddr::V4((bits & mask).into()), IpAddr::V4((bits | !mask).into())))
        }
        IpAddr::V6(v6) if prefix <= 128 => {
            let bits = u128::from(v6);
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
            Some((IpAddr::V6((bits & mask).into()), IpAddr::V6((bits | !mask).into())))
        }
        _ => None,
    }
}

impl IpIntelBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(s.to_string(), a.clone());
        a
    }

    /// Records that a source was read, for the run's summary.
    pub fn note_source(&mut self, name: &str, format: &str, entries: u64) {
        self.sources.push(SourceStat { name: name.to_string(), format: format.to_string(), entries });
    }

    /// Adds one fact over `start..=end` from the source `source`.
    pub fn add_range(
        &mut self,
        start: IpAddr,
        end: IpAddr,
        fact: Fact,
        source: &str,
        prio: Priority,
    ) -> Result<(), RangeError> {
        let (fs, s) = to_u128(start);
        let (fe, e) = to_u128(end);
        if fs != fe {
            return Err(RangeError::MixedFamilies);
        }
        if s > e {
            return Err(RangeError::Reversed);
        }
        let (group, rank, key) = match &fact {
            Fact::Asn { asn, org } => (ASN, 0u8, format!("{asn}|{}|{source}", org.as_deref().unwrap_or(""))),
            Fact::Country(c) => (COUNTRY, 0, format!("{c}|{source}")),
            Fact::Geo { country, region, city, point } => {
                (GEO, 0, format!("{country:?}|{region:?}|{city:?}|{point:?}|{source}"))
            }
            Fact::Kind { kind, label } => (KIND, *kind as u8, format!("{kind:?}|{label:?}|{source}|{prio:?}")),
        };
        let id = match self.fact_dedup.get(&(group, key.clone())) {
            Some(id) => *id,
            None => {
                let source = self.intern(source);
                let id = match fact {
                    Fact::Asn { asn, org } => {
                        let org = org.map(|o| self.intern(&o));
                        self.asn.push(AsnFact { asn, org, source });
                        self.asn.len() - 1
                    }
                    Fact::Country(c) => {
                        self.place.push(PlaceFact { country: Some(c), region: None, city: None, point: None, source });
                        self.place.len() - 1
                    }
                    Fact::Geo { country, region, city, point } => {
                        let city = city.map(|c| self.intern(&c));
                        self.place.push(PlaceFact { country, region, city, point, source });
                        self.place.len() - 1
                    }
                    Fact::Kind { kind, label } => {
                        let label = label.map(|l| self.intern(&l));
                        self.kind.push(KindFact { kind, label, source, prio });
                        self.kind.len() - 1
                    }
                } as u32;
                self.fact_dedup.insert((group, key), id);
                id
            }
        };
        self.intervals[fs][group].push(Interval { start: s, end: e, fact: id, prio: prio as u8, rank });
        Ok(())
    }

    /// Adds a fact over a CIDR network.
    pub fn add_net(
        &mut self,
        ip: IpAddr,
        prefix: u8,
        fact: Fact,
        source: &str,
        prio: Priority,
    ) -> Result<(), RangeError> {
        let (s, e) = prefix_range(ip, prefix).ok_or(RangeError::Reversed)?;
        self.add_range(s, e, fact, source, prio)
    }

    /// Marks every address of an autonomous system with a kind (AS-number lists, a
    /// public-list tier source). Whether it or a range list decides an address is
    /// [`decide_kind`]'s rule.
    pub fn add_asn_kind(&mut self, asn: u32, kind: IpKind, label: Option<&str>, source: &str) {
        let fact =
            KindFact { kind, label: label.map(|l| self.intern(l)), source: self.intern(source), prio: Priority::List };
        match self.asn_kinds.get(&asn) {
            Some(existing) if existing.kind >= kind => {}
            _ => {
                self.asn_kinds.insert(asn, fact);
            }
        }
    }

    /// Cuts, decides and interns: see the module documentation.
    pub fn build(mut self) -> IpIntel {
        let mut tables = Tables::default();
        let mut slots: Vec<Slot> = Vec::new();
        let mut interned: HashMap<[u32; 4], u32> = HashMap::new();
        let mut families: [(Vec<u128>, Vec<u32>); 2] = Default::default();
        let mut merged: [Vec<(u128, [u32; 4])>; 2] = Default::default();
        for (fam, max) in [(0usize, u128::from(u32::MAX)), (1, u128::MAX)] {
            let groups = std::mem::take(&mut self.intervals[fam]);
            let segs: Vec<Vec<(u128, u32)>> = groups.into_iter().map(|g| segment(g, max)).collect();
            merged[fam] = merge(&segs);
        }
        let mut infer = Infer { hosting_ases: self.hosting_ases(&merged), names: HashMap::new() };
        for (fam, merged) in merged.into_iter().enumerate() {
            let (starts, recs) = &mut families[fam];
            for (start, key) in merged {
                let id = if key.iter().all(|&k| k == NONE) {
                    NONE
                } else {
                    *interned.entry(key).or_insert_with(|| {
                        slots.push(tables.slot(&self.record(key, &mut infer)));
                        (slots.len() - 1) as u32
                    })
                };
                if recs.last() != Some(&id) {
                    starts.push(start);
                    recs.push(id);
                }
            }
        }
        let [(v4s, mut v4_recs), (mut v6_starts, mut v6_recs)] = families;
        let v4_starts: Vec<u32> = v4s.into_iter().map(|s| s as u32).collect();
        let mut v4_index = Vec::with_capacity(65_537);
        for p in 0..=65_536u64 {
            let boundary = p << 16;
            v4_index.push(v4_starts.partition_point(|&s| u64::from(s) < boundary) as u32);
        }
        let mut v6_index = Vec::with_capacity(65_537);
        for p in 0..65_536u128 {
            let boundary = p << 112;
            v6_index.push(v6_starts.partition_point(|&s| s < boundary) as u32);
        }
        v6_index.push(v6_starts.len() as u32);
        v4_recs.shrink_to_fit();
        v6_starts.shrink_to_fit();
        v6_recs.shrink_to_fit();
        slots.shrink_to_fit();
        let stats = IntelStats {
            sources: self.sources,
            v4_ranges: v4_starts.len(),
            v6_ranges: v6_starts.len(),
            records: slots.len(),
            asn_kinds: self.asn_kinds.len(),
        };
        let asn_kinds = self
            .asn_kinds
            .iter()
            .map(|(asn, k)| (*asn, super::AsnKind { kind: k.kind, label: k.label.clone(), source: k.source.clone() }))
            .collect();
        let (strings, places) = tables.finish();
        IpIntel::from_parts(Parts {
            v4_index,
            v4_starts,
            v4_recs,
            v6_index,
            v6_starts,
            v6_recs,
            slots,
            strings,
            places,
            asn_kinds,
            stats,
        })
    }

    /// The ASes more than `[as_share] min_share` of whose IPv4 or IPv6 space (as the AS
    /// ranges give it) the range lists put under one of `[as_share] kinds`.
    fn hosting_ases(&self, merged: &[Vec<(u128, [u32; 4])>; 2]) -> HashSet<u32> {
        let rule = &hints().as_share;
        let kinds = &rule.kinds;
        // (AS, family) -> (listed, total), in addresses.
        let mut space: HashMap<(u32, usize), (f64, f64)> = HashMap::new();
        for (fam, segs) in merged.iter().enumerate() {
            let top = if fam == 0 { u128::from(u32::MAX) } else { u128::MAX };
            for (i, (start, key)) in segs.iter().enumerate() {
                let Some(a) = self.asn.get(key[ASN] as usize) else { continue };
                let end = segs.get(i + 1).map_or(top, |next| next.0 - 1);
                let size = (end - start) as f64 + 1.0;
                let e = space.entry((a.asn, fam)).or_default();
                e.1 += size;
                if self.kind.get(key[KIND] as usize).is_some_and(|k| kinds.contains(&k.kind)) {
                    e.0 += size;
                }
            }
        }
        space.into_iter().filter(|(_, (listed, total))| *listed > rule.min_share * total).map(|((a, _), _)| a).collect()
    }

    fn record(&self, key: [u32; 4], infer: &mut Infer) -> IpRecord {
        let mut r = IpRecord::default();
        if let Some(a) = self.asn.get(key[ASN] as usize) {
            r.asn = Some(a.asn);
            r.as_org = a.org.clone();
            r.asn_source = Some(a.source.clone());
        }
        // A full place (from a database or the user's file) beats a country-only row.
        let geo = self.place.get(key[GEO] as usize);
        let country = self.place.get(key[COUNTRY] as usize);
        if let Some(g) = geo {
            r.country = g.country;
            r.region = g.region.clone();
            r.city = g.city.clone();
            r.point = g.point;
            r.place_source = Some(g.source.clone());
        }
        if r.country.is_none()
            && let Some(c) = country
        {
            r.country = c.country;
            r.place_source = Some(c.source.clone());
        }
        let range = self.kind.get(key[KIND] as usize);
        let as_list = r.asn.and_then(|a| self.asn_kinds.get(&a));
        match decide_kind(range, as_list, || infer.kind(r.asn, r.as_org.as_ref())) {
            Some(Decision::Range(k)) => {
                r.kind = k.kind;
                r.kind_source = Some(k.source.clone());
                r.label = k.label.clone();
            }
            Some(Decision::AsList(k)) => {
                r.kind = k.kind;
                r.kind_source = Some(k.source.clone());
                r.label = k.label.clone().or_else(|| r.as_org.clone());
            }
            Some(Decision::Inferred(kind, why)) => {
                r.kind = kind;
                r.kind_source = Some(Arc::from(why));
                r.label = r.as_org.clone();
            }
            None => {}
        }
        r
    }
}

/// What decided an address's kind.
#[derive(Debug)]
enum Decision<'a> {
    Range(&'a KindFact),
    AsList(&'a KindFact),
    /// No list: a kind inferred, and the rule that inferred it.
    Inferred(IpKind, &'static str),
}

/// Where no list speaks, what the AS says: its listed share, then its name.
struct Infer {
    /// ASes most of whose space is listed hosting or VPN (`[as_share]`).
    hosting_ases: HashSet<u32>,
    /// AS names already judged (a few tens of thousands of distinct names).
    names: HashMap<Arc<str>, Option<NameSays>>,
}

/// `kind_source` of a range lent its AS's kind.
pub const AS_SHARE_SOURCE: &str = "most of its AS's address space is on hosting or VPN lists";

impl Infer {
    fn kind(&mut self, asn: Option<u32>, org: Option<&Arc<str>>) -> Option<(IpKind, &'static str)> {
        if asn.is_some_and(|a| self.hosting_ases.contains(&a)) {
            return Some((hints().as_share.lends, AS_SHARE_SOURCE));
        }
        let org = org?;
        let says = match self.names.get(org) {
            Some(k) => *k,
            None => {
                let k = network_name_says(org);
                self.names.insert(org.clone(), k);
                k
            }
        };
        says.map(|s| (s.kind(), hints().name_says.get(s).listed.as_str()))
    }
}

/// The one rule for the network kind of an address. Of the range lists' winner for the
/// address (`range`, itself chosen among the range lists by the same order, see
/// [`segment`]) and the AS-number lists' kind for its AS (`as_list`), the greater by
///
/// 1. the tier of the source: configuration, then the user's `ipintel.csv`, then
///    databases, then public lists (range and AS-number lists alike);
/// 2. within a tier, the more telling kind, in [`IpKind`]'s order: Tor over proxy over
///    VPN over hosting over corporate over mobile over residential. A VPN provider's AS
///    thus beats a generic datacenter list's range inside it: the VPN is the more
///    specific finding, and its list names the provider (`Astrill`), which D1 weighs;
/// 3. on a tie, the range: it is the more specific statement and names the provider of
///    that range (`aws`).
///
/// Only where no list classifies the address, `infer` (`data/ipintel.toml`):
///
/// 4. an AS most of whose space the lists call hosting or VPN (`[as_share]`) lends
///    `hosting` to its unlisted ranges;
/// 5. the AS organisation's name ([`network_name_says`]): hosting, mobile or
///    residential broadband when it plainly says so;
/// 6. otherwise nothing is known: `unknown`, not `residential`. An unlisted range was
///    once taken for home broadband, which is exactly the disguise of a VPS at a
///    provider no list covers.
fn decide_kind<'a>(
    range: Option<&'a KindFact>,
    as_list: Option<&'a KindFact>,
    infer: impl FnOnce() -> Option<(IpKind, &'static str)>,
) -> Option<Decision<'a>> {
    let listed = [range.map(|k| (k, 1u8)), as_list.map(|k| (k, 0u8))];
    match listed.into_iter().flatten().max_by_key(|(k, specific)| (k.prio, k.kind, *specific)) {
        Some((k, 1)) => Some(Decision::Range(k)),
        Some((k, _)) => Some(Decision::AsList(k)),
        None => infer().map(|(kind, why)| Decision::Inferred(kind, why)),
    }
}

/// Strings and places shared by the stored records, each kept once.
#[derive(Default)]
struct Tables {
    strings: Vec<Arc<str>>,
    string_ids: HashMap<Arc<str>, u32>,
    places: Vec<PlaceRow>,
    place_ids: HashMap<PlaceKey, u32>,
}

/// Country, region, city, coordinate bits and source of a stored place.
type PlaceKey = (Option<CountryCode>, Option<Region>, Option<Arc<str>>, Option<(u64, u64)>, u32);

impl Tables {
    fn string(&mut self, s: &Option<Arc<str>>) -> u32 {
        let Some(s) = s else { return NONE };
        if let Some(id) = self.string_ids.get(s) {
            return *id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.string_ids.insert(s.clone(), id);
        id
    }

    fn slot(&mut self, r: &IpRecord) -> Slot {
        let place = if r.country.is_none() && r.region.is_none() && r.city.is_none() && r.point.is_none() {
            NONE
        } else {
            let source = self.string(&r.place_source);
            let key = (
                r.country,
                r.region.clone(),
                r.city.clone(),
                r.point.map(|p| (p.lat.to_bits(), p.lon.to_bits())),
                source,
            );
            match self.place_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.places.len() as u32;
                    self.places.push(PlaceRow {
                        country: r.country,
                        region: r.region.clone(),
                        city: r.city.clone(),
                        point: r.point,
                        source,
                    });
                    self.place_ids.insert(key, id);
                    id
                }
            }
        };
        Slot {
            asn: r.asn.unwrap_or(0),
            has_asn: r.asn.is_some(),
            as_org: self.string(&r.as_org),
            asn_source: self.string(&r.asn_source),
            place,
            kind: r.kind,
            kind_source: self.string(&r.kind_source),
            label: self.string(&r.label),
        }
    }

    fn finish(mut self) -> (Vec<Arc<str>>, Vec<PlaceRow>) {
        self.strings.shrink_to_fit();
        self.places.shrink_to_fit();
        (self.strings, self.places)
    }
}

/// What an AS or ISP name says about its network, by the word lists of
/// `data/ipintel.toml`, or `None` when it says nothing plainly:
///
/// - a word that plainly says hosting (`hosting`, `data center`, `IDC`): hosting;
/// - a mobile carrier's word (`T-Mobile USA`, `Cellco`): mobile, whose gateways
///   geolocate far from the handset;
/// - a word that hints at hosting (`cloud`, `server`) in a name with no word of an
///   access network: hosting (`The Cloud Networks` is public Wi-Fi, `Cloud Net Cable and
///   Telecom` an ISP);
/// - a word of home broadband (`cable`, `DSL`, `fibre`): residential.
pub fn network_name_says(name: &str) -> Option<NameSays> {
    let h = hints();
    let folded = name.to_lowercase();
    let any = |words: &[String]| words.iter().any(|w| contains_word(&folded, w));
    if any(&h.hosting_org_keywords) {
        Some(NameSays::Hosting)
    } else if any(&h.mobile_org_keywords) {
        Some(NameSays::Mobile)
    } else if any(&h.hosting_hint_org_keywords) && !any(&h.access_org_keywords) && !any(&h.residential_org_keywords) {
        Some(NameSays::Hosting)
    } else if any(&h.residential_org_keywords) {
        Some(NameSays::Broadband)
    } else {
        None
    }
}

/// True when `kw` occurs in `hay` delimited by non-alphanumerics (so `lte` does not
/// match `Walter`).
fn contains_word(hay: &str, kw: &str) -> bool {
    hay.match_indices(kw).any(|(i, _)| {
        let before = hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[i + kw.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// One group's ranges into non-overlapping segments `(start, winning fact)`, covering
/// `0..=max` from 0. The winner at each point: highest priority, then highest rank, then
/// the smallest (most specific) range, then the one added last.
fn segment(ivs: Vec<Interval>, max: u128) -> Vec<(u128, u32)> {
    type Key = (u8, u8, Reverse<u128>, u32);
    let key = |i: usize, iv: &Interval| -> Key { (iv.prio, iv.rank, Reverse(iv.end - iv.start), i as u32) };
    let mut by_start: Vec<usize> = (0..ivs.len()).collect();
    by_start.sort_unstable_by_key(|&i| ivs[i].start);
    let mut by_end: Vec<usize> = (0..ivs.len()).filter(|&i| ivs[i].end < max).collect();
    by_end.sort_unstable_by_key(|&i| ivs[i].end);
    let mut active: BTreeSet<Key> = BTreeSet::new();
    let mut out: Vec<(u128, u32)> = vec![(0, NONE)];
    let (mut si, mut ei) = (0, 0);
    loop {
        let next_start = by_start.get(si).map(|&i| ivs[i].start);
        let next_stop = by_end.get(ei).map(|&i| ivs[i].end + 1);
        let p = match (next_start, next_stop) {
            (None, None) => break,
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (Some(a), Some(b)) => a.min(b),
        };
        while let Some(&i) = by_end.get(ei) {
            if ivs[i].end + 1 != p {
                break;
            }
            active.remove(&key(i, &ivs[i]));
            ei += 1;
        }
        while let Some(&i) = by_start.get(si) {
            if ivs[i].start != p {
                break;
            }
            active.insert(key(i, &ivs[i]));
            si += 1;
        }
        let best = active.last().map(|k| ivs[k.3 as usize].fact).unwrap_or(NONE);
        match out.last_mut() {
            Some(last) if last.0 == p => last.1 = best,
            Some(last) if last.1 == best => {}
            _ => out.push((p, best)),
        }
    }
    out.dedup_by(|b, a| a.1 == b.1);
    out
}

/// Overlays the groups' segmentations: one segment per change of any group.
fn merge(segs: &[Vec<(u128, u32)>]) -> Vec<(u128, [u32; 4])> {
    let mut idx = [0usize; 4];
    let mut cur = [NONE; 4];
    let mut out: Vec<(u128, [u32; 4])> = Vec::new();
    loop {
        let mut p: Option<u128> = None;
        for g in 0..4 {
            if let Some(&(s, _)) = segs[g].get(idx[g]) {
                p = Some(p.map_or(s, |q: u128| q.min(s)));
            }
        }
        let Some(p) = p else { break };
        for g in 0..4 {
            if let Some(&(s, v)) = segs[g].get(idx[g])
                && s == p
            {
                cur[g] = v;
                idx[g] += 1;
            }
        }
        if out.last().map(|l| l.1) != Some(cur) {
            out.push((p, cur));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_pick_the_most_specific_range() {
        let ivs = vec![
            Interval { start: 0, end: 99, fact: 1, prio: 1, rank: 0 },
            Interval { start: 10, end: 19, fact: 2, prio: 1, rank: 0 },
            Interval { start: 15, end: 30, fact: 3, prio: 2, rank: 0 },
        ];
        let s = segment(ivs, 1000);
        assert_eq!(s, vec![(0, 1), (10, 2), (15, 3), (31, 1), (100, NONE)]);
    }

    #[test]
    fn segments_cover_the_top_of_the_space() {
        let ivs = vec![Interval { start: 5, end: u128::MAX, fact: 7, prio: 1, rank: 0 }];
        assert_eq!(segment(ivs, u128::MAX), vec![(0, NONE), (5, 7)]);
        assert_eq!(segment(Vec::new(), 10), vec![(0, NONE)]);
    }

    #[test]
    fn word_matching() {
        assert!(contains_word("t-mobile usa", "t-mobile"));
        assert!(contains_word("verizon wireless", "wireless"));
        assert!(!contains_word("walter industries", "lte"));
    }

    /// Every name the word lists decide is worded as what it says: broadband only when
    /// it says broadband (a catch-all once worded every kind but hosting and mobile as
    /// broadband), and each kind in its own words.
    #[test]
    fn a_network_name_is_worded_as_what_it_says() {
        let h = hints();
        let mut infer = Infer { hosting_ases: HashSet::new(), names: HashMap::new() };
        let mut seen = Vec::new();
        for words in [&h.hosting_org_keywords, &h.mobile_org_keywords, &h.residential_org_keywords] {
            for w in words {
                let org: Arc<str> = Arc::from(format!("Example {w} Inc"));
                let says = network_name_says(&org).unwrap_or_else(|| panic!("{org:?} says nothing"));
                let Some((kind, source)) = infer.kind(None, Some(&org)) else { panic!("{org:?}: no kind inferred") };
                assert_eq!(kind, says.kind(), "{org:?}");
                assert_eq!(
                    source.contains("broadband"),
                    kind == IpKind::Residential,
                    "{org:?} is {kind:?}: {source:?}"
                );
                seen.push(says);
            }
        }
        for says in NameSays::ALL {
            assert!(seen.contains(&says), "no word of the lists says {says:?}");
            let own = match says.kind() {
                IpKind::Residential => "broadband",
                other => other.as_str(),
            };
            let w = h.name_says.get(says);
            for text in [&w.listed, &w.reported] {
                assert!(text.contains(own), "{says:?} worded {text:?}");
                assert_eq!(text.contains("broadband"), says == NameSays::Broadband, "{says:?} worded {text:?}");
            }
        }
    }

    #[test]
    fn embedded_hints_parse() {
        let h = hints();
        assert_eq!(h.name_hints.get("vpn").map(String::as_str), Some("vpn"));
        assert_eq!(h.as_share.kinds, vec![IpKind::Hosting, IpKind::Vpn], "every kind is a kind");
        assert_eq!(h.as_share.lends, IpKind::Hosting);
        assert!((0.0..1.0).contains(&h.as_share.min_share));
        for words in [
            &h.mobile_org_keywords,
            &h.hosting_org_keywords,
            &h.hosting_hint_org_keywords,
            &h.access_org_keywords,
            &h.residential_org_keywords,
        ] {
            assert!(words.iter().all(|w| !w.is_empty() && *w == w.to_lowercase()), "{words:?}: lower case words");
        }
    }
}

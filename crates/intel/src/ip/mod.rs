//! IP intelligence: every list the user supplies, merged into one longest-prefix lookup.
//!
//! Sources disagree and overlap: an ASN table covers the whole Internet in ranges, a
//! country table covers it in other ranges, a VPN list names /24s inside a hosting
//! provider's /12, a MaxMind City database has its own tree. Rather than consult each at
//! query time, [`IpIntelBuilder`] cuts the address space at every boundary of every
//! source, decides each field per piece (the user's own `ipintel.csv` and configured
//! corporate ranges first, then databases, then public lists; within a tier the most
//! specific range wins, and for the network kind the more telling kind wins: Tor over
//! proxy over VPN over hosting, AS-number lists taking part like range lists; the whole
//! rule for the kind is `build::decide_kind`), interns the resulting records and keeps
//! one sorted array of range starts per address family. A lookup is then one table probe and a short
//! binary search: tens of nanoseconds, no allocation.
//!
//! Every field of a record says which list decided it, so evidence can name the source.

pub mod build;
pub mod dprk;
pub mod formats;
pub mod mmdb;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bonafide_core::{CountryCode, GeoPoint, IpKind, Region};
use serde::Serialize;

pub use build::{IpIntelBuilder, Priority};
pub use formats::{IpFormat, sniff};

/// What bonafide knows about one IP range.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IpRecord {
    pub country: Option<CountryCode>,
    pub region: Option<Region>,
    pub city: Option<Arc<str>>,
    pub point: Option<GeoPoint>,
    /// Which list gave the location (country, region, city, coordinates).
    pub place_source: Option<Arc<str>>,
    pub asn: Option<u32>,
    pub as_org: Option<Arc<str>>,
    pub asn_source: Option<Arc<str>>,
    pub kind: IpKind,
    /// Which list or rule decided the kind.
    pub kind_source: Option<Arc<str>>,
    /// A name the deciding list gave (`Astrill`, `aws`, `M247, GB (NordVPN)`).
    pub label: Option<Arc<str>>,
}

/// Summary of what went into a lookup, for the run report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IntelStats {
    pub sources: Vec<SourceStat>,
    pub v4_ranges: usize,
    pub v6_ranges: usize,
    pub records: usize,
    pub asn_kinds: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceStat {
    pub name: String,
    pub format: String,
    pub entries: u64,
}

const NONE: u32 = u32::MAX;

/// A merged record as stored: 28 bytes, every string and place an index into a shared
/// table. The real public lists merge into about 180,000 distinct records; kept as
/// [`IpRecord`]s (with their `Arc`s and options, 176 bytes each) they took most of the
/// lookup's memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    pub asn: u32,
    pub as_org: u32,
    pub asn_source: u32,
    pub place: u32,
    pub kind_source: u32,
    pub label: u32,
    pub kind: IpKind,
    pub has_asn: bool,
}

/// A place as stored, shared by every record that names it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PlaceRow {
    pub country: Option<CountryCode>,
    pub region: Option<Region>,
    pub city: Option<Arc<str>>,
    pub point: Option<GeoPoint>,
    pub source: u32,
}

/// The merged lookup.
#[derive(Debug, Default)]
pub struct IpIntel {
    /// `v4_index[p]` = number of v4 segments that start before `p << 16`.
    v4_index: Vec<u32>,
    v4_starts: Vec<u32>,
    v4_recs: Vec<u32>,
    /// `v6_index[p]` = number of v6 segments that start before `p << 112`.
    v6_index: Vec<u32>,
    v6_starts: Vec<u128>,
    v6_recs: Vec<u32>,
    slots: Vec<Slot>,
    strings: Vec<Arc<str>>,
    places: Vec<PlaceRow>,
    asn_kinds: std::collections::HashMap<u32, AsnKind>,
    stats: IntelStats,
}

/// What an AS-number list says about a whole autonomous system.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AsnKind {
    pub kind: IpKind,
    pub label: Option<Arc<str>>,
    pub source: Arc<str>,
}

/// The answer for one IP, borrowed from the lookup: every field of [`IpRecord`] without
/// copying a string (clone the `Arc`s that are kept).
#[derive(Clone, Copy, Debug)]
pub struct IpInfo<'a> {
    intel: &'a IpIntel,
    slot: &'a Slot,
}

impl<'a> IpInfo<'a> {
    fn string(&self, id: u32) -> Option<&'a Arc<str>> {
        if id == NONE { None } else { self.intel.strings.get(id as usize) }
    }

    fn place(&self) -> Option<&'a PlaceRow> {
        if self.slot.place == NONE { None } else { self.intel.places.get(self.slot.place as usize) }
    }

    pub fn country(&self) -> Option<CountryCode> {
        self.place().and_then(|p| p.country)
    }

    pub fn region(&self) -> Option<&'a Region> {
        self.place().and_then(|p| p.region.as_ref())
    }

    pub fn city(&self) -> Option<&'a Arc<str>> {
        self.place().and_then(|p| p.city.as_ref())
    }

    pub fn point(&self) -> Option<GeoPoint> {
        self.place().and_then(|p| p.point)
    }

    /// Which list gave the location.
    pub fn place_source(&self) -> Option<&'a Arc<str>> {
        self.place().and_then(|p| self.string(p.source))
    }

    pub fn asn(&self) -> Option<u32> {
        self.slot.has_asn.then_some(self.slot.asn)
    }

    pub fn as_org(&self) -> Option<&'a Arc<str>> {
        self.string(self.slot.as_org)
    }

    pub fn asn_source(&self) -> Option<&'a Arc<str>> {
        self.string(self.slot.asn_source)
    }

    pub fn kind(&self) -> IpKind {
        self.slot.kind
    }

    /// Which list or rule decided the kind.
    pub fn kind_source(&self) -> Option<&'a Arc<str>> {
        self.string(self.slot.kind_source)
    }

    /// A name the deciding list gave (`Astrill`, `aws`, `M247, GB (NordVPN)`).
    pub fn label(&self) -> Option<&'a Arc<str>> {
        self.string(self.slot.label)
    }

    /// The answer as an owned record.
    pub fn to_record(&self) -> IpRecord {
        IpRecord {
            country: self.country(),
            region: self.region().cloned(),
            city: self.city().cloned(),
            point: self.point(),
            place_source: self.place_source().cloned(),
            asn: self.asn(),
            as_org: self.as_org().cloned(),
            asn_source: self.asn_source().cloned(),
            kind: self.kind(),
            kind_source: self.kind_source().cloned(),
            label: self.label().cloned(),
        }
    }
}

impl IpIntel {
    /// An empty lookup: every query answers `None`.
    pub fn empty() -> IpIntel {
        IpIntelBuilder::default().build()
    }

    /// What the lists say about `ip`, borrowed (the hot path of enrichment).
    #[inline]
    pub fn lookup(&self, ip: IpAddr) -> Option<IpInfo<'_>> {
        let id = match ip {
            IpAddr::V4(v4) => self.lookup_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.lookup_v4(v4),
                None => self.lookup_v6(v6),
            },
        };
        self.info(id)
    }

    /// What the lists say about `ip`, as an owned record.
    pub fn record(&self, ip: IpAddr) -> Option<IpRecord> {
        self.lookup(ip).map(|i| i.to_record())
    }

    #[inline]
    fn lookup_v4(&self, ip: Ipv4Addr) -> u32 {
        let ip = u32::from(ip);
        if self.v4_starts.is_empty() {
            return NONE;
        }
        let p = (ip >> 16) as usize;
        let lo = self.v4_index[p] as usize;
        let hi = self.v4_index[p + 1] as usize;
        // Segments starting inside this /16 are starts[lo..hi]; the one holding `ip` is
        // the last one starting at or before it, or the one carried over from before.
        let k = self.v4_starts[lo..hi].partition_point(|&s| s <= ip);
        let i = lo + k;
        if i == 0 { NONE } else { self.v4_recs[i - 1] }
    }

    #[inline]
    fn lookup_v6(&self, ip: Ipv6Addr) -> u32 {
        let ip = u128::from(ip);
        if self.v6_starts.is_empty() {
            return NONE;
        }
        // The same two-step search as IPv4, on the top 16 bits.
        let p = (ip >> 112) as usize;
        let lo = self.v6_index[p] as usize;
        let hi = self.v6_index[p + 1] as usize;
        let i = lo + self.v6_starts[lo..hi].partition_point(|&s| s <= ip);
        if i == 0 { NONE } else { self.v6_recs[i - 1] }
    }

    /// Every range the lookup answers for, in address order (IPv4 first), with its first
    /// and last address: for audits of how the merged lists classify the address space
    /// (the `ip_kinds` example), not for the hot path.
    pub fn ranges(&self) -> impl Iterator<Item = (IpAddr, IpAddr, IpInfo<'_>)> + '_ {
        let v4 = self.v4_starts.iter().enumerate().filter_map(move |(i, &start)| {
            let end = self.v4_starts.get(i + 1).map_or(u32::MAX, |next| next - 1);
            let info = self.info(self.v4_recs[i])?;
            Some((IpAddr::V4(start.into()), IpAddr::V4(end.into()), info))
        });
        let v6 = self.v6_starts.iter().enumerate().filter_map(move |(i, &start)| {
            let end = self.v6_starts.get(i + 1).map_or(u128::MAX, |next| next - 1);
            let info = self.info(self.v6_recs[i])?;
            Some((IpAddr::V6(start.into()), IpAddr::V6(end.into()), info))
        });
        v4.chain(v6)
    }

    #[inline]
    fn info(&self, id: u32) -> Option<IpInfo<'_>> {
        if id == NONE { None } else { self.slots.get(id as usize).map(|slot| IpInfo { intel: self, slot }) }
    }

    /// What the AS-number lists say about `asn`, for events whose vendor reports an AS
    /// but whose IP no range list covers.
    pub fn asn_kind(&self, asn: u32) -> Option<&AsnKind> {
        self.asn_kinds.get(&asn)
    }

    pub fn stats(&self) -> &IntelStats {
        &self.stats
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Heap bytes held by the lookup: range tables, records, places, and the strings
    /// they share (each counted once).
    pub fn memory_bytes(&self) -> usize {
        let tables = self.v4_index.capacity() * 4
            + self.v4_starts.capacity() * 4
            + self.v4_recs.capacity() * 4
            + self.v6_index.capacity() * 4
            + self.v6_starts.capacity() * 16
            + self.v6_recs.capacity() * 4;
        let slots = self.slots.capacity() * std::mem::size_of::<Slot>();
        let places = self.places.capacity() * std::mem::size_of::<PlaceRow>()
            + self.places.iter().map(|p| p.region.as_ref().map_or(0, |r| r.0.len() + 16)).sum::<usize>();
        let strings = self.strings.capacity() * std::mem::size_of::<Arc<str>>()
            + self.strings.iter().map(|s| s.len() + 16).sum::<usize>();
        let asn = self.asn_kinds.capacity() * (std::mem::size_of::<(u32, AsnKind)>() + 1);
        tables + slots + places + strings + asn
    }

    pub(crate) fn from_parts(parts: Parts) -> IpIntel {
        IpIntel {
            v4_index: parts.v4_index,
            v4_starts: parts.v4_starts,
            v4_recs: parts.v4_recs,
            v6_index: parts.v6_index,
            v6_starts: parts.v6_starts,
            v6_recs: parts.v6_recs,
            slots: parts.slots,
            strings: parts.strings,
            places: parts.places,
            asn_kinds: parts.asn_kinds,
            stats: parts.stats,
        }
    }
}

/// What the builder hands over.
pub(crate) struct Parts {
    pub v4_index: Vec<u32>,
    pub v4_starts: Vec<u32>,
    pub v4_recs: Vec<u32>,
    pub v6_index: Vec<u32>,
    pub v6_starts: Vec<u128>,
    pub v6_recs: Vec<u32>,
    pub slots: Vec<Slot>,
    pub strings: Vec<Arc<str>>,
    pub places: Vec<PlaceRow>,
    pub asn_kinds: std::collections::HashMap<u32, AsnKind>,
    pub stats: IntelStats,
}

#[cfg(test)]
mod tests;

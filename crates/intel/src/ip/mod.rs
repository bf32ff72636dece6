//! IP intelligence: every list the user supplies, merged into one longest-prefix lookup.
//!
//! Sources disagree and overlap: an ASN table covers the whole Internet in ranges, a
//! country table covers it in other ranges, a VPN list names /24s inside a hosting
//! provider's /12, a MaxMind City database has its own tree. Rather than consult each at
//! query time, [`IpIntelBuilder`] cuts the address space at every boundary of every
//! source, decides each field per piece (the user's own `ipintel.csv` and configured
//! corporate ranges first, then databases, then public lists; within a tier the most
//! specific range wins, and for the network kind the more telling kind wins: Tor over
//! proxy over VPN over hosting), interns the resulting records and keeps one sorted array
//! of range starts per address family. A lookup is then one table probe and a short
//! binary search: tens of nanoseconds, no allocation.
//!
//! Every field of a record says which list decided it, so evidence can name the source.

pub mod build;
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

/// The merged lookup.
#[derive(Debug, Default)]
pub struct IpIntel {
    /// `v4_index[p]` = number of v4 segments that start before `p << 16`.
    v4_index: Vec<u32>,
    v4_starts: Vec<u32>,
    v4_recs: Vec<u32>,
    v6_starts: Vec<u128>,
    v6_recs: Vec<u32>,
    records: Vec<IpRecord>,
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

impl IpIntel {
    /// An empty lookup: every query answers `None`.
    pub fn empty() -> IpIntel {
        IpIntelBuilder::default().build()
    }

    pub fn lookup(&self, ip: IpAddr) -> Option<&IpRecord> {
        let id = match ip {
            IpAddr::V4(v4) => self.lookup_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.lookup_v4(v4),
                None => self.lookup_v6(v6),
            },
        };
        if id == NONE { None } else { self.records.get(id as usize) }
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
        let i = self.v6_starts.partition_point(|&s| s <= ip);
        if i == 0 { NONE } else { self.v6_recs[i - 1] }
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
        self.records.is_empty()
    }

    /// Heap bytes held by the lookup tables and records (approximate for strings).
    pub fn memory_bytes(&self) -> usize {
        let tables = self.v4_index.capacity() * 4
            + self.v4_starts.capacity() * 4
            + self.v4_recs.capacity() * 4
            + self.v6_starts.capacity() * 16
            + self.v6_recs.capacity() * 4;
        let recs = self.records.capacity() * std::mem::size_of::<IpRecord>();
        tables + recs
    }
}

#[cfg(test)]
mod tests;

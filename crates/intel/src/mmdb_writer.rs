//! A small writer of MaxMind DB files, for tests and synthetic data.
//!
//! bonafide only reads `.mmdb` files in production; this writer exists so that tests and
//! the simulator can produce real, spec-conformant databases (search tree, data section,
//! metadata) and read them back through the same `maxminddb` reader users' files go
//! through. It supports 24-bit records, IPv4 and IPv6 trees (IPv4 networks are placed at
//! `::a.b.c.d/96+n` in an IPv6 tree) and the data types MaxMind databases use.

use std::net::IpAddr;

/// A value in the data section.
#[derive(Clone, Debug, PartialEq)]
pub enum MmdbValue {
    Str(String),
    F64(f64),
    U16(u16),
    U32(u32),
    U64(u64),
    Bool(bool),
    Map(Vec<(String, MmdbValue)>),
    Array(Vec<MmdbValue>),
}

impl MmdbValue {
    pub fn map(pairs: &[(&str, MmdbValue)]) -> MmdbValue {
        MmdbValue::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    pub fn str(s: &str) -> MmdbValue {
        MmdbValue::Str(s.to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rec {
    Empty,
    Node(usize),
    Data(usize),
}

/// Builds a database in memory.
pub struct MmdbWriter {
    ip_version: u16,
    database_type: String,
    nodes: Vec<[Rec; 2]>,
    data: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WriteError {
    #[error("an IPv6 network cannot go into an IPv4 database")]
    Family,
    #[error("prefix length out of range")]
    Prefix,
    #[error("network overlaps one already inserted")]
    Overlap,
    #[error("database too large for 24-bit records")]
    TooLarge,
}

impl MmdbWriter {
    /// `ip_version` is 4 or 6; `database_type` as MaxMind names it (`GeoLite2-City`).
    pub fn new(ip_version: u16, database_type: &str) -> MmdbWriter {
        MmdbWriter {
            ip_version,
            database_type: database_type.to_string(),
            nodes: vec![[Rec::Empty; 2]],
            data: Vec::new(),
        }
    }

    /// Inserts `ip/prefix` with `value`. Networks must not overlap.
    pub fn insert(&mut self, ip: IpAddr, prefix: u8, value: &MmdbValue) -> Result<(), WriteError> {
        let (bits, len): (u128, u8) = match (ip, self.ip_version) {
            (IpAddr::V4(v4), 4) => (u128::from(u32::from(v4)) << 96, 32),
            (IpAddr::V4(v4), _) => (u128::from(u32::from(v4)), 128),
            (IpAddr::V6(v6), 6) => (u128::from(v6), 128),
            (IpAddr::V6(_), _) => return Err(WriteError::Family),
        };
        let depth = match (ip, self.ip_version) {
            (IpAddr::V4(_), 6) => 96 + u16::from(prefix),
            _ => u16::from(prefix),
        };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        if prefix > max || depth == 0 || depth > u16::from(len) {
            return Err(WriteError::Prefix);
        }
        let offset = self.data.len();
        encode(value, &mut self.data);
        let mut node = 0usize;
        for d in 0..depth {
            let bit = ((bits >> (127 - d)) & 1) as usize;
            if d == depth - 1 {
                if self.nodes[node][bit] != Rec::Empty {
                    return Err(WriteError::Overlap);
                }
                self.nodes[node][bit] = Rec::Data(offset);
            } else {
                node = match self.nodes[node][bit] {
                    Rec::Node(n) => n,
                    Rec::Empty => {
                        self.nodes.push([Rec::Empty; 2]);
                        let n = self.nodes.len() - 1;
                        self.nodes[node][bit] = Rec::Node(n);
                        n
                    }
                    Rec::Data(_) => return Err(WriteError::Overlap),
                };
            }
        }
        Ok(())
    }

    /// The finished file.
    pub fn finish(self) -> Result<Vec<u8>, WriteError> {
        let n = self.nodes.len();
        let mut out = Vec::with_capacity(n * 6 + 16 + self.data.len() + 256);
        for node in &self.nodes {
            for rec in node {
                let v = match *rec {
                    Rec::Empty => n,
                    Rec::Node(i) => i,
                    Rec::Data(off) => n + 16 + off,
                };
                if v >= 1 << 24 {
                    return Err(WriteError::TooLarge);
                }
                out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
            }
        }
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(super::ip::formats::MMDB_MARKER);
        let meta = MmdbValue::map(&[
            ("binary_format_major_version", MmdbValue::U16(2)),
            ("binary_format_minor_version", MmdbValue::U16(0)),
            ("build_epoch", MmdbValue::U64(1_700_000_000)),
            ("database_type", MmdbValue::Str(self.database_type.clone())),
            ("description", MmdbValue::map(&[("en", MmdbValue::str("bonafide test database"))])),
            ("ip_version", MmdbValue::U16(self.ip_version)),
            ("languages", MmdbValue::Array(vec![MmdbValue::str("en")])),
            ("node_count", MmdbValue::U32(n as u32)),
            ("record_size", MmdbValue::U16(24)),
        ]);
        encode(&meta, &mut out);
        Ok(out)
    }
}

fn control(out: &mut Vec<u8>, ty: u8, size: usize) {
    let (size_bits, extra): (u8, Vec<u8>) = if size < 29 {
        (size as u8, vec![])
    } else if size < 29 + 256 {
        (29, vec![(size - 29) as u8])
    } else if size < 285 + 65_536 {
        let s = size - 285;
        (30, vec![(s >> 8) as u8, s as u8])
    } else {
        let s = size - 65_821;
        (31, vec![(s >> 16) as u8, (s >> 8) as u8, s as u8])
    };
    if ty <= 7 {
        out.push((ty << 5) | size_bits);
    } else {
        out.push(size_bits);
        out.push(ty - 7);
    }
    out.extend_from_slice(&extra);
}

fn uint(out: &mut Vec<u8>, ty: u8, v: u128) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    control(out, ty, bytes.len() - skip);
    out.extend_from_slice(&bytes[skip..]);
}

fn encode(v: &MmdbValue, out: &mut Vec<u8>) {
    match v {
        MmdbValue::Str(s) => {
            control(out, 2, s.len());
            out.extend_from_slice(s.as_bytes());
        }
        MmdbValue::F64(f) => {
            control(out, 3, 8);
            out.extend_from_slice(&f.to_be_bytes());
        }
        MmdbValue::U16(n) => uint(out, 5, u128::from(*n)),
        MmdbValue::U32(n) => uint(out, 6, u128::from(*n)),
        MmdbValue::U64(n) => uint(out, 9, u128::from(*n)),
        MmdbValue::Bool(b) => control(out, 14, usize::from(*b)),
        MmdbValue::Map(pairs) => {
            control(out, 7, pairs.len());
            for (k, v) in pairs {
                encode(&MmdbValue::Str(k.clone()), out);
                encode(v, out);
            }
        }
        MmdbValue::Array(items) => {
            control(out, 11, items.len());
            for item in items {
                encode(item, out);
            }
        }
    }
}

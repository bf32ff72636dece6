//! The DPRK's own address space: the AS and the block allocated to the country
//! (`[dprk]` in `data/ipintel.toml`).
//!
//! A connection from it is a network location, like a country of sign-in, but a telling
//! one: the DPRK's network is reachable from inside the country, or by relaying through
//! it, and nowhere else. The allocation decides, not a country column: whois rows say
//! "KP" for hobbyists' blocks and VPN locations too.

use std::fmt;
use std::net::IpAddr;
use std::sync::OnceLock;

use super::build::{hints, prefix_range};
use super::formats::parse_cidr;

/// `[dprk]` in `data/ipintel.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DprkData {
    pub asns: Vec<u32>,
    pub networks: Vec<String>,
}

/// Why an address is in the DPRK's space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DprkSpace {
    /// Inside a block allocated to the DPRK (as written in the data, `175.45.176.0/22`).
    Network(&'static str),
    /// Announced by the DPRK's AS (outside the blocks the data lists).
    As(u32),
}

impl fmt::Display for DprkSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DprkSpace::Network(n) => write!(f, "{n}, allocated to the DPRK"),
            DprkSpace::As(a) => write!(f, "AS{a}, the DPRK's network"),
        }
    }
}

/// The listed blocks as address ranges (IPv4 as IPv4-mapped is looked up as IPv4).
fn blocks() -> &'static [(IpAddr, IpAddr, &'static str)] {
    static B: OnceLock<Vec<(IpAddr, IpAddr, &'static str)>> = OnceLock::new();
    B.get_or_init(|| {
        hints()
            .dprk
            .networks
            .iter()
            .filter_map(|n| {
                let (ip, prefix) = parse_cidr(n)?;
                let (start, end) = prefix_range(ip, prefix)?;
                Some((start, end, n.as_str()))
            })
            .collect()
    })
}

/// Whether `ip` (announced by `asn`, when known) is in the DPRK's own address space.
pub fn dprk_space(ip: IpAddr, asn: Option<u32>) -> Option<DprkSpace> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let in_block =
        blocks().iter().find(|(start, end, _)| start.is_ipv4() == ip.is_ipv4() && *start <= ip && ip <= *end);
    match (in_block, asn) {
        (Some((_, _, n)), _) => Some(DprkSpace::Network(n)),
        (None, Some(a)) if hints().dprk.asns.contains(&a) => Some(DprkSpace::As(a)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_network_parses() {
        assert_eq!(blocks().len(), hints().dprk.networks.len());
        assert!(!hints().dprk.asns.is_empty());
    }
}

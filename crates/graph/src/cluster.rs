//! Components as clusters: their kind, by what holds them together, and their id.
//!
//! The kind is the cluster kind whose links carry the most bits (ties go to the kind
//! listed first in [`ClusterKind::PRIORITY`]): a group bound mostly by one delivery
//! address is a laptop farm even if two of its members also share a router.
//!
//! The id rule: `C` + 12 hex digits of FNV-1a-64 over the smallest member's stable
//! subject id (byte order). It does not depend on input order, on subject indices or on
//! which identifiers happen to be present, so the same group gets the same id in every
//! run; a group that gains members keeps its id unless a member with a smaller id
//! joins; two clusters that merge keep the id of the one with the smaller anchor.

use crate::graph::Link;
use crate::ident::value_hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClusterKind {
    LaptopFarm,
    SharedPayout,
    SharedIdentity,
    PersonaRing,
    SharedNetwork,
}

impl ClusterKind {
    pub const PRIORITY: [ClusterKind; 5] = [
        ClusterKind::LaptopFarm,
        ClusterKind::SharedPayout,
        ClusterKind::SharedIdentity,
        ClusterKind::PersonaRing,
        ClusterKind::SharedNetwork,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClusterKind::LaptopFarm => "laptop_farm",
            ClusterKind::SharedPayout => "shared_payout",
            ClusterKind::SharedIdentity => "shared_identity",
            ClusterKind::PersonaRing => "persona_ring",
            ClusterKind::SharedNetwork => "shared_network",
        }
    }

    /// The kind whose links carry the most bits.
    pub fn of(links: &[Link]) -> ClusterKind {
        let mut best = (ClusterKind::SharedNetwork, f32::NEG_INFINITY);
        for k in ClusterKind::PRIORITY {
            let bits: f32 = links.iter().filter(|l| l.kind.cluster_kind() == k).map(|l| l.bits).sum();
            if bits > best.1 + 1e-4 {
                best = (k, bits);
            }
        }
        best.0
    }
}

/// One cluster: members (graph indices, ordered by stable id) and the links among them.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub id: String,
    pub kind: ClusterKind,
    pub members: Vec<u32>,
    pub links: Vec<Link>,
}

/// The id of a cluster anchored at the member with the smallest stable id.
pub fn stable_id(anchor: &str) -> String {
    format!("C{:012x}", value_hash(anchor) >> 16)
}

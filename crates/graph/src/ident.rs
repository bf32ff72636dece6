//! Typed identifiers and what one shared value is worth.
//!
//! Each kind has a base weight in bits (how much two unrelated people holding the same
//! value says), a frequency discount (each doubling of the number of distinct households
//! holding the value beyond two costs `penalty` bits: one account shared by three is
//! nearly as damning as by two, one IP shared by forty says nothing), a ceiling on the
//! number of holders beyond which the value is treated as public, and whether members of
//! one household sharing it count (a couple shares a home, a router and often an
//! account; they do not share a social security number).

use crate::cluster::ClusterKind;

/// What kind of identifier a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    /// Bank account or IBAN, as a keyed fingerprint.
    BankAccount,
    /// Crypto wallet address.
    Wallet,
    /// SSN, as a keyed fingerprint.
    Ssn,
    /// Identity document number, as a keyed fingerprint.
    IdDocument,
    /// Phone in E.164.
    Phone,
    /// Email, normalised (trimmed, lower case).
    Email,
    /// The claimed home, normalised address key.
    HomeAddress,
    /// Where equipment was delivered, normalised address key.
    ShippingAddress,
    /// A device's serial number.
    DeviceSerial,
    /// One public IP on one UTC day (`ip@day`), or an IP a detector already found shared
    /// on the same days by unrelated people.
    IpDay,
    /// A public IP that a detector (D3) already found used by unrelated people on the
    /// same days, with corporate, carrier and anonymising ranges and large groups left
    /// out: vetted, so it links on its own, unlike a raw [`IdKind::IpDay`].
    SharedIp,
    /// GitHub handle, lower case.
    Github,
    /// A portfolio website as people.csv gives it, keyed by host (and a profile host's
    /// first path segment: `github.com/name`).
    Website,
    /// The subject who referred this one.
    Referrer,
    /// One profile photo (A6 found it, or a light edit of it, under several identities).
    PhotoHash,
    /// Profile photos alike but further apart than a light edit usually moves them (A6's
    /// similar photos): chance look-alikes occur in large pools, so this is weak alone.
    SimilarPhoto,
    /// One resume, or an edit of it (H1).
    ResumeSketch,
    /// Two addresses in one block (same locality and house number) whose streets are
    /// spelled alike but not identically.
    FuzzyAddress,
    /// Two names spelled alike with the same date of birth. Weak alone (names and
    /// birthdays collide in large pools): it needs another link to join a pair.
    FuzzyName,
}

impl IdKind {
    pub const ALL: [IdKind; 19] = [
        IdKind::BankAccount,
        IdKind::Wallet,
        IdKind::Ssn,
        IdKind::IdDocument,
        IdKind::Phone,
        IdKind::Email,
        IdKind::HomeAddress,
        IdKind::ShippingAddress,
        IdKind::DeviceSerial,
        IdKind::IpDay,
        IdKind::SharedIp,
        IdKind::Github,
        IdKind::Website,
        IdKind::Referrer,
        IdKind::PhotoHash,
        IdKind::SimilarPhoto,
        IdKind::ResumeSketch,
        IdKind::FuzzyAddress,
        IdKind::FuzzyName,
    ];

    /// The name used in reports (`clusters[].links[].kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::BankAccount => "bank_account",
            IdKind::Wallet => "wallet",
            IdKind::Ssn => "ssn",
            IdKind::IdDocument => "id_document",
            IdKind::Phone => "phone",
            IdKind::Email => "email",
            IdKind::HomeAddress => "home_address",
            IdKind::ShippingAddress => "shipping_address",
            IdKind::DeviceSerial => "device_serial",
            IdKind::IpDay => "ip_day",
            IdKind::SharedIp => "ip",
            IdKind::Github => "github",
            IdKind::Website => "website",
            IdKind::Referrer => "referrer",
            IdKind::PhotoHash => "photo",
            IdKind::SimilarPhoto => "similar_photo",
            IdKind::ResumeSketch => "resume",
            IdKind::FuzzyAddress => "similar_address",
            IdKind::FuzzyName => "similar_name",
        }
    }

    /// Bits one value shared by two unrelated households is worth.
    pub fn base_bits(self) -> f32 {
        match self {
            IdKind::BankAccount | IdKind::Wallet | IdKind::Ssn | IdKind::IdDocument => 8.0,
            IdKind::PhotoHash | IdKind::DeviceSerial => 8.0,
            IdKind::Email | IdKind::Github => 7.0,
            IdKind::Phone | IdKind::ShippingAddress | IdKind::ResumeSketch | IdKind::SharedIp => 6.0,
            IdKind::Website => 6.0,
            IdKind::HomeAddress | IdKind::FuzzyName | IdKind::SimilarPhoto => 4.0,
            IdKind::IpDay | IdKind::FuzzyAddress => 3.0,
            IdKind::Referrer => 1.5,
        }
    }

    /// Bits lost per doubling of distinct households beyond two.
    pub fn penalty(self) -> f32 {
        match self {
            // A farm can be two dozen strong: a shared door or a router that a detector
            // found shared by unrelated people still links them all (25 households:
            // 5.1 bits).
            IdKind::ShippingAddress | IdKind::SharedIp => 0.25,
            // A facilitator's phone serves several personas.
            IdKind::Phone => 0.5,
            _ => 1.0,
        }
    }

    /// Holders beyond which the value is public (a carrier-NAT IP, a call-centre
    /// number) and links nobody.
    pub fn max_holders(self) -> usize {
        match self {
            IdKind::ShippingAddress => 40,
            IdKind::BankAccount | IdKind::Wallet | IdKind::Referrer => 25,
            IdKind::IpDay => 16,
            IdKind::SharedIp => 64,
            IdKind::HomeAddress | IdKind::FuzzyAddress | IdKind::FuzzyName => 12,
            _ => 16,
        }
    }

    /// True when two members of one household sharing the value is ordinary life.
    pub fn household_shares(self) -> bool {
        matches!(
            self,
            IdKind::BankAccount
                | IdKind::Phone
                | IdKind::Email
                | IdKind::HomeAddress
                | IdKind::ShippingAddress
                | IdKind::IpDay
                | IdKind::SharedIp
                | IdKind::Referrer
                | IdKind::FuzzyAddress
                | IdKind::FuzzyName
                | IdKind::Website
        )
    }

    /// The cluster kind a link of this kind argues for.
    pub fn cluster_kind(self) -> ClusterKind {
        match self {
            IdKind::ShippingAddress | IdKind::DeviceSerial | IdKind::HomeAddress | IdKind::FuzzyAddress => {
                ClusterKind::LaptopFarm
            }
            IdKind::BankAccount | IdKind::Wallet => ClusterKind::SharedPayout,
            IdKind::Ssn | IdKind::IdDocument | IdKind::FuzzyName => ClusterKind::SharedIdentity,
            IdKind::Phone
            | IdKind::Email
            | IdKind::PhotoHash
            | IdKind::SimilarPhoto
            | IdKind::ResumeSketch
            | IdKind::Github
            | IdKind::Website => ClusterKind::PersonaRing,
            IdKind::IpDay | IdKind::SharedIp | IdKind::Referrer => ClusterKind::SharedNetwork,
        }
    }

    /// True for the kinds compared by similarity within a block rather than by value.
    pub fn is_fuzzy(self) -> bool {
        matches!(self, IdKind::FuzzyAddress | IdKind::FuzzyName)
    }

    /// Bits of one value of this kind held by `households` distinct households.
    pub fn bits(self, households: usize) -> f32 {
        if households < 2 || households > self.max_holders() {
            return 0.0;
        }
        let doublings = (households as f32 / 2.0).log2();
        (self.base_bits() - self.penalty() * doublings).max(0.0)
    }
}

/// One exact identifier: its kind and the 64-bit hash of its normalised value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident {
    pub kind: IdKind,
    pub value: u64,
}

impl Ident {
    pub fn new(kind: IdKind, normalised: &str) -> Ident {
        Ident { kind, value: value_hash(normalised) }
    }
}

/// What a fuzzy comparison is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FuzzyKind {
    /// `block` = locality and house number, `text` = the street.
    Address,
    /// `block` = date of birth, `text` = the name.
    Name,
}

/// A value compared by similarity, only with others of the same block (blocking: never
/// all pairs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fuzzy {
    pub kind: FuzzyKind,
    pub block: u64,
    pub text: Box<str>,
}

/// A subject as the graph takes it.
#[derive(Clone, Debug, Default)]
pub struct SubjectIn {
    /// The stable id (`subject_id`), which orders members and names clusters.
    pub key: String,
    /// Household id; subjects with the same non-zero value are one household.
    pub household: u64,
    /// The claimed name, for persona rings (H7: several names in one ring).
    pub name: String,
    pub idents: Vec<Ident>,
    pub fuzzy: Vec<Fuzzy>,
}

/// FNV-1a, 64 bits: stable across runs and platforms (std's hasher is seeded per
/// process), so stable cluster ids can be derived from it.
pub fn value_hash(s: &str) -> u64 {
    value_hash_parts(&[s.as_bytes()])
}

/// [`value_hash`] of the parts written one after another, without joining them.
pub fn value_hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_values_say_less() {
        let k = IdKind::BankAccount;
        assert_eq!(k.bits(1), 0.0, "one household sharing with itself");
        assert_eq!(k.bits(2), 8.0);
        assert!(k.bits(3) > 7.0, "three unrelated payees on one account is still damning");
        assert!(IdKind::IpDay.bits(2) > IdKind::IpDay.bits(8));
        assert_eq!(IdKind::IpDay.bits(40), 0.0, "a coffee-shop IP shared by forty says nothing");
        for kind in IdKind::ALL {
            assert!(kind.bits(2) > 0.0 && !kind.as_str().is_empty());
        }
    }

    /// Chance look-alike photos and fuzzy names link nobody alone (the graph's minimum
    /// is 5 bits); one photo under two names does.
    #[test]
    fn weak_kinds_need_company() {
        let min = crate::GraphConfig::default().min_link_bits;
        for k in [IdKind::SimilarPhoto, IdKind::FuzzyName, IdKind::FuzzyAddress] {
            assert!(k.bits(2) < min, "{k:?}");
        }
        assert!(IdKind::PhotoHash.bits(2) >= min);
        assert!(IdKind::SimilarPhoto.bits(2) + IdKind::FuzzyName.bits(2) >= min);
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(value_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(value_hash("a"), value_hash("b"));
        assert_eq!(value_hash_parts(&[b"12 Oak", b"#", b"12"]), value_hash("12 Oak#12"));
    }
}

//! MaxMind-format databases (`.mmdb`): GeoLite2/GeoIP2 City, Country, ASN, ISP,
//! Connection-Type and Anonymous-IP, or any other database with the same field names.
//!
//! The database is walked once, network by network, and each network's fields become
//! facts in the builder at database priority. Field names are read generically, so one
//! reader handles every database type and mixed custom databases alike.

use std::net::IpAddr;

use bonafide_core::{GeoPoint, IpKind};
use maxminddb::{Reader, WithinOptions};
use serde::Deserialize;

use super::build::{Fact, IpIntelBuilder, Priority, prefix_range};
use crate::places::Places;

#[derive(Debug, Default, Deserialize)]
struct Names<'a> {
    #[serde(borrow, default)]
    en: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
struct Named<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
    #[serde(borrow, default)]
    names: Option<Names<'a>>,
}

#[derive(Debug, Default, Deserialize)]
struct Location {
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
struct Traits {
    #[serde(default)]
    is_anonymous_proxy: Option<bool>,
}

/// The union of the fields of MaxMind's database types that bonafide uses.
#[derive(Debug, Default, Deserialize)]
struct MmdbRecord<'a> {
    #[serde(borrow, default)]
    country: Option<Named<'a>>,
    #[serde(borrow, default)]
    registered_country: Option<Named<'a>>,
    #[serde(borrow, default)]
    city: Option<Named<'a>>,
    #[serde(borrow, default)]
    subdivisions: Option<Vec<Named<'a>>>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    traits: Option<Traits>,
    #[serde(default)]
    autonomous_system_number: Option<u32>,
    #[serde(borrow, default)]
    autonomous_system_organization: Option<&'a str>,
    #[serde(borrow, default)]
    isp: Option<&'a str>,
    #[serde(borrow, default)]
    connection_type: Option<&'a str>,
    #[serde(default)]
    is_anonymous_vpn: Option<bool>,
    #[serde(default)]
    is_hosting_provider: Option<bool>,
    #[serde(default)]
    is_public_proxy: Option<bool>,
    #[serde(default)]
    is_residential_proxy: Option<bool>,
    #[serde(default)]
    is_tor_exit_node: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
#[error("not a readable MaxMind database: {0}")]
pub struct MmdbError(String);

/// Loads every network of a MaxMind-format database; returns the networks used.
/// Networks whose data cannot be decoded are reported through `on_bad` with their
/// 0-based position in the walk.
pub fn load(
    builder: &mut IpIntelBuilder,
    source: &str,
    bytes: Vec<u8>,
    on_bad: &mut dyn FnMut(u64, String),
) -> Result<u64, MmdbError> {
    let reader = Reader::from_source(bytes).map_err(|e| MmdbError(e.to_string()))?;
    let places = Places::builtin();
    let db_type = reader.metadata().database_type.clone();
    let walk = reader.networks(WithinOptions::default()).map_err(|e| MmdbError(e.to_string()))?;
    let mut ok = 0u64;
    for (i, item) in walk.enumerate() {
        let i = i as u64;
        let result = match item {
            Ok(r) => r,
            Err(e) => {
                on_bad(i, format!("corrupt search tree: {e}"));
                // A broken tree cannot be walked further reliably.
                break;
            }
        };
        let (ip, prefix): (IpAddr, u8) = match result.network() {
            Ok(n) => (n.ip(), n.prefix()),
            Err(e) => {
                on_bad(i, format!("bad network: {e}"));
                continue;
            }
        };
        let Some((start, end)) = prefix_range(ip, prefix) else {
            on_bad(i, "bad prefix".into());
            continue;
        };
        let rec: MmdbRecord = match result.decode() {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(e) => {
                on_bad(i, format!("undecodable record: {e}"));
                continue;
            }
        };
        let mut facts = Vec::new();
        let country = rec
            .country
            .as_ref()
            .or(rec.registered_country.as_ref())
            .and_then(|c| c.iso_code)
            .and_then(|c| places.country(c));
        let region = rec.subdivisions.as_ref().and_then(|s| s.first()).and_then(|s| match (country, s.iso_code) {
            (Some(cc), Some(code)) => places.region(Some(cc), &format!("{cc}-{code}")),
            _ => s.names.as_ref().and_then(|n| n.en).and_then(|n| places.region(country, n)),
        });
        let city = rec.city.as_ref().and_then(|c| c.names.as_ref()).and_then(|n| n.en).map(str::to_string);
        let point = rec.location.as_ref().and_then(|l| GeoPoint::new(l.latitude?, l.longitude?));
        if country.is_some() || region.is_some() || city.is_some() || point.is_some() {
            facts.push(Fact::Geo { country, region, city, point });
        }
        if let Some(asn) = rec.autonomous_system_number {
            let org = rec.autonomous_system_organization.or(rec.isp).map(str::to_string);
            facts.push(Fact::Asn { asn, org });
        }
        let kind = if rec.is_tor_exit_node == Some(true) {
            Some(IpKind::Tor)
        } else if rec.is_public_proxy == Some(true)
            || rec.is_residential_proxy == Some(true)
            || rec.traits.as_ref().and_then(|t| t.is_anonymous_proxy) == Some(true)
        {
            Some(IpKind::Proxy)
        } else if rec.is_anonymous_vpn == Some(true) {
            Some(IpKind::Vpn)
        } else if rec.is_hosting_provider == Some(true) {
            Some(IpKind::Hosting)
        } else if rec.connection_type.is_some_and(|c| c.eq_ignore_ascii_case("cellular")) {
            Some(IpKind::Mobile)
        } else {
            None
        };
        if let Some(kind) = kind {
            facts.push(Fact::Kind { kind, label: None });
        }
        if facts.is_empty() {
            continue;
        }
        for fact in facts {
            if let Err(e) = builder.add_range(start, end, fact, source, Priority::Database) {
                on_bad(i, e.to_string());
            }
        }
        ok += 1;
    }
    tracing::debug!(source, db_type, networks = ok, "mmdb loaded");
    Ok(ok)
}

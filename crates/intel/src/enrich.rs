//! Enrichment of an event's network side: where the IP is and what kind of network it
//! belongs to, decided once here so that every detector sees the same answer.
//!
//! Place: the vendor's own geolocation when it gave a country (the identity provider saw
//! the connection), else IP intelligence. Kind: IP intelligence (its one rule is
//! `ip::build::decide_kind`); for an IP it knows nothing of, the AS-number lists' kind of
//! the AS the vendor reports, then what the network name the vendor reports plainly
//! says (the same word rule as for the lists' AS names), else `unknown`. The kind is
//! raised to `proxy` when the vendor itself flagged an anonymiser, and
//! `corporate` for the organisation's configured egress and approved VPN ranges, which
//! then say nothing about where a person is.

use std::sync::Arc;

use bonafide_core::{IpKind, Net, Place};
use serde::{Deserialize, Serialize};

use crate::ip::build::{ByNameSays, Fact, NameSays, hints, network_name_says};
use crate::ip::{IpIntel, IpIntelBuilder, Priority, formats::parse_cidr};

/// `[network]` in `bonafide.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// The organisation's own egress ranges (offices, data centres), as CIDRs. Sign-ins
    /// from them are `corporate`: excluded from travel, shared-IP and geography checks.
    pub corporate_egress: Vec<String>,
    /// Egress ranges of VPNs the organisation runs or approves, as CIDRs; treated like
    /// corporate egress.
    pub approved_vpn: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "[network] {field}: {value:?} is not a CIDR network (an address, or address/prefix with a prefix of at most 32 for IPv4 and 128 for IPv6, e.g. \"203.0.113.0/24\")"
)]
pub struct NetworkConfigError {
    pub field: &'static str,
    pub value: String,
}

impl NetworkConfig {
    /// Every configured range that is not a CIDR network, so that a configuration check
    /// reports them all before a scan would stop at the first.
    pub fn check(&self) -> Vec<NetworkConfigError> {
        [("corporate_egress", &self.corporate_egress), ("approved_vpn", &self.approved_vpn)]
            .into_iter()
            .flat_map(|(field, list)| {
                list.iter()
                    .filter(|v| parse_cidr(v).is_none())
                    .map(move |v| NetworkConfigError { field, value: v.clone() })
            })
            .collect()
    }

    /// Adds the configured ranges to an intelligence builder at the highest priority.
    pub fn apply(&self, builder: &mut IpIntelBuilder) -> Result<(), NetworkConfigError> {
        for (field, list, label) in [
            ("corporate_egress", &self.corporate_egress, "corporate egress"),
            ("approved_vpn", &self.approved_vpn, "approved VPN"),
        ] {
            for value in list {
                let (ip, prefix) =
                    parse_cidr(value).ok_or_else(|| NetworkConfigError { field, value: value.clone() })?;
                let fact = Fact::Kind { kind: IpKind::Corporate, label: Some(label.to_string()) };
                builder
                    .add_net(ip, prefix, fact, &format!("config [network] {field}"), Priority::Config)
                    .map_err(|_| NetworkConfigError { field, value: value.clone() })?;
            }
        }
        Ok(())
    }
}

/// Fills the enrichment fields of [`Net`].
pub struct Enricher {
    intel: Arc<IpIntel>,
    vendor_proxy_source: Arc<str>,
    /// The `kind_source` of a kind read from the network a sign-in names: the `reported`
    /// wording of `[name_says]` in `data/ipintel.toml`, shared by every event.
    reported_sources: ByNameSays<Arc<str>>,
    /// Network names already judged: with no IP data loaded every event asks, and a
    /// scan sees a few hundred distinct names.
    names: std::sync::Mutex<std::collections::HashMap<Arc<str>, Option<NameSays>>>,
}

/// Distinct network names remembered, at most (beyond it each is judged afresh).
const NAMES_KEPT: usize = 65_536;

impl Enricher {
    pub fn new(intel: Arc<IpIntel>) -> Self {
        Enricher {
            intel,
            vendor_proxy_source: Arc::from("vendor anonymiser flag"),
            reported_sources: hints().name_says.map(|w| Arc::from(w.reported.as_str())),
            names: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    pub fn intel(&self) -> &IpIntel {
        &self.intel
    }

    fn name_says(&self, name: &Arc<str>) -> Option<NameSays> {
        let Ok(mut known) = self.names.lock() else {
            return network_name_says(name);
        };
        if let Some(&k) = known.get(name) {
            return k;
        }
        let k = network_name_says(name);
        if known.len() < NAMES_KEPT {
            known.insert(name.clone(), k);
        }
        k
    }

    pub fn enrich(&self, net: &mut Net) {
        let rec = self.intel.lookup(net.ip);
        net.place = if net.reported.country.is_some() {
            net.reported.clone()
        } else if let Some(r) = rec {
            Place { country: r.country(), region: r.region().cloned(), city: r.city().cloned(), point: r.point() }
        } else {
            net.reported.clone()
        };
        // Whether the sign-in names its network itself: only then can its AS or names say
        // more than the lists, whose own AS and organisation the build already judged.
        let named_by_vendor = net.asn.is_some() || net.as_org.is_some() || net.isp.is_some();
        if net.asn.is_none()
            && let Some(r) = rec
        {
            net.asn = r.asn();
            net.as_org = r.as_org().cloned();
        }
        match rec {
            Some(r) if r.kind() != IpKind::Unknown || r.kind_source().is_some() || !named_by_vendor => {
                net.kind = r.kind();
                net.kind_source = r.kind_source().cloned();
                net.label = r.label().or(r.as_org()).cloned();
            }
            _ => match net.asn.and_then(|a| self.intel.asn_kind(a)) {
                Some(k) => {
                    net.kind = k.kind;
                    net.kind_source = Some(k.source.clone());
                    net.label = k.label.clone().or_else(|| net.as_org.clone());
                }
                None => {
                    // No intelligence on the IP: the network the sign-in itself names
                    // can still say "mobile", whose gateways geolocate far from the
                    // handset (a T-Mobile hotspot "in Dallas" is not a trip from
                    // Chicago), or "hosting". Of two names, the more telling wins
                    // (in [`IpKind`]'s order).
                    let named = [&net.as_org, &net.isp]
                        .into_iter()
                        .flatten()
                        .filter_map(|n| self.name_says(n))
                        .max_by_key(|s| s.kind());
                    net.kind = named.map_or(IpKind::Unknown, NameSays::kind);
                    net.kind_source = named.map(|s| self.reported_sources.get(s).clone());
                    net.label = net.as_org.clone().or_else(|| net.isp.clone());
                }
            },
        }
        if net.vendor_proxy == Some(true) && net.kind < IpKind::Proxy && net.kind != IpKind::Corporate {
            net.kind = IpKind::Proxy;
            net.kind_source = Some(self.vendor_proxy_source.clone());
        }
        net.corporate = net.kind == IpKind::Corporate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With no IP data loaded, the carrier a sign-in names still makes it mobile, so a
    /// hotspot's far-away gateway is not taken for a trip.
    #[test]
    fn a_carrier_named_by_the_sign_in_is_mobile_without_ip_data() {
        let enricher = Enricher::new(Arc::new(IpIntel::empty()));
        let net = |org: &str| {
            let mut n = Net::new("172.56.1.1".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])));
            n.as_org = Some(Arc::from(org));
            enricher.enrich(&mut n);
            n
        };
        let hotspot = net("T-Mobile USA Inc.");
        assert_eq!(hotspot.kind, IpKind::Mobile);
        assert_eq!(hotspot.kind_source.as_deref(), Some("mobile carrier named by the sign-in"));
        assert_eq!(net("Mobileye Vision").kind, IpKind::Unknown, "a word, not a substring");
        // The same word rule as for the lists' AS names.
        let home = net("Comcast Cable Communications");
        assert_eq!(home.kind, IpKind::Residential);
        assert_eq!(home.kind_source.as_deref(), Some("broadband provider named by the sign-in"));
        let vps = net("Example Cloud Hosting Ltd");
        assert_eq!(
            (vps.kind, vps.kind_source.as_deref()),
            (IpKind::Hosting, Some("hosting provider named by the sign-in"))
        );
        assert_eq!(net("AT&T Enterprises, LLC").kind, IpKind::Unknown, "a name that says nothing");
    }

    /// A network a sign-in names is worded as what its name says: every word of the
    /// lists gives its kind a source, and only a broadband word is called broadband.
    #[test]
    fn a_named_network_is_called_broadband_only_when_it_is() {
        let enricher = Enricher::new(Arc::new(IpIntel::empty()));
        let h = hints();
        for words in [&h.hosting_org_keywords, &h.mobile_org_keywords, &h.residential_org_keywords] {
            for w in words {
                let mut n = Net::new(std::net::IpAddr::from([198, 51, 100, 7]));
                n.isp = Some(Arc::from(format!("Example {w} Inc")));
                enricher.enrich(&mut n);
                let source = n.kind_source.as_deref().unwrap_or_else(|| panic!("{w}: {:?} with no source", n.kind));
                assert!(n.kind != IpKind::Unknown, "{w}");
                assert_eq!(source.contains("broadband"), n.kind == IpKind::Residential, "{w}: {:?}, {source}", n.kind);
            }
        }
    }
}

//! I2: many accounts from one IP, each with a device of its own.
//!
//! One operator running several platform accounts (or several workers' laptops behind
//! one connection) shows up as one IP on which, within a few days, several unrelated
//! accounts sign in, each from its own device. The device is what tells this from D3's
//! shared IP: people who share a home share an IP, but the "own device per account"
//! pattern is the set-up a farm or an account reseller builds. Only events with a device
//! identifier count (Entra device ids, Okta devices, `signins.csv` `device_id`).
//! Corporate egress, carrier-NAT mobile ranges and Tor are left out; VPN, proxy and
//! hosting exits, which strangers share, need `min_accounts_anonymising`; more than
//! `max_accounts` on one IP is a public network; households count once.

use std::collections::HashMap;
use std::net::IpAddr;

use bonafide_core::{Event, SubjectIdx};

use super::cohort::Cohort;
use super::observation;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct AccountsPerIp {
    ips: HashMap<IpAddr, Cohort>,
    /// IPs whose network hides its users (VPN, proxy, hosting exits).
    anonymising: std::collections::HashSet<IpAddr>,
}

impl Detector for AccountsPerIp {
    fn name(&self) -> &'static str {
        "accounts-per-ip"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["I2"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let Some(device) = e.device.as_ref() else { return };
        if net.corporate || !cx.config.i2.kinds.contains(&net.kind) {
            return;
        }
        if net.kind.is_anonymising() {
            self.anonymising.insert(net.ip);
        }
        self.ips.entry(net.ip).or_default().add(subject, e.at, e.source, Some(device));
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.i2;
        let mut ips: Vec<(&IpAddr, &Cohort)> =
            self.ips.iter().filter(|(_, c)| c.members.len() >= cfg.min_accounts.max(2)).collect();
        ips.sort_by_key(|(ip, _)| **ip);
        for (ip, c) in ips {
            let need =
                if self.anonymising.contains(ip) { cfg.min_accounts_anonymising } else { cfg.min_accounts }.max(2);
            let involved = c.involved(c.windows(cfg.window_days), |group| {
                if group.len() < need || group.len() > cfg.max_accounts {
                    return Vec::new();
                }
                // Members with a device no other member of the window used.
                let own: Vec<usize> = group
                    .iter()
                    .copied()
                    .filter(|&i| {
                        c.members[i]
                            .devices
                            .iter()
                            .any(|d| group.iter().all(|&j| j == i || !c.members[j].devices.contains(d)))
                    })
                    .collect();
                let subjects: Vec<SubjectIdx> = own.iter().map(|&i| c.members[i].subject).collect();
                if cx.households.count_unrelated(&subjects) < need { Vec::new() } else { own }
            });
            if involved.is_empty() {
                continue;
            }
            let devices: usize = involved.iter().map(|&i| c.members[i].devices.len()).sum();
            let summary = format!(
                "{} accounts ({}) used IP {} within {} days, each from a device of its own ({} devices)",
                involved.len(),
                c.ids(&involved, cx).join(", "),
                ip,
                cfg.window_days,
                devices
            );
            out.push(c.finding(&involved, cx, "I2", ("ip", &ip.to_string()), summary));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    #[test]
    fn three_accounts_three_devices_one_ip() {
        let mut w = World::new(&["A", "B", "C", "Z"]);
        for (i, id) in ["A", "B", "C"].iter().enumerate() {
            w.signin_device(id, w.t(i as i64, 10, 0), "73.9.9.9", IpKind::Residential, &format!("dev-{id}"));
        }
        w.signin_device("Z", w.t(0, 10, 0), "73.1.2.3", IpKind::Residential, "dev-z");
        let f = w.run();
        let i2 = f.get("A", "I2").expect("I2");
        assert_eq!(i2.subjects.len(), 3);
        assert_eq!(i2.shared.as_ref().unwrap().value, "73.9.9.9");
        assert!(f.get("Z", "I2").is_none());
    }

    #[test]
    fn confounders_shared_laptop_household_public_network_spread_in_time() {
        // Three accounts on one IP, but all from the same shared family computer.
        let mut w = World::new(&["A", "B", "C"]);
        for id in ["A", "B", "C"] {
            w.signin_device(id, w.t(0, 10, 0), "73.9.9.9", IpKind::Residential, "family-pc");
        }
        assert!(w.run().get("A", "I2").is_none(), "one device: that is D3's business, not I2's");

        // A couple and their own devices: two unrelated-looking accounts are a household.
        let mut w = World::new(&["H1", "H2", "X"]);
        w.set_address("H1", "1 A ST||10001|US", "Ann Lee");
        w.set_address("H2", "1 A ST||10001|US", "Raj Patel");
        for id in ["H1", "H2", "X"] {
            w.signin_device(id, w.t(0, 10, 0), "73.9.9.9", IpKind::Residential, &format!("dev-{id}"));
        }
        assert!(w.run().get("X", "I2").is_none(), "a household counts once");

        // Thirty accounts on one café IP, and three accounts a month apart.
        let ids: Vec<String> = (0..30).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut w = World::new(&refs);
        for id in &refs {
            w.signin_device(id, w.t(0, 10, 0), "73.9.9.9", IpKind::Residential, &format!("dev-{id}"));
        }
        for (i, id) in refs[..3].iter().enumerate() {
            w.signin_device(id, w.t(30 * (i as i64 + 1), 10, 0), "73.8.8.8", IpKind::Residential, &format!("dev-{id}"));
        }
        w.signin_device("S5", w.t(0, 10, 0), "100.64.0.1", IpKind::Mobile, "dev-S5");
        assert!(w.run().findings.iter().all(|f| f.indicator != "I2"));
    }

    #[test]
    fn strangers_on_a_vpn_exit_need_more_accounts() {
        let mut w = World::new(&["A", "B", "C", "D", "E"]);
        for id in ["A", "B", "C"] {
            w.signin_device(id, w.t(0, 10, 0), "185.1.1.1", IpKind::Vpn, &format!("dev-{id}"));
        }
        assert!(w.run().get("A", "I2").is_none(), "three strangers on one VPN exit");
        for id in ["D", "E"] {
            w.signin_device(id, w.t(1, 10, 0), "185.1.1.1", IpKind::Vpn, &format!("dev-{id}"));
        }
        assert_eq!(w.run().get("A", "I2").map(|f| f.subjects.len()), Some(5));
    }

    #[test]
    fn corporate_egress_is_never_counted() {
        let mut w = World::new(&["A", "B", "C"]);
        for id in ["A", "B", "C"] {
            w.signin_device(id, w.t(0, 10, 0), "10.0.0.1", IpKind::Corporate, &format!("dev-{id}"));
        }
        assert!(w.run().get("A", "I2").is_none());
    }
}

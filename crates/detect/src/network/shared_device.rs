//! H4: one device or browser fingerprint signing in as several people.
//!
//! A vendor's device identifier (Entra's registered device id, Okta's device, a
//! platform's browser fingerprint in `signins.csv` `device_id`) belongs to one machine.
//! When it signs in, again and again, as two unrelated people, one operator is running
//! both accounts: two personas hired twice, or a candidate's account lent to whoever
//! interviews or works for them. A13 already counts candidate accounts on the careers
//! site; this is the same sign on every system, from two accounts up, and it links the
//! accounts into a cluster.
//!
//! What shares a device honestly, and is left out:
//! - a household's family computer: households count once;
//! - a help-desk technician signing in once on someone's laptop: each account needs
//!   `min_days` distinct days on the device;
//! - an office hot desk, a kiosk or a training-room PC: a device seen only through the
//!   organisation's corporate egress is skipped, and more than `max_subjects` accounts
//!   on one device within the window is a shared terminal.

use std::collections::HashMap;
use std::sync::Arc;

use bonafide_core::{Event, SubjectIdx};

use super::cohort::Cohort;
use super::observation;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct SharedDevice {
    devices: HashMap<Arc<str>, Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    cohort: Cohort,
    /// Whether any sign-in came from outside the organisation's corporate egress.
    off_site: bool,
}

impl Detector for SharedDevice {
    fn name(&self) -> &'static str {
        "shared-device"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["H4"]
    }

    fn observe(&mut self, e: &Event, _cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let Some(device) = e.device.as_ref() else { return };
        let seen = self.devices.entry(device.clone()).or_default();
        seen.off_site |= !net.corporate;
        seen.cohort.add(subject, e.at, e.source, None);
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.h4;
        let mut devices: Vec<(&Arc<str>, &Seen)> =
            self.devices.iter().filter(|(_, s)| s.off_site && s.cohort.members.len() >= 2).collect();
        devices.sort_by(|a, b| a.0.cmp(b.0));
        for (device, seen) in devices {
            let c = &seen.cohort;
            // Accounts that used the device on enough days to be more than a visit.
            let regular: Vec<bool> = c.members.iter().map(|m| m.days.len() >= cfg.min_days as usize).collect();
            if regular.iter().filter(|&&r| r).count() < 2 {
                continue;
            }
            let groups = c.windows(cfg.window_days);
            // A shared terminal (the largest group comes first): nobody on it is singled
            // out, in this window or any.
            if groups.first().is_some_and(|g| g.len() > cfg.max_subjects) {
                continue;
            }
            let involved = c.involved(groups, |group| {
                let group: Vec<usize> = group.into_iter().filter(|&i| regular[i]).collect();
                let subjects: Vec<SubjectIdx> = group.iter().map(|&i| c.members[i].subject).collect();
                if cx.households.count_unrelated(&subjects) < 2 { Vec::new() } else { group }
            });
            if involved.is_empty() {
                continue;
            }
            let who: Vec<String> = involved
                .iter()
                .map(|&i| {
                    let m = &c.members[i];
                    let id = cx.subject(m.subject).map(|s| s.id.as_str()).unwrap_or("?");
                    format!("{id} on {} days", m.days.len())
                })
                .collect();
            let summary =
                format!("device {device} signed in as {} unrelated people ({})", involved.len(), who.join(", "));
            out.push(c.finding(&involved, cx, "H4", ("device", device), summary));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::{IpKind, UtcMs};

    fn at(day: i64, hour: i64) -> UtcMs {
        UtcMs(T0 + day * 86_400_000 + hour * 3_600_000)
    }

    /// Two personas worked from one machine for weeks: both accounts are linked.
    #[test]
    fn one_machine_signing_in_as_two_people_fires_for_both() {
        let mut w = World::new(&["P1", "P2", "OTHER"]);
        for day in 0..20 {
            w.signin_device("P1", at(day, 9), "73.63.1.1", IpKind::Residential, "dev-farm-1");
            w.signin_device("P2", at(day, 14), "73.63.1.1", IpKind::Residential, "dev-farm-1");
            w.signin_device("OTHER", at(day, 10), "73.63.9.9", IpKind::Residential, "dev-other");
        }
        let f = w.run();
        assert!(f.ids("P1").contains(&"H4"), "{:?}", f.of("P1"));
        assert!(f.ids("P2").contains(&"H4"));
        assert!(f.ids("OTHER").is_empty());
        let h4 = f.of("P1").into_iter().find(|x| x.indicator == "H4").expect("H4");
        assert_eq!(h4.subjects.len(), 2);
        assert_eq!(h4.shared.as_ref().map(|s| (s.kind.as_str(), s.value.as_str())), Some(("device", "dev-farm-1")));
        assert_eq!(h4.summary, "device dev-farm-1 signed in as 2 unrelated people (P1 on 20 days, P2 on 20 days)");
    }

    /// A help-desk technician signing in once on a user's laptop is a visit, not a
    /// second owner.
    #[test]
    fn a_one_day_visit_on_someones_device_is_not_sharing() {
        let mut w = World::new(&["USER", "HELPDESK"]);
        for day in 0..20 {
            w.signin_device("USER", at(day, 9), "73.63.1.1", IpKind::Residential, "dev-user");
        }
        w.signin_device("HELPDESK", at(3, 11), "73.63.1.1", IpKind::Residential, "dev-user");
        w.signin_device("HELPDESK", at(3, 12), "73.63.1.1", IpKind::Residential, "dev-user");
        let f = w.run();
        for id in ["USER", "HELPDESK"] {
            assert!(!f.ids(id).contains(&"H4"), "{id}: {:?}", f.of(id));
        }
    }

    /// A family computer shared by two people of one household is not one operator.
    #[test]
    fn a_household_sharing_a_computer_counts_once() {
        let mut w = World::new(&["HUSBAND", "WIFE"]);
        w.set_address("HUSBAND", "1 ELM ST||62701|US", "Sam Doe");
        w.set_address("WIFE", "1 ELM ST||62701|US", "Alex Doe");
        for day in 0..20 {
            w.signin_device("HUSBAND", at(day, 9), "73.63.1.1", IpKind::Residential, "family-pc");
            w.signin_device("WIFE", at(day, 19), "73.63.1.1", IpKind::Residential, "family-pc");
        }
        let f = w.run();
        for id in ["HUSBAND", "WIFE"] {
            assert!(!f.ids(id).contains(&"H4"), "{id}: {:?}", f.of(id));
        }
    }

    /// An office hot desk (seen only through corporate egress) and a kiosk used by more
    /// people than `max_subjects` are shared terminals.
    #[test]
    fn office_hot_desks_and_kiosks_are_shared_terminals() {
        let ids: Vec<String> = (0..8).map(|i| format!("K{i}")).collect();
        let mut names: Vec<&str> = ids.iter().map(String::as_str).collect();
        names.extend(["D1", "D2"]);
        let mut w = World::new(&names);
        for day in 0..20 {
            for (i, id) in ids.iter().enumerate() {
                w.signin_device(id, at(day, 8 + i as i64), "73.63.5.5", IpKind::Residential, "lobby-kiosk");
            }
            w.signin_device("D1", at(day, 9), "10.0.0.1", IpKind::Corporate, "hot-desk-3");
            w.signin_device("D2", at(day, 15), "10.0.0.1", IpKind::Corporate, "hot-desk-3");
        }
        let f = w.run();
        for id in names {
            assert!(!f.ids(id).contains(&"H4"), "{id}: {:?}", f.of(id));
        }
    }
}

//! I10: an account bought, rented or handed to someone else.
//!
//! An account that has been one person's for months and then, from one week to the
//! next, signs in only from devices it never used, over networks it never used, at
//! other hours, with pay going somewhere new, is no longer that person's: it was sold,
//! rented out, or handed to whoever does the work now. Any one of these changes is
//! ordinary (a new laptop, a move, a new bank); it is their coming together, with the
//! old devices never seen again, that is the sign.
//!
//! The change point is the first day of a device first used after `min_history_days`
//! of history. There, the device change is required: every device used before is
//! gone `grace_days` later and new ones carry the account. Then each of these counts:
//! - networks: every network (AS, else country) used after the grace period is new;
//! - hours: the circular mean hour of activity moved by `min_hours_shift` or more,
//!   both before and after concentrated enough to have a mean;
//! - pay: a pay destination changed within `pay_window_days` of the change point.
//!
//! `min_changes` of the four fire. A declared move (`address_changed_at` near the change
//! point) explains new networks and hours, so a relocation with a new laptop is not a
//! sale. The organisation's own egress and mobile networks say nothing about who holds
//! the account and are left out. Memory per subject is bounded: at most
//! `MAX_KEYS` devices and networks, and per active week seven 24-bit hour masks.

use std::sync::Arc;

use bonafide_core::records::PayrollChange;
use bonafide_core::time::MS_PER_DAY;
use bonafide_core::{CountryCode, Event, Evidence, Finding, IpKind, SubjectIdx, UtcMs};
use serde::{Deserialize, Serialize};

use super::{PerSubject, observation};
use crate::people::payroll_evidence;
use crate::time::date;
use crate::time::rhythm::{hours_apart, mean_hour};
use crate::{Context, Detector, Findings};

/// Devices or networks one account may use before it is too varied to judge (a
/// browser-fingerprint churner gives a new "device" every week): no finding then.
const MAX_KEYS: usize = 32;

/// `[detect.i10]`: several attributes of a long-standing account changing at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct I10Config {
    /// Days of history before a change point: a new account has no old habits.
    pub min_history_days: u32,
    /// Active days required before and after the change point.
    pub min_days_before: u32,
    pub min_days_after: u32,
    /// Days an old device or network may still appear after the change point (the old
    /// laptop's last sign-in while the new one is set up).
    pub grace_days: u32,
    /// Move of the mean hour of activity that counts as new hours...
    pub min_hours_shift: f64,
    /// ...when the hours on both sides are this concentrated (0: spread evenly round the
    /// day, so the mean says nothing; 1: all at one hour).
    pub min_hour_concentration: f64,
    /// A pay destination change this many days either side of the change point counts
    /// (the first pay record is where pay started, not a change).
    pub pay_window_days: u32,
    /// A declared move (`address_changed_at`) this many days either side of the change
    /// point explains new networks and hours.
    pub move_window_days: u32,
    /// Attributes that must change together, the devices among them.
    pub min_changes: usize,
}

impl Default for I10Config {
    fn default() -> Self {
        I10Config {
            min_history_days: 60,
            min_days_before: 20,
            min_days_after: 10,
            grace_days: 3,
            min_hours_shift: 4.0,
            min_hour_concentration: 0.3,
            pay_window_days: 30,
            move_window_days: 30,
            min_changes: 3,
        }
    }
}

#[derive(Debug, Default)]
pub struct Handover {
    trails: PerSubject<Trail>,
}

#[derive(Debug, Default)]
struct Trail {
    devices: Vec<DeviceSpan>,
    networks: Vec<Span<NetKey>>,
    /// Per active week (days since the epoch / 7): for each day of it, the UTC hours
    /// with activity as bits. Order-independent, so sources read one after another do
    /// not matter.
    weeks: Vec<(i64, [u32; 7])>,
    /// More devices or networks than [`MAX_KEYS`].
    overflow: bool,
}

/// A network as the account's habit: its AS where known, else its country. Compared
/// by this alone: two databases spell one AS's owner differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NetId {
    As(u32),
    Country(CountryCode),
}

/// A network with the owner's name it was first seen under, for the evidence.
#[derive(Clone, Debug)]
struct NetKey {
    id: NetId,
    org: Option<Arc<str>>,
}

impl NetId {
    fn of(net: &bonafide_core::Net) -> Option<NetId> {
        match (net.asn, net.place.country) {
            (Some(asn), _) => Some(NetId::As(asn)),
            (None, Some(c)) => Some(NetId::Country(c)),
            (None, None) => None,
        }
    }
}

impl NetKey {
    fn label(&self) -> String {
        match (self.id, &self.org) {
            (NetId::As(asn), Some(org)) => format!("AS{asn} {org}"),
            (NetId::As(asn), None) => format!("AS{asn}"),
            (NetId::Country(c), _) => c.as_str().to_string(),
        }
    }
}

/// When one device or network was used: its first and last day.
#[derive(Debug)]
struct Span<K> {
    key: K,
    first: i64,
    last: i64,
}

type DeviceSpan = Span<Arc<str>>;

/// Notes the key `is` picks out used on `day`, made by `make` when new (nothing is
/// cloned for a key already listed: this runs per sign-in); false when the list is full.
fn note<K>(list: &mut Vec<Span<K>>, is: impl Fn(&K) -> bool, make: impl FnOnce() -> K, day: i64) -> bool {
    if let Some(s) = list.iter_mut().find(|s| is(&s.key)) {
        s.first = s.first.min(day);
        s.last = s.last.max(day);
        return true;
    }
    if list.len() >= MAX_KEYS {
        return false;
    }
    list.push(Span { key: make(), first: day, last: day });
    true
}

impl Detector for Handover {
    fn name(&self) -> &'static str {
        "handover"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["I10"]
    }

    fn observe(&mut self, e: &Event, _cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let Some(device) = e.device.as_ref() else { return };
        let t = self.trails.get_mut(subject);
        if t.overflow {
            return;
        }
        let day = e.at.day();
        let mut fits = note(&mut t.devices, |d| **d == **device, || device.clone(), day);
        if !net.corporate
            && net.kind != IpKind::Mobile
            && let Some(id) = NetId::of(net)
        {
            fits &= note(&mut t.networks, |n| n.id == id, || NetKey { id, org: net.as_org.clone() }, day);
        }
        if !fits {
            t.overflow = true;
            return;
        }
        let week = day.div_euclid(7);
        let hour = (e.at.0.rem_euclid(MS_PER_DAY) / 3_600_000) as u32;
        let slot = match t.weeks.iter().rposition(|(w, _)| *w == week) {
            Some(i) => i,
            None => {
                t.weeks.push((week, [0; 7]));
                t.weeks.len() - 1
            }
        };
        t.weeks[slot].1[day.rem_euclid(7) as usize] |= 1 << hour;
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.i10;
        let pay = crate::payroll::by_subject(cx);
        for (idx, t) in self.trails.iter() {
            if t.overflow || t.devices.len() < 2 {
                continue;
            }
            let changes: &[&PayrollChange] = pay.get(&idx).map(Vec::as_slice).unwrap_or_default();
            if let Some(f) = judge(cx, cfg, idx, t, changes) {
                out.push(f);
            }
        }
    }
}

/// Active days, and the active hours as (day, hour) cells, before and from `day`.
struct Split {
    days: [u32; 2],
    hours: [Vec<u32>; 2],
}

fn split(t: &Trail, at: i64) -> Split {
    let mut s = Split { days: [0; 2], hours: [Vec::new(), Vec::new()] };
    for (week, days) in &t.weeks {
        for (d, mask) in days.iter().enumerate() {
            if *mask == 0 {
                continue;
            }
            let side = usize::from(week * 7 + d as i64 >= at);
            s.days[side] += 1;
            s.hours[side].extend((0..24).filter(|h| mask & (1 << h) != 0));
        }
    }
    s
}

/// The circular mean of whole UTC hours, each read at its middle.
fn mean_hour_of(hours: &[u32]) -> Option<(f64, f64)> {
    mean_hour(hours.iter().map(|&h| f64::from(h) + 0.5))
}

fn labels<K>(spans: &[&Span<K>], label: impl Fn(&K) -> String) -> String {
    spans.iter().map(|s| label(&s.key)).collect::<Vec<_>>().join(", ")
}

/// The first change point at which enough changes come together, as a finding.
fn judge(cx: &Context<'_>, cfg: &I10Config, idx: SubjectIdx, t: &Trail, pay: &[&PayrollChange]) -> Option<Finding> {
    let s = cx.subject(idx)?;
    let start = t.devices.iter().map(|d| d.first).min()?;
    let mut points: Vec<i64> =
        t.devices.iter().map(|d| d.first).filter(|&f| f >= start + i64::from(cfg.min_history_days)).collect();
    points.sort_unstable();
    points.dedup();
    let grace = i64::from(cfg.grace_days);
    let window = i64::from(cfg.pay_window_days);
    for at in points {
        let sides = split(t, at);
        if sides.days[0] < cfg.min_days_before || sides.days[1] < cfg.min_days_after {
            continue;
        }
        // Devices: every old one gone, new ones carrying the account.
        let (old, new): (Vec<&DeviceSpan>, Vec<&DeviceSpan>) = t.devices.iter().partition(|d| d.first < at);
        if old.is_empty() || old.iter().any(|d| d.last >= at + grace) {
            continue;
        }
        let mut evidence = vec![
            Evidence::without_source()
                .with("changed", "devices")
                .with("since", date(at))
                .with("before", labels(&old, |k| k.to_string()))
                .with("after", labels(&new, |k| k.to_string())),
        ];
        let mut said = vec!["only from devices it never used".to_string()];
        let moved = s.address_changed_at.is_some_and(|m| (m.day() - at).abs() <= i64::from(cfg.move_window_days));
        // Networks used after the grace period, all of them new.
        let used_after: Vec<&Span<NetKey>> = t.networks.iter().filter(|n| n.last >= at + grace).collect();
        let used_before: Vec<&Span<NetKey>> = t.networks.iter().filter(|n| n.first < at).collect();
        if !moved
            && !used_after.is_empty()
            && !used_before.is_empty()
            && used_after.iter().all(|n| n.first >= at - grace)
        {
            said.push(format!("only over networks it never used ({})", labels(&used_after, NetKey::label)));
            evidence.push(
                Evidence::without_source()
                    .with("changed", "networks")
                    .with("since", date(at))
                    .with("before", labels(&used_before, NetKey::label))
                    .with("after", labels(&used_after, NetKey::label)),
            );
        }
        // Hours: both sides concentrated enough to have a mean, and far apart.
        if !moved
            && let (Some((b, rb)), Some((a, ra))) = (mean_hour_of(&sides.hours[0]), mean_hour_of(&sides.hours[1]))
            && rb >= cfg.min_hour_concentration
            && ra >= cfg.min_hour_concentration
            && hours_apart(a, b) >= cfg.min_hours_shift
        {
            said.push(format!("at other hours (around {:02.0}:00 UTC, before {:02.0}:00)", a.floor(), b.floor()));
            evidence.push(
                Evidence::without_source()
                    .with("changed", "working_hours")
                    .with("since", date(at))
                    .with("before", format!("mean {:02.0}:00 UTC", b.floor()))
                    .with("after", format!("mean {:02.0}:00 UTC", a.floor())),
            );
        }
        // The first pay record is where pay started, not a change.
        let near: Vec<&&PayrollChange> =
            pay.iter().skip(1).filter(|p| (p.changed_at.day() - at).abs() <= window).collect();
        if let Some(p) = near.first() {
            said.push(format!("with pay sent somewhere new on {}", p.changed_at.date_string()));
            evidence.extend(near.iter().map(|p| payroll_evidence(p)));
        }
        // One phrase per attribute that changed, the devices first.
        if said.len() < cfg.min_changes {
            continue;
        }
        let summary = format!(
            "after {} days of one pattern, since {} the account has signed in {}: sold, rented or handed over",
            at - start,
            date(at),
            said.join(", ")
        );
        let mut f = Finding::new("I10", idx, cx.weight("I10"), summary);
        f.seen(UtcMs(start * MS_PER_DAY));
        let last = t.devices.iter().map(|d| d.last).max().unwrap_or(at);
        f.seen(UtcMs(last * MS_PER_DAY));
        f.evidence_total = evidence.len() as u64;
        f.evidence = evidence;
        return Some(f);
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const OHIO: (f64, f64) = (39.96, -83.0);

    /// Five months of weekdays on one laptop on one home ISP in Ohio, at 14:00 UTC.
    fn history(w: &mut World, id: &str) {
        for day in (0..150).filter(|d| d % 7 < 5) {
            w.signin_full(id, w.t(day, 14, 0), "73.63.1.1", IpKind::Residential, "laptop-1", Some(7922), OHIO, "US");
        }
    }

    /// [`history`], then from day 150 on a new machine, optionally at night, with pay
    /// redirected and on another network.
    fn sold(w: &mut World, id: &str, move_hours: bool, change_pay: bool, new_network: bool) {
        history(w, id);
        for day in 150..180 {
            if day % 7 >= 5 {
                continue;
            }
            let hour = if move_hours { 2 } else { 14 };
            let (ip, asn) = if new_network { ("45.8.1.1", 9009) } else { ("73.63.1.1", 7922) };
            w.signin_full(id, w.t(day, hour, 0), ip, IpKind::Residential, "desktop-9", Some(asn), OHIO, "US");
        }
        if change_pay {
            // Pay started at hire; it changes after the hand-over.
            w.pay_change(id, w.t(0, 0, 0));
            w.pay_change(id, w.t(152, 0, 0));
        }
    }

    #[test]
    fn a_long_standing_account_changing_hands_fires() {
        let mut w = World::new(&["SOLD", "STEADY"]);
        sold(&mut w, "SOLD", true, true, true);
        for day in 0..180 {
            w.signin_full(
                "STEADY",
                w.t(day, 15, 0),
                "73.63.2.2",
                IpKind::Residential,
                "laptop-s",
                Some(7922),
                OHIO,
                "US",
            );
        }
        let f = w.run();
        let i10 = f.get("SOLD", "I10").expect("I10");
        assert!(i10.summary.contains("since 2025-07-31"), "{}", i10.summary);
        assert!(i10.summary.contains("AS9009") && i10.summary.contains("pay sent somewhere new"), "{}", i10.summary);
        let changed: Vec<&str> = i10.evidence.iter().filter_map(|e| e.detail.get("changed")?.as_str()).collect();
        assert_eq!(changed, ["devices", "networks", "working_hours"]);
        assert!(!f.ids("STEADY").contains(&"I10"));
    }

    /// One change, or two, is ordinary life: a new laptop; a new laptop at the same
    /// hours with a new bank; a new laptop on a new ISP at the same hours.
    #[test]
    fn a_new_laptop_with_one_other_change_does_not_fire() {
        let mut w = World::new(&["LAPTOP", "BANK", "ISP"]);
        sold(&mut w, "LAPTOP", false, false, false);
        sold(&mut w, "BANK", false, true, false);
        sold(&mut w, "ISP", false, false, true);
        let f = w.run();
        for id in ["LAPTOP", "BANK", "ISP"] {
            assert!(!f.ids(id).contains(&"I10"), "{id}: {:?}", f.of(id));
        }
    }

    /// A declared move explains new networks and hours: someone who moved across the
    /// country (new ISP, new hours) and bought a computer there is not a sold account.
    #[test]
    fn a_declared_move_explains_new_networks_and_hours() {
        let mut w = World::new(&["MOVED"]);
        sold(&mut w, "MOVED", true, false, true);
        let moved = w.t(149, 0, 0);
        w.person("MOVED").address_changed_at = Some(moved);
        let f = w.run();
        assert!(!f.ids("MOVED").contains(&"I10"), "{:?}", f.of("MOVED"));
    }

    /// The old laptop coming back (a repair, a second machine) means nobody left.
    #[test]
    fn the_old_device_still_in_use_is_no_hand_over() {
        let mut w = World::new(&["TWO"]);
        sold(&mut w, "TWO", true, true, true);
        w.signin_full("TWO", w.t(170, 14, 0), "73.63.1.1", IpKind::Residential, "laptop-1", Some(7922), OHIO, "US");
        let f = w.run();
        assert!(!f.ids("TWO").contains(&"I10"), "{:?}", f.of("TWO"));
    }

    /// A laptop that broke on a week's trip abroad, replaced there: new device, new
    /// network, other hours, for fewer days than `min_days_after`. The first pay record
    /// (where pay started) is no change.
    #[test]
    fn a_short_trip_with_a_replacement_laptop_is_not_a_hand_over() {
        let mut w = World::new(&["TRIP"]);
        w.pay_change("TRIP", w.t(0, 0, 0));
        history(&mut w, "TRIP");
        for day in (150..162).filter(|d| d % 7 < 5) {
            w.signin_full(
                "TRIP",
                w.t(day, 6, 0),
                "203.0.113.7",
                IpKind::Residential,
                "loaner-7",
                Some(4766),
                (37.5, 127.0),
                "KR",
            );
        }
        let f = w.run();
        assert!(!f.ids("TRIP").contains(&"I10"), "{:?}", f.of("TRIP"));
    }

    /// A new managed laptop that signs in only through the company's VPN shows no
    /// network of the person's at all: corporate egress is no new network, so with a
    /// new bank it is two changes, not three.
    #[test]
    fn corporate_egress_is_never_a_new_network() {
        let mut w = World::new(&["VPN"]);
        w.pay_change("VPN", w.t(0, 0, 0));
        w.pay_change("VPN", w.t(152, 0, 0));
        history(&mut w, "VPN");
        for day in (150..180).filter(|d| d % 7 < 5) {
            w.signin_full("VPN", w.t(day, 14, 0), "10.8.0.1", IpKind::Corporate, "managed-2", Some(64512), OHIO, "US");
        }
        let f = w.run();
        assert!(!f.ids("VPN").contains(&"I10"), "{:?}", f.of("VPN"));
    }

    /// A new laptop at other hours is two changes. The same AS under another spelling of
    /// its owner is no new network, and a first pay record (pay starting) is no change:
    /// neither makes it three.
    #[test]
    fn a_respelt_network_and_a_first_pay_record_are_no_changes() {
        let mut w = World::new(&["NIGHTS"]);
        history(&mut w, "NIGHTS");
        for day in (150..180).filter(|d| d % 7 < 5) {
            w.signin_full(
                "NIGHTS",
                w.t(day, 2, 0),
                "73.63.1.1",
                IpKind::Residential,
                "laptop-2",
                Some(7922),
                OHIO,
                "US",
            );
        }
        w.pay_change("NIGHTS", w.t(152, 0, 0));
        let w_change = w.t(150, 0, 0).0;
        for e in &mut w.events {
            if let Some(n) = e.net.as_mut() {
                // One database before, another after: the same AS.
                let spelling = if e.at.0 < w_change { "Comcast Cable" } else { "COMCAST-7922" };
                n.as_org = Some(std::sync::Arc::from(spelling));
            }
        }
        let f = w.run();
        assert!(!f.ids("NIGHTS").contains(&"I10"), "{:?}", f.of("NIGHTS"));
    }

    /// A new hire has no old habits to break: changes in the first weeks do not count.
    #[test]
    fn a_short_history_is_not_judged() {
        let mut w = World::new(&["NEW"]);
        for day in 0..20 {
            w.signin_full("NEW", w.t(day, 14, 0), "73.63.1.1", IpKind::Residential, "laptop-1", Some(7922), OHIO, "US");
        }
        for day in 20..40 {
            w.signin_full("NEW", w.t(day, 2, 0), "45.8.1.1", IpKind::Residential, "desktop-9", Some(9009), OHIO, "US");
        }
        w.pay_change("NEW", w.t(21, 0, 0));
        let f = w.run();
        assert!(!f.ids("NEW").contains(&"I10"), "{:?}", f.of("NEW"));
    }
}

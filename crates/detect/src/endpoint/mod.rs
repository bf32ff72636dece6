//! Endpoint indicators: what is installed, running, plugged in and listening on the
//! laptops (E1-E5, D7), whether they ever sleep (E9), and what appeared in their first
//! hours (C5).
//!
//! Reads osquery inventory rows ([`Detail::Endpoint`]) attributed to a subject through
//! `devices.csv`. Each row is matched against the signatures (data: see
//! [`signatures`]) as it streams past and only what matched is remembered per host
//! ([`ledger`]), so the conclusions at the end read a few entries per host. Tools the
//! organisation approves (for everyone, or for a department such as IT support) are
//! remembered like the rest and dropped when concluding, because approval depends on
//! who holds the laptop. One detector owns the whole family because E9 counts only with
//! E1/E2 and C5 reads the same sightings against the laptop's first check-in.

pub mod ledger;
pub mod signatures;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bonafide_core::records::Device;
use bonafide_core::time::{MS_PER_DAY, MS_PER_HOUR};
use bonafide_core::{Action, Detail, Event, Evidence, Finding, Subject, SubjectIdx, Tier, UtcMs};

use crate::evidence::SAMPLE;
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};
use ledger::{Host, MAX_HOSTS, PortSeen, Sighting, SignatureSeen, UsbSeen};
use signatures::{Category, Hit, RowKind, Signature, SignatureError, Signatures, hex_id, row_kind, usb_label};

enum SignatureSet {
    Builtin(&'static Signatures),
    Loaded(Box<Signatures>),
}

impl SignatureSet {
    fn get(&self) -> &Signatures {
        match self {
            SignatureSet::Builtin(s) => s,
            SignatureSet::Loaded(s) => s,
        }
    }
}

pub struct Inventory {
    signatures: SignatureSet,
    hosts: PerSubject<Vec<Host>>,
    scratch: Vec<Hit>,
    /// Rows of hosts beyond [`MAX_HOSTS`] for one subject, not analysed.
    pub hosts_dropped: u64,
}

impl Inventory {
    /// The built-in signatures plus the configured files.
    pub fn new(config: &crate::DetectConfig) -> Result<Inventory, SignatureError> {
        let files = &config.endpoint.signature_files;
        let signatures = if files.is_empty() {
            SignatureSet::Builtin(Signatures::builtin())
        } else {
            SignatureSet::Loaded(Box::new(Signatures::load(files)?))
        };
        Ok(Inventory { signatures, hosts: PerSubject::default(), scratch: Vec::new(), hosts_dropped: 0 })
    }

    /// With the built-in signatures only.
    pub fn builtin() -> Inventory {
        Inventory {
            signatures: SignatureSet::Builtin(Signatures::builtin()),
            hosts: PerSubject::default(),
            scratch: Vec::new(),
            hosts_dropped: 0,
        }
    }
}

fn is_loopback(address: &str) -> bool {
    let a = address.trim();
    a.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || a.eq_ignore_ascii_case("localhost")
}

impl Detector for Inventory {
    fn name(&self) -> &'static str {
        "endpoint-inventory"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["E1", "E2", "E3", "E4", "E5", "D7", "E9", "C5"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let (Some(subject), Action::Inventory, Detail::Endpoint(row)) = (e.subject, e.action, &e.detail) else {
            return;
        };
        let hosts = self.hosts.get_mut(subject);
        let initial = row.counter == Some(0);
        let i = match hosts.iter().position(|h| h.name == row.host || h.name.eq_ignore_ascii_case(&row.host)) {
            Some(i) => i,
            None if hosts.len() < MAX_HOSTS => {
                hosts.push(Host::new(row.host.clone(), e.at, row.counter));
                hosts.len() - 1
            }
            None => {
                self.hosts_dropped += 1;
                return;
            }
        };
        let host = &mut hosts[i];
        if host.alias.is_none()
            && let Some(n) = e.actor.display_name.as_ref().filter(|n| !n.eq_ignore_ascii_case(&host.name))
        {
            host.alias = Some(n.clone());
        }
        host.saw(e.at, row.counter);
        if row.columns.is_empty() {
            return;
        }
        let sighting = |column: &Arc<str>, value: &str| Sighting {
            source: e.source,
            at: e.at,
            query: e.event_type.clone(),
            table: row.table.clone(),
            column: column.clone(),
            value: value.chars().take(200).collect(),
        };
        let signatures = self.signatures.get();
        match row_kind(row) {
            RowKind::System => {}
            RowKind::Port => {
                let Some(port) = row.get("port").and_then(|p| p.trim().parse::<u16>().ok()) else { return };
                if !cx.config.d7.include_loopback && row.get("address").is_some_and(is_loopback) {
                    return;
                }
                if let Some(rule) = signatures.port_rule(port) {
                    // Which program listens, from its path: approvals of that tool cover it.
                    self.scratch.clear();
                    signatures.match_row(row, RowKind::Software, &mut self.scratch);
                    let process = self
                        .scratch
                        .iter()
                        .find(|h| matches!(h.column.as_ref(), "path" | "cmdline"))
                        .map(|h| h.signature);
                    let col: Arc<str> = Arc::from("port");
                    let shown = format!("{port} on {}", row.get("address").unwrap_or("?"));
                    host.port(rule, port, process, e.at, || sighting(&col, &shown));
                }
            }
            kind => {
                self.scratch.clear();
                signatures.match_row(row, kind, &mut self.scratch);
                for hit in &self.scratch {
                    host.signature(hit.signature, e.at, || sighting(&hit.column, &hit.value));
                }
                if kind == RowKind::Usb {
                    let vp = format!(
                        "{}:{}",
                        row.get("vendor_id").map(hex_id).unwrap_or_default(),
                        row.get("model_id").map(hex_id).unwrap_or_default()
                    );
                    let key = format!("{vp}:{}", row.get("serial").unwrap_or("").trim().to_lowercase());
                    if host.usb_again(&key, e.at, initial) {
                        return;
                    }
                    let label = usb_label(row);
                    let col: Arc<str> = Arc::from("usb");
                    host.usb(UsbSeen {
                        key,
                        vendor_product: vp,
                        class: row.get("class").unwrap_or("").trim().to_string(),
                        first: e.at,
                        initial,
                        sighting: sighting(&col, &label),
                        label,
                    });
                }
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let signatures = self.signatures.get();
        let devices = DeviceIndex::new(&cx.records.devices);
        for (subject, hosts) in self.hosts.iter() {
            let Some(person) = cx.subject(subject) else { continue };
            let approved = Approvals::of(cx, person);
            let judge = Judge { cx, signatures, subject, person, hosts, devices: &devices, approved: &approved };
            let mut fired: BTreeSet<&str> = BTreeSet::new();
            for category in
                [Category::RemoteAccess, Category::IpKvm, Category::KeepAwake, Category::Vpn, Category::Impersonation]
            {
                if let Some(f) = judge.category(category) {
                    fired.insert(category.indicator());
                    out.push(f);
                }
            }
            if let Some(f) = judge.ports() {
                out.push(f);
            }
            let disabled = |id: &str| cx.config.disabled.iter().any(|d| d == id);
            let with_control = ["E1", "E2"].iter().any(|i| fired.contains(i) && !disabled(i));
            if (with_control || !cx.config.e9.only_with_e1_e2)
                && let Some(f) = judge.always_on()
            {
                out.push(f);
            }
            for h in hosts {
                if let Some(f) = judge.first_hours(h) {
                    out.push(f);
                }
            }
        }
    }
}

/// Devices by lower-cased host identifier and hostname.
struct DeviceIndex<'a> {
    by_host: BTreeMap<String, &'a Device>,
}

impl<'a> DeviceIndex<'a> {
    fn new(devices: &'a [Device]) -> Self {
        let mut by_host = BTreeMap::new();
        for d in devices {
            for h in [&d.host_identifier, &d.hostname].into_iter().flatten() {
                by_host.entry(h.trim().to_lowercase()).or_insert(d);
            }
        }
        DeviceIndex { by_host }
    }

    fn of(&self, host: &Host) -> Option<&'a Device> {
        std::iter::once(&host.name)
            .chain(host.alias.as_ref())
            .find_map(|h| self.by_host.get(&h.trim().to_lowercase()).copied())
    }
}

/// The tools approved for one person.
struct Approvals {
    tools: BTreeSet<String>,
}

impl Approvals {
    fn of(cx: &Context<'_>, person: &Subject) -> Approvals {
        let cfg = &cx.config.endpoint;
        let mut tools: BTreeSet<String> = cfg.approved_tools.iter().map(|t| t.trim().to_lowercase()).collect();
        let mine = [person.department.as_deref(), person.role.as_deref()];
        for (dept, list) in &cfg.approved_by_department {
            if mine.iter().flatten().any(|m| m.trim().eq_ignore_ascii_case(dept.trim())) {
                tools.extend(list.iter().map(|t| t.trim().to_lowercase()));
            }
        }
        Approvals { tools }
    }

    fn covers(&self, s: &Signature) -> bool {
        self.tools.contains(&s.id.to_lowercase()) || self.tools.contains(&s.family.to_lowercase())
    }
}

struct Judge<'a> {
    cx: &'a Context<'a>,
    signatures: &'a Signatures,
    subject: SubjectIdx,
    person: &'a Subject,
    hosts: &'a [Host],
    devices: &'a DeviceIndex<'a>,
    approved: &'a Approvals,
}

fn days_ms(days: u32) -> i64 {
    i64::from(days) * MS_PER_DAY
}

fn hosts_label(names: &BTreeSet<String>) -> String {
    names.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

impl Judge<'_> {
    /// When the laptop was provisioned: its assignment, else the hire date, else its
    /// first check-in.
    fn provisioned(&self, h: &Host) -> UtcMs {
        self.devices.of(h).and_then(|d| d.assigned_at).or(self.person.hire_date).unwrap_or(h.first)
    }

    /// Unapproved sightings of one category, with their host.
    fn seen(&self, category: Category) -> Vec<(&Host, &SignatureSeen, &Signature)> {
        let mut v = Vec::new();
        for h in self.hosts {
            for s in &h.signatures {
                let sig = self.signatures.get(s.signature);
                if sig.category == category && !self.approved.covers(sig) {
                    v.push((h, s, sig));
                }
            }
        }
        v.sort_by_key(|(_, s, _)| s.first);
        v
    }

    fn finding(&self, indicator: &str, weight: f64, summary: String, items: &[(UtcMs, UtcMs, Evidence)]) -> Finding {
        let mut f = Finding::new(indicator, self.subject, weight, summary);
        for (first, last, _) in items {
            f.seen(*first);
            f.seen(*last);
        }
        f.evidence_total = items.len() as u64;
        f.evidence = items.iter().take(SAMPLE).map(|(_, _, e)| e.clone()).collect();
        f
    }

    fn evidence(h: &Host, s: &SignatureSeen, sig: &Signature) -> Evidence {
        s.sighting
            .evidence(&h.label())
            .with("signature", sig.id.as_str())
            .with("tool", sig.name.as_str())
            .with("first_seen", s.first.to_rfc3339())
            .with("last_seen", s.last.to_rfc3339())
            .with("rows", s.rows)
    }

    fn category(&self, category: Category) -> Option<Finding> {
        let seen = self.seen(category);
        if seen.is_empty() {
            return None;
        }
        let indicator = category.indicator();
        let cx = self.cx;
        let base = cx.weight(indicator);
        let weight_of = |sig: &Signature| sig.bits.unwrap_or(base);
        let hosts: BTreeSet<String> = seen.iter().map(|(h, _, _)| h.label()).collect();
        let mut names: Vec<&str> = Vec::new();
        for (_, _, sig) in &seen {
            if !names.contains(&sig.name.as_str()) {
                names.push(&sig.name);
            }
        }
        let items: Vec<(UtcMs, UtcMs, Evidence)> =
            seen.iter().map(|(h, s, sig)| (s.first, s.last, Self::evidence(h, s, sig))).collect();
        let (weight, summary) = match category {
            Category::RemoteAccess => {
                let window = cx.config.e1.window_days;
                let mut families: BTreeMap<&str, bool> = BTreeMap::new();
                for (h, s, sig) in &seen {
                    let early = s.first.0 <= self.provisioned(h).0 + days_ms(window);
                    *families.entry(sig.family.as_str()).or_default() |= early;
                }
                let early = families.values().filter(|e| **e).count();
                let mut weight = seen.iter().map(|(_, _, sig)| weight_of(sig)).fold(f64::MIN, f64::max);
                let mut summary = format!("Remote-access tools on {}: {}", hosts_label(&hosts), names.join(", "));
                if early >= cx.config.e1.min_families.max(2) {
                    weight = weight.max(cx.scoring.tier_weight(Tier::T1));
                    summary.push_str(&format!(" ({early} families within {window} days of provisioning)"));
                }
                (weight, summary)
            }
            Category::IpKvm => {
                let strong: Vec<&(&Host, &SignatureSeen, &Signature)> =
                    seen.iter().filter(|(_, _, sig)| !sig.weak).collect();
                match strong.first() {
                    Some((h, s, sig)) => {
                        let weight = strong.iter().map(|(_, _, sig)| weight_of(sig)).fold(f64::MIN, f64::max);
                        (weight, format!("IP-KVM {} on {}: {}", sig.name, h.label(), s.sighting.value))
                    }
                    None => {
                        let (h, s, _) = &seen[0];
                        let w = cx.config.e2.weak_bits;
                        if w <= 0.0 {
                            return None;
                        }
                        (
                            w,
                            format!(
                                "Generic Linux USB gadget on {}: {} (IP-KVMs show it, so do Raspberry Pi boards in gadget mode; weak without IP-KVM strings or EDID)",
                                h.label(),
                                s.sighting.value
                            ),
                        )
                    }
                }
            }
            Category::KeepAwake | Category::Vpn | Category::Impersonation => {
                let what = match category {
                    Category::KeepAwake => "Keep-awake tools or mouse jigglers",
                    Category::Vpn => "Consumer VPN or proxy clients",
                    _ => "Voice-changing, face-swap or virtual-camera software",
                };
                let weight = seen.iter().map(|(_, _, sig)| weight_of(sig)).fold(f64::MIN, f64::max);
                let detail: Vec<String> =
                    seen.iter().take(4).map(|(_, s, sig)| format!("{} ({})", sig.name, s.sighting.value)).collect();
                (weight, format!("{what} on {}: {}", hosts_label(&hosts), detail.join(", ")))
            }
        };
        Some(self.finding(indicator, weight, summary, &items))
    }

    fn ports(&self) -> Option<Finding> {
        let cfg = &self.cx.config.d7;
        let mut seen: Vec<(&Host, &PortSeen)> = Vec::new();
        for h in self.hosts {
            for p in &h.ports {
                // The same approvals as E1: a tool approved for the person (or everyone)
                // may listen on its port. Only when the row names the program: a port
                // alone does not say which tool opened it.
                let approved_tool = p.process.is_some_and(|s| self.approved.covers(self.signatures.get(s)));
                if !cfg.approved_ports.contains(&p.port) && !approved_tool {
                    seen.push((h, p));
                }
            }
        }
        if seen.is_empty() {
            return None;
        }
        seen.sort_by_key(|(_, p)| (p.first, p.port));
        let rules = &self.signatures.ports;
        let hosts: BTreeSet<String> = seen.iter().map(|(h, _)| h.label()).collect();
        let mut listed: Vec<String> = Vec::new();
        for (_, p) in &seen {
            let l = format!("{} ({})", p.port, rules[p.rule].name);
            if !listed.contains(&l) {
                listed.push(l);
            }
        }
        let items: Vec<(UtcMs, UtcMs, Evidence)> = seen
            .iter()
            .map(|(h, p)| {
                let e = p
                    .sighting
                    .evidence(&h.label())
                    .with("service", rules[p.rule].name.as_str())
                    .with("first_seen", p.first.to_rfc3339())
                    .with("last_seen", p.last.to_rfc3339())
                    .with("rows", p.rows);
                (p.first, p.last, e)
            })
            .collect();
        let summary = format!("Remote-desktop ports listening on {}: {}", hosts_label(&hosts), listed.join(", "));
        Some(self.finding("D7", self.cx.weight("D7"), summary, &items))
    }

    fn always_on(&self) -> Option<Finding> {
        let cfg = &self.cx.config.e9;
        // A day counts when any of the subject's hosts was on for most of it.
        let mut days: BTreeMap<i32, (u32, String)> = BTreeMap::new();
        let mut observed: BTreeSet<i32> = BTreeSet::new();
        for h in self.hosts {
            observed.extend(h.hours.keys());
            for (d, hours) in h.always_on_days(cfg.min_hours) {
                let e = days.entry(d).or_insert((0, String::new()));
                if hours > e.0 {
                    *e = (hours, h.label());
                }
            }
        }
        if (days.len() as u64) < u64::from(cfg.min_days.max(1)) {
            return None;
        }
        let hosts: BTreeSet<String> = days.values().map(|(_, h)| h.clone()).collect();
        let day_ms = |d: i32| UtcMs(i64::from(d) * MS_PER_DAY);
        let items: Vec<(UtcMs, UtcMs, Evidence)> = days
            .iter()
            .map(|(d, (hours, host))| {
                let e = Evidence::without_source()
                    .with("host", host.as_str())
                    .with("day", day_ms(*d).date_string())
                    .with("hours_reporting", *hours);
                (day_ms(*d), UtcMs(day_ms(*d).0 + MS_PER_DAY - 1), e)
            })
            .collect();
        let summary = format!(
            "{} reported in more than {} hours a day on {} days (of {} observed)",
            hosts_label(&hosts),
            cfg.min_hours,
            days.len(),
            observed.len()
        );
        Some(self.finding("E9", self.cx.weight("E9"), summary, &items))
    }

    /// Whether the host's first report seen is the laptop's first check-in: near its
    /// assignment (or the hire), and not from a query that had run before (osquery's
    /// counter is 0 or 1 on a query's first run).
    fn first_checkin_known(&self, h: &Host) -> bool {
        if h.first_counter.is_some_and(|c| c >= 2) {
            return false;
        }
        let anchor = self.devices.of(h).and_then(|d| d.assigned_at).or(self.person.hire_date);
        match anchor {
            Some(a) => {
                h.first.0 >= a.0 - 2 * MS_PER_DAY
                    && h.first.0 <= a.0 + days_ms(self.cx.config.c5.first_checkin_max_days)
            }
            None => h.first_initial,
        }
    }

    fn first_hours(&self, h: &Host) -> Option<Finding> {
        let cfg = &self.cx.config.c5;
        if !self.first_checkin_known(h) {
            return None;
        }
        let end = UtcMs(h.first.0 + (cfg.window_hours * MS_PER_HOUR as f64) as i64);
        let within = |t: UtcMs| t >= h.first && t <= end;
        let mut items: Vec<(UtcMs, UtcMs, Evidence)> = Vec::new();
        let mut named: Vec<&str> = Vec::new();
        let mut shown_usb: Vec<&str> = Vec::new();
        for s in &h.signatures {
            let sig = self.signatures.get(s.signature);
            // A weak signature (the bare Linux gadget) counts only as a new USB device.
            if within(s.first)
                && !sig.weak
                && cfg.categories.iter().any(|c| c == sig.category.as_str())
                && !self.approved.covers(sig)
            {
                if !named.contains(&sig.name.as_str()) {
                    named.push(&sig.name);
                }
                if s.sighting.column.as_ref() == "usb" {
                    shown_usb.push(&s.sighting.value);
                }
                items.push((
                    s.first,
                    s.first,
                    Self::evidence(h, s, sig).with("hours_after_first_checkin", hours(h.first, s.first)),
                ));
            }
        }
        // New USB devices: not present at the first USB report, not ordinary peripherals.
        let baseline = h.usb.iter().map(|u| u.first).min();
        let mut new_usb = 0usize;
        for u in &h.usb {
            let benign = cfg.benign_usb.iter().any(|b| {
                let b = b.trim().to_lowercase();
                u.vendor_product == b || u.vendor_product.split(':').next() == Some(b.as_str())
            }) || cfg.benign_usb_classes.iter().any(|c| c.trim() == u.class);
            if u.initial
                || Some(u.first) == baseline
                || !within(u.first)
                || benign
                || shown_usb.contains(&u.label.as_str())
            {
                continue;
            }
            new_usb += 1;
            let e = u
                .sighting
                .evidence(&h.label())
                .with("new_usb_device", u.label.as_str())
                .with("hours_after_first_checkin", hours(h.first, u.first));
            items.push((u.first, u.first, e));
        }
        if items.is_empty() {
            return None;
        }
        items.sort_by_key(|(t, _, _)| *t);
        let mut parts: Vec<String> = Vec::new();
        if !named.is_empty() {
            parts.push(named.join(", "));
        }
        if new_usb > 0 {
            parts.push(format!("{new_usb} new USB device(s) not from an ordinary peripheral maker"));
        }
        let weight = if named.is_empty() { cfg.unknown_usb_bits } else { self.cx.weight("C5") };
        if weight <= 0.0 {
            return None;
        }
        let summary = format!(
            "In the first {} hours after {}'s first check-in ({}): {}",
            cfg.window_hours,
            h.label(),
            h.first.date_string(),
            parts.join("; ")
        );
        Some(self.finding("C5", weight, summary, &items))
    }
}

fn hours(from: UtcMs, to: UtcMs) -> f64 {
    (from.hours_until(to) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests;

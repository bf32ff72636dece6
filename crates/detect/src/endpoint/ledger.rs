//! What the endpoint detector remembers about one host, bounded.
//!
//! Inventory logs repeat themselves (a snapshot every hour lists the same hundred
//! programs), so a host's ledger keeps one entry per signature that matched, per USB
//! device and per listening port rule, with first and last sight and the first row as
//! evidence, plus one 24-bit mask of reporting hours per day. Memory grows with the
//! hosts and what is on them, never with the rows.

use std::collections::BTreeMap;
use std::sync::Arc;

use bonafide_core::{Evidence, SourcePos, UtcMs};

/// Distinct USB devices remembered per host (a docking station brings a dozen).
pub const MAX_USB: usize = 256;
/// Days of reporting hours remembered per host (the oldest is dropped first).
pub const MAX_DAYS: usize = 400;
/// Hosts remembered per subject.
pub const MAX_HOSTS: usize = 32;

/// The row a sighting came from.
#[derive(Clone, Debug)]
pub struct Sighting {
    pub source: SourcePos,
    pub at: UtcMs,
    pub query: Arc<str>,
    pub table: Arc<str>,
    /// `column` and the value as the row gave it (a command line only as its executable).
    pub column: Arc<str>,
    pub value: String,
}

impl Sighting {
    pub fn evidence(&self, host: &str) -> Evidence {
        let mut e = Evidence::at(self.source)
            .with("host", host)
            .with("at", self.at.to_rfc3339())
            .with("query", self.query.as_ref())
            .with(self.column.as_ref(), self.value.as_str());
        if !self.table.is_empty() {
            e = e.with("table", self.table.as_ref());
        }
        e
    }
}

/// A signature seen on the host.
#[derive(Clone, Debug)]
pub struct SignatureSeen {
    pub signature: u16,
    pub first: UtcMs,
    pub last: UtcMs,
    pub rows: u64,
    pub sighting: Sighting,
}

/// A USB device seen on the host.
#[derive(Clone, Debug)]
pub struct UsbSeen {
    /// `vendor:product:serial`, folded.
    pub key: String,
    pub vendor_product: String,
    pub class: String,
    pub first: UtcMs,
    /// Reported by the query's first run (osquery counter 0): present at installation.
    pub initial: bool,
    pub label: String,
    pub sighting: Sighting,
}

/// A listening port under a rule.
#[derive(Clone, Debug)]
pub struct PortSeen {
    pub rule: usize,
    pub port: u16,
    /// The signature of the listening program, when the row names it (`path`): an
    /// approved tool listening on its own port is not a finding, an unknown program on
    /// that port still is.
    pub process: Option<u16>,
    pub first: UtcMs,
    pub last: UtcMs,
    pub rows: u64,
    pub sighting: Sighting,
}

#[derive(Clone, Debug)]
pub struct Host {
    /// The host as osquery identified it (`hostIdentifier`).
    pub name: Arc<str>,
    /// The machine's hostname when the identifier is something else (a UUID).
    pub alias: Option<Arc<str>>,
    pub first: UtcMs,
    pub last: UtcMs,
    /// The earliest rows seen came from a first run (counter 0).
    pub first_initial: bool,
    /// The smallest osquery counter among the earliest rows: 2 or more says the host
    /// ran its queries before the first row seen.
    pub first_counter: Option<u64>,
    pub rows: u64,
    pub signatures: Vec<SignatureSeen>,
    pub usb: Vec<UsbSeen>,
    pub usb_dropped: u64,
    pub ports: Vec<PortSeen>,
    /// UTC day → bit per hour of the day with at least one report.
    pub hours: BTreeMap<i32, u32>,
}

impl Host {
    pub fn new(name: Arc<str>, at: UtcMs, counter: Option<u64>) -> Host {
        Host {
            name,
            alias: None,
            first: at,
            last: at,
            first_initial: counter == Some(0),
            first_counter: counter,
            rows: 0,
            signatures: Vec::new(),
            usb: Vec::new(),
            usb_dropped: 0,
            ports: Vec::new(),
            hours: BTreeMap::new(),
        }
    }

    /// How findings name the host: its hostname, with the identifier when they differ.
    pub fn label(&self) -> String {
        match &self.alias {
            Some(a) => format!("{a} ({})", self.name),
            None => self.name.to_string(),
        }
    }

    /// Notes that the host reported at `at`, with the row's osquery counter.
    pub fn saw(&mut self, at: UtcMs, counter: Option<u64>) {
        self.rows += 1;
        let initial = counter == Some(0);
        if at < self.first {
            self.first = at;
            self.first_initial = initial;
            self.first_counter = counter;
        } else if at == self.first {
            self.first_initial |= initial;
            self.first_counter = match (self.first_counter, counter) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        self.last = self.last.max(at);
        let day = at.day() as i32;
        let hour = ((at.0.rem_euclid(bonafide_core::time::MS_PER_DAY)) / bonafide_core::time::MS_PER_HOUR) as u32;
        *self.hours.entry(day).or_default() |= 1 << hour;
        if self.hours.len() > MAX_DAYS
            && let Some(&oldest) = self.hours.keys().next()
        {
            self.hours.remove(&oldest);
        }
    }

    pub fn signature(&mut self, signature: u16, at: UtcMs, sighting: impl FnOnce() -> Sighting) {
        match self.signatures.iter_mut().find(|s| s.signature == signature) {
            Some(s) => {
                s.rows += 1;
                s.last = s.last.max(at);
                if at < s.first {
                    s.first = at;
                    s.sighting = sighting();
                }
            }
            None => {
                self.signatures.push(SignatureSeen { signature, first: at, last: at, rows: 1, sighting: sighting() })
            }
        }
    }

    /// Notes another sighting of a known device; false when the device is new to the
    /// ledger (or this sighting is earlier) and needs [`Host::usb`].
    pub fn usb_again(&mut self, key: &str, at: UtcMs, initial: bool) -> bool {
        match self.usb.iter_mut().find(|u| u.key == key) {
            Some(u) if at >= u.first => {
                u.initial |= initial;
                true
            }
            _ => false,
        }
    }

    pub fn usb(&mut self, seen: UsbSeen) {
        let full = self.usb.len() >= MAX_USB;
        match self.usb.iter_mut().find(|u| u.key == seen.key) {
            Some(u) => {
                u.initial |= seen.initial;
                if seen.first < u.first {
                    u.first = seen.first;
                    u.sighting = seen.sighting;
                }
            }
            None if !full => self.usb.push(seen),
            None => self.usb_dropped += 1,
        }
    }

    pub fn port(
        &mut self,
        rule: usize,
        port: u16,
        process: Option<u16>,
        at: UtcMs,
        sighting: impl FnOnce() -> Sighting,
    ) {
        match self.ports.iter_mut().find(|p| p.rule == rule && p.port == port && p.process == process) {
            Some(p) => {
                p.rows += 1;
                p.last = p.last.max(at);
                if at < p.first {
                    p.first = at;
                    p.sighting = sighting();
                }
            }
            None => {
                self.ports.push(PortSeen { rule, port, process, first: at, last: at, rows: 1, sighting: sighting() })
            }
        }
    }

    /// Days on which the host reported in more than `min_hours` distinct hours.
    pub fn always_on_days(&self, min_hours: u32) -> Vec<(i32, u32)> {
        self.hours.iter().map(|(d, m)| (*d, m.count_ones())).filter(|(_, h)| *h > min_hours).collect()
    }
}

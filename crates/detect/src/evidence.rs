//! Building evidence from events, the same way in every detector.
//!
//! Detectors remember candidate evidence while events stream past, most of which is
//! never reported. A [`Note`] is the cheap form: a copy of the event's key facts whose
//! strings are shared (`Arc`), so taking one allocates nothing. It becomes a full
//! [`Evidence`] (a JSON map) only when a finding is emitted.

use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Event, Evidence, IpKind, Place, SourcePos, UtcMs};

/// How many supporting records a finding keeps as evidence.
pub const SAMPLE: usize = 8;

/// The facts of one event that evidence shows.
#[derive(Debug, Clone)]
pub struct Note {
    pub source: SourcePos,
    pub at: UtcMs,
    pub event_type: Arc<str>,
    pub net: Option<NetNote>,
}

#[derive(Debug, Clone)]
pub struct NetNote {
    pub ip: IpAddr,
    pub kind: IpKind,
    pub place: Place,
    pub asn: Option<u32>,
    pub as_org: Option<Arc<str>>,
    pub label: Option<Arc<str>>,
    pub kind_source: Option<Arc<str>>,
}

impl Note {
    pub fn of(e: &Event) -> Note {
        Note {
            source: e.source,
            at: e.at,
            event_type: e.event_type.clone(),
            net: e.net.as_ref().map(|n| NetNote {
                ip: n.ip,
                kind: n.kind,
                place: n.place.clone(),
                asn: n.asn,
                as_org: n.as_org.clone(),
                label: n.label.clone(),
                kind_source: n.kind_source.clone(),
            }),
        }
    }

    pub fn evidence(&self) -> Evidence {
        let mut ev =
            Evidence::at(self.source).with("at", self.at.to_rfc3339()).with("event_type", self.event_type.as_ref());
        if let Some(net) = &self.net {
            ev = ev.with("ip", net.ip.to_string()).with("network", net.kind.as_str());
            if !net.place.is_empty() {
                ev = ev.with("place", net.place.label());
            }
            if let Some(asn) = net.asn {
                ev = ev.with("asn", asn);
            }
            if let Some(org) = &net.as_org {
                ev = ev.with("as_org", org.as_ref());
            }
            if let Some(label) = &net.label {
                ev = ev.with("label", label.as_ref());
            }
            if let Some(src) = &net.kind_source {
                ev = ev.with("network_source", src.as_ref());
            }
        }
        ev
    }
}

/// Evidence for one event: when, what, and its network side.
pub fn of_event(e: &Event) -> Evidence {
    Note::of(e).evidence()
}

/// A bounded sample of notes plus the total count behind it. The sample keeps only notes
/// that differ (another IP or another day) from those already kept, so eight pieces of
/// evidence show eight situations rather than one situation eight times.
#[derive(Debug, Default, Clone)]
pub struct Sample {
    pub items: Vec<Note>,
    pub total: u64,
}

impl Sample {
    pub fn add(&mut self, e: &Event) {
        self.total += 1;
        if self.items.len() >= SAMPLE {
            return;
        }
        let ip = e.net.as_ref().map(|n| n.ip);
        let day = e.at.day();
        if !self.items.iter().any(|n| n.net.as_ref().map(|x| x.ip) == ip && n.at.day() == day) {
            self.items.push(Note::of(e));
        }
    }

    pub fn evidence(&self) -> Vec<Evidence> {
        self.items.iter().map(Note::evidence).collect()
    }
}

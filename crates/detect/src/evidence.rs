//! Building evidence from events, the same way in every detector.

use bonafide_core::{Event, Evidence};

/// How many supporting records a finding keeps as evidence.
pub const SAMPLE: usize = 8;

/// Evidence for one event: when, what, and its network side.
pub fn of_event(e: &Event) -> Evidence {
    let mut ev = Evidence::at(e.source)
        .with("at", e.at.to_rfc3339())
        .with("event_type", e.event_type.as_ref());
    if let Some(net) = &e.net {
        ev = ev
            .with("ip", net.ip.to_string())
            .with("network", net.kind.as_str());
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

/// A bounded sample of evidence plus the total count behind it.
#[derive(Debug, Default, Clone)]
pub struct Sample {
    pub items: Vec<Evidence>,
    pub total: u64,
}

impl Sample {
    pub fn add(&mut self, ev: impl FnOnce() -> Evidence) {
        self.total += 1;
        if self.items.len() < SAMPLE {
            self.items.push(ev());
        }
    }
}

//! D2: impossible travel between two sign-ins.
//!
//! Each located, successful sign-in is compared with the subject's most recent located
//! sign-ins (a small window, kept sorted by time so that logs exported newest-first or
//! slightly shuffled still pair up correctly). A pair is impossible when the implied
//! speed exceeds the configured maximum and the distance is beyond what IP geolocation
//! error explains. Corporate egress, and VPN/proxy/Tor/hosting exits, whose place is not
//! the person's, are left out.
//!
//! Comparing with non-adjacent sign-ins does not create false alarms: if A→C is
//! impossible, then A→B or B→C is too (the distance of the legs is at least A→C's and
//! their times add up), so any pair found is real evidence.

use std::collections::VecDeque;
use std::net::IpAddr;

use bonafide_core::{Event, Evidence, Finding, GeoPoint, IpKind, UtcMs};

use crate::evidence::Note;

use super::{PerSubject, observation};
use crate::config::D2Config;
use crate::evidence::SAMPLE;
use crate::{Context, Detector, Findings};

#[derive(Debug, Clone)]
struct Fix {
    at: UtcMs,
    point: GeoPoint,
    ip: IpAddr,
    mobile: bool,
    note: Note,
}

#[derive(Debug, Default)]
struct Trips {
    window: VecDeque<Fix>,
    count: u64,
    worst_kmh: f64,
    first: Option<UtcMs>,
    last: Option<UtcMs>,
    evidence: Vec<Evidence>,
}

#[derive(Debug, Default)]
pub struct ImpossibleTravel {
    subjects: PerSubject<Trips>,
}

/// A move between two located moments that no airliner makes: beyond geolocation error
/// (`min_distance_km`, wider on mobile networks) and faster than `max_speed_kmh`. Gives
/// (km/h, km, hours). Shared with I1, which asks whether countries make a trip.
pub(super) fn impossible_leg(
    a: &GeoPoint,
    b: &GeoPoint,
    at_a: UtcMs,
    at_b: UtcMs,
    mobile: bool,
    cfg: &D2Config,
) -> Option<(f64, f64, f64)> {
    let km = a.distance_km(b);
    let min_km = if mobile { cfg.min_distance_km_mobile } else { cfg.min_distance_km };
    if km < min_km {
        return None;
    }
    let hours = (at_b.0 - at_a.0).unsigned_abs() as f64 / 3_600_000.0;
    let kmh = if hours == 0.0 { f64::INFINITY } else { km / hours };
    (kmh > cfg.max_speed_kmh).then_some((kmh, km, hours))
}

impl Detector for ImpossibleTravel {
    fn name(&self) -> &'static str {
        "impossible-travel"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["D2"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else {
            return;
        };
        let cfg = &cx.config.d2;
        if net.corporate || cfg.exclude_kinds.contains(&net.kind) {
            return;
        }
        let Some(point) = net.place.point else { return };
        let fix = Fix { at: e.at, point, ip: net.ip, mobile: net.kind == IpKind::Mobile, note: Note::of(e) };
        let t = self.subjects.get_mut(subject);
        if t.window.capacity() == 0 {
            t.window.reserve_exact(cfg.window.max(1) + 1);
        }
        // The worst pair this sign-in makes with the window.
        let mut worst: Option<(f64, f64, f64, &Fix)> = None;
        // No two points on Earth are more than ~20,040 km apart: pairs further apart in
        // time than that distance takes at the maximum speed cannot be impossible.
        let horizon_ms = (20_040.0 / cfg.max_speed_kmh * 3_600_000.0) as i64;
        for other in &t.window {
            if other.ip == fix.ip || other.point == fix.point || (fix.at.0 - other.at.0).abs() > horizon_ms {
                continue;
            }
            if let Some((kmh, km, hours)) =
                impossible_leg(&fix.point, &other.point, fix.at, other.at, fix.mobile || other.mobile, cfg)
                && worst.is_none_or(|w| kmh > w.0)
            {
                worst = Some((kmh, km, hours, other));
            }
        }
        if let Some((kmh, km, hours, other)) = worst {
            t.count += 1;
            t.worst_kmh = t.worst_kmh.max(kmh);
            let (a, b) = if other.at <= fix.at { (other, &fix) } else { (&fix, other) };
            t.first = Some(t.first.map_or(a.at, |f| f.min(a.at)));
            t.last = Some(t.last.map_or(b.at, |l| l.max(b.at)));
            if t.evidence.len() + 2 <= SAMPLE {
                let speed = if kmh.is_finite() { format!("{kmh:.0}") } else { "instant".into() };
                let trip = |note: &Note, role: &str| {
                    note.evidence()
                        .with("leg", role)
                        .with("distance_km", km.round())
                        .with("hours", (hours * 100.0).round() / 100.0)
                        .with("speed_kmh", speed.clone())
                };
                t.evidence.push(trip(&a.note, "from"));
                t.evidence.push(trip(&b.note, "to"));
            }
        }
        // Insert in time order. Fixes further than the horizon from this sign-in can pair
        // with nothing that comes after it in a time-ordered log (either direction), so
        // they go; beyond that keep the `window` fixes nearest in time.
        let pos = t.window.partition_point(|f| f.at <= fix.at);
        t.window.insert(pos, fix);
        let at = e.at;
        while t.window.front().is_some_and(|f| f.at.0 < at.0 - horizon_ms) {
            t.window.pop_front();
        }
        while t.window.back().is_some_and(|f| f.at.0 > at.0 + horizon_ms) {
            t.window.pop_back();
        }
        while t.window.len() > cfg.window.max(1) {
            let (front, back) = (t.window.front().map(|f| f.at), t.window.back().map(|f| f.at));
            match (front, back) {
                (Some(f), Some(b)) if (at.0 - f.0).abs() >= (b.0 - at.0).abs() => t.window.pop_front(),
                _ => t.window.pop_back(),
            };
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        for (subject, t) in self.subjects.iter() {
            if t.count == 0 {
                continue;
            }
            let worst = if t.worst_kmh.is_finite() {
                format!("{:.0} km/h", t.worst_kmh)
            } else {
                "simultaneous sign-ins far apart".into()
            };
            let summary = format!("{} impossible trip(s) between sign-ins; worst {}", t.count, worst);
            let mut f = Finding::new("D2", subject, cx.weight("D2"), summary);
            f.first_seen = t.first;
            f.last_seen = t.last;
            f.evidence = t.evidence.clone();
            f.evidence_total = t.count * 2;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const NYC: (f64, f64) = (40.71, -74.01);
    const LONDON: (f64, f64) = (51.51, -0.13);
    const SHENYANG: (f64, f64) = (41.80, 123.43);
    const BOSTON: (f64, f64) = (42.36, -71.06);

    #[test]
    fn new_york_then_shenyang_an_hour_later_is_impossible() {
        let mut w = World::new(&["E1"]);
        w.signin_at("E1", w.t(0, 9, 0), "198.51.100.1", IpKind::Residential, NYC, "US");
        w.signin_at("E1", w.t(0, 10, 0), "175.167.1.1", IpKind::Residential, SHENYANG, "CN");
        let f = w.run();
        let d2 = f.get("E1", "D2").expect("D2");
        assert!(d2.summary.contains("km/h"));
        assert_eq!(d2.evidence.len(), 2);
    }

    #[test]
    fn a_real_flight_is_not_impossible() {
        // JFK→LHR: 5,570 km. Last sign-in 2 h before departure, next 1 h after a 7 h flight.
        let mut w = World::new(&["T1"]);
        w.signin_at("T1", w.t(0, 18, 0), "198.51.100.1", IpKind::Residential, NYC, "US");
        w.signin_at("T1", w.t(1, 4, 0), "81.2.69.1", IpKind::Mobile, LONDON, "GB");
        w.signin_at("T1", w.t(1, 9, 0), "81.2.69.2", IpKind::Residential, LONDON, "GB");
        // and back, with a hotel Wi-Fi sign-in an hour before a morning flight
        w.signin_at("T1", w.t(5, 8, 0), "81.2.69.3", IpKind::Residential, LONDON, "GB");
        w.signin_at("T1", w.t(5, 18, 30), "198.51.100.2", IpKind::Residential, NYC, "US");
        assert!(w.run().ids("T1").is_empty());
    }

    #[test]
    fn nearby_cities_and_vpn_hops_are_not_travel() {
        let mut w = World::new(&["E1", "V1"]);
        w.signin_at("E1", w.t(0, 9, 0), "198.51.100.1", IpKind::Residential, NYC, "US");
        w.signin_at("E1", w.t(0, 9, 10), "198.51.100.9", IpKind::Residential, BOSTON, "US");
        w.signin_at("V1", w.t(0, 9, 0), "198.51.100.5", IpKind::Residential, NYC, "US");
        w.signin_at("V1", w.t(0, 9, 5), "185.1.1.1", IpKind::Vpn, (52.37, 4.9), "NL");
        let f = w.run();
        assert!(f.ids("E1").is_empty(), "306 km in 10 min is within geolocation error");
        assert!(f.ids("V1").is_empty(), "a VPN exit is not a place the person went");
    }

    #[test]
    fn newest_first_logs_pair_up_too() {
        let mut w = World::new(&["E1"]);
        w.signin_at("E1", w.t(0, 10, 0), "175.167.1.1", IpKind::Residential, SHENYANG, "CN");
        w.signin_at("E1", w.t(0, 9, 0), "198.51.100.1", IpKind::Residential, NYC, "US");
        assert_eq!(w.run().ids("E1"), vec!["D2"]);
    }

    #[test]
    fn failed_sign_ins_are_not_the_person() {
        let mut w = World::new(&["E1"]);
        w.signin_at("E1", w.t(0, 9, 0), "198.51.100.1", IpKind::Residential, NYC, "US");
        w.failed_at("E1", w.t(0, 9, 30), "175.167.1.1", SHENYANG, "CN");
        assert!(w.run().ids("E1").is_empty());
    }
}

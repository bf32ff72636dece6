//! C4: a worker who never uses the managed laptop.
//!
//! A managed device shows itself three ways: its osquery host checks in (endpoint rows
//! attributed to the worker), the identity provider reports a managed device at sign-in,
//! or — when the run has no endpoint logs to check against — `devices.csv` lists one as
//! managed. A worker hired long enough ago (`grace_days`) who is active after that point
//! and has none of these by then fires C4, with the unmanaged sign-ins as evidence. The
//! run's clock is the latest event seen, not the wall clock, so an old export is judged
//! as of its own end, and from its own start: for someone hired before the earliest event
//! of the run, the logs cannot show the laptop's first check-in, so the grace period runs
//! from the start of the logs instead of the hire. Without any device information in the run (no `devices.csv`, no
//! endpoint rows, no IdP device flags) nobody can be judged and C4 stays silent; with IdP
//! flags only, only the people the IdP saw signing in are judged.

use bonafide_core::{Action, Detail, Event, Evidence, Finding, Outcome, SubjectIdx, SubjectKind, UtcMs};

use crate::evidence::{SAMPLE, Sample};
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
struct Seen {
    first_checkin: Option<UtcMs>,
    first_managed_signin: Option<UtcMs>,
    unmanaged: Sample,
    last_active: Option<UtcMs>,
}

#[derive(Debug, Default)]
pub struct ManagedDevice {
    seen: PerSubject<Seen>,
    horizon: Option<UtcMs>,
    /// The earliest event of the run: where the logs begin.
    earliest: Option<UtcMs>,
    endpoint_rows: bool,
    idp_device_flags: bool,
}

fn min_opt(a: Option<UtcMs>, t: UtcMs) -> Option<UtcMs> {
    Some(a.map_or(t, |a| a.min(t)))
}

impl Detector for ManagedDevice {
    fn name(&self) -> &'static str {
        "managed-device"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["C4"]
    }

    fn observe(&mut self, e: &Event, _cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        self.horizon = Some(self.horizon.map_or(e.at, |h| h.max(e.at)));
        self.earliest = min_opt(self.earliest, e.at);
        let s = self.seen.get_mut(subject);
        if e.action == Action::Inventory && matches!(e.detail, Detail::Endpoint(_)) {
            self.endpoint_rows = true;
            s.first_checkin = min_opt(s.first_checkin, e.at);
            return;
        }
        let ok = matches!(e.outcome, Outcome::Success | Outcome::Unknown);
        match e.device_managed {
            Some(true) if ok => {
                self.idp_device_flags = true;
                s.first_managed_signin = min_opt(s.first_managed_signin, e.at);
            }
            Some(false) if ok => {
                self.idp_device_flags = true;
                s.unmanaged.add(e);
            }
            _ => {}
        }
        if e.interactive && ok {
            s.last_active = Some(s.last_active.map_or(e.at, |l| l.max(e.at)));
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let device_info = self.endpoint_rows || self.idp_device_flags || !cx.records.devices.is_empty();
        let (true, Some(horizon)) = (device_info, self.horizon) else { return };
        let grace = i64::from(cx.config.c4.grace_days) * bonafide_core::time::MS_PER_DAY;
        let empty = Seen::default();
        for (i, person) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            if person.implicit || !matches!(person.kind, SubjectKind::Employee | SubjectKind::Contractor) {
                continue;
            }
            let Some(hire) = person.hire_date else { continue };
            // Hired before the logs begin: judge the first check-in from their start.
            let from = self.earliest.map_or(hire, |start| UtcMs(hire.0.max(start.0)));
            let deadline = UtcMs(from.0 + grace);
            if horizon < deadline || person.end_date.is_some_and(|end| end <= deadline) {
                continue;
            }
            let seen = self.seen.get(idx).unwrap_or(&empty);
            // When the identity provider is the only source of device information, only
            // people it saw signing in can be judged: someone who only appears in, say, a
            // GitHub log has no device context at all, which is not the same as none.
            let idp_saw_them = seen.unmanaged.total > 0 || seen.first_managed_signin.is_some();
            if !self.endpoint_rows && cx.records.devices.is_empty() && !idp_saw_them {
                continue;
            }
            let last_unmanaged = seen.unmanaged.items.iter().map(|n| n.at).max();
            let active_after = seen.last_active.max(last_unmanaged).is_some_and(|t| t > deadline);
            if !active_after {
                continue;
            }
            let devices: Vec<_> = cx.records.devices.iter().filter(|d| d.subject_id == person.id).collect();
            let on_record = devices.iter().any(|d| d.managed == Some(true));
            let checked_in = seen.first_checkin.is_some_and(|t| t <= deadline)
                || seen.first_managed_signin.is_some_and(|t| t <= deadline)
                || (!self.endpoint_rows && on_record);
            if checked_in {
                continue;
            }
            let days = cx.config.c4.grace_days;
            let mut why = match (seen.first_checkin.or(seen.first_managed_signin), on_record) {
                (Some(t), _) => format!(
                    "the managed device first checked in {} days after hire ({})",
                    (t.0 - hire.0).div_euclid(bonafide_core::time::MS_PER_DAY),
                    hire.date_string()
                ),
                (None, true) => format!(
                    "the managed device on record never checked in within {days} days of hire ({})",
                    hire.date_string()
                ),
                (None, false) if devices.is_empty() => {
                    format!("no managed device on record or seen within {days} days of hire ({})", hire.date_string())
                }
                (None, false) => {
                    format!("only unmanaged devices on record ({} days after hire {})", days, hire.date_string())
                }
            };
            if seen.unmanaged.total > 0 {
                why.push_str(&format!("; {} sign-ins from unmanaged devices", seen.unmanaged.total));
            }
            let mut f = Finding::new(
                "C4",
                idx,
                cx.weight("C4"),
                format!("{} works without a managed device: {why}", person.id),
            );
            f.seen(deadline);
            if let Some(t) = seen.last_active {
                f.seen(t);
            }
            let mut evidence: Vec<Evidence> = devices
                .iter()
                .map(|d| {
                    Evidence::at(d.source)
                        .with("asset_serial", d.asset_serial.as_str())
                        .with("managed", d.managed.map(|m| m.to_string()).unwrap_or_else(|| "unknown".into()))
                })
                .collect();
            evidence.extend(seen.unmanaged.evidence());
            f.evidence_total = devices.len() as u64 + seen.unmanaged.total;
            evidence.truncate(SAMPLE);
            f.evidence = evidence;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    fn staff(w: &mut World, id: &str) {
        w.hired(id, 0);
        for d in 1..20 {
            w.signin_managed(id, d, 15, Some(false));
        }
    }

    #[test]
    fn c4_no_managed_device_after_a_week() {
        let mut w = World::new(&["U", "M", "LATE", "IDP"]);
        staff(&mut w, "U");
        staff(&mut w, "M");
        w.device("M", "SN-M", "lt-m", Some(0), Some(true));
        w.endpoint("M", "lt-m", 1, 9, "os_version", &[("name", "macOS")]);
        staff(&mut w, "LATE");
        w.device("LATE", "SN-L", "lt-late", Some(0), Some(true));
        w.endpoint("LATE", "lt-late", 15, 9, "os_version", &[("name", "macOS")]);
        w.hired("IDP", 0);
        for d in 1..20 {
            w.signin_managed("IDP", d, 15, Some(true));
        }
        let r = w.run();
        let f = r.get("U", "C4").expect("C4");
        assert!(
            f.summary.contains("no managed device") && f.summary.contains("19 sign-ins from unmanaged"),
            "{}",
            f.summary
        );
        assert_eq!(f.weight_bits, w.weight("C4"));
        assert!(r.get("M", "C4").is_none(), "the managed laptop checked in on day 1");
        assert!(r.get("LATE", "C4").unwrap().summary.contains("first checked in 15 days after hire"));
        assert!(r.get("IDP", "C4").is_none(), "the identity provider saw a managed device");
    }

    #[test]
    fn c4_needs_device_information_time_and_activity() {
        // No device information anywhere in the run: nobody can be judged.
        let mut w = World::new(&["U", "NEW", "IDLE"]);
        w.hired("U", 0);
        for d in 1..20 {
            w.signin_managed("U", d, 15, None);
        }
        assert!(w.run().ids("U").is_empty());
        // With a devices file, the hire of two days ago is too recent, and a worker with no
        // activity after the grace period is not working from anything.
        w.device("U", "SN-U", "lt-u", Some(0), Some(false));
        w.hired("NEW", 18);
        w.signin_managed("NEW", 19, 10, Some(false));
        w.hired("IDLE", 0);
        w.signin_managed("IDLE", 2, 10, Some(false));
        let r = w.run();
        assert!(
            r.get("U", "C4").unwrap().summary.contains("only unmanaged devices on record"),
            "{:?}",
            r.get("U", "C4")
        );
        assert!(r.ids("NEW").is_empty(), "{:?}", r.of("NEW"));
        assert!(r.ids("IDLE").is_empty(), "{:?}", r.of("IDLE"));
    }

    #[test]
    fn c4_hired_before_the_logs_begin_is_judged_from_their_start() {
        // An export of days 100-130 for people hired on day 0: the laptop that checks in on
        // the export's second day was not late; one first seen 15 days into it was.
        let mut w = World::new(&["OLD", "OLDLATE"]);
        for (id, host, first) in [("OLD", "lt-old", 101), ("OLDLATE", "lt-ol", 115)] {
            w.hired(id, 0);
            w.device(id, &format!("SN-{id}"), host, Some(0), Some(true));
            for d in 100..130 {
                w.signin_managed(id, d, 15, None);
            }
            w.endpoint(id, host, first, 9, "os_version", &[("name", "macOS")]);
        }
        let r = w.run();
        assert!(r.get("OLD", "C4").is_none(), "{:?}", r.of("OLD"));
        assert!(r.get("OLDLATE", "C4").is_some(), "{:?}", r.of("OLDLATE"));
    }
}

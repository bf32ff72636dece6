//! Network and sign-in indicators: where people sign in from, through what, and how
//! (the D family), and the indicators of other families that read the same network
//! side: many countries or accounts per IP on a platform (I1, I2), candidate accounts
//! sharing an IP or device on the careers site (A13), and the interview's client IP (B7).
//!
//! All of them read the same thing: successful events attributed to a subject, with a
//! network side that enrichment has already placed and classified. Failed and challenged
//! attempts are left out on purpose: a password-spraying attacker's IP says nothing about
//! where the employee is.

pub mod accounts_per_ip;
pub mod anonymiser;
pub mod careers;
pub mod cohort;
pub mod countries;
pub mod device;
pub mod handover;
pub mod home_mismatch;
pub mod interview_ip;
pub mod session_length;
pub mod shared_device;
pub mod shared_ip;
pub mod travel;

use bonafide_core::{Event, Net, Outcome, SubjectIdx};

/// The subject and network side of an event that shows where a subject was, or `None`.
pub fn observation(e: &Event) -> Option<(SubjectIdx, &Net)> {
    let subject = e.subject?;
    let net = e.net.as_ref()?;
    matches!(e.outcome, Outcome::Success | Outcome::Unknown).then_some((subject, net))
}

/// Per-subject state in a vector indexed by subject, grown on demand.
#[derive(Debug)]
pub struct PerSubject<T> {
    items: Vec<Option<T>>,
}

impl<T> Default for PerSubject<T> {
    fn default() -> Self {
        PerSubject { items: Vec::new() }
    }
}

impl<T: Default> PerSubject<T> {
    pub fn get_mut(&mut self, s: SubjectIdx) -> &mut T {
        let i = s.index();
        if self.items.len() <= i {
            self.items.resize_with(i + 1, || None);
        }
        self.items[i].get_or_insert_with(T::default)
    }
}

impl<T> PerSubject<T> {
    pub fn get(&self, s: SubjectIdx) -> Option<&T> {
        self.items.get(s.index()).and_then(Option::as_ref)
    }

    pub fn iter(&self) -> impl Iterator<Item = (SubjectIdx, &T)> {
        self.items.iter().enumerate().filter_map(|(i, t)| t.as_ref().map(|t| (SubjectIdx(i as u32), t)))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (SubjectIdx, &mut T)> {
        self.items.iter_mut().enumerate().filter_map(|(i, t)| t.as_mut().map(|t| (SubjectIdx(i as u32), t)))
    }
}

/// `part / whole` as a percentage string.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 { "0%".into() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use bonafide_core::IpKind;

    const OHIO: (f64, f64) = (39.96, -83.0);
    const SHENYANG: (f64, f64) = (41.8, 123.43);

    /// IP intelligence calls a range on no list, whose AS name says nothing plain,
    /// `unknown` (it used to say `residential`): every network detector judges the two
    /// alike by default, so an ordinary home user stays unflagged, and a shared farm IP
    /// and a home abroad are found all the same; neither is ever an anonymiser.
    #[test]
    fn unknown_networks_are_judged_as_residential_ones() {
        for kind in [IpKind::Residential, IpKind::Unknown] {
            let mut w = World::new(&["HOME", "F1", "F2", "AWAY"]);
            for day in 0..30 {
                w.signin("HOME", day, 14, "73.63.112.167", kind, OHIO, "US");
                w.signin("F1", day, 14, "98.1.1.1", kind, OHIO, "US");
                w.signin("F2", day, 15, "98.1.1.1", kind, OHIO, "US");
                w.signin("AWAY", day, 14, "175.167.1.1", kind, SHENYANG, "CN");
            }
            let f = w.run();
            assert!(f.ids("HOME").is_empty(), "{kind:?}: {:?}", f.of("HOME"));
            assert_eq!(f.ids("F1"), vec!["D3"], "{kind:?}");
            assert_eq!(f.ids("AWAY"), vec!["D4"], "{kind:?}");
        }
    }
}

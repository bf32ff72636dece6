//! Network and sign-in indicators (D family): where people sign in from, through what,
//! and how.
//!
//! All of them read the same thing: successful events attributed to a subject, with a
//! network side that enrichment has already placed and classified. Failed and challenged
//! attempts are left out on purpose: a password-spraying attacker's IP says nothing about
//! where the employee is.

pub mod anonymiser;
pub mod home_mismatch;
pub mod session_length;
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

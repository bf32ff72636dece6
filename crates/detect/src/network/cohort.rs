//! Who used one shared thing (an IP, a device fingerprint) and when: the bounded record
//! behind I2 and A13.
//!
//! Per key, each subject seen on it keeps its sorted distinct UTC days (four bytes a
//! day, at most a year's worth), the devices it used there (at most eight) and its first
//! sighting for evidence. A key used by more than [`TRACKED`] subjects is a public
//! network and is dropped, so memory stays bounded by keys × a few subjects.

use std::sync::Arc;

use bonafide_core::{Evidence, Finding, Shared, SourcePos, SubjectIdx, UtcMs};

use crate::Context;
use crate::evidence::SAMPLE;

/// Distinct subjects tracked per key before it is considered public.
pub const TRACKED: usize = 64;
const MAX_DAYS: usize = 366;
const MAX_DEVICES: usize = 8;

#[derive(Debug, Clone)]
pub struct Member {
    pub subject: SubjectIdx,
    /// Sorted, distinct UTC days.
    pub days: Vec<i32>,
    pub devices: Vec<Arc<str>>,
    pub first: (UtcMs, SourcePos),
}

#[derive(Debug, Default, Clone)]
pub struct Cohort {
    pub members: Vec<Member>,
    pub saturated: bool,
}

impl Cohort {
    pub fn add(&mut self, subject: SubjectIdx, at: UtcMs, pos: SourcePos, device: Option<&Arc<str>>) {
        if self.saturated {
            return;
        }
        let m = match self.members.iter().position(|m| m.subject == subject) {
            Some(i) => &mut self.members[i],
            None => {
                if self.members.len() >= TRACKED {
                    self.saturated = true;
                    self.members = Vec::new();
                    return;
                }
                self.members.push(Member { subject, days: Vec::new(), devices: Vec::new(), first: (at, pos) });
                let last = self.members.len() - 1;
                &mut self.members[last]
            }
        };
        if at < m.first.0 {
            m.first = (at, pos);
        }
        let day = at.day() as i32;
        match m.days.last() {
            Some(&d) if d == day => {}
            Some(&d) if d < day => m.days.push(day),
            _ => {
                if let Err(i) = m.days.binary_search(&day) {
                    m.days.insert(i, day);
                }
            }
        }
        if m.days.len() > MAX_DAYS {
            m.days.remove(0);
        }
        if let Some(d) = device
            && m.devices.len() < MAX_DEVICES
            && !m.devices.contains(d)
        {
            m.devices.push(d.clone());
        }
    }

    /// Groups of members active together within `window_days` (each group is the
    /// members with a day in `[d, d + window)` for some day `d` one of them was active),
    /// largest first, each as indexes into `members`.
    pub fn windows(&self, window_days: u32) -> Vec<Vec<usize>> {
        let window = window_days.max(1) as i32;
        let mut starts: Vec<i32> = self.members.iter().flat_map(|m| m.days.iter().copied()).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for d in starts {
            let group: Vec<usize> = (0..self.members.len())
                .filter(|&i| {
                    let days = &self.members[i].days;
                    let k = days.partition_point(|&x| x < d);
                    days.get(k).is_some_and(|&x| x < d + window)
                })
                .collect();
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
        groups
    }

    /// The members `pick` keeps of the window `groups` ([`Cohort::windows`]), each
    /// once, ordered by subject: `pick` gets each group and returns the members it keeps
    /// (none when the window does not count).
    pub fn involved(&self, groups: Vec<Vec<usize>>, mut pick: impl FnMut(Vec<usize>) -> Vec<usize>) -> Vec<usize> {
        let mut involved: Vec<usize> = Vec::new();
        for group in groups {
            for i in pick(group) {
                if !involved.contains(&i) {
                    involved.push(i);
                }
            }
        }
        involved.sort_by_key(|&i| self.members[i].subject);
        involved
    }

    /// The one finding `involved` (from [`Cohort::involved`], not empty) share on the
    /// key: all of them as its subjects, the key as what links them into a cluster, the
    /// span of their days and each one's first sighting as evidence.
    pub fn finding(
        &self,
        involved: &[usize],
        cx: &Context<'_>,
        indicator: &str,
        key: (&str, &str),
        summary: String,
    ) -> Finding {
        debug_assert!(!involved.is_empty(), "callers pass the members a finding is about");
        let subjects: Vec<SubjectIdx> = involved.iter().map(|&i| self.members[i].subject).collect();
        // Only a placeholder until `subjects` replaces the list just below.
        let first = subjects.first().copied().unwrap_or(SubjectIdx(0));
        let mut f = Finding::new(indicator, first, cx.weight(indicator), summary);
        f.subjects = subjects;
        f.shared = Some(Shared { kind: key.0.to_string(), value: key.1.to_string() });
        let (first, last) = self.span(involved);
        f.first_seen = Some(first);
        f.last_seen = Some(last);
        f.evidence = self.evidence(involved, cx, key.0, key.1);
        f.evidence_total = involved.len() as u64;
        f
    }

    /// The subject ids of `involved`, for a finding's summary.
    pub fn ids<'c>(&self, involved: &[usize], cx: &'c Context<'_>) -> Vec<&'c str> {
        involved.iter().filter_map(|&i| cx.subject(self.members[i].subject)).map(|s| s.id.as_str()).collect()
    }

    /// The days of `members` that fall in one window with at least `need` of them.
    pub fn span(&self, members: &[usize]) -> (UtcMs, UtcMs) {
        let first = members.iter().filter_map(|&i| self.members[i].days.first()).min().copied().unwrap_or(0);
        let last = members.iter().filter_map(|&i| self.members[i].days.last()).max().copied().unwrap_or(0);
        let day = bonafide_core::time::MS_PER_DAY;
        (UtcMs(i64::from(first) * day), UtcMs((i64::from(last) + 1) * day - 1))
    }

    /// Evidence: each member's first sighting on the key.
    pub fn evidence(&self, members: &[usize], cx: &Context<'_>, key_kind: &str, key: &str) -> Vec<Evidence> {
        members
            .iter()
            .take(SAMPLE)
            .map(|&i| {
                let m = &self.members[i];
                let mut ev = Evidence::at(m.first.1)
                    .with("subject", cx.subject(m.subject).map(|s| s.id.clone()).unwrap_or_default())
                    .with(key_kind, key)
                    .with("first_seen", m.first.0.to_rfc3339())
                    .with("days", m.days.len());
                if !m.devices.is_empty() {
                    ev = ev.with("devices", m.devices.iter().map(|d| d.to_string()).collect::<Vec<_>>());
                }
                ev
            })
            .collect()
    }
}

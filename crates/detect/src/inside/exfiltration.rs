//! E6: code pulled far above peers in the first weeks, and pushes outside the
//! organisation.
//!
//! Pulls (GitHub records `git.clone` for clones, fetches and pulls, plus archive
//! downloads) are counted as *distinct repositories* per subject in the first
//! `window_days` after the hire date (or after the subject's first pull when the hire
//! date is unknown): a developer pulls one repository a hundred times a day, a worker
//! harvesting code pulls a hundred repositories once. The count must reach `min_repos`
//! and exceed the `peer_quantile` of other subjects' counts in their own first weeks
//! (when there are `min_peers` of them). Separately, any push to a repository whose
//! owner is not one of the organisation's (`organisations`, or the owners anyone pulled
//! from) fires: code sent to a personal or foreign account.

use std::collections::{HashMap, HashSet};

use bonafide_core::{Event, Finding, Outcome, SubjectIdx, UtcMs};

use super::Conduct;
use crate::evidence::{Note, SAMPLE};
use crate::network::PerSubject;
use crate::{Context, Detector, Findings};

/// Distinct repositories remembered per subject.
const MAX_REPOS: usize = 4096;
/// Repository owners learnt from pulls.
const MAX_OWNERS: usize = 1024;
const DAY: i64 = 86_400_000;

#[derive(Debug, Default)]
struct Tally {
    /// Repository (lower case) → its earliest pull.
    repos: HashMap<Box<str>, UtcMs>,
    /// Earliest pull notes of distinct repositories, for evidence.
    notes: Vec<Note>,
    pushes_out: Vec<(String, Note)>,
    pushes_out_total: u64,
}

#[derive(Debug, Default)]
pub struct Exfiltration {
    tallies: PerSubject<Tally>,
    owners: HashSet<String>,
}

fn owner(repo: &str) -> Option<&str> {
    repo.split_once('/').map(|(o, _)| o.trim()).filter(|o| !o.is_empty())
}

impl Exfiltration {
    /// The subject's window start: the hire date, else its first pull.
    fn window(t: &Tally, hire: Option<UtcMs>, days: u32) -> Option<(UtcMs, UtcMs)> {
        let start = hire.or_else(|| t.repos.values().min().copied())?;
        Some((start, UtcMs(start.0 + i64::from(days) * DAY)))
    }

    fn in_window(t: &Tally, window: (UtcMs, UtcMs)) -> usize {
        t.repos.values().filter(|at| **at >= window.0 && **at < window.1).count()
    }
}

impl Detector for Exfiltration {
    fn name(&self) -> &'static str {
        "exfiltration"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["E6"]
    }

    fn observe(&mut self, e: &Event, _cx: &Context<'_>) {
        let Some(subject) = e.subject else { return };
        if matches!(e.outcome, Outcome::Failure | Outcome::Challenge) {
            return;
        }
        let Some(repo) = e.target.as_deref() else { return };
        let c = Conduct::builtin();
        if c.is_pull(&e.actor.system, &e.event_type) {
            let repo = repo.trim().to_lowercase();
            if let Some(o) = owner(&repo)
                && self.owners.len() < MAX_OWNERS
            {
                self.owners.insert(o.to_string());
            }
            let t = self.tallies.get_mut(subject);
            let full = t.repos.len() >= MAX_REPOS;
            match t.repos.get_mut(repo.as_str()) {
                Some(at) => *at = (*at).min(e.at),
                None if !full => {
                    t.repos.insert(repo.into_boxed_str(), e.at);
                    if t.notes.len() < SAMPLE {
                        t.notes.push(Note::of(e));
                    }
                }
                None => {}
            }
        } else if c.is_push(&e.actor.system, &e.event_type) {
            let t = self.tallies.get_mut(subject);
            t.pushes_out_total += 1;
            if t.pushes_out.len() < SAMPLE {
                t.pushes_out.push((repo.trim().to_lowercase(), Note::of(e)));
            }
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.e6;
        let orgs: HashSet<String> = if cfg.organisations.is_empty() {
            self.owners.clone()
        } else {
            cfg.organisations.iter().map(|o| o.trim().to_lowercase()).collect()
        };
        let hire = |s: SubjectIdx| cx.subject(s).and_then(|x| x.hire_date);
        let counts: Vec<(SubjectIdx, usize)> = self
            .tallies
            .iter()
            .filter_map(|(s, t)| Self::window(t, hire(s), cfg.window_days).map(|w| (s, Self::in_window(t, w))))
            .filter(|(_, n)| *n > 0)
            .collect();
        for (subject, t) in self.tallies.iter() {
            let mut parts = Vec::new();
            let mut f = Finding::new("E6", subject, cx.weight("E6"), "");
            let mine = counts.iter().find(|(s, _)| *s == subject).map_or(0, |c| c.1);
            if mine >= cfg.min_repos as usize {
                let mut peers: Vec<usize> = counts.iter().filter(|(s, _)| *s != subject).map(|c| c.1).collect();
                peers.sort_unstable();
                let bar = if peers.len() >= cfg.min_peers {
                    let q = cfg.peer_quantile.clamp(0.0, 1.0);
                    let i = ((peers.len() as f64 - 1.0) * q).round() as usize;
                    Some(peers[i.min(peers.len() - 1)])
                } else {
                    None
                };
                if bar.is_none_or(|b| mine > b) {
                    let basis = if hire(subject).is_some() { "after the hire date" } else { "after the first pull" };
                    let peer_text = match bar {
                        Some(b) => format!(
                            ", above the {:.0}th percentile of {} peers ({b})",
                            cfg.peer_quantile * 100.0,
                            peers.len()
                        ),
                        None => String::new(),
                    };
                    parts.push(format!(
                        "{mine} distinct repositories pulled in the first {} days {basis}{peer_text}",
                        cfg.window_days
                    ));
                    for n in &t.notes {
                        f.seen(n.at);
                        f.evidence.push(n.evidence().with("pulled", true));
                    }
                    f.evidence_total += mine as u64;
                }
            }
            let outside: Vec<&(String, Note)> =
                t.pushes_out.iter().filter(|(repo, _)| owner(repo).is_some_and(|o| !orgs.contains(o))).collect();
            if !outside.is_empty() {
                let repos: Vec<&str> = outside.iter().map(|(r, _)| r.as_str()).collect();
                parts.push(format!(
                    "pushed to {} repositor(ies) outside the organisation ({})",
                    outside.len(),
                    repos.join(", ")
                ));
                for (repo, n) in outside {
                    f.seen(n.at);
                    if f.evidence.len() < SAMPLE {
                        f.evidence.push(n.evidence().with("repository", repo.as_str()).with("outside", true));
                    }
                    f.evidence_total += 1;
                }
            }
            if parts.is_empty() {
                continue;
            }
            f.summary = parts.join("; ");
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    #[test]
    fn a_new_hire_harvesting_repositories_fires() {
        let ids: Vec<String> = (0..12).map(|i| format!("P{i}")).collect();
        let mut refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        refs.push("N1");
        let mut w = World::new(&refs);
        for (i, id) in ids.iter().enumerate() {
            w.set_hire(id, 0);
            // Peers pull their few team repositories many times a day.
            for day in 0..30 {
                for k in 0..(3 + i % 4) {
                    w.github(id, w.t(day, 10, k as i64), "git.clone", &format!("acme/team{}-{k}", i % 3));
                }
            }
        }
        w.set_hire("N1", 0);
        for k in 0..60 {
            w.github("N1", w.t(2, 1, k), "git.clone", &format!("acme/repo{k}"));
        }
        let f = w.run();
        let e6 = f.get("N1", "E6").expect("E6");
        assert!(e6.summary.contains("60 distinct repositories"), "{}", e6.summary);
        assert!(e6.summary.contains("percentile"), "{}", e6.summary);
        assert!(refs[..12].iter().all(|id| f.get(id, "E6").is_none()));
    }

    #[test]
    fn a_veteran_or_a_repeated_pull_is_not_a_harvest() {
        let mut w = World::new(&["V1", "R1"]);
        // Hired a year before these pulls: outside the first 30 days.
        w.set_hire("V1", -365);
        for k in 0..60 {
            w.github("V1", w.t(2, 1, k), "git.clone", &format!("acme/repo{k}"));
        }
        // A CI-like habit: one repository pulled 500 times in the first week.
        w.set_hire("R1", 0);
        for k in 0..500 {
            w.github("R1", w.t(k / 100, 1, k % 60), "git.clone", "acme/monorepo");
        }
        let f = w.run();
        assert!(f.get("V1", "E6").is_none());
        assert!(f.get("R1", "E6").is_none());
    }

    #[test]
    fn pushes_outside_the_organisation_fire_inside_do_not() {
        let mut w = World::new(&["D1", "D2"]);
        for id in ["D1", "D2"] {
            w.github(id, w.t(0, 9, 0), "git.clone", "acme/payments");
            w.github(id, w.t(0, 10, 0), "git.push", "acme/payments");
        }
        w.github("D1", w.t(1, 2, 0), "git.push", "d1-personal/payments-copy");
        let f = w.run();
        let e6 = f.get("D1", "E6").expect("push outside");
        assert!(e6.summary.contains("d1-personal/payments-copy"), "{}", e6.summary);
        assert!(f.get("D2", "E6").is_none());
        // With the organisations configured, the same push inside them is fine.
        w.config.e6.organisations = vec!["acme".into(), "d1-personal".into()];
        assert!(w.run().get("D1", "E6").is_none());
    }
}

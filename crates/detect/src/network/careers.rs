//! A13: several candidate accounts from one IP or one device on the careers site.
//!
//! A candidate-site login is recognised from the data contract: a `signins.csv` sign-in
//! (the platform's own login table) whose `app` contains one of the configured words
//! (`careers`, `jobs`, `greenhouse`, ...), or any sign-in of a subject whose kind is
//! `applicant`. An employee's single sign-on into the applicant-tracking system is a
//! recruiter at work and does not count. Per IP and per device fingerprint, the candidate accounts seen within
//! `window_days` are counted; `min_accounts` unrelated ones (a household counts once) on
//! one key fire one finding shared by all of them, which links them into a cluster: one
//! operator applying under several personas. Corporate egress (a recruiting event at
//! the office) and carrier-NAT mobile ranges are left out for IPs; a shared device
//! fingerprint counts on any network.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{Event, SubjectIdx, SubjectKind};

use super::cohort::Cohort;
use super::observation;
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct CareersSite {
    ips: HashMap<IpAddr, Cohort>,
    devices: HashMap<Arc<str>, Cohort>,
}

/// True when the app name's words include one of `words`.
pub fn is_careers_app(app: &str, words: &[String]) -> bool {
    app.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)))
}

impl Detector for CareersSite {
    fn name(&self) -> &'static str {
        "careers-site"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A13"]
    }

    fn observe(&mut self, e: &Event, cx: &Context<'_>) {
        let Some((subject, net)) = observation(e) else { return };
        let cfg = &cx.config.a13;
        let careers_login = cfg.systems.iter().any(|s| s.as_str() == &*e.actor.system)
            && e.target.as_deref().is_some_and(|app| is_careers_app(app, &cfg.apps));
        let candidate = careers_login || cx.subject(subject).is_some_and(|s| s.kind == SubjectKind::Applicant);
        if !candidate {
            return;
        }
        if !net.corporate && cfg.kinds.contains(&net.kind) {
            self.ips.entry(net.ip).or_default().add(subject, e.at, e.source, e.device.as_ref());
        }
        if let Some(d) = &e.device {
            self.devices.entry(d.clone()).or_default().add(subject, e.at, e.source, Some(d));
        }
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a13;
        let need = cfg.min_accounts.max(2);
        let mut keyed: Vec<(String, &str, &Cohort)> = Vec::new();
        for (ip, c) in &self.ips {
            keyed.push((ip.to_string(), "ip", c));
        }
        for (d, c) in &self.devices {
            keyed.push((d.to_string(), "device", c));
        }
        keyed.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        for (key, kind, c) in keyed {
            if c.members.len() < need {
                continue;
            }
            let involved = c.involved(c.windows(cfg.window_days), |group| {
                let subjects: Vec<SubjectIdx> = group.iter().map(|&i| c.members[i].subject).collect();
                let counts = group.len() >= need
                    && group.len() <= cfg.max_accounts
                    && cx.households.count_unrelated(&subjects) >= need;
                if counts { group } else { Vec::new() }
            });
            if involved.is_empty() {
                continue;
            }
            let what = if kind == "ip" { format!("IP {key}") } else { format!("device {key}") };
            let summary = format!(
                "{} candidate accounts ({}) on the careers site from one {} within {} days",
                involved.len(),
                c.ids(&involved, cx).join(", "),
                what,
                cfg.window_days
            );
            out.push(c.finding(&involved, cx, "A13", (kind, &key), summary));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_careers_app;
    use crate::testkit::*;
    use bonafide_core::{IpKind, SubjectKind};

    #[test]
    fn careers_apps_are_recognised_by_word() {
        let words = crate::DetectConfig::default().a13.apps;
        for app in ["careers", "Careers Site", "jobs.acme.example", "Greenhouse", "ats-prod"] {
            assert!(is_careers_app(app, &words), "{app}");
        }
        for app in ["Workday", "Slack", "payroll", "jobsearch-internal"] {
            assert!(!is_careers_app(app, &words), "{app}");
        }
    }

    #[test]
    fn three_candidates_from_one_ip_and_one_device() {
        let mut w = World::new(&["C1", "C2", "C3", "C4", "C5", "C6", "E1", "R1", "R2", "R3"]);
        for (i, id) in ["C1", "C2", "C3"].iter().enumerate() {
            w.app_signin(id, w.t(i as i64, 10, 0), "73.9.9.9", IpKind::Residential, None, "careers");
        }
        // Another persona ring: three IPs, one browser fingerprint.
        for (i, id) in ["C4", "C5", "C6"].iter().enumerate() {
            let ip = format!("203.0.113.{}", i + 1);
            w.app_signin(id, w.t(i as i64, 11, 0), &ip, IpKind::Vpn, Some("fp-77"), "jobs portal");
        }
        // An employee on the same home IP signing in to work apps is not a candidate,
        // nor are recruiters signing in to the applicant-tracking system through Okta.
        w.app_signin("E1", w.t(0, 9, 0), "73.9.9.9", IpKind::Residential, None, "Workday");
        for id in ["R1", "R2", "R3"] {
            w.app_signin(id, w.t(0, 9, 0), "73.4.4.4", IpKind::Residential, None, "Greenhouse");
            if let Some(e) = w.events.last_mut() {
                e.actor.system = std::sync::Arc::from("okta");
            }
        }
        let f = w.run();
        let a13 = |kind: &str| {
            f.findings.iter().find(|x| x.indicator == "A13" && x.shared.as_ref().is_some_and(|s| s.kind == kind))
        };
        let by_ip = a13("ip").expect("by IP");
        assert_eq!(by_ip.subjects.len(), 3);
        let by_device = a13("device").expect("by device");
        assert_eq!(by_device.shared.as_ref().unwrap().value, "fp-77");
        assert!(f.get("E1", "A13").is_none());
        assert!(f.get("R1", "A13").is_none(), "recruiters at work");
    }

    #[test]
    fn applicants_count_on_any_app_and_confounders_do_not() {
        let mut w = World::new(&["P1", "P2", "P3"]);
        for id in ["P1", "P2", "P3"] {
            w.set_kind(id, SubjectKind::Applicant);
            w.app_signin(id, w.t(0, 10, 0), "73.9.9.9", IpKind::Residential, None, "portal");
        }
        assert_eq!(w.run().get("P1", "A13").map(|f| f.subjects.len()), Some(3));

        // Two candidates from one home, a campus of sixty, and three over three months.
        let ids: Vec<String> = (0..60).map(|i| format!("U{i}")).collect();
        let mut refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        refs.extend(["H1", "H2", "M1", "M2", "M3", "O1", "O2", "O3"]);
        let mut w = World::new(&refs);
        w.app_signin("H1", w.t(0, 10, 0), "73.5.5.5", IpKind::Residential, None, "careers");
        w.app_signin("H2", w.t(0, 11, 0), "73.5.5.5", IpKind::Residential, None, "careers");
        for id in &ids {
            w.app_signin(id, w.t(1, 10, 0), "128.1.1.1", IpKind::Residential, None, "careers");
        }
        for (i, id) in ["M1", "M2", "M3"].iter().enumerate() {
            w.app_signin(id, w.t(45 * i as i64, 10, 0), "73.6.6.6", IpKind::Residential, None, "careers");
        }
        // A recruiting day at the office: corporate egress.
        for id in ["O1", "O2", "O3"] {
            w.app_signin(id, w.t(2, 10, 0), "10.0.0.1", IpKind::Corporate, None, "careers");
        }
        assert!(w.run().findings.iter().all(|f| f.indicator != "A13"), "{:?}", w.run().findings);
    }
}

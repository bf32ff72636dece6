//! A3: a portfolio website that does not stand up.
//!
//! Fabricated personas come with fabricated portfolios: a site registered weeks before
//! the application, a one-page site-builder template, or the very site another
//! applicant gives as theirs. Each is judged from people.csv alone (`website`, and
//! `website_created` when the organisation knows the registration date); nothing is
//! fetched. What counts, strongest first:
//! - the same site given by unrelated people (households count once): a shared
//!   portfolio is one persona factory's;
//! - a site's domain registered fewer than `young_days` before the application, on the
//!   seized list, or imitating the employer or a well-known company (A4's judge);
//! - a site on a template builder's free subdomain (`template_hosts`): weak alone
//!   (`soft_bits`), as small businesses use them too. Developer hosting (GitHub Pages,
//!   Netlify, Vercel) is not a sign: honest engineers host portfolios there.
//!
//! "Defunct" needs the site fetched, which bonafide never does at run time.

use std::collections::BTreeMap;

use bonafide_core::{Finding, SubjectIdx};
use bonafide_intel::domains::{DomainLists, is_subdomain_of};
use serde::{Deserialize, Serialize};

use super::domains::Judge;
use crate::people::subject_evidence;
use crate::{Context, Detector, Findings};

/// `[detect.a3]`: portfolio websites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A3Config {
    /// A site's domain registered fewer than this many days before the application is
    /// young (needs `website_created` in people.csv).
    pub young_days: u32,
    /// Weight, in bits, of a template builder's subdomain alone.
    pub soft_bits: f64,
    /// Site builders whose free subdomains are one-page templates (`name.wixsite.com`).
    pub template_hosts: Vec<String>,
    /// Hosts shared by many people, where a person's site is a path: `github.com` (the
    /// first path segment is the profile), `linkedin.com/in` (the segment after `in`).
    /// Only the profile is compared; the host is never the person's.
    pub profile_hosts: Vec<String>,
}

impl Default for A3Config {
    fn default() -> Self {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        A3Config {
            young_days: 90,
            soft_bits: 0.5,
            template_hosts: list(&[
                "wixsite.com",
                "weebly.com",
                "carrd.co",
                "godaddysites.com",
                "square.site",
                "mystrikingly.com",
                "webnode.page",
                "jimdosite.com",
                "site123.me",
                "webflow.io",
            ]),
            profile_hosts: list(&[
                "github.com",
                "gitlab.com",
                "bitbucket.org",
                "linkedin.com/in",
                "behance.net",
                "dribbble.com",
                "medium.com",
                "about.me",
                "sites.google.com/view",
                "linktr.ee",
                "x.com",
                "twitter.com",
                "facebook.com",
                "instagram.com",
                "youtube.com",
                "stackoverflow.com/users",
                "kaggle.com",
                "codepen.io",
                "upwork.com/freelancers",
                "fiverr.com",
            ]),
        }
    }
}

#[derive(Debug, Default)]
pub struct Websites;

/// A site as people.csv gives it, reduced to what identifies it: the host without
/// `www.`, lower case, and on a profile host (`profile_hosts`: `github.com`, or with
/// the path that precedes a profile, `linkedin.com/in`; a country subdomain such as
/// `uk.linkedin.com` is the host's) the profile's path segment (`github.com/jdoe`,
/// `linkedin.com/in/jdoe`). `None` for text that is no web address, or a profile host
/// without a profile.
pub fn site_key(url: &str, profile_hosts: &[String]) -> Option<(String, String)> {
    let t = url.trim().to_ascii_lowercase();
    let t = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(&t);
    let (host, rest) = t.split_once(['/', '?', '#']).unwrap_or((t, ""));
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split_once(':').map_or(host, |(h, _)| h);
    let host = host.strip_prefix("www.").unwrap_or(host).trim_end_matches('.');
    let valid = host.contains('.')
        && !host.starts_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid {
        return None;
    }
    let path: Vec<&str> = rest.split(['?', '#']).next().unwrap_or("").split('/').filter(|s| !s.is_empty()).collect();
    for p in profile_hosts {
        let (phost, prefix) = p.split_once('/').unwrap_or((p.as_str(), ""));
        let on_host = host == phost || is_subdomain_of(host, phost);
        if !on_host {
            continue;
        }
        let prefix: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
        // A path outside the profiles (`linkedin.com/company/x`) is no person's site.
        if !path.starts_with(&prefix) {
            return None;
        }
        let profile = path.get(prefix.len())?;
        let mut key = phost.to_string();
        for s in prefix.iter().chain([profile]) {
            key.push('/');
            key.push_str(s);
        }
        return Some((phost.to_string(), key));
    }
    Some((host.to_string(), host.to_string()))
}

/// The one of `parents` that `host` is a subdomain of.
fn under<'p>(host: &str, parents: &'p [String]) -> Option<&'p str> {
    parents.iter().map(String::as_str).find(|p| is_subdomain_of(host, p))
}

impl Detector for Websites {
    fn name(&self) -> &'static str {
        "websites"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A3"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let cfg = &cx.config.a3;
        let mut judge = Judge::new(DomainLists::builtin(), &cx.config.domains, cfg.young_days);
        let mut by_site: BTreeMap<String, Vec<SubjectIdx>> = BTreeMap::new();
        for (i, s) in cx.subjects.iter().enumerate() {
            let idx = SubjectIdx(i as u32);
            let Some((host, key)) = s.website.as_deref().and_then(|u| site_key(u, &cfg.profile_hosts)) else {
                continue;
            };
            by_site.entry(key.clone()).or_default().push(idx);
            // The site's own domain: a profile host's is not the person's.
            let mut strong: Vec<String> = Vec::new();
            let mut weak: Vec<String> = Vec::new();
            // A profile's key carries its path.
            if key == host {
                match under(&host, &cfg.template_hosts) {
                    Some(builder) => weak.push(format!("the website {key} is a free {builder} template subdomain")),
                    None => strong.extend(
                        judge
                            .domain(&host, s.website_created, s.applied_date.or(s.hire_date))
                            .into_iter()
                            .map(|(m, _)| format!("website: {m}")),
                    ),
                }
            }
            if strong.is_empty() && weak.is_empty() {
                continue;
            }
            let weight = if strong.is_empty() { cfg.soft_bits } else { cx.weight("A3") };
            let summary = strong.iter().chain(&weak).cloned().collect::<Vec<_>>().join("; ");
            let mut f = Finding::new("A3", idx, weight, summary);
            f.evidence = vec![subject_evidence(s).with("website", key)];
            f.evidence_total = 1;
            out.push(f);
        }
        // One site given by unrelated people.
        for (key, members) in by_site {
            if members.len() < 2 || cx.households.count_unrelated(&members) < 2 {
                continue;
            }
            let ids: Vec<&str> = members.iter().filter_map(|&m| cx.subject(m)).map(|s| s.id.as_str()).collect();
            let summary = format!("{} unrelated people give the same website {key} ({})", ids.len(), ids.join(", "));
            let mut f = Finding::new("A3", members[0], cx.weight("A3"), summary);
            f.subjects = members.clone();
            f.evidence = members
                .iter()
                .filter_map(|&m| cx.subject(m))
                .take(crate::evidence::SAMPLE)
                .map(|s| subject_evidence(s).with("website", key.clone()))
                .collect();
            f.evidence_total = members.len() as u64;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::site_key;
    use crate::testkit::*;
    use bonafide_core::UtcMs;

    fn profiles() -> Vec<String> {
        super::A3Config::default().profile_hosts
    }

    #[test]
    fn sites_are_keyed_by_host_and_a_profile_by_its_path() {
        let p = profiles();
        let key = |u: &str| site_key(u, &p).map(|(_, k)| k);
        assert_eq!(key("https://www.JaneDoe.dev/about"), Some("janedoe.dev".into()));
        assert_eq!(key("janedoe.dev:443"), Some("janedoe.dev".into()));
        assert_eq!(key("http://github.com/JDoe/portfolio"), Some("github.com/jdoe".into()));
        assert_eq!(key("github.com"), None, "a profile host without a profile");
        // Every LinkedIn profile starts /in/: the profile is the segment after it.
        assert_eq!(key("https://www.linkedin.com/in/JDoe/"), Some("linkedin.com/in/jdoe".into()));
        assert_eq!(key("uk.linkedin.com/in/jdoe"), Some("linkedin.com/in/jdoe".into()));
        assert_eq!(key("linkedin.com/in/"), None);
        assert_eq!(key("linkedin.com/company/acme"), None, "not a person's page");
        assert_eq!(key("https://sites.google.com/view/jdoe-dev/home"), Some("sites.google.com/view/jdoe-dev".into()));
        assert_eq!(key("stackoverflow.com/users/12345/jdoe"), Some("stackoverflow.com/users/12345".into()));
        for junk in ["", "n/a", "see resume", "http://", ".com", "jane doe.dev"] {
            assert_eq!(key(junk), None, "{junk:?}");
        }
    }

    fn site(w: &mut World, id: &str, url: &str) {
        w.person(id).website = Some(url.into());
    }

    /// Two unrelated applicants with one portfolio; a young domain; a template builder's
    /// subdomain (weak). Developer hosting and an old domain are nothing.
    #[test]
    fn shared_young_and_templated_sites_fire_developer_hosting_does_not() {
        let mut w = World::new(&["P1", "P2", "YOUNG", "WIX", "PAGES", "OLD", "GH1", "GH2", "LI1", "LI2", "LATER"]);
        site(&mut w, "P1", "https://alexdev-portfolio.com");
        site(&mut w, "P2", "www.alexdev-portfolio.com/projects");
        site(&mut w, "YOUNG", "https://mira-codes.dev");
        w.person("YOUNG").applied_date = UtcMs::parse_date("2025-03-01").ok();
        w.person("YOUNG").website_created = UtcMs::parse_date("2025-02-10").ok();
        site(&mut w, "WIX", "https://samkim.wixsite.com/portfolio");
        site(&mut w, "PAGES", "https://jlee.github.io");
        site(&mut w, "OLD", "https://olddev.net");
        w.person("OLD").applied_date = UtcMs::parse_date("2025-03-01").ok();
        w.person("OLD").website_created = UtcMs::parse_date("2012-05-01").ok();
        site(&mut w, "GH1", "https://github.com/one");
        site(&mut w, "GH2", "https://github.com/two");
        site(&mut w, "LI1", "https://www.linkedin.com/in/ann-lee");
        site(&mut w, "LI2", "https://linkedin.com/in/kim-sang");
        // A site registered years into the job is no sign.
        site(&mut w, "LATER", "https://laterdev.io");
        w.person("LATER").hire_date = UtcMs::parse_date("2019-03-01").ok();
        w.person("LATER").website_created = UtcMs::parse_date("2023-05-01").ok();
        let f = w.run();
        let shared = f.get("P1", "A3").expect("shared site");
        assert_eq!(shared.subjects.len(), 2);
        assert!(shared.summary.contains("alexdev-portfolio.com"), "{}", shared.summary);
        let young = f.get("YOUNG", "A3").expect("young");
        assert!(young.summary.contains("registered 19 day(s) before"), "{}", young.summary);
        assert_eq!(young.weight_bits, w.weight("A3"));
        let wix = f.get("WIX", "A3").expect("template");
        assert_eq!(wix.weight_bits, w.config.a3.soft_bits);
        for id in ["PAGES", "OLD", "GH1", "GH2", "LI1", "LI2", "LATER"] {
            assert!(!f.ids(id).contains(&"A3"), "{id}: {:?}", f.of(id));
        }
    }

    /// A couple who give their shared family site are one household, not a factory.
    #[test]
    fn a_household_sharing_a_site_does_not_fire() {
        let mut w = World::new(&["H1", "H2"]);
        for id in ["H1", "H2"] {
            site(&mut w, id, "https://parkfamily.net");
            w.set_address(id, "12 OAK ST|SPRINGFIELD|IL|62701|US", "Park");
        }
        let f = w.run();
        assert!(!f.ids("H1").contains(&"A3"), "{:?}", f.of("H1"));
    }
}

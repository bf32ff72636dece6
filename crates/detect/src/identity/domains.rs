//! A4 (references) and A14 (staffing vendors): domains that do not stand up.
//!
//! A reference who "works at Acme" but writes from free mail, whose company domain was
//! registered weeks before the application, imitates a real company's domain (the
//! employer's own above all) or is on the seized list, does not speak for Acme; nor does
//! one whose phone or email is the candidate's own. HR's own "could not verify" counts
//! too. Weak signs (free mail, unverified) alone are soft (`soft_bits`): small firms do
//! use Gmail. Vendors (A14) are judged the same way on `vendor_domain`.

use std::collections::HashMap;

use bonafide_core::records::Reference;
use bonafide_core::{Evidence, Finding, Subject, SubjectIdx, UtcMs};
use bonafide_intel::contact::{email_domain, email_key};
use bonafide_intel::domains::{DomainLists, LookAlikeIndex, look_alike};

use crate::config::DomainsConfig;
use crate::people::{index, subject_evidence};
use crate::{Context, Detector, Findings};

#[derive(Debug, Default)]
pub struct Domains;

/// A sign against a domain: what, and whether it is strong.
type Sign = (String, bool);

/// Judges domains against the lists and the organisation's own domains, remembering
/// each domain's verdict (references of one company repeat its domain).
pub struct Judge<'a> {
    lists: &'a DomainLists,
    cfg: &'a DomainsConfig,
    index: LookAlikeIndex,
    cache: HashMap<String, Vec<Sign>>,
    young_days: u32,
}

impl<'a> Judge<'a> {
    pub fn new(lists: &'a DomainLists, cfg: &'a DomainsConfig, young_days: u32) -> Judge<'a> {
        let loose = lists.well_known.iter().chain(cfg.well_known.iter()).chain(lists.seized.iter());
        let index = LookAlikeIndex::new(lists, cfg.employer.iter().map(String::as_str), loose.map(String::as_str));
        Judge { lists, cfg, index, cache: HashMap::new(), young_days }
    }

    /// What is wrong with one domain (strong signs): seized, imitating the employer, a
    /// well-known company or a seized domain, or registered shortly before `asof`.
    pub fn domain(&mut self, domain: &str, created: Option<UtcMs>, asof: Option<UtcMs>) -> Vec<Sign> {
        let mut out = match self.cache.get(domain) {
            Some(v) => v.clone(),
            None => {
                let v = self.judge(domain);
                self.cache.insert(domain.to_string(), v.clone());
                v
            }
        };
        if let (Some(c), Some(t)) = (created, asof) {
            let days = (t.0 - c.0).div_euclid(bonafide_core::time::MS_PER_DAY);
            // A domain registered after the application (a site made years into the
            // job) is no sign at all.
            if (0..i64::from(self.young_days)).contains(&days) {
                out.push((format!("{domain} was registered {days} day(s) before the application"), true));
            }
        }
        out
    }

    fn judge(&self, domain: &str) -> Vec<Sign> {
        let mut out = Vec::new();
        if self.lists.is_seized(domain) {
            out.push((format!("{domain} is a domain seized from the DPRK IT-worker networks"), true));
        }
        let (mut other, mut seized) = (false, false);
        for (target, kind, strict) in self.index.check(self.lists, domain) {
            if strict {
                out.push((format!("{domain} imitates the employer's {target} ({})", kind.as_str()), true));
            } else if self.lists.seized.contains(target) {
                if !seized {
                    out.push((format!("{domain} imitates the seized {target} ({})", kind.as_str()), true));
                    seized = true;
                }
            } else if !other {
                out.push((format!("{domain} imitates {target} ({})", kind.as_str()), true));
                other = true;
            }
        }
        out
    }

    pub fn free_mail(&self, domain: &str) -> bool {
        self.lists.is_free_mail(domain) || self.cfg.free_mail.iter().any(|d| d.eq_ignore_ascii_case(domain))
    }
}

fn reference_signs(judge: &mut Judge<'_>, s: &Subject, r: &Reference) -> Vec<Sign> {
    let asof = s.applied_date.or(s.hire_date);
    let who = r.name.as_deref().unwrap_or("a reference");
    let mut signs = Vec::new();
    let email_dom = r.email.as_deref().and_then(email_domain);
    if let Some(d) = &email_dom {
        if judge.free_mail(d) {
            if r.company.is_some() || r.company_domain.is_some() {
                let at = r.company.as_deref().or(r.company_domain.as_deref()).unwrap_or_default();
                signs.push((format!("{who} (of {at}) writes from free mail {d}"), false));
            }
        } else {
            if let Some(cd) = &r.company_domain
                && let Some(kind) = look_alike(judge.lists, d, cd, true)
            {
                signs.push((format!("{who}'s email domain {d} imitates the company's {cd} ({})", kind.as_str()), true));
            }
            signs.extend(judge.domain(d, None, None));
        }
    }
    if let Some(cd) = &r.company_domain {
        if email_dom.as_deref() == Some(cd.as_str()) {
            // Judged above as the email's domain: only its age is left.
            signs
                .extend(judge.domain(cd, r.domain_created, asof).into_iter().filter(|(m, _)| m.contains("registered")));
        } else {
            signs.extend(judge.domain(cd, r.domain_created, asof));
        }
    }
    if r.verified == Some(false) {
        signs.push((format!("{who} could not be verified"), false));
    }
    if let (Some(p), Some(own)) = (r.phone.as_deref(), s.phone_e164.as_deref())
        && bonafide_intel::phone::normalise(p, s.home.country).is_some_and(|x| x.e164 == own)
    {
        signs.push((format!("{who}'s phone is the candidate's own"), true));
    }
    if let Some(k) = r.email.as_deref().and_then(email_key)
        && s.emails.iter().filter_map(|e| email_key(e)).any(|e| e == k)
    {
        signs.push((format!("{who}'s email is the candidate's own"), true));
    }
    signs
}

fn reference_evidence(r: &Reference) -> Evidence {
    let mut ev = Evidence::at(r.source).with("subject", r.subject_id.as_str());
    for (k, v) in
        [("reference", &r.name), ("email", &r.email), ("company", &r.company), ("company_domain", &r.company_domain)]
    {
        if let Some(v) = v {
            ev = ev.with(k, v.as_str());
        }
    }
    if let Some(v) = r.verified {
        ev = ev.with("verified", v);
    }
    ev
}

impl Detector for Domains {
    fn name(&self) -> &'static str {
        "reference-and-vendor-domains"
    }

    fn indicators(&self) -> &'static [&'static str] {
        &["A4", "A14"]
    }

    fn conclude(&mut self, cx: &Context<'_>, out: &mut Findings) {
        let lists = DomainLists::builtin();
        let ids = index(cx);
        let cfg = &cx.config.a4;
        let mut judge = Judge::new(lists, &cx.config.domains, cfg.young_days);
        let mut by_subject: HashMap<SubjectIdx, Vec<(Vec<Sign>, &Reference)>> = HashMap::new();
        for r in &cx.records.references {
            let Some(&idx) = ids.get(r.subject_id.as_str()) else { continue };
            let Some(s) = cx.subject(idx) else { continue };
            let signs = reference_signs(&mut judge, s, r);
            if !signs.is_empty() {
                by_subject.entry(idx).or_default().push((signs, r));
            }
        }
        let mut subjects: Vec<_> = by_subject.into_iter().collect();
        subjects.sort_by_key(|(i, _)| *i);
        for (idx, refs) in subjects {
            let all: Vec<&(String, bool)> = refs.iter().flat_map(|(s, _)| s.iter()).collect();
            let strong = all.iter().any(|(_, s)| *s);
            let weight = if strong || all.len() >= 2 { cx.weight("A4") } else { cfg.soft_bits };
            let summary = all.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>().join("; ");
            let mut f = Finding::new("A4", idx, weight, summary);
            f.evidence_total = refs.len() as u64;
            f.evidence = refs
                .iter()
                .take(crate::evidence::SAMPLE)
                .map(|(signs, r)| {
                    reference_evidence(r).with("why", signs.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>())
                })
                .collect();
            out.push(f);
        }
        for (i, s) in cx.subjects.iter().enumerate() {
            let Some(d) = s.vendor_domain.as_deref() else { continue };
            let mut signs = judge.domain(d, s.vendor_domain_created, s.applied_date.or(s.hire_date));
            if judge.free_mail(d) {
                signs.push((format!("vendor domain {d} is a free-mail provider"), true));
            }
            if signs.is_empty() {
                continue;
            }
            let vendor = s.vendor.as_deref().unwrap_or(d);
            let summary =
                format!("placed by {vendor}: {}", signs.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>().join("; "));
            let mut f = Finding::new("A14", SubjectIdx(i as u32), cx.weight("A14"), summary);
            f.evidence = vec![subject_evidence(s).with("vendor", vendor).with("vendor_domain", d)];
            f.evidence_total = 1;
            out.push(f);
        }
    }
}

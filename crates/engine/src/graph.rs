//! The run's identifier graph: clusters for `clusters[]`, cluster findings (C2, G3, D3
//! for what the detectors could not see, H7 persona rings) and score propagation (H6).
//!
//! What goes in. From the detectors' cross-subject findings (A7, G3, H2, C2, D3, I2,
//! A13): the value they found shared (SSN or document fingerprint, payout account,
//! phone, email, delivery door, IP, device), among the subjects they found to be
//! unrelated identities: the detectors already judged one person's two records, a
//! household, an office, a public network, and the graph does not second-guess them or
//! count the same value twice. From the records, what no detector links: the claimed
//! home's address key (weak alone), GitHub handle, referrer, serials of devices held by
//! current workers, and fuzzy blocks for the home and delivery streets (a misspelt farm
//! door) and for the name under the date of birth. Households come from the detectors'
//! household builder, so couples are not linked by what a couple shares.
//!
//! Deduplication with the detectors: C2, G3 and D3 stay the detectors' findings for the
//! exact shared values they see (with per-record evidence); the graph adds a finding of
//! those indicators only for cluster members that no detector finding of that indicator
//! covers (a misspelt farm door, a device serial). H7 fires for a ring held together by
//! two or more kinds of persona identifier (contacts, photos, resumes), or by a GitHub
//! account: one kind alone is already its detector's finding (H2, A6, H1), so a phone
//! and an email (often one reference row) are one kind, as are a photo and a look-alike
//! of it. H7's evidence points each member at its own rows. H6 is new: a
//! damped share of the H6 weight for subjects strongly linked to a critical subject,
//! with the path in the summary and in the score contribution's `via`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The indicators the graph stage raises (as `Detector::indicators` for a detector).
pub const INDICATORS: &[&str] = &["C2", "G3", "D3", "H6", "H7"];

use bonafide_core::{Band, Evidence, Finding, Score, Shared, Subject, SubjectIdx};
use bonafide_detect::Context;
use bonafide_detect::evidence::SAMPLE;
use bonafide_graph::fuzzy::{address_block, name_block};
use bonafide_graph::{
    ClusterKind, Fuzzy, FuzzyKind, Graph, GraphConfig, IdKind, Ident, Propagation, SubjectIn, propagate,
};
use bonafide_intel::address::{Door, compare_keys, parse_one_line};

use crate::outcome::{Cluster, Link};

/// Hops beyond which a link to a critical subject gives nothing.
const MAX_HOPS: usize = 3;

/// The graph of one run and the display forms of the values it holds.
pub struct RunGraph {
    graph: Graph,
    /// The graph's clusters, computed once: findings, propagation and the report read
    /// them (each computation clones and sorts every component).
    components: Vec<bonafide_graph::Cluster>,
    /// (kind, value hash) → what a report may show (masked for sensitive values).
    shown: HashMap<(IdKind, u64), String>,
    /// (kind, value hash) of a persona identifier a detector found shared → the rows
    /// its finding gave for each holder (a reference row, a resume, a people record), so
    /// that H7 can point every member at where its own identifier was read.
    rows: HashMap<(IdKind, u64), Vec<(SubjectIdx, Evidence)>>,
}

struct Builder {
    shown: HashMap<(IdKind, u64), String>,
}

impl Builder {
    /// Gives `s` the identifier; returns its value hash (`None` for an empty value).
    fn ident(&mut self, s: &mut SubjectIn, kind: IdKind, value: &str, shown: impl FnOnce() -> String) -> Option<u64> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let id = Ident::new(kind, value);
        self.shown.entry((kind, id.value)).or_insert_with(shown);
        s.idents.push(id);
        Some(id.value)
    }

    fn fuzzy_address(&mut self, s: &mut SubjectIn, key: &str) {
        let parts: Vec<&str> = key.split('|').collect();
        if let [street, _unit, locality, country] = parts.as_slice()
            && let Some(block) = address_block(street, &format!("{locality}|{country}"))
        {
            self.shown.entry((IdKind::FuzzyAddress, block)).or_insert_with(|| format!("{locality} {country}"));
            s.fuzzy.push(Fuzzy { kind: FuzzyKind::Address, block, text: (*street).into() });
        }
    }
}

fn display_key(key: &str) -> String {
    key.split('|').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ")
}

impl RunGraph {
    /// Builds the graph of a run from its subjects, records and (D3) findings.
    pub fn build(cx: &Context<'_>, findings: &[Finding]) -> RunGraph {
        let mut b = Builder { shown: HashMap::new() };
        let by_id: HashMap<&str, usize> = cx.subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let mut ins: Vec<SubjectIn> = cx.subjects.iter().enumerate().map(|(i, s)| b.subject(cx, i, s)).collect();
        let offices: Vec<String> =
            cx.config.shipping.office_addresses.iter().filter_map(|a| parse_one_line(a).key).collect();
        let office = |k: &str| offices.iter().any(|o| matches!(compare_keys(o, k), Door::Same | Door::UnitUnknown));
        for sh in &cx.records.shipments {
            let Some(&i) = by_id.get(sh.subject_id.as_str()) else { continue };
            if let Some(k) = sh.address.key.as_deref().filter(|k| !office(k)) {
                b.fuzzy_address(&mut ins[i], k);
            }
        }
        // A serial held by two current workers; a laptop passed on after someone left
        // is ordinary redeployment.
        for d in &cx.records.devices {
            let Some(&i) = by_id.get(d.subject_id.as_str()) else { continue };
            if cx.subjects[i].end_date.is_none() {
                b.ident(&mut ins[i], IdKind::DeviceSerial, &d.asset_serial, || d.asset_serial.clone());
            }
        }
        // What the detectors found shared by unrelated identities, after their own
        // judgement (one person's two records, households, offices, public networks).
        let mut rows: HashMap<(IdKind, u64), Vec<(SubjectIdx, Evidence)>> = HashMap::new();
        for f in findings.iter().filter(|f| f.subjects.len() >= 2) {
            let Some(sh) = &f.shared else { continue };
            let Some(kind) = kind_of_shared(&sh.kind) else { continue };
            let value = format!("{}={}", sh.kind, sh.value);
            let mut hash = None;
            for s in &f.subjects {
                if let Some(x) = ins.get_mut(s.index()) {
                    hash = b.ident(x, kind, &value, || sh.value.clone()).or(hash);
                }
            }
            // The detectors' holder evidence names its subject by id.
            if let Some(hash) = hash
                && kind.cluster_kind() == ClusterKind::PersonaRing
            {
                let held = rows.entry((kind, hash)).or_default();
                for ev in &f.evidence {
                    let holder = ev.detail.get("subject").and_then(|v| v.as_str()).and_then(|id| by_id.get(id));
                    if let Some(&i) = holder {
                        held.push((SubjectIdx(i as u32), ev.clone()));
                    }
                }
            }
        }
        let (graph, _) = Graph::build(GraphConfig::default(), ins);
        let components = graph.clusters();
        RunGraph { graph, components, shown: b.shown, rows }
    }

    /// Subjects enter the graph in subject order, so graph index = subject index.
    fn subject(&self, g: u32) -> SubjectIdx {
        SubjectIdx(g)
    }

    fn shown(&self, kind: IdKind, value: u64) -> String {
        self.shown.get(&(kind, value)).cloned().unwrap_or_else(|| format!("#{value:016x}"))
    }

    /// `clusters[]` for the report.
    pub fn clusters(&self) -> Vec<Cluster> {
        self.components
            .iter()
            .map(|c| {
                let mut subjects: Vec<SubjectIdx> = c.members.iter().map(|m| self.subject(*m)).collect();
                subjects.sort();
                Cluster {
                    id: c.id.clone(),
                    kind: c.kind.as_str().to_string(),
                    subjects,
                    links: c
                        .links
                        .iter()
                        .map(|l| Link {
                            a: self.subject(l.a),
                            b: self.subject(l.b),
                            kind: l.kind.as_str().to_string(),
                            value: self.shown(l.kind, l.value),
                            indicator: indicator_of(l.kind).to_string(),
                            bits: Some(f64::from(l.bits)),
                            reason: Some(l.reason()),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// C2/G3/D3 for uncovered members, and H7.
    pub fn findings(&self, cx: &Context<'_>, existing: &[Finding]) -> Vec<Finding> {
        let covered: BTreeSet<(&str, SubjectIdx)> =
            existing.iter().flat_map(|f| f.subjects.iter().map(move |s| (f.indicator.as_str(), *s))).collect();
        let mut out = Vec::new();
        for c in &self.components {
            for indicator in ["C2", "G3", "D3"] {
                let links: Vec<_> = c.links.iter().filter(|l| indicator_of(l.kind) == indicator).collect();
                let mut members: BTreeSet<u32> = BTreeSet::new();
                for l in &links {
                    members.insert(l.a);
                    members.insert(l.b);
                }
                let uncovered: Vec<SubjectIdx> =
                    members.iter().map(|m| self.subject(*m)).filter(|s| !covered.contains(&(indicator, *s))).collect();
                if uncovered.is_empty() || members.len() < 2 {
                    continue;
                }
                let Some(top) = links.iter().max_by(|x, y| x.bits.total_cmp(&y.bits)) else { continue };
                let ids: Vec<&str> =
                    members.iter().filter_map(|m| cx.subject(self.subject(*m))).map(|s| s.id.as_str()).collect();
                let summary = format!(
                    "Cluster {} ({}): {} linked by {} ({})",
                    c.id,
                    c.kind.label(),
                    ids.join(", "),
                    top.kind.words(),
                    top.reason()
                );
                let mut f = Finding::new(indicator, uncovered[0], cx.weight(indicator), summary);
                f.subjects = members.iter().map(|m| self.subject(*m)).collect();
                f.shared = Some(Shared { kind: top.kind.as_str().into(), value: self.shown(top.kind, top.value) });
                f.evidence = links.iter().take(SAMPLE).map(|l| self.link_evidence(cx, l)).collect();
                f.evidence_total = links.len() as u64;
                out.push(f);
            }
            if let Some(f) = self.persona_ring(cx, c) {
                out.push(f);
            }
        }
        out.retain(|f| !cx.config.disabled.contains(&f.indicator));
        out
    }

    fn link_evidence(&self, cx: &Context<'_>, l: &bonafide_graph::Link) -> Evidence {
        let id = |g: u32| cx.subject(self.subject(g)).map(|s| s.id.clone()).unwrap_or_default();
        // Anchored at the people record of the link's first subject, where the
        // identifiers were read (detector-vetted values also carry their own findings).
        let at = cx.subject(self.subject(l.a)).and_then(|s| s.source);
        at.map(Evidence::at)
            .unwrap_or_else(Evidence::without_source)
            .with("a", id(l.a))
            .with("b", id(l.b))
            .with("kind", l.kind.as_str())
            .with("value", self.shown(l.kind, l.value))
            .with("reason", l.reason())
    }

    /// H7: members joined by persona identifiers under two or more names, when the ring
    /// is held by two or more kinds of them, or by a GitHub account. One kind alone is
    /// already its own detector's finding (a shared contact H2, a photo A6, a resume H1):
    /// H7 says that independent identifiers agree, so kinds are counted by
    /// [`persona_family`] (a reference row's phone and email are one contact claim).
    fn persona_ring(&self, cx: &Context<'_>, c: &bonafide_graph::Cluster) -> Option<Finding> {
        let persona: Vec<_> = c.links.iter().filter(|l| l.kind.cluster_kind() == ClusterKind::PersonaRing).collect();
        if persona.is_empty() {
            return None;
        }
        let kinds: BTreeSet<IdKind> = persona.iter().map(|l| l.kind).collect();
        let families: BTreeSet<PersonaFamily> = kinds.iter().filter_map(|k| persona_family(*k)).collect();
        let corroborated = families.len() >= 2 || families.contains(&PersonaFamily::Github);
        if !corroborated {
            return None;
        }
        let mut members: BTreeSet<u32> = BTreeSet::new();
        for l in &persona {
            members.insert(l.a);
            members.insert(l.b);
        }
        let members: Vec<u32> = members.into_iter().collect();
        let names = self.graph.distinct_names(&members);
        if names < 2 {
            return None;
        }
        let subjects: Vec<SubjectIdx> = members.iter().map(|m| self.subject(*m)).collect();
        let described: Vec<String> = subjects
            .iter()
            .filter_map(|s| cx.subject(*s))
            .map(|s: &Subject| format!("{} ({})", s.id, s.name))
            .collect();
        let kinds: Vec<&str> = kinds.iter().map(|k| k.words()).collect();
        let summary =
            format!("{} names behind shared {} in cluster {}: {}", names, kinds.join(", "), c.id, described.join(", "));
        let mut f = Finding::new("H7", subjects[0], cx.weight("H7"), summary);
        f.subjects = subjects;
        let top = persona.iter().max_by(|x, y| x.bits.total_cmp(&y.bits))?;
        f.shared = Some(Shared { kind: top.kind.as_str().into(), value: self.shown(top.kind, top.value) });
        let (evidence, total) = self.ring_evidence(cx, &persona);
        f.evidence = evidence;
        f.evidence_total = total;
        Some(f)
    }

    /// H7's evidence: every member pointed at its own rows. For a value a detector found
    /// shared, the rows its finding gave for that member (a candidate's reference row, a
    /// people record); for the rest, or a holder past the detector's sample, the member's
    /// people record, where GitHub handles are read. One row holding several of the
    /// ring's identifiers (a reference's phone and email) is one piece of evidence that
    /// lists them all. Members take turns in the sample, so a large ring shows each
    /// member before a second row of any.
    fn ring_evidence(&self, cx: &Context<'_>, persona: &[&bonafide_graph::Link]) -> (Vec<Evidence>, u64) {
        let id = |g: u32| cx.subject(self.subject(g)).map(|s| s.id.clone()).unwrap_or_default();
        // Per member: (row, evidence, identifiers, linked members), in link order.
        type Row = (Option<bonafide_core::SourcePos>, Evidence, Vec<String>, Vec<String>);
        let mut per: BTreeMap<SubjectIdx, Vec<Row>> = BTreeMap::new();
        for l in persona {
            let identifier = identifier_phrase(l.kind, &self.shown(l.kind, l.value));
            for (side, other) in [(l.a, l.b), (l.b, l.a)] {
                let s = self.subject(side);
                let mut found: Vec<Evidence> = self
                    .rows
                    .get(&(l.kind, l.value))
                    .into_iter()
                    .flatten()
                    .filter(|(holder, _)| *holder == s)
                    .map(|(_, ev)| ev.clone())
                    .collect();
                if found.is_empty() {
                    found.extend(cx.subject(s).map(bonafide_detect::people::subject_evidence));
                }
                let rows = per.entry(s).or_default();
                for ev in found {
                    let at = ev.source;
                    let i = match rows.iter().position(|r| r.0 == at) {
                        Some(i) => i,
                        None => {
                            rows.push((at, ev, Vec::new(), Vec::new()));
                            rows.len() - 1
                        }
                    };
                    let (_, _, identifiers, linked) = &mut rows[i];
                    if !identifiers.contains(&identifier) {
                        identifiers.push(identifier.clone());
                    }
                    let other = id(other);
                    if !linked.contains(&other) {
                        linked.push(other);
                    }
                }
            }
        }
        let total: usize = per.values().map(Vec::len).sum();
        let mut queues: Vec<std::vec::IntoIter<Row>> = per.into_values().map(Vec::into_iter).collect();
        let mut out = Vec::new();
        while out.len() < SAMPLE.min(total) {
            for q in &mut queues {
                if out.len() >= SAMPLE {
                    break;
                }
                if let Some((_, ev, identifiers, linked)) = q.next() {
                    out.push(ev.with("identifiers", identifiers).with("linked_to", linked));
                }
            }
        }
        (out, total as u64)
    }

    /// H6 for subjects strongly linked to a critical subject. Returns the findings and,
    /// per subject, the path to show in the score contribution.
    pub fn propagation(&self, cx: &Context<'_>, scores: &[Score]) -> (Vec<Finding>, BTreeMap<SubjectIdx, String>) {
        if cx.config.disabled.iter().any(|d| d == "H6") {
            return (Vec::new(), BTreeMap::new());
        }
        let h6 = cx.weight("H6");
        let seeds: Vec<(u32, f64)> =
            scores.iter().enumerate().filter(|(_, s)| s.band == Band::Critical).map(|(i, _)| (i as u32, h6)).collect();
        if seeds.is_empty() {
            return (Vec::new(), BTreeMap::new());
        }
        let clusters = &self.components;
        let mut out = Vec::new();
        let mut via = BTreeMap::new();
        for Propagation { subject, seed, bits, path } in
            propagate(clusters, &seeds, GraphConfig::default().min_link_bits, MAX_HOPS)
        {
            let id = |g: u32| cx.subject(self.subject(g)).map(|s| s.id.clone()).unwrap_or_default();
            let mut shown = id(seed);
            for (s, kind) in &path {
                shown.push_str(&format!(" —{}→ {}", kind.as_str(), id(*s)));
            }
            let seed_score = scores.get(seed as usize).map(|s| s.score).unwrap_or(0);
            let summary = format!(
                "Linked to critical subject {} (score {seed_score}) in {} hop(s): {shown}",
                id(seed),
                path.len()
            );
            let s = self.subject(subject);
            let mut f = Finding::new("H6", s, bits, summary);
            let at = cx.subject(self.subject(subject)).and_then(|x| x.source);
            f.evidence = vec![
                at.map(Evidence::at)
                    .unwrap_or_else(Evidence::without_source)
                    .with("seed", id(seed))
                    .with("path", shown.clone())
                    .with("hops", path.len())
                    .with("bits", (bits * 100.0).round() / 100.0),
            ];
            f.evidence_total = 1;
            out.push(f);
            via.insert(s, shown);
        }
        (out, via)
    }
}

/// An identifier kind as the detectors' shown values name it (`similar photo`), to say
/// it once in [`identifier_phrase`]; summaries use [`IdKind::words`].
fn kind_words(kind: IdKind) -> String {
    kind.as_str().replace('_', " ")
}

/// An identifier as people read it: its kind, then its value as shown, without saying
/// a word twice. Detectors' shown values often name their kind already (`photo like
/// S4's`, `bank account ****2465 (fp:…)`, `resume like S2's`), and `kind value` read
/// `photo photo like S4's`. The longest tail of the kind's words the value starts with
/// is said once: `similar photo` + `photo like S5's` is `similar photo like S5's`.
fn identifier_phrase(kind: IdKind, shown: &str) -> String {
    let words = kind_words(kind);
    let parts: Vec<&str> = words.split(' ').collect();
    let lower = shown.to_lowercase();
    for i in 0..parts.len() {
        let tail = parts[i..].join(" ");
        let named = lower.strip_prefix(&tail).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '));
        if named {
            let head = parts[..i].join(" ");
            return if head.is_empty() { shown.to_string() } else { format!("{head} {shown}") };
        }
    }
    format!("{words} {shown}")
}

/// The graph's kind for a detector finding's `shared.kind`.
fn kind_of_shared(kind: &str) -> Option<IdKind> {
    Some(match kind {
        "ip" => IdKind::SharedIp,
        "device" | "device_serial" => IdKind::DeviceSerial,
        "shipping_address" => IdKind::ShippingAddress,
        "bank_account" | "iban" | "payout_account" => IdKind::BankAccount,
        "wallet" => IdKind::Wallet,
        "ssn" => IdKind::Ssn,
        "id_document" => IdKind::IdDocument,
        "phone" => IdKind::Phone,
        "email" => IdKind::Email,
        "photo" => IdKind::PhotoHash,
        "similar_photo" => IdKind::SimilarPhoto,
        "resume" => IdKind::ResumeSketch,
        _ => return None,
    })
}

/// What H7 counts as one independent piece of corroboration: the detector whose
/// finding a persona link rests on, not the identifier kind. A phone and an email under
/// other names are both H2's (one reference row often gives both), a photo and a
/// look-alike of it both A6's; agreement between families is what H7 adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PersonaFamily {
    Contact,
    Photo,
    Resume,
    Github,
    Website,
}

fn persona_family(kind: IdKind) -> Option<PersonaFamily> {
    Some(match kind {
        IdKind::Phone | IdKind::Email => PersonaFamily::Contact,
        IdKind::PhotoHash | IdKind::SimilarPhoto => PersonaFamily::Photo,
        IdKind::ResumeSketch => PersonaFamily::Resume,
        IdKind::Github => PersonaFamily::Github,
        IdKind::Website => PersonaFamily::Website,
        IdKind::BankAccount
        | IdKind::Wallet
        | IdKind::Ssn
        | IdKind::IdDocument
        | IdKind::HomeAddress
        | IdKind::ShippingAddress
        | IdKind::DeviceSerial
        | IdKind::IpDay
        | IdKind::SharedIp
        | IdKind::Referrer
        | IdKind::FuzzyAddress
        | IdKind::FuzzyName => return None,
    })
}

/// The indicator a link of this kind belongs to.
fn indicator_of(kind: IdKind) -> &'static str {
    match kind {
        IdKind::ShippingAddress | IdKind::FuzzyAddress | IdKind::HomeAddress | IdKind::DeviceSerial => "C2",
        IdKind::BankAccount | IdKind::Wallet => "G3",
        IdKind::IpDay | IdKind::SharedIp => "D3",
        IdKind::Ssn | IdKind::IdDocument | IdKind::FuzzyName => "A7",
        IdKind::Phone | IdKind::Email => "H2",
        IdKind::Github | IdKind::PhotoHash | IdKind::SimilarPhoto | IdKind::ResumeSketch => "H7",
        IdKind::Referrer => "H6",
        IdKind::Website => "A3",
    }
}

impl Builder {
    fn subject(&mut self, cx: &Context<'_>, i: usize, s: &Subject) -> SubjectIn {
        let household = cx.households.household_of(SubjectIdx(i as u32)).map(|h| u64::from(h) + 1).unwrap_or(0);
        let mut x = SubjectIn { key: s.id.clone(), household, name: s.name.clone(), ..Default::default() };
        if let Some(a) = s.address.as_ref()
            && let Some(k) = a.key.as_deref()
        {
            self.ident(&mut x, IdKind::HomeAddress, k, || {
                bonafide_intel::address::display(a).unwrap_or_else(|| display_key(k))
            });
            self.fuzzy_address(&mut x, k);
        }
        if let Some(g) = s.github.as_deref().and_then(bonafide_intel::contact::github_login) {
            self.ident(&mut x, IdKind::Github, &g, || g.clone());
        }
        if let Some((_, site)) = s
            .website
            .as_deref()
            .and_then(|u| bonafide_detect::identity::websites::site_key(u, &cx.config.a3.profile_hosts))
        {
            self.ident(&mut x, IdKind::Website, &site, || site.clone());
        }
        if let Some(r) = &s.referred_by {
            self.ident(&mut x, IdKind::Referrer, r, || r.clone());
        }
        if let Some(dob) = s.date_of_birth
            && !s.implicit
            && let Some(block) = name_block(&s.name, &dob.date_string())
        {
            self.shown.entry((IdKind::FuzzyName, block)).or_insert_with(|| format!("born {}", dob.date_string()));
            x.fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block, text: s.name.as_str().into() });
        }
        x
    }
}

/// Sets the `via` of each subject's H6 contribution to the path that caused it.
pub fn annotate(scores: &mut [Score], via: &BTreeMap<SubjectIdx, String>) {
    for (s, path) in via {
        if let Some(score) = scores.get_mut(s.index()) {
            for c in score.contributions.iter_mut().filter(|c| c.indicator == "H6") {
                c.via = Some(path.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use bonafide_core::{Records, SourceId, SourcePos};
    use bonafide_detect::Households;

    use super::*;

    fn shared_finding(indicator: &str, members: &[u32], kind: &str, value: &str) -> Finding {
        let mut f = Finding::new(indicator, SubjectIdx(members[0]), 4.0, format!("{indicator} test"));
        f.subjects = members.iter().map(|m| SubjectIdx(*m)).collect();
        f.shared = Some(Shared { kind: kind.into(), value: value.into() });
        f
    }

    /// The members of each H7 finding the graph makes of `subjects` and `detected`.
    fn h7_of(subjects: &[Subject], detected: &[Finding]) -> Vec<Vec<u32>> {
        let (defaults, records) = (bonafide_detect::Defaults::default(), Records::default());
        let households = Households::build(subjects);
        let cx = defaults.context(subjects, &records, &households);
        let graph = RunGraph::build(&cx, detected);
        graph
            .findings(&cx, detected)
            .into_iter()
            .filter(|f| f.indicator == "H7")
            .map(|f| f.subjects.iter().map(|s| s.0).collect())
            .collect()
    }

    /// One photo under two names is A6's finding; H7 adds only when independent persona
    /// identifiers agree (here a photo and a resume), or a GitHub account holds the ring.
    #[test]
    fn h7_needs_two_kinds_of_persona_identifier() {
        let names = ["Ann Lee", "Kim Sang", "Tom Roe", "Eve Moss"];
        let subjects: Vec<Subject> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Subject { id: format!("S{i}"), name: (*n).into(), ..Default::default() })
            .collect();
        let detected = vec![
            shared_finding("A6", &[0, 1], "photo", "photo like S0's"),
            shared_finding("A6", &[2, 3], "photo", "photo like S2's"),
            shared_finding("H1", &[2, 3], "resume", "resume like S2's"),
        ];
        assert_eq!(h7_of(&subjects, &detected), vec![vec![2, 3]]);
    }

    /// One portfolio website given by two names (any spelling of its address) links
    /// them, a persona identifier of its own: with a shared photo it makes H7. The same
    /// site given by a couple declaring one home links nobody.
    #[test]
    fn a_shared_portfolio_website_links_personas_not_households() {
        let mut subjects: Vec<Subject> = ["Ann Lee", "Kim Sang", "Tom Roe", "Eve Roe"]
            .iter()
            .enumerate()
            .map(|(i, n)| Subject { id: format!("S{i}"), name: (*n).into(), ..Default::default() })
            .collect();
        subjects[0].website = Some("https://www.alexdev-portfolio.com/about".into());
        subjects[1].website = Some("alexdev-portfolio.com".into());
        for s in &mut subjects[2..] {
            s.website = Some("https://roe-family.net".into());
            s.address =
                Some(bonafide_core::PostalAddress { key: Some("1 ELM ST|62701|US".into()), ..Default::default() });
        }
        let detected = vec![
            shared_finding("A6", &[0, 1], "photo", "photo like S0's"),
            shared_finding("A6", &[2, 3], "photo", "photo like S2's"),
        ];
        let h7 = h7_of(&subjects, &detected);
        assert_eq!(h7, vec![vec![0, 1]], "the photo and the site agree for S0 and S1; the Roes are one household");
    }

    /// Every kind, with a value shown the way its detector or the graph shows it, reads
    /// as one phrase naming the kind once (H7's evidence read `photo photo like S4's`).
    #[test]
    fn identifiers_name_their_kind_once() {
        for kind in IdKind::ALL {
            let shown = match kind {
                IdKind::BankAccount => "bank account ****2465 (fp:0a1b2c3d)",
                IdKind::Wallet => "wallet 0xabcd00000000000000000000000000000000ef01",
                IdKind::Ssn => "***-**-6789 (fp:0a1b2c3d)",
                IdKind::IdDocument => "*****4321 (fp:0a1b2c3d)",
                IdKind::Phone => "+12025550177",
                IdKind::Email => "kim@mail.example",
                IdKind::HomeAddress => "7 Elm St, 60601 US",
                IdKind::ShippingAddress => "9 FARM RD|60601|US",
                IdKind::DeviceSerial => "C02XK1ABJG5H",
                IdKind::IpDay => "203.0.113.9 on 2025-06-03",
                IdKind::SharedIp => "203.0.113.9",
                IdKind::Github => "kimsang",
                IdKind::Website => "alexdev-portfolio.com",
                IdKind::Referrer => "S9",
                IdKind::PhotoHash => "photo like S4's",
                IdKind::SimilarPhoto => "photo like S5's",
                IdKind::ResumeSketch => "resume like S2's",
                IdKind::FuzzyAddress => "CHICAGO US",
                IdKind::FuzzyName => "born 1990-01-01",
            };
            let phrase = identifier_phrase(kind, shown);
            let words: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
            assert!(words.windows(2).all(|w| w[0] != w[1]), "{kind:?}: {phrase}");
            assert!(phrase.ends_with(shown) && !phrase.contains('_'), "{kind:?}: {phrase}");
            let noun = kind_words(kind).rsplit(' ').next().map(str::to_string).unwrap_or_default();
            assert!(words.contains(&noun), "{kind:?} not named: {phrase}");
        }
        assert_eq!(identifier_phrase(IdKind::PhotoHash, "photo like S4's"), "photo like S4's");
        assert_eq!(identifier_phrase(IdKind::SimilarPhoto, "photo like S5's"), "similar photo like S5's");
        assert_eq!(identifier_phrase(IdKind::Phone, "+12025550177"), "phone +12025550177");
        assert_eq!(identifier_phrase(IdKind::Github, "githubber"), "github githubber", "a word, not a prefix");
    }

    fn row(source: u32, line: u64, subject: &str) -> Evidence {
        Evidence::at(SourcePos::line(SourceId(source), line)).with("subject", subject)
    }

    /// A candidate's reference row giving another applicant's phone and email is one
    /// contact claim (H2 fires on each value, and both are H2's), and a photo with a
    /// look-alike of it is one photo (A6): neither ring is H7 (both were). A reference's
    /// contact with the same resume is two families, and each member's evidence points
    /// at its own rows: the candidate at the reference row and its resume, the other at
    /// its people record and its resume (all were at the candidate's people record).
    #[test]
    fn h7_counts_one_reference_row_once_and_anchors_each_member_at_its_rows() {
        let names = ["Ann Lee", "Kim Sang", "Tom Roe", "Eve Moss", "Ida Wren", "Joe Park", "Lou Hart"];
        let subjects: Vec<Subject> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Subject {
                id: format!("S{i}"),
                name: (*n).into(),
                source: Some(SourcePos::line(SourceId(0), i as u64 + 2)),
                // One referrer (weak alone) lets S5 and S6's look-alike photos link.
                referred_by: (i >= 5).then(|| "S9".to_string()),
                ..Default::default()
            })
            .collect();
        let (defaults, records) = (bonafide_detect::Defaults::default(), Records::default());
        let households = Households::build(&subjects);
        let cx = defaults.context(&subjects, &records, &households);
        let with_rows = |mut f: Finding, rows: Vec<Evidence>| {
            f.evidence_total = rows.len() as u64;
            f.evidence = rows;
            f
        };
        // S0's reference "Kim Sang" (references.csv:2) gives S1's phone and email.
        let s0_ref = || row(1, 2, "S0").with("reference", "Kim Sang");
        let s1_own = || row(0, 3, "S1");
        // S2's reference (references.csv:3) gives S3's phone, and S2 and S3 sent one resume.
        let s2_ref = || row(1, 3, "S2").with("reference", "Eve Moss");
        let s3_own = || row(0, 5, "S3");
        let detected = vec![
            with_rows(shared_finding("H2", &[0, 1], "phone", "+12025550177"), vec![s0_ref(), s1_own()]),
            with_rows(shared_finding("H2", &[0, 1], "email", "kim@mail.example"), vec![s0_ref(), s1_own()]),
            with_rows(shared_finding("H2", &[2, 3], "phone", "+12025550188"), vec![s2_ref(), s3_own()]),
            with_rows(
                shared_finding("H1", &[2, 3], "resume", "resume like S2's"),
                vec![row(2, 1, "S2"), row(2, 2, "S3")],
            ),
            shared_finding("A6", &[4, 5], "photo", "photo like S4's"),
            shared_finding("A6", &[5, 6], "similar_photo", "photo like S5's"),
        ];
        let graph = RunGraph::build(&cx, &detected);
        let h7: Vec<Finding> = graph.findings(&cx, &detected).into_iter().filter(|f| f.indicator == "H7").collect();
        let rings: Vec<Vec<u32>> = h7.iter().map(|f| f.subjects.iter().map(|s| s.0).collect()).collect();
        assert_eq!(rings, vec![vec![2, 3]], "{:?}", h7.iter().map(|f| &f.summary).collect::<Vec<_>>());
        let f = &h7[0];
        // (subject, row, identifiers, linked members) of each piece of evidence.
        type Shown = (String, Option<SourcePos>, Vec<String>, Vec<String>);
        let rows: Vec<Shown> = f
            .evidence
            .iter()
            .map(|e| {
                let strings = |k: &str| -> Vec<String> {
                    let list = e.detail.get(k).and_then(|v| v.as_array());
                    list.into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect()
                };
                let subject = e.detail.get("subject").and_then(|v| v.as_str()).unwrap_or("").to_string();
                (subject, e.source, strings("identifiers"), strings("linked_to"))
            })
            .collect();
        let at = |source: u32, line: u64| Some(SourcePos::line(SourceId(source), line));
        let phone = || vec!["phone +12025550188".to_string()];
        let resume = || vec!["resume like S2's".to_string()];
        let (s2, s3) = (|| vec!["S2".to_string()], || vec!["S3".to_string()]);
        let mut want = vec![
            ("S2".to_string(), at(1, 3), phone(), s3()),
            ("S3".to_string(), at(0, 5), phone(), s2()),
            ("S2".to_string(), at(2, 1), resume(), s3()),
            ("S3".to_string(), at(2, 2), resume(), s2()),
        ];
        let mut got = rows.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{rows:?}");
        assert_eq!(f.evidence_total, 4);
        // Members take turns: the first two rows are one of each.
        assert_ne!(rows[0].0, rows[1].0, "{rows:?}");
    }
}

#![allow(clippy::too_many_arguments)]
//! A small world for detector tests: subjects with claimed homes and a stream of
//! already-enriched events, run through the real engine.

use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{
    Action, Actor, ActorKind, Catalog, CountryCode, Event, Finding, GeoPoint, IpKind, Net, Outcome, Place,
    PostalAddress, Region, ScoringConfig, SourceId, SourcePos, Subject, SubjectIdx, UtcMs,
};

use crate::{Context, DetectConfig, Engine, Households};

pub struct World {
    pub screening: bonafide_intel::sanctions::Screening,
    pub subjects: Vec<Subject>,
    pub records: bonafide_core::Records,
    pub events: Vec<Event>,
    pub config: DetectConfig,
    pub scoring: ScoringConfig,
    line: u64,
}

pub struct Results {
    subjects: Vec<Subject>,
    pub findings: Vec<Finding>,
}

impl Results {
    fn idx(&self, id: &str) -> SubjectIdx {
        SubjectIdx(self.subjects.iter().position(|s| s.id == id).expect("known subject") as u32)
    }

    /// The indicator IDs fired for `id`, sorted.
    pub fn ids(&self, id: &str) -> Vec<&str> {
        let i = self.idx(id);
        let mut v: Vec<&str> =
            self.findings.iter().filter(|f| f.subjects.contains(&i)).map(|f| f.indicator.as_str()).collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn get(&self, id: &str, indicator: &str) -> Option<&Finding> {
        let i = self.idx(id);
        self.findings.iter().find(|f| f.indicator == indicator && f.subjects.contains(&i))
    }
}

/// Monday 3 March 2025, 00:00 UTC.
const T0: i64 = 1_740_960_000_000;

impl World {
    pub fn new(ids: &[&str]) -> World {
        let places = bonafide_intel::Places::builtin();
        let us = CountryCode::new("US");
        let subjects = ids
            .iter()
            .map(|id| Subject {
                id: id.to_string(),
                name: format!("Person {id}"),
                home: Place { country: us, region: places.region(us, "Ohio"), city: None, point: None },
                ..Default::default()
            })
            .collect();
        World {
            screening: Default::default(),
            subjects,
            records: Default::default(),
            events: Vec::new(),
            config: DetectConfig::default(),
            scoring: ScoringConfig::default(),
            line: 0,
        }
    }

    fn idx(&self, id: &str) -> SubjectIdx {
        SubjectIdx(self.subjects.iter().position(|s| s.id == id).expect("known subject") as u32)
    }

    pub fn t(&self, day: i64, hour: i64, minute: i64) -> UtcMs {
        UtcMs(T0 + day * 86_400_000 + hour * 3_600_000 + minute * 60_000)
    }

    pub fn weight(&self, indicator: &str) -> f64 {
        self.scoring.weight(Catalog::builtin().get(indicator).expect("known indicator"))
    }

    pub fn set_home(&mut self, id: &str, country: &str, region: Option<&str>) {
        let places = bonafide_intel::Places::builtin();
        let i = self.idx(id).index();
        let cc = CountryCode::new(country);
        self.subjects[i].home =
            Place { country: cc, region: region.and_then(|r| places.region(cc, r)), city: None, point: None };
    }

    pub fn set_address(&mut self, id: &str, key: &str, name: &str) {
        let i = self.idx(id).index();
        self.subjects[i].address = Some(PostalAddress { key: Some(key.into()), ..Default::default() });
        self.subjects[i].name = name.into();
    }

    fn base_event(&mut self, id: &str, at: UtcMs) -> Event {
        self.line += 1;
        Event {
            at,
            actor: Actor {
                system: Arc::from("test"),
                account: Arc::from(id.to_lowercase()),
                display_name: None,
                kind: ActorKind::User,
            },
            subject: Some(self.idx(id)),
            action: Action::SignIn,
            outcome: Outcome::Success,
            event_type: Arc::from("user.session.start"),
            net: None,
            session: None,
            device: None,
            device_managed: None,
            target: None,
            detail: bonafide_core::Detail::None,
            user_agent: None,
            interactive: true,
            id: None,
            source: SourcePos::line(SourceId(0), self.line),
        }
    }

    fn net(ip: &str, kind: IpKind, point: (f64, f64), country: &str, region: Option<Region>) -> Net {
        let ip: IpAddr = ip.parse().expect("test IP");
        let mut n = Net::new(ip);
        n.place =
            Place { country: CountryCode::new(country), region, city: None, point: GeoPoint::new(point.0, point.1) };
        n.kind = kind;
        n.corporate = kind == IpKind::Corporate;
        n
    }

    pub fn signin_at(&mut self, id: &str, at: UtcMs, ip: &str, kind: IpKind, point: (f64, f64), country: &str) {
        let mut e = self.base_event(id, at);
        e.net = Some(Self::net(ip, kind, point, country, None));
        self.events.push(e);
    }

    pub fn signin(&mut self, id: &str, day: i64, hour: i64, ip: &str, kind: IpKind, point: (f64, f64), country: &str) {
        let at = self.t(day, hour, 0);
        self.signin_at(id, at, ip, kind, point, country);
    }

    pub fn signin_region(&mut self, id: &str, day: i64, ip: &str, point: (f64, f64), country: &str, region: &str) {
        let at = self.t(day, 14, 0);
        let mut e = self.base_event(id, at);
        let r = bonafide_intel::Places::builtin().region(CountryCode::new(country), region);
        e.net = Some(Self::net(ip, IpKind::Residential, point, country, r));
        self.events.push(e);
    }

    pub fn signin_labelled(&mut self, id: &str, day: i64, hour: i64, ip: &str, kind: IpKind, label: &str) {
        let at = self.t(day, hour, 0);
        let mut e = self.base_event(id, at);
        let mut n = Self::net(ip, kind, (0.0, 0.0), "US", None);
        n.label = Some(Arc::from(label));
        e.net = Some(n);
        self.events.push(e);
    }

    pub fn failed_at(&mut self, id: &str, at: UtcMs, ip: &str, point: (f64, f64), country: &str) {
        let mut e = self.base_event(id, at);
        e.outcome = Outcome::Failure;
        e.net = Some(Self::net(ip, IpKind::Residential, point, country, None));
        self.events.push(e);
    }

    pub fn session_event(&mut self, id: &str, at_ms: i64, session: u64) {
        let mut e = self.base_event(id, UtcMs(at_ms));
        e.action = Action::Access;
        e.session = Some(session);
        e.net = Some(Self::net("73.1.1.1", IpKind::Residential, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    pub fn run(&self) -> Results {
        let households = Households::build(&self.subjects);
        let cx = Context {
            subjects: &self.subjects,
            records: &self.records,
            households: &households,
            config: &self.config,
            scoring: &self.scoring,
            catalog: Catalog::builtin(),
            screening: &self.screening,
        };
        let mut engine = Engine::new(&self.config);
        for e in &self.events {
            engine.observe(e, &cx);
        }
        Results { subjects: self.subjects.clone(), findings: engine.conclude(&cx).list }
    }
}

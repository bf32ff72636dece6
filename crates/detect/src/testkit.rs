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
    pub activity: Vec<Option<bonafide_core::ActivitySummary>>,
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

    /// Every finding naming `id`.
    pub fn of(&self, id: &str) -> Vec<&Finding> {
        let i = self.idx(id);
        self.findings.iter().filter(|f| f.subjects.contains(&i)).collect()
    }

    pub fn get(&self, id: &str, indicator: &str) -> Option<&Finding> {
        let i = self.idx(id);
        self.findings.iter().find(|f| f.indicator == indicator && f.subjects.contains(&i))
    }
}

/// Monday 3 March 2025, 00:00 UTC.
pub const T0: i64 = 1_740_960_000_000;

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

    /// A subject to set claims on.
    pub fn person(&mut self, id: &str) -> &mut Subject {
        let i = self.idx(id).index();
        &mut self.subjects[i]
    }

    /// A source position for a record (a line of an imaginary file).
    pub fn pos(&mut self) -> SourcePos {
        self.line += 1;
        SourcePos::line(SourceId(1), self.line)
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

    /// The instant of local `hour:minute` on day `day` (0 = Monday 3 March 2025) in `tz`.
    pub fn local(&self, tz: &str, day: i64, hour: i64, minute: i64) -> UtcMs {
        let date = jiff::civil::date(2025, 3, 3).checked_add(jiff::Span::new().days(day)).expect("date");
        let zone = jiff::tz::TimeZone::get(tz).expect("zone");
        let dt = date.at(hour as i8, minute as i8, 0, 0);
        UtcMs(zone.to_ambiguous_zoned(dt).compatible().expect("instant").timestamp().as_millisecond())
    }

    pub fn set_timezone(&mut self, id: &str, tz: &str) {
        let i = self.idx(id).index();
        self.subjects[i].timezone = Some(tz.to_string());
    }

    pub fn set_role(&mut self, id: &str, role: &str) {
        let i = self.idx(id).index();
        self.subjects[i].role = Some(role.to_string());
    }

    /// A unit of work (chat message, ticket) at `at`.
    pub fn work_at(&mut self, id: &str, at: UtcMs) {
        let mut e = self.base_event(id, at);
        e.action = Action::Work;
        e.event_type = Arc::from("activity.chat");
        e.detail = bonafide_core::Detail::Activity(Box::new(bonafide_core::ActivityInfo {
            kind: Some(Arc::from("chat")),
            camera_on: None,
            duration_seconds: None,
        }));
        self.events.push(e);
    }

    /// A meeting or screen share of `kind` at `at`.
    pub fn meeting_at(&mut self, id: &str, at: UtcMs, kind: &str, camera_on: Option<bool>, seconds: u32) {
        let mut e = self.base_event(id, at);
        e.action = Action::Work;
        e.event_type = Arc::from("activity.meeting");
        e.detail = bonafide_core::Detail::Activity(Box::new(bonafide_core::ActivityInfo {
            kind: Some(Arc::from(kind)),
            camera_on,
            duration_seconds: Some(seconds),
        }));
        self.events.push(e);
    }

    /// A commit authored at `at` with the given recorded offset.
    pub fn commit_at(&mut self, id: &str, at: UtcMs, recorded_offset_minutes: i16, author: &str, via_committer: bool) {
        let mut e = self.base_event(id, at);
        e.action = Action::Work;
        e.event_type = Arc::from("git.commit");
        e.actor.account = Arc::from(author);
        e.detail = bonafide_core::Detail::Commit(Box::new(bonafide_core::Commit {
            repo: Some(Arc::from("acme/app")),
            id: format!("{:040x}", self.line).into(),
            author_name: None,
            committer: None,
            attributed_via_committer: via_committer,
            timed_by_committer: false,
            author_offset_minutes: Some(recorded_offset_minutes),
            committer_time: None,
            committer_offset_minutes: None,
        }));
        self.events.push(e);
    }

    pub fn set_address(&mut self, id: &str, key: &str, name: &str) {
        let i = self.idx(id).index();
        self.subjects[i].address = Some(PostalAddress { key: Some(key.into()), ..Default::default() });
        self.subjects[i].name = name.into();
    }

    /// A GitHub security-log action by `id` (`user.rename`), not interactive.
    pub fn github_action(&mut self, id: &str, at: UtcMs, action: &str) {
        let mut e = self.base_event(id, at);
        e.actor.system = Arc::from("github");
        e.action = Action::Other;
        e.event_type = Arc::from(action);
        e.interactive = false;
        self.events.push(e);
    }

    fn base_event(&mut self, id: &str, at: UtcMs) -> Event {
        self.line += 1;
        let actor = Actor::user("test", &id.to_lowercase());
        let source = SourcePos::line(SourceId(0), self.line);
        Event { subject: Some(self.idx(id)), ..Event::new(at, actor, Action::SignIn, "user.session.start", source) }
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

    /// Interactive work activity with no network side (chat, commits, a GitHub export
    /// without IPs) in the identity system `system`.
    pub fn activity(&mut self, id: &str, system: &str, at: UtcMs) {
        let mut e = self.base_event(id, at);
        e.actor.system = Arc::from(system);
        e.action = Action::Access;
        e.event_type = Arc::from("activity");
        self.events.push(e);
    }

    pub fn set_kind(&mut self, id: &str, kind: bonafide_core::SubjectKind) {
        let i = self.idx(id).index();
        self.subjects[i].kind = kind;
    }

    /// Hire date `day` days after T0 (negative: before).
    pub fn set_hire(&mut self, id: &str, day: i64) {
        let i = self.idx(id).index();
        self.subjects[i].hire_date = Some(UtcMs(T0 + day * 86_400_000));
    }

    pub fn set_end(&mut self, id: &str, day: i64) {
        let i = self.idx(id).index();
        self.subjects[i].end_date = Some(UtcMs(T0 + day * 86_400_000));
    }

    /// A sign-in in vendor session `session` with a device id and/or user agent, and the
    /// identity provider's managed-device verdict.
    pub fn device_event(
        &mut self,
        id: &str,
        at: UtcMs,
        session: u64,
        device: Option<&str>,
        ua: Option<&str>,
        managed: Option<bool>,
    ) {
        let mut e = self.base_event(id, at);
        e.session = Some(session);
        e.device = device.map(Arc::from);
        e.user_agent = ua.map(Arc::from);
        e.device_managed = managed;
        e.net = Some(Self::net("73.1.1.1", IpKind::Residential, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    pub fn device_event_no_session(&mut self, id: &str, at: UtcMs, device: Option<&str>) {
        let mut e = self.base_event(id, at);
        e.device = device.map(Arc::from);
        e.net = Some(Self::net("73.1.1.1", IpKind::Residential, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    /// An MFA step inside a session, from another client (a phone approving a push).
    pub fn mfa_event(&mut self, id: &str, at: UtcMs, session: u64, ua: &str) {
        let mut e = self.base_event(id, at);
        e.action = Action::Authenticate;
        e.event_type = Arc::from("user.authentication.auth_via_mfa");
        e.session = Some(session);
        e.user_agent = Some(Arc::from(ua));
        e.net = Some(Self::net("73.1.1.1", IpKind::Residential, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    pub fn signin_device(&mut self, id: &str, at: UtcMs, ip: &str, kind: IpKind, device: &str) {
        let mut e = self.base_event(id, at);
        e.device = Some(Arc::from(device));
        e.net = Some(Self::net(ip, kind, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    /// A sign-in with every network fact a detector of habits reads: device, AS, place.
    #[allow(clippy::too_many_arguments)]
    pub fn signin_full(
        &mut self,
        id: &str,
        at: UtcMs,
        ip: &str,
        kind: IpKind,
        device: &str,
        asn: Option<u32>,
        point: (f64, f64),
        country: &str,
    ) {
        let mut e = self.base_event(id, at);
        e.device = Some(Arc::from(device));
        let mut n = Self::net(ip, kind, point, country, None);
        n.asn = asn;
        e.net = Some(n);
        self.events.push(e);
    }

    /// A pay destination change of `id` at `at` (an ACH account of their own).
    pub fn pay_change(&mut self, id: &str, at: UtcMs) {
        let source = self.pos();
        let ach = bonafide_core::records::PayMethod::Ach;
        self.records.payroll.push(bonafide_core::records::PayrollChange::new(id, at, ach, source));
    }

    /// A `signins.csv` sign-in to `app`.
    pub fn app_signin(&mut self, id: &str, at: UtcMs, ip: &str, kind: IpKind, device: Option<&str>, app: &str) {
        let mut e = self.base_event(id, at);
        e.actor.system = Arc::from("signins");
        e.device = device.map(Arc::from);
        e.target = Some(Arc::from(app));
        e.net = Some(Self::net(ip, kind, (39.96, -83.0), "US", None));
        self.events.push(e);
    }

    /// A GitHub audit event (`git.clone`, `public_key.create`, ...) on `repo` (none when
    /// empty), without IP (as most exports are).
    pub fn github(&mut self, id: &str, at: UtcMs, action: &str, repo: &str) {
        let mut e = self.base_event(id, at);
        e.actor.system = Arc::from("github");
        e.action = if action.starts_with("git.") { Action::Access } else { Action::Other };
        e.event_type = Arc::from(action);
        e.target = (!repo.is_empty()).then(|| Arc::from(repo));
        e.interactive = false;
        self.events.push(e);
    }

    pub fn github_failed(&mut self, id: &str, at: UtcMs, action: &str) {
        self.github(id, at, action, "");
        if let Some(e) = self.events.last_mut() {
            e.outcome = Outcome::Failure;
        }
    }

    /// `actor` does `event_type` to `target` (an admin granting a role).
    pub fn grant(&mut self, actor: &str, target: &str, at: UtcMs, system: &str, event_type: &str) {
        let mut e = self.base_event(actor, at);
        e.actor.system = Arc::from(system);
        e.action = Action::Other;
        e.event_type = Arc::from(event_type);
        e.target = Some(Arc::from(target.to_lowercase()));
        e.interactive = false;
        self.events.push(e);
    }

    /// An interview round `day` days after T0 joined from `ip`, already enriched.
    pub fn interview(
        &mut self,
        id: &str,
        day: i64,
        round: &str,
        ip: &str,
        kind: IpKind,
        country: &str,
        region: Option<&str>,
    ) {
        let r = region.and_then(|r| bonafide_intel::Places::builtin().region(CountryCode::new(country), r));
        let net = Self::net(ip, kind, (0.0, 0.0), country, r);
        let mut iv = self.interview_record(id, day);
        iv.round = Some(round.to_string());
        iv.client_ip = Some(net.ip);
        iv.client = Some(Net { place: Place { point: None, ..net.place.clone() }, ..net });
        self.records.interviews.push(iv);
    }

    pub fn interview_without_ip(&mut self, id: &str, day: i64) {
        let iv = self.interview_record(id, day);
        self.records.interviews.push(iv);
    }

    fn interview_record(&mut self, id: &str, day: i64) -> bonafide_core::records::Interview {
        self.line += 1;
        bonafide_core::records::Interview {
            subject_id: id.to_string(),
            at: UtcMs(T0 + day * 86_400_000 + 15 * 3_600_000),
            round: None,
            interviewer: None,
            medium: Some(bonafide_core::records::Medium::Video),
            duration_seconds: Some(3600),
            video_seconds: Some(3600),
            client_ip: None,
            client: None,
            flags: Vec::new(),
            notes: None,
            extra: Default::default(),
            source: SourcePos::line(SourceId(1), self.line),
        }
    }

    /// Changes a subject's record.
    pub fn edit_person(&mut self, id: &str, f: impl FnOnce(&mut Subject)) {
        let i = self.idx(id).index();
        f(&mut self.subjects[i]);
    }

    pub fn hired(&mut self, id: &str, day: i64) {
        let t = self.t(day, 0, 0);
        self.edit_person(id, |s| s.hire_date = Some(t));
    }

    /// Sets the claimed home from its parts (the key as the people reader computes it).
    pub fn home(&mut self, id: &str, name: &str, line1: &str, line2: &str, zip: &str) {
        let a = postal(line1, line2, zip);
        self.edit_person(id, |s| {
            s.name = name.to_string();
            s.address = Some(a);
        });
    }

    pub fn device(&mut self, id: &str, serial: &str, host: &str, assigned_day: Option<i64>, managed: Option<bool>) {
        self.line += 1;
        let assigned_at = assigned_day.map(|d| self.t(d, 0, 0));
        self.records.devices.push(bonafide_core::records::Device {
            asset_serial: serial.into(),
            subject_id: id.into(),
            host_identifier: Some(host.into()),
            hostname: None,
            assigned_at,
            managed,
            source: SourcePos::line(SourceId(1), self.line),
        });
    }

    pub fn shipment(
        &mut self,
        id: &str,
        day: i64,
        line1: &str,
        line2: &str,
        zip: &str,
    ) -> &mut bonafide_core::records::Shipment {
        self.line += 1;
        let shipped_at = self.t(day, 15, 0);
        self.records.shipments.push(bonafide_core::records::Shipment {
            subject_id: id.into(),
            shipped_at,
            shipment_id: Some(format!("S{}", self.line)),
            asset_serial: None,
            recipient_name: None,
            address: postal(line1, line2, zip),
            status: Some(bonafide_core::records::ShipmentStatus::Delivered),
            signed_by: None,
            source: SourcePos::line(SourceId(2), self.line),
        });
        let last = self.records.shipments.len() - 1;
        &mut self.records.shipments[last]
    }

    /// An osquery row from `host`, attributed to `id`.
    pub fn endpoint_at(
        &mut self,
        id: &str,
        host: &str,
        at: UtcMs,
        table: &str,
        cols: &[(&str, &str)],
        counter: Option<u64>,
    ) {
        let mut e = self.base_event(id, at);
        e.actor = Actor {
            system: Arc::from("osquery"),
            account: Arc::from(host.to_lowercase()),
            display_name: Some(Arc::from(host)),
            kind: ActorKind::User,
        };
        e.action = Action::Inventory;
        e.event_type = Arc::from(format!("pack_{table}"));
        e.interactive = false;
        e.detail = bonafide_core::Detail::Endpoint(Box::new(bonafide_core::EndpointRow {
            host: Arc::from(host),
            table: Arc::from(table),
            action: bonafide_core::RowAction::Added,
            columns: cols.iter().map(|(k, v)| (Arc::from(*k), v.to_string())).collect(),
            counter,
        }));
        self.events.push(e);
    }

    pub fn endpoint(&mut self, id: &str, host: &str, day: i64, hour: i64, table: &str, cols: &[(&str, &str)]) {
        let at = self.t(day, hour, 0);
        self.endpoint_at(id, host, at, table, cols, Some(1));
    }

    /// A heartbeat (an empty differential) from `host` at every listed hour of `day`.
    pub fn heartbeats(&mut self, id: &str, host: &str, day: i64, hours: std::ops::Range<i64>) {
        for h in hours {
            let at = self.t(day, h, 5);
            self.endpoint_at(id, host, at, "", &[], Some(3));
        }
    }

    /// An interactive sign-in, with the IdP's managed-device verdict.
    pub fn signin_managed(&mut self, id: &str, day: i64, hour: i64, managed: Option<bool>) {
        let at = self.t(day, hour, 0);
        let mut e = self.base_event(id, at);
        // Each subject at home on its own IP.
        let n = self.idx(id).0;
        let ip = format!("73.{}.{}.1", 10 + n / 200, n % 200);
        e.net = Some(Self::net(&ip, IpKind::Residential, (39.96, -83.0), "US", None));
        e.device_managed = managed;
        self.events.push(e);
    }

    pub fn run(&self) -> Results {
        let households = Households::from_records(&self.subjects, &self.records);
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
            // As the scan does: an event whose target is another subject's account.
            if let Some(t) = e.target.as_deref()
                && let Some(i) = self.subjects.iter().position(|s| s.id.to_lowercase() == t)
                && Some(SubjectIdx(i as u32)) != e.subject
            {
                engine.observe_target(e, SubjectIdx(i as u32), &cx);
            }
        }
        let mut findings = engine.conclude(&cx).list;
        // The engine's second pass, as the scan runs it.
        let scores: Vec<bonafide_core::Score> = (0..self.subjects.len())
            .map(|i| {
                let idx = SubjectIdx(i as u32);
                self.scoring.score(findings.iter().filter(|f| f.subjects.contains(&idx)), &[])
            })
            .collect();
        findings.extend(engine.reconsider(&cx, &crate::Risk { scores: &scores }).list);
        // Every detector test checks that what a detector emitted is among the
        // indicators it declares, which is what `bonafide indicators` calls detected.
        assert!(engine.undeclared().is_empty(), "findings of undeclared indicators: {:?}", engine.undeclared());
        Results { subjects: self.subjects.clone(), findings, activity: engine.take_activity() }
    }
}

/// A US postal address in Springfield, IL, keyed as the readers key it.
pub fn postal(line1: &str, line2: &str, zip: &str) -> PostalAddress {
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let mut a = PostalAddress {
        line1: opt(line1),
        line2: opt(line2),
        city: Some("Springfield".into()),
        region: Some("IL".into()),
        postal_code: opt(zip),
        country: Some("US".into()),
        key: None,
    };
    a.key = bonafide_intel::address::address_key(&a);
    a
}

/// A reference row of `subject_id` at `source` that says nothing yet: tests set the
/// fields they are about (`Reference { name: Some(..), ..reference("E2", pos) }`).
pub fn reference(subject_id: &str, source: SourcePos) -> bonafide_core::records::Reference {
    bonafide_core::records::Reference {
        subject_id: subject_id.into(),
        name: None,
        email: None,
        phone: None,
        company: None,
        company_domain: None,
        verified: None,
        domain_created: None,
        extra: Default::default(),
        source,
    }
}

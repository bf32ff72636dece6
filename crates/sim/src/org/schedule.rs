//! Every person's days: where they sign in from, when, and on what laptop, written
//! straight to the log streams (Okta, Entra, Google Workspace, osquery, commits,
//! activity) one day at a time.
//!
//! Each person-day draws from its own generator (seed, person, day), so a person's logs
//! do not depend on anyone else's and the order of writing does not matter.

use std::io::{self, Write};
use std::path::Path;

use serde_json::Value;

use super::clock::{self, DAY, HOUR, Zones};
use super::population::{Farm, Idp, Params, Person, Trick};
use super::world::{self, City};
use super::{Out, Summary};
use crate::okta::{self, Client, OktaUser, Spec};
use crate::rng::{Rng, mix};
use crate::vendors::{self, EntraSignIn, Origin};

/// Where one sign-in comes from.
#[derive(Clone, Debug)]
pub struct Loc {
    pub ip: String,
    pub city: &'static City,
    pub asn: u32,
    pub as_org: &'static str,
    pub domain: &'static str,
    pub proxy: bool,
}

fn residential(c: &'static City, host: (u8, u8)) -> Loc {
    Loc {
        ip: format!("{}.{}.{}.{}", c.net.0, c.net.1, host.0, host.1),
        city: c,
        asn: c.asn,
        as_org: c.as_org,
        domain: c.isp_domain,
        proxy: false,
    }
}

fn exit(i: usize, r: u64) -> Loc {
    let e = &world::EXITS[i % world::EXITS.len()];
    Loc { ip: e.ip(r), city: e.city, asn: e.asn, as_org: e.as_org, domain: "", proxy: true }
}

fn office(host: u8) -> Loc {
    let (a, b, c) = world::OFFICE_NET;
    Loc {
        ip: format!("{a}.{b}.{c}.{}", host.max(2)),
        city: &world::US[0],
        asn: 7018,
        as_org: "at&t services",
        domain: "att.com",
        proxy: false,
    }
}

/// One stretch of signed-in time.
#[derive(Clone, Debug)]
pub struct Session {
    pub start: i64,
    pub end: i64,
    pub loc: Loc,
    pub id: String,
    /// Part of a session that never ends (a farm laptop): no start/end events except at
    /// the week's first day.
    pub always_on: bool,
    pub opens: bool,
    /// On the managed laptop (osquery sees it awake).
    pub laptop: bool,
}

/// When the person does their work that day (commits, chat, meetings), and the UTC
/// offset their machine records.
#[derive(Clone, Copy, Debug)]
pub struct Work {
    pub start: i64,
    pub end: i64,
    pub offset_min: i32,
}

pub struct Day {
    pub sessions: Vec<Session>,
    pub work: Option<Work>,
}

fn sid(idx: usize, day: i64, k: u64) -> String {
    format!("102{:022x}", u128::from(mix((idx as u64) << 24 ^ (day as u64) << 4 ^ k)) & ((1u128 << 88) - 1))
}

/// A person's day. `farm` is the operative's farm, if any.
pub fn plan(p: &Person, day: i64, farm: Option<&Farm>, z: &mut Zones, seed: u64) -> Day {
    let mut r = Rng::new(mix(seed ^ (p.idx as u64) << 20 ^ day as u64));
    let mut out = Day { sessions: Vec::new(), work: None };
    let Some(hire) = p.hire_day else { return out };
    if day < hire {
        return out;
    }
    let wd = clock::is_weekday(day);
    if let Some(op) = &p.op {
        let work_tz = if op.has(Trick::ForeignHours) { op.hideout.tz } else { p.city.tz };
        let ws = z.at(work_tz, day, 9.0 + r.unit() * 0.8);
        let we = ws + ((8.0 + r.unit()) * HOUR as f64) as i64;
        let rec_off =
            if op.has(Trick::ForeignCommitOffset) { z.offset(op.hideout.tz, day) } else { z.offset(p.city.tz, day) };
        if wd {
            out.work = Some(Work { start: ws, end: we, offset_min: rec_off });
        }
        if let Some(f) = farm {
            // Always on: one session a week from the facilitator's home connection.
            let week = (day - hire) / 7;
            let start = z.at("UTC", day, 0.0) + (p.idx as i64 % 50) * 60_000;
            out.sessions.push(Session {
                start,
                end: start + DAY - 60_000,
                loc: residential(f.city, f.ip),
                id: sid(p.idx, week, 1),
                always_on: true,
                opens: (day - hire) % 7 == 0,
                laptop: true,
            });
        } else if op.has(Trick::Relay) {
            // The facilitator's laptop at the claimed home, never off.
            let week = (day - hire) / 7;
            let start = z.at("UTC", day, 0.0) + (p.idx as i64 % 50) * 60_000;
            out.sessions.push(Session {
                start,
                end: start + DAY - 60_000,
                loc: residential(p.city, p.ip),
                id: sid(p.idx, week, 4),
                always_on: true,
                opens: (day - hire) % 7 == 0,
                laptop: true,
            });
        } else if wd {
            let e = world::ASTRILL[p.idx % world::ASTRILL.len()];
            out.sessions.push(Session {
                start: ws,
                end: we,
                loc: exit(e, r.next_u64()),
                id: sid(p.idx, day, 2),
                always_on: false,
                opens: true,
                laptop: true,
            });
        }
        if op.has(Trick::Leaks) && wd && r.chance(0.15) {
            // The VPN drops: a direct sign-in from where they really are.
            let s = z.at(op.hideout.tz, day, 10.0 + r.unit() * 6.0);
            out.sessions.push(Session {
                start: s,
                end: s + HOUR / 2,
                loc: residential(op.hideout, ((p.idx % 250) as u8 + 1, (p.idx / 250 % 250) as u8 + 2)),
                id: sid(p.idx, day, 3),
                always_on: false,
                opens: true,
                laptop: false,
            });
        }
        return out;
    }
    if !wd {
        return out;
    }
    let home = p.city;
    let (start_h, len) = if p.night_shift { (21.5 + r.unit(), 8.0) } else { (7.5 + r.unit() * 2.5, 8.0 + r.unit()) };
    let mut tz = home.tz;
    let mut loc = if std::ptr::eq(home, &world::US[0]) && day.rem_euclid(7) == 1 {
        office((p.idx % 240) as u8 + 10)
    } else {
        residential(home, p.ip)
    };
    if let Some(v) = p.vpn
        && r.chance(0.85)
    {
        loc = exit(v, r.next_u64());
    }
    let mut start = z.at(tz, day, start_h);
    let mut end = start + (len * HOUR as f64) as i64;
    if let Some(t) = &p.trip {
        let flight = world::km((home.lat, home.lon), (t.dest.lat, t.dest.lon)) / 800.0 + 1.5;
        let flight_ms = (flight * HOUR as f64) as i64;
        let depart = z.at(home.tz, t.from_day, 18.0);
        let arrive = depart + flight_ms;
        let back_depart = z.at(t.dest.tz, t.to_day, 8.0);
        let back_arrive = back_depart + flight_ms;
        if day == t.from_day {
            end = end.min(depart - 2 * HOUR);
        } else if day > t.from_day && day < t.to_day {
            tz = t.dest.tz;
            start = z.at(tz, day, start_h.min(10.0));
            end = start + (len * HOUR as f64) as i64;
            if start < arrive + 2 * HOUR {
                return out;
            }
            if p.vpn.is_none() || r.chance(0.5) {
                loc = residential(t.dest, (251, (p.idx % 250) as u8 + 2));
            }
        } else if day == t.to_day {
            start = start.max(back_arrive + 2 * HOUR);
            end = start + 2 * HOUR;
            if start > z.at(home.tz, day, 23.0) {
                return out;
            }
        }
    }
    if end <= start {
        return out;
    }
    out.sessions.push(Session { start, end, loc, id: sid(p.idx, day, 0), always_on: false, opens: true, laptop: true });
    out.work = Some(Work { start, end, offset_min: z.offset(tz, day) });
    out
}

const UA_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
const UA_WIN: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";

struct Streams {
    okta: Out,
    entra: Out,
    gws: Out,
    osq: Out,
    /// Engineers' repository access in the GitHub organisation audit log.
    github: Out,
    /// The organisation's own expenses app, a login table of its own (`signins.csv`).
    app: csv::Writer<Out>,
    commits: csv::Writer<Out>,
    activity: csv::Writer<Out>,
    n: u64,
}

fn line(w: &mut Out, v: &Value) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}

fn client(l: &Loc) -> Client {
    Client {
        ip: l.ip.clone(),
        city: l.city.name.into(),
        state: l.city.region_name.into(),
        country: l.city.country_name.into(),
        postal: l.city.zip.into(),
        lat: l.city.lat,
        lon: l.city.lon,
        as_number: l.asn,
        as_org: l.as_org.into(),
        isp: l.as_org.into(),
        domain: l.domain.into(),
        is_proxy: l.proxy,
    }
}

fn origin(l: &Loc) -> Origin<'_> {
    Origin {
        ip: &l.ip,
        city: l.city.name,
        state: l.city.region_name,
        country: l.city.country,
        subdivision: "",
        lat: l.city.lat,
        lon: l.city.lon,
        asn: l.asn,
    }
}

impl Streams {
    /// What else a session start leaves, from the same place: an engineer clones the
    /// main repository (GitHub audit log), and one in four people opens the expenses app
    /// (its own login table) that day.
    fn side_sources(&mut self, p: &Person, ms: i64, s: &Session, ua: &str, sum: &mut Summary) -> io::Result<()> {
        let o = origin(&s.loc);
        if p.commits() {
            let handle = super::files::github_handle(p);
            let v = vendors::github_event(
                self.n ^ 0x6174_0000_0000,
                ms + 4 * 60_000,
                "git.clone",
                &handle,
                "acme/core",
                &o,
            );
            line(&mut self.github, &v)?;
            sum.events += 1;
        }
        if p.idx % 4 == 1 {
            self.app.write_record([
                p.email.as_str(),
                &clock::utc(ms + 2 * 60_000),
                o.ip,
                "success",
                o.country,
                o.city,
                &format!("{:.4}", o.lat),
                &format!("{:.4}", o.lon),
                &o.asn.to_string(),
                ua,
                &s.id,
                "expenses",
            ])?;
            sum.events += 1;
        }
        Ok(())
    }

    fn signin(
        &mut self,
        p: &Person,
        user: &OktaUser,
        ms: i64,
        kind: &str,
        s: &Session,
        sum: &mut Summary,
    ) -> io::Result<()> {
        self.n += 1;
        sum.events += 1;
        let ua = if p.idx.is_multiple_of(3) { UA_WIN } else { UA_MAC };
        if kind == "user.session.start" {
            self.side_sources(p, ms, s, ua, sum)?;
        }
        match p.idp {
            Idp::Okta => {
                let c = client(&s.loc);
                let v = okta::event(&Spec {
                    uuid: okta::uuid(0x6f72_6700, self.n),
                    published_ms: ms,
                    event_type: kind,
                    user,
                    client: &c,
                    session: &s.id,
                    outcome: "SUCCESS",
                    user_agent: ua,
                });
                line(&mut self.okta, &v)
            }
            Idp::Entra => {
                if kind == "user.session.end" {
                    sum.events -= 1;
                    return Ok(());
                }
                let o = origin(&s.loc);
                let device = vendors::guid(p.idx as u64 ^ 0xde71);
                let v = vendors::entra_diagnostic(&EntraSignIn {
                    id: self.n ^ 0x00e7_0000_0000,
                    at_ms: ms,
                    upn: &p.email,
                    display_name: &user.display_name,
                    app: "Office 365 Exchange Online",
                    interactive: kind == "user.session.start",
                    error_code: 0,
                    origin: &o,
                    device_id: &device,
                    managed: true,
                    session: &s.id,
                    user_agent: ua,
                });
                line(&mut self.entra, &v)
            }
            Idp::Gws => {
                let name = match kind {
                    "user.session.start" => "login_success",
                    "user.session.end" => "logout",
                    _ => {
                        sum.events -= 1;
                        return Ok(());
                    }
                };
                let o = origin(&s.loc);
                let v = vendors::gws_login(self.n ^ 0x6705_0000_0000, ms, &p.email, name, &o);
                line(&mut self.gws, &v)
            }
        }
    }
}

fn programs_added(p: &Person, extra: bool) -> Vec<String> {
    let prog = |name: &str, publisher: &str, loc: &str| {
        format!(
            r#"{{"name":"{name}","version":"1.0","install_location":"{loc}","publisher":"{publisher}","install_date":"20250601"}}"#
        )
    };
    let mut v = Vec::new();
    if !extra {
        for (n, publ) in [
            ("Google Chrome", "Google LLC"),
            ("Slack", "Slack Technologies"),
            ("Zoom Workplace", "Zoom Video Communications, Inc."),
            ("Visual Studio Code", "Microsoft Corporation"),
        ] {
            v.push(prog(n, publ, &format!("C:\\\\Program Files\\\\{n}")));
        }
        if p.is(Trick::Astrill) {
            v.push(prog("Astrill VPN", "Astrill Systems Corp", "C:\\\\Program Files (x86)\\\\Astrill"));
        }
        if p.vpn.is_some() && p.idx.is_multiple_of(2) {
            v.push(prog("NordVPN", "Nord Security", "C:\\\\Program Files\\\\NordVPN"));
        }
        if p.department == "IT Support" {
            v.push(prog("TeamViewer", "TeamViewer Germany GmbH", "C:\\\\Program Files\\\\TeamViewer"));
            v.push(prog("AnyDesk", "AnyDesk Software GmbH", "C:\\\\Program Files (x86)\\\\AnyDesk"));
        }
    } else if p.is(Trick::RemoteTools) {
        v.push(prog("AnyDesk", "AnyDesk Software GmbH", "C:\\\\Program Files (x86)\\\\AnyDesk"));
        if p.idx.is_multiple_of(2) {
            v.push(prog("RustDesk", "Purslane Ltd.", "C:\\\\Program Files\\\\RustDesk"));
        }
    }
    v
}

const KVMS: &[&str] = &[
    r#"{"vendor_id":"1d6b","model_id":"0104","vendor":"PiKVM","model":"PiKVM Composite Device","serial":"CAFEBABE","class":"239"}"#,
    r#"{"vendor_id":"1d6b","model_id":"0104","vendor":"TinyPilot","model":"TinyPilot Multifunction","serial":"6b65796d","class":"239"}"#,
    r#"{"vendor_id":"1d6b","model_id":"0104","vendor":"JetKVM","model":"USB Emulation Device","serial":"","class":"239"}"#,
];
const PI_GADGET: &str = r#"{"vendor_id":"1d6b","model_id":"0104","vendor":"Linux Foundation","model":"Multifunction Composite Gadget","serial":"fedcba9876543210","class":"239"}"#;

fn osquery_day(
    w: &mut Out,
    p: &Person,
    day: i64,
    sessions: &[Session],
    r: &mut Rng,
    sum: &mut Summary,
) -> io::Result<()> {
    let host = format!("lt-{:06}", p.idx);
    let hire = p.hire_day.unwrap_or(0);
    let first_day = hire.max(0);
    let mut hours: Vec<i64> = Vec::new();
    for s in sessions.iter().filter(|s| s.laptop) {
        let mut h = s.start.div_euclid(HOUR);
        while h * HOUR < s.end {
            if !hours.contains(&h) {
                hours.push(h);
            }
            h += 1;
        }
    }
    hours.sort_unstable();
    let base = if hire < 0 { 1000 + (-hire) as u64 * 24 } else { 0 };
    for (k, &h) in hours.iter().enumerate() {
        let t = h * 3600 + (p.idx as i64 % 1800);
        let counter = base + ((day - first_day) * 24) as u64 + k as u64;
        writeln!(
            w,
            r#"{{"name":"pack_heartbeat","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{counter},"numerics":false,"diffResults":{{"added":[],"removed":[]}}}}"#
        )?;
        sum.osquery_lines += 1;
        if k == 0 {
            let programs = if day == first_day {
                programs_added(p, false)
            } else if day == first_day + 1 {
                programs_added(p, true)
            } else {
                Vec::new()
            };
            if !programs.is_empty() || day == first_day {
                let c = if day == first_day { base } else { counter };
                writeln!(
                    w,
                    r#"{{"name":"pack_it_software","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{c},"numerics":false,"diffResults":{{"added":[{}],"removed":[]}}}}"#,
                    programs.join(",")
                )?;
                sum.osquery_lines += 1;
            }
            let mut usb = vec![
                r#"{"vendor_id":"8087","model_id":"0026","vendor":"Intel Corp.","model":"AX201 Bluetooth","serial":"","class":"224"}"#,
                r#"{"vendor_id":"046d","model_id":"c52b","vendor":"Logitech, Inc.","model":"Unifying Receiver","serial":"","class":"0"}"#,
            ];
            if p.is(Trick::IpKvm) && day > first_day {
                usb.push(KVMS[p.idx % KVMS.len()]);
            }
            if p.confounders.contains(&"raspberry_pi_dev") {
                usb.push(PI_GADGET);
            }
            writeln!(
                w,
                r#"{{"snapshot":[{}],"action":"snapshot","name":"pack_it_usb","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{counter},"numerics":false}}"#,
                usb.join(",")
            )?;
            sum.osquery_lines += 1;
            let mut ports: Vec<(u16, &str)> = Vec::new();
            if p.is(Trick::RemoteTools) && day > first_day {
                ports.push((7070, "/opt/anydesk/anydesk"));
            }
            if p.department == "IT Support" {
                ports.push((5938, "/opt/teamviewer/tv_bin/teamviewerd"));
            }
            if !ports.is_empty() {
                let rows: Vec<String> = ports
                    .iter()
                    .map(|(port, path)| format!(r#"{{"pid":"{}","port":"{port}","protocol":"6","family":"2","address":"0.0.0.0","fd":"12","socket":"40113","path":"{path}"}}"#, 900 + port % 97))
                    .collect();
                writeln!(
                    w,
                    r#"{{"snapshot":[{}],"action":"snapshot","name":"pack_listening_ports","hostIdentifier":"{host}","calendarTime":"","unixTime":{t},"epoch":0,"counter":{counter},"numerics":false}}"#,
                    rows.join(",")
                )?;
                sum.osquery_lines += 1;
            }
        }
        if r.chance(0.25) {
            let (name, path) = *r.pick(&[
                ("chrome", "/opt/google/chrome/chrome"),
                ("slack", "/usr/lib/slack/slack"),
                ("code", "/usr/share/code/code"),
                ("zoom", "/opt/zoom/zoom"),
            ]);
            writeln!(
                w,
                r#"{{"name":"pack_sec_processes","hostIdentifier":"{host}","calendarTime":"","unixTime":{},"epoch":0,"counter":{counter},"numerics":false,"action":"added","columns":{{"pid":"{}","name":"{name}","path":"{path}","cmdline":"{path}","uid":"1000","parent":"1","start_time":"{}"}}}}"#,
                t + 60,
                2000 + counter % 30_000,
                t + 60
            )?;
            sum.osquery_lines += 1;
        }
    }
    Ok(())
}

/// Writes every log stream, day by day.
pub fn streams(dir: &Path, params: &Params, people: &[Person], farms: &[Farm], sum: &mut Summary) -> io::Result<()> {
    let mut st = Streams {
        okta: super::create(dir, "okta_system_log.ndjson.gz", true)?,
        entra: super::create(dir, "entra_signins.ndjson.gz", true)?,
        gws: super::create(dir, "gws_login.ndjson.gz", true)?,
        osq: super::create(dir, "osquery_results.log.gz", true)?,
        github: super::create(dir, "github_audit.ndjson.gz", true)?,
        app: csv::Writer::from_writer(super::create(dir, "app_signins.csv.gz", true)?),
        commits: csv::Writer::from_writer(super::create(dir, "commits.csv.gz", true)?),
        activity: csv::Writer::from_writer(super::create(dir, "activity.csv.gz", true)?),
        n: 0,
    };
    st.app.write_record([
        "account",
        "at",
        "ip",
        "result",
        "country",
        "city",
        "latitude",
        "longitude",
        "asn",
        "user_agent",
        "session_id",
        "app",
    ])?;
    st.commits.write_record(["repo", "commit", "author_email", "author_name", "author_time", "committer_time"])?;
    st.activity.write_record(["account", "at", "kind", "source", "camera_on", "duration_seconds"])?;
    let mut z = Zones::new(params.days);
    let users: Vec<OktaUser> = people
        .iter()
        .map(|p| OktaUser {
            id: format!("00u{:017x}", mix(p.idx as u64 ^ params.seed) >> 4),
            login: if p.idp == Idp::Okta && p.idx % 5 == 0 { super::files::okta_login(p) } else { p.email.clone() },
            display_name: p.name(),
        })
        .collect();
    for day in 0..params.days {
        for p in people {
            let farm = p.op.as_ref().and_then(|o| o.farm).and_then(|f| farms.get(f));
            let d = plan(p, day, farm, &mut z, params.seed);
            let mut r = Rng::new(mix(params.seed ^ 0x5157 ^ (p.idx as u64) << 20 ^ day as u64));
            let user = &users[p.idx];
            for s in &d.sessions {
                if s.opens {
                    st.signin(p, user, s.start, "user.session.start", s, sum)?;
                }
                let mut t = s.start + r.range(20, 60) * 60_000;
                let step = if s.always_on { (60, 120) } else { (90, 180) };
                while t < s.end - 30 * 60_000 {
                    st.signin(p, user, t, "user.authentication.sso", s, sum)?;
                    t += r.range(step.0, step.1) * 60_000;
                }
                if !s.always_on {
                    st.signin(p, user, s.end, "user.session.end", s, sum)?;
                }
            }
            if p.has_laptop() && !d.sessions.is_empty() {
                osquery_day(&mut st.osq, p, day, &d.sessions, &mut r, sum)?;
            }
            let Some(w) = d.work else { continue };
            let span = (w.end - w.start).max(HOUR);
            if p.commits() {
                let email = if p.idx % 3 == 0 {
                    format!(
                        "{}+{}{}-dev@users.noreply.github.com",
                        40_000_000 + p.idx,
                        super::population::slug(p.first),
                        p.idx
                    )
                } else {
                    p.email.clone()
                };
                for k in 0..r.below(4) {
                    let t = w.start + r.range(0, span / 60_000) * 60_000;
                    let at = clock::with_offset(t, w.offset_min);
                    let hash = format!(
                        "{:016x}{:016x}{:08x}",
                        mix(p.idx as u64 ^ (day as u64) << 32 ^ k),
                        mix(t as u64),
                        (mix(k ^ t as u64)) as u32
                    );
                    st.commits.write_record(["northwind/app", &hash, &email, &p.name(), &at, &at])?;
                    sum.commits += 1;
                }
            }
            for _ in 0..r.range(2, 5) {
                let t = w.start + r.range(0, span / 60_000) * 60_000;
                st.activity.write_record([p.email.as_str(), &clock::utc(t), "message", "slack", "", ""])?;
                sum.activity += 1;
            }
            let camera =
                if p.is(Trick::CameraOff) { r.chance(0.05) } else { r.chance(if p.op.is_some() { 0.6 } else { 0.85 }) };
            let t = w.start + r.range(60, (span / 60_000).max(61)) * 60_000;
            st.activity.write_record([
                p.email.as_str(),
                &clock::utc(t),
                "meeting",
                "zoom",
                if camera { "true" } else { "false" },
                "1800",
            ])?;
            sum.activity += 1;
        }
    }
    for w in [st.okta, st.entra, st.gws, st.osq, st.github] {
        super::finish(w)?;
    }
    for w in [st.app, st.commits, st.activity] {
        let inner = w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
        super::finish(inner)?;
    }
    Ok(())
}

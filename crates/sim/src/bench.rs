//! Large inputs for benchmarks: a population of users in US metros, working-day
//! sessions with app sign-ons, a few percent on VPNs, a few travellers, and Okta's own
//! system events, written as an uncompressed NDJSON export with a matching
//! `people.csv` ([`write_okta_org`]); or the same population signing in to Okta, Entra
//! ID and Google Workspace and working in GitHub, each source in its own export
//! ([`write_mixed_org`]). The population is fixed by `users`, so a longer log means more
//! days, which is what "memory independent of the number of events" is about.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::okta::{self, Client, OktaUser, Spec};
use crate::rng::Rng;

struct Metro {
    city: &'static str,
    state: &'static str,
    code: &'static str,
    lat: f64,
    lon: f64,
    utc_offset_h: i64,
}

const METROS: &[Metro] = &[
    Metro { city: "New York", state: "New York", code: "NY", lat: 40.7128, lon: -74.006, utc_offset_h: -5 },
    Metro { city: "Chicago", state: "Illinois", code: "IL", lat: 41.8781, lon: -87.6298, utc_offset_h: -6 },
    Metro { city: "Houston", state: "Texas", code: "TX", lat: 29.7604, lon: -95.3698, utc_offset_h: -6 },
    Metro { city: "Phoenix", state: "Arizona", code: "AZ", lat: 33.4484, lon: -112.074, utc_offset_h: -7 },
    Metro { city: "Philadelphia", state: "Pennsylvania", code: "PA", lat: 39.9526, lon: -75.1652, utc_offset_h: -5 },
    Metro { city: "San Diego", state: "California", code: "CA", lat: 32.7157, lon: -117.1611, utc_offset_h: -8 },
    Metro { city: "Columbus", state: "Ohio", code: "OH", lat: 39.9612, lon: -82.9988, utc_offset_h: -5 },
    Metro { city: "Seattle", state: "Washington", code: "WA", lat: 47.6062, lon: -122.3321, utc_offset_h: -8 },
    Metro { city: "Denver", state: "Colorado", code: "CO", lat: 39.7392, lon: -104.9903, utc_offset_h: -7 },
    Metro { city: "Atlanta", state: "Georgia", code: "GA", lat: 33.749, lon: -84.388, utc_offset_h: -5 },
    Metro { city: "Boston", state: "Massachusetts", code: "MA", lat: 42.3601, lon: -71.0589, utc_offset_h: -5 },
    Metro { city: "Minneapolis", state: "Minnesota", code: "MN", lat: 44.9778, lon: -93.265, utc_offset_h: -6 },
];

const VPN: Metro =
    Metro { city: "Amsterdam", state: "North Holland", code: "NH", lat: 52.3676, lon: 4.9041, utc_offset_h: 1 };

fn client(ip: String, m: &Metro, country: &str, asn: u32, org: &str) -> Client {
    Client {
        ip,
        city: m.city.into(),
        state: m.state.into(),
        country: country.into(),
        postal: "00000".into(),
        lat: m.lat,
        lon: m.lon,
        as_number: asn,
        as_org: org.into(),
        isp: org.into(),
        domain: "example.net".into(),
        is_proxy: false,
    }
}

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub events: u64,
    pub users: u64,
    pub bytes: u64,
}

/// Writes `people.csv` and `okta.ndjson` with about `events` events for `users` users.
pub fn write_okta_org(dir: &Path, events: u64, users: u64, seed: u64) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let mut people = BufWriter::new(std::fs::File::create(dir.join("people.csv"))?);
    writeln!(people, "subject_id,kind,full_name,email,city,region,country")?;
    let mut homes = Vec::with_capacity(users as usize);
    for u in 0..users {
        let metro = (rng.below(METROS.len() as u64)) as usize;
        let m = &METROS[metro];
        writeln!(people, "U{u:06},employee,User {u},user{u}@bench.example,{},{},US", m.city, m.code)?;
        homes.push((metro, rng.chance(0.03), rng.chance(0.02)));
    }
    people.flush()?;
    let users_okta: Vec<OktaUser> = (0..users)
        .map(|u| OktaUser {
            id: format!("00u{u:017}"),
            login: format!("user{u}@bench.example"),
            display_name: format!("User {u}"),
        })
        .collect();
    let path = dir.join("okta.ndjson");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
    // Monday 6 January 2025, 00:00 UTC.
    let t0: i64 = 1_736_121_600_000;
    let mut n: u64 = 0;
    let mut day: i64 = 0;
    'days: loop {
        if day.rem_euclid(7) < 5 {
            for (u, user) in users_okta.iter().enumerate() {
                let (metro, vpn_user, traveller) = homes[u];
                let m = &METROS[metro];
                let trip = traveller && (day / 7) % 4 == 1;
                let place = if trip { &METROS[(metro + 5) % METROS.len()] } else { m };
                let c = if vpn_user && rng.chance(0.8) {
                    client(
                        format!("89.187.{}.{}", 160 + u % 4, 1 + u % 250),
                        &VPN,
                        "Netherlands",
                        60068,
                        "datacamp limited",
                    )
                } else {
                    client(
                        format!("{}.{}.{}.{}", 24 + (u >> 16) % 50, (u >> 8) & 255, u & 255, 1 + (day % 3)),
                        place,
                        "United States",
                        7922,
                        "comcast",
                    )
                };
                let start = t0 + day * 86_400_000 + (9 - place.utc_offset_h) * 3_600_000 + rng.range(-40, 40) * 60_000;
                let session = format!("102{:020x}", crate::rng::mix(seed ^ (u as u64) << 20 ^ day as u64));
                let mut t = start;
                let steps = 6 + rng.below(5) as i64;
                for k in 0..steps {
                    let event_type = match k {
                        0 => "user.session.start",
                        1 => "user.authentication.auth_via_mfa",
                        _ if k == steps - 1 => "user.session.end",
                        _ => "user.authentication.sso",
                    };
                    n += 1;
                    let v = okta::event(&Spec {
                        uuid: okta::uuid(seed, n),
                        published_ms: t,
                        event_type,
                        user,
                        client: &c,
                        session: &session,
                        outcome: "SUCCESS",
                        user_agent: ua,
                    });
                    serde_json::to_writer(&mut out, &v)?;
                    out.write_all(b"\n")?;
                    t += rng.range(20, 90) * 60_000;
                    if n >= events {
                        break 'days;
                    }
                }
            }
        }
        for k in 0..20 {
            n += 1;
            let v = okta::system_event(
                &okta::uuid(seed ^ 0x5, n),
                t0 + day * 86_400_000 + k * 60_000,
                "policy.rule.update",
            );
            serde_json::to_writer(&mut out, &v)?;
            out.write_all(b"\n")?;
        }
        day += 1;
    }
    out.flush()?;
    let bytes = std::fs::metadata(&path)?.len();
    Ok(Written { events: n, users, bytes })
}

/// What [`write_mixed_org`] wrote, per source.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mixed {
    pub okta: u64,
    pub entra: u64,
    pub gws: u64,
    pub github: u64,
    pub users: u64,
    pub bytes: u64,
}

impl Mixed {
    pub fn events(&self) -> u64 {
        self.okta + self.entra + self.gws + self.github
    }
}

/// Writes `people.csv` (with GitHub logins) and one export per source (`okta.ndjson`,
/// `entra.ndjson` as Azure Monitor diagnostic records, `gws.ndjson` Reports API login
/// activities, `github.ndjson` organisation audit events) with about `events` events in
/// all for `users` users: per working day an Okta session, an interactive Entra sign-in
/// and a few token refreshes, a Workspace login and logout, and a few git pulls and
/// pushes.
pub fn write_mixed_org(dir: &Path, events: u64, users: u64, seed: u64) -> std::io::Result<Mixed> {
    use crate::vendors::{self, EntraSignIn, Origin};
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let mut people = BufWriter::new(std::fs::File::create(dir.join("people.csv"))?);
    writeln!(people, "subject_id,kind,full_name,email,city,region,country,github")?;
    let mut homes = Vec::with_capacity(users as usize);
    for u in 0..users {
        let metro = (rng.below(METROS.len() as u64)) as usize;
        let m = &METROS[metro];
        writeln!(people, "U{u:06},employee,User {u},user{u}@bench.example,{},{},US,gh-user{u}", m.city, m.code)?;
        homes.push((metro, rng.chance(0.03), rng.chance(0.02)));
    }
    people.flush()?;
    let users_okta: Vec<OktaUser> = (0..users)
        .map(|u| OktaUser {
            id: format!("00u{u:017}"),
            login: format!("user{u}@bench.example"),
            display_name: format!("User {u}"),
        })
        .collect();
    let open = |name: &str| -> std::io::Result<BufWriter<std::fs::File>> {
        Ok(BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join(name))?))
    };
    let (mut okta_out, mut entra_out, mut gws_out, mut gh_out) =
        (open("okta.ndjson")?, open("entra.ndjson")?, open("gws.ndjson")?, open("github.ndjson")?);
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
    let t0: i64 = 1_736_121_600_000;
    let mut w = Mixed { users, ..Default::default() };
    let mut day: i64 = 0;
    let line = |out: &mut BufWriter<std::fs::File>, v: &serde_json::Value| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, v)?;
        out.write_all(b"\n")
    };
    'days: loop {
        if day.rem_euclid(7) < 5 {
            for (u, user) in users_okta.iter().enumerate() {
                let (metro, vpn_user, traveller) = homes[u];
                let m = &METROS[metro];
                let trip = traveller && (day / 7) % 4 == 1;
                let place = if trip { &METROS[(metro + 5) % METROS.len()] } else { m };
                let on_vpn = vpn_user && rng.chance(0.8);
                let c = if on_vpn {
                    client(
                        format!("89.187.{}.{}", 160 + u % 4, 1 + u % 250),
                        &VPN,
                        "Netherlands",
                        60068,
                        "datacamp limited",
                    )
                } else {
                    client(
                        format!("{}.{}.{}.{}", 24 + (u >> 16) % 50, (u >> 8) & 255, u & 255, 1 + (day % 3)),
                        place,
                        "United States",
                        7922,
                        "comcast",
                    )
                };
                let (country, subdivision) =
                    if on_vpn { ("NL", "NL-NH".to_string()) } else { ("US", format!("US-{}", place.code)) };
                let origin = Origin {
                    ip: &c.ip,
                    city: &c.city,
                    state: &c.state,
                    country,
                    subdivision: &subdivision,
                    lat: c.lat,
                    lon: c.lon,
                    asn: c.as_number,
                };
                let start = t0 + day * 86_400_000 + (9 - place.utc_offset_h) * 3_600_000 + rng.range(-40, 40) * 60_000;
                // Okta: a session with MFA and app sign-ons.
                let session = format!("102{:020x}", crate::rng::mix(seed ^ (u as u64) << 20 ^ day as u64));
                let mut t = start;
                let steps = 6 + rng.below(5) as i64;
                for k in 0..steps {
                    let event_type = match k {
                        0 => "user.session.start",
                        1 => "user.authentication.auth_via_mfa",
                        _ if k == steps - 1 => "user.session.end",
                        _ => "user.authentication.sso",
                    };
                    w.okta += 1;
                    let v = okta::event(&Spec {
                        uuid: okta::uuid(seed, w.okta),
                        published_ms: t,
                        event_type,
                        user,
                        client: &c,
                        session: &session,
                        outcome: "SUCCESS",
                        user_agent: ua,
                    });
                    line(&mut okta_out, &v)?;
                    t += rng.range(20, 90) * 60_000;
                }
                // Entra: an interactive sign-in, then token refreshes through the day.
                let entra_session = crate::vendors::guid(seed ^ 0xe17a ^ (u as u64) << 24 ^ day as u64);
                let device = format!("{:08x}-0000-4000-8000-{:012x}", u, u);
                for k in 0..(2 + rng.below(3)) {
                    w.entra += 1;
                    let v = vendors::entra_diagnostic(&EntraSignIn {
                        id: seed ^ w.entra.wrapping_mul(0x9e37),
                        at_ms: start + 5 * 60_000 + k as i64 * 95 * 60_000,
                        upn: &user.login,
                        display_name: &user.display_name,
                        app: if k == 0 { "Microsoft Teams" } else { "Office 365 Exchange Online" },
                        interactive: k == 0,
                        error_code: 0,
                        origin: &origin,
                        device_id: &device,
                        managed: true,
                        session: &entra_session,
                        user_agent: ua,
                    });
                    line(&mut entra_out, &v)?;
                }
                // Google Workspace: login and logout.
                for (k, name) in ["login_success", "logout"].iter().enumerate() {
                    w.gws += 1;
                    let at = start + 10 * 60_000 + k as i64 * 8 * 3_600_000;
                    line(&mut gws_out, &vendors::gws_login(seed ^ w.gws, at, &user.login, name, &origin))?;
                }
                // GitHub: pulls and the odd push to the team's repositories.
                let login = format!("gh-user{u}");
                for k in 0..(2 + rng.below(4)) {
                    w.github += 1;
                    let action = if k == 2 { "git.push" } else { "git.clone" };
                    let repo = format!("bench-org/service-{}", (u + k as usize) % 40);
                    let at = start + 30 * 60_000 + k as i64 * 70 * 60_000;
                    line(&mut gh_out, &vendors::github_event(seed ^ w.github, at, action, &login, &repo, &origin))?;
                }
                if w.events() >= events {
                    break 'days;
                }
            }
        }
        for k in 0..20 {
            w.okta += 1;
            let v = okta::system_event(
                &okta::uuid(seed ^ 0x5, w.okta),
                t0 + day * 86_400_000 + k * 60_000,
                "policy.rule.update",
            );
            line(&mut okta_out, &v)?;
        }
        day += 1;
    }
    for out in [&mut okta_out, &mut entra_out, &mut gws_out, &mut gh_out] {
        out.flush()?;
    }
    for name in ["okta.ndjson", "entra.ndjson", "gws.ndjson", "github.ndjson", "people.csv"] {
        w.bytes += std::fs::metadata(dir.join(name))?.len();
    }
    Ok(w)
}

//! Large Okta inputs for benchmarks: a population of users in US metros, working-day
//! sessions with app sign-ons, a few percent on VPNs, a few travellers, and Okta's own
//! system events, written as an uncompressed NDJSON export with a matching
//! `people.csv`. The population is fixed by `users`, so a longer log means more days,
//! which is what "memory independent of the number of events" is about.

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

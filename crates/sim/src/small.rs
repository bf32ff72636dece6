//! The small example organisation shipped in `examples/small`.
//!
//! Sixteen people of the fictional Northwind (`northwind.example`) over six weeks of
//! Okta sign-ins, hand-written so that each network detector has a subject who trips it
//! and the common benign look-alikes have a subject who must not:
//!
//! | subject | story | expected |
//! |---|---|---|
//! | E1001 Jane Roe | Columbus, in the office on Tuesdays | nothing |
//! | E1002 Marcus Webb | Chicago, a week in London with real flight times | nothing |
//! | E1003 Priya Nair | Seattle, privacy VPN nearly always on | D1 (medium) |
//! | E1004/E1005 Ann Lee, Raj Patel | a couple in Denver on one home IP | nothing |
//! | E1006 Daniel Park | Austin | nothing |
//! | E1007 Kevin Smith | claims Columbus; Astrill, and direct sign-ins from Shenyang | D1 (Astrill), D4 |
//! | E1008-E1010 | claim Dallas, Denver, Atlanta; three always-on laptops on one Springfield IP | D3, D4 (region), D6 |
//! | E1011 Li Wei | lives in Singapore and says so | nothing |
//! | E1012 Sam Carter | claims Phoenix, works from Shenyang, a facilitator signs in from Phoenix | D2, D4, F1 |
//! | E1013 Olivia Grant | IT, office egress and home | nothing |
//! | E1014 Tom Becker | night-shift SRE in Portland, role says so | nothing |
//! | E1015 Rosa Diaz | field sales on a mobile network across Texas | nothing |
//! | A2001 Nina Ivanova | an applicant, no sign-ins | nothing |
//!
//! plus Okta's own system events and one contractor login that no people record claims.

use std::io::Write;
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;

use crate::okta::{self, Client, OktaUser, Spec};
use crate::rng::Rng;

/// An IP range as the example's `ipintel.csv` and Okta's geolocation describe it.
struct Net {
    prefix: &'static str,
    cidr_bits: u8,
    kind: &'static str,
    label: &'static str,
    city: &'static str,
    state: &'static str,
    country_name: &'static str,
    country: &'static str,
    postal: &'static str,
    lat: f64,
    lon: f64,
    asn: u32,
    as_org: &'static str,
    isp: &'static str,
    domain: &'static str,
}

const NETS: &[Net] = &[
    Net {
        prefix: "73.24.10",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Columbus",
        state: "Ohio",
        country_name: "United States",
        country: "US",
        postal: "43215",
        lat: 39.9612,
        lon: -82.9988,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "98.213.4",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Chicago",
        state: "Illinois",
        country_name: "United States",
        country: "US",
        postal: "60601",
        lat: 41.8781,
        lon: -87.6298,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "81.2.69",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "London",
        state: "England",
        country_name: "United Kingdom",
        country: "GB",
        postal: "EC1A",
        lat: 51.5074,
        lon: -0.1278,
        asn: 2856,
        as_org: "british telecommunications plc",
        isp: "bt",
        domain: "bt.com",
    },
    Net {
        prefix: "89.187.160",
        cidr_bits: 24,
        kind: "vpn",
        label: "NordVPN",
        city: "Amsterdam",
        state: "North Holland",
        country_name: "Netherlands",
        country: "NL",
        postal: "1012",
        lat: 52.3676,
        lon: 4.9041,
        asn: 60068,
        as_org: "datacamp limited",
        isp: "cdn77",
        domain: "cdn77.com",
    },
    Net {
        prefix: "76.121.3",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Seattle",
        state: "Washington",
        country_name: "United States",
        country: "US",
        postal: "98101",
        lat: 47.6062,
        lon: -122.3321,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "71.57.3",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Denver",
        state: "Colorado",
        country_name: "United States",
        country: "US",
        postal: "80202",
        lat: 39.7392,
        lon: -104.9903,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "70.113.5",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Austin",
        state: "Texas",
        country_name: "United States",
        country: "US",
        postal: "78701",
        lat: 30.2672,
        lon: -97.7431,
        asn: 11427,
        as_org: "charter communications",
        isp: "spectrum",
        domain: "rr.com",
    },
    Net {
        prefix: "104.194.220",
        cidr_bits: 24,
        kind: "vpn",
        label: "Astrill",
        city: "Los Angeles",
        state: "California",
        country_name: "United States",
        country: "US",
        postal: "90017",
        lat: 34.0522,
        lon: -118.2437,
        asn: 9009,
        as_org: "m247 ltd",
        isp: "m247 europe srl",
        domain: "m247.com",
    },
    Net {
        prefix: "175.167.128",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Shenyang",
        state: "Liaoning",
        country_name: "China",
        country: "CN",
        postal: "110000",
        lat: 41.8057,
        lon: 123.4315,
        asn: 4837,
        as_org: "china unicom",
        isp: "china unicom liaoning",
        domain: "chinaunicom.cn",
    },
    Net {
        prefix: "24.14.88",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Springfield",
        state: "Illinois",
        country_name: "United States",
        country: "US",
        postal: "62701",
        lat: 39.7817,
        lon: -89.6501,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "116.86.20",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Singapore",
        state: "Singapore",
        country_name: "Singapore",
        country: "SG",
        postal: "018989",
        lat: 1.3521,
        lon: 103.8198,
        asn: 9506,
        as_org: "singtel fibre broadband",
        isp: "singtel",
        domain: "singnet.com.sg",
    },
    Net {
        prefix: "68.104.9",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Phoenix",
        state: "Arizona",
        country_name: "United States",
        country: "US",
        postal: "85004",
        lat: 33.4484,
        lon: -112.0740,
        asn: 22773,
        as_org: "cox communications",
        isp: "cox",
        domain: "cox.net",
    },
    Net {
        prefix: "12.150.44",
        cidr_bits: 24,
        kind: "corporate",
        label: "Northwind HQ egress",
        city: "Columbus",
        state: "Ohio",
        country_name: "United States",
        country: "US",
        postal: "43215",
        lat: 39.9612,
        lon: -82.9988,
        asn: 7018,
        as_org: "at&t services",
        isp: "at&t",
        domain: "att.com",
    },
    Net {
        prefix: "73.96.1",
        cidr_bits: 24,
        kind: "residential",
        label: "",
        city: "Portland",
        state: "Oregon",
        country_name: "United States",
        country: "US",
        postal: "97201",
        lat: 45.5152,
        lon: -122.6784,
        asn: 7922,
        as_org: "comcast",
        isp: "comcast cable communications llc",
        domain: "comcast.net",
    },
    Net {
        prefix: "172.58.10",
        cidr_bits: 24,
        kind: "mobile",
        label: "T-Mobile",
        city: "Dallas",
        state: "Texas",
        country_name: "United States",
        country: "US",
        postal: "75201",
        lat: 32.7767,
        lon: -96.7970,
        asn: 21928,
        as_org: "t-mobile usa",
        isp: "t-mobile usa",
        domain: "t-mobile.com",
    },
    Net {
        prefix: "172.58.11",
        cidr_bits: 24,
        kind: "mobile",
        label: "T-Mobile",
        city: "El Paso",
        state: "Texas",
        country_name: "United States",
        country: "US",
        postal: "79901",
        lat: 31.7619,
        lon: -106.4850,
        asn: 21928,
        as_org: "t-mobile usa",
        isp: "t-mobile usa",
        domain: "t-mobile.com",
    },
];

fn net(prefix: &str) -> &'static Net {
    NETS.iter().find(|n| n.prefix == prefix).unwrap_or(&NETS[0])
}

fn client(prefix: &str, host: u8) -> Client {
    let n = net(prefix);
    Client {
        ip: format!("{}.{}", n.prefix, host),
        city: n.city.into(),
        state: n.state.into(),
        country: n.country_name.into(),
        postal: n.postal.into(),
        lat: n.lat,
        lon: n.lon,
        as_number: n.asn,
        as_org: n.as_org.into(),
        isp: n.isp.into(),
        domain: n.domain.into(),
        is_proxy: false,
    }
}

struct Person {
    id: &'static str,
    kind: &'static str,
    name: &'static str,
    login: &'static str,
    email: &'static str,
    address: [&'static str; 5],
    country: &'static str,
    role: &'static str,
    department: &'static str,
    hire_date: &'static str,
}

const PEOPLE: &[Person] = &[
    Person {
        id: "E1001",
        kind: "employee",
        name: "Jane Roe",
        login: "jane.roe@northwind.example",
        email: "jane.roe@northwind.example",
        address: ["418 Maple Avenue", "", "Columbus", "OH", "43215"],
        country: "US",
        role: "Accountant",
        department: "Finance",
        hire_date: "2019-05-06",
    },
    Person {
        id: "E1002",
        kind: "employee",
        name: "Marcus Webb",
        login: "marcus.webb@northwind.example",
        email: "marcus.webb@northwind.example",
        address: ["233 W Erie Street", "Apt 1204", "Chicago", "Illinois", "60654"],
        country: "United States",
        role: "Account Executive",
        department: "Sales",
        hire_date: "2021-01-11",
    },
    Person {
        id: "E1003",
        kind: "employee",
        name: "Priya Nair",
        login: "priya.nair@northwind.example",
        email: "priya.nair@northwind.example",
        address: ["1520 Pine St", "Unit 5", "Seattle", "WA", "98101-1234"],
        country: "US",
        role: "Data Engineer",
        department: "Engineering",
        hire_date: "2022-08-15",
    },
    Person {
        id: "E1004",
        kind: "employee",
        name: "Ann Lee",
        login: "ann.lee@northwind.example",
        email: "ann.lee@northwind.example",
        address: ["77 Clarkson Street", "", "Denver", "CO", "80218"],
        country: "US",
        role: "Product Designer",
        department: "Product",
        hire_date: "2020-03-02",
    },
    Person {
        id: "E1005",
        kind: "employee",
        name: "Raj Patel",
        login: "raj.patel@northwind.example",
        email: "raj.patel@northwind.example",
        address: ["77 Clarkson St.", "", "Denver", "Colorado", "80218"],
        country: "US",
        role: "Backend Engineer",
        department: "Engineering",
        hire_date: "2021-06-14",
    },
    Person {
        id: "E1006",
        kind: "employee",
        name: "Daniel Park",
        login: "daniel.park@northwind.example",
        email: "daniel.park@northwind.example",
        address: ["3001 S Congress Ave", "", "Austin", "TX", "78704"],
        country: "US",
        role: "Support Engineer",
        department: "Support",
        hire_date: "2023-02-20",
    },
    Person {
        id: "E1007",
        kind: "contractor",
        name: "Kevin Smith",
        login: "kevin.smith@northwind.example",
        email: "kevin.smith@northwind.example",
        address: ["92 Oakland Park Ave", "", "Columbus", "OH", "43214"],
        country: "US",
        role: "Full-stack Developer",
        department: "Engineering",
        hire_date: "2025-01-13",
    },
    Person {
        id: "E1008",
        kind: "contractor",
        name: "Alex Turner",
        login: "alex.turner@northwind.example",
        email: "alex.turner@northwind.example",
        address: ["1900 Elm Street", "", "Dallas", "TX", "75201"],
        country: "US",
        role: "Frontend Developer",
        department: "Engineering",
        hire_date: "2025-01-20",
    },
    Person {
        id: "E1009",
        kind: "contractor",
        name: "Brian Moore",
        login: "brian.moore@northwind.example",
        email: "brian.moore@northwind.example",
        address: ["1550 Larimer St", "", "Denver", "CO", "80202"],
        country: "US",
        role: "Mobile Developer",
        department: "Engineering",
        hire_date: "2025-01-27",
    },
    Person {
        id: "E1010",
        kind: "contractor",
        name: "Chris Hall",
        login: "chris.hall@northwind.example",
        email: "chris.hall@northwind.example",
        address: ["250 Peachtree Street NW", "", "Atlanta", "GA", "30303"],
        country: "US",
        role: "DevOps Engineer",
        department: "Engineering",
        hire_date: "2025-02-03",
    },
    Person {
        id: "E1011",
        kind: "employee",
        name: "Li Wei",
        login: "li.wei@northwind.example",
        email: "li.wei@northwind.example",
        address: ["10 Anson Road", "#12-01", "Singapore", "", "079903"],
        country: "Singapore",
        role: "Regional Sales Lead",
        department: "Sales",
        hire_date: "2020-09-01",
    },
    Person {
        id: "E1012",
        kind: "contractor",
        name: "Sam Carter",
        login: "sam.carter@northwind.example",
        email: "sam.carter@northwind.example",
        address: ["401 E Jefferson St", "", "Phoenix", "AZ", "85004"],
        country: "US",
        role: "Backend Developer",
        department: "Engineering",
        hire_date: "2024-11-04",
    },
    Person {
        id: "E1013",
        kind: "employee",
        name: "Olivia Grant",
        login: "ogrant",
        email: "olivia.grant@northwind.example",
        address: ["55 E Long St", "", "Columbus", "OH", "43215"],
        country: "US",
        role: "IT Administrator",
        department: "IT",
        hire_date: "2018-04-09",
    },
    Person {
        id: "E1014",
        kind: "employee",
        name: "Tom Becker",
        login: "tom.becker@northwind.example",
        email: "tom.becker@northwind.example",
        address: ["2121 NW Irving St", "", "Portland", "OR", "97210"],
        country: "US",
        role: "Site Reliability Engineer (night shift)",
        department: "Engineering",
        hire_date: "2022-10-03",
    },
    Person {
        id: "E1015",
        kind: "employee",
        name: "Rosa Diaz",
        login: "rosa.diaz@northwind.example",
        email: "rosa.diaz@northwind.example",
        address: ["2300 Main St", "", "Dallas", "TX", "75201"],
        country: "US",
        role: "Field Sales",
        department: "Sales",
        hire_date: "2023-07-17",
    },
    Person {
        id: "A2001",
        kind: "applicant",
        name: "Nina Ivanova",
        login: "",
        email: "nina.ivanova@mail.example",
        address: ["88 Summit Ave", "", "Jersey City", "NJ", "07306"],
        country: "US",
        role: "QA Engineer",
        department: "Engineering",
        hire_date: "",
    },
];

/// The first day of the example: Monday 3 March 2025.
const START: Date = jiff::civil::date(2025, 3, 3);
const DAYS: i64 = 42;
const UA: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";

struct Writer {
    rng: Rng,
    n: u64,
    lines: Vec<(i64, String)>,
}

impl Writer {
    fn ms(&self, tz: &str, day: i64, hour: i64, minute: i64) -> i64 {
        let date = START.checked_add(jiff::Span::new().days(day)).unwrap_or(START);
        let tz = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
        let dt = date.at(hour.clamp(0, 23) as i8, minute.clamp(0, 59) as i8, 0, 0);
        tz.to_ambiguous_zoned(dt).compatible().map(|z| z.timestamp().as_millisecond()).unwrap_or(0)
    }

    fn push(&mut self, v: Value, ms: i64) {
        self.lines.push((ms, v.to_string()));
    }

    fn event(&mut self, user: &OktaUser, ms: i64, event_type: &str, c: &Client, session: &str) {
        self.n += 1;
        let uuid = okta::uuid(0x6e6f_7274_6877_696e, self.n);
        let v = okta::event(&Spec {
            uuid,
            published_ms: ms,
            event_type,
            user,
            client: c,
            session,
            outcome: "SUCCESS",
            user_agent: UA,
        });
        self.push(v, ms);
    }

    /// A working day's session: start, a few app sign-ons, end.
    fn workday(&mut self, user: &OktaUser, start_ms: i64, hours: f64, c: &Client) {
        self.n += 1;
        let session = format!("102{}", &okta::uuid(0x5e55, self.n).replace('-', "")[..22]);
        let jitter = self.rng.range(-20, 20) * 60_000;
        let start = start_ms + jitter;
        let end = start + (hours * 3_600_000.0) as i64;
        self.event(user, start, "user.session.start", c, &session);
        let mut t = start + self.rng.range(20, 60) * 60_000;
        while t < end - 30 * 60_000 {
            self.event(user, t, "user.authentication.sso", c, &session);
            t += self.rng.range(70, 150) * 60_000;
        }
        self.event(user, end, "user.session.end", c, &session);
    }

    /// An always-on laptop: one session a week, sign-ons around the clock.
    fn always_on(&mut self, user: &OktaUser, from_ms: i64, to_ms: i64, c: &Client) {
        let mut week_start = from_ms;
        while week_start < to_ms {
            self.n += 1;
            let session = format!("102{}", &okta::uuid(0xfa27, self.n).replace('-', "")[..22]);
            let week_end = (week_start + 6 * 86_400_000).min(to_ms);
            self.event(user, week_start, "user.session.start", c, &session);
            let mut t = week_start + self.rng.range(30, 90) * 60_000;
            while t < week_end {
                self.event(user, t, "user.authentication.sso", c, &session);
                t += self.rng.range(40, 110) * 60_000;
            }
            week_start = week_end + self.rng.range(1, 3) * 3_600_000;
        }
    }
}

fn user(p: &Person) -> OktaUser {
    OktaUser {
        id: format!("00u{}", &okta::uuid(0x0c7a, p.id.bytes().map(u64::from).sum()).replace('-', "")[..17]),
        login: p.login.to_string(),
        display_name: p.name.to_string(),
    }
}

fn is_weekday(day: i64) -> bool {
    day.rem_euclid(7) < 5
}

fn okta_log(seed: u64) -> Vec<String> {
    let mut w = Writer { rng: Rng::new(seed), n: 0, lines: Vec::new() };
    let by_id = |id: &str| user(PEOPLE.iter().find(|p| p.id == id).unwrap_or(&PEOPLE[0]));
    for day in 0..DAYS {
        let wd = is_weekday(day);
        // E1001 Jane: Columbus, office on Tuesdays.
        if wd {
            let office = day.rem_euclid(7) == 1;
            let c = if office { client("12.150.44", 10) } else { client("73.24.10", 41) };
            let s = w.ms("America/New_York", day, 8, 30);
            w.workday(&by_id("E1001"), s, 8.5, &c);
        }
        // E1002 Marcus: Chicago; flies ORD→LHR on day 14 evening, back on day 19.
        if (15..=18).contains(&day) {
            let s = w.ms("Europe/London", day, 8, 30);
            w.workday(&by_id("E1002"), s, 9.0, &client("81.2.69", 77));
        } else if wd || day == 14 || day == 19 {
            let (h, len) = match day {
                14 => (9, 6.0),  // leaves the office for O'Hare at 15:00, boards 18:30
                19 => (17, 2.0), // lands at O'Hare 14:20, signs in from home at 17:00
                _ => (8, 9.0),
            };
            let s = w.ms("America/Chicago", day, h, 30);
            w.workday(&by_id("E1002"), s, len, &client("98.213.4", 12));
        }
        if day == 15 {
            // A sign-in from Heathrow's hotel at 07:10 after landing at 06:45 (flight left ORD 18:30 CST).
            let s = w.ms("Europe/London", day, 7, 10);
            w.workday(&by_id("E1002"), s, 0.5, &client("81.2.69", 78));
        }
        // E1003 Priya: Seattle, privacy VPN nine days in ten.
        if wd {
            let c = if w.rng.chance(0.9) { client("89.187.160", 20 + (day % 5) as u8) } else { client("76.121.3", 9) };
            let s = w.ms("America/Los_Angeles", day, 9, 0);
            w.workday(&by_id("E1003"), s, 8.0, &c);
        }
        // E1004 Ann and E1005 Raj: one home, one IP.
        if wd {
            let c = client("71.57.3", 10);
            let s = w.ms("America/Denver", day, 8, 0);
            w.workday(&by_id("E1004"), s, 8.5, &c);
            let s = w.ms("America/Denver", day, 9, 30);
            w.workday(&by_id("E1005"), s, 8.0, &c);
        }
        // E1006 Daniel: Austin.
        if wd {
            let s = w.ms("America/Chicago", day, 8, 45);
            w.workday(&by_id("E1006"), s, 8.5, &client("70.113.5", 200));
        }
        // E1007 Kevin: claims Columbus; Astrill during US hours, direct from Shenyang most mornings there.
        if wd {
            let s = w.ms("America/New_York", day, 9, 0);
            w.workday(&by_id("E1007"), s, 8.0, &client("104.194.220", 30 + (day % 7) as u8));
            if day % 10 != 3 {
                let s = w.ms("Asia/Shanghai", day, 9, 15);
                w.workday(&by_id("E1007"), s, 1.0, &client("175.167.128", 14));
            }
        }
        // E1011 Li Wei: Singapore.
        if wd {
            let s = w.ms("Asia/Singapore", day, 9, 0);
            w.workday(&by_id("E1011"), s, 9.0, &client("116.86.20", 5));
        }
        // E1012 Sam: claims Phoenix, works Shenyang hours from Shenyang; a facilitator
        // signs in from Phoenix on Wednesdays.
        if wd {
            let s = w.ms("Asia/Shanghai", day, 9, 0);
            w.workday(&by_id("E1012"), s, 9.0, &client("175.167.128", 66));
            if day.rem_euclid(7) == 2 {
                let s = w.ms("America/Phoenix", day, 8, 0);
                w.workday(&by_id("E1012"), s, 0.5, &client("68.104.9", 31));
            }
        }
        // E1013 Olivia: IT, office Monday to Thursday, home on Fridays.
        if wd {
            let c = if day.rem_euclid(7) == 4 { client("73.24.10", 88) } else { client("12.150.44", 11) };
            let s = w.ms("America/New_York", day, 7, 30);
            w.workday(&by_id("E1013"), s, 9.0, &c);
        }
        // E1014 Tom: night shift in Portland, 22:00 to 06:00.
        if wd {
            let s = w.ms("America/Los_Angeles", day, 22, 0);
            w.workday(&by_id("E1014"), s, 8.0, &client("73.96.1", 3));
        }
        // E1015 Rosa: on the road in Texas on a mobile network; the carrier's gateways
        // geolocate her to Dallas or El Paso (920 km) minutes apart.
        if wd {
            let s = w.ms("America/Chicago", day, 8, 0);
            w.workday(&by_id("E1015"), s, 4.0, &client("172.58.10", 50));
            let s = w.ms("America/Chicago", day, 12, 30);
            w.workday(&by_id("E1015"), s, 4.0, &client("172.58.11", 51));
        }
        // Okta's own work.
        for k in 0..3 {
            w.n += 1;
            let uuid = okta::uuid(0x0575, w.n);
            let ms = w.ms("UTC", day, 3 + k * 7, 5);
            let v = okta::system_event(&uuid, ms, "policy.rule.update");
            w.push(v, ms);
        }
    }
    // E1008-E1010: three always-on laptops on one Springfield connection.
    let from = w.ms("America/Chicago", 0, 0, 0);
    let to = w.ms("America/Chicago", DAYS, 0, 0);
    for id in ["E1008", "E1009", "E1010"] {
        let offset = w.rng.range(0, 600) * 60_000;
        w.always_on(&by_id(id), from + offset, to, &client("24.14.88", 17));
    }
    // A contractor whose Okta login no people record claims.
    let guest = OktaUser {
        id: "00u9contractor01".into(),
        login: "m.okafor@partner.example".into(),
        display_name: "M. Okafor".into(),
    };
    for day in (0..DAYS).filter(|d| is_weekday(*d) && d % 3 == 0) {
        let s = w.ms("America/New_York", day, 10, 0);
        w.workday(&guest, s, 3.0, &client("73.24.10", 150));
    }
    w.lines.sort_by_key(|(ms, _)| *ms);
    w.lines.into_iter().map(|(_, l)| l).collect()
}

fn people_csv() -> String {
    let mut out = String::from(
        "subject_id,kind,full_name,email,phone,address_line1,address_line2,city,region,postal_code,country,timezone,hire_date,role,department\n",
    );
    for p in PEOPLE {
        let tz = match p.id {
            "E1011" => "Asia/Singapore",
            _ => "",
        };
        let phone = format!("+1614555{:04}", p.id[1..].parse::<u32>().unwrap_or(0) % 10_000);
        let fields = [
            p.id,
            p.kind,
            p.name,
            p.email,
            &phone,
            p.address[0],
            p.address[1],
            p.address[2],
            p.address[3],
            p.address[4],
            p.country,
            tz,
            p.hire_date,
            p.role,
            p.department,
        ];
        let quoted: Vec<String> =
            fields.iter().map(|f| if f.contains(',') { format!("\"{f}\"") } else { f.to_string() }).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

fn accounts_csv() -> String {
    let mut out = String::from("subject_id,source,account\n");
    for p in PEOPLE.iter().filter(|p| !p.login.is_empty() && p.login != p.email) {
        out.push_str(&format!("{},okta,{}\n", p.id, p.login));
    }
    out
}

fn ipintel_csv() -> String {
    let mut out = String::from("cidr,kind,asn,as_org,country,region,city,latitude,longitude,label\n");
    for n in NETS {
        out.push_str(&format!(
            "{}.0/{},{},{},\"{}\",{},{},{},{},{},{}\n",
            n.prefix, n.cidr_bits, n.kind, n.asn, n.as_org, n.country, n.state, n.city, n.lat, n.lon, n.label
        ));
    }
    out
}

const README: &str = "# Example: Northwind, six weeks of Okta sign-ins

Synthetic data written by `cargo run -p bonafide-sim --example write_small -- examples/small`
(see `crates/sim/src/small.rs` for every person's story and the expected findings). No
real person's data: names, addresses and phone numbers are invented; IP ranges are
labelled by this folder's own `ipintel.csv`.

    cargo run --release -- scan examples/small --out /tmp/r

Files: `people.csv`, `accounts.csv` (Olivia Grant signs in to Okta as `ogrant`),
`okta_system_log.ndjson.gz` (gzip-compressed Okta System Log export) and `ipintel.csv`.
";

/// Writes the example organisation into `dir`.
pub fn write(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("people.csv"), people_csv())?;
    std::fs::write(dir.join("accounts.csv"), accounts_csv())?;
    std::fs::write(dir.join("ipintel.csv"), ipintel_csv())?;
    std::fs::write(dir.join("README.md"), README)?;
    let f = std::fs::File::create(dir.join("okta_system_log.ndjson.gz"))?;
    let mut gz = flate2::GzBuilder::new().mtime(0).write(f, flate2::Compression::new(9));
    for line in okta_log(42) {
        gz.write_all(line.as_bytes())?;
        gz.write_all(b"\n")?;
    }
    gz.finish()?.sync_all()
}

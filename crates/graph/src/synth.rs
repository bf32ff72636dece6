//! A synthetic population with known clusters, for the benchmark and the tests.
//!
//! Rows are generated unit by unit (a person alone, a household, or a fraud cluster) so
//! that a million subjects stream to disk without being held in memory. Ground truth is
//! the fraud cluster of each row (0 for none); households are *not* clusters, so a
//! linker that joins couples pays for it in precision. Benign noise is built in: couples
//! and families sharing home, router and often an account; public IPs shared by dozens
//! on one day; recycled phone numbers; and typos in addresses and names that the fraud
//! clusters also suffer, so exact matching alone cannot find every member.

use crate::fuzzy::{address_block, name_block};
use crate::ident::{Fuzzy, FuzzyKind, IdKind, Ident, SubjectIn, value_hash, value_hash_parts};

/// splitmix64: small, fast, deterministic.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// One synthetic subject, as the CSV carries it. Empty strings are missing values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub first_name: String,
    pub surname: String,
    /// Days since 1960-01-01.
    pub dob: u32,
    pub street: String,
    pub zip: String,
    pub ship_street: String,
    pub ship_zip: String,
    pub phone: String,
    pub email: String,
    pub bank: String,
    pub ssn: String,
    pub device: String,
    pub github: String,
    pub ip_day_1: String,
    pub ip_day_2: String,
    /// Household id (0 = lives alone), what the household builder would derive.
    pub household: u64,
    /// Ground truth: fraud cluster id, 0 for none.
    pub truth: u64,
    /// The truth cluster's kind, empty for none.
    pub truth_kind: String,
}

pub const HEADER: &str = "unique_id,first_name,surname,dob,street,zip,ship_street,ship_zip,phone,email,bank,ssn,device,github,ip_day_1,ip_day_2,household,truth,truth_kind";

impl Row {
    pub fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            self.id,
            self.first_name,
            self.surname,
            self.dob,
            self.street,
            self.zip,
            self.ship_street,
            self.ship_zip,
            self.phone,
            self.email,
            self.bank,
            self.ssn,
            self.device,
            self.github,
            self.ip_day_1,
            self.ip_day_2,
            self.household,
            self.truth,
            self.truth_kind
        )
    }

    /// Reads a line written by [`Row::csv`]; `None` for a malformed line.
    pub fn parse(line: &str) -> Option<Row> {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 19 {
            return None;
        }
        Some(Row {
            id: f[0].into(),
            first_name: f[1].into(),
            surname: f[2].into(),
            dob: f[3].parse().ok()?,
            street: f[4].into(),
            zip: f[5].into(),
            ship_street: f[6].into(),
            ship_zip: f[7].into(),
            phone: f[8].into(),
            email: f[9].into(),
            bank: f[10].into(),
            ssn: f[11].into(),
            device: f[12].into(),
            github: f[13].into(),
            ip_day_1: f[14].into(),
            ip_day_2: f[15].into(),
            household: f[16].parse().ok()?,
            truth: f[17].parse().ok()?,
            truth_kind: f[18].into(),
        })
    }

    /// Identifiers the graph takes. Identifier count: up to 10 exact plus 3 fuzzy.
    pub fn subject(&self) -> SubjectIn {
        subject_from_line(&self.csv()).unwrap_or_default()
    }
}

/// The graph's subject straight from a CSV line of [`Row::csv`], hashing the fields in
/// place (no row of strings in between: at a million rows the allocations of the
/// intermediate row cost more than the linking).
pub fn subject_from_line(line: &str) -> Option<SubjectIn> {
    let mut f: [&str; 19] = [""; 19];
    let mut n = 0;
    for (i, part) in line.split(',').enumerate() {
        if i >= 19 {
            return None;
        }
        f[i] = part;
        n = i + 1;
    }
    if n != 19 {
        return None;
    }
    let household: u64 = f[16].parse().ok()?;
    f[3].parse::<u32>().ok()?;
    let mut idents = Vec::with_capacity(10);
    let mut add = |kind: IdKind, v: &str| {
        if !v.is_empty() {
            idents.push(Ident { kind, value: value_hash(v) });
        }
    };
    add(IdKind::Phone, f[8]);
    add(IdKind::Email, f[9]);
    add(IdKind::BankAccount, f[10]);
    add(IdKind::Ssn, f[11]);
    add(IdKind::DeviceSerial, f[12]);
    add(IdKind::Github, f[13]);
    add(IdKind::IpDay, f[14]);
    add(IdKind::IpDay, f[15]);
    let pair = |a: &str, b: &str| value_hash2(a, b);
    idents.push(Ident { kind: IdKind::HomeAddress, value: pair(f[4], f[5]) });
    if !f[6].is_empty() {
        idents.push(Ident { kind: IdKind::ShippingAddress, value: pair(f[6], f[7]) });
    }
    let mut fuzzy = Vec::with_capacity(3);
    for (street, zip) in [(f[4], f[5]), (f[6], f[7])] {
        if let Some(b) = address_block(street, zip) {
            fuzzy.push(Fuzzy { kind: FuzzyKind::Address, block: b, text: street.into() });
        }
    }
    let name = format!("{} {}", f[1], f[2]);
    if let Some(b) = name_block(&name, f[3]) {
        fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block: b, text: name.as_str().into() });
    }
    Some(SubjectIn { key: f[0].to_string(), household, name, idents, fuzzy })
}

/// [`value_hash`] of `a|b` without building the string.
fn value_hash2(a: &str, b: &str) -> u64 {
    value_hash_parts(&[a.as_bytes(), b"|", b.as_bytes()])
}

impl Row {
    #[doc(hidden)]
    pub fn subject_slow(&self) -> SubjectIn {
        let mut idents = Vec::with_capacity(12);
        let mut add = |kind: IdKind, v: &str| {
            if !v.is_empty() {
                idents.push(Ident::new(kind, v));
            }
        };
        add(IdKind::Phone, &self.phone);
        add(IdKind::Email, &self.email);
        add(IdKind::BankAccount, &self.bank);
        add(IdKind::Ssn, &self.ssn);
        add(IdKind::DeviceSerial, &self.device);
        add(IdKind::Github, &self.github);
        add(IdKind::IpDay, &self.ip_day_1);
        add(IdKind::IpDay, &self.ip_day_2);
        let home = format!("{}|{}", self.street, self.zip);
        add(IdKind::HomeAddress, &home);
        let ship = format!("{}|{}", self.ship_street, self.ship_zip);
        if !self.ship_street.is_empty() {
            add(IdKind::ShippingAddress, &ship);
        }
        let mut fuzzy = Vec::with_capacity(3);
        for (street, zip) in [(&self.street, &self.zip), (&self.ship_street, &self.ship_zip)] {
            if let Some(b) = address_block(street, zip) {
                fuzzy.push(Fuzzy { kind: FuzzyKind::Address, block: b, text: street.as_str().into() });
            }
        }
        let name = format!("{} {}", self.first_name, self.surname);
        if let Some(b) = name_block(&name, &self.dob.to_string()) {
            fuzzy.push(Fuzzy { kind: FuzzyKind::Name, block: b, text: name.as_str().into() });
        }
        SubjectIn { key: self.id.clone(), household: self.household, name, idents, fuzzy }
    }
}

const FIRST: &[&str] = &[
    "JAMES",
    "MARY",
    "JOHN",
    "PATRICIA",
    "ROBERT",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
    "THOMAS",
    "KAREN",
    "CHARLES",
    "SARAH",
    "WEI",
    "MIN",
    "JUN",
    "PRIYA",
    "RAHUL",
    "ANA",
    "LUIS",
    "FATIMA",
    "OMAR",
    "YUKI",
    "HANA",
    "IVAN",
    "OLGA",
    "KOFI",
    "AMARA",
    "LIAM",
    "NOAH",
    "EMMA",
    "OLIVIA",
    "AVA",
    "MIA",
    "LUCAS",
    "ELENA",
    "MATEO",
    "SOFIA",
    "ARJUN",
    "DIEGO",
    "CHLOE",
    "ETHAN",
    "ZOE",
];
const LAST: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "SANCHEZ",
    "CLARK",
    "RAMIREZ",
    "LEWIS",
    "ROBINSON",
    "WALKER",
    "YOUNG",
    "ALLEN",
    "KING",
    "WRIGHT",
    "SCOTT",
    "TORRES",
    "NGUYEN",
    "HILL",
    "FLORES",
    "GREEN",
    "ADAMS",
    "NELSON",
    "BAKER",
    "HALL",
    "RIVERA",
    "CAMPBELL",
    "MITCHELL",
    "CARTER",
    "ROBERTS",
    "KIM",
    "PARK",
    "CHEN",
    "WANG",
    "PATEL",
    "SINGH",
    "KHAN",
    "ALI",
    "NOVAK",
    "KOWALSKI",
    "MULLER",
    "SCHMIDT",
    "ROSSI",
    "SILVA",
    "SANTOS",
    "OKAFOR",
    "MENSAH",
    "TANAKA",
    "SATO",
];
const STREETS: &[&str] = &[
    "OAK ST",
    "MAPLE AVE",
    "PINE ST",
    "CEDAR RD",
    "ELM ST",
    "MAIN ST",
    "WASHINGTON AVE",
    "LAKE DR",
    "HILL RD",
    "PARK AVE",
    "RIVER RD",
    "SUNSET BLVD",
    "FOREST LN",
    "MEADOW WAY",
    "SPRING ST",
    "CHURCH ST",
    "HIGHLAND AVE",
    "WILLOW CT",
    "BIRCH LN",
    "JEFFERSON ST",
    "LINCOLN AVE",
    "FRANKLIN ST",
    "MADISON AVE",
    "VALLEY RD",
    "RIDGE RD",
];

/// Generation parameters.
#[derive(Clone, Debug)]
pub struct Params {
    pub subjects: usize,
    pub seed: u64,
    /// Share of subjects in fraud clusters.
    pub fraud_share: f64,
    /// Share of subjects living with family or a partner.
    pub household_share: f64,
}

impl Params {
    pub fn new(subjects: usize, seed: u64) -> Params {
        Params { subjects, seed, fraud_share: 0.02, household_share: 0.2 }
    }
}

/// Streams rows to `sink` and returns how many were generated.
pub fn generate(p: &Params, mut sink: impl FnMut(Row)) -> usize {
    let mut g = Gen { rng: Rng::new(p.seed), next_id: 0, next_truth: 0, next_household: 0, n: p.subjects };
    let mut produced = 0;
    while produced < p.subjects {
        let left = p.subjects - produced;
        let roll = g.rng.next_u64() as f64 / u64::MAX as f64;
        let unit = if roll < p.fraud_share / 4.0 {
            g.fraud()
        } else if roll < p.fraud_share / 4.0 + p.household_share / 2.2 {
            g.household()
        } else {
            vec![g.person()]
        };
        for r in unit.into_iter().take(left) {
            sink(r);
            produced += 1;
        }
    }
    produced
}

struct Gen {
    rng: Rng,
    next_id: u64,
    next_truth: u64,
    next_household: u64,
    n: usize,
}

impl Gen {
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.rng.below(list.len() as u64) as usize]
    }

    fn zip(&mut self) -> String {
        format!("{:05}", 10000 + self.rng.below(40000))
    }

    fn street(&mut self) -> String {
        format!("{} {}", 1 + self.rng.below(9999), self.pick(STREETS))
    }

    fn ip_day(&mut self) -> String {
        // Most days on one's own home IP; some on a public network shared by dozens.
        if self.rng.chance(0.25) {
            let pool = (self.n as u64 / 30).max(4);
            format!("pub{}@{}", self.rng.below(pool), self.rng.below(3))
        } else {
            format!("ip{:x}@{}", self.rng.next_u64() >> 24, self.rng.below(300))
        }
    }

    /// A phone; one in 400 is a recycled number another subject also has on file.
    fn phone(&mut self) -> String {
        if self.rng.chance(0.0025) {
            format!("+1555{:07}", self.rng.below((self.n as u64 / 2).max(1)))
        } else {
            format!("+1{:010}", self.rng.next_u64() % 10_000_000_000)
        }
    }

    fn person(&mut self) -> Row {
        self.next_id += 1;
        let first = self.pick(FIRST).to_string();
        let surname = self.pick(LAST).to_string();
        let street = self.street();
        let zip = self.zip();
        let id = self.next_id;
        Row {
            id: format!("S{id:07}"),
            email: format!("{}.{}{}@mail.test", first.to_lowercase(), surname.to_lowercase(), id),
            first_name: first,
            surname,
            dob: self.rng.below(14_600) as u32,
            ship_street: street.clone(),
            ship_zip: zip.clone(),
            street,
            zip,
            phone: self.phone(),
            bank: format!("acct{:x}", self.rng.next_u64()),
            ssn: format!("ssn{:x}", self.rng.next_u64()),
            device: format!("SN{:x}", self.rng.next_u64() >> 16),
            github: if self.rng.chance(0.6) { format!("gh{id}") } else { String::new() },
            ip_day_1: self.ip_day(),
            ip_day_2: self.ip_day(),
            ..Default::default()
        }
    }

    /// A couple or a family: one home, one router, often one account.
    fn household(&mut self) -> Vec<Row> {
        self.next_household += 1;
        let size = 2 + self.rng.below(2) as usize;
        let first = self.person();
        let joint = self.rng.chance(0.5);
        let same_surname = self.rng.chance(0.8) || size > 2;
        let home_ip = format!("ip{:x}", self.rng.next_u64() >> 24);
        let mut out = vec![first.clone()];
        for _ in 1..size {
            let mut r = self.person();
            r.street = first.street.clone();
            r.zip = first.zip.clone();
            r.ship_street = first.ship_street.clone();
            r.ship_zip = first.ship_zip.clone();
            if same_surname {
                r.surname = first.surname.clone();
            }
            if joint {
                r.bank = first.bank.clone();
            }
            out.push(r);
        }
        let day = self.rng.below(300);
        for r in &mut out {
            r.household = self.next_household;
            r.ip_day_1 = format!("{home_ip}@{day}");
        }
        out
    }

    fn typo(&mut self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() < 4 {
            return s.to_string();
        }
        let i = 2 + self.rng.below(chars.len() as u64 - 2) as usize;
        let mut out: String = chars[..i].iter().collect();
        if chars[i - 1] != ' ' && chars[i - 1].is_alphabetic() {
            out.push(chars[i - 1]);
        }
        out.extend(&chars[i..]);
        out
    }

    fn fraud(&mut self) -> Vec<Row> {
        self.next_truth += 1;
        let truth = self.next_truth;
        let kind = self.rng.below(4);
        let size = match kind {
            0 => 3 + self.rng.below(6) as usize,
            1 => 2 + self.rng.below(4) as usize,
            2 => 2 + self.rng.below(3) as usize,
            _ => 2 + self.rng.below(2) as usize,
        };
        let mut rows: Vec<Row> = (0..size).map(|_| self.person()).collect();
        match kind {
            0 => {
                // Laptop farm: one door (some labels misspelled), one residential IP.
                let door = self.street();
                let zip = self.zip();
                let ip = format!("ip{:x}", self.rng.next_u64() >> 24);
                let (d1, d2) = (self.rng.below(300), self.rng.below(300));
                for (i, r) in rows.iter_mut().enumerate() {
                    r.ship_street = if i > 0 && self.rng.chance(0.2) { self.typo(&door) } else { door.clone() };
                    r.ship_zip = zip.clone();
                    r.ip_day_1 = format!("{ip}@{d1}");
                    if self.rng.chance(0.5) {
                        r.ip_day_2 = format!("{ip}@{d2}");
                    }
                    r.truth_kind = "laptop_farm".into();
                }
            }
            1 => {
                let acct = format!("acct{:x}", self.rng.next_u64());
                for r in &mut rows {
                    r.bank = acct.clone();
                    r.truth_kind = "shared_payout".into();
                }
            }
            2 => {
                // One operator, several names: a phone and/or an email and a GitHub.
                let phone = self.phone();
                let email = rows[0].email.clone();
                let gh = format!("gh-op{truth}");
                let (share_phone, share_email) = match self.rng.below(3) {
                    0 => (true, false),
                    1 => (false, true),
                    _ => (true, true),
                };
                for r in &mut rows {
                    if share_phone {
                        r.phone = phone.clone();
                    }
                    if share_email {
                        r.email = email.clone();
                    }
                    if self.rng.chance(0.5) {
                        r.github = gh.clone();
                    }
                    r.truth_kind = "persona_ring".into();
                }
            }
            _ => {
                // One stolen identity used twice or thrice, names slightly varied.
                let ssn = rows[0].ssn.clone();
                let (first, last, dob) = (rows[0].first_name.clone(), rows[0].surname.clone(), rows[0].dob);
                for r in rows.iter_mut() {
                    r.ssn = ssn.clone();
                    r.dob = dob;
                    r.surname = last.clone();
                    r.first_name = first.clone();
                    r.truth_kind = "shared_identity".into();
                }
                for r in rows.iter_mut().skip(1) {
                    let t = self.typo(&r.first_name);
                    r.first_name = t;
                }
            }
        }
        for r in &mut rows {
            r.truth = truth;
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_generation_is_deterministic() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert_eq!(generate(&Params::new(500, 7), |r| a.push(r)), 500);
        generate(&Params::new(500, 7), |r| b.push(r));
        assert_eq!(a, b);
        for r in &a {
            assert_eq!(Row::parse(&r.csv()).as_ref(), Some(r));
            let (fast, slow) = (r.subject(), r.subject_slow());
            assert_eq!(
                (fast.key, fast.household, fast.name, fast.idents),
                (slow.key, slow.household, slow.name, slow.idents)
            );
            assert_eq!(fast.fuzzy, slow.fuzzy);
        }
        assert!(a.iter().any(|r| r.truth > 0) && a.iter().any(|r| r.household > 0));
        assert_eq!(HEADER.split(',').count(), 19);
    }
}

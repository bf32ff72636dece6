//! Who works at the organisation: ordinary staff (some carrying benign look-alikes of
//! the scheme's signals) and operatives (each with a random mix of tradecraft), drawn so
//! that nothing but behaviour tells them apart: same name pools, same kinds, same roles,
//! operatives spread through the subject ids.

use std::collections::BTreeSet;

use super::world::{self, City};
use crate::rng::Rng;

/// Which identity provider a person signs in through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idp {
    Okta,
    Entra,
    Gws,
}

/// A trip of a business traveller: away from `from_day` (flies out that evening) to
/// `to_day` (flies back that morning), in `dest`.
#[derive(Clone, Debug)]
pub struct Trip {
    pub dest: &'static City,
    pub from_day: i64,
    pub to_day: i64,
}

/// One piece of tradecraft an operative uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trick {
    /// The laptop sits in a farm: shipped to the facilitator, online around the clock on
    /// the facilitator's home IP.
    Farm,
    /// A facilitator keeps the one laptop at the claimed home, online around the clock,
    /// and the operative reaches it remotely (a farm of one).
    Relay,
    /// An IP-KVM on the farm laptop.
    IpKvm,
    /// Remote-access tools (AnyDesk, RustDesk) and their listening ports.
    RemoteTools,
    /// Works through Astrill with the client installed.
    Astrill,
    /// Occasional direct sign-ins from where they really are.
    Leaks,
    /// Works the hours of UTC+8/+9 (undisciplined).
    ForeignHours,
    /// Commits carry the real machine's UTC offset.
    ForeignCommitOffset,
    /// An SSN that was never issued, or one shared with another operative.
    BadSsn,
    IdvFailed,
    ReusedResume,
    ReusedPhoto,
    SharedPhone,
    VoipPhone,
    CameraRefused,
    ScriptedAnswers,
    SmalltalkFailed,
    InterviewViaVpn,
    DeclinedOnsite,
    PayoutPlatform,
    Crypto,
    SdnWallet,
    MuleAccount,
    LookalikeVendor,
    SanctionedVendor,
    UnverifiedReferences,
    LowPay,
    CameraOff,
}

/// Removes a sharing trick from operatives whose drawn identifier nobody else holds,
/// and the template that went with it.
fn drop_unshared(people: &mut [Person], ops: &[usize]) {
    use std::collections::HashMap;
    fn count<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> HashMap<K, usize> {
        let mut m = HashMap::new();
        for k in keys {
            *m.entry(k).or_insert(0) += 1;
        }
        m
    }
    let phones = count(people.iter().map(|p| p.phone.clone()));
    let resumes = count(ops.iter().filter_map(|&i| people[i].resume_template));
    let photos = count(ops.iter().filter_map(|&i| people[i].photo_template));
    let mules = count(ops.iter().filter_map(|&i| people[i].mule));
    let shared = |m: &HashMap<usize, usize>, k: Option<usize>| k.is_some_and(|k| m.get(&k).copied().unwrap_or(0) > 1);
    for &i in ops {
        let p = &mut people[i];
        let phone_shared = phones.get(&p.phone).copied().unwrap_or(0) > 1;
        let (resume, photo, mule) =
            (shared(&resumes, p.resume_template), shared(&photos, p.photo_template), shared(&mules, p.mule));
        if !resume {
            p.resume_template = None;
        }
        if !photo {
            p.photo_template = None;
        }
        if !mule {
            p.mule = None;
        }
        if let Some(op) = p.op.as_mut() {
            op.tricks.retain(|t| match t {
                Trick::SharedPhone => phone_shared,
                Trick::ReusedResume => resume,
                Trick::ReusedPhoto => photo,
                Trick::MuleAccount => mule,
                _ => true,
            });
        }
    }
}

impl Trick {
    /// The catalog indicators this piece of tradecraft exposes.
    pub fn indicators(self) -> &'static [&'static str] {
        match self {
            Trick::Farm => &["C1", "C2", "C3", "D3", "D4", "D6", "E9"],
            Trick::Relay => &["D6", "E9"],
            Trick::IpKvm => &["E2"],
            Trick::RemoteTools => &["E1", "D7"],
            Trick::Astrill => &["D1", "E4"],
            Trick::Leaks => &["D4"],
            Trick::ForeignHours => &["F1"],
            Trick::ForeignCommitOffset => &["F1"],
            Trick::BadSsn => &["A7"],
            Trick::IdvFailed => &["A5"],
            Trick::ReusedResume => &["H1"],
            Trick::ReusedPhoto => &["A6"],
            Trick::SharedPhone => &["H2"],
            Trick::VoipPhone => &["D9"],
            Trick::CameraRefused => &["B1"],
            Trick::ScriptedAnswers => &["B3"],
            Trick::SmalltalkFailed => &["B4"],
            Trick::InterviewViaVpn => &["B7"],
            Trick::DeclinedOnsite => &["B8"],
            Trick::PayoutPlatform => &["G2"],
            Trick::Crypto => &["G1"],
            Trick::SdnWallet => &["G1", "S2"],
            Trick::MuleAccount => &["G3"],
            Trick::LookalikeVendor => &["A14", "S3"],
            Trick::SanctionedVendor => &["S1"],
            Trick::UnverifiedReferences => &["A4"],
            Trick::LowPay => &["A12"],
            Trick::CameraOff => &["F4"],
        }
    }

    pub fn name(self) -> String {
        let s = format!("{self:?}");
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        }
        out
    }
}

/// Optional tricks beyond the core (how an operative reaches the laptop), each with its
/// chance. Mixed per operative so that no single signal finds them all.
const OPTIONAL: &[(Trick, f64)] = &[
    (Trick::Leaks, 0.35),
    (Trick::ForeignCommitOffset, 0.3),
    (Trick::BadSsn, 0.2),
    (Trick::IdvFailed, 0.25),
    (Trick::ReusedResume, 0.4),
    (Trick::ReusedPhoto, 0.3),
    (Trick::SharedPhone, 0.2),
    (Trick::VoipPhone, 0.3),
    (Trick::CameraRefused, 0.35),
    (Trick::ScriptedAnswers, 0.3),
    (Trick::SmalltalkFailed, 0.2),
    (Trick::InterviewViaVpn, 0.3),
    (Trick::DeclinedOnsite, 0.2),
    (Trick::PayoutPlatform, 0.35),
    (Trick::Crypto, 0.12),
    (Trick::MuleAccount, 0.2),
    (Trick::LookalikeVendor, 0.15),
    (Trick::SanctionedVendor, 0.05),
    (Trick::UnverifiedReferences, 0.4),
    (Trick::LowPay, 0.3),
    (Trick::CameraOff, 0.4),
];

#[derive(Clone, Debug)]
pub struct Operative {
    pub farm: Option<usize>,
    pub hideout: &'static City,
    pub tricks: BTreeSet<Trick>,
}

impl Operative {
    pub fn has(&self, t: Trick) -> bool {
        self.tricks.contains(&t)
    }
}

/// A laptop farm: a facilitator's home in a US city.
#[derive(Clone, Debug)]
pub struct Farm {
    pub id: String,
    pub city: &'static City,
    pub street: String,
    pub facilitator: String,
    /// Host part of the facilitator's home IP in the city's residential range.
    pub ip: (u8, u8),
    pub members: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub idx: usize,
    pub id: String,
    pub kind: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub origin: usize,
    pub email: String,
    pub idp: Idp,
    pub city: &'static City,
    pub street: String,
    /// Host part of the home IP within the city's residential /16.
    pub ip: (u8, u8),
    pub role: &'static str,
    pub department: &'static str,
    /// Hire day relative to the first simulated day (negative: before); None for applicants.
    pub hire_day: Option<i64>,
    pub dob: (i16, i8, i8),
    pub ssn: String,
    pub phone: String,
    pub night_shift: bool,
    pub confounders: Vec<&'static str>,
    pub op: Option<Operative>,
    pub partner: Option<usize>,
    pub trip: Option<Trip>,
    /// A privacy VPN exit (index into [`world::EXITS`]) used most days.
    pub vpn: Option<usize>,
    /// Day the person moved to the address on record (recent movers).
    pub moved_day: Option<i64>,
    pub vendor: Option<(&'static str, &'static str)>,
    /// Index into the resume/photo templates shared among operatives, if reused.
    pub resume_template: Option<usize>,
    pub photo_template: Option<usize>,
    /// Private mule account shared among some operatives.
    pub mule: Option<usize>,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    pub fn has_laptop(&self) -> bool {
        self.hire_day.is_some()
    }

    pub fn is(&self, t: Trick) -> bool {
        self.op.as_ref().is_some_and(|o| o.has(t))
    }

    /// Engineers commit code.
    pub fn commits(&self) -> bool {
        self.department == "Engineering"
    }

    pub fn home_ip(&self, people: &[Person]) -> String {
        // A couple shares the home connection of the first of them.
        let (c, ip) = match self.partner {
            Some(p) if p < self.idx => (people[p].city, people[p].ip),
            _ => (self.city, self.ip),
        };
        format!("{}.{}.{}.{}", c.net.0, c.net.1, ip.0, ip.1)
    }
}

/// What `simulate` was asked for.
#[derive(Clone, Debug)]
pub struct Params {
    pub people: usize,
    pub operatives: usize,
    pub farms: usize,
    pub days: i64,
    pub seed: u64,
    /// Replace every first name and surname, one for one, by an invented neutral one (the
    /// same draws otherwise): the organisation with the same people under other names,
    /// which must score the same if bonafide does not score by name.
    pub neutral_names: bool,
}

impl Params {
    /// Whether the organisation can be built as asked. The answers in `truth.json` must be
    /// the organisation asked for: bending the numbers (one person for `--people 0`, as
    /// many operatives as people, farms without members) would measure something nobody
    /// asked about, so impossible numbers are refused, named as `bonafide simulate`'s
    /// options.
    pub fn check(&self) -> Result<(), String> {
        if self.people == 0 {
            return Err("--people 0: the organisation needs at least one person".into());
        }
        if self.days < 1 {
            return Err(format!("--days {}: at least one day of logs is needed", self.days));
        }
        if self.operatives > self.people {
            return Err(format!(
                "--operatives {} is more than --people {}: operatives are among the organisation's people",
                self.operatives, self.people
            ));
        }
        let needed = self.farms.saturating_mul(2);
        if needed > self.operatives {
            return Err(format!(
                "--farms {} needs at least {needed} operatives (a farm is one door receiving the laptops of two or more), but --operatives is {}",
                self.farms, self.operatives
            ));
        }
        Ok(())
    }
}

/// Confounder kinds and the share of ordinary staff carrying each.
pub const CONFOUNDERS: &[(&str, f64)] = &[
    ("traveller", 0.08),
    ("privacy_vpn", 0.05),
    ("night_shift", 0.03),
    ("lives_in_apac", 0.02),
    ("couple", 0.04),
    ("it_support", 0.02),
    ("raspberry_pi_dev", 0.02),
    ("new_hire", 0.06),
    ("mover", 0.04),
    ("agency_contractor", 0.06),
];

fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.below(u64::from(total)) as u32;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    0
}

/// SSN parts for the n-th person: distinct for every n below 4.9 million, valid-looking
/// (area 100-599, never 666 or 9xx; group and serial never zero).
fn ssn_for(n: usize, rng: &mut Rng) -> String {
    let serial = (n * 7919) % 9999 + 1;
    let area = 100 + (n / 9999) % 500;
    let group = rng.range(1, 100);
    format!("{area:03}-{group:02}-{serial:04}")
}

fn us_city(rng: &mut Rng) -> &'static City {
    // The head office city and the big ones are more common; Springfield (farm town) rare.
    let w: Vec<u32> = (0..world::US.len())
        .map(|i| {
            if i == 0 {
                10
            } else if i == 16 {
                1
            } else {
                5
            }
        })
        .collect();
    &world::US[weighted(rng, &w)]
}

/// Builds the population. Deterministic for `p.seed`.
pub fn build(p: &Params) -> (Vec<Person>, Vec<Farm>) {
    let mut rng = Rng::new(p.seed ^ 0x0b0e_f1de);
    let n = p.people.max(1);
    let k = p.operatives.min(n);
    // Operatives at random positions (a partial Fisher-Yates over indices).
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = i + rng.below((n - i) as u64) as usize;
        order.swap(i, j);
    }
    let mut is_op = vec![false; n];
    for &i in &order[..k] {
        is_op[i] = true;
    }
    let mut city_hosts = vec![0usize; world::US.len() + world::ABROAD.len()];
    let mut next_ip = |c: &'static City| -> (u8, u8) {
        let ci = world::US
            .iter()
            .position(|x| std::ptr::eq(x, c))
            .or_else(|| world::ABROAD.iter().position(|x| std::ptr::eq(x, c)).map(|i| i + world::US.len()))
            .unwrap_or(0);
        let h = city_hosts[ci];
        city_hosts[ci] += 1;
        // Hosts .2-.251 of /24s 1-250; beyond 62,500 per city the range wraps (only at
        // populations far above the benchmarks').
        (((h / 250) % 250 + 1) as u8, (h % 250 + 2) as u8)
    };
    let mut people = Vec::with_capacity(n);
    for idx in 0..n {
        let origin = weighted(&mut rng, world::ORIGIN_WEIGHTS);
        let mut first = *rng.pick(world::FIRST[origin]);
        let mut last = *rng.pick(world::LAST[origin]);
        if p.neutral_names {
            first = world::neutral(world::FIRST, first);
            last = world::neutral(world::LAST, last);
        }
        let kind = if rng.chance(0.06) {
            "applicant"
        } else if rng.chance(0.2) {
            "contractor"
        } else {
            "employee"
        };
        let prefix = match kind {
            "applicant" => "A",
            "contractor" => "C",
            _ => "E",
        };
        let id = format!("{prefix}{:06}", 100_000 + idx);
        let (role, department) = *rng.pick(world::ROLES);
        let city = us_city(&mut rng);
        let street = format!("{} {}", rng.range(10, 9900), rng.pick(world::STREETS));
        let email = if kind == "applicant" {
            format!("{}.{}{}@{}", slug(first), slug(last), idx, rng.pick(world::FREE_MAIL))
        } else {
            format!("{}.{}{}@{}", slug(first), slug(last), idx, world::ORG_DOMAIN)
        };
        let idp = match rng.below(20) {
            0..=11 => Idp::Okta,
            12..=16 => Idp::Entra,
            _ => Idp::Gws,
        };
        let hire_day = if kind == "applicant" { None } else { Some(-rng.range(30, 3000)) };
        let dob = (rng.range(1965, 2001) as i16, rng.range(1, 13) as i8, rng.range(1, 29) as i8);
        let ssn = ssn_for(idx, &mut rng);
        // Distinct for every person: exchange 555, then 556, ... every 10,000 people
        // (references use exchanges 200-299).
        let exchange = 555 + (idx / 10_000) % 400;
        let phone = format!("+1{}{exchange}{:04}", city.phone_prefix, idx % 10_000);
        let ip = next_ip(city);
        people.push(Person {
            idx,
            id,
            kind,
            first,
            last,
            origin,
            email,
            idp,
            city,
            street,
            ip,
            role,
            department,
            hire_day,
            dob,
            ssn,
            phone,
            night_shift: false,
            confounders: Vec::new(),
            op: None,
            partner: None,
            trip: None,
            vpn: None,
            moved_day: None,
            vendor: None,
            resume_template: None,
            photo_template: None,
            mule: None,
        });
        if world::KOREAN_OR_CHINESE.contains(&origin) && !is_op[idx] {
            people[idx].confounders.push("korean_or_chinese_name");
        }
    }
    let days = p.days.max(1);
    // Farms: each in its own US city (not the head office's), with a facilitator.
    let mut farms: Vec<Farm> = Vec::new();
    for f in 0..p.farms {
        let city = &world::US[1 + (f * 7 + rng.below(3) as usize) % (world::US.len() - 1)];
        let first = *rng.pick(world::FIRST[0]);
        let last = *rng.pick(world::LAST[0]);
        farms.push(Farm {
            id: format!("F{}", f + 1),
            city,
            street: format!("{} {}", rng.range(100, 9000), rng.pick(world::STREETS)),
            facilitator: format!("{first} {last}"),
            ip: next_ip(city),
            members: Vec::new(),
        });
    }
    // Operatives: employees or contractors (the scheme gets hired), most hired recently.
    let ops: Vec<usize> = order[..k].to_vec();
    let in_farms = if farms.is_empty() { 0 } else { (k * 6 / 10).max(2 * farms.len()).min(k) };
    for (j, &i) in ops.iter().enumerate() {
        let farm = (j < in_farms).then(|| j % farms.len().max(1));
        let mut tricks = BTreeSet::new();
        match farm {
            Some(f) => {
                tricks.insert(Trick::Farm);
                if rng.chance(0.5) {
                    tricks.insert(Trick::IpKvm);
                }
                if !tricks.contains(&Trick::IpKvm) || rng.chance(0.4) {
                    tricks.insert(Trick::RemoteTools);
                }
                farms[f].members.push(i);
            }
            None if rng.chance(0.35) => {
                tricks.insert(Trick::Relay);
                tricks.insert(if rng.chance(0.4) { Trick::IpKvm } else { Trick::RemoteTools });
            }
            None => {
                tricks.insert(Trick::Astrill);
                if rng.chance(0.3) {
                    tricks.insert(Trick::RemoteTools);
                }
            }
        }
        // A third are careful: fewer mistakes of every kind.
        let care = if rng.chance(0.3) { 0.3 } else { 1.0 };
        // Undisciplined operatives keep the hours of home; the disciplined keep US hours.
        if rng.chance(0.6 * care) {
            tricks.insert(Trick::ForeignHours);
        }
        for (t, pr) in OPTIONAL {
            if rng.chance(*pr * care) {
                tricks.insert(*t);
            }
        }
        if tricks.contains(&Trick::Crypto) && rng.chance(0.3) {
            tricks.insert(Trick::SdnWallet);
        }
        if tricks.contains(&Trick::LookalikeVendor) && tricks.contains(&Trick::SanctionedVendor) {
            tricks.remove(&Trick::LookalikeVendor);
        }
        let hideout = &world::HIDEOUTS[rng.below(world::HIDEOUTS.len() as u64) as usize];
        let person = &mut people[i];
        if person.kind == "applicant" {
            person.kind = if rng.chance(0.6) { "contractor" } else { "employee" };
            person.id = format!("{}{}", if person.kind == "contractor" { "C" } else { "E" }, &person.id[1..]);
            person.email = format!("{}.{}{}@{}", slug(person.first), slug(person.last), i, world::ORG_DOMAIN);
        }
        // Most were hired recently: in the months before the window or during it.
        person.hire_day = Some(if rng.chance(0.5) { rng.range(0, (days / 3).max(1)) } else { -rng.range(14, 180) });
        if tricks.contains(&Trick::LookalikeVendor) || tricks.contains(&Trick::SanctionedVendor) {
            person.kind = "contractor";
            person.id = format!("C{}", &person.id[1..]);
            let bad = if tricks.contains(&Trick::SanctionedVendor) {
                world::BAD_VENDORS[4 + rng.below(2) as usize]
            } else {
                world::BAD_VENDORS[rng.below(4) as usize]
            };
            person.vendor = Some(bad);
        }
        // Operatives apply for engineering roles.
        let (role, dept) = world::ROLES[rng.below(7) as usize];
        person.role = role;
        person.department = dept;
        person.op = Some(Operative { farm, hideout, tricks });
    }
    // Shared identifiers among operatives: templates, phones, mule accounts, SSNs.
    let mut shared_ssn: Option<String> = None;
    let mut shared_phone: Option<String> = None;
    // Shared things are shared: about three operatives per resume, photo or mule account.
    let carriers = |t: Trick| ops.iter().filter(|&&i| people[i].is(t)).count();
    let resumes = (carriers(Trick::ReusedResume) / 3).max(1);
    let photos = (carriers(Trick::ReusedPhoto) / 3).max(1);
    let mules = (carriers(Trick::MuleAccount) / 3).max(1);
    for &i in &ops {
        let tricks = people[i].op.as_ref().map(|o| o.tricks.clone()).unwrap_or_default();
        let p = &mut people[i];
        if tricks.contains(&Trick::ReusedResume) {
            p.resume_template = Some(rng.below(resumes as u64) as usize);
        }
        if tricks.contains(&Trick::ReusedPhoto) {
            p.photo_template = Some(rng.below(photos as u64) as usize);
        }
        if tricks.contains(&Trick::MuleAccount) {
            p.mule = Some(rng.below(mules as u64) as usize);
        }
        if tricks.contains(&Trick::SharedPhone) {
            match &shared_phone {
                Some(ph) if rng.chance(0.7) => p.phone = ph.clone(),
                _ => shared_phone = Some(p.phone.clone()),
            }
        }
        if tricks.contains(&Trick::BadSsn) {
            match &shared_ssn {
                // Half share one stolen number; the rest carry one never issued.
                Some(s) if rng.chance(0.5) => p.ssn = s.clone(),
                _ if rng.chance(0.5) => shared_ssn = Some(p.ssn.clone()),
                _ => {
                    p.ssn = format!(
                        "{}-{:02}-{:04}",
                        ["666", "000", "912"][rng.below(3) as usize],
                        rng.range(1, 100),
                        rng.range(1, 10_000)
                    )
                }
            }
        }
    }
    // The truth names only what the files carry: a "shared" phone, resume, photo or mule
    // account that no other operative drew is not shared, so its trick is dropped
    // (eval counted H2 and H1 as missed on operatives who shared nothing).
    drop_unshared(&mut people, &ops);
    // Benign confounders among ordinary staff.
    let ordinary: Vec<usize> = (0..n).filter(|&i| !is_op[i]).collect();
    for &i in &ordinary {
        if people[i].kind == "applicant" {
            continue;
        }
        for (kind, share) in CONFOUNDERS {
            if !rng.chance(*share) {
                continue;
            }
            let p = &mut people[i];
            match *kind {
                // A couple's one home stays one home.
                "lives_in_apac" | "mover" if p.partner.is_some() => continue,
                "traveller" => {
                    let dest = if rng.chance(0.3) { &world::ABROAD[rng.below(4) as usize] } else { us_city(&mut rng) };
                    if std::ptr::eq(dest, p.city) {
                        continue;
                    }
                    let from_day = rng.range(0, (days - 6).max(1));
                    p.trip = Some(Trip { dest, from_day, to_day: from_day + rng.range(3, 6) });
                }
                "privacy_vpn" => p.vpn = Some(world::PRIVACY_VPN[rng.below(world::PRIVACY_VPN.len() as u64) as usize]),
                "night_shift" => {
                    p.night_shift = true;
                    p.role = if rng.chance(0.5) {
                        "Site Reliability Engineer (night shift)"
                    } else {
                        "Support Engineer (on-call, overnight)"
                    };
                    p.department = if p.role.starts_with("Site") { "Engineering" } else { "Support" };
                }
                "lives_in_apac" => {
                    let c = &world::ABROAD[rng.below(3) as usize];
                    p.city = c;
                    p.ip = next_ip(c);
                    p.phone = format!("{}{:07}", c.phone_prefix, rng.below(10_000_000));
                }
                "couple" => {
                    if p.partner.is_some() {
                        continue;
                    }
                    // Partner: the next ordinary non-applicant without a partner.
                    let from = ordinary.partition_point(|&q| q <= i);
                    let Some(&q) = ordinary[from..].iter().find(|&&q| {
                        q > i
                            && people[q].partner.is_none()
                            && people[q].kind != "applicant"
                            && people[q].confounders.iter().all(|c| *c == "korean_or_chinese_name")
                    }) else {
                        continue;
                    };
                    let (city, street, ip, last) =
                        (people[i].city, people[i].street.clone(), people[i].ip, people[i].last);
                    people[i].partner = Some(q);
                    let partner = &mut people[q];
                    partner.partner = Some(i);
                    partner.city = city;
                    partner.street = street;
                    partner.ip = ip;
                    if rng.chance(0.5) {
                        partner.last = last;
                    }
                    people[q].confounders.push("couple");
                    if city.country != "US" {
                        people[q].confounders.push("lives_in_apac");
                    }
                }
                // Keep the night-shift role that explains night work.
                "it_support" | "raspberry_pi_dev" if p.night_shift => continue,
                "it_support" => {
                    p.role = "IT Support Technician";
                    p.department = "IT Support";
                }
                "raspberry_pi_dev" => {
                    p.role = "Embedded Developer";
                    p.department = "Engineering";
                }
                "new_hire" => p.hire_day = Some(rng.range(0, (days / 2).max(1))),
                "mover" => p.moved_day = Some(-rng.range(1, 25)),
                "agency_contractor" => {
                    p.kind = "contractor";
                    p.id = format!("C{}", &p.id[1..]);
                    p.vendor = Some(world::AGENCIES[rng.below(world::AGENCIES.len() as u64) as usize]);
                }
                _ => {}
            }
            people[i].confounders.push(kind);
        }
    }
    (people, farms)
}

/// Lower-case ASCII letters of a name, for email addresses.
pub fn slug(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

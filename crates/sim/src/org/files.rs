//! The organisation's records (people, accounts, payroll, shipments, devices, interviews,
//! references), its documents (resumes, photos), its own configuration and `truth.json`.

use std::io::{self, Write};
use std::path::Path;

use serde_json::json;

use super::clock::{self, DAY};
use super::population::{Farm, Params, Person, Trick};
use super::world;
use crate::rng::{Rng, mix};

type Csv = csv::Writer<super::Out>;

fn csv_file(dir: &Path, name: &str, header: &[&str]) -> io::Result<Csv> {
    let mut w = csv::Writer::from_writer(super::create(dir, name, false)?);
    w.write_record(header)?;
    Ok(w)
}

fn done(w: Csv) -> io::Result<()> {
    let inner = w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
    super::finish(inner)
}

/// Valid ABA routing numbers of large US banks (public).
const BANKS: &[(&str, &str)] = &[
    ("JPMorgan Chase Bank", "021000021"),
    ("Bank of America", "026009593"),
    ("Wells Fargo Bank", "121000248"),
    ("Citibank", "021000089"),
    ("U.S. Bank", "091000022"),
];

/// The region as an address writes it: the state's code in the US, the name elsewhere.
fn region(c: &world::City) -> &'static str {
    if c.country == "US" { c.region } else { c.region_name }
}

fn currency(c: &world::City) -> &'static str {
    match c.country {
        "JP" => "JPY",
        "KR" => "KRW",
        "SG" => "SGD",
        "GB" => "GBP",
        _ => "USD",
    }
}

fn hire_ms(p: &Person) -> i64 {
    clock::day_ms(p.hire_day.unwrap_or(0)) + 15 * clock::HOUR
}

/// Pay band midpoints by department (USD per year).
fn band(dept: &str) -> u32 {
    match dept {
        "Engineering" => 150_000,
        "Product" => 140_000,
        "Finance" => 95_000,
        "Sales" => 110_000,
        "IT Support" => 75_000,
        _ => 90_000,
    }
}

fn farm_of<'a>(p: &Person, farms: &'a [Farm]) -> Option<&'a Farm> {
    p.op.as_ref().and_then(|o| o.farm).and_then(|f| farms.get(f))
}

/// Where a person's previous home was (recent movers): same city, another street.
fn old_street(p: &Person) -> String {
    format!(
        "{} {}",
        10 + mix(p.idx as u64) % 9000,
        world::STREETS[(mix(p.idx as u64 ^ 7) % world::STREETS.len() as u64) as usize]
    )
}

pub fn records(dir: &Path, params: &Params, people: &[Person], farms: &[Farm]) -> io::Result<()> {
    let mut rng = Rng::new(params.seed ^ 0x7265_636f_7264);
    let mut pc = csv_file(
        dir,
        "people.csv",
        &[
            "subject_id",
            "kind",
            "full_name",
            "email",
            "phone",
            "phone_line_type",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "timezone",
            "date_of_birth",
            "ssn",
            "idv_result",
            "idv_face_match",
            "applied_date",
            "hire_date",
            "role",
            "department",
            "vendor",
            "vendor_domain",
            "github",
            "resume_path",
            "photo_path",
            "requested_pay",
            "pay_band_mid",
            "currency",
            "address_changed_at",
            "website",
            "website_created",
        ],
    )?;
    let mut acc = csv_file(dir, "accounts.csv", &["subject_id", "source", "account"])?;
    let mut pay = csv_file(
        dir,
        "payroll_changes.csv",
        &[
            "subject_id",
            "changed_at",
            "method",
            "account_holder",
            "bank_name",
            "bank_country",
            "routing_number",
            "account_number",
            "iban",
            "wallet_address",
            "wallet_chain",
        ],
    )?;
    let mut ship = csv_file(
        dir,
        "shipments.csv",
        &[
            "subject_id",
            "shipped_at",
            "shipment_id",
            "asset_serial",
            "recipient_name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "status",
            "signed_by",
        ],
    )?;
    let mut dev = csv_file(
        dir,
        "devices.csv",
        &["asset_serial", "subject_id", "host_identifier", "hostname", "assigned_at", "managed"],
    )?;
    let mut iv = csv_file(
        dir,
        "interviews.csv",
        &[
            "subject_id",
            "at",
            "round",
            "interviewer",
            "medium",
            "duration_seconds",
            "video_seconds",
            "client_ip",
            "flags",
            "notes",
        ],
    )?;
    let mut refs = csv_file(
        dir,
        "references.csv",
        &["subject_id", "name", "email", "phone", "company", "company_domain", "verified"],
    )?;
    let mules: Vec<String> =
        (0..64).map(|m| format!("{}", 4_000_000_000u64 + mix(params.seed ^ m) % 900_000_000)).collect();
    let mut units: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    for p in people {
        let op = p.op.as_ref();
        let has = |t: Trick| p.is(t);
        let tz = if p.city.country == "US" { "" } else { p.city.tz };
        let (idv, face) = if has(Trick::IdvFailed) {
            (if rng.chance(0.5) { "fail" } else { "resubmitted" }, 0.3 + rng.unit() * 0.3)
        } else {
            (if rng.chance(0.03) { "resubmitted" } else { "pass" }, 0.86 + rng.unit() * 0.13)
        };
        let hire = p.hire_day;
        let applied = hire.map_or(-rng.range(1, 40), |h| h - rng.range(25, 60));
        let mid = band(p.department);
        let requested = if has(Trick::LowPay) {
            // Far below the band, as A12 means it: under 60% of the midpoint.
            mid as f64 * (0.45 + rng.unit() * 0.13)
        } else {
            mid as f64 * (0.9 + rng.unit() * 0.25)
        };
        let (vendor, vendor_domain) = p.vendor.unwrap_or(("", ""));
        let github = if p.commits() { github_handle(p) } else { String::new() };
        let moved = p.moved_day.map(clock::ymd).unwrap_or_default();
        let drawn = if rng.chance(0.2) { format!("Apt {}", rng.range(1, 40)) } else { String::new() };
        // A couple declares one home, flat number included: the partner written second
        // takes the first one's unit (the draw is still made, so the stream is unchanged).
        let line2 = match p.partner.and_then(|q| units.get(&q)) {
            Some(u) => u.clone(),
            None => drawn,
        };
        units.insert(p.idx, line2.clone());
        let pay_mid = mid.to_string();
        let requested = format!("{:.0}", requested);
        let face = format!("{face:.2}");
        let dob = format!("{:04}-{:02}-{:02}", p.dob.0, p.dob.1, p.dob.2);
        let resume = format!("../documents/resumes/{}.txt", p.id);
        let photo = format!("../documents/photos/{}.png", p.id);
        let voip = if has(Trick::VoipPhone) { "voip" } else { "" };
        let (site, site_created) = website(p, people, farms, applied);
        pc.write_record([
            p.id.as_str(),
            p.kind,
            &p.name(),
            &p.email,
            &p.phone,
            voip,
            &p.street,
            &line2,
            p.city.name,
            region(p.city),
            p.city.zip,
            p.city.country,
            tz,
            &dob,
            &p.ssn,
            idv,
            &face,
            &clock::ymd(applied),
            &hire.map(clock::ymd).unwrap_or_default(),
            p.role,
            p.department,
            vendor,
            vendor_domain,
            &github,
            &resume,
            &photo,
            &requested,
            &pay_mid,
            currency(p.city),
            &moved,
            &site,
            &site_created,
        ])?;
        if p.commits() && p.idx % 3 == 0 {
            acc.write_record([
                p.id.as_str(),
                "git",
                &format!("{}+{}@users.noreply.github.com", 40_000_000 + p.idx, github),
            ])?;
        }
        if p.idp == super::population::Idp::Okta && p.idx % 5 == 0 {
            // Some Okta logins are short user names, not the email.
            acc.write_record([p.id.as_str(), "okta", &okta_login(p)])?;
        }
        let Some(h) = hire else {
            // Applicants: interviews and references only.
            interviews(&mut iv, &mut rng, p, applied, people, farms)?;
            references(&mut refs, &mut rng, p)?;
            continue;
        };
        // Pay: a bank account at home at hire; a couple's joint account is one account.
        let bank = BANKS[rng.below(BANKS.len() as u64) as usize];
        let (bank, bank_country) = match p.city.country {
            "US" => (bank, "US"),
            "JP" => (("MUFG Bank", ""), "JP"),
            "KR" => (("KB Kookmin Bank", ""), "KR"),
            "SG" => (("DBS Bank", ""), "SG"),
            other => (("Barclays Bank", ""), other),
        };
        let (holder, account) = match p.partner {
            Some(q) if p.confounders.contains(&"couple") || people[q].confounders.contains(&"couple") => {
                let (a, b) = if p.idx < q { (p, &people[q]) } else { (&people[q], p) };
                (format!("{} & {}", a.name(), b.name()), format!("{}", 3_000_000_000u64 + a.idx as u64 * 7 + 11))
            }
            _ => (p.name(), format!("{}", 1_000_000_000u64 + p.idx as u64 * 13 + 5)),
        };
        let h_ms = hire_ms(p);
        let first_pay = clock::utc(h_ms + 3 * DAY);
        if has(Trick::MuleAccount) {
            let m = &mules[p.mule.unwrap_or(0) % mules.len()];
            let bank = BANKS[p.mule.unwrap_or(0) % BANKS.len()];
            let holder = format!(
                "{} {}",
                world::FIRST[0][p.mule.unwrap_or(0) % 24],
                world::LAST[0][(p.mule.unwrap_or(0) * 7) % 24]
            );
            pay.write_record([p.id.as_str(), &first_pay, "ach", &holder, bank.0, "US", bank.1, m, "", "", ""])?;
        } else {
            let method = if bank_country == "US" { "ach" } else { "wire" };
            pay.write_record([
                p.id.as_str(),
                &first_pay,
                method,
                &holder,
                bank.0,
                bank_country,
                bank.1,
                &account,
                "",
                "",
                "",
            ])?;
        }
        // Later changes fall inside the simulated window, after the hire.
        let window_end = clock::day_ms(params.days.max(1));
        let later = |rng: &mut Rng| {
            let from = h_ms.max(clock::START_MS) + DAY;
            clock::utc(from + rng.range(0, ((window_end - from) / DAY).max(1)) * DAY + 10 * clock::HOUR)
        };
        if has(Trick::PayoutPlatform) {
            pay.write_record([
                p.id.as_str(),
                &later(&mut rng),
                "payoneer",
                &p.name(),
                "Payoneer",
                "US",
                "",
                &format!("PY{}", 70_000_000 + p.idx),
                "",
                "",
                "",
            ])?;
            pay.write_record([
                p.id.as_str(),
                &later(&mut rng),
                "wise",
                &p.name(),
                "Wise",
                "HK",
                "",
                &format!("WS{}", 80_000_000 + p.idx),
                "",
                "",
                "",
            ])?;
        }
        if has(Trick::Crypto) {
            let (addr, chain) = if has(Trick::SdnWallet) {
                (world::SDN_WALLET.0.to_string(), world::SDN_WALLET.1)
            } else {
                (
                    format!(
                        "0x{:016x}{:016x}{:08x}",
                        mix(p.idx as u64),
                        mix(p.idx as u64 ^ 1),
                        mix(p.idx as u64 ^ 2) as u32
                    ),
                    "ETH",
                )
            };
            pay.write_record([p.id.as_str(), &later(&mut rng), "crypto", &p.name(), "", "", "", "", "", &addr, chain])?;
        }
        if p.op.is_none() && rng.chance(0.04) {
            // An ordinary bank change.
            let b = BANKS[rng.below(BANKS.len() as u64) as usize];
            pay.write_record([
                p.id.as_str(),
                &later(&mut rng),
                "ach",
                &p.name(),
                b.0,
                "US",
                b.1,
                &format!("{}", 2_000_000_000u64 + p.idx as u64 * 17 + 3),
                "",
                "",
                "",
            ])?;
        }
        // The laptop: shipped before the start date, to the farm or to the home on record.
        let serial = format!("SN{:07}", p.idx);
        let host = format!("lt-{:06}", p.idx);
        let shipped = clock::utc(h_ms - 5 * DAY);
        let farm = farm_of(p, farms);
        // To the home on record, unit included (the same door as people.csv says).
        let (street, unit, c, signer) = match farm {
            Some(f) => (f.street.clone(), "", f.city, f.facilitator.clone()),
            None if p.moved_day.is_some() => (old_street(p), "", p.city, p.name()),
            None => (p.street.clone(), line2.as_str(), p.city, p.name()),
        };
        ship.write_record([
            p.id.as_str(),
            &shipped,
            &format!("S{:07}", p.idx),
            &serial,
            &p.name(),
            &street,
            unit,
            c.name,
            region(c),
            c.zip,
            c.country,
            "delivered",
            &signer,
        ])?;
        if let Some(m) = p.moved_day {
            // A mover's new monitor goes to the new home, just after the move.
            ship.write_record([
                p.id.as_str(),
                &clock::utc(clock::day_ms(m) + 16 * clock::HOUR),
                &format!("M{:07}", p.idx),
                &format!("MN{:07}", p.idx),
                &p.name(),
                &p.street,
                &line2,
                p.city.name,
                region(p.city),
                p.city.zip,
                p.city.country,
                "delivered",
                &p.name(),
            ])?;
        }
        dev.write_record([serial.as_str(), &p.id, &host, &host, &clock::ymd(h - 5), "true"])?;
        if h > -240 {
            interviews(&mut iv, &mut rng, p, applied, people, farms)?;
            references(&mut refs, &mut rng, p)?;
        }
        let _ = op;
    }
    for w in [pc, acc, pay, ship, dev, iv, refs] {
        done(w)?;
    }
    watchlist(dir, people)
}

/// The operative who comes back (I14): the first one in no farm, whose phone is on the
/// organisation's list of people it removed.
fn returning(people: &[Person]) -> Option<&Person> {
    people.iter().find(|p| p.op.as_ref().is_some_and(|o| o.farm.is_none()))
}

/// `watchlist.csv`: identifiers of people the organisation removed before the simulated
/// weeks. All but one belong to nobody in the organisation; the returning operative's
/// phone is among them. Written from fixed values, so the random streams stay as they
/// were.
fn watchlist(dir: &Path, people: &[Person]) -> io::Result<()> {
    let mut w = csv_file(dir, "watchlist.csv", &["kind", "value", "label", "listed_at"])?;
    for i in 0..12u32 {
        let case = format!("case {}", 1100 + i);
        w.write_record(["email", &format!("removed.worker{i}@mailbox.example"), &case, "2024-06-01"])?;
        w.write_record(["github", &format!("gone-dev-{i}"), &case, "2024-06-01"])?;
    }
    if let Some(p) = returning(people) {
        w.write_record(["phone", &p.phone, "case 1187, removed for fraud", "2024-09-15"])?;
    }
    done(w)
}

pub fn okta_login(p: &Person) -> String {
    format!("{}{}{}", super::population::slug(&p.first[..1]), super::population::slug(p.last), p.idx)
}

fn interviews(
    w: &mut Csv,
    rng: &mut Rng,
    p: &Person,
    applied: i64,
    people: &[Person],
    farms: &[Farm],
) -> io::Result<()> {
    let _ = farms;
    for round in 1..=2 {
        let at = clock::day_ms(applied + 7 * round) + rng.range(14, 21) * clock::HOUR;
        let mut flags: Vec<&str> = Vec::new();
        let duration = rng.range(1800, 3600);
        let mut video = duration - rng.range(0, 120);
        if p.is(Trick::CameraRefused) {
            flags.push(if rng.chance(0.5) { "camera_refused" } else { "camera_broken" });
            video = 0;
        }
        if p.is(Trick::ScriptedAnswers) {
            flags.push(if rng.chance(0.5) { "reading_answers" } else { "ai_answers" });
        }
        if p.is(Trick::SmalltalkFailed) && round == 2 {
            flags.push("location_smalltalk_failed");
        }
        // Repeatedly: every invitation to meet in person is declined (B8 needs two).
        if p.is(Trick::DeclinedOnsite) {
            flags.push("declined_onsite");
        }
        let ip = if p.is(Trick::InterviewViaVpn) {
            let e = &world::EXITS[world::ASTRILL[round as usize % 2]];
            e.ip(rng.next_u64())
        } else if p.op.is_some() {
            String::new()
        } else {
            p.home_ip(people)
        };
        w.write_record([
            p.id.as_str(),
            &clock::utc(at),
            &round.to_string(),
            &format!("Interviewer {}", 1 + rng.below(12)),
            "video",
            &duration.to_string(),
            &video.to_string(),
            &ip,
            &flags.join(";"),
            "",
        ])?;
    }
    Ok(())
}

fn references(w: &mut Csv, rng: &mut Rng, p: &Person) -> io::Result<()> {
    for _ in 0..2 {
        let origin = rng.below(3) as usize;
        let first = *rng.pick(world::FIRST[origin]);
        let last = *rng.pick(world::LAST[0]);
        let company = *rng.pick(world::EMPLOYERS);
        let domain = format!("{}.example", super::population::slug(company));
        let (email, verified) = if p.is(Trick::UnverifiedReferences) {
            (
                format!(
                    "{}.{}{}@{}",
                    super::population::slug(first),
                    super::population::slug(last),
                    rng.below(99),
                    rng.pick(world::FREE_MAIL)
                ),
                "false",
            )
        } else {
            (
                format!("{}.{}@{}", super::population::slug(first), super::population::slug(last), domain),
                if rng.chance(0.9) { "true" } else { "false" },
            )
        };
        // Exchanges 200-299: never one of the organisation's own numbers (555 and up).
        let phone = format!(
            "+1{}2{:02}{:04}",
            world::US[rng.below(world::US.len() as u64) as usize].phone_prefix,
            rng.below(100),
            rng.below(10_000)
        );
        w.write_record([p.id.as_str(), &format!("{first} {last}"), &email, &phone, company, &domain, verified])?;
    }
    Ok(())
}

/// Resumes (text) and profile photos (PNG). Operatives reusing a template share one
/// resume with the name swapped and a line edited, and one photo, byte for byte or with
/// a pixel changed.
pub fn documents(dir: &Path, params: &Params, people: &[Person]) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("resumes"))?;
    std::fs::create_dir_all(dir.join("photos"))?;
    // A reused resume keeps its template's job titles (those of its first user): only
    // the name and the availability line change, as in the copies the guidance describes.
    let mut template_role: std::collections::HashMap<usize, &str> = std::collections::HashMap::new();
    for p in people {
        if let Some(t) = p.resume_template {
            template_role.entry(t).or_insert(p.role);
        }
    }
    for p in people {
        let (key, role) = match p.resume_template {
            Some(t) => (params.seed ^ 0xfeed_0000 ^ t as u64, template_role.get(&t).copied().unwrap_or(p.role)),
            None => (params.seed ^ mix(p.idx as u64 + 1), p.role),
        };
        let mut text = resume(key, &p.name(), role);
        if p.resume_template.is_some() {
            text.push_str(&format!("\nAvailable from {}.\n", clock::ymd(p.hire_day.unwrap_or(0) - 10)));
        }
        std::fs::write(dir.join("resumes").join(format!("{}.txt", p.id)), text)?;
        let (key, tweak) = match p.photo_template {
            Some(t) => (params.seed ^ 0xface_0000 ^ t as u64, p.idx % 2 == 1),
            None => (params.seed ^ mix(p.idx as u64 + 2), false),
        };
        std::fs::write(dir.join("photos").join(format!("{}.png", p.id)), photo(key, tweak))?;
    }
    Ok(())
}

fn resume(key: u64, name: &str, role: &str) -> String {
    let mut r = Rng::new(key);
    let mut s = format!("{name}\n{role}\n\nSummary\n");
    s.push_str(&format!(
        "{} years building software with {} and {}. Shipped {} products to production.\n\nExperience\n",
        r.range(3, 15),
        r.pick(world::SKILLS),
        r.pick(world::SKILLS),
        r.range(2, 9)
    ));
    let mut year = 2024;
    for _ in 0..3 {
        let len = r.range(1, 4);
        s.push_str(&format!(
            "- {} at {} ({}-{}): {} with {}, {}.\n",
            role,
            r.pick(world::EMPLOYERS),
            year - len,
            year,
            ["Led a migration", "Built the billing service", "Owned the mobile app", "Scaled the data pipeline"]
                [r.below(4) as usize],
            r.pick(world::SKILLS),
            r.pick(world::SKILLS)
        ));
        year -= len;
    }
    s.push_str("\nSkills: ");
    let skills: Vec<&str> = (0..6).map(|_| *r.pick(world::SKILLS)).collect();
    s.push_str(&skills.join(", "));
    s.push('\n');
    s
}

/// A 32×32 RGB PNG headshot from `key`: a backdrop with its own light and texture, a
/// head of varying size and place with hair, and shoulders in a shirt. Different keys
/// must look different to a perceptual hash, as different people's photos do (a plain
/// blob in one place made every ordinary employee a "reused photo"); `tweak` gives the
/// same photo re-saved a little brighter, as a reused headshot usually is.
pub fn photo(key: u64, tweak: bool) -> Vec<u8> {
    let mut r = Rng::new(key);
    let (w, h) = (32u32, 32u32);
    let mut unit = || r.below(1_000_000) as f64 / 1_000_000.0;
    let colour = |u: &mut dyn FnMut() -> f64, lo: f64, hi: f64| {
        [lo + (hi - lo) * u(), lo + (hi - lo) * u(), lo + (hi - lo) * u()]
    };
    let bg = colour(&mut unit, 40.0, 220.0);
    // Backdrop light and texture: low-frequency waves of random direction, phase and
    // strength, so every photo's low frequencies (what a perceptual hash keeps) are its own.
    let waves: Vec<[f64; 4]> = (0..12)
        .map(|_| [(unit() - 0.5) * 8.0, (unit() - 0.5) * 8.0, unit() * std::f64::consts::TAU, 20.0 + 60.0 * unit()])
        .collect();
    let texture = |fx: f64, fy: f64| {
        waves
            .iter()
            .map(|[kx, ky, ph, amp]| amp * (std::f64::consts::TAU * (kx * fx + ky * fy) / 32.0 + ph).cos())
            .sum::<f64>()
    };
    // Something behind the person: a window, a shelf or a picture.
    let (bx0, by0) = (unit() * 28.0, unit() * 20.0);
    let (bx1, by1) = (bx0 + 4.0 + unit() * 14.0, by0 + 4.0 + unit() * 14.0);
    let thing = colour(&mut unit, 0.0, 255.0);
    let (cx, cy) = (16.0 + (unit() - 0.5) * 10.0, 13.0 + (unit() - 0.5) * 6.0);
    let (rx, ry) = (5.5 + 4.0 * unit(), 7.0 + 4.0 * unit());
    let skin = [120.0 + 120.0 * unit(), 80.0 + 110.0 * unit(), 50.0 + 100.0 * unit()];
    let hair = colour(&mut unit, 10.0, 160.0);
    let hairline = -0.2 - 0.5 * unit();
    let shirt = colour(&mut unit, 20.0, 235.0);
    let shoulders = 8.0 + 8.0 * unit();
    let light = (unit() - 0.5) * 60.0;
    let mut raw = Vec::with_capacity(((w * 3 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0u8);
        for x in 0..w {
            let (fx, fy) = (f64::from(x), f64::from(y));
            let (nx, ny) = ((fx - cx) / rx, (fy - cy) / ry);
            let shade = texture(fx, fy);
            let px = if nx * nx + ny * ny < 1.0 {
                let side = light * nx;
                if ny < hairline {
                    hair.map(|c| c + side * 0.3 + shade * 0.8)
                } else {
                    skin.map(|c| c + side + shade * 0.8)
                }
            } else if fy > cy + ry * 0.8 && (fx - cx).abs() < shoulders + (fy - cy - ry * 0.8) {
                shirt.map(|c| c + shade * 0.8)
            } else if (bx0..bx1).contains(&fx) && (by0..by1).contains(&fy) {
                thing.map(|c| c + shade * 0.5)
            } else {
                bg.map(|c| c + shade)
            };
            let lift = if tweak { 6.0 } else { 0.0 };
            raw.extend(px.map(|c| (c + lift).clamp(0.0, 255.0) as u8));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = z.write_all(&raw);
    let idat = z.finish().unwrap_or_default();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// The organisation's own bonafide settings, as its security team would set them: its
/// office egress, its own domain, the remote tools IT Support is approved to run.
pub fn org_config() -> String {
    let (a, b, c) = world::OFFICE_NET;
    format!(
        "# Northwind's settings for scanning the simulated organisation.\n\
         [network]\ncorporate_egress = [\"{a}.{b}.{c}.0/24\"]\n\n\
         [detect.endpoint.approved_by_department]\n\"IT Support\" = [\"teamviewer\", \"anydesk\"]\n\n\
         [detect.shipping]\noffice_addresses = [\"{}, {}, Columbus, OH 43215, US\"]\n\n\
         [detect.domains]\nemployer = [\"{}\"]\n\n\
         [detect.s3]\nlegitimate_domains = [{}]\n",
        world::OFFICE_ADDRESS.0,
        world::OFFICE_ADDRESS.1,
        world::ORG_DOMAIN,
        world::AGENCIES.iter().map(|(_, d)| format!("\"{d}\"")).collect::<Vec<_>>().join(", ")
    )
}

pub fn readme(p: &Params) -> String {
    format!(
        "# A simulated organisation\n\nWritten by `bonafide simulate --people {} --operatives {} --farms {} --days {} --seed {}`.\n\
         Synthetic: no real person's data. `truth.json` holds the answers.\n\n\
         `data/` holds the inputs, `documents/` the resumes and photos `data/people.csv` points to,\n\
         `bonafide.toml` the organisation's own settings (office egress, approved remote tools).\n\n\
         \x20   bonafide --config bonafide.toml scan data --out report\n\
         \x20   bonafide eval --truth truth.json report\n",
        p.people, p.operatives, p.farms, p.days, p.seed
    )
}

pub fn truth(dir: &Path, params: &Params, people: &[Person], farms: &[Farm]) -> io::Result<()> {
    let operatives: Vec<_> = people
        .iter()
        .filter_map(|p| {
            let op = p.op.as_ref()?;
            let mut ind: Vec<&str> = op.tricks.iter().flat_map(|t| t.indicators().iter().copied()).collect();
            // E9 is reported only with E1 or E2; D4 for a farm only when the farm is in
            // another region than the claimed home.
            if op.has(Trick::Farm) {
                let f = op.farm.and_then(|f| farms.get(f));
                if f.is_some_and(|f| f.city.region == p.city.region) {
                    ind.retain(|i| *i != "D4");
                }
            }
            // Tools and devices that arrive in a laptop's first days (C5) show only for
            // laptops first seen in the window; a direct sign-in from abroad next to the
            // laptop's US residential IP is impossible travel (D2).
            // (VPN clients such as Astrill are E4's, not C5's.)
            let early = [Trick::IpKvm, Trick::RemoteTools].iter().any(|t| op.has(*t));
            if early && p.hire_day.is_some_and(|h| h >= 0) {
                ind.push("C5");
            }
            if op.has(Trick::Leaks) && (op.has(Trick::Farm) || op.has(Trick::Relay)) {
                ind.push("D2");
            }
            if returning(people).is_some_and(|r| r.idx == p.idx) {
                ind.push("I14");
            }
            // A farm's shared studio site, or a lone operative's days-old domain.
            if !website(p, people, farms, 0).0.is_empty() {
                ind.push("A3");
            }
            ind.sort_unstable();
            ind.dedup();
            Some(json!({
                "subject_id": p.id,
                "farm": op.farm.and_then(|f| farms.get(f)).map(|f| f.id.clone()),
                "hideout": op.hideout.name,
                "disciplined": !op.has(Trick::ForeignHours),
                "tradecraft": op.tricks.iter().map(|t| t.name()).collect::<Vec<_>>(),
                "indicators": ind,
            }))
        })
        .collect();
    let farms_json: Vec<_> = farms
        .iter()
        .map(|f| {
            json!({
                "farm_id": f.id,
                "address": format!("{}, {}, {} {}", f.street, f.city.name, f.city.region, f.city.zip),
                "facilitator": f.facilitator,
                "subjects": f.members.iter().map(|&m| people[m].id.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ordinary: Vec<_> = people
        .iter()
        .filter(|p| p.op.is_none() && !p.confounders.is_empty())
        .map(|p| json!({"subject_id": p.id, "confounders": p.confounders}))
        .collect();
    let v = json!({
        "schema": "bonafide.truth/1",
        "params": {"people": params.people, "operatives": params.operatives, "farms": params.farms, "days": params.days, "seed": params.seed},
        "subjects": people.len(),
        "operatives": operatives,
        "farms": farms_json,
        "ordinary": ordinary,
    });
    let mut w = super::create(dir, "truth.json", false)?;
    serde_json::to_writer_pretty(&mut w, &v)?;
    w.write_all(b"\n")?;
    super::finish(w)
}

/// A portfolio site (people.csv `website`, `website_created`), chosen from the person's
/// index and role so that the random stream every other value is drawn from stays as it
/// was. A farm's operatives all give the facilitator's one studio site and most lone
/// operatives a domain registered days before they applied (A3); honest engineers host
/// theirs on GitHub Pages, some people use a template builder (A3's weak sign alone), a
/// few own an old domain, and a couple gives one family site (a household, no sign).
fn website(p: &Person, people: &[Person], farms: &[Farm], applied: i64) -> (String, String) {
    // The index keeps two people of the same name from sharing one domain.
    let own =
        || format!("https://{}{}{}.dev", super::population::slug(p.first), super::population::slug(p.last), p.idx);
    if let Some(op) = &p.op {
        return match op.farm.and_then(|f| farms.get(f)) {
            Some(farm) => (format!("https://{}-remote-studio.com", super::population::slug(&farm.id)), String::new()),
            None if !p.idx.is_multiple_of(3) => (own(), clock::ymd(applied - 12)),
            None => (String::new(), String::new()),
        };
    }
    if let Some(first) = p.partner.map(|q| p.idx.min(q)).filter(|f| f % 5 < 2)
        && let Some(f) = people.get(first)
    {
        return (format!("https://{}-family{first}.net", super::population::slug(f.last)), String::new());
    }
    match p.idx % 13 {
        0 => (format!("https://{}{}.wixsite.com/portfolio", super::population::slug(p.first), p.idx), String::new()),
        1 | 2 if p.commits() => (format!("https://{}.github.io", github_handle(p)), String::new()),
        3 => (own(), clock::ymd(applied - 2_000)),
        _ => (String::new(), String::new()),
    }
}

/// An engineer's GitHub login, as people.csv declares it and the audit log names it.
pub fn github_handle(p: &Person) -> String {
    format!("{}{}-dev", super::population::slug(p.first), p.idx)
}

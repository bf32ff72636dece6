//! H1, A2, A6 and I13 on reduced resumes and photos: positives, and the bootcamp
//! cohort, the re-submitted own photo and the honest veteran that must stay quiet.

use bonafide_core::documents::{PhotoPrint, ResumePrint, TechClaim};
use bonafide_core::{SubjectIdx, SubjectKind, UtcMs};
use bonafide_intel::minhash::{self, SketchShape};
use bonafide_intel::phash;
use bonafide_intel::tech::TechTable;
use image::{GrayImage, Luma, imageops};

use crate::testkit::World;

fn resume(w: &World, id: &str, text: &str) -> ResumePrint {
    let subject = SubjectIdx(w.subjects.iter().position(|s| s.id == id).expect("subject") as u32);
    let sk = minhash::sketch(text, &SketchShape::default());
    let claims = TechTable::builtin()
        .claims(text)
        .into_iter()
        .map(|c| TechClaim { tech: c.tech, years: c.years, excerpt: c.excerpt })
        .collect();
    ResumePrint { subject, shingles: sk.shingles, minhash: sk.minima, words: minhash::words(text).count(), claims }
}

fn add_resume(w: &mut World, id: &str, text: &str) {
    let r = resume(w, id, text);
    w.records.documents.resumes.push(r);
    w.records.documents.resumes.sort_by_key(|r| r.subject);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const TEMPLATES: [&str; 3] = [
    "Full stack software developer and graduate of the Launch Academy immersive program. Skilled in \
     JavaScript, React, Node, Express, PostgreSQL, Git and agile teamwork. Passionate about clean code, test \
     driven development, continuous learning and collaborating with cross functional teams to ship products \
     users love. Capstone: a group project built in three weeks with daily standups, code review and pair \
     programming. Education: Launch Academy certificate in web development, twelve week full time program.",
    "Motivated junior data analyst, Springboard data science career track alumnus. Proficient in Python, \
     pandas, SQL, Tableau and statistics. Strong communicator who turns data into decisions and enjoys \
     working with stakeholders. Completed a capstone on customer churn with logistic regression and \
     feature engineering, presented to an industry mentor. Education: Springboard certificate, six months, \
     five hundred hours of mentored curriculum.",
    "Cloud support engineer, General Assembly software engineering immersive graduate. Hands on with Linux, \
     AWS, Docker, bash scripting, networking fundamentals and ticketing systems. Customer focused problem \
     solver with a passion for reliability and automation. Built a serverless image gallery as the final \
     project and presented it on demo day. Education: General Assembly certificate, twelve weeks.",
];

const EMPLOYERS: &[&str] = &[
    "Acme Logistics",
    "Mercy General Hospital",
    "Blue Bottle Coffee",
    "Dayton Public Schools",
    "Kroger",
    "FedEx Ground",
    "Walgreens",
    "the US Army",
    "Lowe's",
    "State Farm",
    "Ohio Health",
    "Target",
    "a family restaurant",
    "Home Depot",
    "UPS",
    "Comcast",
    "Verizon",
    "a dental practice",
    "the city library",
    "Honda of America",
    "Cardinal Health",
    "Nationwide",
    "a regional credit union",
    "Safelite",
];
const ROLES: &[&str] = &[
    "warehouse lead",
    "registered nurse",
    "shift manager",
    "math teacher",
    "inventory clerk",
    "driver",
    "pharmacy technician",
    "signals specialist",
    "sales associate",
    "claims adjuster",
    "medical assistant",
    "store manager",
    "line cook",
    "loan officer",
    "call center agent",
    "office administrator",
];
const CITIES: &[&str] = &[
    "Dayton", "Tulsa", "Columbus", "Fresno", "Omaha", "Boise", "Akron", "Raleigh", "Spokane", "Toledo", "Madison",
    "Tucson", "Reno", "Albany", "Wichita", "Mobile",
];
const DEEDS: &[&str] = &[
    "cut overtime by scheduling with a spreadsheet model",
    "trained nine new hires on safety procedures",
    "ran the weekend inventory count",
    "wrote a medication reminder app used on two wards",
    "organised the volunteer tutoring night",
    "built a shift planner for forty pickers",
    "reduced returns with a checklist",
    "led the regional food drive",
    "automated the monthly report",
    "handled escalations for the north district",
    "kept the fleet maintenance log",
    "managed a budget of forty thousand dollars",
    "coordinated deliveries for three stores",
    "mentored two apprentices",
    "digitised paper intake forms",
];
const PROJECTS: &[&str] = &[
    "a recipe sharing site",
    "a bus arrival tracker",
    "a habit tracker",
    "a budget planner",
    "a pet adoption board",
    "a trail conditions map",
    "a tenant repair portal",
    "a flashcard trainer",
    "a garden planting calendar",
    "a carpool matcher",
    "a chess puzzle trainer",
    "a volunteer shift signup",
    "a thrift store inventory tool",
];

/// One cohort member's own history after the shared template.
fn history(rng: &mut Rng, name: &str) -> String {
    let y1 = 2008 + rng.next() % 10;
    let y2 = y1 + 2 + rng.next() % 4;
    format!(
        "{name}, {}. Experience: {} at {} {y1}-{y2}, {} and {}. Then {} at {} {y2}-2023 in {}, {}. \
         Personal project: {} using {} with {} users; also {}.",
        rng.pick(CITIES),
        rng.pick(ROLES),
        rng.pick(EMPLOYERS),
        rng.pick(DEEDS),
        rng.pick(DEEDS),
        rng.pick(ROLES),
        rng.pick(EMPLOYERS),
        rng.pick(CITIES),
        rng.pick(DEEDS),
        rng.pick(PROJECTS),
        rng.pick(&["a map API", "a weather API", "local storage", "a payments sandbox", "websockets"]),
        10 + rng.next() % 500,
        rng.pick(PROJECTS),
    )
}

#[test]
fn h1_a_copied_resume_under_another_name_fires_a_bootcamp_cohort_does_not() {
    let ids: Vec<String> = (0..8).map(|i| format!("P{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut w = World::new(&refs);
    let names = ["Ann Lee", "Bo Park", "Cy Diaz", "Di Roe", "Ed Kim", "Flo Chan", "Gus Moss", "Hal Poe"];
    let mut rng = Rng(0x5eed_1234);
    let mut texts = Vec::new();
    for (i, n) in names.iter().enumerate() {
        w.person(&ids[i]).name = n.to_string();
        texts.push(format!("{} {}", TEMPLATES[0], history(&mut rng, n)));
    }
    // P7 is P0's resume with the header rewritten and one line edited.
    texts[7] = texts[0].replace("Ann Lee", "Hal Poe").replace("Personal project", "Side project");
    for (i, t) in texts.iter().enumerate() {
        add_resume(&mut w, &ids[i], t);
    }
    let r = w.run();
    let f = r.get("P0", "H1").expect("copied resume");
    assert_eq!(f.subjects, vec![SubjectIdx(0), SubjectIdx(7)]);
    assert_eq!(f.shared.as_ref().expect("shared").kind, "resume");
    assert!(f.summary.contains("Ann Lee") && f.summary.contains("Hal Poe"), "{}", f.summary);
    for id in &ids[1..7] {
        assert!(r.ids(id).is_empty(), "{id} is a cohort member with its own history: {:?}", r.of(id));
    }
}

#[test]
fn h1_one_person_applying_twice_is_not_two_names() {
    let mut w = World::new(&["A", "B"]);
    let mut rng = Rng(99);
    let text = format!("{} {}", TEMPLATES[2], history(&mut rng, "Ann Lee"));
    for id in ["A", "B"] {
        w.person(id).name = "Ann Lee".into();
        add_resume(&mut w, id, &text);
    }
    assert!(w.run().ids("A").is_empty());
}

/// A pool like a hiring pipeline's: three bootcamp cohorts of 20 from shared templates
/// with their own histories, and 10 resumes copied under new names with light edits.
/// Reports precision and recall over pairs.
#[test]
fn h1_precision_and_recall_on_a_mixed_pool() {
    let n_cohort = 60;
    let n_copies = 10;
    let ids: Vec<String> = (0..n_cohort + n_copies).map(|i| format!("S{i:03}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut w = World::new(&refs);
    let mut rng = Rng(0xdead_beef_1234);
    let mut texts: Vec<String> = Vec::new();
    for i in 0..n_cohort {
        let name = format!("Person {i} Cohort");
        w.person(&ids[i]).name = name.clone();
        texts.push(format!("{} {}", TEMPLATES[i % 3], history(&mut rng, &name)));
    }
    let mut truth: Vec<(usize, usize)> = Vec::new();
    for k in 0..n_copies {
        let src = k * 5;
        let i = n_cohort + k;
        let name = format!("Alias {k} Copy");
        w.person(&ids[i]).name = name.clone();
        let orig = w.subjects[src].name.clone();
        texts.push(texts[src].replace(&orig, &name).replace("Experience:", "Work history:"));
        truth.push((src, i));
    }
    for (i, t) in texts.iter().enumerate() {
        add_resume(&mut w, &ids[i], t);
    }
    let r = w.run();
    let mut found: Vec<(usize, usize)> = Vec::new();
    for f in r.findings.iter().filter(|f| f.indicator == "H1") {
        for (x, a) in f.subjects.iter().enumerate() {
            for b in &f.subjects[x + 1..] {
                found.push((a.index(), b.index()));
            }
        }
    }
    let tp = found.iter().filter(|p| truth.contains(p)).count();
    let precision = if found.is_empty() { 0.0 } else { tp as f64 / found.len() as f64 };
    let recall = tp as f64 / truth.len() as f64;
    eprintln!(
        "H1 pairs: {} reported, {tp} true of {}: precision {precision:.2}, recall {recall:.2}",
        found.len(),
        truth.len()
    );
    assert_eq!(precision, 1.0, "{found:?}");
    assert_eq!(recall, 1.0, "{found:?}");
}

#[test]
fn a2_years_longer_than_the_technology_has_existed() {
    let mut w = World::new(&["A", "B", "C"]);
    for id in ["A", "B", "C"] {
        w.person(id).applied_date = Some(UtcMs::parse_date("2024-05-01").expect("date"));
    }
    add_resume(&mut w, "A", "Staff engineer. 15+ years of experience with Rust and 6 years with Python.");
    add_resume(&mut w, "B", "Senior engineer with 11 years of Rust, Kubernetes (9 years).");
    w.person("C").applied_date = Some(UtcMs::parse_date("2019-03-01").expect("date"));
    add_resume(&mut w, "C", "Kubernetes (6 years), Docker: 5 yrs.");
    let r = w.run();
    let f = r.get("A", "A2").expect("15 years of a 12-year-old language");
    assert!(f.summary.contains("rust"), "{}", f.summary);
    assert!(r.get("B", "A2").is_none(), "11 of 12 possible years is a claim, not an impossibility");
    assert!(r.get("C", "A2").is_none(), "as of 2019, 6 years of Kubernetes is within a year's slack");
}

/// A synthetic face-like picture: soft blobs placed by `seed`.
fn portrait(seed: u64) -> GrayImage {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let blobs: Vec<(f64, f64, f64, f64)> = (0..6)
        .map(|_| {
            let mut f = || (rng.next() % 10_000) as f64 / 10_000.0;
            (f(), f(), 0.08 + 0.2 * f(), f())
        })
        .collect();
    GrayImage::from_fn(240, 300, |x, y| {
        let (fx, fy) = (x as f64 / 240.0, y as f64 / 300.0);
        let v: f64 =
            blobs.iter().map(|(cx, cy, r, a)| a * (-((fx - cx).powi(2) + (fy - cy).powi(2)) / (r * r)).exp()).sum();
        Luma([(40.0 + 180.0 * v.min(1.0)) as u8])
    })
}

fn add_photo(w: &mut World, id: &str, img: &GrayImage) {
    let subject = SubjectIdx(w.subjects.iter().position(|s| s.id == id).expect("subject") as u32);
    w.records.documents.photos.push(PhotoPrint { subject, phash: phash::hash_gray(img) });
    w.records.documents.photos.sort_by_key(|p| p.subject);
}

fn edited(img: &GrayImage) -> GrayImage {
    let mut c = imageops::crop_imm(img, 10, 12, 220, 276).to_image();
    for p in c.pixels_mut() {
        p.0[0] = p.0[0].saturating_add(20);
    }
    imageops::resize(&c, 180, 226, imageops::FilterType::Triangle)
}

#[test]
fn a6_one_photo_lightly_edited_under_two_names() {
    let mut w = World::new(&["A", "B", "C", "D"]);
    for (id, n) in [("A", "Ann Lee"), ("B", "Kim Sang"), ("C", "Tom Roe"), ("D", "Eve Moss")] {
        w.person(id).name = n.into();
    }
    let face = portrait(1);
    add_photo(&mut w, "A", &face);
    add_photo(&mut w, "B", &edited(&face));
    add_photo(&mut w, "C", &portrait(2));
    add_photo(&mut w, "D", &portrait(3));
    let r = w.run();
    let f = r.get("A", "A6").expect("reused photo");
    assert_eq!(f.subjects, vec![SubjectIdx(0), SubjectIdx(1)]);
    assert_eq!(f.shared.as_ref().expect("shared").kind, "photo");
    assert!(r.ids("C").is_empty() && r.ids("D").is_empty());
}

/// How far apart two photos are decides what a match is worth: a light edit stays within
/// a few bits, while two different photos come within 12 bits by chance in a large pool.
#[test]
fn a6_a_similar_photo_weighs_less_than_the_same_photo() {
    let mut w = World::new(&["A", "B", "C", "D"]);
    for (id, n) in [("A", "Ann Lee"), ("B", "Kim Sang"), ("C", "Tom Roe"), ("D", "Eve Moss")] {
        w.person(id).name = n.into();
    }
    let h: u64 = 0x9a3c_5f01_e7d2_468b;
    for (id, phash) in [("A", h), ("B", h ^ 0b101), ("C", !h), ("D", !h ^ 0x3ff)] {
        let subject = SubjectIdx(w.subjects.iter().position(|s| s.id == id).expect("subject") as u32);
        w.records.documents.photos.push(PhotoPrint { subject, phash });
    }
    let full = w.weight("A6");
    let r = w.run();
    let same = r.get("A", "A6").expect("2 bits apart");
    assert_eq!((same.shared.as_ref().expect("shared").kind.as_str(), same.weight_bits), ("photo", full));
    assert!(same.summary.starts_with("the same photo (perceptual hashes 2 bits apart"), "{}", same.summary);
    let similar = r.get("C", "A6").expect("10 bits apart");
    assert_eq!(similar.shared.as_ref().expect("shared").kind, "similar_photo");
    assert_eq!(similar.weight_bits, full * 0.5);
    assert!(similar.summary.starts_with("a similar photo (perceptual hashes 10 bits apart"), "{}", similar.summary);
}

/// The tier comes from photos of different identities: one person's two identical
/// records do not make a stranger's look-alike "the same photo", and a close pair does
/// not lift a third, looser member of its chain.
#[test]
fn a6_tiers_are_judged_between_identities() {
    let mut w = World::new(&["A", "A2", "B", "X", "Y", "Z"]);
    let dob = Some(UtcMs::parse_date("1990-02-03").expect("date"));
    for id in ["A", "A2"] {
        w.person(id).name = "Ann Lee".into();
        w.person(id).date_of_birth = dob;
    }
    for (id, n) in [("B", "Kim Sang"), ("X", "Tom Roe"), ("Y", "Eve Moss"), ("Z", "Bo Park")] {
        w.person(id).name = n.into();
    }
    let h: u64 = 0x9a3c_5f01_e7d2_468b;
    let g: u64 = 0x1234_5678_9abc_def0;
    for (id, phash) in [("A", h), ("A2", h), ("B", h ^ 0x7ff), ("X", g), ("Y", g ^ 0b111), ("Z", g ^ 0b111 ^ 0xfff0)] {
        let subject = SubjectIdx(w.subjects.iter().position(|s| s.id == id).expect("subject") as u32);
        w.records.documents.photos.push(PhotoPrint { subject, phash });
    }
    w.records.documents.photos.sort_by_key(|p| p.subject);
    let full = w.weight("A6");
    let r = w.run();
    let kinds = |id: &str| -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = r
            .of(id)
            .into_iter()
            .filter(|f| f.indicator == "A6")
            .map(|f| (f.shared.as_ref().expect("shared").kind.clone(), f.weight_bits))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(kinds("B"), vec![("similar_photo".to_string(), full * 0.5)], "11 bits from Ann's photo");
    assert!(kinds("A").iter().all(|(k, _)| k == "similar_photo"), "{:?}", kinds("A"));
    assert_eq!(kinds("X"), vec![("photo".to_string(), full)]);
    assert_eq!(kinds("Z"), vec![("similar_photo".to_string(), full * 0.5)], "12 bits from Y, 15 from X");
}

#[test]
fn a6_a_person_resubmitting_their_own_photo_is_one_identity() {
    let mut w = World::new(&["A", "A2"]);
    let dob = Some(UtcMs::parse_date("1990-02-03").expect("date"));
    for id in ["A", "A2"] {
        w.person(id).name = "Ann Lee".into();
        w.person(id).date_of_birth = dob;
    }
    w.person("A2").idv_result = Some(bonafide_core::subject::IdvResult::Resubmitted);
    let face = portrait(5);
    add_photo(&mut w, "A", &face);
    add_photo(&mut w, "A2", &imageops::resize(&face, 120, 150, imageops::FilterType::Triangle));
    assert!(w.run().ids("A").is_empty());
}

#[test]
fn i13_one_document_image_opening_several_accounts() {
    let mut w = World::new(&["X", "Y", "Z"]);
    for (id, n) in [("X", "Ann Lee"), ("Y", "Bo Park"), ("Z", "Cy Diaz")] {
        w.person(id).name = n.into();
        w.person(id).kind = SubjectKind::Account;
    }
    let doc = portrait(11);
    add_photo(&mut w, "X", &doc);
    add_photo(&mut w, "Y", &edited(&doc));
    add_photo(&mut w, "Z", &portrait(12));
    let r = w.run();
    assert_eq!(r.ids("X"), vec!["I13"]);
    assert!(r.ids("Z").is_empty());
}

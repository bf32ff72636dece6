//! The record detectors (identity, interviews, contacts, pay) over a generated
//! organisation of 100k people (set BONAFIDE_BENCH_PEOPLE to change) with one pay change,
//! one interview and one reference each, a few shared numbers among them; the same with
//! a portfolio website for every third person (A3) and a 10,000-entry watchlist (I14),
//! to see what those two cost; and phone normalisation, which every people row pays at
//! ingest.
//!
//! `cargo bench -p bonafide-detect --bench records`

use bonafide_core::records::{
    Interview, Medium, PayMethod, PayrollChange, Reference, WatchEntry, WatchKind, WatchValue,
};
use bonafide_core::{
    CountryCode, PostalAddress, Records, SensitiveKind, SourceId, SourcePos, Subject, SubjectIdx, UtcMs,
};
use bonafide_detect::{Defaults, Engine, Households, Risk};
use bonafide_intel::Keyring;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn people() -> usize {
    std::env::var("BONAFIDE_BENCH_PEOPLE").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

fn world(n: usize) -> (Vec<Subject>, Records) {
    let k = Keyring::from_bytes([1; 32]);
    let us = CountryCode::new("US");
    let first = ["Jane", "John", "Ana", "Raj", "Mia", "Tom", "Eve", "Li", "Sam", "Kim"];
    let last = ["Roe", "Smith", "Silva", "Patel", "Chen", "Lee", "Fox", "Wei", "Carter", "Park"];
    let mut subjects = Vec::with_capacity(n);
    let mut records = Records::default();
    for i in 0..n {
        // Every 500th person shares a phone, an SSN and an account with the next one.
        let j = if i % 500 == 1 { i - 1 } else { i };
        let name = format!("{} {} {}", first[i % 10], last[(i / 10) % 10], i);
        let s = Subject {
            id: format!("E{i}"),
            name,
            emails: vec![format!("user{j}@example.com")],
            phone: Some(format!("+1202{j:07}")),
            phone_e164: Some(format!("+1202{j:07}")),
            phone_country: us,
            home: bonafide_core::Place { country: us, ..Default::default() },
            address: Some(PostalAddress { key: Some(format!("{i} MAIN ST||10001|US")), ..Default::default() }),
            ssn: k.protect(SensitiveKind::Ssn, &format!("{:09}", 100_000_000 + j)),
            ssn_check: bonafide_intel::ssn::check(&format!("{:09}", 100_000_000 + j)),
            date_of_birth: Some(UtcMs(i as i64 * 86_400_000)),
            requested_pay: Some(80_000.0),
            pay_band_mid: Some(100_000.0),
            referred_by: (i % 7 == 0 && i > 0).then(|| format!("E{}", i - 1)),
            source: Some(SourcePos::line(SourceId(0), i as u64 + 2)),
            ..Default::default()
        };
        let pos = SourcePos::line(SourceId(1), i as u64 + 2);
        records.payroll.push(PayrollChange {
            subject_id: s.id.clone(),
            changed_at: UtcMs(1_735_689_600_000 + i as i64 * 1000),
            method: if i % 50 == 0 { PayMethod::Wise } else { PayMethod::Ach },
            account_holder: Some(s.name.clone()),
            bank_name: None,
            bank_country: us,
            routing_number: k.protect(SensitiveKind::RoutingNumber, "021000021"),
            account_number: k.protect(SensitiveKind::BankAccount, &format!("{}", 5_000_000 + j)),
            iban: None,
            wallet: None,
            source: pos,
            iban_country: None,
            extra: Default::default(),
        });
        records.interviews.push(Interview {
            subject_id: s.id.clone(),
            at: UtcMs(1_735_689_600_000),
            round: Some("1".into()),
            interviewer: None,
            medium: Some(Medium::Video),
            duration_seconds: Some(1800),
            video_seconds: Some(if i % 100 == 0 { 100 } else { 1800 }),
            client_ip: None,
            client: None,
            flags: if i % 200 == 0 { vec!["reading_answers".into()] } else { Vec::new() },
            notes: None,
            source: pos,
            extra: Default::default(),
        });
        records.references.push(Reference {
            subject_id: s.id.clone(),
            name: Some(format!("Ref {i}")),
            email: Some(format!("ref{i}@{}", if i % 3 == 0 { "gmail.com" } else { "acme.com" })),
            phone: None,
            company: Some("Acme".into()),
            company_domain: Some("acme.com".into()),
            verified: None,
            source: pos,
            domain_created: None,
            extra: Default::default(),
        });
        subjects.push(s);
    }
    (subjects, records)
}

/// `world` with a website for every third person (own domains with a registration
/// date; every 500th pair shares one; some on a template builder) and a watchlist of
/// 10,000 identifiers, one in a hundred of them someone's.
fn with_sites_and_watchlist(mut subjects: Vec<Subject>, mut records: Records) -> (Vec<Subject>, Records) {
    for (i, s) in subjects.iter_mut().enumerate().filter(|(i, _)| i % 3 == 0) {
        let j = if i % 500 == 3 { i - 3 } else { i };
        s.website =
            Some(if i % 39 == 0 { format!("https://p{j}.wixsite.com/me") } else { format!("https://dev{j}.io") });
        s.website_created = Some(UtcMs(1_600_000_000_000 + i as i64 * 1000));
        s.applied_date = Some(UtcMs(1_735_689_600_000));
    }
    let k = Keyring::from_bytes([1; 32]);
    for e in 0..10_000usize {
        let mine = e % 100 == 0;
        let (kind, value) = match e % 3 {
            0 => (
                WatchKind::Email,
                WatchValue::Plain(if mine { format!("user{e}@example.com") } else { format!("gone{e}@mail.example") }),
            ),
            1 => (WatchKind::Phone, WatchValue::Plain(format!("+1303{e:07}"))),
            _ => match k
                .protect(SensitiveKind::Ssn, &format!("{:09}", if mine { 100_000_000 + e } else { 700_000_000 + e }))
            {
                Some(p) => (WatchKind::Ssn, WatchValue::Protected(p)),
                None => continue,
            },
        };
        let source = SourcePos::line(SourceId(2), e as u64 + 2);
        records.watchlist.push(WatchEntry { kind, value, label: None, listed_at: None, source });
    }
    (subjects, records)
}

fn bench(c: &mut Criterion) {
    let n = people();
    let (subjects, records) = world(n);
    let (subjects_sites, records_sites) = with_sites_and_watchlist(subjects.clone(), records.clone());
    let defaults = Defaults::default();
    let mut g = c.benchmark_group("records");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for (name, subjects, records) in [
        ("identity + interviews + contacts + pay detectors (per person)", &subjects, &records),
        ("the same with websites (A3) and a 10k watchlist (I14)", &subjects_sites, &records_sites),
    ] {
        let households = Households::build(subjects);
        let cx = defaults.context(subjects, records, &households);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut engine = Engine::new(&defaults.config);
                let findings = engine.conclude(&cx).list;
                let scores: Vec<_> = (0..n).map(|_| defaults.scoring.score(std::iter::empty(), &[])).collect();
                let more = engine.reconsider(&cx, &Risk { scores: &scores }).list;
                findings.len() + more.len()
            })
        });
    }
    g.finish();

    let raws: Vec<String> = (0..10_000).map(|i| format!("({:03}) 555-{:04}", 201 + i % 700, i)).collect();
    let mut g = c.benchmark_group("phone");
    g.throughput(Throughput::Elements(raws.len() as u64));
    g.bench_function("normalise national numbers to E.164", |b| {
        b.iter(|| raws.iter().filter(|r| bonafide_intel::phone::normalise(r, CountryCode::new("US")).is_some()).count())
    });
    g.finish();
    let _ = SubjectIdx(0);
}

criterion_group!(benches, bench);
criterion_main!(benches);

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every sign-in source through the whole pipeline: real samples, a generated mixed
//! export, and small hand-made exports of each format that should (and, with the
//! organisation's egress configured, should not) fire the network indicators.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bonafide_core::testdata::shared;
use bonafide_engine::{Config, ScanOutcome, ScanRequest, scan};

fn request(paths: Vec<PathBuf>) -> ScanRequest {
    ScanRequest::new(paths, bonafide_intel::Keyring::from_bytes([3; 32]))
}

/// Indicator IDs per subject id.
fn fired(o: &ScanOutcome) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &o.findings {
        for s in &f.subjects {
            let id = o.subjects[s.index()].id.clone();
            let v = m.entry(id).or_default();
            if !v.contains(&f.indicator) {
                v.push(f.indicator.clone());
                v.sort();
            }
        }
    }
    m
}

fn has(o: &ScanOutcome, subject: &str, indicator: &str) -> bool {
    fired(o).get(subject).is_some_and(|v| v.iter().any(|i| i == indicator))
}

#[test]
fn the_real_samples_read_whole_and_reach_their_people() {
    let (Some(entra), Some(github), Some(okta)) = (
        shared("signin/entra/graph_signins.json"),
        shared("signin/github/user_security_log.json"),
        shared("signin/okta/doc_sample_event.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "subject_id,full_name,email,country,region,hire_date,end_date,github\n\
         S1,Sitesh Jha,,US,Utah,2024-03-01,2024-03-20,siteshjha11\n\
         S2,Mike Score,mscore@afos.io,US,Oregon,,,\n\
         S3,Roger Knight,rknight@company.io,US,Utah,,,\n\
         S4,Matt Began,mbegan@okta.com,US,Utah,,,\n",
    )
    .unwrap();
    let o = scan(&Config::default(), request(vec![people, entra, github, okta])).unwrap();
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine);
    assert_eq!(o.totals.files_read, 4);
    assert_eq!(o.totals.implicit_subjects, 0, "every real identity belongs to someone in people.csv");
    assert_eq!(o.totals.attributed, 2 + 63 + 1);
    let formats: Vec<(&str, u64)> = o.inputs.iter().map(|i| (i.format.as_deref().unwrap_or("?"), i.records)).collect();
    assert!(formats.contains(&("entra", 2)) && formats.contains(&("github", 63)), "{formats:?}");
    // The GitHub user made himself an org admin twelve days after the (test) hire date,
    // created personal access tokens and OAuth grants in the weeks after, and was still
    // active after the (test) end date.
    let f = fired(&o);
    assert_eq!(f.get("S1").map(Vec::as_slice), Some(&["F6".to_string(), "F9".to_string()][..]), "{f:?}");
    let f6 = o.findings.iter().find(|x| x.indicator == "F6").unwrap();
    assert!(f6.summary.contains("privilege grant") && f6.summary.contains("access token"), "{}", f6.summary);
    let f9 = o.findings.iter().find(|x| x.indicator == "F9").unwrap();
    assert!(f9.summary.contains("after the end date 2024-03-20"), "{}", f9.summary);
    for id in ["S2", "S3", "S4"] {
        assert!(!f.contains_key(id), "{id}: {f:?}");
    }
}

#[test]
fn a_generated_mixed_export_reads_whole_and_every_source_reaches_the_same_people() {
    let dir = tempfile::tempdir().unwrap();
    let w = bonafide_sim::bench::write_mixed_org(dir.path(), 20_000, 40, 11).unwrap();
    assert!(w.okta > 0 && w.entra > 0 && w.gws > 0 && w.github > 0, "{w:?}");
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine.first());
    assert_eq!(o.totals.implicit_subjects, 0, "Okta, Entra and Workspace by email, GitHub by login");
    assert_eq!(o.totals.events, w.events());
    assert_eq!(o.totals.attributed + o.totals.system_events, o.totals.events);
    let by_format: BTreeMap<&str, u64> =
        o.inputs.iter().filter_map(|i| Some((i.format.as_deref()?, i.records))).collect();
    assert_eq!(by_format.get("entra"), Some(&w.entra));
    assert_eq!(by_format.get("gws"), Some(&w.gws));
    assert_eq!(by_format.get("github"), Some(&w.github));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A small organisation with one story per format.
fn stories(dir: &Path) {
    write(
        dir,
        "people.csv",
        "subject_id,kind,full_name,email,city,region,country,hire_date,end_date,github\n\
         G1,employee,Gina Vu,gina@acme.example,Columbus,Ohio,US,2025-01-06,,\n\
         G2,employee,Omar Haddad,omar@acme.example,Columbus,Ohio,US,2025-01-06,,\n\
         E1,employee,Erik Lund,erik@acme.example,Boston,Massachusetts,US,2025-01-06,,\n\
         L1,employee,Lena Park,lena@acme.example,Denver,Colorado,US,2024-01-08,2025-03-07,lena-p\n\
         W1,employee,Wes Ono,wes@acme.example,Austin,Texas,US,2025-01-06,,wes-o\n",
    );
    write(
        dir,
        "ipintel.csv",
        "cidr,kind,asn,as_org,country,region,city,latitude,longitude,label\n\
         198.51.100.0/24,vpn,9009,M247,NL,,Amsterdam,52.37,4.90,NordVPN\n\
         203.0.113.0/24,residential,7922,Comcast,US,Ohio,Columbus,39.96,-83.0,\n\
         192.0.2.0/24,residential,7922,Comcast,US,Massachusetts,Boston,42.36,-71.06,\n",
    );
    // Google Workspace: G1 always through a VPN (D1); G2 in three countries in a day (I1).
    let mut gws = String::new();
    for day in 0..6 {
        gws.push_str(&format!(
            "{{\"id\":{{\"time\":\"2025-03-1{day}T14:00:00Z\",\"uniqueQualifier\":\"g1-{day}\",\"applicationName\":\"login\"}},\"actor\":{{\"email\":\"gina@acme.example\"}},\"ipAddress\":\"198.51.100.7\",\"events\":[{{\"name\":\"login_success\",\"parameters\":[{{\"name\":\"login_type\",\"value\":\"google_password\"}}]}}]}}\n"
        ));
    }
    for (h, ip, cc) in [(1, "203.0.113.9", "US"), (8, "81.2.69.1", "GB"), (15, "175.167.1.1", "CN")] {
        gws.push_str(&format!(
            "{{\"id\":{{\"time\":\"2025-03-10T{h:02}:00:00Z\",\"uniqueQualifier\":\"g2-{h}\",\"applicationName\":\"login\"}},\"actor\":{{\"email\":\"omar@acme.example\"}},\"ipAddress\":\"{ip}\",\"networkInfo\":{{\"regionCode\":\"{cc}\"}},\"events\":[{{\"name\":\"login_success\"}}]}}\n"
        ));
    }
    write(dir, "gws.ndjson", &gws);
    // Entra: E1 in Boston, then in Shenyang an hour later (D2).
    write(
        dir,
        "entra.json",
        r#"{"value": [
 {"id": "e1-1", "createdDateTime": "2025-03-10T14:00:00.1234567Z", "userPrincipalName": "Erik@acme.example", "ipAddress": "192.0.2.10", "isInteractive": true, "status": {"errorCode": 0}, "location": {"city": "Boston", "state": "Massachusetts", "countryOrRegion": "US", "geoCoordinates": {"latitude": 42.36, "longitude": -71.06}}},
 {"id": "e1-2", "createdDateTime": "2025-03-10T15:00:00.7654321+00:00", "userPrincipalName": "erik@acme.example", "ipAddress": "175.167.2.2", "isInteractive": true, "status": {"errorCode": 0}, "location": {"city": "Shenyang", "state": "Liaoning", "countryOrRegion": "CN", "geoCoordinates": {"latitude": 41.8, "longitude": 123.43}}}
]}"#,
    );
    // signins.csv: three candidate accounts from one home IP on the careers site (A13).
    write(
        dir,
        "signins.csv",
        "account,at,ip,result,country,app\n\
         cand.a@mail.example,2025-03-01T10:00:00Z,203.0.113.77,success,US,careers\n\
         cand.b@mail.example,2025-03-02T10:00:00Z,203.0.113.77,success,US,careers\n\
         cand.c@mail.example,2025-03-04T10:00:00Z,203.0.113.77,success,US,careers\n",
    );
    // GitHub and chat: L1 pulls code two weeks after leaving (F9); W1 works around the
    // clock across GitHub and chat (D6).
    let mut gh = String::from(
        "{\"@timestamp\": 1742475600000, \"_document_id\": \"l1\", \"action\": \"git.clone\", \"actor\": \"lena-p\", \"repo\": \"acme/payments\", \"org\": \"acme\"}\n",
    );
    let mut chat = String::from("account,at,kind,source\n");
    for h in 0..28 {
        let at = 1_741_600_800_000i64 + h * 3_600_000;
        if h % 2 == 0 {
            gh.push_str(&format!(
                "{{\"@timestamp\": {at}, \"_document_id\": \"w{h}\", \"action\": \"repo.create\", \"actor\": \"wes-o\", \"repo\": \"acme/r{h}\", \"user_agent\": \"Mozilla/5.0\"}}\n"
            ));
        } else {
            let t = jiff::Timestamp::from_millisecond(at).unwrap();
            chat.push_str(&format!("wes@acme.example,{},message,slack\n", t.strftime("%Y-%m-%dT%H:%M:%SZ")));
        }
    }
    write(dir, "github.ndjson", &gh);
    write(dir, "activity.csv", &chat);
}

#[test]
fn every_source_drives_the_network_and_conduct_indicators() {
    let dir = tempfile::tempdir().unwrap();
    stories(dir.path());
    let o = scan(&Config::default(), request(vec![dir.path().to_path_buf()])).unwrap();
    assert_eq!(o.totals.quarantined, 0, "{:?}", o.quarantine);
    let f = fired(&o);
    assert!(has(&o, "G1", "D1"), "Workspace sign-ins through a VPN: {f:?}");
    assert!(has(&o, "G2", "I1"), "three countries in a day from Workspace: {f:?}");
    assert!(has(&o, "E1", "D2"), "impossible travel between Entra sign-ins: {f:?}");
    assert!(has(&o, "L1", "F9"), "a git pull after leaving: {f:?}");
    assert!(has(&o, "W1", "D6"), "around the clock across GitHub and chat: {f:?}");
    let a13 = o.findings.iter().find(|x| x.indicator == "A13").expect("A13 from signins.csv");
    assert_eq!(a13.subjects.len(), 3);
    assert!(o.clusters.iter().any(|c| c.subjects.len() == 3), "the candidates are linked into a cluster");
}

#[test]
fn corporate_egress_and_approved_vpns_silence_every_network_indicator() {
    let dir = tempfile::tempdir().unwrap();
    stories(dir.path());
    let mut config = Config::default();
    config.network.corporate_egress = vec!["203.0.113.0/24".into(), "81.2.69.0/24".into(), "175.167.0.0/16".into()];
    config.network.approved_vpn = vec!["198.51.100.0/24".into()];
    let o = scan(&config, request(vec![dir.path().to_path_buf()])).unwrap();
    let f = fired(&o);
    for (subject, indicator) in [("G1", "D1"), ("G2", "I1"), ("E1", "D2")] {
        assert!(!has(&o, subject, indicator), "{subject} {indicator} despite the allowlist: {f:?}");
    }
    assert!(o.findings.iter().all(|x| x.indicator != "A13"), "{f:?}");
    // What does not depend on where the network is stays.
    assert!(has(&o, "L1", "F9") && has(&o, "W1", "D6"), "{f:?}");
}

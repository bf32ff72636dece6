#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The network kind of real addresses on the real public IP lists, through the whole
//! pipeline (read, enrich, detect): an ordinary home broadband customer stays unflagged;
//! VPSs at providers no range list covers, and VPN exits a datacenter list also names,
//! are anonymising (D1); one sign-in from the DPRK's own address space is a strong D4,
//! and a whois row that merely says "KP" is not.

use bonafide_core::testdata::shared;
use bonafide_engine::{Config, ScanRequest, scan};

fn okta(n: u32, ip: &str, user: &str) -> String {
    format!(
        r#"{{"uuid":"e{n}","published":"2025-03-{:02}T15:00:00Z","eventType":"user.session.start","actor":{{"type":"User","alternateId":"{user}"}},"client":{{"ipAddress":"{ip}","userAgent":{{"browser":"CHROME"}}}},"outcome":{{"result":"SUCCESS"}}}}"#,
        1 + n % 28
    ) + "\n"
}

#[test]
fn real_lists_classify_hosts_vpns_homes_and_dprk_space() {
    let Some(ipintel) = shared("ipintel") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    let mut n = 0;
    let mut add = |log: &mut String, ip: &str, user: &str, times: u32| {
        for _ in 0..times {
            log.push_str(&okta(n, ip, user));
            n += 1;
        }
    };
    // Comcast: home broadband.
    add(&mut log, "73.63.112.167", "home@x.io", 10);
    // Amazon's AS8987 outside every range list; Tencent Cloud, on no list at all.
    add(&mut log, "23.249.210.1", "amazon@x.io", 10);
    add(&mut log, "43.148.0.1", "tencent@x.io", 10);
    // Surfshark's AS, in a /24 the generic datacenter list also names.
    add(&mut log, "23.27.110.1", "surfshark@x.io", 10);
    // Home broadband, and once the DPRK's block; or a hobbyist block whois calls "KP".
    add(&mut log, "73.63.112.168", "kp@x.io", 9);
    add(&mut log, "175.45.176.1", "kp@x.io", 1);
    add(&mut log, "73.63.112.169", "kprow@x.io", 9);
    add(&mut log, "31.6.16.15", "kprow@x.io", 1);
    std::fs::write(dir.path().join("okta.ndjson"), log).unwrap();
    let config = Config::default();
    let o =
        scan(&config, ScanRequest::new(vec![dir.path().into(), ipintel], bonafide_intel::Keyring::from_bytes([5; 32])))
            .unwrap();
    let of = |user: &str| {
        let i = o.subjects.iter().position(|s| s.id == format!("okta:{user}")).expect(user);
        o.findings.iter().filter(move |f| f.subjects.iter().any(|s| s.index() == i)).collect::<Vec<_>>()
    };
    let ids = |user: &str| {
        let mut v: Vec<String> = of(user).iter().map(|f| f.indicator.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    assert!(ids("home@x.io").is_empty(), "a home broadband customer: {:?}", of("home@x.io"));
    for user in ["amazon@x.io", "tencent@x.io", "surfshark@x.io"] {
        assert_eq!(ids(user), vec!["D1"], "{user}: {:?}", of(user));
    }
    let surfshark = of("surfshark@x.io");
    assert!(surfshark[0].summary.contains("(vpn)"), "{}", surfshark[0].summary);
    let kp = of("kp@x.io");
    let d4 = kp.iter().find(|f| f.indicator == "D4").expect("DPRK space");
    assert_eq!(d4.weight_bits, config.detect.d4.dprk_bits);
    assert!(d4.summary.contains("175.45.176.0/22") && d4.summary.contains("Star Joint Venture"), "{}", d4.summary);
    assert!(!ids("kprow@x.io").contains(&"D4".to_string()), "{:?}", of("kprow@x.io"));
}

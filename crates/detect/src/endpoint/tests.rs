use bonafide_core::{Band, ScoringConfig};

use crate::testkit::*;

const ANYDESK: &[(&str, &str)] = &[("name", "AnyDesk"), ("publisher", "AnyDesk Software GmbH")];
const TEAMVIEWER: &[(&str, &str)] = &[("name", "TeamViewer 15"), ("install_location", "C:\\Program Files\\TeamViewer")];
const PIKVM: &[(&str, &str)] = &[
    ("vendor_id", "1d6b"),
    ("model_id", "0104"),
    ("vendor", "PiKVM"),
    ("model", "PiKVM_Composite_Device"),
    ("serial", "CAFEBABE"),
];
const PI_GADGET: &[(&str, &str)] = &[
    ("vendor_id", "1d6b"),
    ("model_id", "0104"),
    ("vendor", "Linux Foundation"),
    ("model", "Multifunction Composite Gadget"),
    ("serial", "fedcba9876543210"),
];

/// A new hire with a laptop assigned on their first day.
fn hire(w: &mut World, id: &str, host: &str) {
    w.hired(id, 0);
    w.device(id, &format!("SN-{id}"), host, Some(0), Some(true));
    w.endpoint(id, host, 0, 15, "os_version", &[("name", "Windows 11"), ("platform", "windows")]);
}

fn band(r: &Results, id: &str) -> Band {
    ScoringConfig::default().score(r.of(id), &[]).band
}

#[test]
fn e1_remote_tools_and_several_families_early_are_t1() {
    let mut w = World::new(&["N", "L"]);
    hire(&mut w, "N", "LT-1");
    w.endpoint("N", "LT-1", 2, 10, "programs", ANYDESK);
    let r = w.run();
    let f = r.get("N", "E1").expect("E1");
    assert_eq!(f.weight_bits, w.weight("E1"), "one family is T2");
    assert!(f.summary.contains("AnyDesk") && f.summary.contains("LT-1"), "{}", f.summary);
    assert_eq!(f.evidence[0].detail["signature"], "anydesk");
    w.endpoint("N", "LT-1", 5, 10, "programs", TEAMVIEWER);
    let r = w.run();
    let f = r.get("N", "E1").unwrap();
    assert_eq!(f.weight_bits, w.scoring.tier_weight(bonafide_core::Tier::T1), "{}", f.summary);
    assert!(f.summary.contains("2 families within 30 days"), "{}", f.summary);
    // The same two families, but installed long after provisioning: T2.
    hire(&mut w, "L", "LT-2");
    w.endpoint("L", "LT-2", 40, 10, "programs", ANYDESK);
    w.endpoint("L", "LT-2", 45, 10, "programs", TEAMVIEWER);
    let r = w.run();
    assert_eq!(r.get("L", "E1").unwrap().weight_bits, w.weight("E1"));
}

#[test]
fn e1_it_support_with_approved_tools_is_not_a_finding() {
    let mut w = World::new(&["IT", "DEV"]);
    w.config.endpoint.approved_by_department.insert("IT Support".into(), vec!["teamviewer".into(), "anydesk".into()]);
    hire(&mut w, "IT", "LT-IT");
    w.edit_person("IT", |s| s.department = Some("it support".into()));
    hire(&mut w, "DEV", "LT-DEV");
    w.edit_person("DEV", |s| s.department = Some("Engineering".into()));
    for (id, host) in [("IT", "LT-IT"), ("DEV", "LT-DEV")] {
        w.endpoint(id, host, 0, 18, "programs", TEAMVIEWER);
        w.endpoint(id, host, 0, 19, "programs", ANYDESK);
    }
    let r = w.run();
    assert!(r.ids("IT").is_empty(), "IT's own tools: {:?}", r.ids("IT"));
    assert_eq!(r.ids("DEV"), ["C5", "E1"], "the same tools on an engineer's laptop");
    // Approved for the whole organisation: nobody is flagged for TeamViewer.
    w.config.endpoint.approved_tools = vec!["teamviewer".into()];
    let r = w.run();
    assert!(!r.get("DEV", "E1").unwrap().summary.contains("TeamViewer"));
}

#[test]
fn e2_ip_kvm_by_usb_strings_or_edid() {
    let mut w = World::new(&["K", "D"]);
    hire(&mut w, "K", "LT-K");
    w.endpoint("K", "LT-K", 20, 3, "usb_devices", PIKVM);
    hire(&mut w, "D", "MBP-D");
    w.endpoint(
        "D",
        "MBP-D",
        20,
        3,
        "connected_displays",
        &[("name", "Display"), ("vendor_id", "31d8"), ("product_id", "7771")],
    );
    let r = w.run();
    let f = r.get("K", "E2").expect("E2");
    assert_eq!(f.weight_bits, w.weight("E2"));
    assert!(
        f.summary.contains("PiKVM") && f.summary.contains("1d6b:0104") && f.summary.contains("CAFEBABE"),
        "{}",
        f.summary
    );
    assert_eq!(band(&r, "K"), Band::High, "one T1 opens a case");
    let f = r.get("D", "E2").expect("E2 from EDID alone");
    assert_eq!(f.weight_bits, w.weight("E2"));
}

#[test]
fn e2_a_raspberry_pi_developer_is_only_a_weak_signal() {
    let mut w = World::new(&["PI"]);
    hire(&mut w, "PI", "ws-pi");
    w.endpoint("PI", "ws-pi", 30, 14, "usb_devices", PI_GADGET);
    let r = w.run();
    let f = r.get("PI", "E2").expect("a weak E2");
    assert_eq!(f.weight_bits, w.config.e2.weak_bits);
    assert!(f.summary.contains("Raspberry Pi") && f.summary.contains("weak"), "{}", f.summary);
    assert_eq!(band(&r, "PI"), Band::Low, "a developer board alone keeps the score low");
    w.config.e2.weak_bits = 0.0;
    assert!(w.run().ids("PI").is_empty());
    w.config.e2.weak_bits = 1.0;
    // Plugged in on the laptop's second day: a new unknown USB device, no more.
    let mut early = World::new(&["PI2"]);
    hire(&mut early, "PI2", "ws-pi2");
    early.endpoint_at(
        "PI2",
        "ws-pi2",
        early.t(0, 16, 0),
        "usb_devices",
        &[("vendor_id", "8087"), ("model_id", "0026")],
        Some(0),
    );
    early.endpoint("PI2", "ws-pi2", 1, 14, "usb_devices", PI_GADGET);
    let r = early.run();
    assert_eq!(r.ids("PI2"), ["C5", "E2"]);
    assert_eq!(r.get("PI2", "C5").unwrap().weight_bits, early.config.c5.unknown_usb_bits);
    assert!(band(&r, "PI2") <= Band::Medium, "a Pi on day two raises priority, it does not open a case");
    // The same gadget with a PiKVM's EDID on the laptop is an IP-KVM.
    w.endpoint(
        "PI",
        "ws-pi",
        31,
        14,
        "connected_displays",
        &[("name", "PiKVM"), ("vendor_id", "31d8"), ("product_id", "7770")],
    );
    assert_eq!(w.run().get("PI", "E2").unwrap().weight_bits, w.weight("E2"));
}

#[test]
fn e3_e4_e5_by_name_and_path_with_their_confounders() {
    let mut w = World::new(&["X", "Y"]);
    hire(&mut w, "X", "ws-x");
    w.endpoint(
        "X",
        "ws-x",
        20,
        1,
        "apps",
        &[("name", "Caffeine.app"), ("bundle_identifier", "com.intelliscapesolutions.caffeine")],
    );
    w.endpoint(
        "X",
        "ws-x",
        20,
        2,
        "processes",
        &[("name", "asovpnc"), ("path", "/usr/local/Astrill/asovpnc"), ("pid", "7")],
    );
    w.endpoint("X", "ws-x", 20, 3, "programs", &[("name", "Voicemod"), ("publisher", "Voicemod S.L.")]);
    hire(&mut w, "Y", "ws-y");
    w.endpoint(
        "Y",
        "ws-y",
        20,
        1,
        "processes",
        &[("name", "caffeinate"), ("path", "/usr/bin/caffeinate"), ("pid", "9")],
    );
    w.endpoint("Y", "ws-y", 20, 2, "programs", &[("name", "GlobalProtect"), ("publisher", "Palo Alto Networks")]);
    w.endpoint("Y", "ws-y", 20, 3, "apps", &[("name", "OBS.app"), ("bundle_identifier", "com.obsproject.obs-studio")]);
    w.endpoint("Y", "ws-y", 20, 4, "deb_packages", &[("name", "wireguard-tools"), ("version", "1.0")]);
    let r = w.run();
    assert_eq!(r.ids("X"), ["E3", "E4", "E5"]);
    assert_eq!(r.get("X", "E3").unwrap().weight_bits, w.weight("E3"));
    assert_eq!(r.get("X", "E4").unwrap().weight_bits, 6.0, "Astrill's own weight");
    assert!(r.get("X", "E4").unwrap().summary.contains("/usr/local/Astrill/asovpnc"));
    assert!(r.ids("Y").is_empty(), "macOS caffeinate, the corporate VPN, OBS and WireGuard are not findings");
}

#[test]
fn d7_listening_ports_reachable_from_the_network() {
    let mut w = World::new(&["P", "Q"]);
    hire(&mut w, "P", "lt-p");
    w.endpoint(
        "P",
        "lt-p",
        9,
        9,
        "listening_ports",
        &[("pid", "1"), ("port", "7070"), ("address", "0.0.0.0"), ("protocol", "6")],
    );
    w.endpoint(
        "P",
        "lt-p",
        9,
        9,
        "listening_ports",
        &[("pid", "2"), ("port", "443"), ("address", "0.0.0.0"), ("protocol", "6")],
    );
    hire(&mut w, "Q", "lt-q");
    w.endpoint(
        "Q",
        "lt-q",
        9,
        9,
        "listening_ports",
        &[("pid", "3"), ("port", "5900"), ("address", "127.0.0.1"), ("protocol", "6")],
    );
    w.endpoint(
        "Q",
        "lt-q",
        9,
        9,
        "listening_ports",
        &[("pid", "4"), ("port", "3389"), ("address", "::"), ("protocol", "6")],
    );
    w.config.d7.approved_ports = vec![3389];
    let r = w.run();
    let f = r.get("P", "D7").expect("D7");
    assert!(f.summary.contains("7070 (AnyDesk)") && !f.summary.contains("443"), "{}", f.summary);
    assert!(r.ids("Q").is_empty(), "loopback VNC and IT's approved RDP are not findings");
    w.config.d7.include_loopback = true;
    assert_eq!(w.run().ids("Q"), ["D7"]);
}

#[test]
fn d7_honours_the_same_approvals_as_e1() {
    let mut w = World::new(&["IT", "DEV", "FAKE"]);
    w.config.endpoint.approved_by_department.insert("IT Support".into(), vec!["teamviewer".into()]);
    let tv = [
        ("pid", "1"),
        ("port", "5938"),
        ("address", "0.0.0.0"),
        ("protocol", "6"),
        ("path", "/opt/teamviewer/tv_bin/teamviewerd"),
    ];
    for (id, host, dept) in
        [("IT", "lt-it", "IT Support"), ("DEV", "lt-dev", "Engineering"), ("FAKE", "lt-f", "IT Support")]
    {
        hire(&mut w, id, host);
        w.edit_person(id, |s| s.department = Some(dept.into()));
    }
    w.endpoint("IT", "lt-it", 9, 9, "listening_ports", &tv);
    w.endpoint("DEV", "lt-dev", 9, 9, "listening_ports", &tv);
    // IT Support, but the program on TeamViewer's port is not TeamViewer; and AnyDesk,
    // which is not approved, listens too.
    w.endpoint(
        "FAKE",
        "lt-f",
        9,
        9,
        "listening_ports",
        &[("pid", "2"), ("port", "5938"), ("address", "0.0.0.0"), ("path", "/tmp/.x/srv")],
    );
    w.endpoint(
        "FAKE",
        "lt-f",
        9,
        9,
        "listening_ports",
        &[("pid", "3"), ("port", "7070"), ("address", "0.0.0.0"), ("path", "/opt/anydesk/anydesk")],
    );
    let r = w.run();
    assert!(r.get("IT", "D7").is_none(), "IT's approved TeamViewer listening: {:?}", r.ids("IT"));
    assert!(r.get("DEV", "D7").is_some(), "the same listener on an engineer's laptop");
    let f = r.get("FAKE", "D7").expect("an unknown program on an approved tool's port");
    assert!(f.summary.contains("5938") && f.summary.contains("7070"), "{}", f.summary);
    // A port with no program named is not covered by a tool approval.
    w.endpoint("IT", "lt-it", 10, 9, "listening_ports", &[("pid", "4"), ("port", "5938"), ("address", "0.0.0.0")]);
    assert!(w.run().get("IT", "D7").is_some());
    // Approved for everyone: nobody's TeamViewer listener is a finding.
    w.config.endpoint.approved_tools = vec!["teamviewer".into()];
    assert!(w.run().get("DEV", "D7").is_none());
}

#[test]
fn e9_a_machine_that_never_sleeps_counts_with_remote_control_only() {
    let mut w = World::new(&["A", "B", "S"]);
    for (id, host) in [("A", "lt-a"), ("B", "lt-b"), ("S", "lt-s")] {
        hire(&mut w, id, host);
        for d in 1..=15 {
            let hours = if id == "S" { 7..24 } else { 0..22 };
            w.heartbeats(id, host, d, hours);
        }
    }
    w.endpoint("A", "lt-a", 3, 3, "programs", ANYDESK);
    let r = w.run();
    let f = r.get("A", "E9").expect("E9 with E1");
    assert!(f.summary.contains("15 days"), "{}", f.summary);
    assert_eq!(f.weight_bits, w.weight("E9"));
    assert!(r.get("B", "E9").is_none(), "always on without remote control is not reported");
    assert!(r.ids("S").is_empty(), "17 hours a day is a long workday, not a machine that never sleeps");
    w.config.e9.only_with_e1_e2 = false;
    assert!(w.run().get("B", "E9").is_some());
}

#[test]
fn c5_the_first_72_hours() {
    let mut w = World::new(&["F", "G", "H", "LATE", "RERUN"]);
    hire(&mut w, "F", "lt-f");
    w.endpoint_at(
        "F",
        "lt-f",
        w.t(0, 15, 0),
        "usb_devices",
        &[("vendor_id", "8087"), ("model_id", "0026"), ("class", "224")],
        Some(0),
    );
    w.endpoint("F", "lt-f", 1, 2, "programs", ANYDESK);
    w.endpoint("F", "lt-f", 1, 3, "usb_devices", PIKVM);
    hire(&mut w, "G", "lt-g");
    w.endpoint_at("G", "lt-g", w.t(0, 15, 0), "usb_devices", &[("vendor_id", "8087"), ("model_id", "0026")], Some(0));
    // A new headset and a mouse: ordinary peripherals.
    w.endpoint(
        "G",
        "lt-g",
        1,
        9,
        "usb_devices",
        &[("vendor_id", "0b0e"), ("model_id", "245e"), ("model", "Jabra Evolve2")],
    );
    w.endpoint(
        "G",
        "lt-g",
        1,
        9,
        "usb_devices",
        &[("vendor_id", "046d"), ("model_id", "c52b"), ("model", "USB Receiver")],
    );
    // AnyDesk, but on day 10.
    w.endpoint("G", "lt-g", 10, 9, "programs", ANYDESK);
    hire(&mut w, "H", "lt-h");
    w.endpoint_at("H", "lt-h", w.t(0, 15, 0), "usb_devices", &[("vendor_id", "8087"), ("model_id", "0026")], Some(0));
    w.endpoint(
        "H",
        "lt-h",
        2,
        9,
        "usb_devices",
        &[("vendor_id", "1a86"), ("model_id", "7523"), ("model", "USB Serial")],
    );
    // Logs that start half a year after the laptop was assigned cannot show its first hours.
    w.hired("LATE", 0);
    w.device("LATE", "SN-L", "lt-late", Some(0), Some(true));
    w.endpoint("LATE", "lt-late", 200, 1, "programs", ANYDESK);
    // A first row from a query that had already run four times: not the first check-in.
    w.hired("RERUN", 0);
    w.device("RERUN", "SN-R", "lt-rerun", Some(0), Some(true));
    w.endpoint_at("RERUN", "lt-rerun", w.t(1, 1, 0), "programs", ANYDESK, Some(4));
    let r = w.run();
    assert_eq!(r.ids("RERUN"), ["E1"]);
    let f = r.get("F", "C5").expect("C5");
    assert!(f.summary.contains("AnyDesk") && f.summary.contains("PiKVM"), "{}", f.summary);
    assert_eq!(f.weight_bits, w.weight("C5"));
    assert!(r.get("G", "C5").is_none(), "{:?}", r.get("G", "C5").map(|f| &f.summary));
    let f = r.get("H", "C5").expect("an unknown new USB device");
    assert_eq!(f.weight_bits, w.config.c5.unknown_usb_bits);
    assert!(f.summary.contains("1 new USB device"), "{}", f.summary);
    assert_eq!(r.ids("LATE"), ["E1"]);
}

/// A consumer VPN client in a laptop's first hours is E4's finding, not C5's: C5 is the
/// laptop being driven by someone else (remote tools, KVMs, new USB devices).
#[test]
fn c5_leaves_a_vpn_client_to_e4() {
    let mut w = World::new(&["VPN", "RAT"]);
    for (id, host) in [("VPN", "lt-vpn"), ("RAT", "lt-rat")] {
        hire(&mut w, id, host);
    }
    w.endpoint("VPN", "lt-vpn", 1, 9, "programs", &[("name", "NordVPN"), ("publisher", "nordvpn s.a.")]);
    w.endpoint("RAT", "lt-rat", 1, 9, "programs", ANYDESK);
    let r = w.run();
    assert_eq!(r.ids("VPN"), ["E4"]);
    assert!(r.ids("RAT").contains(&"C5"), "{:?}", r.ids("RAT"));
}

#[test]
fn disabling_one_indicator_keeps_the_others() {
    let mut w = World::new(&["P"]);
    hire(&mut w, "P", "lt-p");
    w.endpoint("P", "lt-p", 9, 9, "listening_ports", &[("pid", "1"), ("port", "7070"), ("address", "0.0.0.0")]);
    w.endpoint("P", "lt-p", 9, 9, "programs", ANYDESK);
    assert_eq!(w.run().ids("P"), ["D7", "E1"]);
    w.config.disabled = vec!["D7".into()];
    assert_eq!(w.run().ids("P"), ["E1"]);
}

#[test]
fn rows_of_unknown_hosts_and_system_tables_are_harmless() {
    let mut w = World::new(&["Z"]);
    w.endpoint("Z", "lt-z", 1, 1, "system_info", &[("hostname", "AnyDesk"), ("hardware_serial", "X")]);
    w.endpoint("Z", "lt-z", 1, 1, "", &[("name", "AnyDesk"), ("version", "9")]);
    w.endpoint("Z", "lt-z", 1, 1, "", &[("vendor_id", "1d6b"), ("model_id", "0104"), ("vendor", "PiKVM")]);
    let r = w.run();
    assert_eq!(r.ids("Z"), ["E1", "E2"], "rows without a table are still matched by their columns");
}

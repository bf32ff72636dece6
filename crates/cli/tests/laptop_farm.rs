#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end: a laptop farm seen from the shipping records and the endpoint inventory,
//! through the real `bonafide` binary, with the benign look-alikes beside it.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// One osquery line per call, in the format osqueryd writes.
fn batch(host: &str, query: &str, t: i64, counter: u64, added: Value) -> String {
    json!({"name": query, "hostIdentifier": host, "calendarTime": "", "unixTime": t, "epoch": 0,
           "counter": counter, "numerics": false, "diffResults": {"added": added, "removed": []}})
    .to_string()
}

fn org() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "people.csv",
        "subject_id,kind,full_name,address_line1,address_line2,city,region,postal_code,country,hire_date,department\n\
         F1,employee,Ann Lee,1 Elm St,,Springfield,IL,62701,US,2025-03-03,Engineering\n\
         F2,employee,Raj Patel,2 Pine St,,Springfield,IL,62702,US,2025-03-03,Engineering\n\
         F3,employee,Tom Berg,3 Ash St,,Springfield,IL,62703,US,2025-03-03,Engineering\n\
         IT1,employee,Sue Admin,4 Oak St,,Springfield,IL,62704,US,2025-03-03,IT Support\n\
         PI1,employee,Dev Maker,5 Birch St,,Springfield,IL,62705,US,2025-03-03,Engineering\n\
         C1,employee,Mia Kim,12 Oak St,,Springfield,IL,62701,US,2025-03-03,Sales\n\
         C2,employee,Leo Park,12 Oak St,,Springfield,IL,62701,US,2025-03-03,Sales\n\
         A1,employee,Zoe Tenant,500 Main St,Apt 1,Springfield,IL,62701,US,2025-03-03,Finance\n\
         A2,employee,Max Renter,500 Main St,Apt 2,Springfield,IL,62701,US,2025-03-03,Finance\n",
    );
    write(
        p,
        "devices.csv",
        "asset_serial,subject_id,host_identifier,hostname,assigned_at,managed\n\
         SN-F1,F1,LT-F1,,2025-03-03,true\n\
         SN-F2,F2,,LT-F2,2025-03-03,true\n\
         SN-IT1,IT1,LT-IT1,,2025-03-03,true\n\
         SN-PI1,PI1,ws-pi1,,2025-03-03,true\n",
    );
    write(
        p,
        "shipments.csv",
        "subject_id,shipped_at,shipment_id,asset_serial,recipient_name,address_line1,address_line2,city,region,postal_code,country,status,signed_by\n\
         F1,2025-03-01,S1,SN-F1,Ann Lee,9 Farm Road,,Springfield,IL,62701,US,delivered,B SMITH\n\
         F2,2025-03-01,S2,SN-F2,Raj Patel,9 FARM RD,,Springfield,Illinois,62701-0009,US,delivered,B SMITH\n\
         F3,2025-03-02,S3,SN-F3,Tom Berg,9 Farm Rd.,,Springfield,IL,62701,US,delivered,B SMITH\n\
         C1,2025-03-01,S4,SN-C1,Mia Kim,12 Oak Street,,Springfield,IL,62701,US,delivered,Mia Kim\n\
         C2,2025-03-01,S5,SN-C2,Leo Park,12 Oak St,,Springfield,IL,62701,US,delivered,MIA KIM\n\
         A1,2025-03-01,S6,SN-A1,Zoe Tenant,500 Main Street,Apt 1,Springfield,IL,62701,US,delivered,FRONT DESK\n\
         A2,2025-03-01,S7,SN-A2,Max Renter,500 Main St,,Springfield,IL,62701,US,delivered,FRONT DESK\n",
    );
    let t0 = 1_741_010_400; // 2025-03-03T14:00:00Z
    let anydesk = json!({"name": "AnyDesk", "version": "9.0.4", "publisher": "AnyDesk Software GmbH", "install_location": "C:\\Program Files (x86)\\AnyDesk"});
    let teamviewer = json!({"name": "TeamViewer 15", "version": "15.60", "publisher": "TeamViewer Germany GmbH", "install_location": "C:\\Program Files\\TeamViewer"});
    let pikvm = json!({"usb_address": "7", "usb_port": "3", "vendor": "PiKVM", "vendor_id": "1d6b", "version": "0100", "model": "PiKVM Composite Device", "model_id": "0104", "serial": "CAFEBABE", "class": "239", "subclass": "2", "protocol": "1", "removable": "1"});
    let gadget = json!({"usb_address": "5", "usb_port": "1", "vendor": "Linux Foundation", "vendor_id": "1d6b", "version": "0100", "model": "Multifunction Composite Gadget", "model_id": "0104", "serial": "100000003e3a", "class": "239", "subclass": "2", "protocol": "1", "removable": "1"});
    let lines = [
        batch("LT-F1", "pack_it_software", t0, 0, json!([{"name": "Microsoft Edge", "version": "133", "publisher": "Microsoft Corporation"}])),
        batch("LT-F1", "pack_it_software", t0 + 3_600 * 5, 1, json!([anydesk, teamviewer])),
        batch("LT-F1", "pack_it_usb", t0 + 3_600 * 30, 1, json!([pikvm])),
        json!({"name": "pack_it_ports", "hostIdentifier": "LT-F1", "unixTime": t0 + 3_600 * 31, "action": "added", "counter": 2,
               "columns": {"pid": "4412", "port": "7070", "protocol": "6", "family": "2", "address": "0.0.0.0", "fd": "-1", "socket": "18812", "path": ""}})
        .to_string(),
        batch("LT-IT1", "pack_it_software", t0, 0, json!([anydesk, teamviewer])),
        // F2's laptop reports under its UUID; devices.csv knows only its hostname.
        json!({"name": "pack_it_software", "hostIdentifier": "4C4C4544-0042-3010-8052-B4C04F564433",
               "decorations": {"hostname": "LT-F2", "host_uuid": "4C4C4544-0042-3010-8052-B4C04F564433"},
               "unixTime": t0 + 86_400 * 10, "counter": 4, "diffResults": {"added": [{"name": "RustDesk", "version": "1.3", "publisher": "Purslane Ltd"}], "removed": []}})
        .to_string(),
        json!({"snapshot": [gadget], "action": "snapshot", "name": "pack_it_usb", "hostIdentifier": "ws-pi1", "unixTime": t0 + 86_400 * 20, "counter": 0}).to_string(),
        // A row from a host nobody has on record, and a damaged line.
        batch("unknown-host", "pack_it_software", t0, 0, json!([{"name": "Slack"}])),
        "{\"name\":\"pack_it_usb\",\"hostIdentifier\":\"LT-F1\",\"unixTime\":".to_string(),
    ];
    write(p, "osquery.results.log", &(lines.join("\n") + "\n"));
    write(
        p,
        "bonafide.toml",
        "[osquery.queries]\npack_it_software = \"programs\"\n\n[detect.endpoint.approved_by_department]\n\"IT Support\" = [\"anydesk\", \"teamviewer\"]\n",
    );
    dir
}

#[test]
fn a_laptop_farm_from_shipments_and_inventory() {
    let d = org();
    let out = Command::new(env!("CARGO_BIN_EXE_bonafide"))
        .args(["--config", "bonafide.toml", "scan", ".", "--out", "out"])
        .env("BONAFIDE_KEY_FILE", d.path().join("secret.key"))
        .env("NO_COLOR", "1")
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(d.path().join("out/report.json")).unwrap()).unwrap();

    let inputs = r["inputs"].as_array().unwrap();
    let input =
        |f: &str| inputs.iter().find(|i| i["format"] == f).unwrap_or_else(|| panic!("no {f} input: {inputs:?}"));
    assert_eq!(input("devices")["records"], 4);
    assert_eq!(input("shipments")["records"], 7);
    let osq = input("osquery");
    assert_eq!((osq["records"].as_u64(), osq["quarantined"].as_u64()), (Some(10), Some(1)), "{osq}");
    assert_eq!(
        osq["field_issues"].as_u64().unwrap_or(0),
        0,
        "the configuration names the table of pack_it_software: {osq}"
    );

    let subjects = r["subjects"].as_array().unwrap();
    let ids = |id: &str| -> Vec<String> {
        let s = subjects.iter().find(|s| s["subject_id"] == id).unwrap_or_else(|| panic!("no subject {id}"));
        let mut v: Vec<String> =
            s["findings"].as_array().unwrap().iter().map(|f| f["indicator"].as_str().unwrap().to_string()).collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(ids("F1"), ["C1", "C2", "C3", "C5", "D7", "E1", "E2"]);
    assert_eq!(ids("F2"), ["C1", "C2", "C3", "E1"]);
    let f2 = subjects.iter().find(|s| s["subject_id"] == "F2").unwrap();
    let e1 = f2["findings"].as_array().unwrap().iter().find(|f| f["indicator"] == "E1").unwrap();
    assert!(e1["summary"].as_str().unwrap().contains("LT-F2 (4C4C4544-0042-3010-8052-B4C04F564433): RustDesk"), "{e1}");
    assert_eq!(ids("F3"), ["C1", "C2", "C3"]);
    let f1 = subjects.iter().find(|s| s["subject_id"] == "F1").unwrap();
    assert_eq!(f1["band"], "critical", "{f1}");
    let e2 = f1["findings"].as_array().unwrap().iter().find(|f| f["indicator"] == "E2").unwrap();
    assert!(e2["summary"].as_str().unwrap().contains("1d6b:0104 'PiKVM Composite Device'"), "{e2}");
    assert!(e2["evidence"][0]["source"].as_str().unwrap().ends_with("osquery.results.log:3"), "{e2}");
    // The benign look-alikes: IT's own tools, a Raspberry Pi developer, a couple at home,
    // tenants of one apartment block.
    assert!(ids("IT1").is_empty(), "{:?}", ids("IT1"));
    assert_eq!(ids("PI1"), ["E2"]);
    let pi = subjects.iter().find(|s| s["subject_id"] == "PI1").unwrap();
    assert_eq!(pi["band"], "low", "{pi}");
    for id in ["C1", "C2", "A1", "A2"] {
        assert!(ids(id).is_empty(), "{id}: {:?}", ids(id));
    }

    let clusters = r["clusters"].as_array().unwrap();
    let farm = clusters.iter().find(|c| c["kind"] == "laptop_farm").expect("a laptop_farm cluster");
    let mut members: Vec<&str> = farm["subjects"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    members.sort();
    assert_eq!(members, ["F1", "F2", "F3"]);
    assert!(
        farm["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["kind"] == "shipping_address" && l["value"] == "9 FARM RD, SPRINGFIELD, IL 62701, US"),
        "{farm}"
    );
}

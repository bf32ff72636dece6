//! The text layouts IP intelligence comes in, recognised from their content.
//!
//! - `ipintel.csv` (ours): `cidr,kind,asn,as_org,country,region,city,latitude,longitude,label`
//! - ip-location-db: headerless `start,end,asn,org` and `start,end,country`, IPv4 or IPv6
//! - cloud provider ranges: `cidr,provider,region,service`
//! - AS-number lists: `AS9009 # M247 (NordVPN)` lines, or `ASN,Entity` CSV
//! - bare IP lists: one CIDR or address per line, `#` comments (Tor exits, VPN ranges)
//!
//! Each reader reports every line it cannot use through `on_bad(line, reason)` and
//! returns the number of lines it used; an I/O error (a truncated gzip stream) ends the
//! file and is returned to the caller, which records it.

use std::io::BufRead;
use std::net::IpAddr;
use std::str::FromStr;

use bonafide_core::{GeoPoint, IpKind};

use super::build::{Fact, IpIntelBuilder, Priority, hints, prefix_range};
use crate::places::{Places, fold};

/// An IP-intelligence file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpFormat {
    IpintelCsv,
    LocationDbAsn,
    LocationDbCountry,
    CloudRanges,
    AsnList,
    IpList,
    Mmdb,
}

impl IpFormat {
    pub fn name(self) -> &'static str {
        match self {
            IpFormat::IpintelCsv => "ipintel",
            IpFormat::LocationDbAsn => "ip-location-db-asn",
            IpFormat::LocationDbCountry => "ip-location-db-country",
            IpFormat::CloudRanges => "cloud-ranges",
            IpFormat::AsnList => "asn-list",
            IpFormat::IpList => "ip-list",
            IpFormat::Mmdb => "mmdb",
        }
    }

    pub fn all() -> &'static [IpFormat] {
        &[
            IpFormat::IpintelCsv,
            IpFormat::LocationDbAsn,
            IpFormat::LocationDbCountry,
            IpFormat::CloudRanges,
            IpFormat::AsnList,
            IpFormat::IpList,
            IpFormat::Mmdb,
        ]
    }

    pub fn from_name(name: &str) -> Option<IpFormat> {
        IpFormat::all().iter().copied().find(|f| f.name() == name)
    }
}

/// The MaxMind DB metadata marker, found near the end of every `.mmdb` file.
pub const MMDB_MARKER: &[u8] = b"\xab\xcd\xefMaxMind.com";

/// True when `tail` (the last 128 KiB of a file) holds the MaxMind DB marker.
pub fn is_mmdb(tail: &[u8]) -> bool {
    memchr::memmem::find(tail, MMDB_MARKER).is_some()
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    IpAddr::from_str(s.trim().trim_matches('"')).ok()
}

/// `a.b.c.d/nn`, `a.b.c.d` (a /32), or the IPv6 forms.
pub fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let s = s.trim();
    match s.split_once('/') {
        Some((ip, len)) => {
            let ip = IpAddr::from_str(ip.trim()).ok()?;
            let len: u8 = len.trim().parse().ok()?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            (len <= max).then_some((ip, len))
        }
        None => {
            let ip = IpAddr::from_str(s).ok()?;
            Some((ip, if ip.is_ipv4() { 32 } else { 128 }))
        }
    }
}

fn parse_asn(s: &str) -> Option<u32> {
    let s = s.trim().trim_matches('"');
    let digits = s.strip_prefix("AS").or_else(|| s.strip_prefix("as")).unwrap_or(s);
    digits.trim().parse().ok()
}

/// Splits a CSV line well enough to sniff it (quotes respected, no escapes needed).
fn sniff_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.trim_start_matches('\u{feff}').trim()).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A header line over ip-location-db ranges: `start,end,...` (`start_ip`, `ip_start`, ...).
fn is_range_header<S: AsRef<str>>(fields: &[S]) -> bool {
    let has = |i: usize, w: &str| fields.get(i).is_some_and(|f| f.as_ref().to_ascii_lowercase().contains(w));
    fields.len() >= 3 && has(0, "start") && has(1, "end")
}

/// Recognises a text IP-intelligence layout from the first kilobytes of a file.
pub fn sniff(sample: &[u8]) -> Option<IpFormat> {
    let text = String::from_utf8_lossy(sample);
    let lines: Vec<&str> = content_lines(&text).take(50).collect();
    // The sample may end mid-line; judge on complete lines only when there are several.
    let lines: Vec<&str> = if lines.len() > 2 { lines[..lines.len() - 1].to_vec() } else { lines };
    let first = *lines.first()?;
    let header: Vec<String> = sniff_fields(first).into_iter().map(|h| h.to_ascii_lowercase()).collect();
    if header.iter().any(|h| h == "cidr") && header.iter().any(|h| h == "kind") {
        return Some(IpFormat::IpintelCsv);
    }
    if header.first().map(String::as_str) == Some("cidr") && header.iter().any(|h| h == "provider") {
        return Some(IpFormat::CloudRanges);
    }
    if header.first().map(String::as_str) == Some("asn") && header.len() <= 3 {
        return Some(IpFormat::AsnList);
    }
    // ip-location-db's files have no header, but the layout is documented as
    // `start,end,asn,org`, and users write that line on top: judge the next one.
    let first = if is_range_header(&sniff_fields(first)) { *lines.get(1)? } else { first };
    let f = sniff_fields(first);
    if f.len() >= 3 && parse_ip(&f[0]).is_some() && parse_ip(&f[1]).is_some() {
        let third = f[2].trim_matches('"');
        if f.len() == 3 && third.len() == 2 && third.chars().all(|c| c.is_ascii_alphabetic()) {
            return Some(IpFormat::LocationDbCountry);
        }
        if third.chars().all(|c| c.is_ascii_digit()) && !third.is_empty() {
            return Some(IpFormat::LocationDbAsn);
        }
    }
    let first_token = |l: &str| {
        l.split(|c: char| c.is_whitespace() || c == '#' || c == ';' || c == ',').next().unwrap_or("").to_string()
    };
    let share =
        |pred: &dyn Fn(&str) -> bool| lines.iter().filter(|l| pred(&first_token(l))).count() * 10 >= lines.len() * 9;
    if share(&|t| parse_cidr(t).is_some()) {
        return Some(IpFormat::IpList);
    }
    if share(&|t| (t.starts_with("AS") || t.starts_with("as")) && parse_asn(t).is_some()) {
        return Some(IpFormat::AsnList);
    }
    None
}

/// The kind a bare list's file name suggests (`x4bnet_vpn_ipv4.txt` → vpn).
pub fn kind_from_name(name: &str) -> Option<IpKind> {
    let h = hints();
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(|w| h.name_hints.get(w))
        .and_then(|k| IpKind::parse(k))
}

/// The kind of an AS-number list whose name gives none.
pub fn default_asn_list_kind() -> IpKind {
    IpKind::parse(&hints().asn_list_default).unwrap_or(IpKind::Hosting)
}

/// Reads one text layout into the builder. `kind` is required for bare IP lists and
/// optional for AS lists; `source` names the list in evidence.
pub fn load(
    builder: &mut IpIntelBuilder,
    format: IpFormat,
    source: &str,
    kind: Option<IpKind>,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    match format {
        IpFormat::IpintelCsv => load_ipintel_csv(builder, source, reader, on_bad),
        IpFormat::LocationDbAsn | IpFormat::LocationDbCountry => {
            load_location_db(builder, format, source, reader, on_bad)
        }
        IpFormat::CloudRanges => load_cloud(builder, source, reader, on_bad),
        IpFormat::AsnList => load_asn_list(builder, source, kind.unwrap_or_else(default_asn_list_kind), reader, on_bad),
        IpFormat::IpList => {
            let kind = kind.unwrap_or(IpKind::Unknown);
            load_ip_list(builder, source, kind, reader, on_bad)
        }
        IpFormat::Mmdb => {
            Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "mmdb files are loaded with ip::mmdb::load"))
        }
    }
}

fn csv_reader(reader: &mut dyn BufRead, headers: bool) -> csv::Reader<&mut dyn BufRead> {
    csv::ReaderBuilder::new()
        .has_headers(headers)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(reader)
}

fn csv_line(rec: &csv::StringRecord) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(0)
}

fn io_or_bad(e: csv::Error, on_bad: &mut dyn FnMut(u64, String)) -> std::io::Result<()> {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Err(io),
        csv::ErrorKind::Utf8 { .. } => {
            on_bad(line, "invalid UTF-8".into());
            Ok(())
        }
        other => {
            on_bad(line, format!("unreadable CSV row: {other:?}"));
            Ok(())
        }
    }
}

fn load_location_db(
    builder: &mut IpIntelBuilder,
    format: IpFormat,
    source: &str,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    let places = Places::builtin();
    let mut ok = 0;
    let mut rdr = csv_reader(reader, false);
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                io_or_bad(e, on_bad)?;
                continue;
            }
        }
        let line = csv_line(&rec);
        if line == 1 && is_range_header(&rec.iter().collect::<Vec<_>>()) {
            continue;
        }
        let (Some(start), Some(end)) = (rec.get(0).and_then(parse_ip), rec.get(1).and_then(parse_ip)) else {
            on_bad(line, "start or end is not an IP address".into());
            continue;
        };
        let fact = if format == IpFormat::LocationDbAsn {
            let Some(asn) = rec.get(2).and_then(parse_asn) else {
                on_bad(line, "AS number is not a number".into());
                continue;
            };
            let org = rec.get(3).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            Fact::Asn { asn, org }
        } else {
            match rec.get(2).and_then(|c| places.country(c)) {
                Some(c) => Fact::Country(c),
                None => {
                    on_bad(line, format!("unknown country code {:?}", rec.get(2).unwrap_or("")));
                    continue;
                }
            }
        };
        match builder.add_range(start, end, fact, source, Priority::List) {
            Ok(()) => ok += 1,
            Err(e) => on_bad(line, e.to_string()),
        }
    }
    Ok(ok)
}

/// Columns of our `ipintel.csv`, found by name in the header.
struct IpintelColumns {
    cidr: usize,
    kind: usize,
    asn: Option<usize>,
    as_org: Option<usize>,
    country: Option<usize>,
    region: Option<usize>,
    city: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    label: Option<usize>,
}

fn load_ipintel_csv(
    builder: &mut IpIntelBuilder,
    source: &str,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    let places = Places::builtin();
    let mut rdr = csv_reader(reader, true);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            io_or_bad(e, on_bad)?;
            return Ok(0);
        }
    };
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(cidr), Some(kind)) = (col("cidr"), col("kind")) else {
        on_bad(1, "header lacks cidr or kind".into());
        return Ok(0);
    };
    let c = IpintelColumns {
        cidr,
        kind,
        asn: col("asn"),
        as_org: col("as_org"),
        country: col("country"),
        region: col("region"),
        city: col("city"),
        lat: col("latitude"),
        lon: col("longitude"),
        label: col("label"),
    };
    let mut ok = 0;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                io_or_bad(e, on_bad)?;
                continue;
            }
        }
        let line = csv_line(&rec);
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty());
        let Some((ip, prefix)) = get(Some(c.cidr)).and_then(parse_cidr) else {
            on_bad(line, "cidr is not a network".into());
            continue;
        };
        let Some(kind) = get(Some(c.kind)).and_then(IpKind::parse) else {
            on_bad(
                line,
                format!(
                    "kind {:?} is not one of residential, mobile, hosting, vpn, proxy, tor, corporate",
                    get(Some(c.kind)).unwrap_or("")
                ),
            );
            continue;
        };
        let mut facts = vec![Fact::Kind { kind, label: get(c.label).map(str::to_string) }];
        if let Some(asn_text) = get(c.asn) {
            match parse_asn(asn_text) {
                Some(asn) => facts.push(Fact::Asn { asn, org: get(c.as_org).map(str::to_string) }),
                None => {
                    on_bad(line, "asn is not a number".into());
                    continue;
                }
            }
        }
        let country = match get(c.country) {
            Some(t) => match places.country(t) {
                Some(cc) => Some(cc),
                None => {
                    on_bad(line, format!("unknown country {t:?}"));
                    continue;
                }
            },
            None => None,
        };
        let region = get(c.region).and_then(|r| places.region(country, r));
        let point = match (get(c.lat).map(str::parse::<f64>), get(c.lon).map(str::parse::<f64>)) {
            (Some(Ok(lat)), Some(Ok(lon))) => match GeoPoint::new(lat, lon) {
                Some(p) => Some(p),
                None => {
                    on_bad(line, "latitude/longitude out of range".into());
                    continue;
                }
            },
            (None, None) => None,
            _ => {
                on_bad(line, "latitude and longitude must both be numbers, or both empty".into());
                continue;
            }
        };
        let city = get(c.city).map(str::to_string);
        if country.is_some() || region.is_some() || city.is_some() || point.is_some() {
            facts.push(Fact::Geo { country, region, city, point });
        }
        for fact in facts {
            if let Err(e) = builder.add_net(ip, prefix, fact, source, Priority::User) {
                on_bad(line, e.to_string());
            }
        }
        ok += 1;
    }
    Ok(ok)
}

fn load_cloud(
    builder: &mut IpIntelBuilder,
    source: &str,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    let mut rdr = csv_reader(reader, true);
    let mut ok = 0;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                io_or_bad(e, on_bad)?;
                continue;
            }
        }
        let line = csv_line(&rec);
        let Some((ip, prefix)) = rec.get(0).and_then(parse_cidr) else {
            on_bad(line, "cidr is not a network".into());
            continue;
        };
        let provider = rec.get(1).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        match builder.add_net(ip, prefix, Fact::Kind { kind: IpKind::Hosting, label: provider }, source, Priority::List)
        {
            Ok(()) => ok += 1,
            Err(e) => on_bad(line, e.to_string()),
        }
    }
    Ok(ok)
}

fn for_each_line(
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
    mut f: impl FnMut(u64, &str, &mut dyn FnMut(u64, String)),
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        line_no += 1;
        match std::str::from_utf8(&buf) {
            Ok(text) => f(line_no, text.trim_start_matches('\u{feff}').trim(), on_bad),
            Err(_) => on_bad(line_no, "invalid UTF-8".into()),
        }
    }
}

fn load_ip_list(
    builder: &mut IpIntelBuilder,
    source: &str,
    kind: IpKind,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    let mut ok = 0;
    for_each_line(reader, on_bad, |line, text, on_bad| {
        let body = text.split(['#', ';']).next().unwrap_or("").trim();
        if body.is_empty() {
            return;
        }
        let token = body.split_whitespace().next().unwrap_or("");
        match parse_cidr(token) {
            Some((ip, prefix)) => {
                match builder.add_net(ip, prefix, Fact::Kind { kind, label: None }, source, Priority::List) {
                    Ok(()) => ok += 1,
                    Err(e) => on_bad(line, e.to_string()),
                }
            }
            None => on_bad(line, "not an IP address or CIDR network".into()),
        }
    })?;
    Ok(ok)
}

fn load_asn_list(
    builder: &mut IpIntelBuilder,
    source: &str,
    kind: IpKind,
    reader: &mut dyn BufRead,
    on_bad: &mut dyn FnMut(u64, String),
) -> std::io::Result<u64> {
    let mut ok = 0;
    for_each_line(reader, on_bad, |line, text, on_bad| {
        if text.is_empty() || text.starts_with('#') {
            return;
        }
        // `AS9009 # M247, GB (NordVPN)` or `9009,"M247, GB"`; a CSV header is skipped.
        let csv_style =
            text.split(',').next().is_some_and(|h| h.trim().trim_matches('"').chars().all(|c| c.is_ascii_digit()));
        let split = if csv_style { text.split_once(',') } else { text.split_once('#') };
        let (head, comment) = match split {
            Some((h, c)) => (h.trim(), Some(c.trim().trim_matches('"').trim())),
            None => (text.split_whitespace().next().unwrap_or(text), None),
        };
        if line == 1 && fold(text.split(',').next().unwrap_or("")) == "asn" {
            return;
        }
        match parse_asn(head) {
            Some(asn) => {
                builder.add_asn_kind(asn, kind, comment.filter(|c| !c.is_empty()), source);
                ok += 1;
            }
            None => on_bad(line, "not an AS number".into()),
        }
    })?;
    Ok(ok)
}

/// Checks that a CIDR covers a real range (used by configuration parsing).
pub fn cidr_range(s: &str) -> Option<(IpAddr, IpAddr)> {
    let (ip, prefix) = parse_cidr(s)?;
    prefix_range(ip, prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_every_layout() {
        assert_eq!(sniff(b"cidr,kind,asn\n1.2.3.0/24,vpn,1\n"), Some(IpFormat::IpintelCsv));
        assert_eq!(
            sniff(b"1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom\n"),
            Some(IpFormat::LocationDbAsn)
        );
        assert_eq!(sniff(b"1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.3.255,CN\n"), Some(IpFormat::LocationDbCountry));
        assert_eq!(sniff(b"2001::,2001::ffff,6939,Hurricane Electric LLC\n"), Some(IpFormat::LocationDbAsn));
        assert_eq!(
            sniff(b"cidr,provider,region,service\n1.178.1.0/24,aws,us-west-2,EC2\n"),
            Some(IpFormat::CloudRanges)
        );
        assert_eq!(sniff(b"AS9009 # M247\nAS20448 # VPNtranet\n"), Some(IpFormat::AsnList));
        assert_eq!(sniff(b"ASN,Entity\n198375,\"INULOGIC SARL, FR\"\n"), Some(IpFormat::AsnList));
        assert_eq!(sniff(b"1.12.0.0/14\n1.44.96.0/24\n1.92.0.0/16\n"), Some(IpFormat::IpList));
        assert_eq!(sniff(b"101.99.92.179\n101.99.92.182\n"), Some(IpFormat::IpList));
        assert_eq!(sniff(b"subject_id,full_name\nE1,Jane\n"), None);
        assert_eq!(sniff(b"{\"a\": 1}\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_give_kinds() {
        assert_eq!(kind_from_name("x4bnet_vpn_ipv4.txt"), Some(IpKind::Vpn));
        assert_eq!(kind_from_name("tor_exit_nodes_2024-02-27.lst"), Some(IpKind::Tor));
        assert_eq!(kind_from_name("x4bnet_datacenter_ASN.txt"), Some(IpKind::Hosting));
        assert_eq!(kind_from_name("ranges.txt"), None);
    }

    #[test]
    fn cidrs() {
        assert_eq!(parse_cidr("10.0.0.0/8").map(|c| c.1), Some(8));
        assert_eq!(parse_cidr("10.0.0.1").map(|c| c.1), Some(32));
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("2001:db8::/129").is_none());
        assert_eq!(parse_cidr("2001:db8::/32").map(|c| c.1), Some(32));
    }
}

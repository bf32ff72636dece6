//! `signins.csv`: sign-ins from any system bonafide has no reader for (a VPN concentrator,
//! a platform's own login table, a careers site), in the data contract's columns:
//! `account*, at*, ip*, result, country, region, city, latitude, longitude, asn, as_org,
//! user_agent, device_id, session_id, app`.
//!
//! Rows are sign-ins of the identity system `signins` (link them to people in
//! `accounts.csv` with `source = signins`, or by email); `app` names what was signed into
//! and becomes the event's target, which is how a careers-site login is told from a
//! work login (A13). A row without its account, time or IP is quarantined; an unusable
//! optional value (a country that is not a country, half a coordinate pair) keeps the row
//! without that value and is reported as a field issue.

use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use bonafide_core::{
    Action, Actor, ActorKind, Detail, Event, GeoPoint, Net, Outcome, Place, QuarantineEntry, SourcePos, UtcMs,
};

use crate::normalise::{Interner, PlaceCache, id_hash};
use crate::record_csv;
use crate::{ReadContext, RecordSink};

/// The identity system of `signins.csv` rows, as `accounts.csv` names it.
pub const SYSTEM: &str = "signins";

fn outcome_of(s: &str) -> Option<Outcome> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "success" | "succeeded" | "ok" | "allow" | "allowed" | "true" | "1" => Outcome::Success,
        "failure" | "failed" | "fail" | "deny" | "denied" | "false" | "0" => Outcome::Failure,
        "challenge" | "mfa" => Outcome::Challenge,
        _ => return None,
    })
}

struct Columns {
    account: usize,
    at: usize,
    ip: usize,
    result: Option<usize>,
    country: Option<usize>,
    region: Option<usize>,
    city: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    asn: Option<usize>,
    as_org: Option<usize>,
    user_agent: Option<usize>,
    device_id: Option<usize>,
    session_id: Option<usize>,
    app: Option<usize>,
    source: Option<usize>,
}

/// The contract's columns of `signins.csv`, and the optional `source`.
pub const COLUMNS: &[&str] = &[
    "account",
    "at",
    "ip",
    "result",
    "country",
    "region",
    "city",
    "latitude",
    "longitude",
    "asn",
    "as_org",
    "user_agent",
    "device_id",
    "session_id",
    "app",
    "source",
];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "signins", &[], sink)? else {
        return Ok(());
    };
    let (Some(account), Some(at), Some(ip)) = (table.col("account"), table.col("at"), table.col("ip")) else {
        cx.quarantine(sink, 1, None, "header lacks account, at or ip");
        return Ok(());
    };
    let c = Columns {
        account,
        at,
        ip,
        result: table.col("result"),
        country: table.col("country"),
        region: table.col("region"),
        city: table.col("city"),
        latitude: table.col("latitude"),
        longitude: table.col("longitude"),
        asn: table.col("asn"),
        as_org: table.col("as_org"),
        user_agent: table.col("user_agent"),
        device_id: table.col("device_id"),
        session_id: table.col("session_id"),
        app: table.col("app"),
        source: table.col("source"),
    };
    let system: Arc<str> = Arc::from(SYSTEM);
    let event_type: Arc<str> = Arc::from("sign_in");
    let mut strings = Interner::default();
    let mut places = PlaceCache::default();
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        let pos = cx.pos(row.line);
        let issue = |sink: &mut dyn RecordSink, what: String| {
            sink.field_issue(QuarantineEntry { pos, reason: format!("{what}; field ignored") });
        };
        let (Some(acct), Some(at_text), Some(ip_text)) =
            (row.get(Some(c.account)), row.get(Some(c.at)), row.get(Some(c.ip)))
        else {
            cx.quarantine(sink, row.line, None, "account, at and ip are required");
            return;
        };
        let at = match UtcMs::parse(at_text) {
            Ok(t) => t,
            Err(e) => {
                cx.quarantine(sink, row.line, None, format!("at: {e}"));
                return;
            }
        };
        let ip: IpAddr = match ip_text.parse() {
            Ok(ip) => ip,
            Err(_) => {
                cx.quarantine(
                    sink,
                    row.line,
                    None,
                    format!("ip: {:?} is not an IP address", crate::normalise::truncate(ip_text, 48)),
                );
                return;
            }
        };
        let outcome = match row.get(c.result) {
            None => Outcome::Unknown,
            Some(r) => outcome_of(r).unwrap_or_else(|| {
                issue(sink, format!("result {r:?} is not success or failure"));
                Outcome::Unknown
            }),
        };
        let mut net = Net::new(ip);
        let country = match row.get(c.country) {
            None => None,
            Some(t) => places.country(t).or_else(|| {
                issue(sink, format!("country {t:?} is not a known country"));
                None
            }),
        };
        let point = match (row.get(c.latitude), row.get(c.longitude)) {
            (None, None) => None,
            (Some(la), Some(lo)) => match (la.parse::<f64>(), lo.parse::<f64>()) {
                (Ok(la), Ok(lo)) => GeoPoint::new(la, lo).or_else(|| {
                    issue(sink, "latitude/longitude out of range".into());
                    None
                }),
                _ => {
                    issue(sink, "latitude/longitude are not numbers".into());
                    None
                }
            },
            _ => {
                issue(sink, "latitude and longitude must both be given".into());
                None
            }
        };
        net.reported = Place {
            country,
            region: row.get(c.region).and_then(|r| places.region(country, r)),
            city: strings.opt(row.get(c.city)),
            point,
        };
        if let Some(a) = row.get(c.asn) {
            let digits = a.strip_prefix("AS").or_else(|| a.strip_prefix("as")).unwrap_or(a);
            match digits.trim().parse::<u32>() {
                Ok(n) => net.asn = Some(n),
                Err(_) => issue(sink, format!("asn {a:?} is not an AS number")),
            }
        }
        net.as_org = strings.opt(row.get(c.as_org));
        let event = Event {
            at,
            actor: Actor {
                system: row.get(c.source).map(|s| strings.lower(s)).unwrap_or_else(|| system.clone()),
                account: strings.lower(acct),
                display_name: None,
                kind: ActorKind::User,
            },
            subject: None,
            action: Action::SignIn,
            outcome,
            event_type: event_type.clone(),
            net: Some(net),
            session: row.get(c.session_id).map(|s| id_hash(SYSTEM, s)),
            device: strings.opt(row.get(c.device_id)),
            device_managed: None,
            target: strings.opt(row.get(c.app)),
            detail: Detail::None,
            user_agent: strings.opt(row.get(c.user_agent)),
            interactive: true,
            id: None,
            source: SourcePos::line(cx.source, row.line),
        };
        sink.event(event);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use crate::test_support::read_str;

    #[test]
    fn reads_the_contract_columns() {
        let text = "account,at,ip,result,country,region,city,latitude,longitude,asn,as_org,user_agent,device_id,session_id,app\n\
            Cand.One@Mail.example,2025-05-01T09:00:00-04:00,73.63.112.167,success,United States,Utah,Ogden,41.22,-111.96,AS7922,Comcast,Mozilla/5.0,fp-1,s-1,careers\n\
            cand.two@mail.example,2025-05-01T13:05:00Z,2001:db8::1,failure,KP,,,,,,,,,,careers\n";
        let c = read_str(Format::Signins, text);
        assert_eq!((c.quarantined.len(), c.issues.len()), (0, 0), "{:?} {:?}", c.quarantined, c.issues);
        assert_eq!(c.events.len(), 2);
        let e = &c.events[0];
        assert_eq!((&*e.actor.system, &*e.actor.account), ("signins", "cand.one@mail.example"));
        assert_eq!(e.at.to_rfc3339(), "2025-05-01T13:00:00Z");
        assert_eq!((e.action, e.outcome), (Action::SignIn, Outcome::Success));
        let net = e.net.as_ref().unwrap();
        assert_eq!(net.ip.to_string(), "73.63.112.167");
        assert_eq!(net.reported.country.unwrap().as_str(), "US");
        assert_eq!(net.reported.region.as_ref().unwrap().as_str(), "US-UT");
        assert_eq!((net.asn, net.as_org.as_deref()), (Some(7922), Some("Comcast")));
        assert_eq!((e.device.as_deref(), e.target.as_deref()), (Some("fp-1"), Some("careers")));
        assert!(e.session.is_some());
        assert_eq!(e.source.line, 2);
        let e = &c.events[1];
        assert_eq!(e.outcome, Outcome::Failure);
        assert_eq!(e.net.as_ref().unwrap().reported.country.unwrap().as_str(), "KP");
    }

    #[test]
    fn an_optional_source_names_the_system() {
        let text = "account,at,ip,source\n\
            JDoe,2025-05-01T09:00:00Z,1.2.3.4,VPN\n\
            jdoe,2025-05-01T10:00:00Z,1.2.3.4,\n";
        let c = read_str(Format::Signins, text);
        assert_eq!(c.events.len(), 2, "{:?}", c.quarantined);
        assert_eq!((&*c.events[0].actor.system, &*c.events[0].actor.account), ("vpn", "jdoe"));
        assert_eq!(&*c.events[1].actor.system, "signins", "an empty source is the default system");
    }

    #[test]
    fn required_values_quarantine_optional_ones_are_issues() {
        let text = "account,at,ip,result,country,latitude,longitude,asn\n\
            a@x.io,2025-05-01T09:00:00Z,1.2.3.4,maybe,Narnia,91,0,ASX\n\
            ,2025-05-01T09:00:00Z,1.2.3.4,,,,,\n\
            a@x.io,2025-05-01 09:00,1.2.3.4,,,,,\n\
            a@x.io,2025-05-01T09:00:00Z,1.2.3,,,,,\n\
            a@x.io,2025-05-01T09:00:00Z\n\
            b@x.io,2025-05-01T09:00:00Z,1.2.3.4,,,40,,\n";
        let c = read_str(Format::Signins, text);
        assert_eq!(c.events.len(), 2);
        let q: Vec<(u64, &str)> = c.quarantined.iter().map(|q| (q.pos.line, q.reason.as_str())).collect();
        assert_eq!(q.iter().map(|x| x.0).collect::<Vec<_>>(), vec![3, 4, 5, 6], "{q:?}");
        assert!(q[1].1.starts_with("at:") && q[2].1.starts_with("ip:"), "{q:?}");
        let issues: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        for what in ["result", "country", "out of range", "asn", "both"] {
            assert!(issues.iter().any(|r| r.contains(what)), "{what}: {issues:?}");
        }
        assert_eq!(c.events[0].outcome, Outcome::Unknown);
        assert!(c.events[0].net.as_ref().unwrap().reported.country.is_none());
        let missing = read_str(Format::Signins, "account,at\na,2025-05-01T09:00:00Z\n");
        assert_eq!(missing.quarantined.len(), 1);
        assert!(missing.quarantined[0].reason.contains("header"));
    }
}

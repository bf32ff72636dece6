//! `activity.csv`: any other timestamped work activity (chat messages, tickets,
//! meetings): `account*, at*, kind, source, camera_on, duration_seconds`.
//!
//! Each row is a [`Action::Work`] event with [`Detail::Activity`]. The identity system is
//! the row's `source` (`slack`, `zoom`, `jira`, lower case; `activity` when empty), so
//! `accounts.csv` can tie a chat handle to a person the same way as a login; failing that,
//! accounts are joined to people's emails. The time analysis reads these events for
//! working hours; they carry no network side, so no location indicator reads them.

use std::io::BufRead;
use std::sync::Arc;

use bonafide_core::{
    Action, ActivityInfo, Actor, ActorKind, Detail, Event, Outcome, QuarantineEntry, SourcePos, UtcMs,
};

use crate::normalise::Interner;
use crate::record_csv;
use crate::{ReadContext, RecordSink};

/// The identity system of rows with no `source`.
pub const DEFAULT_SYSTEM: &str = "activity";

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// The contract's columns of `activity.csv`.
pub const COLUMNS: &[&str] = &["account", "at", "kind", "source", "camera_on", "duration_seconds"];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "activity", &[], sink)? else {
        return Ok(());
    };
    let (Some(account), Some(at)) = (table.col("account"), table.col("at")) else {
        cx.quarantine(sink, 1, None, "header lacks account or at");
        return Ok(());
    };
    let (kind, source, camera, duration) =
        (table.col("kind"), table.col("source"), table.col("camera_on"), table.col("duration_seconds"));
    let mut strings = Interner::default();
    let default_system: Arc<str> = Arc::from(DEFAULT_SYSTEM);
    let default_type: Arc<str> = Arc::from("activity");
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        let pos = cx.pos(row.line);
        let (Some(acct), Some(at_text)) = (row.get(Some(account)), row.get(Some(at))) else {
            cx.quarantine(sink, row.line, None, "account and at are required");
            return;
        };
        let at = match UtcMs::parse(at_text) {
            Ok(t) => t,
            Err(e) => {
                cx.quarantine(sink, row.line, None, format!("at: {e}"));
                return;
            }
        };
        let issue = |sink: &mut dyn RecordSink, what: String| {
            sink.field_issue(QuarantineEntry { pos, reason: format!("{what}; field ignored") });
        };
        let camera_on = row.get(camera).and_then(|v| {
            parse_bool(v).or_else(|| {
                issue(sink, format!("camera_on {v:?} is not true or false"));
                None
            })
        });
        let duration_seconds = row.get(duration).and_then(|v| {
            v.parse::<f64>().ok().filter(|d| d.is_finite() && *d >= 0.0 && *d < 4.0e9).map(|d| d as u32).or_else(|| {
                issue(sink, format!("duration_seconds {v:?} is not a number of seconds"));
                None
            })
        });
        let kind_text = row.get(kind);
        let event = Event {
            at,
            actor: Actor {
                system: row.get(source).map(|s| strings.lower(s)).unwrap_or_else(|| default_system.clone()),
                account: strings.lower(acct),
                display_name: None,
                kind: ActorKind::User,
            },
            subject: None,
            action: Action::Work,
            outcome: Outcome::Success,
            event_type: kind_text.map(|k| strings.lower(k)).unwrap_or_else(|| default_type.clone()),
            net: None,
            session: None,
            device: None,
            device_managed: None,
            target: None,
            detail: Detail::Activity(Box::new(ActivityInfo {
                kind: kind_text.map(|k| strings.lower(k)),
                camera_on,
                duration_seconds,
            })),
            user_agent: None,
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
    fn rows_become_work_events() {
        let text = "account,at,kind,source,camera_on,duration_seconds\n\
            Li.Wei@Example.com,2025-05-01T09:00:00+08:00,Meeting,Zoom,false,3600\n\
            li.wei@example.com,2025-05-01T10:00:00Z,message,,,\n\
            li.wei@example.com,2025-05-01T11:00:00Z,meeting,zoom,sometimes,-5\n\
            ,2025-05-01T11:00:00Z,meeting,zoom,,\n\
            x@y.z,noon,meeting,zoom,,\n";
        let c = read_str(Format::Activity, text);
        assert_eq!(c.events.len(), 3);
        assert_eq!(c.quarantined.iter().map(|q| q.pos.line).collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(c.issues.len(), 2, "{:?}", c.issues);
        let e = &c.events[0];
        assert_eq!((&*e.actor.system, &*e.actor.account), ("zoom", "li.wei@example.com"));
        assert_eq!(e.at.to_rfc3339(), "2025-05-01T01:00:00Z");
        assert_eq!((e.action, &*e.event_type), (Action::Work, "meeting"));
        match &e.detail {
            Detail::Activity(a) => {
                assert_eq!((a.camera_on, a.duration_seconds), (Some(false), Some(3600)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(&*c.events[1].actor.system, "activity");
        match &c.events[2].detail {
            Detail::Activity(a) => assert_eq!((a.camera_on, a.duration_seconds), (None, None)),
            other => panic!("{other:?}"),
        }
    }
}

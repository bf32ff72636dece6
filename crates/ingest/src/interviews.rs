//! `interviews.csv`: one row per interview round.
//!
//! Keeps what the interview detectors (B1-B5, B8) judge: the round, the medium, how long
//! the camera was on against the length of the call, and the interviewer's flag codes.
//! Flags are folded (`Camera Broken` → `camera_broken`) and split on `;`, `,` or `|`;
//! codes outside the contract are kept and reported as field issues, so a typo is seen
//! rather than silently ignored. The client IP is parsed here and placed by enrichment
//! once IP intelligence is loaded.
//!
//! `subject_id` and `at` are required; a row without them is quarantined.

use std::io::BufRead;
use std::net::IpAddr;

use bonafide_core::records::{INTERVIEW_FLAGS, Interview, Medium};
use bonafide_core::{QuarantineEntry, Record};

use crate::columns::Cols;
use crate::record_csv;
use crate::record_csv::parse_time;
use crate::table::Row;
use crate::{ReadContext, RecordSink};

pub const COLUMNS: &[&str] = &[
    "subject_id",
    "at",
    "round",
    "interviewer",
    "medium",
    "duration_seconds",
    "video_seconds",
    "client_ip",
    "flags",
    "notes",
];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) =
        record_csv::open(cx, reader, "interviews", crate::Format::Interviews.required_columns(), sink)?
    else {
        return Ok(());
    };
    let cols = Cols::new(&table, COLUMNS);
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        if let Some(i) = interview(cx, &cols, row, sink) {
            sink.record(Record::Interview(i));
        }
    })
}

/// Folds a flag code: lower case, spaces and dashes to underscores.
pub fn fold_flag(s: &str) -> String {
    s.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect()
}

/// An IP, also from `ip:port` and `[v6]:port` forms that meeting exports use.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    None
}

fn interview(cx: &ReadContext<'_>, cols: &Cols, row: &Row, sink: &mut dyn RecordSink) -> Option<Interview> {
    let get = |name: &str| row.get(cols.get(name));
    let pos = cx.pos(row.line);
    let Some(subject_id) = get("subject_id") else {
        cx.quarantine(sink, row.line, None, "subject_id is required");
        return None;
    };
    let at = match get("at").map(|v| (v, parse_time(v))) {
        Some((_, Some(t))) => t,
        Some((v, None)) => {
            cx.quarantine(sink, row.line, None, format!("at {v:?} is not an RFC 3339 time or a date"));
            return None;
        }
        None => {
            cx.quarantine(sink, row.line, None, "at is required");
            return None;
        }
    };
    let issue = |sink: &mut dyn RecordSink, field: &str, what: String| {
        sink.field_issue(QuarantineEntry { pos, reason: format!("subject {subject_id}: {field} {what}") });
    };
    let medium = get("medium").and_then(|m| {
        let parsed = Medium::parse(m);
        if parsed.is_none() {
            issue(sink, "medium", format!("{m:?} is not video, phone, onsite or chat; field ignored"));
        }
        parsed
    });
    let seconds = |sink: &mut dyn RecordSink, field: &str| -> Option<u32> {
        let v = get(field)?;
        let parsed = v.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0 && *x < 1e9).map(|x| x.round() as u32);
        if parsed.is_none() {
            issue(sink, field, format!("{v:?} is not a number of seconds; field ignored"));
        }
        parsed
    };
    let duration_seconds = seconds(sink, "duration_seconds");
    let video_seconds = seconds(sink, "video_seconds");
    if let (Some(d), Some(v)) = (duration_seconds, video_seconds)
        && v > d
    {
        issue(sink, "video_seconds", format!("({v}) exceeds duration_seconds ({d}); kept"));
    }
    let client_ip = get("client_ip").and_then(|v| {
        let ip = parse_ip(v);
        if ip.is_none() {
            issue(sink, "client_ip", format!("{v:?} is not an IP address; field ignored"));
        }
        ip
    });
    let mut flags: Vec<String> = Vec::new();
    for f in get("flags").unwrap_or("").split([';', ',', '|']).map(fold_flag).filter(|f| !f.is_empty()) {
        if !INTERVIEW_FLAGS.contains(&f.as_str()) {
            issue(sink, "flags", format!("code {f:?} is not one of the contract's codes; kept"));
        }
        if !flags.contains(&f) {
            flags.push(f);
        }
    }
    Some(Interview {
        subject_id: subject_id.to_string(),
        at,
        round: get("round").map(str::to_string),
        interviewer: get("interviewer").map(str::to_string),
        medium,
        duration_seconds,
        video_seconds,
        client_ip,
        client: None,
        flags,
        notes: get("notes").map(|n| crate::columns::scrub_text(n, &cx.options.keyring).into_owned()),
        source: pos,
        extra: cols.extras(row, &cx.options.keyring),
    })
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;
    use bonafide_core::records::Medium;

    use crate::Format;
    use crate::test_support::read_str;

    fn iv(r: &Record) -> &bonafide_core::records::Interview {
        match r {
            Record::Interview(i) => i,
            other => panic!("not an interview: {other:?}"),
        }
    }

    #[test]
    fn reads_rounds_and_flags() {
        let text = "subject_id,at,round,interviewer,medium,duration_seconds,video_seconds,client_ip,flags,notes,room\n\
            A1,2025-02-03T15:00:00Z,screen,Pat,Video,1800,120,203.0.113.7,Camera Broken; reading_answers,said the camera was broken,R2\n\
            A1,2025-02-05T15:00:00-05:00,technical,Lee,video,3600,3600,[2001:db8::1]:443,,,\n\
            A1,2025-02-06,onsite,,onsite,,,,declined_onsite|declined-drug-test,,\n";
        let c = read_str(Format::Interviews, text);
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        let a = iv(&c.records[0]);
        assert_eq!(a.medium, Some(Medium::Video));
        assert_eq!((a.duration_seconds, a.video_seconds), (Some(1800), Some(120)));
        assert_eq!(a.flags, vec!["camera_broken", "reading_answers"]);
        assert_eq!(a.client_ip.unwrap().to_string(), "203.0.113.7");
        assert_eq!(a.extra.get("room").map(String::as_str), Some("R2"));
        assert_eq!(iv(&c.records[1]).client_ip.unwrap().to_string(), "2001:db8::1");
        assert_eq!(iv(&c.records[2]).flags, vec!["declined_onsite", "declined_drug_test"]);
    }

    #[test]
    fn bad_rows_and_values() {
        let text = "subject_id,at,round,medium,duration_seconds,video_seconds,client_ip,flags\n\
            A1,not-a-time,1,video,,,,\n,2025-01-01T00:00:00Z,1,video,,,,\n\
            A2,2025-01-01T00:00:00Z,1,carrier pigeon,-5,900,999.1.1.1,camera_brokn\n";
        let c = read_str(Format::Interviews, text);
        assert_eq!((c.records.len(), c.quarantined.len()), (1, 2));
        let reasons: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        for want in ["medium", "duration_seconds", "client_ip", "camera_brokn"] {
            assert!(reasons.iter().any(|r| r.contains(want)), "{want}: {reasons:?}");
        }
        assert_eq!(iv(&c.records[0]).flags, vec!["camera_brokn"], "kept, reported");
    }
}

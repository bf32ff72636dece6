//! Test helpers: read a string or a file through a real reader into a collecting sink.

use std::path::Path;

use bonafide_core::{Event, QuarantineEntry, Record, SourceId, Subject};
use bonafide_intel::Keyring;

use crate::{Accept, AccountLink, ColumnMap, Format, Input, ReadContext, ReadOptions, RecordSink};

#[derive(Default, Debug)]
pub struct Collect {
    pub subjects: Vec<Subject>,
    pub accounts: Vec<AccountLink>,
    pub events: Vec<Event>,
    pub records: Vec<Record>,
    pub quarantined: Vec<QuarantineEntry>,
    pub issues: Vec<QuarantineEntry>,
}

impl RecordSink for Collect {
    fn subject(&mut self, s: Subject) -> Accept {
        self.subjects.push(s);
        Accept::Accepted
    }
    fn account(&mut self, l: AccountLink) -> Accept {
        self.accounts.push(l);
        Accept::Accepted
    }
    fn event(&mut self, e: Event) -> Accept {
        self.events.push(e);
        Accept::Accepted
    }
    fn record(&mut self, r: Record) -> Accept {
        self.records.push(r);
        Accept::Accepted
    }
    fn quarantine(&mut self, q: QuarantineEntry) {
        self.quarantined.push(q);
    }
    fn field_issue(&mut self, q: QuarantineEntry) {
        self.issues.push(q);
    }
}

pub fn options() -> ReadOptions {
    ReadOptions { max_record_bytes: 1 << 20, column_map: ColumnMap::default(), keyring: Keyring::from_bytes([9; 32]) }
}

pub fn read_path(format: Format, path: &Path) -> Collect {
    read_path_with(format, path, &options())
}

pub fn read_path_with(format: Format, path: &Path, opts: &ReadOptions) -> Collect {
    let input = Input::new(path, path.display().to_string()).unwrap();
    let sample = input.sample(crate::input::SAMPLE_BYTES).unwrap();
    let cx = ReadContext { source: SourceId(0), input: &input, options: opts, sample: &sample };
    let mut c = Collect::default();
    let mut r = input.open(None).unwrap();
    crate::read(&cx, format, &mut r, &mut c).unwrap();
    c
}

pub fn read_str(format: Format, text: &str) -> Collect {
    read_bytes(format, text.as_bytes())
}

pub fn read_bytes(format: Format, bytes: &[u8]) -> Collect {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    std::fs::write(&path, bytes).unwrap();
    read_path(format, &path)
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn arbitrary_text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,400}",
            proptest::collection::vec(any::<u8>(), 0..400).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            // Near-valid inputs: real headers and JSON keys with junk around them.
            "subject_id,full_name,ssn,country,date_of_birth\n[a-z0-9,;\"\n -]{0,200}",
            "subject_id,source,account\n[a-z0-9,;\"\n@.-]{0,200}",
            "asset_serial,subject_id,host_identifier,hostname,assigned_at,managed\n[a-zA-Z0-9,;\"\n:T-]{0,200}",
            "subject_id,shipped_at,address_line1,address_line2,city,region,postal_code,country,status,signed_by\n[a-zA-Z0-9,;#.\"\n :T-]{0,200}",
            "subject_id,changed_at,method,account_holder,bank_country,routing_number,account_number,iban,wallet_address\n[a-zA-Z0-9,;:\"\n +.-]{0,200}",
            "subject_id,at,round,medium,duration_seconds,video_seconds,client_ip,flags\n[a-z0-9,;:|\"\n .-]{0,200}",
            "subject_id,name,email,phone,company,company_domain,verified,domain_created\n[a-zA-Z0-9,;@\"\n +.-]{0,200}",
            "subject_id,full_name,phone,phone_line_type,country,ssn,date_of_birth\n[a-zA-Z0-9,;+()\"\n .-]{0,200}",
            "\\{\"published\":\"[0-9T:Z-]{0,24}\",\"eventType\":\"[a-z.]{0,20}\",\"actor\":\\{\"type\":\"User\",\"alternateId\":\"[a-z@.]{0,12}\"\\},\"client\":\\{\"ipAddress\":\"[0-9.:a-f]{0,20}\"\\}\\}\n?",
            "(\\{\"createdDateTime\":\"[0-9T:Z.+-]{0,30}\",\"userPrincipalName\":\"[a-z@.]{0,12}\",\"ipAddress\":\"[0-9.:a-f]{0,16}\",\"status\":\\{\"errorCode\":[0-9\"]{0,6}\\},\"location\":(\"US\"|\\{\"countryOrRegion\":\"[A-Z]{0,3}\"\\}|[0-9]{1,3})\\}\n){1,4}",
            "(\\{\"time\":\"[0-9T:Z.-]{0,28}\",\"category\":\"[A-Za-z]{0,30}\",\"properties\":\\{\"userPrincipalName\":\"[a-z@.]{0,8}\",\"isInteractive\":(true|\"false\"|1|null)\\}\\}\n){1,3}",
            "(\\{\"id\":\\{\"time\":\"[0-9T:Z.-]{0,26}\",\"uniqueQualifier\":(\"-?[0-9]{0,5}\"|[0-9]{1,4})\\},\"actor\":\\{\"email\":\"[a-z@.]{0,8}\"\\},\"ipAddress\":\"[0-9.:]{0,12}\",\"events\":\\[(\\{\"name\":\"[a-z_]{0,14}\",\"parameters\":\\[\\{\"name\":\"x\",\"(value|intValue|boolValue|multiValue)\":(\"[a-z0-9]{0,4}\"|true|\\[\"a\"\\]|7)\\}\\]\\},?){0,3}\\]\\}\n){1,3}",
            "(\\{\"@timestamp\":(1[0-9]{12}|\"[0-9.]{0,18}\"|\"[0-9T:Z-]{0,20}\"),\"action\":\"[a-z_.]{0,16}\",\"actor\":(\"[a-z-]{0,8}\"|null|\\[\\]),\"org\":(\"[a-z]{0,5}\"|\\[\"[a-z]{0,3}\"\\]|\\[\\]|5),\"actor_ip\":\"[0-9.:]{0,14}\"\\}\n){1,4}",
            "account,at,ip,result,country,latitude,longitude,asn,app\n([a-z@.]{0,8},[0-9T:Z-]{0,22},[0-9.:]{0,12},(success|failure|x)?,[A-Za-z ]{0,8},-?[0-9.]{0,5},-?[0-9.]{0,5},(AS)?[0-9]{0,6},[a-z]{0,7}\n){0,5}",
            "account,at,kind,source,camera_on,duration_seconds\n([a-z@.]{0,8},[0-9T:Z+-]{0,25},[a-z]{0,7},[a-z]{0,5},(true|false|x)?,-?[0-9.]{0,6}\n){0,5}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every reader accepts or quarantines; none panics, whatever the bytes.
        #[test]
        fn readers_never_panic(text in arbitrary_text()) {
            for format in [
                Format::People,
                Format::Accounts,
                Format::Okta,
                Format::Entra,
                Format::Gws,
                Format::Github,
                Format::Signins,
                Format::Activity,
                Format::Commits,
                Format::Osquery,
                Format::Devices,
                Format::Shipments,
                Format::PayrollChanges,
                Format::Interviews,
                Format::References,
                Format::GithubProfile,
                Format::Watchlist,
            ] {
                let c = read_str(format, &text);
                // Nothing vanishes: a non-empty line of a one-event-per-record format is an
                // event or a quarantine entry.
                if matches!(format, Format::Okta | Format::Entra | Format::Github | Format::Gws) {
                    let lines = text
                        .split('\n')
                        .enumerate()
                        .map(|(i, l)| if i == 0 { l.trim_start_matches('\u{feff}') } else { l })
                        .filter(|l| !l.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty())
                        .count();
                    let shape = crate::framing::detect_shape(text.as_bytes());
                    if shape == crate::framing::JsonShape::Lines {
                        if format == Format::Gws {
                            // An activity holds one or more events.
                            prop_assert!(c.events.len() + c.quarantined.len() >= lines);
                        } else {
                            prop_assert_eq!(c.events.len() + c.quarantined.len(), lines);
                        }
                    }
                }
            }
            let _ = crate::sniff::recognise_sample(text.as_bytes(), &ColumnMap::default());
        }
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[A-Za-z0-9 .:+@;|-]{0,12}",
            Just("2025-03-01T10:00:00Z".to_string()),
            Just("E1".to_string()),
            Just("ach".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Every data row of a record CSV is a record or a quarantine entry: none vanishes.
        #[test]
        fn record_rows_never_vanish(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..12), 0..12),
            delimiter in proptest::sample::select(vec![",", ";", "\t"]),
        ) {
            for (format, header) in [
                (Format::PayrollChanges, "subject_id,changed_at,method,account_holder,bank_country,routing_number,account_number,iban,wallet_address,wallet_chain"),
                (Format::Interviews, "subject_id,at,round,medium,duration_seconds,video_seconds,client_ip,flags,notes,interviewer"),
                (Format::References, "subject_id,name,email,phone,company,company_domain,verified,domain_created,x,y"),
            ] {
                let mut text = format!("{}\n", header.replace(',', delimiter));
                let mut count = 0;
                for r in &rows {
                    let line = r.join(delimiter);
                    if line.trim().is_empty() {
                        continue; // the CSV reader skips blank lines
                    }
                    text.push_str(&line);
                    text.push('\n');
                    count += 1;
                }
                let c = read_str(format, &text);
                prop_assert_eq!(c.records.len() + c.quarantined.len(), count, "{:?}", format);
            }
        }
    }
}

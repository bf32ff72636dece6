//! `watchlist.csv`: identifiers of people the organisation removed or banned, so that
//! I14 knows them again when they come back under a new name.
//!
//! One row per identifier: `kind` (email, phone, ssn, id_document, bank_account, iban,
//! wallet, github, device_serial) and `value` are required; `label` (why they are listed,
//! a case number) and `listed_at` (a date) are optional. Values are normalised as the
//! people and pay files' are (emails folded, phones to E.164 with `country` or the US as
//! the default, GitHub logins lower case), and SSNs, document, account and IBAN numbers
//! are fingerprinted with the run's key here, at ingest: the raw number goes no further.
//! A row with an unknown kind, or a value that normalises to nothing, is quarantined
//! with the reason.

use std::io::BufRead;

use bonafide_core::records::{WatchEntry, WatchKind, WatchValue};
use bonafide_core::{QuarantineEntry, Record, SensitiveKind};

use crate::columns::Cols;
use crate::people::parse_date;
use crate::record_csv;
use crate::{ReadContext, RecordSink};

pub const COLUMNS: &[&str] = &["kind", "value", "label", "listed_at", "country"];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "watchlist", crate::Format::Watchlist.required_columns(), sink)?
    else {
        return Ok(());
    };
    let cols = Cols::new(&table, COLUMNS);
    let places = bonafide_intel::Places::builtin();
    let keyring = &cx.options.keyring;
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        let get = |name: &str| row.get(cols.get(name));
        let pos = cx.pos(row.line);
        let (Some(kind), Some(raw)) = (get("kind"), get("value")) else {
            cx.quarantine(sink, row.line, None, "kind and value are required");
            return;
        };
        let Some(kind) = WatchKind::parse(kind) else {
            let known: Vec<&str> = WatchKind::ALL.iter().map(|k| k.as_str()).collect();
            // A word is repeated; anything else may be a value in the wrong column (an
            // SSN where the kind should be) and is not.
            let word = kind.len() <= 40 && kind.chars().all(|c| c.is_ascii_alphabetic() || " _-".contains(c));
            let shown = if word { format!("kind {kind:?}") } else { "a kind that is no word".to_string() };
            cx.quarantine(sink, row.line, None, format!("{shown} is not one of {}", known.join(", ")));
            return;
        };
        let protect = |k: SensitiveKind| keyring.protect(k, raw).map(WatchValue::Protected);
        let value = match kind {
            WatchKind::Ssn => protect(SensitiveKind::Ssn),
            WatchKind::IdDocument => protect(SensitiveKind::IdDocument),
            WatchKind::BankAccount => protect(SensitiveKind::BankAccount),
            WatchKind::Iban => protect(SensitiveKind::Iban),
            WatchKind::Email => bonafide_intel::contact::email_key(raw).map(WatchValue::Plain),
            WatchKind::Phone => {
                let given = get("country");
                let country = given.and_then(|c| places.country(c));
                if given.is_some() && country.is_none() {
                    // Said, not silently taken as the US (the number would be misread).
                    sink.field_issue(QuarantineEntry {
                        pos,
                        reason: "watchlist phone: country is not a known country; read as US".into(),
                    });
                }
                let country = country.or_else(|| places.country("US"));
                bonafide_intel::phone::normalise(raw, country).map(|p| WatchValue::Plain(p.e164))
            }
            WatchKind::Github => bonafide_intel::contact::github_login(raw).map(WatchValue::Plain),
            // Case matters in some chains' addresses and not in others'.
            WatchKind::Wallet => bonafide_intel::sanctions::normalise_wallet(raw).map(WatchValue::Plain),
            WatchKind::DeviceSerial => {
                let v = raw.trim().to_ascii_uppercase();
                (!v.is_empty()).then_some(WatchValue::Plain(v))
            }
        };
        let Some(value) = value else {
            // The value itself is not repeated: it may be a number that must not leak.
            cx.quarantine(sink, row.line, None, format!("a {} value that reads as none", kind.as_str()));
            return;
        };
        let listed_at = get("listed_at").and_then(|v| {
            let d = parse_date(v);
            if d.is_none() {
                sink.field_issue(QuarantineEntry {
                    pos,
                    reason: format!("watchlist {}: listed_at is not a date (YYYY-MM-DD); field ignored", kind.as_str()),
                });
            }
            d
        });
        sink.record(Record::Watch(WatchEntry {
            kind,
            value,
            label: get("label").map(|l| label_text(l, keyring)),
            listed_at,
            source: pos,
        }));
    })
}

/// A label as kept: free text shown in findings, so an SSN or IBAN typed into it is
/// masked and fingerprinted as in notes, and any other run of six or more digits (a
/// bare SSN, an account or passport number) keeps only its last four.
fn label_text(label: &str, keyring: &bonafide_intel::Keyring) -> String {
    let scrubbed = crate::columns::scrub_text(label, keyring);
    let chars: Vec<char> = scrubbed.chars().collect();
    let mut out = String::with_capacity(scrubbed.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= 6 {
            let last: String = run.chars().filter(char::is_ascii_digit).skip(digits - 4).collect();
            out.push_str("****");
            out.push_str(&last);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for (i, &c) in chars.iter().enumerate() {
        // Digits, with the separators people type inside numbers (`123 45 6789`).
        let inside =
            matches!(c, '-' | ' ' | '.') && !run.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || inside {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;
    use bonafide_core::records::{WatchKind, WatchValue};
    use proptest::prelude::*;

    use crate::Format;
    use crate::test_support::read_str;

    const TEXT: &str = "Kind,Value,Label,Listed_At\n\
                        email, Jane.Roe@Example.COM ,\"case 12 (SSN 078-05-1120, acct 000123456789)\",2025-01-02\n\
                        SSN,123-45-6789,case 12,\n\
                        phone,(614) 555-1001,,yesterday\n\
                        github,@JRoe-dev,,\n\
                        bank account,987654321,,\n\
                        shoe size,44,,\n\
                        123-45-6789,email,,\n\
                        ssn,---,,\n\
                        ,x,,\n";

    #[test]
    fn reads_normalises_and_fingerprints() {
        let c = read_str(Format::Watchlist, TEXT);
        let entries: Vec<_> = c
            .records
            .iter()
            .map(|r| match r {
                Record::Watch(w) => w,
                other => panic!("{other:?}"),
            })
            .collect();
        let kinds: Vec<WatchKind> = entries.iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [WatchKind::Email, WatchKind::Ssn, WatchKind::Phone, WatchKind::Github, WatchKind::BankAccount]
        );
        assert_eq!(entries[0].value, WatchValue::Plain("jane.roe@example.com".into()));
        let label = entries[0].label.as_deref().unwrap_or_default();
        assert!(label.starts_with("case 12 (SSN ***-**-1120 (fp:") && !label.contains("078-05"), "{label}");
        assert!(label.ends_with("acct ****6789)") && !label.contains("123456789"), "{label}");
        assert_eq!(entries[0].listed_at.map(|t| t.date_string()).as_deref(), Some("2025-01-02"));
        assert!(matches!(&entries[1].value, WatchValue::Protected(p) if p.masked.ends_with("6789")));
        assert_eq!(entries[2].value, WatchValue::Plain("+16145551001".into()));
        assert_eq!(entries[3].value, WatchValue::Plain("jroe-dev".into()));
        // The raw numbers are nowhere in what the reader hands over or says.
        let all = format!("{:?} {:?} {:?}", c.records, c.quarantined, c.issues);
        assert!(!all.contains("123-45-6789") && !all.contains("123456789") && !all.contains("987654321"), "{all}");
        let reasons: Vec<&str> = c.quarantined.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].contains("\"shoe size\" is not one of email, phone"), "{reasons:?}");
        assert!(reasons[1].contains("a kind that is no word is not one of"), "{reasons:?}");
        assert!(!reasons[1].contains("6789"), "{reasons:?}");
        assert!(reasons[2].contains("a ssn value that reads as none"), "{reasons:?}");
        assert!(reasons[3].contains("kind and value are required"), "{reasons:?}");
        assert!(c.issues[0].reason.contains("listed_at"), "{:?}", c.issues);
    }

    /// A country the reader does not know is said, and the phone read as the US's.
    #[test]
    fn an_unknown_country_for_a_phone_is_said() {
        let c = read_str(
            Format::Watchlist,
            "kind,value,label,country\nphone,(614) 555-1001,x,Narnia\nphone,020 7946 0958,x,GB\n",
        );
        let values: Vec<&WatchValue> =
            c.records.iter().filter_map(|r| if let Record::Watch(w) = r { Some(&w.value) } else { None }).collect();
        assert_eq!(values, [&WatchValue::Plain("+16145551001".into()), &WatchValue::Plain("+442079460958".into())]);
        assert_eq!(c.issues.len(), 1, "{:?}", c.issues);
        assert!(c.issues[0].reason.contains("country is not a known country"), "{:?}", c.issues);
    }

    proptest! {
        /// A label never keeps six digits in a row, whatever is typed into it.
        #[test]
        fn labels_keep_no_long_numbers(text in "[a-z0-9 .,()-]{0,60}") {
            let k = bonafide_intel::Keyring::from_bytes([3; 32]);
            let out = super::label_text(&text, &k);
            let longest = out.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            prop_assert!(longest < 6, "{} -> {}", text, out);
        }

        /// Any row is read or quarantined, never a panic, and never both.
        #[test]
        fn any_row_is_read_or_quarantined(kind in "[a-z_ ]{0,14}", value in ".{0,30}") {
            let v = value.replace(['\n', '\r', ',', '"'], " ");
            let c = read_str(Format::Watchlist, &format!("kind,value\n{kind},{v}\n"));
            prop_assert_eq!(c.records.len() + c.quarantined.len(), 1);
        }
    }
}

//! `references.csv`: the references a candidate gave.
//!
//! Kept as given, with the email and company domain folded to lower case, so that the
//! reference checks (A4) can judge the domains (free mail, look-alike, young, seized)
//! and the contact checks (H2) can see a reference whose phone or email is the
//! candidate's own or another candidate's. `domain_created` (optional, a date) is the
//! registration date of `company_domain` when the user's export knows it.
//!
//! `subject_id` is required; a row without it is quarantined.

use std::io::BufRead;

use bonafide_core::records::Reference;
use bonafide_core::{QuarantineEntry, Record};

use crate::columns::{Cols, parse_bool};
use crate::people::parse_date;
use crate::record_csv;
use crate::{ReadContext, RecordSink};

pub const COLUMNS: &[&str] =
    &["subject_id", "name", "email", "phone", "company", "company_domain", "verified", "domain_created"];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) =
        record_csv::open(cx, reader, "references", crate::Format::References.required_columns(), sink)?
    else {
        return Ok(());
    };
    let cols = Cols::new(&table, COLUMNS);
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        let get = |name: &str| row.get(cols.get(name));
        let pos = cx.pos(row.line);
        let Some(subject_id) = get("subject_id") else {
            cx.quarantine(sink, row.line, None, "subject_id is required");
            return;
        };
        let issue = |sink: &mut dyn RecordSink, field: &str, what: String| {
            sink.field_issue(QuarantineEntry {
                pos,
                reason: format!("subject {subject_id}: {field} {what}; field ignored"),
            });
        };
        let verified = get("verified").and_then(|v| {
            let b = parse_bool(v);
            if b.is_none() {
                issue(sink, "verified", format!("{v:?} is not true or false"));
            }
            b
        });
        let domain_created = get("domain_created").and_then(|v| {
            let d = parse_date(v);
            if d.is_none() {
                issue(sink, "domain_created", format!("{v:?} is not a date (YYYY-MM-DD)"));
            }
            d
        });
        let r = Reference {
            subject_id: subject_id.to_string(),
            name: get("name").map(str::to_string),
            email: get("email").map(|e| e.to_lowercase()),
            phone: get("phone").map(str::to_string),
            company: get("company").map(str::to_string),
            company_domain: get("company_domain").map(bonafide_intel::domains::clean),
            verified,
            source: pos,
            domain_created,
            extra: cols.extras(row, &cx.options.keyring),
        };
        sink.record(Record::Reference(r));
    })
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;

    use crate::Format;
    use crate::test_support::read_str;

    #[test]
    fn reads_references() {
        let text = "subject_id,name,email,phone,company,company_domain,verified,domain_created\n\
            A1,Bob Lee,Bob.Lee@Gmail.com,+1 212 555 0100,Acme Corp,https://www.Acme.com/,no,2025-01-02\n\
            A1,,,,,,maybe,soon\n,Nobody,,,,,,\n";
        let c = read_str(Format::References, text);
        assert_eq!((c.records.len(), c.quarantined.len(), c.issues.len()), (2, 1, 2), "{:?}", c.issues);
        let Record::Reference(r) = &c.records[0] else { panic!() };
        assert_eq!(r.email.as_deref(), Some("bob.lee@gmail.com"));
        assert_eq!(r.company_domain.as_deref(), Some("acme.com"));
        assert_eq!(r.verified, Some(false));
        assert_eq!(r.domain_created.unwrap().date_string(), "2025-01-02");
    }
}

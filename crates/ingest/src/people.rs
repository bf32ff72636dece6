//! `people.csv`: one row per person the organisation knows.
//!
//! Normalises what people claim so detectors can compare it: country and region to
//! codes, the address to a comparison key, emails to lower case, the home time zone
//! from the address when the row gives none. SSNs and identity-document numbers are
//! fingerprinted here and the raw values go no further; columns the contract does not
//! know are kept as extra attributes, except that any whose name looks sensitive
//! (`bank_account`, `passport_no`, ...) is fingerprinted too.
//!
//! Only `subject_id` and `full_name` are required. A row without them is quarantined; a
//! row with an unusable optional value (a date that is not a date) is accepted without
//! that value, and the value's problem is reported as a field issue.

use std::io::BufRead;
use std::path::PathBuf;

use bonafide_core::subject::{IdDocument, IdvResult};
use bonafide_core::{Place, PostalAddress, QuarantineEntry, SensitiveKind, Subject, SubjectKind, UtcMs};
use bonafide_intel::Places;
use bonafide_intel::address::address_key;

use crate::columns::Cols;
use crate::record_csv;
use crate::table::Row;
use crate::{ReadContext, RecordSink};

/// The columns of the contract; anything else is an extra attribute.
pub const COLUMNS: &[&str] = &[
    "subject_id",
    "kind",
    "full_name",
    "aliases",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "timezone",
    "date_of_birth",
    "ssn",
    "id_doc_type",
    "id_doc_number",
    "id_doc_country",
    "idv_result",
    "idv_face_match",
    "applied_date",
    "hire_date",
    "end_date",
    "role",
    "department",
    "vendor",
    "vendor_domain",
    "referred_by",
    "github",
    "linkedin",
    "website",
    "resume_path",
    "photo_path",
    "requested_pay",
    "pay_band_mid",
    "currency",
    "address_changed_at",
    "phone_line_type",
    "vendor_domain_created",
    "website_created",
];

fn split_multi(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A date column: `YYYY-MM-DD`, or an RFC 3339 time (its UTC date is kept).
pub fn parse_date(s: &str) -> Option<UtcMs> {
    UtcMs::parse_date(s).ok().or_else(|| UtcMs::parse(s).ok().map(|t| UtcMs(t.day() * bonafide_core::time::MS_PER_DAY)))
}

/// An amount: digits with optional thousands separators and currency signs.
pub fn parse_amount(s: &str) -> Option<f64> {
    let cleaned: String = s.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn is_iana_zone(name: &str) -> bool {
    jiff::tz::db().get(name).is_ok()
}

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "people", crate::Format::People.required_columns(), sink)?
    else {
        return Ok(());
    };
    let cols = Cols::new(&table, COLUMNS);
    let base_dir: PathBuf = cx.input.path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        if let Some(subject) = person(cx, &cols, row, &base_dir, sink) {
            sink.subject(subject);
        }
    })
}

fn person(
    cx: &ReadContext<'_>,
    cols: &Cols,
    row: &Row,
    base_dir: &std::path::Path,
    sink: &mut dyn RecordSink,
) -> Option<Subject> {
    let places = Places::builtin();
    let get = |name: &str| row.get(cols.get(name));
    let pos = cx.pos(row.line);
    let (Some(id), Some(name)) = (get("subject_id"), get("full_name")) else {
        cx.quarantine(sink, row.line, None, "subject_id and full_name are required");
        return None;
    };
    let issue = |sink: &mut dyn RecordSink, field: &str, what: String| {
        sink.field_issue(QuarantineEntry { pos, reason: format!("subject {id}: {field} {what}; field ignored") });
    };
    let mut s = Subject { id: id.to_string(), name: name.to_string(), source: Some(pos), ..Default::default() };
    if let Some(k) = get("kind") {
        match SubjectKind::parse(k) {
            Some(kind) => s.kind = kind,
            None => issue(sink, "kind", format!("{k:?} is not applicant, employee, contractor or account")),
        }
    }
    s.aliases = get("aliases").map(split_multi).unwrap_or_default();
    s.emails = get("email").map(|e| split_multi(&e.to_lowercase())).unwrap_or_default();
    s.phone = get("phone").map(str::to_string);

    let address = PostalAddress {
        line1: get("address_line1").map(str::to_string),
        line2: get("address_line2").map(str::to_string),
        city: get("city").map(str::to_string),
        region: get("region").map(str::to_string),
        postal_code: get("postal_code").map(str::to_string),
        country: get("country").map(str::to_string),
        key: None,
    };
    let country = match get("country") {
        Some(c) => match places.country(c) {
            Some(cc) => Some(cc),
            None => {
                issue(sink, "country", format!("{c:?} is not a known country"));
                None
            }
        },
        None => None,
    };
    s.home = Place {
        country,
        region: get("region").and_then(|r| places.region(country, r)),
        city: get("city").map(std::sync::Arc::from),
        point: None,
    };
    if !address.is_empty() {
        let mut a = address;
        a.key = address_key(&a);
        s.address = Some(a);
    }
    s.timezone = match get("timezone") {
        Some(tz) if is_iana_zone(tz) => Some(tz.to_string()),
        Some(tz) => {
            issue(sink, "timezone", format!("{tz:?} is not an IANA time zone"));
            places.timezone(s.home.country, s.home.region.as_ref()).map(str::to_string)
        }
        None => places.timezone(s.home.country, s.home.region.as_ref()).map(str::to_string),
    };

    let date = |sink: &mut dyn RecordSink, field: &str, sensitive: bool| -> Option<UtcMs> {
        let v = get(field)?;
        let d = parse_date(v);
        if d.is_none() {
            let shown = if sensitive {
                String::from("is not a date (YYYY-MM-DD)")
            } else {
                format!("{v:?} is not a date (YYYY-MM-DD)")
            };
            issue(sink, field, shown);
        }
        d
    };
    s.date_of_birth = date(sink, "date_of_birth", true);
    s.vendor_domain_created = date(sink, "vendor_domain_created", false);
    s.website_created = date(sink, "website_created", false);
    if let Some(raw) = s.phone.as_deref() {
        match bonafide_intel::phone::normalise(raw, s.home.country) {
            Some(p) => {
                s.phone_e164 = Some(p.e164);
                s.phone_country = p.country;
                s.phone_line_type = p.line_type.filter(|t| *t == bonafide_core::LineType::Voip);
            }
            None if s.home.country.is_none() && !raw.trim_start().starts_with(['+', '(']) => issue(
                sink,
                "phone",
                "has no country code and the row no country to read it by; kept as given, not compared".into(),
            ),
            None => issue(sink, "phone", format!("{raw:?} is not a phone number; kept as given, not compared")),
        }
    }
    if let Some(v) = get("phone_line_type") {
        match bonafide_core::LineType::parse(v) {
            Some(t) => s.phone_line_type = Some(t),
            None => issue(
                sink,
                "phone_line_type",
                format!(
                    "{v:?} is not a known line type (mobile, landline, voip, fixed_voip, non_fixed_voip, toll_free, other)"
                ),
            ),
        }
    }
    s.applied_date = date(sink, "applied_date", false);
    s.hire_date = date(sink, "hire_date", false);
    s.end_date = date(sink, "end_date", false);
    s.address_changed_at = date(sink, "address_changed_at", false);

    let keyring = &cx.options.keyring;
    if let Some(raw) = get("ssn") {
        // The issuance rules need the digits: check them before they are fingerprinted,
        // and keep only the conclusions.
        s.ssn_check = bonafide_intel::ssn::check(raw);
        s.ssn = keyring.protect(SensitiveKind::Ssn, raw);
        if s.ssn.is_none() {
            issue(sink, "ssn", "has no digits".into());
        }
    }
    if let Some(raw) = get("id_doc_number") {
        match keyring.protect(SensitiveKind::IdDocument, raw) {
            Some(number) => {
                s.id_document = Some(IdDocument {
                    doc_type: get("id_doc_type").map(str::to_string),
                    number,
                    country: get("id_doc_country").map(str::to_string),
                })
            }
            None => issue(sink, "id_doc_number", "has no letters or digits".into()),
        }
    }
    if let Some(v) = get("idv_result") {
        s.idv_result = IdvResult::parse(v);
        if s.idv_result.is_none() {
            issue(sink, "idv_result", format!("{v:?} is not pass, fail or resubmitted"));
        }
    }
    if let Some(v) = get("idv_face_match") {
        match v.parse::<f64>().ok().filter(|x| (0.0..=1.0).contains(x)) {
            Some(x) => s.idv_face_match = Some(x),
            None => issue(sink, "idv_face_match", format!("{v:?} is not a number from 0 to 1")),
        }
    }
    for (field, slot) in [("requested_pay", &mut s.requested_pay), ("pay_band_mid", &mut s.pay_band_mid)] {
        if let Some(v) = get(field) {
            *slot = parse_amount(v);
            if slot.is_none() {
                issue(sink, field, format!("{v:?} is not an amount"));
            }
        }
    }
    let text = |f: &str| get(f).map(str::to_string);
    s.role = text("role");
    s.department = text("department");
    s.vendor = text("vendor");
    s.vendor_domain = get("vendor_domain").map(|d| d.to_lowercase());
    s.referred_by = text("referred_by");
    s.github = get("github").and_then(bonafide_intel::contact::github_login);
    s.linkedin = text("linkedin");
    s.website = text("website");
    s.currency = get("currency").map(|c| c.to_uppercase());
    s.resume_path = get("resume_path").map(|p| base_dir.join(p));
    s.photo_path = get("photo_path").map(|p| base_dir.join(p));

    s.extra = cols.extras(row, keyring);
    Some(s)
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::test_support::{Collect, read_str};

    const HEADER: &str = "subject_id,kind,full_name,email,address_line1,address_line2,city,region,postal_code,country,timezone,date_of_birth,ssn,id_doc_number,idv_face_match,requested_pay,bank_acct_no,favourite_colour\n";

    #[test]
    fn reads_and_normalises() {
        let text = format!(
            "{HEADER}E1,employee,Jane Roe,Jane.Roe@Example.com;jr@x.io,12 Oak Street,Apt 4,Springfield,Illinois,62701-1234,United States,,1990-02-03,123-45-6789,X1234567,0.93,\"$95,000\",987654321,blue\n"
        );
        let c: Collect = read_str(Format::People, &text);
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        let s = &c.subjects[0];
        assert_eq!(s.emails, vec!["jane.roe@example.com", "jr@x.io"]);
        assert_eq!(s.home.country.unwrap().as_str(), "US");
        assert_eq!(s.home.region.as_ref().unwrap().as_str(), "US-IL");
        assert_eq!(s.timezone.as_deref(), Some("America/Chicago"), "derived from the state");
        assert_eq!(s.address.as_ref().unwrap().key.as_deref(), Some("12 OAK ST|4|62701|US"));
        assert_eq!(s.ssn.as_ref().unwrap().masked, "***-**-6789");
        assert_eq!(s.id_document.as_ref().unwrap().number.masked, "****4567");
        assert_eq!(s.requested_pay, Some(95_000.0));
        assert_eq!(s.extra.get("favourite_colour").map(String::as_str), Some("blue"));
        let fp = s.extra.get("bank_acct_no").unwrap();
        assert!(fp.starts_with("****4321 (fp:") && !fp.contains("987654321"), "{fp}");
        assert_eq!(s.date_of_birth.unwrap().date_string(), "1990-02-03");
    }

    /// One stray quote costs its own row, not the rest of the file.
    #[test]
    fn an_unclosed_quote_costs_one_row() {
        let text =
            "subject_id,full_name,email\nE1,\"Jane Roe,jane@x.com\nE2,Bob Roe,bob@x.com\nE3,Carl Roe,carl@x.com\n";
        let c = read_str(Format::People, text);
        let ids: Vec<&str> = c.subjects.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["E2", "E3"]);
        assert_eq!(c.quarantined.len(), 1);
        assert_eq!(c.quarantined[0].pos.line, 2);
    }

    /// A header that repeats a column reports it; the later copies are kept as extras
    /// (fingerprinted when sensitive), not dropped.
    #[test]
    fn repeated_columns_are_reported_and_kept() {
        let text = "subject_id,full_name,email,email,ssn,ssn,notes,notes
                    E1,Jane Roe,jane@x.io,jr@y.io,123-45-6789,987-65-4321,a,b
";
        let c = read_str(Format::People, text);
        assert_eq!(c.subjects.len(), 1);
        let reasons: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons.iter().all(|r| r.contains("appears 2 times")), "{reasons:?}");
        let s = &c.subjects[0];
        assert_eq!(s.emails, vec!["jane@x.io"]);
        assert_eq!(s.extra.get("email#2").map(String::as_str), Some("jr@y.io"));
        assert_eq!((s.extra["notes"].as_str(), s.extra["notes#2"].as_str()), ("a", "b"));
        let second = &s.extra["ssn#2"];
        assert!(second.contains("(fp:") && !second.contains("987-65-4321"), "{second}");
    }

    #[test]
    fn bad_values_are_field_issues_missing_keys_quarantine() {
        let text = format!(
            "{HEADER}E2,wizard,Bob,,,,,,,Narnia,Mars/Base,not-a-date,--,,7,lots,,\n,employee,No Id,,,,,,,,,,,,,,,\nE3,employee,Short\n"
        );
        let c = read_str(Format::People, &text);
        assert_eq!(c.subjects.len(), 1);
        assert_eq!(c.quarantined.len(), 2, "{:?}", c.quarantined);
        let reasons: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        for field in ["kind", "country", "timezone", "date_of_birth", "ssn", "idv_face_match", "requested_pay"] {
            assert!(reasons.iter().any(|r| r.contains(field)), "{field} not reported: {reasons:?}");
        }
        assert!(!reasons.iter().any(|r| r.contains("not-a-date")), "a date of birth is not quoted");
    }

    #[test]
    fn ssn_conclusions_phones_and_line_types() {
        let text = "subject_id,full_name,country,phone,phone_line_type,ssn,date_of_birth,vendor_domain_created\n\
            E1,Jane Roe,US,(614) 555-0123,nonFixedVoip,666-12-3456,1980-01-01,2025-01-01\n\
            E2,Bob Roe,GB,+44 56 1234 5678,,773-12-3456,1970-05-05,\n\
            E3,Ann Roe,US,call me,carrier pigeon,123-45-6789,,\n";
        let c = read_str(Format::People, text);
        let s = |i: usize| &c.subjects[i];
        let check = s(0).ssn_check.as_ref().unwrap();
        assert_eq!(check.problems, vec![bonafide_core::SsnProblem::AreaNeverIssued]);
        assert_eq!(s(0).phone_e164.as_deref(), Some("+16145550123"));
        assert_eq!(s(0).phone_line_type, Some(bonafide_core::LineType::NonFixedVoip));
        assert_eq!(s(0).vendor_domain_created.unwrap().date_string(), "2025-01-01");
        assert_eq!(s(1).phone_country.unwrap().as_str(), "GB");
        assert_eq!(s(1).phone_line_type, Some(bonafide_core::LineType::Voip), "the numbering plan says VoIP");
        assert_eq!(s(1).ssn_check.as_ref().unwrap().issued_not_before.unwrap().date_string(), "2011-06-25");
        assert!(s(2).ssn_check.as_ref().unwrap().problems.is_empty());
        let reasons: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("phone ") && r.contains("call me")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("phone_line_type")), "{reasons:?}");
        let shown = format!("{:?}", c.subjects);
        for raw in ["666-12-3456", "666123456", "773123456", "123456789"] {
            assert!(!shown.contains(raw), "{raw} kept");
        }
    }
}

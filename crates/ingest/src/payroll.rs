//! `payroll_changes.csv`: every change of where a person is paid.
//!
//! Routing, account and IBAN numbers are fingerprinted here with the installation key
//! and only their masked last four go further; before that the reader takes what is
//! not secret from them (the IBAN's country) and checks what can be checked (an ABA
//! routing number's checksum, an IBAN's mod-97), reporting a failure as a field issue
//! that never quotes the value. Wallet addresses are public identifiers (sanctions lists
//! publish them) and are kept as given, trimmed, for screening and linking.
//!
//! `subject_id`, `changed_at` and `method` are required: a row without a usable
//! `subject_id` or `changed_at` is quarantined; an unknown method is read as `other`
//! with a field issue, so the account it names still links people.

use std::io::BufRead;

use bonafide_core::records::{PayMethod, PayrollChange, Wallet};
use bonafide_core::{CountryCode, QuarantineEntry, Record, SensitiveKind};
use bonafide_intel::Places;

use crate::columns::Cols;
use crate::record_csv::{self, parse_time};
use crate::table::Row;
use crate::{ReadContext, RecordSink};

pub const COLUMNS: &[&str] = &[
    "subject_id",
    "changed_at",
    "method",
    "account_holder",
    "bank_name",
    "bank_country",
    "routing_number",
    "account_number",
    "iban",
    "wallet_address",
    "wallet_chain",
];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) =
        record_csv::open(cx, reader, "payroll_changes", crate::Format::PayrollChanges.required_columns(), sink)?
    else {
        return Ok(());
    };
    let cols = Cols::new(&table, COLUMNS);
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| {
        if let Some(change) = change(cx, &cols, row, sink) {
            sink.record(Record::Payroll(change));
        }
    })
}

/// The ABA checksum of a nine-digit US routing number.
fn aba_ok(digits: &[u32]) -> bool {
    let w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    digits.len() == 9 && digits.iter().zip(w).map(|(d, w)| d * w).sum::<u32>() % 10 == 0
}

/// ISO 13616 mod-97 check of an IBAN (letters and digits, upper case).
/// ISO 13616 mod-97 check of a compact IBAN (no spaces).
pub(crate) fn iban_ok(iban: &str) -> bool {
    if !(15..=34).contains(&iban.len()) || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

fn change(cx: &ReadContext<'_>, cols: &Cols, row: &Row, sink: &mut dyn RecordSink) -> Option<PayrollChange> {
    let places = Places::builtin();
    let get = |name: &str| row.get(cols.get(name));
    let pos = cx.pos(row.line);
    let Some(subject_id) = get("subject_id") else {
        cx.quarantine(sink, row.line, None, "subject_id is required");
        return None;
    };
    let changed_at = match get("changed_at") {
        Some(v) => match parse_time(v) {
            Some(t) => t,
            None => {
                cx.quarantine(sink, row.line, None, format!("changed_at {v:?} is not an RFC 3339 time or a date"));
                return None;
            }
        },
        None => {
            cx.quarantine(sink, row.line, None, "changed_at is required");
            return None;
        }
    };
    let issue = |sink: &mut dyn RecordSink, field: &str, what: String| {
        sink.field_issue(QuarantineEntry { pos, reason: format!("subject {subject_id}: {field} {what}") });
    };
    let method = match get("method") {
        Some(m) => PayMethod::parse(m).unwrap_or_else(|| {
            issue(
                sink,
                "method",
                format!("{m:?} is not ach, wire, check, paypal, payoneer, wise, crypto or other; read as other"),
            );
            PayMethod::Other
        }),
        None => {
            issue(sink, "method", "is empty; read as other".into());
            PayMethod::Other
        }
    };
    let bank_country = get("bank_country").and_then(|c| {
        let cc = places.country(c);
        if cc.is_none() {
            issue(sink, "bank_country", format!("{c:?} is not a known country; field ignored"));
        }
        cc
    });
    let keyring = &cx.options.keyring;
    let protect = |sink: &mut dyn RecordSink, field: &str, kind: SensitiveKind| {
        let raw = get(field)?;
        let p = keyring.protect(kind, raw);
        if p.is_none() {
            issue(sink, field, "has no letters or digits; field ignored".into());
        }
        p
    };
    let routing_number = protect(sink, "routing_number", SensitiveKind::RoutingNumber);
    if let Some(raw) = get("routing_number") {
        let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
        let us = bank_country.is_none_or(|c| c.as_str() == "US");
        if us && digits.len() == 9 && !aba_ok(&digits) {
            issue(sink, "routing_number", "fails the ABA checksum (kept, fingerprinted)".into());
        }
    }
    let account_number = protect(sink, "account_number", SensitiveKind::BankAccount);
    let iban = protect(sink, "iban", SensitiveKind::Iban);
    let mut iban_country = None;
    if let Some(raw) = get("iban") {
        let norm = bonafide_intel::fingerprint::normalise(SensitiveKind::Iban, raw);
        iban_country = norm.get(..2).and_then(CountryCode::new).filter(|c| places.country_info(*c).is_some());
        if !iban_ok(&norm) {
            issue(sink, "iban", "fails the IBAN check digits (kept, fingerprinted)".into());
        }
    }
    let wallet = get("wallet_address")
        .map(|a| Wallet { address: a.trim().to_string(), chain: get("wallet_chain").map(|c| c.trim().to_lowercase()) });
    Some(PayrollChange {
        subject_id: subject_id.to_string(),
        changed_at,
        method,
        account_holder: get("account_holder").map(str::to_string),
        bank_name: get("bank_name").map(str::to_string),
        bank_country,
        routing_number,
        account_number,
        iban,
        wallet,
        source: pos,
        iban_country,
        extra: cols.extras(row, keyring),
    })
}

#[cfg(test)]
mod tests {
    use bonafide_core::Record;
    use bonafide_core::records::PayMethod;

    use crate::Format;
    use crate::test_support::read_str;

    const HEADER: &str = "subject_id,changed_at,method,account_holder,bank_name,bank_country,routing_number,account_number,iban,wallet_address,wallet_chain,sort_code\n";

    fn pay(r: &Record) -> &bonafide_core::records::PayrollChange {
        match r {
            Record::Payroll(p) => p,
            other => panic!("not payroll: {other:?}"),
        }
    }

    #[test]
    fn reads_and_protects() {
        let text = format!(
            "{HEADER}E1,2025-03-01T10:00:00Z,ACH,Jane Roe,Chase,US,021000021,123456789012,,,,\n\
             E1,2025-04-01,wise,Jane Roe,Wise,,,,GB82 WEST 1234 5698 7654 32,,,40-47-84\n\
             E2,2025-04-02T00:00:00+02:00,crypto,,,,,,,0xAbC0000000000000000000000000000000000001,Ethereum,\n"
        );
        let c = read_str(Format::PayrollChanges, &text);
        assert!(c.quarantined.is_empty() && c.issues.is_empty(), "{:?} {:?}", c.quarantined, c.issues);
        assert_eq!(c.records.len(), 3);
        let a = pay(&c.records[0]);
        assert_eq!(a.method, PayMethod::Ach);
        assert_eq!(a.account_number.as_ref().unwrap().masked, "****9012");
        assert_eq!(a.routing_number.as_ref().unwrap().masked, "****0021");
        assert_eq!(a.source.line, 2);
        let b = pay(&c.records[1]);
        assert_eq!(b.iban.as_ref().unwrap().masked, "****5432");
        assert_eq!(b.country().unwrap().as_str(), "GB", "from the IBAN");
        let sort = b.extra.get("sort_code").unwrap();
        assert!(sort.contains("fp:") && !sort.contains("404784"), "{sort}");
        let w = pay(&c.records[2]);
        assert_eq!(w.wallet.as_ref().unwrap().address, "0xAbC0000000000000000000000000000000000001");
        assert_eq!(w.wallet.as_ref().unwrap().chain.as_deref(), Some("ethereum"));
        let debug = format!("{:?}", c.records);
        for raw in ["123456789012", "021000021", "GB82WEST12345698765432", "WEST 1234"] {
            assert!(!debug.contains(raw), "{raw} kept");
        }
    }

    #[test]
    fn bad_rows_and_values() {
        let text = format!(
            "{HEADER}E1,yesterday,ach,,,,,,,,,\n,2025-03-01,ach,,,,,,,,,\nE2,2025-03-01,zelle,,,Atlantis,123456789,---,GB00WEST12345698765432,,,\nE3,2025-03-01\n"
        );
        let c = read_str(Format::PayrollChanges, &text);
        assert_eq!(c.records.len(), 1);
        assert_eq!(c.quarantined.len(), 3, "{:?}", c.quarantined);
        let p = pay(&c.records[0]);
        assert_eq!(p.method, PayMethod::Other);
        let reasons: Vec<&str> = c.issues.iter().map(|q| q.reason.as_str()).collect();
        for want in ["method", "bank_country", "ABA checksum", "account_number", "IBAN check digits"] {
            assert!(reasons.iter().any(|r| r.contains(want)), "{want}: {reasons:?}");
        }
        let all = format!("{:?} {:?}", c.issues, c.quarantined);
        for raw in ["123456789", "GB00WEST"] {
            assert!(!all.contains(raw), "{raw} quoted in a reason");
        }
        let missing = read_str(Format::PayrollChanges, "subject_id,changed_at\nE1,2025-01-01\n");
        assert_eq!(missing.quarantined.len(), 1);
    }

    #[test]
    fn checksums() {
        assert!(super::aba_ok(&[0, 2, 1, 0, 0, 0, 0, 2, 1]));
        assert!(!super::aba_ok(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
        assert!(super::iban_ok("GB82WEST12345698765432"));
        assert!(super::iban_ok("DE89370400440532013000"));
        assert!(!super::iban_ok("GB00WEST12345698765432"));
    }
}

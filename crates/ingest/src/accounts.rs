//! `accounts.csv`: which log identity belongs to whom (`subject_id, source, account`).
//!
//! Without it, log identities are joined to people by email; with it, a person's Okta
//! login, Entra UPN, GitHub handle and git author emails all lead to one subject.
//! Systems and accounts are compared in lower case.

use std::io::BufRead;

use crate::record_csv;
use crate::{AccountLink, ReadContext, RecordSink};

/// The contract's columns of `accounts.csv`, all required.
pub const COLUMNS: &[&str] = &["subject_id", "source", "account"];

pub fn read(cx: &ReadContext<'_>, reader: &mut dyn BufRead, sink: &mut dyn RecordSink) -> std::io::Result<()> {
    let Some(mut table) = record_csv::open(cx, reader, "accounts", COLUMNS, sink)? else {
        return Ok(());
    };
    let (subject, source, account) = (table.col("subject_id"), table.col("source"), table.col("account"));
    record_csv::each_row(cx, &mut table, sink, &mut |row, sink| match (
        row.get(subject),
        row.get(source),
        row.get(account),
    ) {
        (Some(s), Some(src), Some(acct)) => {
            sink.account(AccountLink {
                subject_id: s.to_string(),
                system: src.to_lowercase(),
                account: acct.to_lowercase(),
                source: cx.pos(row.line),
            });
        }
        _ => cx.quarantine(sink, row.line, None, "subject_id, source and account are required"),
    })
}

#[cfg(test)]
mod tests {
    use crate::Format;
    use crate::test_support::read_str;

    #[test]
    fn reads_links() {
        let c = read_str(Format::Accounts, "subject_id,source,account\nE1,Okta,Jane@Example.com\nE2,okta,\n");
        assert_eq!(c.accounts.len(), 1);
        assert_eq!((c.accounts[0].system.as_str(), c.accounts[0].account.as_str()), ("okta", "jane@example.com"));
        assert_eq!(c.quarantined.len(), 1);
        assert_eq!(c.quarantined[0].pos.line, 3);
    }
}

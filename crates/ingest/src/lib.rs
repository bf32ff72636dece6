//! Readers: every input format bonafide understands, normalised into the shared model.
//!
//! A reader knows one format (how to recognise it, how to normalise it, its real
//! quirks) and nothing about detection. It pushes what it reads into a [`RecordSink`]:
//! subjects, account links and events that were accepted, and a quarantine entry with a
//! reason for every record that was not. Nothing is dropped silently, and sensitive
//! values (SSNs, account and document numbers) are fingerprinted before they leave the
//! reader.

pub mod accounts;
pub mod activity;
pub mod columns;
pub mod commits;
pub mod csv_rows;
pub mod devices;
pub mod documents;
pub mod entra;
pub mod framing;
pub mod ghprofile;
pub mod github;
pub mod gws;
pub mod input;
pub mod interviews;
pub mod ipintel;
pub mod json_records;
pub mod normalise;
pub mod okta;
pub mod osquery;
pub mod payroll;
pub mod people;
pub mod record_csv;
pub mod references;
pub mod shipments;
pub mod signins;
pub mod sniff;
pub mod table;
pub mod watchlist;

#[cfg(test)]
mod test_support;

use std::io::BufRead;

use bonafide_core::{Event, QuarantineEntry, Record, SourceId, SourcePos, Subject};
use bonafide_intel::Keyring;

pub use input::Input;
pub use sniff::{Format, Recognition, Role, recognise};
pub use table::ColumnMap;

/// Which log identity belongs to which subject (`accounts.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLink {
    pub subject_id: String,
    /// The identity system (`okta`, `entra`, ...), lower case.
    pub system: String,
    /// The account name, lower case.
    pub account: String,
    pub source: SourcePos,
}

/// What the sink made of an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accept {
    Accepted,
    /// The same record was seen before (same event id): counted, not processed twice.
    Duplicate,
    /// Not accepted, with the reason (e.g. a second people record for one subject_id).
    Rejected(String),
}

/// Where readers put what they read.
pub trait RecordSink {
    fn subject(&mut self, subject: Subject) -> Accept;
    fn account(&mut self, link: AccountLink) -> Accept;
    fn event(&mut self, event: Event) -> Accept;
    /// A subject-keyed record (pay change, shipment, device, interview, reference).
    fn record(&mut self, record: Record) -> Accept;
    /// A record that was not accepted, and why.
    fn quarantine(&mut self, entry: QuarantineEntry);
    /// A record that was accepted without one of its fields, which was unusable; the
    /// reason names the field and never quotes a sensitive value.
    fn field_issue(&mut self, entry: QuarantineEntry);
}

/// Settings every reader shares.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Records larger than this are quarantined unread.
    pub max_record_bytes: usize,
    pub column_map: ColumnMap,
    pub keyring: Keyring,
}

/// Per-file counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub records: u64,
    pub quarantined: u64,
    pub duplicates: u64,
    pub field_issues: u64,
}

/// Counts what passes through to the real sink, and turns a rejection into a
/// quarantine entry at the item's position.
pub struct Counting<'a> {
    pub inner: &'a mut dyn RecordSink,
    pub stats: ReadStats,
}

impl<'a> Counting<'a> {
    pub fn new(inner: &'a mut dyn RecordSink) -> Self {
        Counting { inner, stats: ReadStats::default() }
    }

    fn count(&mut self, outcome: Accept, pos: Option<SourcePos>) -> Accept {
        match &outcome {
            Accept::Accepted => self.stats.records += 1,
            Accept::Duplicate => self.stats.duplicates += 1,
            Accept::Rejected(reason) => {
                if let Some(pos) = pos {
                    self.quarantine(QuarantineEntry { pos, reason: reason.clone() });
                } else {
                    self.stats.quarantined += 1;
                }
            }
        }
        outcome
    }
}

impl RecordSink for Counting<'_> {
    fn subject(&mut self, subject: Subject) -> Accept {
        let pos = subject.source;
        let outcome = self.inner.subject(subject);
        self.count(outcome, pos)
    }
    fn account(&mut self, link: AccountLink) -> Accept {
        let pos = link.source;
        let outcome = self.inner.account(link);
        self.count(outcome, Some(pos))
    }
    fn event(&mut self, event: Event) -> Accept {
        let pos = event.source;
        let outcome = self.inner.event(event);
        self.count(outcome, Some(pos))
    }
    fn record(&mut self, record: Record) -> Accept {
        let pos = record.source();
        let outcome = self.inner.record(record);
        self.count(outcome, Some(pos))
    }
    fn quarantine(&mut self, entry: QuarantineEntry) {
        self.stats.quarantined += 1;
        self.inner.quarantine(entry);
    }
    fn field_issue(&mut self, entry: QuarantineEntry) {
        self.stats.field_issues += 1;
        self.inner.field_issue(entry);
    }
}

/// Everything a reader needs to know about the file in hand.
pub struct ReadContext<'a> {
    pub source: SourceId,
    pub input: &'a Input,
    pub options: &'a ReadOptions,
    /// The first bytes of the decompressed content.
    pub sample: &'a [u8],
}

impl ReadContext<'_> {
    pub fn pos(&self, line: u64) -> SourcePos {
        SourcePos::line(self.source, line)
    }

    pub fn quarantine(&self, sink: &mut dyn RecordSink, line: u64, index: Option<u64>, reason: impl Into<String>) {
        sink.quarantine(QuarantineEntry { pos: SourcePos { source: self.source, line, index }, reason: reason.into() });
    }
}

/// Reads a record or event file of a supported, non-intelligence format. An I/O error
/// mid-file is returned after everything before it was delivered.
pub fn read(
    cx: &ReadContext<'_>,
    format: Format,
    reader: &mut dyn BufRead,
    sink: &mut dyn RecordSink,
) -> std::io::Result<()> {
    match format {
        Format::People => people::read(cx, reader, sink),
        Format::Accounts => accounts::read(cx, reader, sink),
        Format::Okta => okta::read(cx, reader, sink),
        Format::Entra => entra::read(cx, reader, sink),
        Format::Gws => gws::read(cx, reader, sink),
        Format::Github => github::read(cx, reader, sink),
        Format::GithubProfile => ghprofile::read(cx, reader, sink),
        Format::Signins => signins::read(cx, reader, sink),
        Format::Activity => activity::read(cx, reader, sink),
        Format::Commits => commits::read_csv(cx, reader, sink),
        Format::Osquery => osquery::read(cx, reader, sink),
        Format::Devices => devices::read(cx, reader, sink),
        Format::Shipments => shipments::read(cx, reader, sink),
        Format::PayrollChanges => payroll::read(cx, reader, sink),
        Format::Interviews => interviews::read(cx, reader, sink),
        Format::References => references::read(cx, reader, sink),
        Format::Watchlist => watchlist::read(cx, reader, sink),
        other => Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!("format {} is recognised but not read by this version", other.name()),
        )),
    }
}

//! Test helpers: read a string or a file through a real reader into a collecting sink.

use std::path::Path;

use bonafide_core::{Event, QuarantineEntry, SourceId, Subject};
use bonafide_intel::Keyring;

use crate::{Accept, AccountLink, ColumnMap, Format, Input, ReadContext, ReadOptions, RecordSink};

#[derive(Default, Debug)]
pub struct Collect {
    pub subjects: Vec<Subject>,
    pub accounts: Vec<AccountLink>,
    pub events: Vec<Event>,
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
    let input = Input::new(path, path.display().to_string()).unwrap();
    let sample = input.sample(crate::input::SAMPLE_BYTES).unwrap();
    let opts = options();
    let cx = ReadContext { source: SourceId(0), input: &input, options: &opts, sample: &sample };
    let mut c = Collect::default();
    let mut r = input.open(None).unwrap();
    crate::read(&cx, format, &mut r, &mut c).unwrap();
    c
}

pub fn read_str(format: Format, text: &str) -> Collect {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    std::fs::write(&path, text).unwrap();
    read_path(format, &path)
}

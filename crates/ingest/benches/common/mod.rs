//! What the reader benchmarks share: a sink that only counts, and the read options.

use bonafide_core::{Event, QuarantineEntry, Record, Subject};
use bonafide_ingest::{Accept, AccountLink, ColumnMap, ReadOptions, RecordSink};

/// Counts what a reader delivers, so the benchmark measures the reader alone.
#[derive(Default)]
pub struct Count {
    pub events: u64,
    /// Columns of endpoint rows (osquery), to show every row was parsed whole.
    pub columns: u64,
    pub quarantined: u64,
}

impl RecordSink for Count {
    fn subject(&mut self, _: Subject) -> Accept {
        Accept::Accepted
    }
    fn account(&mut self, _: AccountLink) -> Accept {
        Accept::Accepted
    }
    fn event(&mut self, e: Event) -> Accept {
        self.events += 1;
        if let bonafide_core::Detail::Endpoint(r) = &e.detail {
            self.columns += r.columns.len() as u64;
        }
        Accept::Accepted
    }
    fn record(&mut self, _: Record) -> Accept {
        Accept::Accepted
    }
    fn quarantine(&mut self, _: QuarantineEntry) {
        self.quarantined += 1;
    }
    fn field_issue(&mut self, _: QuarantineEntry) {}
}

/// The scan's default row limit, no column map, a fixed key.
pub fn options() -> ReadOptions {
    ReadOptions {
        max_record_bytes: 1 << 20,
        column_map: ColumnMap::default(),
        keyring: bonafide_intel::Keyring::from_bytes([1; 32]),
    }
}

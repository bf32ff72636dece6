//! Where a record came from, so that every piece of evidence can point back to it.

use serde::{Deserialize, Serialize};

/// Index of an input file in the run's source table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceId(pub u32);

/// A record's position: the input file and the 1-based line where the record starts
/// (0 when the format has no lines), plus the 0-based index of the record for JSON arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePos {
    pub source: SourceId,
    pub line: u64,
    pub index: Option<u64>,
}

impl SourcePos {
    pub fn line(source: SourceId, line: u64) -> Self {
        SourcePos { source, line, index: None }
    }
}

/// One record that could not be accepted, and why. The reason never quotes the value of
/// a sensitive field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEntry {
    pub pos: SourcePos,
    pub reason: String,
}

/// The run's table of inputs: a `SourceId` is an index into it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SourceTable {
    paths: Vec<String>,
}

impl SourceTable {
    pub fn add(&mut self, display_path: impl Into<String>) -> SourceId {
        self.paths.push(display_path.into());
        SourceId((self.paths.len() - 1) as u32)
    }

    pub fn path(&self, id: SourceId) -> &str {
        self.paths.get(id.0 as usize).map(String::as_str).unwrap_or("?")
    }

    /// `path:line` (or `path#index` when there is no line), as evidence prints it.
    pub fn display(&self, pos: &SourcePos) -> String {
        match (pos.line, pos.index) {
            (0, Some(i)) => format!("{}#{}", self.path(pos.source), i),
            (0, None) => self.path(pos.source).to_string(),
            (l, _) => format!("{}:{}", self.path(pos.source), l),
        }
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

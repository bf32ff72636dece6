//! The finalize step of the scale-out mode: `bonafide scan --from-db postgres://...`
//! replays the events workers committed through the ordinary scan (resolution,
//! enrichment, every detector, cross-subject passes, scoring), after the reference
//! files given as paths. One engine, so the result equals an embedded scan of the same
//! files by construction; the cost is that this step reads every stored event once.

use bonafide_core::{Event, QuarantineEntry, SourceId, SourcePos};
use bonafide_engine::{EventFeed, Fed};
use bonafide_store::PgStore;
use bonafide_store::postgres::StoredInput;

/// Events fetched per page.
const PAGE: i64 = 5_000;

pub struct PgFeed {
    rt: tokio::runtime::Runtime,
    store: PgStore,
    inputs: Vec<StoredInput>,
}

impl PgFeed {
    pub fn open(url: &str) -> anyhow::Result<PgFeed> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let store = rt.block_on(PgStore::open(url))?;
        Ok(PgFeed { rt, store, inputs: Vec::new() })
    }
}

impl EventFeed for PgFeed {
    fn inputs(&mut self) -> Result<Vec<(String, String)>, String> {
        self.inputs = self.rt.block_on(self.store.stored_inputs()).map_err(|e| e.to_string())?;
        Ok(self.inputs.iter().map(|i| (i.file_path.clone(), i.format.clone())).collect())
    }

    fn events(&mut self, i: usize, deliver: &mut dyn FnMut(Fed)) -> Result<(), String> {
        let input = self.inputs.get(i).ok_or_else(|| format!("no stored input {i}"))?.clone();
        let mut after = None;
        loop {
            let page =
                self.rt.block_on(self.store.input_events(&input, after.as_ref(), PAGE)).map_err(|e| e.to_string())?;
            let Some(last) = page.last().map(|r| r.key.clone()) else { return Ok(()) };
            for row in page {
                let (line, _, id) = &row.key;
                if row.kind == bonafide_store::postgres::EVENT {
                    let e: Event = serde_json::from_str(&row.json)
                        .map_err(|err| format!("stored event {id} (line {line}) is not an event: {err}"))?;
                    deliver(Fed::Event(e));
                    continue;
                }
                let p: crate::bus::Problem = serde_json::from_str(&row.json)
                    .map_err(|err| format!("stored problem {id} (line {line}) is not a problem: {err}"))?;
                let entry = QuarantineEntry {
                    pos: SourcePos { source: SourceId(0), line: p.line, index: p.index },
                    reason: p.reason,
                };
                deliver(match p.kind {
                    crate::bus::ProblemKind::Quarantine => Fed::Quarantine(entry),
                    crate::bus::ProblemKind::FieldIssue => Fed::FieldIssue(entry),
                });
            }
            after = Some(last);
        }
    }
}

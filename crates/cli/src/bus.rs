//! The scale-out mode's message contract on NATS JetStream, shared by `bonafide ingest`
//! (publisher) and `bonafide worker` (consumer).
//!
//! One stream, `BONAFIDE`, holds subjects `bonafide.events.<p>`: an event goes to
//! partition `hash(actor) mod P`, so every event of one account lands in one partition,
//! in order, and one worker sees all of it. Each message is a JSON [`Envelope`] with a
//! stable event id, also sent as the `Nats-Msg-Id` header, so the server drops a
//! republished duplicate within its window and the worker's upsert drops any later one.
//!
//! An envelope carries an event or a [`Problem`]: a record the reader quarantined, or
//! kept without a field. Problems travel the same way (partition by file) and are stored
//! beside the events, so the finalize step reports them as an embedded scan does: bad
//! input is counted and listed in scale-out mode too, never only printed.

use bonafide_core::Event;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The default stream; its subjects are `bonafide.events.<p>`.
pub const STREAM: &str = "BONAFIDE";
/// The envelope version this build writes and reads.
pub const VERSION: u32 = 1;

/// One stream and its subjects: stream `NAME` carries `<name lower case>.events.<p>`,
/// so separate deployments (or tests) can share a server.
#[derive(Clone, Debug)]
pub struct Bus {
    pub stream: String,
}

impl Bus {
    pub fn new(stream: &str) -> anyhow::Result<Bus> {
        if stream.is_empty() || !stream.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            anyhow::bail!("stream name {stream:?}: use letters, digits, '_' or '-'");
        }
        Ok(Bus { stream: stream.to_string() })
    }

    pub fn prefix(&self) -> String {
        format!("{}.events", self.stream.to_lowercase())
    }

    pub fn subject(&self, part: u32) -> String {
        format!("{}.{part}", self.prefix())
    }
}

/// The key events are partitioned by: the identity system and the account, lower case.
/// (Subjects are only known once people and accounts are joined, which needs the whole
/// picture; the account is what the publisher has, and one account is one subject.)
pub fn actor_key(e: &Event) -> String {
    format!("{}:{}", e.actor.system.to_lowercase(), e.actor.account.to_lowercase())
}

/// FNV-1a, fixed across builds and platforms (std's hasher is not).
pub fn partition(key: &str, partitions: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(partitions.max(1))) as u32
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The event's stable id: from the vendor's id when it has one (the same key the
/// embedded scan deduplicates on), else from where it was read and what it says, so
/// re-reading the same file gives the same ids.
pub fn event_id(e: &Event, file: &str, event_json: &str) -> String {
    let mut h = Sha256::new();
    match &e.id {
        Some(id) => {
            h.update(b"vendor\0");
            h.update(e.actor.system.as_bytes());
            h.update(b"\0");
            h.update(id.as_bytes());
        }
        None => {
            h.update(b"content\0");
            h.update(file.as_bytes());
            h.update(b"\0");
            h.update(e.source.line.to_le_bytes());
            h.update(e.source.index.map(|i| i as i128).unwrap_or(-1).to_le_bytes());
            h.update(event_json.as_bytes());
        }
    }
    hex(&h.finalize()[..16])
}

/// What the reader could not use, or used without one of its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Quarantine,
    FieldIssue,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Quarantine => "quarantine",
            ProblemKind::FieldIssue => "field_issue",
        }
    }
}

/// A problem with one input record, where it is and why (the reason names no raw value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    pub reason: String,
}

/// A problem's stable id, so republishing a file stores each problem once.
pub fn problem_id(file: &str, p: &Problem) -> String {
    let mut h = Sha256::new();
    h.update(b"problem\0");
    h.update(file.as_bytes());
    h.update(b"\0");
    h.update(p.kind.as_str().as_bytes());
    h.update(p.line.to_le_bytes());
    h.update(p.index.map(|i| i as i128).unwrap_or(-1).to_le_bytes());
    h.update(p.reason.as_bytes());
    hex(&h.finalize()[..16])
}

/// The partition key of a file's problems (events go by account).
pub fn problem_key(file: &str) -> String {
    format!("file:{file}")
}

/// One published event, or one problem of its input.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    pub id: String,
    /// The ingest run that published it (replay orders runs by this).
    pub batch: String,
    /// The input's position in the ingest run's plan, and its display path and format.
    pub file_ord: u64,
    pub file: String,
    pub format: String,
    pub actor: String,
    pub part: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Why a message cannot be used, for the parked table.
pub fn decode(payload: &[u8], part: u32) -> Result<Envelope, String> {
    let env: Envelope = serde_json::from_slice(payload).map_err(|e| format!("not a bonafide envelope: {e}"))?;
    if env.v != VERSION {
        return Err(format!("envelope version {} (this worker reads {VERSION})", env.v));
    }
    if env.part != part {
        return Err(format!("envelope names partition {} but arrived on {part}", env.part));
    }
    if env.id.is_empty() || env.id.len() > 128 {
        return Err("event id empty or longer than 128 bytes".into());
    }
    if env.event.is_some() == env.problem.is_some() {
        return Err("an envelope carries either an event or a problem".into());
    }
    if env.problem.as_ref().is_some_and(|p| p.reason.contains('\0')) {
        return Err("envelope problem reason holds a NUL character".into());
    }
    // PostgreSQL text refuses NUL: a field holding one would fail every commit of its
    // batch, and retrying would stall the partition.
    for (name, value) in
        [("id", &env.id), ("batch", &env.batch), ("file", &env.file), ("format", &env.format), ("actor", &env.actor)]
    {
        if value.contains('\0') {
            return Err(format!("envelope {name} holds a NUL character"));
        }
    }
    Ok(env)
}

/// What a parked message keeps of its payload: its first 4 KiB as text a database
/// accepts (lossy UTF-8, NUL replaced).
pub fn storable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(PARKED_PAYLOAD_BYTES)]).replace('\0', "\u{fffd}")
}

/// Bytes of a parked message's payload kept.
const PARKED_PAYLOAD_BYTES: usize = 4096;

/// Ensures the stream exists (idempotent), with file storage and a dedup window.
pub async fn ensure_stream(js: &async_nats::jetstream::Context, bus: &Bus) -> anyhow::Result<()> {
    use anyhow::Context as _;
    js.get_or_create_stream(async_nats::jetstream::stream::Config {
        name: bus.stream.clone(),
        subjects: vec![format!("{}.>", bus.prefix())],
        storage: async_nats::jetstream::stream::StorageType::File,
        duplicate_window: std::time::Duration::from_secs(300),
        ..Default::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
    .with_context(|| format!("creating or opening the JetStream stream {}", bus.stream))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_is_stable_and_in_range() {
        // Pinned values (computed independently): a change would send an account's
        // events to another partition than the ones already in the stream.
        assert_eq!(partition("okta:a@x.com", 4), 2);
        assert_eq!(partition("okta:a@x.com", 16), 10);
        assert_eq!(partition("github:zz", 16), 4);
        for k in ["", "okta:a", "github:zz", "entra:Ünïcode"] {
            assert!(partition(k, 4) < 4);
            assert_eq!(partition(k, 1), 0);
        }
        let spread: std::collections::HashSet<u32> = (0..100).map(|i| partition(&format!("okta:u{i}"), 4)).collect();
        assert_eq!(spread.len(), 4);
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512), part in 0u32..8) {
            let _ = decode(&bytes, part);
        }
    }

    #[test]
    fn decode_rejects_with_reasons() {
        assert!(decode(b"{not json", 0).unwrap_err().contains("not a bonafide envelope"));
        assert!(decode(b"{}", 0).is_err());
    }

    /// NUL, which PostgreSQL text refuses, parks a message instead of failing its batch.
    #[test]
    fn nul_is_parked_not_stored() {
        use bonafide_core::{Action, Actor, SourceId, SourcePos, UtcMs};
        use serde_json::Value;
        let event = Event::new(
            UtcMs::from_secs(1_750_000_000),
            Actor::user("okta", "a"),
            Action::SignIn,
            "user.session.start",
            SourcePos::line(SourceId(0), 1),
        );
        let env = |actor: &str| {
            let e = Envelope {
                v: VERSION,
                id: "e1".into(),
                batch: "b".into(),
                file_ord: 0,
                file: "f".into(),
                format: "okta".into(),
                actor: actor.into(),
                part: 0,
                event: Some(event.clone()),
                problem: None,
            };
            serde_json::to_vec(&e).unwrap()
        };
        assert!(decode(&env("okta:a"), 0).is_ok());
        let mut both: Value = serde_json::from_slice(&env("okta:a")).unwrap();
        both["problem"] = serde_json::json!({"kind": "quarantine", "line": 3, "reason": "x"});
        assert!(decode(&serde_json::to_vec(&both).unwrap(), 0).unwrap_err().contains("either"));
        let mut problem = both.clone();
        problem.as_object_mut().unwrap().remove("event");
        let p = decode(&serde_json::to_vec(&problem).unwrap(), 0).unwrap().problem.unwrap();
        assert_eq!((p.kind, p.line, p.index), (ProblemKind::Quarantine, 3, None));
        problem.as_object_mut().unwrap().remove("problem");
        assert!(decode(&serde_json::to_vec(&problem).unwrap(), 0).is_err(), "neither");
        assert!(decode(&env("okta:a\0b"), 0).unwrap_err().contains("actor holds a NUL"));
        assert_eq!(storable(b"a\0b\xff"), "a\u{fffd}b\u{fffd}");
    }
}

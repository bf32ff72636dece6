-- PostgreSQL only: the scale-out mode's tables (bonafide ingest/worker). Versions from
-- 1001 up are reserved for PostgreSQL-only tables, so the mirrored migrations (0001,
-- 0002, ... — the same files as ../*.sql) keep SQLite's numbering as both grow.

-- Every normalised event a worker committed, once: `event_id` is the stable id the
-- publisher gave it (the vendor's id, or a hash of where and what it was), so a
-- redelivered or republished message is an upsert that changes nothing.
CREATE TABLE stream_events (
    event_id TEXT PRIMARY KEY,
    part INTEGER NOT NULL,
    actor_key TEXT NOT NULL,
    -- The input it was read from (display path, format) and its place in that input,
    -- so the finalize step replays events in the order the embedded scan reads them.
    batch TEXT NOT NULL,
    file_ord BIGINT NOT NULL,
    file_path TEXT NOT NULL,
    format TEXT NOT NULL,
    line BIGINT NOT NULL,
    -- The record's index in a JSON array, -1 when the format has lines.
    idx BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    event TEXT NOT NULL,
    stream_seq BIGINT NOT NULL
);
-- Replay reads one input at a time in keyset pages: this index serves them in order.
CREATE INDEX stream_events_replay ON stream_events (batch, file_ord, file_path, line, idx, event_id);

-- Per-actor state each worker keeps for the actors of its partitions: how many distinct
-- events, first and last time. Updated in the same transaction as the events, only for
-- rows that were new, so redelivery never double counts.
CREATE TABLE actor_state (
    actor_key TEXT PRIMARY KEY,
    part INTEGER NOT NULL,
    events BIGINT NOT NULL,
    first_ms BIGINT NOT NULL,
    last_ms BIGINT NOT NULL
);

-- Messages a worker could not use, with the reason; acked so the partition flows on.
CREATE TABLE parked (
    part INTEGER NOT NULL,
    stream_seq BIGINT NOT NULL,
    msg_id TEXT,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL,
    parked_at TEXT NOT NULL,
    PRIMARY KEY (part, stream_seq)
);

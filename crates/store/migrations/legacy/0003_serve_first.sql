-- The analyst's workplace (`bonafide serve`): users, sessions, API tokens, cases and
-- their notes and attachments, per-subject rule suppressions, the append-only audit
-- trail, and each subject's records per run (devices, shipments, pay history masked)
-- for the subject page. Secrets are stored only as hashes: argon2 for passwords,
-- SHA-256 for session and API tokens (both are 256-bit random values).

CREATE TABLE users (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE cases (
    case_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id TEXT,
    cluster_id TEXT,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    disposition TEXT CHECK (disposition IN ('confirmed', 'false_positive', 'benign_explained')),
    assignee TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_subject ON cases (subject_id);

CREATE TABLE case_notes (
    note_id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (case_id),
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE case_attachments (
    attachment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (case_id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE suppressions (
    suppression_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id TEXT NOT NULL,
    indicator TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX suppressions_subject ON suppressions (subject_id);

-- Append-only: the triggers refuse any UPDATE or DELETE, so no code path (and no
-- mistaken query) can rewrite history.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A subject's records as of a run (devices, shipments, pay changes with masked
-- destinations, interviews), as JSON, for the subject page and the case export.
CREATE TABLE subject_records (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    records TEXT NOT NULL,
    PRIMARY KEY (run_id, subject_id)
);

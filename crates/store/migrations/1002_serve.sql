-- SQLite only: the audit trail's append-only triggers (0003_serve.sql, mirrored for
-- PostgreSQL, holds the tables; postgres/1002_serve.sql has PostgreSQL's triggers).
-- Versions from 1000 up are backend-specific, like postgres/1001_stream.sql.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Cases, notes and attachments can be deleted (admin), so their ids must never be
-- handed out again (the audit trail and old links name them): SQLite reuses the highest
-- rowid of a deleted row unless the key is AUTOINCREMENT, which PostgreSQL does not
-- parse. The tables are still empty here (0003 just created them): recreate them with
-- the same columns and AUTOINCREMENT. PostgreSQL's identities never reuse ids.
DROP TABLE case_attachments;
DROP TABLE case_notes;
DROP INDEX cases_subject;
DROP TABLE cases;
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
    bytes BYTEA NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL
);

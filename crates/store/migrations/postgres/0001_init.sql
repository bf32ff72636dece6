-- bonafide's store: runs, what each run read, subjects, scores, findings, clusters and
-- quarantine samples. Portable SQL: the same statements run on SQLite and PostgreSQL.
-- Times are RFC 3339 text in UTC; JSON columns hold serialised detail. No column ever
-- holds a raw SSN, account or document number: subjects carry only fingerprints and
-- masked forms.

CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    version TEXT NOT NULL,
    totals TEXT NOT NULL
);

CREATE TABLE inputs (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    path TEXT NOT NULL,
    format TEXT,
    records BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    field_issues BIGINT NOT NULL,
    skipped TEXT,
    error TEXT,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE subjects (
    subject_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    implicit BIGINT NOT NULL,
    claims TEXT NOT NULL,
    first_run_id TEXT NOT NULL,
    last_run_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE subject_scores (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    score BIGINT NOT NULL,
    band TEXT NOT NULL,
    log2_odds DOUBLE PRECISION NOT NULL,
    contributions TEXT NOT NULL,
    PRIMARY KEY (run_id, subject_id)
);
CREATE INDEX subject_scores_rank ON subject_scores (run_id, score DESC);

CREATE TABLE findings (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL,
    indicator TEXT NOT NULL,
    subject_ids TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    summary TEXT NOT NULL,
    weight_bits DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL,
    evidence_total BIGINT NOT NULL,
    shared TEXT,
    PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX findings_indicator ON findings (run_id, indicator);

CREATE TABLE finding_subjects (
    run_id TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (run_id, finding_id, subject_id)
);
CREATE INDEX finding_subjects_subject ON finding_subjects (subject_id, run_id);

CREATE TABLE clusters (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_ids TEXT NOT NULL,
    links TEXT NOT NULL,
    PRIMARY KEY (run_id, cluster_id)
);

CREATE TABLE quarantine (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

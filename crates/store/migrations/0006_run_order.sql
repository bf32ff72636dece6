-- Runs in the order the database stored them. "The latest run" used to be the one with
-- the latest `finished_at`, which each scanning host stamps from its own clock: a run
-- stored later by a host whose clock is behind lost to an older one. `seq` is assigned
-- when the run is written (SQLite: one more than the largest, inside the writing
-- transaction, which SQLite serialises; PostgreSQL: a sequence, migration 1004);
-- existing runs keep the order they had.
ALTER TABLE runs ADD COLUMN seq BIGINT;
UPDATE runs SET seq = (
    SELECT COUNT(*) FROM runs AS r
    WHERE r.finished_at < runs.finished_at OR (r.finished_at = runs.finished_at AND r.run_id <= runs.run_id)
);
CREATE UNIQUE INDEX runs_seq ON runs (seq);

-- Runs' storage order (migration 6) from a sequence, so that concurrent writers on
-- several hosts never take the same number.
CREATE SEQUENCE runs_seq_seq OWNED BY runs.seq;
SELECT setval('runs_seq_seq', COALESCE((SELECT MAX(seq) FROM runs), 0) + 1, false);
ALTER TABLE runs ALTER COLUMN seq SET DEFAULT nextval('runs_seq_seq');
ALTER TABLE runs ALTER COLUMN seq SET NOT NULL;

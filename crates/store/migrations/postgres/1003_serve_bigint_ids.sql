-- PostgreSQL only: serve's generated ids as 64-bit integers. 0003_serve.sql (mirrored
-- from SQLite, where every INTEGER is 64-bit) declares them INTEGER, which is 32-bit
-- here: an audit trail that appends on every page view would run out of ids after
-- 2^31 rows. The identities' sequences follow their columns' type.
ALTER TABLE sessions ALTER COLUMN user_id TYPE BIGINT;
ALTER TABLE api_tokens ALTER COLUMN user_id TYPE BIGINT;
ALTER TABLE users ALTER COLUMN user_id TYPE BIGINT;
ALTER TABLE case_notes ALTER COLUMN case_id TYPE BIGINT;
ALTER TABLE case_attachments ALTER COLUMN case_id TYPE BIGINT;
ALTER TABLE cases ALTER COLUMN case_id TYPE BIGINT;
ALTER TABLE case_notes ALTER COLUMN note_id TYPE BIGINT;
ALTER TABLE case_attachments ALTER COLUMN attachment_id TYPE BIGINT;
ALTER TABLE suppressions ALTER COLUMN suppression_id TYPE BIGINT;
ALTER TABLE audit_log ALTER COLUMN seq TYPE BIGINT;

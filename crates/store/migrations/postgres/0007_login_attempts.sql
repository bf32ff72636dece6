-- The sign-in limit records each attempt before its password is checked (parallel
-- attempts that all read the count before any failure was written got far more guesses
-- than the limit), so every row now says which attempt wrote it: an attempt that turns
-- out blocked, or signs in, takes back exactly its own rows. Rows written before this
-- migration were failures of finished attempts and keep a NULL attempt.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures (attempt);

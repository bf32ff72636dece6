-- Problems of the published inputs (records the reader quarantined, or kept without a
-- field) are stored beside their events, so the finalize step counts and lists them like
-- an embedded scan does. `kind` says which a row is: `event`, `quarantine` or
-- `field_issue`; a problem row's `event` holds the problem (line, index, reason).
ALTER TABLE stream_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'event';

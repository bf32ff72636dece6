-- The Runs page and GET /api/v1/runs look up who started each run among the audit
-- trail's `run.started` entries; without an index each view read the whole trail, which
-- only grows (it is append-only).
CREATE INDEX audit_log_action ON audit_log (action, seq);

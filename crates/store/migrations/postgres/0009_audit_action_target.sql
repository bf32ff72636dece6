-- Who started each listed run is looked up by action and run (`target IN (...)`, see
-- bonafide_store::started_query): an index on (action, seq) still read every
-- `run.started` entry ever written, one per run stored. This one reads the listed
-- runs' entries only, and replaces it.
DROP INDEX audit_log_action;
CREATE INDEX audit_log_action_target ON audit_log (action, target);

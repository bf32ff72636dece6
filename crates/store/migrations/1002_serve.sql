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

-- Failed sign-ins per key (`user:NAME`, `ip:ADDRESS`) over the last minutes, in the
-- database rather than in each process, so that `bonafide serve` processes behind one
-- load balancer share one limit instead of granting it once per process.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

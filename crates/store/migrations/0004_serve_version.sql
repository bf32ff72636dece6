-- One counter that every decision changing scores (a case opened, changed or deleted, a
-- suppression added) increments in its own transaction. `bonafide serve` processes
-- sharing a database poll it to learn that another one decided something: timestamps
-- written from several hosts' clocks cannot tell that reliably, a committed counter can.
CREATE TABLE serve_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    decisions BIGINT NOT NULL
);
INSERT INTO serve_version (id, decisions) VALUES (1, 0);

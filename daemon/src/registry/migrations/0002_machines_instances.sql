-- Machines, instances, their host ports and volumes, and the append-only instance history.
-- Times are Unix milliseconds.

-- Facts about this registry itself, e.g. `daemon_id`, the label value that tells this daemon's
-- containers apart from those of another rsrcd on the same engine.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE machines (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    -- The validated MachineSpec as JSON: the one place a machine's rules live.
    spec       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The row is written, with its ports, before Docker is touched; `state = 'creating'` is the
-- intent journal that start-up reconciliation completes or rolls back.
CREATE TABLE instances (
    id             TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    owner_id       INTEGER NOT NULL REFERENCES users(id),
    machine_id     INTEGER NOT NULL REFERENCES machines(id),
    container_name TEXT    NOT NULL UNIQUE,
    container_id   TEXT,
    state          TEXT    NOT NULL,
    -- What the user last asked for: 'running' or 'stopped'. A die while 'running' is unexpected.
    desired_state  TEXT    NOT NULL DEFAULT 'running',
    -- The change in flight that somebody asked for: who (user, admin), which transitions are
    -- still expected ('up', 'down', or 'down,up' for a restart), and until when. Docker's events
    -- for those transitions are recorded with that cause instead of as a crash.
    pending_cause  TEXT,
    pending_expect TEXT,
    pending_until  INTEGER,
    -- Set with state 'removing' when the volumes go too, so an interrupted remove finishes alike.
    remove_volumes INTEGER NOT NULL DEFAULT 0,
    -- The environment as JSON, with values of secret props left out.
    env            TEXT    NOT NULL DEFAULT '{}',
    exit_code      INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (owner_id, name)
);
CREATE INDEX instances_owner ON instances(owner_id);
CREATE INDEX instances_machine ON instances(machine_id);

-- A host port belongs to at most one instance, for that instance's whole life.
CREATE TABLE instance_ports (
    host_port      INTEGER PRIMARY KEY,
    instance_id    TEXT    NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    container_port INTEGER NOT NULL,
    protocol       TEXT    NOT NULL CHECK (protocol IN ('tcp', 'udp'))
);
CREATE INDEX instance_ports_instance ON instance_ports(instance_id);

-- Volumes outlive their instance unless removed with it; instance_id is kept for display.
CREATE TABLE volumes (
    name          TEXT    PRIMARY KEY,
    instance_id   TEXT    NOT NULL,
    instance_name TEXT    NOT NULL,
    owner_id      INTEGER NOT NULL REFERENCES users(id),
    path          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX volumes_owner ON volumes(owner_id);

-- Every state change of every instance. `up` is the state after the event, so uptime is the
-- sequence of up/down transitions; `cause` says who or what: user, admin, docker, daemon,
-- reconcile.
CREATE TABLE instance_events (
    id          INTEGER PRIMARY KEY,
    instance_id TEXT    NOT NULL,
    owner_id    INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    up          INTEGER NOT NULL,
    cause       TEXT    NOT NULL,
    exit_code   INTEGER,
    detail      TEXT
);
CREATE INDEX instance_events_instance_at ON instance_events(instance_id, at);
CREATE INDEX instance_events_owner_at ON instance_events(owner_id, at);

CREATE TRIGGER instance_events_no_update BEFORE UPDATE ON instance_events
BEGIN
    SELECT RAISE(ABORT, 'instance_events is append-only');
END;
CREATE TRIGGER instance_events_no_delete BEFORE DELETE ON instance_events
BEGIN
    SELECT RAISE(ABORT, 'instance_events is append-only');
END;

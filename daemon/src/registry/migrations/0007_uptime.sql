-- Uptime and retention (issue 8). Times are Unix milliseconds.

-- The runs of rsrcd. Between two runs nobody watched: the instances' state is unknown there.
-- `last_alive` is the run's heartbeat, so that a run ended by kill -9 still says how long it
-- lasted (to within a heartbeat).
CREATE TABLE daemon_runs (
    id         INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    last_alive INTEGER NOT NULL
);
CREATE INDEX daemon_runs_last_alive ON daemon_runs(last_alive);

-- Retention deletes what is older than `[history] keep_days`, in small batches, by time.
CREATE INDEX instance_events_at ON instance_events(at);

-- The history stays append-only for everything recent: only entries older than an hour may go
-- (the prune's cut-off is at least a day back).
DROP TRIGGER instance_events_no_delete;
CREATE TRIGGER instance_events_no_delete BEFORE DELETE ON instance_events
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 3600) * 1000
BEGIN
    SELECT RAISE(ABORT, 'instance_events is append-only for its last hour');
END;

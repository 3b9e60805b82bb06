-- The uptime rollup (issue 6): a listing's 7-day availability reads two rows per instance
-- instead of its whole week of history. Times are Unix milliseconds.
--
-- One mark per instance and distinct history time: the state the entries at or before `at`
-- leave it in, and the up and down time it has accumulated before `at` (time rsrcd was not
-- running, or the engine was out, counts as neither). The availability over `[from, now]` is
-- then the difference of two marks' sums plus the two partial intervals at the ends. Written
-- with each history entry, in its transaction (`registry::history::append`); filled from the
-- retained history when this migration is applied (`registry::uptime_marks::backfill`).
CREATE TABLE uptime_marks (
    instance_id TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    -- The last up/down entry at or before `at`: 0 none yet, 1 down, 2 up.
    label       INTEGER NOT NULL,
    -- Whether the last engine entry at or before `at` says the engine went away.
    engine_out  INTEGER NOT NULL,
    -- The state of the interval that ends at `at`: 0 down, 1 up, 2 unknown.
    before      INTEGER NOT NULL,
    up_ms       INTEGER NOT NULL,
    down_ms     INTEGER NOT NULL,
    PRIMARY KEY (instance_id, at)
) WITHOUT ROWID;
-- Retention, and the marks a daemon restart makes out of date, go by time.
CREATE INDEX uptime_marks_at ON uptime_marks(at);

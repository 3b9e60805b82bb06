-- Alerts by mail and SMS (issue 8). Times are Unix milliseconds.

-- The outbox carries SMS too: each row goes out on one channel, with the same retry rules and
-- the same never-twice rule. `recipient` is a mail address or an E.164 phone number.
ALTER TABLE mail_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email'
    CHECK (channel IN ('email', 'sms'));
DROP INDEX mail_outbox_pending;
CREATE INDEX mail_outbox_pending ON mail_outbox(channel, next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL AND sending_at IS NULL;

-- A phone number for alerts by SMS: unverified (and sent nothing) until proven with a code.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN notify_sms INTEGER NOT NULL DEFAULT 0;

-- At most one pending phone code per user, for the number it was sent to; only its argon2 hash.
CREATE TABLE phone_codes (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    phone           TEXT    NOT NULL,
    code_hash       TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);

-- How far the alerts worker has read the history. It moves in the same transaction as the
-- outbox rows it queued, so an alert is queued exactly once whatever kills the daemon. It starts
-- at the newest entry: what happened before alerts existed is not alerted.
CREATE TABLE alert_cursor (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    after INTEGER NOT NULL
);
INSERT INTO alert_cursor (id, after) SELECT 1, COALESCE(MAX(id), 0) FROM instance_events;

-- Per instance: when its last alert went out (the crash-loop window), the crashes since that
-- are not told yet, and the start of an alerted outage that awaits its "recovered" message.
CREATE TABLE alert_state (
    instance_id      TEXT    PRIMARY KEY,
    last_alert_at    INTEGER,
    untold           INTEGER NOT NULL DEFAULT 0,
    untold_last_at   INTEGER,
    untold_cause     TEXT,
    untold_exit_code INTEGER,
    down_since       INTEGER
);
CREATE INDEX alert_state_untold ON alert_state(last_alert_at) WHERE untold > 0;

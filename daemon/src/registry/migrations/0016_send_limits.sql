-- Events counted by the abuse limits of issue 19 (codes sent per number and per caller, mails
-- per recipient, comments per user): one row per event, by kind and key, at Unix milliseconds.
CREATE TABLE rate_events (
    id   INTEGER PRIMARY KEY,
    kind TEXT    NOT NULL,
    key  TEXT    NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX rate_events_kind_key_at ON rate_events(kind, key, at);
CREATE INDEX rate_events_at ON rate_events(at);

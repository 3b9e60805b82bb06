-- Accounts, sessions, email verification and the mail outbox. Times are Unix milliseconds.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    verified      INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    notify_email  INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a token is kept.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    peer_uid   INTEGER,
    peer_pid   INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id);

-- At most one pending code per user; only its argon2 hash is kept.
CREATE TABLE otp_codes (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    code_hash       TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);

-- Failed logins per email (known or not), for the lockout window.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT    NOT NULL COLLATE NOCASE,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures(email, at);

-- Durable outbox. Bodies are sealed with the data dir's outbox key (they may carry a code) and
-- wiped once the server has accepted the mail. `sending_at` claims a row before it goes to the
-- server: a claimed row that was never marked sent (a crash mid-send) is not sent again.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_sealed     BLOB,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sending_at      INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER
);
CREATE INDEX mail_outbox_pending ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL AND sending_at IS NULL;

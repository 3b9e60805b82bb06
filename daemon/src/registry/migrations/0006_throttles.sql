-- Throttles that an attacker cannot turn against an account's owner (issue 7). Times are Unix
-- milliseconds; a peer uid the socket could not tell is -1.

-- Failed logins count per (email, caller uid): one uid's wrong guesses only slow down that uid.
ALTER TABLE login_failures ADD COLUMN peer_uid INTEGER NOT NULL DEFAULT -1;
DROP INDEX login_failures_email_at;
CREATE INDEX login_failures_email_uid_at ON login_failures(email, peer_uid, at);

-- Login codes sent by mail, one pending per (user, uid that asked for it): only its argon2
-- hash is kept, and only the uid that asked can use it, so another uid cannot spend its tries.
CREATE TABLE login_codes (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    peer_uid        INTEGER NOT NULL,
    code_hash       TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, peer_uid)
);

-- Sign-up tries per caller uid, for its throttle.
CREATE TABLE signup_attempts (
    id       INTEGER PRIMARY KEY,
    peer_uid INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX signup_attempts_uid_at ON signup_attempts(peer_uid, at);

-- One table for every one-time code (migrations 0001, 0006 and 0008 made one per purpose):
-- 'email' proves the account's address, 'phone' the number in `sent_to`, 'login' logs in by
-- mail and is bound to the uid that asked for it (`peer_uid`; 0 for the other purposes). At
-- most one code is pending per (purpose, user, uid); each is kept as its argon2 hash, with its
-- wrong tries.
CREATE TABLE codes (
    purpose         TEXT    NOT NULL CHECK (purpose IN ('email', 'phone', 'login')),
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    peer_uid        INTEGER NOT NULL DEFAULT 0,
    sent_to         TEXT,
    code_hash       TEXT    NOT NULL,
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (purpose, user_id, peer_uid)
);

INSERT INTO codes (purpose, user_id, peer_uid, sent_to, code_hash, sent_at, expires_at,
                   failed_attempts)
SELECT 'email', user_id, 0, NULL, code_hash, sent_at, expires_at, failed_attempts
FROM otp_codes;

INSERT INTO codes (purpose, user_id, peer_uid, sent_to, code_hash, sent_at, expires_at,
                   failed_attempts)
SELECT 'phone', user_id, 0, phone, code_hash, sent_at, expires_at, failed_attempts
FROM phone_codes;

INSERT INTO codes (purpose, user_id, peer_uid, sent_to, code_hash, sent_at, expires_at,
                   failed_attempts)
SELECT 'login', user_id, peer_uid, NULL, code_hash, sent_at, expires_at, failed_attempts
FROM login_codes;

DROP TABLE otp_codes;
DROP TABLE phone_codes;
DROP TABLE login_codes;

-- Issue 19 item 13: how many times a message's request went out to the SMS gateway and got no
-- answer (a timeout after it was sent). The gateway may have sent the message each time, so it
-- is sent at most twice in all, then given up.
ALTER TABLE mail_outbox ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0;

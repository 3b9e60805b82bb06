-- Outbox priorities (issue 19): codes first, then alerts, then the rest (0, 1, 2), so that no
-- flood of notices delays anyone's code.
ALTER TABLE mail_outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
CREATE INDEX mail_outbox_due ON mail_outbox(channel, priority, id)
    WHERE sent_at IS NULL AND failed_at IS NULL AND sending_at IS NULL;

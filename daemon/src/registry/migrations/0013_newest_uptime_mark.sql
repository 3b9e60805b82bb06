-- Each instance's newest uptime mark, kept on its row (issue 6): a listing reads it with the
-- row instead of with two index seeks per instance, and seeks the first mark of the window
-- only for instances whose newest mark lies inside it. NULL while the instance has no mark.
-- The triggers keep the copy equal to `uptime_marks`' newest row whatever writes the marks
-- (appends, rebuilds, the prune, the backfill of 0012), so no Rust write path can forget it.
ALTER TABLE instances ADD COLUMN newest_mark_at         INTEGER;
ALTER TABLE instances ADD COLUMN newest_mark_label      INTEGER;
ALTER TABLE instances ADD COLUMN newest_mark_engine_out INTEGER;
ALTER TABLE instances ADD COLUMN newest_mark_before     INTEGER;
ALTER TABLE instances ADD COLUMN newest_mark_up_ms      INTEGER;
ALTER TABLE instances ADD COLUMN newest_mark_down_ms    INTEGER;

-- `INSERT OR REPLACE` of a mark fires this (and not the delete trigger, with recursive
-- triggers off): a replaced newest mark is overwritten here.
CREATE TRIGGER uptime_marks_newest_insert AFTER INSERT ON uptime_marks BEGIN
    UPDATE instances SET
        newest_mark_at = NEW.at, newest_mark_label = NEW.label,
        newest_mark_engine_out = NEW.engine_out, newest_mark_before = NEW.before,
        newest_mark_up_ms = NEW.up_ms, newest_mark_down_ms = NEW.down_ms
    WHERE id = NEW.instance_id AND (newest_mark_at IS NULL OR newest_mark_at <= NEW.at);
END;

CREATE TRIGGER uptime_marks_newest_delete AFTER DELETE ON uptime_marks BEGIN
    UPDATE instances SET
        (newest_mark_at, newest_mark_label, newest_mark_engine_out, newest_mark_before,
         newest_mark_up_ms, newest_mark_down_ms) =
        (SELECT at, label, engine_out, before, up_ms, down_ms FROM uptime_marks
         WHERE instance_id = OLD.instance_id ORDER BY at DESC LIMIT 1)
    WHERE id = OLD.instance_id AND newest_mark_at = OLD.at;
END;

-- A mark is replaced (`INSERT OR REPLACE`) or deleted, never updated in place: refusing an
-- update keeps the two triggers above the only ways the copy can change.
CREATE TRIGGER uptime_marks_no_update BEFORE UPDATE ON uptime_marks BEGIN
    SELECT RAISE(ABORT, 'uptime marks are replaced, never updated');
END;

UPDATE instances SET
    (newest_mark_at, newest_mark_label, newest_mark_engine_out, newest_mark_before,
     newest_mark_up_ms, newest_mark_down_ms) =
    (SELECT at, label, engine_out, before, up_ms, down_ms FROM uptime_marks
     WHERE instance_id = instances.id ORDER BY at DESC LIMIT 1);

-- The time of each instance's mark before its newest (issue 6), kept on its row next to the
-- copy of the newest (0013). A listing's window needs the first mark after its start; when the
-- mark before the newest lies at or before the start, that first mark is the newest one, and
-- the listing seeks nothing. NULL while the instance has fewer than two marks. The triggers
-- recompute it from the table, like the copy of 0013, so no Rust write path can forget it; they
-- skip the writes of marks older than it, which cannot change it (most of what the prune
-- deletes).
ALTER TABLE instances ADD COLUMN mark_before_newest_at INTEGER;

CREATE TRIGGER uptime_marks_before_newest_insert AFTER INSERT ON uptime_marks BEGIN
    UPDATE instances SET mark_before_newest_at =
        (SELECT at FROM uptime_marks WHERE instance_id = NEW.instance_id
         ORDER BY at DESC LIMIT 1 OFFSET 1)
    WHERE id = NEW.instance_id
      AND (mark_before_newest_at IS NULL OR NEW.at >= mark_before_newest_at);
END;

CREATE TRIGGER uptime_marks_before_newest_delete AFTER DELETE ON uptime_marks BEGIN
    UPDATE instances SET mark_before_newest_at =
        (SELECT at FROM uptime_marks WHERE instance_id = OLD.instance_id
         ORDER BY at DESC LIMIT 1 OFFSET 1)
    WHERE id = OLD.instance_id
      AND (mark_before_newest_at IS NULL OR OLD.at >= mark_before_newest_at);
END;

UPDATE instances SET mark_before_newest_at =
    (SELECT at FROM uptime_marks WHERE instance_id = instances.id
     ORDER BY at DESC LIMIT 1 OFFSET 1);

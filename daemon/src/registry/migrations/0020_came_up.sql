-- When each instance's creation ended (issue 19 item 18): the time of its first history entry
-- after `created`, normally its first start. A listing's 7-day availability (`UP 7D`) counts
-- from here, so that a new instance is not punished for the time it took to be made; the
-- uptime report keeps the creation interval, as planned downtime. NULL until that first entry.
-- The trigger keeps it whatever appends the history, like those of 0013 and 0014; an entry
-- that Docker dates earlier (a late die) moves it back.
ALTER TABLE instances ADD COLUMN came_up_at INTEGER;

CREATE TRIGGER instance_events_came_up AFTER INSERT ON instance_events
WHEN NEW.kind NOT IN ('created', 'engine_down', 'engine_up')
BEGIN
    UPDATE instances SET came_up_at = NEW.at
    WHERE id = NEW.instance_id AND (came_up_at IS NULL OR came_up_at > NEW.at);
END;

UPDATE instances SET came_up_at =
    (SELECT MIN(at) FROM instance_events
     WHERE instance_id = instances.id AND kind NOT IN ('created', 'engine_down', 'engine_up'));

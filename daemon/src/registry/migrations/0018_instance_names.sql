-- The name of every instance that has a history, kept after the instance is removed, so that
-- `rsrc events` shows a removed instance's entries under its name (issue 19 item 21). Names
-- never change: the row is written with the instance, and goes when neither the instance nor
-- any entry of its history is left.
CREATE TABLE instance_names (
    instance_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL
);

-- What is known today: the instances there are, and removed ones whose volumes were kept.
INSERT OR IGNORE INTO instance_names (instance_id, name) SELECT id, name FROM instances;
INSERT OR IGNORE INTO instance_names (instance_id, name)
    SELECT instance_id, instance_name FROM volumes;

CREATE TRIGGER instance_names_remember AFTER INSERT ON instances
BEGIN
    INSERT OR REPLACE INTO instance_names (instance_id, name) VALUES (NEW.id, NEW.name);
END;

CREATE TRIGGER instance_names_forget_instance AFTER DELETE ON instances
WHEN NOT EXISTS (SELECT 1 FROM instance_events WHERE instance_id = OLD.id)
BEGIN
    DELETE FROM instance_names WHERE instance_id = OLD.id;
END;

CREATE TRIGGER instance_names_forget_history AFTER DELETE ON instance_events
WHEN NOT EXISTS (SELECT 1 FROM instance_events WHERE instance_id = OLD.instance_id)
 AND NOT EXISTS (SELECT 1 FROM instances WHERE id = OLD.instance_id)
BEGIN
    DELETE FROM instance_names WHERE instance_id = OLD.instance_id;
END;

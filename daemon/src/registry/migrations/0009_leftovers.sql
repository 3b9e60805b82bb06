-- What an admin's forced removal left at the engine: the instance's row is gone at once (its
-- ports, quota and name are free), and the repair pass removes the container, and the volumes
-- named here, once the engine can be reached.
CREATE TABLE engine_leftovers (
    id             INTEGER PRIMARY KEY,
    instance_id    TEXT    NOT NULL,
    container_id   TEXT,
    container_name TEXT    NOT NULL,
    volumes        TEXT    NOT NULL DEFAULT '[]',
    created_at     INTEGER NOT NULL
);

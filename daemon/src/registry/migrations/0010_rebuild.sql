-- Reusing kept volumes and recreating instances.

-- Bumped by every update or apply that changes a machine's spec; each instance records the
-- revision its container was made from, so `machine show` can count the outdated ones.
ALTER TABLE machines ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE instances ADD COLUMN machine_revision INTEGER NOT NULL DEFAULT 1;
-- The props the owner gave (JSON list of keys): a recreate keeps their values and takes the
-- machine's current defaults for the rest. NULL (instances made before): every stored key.
ALTER TABLE instances ADD COLUMN env_given TEXT;
-- The journal of a recreate (state 'recreating'), as JSON: the container being made and what the
-- row becomes (env without secret values, given keys, revision). Once that container exists,
-- reconciliation completes the recreate; before, it drops it and the old container stays.
ALTER TABLE instances ADD COLUMN recreate_plan TEXT;
-- Which machine a volume was made for: a kept volume is attached only to an instance of it.
-- Volumes of instances removed before this migration have none, and are not reused.
ALTER TABLE volumes ADD COLUMN machine_id INTEGER;
-- Set when a create attached a kept volume: its rollback detaches the volume, never removes it.
ALTER TABLE volumes ADD COLUMN reused INTEGER NOT NULL DEFAULT 0;
UPDATE volumes SET machine_id = (SELECT i.machine_id FROM instances i WHERE i.id = volumes.instance_id);

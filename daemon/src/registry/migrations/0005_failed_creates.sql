-- A create that answered an error is rolled back, never completed later: when its rollback
-- could not run (the engine was away), this mark tells reconciliation which way to go.
ALTER TABLE instances ADD COLUMN create_failed INTEGER NOT NULL DEFAULT 0;

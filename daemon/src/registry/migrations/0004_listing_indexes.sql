-- An admin's listing walks instances by name instead of sorting them, and a name given by an
-- admin is found without a scan.
CREATE INDEX instances_name ON instances(name, id);

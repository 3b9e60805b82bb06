-- Listing an instance's volumes looked every volume up by instance without an index, which made
-- listings quadratic once instances had volumes.
CREATE INDEX volumes_instance ON volumes(instance_id);

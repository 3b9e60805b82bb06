-- Users' networks (issue 19 item 15): each user's instances share a Docker bridge network with
-- a subnet of the configured pool. The subnet is recorded here, so that it stays the user's
-- across restarts. A row outlives its account until the network is gone from Docker (hence no
-- REFERENCES), so that its subnet is handed to nobody else meanwhile.
CREATE TABLE user_networks (
    owner_id   INTEGER PRIMARY KEY,
    subnet     TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Subnets of the pool Docker refused because another network of the host overlaps them.
CREATE TABLE unusable_subnets (
    subnet    TEXT    PRIMARY KEY,
    marked_at INTEGER NOT NULL
);

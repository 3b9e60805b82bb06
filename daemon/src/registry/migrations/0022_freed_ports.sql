-- When each host port was last freed by a removed instance (issue 20 item 5): the allocator
-- hands out ports never used first, then the least recently freed, and keeps a port freed
-- within `port_quarantine` for when nothing else is left, so that an old client config does not
-- silently reach someone else's new instance. A failed create's ports reached nobody and are
-- not recorded.
CREATE TABLE freed_ports (
    host_port INTEGER PRIMARY KEY,
    freed_at  INTEGER NOT NULL
);

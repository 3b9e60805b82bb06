-- The feed (issue 10, SPEC §7): comments, votes and ratings on machines. Times are Unix
-- milliseconds.

-- AUTOINCREMENT: an id is never handed out twice, so a paging cursor (an id) keeps its place
-- even after the newest comment was removed.
CREATE TABLE comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    machine_id INTEGER NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
    -- NULL once the author's account is deleted: the comment stays, from "deleted user".
    author_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    edited_at  INTEGER
);
CREATE INDEX comments_machine ON comments(machine_id, id);
CREATE INDEX comments_author ON comments(author_id);

-- One vote per user per machine: +1 like, -1 dislike.
CREATE TABLE votes (
    machine_id INTEGER NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value      INTEGER NOT NULL CHECK (value IN (1, -1)),
    at         INTEGER NOT NULL,
    PRIMARY KEY (machine_id, user_id)
) WITHOUT ROWID;
CREATE INDEX votes_user ON votes(user_id);

-- One rating per user per machine, with optional feedback text.
CREATE TABLE ratings (
    machine_id INTEGER NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    feedback   TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (machine_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ratings_user ON ratings(user_id);

-- Per machine counters, so listing never scans votes. Triggers keep them in the transaction
-- that changes a row, whoever changes it: a vote, a cascade from a deleted user or machine.
CREATE TABLE machine_feed (
    machine_id  INTEGER PRIMARY KEY REFERENCES machines(id) ON DELETE CASCADE,
    likes       INTEGER NOT NULL DEFAULT 0,
    dislikes    INTEGER NOT NULL DEFAULT 0,
    ratings     INTEGER NOT NULL DEFAULT 0,
    rating_sum  INTEGER NOT NULL DEFAULT 0,
    comments    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO machine_feed (machine_id) SELECT id FROM machines;

CREATE TRIGGER machine_feed_new AFTER INSERT ON machines
BEGIN
    INSERT INTO machine_feed (machine_id) VALUES (NEW.id);
END;

CREATE TRIGGER votes_counted_insert AFTER INSERT ON votes
BEGIN
    UPDATE machine_feed SET likes = likes + (NEW.value = 1), dislikes = dislikes + (NEW.value = -1)
    WHERE machine_id = NEW.machine_id;
END;
CREATE TRIGGER votes_counted_update AFTER UPDATE OF value ON votes
BEGIN
    UPDATE machine_feed
    SET likes = likes - (OLD.value = 1) + (NEW.value = 1),
        dislikes = dislikes - (OLD.value = -1) + (NEW.value = -1)
    WHERE machine_id = NEW.machine_id;
END;
CREATE TRIGGER votes_counted_delete AFTER DELETE ON votes
BEGIN
    UPDATE machine_feed SET likes = likes - (OLD.value = 1), dislikes = dislikes - (OLD.value = -1)
    WHERE machine_id = OLD.machine_id;
END;

CREATE TRIGGER ratings_counted_insert AFTER INSERT ON ratings
BEGIN
    UPDATE machine_feed SET ratings = ratings + 1, rating_sum = rating_sum + NEW.stars
    WHERE machine_id = NEW.machine_id;
END;
CREATE TRIGGER ratings_counted_update AFTER UPDATE OF stars ON ratings
BEGIN
    UPDATE machine_feed SET rating_sum = rating_sum - OLD.stars + NEW.stars
    WHERE machine_id = NEW.machine_id;
END;
CREATE TRIGGER ratings_counted_delete AFTER DELETE ON ratings
BEGIN
    UPDATE machine_feed SET ratings = ratings - 1, rating_sum = rating_sum - OLD.stars
    WHERE machine_id = OLD.machine_id;
END;

CREATE TRIGGER comments_counted_insert AFTER INSERT ON comments
BEGIN
    UPDATE machine_feed SET comments = comments + 1 WHERE machine_id = NEW.machine_id;
END;
CREATE TRIGGER comments_counted_delete AFTER DELETE ON comments
BEGIN
    UPDATE machine_feed SET comments = comments - 1 WHERE machine_id = OLD.machine_id;
END;

-- Admins may have a mail for each comment and each feedback (off by default).
ALTER TABLE users ADD COLUMN notify_feedback INTEGER NOT NULL DEFAULT 0;

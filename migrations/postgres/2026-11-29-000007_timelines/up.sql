-- Timelines (PostgreSQL): reblogs. Same meaning as migrations/sqlite.

-- A reblog (boost) is a status of its own, in the same id space as what it
-- wraps, so that timelines page over both: its author is who boosted,
-- `reblog_of_id` the status boosted, and it carries the boosted post or
-- comment (so it is marked deleted, or removed, with it). A person's boost
-- has the id of its `Announce`; a community's reblog of each of its posts
-- is written by the post's trigger (the FEP-1b12 relay, seen from a
-- Mastodon app).
ALTER TABLE statuses ADD COLUMN reblog_of_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE statuses ADD COLUMN reblog_ap_id TEXT;
ALTER TABLE statuses ADD COLUMN reblogged_at TIMESTAMP;
DROP INDEX statuses_post;
DROP INDEX statuses_comment;
CREATE UNIQUE INDEX statuses_post ON statuses (post_id) WHERE post_id IS NOT NULL AND reblog_of_id IS NULL;
CREATE UNIQUE INDEX statuses_comment ON statuses (comment_id) WHERE comment_id IS NOT NULL AND reblog_of_id IS NULL;
CREATE INDEX statuses_post_all ON statuses (post_id);
CREATE INDEX statuses_comment_all ON statuses (comment_id);
CREATE UNIQUE INDEX statuses_reblog ON statuses (reblog_of_id, author_id) WHERE reblog_of_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_reblog_ap_id ON statuses (reblog_ap_id) WHERE reblog_ap_id IS NOT NULL;

-- The posts already in communities get their community's reblog.
INSERT INTO statuses (post_id, author_id, community_id, local, deleted, reblog_of_id, reblogged_at)
SELECT s.post_id, s.community_id, s.community_id, a.local, s.deleted, s.id, p.published_at
FROM statuses s JOIN posts p ON p.id = s.post_id JOIN actors a ON a.id = s.community_id
WHERE s.post_id IS NOT NULL AND s.community_id IS NOT NULL
ORDER BY s.id;

CREATE OR REPLACE FUNCTION statuses_post_insert() RETURNS trigger AS $$
DECLARE
    original BIGINT;
BEGIN
    INSERT INTO statuses (post_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, NEW.community_id, NEW.local)
    RETURNING id INTO original;
    INSERT INTO statuses (post_id, author_id, community_id, local, reblog_of_id, reblogged_at)
    SELECT NEW.id, a.id, a.id, a.local, original, NEW.published_at
    FROM actors a WHERE a.id = NEW.community_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'favourite', 'follow', 'follow_request', 'reblog'));

CREATE OR REPLACE FUNCTION statuses_comment_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO statuses (comment_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, (SELECT community_id FROM posts WHERE id = NEW.post_id), NEW.local);
    -- An answer notifies the local author of what it answers (Mastodon calls it a mention).
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT parent.author_id, 'mention', NEW.author_id,
           (SELECT id FROM statuses WHERE comment_id = NEW.id AND reblog_of_id IS NULL), NEW.published_at
    FROM (SELECT COALESCE((SELECT author_id FROM comments WHERE id = NEW.parent_id),
                          (SELECT author_id FROM posts WHERE id = NEW.post_id)) AS author_id) parent
    WHERE parent.author_id <> NEW.author_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = parent.author_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notifications_like() RETURNS trigger AS $$
BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT s.author_id, 'favourite', NEW.actor_id, s.id, NEW.created_at
    FROM statuses s
    WHERE (s.post_id = NEW.post_id OR s.comment_id = NEW.comment_id)
      AND s.reblog_of_id IS NULL
      AND s.author_id <> NEW.actor_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = s.author_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

-- A person's boost notifies the local author of what was boosted (a
-- community's reblog of its posts does not).
CREATE FUNCTION notifications_reblog() RETURNS trigger AS $$
BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT s.author_id, 'reblog', NEW.author_id, s.id, NEW.reblogged_at
    FROM statuses s
    WHERE s.id = NEW.reblog_of_id
      AND s.author_id <> NEW.author_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = s.author_id)
      AND NOT EXISTS (SELECT 1 FROM actors WHERE actors.id = NEW.author_id AND actors.kind = 'group');
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER notifications_reblog AFTER INSERT ON statuses
FOR EACH ROW WHEN (NEW.reblog_of_id IS NOT NULL) EXECUTE FUNCTION notifications_reblog();

-- Pins: a member's own statuses shown first on their profile (at most 5).
ALTER TABLE statuses ADD COLUMN pinned_at TIMESTAMP;
CREATE INDEX statuses_pinned ON statuses (author_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- Hashtags: names lowercased, and which statuses (never reblogs) carry them.
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE status_tags (
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX status_tags_status ON status_tags (status_id);

-- What streaming clients are told besides new statuses: deletions (a
-- status marked deleted, a boost taken back) and edits. Written by
-- triggers, whichever door the change came through; only the latest
-- 10,000 are kept.
CREATE TABLE status_events (
    id BIGSERIAL PRIMARY KEY,
    status_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('delete', 'update'))
);
CREATE FUNCTION status_events_prune() RETURNS trigger AS $$
BEGIN
    DELETE FROM status_events WHERE id <= NEW.id - 10000;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER status_events_prune AFTER INSERT ON status_events
FOR EACH ROW EXECUTE FUNCTION status_events_prune();
CREATE FUNCTION status_events_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO status_events (status_id, kind) VALUES (NEW.id, 'delete');
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER status_events_deleted AFTER UPDATE OF deleted ON statuses
FOR EACH ROW WHEN (NEW.deleted AND NOT OLD.deleted) EXECUTE FUNCTION status_events_deleted();
CREATE FUNCTION status_events_removed() RETURNS trigger AS $$
BEGIN
    INSERT INTO status_events (status_id, kind) VALUES (OLD.id, 'delete');
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER status_events_removed AFTER DELETE ON statuses
FOR EACH ROW EXECUTE FUNCTION status_events_removed();
CREATE FUNCTION status_events_post_edit() RETURNS trigger AS $$
BEGIN
    INSERT INTO status_events (status_id, kind)
    SELECT id, 'update' FROM statuses WHERE post_id = NEW.id AND reblog_of_id IS NULL;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER status_events_post_edit AFTER UPDATE OF updated_at ON posts
FOR EACH ROW WHEN (NEW.updated_at IS NOT NULL AND NEW.deleted_at IS NULL)
EXECUTE FUNCTION status_events_post_edit();
CREATE FUNCTION status_events_comment_edit() RETURNS trigger AS $$
BEGIN
    INSERT INTO status_events (status_id, kind)
    SELECT id, 'update' FROM statuses WHERE comment_id = NEW.id AND reblog_of_id IS NULL;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER status_events_comment_edit AFTER UPDATE OF updated_at ON comments
FOR EACH ROW WHEN (NEW.updated_at IS NOT NULL AND NEW.deleted_at IS NULL)
EXECUTE FUNCTION status_events_comment_edit();

DROP TRIGGER status_events_comment_edit ON comments;
DROP FUNCTION status_events_comment_edit();
DROP TRIGGER status_events_post_edit ON posts;
DROP FUNCTION status_events_post_edit();
DROP TRIGGER status_events_removed ON statuses;
DROP FUNCTION status_events_removed();
DROP TRIGGER status_events_deleted ON statuses;
DROP FUNCTION status_events_deleted();
DROP TABLE status_events;
DROP FUNCTION status_events_prune();
DROP TABLE status_tags;
DROP TABLE tags;
DROP INDEX statuses_pinned;
ALTER TABLE statuses DROP COLUMN pinned_at;
DROP TRIGGER notifications_reblog ON statuses;
DROP FUNCTION notifications_reblog();
DELETE FROM notifications WHERE kind = 'reblog';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'favourite', 'follow', 'follow_request'));

CREATE OR REPLACE FUNCTION notifications_like() RETURNS trigger AS $$
BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT s.author_id, 'favourite', NEW.actor_id, s.id, NEW.created_at
    FROM statuses s
    WHERE (s.post_id = NEW.post_id OR s.comment_id = NEW.comment_id)
      AND s.author_id <> NEW.actor_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = s.author_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION statuses_comment_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO statuses (comment_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, (SELECT community_id FROM posts WHERE id = NEW.post_id), NEW.local);
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT parent.author_id, 'mention', NEW.author_id,
           (SELECT id FROM statuses WHERE comment_id = NEW.id), NEW.published_at
    FROM (SELECT COALESCE((SELECT author_id FROM comments WHERE id = NEW.parent_id),
                          (SELECT author_id FROM posts WHERE id = NEW.post_id)) AS author_id) parent
    WHERE parent.author_id <> NEW.author_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = parent.author_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION statuses_post_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO statuses (post_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, NEW.community_id, NEW.local);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

DELETE FROM statuses WHERE reblog_of_id IS NOT NULL;
DROP INDEX statuses_reblog_ap_id;
DROP INDEX statuses_reblog;
DROP INDEX statuses_comment_all;
DROP INDEX statuses_post_all;
DROP INDEX statuses_comment;
DROP INDEX statuses_post;
CREATE UNIQUE INDEX statuses_post ON statuses (post_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_comment ON statuses (comment_id) WHERE comment_id IS NOT NULL;
ALTER TABLE statuses DROP COLUMN reblogged_at;
ALTER TABLE statuses DROP COLUMN reblog_ap_id;
ALTER TABLE statuses DROP COLUMN reblog_of_id;

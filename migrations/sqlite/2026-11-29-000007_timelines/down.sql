DROP TRIGGER status_events_comment_edit;
DROP TRIGGER status_events_post_edit;
DROP TRIGGER status_events_removed;
DROP TRIGGER status_events_deleted;
DROP TABLE status_events;
DROP TABLE status_tags;
DROP TABLE tags;
DROP INDEX statuses_pinned;
ALTER TABLE statuses DROP COLUMN pinned_at;
DROP TRIGGER notifications_reblog;
DROP TRIGGER statuses_comment_insert;
DROP TRIGGER notifications_like;
DROP TRIGGER notifications_follow;
DROP TRIGGER notifications_join_request;
CREATE TABLE notifications_copy AS SELECT * FROM notifications WHERE kind <> 'reblog';
DROP TABLE notifications;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'favourite', 'follow', 'follow_request')),
    from_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    community_id BIGINT REFERENCES actors (id) ON DELETE CASCADE
);
INSERT INTO notifications (id, recipient_id, kind, from_id, status_id, created_at, community_id)
SELECT id, recipient_id, kind, from_id, status_id, created_at, community_id FROM notifications_copy;
DROP TABLE notifications_copy;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE TRIGGER statuses_comment_insert AFTER INSERT ON comments BEGIN
    INSERT INTO statuses (comment_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, (SELECT community_id FROM posts WHERE id = NEW.post_id), NEW.local);
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT parent.author_id, 'mention', NEW.author_id,
           (SELECT id FROM statuses WHERE comment_id = NEW.id), NEW.published_at
    FROM (SELECT COALESCE((SELECT author_id FROM comments WHERE id = NEW.parent_id),
                          (SELECT author_id FROM posts WHERE id = NEW.post_id)) AS author_id) parent
    WHERE parent.author_id <> NEW.author_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = parent.author_id);
END;
CREATE TRIGGER notifications_like AFTER INSERT ON likes BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT s.author_id, 'favourite', NEW.actor_id, s.id, NEW.created_at
    FROM statuses s
    WHERE (s.post_id = NEW.post_id OR s.comment_id = NEW.comment_id)
      AND s.author_id <> NEW.actor_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = s.author_id);
END;
CREATE TRIGGER notifications_follow AFTER INSERT ON follows
WHEN EXISTS (SELECT 1 FROM users WHERE users.actor_id = NEW.target_id) BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, created_at)
    VALUES (NEW.target_id, CASE NEW.state WHEN 'pending' THEN 'follow_request' ELSE 'follow' END,
            NEW.follower_id, NEW.created_at);
END;
CREATE TRIGGER notifications_join_request AFTER INSERT ON follows
WHEN NEW.state = 'pending' BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, community_id, created_at)
    SELECT m.person_id, 'follow_request', NEW.follower_id, NEW.target_id, NEW.created_at
    FROM community_moderators m
    WHERE m.community_id = NEW.target_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = m.person_id);
END;
DROP TRIGGER statuses_post_insert;
CREATE TRIGGER statuses_post_insert AFTER INSERT ON posts BEGIN
    INSERT INTO statuses (post_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, NEW.community_id, NEW.local);
END;
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

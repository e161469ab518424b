-- Web feeds: what the "active" and "top" sorts order posts by, kept by
-- triggers so that every way content arrives (web, API, federation) counts.
CREATE TABLE post_stats (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- Likes of the post itself.
    likes BIGINT NOT NULL DEFAULT 0,
    -- The post's publication, or its latest comment written within two
    -- days of it (older threads are not brought back up by a late comment).
    last_activity_at TIMESTAMP NOT NULL
);
CREATE INDEX post_stats_active ON post_stats (last_activity_at, post_id);
CREATE INDEX post_stats_likes ON post_stats (likes, post_id);
INSERT INTO post_stats (post_id, likes, last_activity_at)
SELECT p.id,
       (SELECT COUNT(*) FROM likes l WHERE l.post_id = p.id),
       COALESCE((SELECT MAX(c.published_at) FROM comments c
                 WHERE c.post_id = p.id AND c.published_at > p.published_at
                   AND c.published_at <= datetime(p.published_at, '+2 days')),
                p.published_at)
FROM posts p;
CREATE TRIGGER post_stats_post_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_stats (post_id, likes, last_activity_at) VALUES (NEW.id, 0, NEW.published_at);
END;
CREATE TRIGGER post_stats_like_insert AFTER INSERT ON likes
WHEN NEW.post_id IS NOT NULL BEGIN
    UPDATE post_stats SET likes = likes + 1 WHERE post_id = NEW.post_id;
END;
CREATE TRIGGER post_stats_like_delete AFTER DELETE ON likes
WHEN OLD.post_id IS NOT NULL BEGIN
    UPDATE post_stats SET likes = likes - 1 WHERE post_id = OLD.post_id;
END;
CREATE TRIGGER post_stats_comment_insert AFTER INSERT ON comments BEGIN
    UPDATE post_stats SET last_activity_at = NEW.published_at
    WHERE post_id = NEW.post_id AND last_activity_at < NEW.published_at
      AND NEW.published_at <= (SELECT datetime(published_at, '+2 days') FROM posts WHERE id = NEW.post_id);
END;

-- Instance settings edited by administrators (one row, once saved; until
-- then the configuration's values apply). A logo will join them with the
-- media store.
CREATE TABLE instance_settings (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The accent colour chosen, as #rrggbb.
    accent TEXT NOT NULL,
    registration_mode TEXT NOT NULL CHECK (registration_mode IN ('open', 'approval', 'closed')),
    updated_at TIMESTAMP NOT NULL
);

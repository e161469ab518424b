-- Web feeds (PostgreSQL). Same meaning as migrations/sqlite.
CREATE TABLE post_stats (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    likes BIGINT NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP NOT NULL
);
CREATE INDEX post_stats_active ON post_stats (last_activity_at, post_id);
CREATE INDEX post_stats_likes ON post_stats (likes, post_id);
INSERT INTO post_stats (post_id, likes, last_activity_at)
SELECT p.id,
       (SELECT COUNT(*) FROM likes l WHERE l.post_id = p.id),
       COALESCE((SELECT MAX(c.published_at) FROM comments c
                 WHERE c.post_id = p.id AND c.published_at > p.published_at
                   AND c.published_at <= p.published_at + INTERVAL '2 days'),
                p.published_at)
FROM posts p;

CREATE FUNCTION post_stats_post_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO post_stats (post_id, likes, last_activity_at) VALUES (NEW.id, 0, NEW.published_at);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER post_stats_post_insert AFTER INSERT ON posts
FOR EACH ROW EXECUTE FUNCTION post_stats_post_insert();

CREATE FUNCTION post_stats_like_insert() RETURNS trigger AS $$
BEGIN
    UPDATE post_stats SET likes = likes + 1 WHERE post_id = NEW.post_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER post_stats_like_insert AFTER INSERT ON likes
FOR EACH ROW WHEN (NEW.post_id IS NOT NULL) EXECUTE FUNCTION post_stats_like_insert();

CREATE FUNCTION post_stats_like_delete() RETURNS trigger AS $$
BEGIN
    UPDATE post_stats SET likes = likes - 1 WHERE post_id = OLD.post_id;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER post_stats_like_delete AFTER DELETE ON likes
FOR EACH ROW WHEN (OLD.post_id IS NOT NULL) EXECUTE FUNCTION post_stats_like_delete();

CREATE FUNCTION post_stats_comment_insert() RETURNS trigger AS $$
BEGIN
    UPDATE post_stats SET last_activity_at = NEW.published_at
    WHERE post_id = NEW.post_id AND last_activity_at < NEW.published_at
      AND NEW.published_at <= (SELECT published_at + INTERVAL '2 days' FROM posts WHERE id = NEW.post_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER post_stats_comment_insert AFTER INSERT ON comments
FOR EACH ROW EXECUTE FUNCTION post_stats_comment_insert();

CREATE TABLE instance_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    accent TEXT NOT NULL,
    registration_mode TEXT NOT NULL CHECK (registration_mode IN ('open', 'approval', 'closed')),
    updated_at TIMESTAMP NOT NULL
);

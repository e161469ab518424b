-- Failed log-ins, kept for the throttling window: too many for one login and further attempts wait.
CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    login TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_login ON login_failures (login, failed_at);
CREATE INDEX login_failures_time ON login_failures (failed_at);
-- The community directory lists Group actors newest first.
CREATE INDEX actors_kind ON actors (kind, id);
-- A request to join a community notifies its local moderators: a
-- follow_request naming the community (the Mastodon API leaves these out).
ALTER TABLE notifications ADD COLUMN community_id BIGINT REFERENCES actors (id) ON DELETE CASCADE;
CREATE FUNCTION notifications_join_request() RETURNS trigger AS $$
BEGIN
    INSERT INTO notifications (recipient_id, kind, from_id, community_id, created_at)
    SELECT m.person_id, 'follow_request', NEW.follower_id, NEW.target_id, NEW.created_at
    FROM community_moderators m
    WHERE m.community_id = NEW.target_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = m.person_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER notifications_join_request AFTER INSERT ON follows
FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION notifications_join_request();
-- Answers to a comment, for its author's notifications.
CREATE INDEX comments_parent ON comments (parent_id);

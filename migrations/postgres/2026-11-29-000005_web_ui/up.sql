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
-- When each member last looked at their notifications (derived from comments, likes and follows).
CREATE TABLE notification_marks (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL
);
-- Answers to a comment, for its author's notifications.
CREATE INDEX comments_parent ON comments (parent_id);

-- Mastodon filters (v2): a member's filters, their keywords and the
-- statuses they name. `context` is a comma-separated subset of
-- home, notifications, public, thread, account.
CREATE TABLE filters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    context TEXT NOT NULL,
    action TEXT NOT NULL DEFAULT 'warn' CHECK (action IN ('warn', 'hide')),
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX filters_actor ON filters (actor_id, id);
CREATE TABLE filter_keywords (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    whole_word BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);
CREATE TABLE filter_statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX filter_statuses_pair ON filter_statuses (filter_id, status_id);

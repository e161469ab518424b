-- Media attachments (SQLite). Same meaning as migrations/postgres.

-- An image: uploaded here (`file_name` under the data folder's media/)
-- or a reference to another instance's (`remote_url`, never downloaded).
-- Unattached uploads have no status; a status has at most 4, in `position` order.
CREATE TABLE media (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    file_name TEXT UNIQUE,
    remote_url TEXT,
    content_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    width INTEGER,
    height INTEGER,
    focus_x DOUBLE NOT NULL DEFAULT 0,
    focus_y DOUBLE NOT NULL DEFAULT 0,
    byte_size BIGINT NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    CHECK ((file_name IS NULL) <> (remote_url IS NULL))
);
CREATE INDEX media_status ON media (status_id, position);
CREATE INDEX media_owner ON media (owner_id);

-- A person's header (banner) image: ours under /media/, or another instance's URL.
-- (Their avatar is `avatar_url`, the same way.)
ALTER TABLE actors ADD COLUMN header_url TEXT;

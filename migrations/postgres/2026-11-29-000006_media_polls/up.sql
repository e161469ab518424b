-- Media attachments and polls (PostgreSQL). Same meaning as migrations/sqlite.

-- An image: uploaded here (`file_name` under the data folder's media/)
-- or a reference to another instance's (`remote_url`, never downloaded).
-- Unattached uploads have no status; a status has at most 4, in `position` order.
CREATE TABLE media (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    file_name TEXT UNIQUE,
    remote_url TEXT,
    content_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    width INTEGER,
    height INTEGER,
    focus_x DOUBLE PRECISION NOT NULL DEFAULT 0,
    focus_y DOUBLE PRECISION NOT NULL DEFAULT 0,
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

-- Polls: one per status, 2 to 10 options. A remote poll keeps the counts
-- its origin announces (remote_votes, remote_voters); a local one counts
-- its poll_votes.
CREATE TABLE polls (
    id BIGSERIAL PRIMARY KEY,
    status_id BIGINT NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
    multiple BOOLEAN NOT NULL,
    hide_totals BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at TIMESTAMP,
    remote_voters BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE poll_options (
    poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    remote_votes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, position)
);
-- One vote per voter per option.
CREATE TABLE poll_votes (
    id BIGSERIAL PRIMARY KEY,
    poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    voter_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (poll_id, voter_id, position)
);

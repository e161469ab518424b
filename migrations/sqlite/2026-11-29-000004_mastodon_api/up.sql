-- Mastodon client API (SQLite). Same meaning as migrations/postgres.

-- Applications registered through POST /api/v1/apps. Secrets are stored as SHA-256.
CREATE TABLE oauth_apps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    -- One URI per line.
    redirect_uris TEXT NOT NULL,
    -- Space-separated.
    scopes TEXT NOT NULL,
    website TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Authorization codes: single use (deleted when exchanged), short-lived, PKCE S256 when asked.
CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT,
    expires_at TIMESTAMP NOT NULL
);

-- Access and refresh tokens, stored as SHA-256. A token without user is an app token (client_credentials).
CREATE TABLE oauth_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    access_hash TEXT NOT NULL UNIQUE,
    refresh_hash TEXT UNIQUE,
    app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);

-- Statuses: one id space, in arrival order, over posts and comments (a
-- Mastodon status is either). Maintained by triggers, so that every way
-- content arrives (web, API, federation) is indexed.
CREATE TABLE statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    -- The community of the post (of the comment's post).
    community_id BIGINT REFERENCES actors (id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((post_id IS NULL) <> (comment_id IS NULL))
);
CREATE UNIQUE INDEX statuses_post ON statuses (post_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_comment ON statuses (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX statuses_author ON statuses (author_id, id);
CREATE INDEX statuses_community ON statuses (community_id, id);
CREATE INDEX statuses_local ON statuses (local, id);

INSERT INTO statuses (post_id, comment_id, author_id, community_id, local, deleted)
SELECT post_id, comment_id, author_id, community_id, local, deleted FROM (
    SELECT id AS post_id, NULL AS comment_id, author_id, community_id, local,
           deleted_at IS NOT NULL AS deleted, published_at
    FROM posts
    UNION ALL
    SELECT NULL, c.id, c.author_id, p.community_id, c.local, c.deleted_at IS NOT NULL, c.published_at
    FROM comments c JOIN posts p ON p.id = c.post_id
) ORDER BY published_at, post_id, comment_id;

-- Notifications of local members: answers to what they wrote, likes of it,
-- follows of them. Written by triggers beside the rows that cause them.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'favourite', 'follow', 'follow_request')),
    from_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);

CREATE TRIGGER statuses_post_insert AFTER INSERT ON posts BEGIN
    INSERT INTO statuses (post_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, NEW.community_id, NEW.local);
END;
CREATE TRIGGER statuses_comment_insert AFTER INSERT ON comments BEGIN
    INSERT INTO statuses (comment_id, author_id, community_id, local)
    VALUES (NEW.id, NEW.author_id, (SELECT community_id FROM posts WHERE id = NEW.post_id), NEW.local);
    -- An answer notifies the local author of what it answers (Mastodon calls it a mention).
    INSERT INTO notifications (recipient_id, kind, from_id, status_id, created_at)
    SELECT parent.author_id, 'mention', NEW.author_id,
           (SELECT id FROM statuses WHERE comment_id = NEW.id), NEW.published_at
    FROM (SELECT COALESCE((SELECT author_id FROM comments WHERE id = NEW.parent_id),
                          (SELECT author_id FROM posts WHERE id = NEW.post_id)) AS author_id) parent
    WHERE parent.author_id <> NEW.author_id
      AND EXISTS (SELECT 1 FROM users WHERE users.actor_id = parent.author_id);
END;
CREATE TRIGGER statuses_post_delete AFTER UPDATE OF deleted_at ON posts
WHEN NEW.deleted_at IS NOT NULL BEGIN
    UPDATE statuses SET deleted = TRUE WHERE post_id = NEW.id;
END;
CREATE TRIGGER statuses_comment_delete AFTER UPDATE OF deleted_at ON comments
WHEN NEW.deleted_at IS NOT NULL BEGIN
    UPDATE statuses SET deleted = TRUE WHERE comment_id = NEW.id;
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

-- Idempotency-Key of POST /api/v1/statuses: the same key gives back the same status.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- Bookmarks: statuses a member keeps for later (seen only by them).
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bookmarks_pair ON bookmarks (actor_id, status_id);
CREATE INDEX bookmarks_actor ON bookmarks (actor_id, id);

-- Reading positions an app saves per timeline (home, notifications).
CREATE TABLE markers (
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    timeline TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (actor_id, timeline)
);

-- Lists: a member's own selections of accounts (people or communities
-- they follow), each with its timeline.
CREATE TABLE lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
    exclusive BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX lists_actor ON lists (actor_id, id);
CREATE TABLE list_members (
    list_id BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (list_id, actor_id)
);
CREATE INDEX list_members_actor ON list_members (actor_id);

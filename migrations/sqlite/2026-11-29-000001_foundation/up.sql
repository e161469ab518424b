-- Foundation schema (SQLite). Same meaning as migrations/postgres.
-- Actors: local and remote Persons, Groups (communities) and the instance Application.
-- Usernames and community names share one namespace per domain.
CREATE TABLE instances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    domain TEXT NOT NULL UNIQUE,
    software TEXT,
    first_seen_at TIMESTAMP NOT NULL,
    last_success_at TIMESTAMP,
    failure_count INTEGER NOT NULL DEFAULT 0,
    dead_since TIMESTAMP
);

CREATE TABLE actors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'group', 'application')),
    ap_id TEXT NOT NULL UNIQUE,
    local BOOLEAN NOT NULL,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    outbox_url TEXT,
    followers_url TEXT,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT,
    manually_approves_followers BOOLEAN NOT NULL DEFAULT FALSE,
    avatar_url TEXT,
    instance_id BIGINT REFERENCES instances (id),
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    fetched_at TIMESTAMP
);
CREATE UNIQUE INDEX actors_handle ON actors (domain, lower(username));

-- Professional profile of a person (local or remote).
CREATE TABLE person_profiles (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    structure TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    territory TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL UNIQUE REFERENCES actors (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'member')),
    status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'suspended')),
    locale TEXT NOT NULL DEFAULT 'fr',
    signup_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Communities are Group actors with a kind and a membership policy.
CREATE TABLE communities (
    actor_id BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('interest', 'project', 'trade', 'territory')),
    membership_policy TEXT NOT NULL CHECK (membership_policy IN ('open', 'approval', 'invitation')),
    rules TEXT NOT NULL DEFAULT '',
    moderators_url TEXT,
    featured_url TEXT
);

CREATE TABLE community_moderators (
    community_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, person_id)
);

CREATE TABLE follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follower_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (follower_id, target_id);
CREATE INDEX follows_target ON follows (target_id, state);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    local BOOLEAN NOT NULL,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'page' CHECK (kind IN ('page', 'article', 'note')),
    title TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL DEFAULT '',
    link_url TEXT,
    language TEXT,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX posts_community ON posts (community_id, id);
CREATE INDEX posts_author ON posts (author_id, id);
CREATE INDEX posts_local ON posts (local, id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    local BOOLEAN NOT NULL,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    source TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX comments_post ON comments (post_id, id);
CREATE INDEX comments_author ON comments (author_id, id);

CREATE TABLE likes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    CHECK ((post_id IS NULL) <> (comment_id IS NULL))
);
CREATE UNIQUE INDEX likes_post ON likes (post_id, actor_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX likes_comment ON likes (comment_id, actor_id) WHERE comment_id IS NOT NULL;

-- Every activity we sent or accepted, by id: outgoing payloads and inbox de-duplication.
CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT REFERENCES actors (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Outgoing delivery queue: one row per (activity, target inbox).
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    instance_id BIGINT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX deliveries_target ON deliveries (activity_id, inbox_url);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

//! Diesel table definitions, shared by the SQLite and PostgreSQL migrations
//! (`migrations/sqlite` and `migrations/postgres` define the same meaning).

diesel::table! {
    instances (id) {
        id -> BigInt,
        domain -> Text,
        software -> Nullable<Text>,
        first_seen_at -> Timestamp,
        last_success_at -> Nullable<Timestamp>,
        failure_count -> Integer,
        dead_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    actors (id) {
        id -> BigInt,
        kind -> Text,
        ap_id -> Text,
        local -> Bool,
        username -> Text,
        domain -> Text,
        display_name -> Text,
        summary -> Text,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        outbox_url -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        public_key_pem -> Text,
        private_key_pem -> Nullable<Text>,
        manually_approves_followers -> Bool,
        avatar_url -> Nullable<Text>,
        instance_id -> Nullable<BigInt>,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        fetched_at -> Nullable<Timestamp>,
        // Media (migration 000006).
        header_url -> Nullable<Text>,
        // Deleted accounts (migration 000010).
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    person_profiles (actor_id) {
        actor_id -> BigInt,
        structure -> Text,
        job_title -> Text,
        territory -> Text,
        skills -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        actor_id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        status -> Text,
        locale -> Text,
        signup_reason -> Text,
        created_at -> Timestamp,
        last_active_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    communities (actor_id) {
        actor_id -> BigInt,
        kind -> Text,
        membership_policy -> Text,
        rules -> Text,
        moderators_url -> Nullable<Text>,
        featured_url -> Nullable<Text>,
    }
}

diesel::table! {
    community_moderators (community_id, person_id) {
        community_id -> BigInt,
        person_id -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::table! {
    follows (id) {
        id -> BigInt,
        follower_id -> BigInt,
        target_id -> BigInt,
        ap_id -> Text,
        state -> Text,
        created_at -> Timestamp,
        retried_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        ap_id -> Text,
        local -> Bool,
        author_id -> BigInt,
        community_id -> Nullable<BigInt>,
        kind -> Text,
        title -> Text,
        source -> Text,
        content_html -> Text,
        link_url -> Nullable<Text>,
        language -> Nullable<Text>,
        pinned -> Bool,
        published_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        ap_id -> Text,
        local -> Bool,
        post_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        source -> Text,
        content_html -> Text,
        published_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    likes (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> BigInt,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> Nullable<BigInt>,
        kind -> Text,
        local -> Bool,
        payload -> Text,
        created_at -> Timestamp,
        instance_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        activity_id -> BigInt,
        inbox_url -> Text,
        instance_id -> BigInt,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        object_key -> Text,
    }
}

diesel::table! {
    oauth_apps (id) {
        id -> BigInt,
        client_id -> Text,
        client_secret_hash -> Text,
        name -> Text,
        redirect_uris -> Text,
        scopes -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_codes (code_hash) {
        code_hash -> Text,
        app_id -> BigInt,
        user_id -> BigInt,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    oauth_tokens (id) {
        id -> BigInt,
        access_hash -> Text,
        refresh_hash -> Nullable<Text>,
        app_id -> BigInt,
        user_id -> Nullable<BigInt>,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    statuses (id) {
        id -> BigInt,
        post_id -> Nullable<BigInt>,
        comment_id -> Nullable<BigInt>,
        author_id -> BigInt,
        community_id -> Nullable<BigInt>,
        local -> Bool,
        deleted -> Bool,
        reblog_of_id -> Nullable<BigInt>,
        reblog_ap_id -> Nullable<Text>,
        reblogged_at -> Nullable<Timestamp>,
        pinned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        recipient_id -> BigInt,
        kind -> Text,
        from_id -> BigInt,
        status_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        community_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    bookmarks (id) {
        id -> BigInt,
        actor_id -> BigInt,
        status_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    markers (actor_id, timeline) {
        actor_id -> BigInt,
        timeline -> Text,
        last_read_id -> BigInt,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lists (id) {
        id -> BigInt,
        actor_id -> BigInt,
        title -> Text,
        replies_policy -> Text,
        exclusive -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    list_members (list_id, actor_id) {
        list_id -> BigInt,
        actor_id -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> BigInt,
        idem_key -> Text,
        status_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        login -> Text,
        failed_at -> Timestamp,
    }
}

// --- Media attachments (migration 000006) ---
diesel::table! {
    media (id) {
        id -> BigInt,
        owner_id -> BigInt,
        status_id -> Nullable<BigInt>,
        file_name -> Nullable<Text>,
        remote_url -> Nullable<Text>,
        content_type -> Text,
        description -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        focus_x -> Double,
        focus_y -> Double,
        byte_size -> BigInt,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    polls (id) {
        id -> BigInt,
        status_id -> BigInt,
        multiple -> Bool,
        hide_totals -> Bool,
        expires_at -> Nullable<Timestamp>,
        remote_voters -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    poll_options (poll_id, position) {
        poll_id -> BigInt,
        position -> Integer,
        title -> Text,
        remote_votes -> BigInt,
    }
}

diesel::table! {
    poll_votes (id) {
        id -> BigInt,
        poll_id -> BigInt,
        position -> Integer,
        voter_id -> BigInt,
        created_at -> Timestamp,
    }
}
// --- end media ---

diesel::joinable!(users -> actors (actor_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(person_profiles -> actors (actor_id));
diesel::joinable!(communities -> actors (actor_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(deliveries -> activities (activity_id));
diesel::joinable!(deliveries -> instances (instance_id));
diesel::joinable!(oauth_tokens -> oauth_apps (app_id));
diesel::joinable!(oauth_codes -> oauth_apps (app_id));

diesel::allow_tables_to_appear_in_same_query!(
    instances,
    actors,
    person_profiles,
    users,
    sessions,
    communities,
    community_moderators,
    follows,
    posts,
    comments,
    likes,
    activities,
    deliveries,
    oauth_apps,
    oauth_codes,
    oauth_tokens,
    statuses,
    notifications,
    idempotency_keys,
    bookmarks,
    markers,
    lists,
    list_members,
    login_failures,
    media,
    polls,
    poll_options,
    poll_votes,
);

// Web feeds (migration 2026-11-29-000008_web_settings).
diesel::table! {
    post_stats (post_id) {
        post_id -> BigInt,
        likes -> BigInt,
        last_activity_at -> Timestamp,
    }
}

diesel::joinable!(post_stats -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(post_stats, posts);
diesel::allow_tables_to_appear_in_same_query!(post_stats, follows);

// Timelines branch: hashtags.
diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    status_tags (tag_id, status_id) {
        tag_id -> BigInt,
        status_id -> BigInt,
    }
}

diesel::joinable!(status_tags -> tags (tag_id));
diesel::joinable!(status_tags -> statuses (status_id));

diesel::table! {
    status_events (id) {
        id -> BigInt,
        status_id -> BigInt,
        kind -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(tags, status_tags, statuses);

// Instance settings (migration 2026-11-29-000008_web_settings).
diesel::table! {
    instance_settings (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        accent -> Text,
        registration_mode -> Text,
        updated_at -> Timestamp,
        logo -> Nullable<Text>,
    }
}

// Filters (migration 2026-11-29-000009_filters).
diesel::table! {
    filters (id) {
        id -> BigInt,
        actor_id -> BigInt,
        title -> Text,
        context -> Text,
        action -> Text,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    filter_keywords (id) {
        id -> BigInt,
        filter_id -> BigInt,
        keyword -> Text,
        whole_word -> Bool,
    }
}

diesel::table! {
    filter_statuses (id) {
        id -> BigInt,
        filter_id -> BigInt,
        status_id -> BigInt,
    }
}

diesel::joinable!(filter_keywords -> filters (filter_id));
diesel::joinable!(filter_statuses -> filters (filter_id));
diesel::allow_tables_to_appear_in_same_query!(filters, filter_keywords, filter_statuses);

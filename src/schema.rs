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
    login_failures (id) {
        id -> BigInt,
        login -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    notification_marks (user_id) {
        user_id -> BigInt,
        seen_at -> Timestamp,
    }
}

diesel::joinable!(users -> actors (actor_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(person_profiles -> actors (actor_id));
diesel::joinable!(communities -> actors (actor_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(deliveries -> activities (activity_id));
diesel::joinable!(deliveries -> instances (instance_id));

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
    login_failures,
    notification_marks,
);

//! Notifications: what happened lately to a member's things — answers to
//! their posts and comments, likes of them, new followers, requests to join
//! the communities they moderate. They are read from the stored comments,
//! likes and follows (nothing more is written when these happen); only the
//! moment the member last looked is kept, for the unread count.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{comments, community_moderators, follows, likes, notification_marks, posts};

diesel::alias!(comments as parent_comments: ParentComments);

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Someone answered the member's post or comment.
    Reply,
    /// Someone liked the member's post or comment.
    Like,
    /// Someone follows (or asks to follow) the member.
    Follow,
    /// Someone asks to join a community the member moderates.
    Request,
}

/// One notification.
#[derive(Debug, Clone)]
pub struct Notification {
    pub kind: Kind,
    /// Who did it.
    pub actor_id: i64,
    pub at: chrono::NaiveDateTime,
    /// The post concerned (for answers and likes).
    pub post_id: Option<i64>,
    /// The comment to show (an answer, or the liked comment).
    pub comment_id: Option<i64>,
    /// The community asked to join (for requests).
    pub community_id: Option<i64>,
}

/// A row read by one of the queries: who, when, post, comment, community.
type Row = (
    i64,
    chrono::NaiveDateTime,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Notifications of a person since a moment (all when `None`), newest first,
/// at most `limit` of each kind before merging.
fn read(
    conn: &mut DbConn,
    me: i64,
    since: Option<chrono::NaiveDateTime>,
    limit: i64,
) -> Result<Vec<Notification>, Error> {
    let since = since.unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
    let my_posts = posts::table
        .filter(posts::author_id.eq(me))
        .select(posts::id);
    let answers_to_posts: Vec<Row> = comments::table
        .filter(comments::parent_id.is_null())
        .filter(comments::post_id.eq_any(my_posts))
        .filter(comments::author_id.ne(me))
        .filter(comments::deleted_at.is_null())
        .filter(comments::published_at.gt(since))
        .order(comments::published_at.desc())
        .limit(limit)
        .select((
            comments::author_id,
            comments::published_at,
            comments::post_id.nullable(),
            comments::id.nullable(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
        ))
        .load(conn)?;
    let answers_to_comments: Vec<Row> = comments::table
        .inner_join(
            parent_comments.on(parent_comments
                .field(comments::id)
                .nullable()
                .eq(comments::parent_id)),
        )
        .filter(parent_comments.field(comments::author_id).eq(me))
        .filter(comments::author_id.ne(me))
        .filter(comments::deleted_at.is_null())
        .filter(comments::published_at.gt(since))
        .order(comments::published_at.desc())
        .limit(limit)
        .select((
            comments::author_id,
            comments::published_at,
            comments::post_id.nullable(),
            comments::id.nullable(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
        ))
        .load(conn)?;
    let post_likes: Vec<Row> = likes::table
        .inner_join(posts::table.on(posts::id.nullable().eq(likes::post_id)))
        .filter(posts::author_id.eq(me))
        .filter(likes::actor_id.ne(me))
        .filter(likes::created_at.gt(since))
        .order(likes::created_at.desc())
        .limit(limit)
        .select((
            likes::actor_id,
            likes::created_at,
            likes::post_id,
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
        ))
        .load(conn)?;
    let comment_likes: Vec<Row> = likes::table
        .inner_join(comments::table.on(comments::id.nullable().eq(likes::comment_id)))
        .filter(comments::author_id.eq(me))
        .filter(likes::actor_id.ne(me))
        .filter(likes::created_at.gt(since))
        .order(likes::created_at.desc())
        .limit(limit)
        .select((
            likes::actor_id,
            likes::created_at,
            comments::post_id.nullable(),
            likes::comment_id,
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
        ))
        .load(conn)?;
    let followers: Vec<Row> = follows::table
        .filter(follows::target_id.eq(me))
        .filter(follows::created_at.gt(since))
        .order(follows::created_at.desc())
        .limit(limit)
        .select((
            follows::follower_id,
            follows::created_at,
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
        ))
        .load(conn)?;
    let requests: Vec<Row> = follows::table
        .inner_join(
            community_moderators::table
                .on(community_moderators::community_id.eq(follows::target_id)),
        )
        .filter(community_moderators::person_id.eq(me))
        .filter(follows::state.eq("pending"))
        .filter(follows::created_at.gt(since))
        .order(follows::created_at.desc())
        .limit(limit)
        .select((
            follows::follower_id,
            follows::created_at,
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
            None::<i64>.into_sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(),
            follows::target_id.nullable(),
        ))
        .load(conn)?;
    let mut all: Vec<Notification> = [
        (Kind::Reply, answers_to_posts),
        (Kind::Reply, answers_to_comments),
        (Kind::Like, post_likes),
        (Kind::Like, comment_likes),
        (Kind::Follow, followers),
        (Kind::Request, requests),
    ]
    .into_iter()
    .flat_map(|(kind, rows)| {
        rows.into_iter()
            .map(
                move |(actor_id, at, post_id, comment_id, community_id)| Notification {
                    kind,
                    actor_id,
                    at,
                    post_id,
                    comment_id,
                    community_id,
                },
            )
    })
    .collect();
    all.sort_by_key(|n| std::cmp::Reverse(n.at));
    all.truncate(limit as usize);
    Ok(all)
}

/// The latest notifications of a person, newest first.
pub fn recent(conn: &mut DbConn, person_id: i64, limit: i64) -> Result<Vec<Notification>, Error> {
    read(conn, person_id, None, limit)
}

/// When the member last looked at their notifications.
fn seen_at(conn: &mut DbConn, user_id: i64) -> Result<Option<chrono::NaiveDateTime>, Error> {
    Ok(notification_marks::table
        .find(user_id)
        .select(notification_marks::seen_at)
        .first(conn)
        .optional()?)
}

/// How many notifications arrived since the member last looked, up to `cap`.
pub fn unread_count(
    conn: &mut DbConn,
    user_id: i64,
    person_id: i64,
    cap: i64,
) -> Result<i64, Error> {
    let since = seen_at(conn, user_id)?;
    Ok(read(conn, person_id, since, cap)?.len() as i64)
}

/// The member has looked at their notifications now.
pub fn mark_seen(conn: &mut DbConn, user_id: i64) -> Result<(), Error> {
    let now = super::now();
    let changed = diesel::update(notification_marks::table.find(user_id))
        .set(notification_marks::seen_at.eq(now))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(notification_marks::table)
            .values((
                notification_marks::user_id.eq(user_id),
                notification_marks::seen_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

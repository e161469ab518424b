//! Notifications of local members: answers to what they wrote (Mastodon's
//! `mention`), likes of it (`favourite`), follows and follow requests. The
//! rows are written by database triggers beside the like, comment or follow
//! that causes them, whichever door it came through; here they are listed
//! (keyset pages, filtered by type), read, dismissed and cleared; and the
//! reading positions (markers) apps save for the home timeline and the
//! notifications, which tell how many notifications are unread. A request
//! to join a community notifies its local moderators as a `follow_request`
//! naming the community: the web shows it, the Mastodon API (which has no
//! such notion) leaves it out.

use diesel::prelude::*;

use super::statuses::{keyset, Page};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{comments, markers, notifications, statuses};

/// The kinds stored, as Mastodon names them.
pub const KINDS: &[&str] = &["mention", "favourite", "reblog", "follow", "follow_request"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub from_id: i64,
    pub status_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    /// The community asked to join, for a request to join it.
    pub community_id: Option<i64>,
}

/// Which kinds a listing keeps: only `types` when given, minus `exclude`.
pub fn kinds_wanted(types: &[String], exclude: &[String]) -> Vec<&'static str> {
    KINDS
        .iter()
        .copied()
        .filter(|k| types.is_empty() || types.iter().any(|t| t == k))
        .filter(|k| !exclude.iter().any(|t| t == k))
        .collect()
}

/// A page of an actor's notifications of the given kinds, newest first.
pub fn list(
    conn: &mut DbConn,
    recipient_id: i64,
    kinds: &[&str],
    page: &Page,
) -> Result<Vec<Notification>, Error> {
    let query = notifications::table
        .filter(notifications::recipient_id.eq(recipient_id))
        .filter(notifications::kind.eq_any(kinds))
        .filter(notifications::community_id.is_null())
        .select(Notification::as_select())
        .into_boxed();
    Ok(page.finish(keyset!(query, notifications::id, page).load(conn)?))
}

/// One notification of an actor.
pub fn get(conn: &mut DbConn, recipient_id: i64, id: i64) -> Result<Notification, Error> {
    notifications::table
        .find(id)
        .filter(notifications::recipient_id.eq(recipient_id))
        .select(Notification::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

/// Removes one notification of an actor.
pub fn dismiss(conn: &mut DbConn, recipient_id: i64, id: i64) -> Result<(), Error> {
    let n = diesel::delete(
        notifications::table
            .find(id)
            .filter(notifications::recipient_id.eq(recipient_id)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(Error::NotFound("Record not found".into()));
    }
    Ok(())
}

/// Removes all notifications of an actor.
pub fn clear(conn: &mut DbConn, recipient_id: i64) -> Result<(), Error> {
    diesel::delete(notifications::table.filter(notifications::recipient_id.eq(recipient_id)))
        .execute(conn)?;
    Ok(())
}

/// The timelines whose reading position is kept.
pub const MARKED: &[&str] = &["home", "notifications"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = markers)]
pub struct Marker {
    pub actor_id: i64,
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i32,
    pub updated_at: chrono::NaiveDateTime,
}

/// An actor's markers of the given timelines.
pub fn markers_of(
    conn: &mut DbConn,
    actor_id: i64,
    timelines: &[&str],
) -> Result<Vec<Marker>, Error> {
    Ok(markers::table
        .filter(markers::actor_id.eq(actor_id))
        .filter(markers::timeline.eq_any(timelines))
        .select(Marker::as_select())
        .load(conn)?)
}

/// Saves a reading position; each save raises the marker's version.
pub fn save_marker(
    conn: &mut DbConn,
    actor_id: i64,
    timeline: &str,
    last_read_id: i64,
) -> Result<Marker, Error> {
    let Some(timeline) = MARKED.iter().find(|t| **t == timeline) else {
        return Err(Error::invalid(
            "timeline",
            format!("'{timeline}' is not one of home, notifications"),
        ));
    };
    crate::db::transaction(conn, |conn| {
        let now = super::now();
        let updated = diesel::update(markers::table.find((actor_id, *timeline)))
            .set((
                markers::last_read_id.eq(last_read_id),
                markers::version.eq(markers::version + 1),
                markers::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(markers::table)
                .values((
                    markers::actor_id.eq(actor_id),
                    markers::timeline.eq(*timeline),
                    markers::last_read_id.eq(last_read_id),
                    markers::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(markers::table
            .find((actor_id, *timeline))
            .select(Marker::as_select())
            .first(conn)?)
    })
}

/// Notifications newer than the notifications marker (at most `cap`).
pub fn unread_count(conn: &mut DbConn, actor_id: i64, cap: i64) -> Result<i64, Error> {
    // One query: past the marker when there is one.
    let marker = markers::table
        .filter(markers::actor_id.eq(actor_id))
        .filter(markers::timeline.eq("notifications"))
        .select(markers::last_read_id);
    let ids: Vec<i64> = notifications::table
        .filter(notifications::recipient_id.eq(actor_id))
        .filter(
            diesel::dsl::not(diesel::dsl::exists(marker))
                .or(notifications::id.nullable().gt(marker.single_value())),
        )
        .select(notifications::id)
        .limit(cap)
        .load(conn)?;
    Ok(ids.len() as i64)
}

/// The newest notification id (0 when there is none): where a stream starts.
pub fn newest_id(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(notifications::table
        .select(diesel::dsl::max(notifications::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// Notifications of everyone written after `id`, oldest first (at most `limit`).
pub fn written_after(conn: &mut DbConn, id: i64, limit: i64) -> Result<Vec<Notification>, Error> {
    Ok(notifications::table
        .filter(notifications::id.gt(id))
        .order(notifications::id.asc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?)
}

/// A notification with the post (and comment) its status is, for pages.
#[derive(Debug, Clone)]
pub struct Detailed {
    pub notification: Notification,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
}

/// A member's latest notifications, join requests included, newest first.
pub fn latest(conn: &mut DbConn, recipient_id: i64, limit: i64) -> Result<Vec<Detailed>, Error> {
    let list: Vec<Notification> = notifications::table
        .filter(notifications::recipient_id.eq(recipient_id))
        .order(notifications::id.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?;
    let status_ids: Vec<i64> = list.iter().filter_map(|n| n.status_id).collect();
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = statuses::table
        .filter(statuses::id.eq_any(&status_ids))
        .select((statuses::id, statuses::post_id, statuses::comment_id))
        .load(conn)?;
    let comment_ids: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    let post_of_comment: std::collections::HashMap<i64, i64> = comments::table
        .filter(comments::id.eq_any(&comment_ids))
        .select((comments::id, comments::post_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let about: std::collections::HashMap<i64, (Option<i64>, Option<i64>)> = rows
        .into_iter()
        .map(|(id, post, comment)| {
            let post = post.or_else(|| comment.and_then(|c| post_of_comment.get(&c).copied()));
            (id, (post, comment))
        })
        .collect();
    Ok(list
        .into_iter()
        .map(|notification| {
            let (post_id, comment_id) = notification
                .status_id
                .and_then(|s| about.get(&s).copied())
                .unwrap_or((None, None));
            Detailed {
                notification,
                post_id,
                comment_id,
            }
        })
        .collect())
}

/// Marks all of a member's notifications read (the notifications marker
/// moves to the newest).
pub fn mark_all_read(conn: &mut DbConn, actor_id: i64) -> Result<(), Error> {
    let newest: Option<i64> = notifications::table
        .filter(notifications::recipient_id.eq(actor_id))
        .select(diesel::dsl::max(notifications::id))
        .first(conn)?;
    if let Some(newest) = newest {
        save_marker(conn, actor_id, "notifications", newest)?;
    }
    Ok(())
}

//! Notifications of local members: answers to what they wrote (Mastodon's
//! `mention`), likes of it (`favourite`), follows and follow requests. The
//! rows are written by database triggers beside the like, comment or follow
//! that causes them, whichever door it came through; here they are listed
//! (keyset pages, filtered by type), read, dismissed and cleared.

use diesel::prelude::*;

use super::statuses::{keyset, Page};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::notifications;

/// The kinds stored, as Mastodon names them.
pub const KINDS: &[&str] = &["mention", "favourite", "follow", "follow_request"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub recipient_id: i64,
    pub kind: String,
    pub from_id: i64,
    pub status_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
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

//! Reblogs (boosts) by people: a member boosts a status (once) or takes
//! the boost back; a boost from elsewhere (a Mastodon `Announce` of a Note
//! by a Person) is stored the same way. Each boost is a row of the
//! statuses index (see [`super::statuses`]) with the id of its `Announce`;
//! it goes to the booster's followers and to the author of what was
//! boosted. A community's reblogs of its posts are not made here: the
//! database writes them beside each post.

use diesel::prelude::*;

use super::actors::{self, Actor};
use super::content::{self, Target};
use super::follows;
use super::statuses::{self, keyset, Page, Status, StatusRow};
use crate::activitypub::ids;
use crate::config::Config;
use crate::db::DbConn;
use crate::delivery_queue;
use crate::error::Error;
use crate::schema::statuses as statuses_t;
use recolte_federation::activities as ap;

/// The status a reblog boosts; any other status is itself.
pub fn original(conn: &mut DbConn, status: &Status) -> Result<Status, Error> {
    match status.row.reblog_of_id {
        Some(id) => statuses::by_id(conn, id),
        None => Ok(status.clone()),
    }
}

/// An actor's boost of a status, if any.
fn boost_of(conn: &mut DbConn, by: i64, original_id: i64) -> Result<Option<StatusRow>, Error> {
    Ok(statuses_t::table
        .filter(statuses_t::reblog_of_id.eq(original_id))
        .filter(statuses_t::author_id.eq(by))
        .select(StatusRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes a boost row.
fn insert(
    conn: &mut DbConn,
    by: &Actor,
    original: &Status,
    ap_id: &str,
) -> Result<StatusRow, Error> {
    let (post_id, comment_id) = match &original.target {
        Target::Post(p) => (Some(p.id), None),
        Target::Comment(c) => (None, Some(c.id)),
    };
    let id: i64 = diesel::insert_into(statuses_t::table)
        .values((
            statuses_t::post_id.eq(post_id),
            statuses_t::comment_id.eq(comment_id),
            statuses_t::author_id.eq(by.id),
            statuses_t::community_id.eq(original.row.community_id),
            statuses_t::local.eq(by.local),
            statuses_t::reblog_of_id.eq(original.row.id),
            statuses_t::reblog_ap_id.eq(ap_id),
            statuses_t::reblogged_at.eq(super::now()),
        ))
        .returning(statuses_t::id)
        .get_result(conn)?;
    Ok(statuses_t::table
        .find(id)
        .select(StatusRow::as_select())
        .first(conn)?)
}

/// Where a boost (or its undoing) goes: the booster's followers and the
/// author of what was boosted, when elsewhere.
fn send(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    original: &Status,
    activity: &serde_json::Value,
) -> Result<(), Error> {
    let author = actors::by_id(conn, original.row.author_id)?;
    let mut inboxes = follows::follower_inboxes(conn, by.id)?;
    if !author.local {
        let inbox = follows::inbox_of(&author);
        if !inboxes.contains(&inbox) {
            inboxes.push(inbox);
        }
    }
    let key = content::order_key(conn, &original.target)?;
    delivery_queue::publish(conn, config, by, activity, &key, inboxes)?;
    Ok(())
}

fn announce(by: &Actor, original: &Status, author: &Actor, ap_id: &str) -> serde_json::Value {
    ap::boost(
        ap_id,
        &by.ap_id,
        original.target.ap_id(),
        by.followers_url.as_deref().unwrap_or_default(),
        &author.ap_id,
    )
}

/// A local member boosts a status (a reblog boosts what it boosts); a
/// second boost gives back the first. Returns the boost.
pub fn reblog(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    status: &Status,
) -> Result<Status, Error> {
    if !by.local {
        return Err(Error::Forbidden("only local members boost here".into()));
    }
    let original = original(conn, status)?;
    crate::db::transaction(conn, |conn| {
        let row = match boost_of(conn, by.id, original.row.id)? {
            Some(row) => row,
            None => {
                let ap_id = ids::activity(config);
                let row = insert(conn, by, &original, &ap_id)?;
                let author = actors::by_id(conn, original.row.author_id)?;
                let activity = announce(by, &original, &author, &ap_id);
                send(conn, config, by, &original, &activity)?;
                row
            }
        };
        Ok(Status {
            row,
            target: original.target.clone(),
        })
    })
}

/// A local member takes a boost back (`Undo{Announce}`); nothing happens
/// when there was none. Returns the status that was boosted.
pub fn unreblog(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    status: &Status,
) -> Result<Status, Error> {
    let original = original(conn, status)?;
    crate::db::transaction(conn, |conn| {
        if let Some(row) = boost_of(conn, by.id, original.row.id)? {
            diesel::delete(statuses_t::table.find(row.id)).execute(conn)?;
            let author = actors::by_id(conn, original.row.author_id)?;
            let ap_id = row.reblog_ap_id.unwrap_or_else(|| ids::activity(config));
            let boost = announce(by, &original, &author, &ap_id);
            let undo = ap::undo(&ids::activity(config), &by.ap_id, boost, None);
            send(conn, config, by, &original, &undo)?;
        }
        Ok(original)
    })
}

/// Records a boost from elsewhere (once) of something held here.
pub fn receive(
    conn: &mut DbConn,
    announce_ap_id: &str,
    by: &Actor,
    target: &Target,
) -> Result<(), Error> {
    let original = statuses::of_target(conn, target)?;
    if original.row.deleted || boost_of(conn, by.id, original.row.id)?.is_some() {
        return Ok(());
    }
    insert(conn, by, &original, announce_ap_id)?;
    Ok(())
}

/// Removes a boost from elsewhere, by the id of its `Announce` or, failing
/// that, by who and what.
pub fn receive_undo(
    conn: &mut DbConn,
    announce_ap_id: &str,
    by: &Actor,
    object_ap_id: Option<&str>,
) -> Result<(), Error> {
    let removed = diesel::delete(
        statuses_t::table
            .filter(statuses_t::reblog_ap_id.eq(announce_ap_id))
            .filter(statuses_t::author_id.eq(by.id)),
    )
    .execute(conn)?;
    if removed > 0 {
        return Ok(());
    }
    if let Some(target) = object_ap_id
        .map(|o| content::find_by_ap_id(conn, o))
        .transpose()?
        .flatten()
    {
        let original = statuses::of_target(conn, &target)?;
        diesel::delete(
            statuses_t::table
                .filter(statuses_t::reblog_of_id.eq(original.row.id))
                .filter(statuses_t::author_id.eq(by.id)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Who boosted a status (communities relaying their posts included),
/// newest boost first, keyset-paged by boost id.
pub fn rebloggers(
    conn: &mut DbConn,
    status: &Status,
    page: &Page,
) -> Result<Vec<(i64, Actor)>, Error> {
    let original = original(conn, status)?;
    let query = statuses_t::table
        .filter(statuses_t::reblog_of_id.eq(original.row.id))
        .select((statuses_t::id, statuses_t::author_id))
        .into_boxed();
    let rows: Vec<(i64, i64)> = page.finish(keyset!(query, statuses_t::id, page).load(conn)?);
    let ids: Vec<i64> = rows.iter().map(|(_, a)| *a).collect();
    let mut found = actors::by_ids(conn, &ids)?;
    Ok(rows
        .iter()
        .filter_map(|(boost, actor)| Some((*boost, found.remove(actor)?)))
        .collect())
}

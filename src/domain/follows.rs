//! Follows of communities and of people, local or remote: requesting,
//! accepting (at once for open communities and people, by a moderator for
//! communities on approval), rejecting and undoing, and what each of these
//! sends over federation (`Follow`, `Accept`, `Reject`, `Undo`).

use diesel::prelude::*;
use serde_json::Value;

use super::actors::{self as actors_dom, Actor, ActorKind};
use super::communities::{self, MembershipPolicy};
use crate::activitypub::ids;
use crate::config::Config;
use crate::db::DbConn;
use crate::delivery_queue;
use crate::error::Error;
use crate::schema::{actors, follows};
use recolte_federation::activities as ap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowState {
    Pending,
    Accepted,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follows)]
pub struct Follow {
    pub id: i64,
    pub follower_id: i64,
    pub target_id: i64,
    pub ap_id: String,
    pub state: String,
    pub created_at: chrono::NaiveDateTime,
    pub retried_at: Option<chrono::NaiveDateTime>,
}

impl Follow {
    pub fn state(&self) -> FollowState {
        if self.state == "accepted" {
            FollowState::Accepted
        } else {
            FollowState::Pending
        }
    }
}

/// The `Follow` activity of a stored follow (rebuilt identically each time,
/// since `Accept` and `Undo` embed it whole).
pub fn follow_activity(conn: &mut DbConn, follow: &Follow) -> Result<Value, Error> {
    let follower = actors_dom::by_id(conn, follow.follower_id)?;
    let target = actors_dom::by_id(conn, follow.target_id)?;
    Ok(ap::follow(&follow.ap_id, &follower.ap_id, &target.ap_id))
}

pub fn find(conn: &mut DbConn, follower_id: i64, target_id: i64) -> Result<Option<Follow>, Error> {
    Ok(follows::table
        .filter(follows::follower_id.eq(follower_id))
        .filter(follows::target_id.eq(target_id))
        .select(Follow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, follow_id: i64) -> Result<Follow, Error> {
    follows::table
        .find(follow_id)
        .select(Follow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("no such follow request".into()))
}

pub fn find_by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Follow>, Error> {
    Ok(follows::table
        .filter(follows::ap_id.eq(ap_id))
        .select(Follow::as_select())
        .first(conn)
        .optional()?)
}

/// The state a new follow of `target` starts in, or why it is refused.
fn initial_state(conn: &mut DbConn, target: &Actor) -> Result<FollowState, Error> {
    match target.kind() {
        ActorKind::Group if target.local => {
            match communities::by_actor_id(conn, target.id)?.policy() {
                MembershipPolicy::Open => Ok(FollowState::Accepted),
                MembershipPolicy::Approval => Ok(FollowState::Pending),
                MembershipPolicy::Invitation => Err(Error::Forbidden(
                    "this community is open on invitation only".into(),
                )),
            }
        }
        ActorKind::Application => Err(Error::Forbidden(
            "the instance actor cannot be followed".into(),
        )),
        _ if target.local => Ok(if target.manually_approves_followers {
            FollowState::Pending
        } else {
            FollowState::Accepted
        }),
        // A remote target answers with Accept or Reject.
        _ => Ok(FollowState::Pending),
    }
}

fn insert(
    conn: &mut DbConn,
    follower: &Actor,
    target: &Actor,
    ap_id: &str,
    state: FollowState,
) -> Result<Follow, Error> {
    diesel::insert_into(follows::table)
        .values((
            follows::follower_id.eq(follower.id),
            follows::target_id.eq(target.id),
            follows::ap_id.eq(ap_id),
            follows::state.eq(match state {
                FollowState::Pending => "pending",
                FollowState::Accepted => "accepted",
            }),
            follows::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    find(conn, follower.id, target.id)?
        .ok_or_else(|| Error::Internal("follow vanished after insert".into()))
}

/// A local member follows a community or a person, here or elsewhere.
/// Following again what one already follows changes nothing.
pub fn follow(
    conn: &mut DbConn,
    config: &Config,
    follower: &Actor,
    target: &Actor,
) -> Result<Follow, Error> {
    if !follower.local || follower.kind() != ActorKind::Person {
        return Err(Error::Forbidden("only local members can follow".into()));
    }
    if follower.id == target.id {
        return Err(Error::invalid("target", "one cannot follow oneself"));
    }
    if let Some(existing) = find(conn, follower.id, target.id)? {
        return Ok(existing);
    }
    let state = initial_state(conn, target)?;
    crate::db::transaction(conn, |conn| {
        let follow = insert(conn, follower, target, &ids::activity(config), state)?;
        if !target.local {
            let activity = follow_activity(conn, &follow)?;
            delivery_queue::publish(
                conn,
                config,
                follower,
                &activity,
                &target.ap_id,
                vec![inbox_of(target)],
            )?;
        }
        Ok(follow)
    })
}

/// A remote actor asks to follow one of ours (`Follow` received).
/// Open targets accept at once; approval targets keep it pending for a
/// moderator; invitation-only communities reject it.
pub fn receive_follow(
    conn: &mut DbConn,
    config: &Config,
    follower: &Actor,
    target: &Actor,
    follow_ap_id: &str,
) -> Result<Option<Follow>, Error> {
    if !target.local {
        return Ok(None);
    }
    let state = match initial_state(conn, target) {
        Ok(state) => state,
        Err(Error::Forbidden(_)) => {
            let follow = ap::follow(follow_ap_id, &follower.ap_id, &target.ap_id);
            let reject = ap::answer_follow(&ids::activity(config), "Reject", &target.ap_id, follow);
            delivery_queue::publish(
                conn,
                config,
                target,
                &reject,
                &target.ap_id,
                vec![inbox_of(follower)],
            )?;
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    crate::db::transaction(conn, |conn| {
        let follow = match find(conn, follower.id, target.id)? {
            // A repeated Follow (Lemmy retries): answer again, keep one row.
            Some(existing) => {
                diesel::update(follows::table.find(existing.id))
                    .set(follows::ap_id.eq(follow_ap_id))
                    .execute(conn)?;
                find(conn, follower.id, target.id)?.unwrap_or(existing)
            }
            None => insert(conn, follower, target, follow_ap_id, state)?,
        };
        if follow.state() == FollowState::Accepted {
            send_answer(conn, config, &follow, "Accept")?;
        }
        Ok(Some(follow))
    })
}

fn send_answer(
    conn: &mut DbConn,
    config: &Config,
    follow: &Follow,
    kind: &str,
) -> Result<(), Error> {
    let follower = actors_dom::by_id(conn, follow.follower_id)?;
    if follower.local {
        return Ok(());
    }
    let target = actors_dom::by_id(conn, follow.target_id)?;
    let activity = ap::answer_follow(
        &ids::activity(config),
        kind,
        &target.ap_id,
        follow_activity(conn, follow)?,
    );
    delivery_queue::publish(
        conn,
        config,
        &target,
        &activity,
        &target.ap_id,
        vec![inbox_of(&follower)],
    )?;
    Ok(())
}

/// Our follows of remote actors still pending `after` they were sent are
/// asked again, once: `Undo{Follow}` then a new `Follow`. Lemmy starts
/// delivering to an instance it has just discovered only after up to a
/// minute, and skips what was queued before, the `Accept` of a first
/// follow included. Returns how many were asked again.
pub fn retry_pending(
    conn: &mut DbConn,
    config: &Config,
    after: chrono::Duration,
) -> Result<usize, Error> {
    let stale: Vec<Follow> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::target_id)))
        .filter(follows::state.eq("pending"))
        .filter(follows::retried_at.is_null())
        .filter(follows::created_at.lt(super::now() - after))
        .filter(actors::local.eq(false))
        .select(Follow::as_select())
        .load(conn)?;
    let mut asked = 0;
    for follow in stale {
        let follower = actors_dom::by_id(conn, follow.follower_id)?;
        if !follower.local {
            continue;
        }
        let target = actors_dom::by_id(conn, follow.target_id)?;
        crate::db::transaction(conn, |conn| {
            let undo = ap::undo(
                &ids::activity(config),
                &follower.ap_id,
                follow_activity(conn, &follow)?,
                None,
            );
            let again = ids::activity(config);
            diesel::update(follows::table.find(follow.id))
                .set((
                    follows::ap_id.eq(&again),
                    follows::retried_at.eq(super::now()),
                ))
                .execute(conn)?;
            let inbox = vec![inbox_of(&target)];
            delivery_queue::publish(conn, config, &follower, &undo, &target.ap_id, inbox.clone())?;
            let renewed = ap::follow(&again, &follower.ap_id, &target.ap_id);
            delivery_queue::publish(conn, config, &follower, &renewed, &target.ap_id, inbox)?;
            Ok::<_, Error>(())
        })?;
        asked += 1;
    }
    Ok(asked)
}

/// Pending requests to follow a community, for its moderators.
pub fn pending_requests(conn: &mut DbConn, target_id: i64) -> Result<Vec<(Follow, Actor)>, Error> {
    Ok(follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(target_id))
        .filter(follows::state.eq("pending"))
        .order(follows::id.asc())
        .select((Follow::as_select(), Actor::as_select()))
        .load(conn)?)
}

/// Checks that `by` may decide on follows of the follow's target.
fn ensure_can_decide(conn: &mut DbConn, follow: &Follow, by: &Actor) -> Result<Actor, Error> {
    let target = actors_dom::by_id(conn, follow.target_id)?;
    let allowed = match target.kind() {
        ActorKind::Group => communities::is_moderator(conn, target.id, by.id)?,
        _ => target.id == by.id,
    };
    if !target.local || !allowed {
        return Err(Error::Forbidden(
            "only a moderator of the community can answer this request".into(),
        ));
    }
    Ok(target)
}

/// A moderator (or the followed person) accepts a pending follow.
pub fn accept(
    conn: &mut DbConn,
    config: &Config,
    follow_id: i64,
    by: &Actor,
) -> Result<Follow, Error> {
    let follow = by_id(conn, follow_id)?;
    ensure_can_decide(conn, &follow, by)?;
    crate::db::transaction(conn, |conn| {
        diesel::update(follows::table.find(follow.id))
            .set(follows::state.eq("accepted"))
            .execute(conn)?;
        send_answer(conn, config, &follow, "Accept")?;
        Ok(Follow {
            state: "accepted".into(),
            ..follow
        })
    })
}

/// A moderator (or the followed person) rejects a pending follow.
pub fn reject(conn: &mut DbConn, config: &Config, follow_id: i64, by: &Actor) -> Result<(), Error> {
    let follow = by_id(conn, follow_id)?;
    ensure_can_decide(conn, &follow, by)?;
    crate::db::transaction(conn, |conn| {
        send_answer(conn, config, &follow, "Reject")?;
        diesel::delete(follows::table.find(follow.id)).execute(conn)?;
        Ok(())
    })
}

/// A local member stops following (sends `Undo{Follow}` to a remote target).
pub fn unfollow(
    conn: &mut DbConn,
    config: &Config,
    follower: &Actor,
    target: &Actor,
) -> Result<(), Error> {
    let Some(follow) = find(conn, follower.id, target.id)? else {
        return Ok(());
    };
    crate::db::transaction(conn, |conn| {
        if !target.local {
            let undo = ap::undo(
                &ids::activity(config),
                &follower.ap_id,
                follow_activity(conn, &follow)?,
                None,
            );
            delivery_queue::publish(
                conn,
                config,
                follower,
                &undo,
                &target.ap_id,
                vec![inbox_of(target)],
            )?;
        }
        diesel::delete(follows::table.find(follow.id)).execute(conn)?;
        Ok(())
    })
}

/// Our follow was accepted (`Accept{Follow}` from its target).
pub fn receive_accept(conn: &mut DbConn, follow_ap_id: &str, by: &Actor) -> Result<bool, Error> {
    let Some(follow) = find_by_ap_id(conn, follow_ap_id)? else {
        return Ok(false);
    };
    if follow.target_id != by.id {
        return Err(Error::Forbidden(
            "only the followed actor can accept a follow".into(),
        ));
    }
    diesel::update(follows::table.find(follow.id))
        .set(follows::state.eq("accepted"))
        .execute(conn)?;
    Ok(true)
}

/// Our follow was refused, or a remote follower undid theirs: the follow ends.
pub fn remove_received(conn: &mut DbConn, follow_ap_id: &str, by: &Actor) -> Result<bool, Error> {
    let Some(follow) = find_by_ap_id(conn, follow_ap_id)? else {
        return Ok(false);
    };
    if follow.target_id != by.id && follow.follower_id != by.id {
        return Err(Error::Forbidden(
            "this follow belongs to someone else".into(),
        ));
    }
    diesel::delete(follows::table.find(follow.id)).execute(conn)?;
    Ok(true)
}

/// Ends the follow between two actors whatever its id (`Undo{Follow}` whose
/// inner id we do not know, as some software sends).
pub fn remove_between(conn: &mut DbConn, follower: &Actor, target: &Actor) -> Result<bool, Error> {
    let n = diesel::delete(
        follows::table
            .filter(follows::follower_id.eq(follower.id))
            .filter(follows::target_id.eq(target.id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Ends every follow from or to an actor (an account deleted at its origin).
pub fn remove_all_of(conn: &mut DbConn, actor: &Actor) -> Result<usize, Error> {
    Ok(diesel::delete(
        follows::table.filter(
            follows::follower_id
                .eq(actor.id)
                .or(follows::target_id.eq(actor.id)),
        ),
    )
    .execute(conn)?)
}

/// Where to deliver to an actor: its shared inbox when it has one.
pub fn inbox_of(actor: &Actor) -> String {
    actor
        .shared_inbox_url
        .clone()
        .unwrap_or_else(|| actor.inbox_url.clone())
}

/// The inboxes of an actor's accepted remote followers, shared inboxes once.
pub fn follower_inboxes(conn: &mut DbConn, target_id: i64) -> Result<Vec<String>, Error> {
    let rows: Vec<(String, Option<String>)> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(target_id))
        .filter(follows::state.eq("accepted"))
        .filter(actors::local.eq(false))
        .select((actors::inbox_url, actors::shared_inbox_url))
        .load(conn)?;
    let mut inboxes: Vec<String> = rows
        .into_iter()
        .map(|(inbox, shared)| shared.unwrap_or(inbox))
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// The inboxes of the remote actors an actor follows (or asked to), shared
/// inboxes once: they hear of its profile changes.
pub fn followed_inboxes(conn: &mut DbConn, follower_id: i64) -> Result<Vec<String>, Error> {
    let rows: Vec<(String, Option<String>)> = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::target_id)))
        .filter(follows::follower_id.eq(follower_id))
        .filter(actors::local.eq(false))
        .select((actors::inbox_url, actors::shared_inbox_url))
        .load(conn)?;
    let mut inboxes: Vec<String> = rows
        .into_iter()
        .map(|(inbox, shared)| shared.unwrap_or(inbox))
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(inboxes)
}

/// Counts of accepted followers of an actor.
pub fn follower_count(conn: &mut DbConn, target_id: i64) -> Result<i64, Error> {
    Ok(follows::table
        .filter(follows::target_id.eq(target_id))
        .filter(follows::state.eq("accepted"))
        .count()
        .get_result(conn)?)
}

/// Whether any local member follows (or asked to follow) a remote actor:
/// content from it is wanted here.
pub fn has_local_follower(conn: &mut DbConn, target_id: i64) -> Result<bool, Error> {
    let n: i64 = follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(target_id))
        .filter(actors::local.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Whom a page of accepted follows concerns: the followers of an actor,
/// or the actors it follows.
#[derive(Debug, Clone, Copy)]
pub enum FollowList {
    FollowersOf(i64),
    FollowedBy(i64),
}

/// A keyset page (by follow id, newest first) of accepted follows, with
/// the actor on the other side of each.
pub fn page(
    conn: &mut DbConn,
    which: FollowList,
    page: &super::statuses::Page,
) -> Result<Vec<(i64, Actor)>, Error> {
    use super::statuses::keyset;
    let mut query = follows::table
        .filter(follows::state.eq("accepted"))
        .select((follows::id, follows::follower_id, follows::target_id))
        .into_boxed();
    query = match which {
        FollowList::FollowersOf(id) => query.filter(follows::target_id.eq(id)),
        FollowList::FollowedBy(id) => query.filter(follows::follower_id.eq(id)),
    };
    let rows: Vec<(i64, i64, i64)> = page.finish(keyset!(query, follows::id, page).load(conn)?);
    let other = |(_, follower, target): &(i64, i64, i64)| match which {
        FollowList::FollowersOf(_) => *follower,
        FollowList::FollowedBy(_) => *target,
    };
    let ids: Vec<i64> = rows.iter().map(other).collect();
    let mut actors_by_id: std::collections::HashMap<i64, Actor> = actors::table
        .filter(actors::id.eq_any(&ids))
        .select(Actor::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|row| Some((row.0, actors_by_id.remove(&other(row))?)))
        .collect())
}

/// The follows between `me` and each of `others`, both ways: (mine, theirs).
pub fn between(
    conn: &mut DbConn,
    me: i64,
    others: &[i64],
) -> Result<(Vec<Follow>, Vec<Follow>), Error> {
    let mine = follows::table
        .filter(follows::follower_id.eq(me))
        .filter(follows::target_id.eq_any(others))
        .select(Follow::as_select())
        .load(conn)?;
    let theirs = follows::table
        .filter(follows::target_id.eq(me))
        .filter(follows::follower_id.eq_any(others))
        .select(Follow::as_select())
        .load(conn)?;
    Ok((mine, theirs))
}

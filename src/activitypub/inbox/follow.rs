//! `Follow` of one of our actors, and `Accept`/`Reject` of our follows.

use super::*;

pub(super) async fn follow(
    state: &AppState,
    activity: &IncomingActivity,
    follower: &Actor,
) -> Result<Outcome, Refusal> {
    let target = local_actor(state, &object_id(activity)?).await?;
    let (config, by, id) = (state.config.clone(), follower.clone(), activity.id.clone());
    commit(state, activity, follower, None, move |conn| {
        follows::receive_follow(conn, &config, &by, &target, &id)?;
        Ok(None)
    })
    .await
}

pub(super) async fn answer(
    state: &AppState,
    activity: &IncomingActivity,
    by: &Actor,
) -> Result<Outcome, Refusal> {
    let follow_id = object_id(activity)?;
    let (actor, accepted) = (by.clone(), activity.kind == "Accept");
    commit(state, activity, by, None, move |conn| {
        if accepted {
            follows::receive_accept(conn, &follow_id, &actor)?;
        } else {
            follows::remove_received(conn, &follow_id, &actor)?;
        }
        Ok(None)
    })
    .await
}

//! `Follow` of one of our actors, and `Accept`/`Reject` of our follows.

use super::*;

pub(super) async fn follow(
    state: &AppState,
    activity: &IncomingActivity,
    follower: &Actor,
) -> Result<(), Refusal> {
    let target = local_actor(state, &object_id(activity)?).await?;
    let (config, follower, id) = (state.config.clone(), follower.clone(), activity.id.clone());
    state
        .db
        .run(move |conn| follows::receive_follow(conn, &config, &follower, &target, &id))
        .await?;
    state.federation.wake.notify_one();
    Ok(())
}

pub(super) async fn answer(
    state: &AppState,
    activity: &IncomingActivity,
    by: &Actor,
) -> Result<(), Refusal> {
    let follow_id = object_id(activity)?;
    let (by, accepted) = (by.clone(), activity.kind == "Accept");
    state
        .db
        .run(move |conn| {
            if accepted {
                follows::receive_accept(conn, &follow_id, &by)
            } else {
                follows::remove_received(conn, &follow_id, &by)
            }
        })
        .await?;
    Ok(())
}

//! `Like` of a post or comment.

use super::*;

pub(super) async fn like(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    let object = object_id(activity)?;
    let (by, like_id) = (actor.clone(), activity.id.clone());
    commit(state, activity, actor, via, move |conn| {
        content::receive_like(conn, &like_id, &by, &object)
    })
    .await
}

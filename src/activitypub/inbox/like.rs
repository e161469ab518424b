//! `Like` of a post or comment.

use super::*;

pub(super) async fn like(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<(), Refusal> {
    let object = object_id(activity)?;
    let (by, like_id) = (actor.clone(), activity.id.clone());
    change_and_relay(state, activity, via, move |conn| {
        content::receive_like(conn, &like_id, &by, &object)
    })
    .await
}

//! `Delete` of a post or comment (by its author or a moderator).

use super::*;

pub(super) async fn delete(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    let id = object_id(activity)?;
    if id == actor.ap_id {
        return Err(Refusal::new(
            StatusCode::ACCEPTED,
            "account deletions are not handled yet",
        ));
    }
    let by = actor.clone();
    commit(state, activity, actor, via, move |conn| {
        content::receive_delete(conn, &id, &by)
    })
    .await
}

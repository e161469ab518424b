//! `Delete` of a post or comment (by its author or a moderator), or of a
//! remote account by itself.

use super::*;

pub(super) async fn delete(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    let id = object_id(activity)?;
    let by = actor.clone();
    if id == actor.ap_id {
        // The account itself is gone at its origin.
        return commit(state, activity, actor, None, move |conn| {
            let erased = content::receive_account_deletion(conn, &by)?;
            tracing::info!(account = %by.ap_id, erased, "a remote account was deleted");
            Ok(None)
        })
        .await;
    }
    commit(state, activity, actor, via, move |conn| {
        content::receive_delete(conn, &id, &by)
    })
    .await
}

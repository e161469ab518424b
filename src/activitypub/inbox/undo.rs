//! `Undo` of a follow, of a like, or of a person's boost (`Announce`).

use super::*;

pub(super) async fn undo(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    let inner_id = object_id(activity)?;
    let inner_kind = activity.object.embedded_kind().unwrap_or_default();
    let inner_object = activity
        .object
        .embedded()
        .and_then(|o| recolte_federation::values::first_id(&o["object"]));
    let by = actor.clone();
    match inner_kind.as_str() {
        "Follow" => {
            let target = inner_object.clone();
            commit(state, activity, actor, via, move |conn| {
                if !follows::remove_received(conn, &inner_id, &by)? {
                    if let Some(target) =
                        target.and_then(|t| actors::find_by_ap_id(conn, &t).ok().flatten())
                    {
                        follows::remove_between(conn, &by, &target)?;
                    }
                }
                Ok(None)
            })
            .await
        }
        "Like" | "Dislike" | "" => {
            commit(state, activity, actor, via, move |conn| {
                content::receive_unlike(conn, &inner_id, &by, inner_object.as_deref())
            })
            .await
        }
        "Announce" => {
            commit(state, activity, actor, via, move |conn| {
                reblogs::receive_undo(conn, &inner_id, &by, inner_object.as_deref())?;
                Ok(None)
            })
            .await
        }
        other => Err(Refusal::new(
            StatusCode::ACCEPTED,
            format!("Undo of {other} is not handled"),
        )),
    }
}

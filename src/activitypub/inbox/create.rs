//! `Create` and `Update` of posts and comments (and `Update` of actors),
//! and votes on our polls.

use super::*;
use crate::domain::polls;

/// The object of a Create/Update: embedded, or fetched when given by id.
/// An embedded copy is believed only from the host that holds the object
/// (the signer, or the community relaying it); otherwise the object is
/// fetched again from its origin and only that copy is believed.
pub(super) async fn object_of(
    state: &AppState,
    activity: &IncomingActivity,
    via: Option<&Community>,
) -> Result<IncomingObject, Refusal> {
    let id = object_id(activity)?;
    let trusted = match via {
        Some(c) => host_of(&c.actor.ap_id),
        None => host_of(&activity.actor),
    };
    let doc = match activity.object.embedded() {
        Some(doc) if host_of(&id) == trusted => doc.clone(),
        _ => match state.federation.fetcher.fetch(&id).await {
            Ok(doc) => doc,
            Err(FetchError::NotFound | FetchError::Gone) => {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!("{id} does not exist at its origin"),
                ))
            }
            Err(e) => return Err(Error::from(e).into()),
        },
    };
    IncomingObject::from_json(&doc).map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e.0))
}

/// A vote: a `Create` of a `Note` with a `name` (the option) and no
/// content, in reply to a `Question`. Returns (question id, option).
fn vote_of(activity: &IncomingActivity, object: &IncomingObject) -> Option<(String, String)> {
    let content = object.content.as_deref().unwrap_or_default();
    let blank = crate::domain::text::plain_text(content).trim().is_empty();
    (activity.kind == "Create" && object.kind == "Note" && blank)
        .then(|| Some((object.in_reply_to.clone()?, object.name.clone()?)))
        .flatten()
}

pub(super) async fn create_or_update(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    let kind = activity.object.embedded_kind().unwrap_or_default();
    if matches!(
        kind.as_str(),
        "Person" | "Group" | "Service" | "Application" | "Organization"
    ) {
        // An actor updating its own profile.
        if object_id(activity)? != actor.ap_id {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "an actor can only update itself",
            ));
        }
        if let Some(doc) = activity.object.embedded() {
            resolve::store_actor(state, doc, &actor.ap_id).await?;
        }
        return Ok(Outcome::ToRecord);
    }
    let object = object_of(state, activity, via).await?;
    if object.attributed_to.as_deref() != Some(actor.ap_id.as_str()) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "the object is attributed to someone else than the activity's actor",
        ));
    }
    if let Some((question, name)) = vote_of(activity, &object) {
        // A vote on a poll of ours (Mastodon's way): counted, not stored as a comment.
        let is_ours = {
            let question = question.clone();
            state
                .db
                .run(move |conn| polls::local_poll(conn, &question))
                .await?
                .is_some()
        };
        if is_ours {
            let (voter, config) = (actor.clone(), state.config.clone());
            return commit(state, activity, actor, via, move |conn| {
                polls::receive_vote(conn, &config, &question, &voter, &name)?;
                Ok(None)
            })
            .await;
        }
    }
    let incoming = resolve::incoming(state, &object, 0, Some(actor)).await?;
    let (is_update, vouched) = (activity.kind == "Update", via.is_some());
    commit(state, activity, actor, via, move |conn| {
        if !is_update {
            content::receive(conn, &incoming, vouched)
        } else if content::receive_update(conn, &incoming)? {
            content::find_by_ap_id(conn, &incoming.ap_id)
        } else {
            Ok(None)
        }
    })
    .await
}

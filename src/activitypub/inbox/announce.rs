//! `Announce` by a community elsewhere that we follow: what it relays.

use super::*;

/// A community (elsewhere) relays an activity to us, its follower.
pub(super) async fn announce(
    state: &AppState,
    activity: &IncomingActivity,
    group: &Actor,
) -> Result<Outcome, Refusal> {
    if group.kind() != ActorKind::Group {
        return Err(Refusal::new(
            StatusCode::ACCEPTED,
            "boosts of people are not handled",
        ));
    }
    let group_id = group.id;
    let (community, followed) = state
        .db
        .run(move |conn| {
            Ok((
                communities::by_actor_id(conn, group_id)?,
                follows::has_local_follower(conn, group_id)?,
            ))
        })
        .await?;
    if !followed {
        return Err(Refusal::new(
            StatusCode::ACCEPTED,
            "nobody here follows this community",
        ));
    }
    let inner = match &activity.object {
        ObjectRef::Embedded(v) => (**v).clone(),
        ObjectRef::Id(id) => state
            .federation
            .fetcher
            .fetch(id)
            .await
            .map_err(Error::from)?,
        _ => {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "the Announce has no object",
            ))
        }
    };
    match classify(&inner) {
        Ok(Document::Activity(inner)) => {
            if inner
                .actor
                .starts_with(&format!("{}/", state.config.base_url()))
            {
                return Err(Refusal::new(
                    StatusCode::ACCEPTED,
                    "our own activity, announced back",
                ));
            }
            if host_of(&inner.id) != host_of(&inner.actor) {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "the announced activity's id and actor are on different hosts",
                ));
            }
            let id = inner.id.clone();
            if state
                .db
                .run(move |conn| already_received(conn, &id))
                .await?
            {
                return Ok(Outcome::ToRecord);
            }
            let actor = resolve::actor(state, &inner.actor).await?;
            if inner.kind == "Delete" {
                // Believe a relayed deletion only if the origin no longer has the object.
                let object = object_id(&inner)?;
                if state.federation.fetcher.fetch(&object).await.is_ok() {
                    return Err(Refusal::new(
                        StatusCode::ACCEPTED,
                        "the object still exists at its origin",
                    ));
                }
            }
            let result = Box::pin(apply(state, &inner, &actor, Some(&community))).await;
            settle(state, &inner, &actor, result).await?;
            Ok(Outcome::ToRecord)
        }
        Ok(Document::Object(object)) => {
            // The plain `Announce{Page}` form: store the post if it is new.
            let object = if host_of(&object.id) == host_of(&group.ap_id) {
                object
            } else {
                let doc = state
                    .federation
                    .fetcher
                    .fetch(&object.id)
                    .await
                    .map_err(Error::from)?;
                IncomingObject::from_json(&doc)
                    .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e.0))?
            };
            let mut incoming = resolve::incoming(state, &object, 0, None).await?;
            if incoming.community.is_none() && incoming.in_reply_to.is_none() {
                incoming.community = Some(community.clone());
            }
            commit(state, activity, group, Some(&community), move |conn| {
                content::receive(conn, &incoming, true)
            })
            .await
        }
        _ => Err(Refusal::new(
            StatusCode::ACCEPTED,
            "the announced object is not handled",
        )),
    }
}

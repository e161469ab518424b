//! `Announce`: by a community elsewhere that we follow, what it relays
//! (FEP-1b12); by a person, a boost (Mastodon's reblog) of a post or
//! comment, stored as a reblog. The two never mix: a Group's `Announce` is
//! always a relay.

use super::*;

/// A community (elsewhere) relays an activity to us, its follower.
pub(super) async fn announce(
    state: &AppState,
    activity: &IncomingActivity,
    group: &Actor,
) -> Result<Outcome, Refusal> {
    if group.kind() != ActorKind::Group {
        return boost(state, activity, group).await;
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

/// A person's boost of a post or comment. Kept when what was boosted is
/// ours or someone here follows the booster; what is boosted is fetched
/// from its origin when it is not known yet.
async fn boost(
    state: &AppState,
    activity: &IncomingActivity,
    person: &Actor,
) -> Result<Outcome, Refusal> {
    let object = object_id(activity)?;
    let (person_id, wanted_object) = (person.id, object.clone());
    let (known, followed) = state
        .db
        .run(move |conn| {
            Ok((
                content::find_by_ap_id(conn, &wanted_object)?,
                follows::has_local_follower(conn, person_id)?,
            ))
        })
        .await?;
    let ours = object.starts_with(&format!("{}/", state.config.base_url()));
    if !followed && !ours {
        return Err(Refusal::new(
            StatusCode::ACCEPTED,
            "nobody here follows this person",
        ));
    }
    let fetched = match known {
        Some(_) => None,
        None if ours => {
            return Err(Refusal::new(
                StatusCode::ACCEPTED,
                "the boosted object is not here",
            ))
        }
        None => {
            let doc = state
                .federation
                .fetcher
                .fetch(&object)
                .await
                .map_err(Error::from)?;
            let object = IncomingObject::from_json(&doc)
                .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e.0))?;
            Some(resolve::incoming(state, &object, 0, None).await?)
        }
    };
    let (announce_id, by) = (activity.id.clone(), person.clone());
    commit(state, activity, person, None, move |conn| {
        let target = match fetched {
            Some(incoming) => {
                content::receive(conn, &incoming, true)?;
                content::find_by_ap_id(conn, &incoming.ap_id)?
            }
            None => content::find_by_ap_id(conn, &object)?,
        };
        if let Some(target) = target {
            reblogs::receive(conn, &announce_id, &by, &target)?;
        }
        // A boost is not relayed by a community.
        Ok(None)
    })
    .await
}

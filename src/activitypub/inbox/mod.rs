//! The inbox: what happens when an activity arrives. Every check comes
//! before any change: size, JSON shape, `Digest`, `Date` window, a
//! signature by the activity's own actor, the activity's host; a replayed
//! activity id is refused. Then each activity type is applied through the
//! domain layer; a community of ours announces what it accepted.
//!
//! What each activity type does lives in its own file: `follow.rs`
//! (`Follow`, `Accept`, `Reject`), `create.rs` (`Create`, `Update`),
//! `delete.rs`, `like.rs`, `undo.rs`, `announce.rs` (what a community
//! elsewhere relays to us, and people's boosts). This file holds the checks, the dispatch, and
//! the relay of what a community of ours accepts.
//!
//! Answers: 202 when applied or deliberately ignored; 400 for malformed
//! input; 401 for signature problems; 403 when the actor may not do this;
//! 409 for a replay; 413 for an oversized body; 503 when something the
//! activity refers to cannot be fetched now (the sender will retry).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use recolte_federation::incoming::{
    classify, Document, IncomingActivity, IncomingObject, ObjectRef,
};
use recolte_federation::signatures::{ReceivedRequest, SignatureError};
use serde_json::Value;

use super::fetch::FetchError;
use super::resolve::{self, host_of};
use crate::db::DbConn;
use crate::delivery_queue;
use crate::domain::actors::{self, Actor, ActorKind};
use crate::domain::communities::{self, Community};
use crate::domain::content::{self, Target};
use crate::domain::follows;
use crate::domain::reblogs;
use crate::error::Error;
use crate::schema::activities;
use crate::web::{json_error, AppState};

mod announce;
mod create;
mod delete;
mod follow;
mod like;
mod undo;

/// Largest activity accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How far a request's `Date` may be from our clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Why an activity is refused, with the answer it gets.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }

    /// The HTTP status the sender gets (202 for an activity ignored on purpose).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { message, .. } | Error::Conflict { message, .. } => {
                Refusal::new(StatusCode::BAD_REQUEST, message)
            }
            Error::Forbidden(m) | Error::Unauthorized(m) => Refusal::new(StatusCode::FORBIDDEN, m),
            Error::NotFound(m) | Error::Gone(m) => {
                Refusal::new(StatusCode::ACCEPTED, format!("ignored: {m}"))
            }
            Error::Unavailable(m) => Refusal::new(StatusCode::SERVICE_UNAVAILABLE, m),
            other => {
                tracing::error!(error = %other, "inbox: internal error");
                Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

impl From<SignatureError> for Refusal {
    fn from(e: SignatureError) -> Self {
        let status = match e {
            SignatureError::DigestMissing | SignatureError::DigestMismatch => {
                StatusCode::BAD_REQUEST
            }
            _ => StatusCode::UNAUTHORIZED,
        };
        Refusal::new(status, e.to_string())
    }
}

/// `POST /inbox`, `/u/NAME/inbox`, `/c/NAME/inbox`: all the same inbox, since
/// activities are routed by what they are about, not by where they arrive.
pub async fn receive(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match accept(&state, &method, &uri, &headers, &body).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(r) if r.status == StatusCode::ACCEPTED => {
            tracing::debug!(reason = %r.message, "inbox: activity ignored");
            StatusCode::ACCEPTED.into_response()
        }
        Err(r) => {
            tracing::info!(status = r.status.as_u16(), reason = %r.message, "inbox: activity refused");
            json_error(r.status, r.message)
        }
    }
}

async fn accept(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Refusal> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the activity is larger than 1 MiB",
        ));
    }
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    })?;
    let activity = match classify(&json) {
        Ok(Document::Activity(a)) => a,
        Ok(_) => {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "the body is not an activity",
            ))
        }
        Err(e) => return Err(Refusal::new(StatusCode::BAD_REQUEST, e.0)),
    };

    let lower: BTreeMap<String, String> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_lowercase(), v.to_str().ok()?.to_string())))
        .collect();
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = ReceivedRequest {
        method: method.as_str(),
        path_and_query: path,
        headers: &lower,
        body,
    };
    request.check_digest()?;
    request.check_date(SystemTime::now(), MAX_CLOCK_SKEW)?;
    let key_id = request.key_id()?;
    let key_owner = key_id.split('#').next().unwrap_or_default();
    if key_owner != activity.actor && !key_id.starts_with(&format!("{}/", activity.actor)) {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            format!(
                "the request is signed by {key_owner}, not by the activity's actor {}",
                activity.actor
            ),
        ));
    }
    if host_of(&activity.id) != host_of(&activity.actor) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "the activity id and its actor are on different hosts",
        ));
    }
    if activity
        .actor
        .starts_with(&format!("{}/", state.config.base_url()))
    {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "the activity claims to come from this instance",
        ));
    }

    // One trip to the database before any fetch: the signer as we know
    // it, whether this activity was seen before, and news that its
    // instance is alive.
    let (actor_id, activity_id, domain) = (
        activity.actor.clone(),
        activity.id.clone(),
        host_of(&activity.actor),
    );
    let (known, replay) = state
        .db
        .run(move |conn| {
            if already_received(conn, &activity_id)? {
                return Ok((None, true));
            }
            if let Some(domain) = domain {
                delivery_queue::heard_from(conn, &domain)?;
            }
            Ok((actors::find_by_ap_id(conn, &actor_id)?, false))
        })
        .await?;
    if replay {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "this activity was already received",
        ));
    }
    let signer = match resolve::refreshed(state, &activity.actor, known.clone()).await {
        Ok(a) => a,
        // A deleted account's last word: its key as we knew it checks the
        // signature; never seen, there is nothing to delete here.
        Err(Error::NotFound(_)) if activity.kind == "Delete" => match known {
            Some(actor) => actor,
            None => return Err(Refusal::new(StatusCode::ACCEPTED, "the actor is gone")),
        },
        Err(e) => {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                format!("cannot get the signer's key: {e}"),
            ))
        }
    };
    let keys = &state.federation.public_keys;
    if request.verify(&keys.get(&signer.public_key_pem)?).is_err() {
        // The key may have changed since we stored it: fetch it once more.
        let doc = state
            .federation
            .fetcher
            .fetch(&activity.actor)
            .await
            .map_err(|e| {
                Refusal::new(
                    StatusCode::UNAUTHORIZED,
                    format!("the signature does not verify ({e})"),
                )
            })?;
        let refreshed = resolve::store_actor(state, &doc, &activity.actor).await?;
        request.verify(&keys.get(&refreshed.public_key_pem)?)?;
    }

    apply_verified(state, &activity, &signer).await
}

/// Applies an activity whose signature was checked (or that was fetched
/// from its origin), and remembers its id. A replay that slipped past the
/// first look commits nothing: the record of its id is refused.
pub async fn apply_verified(
    state: &AppState,
    activity: &IncomingActivity,
    signer: &Actor,
) -> Result<(), Refusal> {
    let result = apply(state, activity, signer, None).await;
    settle(state, activity, signer, result).await
}

/// What a handler did about the activity it was given.
pub(super) enum Outcome {
    /// Its change committed together with the record of its id ([`commit`]).
    Recorded,
    /// It changed nothing here (or only through an inner activity): the
    /// activity is still to be recorded.
    ToRecord,
}

/// Records an activity the handlers did not record, when it is done with:
/// applied, or ignored on purpose. Refused or failed activities are not
/// remembered, so that a corrected or retried delivery is not taken for a
/// replay.
async fn settle(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    result: Result<Outcome, Refusal>,
) -> Result<(), Refusal> {
    match result {
        Ok(Outcome::Recorded) => Ok(()),
        Ok(Outcome::ToRecord) => {
            let received = Received::of(activity, actor);
            state.db.run(move |conn| received.insert(conn)).await?;
            Ok(())
        }
        Err(r) if r.status == StatusCode::ACCEPTED => {
            let received = Received::of(activity, actor);
            state.db.run(move |conn| received.insert(conn)).await?;
            Err(r)
        }
        Err(r) => Err(r),
    }
}

fn already_received(conn: &mut DbConn, ap_id: &str) -> Result<bool, Error> {
    let n: i64 = activities::table
        .filter(activities::ap_id.eq(ap_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The record of a received activity, by id, so that a replay changes nothing.
struct Received {
    ap_id: String,
    kind: String,
    payload: String,
    actor_id: i64,
    domain: Option<String>,
}

impl Received {
    fn of(activity: &IncomingActivity, actor: &Actor) -> Self {
        Received {
            ap_id: activity.id.clone(),
            kind: activity.kind.clone(),
            payload: activity.raw.to_string(),
            actor_id: actor.id,
            domain: host_of(&activity.actor),
        }
    }

    /// Stores the record; `false` when the id was already there (the same
    /// activity arriving twice at once).
    fn insert(&self, conn: &mut DbConn) -> Result<bool, Error> {
        let instance = self
            .domain
            .as_deref()
            .map(|d| delivery_queue::instance_id(conn, d))
            .transpose()?;
        let inserted = diesel::insert_into(activities::table)
            .values((
                activities::ap_id.eq(&self.ap_id),
                activities::actor_id.eq(self.actor_id),
                activities::kind.eq(&self.kind),
                activities::local.eq(false),
                activities::payload.eq(&self.payload),
                activities::created_at.eq(crate::domain::now()),
                activities::instance_id.eq(instance),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => Ok(true),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Applies one activity. `via` is the community that announced it, when it
/// arrived inside an `Announce`.
async fn apply(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
) -> Result<Outcome, Refusal> {
    match activity.kind.as_str() {
        "Follow" => follow::follow(state, activity, actor).await,
        "Accept" | "Reject" => follow::answer(state, activity, actor).await,
        "Undo" => undo::undo(state, activity, actor, via).await,
        "Create" | "Update" => create::create_or_update(state, activity, actor, via).await,
        "Delete" => delete::delete(state, activity, actor, via).await,
        "Like" => like::like(state, activity, actor, via).await,
        "Announce" if via.is_none() => announce::announce(state, activity, actor).await,
        other => Err(Refusal::new(
            StatusCode::ACCEPTED,
            format!("{other} activities are not handled"),
        )),
    }
}

fn object_id(activity: &IncomingActivity) -> Result<String, Refusal> {
    activity.object.id().map(str::to_string).ok_or_else(|| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("the {} has no object", activity.kind),
        )
    })
}

async fn local_actor(state: &AppState, ap_id: &str) -> Result<Actor, Refusal> {
    let id = ap_id.to_string();
    state
        .db
        .run(move |conn| actors::find_by_ap_id(conn, &id))
        .await?
        .filter(|a| a.local)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::ACCEPTED,
                format!("{ap_id} is not an actor of this instance"),
            )
        })
}

/// Applies a handler's change in one transaction with the record of the
/// activity's id (a second copy arriving at the same time is refused as a
/// replay). When the change touched content of a community of ours and did
/// not arrive through an `Announce`, the community announces the activity
/// to its followers in the same transaction, so that a crash cannot keep
/// one without the other.
async fn commit<F>(
    state: &AppState,
    activity: &IncomingActivity,
    actor: &Actor,
    via: Option<&Community>,
    change: F,
) -> Result<Outcome, Refusal>
where
    F: FnOnce(&mut DbConn) -> Result<Option<Target>, Error> + Send + 'static,
{
    let relay = via.is_none();
    let received = Received::of(activity, actor);
    let (config, raw, actor_id, kind) = (
        state.config.clone(),
        activity.raw.clone(),
        activity.actor.clone(),
        activity.kind.clone(),
    );
    let fresh = state
        .db
        .run(move |conn| {
            crate::db::transaction(conn, |conn| {
                if !received.insert(conn)? {
                    return Ok(false);
                }
                if let Some(target) = change(conn)?.filter(|_| relay) {
                    announce_here(conn, &config, &raw, &actor_id, &kind, &target)?;
                }
                Ok(true)
            })
        })
        .await?;
    if !fresh {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "this activity was already received",
        ));
    }
    // Whatever the change queued (an Accept, an Announce) is due now.
    state.federation.wake.notify_one();
    Ok(Outcome::Recorded)
}

/// A community of ours announces an activity it accepted (and, for a new
/// post, the bare post too) to its followers, except the sender's instance.
fn announce_here(
    conn: &mut DbConn,
    config: &crate::config::Config,
    raw: &Value,
    actor_id: &str,
    kind: &str,
    target: &Target,
) -> Result<(), Error> {
    let Some(community) = content::community_of(conn, target)? else {
        return Ok(());
    };
    if !community.actor.local {
        return Ok(());
    }
    let origin = actors::find_by_ap_id(conn, actor_id)?.map(|a| follows::inbox_of(&a));
    let key = content::order_key(conn, target)?;
    content::announce(conn, config, &community, raw, &key, origin.as_deref())?;
    if kind == "Create" && matches!(target, Target::Post(_)) {
        content::announce(
            conn,
            config,
            &community,
            &raw["object"],
            &key,
            origin.as_deref(),
        )?;
    }
    Ok(())
}

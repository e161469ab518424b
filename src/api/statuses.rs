//! Statuses: writing one (with `Idempotency-Key`), editing it (with its
//! source and history), reading, deleting, its thread, likes (favourites)
//! and who gave them, bookmarks, reblogs and who gave them, pins; and the home
//! and public timelines,
//! favourites and bookmarks as keyset pages with `Link` headers.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{entities, paged, path_id, run, ApiError, ApiResult, Auth, Params, Query};
use crate::activitypub::resolve;
use crate::config::Config;
use crate::db::DbConn;
use crate::domain::content::{self, Target};
use crate::domain::filters::{self, ActiveFilters};
use crate::domain::media;
use crate::domain::polls::NewPoll;
use crate::domain::reblogs;
use crate::domain::statuses::{self, NewStatus, Status, StatusFacts, Timeline};
use crate::error::Error;
use crate::web::AppState;

/// Most handles of other instances looked up for one status.
const MENTIONS_RESOLVED: usize = 3;

/// Makes the accounts of other instances that a status mentions known
/// here (fetching them), so that a status mentioning a community of
/// another instance is posted into it. Failures only leave them unknown.
async fn learn_mentioned(state: &AppState, text: &str) {
    let elsewhere = statuses::mentions(text)
        .into_iter()
        .filter_map(|(name, domain)| Some((name, domain?)))
        .filter(|(_, domain)| *domain != state.config.domain)
        .take(MENTIONS_RESOLVED);
    for (name, domain) in elsewhere {
        if let Err(e) = resolve::handle(state, &format!("{name}@{domain}")).await {
            tracing::debug!(error = %e, handle = %format!("{name}@{domain}"), "a mention stays unknown");
        }
    }
}

/// One status as JSON, as `viewer` sees it.
fn status_json(
    conn: &mut DbConn,
    config: &Config,
    status: &Status,
    viewer: Option<i64>,
) -> Result<Value, Error> {
    let facts = StatusFacts::load(conn, std::slice::from_ref(status), viewer)?;
    entities::status(config, status, &facts)
        .ok_or_else(|| Error::Internal(format!("status {} has no author", status.row.id)))
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    params: Params,
) -> ApiResult {
    let account = auth.user("write:statuses")?.clone();
    let visibility = params.text("visibility").unwrap_or_default();
    if !matches!(visibility.as_str(), "" | "public" | "unlisted") {
        return Err(ApiError::invalid(
            "visibility",
            "only public statuses are supported for now",
        ));
    }
    if params.text("scheduled_at").is_some_and(|s| !s.is_empty()) {
        return Err(ApiError::invalid(
            "scheduled_at",
            "scheduled statuses are not supported yet",
        ));
    }
    let new = NewStatus {
        text: params.text("status").unwrap_or_default(),
        in_reply_to: params.id("in_reply_to_id")?,
        language: params.text("language").filter(|l| !l.is_empty()),
        media_ids: media::parse_ids(&params.list("media_ids"))?,
        poll: poll_of(&params)?,
    };
    if new.in_reply_to.is_none() {
        learn_mentioned(&state, &new.text).await;
    }
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map(str::to_string)
                .map_err(|_| ApiError::invalid("Idempotency-Key", "must be text"))
        })
        .transpose()?;
    let body = run(&state, move |conn, config| {
        let status = statuses::create(conn, config, &account, &new, key.as_deref())?;
        status_json(conn, config, &status, Some(account.actor.id))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// The poll a new status carries: `poll[options][]`, `poll[expires_in]`,
/// `poll[multiple]`, `poll[hide_totals]` (form or JSON object).
fn poll_of(params: &Params) -> Result<Option<NewPoll>, ApiError> {
    let options = params.nested_list("poll", "options");
    if options.is_empty() {
        return Ok(None);
    }
    let expires_in = match params.nested_text("poll", "expires_in") {
        Some(t) => t
            .trim()
            .parse::<i64>()
            .map_err(|_| ApiError::invalid("poll", "expires_in must be a number of seconds"))?,
        None => 24 * 3600,
    };
    Ok(Some(NewPoll {
        options,
        expires_in,
        multiple: params.nested_bool("poll", "multiple")?.unwrap_or(false),
        hide_totals: params.nested_bool("poll", "hide_totals")?.unwrap_or(false),
    }))
}

/// A status asked for by its id: never hidden by the viewer's filters,
/// but marked (`filtered`) by those of the thread context, as Mastodon does.
pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    let viewer = auth.viewer().map(|a| a.actor.id);
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let facts = StatusFacts::load(conn, std::slice::from_ref(&status), viewer)?;
        let active = ActiveFilters::load(conn, viewer, "thread")?;
        entities::judged_status(config, &status, &facts, &active)
            .map(|(value, _)| value)
            .ok_or_else(|| Error::Internal(format!("status {} has no author", status.row.id)))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Deletes a status; answers it as it was, with its source `text` (for
/// "delete and redraft").
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let account = auth.user("write:statuses")?.clone();
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let mut body = status_json(conn, config, &status, Some(account.actor.id))?;
        body["text"] = json!(match &status.target {
            Target::Post(p) => &p.source,
            Target::Comment(c) => &c.source,
        });
        content::delete(conn, config, &account.actor, &status.target)?;
        Ok(body)
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn context(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let id = path_id(&id)?;
    let viewer = auth.viewer().map(|a| a.actor.id);
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let (ancestors, descendants) = statuses::context(conn, &status)?;
        let all: Vec<Status> = ancestors.iter().chain(&descendants).cloned().collect();
        let facts = StatusFacts::load(conn, &all, viewer)?;
        let active = ActiveFilters::load(conn, viewer, "thread")?;
        Ok(json!({
            "ancestors": entities::filtered_statuses(config, &ancestors, &facts, &active),
            "descendants": entities::filtered_statuses(config, &descendants, &facts, &active),
        }))
    })
    .await?;
    Ok(Json(body).into_response())
}

async fn change_like(state: AppState, auth: Auth, id: String, like: bool) -> ApiResult {
    let account = auth.user("write:favourites")?.clone();
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        if like {
            content::like(conn, config, &account.actor, &status.target)?;
        } else {
            content::unlike(conn, config, &account.actor, &status.target)?;
        }
        status_json(conn, config, &status, Some(account.actor.id))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn favourite(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_like(state, auth, id, true).await
}

pub async fn unfavourite(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_like(state, auth, id, false).await
}

pub(super) async fn timeline(
    state: AppState,
    uri: Uri,
    params: Params,
    which: Timeline,
    viewer: Option<i64>,
) -> ApiResult {
    let page = params.page()?;
    let (ids, body) = run(&state, move |conn, config| {
        let list = statuses::timeline(conn, which, &page)?;
        let facts = StatusFacts::load(conn, &list, viewer)?;
        let active = ActiveFilters::load(conn, viewer, filters::context_of(&which))?;
        let ids: Vec<i64> = list.iter().map(|s| s.row.id).collect();
        Ok((
            ids,
            entities::filtered_statuses(config, &list, &facts, &active),
        ))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

pub async fn home(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:statuses")?.actor.id;
    timeline(state, uri, params, Timeline::Home(me), Some(me)).await
}

pub async fn public(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let local = params.bool("local")?.unwrap_or(false);
    let remote = params.bool("remote")?.unwrap_or(false);
    let which = match (local, remote) {
        (true, false) => Timeline::Public(Some(true)),
        (false, true) => Timeline::Public(Some(false)),
        _ => Timeline::Public(None),
    };
    let viewer = auth.viewer().map(|a| a.actor.id);
    timeline(state, uri, params, which, viewer).await
}

/// A domain listing of (key, status) pairs for an actor.
type KeyedStatuses = fn(&mut DbConn, i64, &statuses::Page) -> Result<Vec<(i64, Status)>, Error>;

/// A page of (key, status) pairs as JSON, linked by key (like or bookmark id).
async fn keyed_list(
    state: AppState,
    uri: Uri,
    params: Params,
    viewer: i64,
    list: KeyedStatuses,
) -> ApiResult {
    let page = params.page()?;
    let (keys, body) = run(&state, move |conn, config| {
        let rows = list(conn, viewer, &page)?;
        let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
        let found: Vec<Status> = rows.into_iter().map(|(_, s)| s).collect();
        let facts = StatusFacts::load(conn, &found, Some(viewer))?;
        Ok((keys, entities::statuses(config, &found, &facts)))
    })
    .await?;
    Ok(paged(&state, &uri, &keys, body))
}

pub async fn favourites(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:favourites")?.actor.id;
    keyed_list(state, uri, params, me, statuses::liked_by).await
}

pub async fn bookmarks(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:bookmarks")?.actor.id;
    keyed_list(state, uri, params, me, statuses::bookmarked_by).await
}

async fn change_bookmark(state: AppState, auth: Auth, id: String, keep: bool) -> ApiResult {
    let me = auth.user("write:bookmarks")?.actor.id;
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        if keep {
            statuses::bookmark(conn, me, &status)?;
        } else {
            statuses::unbookmark(conn, me, &status)?;
        }
        status_json(conn, config, &status, Some(me))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn bookmark(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_bookmark(state, auth, id, true).await
}

pub async fn unbookmark(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_bookmark(state, auth, id, false).await
}

async fn change_pin(state: AppState, auth: Auth, id: String, pinned: bool) -> ApiResult {
    let me = auth.user("write:accounts")?.actor.id;
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let status = statuses::set_pinned(conn, me, &status, pinned)?;
        status_json(conn, config, &status, Some(me))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Pins a status of one's own to one's profile.
pub async fn pin(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    change_pin(state, auth, id, true).await
}

pub async fn unpin(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    change_pin(state, auth, id, false).await
}

/// Who acted on a status (likes, boosts), as accounts, keyset-paged.
type Actors = fn(
    &mut DbConn,
    &Status,
    &statuses::Page,
) -> Result<Vec<(i64, crate::domain::actors::Actor)>, Error>;

async fn who(state: AppState, id: String, uri: Uri, params: Params, list: Actors) -> ApiResult {
    let id = path_id(&id)?;
    let page = params.page()?;
    let (keys, body) = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let rows = list(conn, &status, &page)?;
        let body = entities::accounts(
            conn,
            config,
            &rows.iter().map(|(_, a)| a).collect::<Vec<_>>(),
        )?;
        Ok((rows.iter().map(|(k, _)| *k).collect::<Vec<_>>(), body))
    })
    .await?;
    Ok(paged(&state, &uri, &keys, body))
}

pub async fn favourited_by(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    who(state, id, uri, params, statuses::likers).await
}

async fn change_reblog(state: AppState, auth: Auth, id: String, boost: bool) -> ApiResult {
    let account = auth.user("write:statuses")?.clone();
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let shown = if boost {
            reblogs::reblog(conn, config, &account.actor, &status)?
        } else {
            reblogs::unreblog(conn, config, &account.actor, &status)?
        };
        status_json(conn, config, &shown, Some(account.actor.id))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Boosts a status; answers the boost (the status inside its `reblog`).
pub async fn reblog(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_reblog(state, auth, id, true).await
}

/// Takes a boost back; answers the status that was boosted.
pub async fn unreblog(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_reblog(state, auth, id, false).await
}

pub async fn reblogged_by(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    who(state, id, uri, params, reblogs::rebloggers).await
}

/// The author edits a status (`PUT`): new text, same id.
pub async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let account = auth.user("write:statuses")?.clone();
    let id = path_id(&id)?;
    let text = params.text("status").unwrap_or_default();
    let language = params.text("language").filter(|l| !l.is_empty());
    let media_ids = params
        .has("media_ids")
        .then(|| media::parse_ids(&params.list("media_ids")))
        .transpose()?;
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let edited = statuses::edit(
            conn,
            config,
            &account,
            &status,
            &text,
            language,
            media_ids.as_deref(),
        )?;
        status_json(conn, config, &edited, Some(account.actor.id))
    })
    .await?;
    Ok(Json(body).into_response())
}

/// What an edit form starts from.
pub async fn source(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    auth.user("read:statuses")?;
    let id = path_id(&id)?;
    let text = run(&state, move |conn, _| {
        Ok(match statuses::by_id(conn, id)?.target {
            Target::Post(p) => p.source,
            Target::Comment(c) => c.source,
        })
    })
    .await?;
    Ok(Json(json!({ "id": id.to_string(), "text": text, "spoiler_text": "" })).into_response())
}

/// Edit history: earlier versions are not kept, so it holds the current
/// version only, dated by its last edit.
pub async fn history(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let id = path_id(&id)?;
    let viewer = auth.viewer().map(|a| a.actor.id);
    let body = run(&state, move |conn, config| {
        let status = statuses::by_id(conn, id)?;
        let full = status_json(conn, config, &status, viewer)?;
        let at = full["edited_at"].clone();
        Ok(json!([{
            "content": full["content"],
            "spoiler_text": "",
            "sensitive": false,
            "created_at": if at.is_null() { full["created_at"].clone() } else { at },
            "account": full["account"],
            "poll": full["poll"],
            "media_attachments": full["media_attachments"],
            "emojis": [],
        }]))
    })
    .await?;
    Ok(Json(body).into_response())
}

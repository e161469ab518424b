//! Accounts: the signed-in one (and changes to its display name and
//! presentation), any known one by id or handle, their statuses, followers
//! and following (keyset pages), follow and unfollow (a community is an
//! account with `group: true`: following it joins it), relationships,
//! requests to follow a locked account, account search, and registration
//! through an app token.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::Value;

use super::{entities, paged, path_id, run, ApiError, ApiResult, Auth, Params, Query};
use crate::config::Config;
use crate::db::DbConn;
use crate::domain::accounts::{self, NewAccount, Role};
use crate::domain::actors::{self, Actor};
use crate::domain::filters::ActiveFilters;
use crate::domain::follows::{self, FollowList};
use crate::domain::oauth;
use crate::domain::profiles;
use crate::domain::statuses::{self, AccountFacts, StatusFacts, Timeline};
use crate::error::Error;
use crate::web::AppState;

/// One account as JSON, with its counts.
fn account_json(conn: &mut DbConn, config: &Config, actor: &Actor) -> Result<Value, Error> {
    let facts = AccountFacts::load(conn, &[actor.id])?;
    Ok(entities::account(config, actor, &facts))
}

pub async fn verify_credentials(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let account = auth
        .user("profile")
        .or_else(|_| auth.user("read:accounts"))?
        .clone();
    let body = run(&state, move |conn, config| {
        let facts = AccountFacts::load(conn, &[account.actor.id])?;
        Ok(entities::credential_account(
            config,
            &account.actor,
            &facts,
            &account.user.locale,
        ))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let actor = actors::by_id(conn, id)?.unless_deleted()?;
        account_json(conn, config, &actor)
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn lookup(State(state): State<AppState>, Query(params): Query) -> ApiResult {
    let acct = params
        .text("acct")
        .ok_or_else(|| ApiError::invalid("acct", "acct is required"))?;
    let acct = acct.trim().trim_start_matches('@').to_string();
    let body = run(&state, move |conn, config| {
        let (name, domain) = match acct.split_once('@') {
            Some((n, d)) => (n.to_string(), d.to_lowercase()),
            None => (acct.clone(), config.domain.clone()),
        };
        let actor = actors::find_by_handle(conn, &name, &domain)?
            .ok_or_else(|| Error::NotFound("Record not found".into()))?
            .unless_deleted()?;
        account_json(conn, config, &actor)
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn statuses(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let id = path_id(&id)?;
    let page = params.page()?;
    let with_replies = !params.bool("exclude_replies")?.unwrap_or(false);
    let with_reblogs = !params.bool("exclude_reblogs")?.unwrap_or(false);
    let pinned = params.bool("pinned")?.unwrap_or(false);
    // No media or hashtags yet: those filters find nothing.
    let nothing = params.bool("only_media")?.unwrap_or(false)
        || params.text("tagged").is_some_and(|t| !t.is_empty());
    let viewer = auth.viewer().map(|a| a.actor.id);
    let (ids, body) = run(&state, move |conn, config| {
        actors::by_id(conn, id)?;
        let list = if nothing {
            vec![]
        } else if pinned {
            // A handful at most: one page, no links.
            statuses::pinned_of(conn, id)?
        } else {
            statuses::timeline(
                conn,
                Timeline::Account {
                    actor_id: id,
                    with_replies,
                    with_reblogs,
                },
                &page,
            )?
        };
        let facts = StatusFacts::load(conn, &list, viewer)?;
        let active = ActiveFilters::load(conn, viewer, "account")?;
        let ids: Vec<i64> = list.iter().map(|s| s.row.id).collect();
        Ok((
            ids,
            entities::filtered_statuses(config, &list, &facts, &active),
        ))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

async fn follow_list(
    state: AppState,
    id: String,
    uri: Uri,
    params: Params,
    which: fn(i64) -> FollowList,
) -> ApiResult {
    let id = path_id(&id)?;
    let page = params.page()?;
    let (ids, body) = run(&state, move |conn, config| {
        actors::by_id(conn, id)?;
        let rows = follows::page(conn, which(id), &page)?;
        let shown: Vec<&Actor> = rows.iter().map(|(_, a)| a).collect();
        let body = entities::accounts(conn, config, &shown)?;
        Ok((rows.iter().map(|(f, _)| *f).collect::<Vec<_>>(), body))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

pub async fn followers(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    follow_list(state, id, uri, params, FollowList::FollowersOf).await
}

pub async fn following(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    follow_list(state, id, uri, params, FollowList::FollowedBy).await
}

/// Follows or unfollows, then answers the relationship.
async fn change_follow(state: AppState, auth: Auth, id: String, follow: bool) -> ApiResult {
    let me = auth.user("write:follows")?.actor.clone();
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let target = actors::by_id(conn, id)?;
        if follow {
            follows::follow(conn, config, &me, &target)?;
        } else {
            follows::unfollow(conn, config, &me, &target)?;
        }
        let (mine, theirs) = follows::between(conn, me.id, &[id])?;
        Ok(entities::relationship(id, mine.first(), theirs.first()))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn follow(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_follow(state, auth, id, true).await
}

pub async fn unfollow(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    change_follow(state, auth, id, false).await
}

pub async fn relationships(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:follows")?.actor.id;
    let ids: Vec<i64> = params
        .list("id")
        .iter()
        .filter_map(|i| i.parse().ok())
        .take(100)
        .collect();
    let body = run(&state, move |conn, _| {
        let (mine, theirs) = follows::between(conn, me, &ids)?;
        Ok(ids
            .iter()
            .map(|id| {
                entities::relationship(
                    *id,
                    mine.iter().find(|f| f.target_id == *id),
                    theirs.iter().find(|f| f.follower_id == *id),
                )
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Registration from an app (app token with `write:accounts`), following
/// the instance's registration mode; answers a token for the new account
/// (usable once the account is active).
pub async fn register(State(state): State<AppState>, auth: Auth, params: Params) -> ApiResult {
    let grant = auth.app("write:accounts")?.clone();
    if !params.bool("agreement")?.unwrap_or(false) {
        return Err(ApiError::invalid("agreement", "agreement must be accepted"));
    }
    let new = NewAccount {
        username: params.text("username").unwrap_or_default(),
        email: params.text("email").unwrap_or_default(),
        password: params.text("password").unwrap_or_default(),
        role: Role::Member,
        signup_reason: params.text("reason").unwrap_or_default(),
    };
    let issued = run(&state, move |conn, config| {
        let account = accounts::register(conn, config, &new)?;
        oauth::token_for_new_account(conn, &grant.app, &account, &grant.scopes)
    })
    .await?;
    Ok(Json(entities::token(&issued)).into_response())
}

/// Accounts whose name starts with `q` (`@` and a domain allowed).
pub async fn search(State(state): State<AppState>, auth: Auth, Query(params): Query) -> ApiResult {
    auth.user("read:accounts")?;
    let q = params.text("q").unwrap_or_default();
    let limit = params.page()?.limit;
    let body = run(&state, move |conn, config| {
        let name = q.trim().trim_start_matches('@');
        let found = match name.split_once('@') {
            Some((n, d)) => actors::find_by_handle(conn, n, d)?.into_iter().collect(),
            None => actors::search_by_name(conn, name, limit)?,
        };
        entities::accounts(conn, config, &found.iter().collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Followers of each account that the viewer follows too: none computed
/// yet, one empty entry per account asked.
pub async fn familiar_followers(auth: Auth, Query(params): Query) -> ApiResult {
    auth.user("read:follows")?;
    let body: Vec<Value> = params
        .list("id")
        .iter()
        .take(100)
        .map(|id| serde_json::json!({ "id": id, "accounts": [] }))
        .collect();
    Ok(Json(body).into_response())
}

/// Pending requests to follow the signed-in account.
pub async fn follow_requests(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let me = auth.user("read:follows")?.actor.id;
    let body = run(&state, move |conn, config| {
        let pending = follows::pending_requests(conn, me)?;
        entities::accounts(
            conn,
            config,
            &pending.iter().map(|(_, a)| a).collect::<Vec<_>>(),
        )
    })
    .await?;
    Ok(Json(body).into_response())
}

/// Accepts or rejects the request of account `id` to follow the signed-in one.
async fn answer_request(state: AppState, auth: Auth, id: String, accept: bool) -> ApiResult {
    let me = auth.user("write:follows")?.actor.clone();
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let request = follows::find(conn, id, me.id)?
            .filter(|f| f.state() == follows::FollowState::Pending)
            .ok_or_else(|| Error::NotFound("Record not found".into()))?;
        if accept {
            follows::accept(conn, config, request.id, &me)?;
        } else {
            follows::reject(conn, config, request.id, &me)?;
        }
        let (mine, theirs) = follows::between(conn, me.id, &[id])?;
        Ok(entities::relationship(id, mine.first(), theirs.first()))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn authorize_request(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    answer_request(state, auth, id, true).await
}

pub async fn reject_request(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    answer_request(state, auth, id, false).await
}

/// The signed-in member changes their display name, presentation
/// (`note`), profile fields (`fields_attributes`: the professional
/// profile's Structure, Fonction, Territoire, Compétences) or pictures
/// (`avatar`, `header`: multipart files). Sent as JSON, a form or
/// multipart; what is not sent stays as it is. `locked` is not supported
/// (accounts follow the instance's rules) and is ignored.
pub async fn update_credentials(
    State(state): State<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult {
    let account = auth.user("write:accounts")?.clone();
    let display_name = params.text("display_name");
    let note = params.text("note");
    let fields = params.indexed_pairs("fields_attributes", ["name", "value"]);
    let avatar = params.file("avatar").map(<[u8]>::to_vec);
    let header = params.file("header").map(<[u8]>::to_vec);
    let body = run(&state, move |conn, config| {
        let changes = profiles::CredentialChanges {
            display_name,
            note,
            fields,
            pictures: profiles::Pictures {
                avatar: avatar.as_deref(),
                header: header.as_deref(),
            },
        };
        let actor = profiles::update_credentials(conn, config, &account.actor, &changes)?;
        let facts = AccountFacts::load(conn, &[actor.id])?;
        Ok(entities::credential_account(
            config,
            &actor,
            &facts,
            &account.user.locale,
        ))
    })
    .await?;
    Ok(Json(body).into_response())
}

//! Lists: creating, renaming and deleting them, their accounts (only
//! accounts one follows), the lists holding an account, and each list's
//! timeline.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{entities, paged, path_id, run, ApiResult, Auth, Params, Query};
use crate::domain::filters::{self, ActiveFilters};
use crate::domain::lists::{self, List, ListDraft};
use crate::domain::statuses::{self, StatusFacts, Timeline};
use crate::web::AppState;

fn list_json(list: &List) -> Value {
    json!({
        "id": list.id.to_string(),
        "title": list.title,
        "replies_policy": list.replies_policy,
        "exclusive": list.exclusive,
    })
}

fn draft(params: &Params) -> Result<ListDraft, super::ApiError> {
    Ok(ListDraft {
        title: params.text("title"),
        replies_policy: params.text("replies_policy"),
        exclusive: params.bool("exclusive")?,
    })
}

/// Account ids of `account_ids[]`.
fn account_ids(params: &Params) -> Result<Vec<i64>, super::ApiError> {
    let ids = params.list("account_ids");
    if ids.is_empty() {
        return Err(super::ApiError::invalid(
            "account_ids",
            "account_ids is required",
        ));
    }
    ids.iter()
        .map(|i| {
            i.parse::<i64>().map_err(|_| {
                super::ApiError::invalid("account_ids", "account_ids must be numeric ids")
            })
        })
        .collect()
}

pub async fn index(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let me = auth.user("read:lists")?.actor.id;
    let all = run(&state, move |conn, _| lists::of_owner(conn, me)).await?;
    Ok(Json(all.iter().map(list_json).collect::<Vec<_>>()).into_response())
}

pub async fn create(State(state): State<AppState>, auth: Auth, params: Params) -> ApiResult {
    let me = auth.user("write:lists")?.actor.id;
    let draft = draft(&params)?;
    let list = run(&state, move |conn, _| lists::create(conn, me, &draft)).await?;
    Ok(Json(list_json(&list)).into_response())
}

pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let me = auth.user("read:lists")?.actor.id;
    let id = path_id(&id)?;
    let list = run(&state, move |conn, _| lists::get(conn, me, id)).await?;
    Ok(Json(list_json(&list)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let me = auth.user("write:lists")?.actor.id;
    let id = path_id(&id)?;
    let draft = draft(&params)?;
    let list = run(&state, move |conn, _| lists::update(conn, me, id, &draft)).await?;
    Ok(Json(list_json(&list)).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("write:lists")?.actor.id;
    let id = path_id(&id)?;
    run(&state, move |conn, _| lists::delete(conn, me, id)).await?;
    Ok(Json(json!({})).into_response())
}

pub async fn accounts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:lists")?.actor.id;
    let id = path_id(&id)?;
    let page = params.page()?;
    let (ids, body) = run(&state, move |conn, config| {
        let members = lists::members(conn, me, id, &page)?;
        let body = entities::accounts(conn, config, &members.iter().collect::<Vec<_>>())?;
        Ok((members.iter().map(|a| a.id).collect::<Vec<_>>(), body))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

pub async fn add_accounts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    change_members(state, auth, id, params, true).await
}

pub async fn remove_accounts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    change_members(state, auth, id, params, false).await
}

/// Adds accounts to a list (`add`) or takes them out.
async fn change_members(
    state: AppState,
    auth: Auth,
    id: String,
    params: Params,
    add: bool,
) -> ApiResult {
    let me = auth.user("write:lists")?.actor.id;
    let id = path_id(&id)?;
    let accounts = account_ids(&params)?;
    run(&state, move |conn, _| {
        if add {
            lists::add_members(conn, me, id, &accounts)
        } else {
            lists::remove_members(conn, me, id, &accounts)
        }
    })
    .await?;
    Ok(Json(json!({})).into_response())
}

/// The signed-in member's lists that hold account `id`.
pub async fn of_account(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("read:lists")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| lists::containing(conn, me, id)).await?;
    Ok(Json(found.iter().map(list_json).collect::<Vec<_>>()).into_response())
}

pub async fn timeline(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:lists")?.actor.id;
    let id = path_id(&id)?;
    let page = params.page()?;
    let (ids, body) = run(&state, move |conn, config| {
        let list = lists::get(conn, me, id)?;
        let which = Timeline::List {
            list_id: list.id,
            with_replies: list.replies_policy != "none",
        };
        let found = statuses::timeline(conn, which, &page)?;
        let facts = StatusFacts::load(conn, &found, Some(me))?;
        let active = ActiveFilters::load(conn, Some(me), filters::context_of(&which))?;
        let ids: Vec<i64> = found.iter().map(|s| s.row.id).collect();
        Ok((
            ids,
            entities::filtered_statuses(config, &found, &facts, &active),
        ))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

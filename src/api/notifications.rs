//! Notifications: a keyset page filtered by `types[]` / `exclude_types[]`,
//! one by id, dismissing one, clearing all.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{entities, paged, path_id, run, ApiResult, Auth, Query};
use crate::config::Config;
use crate::db::DbConn;
use crate::domain::actors;
use crate::domain::notifications::{self, Notification};
use crate::domain::statuses::{self, AccountFacts, StatusFacts};
use crate::error::Error;
use crate::web::AppState;

/// Notifications as JSON, with their accounts and statuses loaded per page.
fn render(
    conn: &mut DbConn,
    config: &Config,
    list: &[Notification],
    viewer: i64,
) -> Result<Vec<Value>, Error> {
    let status_ids: Vec<i64> = list.iter().filter_map(|n| n.status_id).collect();
    let loaded = statuses::by_ids(conn, &status_ids)?;
    let facts = StatusFacts::load(conn, &loaded, Some(viewer))?;
    let from_ids: Vec<i64> = list.iter().map(|n| n.from_id).collect();
    let from = actors::by_ids(conn, &from_ids)?;
    let counts = AccountFacts::load(conn, &from_ids)?;
    Ok(list
        .iter()
        .filter_map(|n| {
            let account = entities::account(config, from.get(&n.from_id)?, &counts);
            let status = match n.status_id {
                Some(id) => Some(
                    loaded
                        .iter()
                        .find(|s| s.row.id == id)
                        .and_then(|s| entities::status(config, s, &facts))?,
                ),
                None => None,
            };
            Some(entities::notification(n, account, status))
        })
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:notifications")?.actor.id;
    let page = params.page()?;
    let types = params.list("types");
    let exclude = params.list("exclude_types");
    let (ids, body) = run(&state, move |conn, config| {
        let kinds = notifications::kinds_wanted(&types, &exclude);
        let list = notifications::list(conn, me, &kinds, &page)?;
        let ids: Vec<i64> = list.iter().map(|n| n.id).collect();
        Ok((ids, Value::Array(render(conn, config, &list, me)?)))
    })
    .await?;
    Ok(paged(&state, &uri, &ids, body))
}

pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let me = auth.user("read:notifications")?.actor.id;
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        let n = notifications::get(conn, me, id)?;
        render(conn, config, &[n], me)?
            .pop()
            .ok_or_else(|| Error::NotFound("Record not found".into()))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("write:notifications")?.actor.id;
    let id = path_id(&id)?;
    run(&state, move |conn, _| notifications::dismiss(conn, me, id)).await?;
    Ok(Json(json!({})).into_response())
}

pub async fn clear(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let me = auth.user("write:notifications")?.actor.id;
    run(&state, move |conn, _| notifications::clear(conn, me)).await?;
    Ok(Json(json!({})).into_response())
}

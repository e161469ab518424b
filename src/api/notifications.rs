//! Notifications: a keyset page filtered by `types[]` / `exclude_types[]`,
//! one by id, dismissing one, clearing all, the unread count; and the
//! markers (reading positions) of the home timeline and notifications.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{entities, paged, path_id, run, ApiResult, Auth, Query};
use crate::config::Config;
use crate::db::DbConn;
use crate::domain::actors;
use crate::domain::filters::ActiveFilters;
use crate::domain::notifications::{self, Notification};
use crate::domain::statuses::{self, AccountFacts, StatusFacts};
use crate::error::Error;
use crate::web::AppState;

/// Notifications as JSON, with their accounts and statuses loaded per page.
pub(super) fn render(
    conn: &mut DbConn,
    config: &Config,
    list: &[Notification],
    viewer: i64,
) -> Result<Vec<Value>, Error> {
    let status_ids: Vec<i64> = list.iter().filter_map(|n| n.status_id).collect();
    let loaded = statuses::by_ids(conn, &status_ids)?;
    let facts = StatusFacts::load(conn, &loaded, Some(viewer))?;
    let active = ActiveFilters::load(conn, Some(viewer), "notifications")?;
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
                        .and_then(|s| entities::filtered_status(config, s, &facts, &active))?,
                ),
                None => None,
            };
            Some(entities::notification(n, account, status))
        })
        .collect())
}

/// The notifications a listing asks for, rendered, with their ids.
async fn listing(
    state: &AppState,
    me: i64,
    params: &super::Params,
) -> Result<(Vec<i64>, Vec<Value>), super::ApiError> {
    let page = params.page()?;
    let types = params.list("types");
    let exclude = params.list("exclude_types");
    run(state, move |conn, config| {
        let kinds = notifications::kinds_wanted(&types, &exclude);
        let list = notifications::list(conn, me, &kinds, &page)?;
        let ids: Vec<i64> = list.iter().map(|n| n.id).collect();
        Ok((ids, render(conn, config, &list, me)?))
    })
    .await
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:notifications")?.actor.id;
    let (ids, body) = listing(&state, me, &params).await?;
    Ok(paged(&state, &uri, &ids, Value::Array(body)))
}

/// Grouped notifications (`/api/v2/notifications`), which apps use when
/// the instance says 4.3.
pub async fn grouped(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:notifications")?.actor.id;
    let (ids, body) = listing(&state, me, &params).await?;
    Ok(paged(
        &state,
        &uri,
        &ids,
        entities::notification_groups(&body),
    ))
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

/// How many notifications are newer than the notifications marker.
pub async fn unread_count(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query,
) -> ApiResult {
    let me = auth.user("read:notifications")?.actor.id;
    let cap = params.limit(100, 1000)?;
    let count = run(&state, move |conn, _| {
        notifications::unread_count(conn, me, cap)
    })
    .await?;
    Ok(Json(json!({ "count": count })).into_response())
}

fn markers_json(list: &[notifications::Marker]) -> Value {
    let mut body = serde_json::Map::new();
    for m in list {
        body.insert(
            m.timeline.clone(),
            json!({
                "last_read_id": m.last_read_id.to_string(),
                "version": m.version,
                "updated_at": entities::date(m.updated_at),
            }),
        );
    }
    Value::Object(body)
}

pub async fn markers(State(state): State<AppState>, auth: Auth, Query(params): Query) -> ApiResult {
    let me = auth.user("read:statuses")?.actor.id;
    let asked = params.list("timeline");
    let timelines: Vec<&'static str> = notifications::MARKED
        .iter()
        .copied()
        .filter(|t| asked.is_empty() || asked.iter().any(|a| a == t))
        .collect();
    let list = run(&state, move |conn, _| {
        notifications::markers_of(conn, me, &timelines)
    })
    .await?;
    Ok(Json(markers_json(&list)).into_response())
}

pub async fn save_markers(
    State(state): State<AppState>,
    auth: Auth,
    params: super::Params,
) -> ApiResult {
    let me = auth.user("write:statuses")?.actor.id;
    let mut positions = Vec::new();
    for timeline in notifications::MARKED {
        if let Some(id) = params.nested_text(timeline, "last_read_id") {
            let id = id.parse::<i64>().map_err(|_| {
                super::ApiError::invalid("last_read_id", "last_read_id must be a numeric id")
            })?;
            positions.push((*timeline, id));
        }
    }
    if positions.is_empty() {
        return Err(super::ApiError::invalid(
            "timeline",
            "give home[last_read_id] or notifications[last_read_id]",
        ));
    }
    let list = run(&state, move |conn, _| {
        positions
            .iter()
            .map(|(t, id)| notifications::save_marker(conn, me, t, *id))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(Json(markers_json(&list)).into_response())
}

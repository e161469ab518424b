//! Hashtags: the tag timeline (`/api/v1/timelines/tag/:hashtag`, any case,
//! `local` / `remote`, keyset pages with `Link` headers) and the tag itself
//! (`/api/v1/tags/:name`). Nobody follows tags yet: `following` is false.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::Json;

use super::{entities, run, statuses::timeline, ApiResult, Auth, Query};
use crate::domain::statuses::Timeline;
use crate::domain::tags;
use crate::error::Error;
use crate::web::AppState;

pub async fn timeline_of_tag(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Path(name): Path<String>,
    Query(params): Query,
) -> ApiResult {
    let local = params.bool("local")?.unwrap_or(false);
    let remote = params.bool("remote")?.unwrap_or(false);
    let local = match (local, remote) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let tag_id = run(&state, move |conn, _| tags::find(conn, &name)).await?;
    let viewer = auth.viewer().map(|a| a.actor.id);
    match tag_id {
        Some(tag_id) => timeline(state, uri, params, Timeline::Tag { tag_id, local }, viewer).await,
        // A tag nobody used has an empty timeline.
        None => {
            params.page()?;
            Ok(Json(serde_json::json!([])).into_response())
        }
    }
}

pub async fn show(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult {
    let body = run(&state, move |conn, config| {
        let known = tags::find(conn, &name)?.is_some();
        let name = tags::normalize(&name)
            .filter(|_| known)
            .ok_or_else(|| Error::NotFound("Record not found".into()))?;
        let mut tag = entities::tag(config, &name);
        tag["history"] = serde_json::json!([]);
        tag["following"] = false.into();
        Ok(tag)
    })
    .await?;
    Ok(Json(body).into_response())
}

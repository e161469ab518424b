//! Media attachments: uploading an image (`POST /api/v1/media` and
//! `/api/v2/media`, multipart `file`, optional `description` and `focus`),
//! reading and describing one's own (`GET`/`PUT /api/v1/media/:id`).
//! Attaching them to a status is `media_ids[]` on status create and edit.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;

use super::{entities, path_id, run, ApiError, ApiResult, Auth, Params};
use crate::domain::media::{self, Description};
use crate::web::AppState;

fn description(params: &Params) -> Description {
    Description {
        text: params.text("description"),
        focus: params.text("focus"),
    }
}

pub async fn upload(State(state): State<AppState>, auth: Auth, params: Params) -> ApiResult {
    let owner = auth.user("write:media")?.actor.id;
    let bytes = params
        .file("file")
        .ok_or_else(|| ApiError::invalid("file", "file is required (a multipart file field)"))?
        .to_vec();
    let description = description(&params);
    let body = run(&state, move |conn, config| {
        let m = media::upload(conn, config, owner, &bytes, &description)?;
        Ok(entities::media_attachment(config, &m))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let owner = auth.user("write:media")?.actor.id;
    let id = path_id(&id)?;
    let body = run(&state, move |conn, config| {
        Ok(entities::media_attachment(
            config,
            &media::own(conn, owner, id)?,
        ))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn describe(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let owner = auth.user("write:media")?.actor.id;
    let id = path_id(&id)?;
    let description = description(&params);
    let body = run(&state, move |conn, config| {
        let m = media::describe(conn, owner, id, &description)?;
        Ok(entities::media_attachment(config, &m))
    })
    .await?;
    Ok(Json(body).into_response())
}

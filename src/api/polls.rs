//! Polls: reading one (`GET /api/v1/polls/:id`, as the viewer sees it)
//! and voting (`POST /api/v1/polls/:id/votes` with `choices[]`, option
//! indexes). A poll is created with its status (`poll[…]` on status create).

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;

use super::{entities, path_id, run, ApiError, ApiResult, Auth, Params};
use crate::domain::polls;
use crate::web::AppState;

pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    let viewer = auth.viewer().map(|a| a.actor.id);
    let body = run(&state, move |conn, _| {
        let poll = polls::by_id(conn, id)?;
        Ok(entities::poll(&polls::view(conn, &poll, viewer)?))
    })
    .await?;
    Ok(Json(body).into_response())
}

pub async fn vote(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let voter = auth.user("write:statuses")?.actor.clone();
    let id = path_id(&id)?;
    let choices = params
        .list("choices")
        .iter()
        .map(|c| c.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::invalid("choices", "choices must be option indexes"))?;
    let body = run(&state, move |conn, config| {
        let poll = polls::by_id(conn, id)?;
        polls::vote(conn, config, &voter, &poll, &choices)?;
        Ok(entities::poll(&polls::view(conn, &poll, Some(voter.id))?))
    })
    .await?;
    Ok(Json(body).into_response())
}

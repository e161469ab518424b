//! Filters v2: a member's filters, their keywords and statuses (scopes
//! `read:filters` / `write:filters`; another's filter is not found), and
//! the v1 listing (one entry per keyword) for older apps. Bodies come as
//! forms (`context[]`, `keywords_attributes[0][keyword]`) or JSON.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

use super::{entities, parse_bool, path_id, run, ApiError, ApiResult, Auth, Params};
use crate::domain::filters::{self, FilterDraft, KeywordDraft, KEYWORDS_MAX};
use crate::web::AppState;

fn flag(key: &str, text: Option<String>) -> Result<Option<bool>, ApiError> {
    text.map(|t| parse_bool(key, &t)).transpose()
}

fn draft(params: &Params) -> Result<FilterDraft, ApiError> {
    let expires_in = if params.has("expires_in") {
        match params.text("expires_in").filter(|t| !t.trim().is_empty()) {
            None => Some(None),
            Some(t) => Some(Some(t.trim().parse::<i64>().map_err(|_| {
                ApiError::invalid("expires_in", "expires_in must be a number of seconds")
            })?)),
        }
    } else {
        None
    };
    let mut keywords = vec![];
    let items = params
        .indexed(
            "keywords_attributes",
            &["keyword", "whole_word", "id", "_destroy"],
            KEYWORDS_MAX as usize + 1,
        )
        .unwrap_or_default();
    for mut item in items {
        let destroy = flag("_destroy", item[3].take())?.unwrap_or(false);
        let id = match item[2].take().filter(|t| !t.is_empty()) {
            Some(t) => Some(path_id(&t)?),
            None => None,
        };
        keywords.push(KeywordDraft {
            id,
            keyword: item[0].take(),
            whole_word: flag("whole_word", item[1].take())?,
            destroy,
        });
    }
    Ok(FilterDraft {
        title: params.text("title"),
        context: params.has("context").then(|| params.list("context")),
        action: params.text("filter_action"),
        expires_in,
        keywords,
    })
}

fn gone() -> ApiResult {
    Ok(Json(json!({})).into_response())
}

pub async fn index(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let list = run(&state, move |conn, _| filters::of_owner(conn, me)).await?;
    Ok(Json(list.iter().map(entities::filter).collect::<Vec<_>>()).into_response())
}

pub async fn index_v1(State(state): State<AppState>, auth: Auth) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let list = run(&state, move |conn, _| filters::of_owner(conn, me)).await?;
    let body: Vec<Value> = list.iter().flat_map(entities::filters_v1).collect();
    Ok(Json(body).into_response())
}

pub async fn create(State(state): State<AppState>, auth: Auth, params: Params) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let draft = draft(&params)?;
    let made = run(&state, move |conn, _| filters::create(conn, me, &draft)).await?;
    Ok(Json(entities::filter(&made)).into_response())
}

pub async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| filters::get(conn, me, id)).await?;
    Ok(Json(entities::filter(&found)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    let draft = draft(&params)?;
    let changed = run(&state, move |conn, _| filters::update(conn, me, id, &draft)).await?;
    Ok(Json(entities::filter(&changed)).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    run(&state, move |conn, _| filters::delete(conn, me, id)).await?;
    gone()
}

pub async fn keywords(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| filters::get(conn, me, id)).await?;
    let body: Vec<Value> = found
        .keywords
        .iter()
        .map(entities::filter_keyword)
        .collect();
    Ok(Json(body).into_response())
}

pub async fn add_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    let keyword = params.text("keyword").unwrap_or_default();
    let whole_word = params.bool("whole_word")?;
    let made = run(&state, move |conn, _| {
        filters::add_keyword(conn, me, id, &keyword, whole_word)
    })
    .await?;
    Ok(Json(entities::filter_keyword(&made)).into_response())
}

pub async fn show_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| filters::keyword(conn, me, id)).await?;
    Ok(Json(entities::filter_keyword(&found)).into_response())
}

pub async fn update_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    let keyword = params.text("keyword");
    let whole_word = params.bool("whole_word")?;
    let changed = run(&state, move |conn, _| {
        filters::update_keyword(conn, me, id, keyword.as_deref(), whole_word)
    })
    .await?;
    Ok(Json(entities::filter_keyword(&changed)).into_response())
}

pub async fn delete_keyword(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    run(&state, move |conn, _| filters::delete_keyword(conn, me, id)).await?;
    gone()
}

pub async fn statuses(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| filters::get(conn, me, id)).await?;
    let body: Vec<Value> = found.statuses.iter().map(entities::filter_status).collect();
    Ok(Json(body).into_response())
}

pub async fn add_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    let status_id = params.id("status_id")?.ok_or_else(|| {
        ApiError::invalid("status_id", "Validation failed: Status can't be blank")
    })?;
    let made = run(&state, move |conn, _| {
        filters::add_status(conn, me, id, status_id)
    })
    .await?;
    Ok(Json(entities::filter_status(&made)).into_response())
}

pub async fn show_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("read:filters")?.actor.id;
    let id = path_id(&id)?;
    let found = run(&state, move |conn, _| {
        filters::filtered_status(conn, me, id)
    })
    .await?;
    Ok(Json(entities::filter_status(&found)).into_response())
}

pub async fn delete_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult {
    let me = auth.user("write:filters")?.actor.id;
    let id = path_id(&id)?;
    run(&state, move |conn, _| filters::delete_status(conn, me, id)).await?;
    gone()
}

//! Search v2: accounts (a handle such as `@name@domain` or
//! `!community@domain`, an actor URL, or the start of a name) and statuses
//! (by URL). With `resolve=true`, a signed-in user's search fetches what
//! is not known yet through federation; and hashtags (known tags starting
//! with the query, `#` or not).

use axum::extract::State;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use super::{entities, run, ApiError, ApiResult, Auth, Query};
use crate::activitypub::resolve;
use crate::domain::actors::{self, Actor};
use crate::domain::statuses::{self, StatusFacts};
use crate::domain::tags;
use crate::error::Error;
use crate::web::AppState;

/// Whether a query names one actor: `name@domain` (with `@` or `!` before).
fn is_handle(q: &str) -> bool {
    q.trim_start_matches(['@', '!'])
        .split_once('@')
        .is_some_and(|(n, d)| !n.is_empty() && !d.is_empty())
}

fn is_url(q: &str) -> bool {
    q.starts_with("https://") || q.starts_with("http://")
}

/// The actors a query finds, fetching unknown ones when `resolve`.
async fn find_accounts(
    state: &AppState,
    q: &str,
    resolve: bool,
    limit: i64,
) -> Result<Vec<Actor>, Error> {
    if is_handle(q) || is_url(q) {
        if resolve {
            return match resolve::handle(state, q).await {
                Ok(actor) => Ok(vec![actor]),
                Err(e @ (Error::Database(_) | Error::Internal(_))) => Err(e),
                // Unknown, unreachable or not an actor: nothing matches.
                Err(e) => {
                    tracing::info!(error = %e, query = q, "search could not resolve a handle");
                    Ok(vec![])
                }
            };
        }
        if is_url(q) {
            let q = q.to_string();
            return state
                .db
                .run(move |conn| Ok(actors::find_by_ap_id(conn, &q)?.into_iter().collect()))
                .await;
        }
        let handle = q.trim_start_matches(['@', '!']).to_string();
        return state
            .db
            .run(move |conn| {
                let (name, domain) = handle.split_once('@').unwrap_or((&handle, ""));
                Ok(actors::find_by_handle(conn, name, domain)?
                    .into_iter()
                    .collect())
            })
            .await;
    }
    let prefix = q.trim_start_matches(['@', '!']).to_string();
    state
        .db
        .run(move |conn| actors::search_by_name(conn, &prefix, limit))
        .await
}

pub async fn search(State(state): State<AppState>, auth: Auth, Query(params): Query) -> ApiResult {
    let q = params.text("q").unwrap_or_default().trim().to_string();
    if q.is_empty() {
        return Err(ApiError::invalid("q", "q is required"));
    }
    if q.len() > 2000 {
        return Err(ApiError::invalid("q", "q must be at most 2000 bytes long"));
    }
    let kind = params.text("type").unwrap_or_default();
    let resolve = params.bool("resolve")?.unwrap_or(false);
    if resolve {
        auth.user("read:search")?;
    }
    let viewer = auth.viewer().map(|a| a.actor.id);
    let limit = params.page()?.limit;
    let wants = |k: &str| kind.is_empty() || kind == k;

    let accounts = if wants("accounts") {
        find_accounts(&state, &q, resolve, limit).await?
    } else {
        vec![]
    };
    let status_ids: Vec<i64> = if wants("statuses") && is_url(&q) {
        let found = if resolve {
            resolve::object(&state, &q).await.ok()
        } else {
            let q = q.clone();
            state
                .db
                .run(move |conn| crate::domain::content::find_by_ap_id(conn, &q))
                .await?
        };
        match found {
            Some(target) => vec![
                run(&state, move |conn, _| {
                    Ok(statuses::of_target(conn, &target)?.row.id)
                })
                .await?,
            ],
            None => vec![],
        }
    } else {
        vec![]
    };
    let tag_query = (wants("hashtags") && !is_url(&q) && !is_handle(&q)).then(|| q.clone());
    let body = run(&state, move |conn, config| {
        let hashtags: Vec<serde_json::Value> = match tag_query {
            Some(q) => tags::search(conn, &q, limit)?
                .iter()
                .map(|n| entities::tag(config, n))
                .collect(),
            None => vec![],
        };
        let found = statuses::by_ids(conn, &status_ids)?;
        let facts = StatusFacts::load(conn, &found, viewer)?;
        Ok(json!({
            "accounts": entities::accounts(conn, config, &accounts.iter().collect::<Vec<_>>())?,
            "statuses": entities::statuses(config, &found, &facts),
            "hashtags": hashtags,
        }))
    })
    .await?;
    Ok(Json(body).into_response())
}

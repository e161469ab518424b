//! WebFinger, NodeInfo and host-meta endpoints.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use recolte_federation::discovery::{self, NodeInfoFacts, Resource};

use super::{json_domain_error, json_error, typed_json, AppState};
use crate::config::RegistrationMode;
use crate::domain::actors::{self, ActorKind, INSTANCE_ACTOR_NAME};
use crate::domain::statistics;

pub async fn webfinger(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(resource) = query.get("resource") else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "the resource parameter is required (e.g. resource=acct:name@domain)",
        );
    };
    let resource = match discovery::parse_resource(resource) {
        Ok(r) => r,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, e.0),
    };
    let config = state.config.clone();
    let name = match resource {
        Resource::Account { name, domain } => {
            if domain != config.domain {
                return json_error(
                    StatusCode::NOT_FOUND,
                    format!("{domain} is not this instance ({})", config.domain),
                );
            }
            let host = config.domain.split(':').next().unwrap_or_default();
            if name.eq_ignore_ascii_case(host) || name == config.domain {
                INSTANCE_ACTOR_NAME.to_string()
            } else {
                name
            }
        }
        Resource::Url(url) => match local_name_of_url(&config.base_url(), &url) {
            Some(name) => name,
            None => return json_error(StatusCode::NOT_FOUND, "no actor at this URL"),
        },
    };
    let found = state
        .db
        .run(move |conn| actors::find_local(conn, &config, &name)?.unless_deleted())
        .await;
    match found {
        Ok(actor) => {
            let kind = match actor.kind() {
                ActorKind::Person => "Person",
                ActorKind::Group => "Group",
                ActorKind::Application => "Application",
            };
            let jrd = discovery::Jrd::for_actor(
                format!("acct:{}@{}", actor.username, actor.domain),
                &actor.ap_id,
                kind,
                &actor.ap_id,
            );
            let mut response = typed_json("application/jrd+json; charset=utf-8", &jrd);
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                header::HeaderValue::from_static("*"),
            );
            response
        }
        Err(e) => json_domain_error(&e),
    }
}

/// The actor name in one of our actor URLs (`/u/NAME`, `/c/NAME`, `/actor`).
fn local_name_of_url(base_url: &str, url: &str) -> Option<String> {
    let path = url.strip_prefix(base_url)?;
    if path == "/actor" {
        return Some(INSTANCE_ACTOR_NAME.to_string());
    }
    let name = path
        .strip_prefix("/u/")
        .or_else(|| path.strip_prefix("/c/"))?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_string())
}

pub async fn nodeinfo_links(State(state): State<AppState>) -> Response {
    Json(discovery::nodeinfo_links(&state.config.base_url())).into_response()
}

pub async fn nodeinfo(State(state): State<AppState>, Path(version): Path<String>) -> Response {
    let version = version.trim_end_matches(".json").to_string();
    if version != "2.0" && version != "2.1" {
        return json_error(
            StatusCode::NOT_FOUND,
            "NodeInfo versions served here are 2.0 and 2.1",
        );
    }
    let (config, settings) = (state.config.clone(), state.settings.clone());
    let loaded = state
        .db
        .run(move |conn| Ok((statistics::usage(conn)?, settings.current(conn, &config)?)))
        .await;
    let (usage, settings) = match loaded {
        Ok(l) => l,
        Err(e) => return json_domain_error(&e),
    };
    let doc = discovery::nodeinfo(
        &version,
        &NodeInfoFacts {
            software_version: env!("CARGO_PKG_VERSION"),
            open_registrations: settings.registration_mode != RegistrationMode::Closed,
            users_total: usage.users_total,
            users_active_month: usage.users_active_month,
            users_active_halfyear: usage.users_active_halfyear,
            local_posts: usage.local_posts,
            local_comments: usage.local_comments,
            node_name: &settings.name,
            node_description: &settings.description,
            registration_mode: settings.registration_mode.as_str(),
        },
    );
    let content_type = if version == "2.0" {
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\""
    } else {
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\""
    };
    typed_json(content_type, &doc)
}

pub async fn host_meta(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        discovery::host_meta(&state.config.base_url()),
    )
        .into_response()
}

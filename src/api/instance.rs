//! The instance as apps see it: `/api/v1/instance` (with `configuration`,
//! which Ice Cubes needs) and `/api/v2/instance` (with `api_versions`, which
//! Ivory and Mastodon.py need), peers, weekly activity, rules, and the
//! small lists apps load at start-up that Récolte keeps empty for now
//! (filters, conversations, emojis, trends, announcements, blocks,
//! mutes, tags, suggestions, scheduled statuses, notification requests),
//! preferences, the notification policy (accept everything), and the JSON
//! 404 of unknown API paths.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Json;
use serde_json::{json, Value};

use super::{run, ApiResult, Auth};
use crate::config::{Config, RegistrationMode};
use crate::domain::statistics;
use crate::domain::statuses::STATUS_MAX_CHARS;
use crate::web::AppState;

/// The version apps read to enable features: Mastodon's, then ours.
pub fn version() -> String {
    format!("4.3.0 (compatible; Récolte {})", crate::VERSION)
}

fn streaming_url(config: &Config) -> String {
    let scheme = if config.scheme() == "https" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}", config.domain)
}

fn configuration() -> Value {
    json!({
        "accounts": { "max_featured_tags": 0, "max_pinned_statuses": crate::domain::statuses::PINS_MAX },
        "statuses": {
            "max_characters": STATUS_MAX_CHARS,
            "max_media_attachments": 0,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": [],
            "image_size_limit": 0,
            "image_matrix_limit": 0,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": 0,
            "max_characters_per_option": 0,
            "min_expiration": 300,
            "max_expiration": 2_629_746,
        },
    })
}

pub async fn v1(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings.clone();
    let (usage, peers, settings) = run(&state, move |conn, config| {
        Ok((
            statistics::usage(conn)?,
            statistics::peers(conn)?.len(),
            settings.current(conn, config)?,
        ))
    })
    .await?;
    let config = &state.config;
    Ok(Json(json!({
        "uri": config.domain,
        "title": settings.name,
        "short_description": settings.description,
        "description": settings.description,
        "email": "",
        "version": version(),
        "urls": { "streaming_api": streaming_url(config) },
        "stats": {
            "user_count": usage.users_total,
            "status_count": usage.local_posts + usage.local_comments,
            "domain_count": peers,
        },
        "thumbnail": settings.logo_url(config),
        "languages": ["fr"],
        "registrations": settings.registration_mode != RegistrationMode::Closed,
        "approval_required": settings.registration_mode == RegistrationMode::Approval,
        "invites_enabled": false,
        "configuration": configuration(),
        "contact_account": null,
        "rules": [],
    }))
    .into_response())
}

pub async fn v2(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings.clone();
    let (usage, settings) = run(&state, move |conn, config| {
        Ok((statistics::usage(conn)?, settings.current(conn, config)?))
    })
    .await?;
    let config = &state.config;
    let mut configuration = configuration();
    configuration["urls"] = json!({ "streaming": streaming_url(config), "status": null });
    configuration["translation"] = json!({ "enabled": false });
    Ok(Json(json!({
        "domain": config.domain,
        "title": settings.name,
        "version": version(),
        "source_url": format!("{}/", config.base_url()),
        "description": settings.description,
        "usage": { "users": { "active_month": usage.users_active_month } },
        "thumbnail": {
            "url": settings
                .logo_url(config)
                .unwrap_or_else(|| format!("{}/static/thumbnail.png", config.base_url())),
        },
        "languages": ["fr"],
        "configuration": configuration,
        "registrations": {
            "enabled": settings.registration_mode != RegistrationMode::Closed,
            "approval_required": settings.registration_mode == RegistrationMode::Approval,
            "message": null,
        },
        "api_versions": { "mastodon": 2 },
        "contact": { "email": "", "account": null },
        "rules": [],
    }))
    .into_response())
}

pub async fn peers(State(state): State<AppState>) -> ApiResult {
    let peers = run(&state, |conn, _| statistics::peers(conn)).await?;
    Ok(Json(peers).into_response())
}

pub async fn activity(State(state): State<AppState>) -> ApiResult {
    let week = run(&state, |conn, _| statistics::last_week(conn)).await?;
    let start = chrono::Utc::now() - chrono::Duration::days(7);
    Ok(Json(json!([{
        "week": start.timestamp().to_string(),
        "statuses": week.statuses.to_string(),
        "logins": week.logins.to_string(),
        "registrations": week.registrations.to_string(),
    }]))
    .into_response())
}

/// Lists with nothing in them yet, for anyone (rules, emojis, trends,
/// hashtag timelines: no hashtags are kept yet).
pub async fn empty_list() -> Response {
    Json(json!([])).into_response()
}

/// A list with nothing in it yet, for a signed-in user whose token grants `scope`.
pub fn user_empty_list(scope: &'static str) -> MethodRouter<AppState> {
    get(move |auth: Auth| async move {
        auth.user(scope)?;
        Ok::<_, super::ApiError>(Json(json!([])).into_response())
    })
}

pub async fn preferences(auth: Auth) -> ApiResult {
    let account = auth.user("read:accounts")?;
    Ok(Json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": account.user.locale,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
    }))
    .into_response())
}

/// The long description of the instance.
pub async fn extended_description(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings.clone();
    let settings = run(&state, move |conn, config| settings.current(conn, config)).await?;
    Ok(Json(json!({
        "updated_at": null,
        "content": crate::domain::text::markdown_to_html(&settings.description),
    }))
    .into_response())
}

/// Languages statuses can be translated between: none (no translation).
pub async fn translation_languages() -> Response {
    Json(json!({})).into_response()
}

/// Notification filtering policy: everything is accepted.
pub async fn notification_policy(auth: Auth) -> ApiResult {
    auth.user("read:notifications")?;
    Ok(Json(json!({
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "summary": { "pending_requests_count": 0, "pending_notifications_count": 0 },
    }))
    .into_response())
}

/// Any other API path: Mastodon's JSON 404, not the web's HTML page.
pub async fn unknown() -> super::ApiError {
    super::ApiError::not_found()
}

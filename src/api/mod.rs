//! The Mastodon client API: the second front door, for Tusky, Ivory, Elk,
//! Phanpy, toot and the client libraries. Handlers parse, authorise, call
//! the domain and render; nothing here decides a rule.
//!
//! - `mod.rs` (this file): the router (every route also answers with a
//!   trailing slash), Mastodon-style errors `{"error": "..."}`, the lenient
//!   parameter reader (query, form or JSON; `1`/`true` booleans; `key[]`
//!   lists), the bearer-token guard with per-endpoint scopes, and keyset
//!   pagination with `Link` headers.
//! - `oauth.rs`: apps, the authorization page, tokens, revocation and the
//!   server metadata document.
//! - `instance.rs`: instance v1/v2, peers, activity, rules, and the small
//!   read-only lists apps load at start (preferences, emojis, filters…).
//! - `accounts.rs`: accounts, their statuses and follows, relationships,
//!   follow requests, account search, registration.
//! - `statuses.rs`: writing, editing, reading and deleting statuses,
//!   threads, likes, bookmarks, and the home and public timelines.
//! - `lists.rs`: lists, their accounts and timelines.
//! - `notifications.rs`: notifications, their unread count, and markers.
//! - `search.rs`: search v2 (accounts by handle, URL or name; statuses by
//!   URL), resolving unknown ones through federation.
//! - `media.rs`: uploading images and describing them.
//! - `polls.rs`: reading a poll and voting.
//! - `entities.rs`: every conversion from stored rows to Mastodon JSON.
//! - `streaming.rs`: the streams (user, notifications, public, hashtag,
//!   list) over WebSocket and as server-sent events.
//! - `tags.rs`: the tag timeline and the tag entity.
//! - `filters.rs`: filters v2 (with their keywords and statuses) and the
//!   v1 listing; applying them is `entities::filtered_statuses`.
//! - `rate_limit.rs`: requests per token or address, `429` past the limit.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::{Map, Value};

use crate::domain::accounts::Account;
use crate::domain::oauth::{find_grant, Grant};
use crate::domain::statuses::Page;
use crate::error::Error;
use crate::web::{public_message, status_of, AppState};

mod accounts;
mod entities;
mod filters;
mod instance;
mod lists;
mod media;
mod notifications;
mod oauth;
mod polls;
mod rate_limit;
mod search;
mod statuses;
pub mod streaming;
mod tags;

/// The API's routes, to merge into the web router.
pub fn router() -> Router<AppState> {
    let routes: Vec<(&str, MethodRouter<AppState>)> = vec![
        (
            "/.well-known/oauth-authorization-server",
            get(oauth::metadata),
        ),
        ("/api/v1/apps", post(oauth::create_app)),
        ("/api/v1/apps/verify_credentials", get(oauth::verify_app)),
        (
            "/oauth/authorize",
            get(oauth::authorize_page).post(oauth::authorize),
        ),
        ("/oauth/token", post(oauth::token)),
        ("/oauth/revoke", post(oauth::revoke)),
        ("/api/v1/instance", get(instance::v1)),
        ("/api/v2/instance", get(instance::v2)),
        ("/api/v1/instance/peers", get(instance::peers)),
        ("/api/v1/instance/activity", get(instance::activity)),
        (
            "/api/v1/instance/extended_description",
            get(instance::extended_description),
        ),
        (
            "/api/v1/instance/translation_languages",
            get(instance::translation_languages),
        ),
        ("/api/v1/instance/domain_blocks", get(instance::empty_list)),
        (
            "/api/v2/notifications/policy",
            get(instance::notification_policy),
        ),
        (
            "/api/v1/notifications/requests",
            instance::user_empty_list("read:notifications"),
        ),
        ("/api/v1/instance/rules", get(instance::empty_list)),
        ("/api/v1/custom_emojis", get(instance::empty_list)),
        ("/api/v1/trends", get(instance::empty_list)),
        ("/api/v1/trends/tags", get(instance::empty_list)),
        ("/api/v1/trends/statuses", get(instance::empty_list)),
        (
            "/api/v1/conversations",
            instance::user_empty_list("read:statuses"),
        ),
        ("/api/v1/lists", get(lists::index).post(lists::create)),
        (
            "/api/v1/lists/{id}",
            get(lists::show).put(lists::update).delete(lists::delete),
        ),
        (
            "/api/v1/lists/{id}/accounts",
            get(lists::accounts)
                .post(lists::add_accounts)
                .delete(lists::remove_accounts),
        ),
        ("/api/v1/timelines/list/{id}", get(lists::timeline)),
        ("/api/v1/announcements", instance::user_empty_list("read")),
        ("/api/v1/blocks", instance::user_empty_list("read:blocks")),
        ("/api/v1/mutes", instance::user_empty_list("read:mutes")),
        (
            "/api/v1/domain_blocks",
            instance::user_empty_list("read:blocks"),
        ),
        (
            "/api/v1/followed_tags",
            instance::user_empty_list("read:follows"),
        ),
        (
            "/api/v1/featured_tags",
            instance::user_empty_list("read:accounts"),
        ),
        (
            "/api/v1/endorsements",
            instance::user_empty_list("read:accounts"),
        ),
        (
            "/api/v1/scheduled_statuses",
            instance::user_empty_list("read:statuses"),
        ),
        ("/api/v1/suggestions", instance::user_empty_list("read")),
        ("/api/v2/suggestions", instance::user_empty_list("read")),
        (
            "/api/v1/accounts/{id}/featured_tags",
            get(instance::empty_list),
        ),
        ("/api/v1/accounts/{id}/lists", get(lists::of_account)),
        ("/api/v1/preferences", get(instance::preferences)),
        (
            "/api/v1/markers",
            get(notifications::markers).post(notifications::save_markers),
        ),
        ("/api/v1/accounts", post(accounts::register)),
        (
            "/api/v1/accounts/verify_credentials",
            get(accounts::verify_credentials),
        ),
        (
            "/api/v1/accounts/update_credentials",
            uploads(axum::routing::patch(accounts::update_credentials)),
        ),
        ("/api/v1/accounts/lookup", get(accounts::lookup)),
        ("/api/v1/accounts/search", get(accounts::search)),
        (
            "/api/v1/accounts/familiar_followers",
            get(accounts::familiar_followers),
        ),
        ("/api/v1/follow_requests", get(accounts::follow_requests)),
        (
            "/api/v1/follow_requests/{id}/authorize",
            post(accounts::authorize_request),
        ),
        (
            "/api/v1/follow_requests/{id}/reject",
            post(accounts::reject_request),
        ),
        (
            "/api/v1/accounts/relationships",
            get(accounts::relationships),
        ),
        ("/api/v1/accounts/{id}", get(accounts::show)),
        ("/api/v1/accounts/{id}/statuses", get(accounts::statuses)),
        ("/api/v1/accounts/{id}/followers", get(accounts::followers)),
        ("/api/v1/accounts/{id}/following", get(accounts::following)),
        ("/api/v1/accounts/{id}/follow", post(accounts::follow)),
        ("/api/v1/accounts/{id}/unfollow", post(accounts::unfollow)),
        ("/api/v1/statuses", post(statuses::create)),
        (
            "/api/v1/statuses/{id}",
            get(statuses::show)
                .put(statuses::edit)
                .delete(statuses::remove),
        ),
        ("/api/v1/statuses/{id}/context", get(statuses::context)),
        ("/api/v1/statuses/{id}/source", get(statuses::source)),
        ("/api/v1/statuses/{id}/history", get(statuses::history)),
        ("/api/v1/statuses/{id}/favourite", post(statuses::favourite)),
        (
            "/api/v1/statuses/{id}/unfavourite",
            post(statuses::unfavourite),
        ),
        (
            "/api/v1/statuses/{id}/favourited_by",
            get(statuses::favourited_by),
        ),
        ("/api/v1/statuses/{id}/bookmark", post(statuses::bookmark)),
        (
            "/api/v1/statuses/{id}/unbookmark",
            post(statuses::unbookmark),
        ),
        ("/api/v1/favourites", get(statuses::favourites)),
        ("/api/v1/bookmarks", get(statuses::bookmarks)),
        ("/api/v1/timelines/home", get(statuses::home)),
        ("/api/v1/timelines/public", get(statuses::public)),
        ("/api/v2/search", get(search::search)),
        ("/api/v1/streaming", get(streaming::websocket)),
        ("/api/v1/streaming/health", get(streaming::health)),
        ("/api/v1/notifications", get(notifications::list)),
        ("/api/v2/notifications", get(notifications::grouped)),
        (
            "/api/v2/notifications/unread_count",
            get(notifications::unread_count),
        ),
        ("/api/v1/notifications/clear", post(notifications::clear)),
        (
            "/api/v1/notifications/unread_count",
            get(notifications::unread_count),
        ),
        (
            "/api/v1/notifications/{id}",
            get(notifications::show).delete(notifications::dismiss),
        ),
        (
            "/api/v1/notifications/{id}/dismiss",
            post(notifications::dismiss),
        ),
        // --- Media attachments (uploads lift the router's body limit:
        // `Params` bounds them by `media.max_bytes`) ---
        ("/api/v1/media", uploads(post(media::upload))),
        ("/api/v2/media", uploads(post(media::upload))),
        ("/api/v1/media/{id}", get(media::show).put(media::describe)),
        ("/api/v1/polls/{id}", get(polls::show)),
        ("/api/v1/polls/{id}/votes", post(polls::vote)),
        // --- end media ---
        // Timelines branch: reblogs, pins, hashtags, filters, streaming.
        ("/api/v1/statuses/{id}/reblog", post(statuses::reblog)),
        ("/api/v1/statuses/{id}/unreblog", post(statuses::unreblog)),
        (
            "/api/v1/statuses/{id}/reblogged_by",
            get(statuses::reblogged_by),
        ),
        ("/api/v1/statuses/{id}/pin", post(statuses::pin)),
        ("/api/v1/statuses/{id}/unpin", post(statuses::unpin)),
        (
            "/api/v1/timelines/tag/{hashtag}",
            get(tags::timeline_of_tag),
        ),
        ("/api/v1/tags/{name}", get(tags::show)),
        ("/api/v1/streaming/user", get(streaming::server_sent)),
        (
            "/api/v1/streaming/user/notification",
            get(streaming::server_sent),
        ),
        ("/api/v1/streaming/public", get(streaming::server_sent)),
        (
            "/api/v1/streaming/public/local",
            get(streaming::server_sent),
        ),
        (
            "/api/v1/streaming/public/remote",
            get(streaming::server_sent),
        ),
        ("/api/v1/streaming/hashtag", get(streaming::server_sent)),
        (
            "/api/v1/streaming/hashtag/local",
            get(streaming::server_sent),
        ),
        ("/api/v1/streaming/list", get(streaming::server_sent)),
        // --- Filters (v2, and v1 read for old apps) ---
        ("/api/v2/filters", get(filters::index).post(filters::create)),
        (
            "/api/v2/filters/{id}",
            get(filters::show)
                .put(filters::update)
                .delete(filters::delete),
        ),
        (
            "/api/v2/filters/{id}/keywords",
            get(filters::keywords).post(filters::add_keyword),
        ),
        (
            "/api/v2/filter_keywords/{id}",
            get(filters::show_keyword)
                .put(filters::update_keyword)
                .delete(filters::delete_keyword),
        ),
        (
            "/api/v2/filters/{id}/statuses",
            get(filters::statuses).post(filters::add_status),
        ),
        (
            "/api/v2/filter_statuses/{id}",
            get(filters::show_status).delete(filters::delete_status),
        ),
        ("/api/v1/filters", get(filters::index_v1)),
        // --- end filters ---
    ];
    let limiter = Arc::new(rate_limit::RateLimiter::default());
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router
                .route(path, handler.clone())
                .route(&format!("{path}/"), handler)
        })
        // Below every route above: unknown API paths get JSON, not HTML.
        .route("/api/{*rest}", axum::routing::any(instance::unknown))
        .layer(middleware::from_fn(move |req, next| {
            rate_limit::limit(limiter.clone(), req, next)
        }))
}

/// A route that takes uploads: no router body limit, `Params` bounds
/// each part.
fn uploads(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.layer(axum::extract::DefaultBodyLimit::disable())
}

/// An API error answer: `{"error": "..."}` (and `details` for invalid input).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "The access token is invalid")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Record not found")
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            field: Some(field),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        // Mastodon says the same for anything missing; apps match on it.
        if let Error::NotFound(_) = e {
            return Self::not_found();
        }
        ApiError {
            status: status_of(&e),
            message: public_message(&e),
            field: e.field(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message });
        if let Some(field) = self.field {
            body["details"] = serde_json::json!({
                field: [{ "error": "ERR_INVALID", "description": self.message }]
            });
        }
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// Request parameters from the query string and the body (JSON, form or
/// multipart), read leniently as Mastodon does; the body wins over the
/// query. Files of a multipart body are kept apart, by field name.
#[derive(Debug, Default)]
pub struct Params(
    Map<String, Value>,
    std::collections::HashMap<String, Vec<u8>>,
);

impl Params {
    fn add_pairs<'a>(
        &mut self,
        pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
    ) {
        for (key, value) in pairs {
            let value = Value::String(value.into_owned());
            match key.strip_suffix("[]") {
                Some(list) => match self
                    .0
                    .entry(list.to_string())
                    .or_insert(Value::Array(vec![]))
                {
                    Value::Array(items) => items.push(value),
                    other => *other = Value::Array(vec![value]),
                },
                None => {
                    self.0.insert(key.into_owned(), value);
                }
            }
        }
    }

    fn from_query(uri: &Uri) -> Params {
        let mut params = Params::default();
        params.add_pairs(url::form_urlencoded::parse(
            uri.query().unwrap_or_default().as_bytes(),
        ));
        params
    }

    /// A text value (numbers and booleans as written).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean: `true`/`false`, `1`/`0`, `on`/`off`, `yes`/`no`.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.text(key) {
            Some(text) => parse_bool(key, &text).map(Some),
            None => Ok(None),
        }
    }

    /// A numeric id (ids travel as strings).
    pub fn id(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.text(key).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => t
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::invalid("params", format!("{key} must be a numeric id"))),
        }
    }

    /// A value inside an object: `{"home": {"last_read_id": "1"}}` in
    /// JSON, `home[last_read_id]=1` in a form.
    pub fn nested_text(&self, key: &str, inner: &str) -> Option<String> {
        match self.0.get(key) {
            Some(Value::Object(map)) => match map.get(inner)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            },
            _ => self.text(&format!("{key}[{inner}]")),
        }
    }

    /// A list (`key[]=a&key[]=b`, a JSON array, or a single value).
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.0.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Some(_) => self.text(key).into_iter().collect(),
            None => vec![],
        }
    }

    /// Pairs of texts in a list of objects (`names` in each): in a form
    /// `key[0][name]=…`, in JSON an array of objects or an object keyed by
    /// index; `None` when absent. Only the first 16 items are looked at.
    pub fn indexed_pairs(&self, key: &str, names: [&str; 2]) -> Option<Vec<(String, String)>> {
        const ITEMS_MAX: usize = 16;
        let items = self.indexed(key, &names, ITEMS_MAX)?;
        Some(
            items
                .into_iter()
                .map(|mut item| {
                    let b = item.pop().flatten().unwrap_or_default();
                    let a = item.pop().flatten().unwrap_or_default();
                    (a, b)
                })
                .collect(),
        )
    }

    /// The texts of a list of objects (`names` in each, `None` where
    /// absent; booleans as `true`/`false`): in a form `key[0][name]=…`, in
    /// JSON an array of objects or an object keyed by index; `None` when
    /// absent. Items come in index order; only the first `max` are kept.
    pub fn indexed(
        &self,
        key: &str,
        names: &[&str],
        max: usize,
    ) -> Option<Vec<Vec<Option<String>>>> {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let item = |v: &Value| -> Vec<Option<String>> {
            names.iter().map(|n| v.get(n).and_then(text)).collect()
        };
        match self.0.get(key) {
            Some(Value::Array(items)) => return Some(items.iter().take(max).map(item).collect()),
            Some(Value::Object(map)) => {
                let mut items: Vec<(usize, &Value)> = map
                    .iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                return Some(items.into_iter().take(max).map(|(_, v)| item(v)).collect());
            }
            _ => {}
        }
        // A form: `key[i][name]` fields, gathered by index.
        let mut found: std::collections::BTreeMap<usize, Vec<Option<String>>> =
            std::collections::BTreeMap::new();
        for (k, v) in &self.0 {
            let Some((index, name)) = k
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.split_once("]["))
                .and_then(|(i, rest)| Some((i.parse::<usize>().ok()?, rest.strip_suffix(']')?)))
            else {
                continue;
            };
            let Some(at) = names.iter().position(|n| *n == name) else {
                continue;
            };
            found
                .entry(index)
                .or_insert_with(|| vec![None; names.len()])[at] = text(v);
        }
        (!found.is_empty()).then(|| found.into_values().take(max).collect())
    }

    /// A list inside an object: `{"poll": {"options": [...]}}` in JSON,
    /// `poll[options][]=…` in a form.
    pub fn nested_list(&self, key: &str, inner: &str) -> Vec<String> {
        match self.0.get(key) {
            Some(Value::Object(map)) => match map.get(inner) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect(),
                _ => vec![],
            },
            _ => self.list(&format!("{key}[{inner}]")),
        }
    }

    /// A boolean inside an object (`true`, `"true"`, `1`…), like [`Params::bool`].
    pub fn nested_bool(&self, key: &str, inner: &str) -> Result<Option<bool>, ApiError> {
        let text = match self.0.get(key) {
            Some(Value::Object(map)) => match map.get(inner) {
                Some(Value::Bool(b)) => Some(b.to_string()),
                _ => self.nested_text(key, inner),
            },
            _ => self.nested_text(key, inner),
        };
        let mut one = Params::default();
        if let Some(t) = text {
            one.0.insert(inner.to_string(), Value::String(t));
        }
        one.bool(inner)
    }

    /// Whether a parameter was sent at all (`key` or `key[]`).
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The bytes of an uploaded file (multipart bodies only).
    pub fn file(&self, key: &str) -> Option<&[u8]> {
        self.1.get(key).map(Vec::as_slice)
    }

    /// Reads a multipart body: text fields as form fields, files apart.
    async fn add_multipart(&mut self, req: Request, state: &AppState) -> Result<(), ApiError> {
        let file_max = state.config.media_max_bytes as usize;
        let form = crate::web::uploads::read(req, state, file_max)
            .await
            .map_err(|r| ApiError::new(r.status, r.message))?;
        self.add_pairs(
            form.texts
                .into_iter()
                .map(|(k, v)| (std::borrow::Cow::Owned(k), std::borrow::Cow::Owned(v))),
        );
        self.1.extend(form.files);
        Ok(())
    }

    /// `limit`: `default` when absent, clamped to `1..=max`.
    pub fn limit(&self, default: i64, max: i64) -> Result<i64, ApiError> {
        match self.text("limit").filter(|t| !t.is_empty()) {
            None => Ok(default),
            Some(t) => Ok(t
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("limit", "limit must be a number"))?
                .clamp(1, max)),
        }
    }

    /// A keyset page: `max_id`, `since_id`, `min_id`, `limit` (default 20, at most 40).
    pub fn page(&self) -> Result<Page, ApiError> {
        Ok(Page {
            max_id: self.id("max_id")?,
            since_id: self.id("since_id")?,
            min_id: self.id("min_id")?,
            limit: self.limit(20, 40)?,
        })
    }
}

impl FromRequest<AppState> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut params = Params::from_query(req.uri());
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            params.add_multipart(req, state).await?;
            return Ok(params);
        }
        // Bounded here, not by the router: upload routes lift its limit.
        let body = axum::body::to_bytes(req.into_body(), crate::activitypub::inbox::MAX_BODY_BYTES)
            .await
            .map_err(|e| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()))?;
        if body.is_empty() {
            return Ok(params);
        }
        if content_type.starts_with("application/json") {
            let value: Value = serde_json::from_slice(&body).map_err(|e| {
                ApiError::new(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}"))
            })?;
            let Value::Object(map) = value else {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "the JSON body must be an object",
                ));
            };
            params.0.extend(map);
        } else if content_type.starts_with("application/x-www-form-urlencoded")
            || content_type.is_empty()
        {
            params.add_pairs(url::form_urlencoded::parse(&body));
        } else {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send parameters as JSON, as a form or as multipart",
            ));
        }
        Ok(params)
    }
}

/// A boolean as Mastodon reads one: `true`/`false`, `1`/`0`, `on`/`off`,
/// `yes`/`no` (empty is false).
pub fn parse_bool(key: &str, text: &str) -> Result<bool, ApiError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" | "" => Ok(false),
        _ => Err(ApiError::invalid(
            "params",
            format!("{key} must be true or false"),
        )),
    }
}

/// The query string only, for GET and DELETE handlers.
pub struct Query(pub Params);

impl FromRequestParts<AppState> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Query(Params::from_query(&parts.uri)))
    }
}

/// The bearer token of a request, if any: a token that is sent must be valid.
pub struct Auth(pub Option<Grant>);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer_token(&parts.headers) else {
            return Ok(Auth(None));
        };
        let grant = state.db.run(move |conn| find_grant(conn, &token)).await?;
        match grant {
            Some(g) => Ok(Auth(Some(g))),
            None => Err(ApiError::unauthorized()),
        }
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl Auth {
    /// The signed-in account, if its token grants `scope`.
    pub fn user(&self, scope: &str) -> Result<&Account, ApiError> {
        let grant = self.0.as_ref().ok_or_else(ApiError::unauthorized)?;
        let account = grant.account.as_ref().ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This method requires an authenticated user",
            )
        })?;
        Self::check_scope(grant, scope)?;
        Ok(account)
    }

    /// The app behind the token (user or app token), if it grants `scope`.
    pub fn app(&self, scope: &str) -> Result<&Grant, ApiError> {
        let grant = self.0.as_ref().ok_or_else(ApiError::unauthorized)?;
        Self::check_scope(grant, scope)?;
        Ok(grant)
    }

    /// Who is looking, for public endpoints (anyone may).
    pub fn viewer(&self) -> Option<&Account> {
        self.0.as_ref().and_then(|g| g.account.as_ref())
    }

    fn check_scope(grant: &Grant, scope: &str) -> Result<(), ApiError> {
        if grant.scopes.grants(scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "This action is outside the authorized scopes",
            ))
        }
    }
}

/// A path id (ids are numbers sent as strings): anything else is not found.
pub fn path_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::not_found())
}

/// A JSON list with the `Link` header of its keyset page: `next` continues
/// after the oldest id shown, `prev` before the newest.
pub fn paged(state: &AppState, uri: &Uri, ids: &[i64], body: Value) -> Response {
    let mut response = Json(body).into_response();
    let (Some(newest), Some(oldest)) = (ids.iter().max(), ids.iter().min()) else {
        return response;
    };
    let kept: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "since_id" | "min_id"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let link_to = |key: &str, id: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&kept);
        query.append_pair(key, &id.to_string());
        format!(
            "{}{}?{}",
            state.config.base_url(),
            uri.path(),
            query.finish()
        )
    };
    let link = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        link_to("max_id", *oldest),
        link_to("min_id", *newest)
    );
    if let Ok(value) = HeaderValue::from_str(&link) {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

/// Runs domain work on the database and turns its error into an API error.
pub async fn run<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn, &crate::config::Config) -> Result<T, Error> + Send + 'static,
{
    let config = state.config.clone();
    Ok(state.db.run(move |conn| f(conn, &config)).await?)
}

//! What every HTML page shares: who is visiting (session, language, CSRF
//! token, the flash message of the last action), rendering, error pages in
//! the visitor's language, form submissions checked against CSRF, and the
//! redirect that confirms an action (POST, redirect, GET).

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::i18n::{Lang, Translator};
use super::security::{secure_cookies, AnonymousCsrf, FLASH_COOKIE};
use super::session::{self, cookie_value};
use super::{public_message, status_of, AppState};
use crate::domain::accounts::{Account, Role};
use crate::domain::actors::{Actor, ActorKind};
use crate::domain::instance_settings::{self, InstanceSettings};
use crate::domain::{notifications, sessions};
use crate::error::Error;

/// Largest form body accepted (a post body is at most 50 000 bytes, which
/// URL-encoding can triple).
const FORM_MAX: usize = 256 * 1024;

/// What every page's layout needs, and who is asking.
pub struct PageContext {
    /// The instance's name (as in `instance`).
    pub instance_name: String,
    /// The instance's settings in force (name, description, accent, registration mode).
    pub instance: InstanceSettings,
    /// The signed-in account.
    pub account: Option<Account>,
    /// The signed-in member's username.
    pub username: Option<String>,
    /// The token every form of the page echoes.
    pub csrf_token: String,
    /// The visitor's language.
    pub t: Translator,
    /// The confirmation of the last action, translated.
    pub flash: Option<String>,
    /// Notifications since the member last looked (at most [`UNREAD_CAP`]).
    pub unread: i64,
}

/// The unread count shown stops here ("99").
pub const UNREAD_CAP: i64 = 99;

impl PageContext {
    pub fn is_admin(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(|a| a.user.role() == Role::Admin)
    }

    /// The signed-in account, or the answer asking to log in.
    pub fn require_account(&self) -> Result<&Account, Box<Response>> {
        self.account.as_ref().ok_or_else(|| {
            Box::new(ErrorPage::response(
                self,
                StatusCode::UNAUTHORIZED,
                self.t.get("error-login-needed"),
            ))
        })
    }

    /// Translates a domain error for this visitor.
    pub fn error_message(&self, error: &Error) -> String {
        error_message(&self.t, error)
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    /// One trip to the database: the session, the settings (kept in
    /// memory) and the unread count.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session::cookie_token(&parts.headers);
        let (config, settings) = (state.config.clone(), state.settings.clone());
        let (session, instance, unread) = state
            .db
            .run(move |conn| {
                let session = match token {
                    Some(token) => sessions::find(conn, &token)?,
                    None => None,
                };
                let instance = settings.current(conn, &config)?;
                let unread = match &session {
                    Some(s) => notifications::unread_count(conn, s.account.actor.id, UNREAD_CAP)?,
                    None => 0,
                };
                Ok((session, instance, unread))
            })
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "session, instance settings or unread count failed");
                (None, instance_settings::from_config(&state.config), 0)
            });
        let lang = session
            .as_ref()
            .and_then(|s| Lang::parse(&s.account.user.locale))
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::Fr);
        let t = Translator::new(lang);
        let csrf_token = match &session {
            Some(s) => s.csrf_token.clone(),
            None => parts
                .extensions
                .get::<AnonymousCsrf>()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
        };
        let flash = cookie_value(&parts.headers, FLASH_COOKIE)
            .filter(|key| key.starts_with("flash-") && t.has(key))
            .map(|key| t.get(key));
        let account = session.map(|s| s.account);
        Ok(PageContext {
            unread,
            instance_name: instance.name.clone(),
            instance,
            username: account.as_ref().map(|a| a.actor.username.clone()),
            account,
            csrf_token,
            t,
            flash,
        })
    }
}

/// The link to an actor's page here: `/c/NAME` and `/u/NAME` for ours,
/// `/remote/ID` for what we know of an actor from elsewhere.
pub fn actor_link(actor: &Actor) -> String {
    match (actor.local, actor.kind()) {
        (true, ActorKind::Group) => format!("/c/{}", actor.username),
        (true, _) => format!("/u/{}", actor.username),
        (false, _) => format!("/remote/{}", actor.id),
    }
}

/// The actor a page's path designates: `/c/NAME/…` or `/u/NAME/…` for
/// ours, `/remote/ID/…` for one from elsewhere.
pub enum ActorAt {
    Local(String),
    Remote(i64),
}

impl<S: Send + Sync> FromRequestParts<S> for ActorAt {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut segments = parts.uri.path().split('/').skip(1);
        let (kind, key) = (segments.next(), segments.next().unwrap_or_default());
        Ok(match kind {
            // An id that is no number designates nothing (id 0).
            Some("remote") => ActorAt::Remote(key.parse().unwrap_or(0)),
            _ => ActorAt::Local(key.to_string()),
        })
    }
}

impl ActorAt {
    /// Finds the actor, which must be of this kind.
    pub fn find(
        &self,
        conn: &mut crate::db::DbConn,
        config: &crate::config::Config,
        kind: ActorKind,
    ) -> Result<Actor, Error> {
        let actor = match self {
            ActorAt::Local(name) => crate::domain::actors::find_local(conn, config, name)?,
            ActorAt::Remote(id) => crate::domain::actors::by_id(conn, *id)?,
        };
        let here = matches!(self, ActorAt::Local(_));
        if actor.kind() != kind || actor.local != here {
            return Err(Error::NotFound("no such actor here".into()));
        }
        Ok(actor)
    }
}

/// Renders a template as an HTML answer.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Redirects after a successful action (303), with a message the next page shows.
pub fn redirect_with(state: &AppState, to: &str, flash_key: &'static str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(FLASH_COOKIE, flash_key, 120, secure_cookies(state)),
    );
    response
}

/// The catalogue message for a domain error: the rule of the field for
/// invalid input, what is taken for a conflict, a plain sentence otherwise.
pub fn error_message(t: &Translator, error: &Error) -> String {
    let keyed = |prefix: &str, field: &str| {
        let key = format!("{prefix}-{field}");
        t.has(&key).then(|| t.get(&key))
    };
    match error {
        Error::Invalid { field, .. } => keyed("invalid", field),
        Error::Conflict { field, .. } => keyed("taken", field),
        Error::NotFound(_) | Error::Gone(_) => Some(t.get("error-not-found-text")),
        Error::Unauthorized(_) => Some(t.get("error-login-needed")),
        Error::Forbidden(_) => Some(t.get("error-forbidden-text")),
        Error::Unavailable(_) => Some(t.get("error-unavailable-text")),
        Error::Database(_) | Error::Internal(_) => {
            // Logs the details.
            public_message(error);
            Some(t.get("error-internal-text"))
        }
    }
    .unwrap_or_else(|| public_message(error))
}

/// Form errors by field, shown next to each input.
#[derive(Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The errors a domain error makes: on its field, or on the whole form.
    pub fn from_error(page: &PageContext, error: &Error) -> Self {
        FieldErrors(vec![(
            error.field().unwrap_or("form"),
            page.error_message(error),
        )])
    }

    /// One error on one field.
    pub fn on(field: &'static str, message: String) -> Self {
        FieldErrors(vec![(field, message)])
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    page: &'a PageContext,
    status: u16,
    title: String,
    message: String,
}

impl ErrorPage<'_> {
    pub fn response(page: &PageContext, status: StatusCode, message: String) -> Response {
        let title_key = match status.as_u16() {
            400 | 409 | 413 | 422 => "error-title-invalid",
            401 => "error-title-401",
            403 => "error-title-403",
            404 => "error-title-404",
            410 => "error-title-410",
            503 => "error-title-503",
            _ => "error-title-500",
        };
        let body = ErrorPage {
            page,
            status: status.as_u16(),
            title: page.t.get(title_key),
            message,
        };
        (status, render(&body)).into_response()
    }

    pub fn from_error(page: &PageContext, error: &Error) -> Response {
        Self::response(page, status_of(error), page.error_message(error))
    }
}

pub async fn not_found(page: PageContext) -> Response {
    ErrorPage::response(
        &page,
        StatusCode::NOT_FOUND,
        page.t.get("error-not-found-text"),
    )
}

/// A submitted form whose CSRF token matched, with the page context of
/// whoever submitted it. A missing or wrong token is answered 403.
pub struct Submitted<T> {
    pub page: PageContext,
    pub form: T,
}

#[derive(Deserialize, Default)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// Compares two tokens in time independent of where they differ.
pub(super) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Submitted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(page) = PageContext::from_request_parts(&mut parts, state).await;
        let Ok(bytes) = axum::body::to_bytes(body, FORM_MAX).await else {
            return Err(ErrorPage::response(
                &page,
                StatusCode::PAYLOAD_TOO_LARGE,
                page.t.get("error-form-too-large"),
            ));
        };
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if page.csrf_token.is_empty() || !same_token(&sent.csrf_token, &page.csrf_token) {
            return Err(ErrorPage::response(
                &page,
                StatusCode::FORBIDDEN,
                page.t.get("error-csrf"),
            ));
        }
        match serde_urlencoded::from_bytes(&bytes) {
            Ok(form) => Ok(Submitted { page, form }),
            Err(e) => {
                tracing::debug!(error = %e, "unreadable form");
                Err(ErrorPage::response(
                    &page,
                    StatusCode::BAD_REQUEST,
                    page.t.get("error-bad-form"),
                ))
            }
        }
    }
}

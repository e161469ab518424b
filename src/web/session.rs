//! The session cookie: reading it into the signed-in account, setting and
//! clearing it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};

use super::AppState;
use crate::domain::sessions::{self, Session, SESSION_DAYS};

pub const COOKIE_NAME: &str = "recolte_session";

/// The signed-in session, if the request carries a valid cookie.
pub struct MaybeSession(pub Option<Session>);

/// The raw session token from a `Cookie` header.
pub fn cookie_token(parts: &axum::http::HeaderMap) -> Option<String> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie_token(&parts.headers) else {
            return Ok(MaybeSession(None));
        };
        let session = state
            .db
            .run(move |conn| sessions::find(conn, &token))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "session lookup failed");
                None
            });
        Ok(MaybeSession(session))
    }
}

/// The `Set-Cookie` value that stores a session token.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = SESSION_DAYS * 24 * 3600;
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("recolte_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

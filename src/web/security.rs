//! Browser safety for every answer: a strict Content-Security-Policy and
//! related headers, the anonymous CSRF cookie that lets forms shown before
//! log-in (log-in, sign-up) carry a token too (double submit), and the
//! one-shot flash cookie that confirms an action after its redirect.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::session::{self, cookie_value, is_token};
use super::AppState;
use crate::domain::sessions::random_token;

/// The cookie that holds a visitor's CSRF token while no session exists.
pub const CSRF_COOKIE: &str = "recolte_csrf";
/// The cookie that carries a confirmation message to the page after a redirect.
pub const FLASH_COOKIE: &str = "recolte_flash";

/// No inline script or style, nothing framed, forms only to ourselves: the
/// policy of every answer that does not set its own.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The CSRF token of a visitor without a session (from their cookie, or new).
#[derive(Clone)]
pub struct AnonymousCsrf(pub String);

/// Whether our cookies must be `Secure` (the instance is served over https).
pub fn secure_cookies(state: &AppState) -> bool {
    state.config.scheme() == "https"
}

/// Adds the safety headers, hands the handlers the visitor's anonymous CSRF
/// token (setting its cookie on the HTML page that uses it first), and
/// removes a flash message once a page has shown it.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie_value(req.headers(), CSRF_COOKIE)
        .filter(|v| is_token(v))
        .map(str::to_string);
    let had_flash = cookie_value(req.headers(), FLASH_COOKIE).is_some();
    let is_new = existing.is_none();
    let token = existing.unwrap_or_else(random_token);
    req.extensions_mut().insert(AnonymousCsrf(token.clone()));

    let mut response = next.run(req).await;
    let secure = secure_cookies(&state);
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    // A handler may set its own policy (say, a consent page whose form
    // redirects to an application's URI); otherwise the strict one applies.
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if is_html {
        // Pages carry the visitor's name and form tokens: never shared caches.
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
        }
        headers.append(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
        if is_new {
            headers.append(
                header::SET_COOKIE,
                session::cookie(CSRF_COOKIE, &token, 365 * 24 * 3600, secure),
            );
        }
        if had_flash {
            headers.append(
                header::SET_COOKIE,
                session::cookie(FLASH_COOKIE, "", 0, secure),
            );
        }
    }
    response
}

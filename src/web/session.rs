//! Cookies: the session token read from the session cookie (the page
//! context turns it into the signed-in account), and how every cookie of
//! ours is set (HttpOnly, SameSite=Lax, Secure over https).

use axum::http::{header, HeaderValue};

use crate::domain::sessions::SESSION_DAYS;

pub const COOKIE_NAME: &str = "recolte_session";

/// The value of a cookie in a request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// Whether a cookie value has the shape of our random tokens (64 hex digits).
pub fn is_token(value: &str) -> bool {
    value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// The raw session token from a `Cookie` header.
pub fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE_NAME)
        .filter(|v| is_token(v))
        .map(str::to_string)
}

/// A `Set-Cookie` value for one of our cookies: HttpOnly, SameSite=Lax,
/// Secure when the instance is served over https.
pub fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that stores a session token.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie(COOKIE_NAME, token, SESSION_DAYS * 24 * 3600, secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    cookie(COOKIE_NAME, "", 0, secure)
}

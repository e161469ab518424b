//! Rate limits of the API, as Mastodon applies them: 300 requests per five
//! minutes per access token (or per client address without one), and 5
//! sign-ups per 30 minutes per address. Every answer tells the client
//! where it stands (`X-RateLimit-Limit`, `-Remaining`, `-Reset`); past the
//! limit the answer is `429` with `{"error": ...}`.
//!
//! Counters are fixed windows kept in memory: losing them on restart
//! only forgives a few requests, and nothing else depends on them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// One limit: so many requests per window.
#[derive(Debug, Clone, Copy)]
struct Limit {
    name: &'static str,
    requests: u32,
    window: Duration,
}

const GENERAL: Limit = Limit {
    name: "general",
    requests: 300,
    window: Duration::from_secs(300),
};

const SIGN_UP: Limit = Limit {
    name: "sign-up",
    requests: 5,
    window: Duration::from_secs(1800),
};

/// Counters are pruned once there are this many.
const PRUNE_AT: usize = 10_000;

/// A window's start and the requests counted in it, per limit and key.
type Windows = HashMap<(&'static str, String), (Instant, u32)>;

/// Request counters per limit and key (token hash or address).
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

/// Where a key stands after counting one more request.
struct Standing {
    limit: u32,
    remaining: u32,
    reset: Duration,
    allowed: bool,
}

impl RateLimiter {
    fn count(&self, limit: Limit, key: String, now: Instant) -> Standing {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < SIGN_UP.window);
        }
        let entry = windows.entry((limit.name, key)).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        Standing {
            limit: limit.requests,
            remaining: limit.requests.saturating_sub(entry.1),
            reset: limit.window.saturating_sub(now.duration_since(entry.0)),
            allowed: entry.1 <= limit.requests,
        }
    }
}

/// Who a request counts against: its token (hashed), else its address.
fn key_of(req: &Request) -> String {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "));
    match token {
        Some(t) => format!(
            "token:{}",
            crate::domain::sessions::hash_token(t[7..].trim())
        ),
        None => format!("address:{}", address_of(req)),
    }
}

fn address_of(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn set_headers(headers: &mut HeaderMap, standing: &Standing) {
    let reset = chrono::Utc::now()
        + chrono::Duration::from_std(standing.reset).unwrap_or_else(|_| chrono::Duration::zero());
    let values = [
        ("x-ratelimit-limit", standing.limit.to_string()),
        ("x-ratelimit-remaining", standing.remaining.to_string()),
        (
            "x-ratelimit-reset",
            reset.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        ),
    ];
    for (name, value) in values {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// The middleware: counts the request, refuses it past the limit.
pub async fn limit(limiter: Arc<RateLimiter>, req: Request, next: Next) -> Response {
    let now = Instant::now();
    let sign_up = req.method() == Method::POST
        && req.uri().path().trim_end_matches('/') == "/api/v1/accounts";
    let mut standing = limiter.count(GENERAL, key_of(&req), now);
    if sign_up && standing.allowed {
        standing = limiter.count(SIGN_UP, address_of(&req), now);
    }
    let mut response = if standing.allowed {
        next.run(req).await
    } else {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests").into_response()
    };
    set_headers(response.headers_mut(), &standing);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_and_reset() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 1..=5 {
            let s = limiter.count(SIGN_UP, "a".into(), start);
            assert!(s.allowed);
            assert_eq!(s.remaining, 5 - i);
        }
        assert!(!limiter.count(SIGN_UP, "a".into(), start).allowed);
        assert!(limiter.count(SIGN_UP, "b".into(), start).allowed);
        assert!(limiter.count(GENERAL, "a".into(), start).allowed);
        let later = start + SIGN_UP.window;
        let s = limiter.count(SIGN_UP, "a".into(), later);
        assert!(s.allowed);
        assert_eq!(s.remaining, 4);
    }
}

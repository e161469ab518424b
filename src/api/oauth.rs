//! OAuth 2 endpoints: registering apps, the authorization page (log-in and
//! consent in one form, protected by a CSRF token; the out-of-band URI
//! shows the code, any other registered URI, custom schemes included, gets
//! a redirect), the token endpoint (authorization code with PKCE, password
//! with username or e-mail, client credentials, refresh), revocation, and
//! the server metadata document (RFC 8414).

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::json;

use super::{entities, run, ApiError, ApiResult, Auth, Params};
use crate::domain::accounts::Account;
use crate::domain::login_throttle;
use crate::domain::oauth::{self as oauth_dom, AuthorizationRequest, OOB_URI};
use crate::error::Error;
use crate::web::page::{render, PageContext};
use crate::web::{json_domain_error, public_message, status_of, AppState};

pub async fn metadata(State(state): State<AppState>) -> Response {
    let base = state.config.base_url();
    Json(json!({
        "issuer": format!("{base}/"),
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": ["read", "write", "follow", "push", "profile"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

pub async fn create_app(State(state): State<AppState>, params: Params) -> ApiResult {
    let name = params.text("client_name").unwrap_or_default();
    let uris = params.list("redirect_uris").join(" ");
    let scopes = params.text("scopes").unwrap_or_default();
    let website = params.text("website");
    let (app, secret) = run(&state, move |conn, _| {
        oauth_dom::create_app(
            conn,
            &oauth_dom::NewApp {
                name: &name,
                redirect_uris: &uris,
                scopes: &scopes,
                website: website.as_deref(),
            },
        )
    })
    .await?;
    Ok(Json(entities::app(&app, Some(&secret))).into_response())
}

pub async fn verify_app(auth: Auth) -> ApiResult {
    let grant = auth.0.as_ref().ok_or_else(ApiError::unauthorized)?;
    Ok(Json(entities::app(&grant.app, None)).into_response())
}

#[derive(Template)]
#[template(path = "oauth_authorize.html")]
struct AuthorizePage {
    page: PageContext,
    app_name: String,
    /// Catalogue keys of what the asked scopes allow.
    scopes: Vec<&'static str>,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
    csrf_token: String,
    login: String,
    error: Option<String>,
    /// The request cannot be served (unknown app, unregistered URI…).
    fatal: Option<String>,
    /// The code, shown for the out-of-band redirect URI.
    code: Option<String>,
}

/// The catalogue key of what a scope lets an app do.
fn describe(scope: &str) -> &'static str {
    match scope.split(':').next().unwrap_or(scope) {
        "read" => "oauth-scope-read",
        "write" => "oauth-scope-write",
        "follow" => "oauth-scope-follow",
        "push" => "oauth-scope-push",
        _ => "oauth-scope-profile",
    }
}

/// The authorization request as the page's fields carry it.
struct Asked {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
}

impl Asked {
    fn from(params: &Params) -> Asked {
        let get = |k: &str| params.text(k).unwrap_or_default();
        Asked {
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            scope: get("scope"),
            state: get("state"),
            code_challenge: get("code_challenge"),
            code_challenge_method: get("code_challenge_method"),
        }
    }

    async fn check(&self, state: &AppState) -> Result<AuthorizationRequest, Error> {
        let (client, uri, scope) = (
            self.client_id.clone(),
            self.redirect_uri.clone(),
            self.scope.clone(),
        );
        let (challenge, method) = (
            Some(self.code_challenge.clone()).filter(|c| !c.is_empty()),
            Some(self.code_challenge_method.clone()).filter(|m| !m.is_empty()),
        );
        state
            .db
            .run(move |conn| {
                oauth_dom::check_authorization(
                    conn,
                    &client,
                    &uri,
                    &scope,
                    challenge.as_deref(),
                    method.as_deref(),
                )
            })
            .await
    }

    fn page(self, page: PageContext, csrf_token: String) -> AuthorizePage {
        AuthorizePage {
            page,
            app_name: String::new(),
            scopes: vec![],
            client_id: self.client_id,
            redirect_uri: self.redirect_uri,
            scope: self.scope,
            state: self.state,
            code_challenge: self.code_challenge,
            code_challenge_method: self.code_challenge_method,
            csrf_token,
            login: String::new(),
            error: None,
            fatal: None,
            code: None,
        }
    }
}

fn with_request(mut page: AuthorizePage, request: &AuthorizationRequest) -> AuthorizePage {
    page.app_name = request.app.name.clone();
    let mut scopes: Vec<&'static str> = request
        .scopes
        .as_string()
        .split(' ')
        .map(describe)
        .collect();
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|s| seen.insert(*s));
    page.scopes = scopes;
    page
}

/// Where the consent form may lead besides this site: the origin (or, for
/// a custom scheme, the scheme) of the redirect URI.
fn form_target(redirect_uri: &str) -> Option<String> {
    let url = url::Url::parse(redirect_uri).ok()?;
    match url.scheme() {
        "http" | "https" => Some(url.origin().ascii_serialization()),
        "urn" => None,
        scheme => Some(format!("{scheme}:")),
    }
}

/// The page: never framed by another site (clickjacking) nor cached, and a
/// strict content policy whose `form-action` lets the form's redirect
/// reach the application.
fn html(status: StatusCode, page: &AuthorizePage) -> Response {
    let target = form_target(&page.redirect_uri).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
         object-src 'none'; base-uri 'none'; form-action 'self' {target}; frame-ancestors 'none'"
    );
    let mut response = (
        status,
        [
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        render(page),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

pub async fn authorize_page(
    State(state): State<AppState>,
    page: PageContext,
    super::Query(params): super::Query,
) -> Response {
    let asked = Asked::from(&params);
    let checked = asked.check(&state).await;
    let csrf_token = page.csrf_token.clone();
    let mut page = asked.page(page, csrf_token);
    let status = match checked {
        Ok(request) => {
            page = with_request(page, &request);
            StatusCode::OK
        }
        Err(e) => {
            page.fatal = Some(public_message(&e));
            StatusCode::BAD_REQUEST
        }
    };
    if params.text("response_type").is_some_and(|r| r != "code") && page.fatal.is_none() {
        page.fatal = Some(page.page.t.get("oauth-response-type"));
    }
    html(status, &page)
}

/// Where the browser goes after the user decided: the redirect URI with
/// `code` (or `error`) and `state`.
fn redirect_back(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return ApiError::invalid("redirect_uri", "is not a valid URI").into_response();
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(k, v);
        }
    }
    match HeaderValue::from_str(url.as_str()) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::invalid("redirect_uri", "is not a valid URI").into_response(),
    }
}

pub async fn authorize(
    State(state): State<AppState>,
    page: PageContext,
    params: Params,
) -> Response {
    let asked = Asked::from(&params);
    let form_token = params.text("csrf_token").unwrap_or_default();
    // The session's token, or the anonymous one of the visitor's cookie.
    let expected = page.csrf_token.clone();
    let signed_in = page.account.clone();
    let checked = asked.check(&state).await;
    let mut page = asked.page(page, form_token.clone());
    let request = match checked {
        Ok(request) => request,
        Err(e) => {
            page.fatal = Some(public_message(&e));
            return html(StatusCode::BAD_REQUEST, &page);
        }
    };
    page = with_request(page, &request);
    if form_token.is_empty() || expected != form_token {
        page.error = Some(page.page.t.get("oauth-expired"));
        return html(StatusCode::FORBIDDEN, &page);
    }
    if params.text("decision").as_deref() == Some("deny") {
        if request.redirect_uri == OOB_URI {
            page.fatal = Some(page.page.t.get("oauth-denied"));
            return html(StatusCode::OK, &page);
        }
        return redirect_back(
            &request.redirect_uri,
            &[("error", "access_denied"), ("state", &page.state)],
        );
    }
    let account: Result<Account, Error> = match signed_in {
        Some(account) => Ok(account),
        None => {
            let login = params.text("login").unwrap_or_default();
            let password = params.text("password").unwrap_or_default();
            page.login = login.chars().take(254).collect();
            let config = state.config.clone();
            state
                .db
                .run(move |conn| login_throttle::log_in(conn, &config, &login, &password))
                .await
        }
    };
    let account = match account {
        Ok(a) => a,
        Err(e) => {
            page.error = Some(match &e {
                Error::Unauthorized(_) => page.page.t.get("login-wrong"),
                other => public_message(other),
            });
            return html(StatusCode::UNAUTHORIZED, &page);
        }
    };
    let issued = {
        let request = request.clone();
        state
            .db
            .run(move |conn| oauth_dom::issue_code(conn, &request, &account))
            .await
    };
    match issued {
        Ok(code) if request.redirect_uri == OOB_URI => {
            page.code = Some(code);
            html(StatusCode::OK, &page)
        }
        Ok(code) => redirect_back(
            &request.redirect_uri,
            &[("code", &code), ("state", &page.state)],
        ),
        Err(e) => {
            page.fatal = Some(public_message(&e));
            html(status_of(&e), &page)
        }
    }
}

/// An OAuth error answer (RFC 6749 §5.2).
fn oauth_error(status: StatusCode, code: &str, description: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": code, "error_description": description.into() })),
    )
        .into_response()
}

fn oauth_domain_error(e: &Error) -> Response {
    match e {
        Error::Invalid {
            field: "grant",
            message,
        } => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", message.clone()),
        Error::Invalid {
            field: "scope",
            message,
        } => oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", message.clone()),
        Error::Invalid { .. } => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e.to_string())
        }
        Error::Unauthorized(m) => {
            oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", m.clone())
        }
        Error::Forbidden(m) => oauth_error(StatusCode::FORBIDDEN, "access_denied", m.clone()),
        other => json_domain_error(other),
    }
}

/// The client's id and secret: HTTP Basic, or the request's parameters.
fn client_credentials(headers: &HeaderMap, params: &Params) -> (String, String) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            Some((id.to_string(), secret.to_string()))
        });
    basic.unwrap_or_else(|| {
        (
            params.text("client_id").unwrap_or_default(),
            params.text("client_secret").unwrap_or_default(),
        )
    })
}

pub async fn token(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Response {
    let (client_id, client_secret) = client_credentials(&headers, &params);
    let grant_type = params.text("grant_type").unwrap_or_default();
    let get = |k: &str| params.text(k).unwrap_or_default();
    let (code, redirect_uri, verifier) = (
        get("code"),
        get("redirect_uri"),
        params.text("code_verifier"),
    );
    let (username, password, scope, refresh) = (
        get("username"),
        get("password"),
        get("scope"),
        get("refresh_token"),
    );
    if !matches!(
        grant_type.as_str(),
        "authorization_code" | "password" | "client_credentials" | "refresh_token"
    ) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant_type '{grant_type}' is not supported"),
        );
    }
    let config = state.config.clone();
    let result = state
        .db
        .run(move |conn| {
            let app = oauth_dom::authenticate_app(conn, &client_id, &client_secret)?;
            match grant_type.as_str() {
                "authorization_code" => {
                    oauth_dom::exchange_code(conn, &app, &code, &redirect_uri, verifier.as_deref())
                }
                "password" => {
                    oauth_dom::password_grant(conn, &config, &app, &username, &password, &scope)
                }
                "client_credentials" => oauth_dom::client_grant(conn, &app, &scope),
                _ => oauth_dom::refresh(conn, &app, &refresh),
            }
        })
        .await;
    match result {
        Ok(issued) => Json(entities::token(&issued)).into_response(),
        Err(e) => oauth_domain_error(&e),
    }
}

pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Response {
    let (client_id, client_secret) = client_credentials(&headers, &params);
    let token = params.text("token").unwrap_or_default();
    let result = state
        .db
        .run(move |conn| {
            let app = oauth_dom::authenticate_app(conn, &client_id, &client_secret)?;
            oauth_dom::revoke(conn, &app, &token)
        })
        .await;
    match result {
        Ok(()) => Json(json!({})).into_response(),
        Err(e) => oauth_domain_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::form_target;

    #[test]
    fn consent_form_may_reach_the_redirect_target() {
        assert_eq!(
            form_target("com.example.app:/callback").as_deref(),
            Some("com.example.app:")
        );
        assert_eq!(
            form_target("https://app.example:8443/cb?x=1").as_deref(),
            Some("https://app.example:8443")
        );
        assert_eq!(form_target("urn:ietf:wg:oauth:2.0:oob"), None);
        assert_eq!(form_target("not a uri"), None);
    }
}

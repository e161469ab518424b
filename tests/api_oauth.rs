//! OAuth 2 of the Mastodon API on a real server: apps, the authorization
//! page with PKCE and custom-scheme redirects, the out-of-band code, all
//! four grants, refresh and revocation, scope enforcement, registration,
//! and the instance documents apps read first.

mod api_common;
mod common;

use api_common::{password_token, register_app, Api, PASSWORD};
use common::TestInstance;
use serde_json::{json, Value};

const CALLBACK: &str = "com.example.app:/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field present") + marker.len();
    html[start..][..html[start..].find('"').unwrap()].to_string()
}

/// Opens the authorization page; returns the form's CSRF token and cookie.
async fn open_page(inst: &TestInstance, query: &[(&str, &str)]) -> (u16, String, Option<String>) {
    let r = inst
        .client
        .get(inst.url("/oauth/authorize"))
        .query(query)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let cookie = r
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string());
    (status, r.text().await.unwrap(), cookie)
}

/// Plays the user on the authorization page: logs in and allows.
async fn authorize(
    inst: &TestInstance,
    client_id: &str,
    redirect: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("scope", "read write"),
        ("state", "xyz"),
    ];
    query.extend_from_slice(extra);
    let (status, html, cookie) = open_page(inst, &query).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Autoriser Test app"));
    assert!(html.contains("lire votre compte, vos fils et vos notifications"));
    // The page speaks the visitor's language.
    let english = inst
        .client
        .get(inst.url("/oauth/authorize"))
        .query(&query)
        .header("Accept-Language", "en-GB,en;q=0.8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("Authorise Test app"), "{english}");
    assert!(english.contains("read your account, your feeds and your notifications"));
    let csrf = hidden(&html, "csrf_token");
    let mut form: Vec<(&str, &str)> = query
        .iter()
        .filter(|(k, _)| *k != "response_type")
        .copied()
        .collect();
    form.extend([
        ("csrf_token", csrf.as_str()),
        ("login", "alice"),
        ("password", PASSWORD),
        ("decision", "allow"),
    ]);
    inst.client
        .post(inst.url("/oauth/authorize"))
        .header("cookie", cookie.expect("CSRF cookie"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn token_request(inst: &TestInstance, form: &[(&str, &str)]) -> (u16, Value) {
    let r = inst
        .client
        .post(inst.url("/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn exchange_code(
    inst: &TestInstance,
    client_id: &str,
    secret: &str,
    code: String,
    verifier: &str,
) -> (u16, Value) {
    token_request(
        inst,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("redirect_uri", CALLBACK),
            ("code", &code),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn get_with(inst: &TestInstance, path: &str, token: &str) -> u16 {
    inst.client
        .get(inst.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn authorization_code_with_pkce_refresh_and_revoke() {
    let inst = TestInstance::start(&[]).await;
    inst.create_user("alice").await;
    let (client_id, secret) = register_app(&inst, "read write follow", CALLBACK).await;

    let r = authorize(
        &inst,
        &client_id,
        CALLBACK,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(r.status(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("com.example.app:/callback?code="),
        "{location}"
    );
    let url = url::Url::parse(&location).unwrap();
    let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs["state"], "xyz");
    let code = pairs["code"].clone();

    // A wrong verifier fails, and uses the code up.
    let exchange = |verifier: &'static str, code: String| {
        exchange_code(&inst, &client_id, &secret, code, verifier)
    };
    let (status, body) =
        exchange("wrong-verifier-wrong-verifier-wrong-verifier", code.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = exchange(VERIFIER, code).await;
    assert_eq!(status, 400, "a code is used once");

    let r = authorize(
        &inst,
        &client_id,
        CALLBACK,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let (status, token) = exchange(VERIFIER, code).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    let access = token["access_token"].as_str().unwrap().to_string();
    let refresh = token["refresh_token"].as_str().unwrap().to_string();
    let me = inst
        .client
        .get(inst.url("/api/v1/accounts/verify_credentials"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["acct"], "alice");
    assert!(me["source"].is_object());

    // Refresh: a new pair; the old pair is revoked.
    let (status, renewed) = token_request(
        &inst,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let new_access = renewed["access_token"].as_str().unwrap().to_string();
    assert_ne!(new_access, access);
    assert_eq!(
        get_with(&inst, "/api/v1/accounts/verify_credentials", &access).await,
        401
    );
    assert_eq!(
        get_with(&inst, "/api/v1/accounts/verify_credentials", &new_access).await,
        200
    );
    let (status, body) = token_request(
        &inst,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Revoke: wrong secret refused; then the token stops working.
    let r = inst
        .client
        .post(inst.url("/oauth/revoke"))
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", "nope"),
            ("token", &new_access),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = inst
        .client
        .post(inst.url("/oauth/revoke"))
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", &secret),
            ("token", &new_access),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get_with(&inst, "/api/v1/accounts/verify_credentials", &new_access).await,
        401
    );
}

#[tokio::test]
async fn authorization_page_oob_csrf_refusal_and_bad_requests() {
    let inst = TestInstance::start(&[]).await;
    inst.create_user("alice").await;
    let oob = "urn:ietf:wg:oauth:2.0:oob";
    let (client_id, secret) = register_app(
        &inst,
        "read write",
        &format!("{oob} https://app.example/cb"),
    )
    .await;

    // Out of band: the page shows the code, which gives a token.
    let r = authorize(&inst, &client_id, oob, &[]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("<code id=\"code\">").unwrap() + "<code id=\"code\">".len();
    let code = &html[start..start + 64];
    let (status, _) = token_request(
        &inst,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("redirect_uri", oob),
            ("code", code),
        ],
    )
    .await;
    assert_eq!(status, 200);

    // Without the CSRF token the form is refused.
    let r = inst
        .client
        .post(inst.url("/oauth/authorize"))
        .form(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", oob),
            ("login", "alice"),
            ("password", PASSWORD),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Refusing redirects with access_denied.
    let query = [
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", "https://app.example/cb"),
        ("state", "s1"),
    ];
    let (_, html, cookie) = open_page(&inst, &query).await;
    let r = inst
        .client
        .post(inst.url("/oauth/authorize"))
        .header("cookie", cookie.unwrap())
        .form(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", "https://app.example/cb"),
            ("state", "s1"),
            ("csrf_token", &hidden(&html, "csrf_token")),
            ("decision", "deny"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(
        r.headers()["location"],
        "https://app.example/cb?error=access_denied&state=s1"
    );

    // A wrong password shows the form again.
    let (_, html, cookie) = open_page(&inst, &query).await;
    let r = inst
        .client
        .post(inst.url("/oauth/authorize"))
        .header("cookie", cookie.unwrap())
        .form(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", "https://app.example/cb"),
            ("csrf_token", &hidden(&html, "csrf_token")),
            ("login", "alice"),
            ("password", "not the password"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Identifiant ou mot de passe incorrect"));

    // Unregistered redirect URI, unknown client, scope beyond the app's, plain PKCE.
    for query in [
        vec![
            ("client_id", client_id.as_str()),
            ("redirect_uri", "https://evil.example/cb"),
        ],
        vec![("client_id", "unknown"), ("redirect_uri", oob)],
        vec![
            ("client_id", client_id.as_str()),
            ("redirect_uri", oob),
            ("scope", "follow"),
        ],
        vec![
            ("client_id", client_id.as_str()),
            ("redirect_uri", oob),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "plain"),
        ],
    ] {
        let (status, html, _) = open_page(&inst, &query).await;
        assert_eq!(status, 400, "{query:?}");
        assert!(html.contains("Demande d’autorisation invalide"));
    }
}

#[tokio::test]
async fn password_and_client_credentials_grants_apps_and_scopes() {
    let inst = TestInstance::start(&[]).await;
    inst.create_user("alice").await;
    let app = register_app(&inst, "read write", "urn:ietf:wg:oauth:2.0:oob").await;

    // toot sends the e-mail address as username.
    let by_email = password_token(&inst, &app, "alice@example.org", "read").await;
    assert_eq!(by_email["scope"], "read");
    let (status, body) = token_request(
        &inst,
        &[
            ("grant_type", "password"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("username", "alice"),
            ("password", "wrong password"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = token_request(
        &inst,
        &[
            ("grant_type", "password"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("username", "alice"),
            ("password", PASSWORD),
            ("scope", "follow"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (status, body) = token_request(
        &inst,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", "bad"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = token_request(
        &inst,
        &[
            ("grant_type", "implicit"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );

    // An app token: verifies the app, but is no user.
    let (status, app_token) = token_request(
        &inst,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(app_token.get("refresh_token").is_none());
    let app_token = app_token["access_token"].as_str().unwrap();
    let r = inst
        .client
        .get(inst.url("/api/v1/apps/verify_credentials"))
        .bearer_auth(app_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["name"], "Test app");
    assert!(body.get("client_secret").is_none());
    assert_eq!(
        get_with(&inst, "/api/v1/accounts/verify_credentials", app_token).await,
        422
    );

    // Scope enforcement: a read-only token cannot post.
    let reader = Api {
        inst: &inst,
        token: by_email["access_token"].as_str().unwrap().into(),
    };
    let a = reader
        .post("/api/v1/statuses", json!({"status": "Bonjour"}))
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        a.body["error"],
        "This action is outside the authorized scopes"
    );
    assert_eq!(reader.get("/api/v1/timelines/home").await.status, 200);
    let narrow = password_token(&inst, &app, "alice", "read:accounts").await;
    let narrow = Api {
        inst: &inst,
        token: narrow["access_token"].as_str().unwrap().into(),
    };
    assert_eq!(
        narrow
            .get("/api/v1/accounts/verify_credentials")
            .await
            .status,
        200
    );
    assert_eq!(narrow.get("/api/v1/timelines/home").await.status, 403);

    // No token, or a bad one.
    let r = inst
        .client
        .get(inst.url("/api/v1/timelines/home"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "The access token is invalid"
    );
    assert_eq!(
        get_with(&inst, "/api/v1/timelines/public", "not-a-token").await,
        401
    );

    // App registration errors are precise and change nothing.
    for (form, field) in [
        (
            vec![("client_name", "x"), ("redirect_uris", "")],
            "redirect_uris",
        ),
        (
            vec![
                ("client_name", "x"),
                ("redirect_uris", "https://a.example/cb#frag"),
            ],
            "redirect_uris",
        ),
        (
            vec![
                ("client_name", ""),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ],
            "client_name",
        ),
        (
            vec![
                ("client_name", "x"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                ("scopes", "admin:write"),
            ],
            "scope",
        ),
    ] {
        let r = inst
            .client
            .post(inst.url("/api/v1/apps"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{form:?}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().starts_with(field), "{body}");
        assert!(body["details"][field].is_array());
    }
    // JSON bodies and redirect URI arrays work too.
    let r = inst
        .client
        .post(inst.url("/api/v1/apps/"))
        .json(&json!({"client_name": "Elk", "redirect_uris": ["https://elk.example/cb", CALLBACK], "scopes": "read write follow push"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["redirect_uris"],
        json!(["https://elk.example/cb", CALLBACK])
    );
    assert_eq!(body["scopes"], json!(["read", "write", "follow", "push"]));
}

#[tokio::test]
async fn registration_follows_the_registration_mode() {
    let inst = TestInstance::start(&[("RECOLTE_INSTANCE_REGISTRATION_MODE", "approval")]).await;
    let app = register_app(&inst, "read write", "urn:ietf:wg:oauth:2.0:oob").await;
    let (_, app_token) = token_request(
        &inst,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("scope", "read write"),
        ],
    )
    .await;
    let app_api = Api {
        inst: &inst,
        token: app_token["access_token"].as_str().unwrap().into(),
    };
    let form = json!({"username": "carole", "email": "carole@example.org", "password": PASSWORD, "agreement": true, "locale": "fr"});
    let a = app_api.post("/api/v1/accounts", form.clone()).await;
    assert_eq!(a.status, 422, "a reason is needed: {}", a.body);
    let mut with_reason = form.clone();
    with_reason["reason"] = json!("Chargée de mission eau");
    let a = app_api.post("/api/v1/accounts", with_reason).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let pending = Api {
        inst: &inst,
        token: a.body["access_token"].as_str().unwrap().into(),
    };
    let a = pending.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(
        a.status, 403,
        "pending accounts wait for approval: {}",
        a.body
    );
    let mut no_agreement = form;
    no_agreement["agreement"] = json!(false);
    no_agreement["username"] = json!("other");
    assert_eq!(
        app_api.post("/api/v1/accounts", no_agreement).await.status,
        422
    );

    let closed = TestInstance::start(&[("RECOLTE_INSTANCE_REGISTRATION_MODE", "closed")]).await;
    let app = register_app(&closed, "read write", "urn:ietf:wg:oauth:2.0:oob").await;
    let (_, app_token) = token_request(
        &closed,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("scope", "write"),
        ],
    )
    .await;
    let app_api = Api {
        inst: &closed,
        token: app_token["access_token"].as_str().unwrap().into(),
    };
    let a = app_api
        .post("/api/v1/accounts", json!({"username": "dan", "email": "dan@example.org", "password": PASSWORD, "agreement": "1"}))
        .await;
    assert_eq!(a.status, 403);
}

#[tokio::test]
async fn instance_documents_with_and_without_trailing_slash() {
    let inst = TestInstance::start(&[]).await;
    for path in [
        "/api/v1/instance",
        "/api/v1/instance/",
        "/api/v2/instance",
        "/api/v2/instance/",
    ] {
        let (status, body) = inst.get_json(path, "application/json").await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body["version"]
                .as_str()
                .unwrap()
                .starts_with("4.3.0 (compatible; Récolte "),
            "{body}"
        );
        assert_eq!(body["configuration"]["statuses"]["max_characters"], 5000);
    }
    let (_, v2) = inst.get_json("/api/v2/instance", "application/json").await;
    assert_eq!(v2["api_versions"]["mastodon"], 2);
    assert_eq!(v2["domain"], inst.domain);
    let (_, v1) = inst.get_json("/api/v1/instance", "application/json").await;
    assert_eq!(v1["uri"], inst.domain);
    let (status, peers) = inst
        .get_json("/api/v1/instance/peers", "application/json")
        .await;
    assert_eq!((status, peers), (200, json!([])));
    for path in [
        "/api/v1/instance/activity",
        "/api/v1/instance/rules",
        "/api/v1/custom_emojis",
        "/api/v1/trends",
    ] {
        let (status, body) = inst.get_json(path, "application/json").await;
        assert_eq!(status, 200, "{path}");
        assert!(body.is_array());
    }
    let (status, meta) = inst
        .get_json(
            "/.well-known/oauth-authorization-server",
            "application/json",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(meta["token_endpoint"], format!("{}/oauth/token", inst.base));
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));

    let (alice, _) = Api::user(&inst, "alice", "read").await;
    for path in [
        "/api/v1/preferences",
        "/api/v1/markers",
        "/api/v1/lists",
        "/api/v2/filters",
        "/api/v1/conversations",
        "/api/v1/announcements",
        "/api/v1/blocks",
        "/api/v1/mutes",
        "/api/v1/followed_tags",
        "/api/v1/suggestions",
        "/api/v1/timelines/tag/eau",
        "/api/v2/notifications/policy",
        "/api/v1/notifications/requests",
        "/api/v1/instance/extended_description",
    ] {
        assert_eq!(alice.get(path).await.status, 200, "{path}");
    }
    // Unknown API paths answer Mastodon's JSON 404.
    for path in ["/api/v1/push/subscription", "/api/v3/nothing/here/"] {
        let a = alice.get(path).await;
        assert_eq!(
            (a.status, a.body["error"].as_str()),
            (404, Some("Record not found")),
            "{path}"
        );
    }
    let r = inst
        .client
        .get(inst.url("/api/v1/lists"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn requests_are_rate_limited_per_token() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read").await;
    let (bob, _) = Api::user(&inst, "bob", "read").await;
    let first = inst
        .client
        .get(inst.url("/api/v1/timelines/home"))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["x-ratelimit-limit"], "300");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "299");
    assert!(first.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .ends_with('Z'));
    for _ in 0..299 {
        assert_eq!(alice.get("/api/v1/timelines/home").await.status, 200);
    }
    let a = alice.get("/api/v1/timelines/home").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.body["error"], "Too many requests");
    // Another token has its own count.
    assert_eq!(bob.get("/api/v1/timelines/home").await.status, 200);
}

#[tokio::test]
async fn sign_ups_are_rate_limited_per_address() {
    let inst = TestInstance::start(&[]).await;
    let app = register_app(&inst, "read write", "urn:ietf:wg:oauth:2.0:oob").await;
    let (_, app_token) = token_request(
        &inst,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("scope", "write"),
        ],
    )
    .await;
    let app_api = Api {
        inst: &inst,
        token: app_token["access_token"].as_str().unwrap().into(),
    };
    for i in 0..5 {
        // Refused for a missing agreement, but counted all the same.
        let a = app_api
            .post("/api/v1/accounts", json!({"username": format!("user{i}")}))
            .await;
        assert_eq!(a.status, 422);
    }
    let a = app_api
        .post("/api/v1/accounts", json!({"username": "user9"}))
        .await;
    assert_eq!(a.status, 429);
}

#[tokio::test]
async fn consent_page_policy_lets_its_form_reach_the_app_only() {
    let inst = TestInstance::start(&[]).await;
    let (client_id, _) =
        register_app(&inst, "read", &format!("{CALLBACK} https://app.example/cb")).await;
    for (redirect, target) in [
        (CALLBACK, "com.example.app:"),
        ("https://app.example/cb", "https://app.example"),
    ] {
        let r = inst
            .client
            .get(inst.url("/oauth/authorize"))
            .query(&[
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", redirect),
            ])
            .send()
            .await
            .unwrap();
        let policy = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            policy.contains(&format!("form-action 'self' {target};")),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(r.headers()["cache-control"], "no-store");
    }
}

#[tokio::test]
async fn update_credentials_changes_name_and_presentation_only() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write").await;
    let patch = |body: Value| {
        inst.client
            .patch(inst.url("/api/v1/accounts/update_credentials"))
            .bearer_auth(&alice.token)
            .json(&body)
            .send()
    };
    let r = patch(json!({"display_name": "Alice Martin", "note": "Chargée de mission eau"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["display_name"], "Alice Martin");
    assert_eq!(me["source"]["note"], "Chargée de mission eau");
    // Absent fields stay; too long ones are refused and change nothing.
    let r = patch(json!({"note": "Eau et rivières"})).await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["display_name"],
        "Alice Martin"
    );
    let r = patch(json!({"display_name": "x".repeat(101)}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let a = alice.get(&format!("/api/v1/accounts/{alice_id}")).await;
    assert_eq!(a.body["display_name"], "Alice Martin");
    assert_eq!(a.body["note"], "Eau et rivières");
    let (reader, _) = Api::user(&inst, "bob", "read").await;
    let r = inst
        .client
        .patch(inst.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&reader.token)
        .json(&json!({"display_name": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

//! Foundation: discovery (WebFinger, NodeInfo, host-meta), actor documents
//! with content negotiation, accounts, registration modes and web sessions,
//! on a real server over HTTP.

mod common;

use common::TestInstance;
use serde_json::Value;

const AP: &str = "application/activity+json";

#[tokio::test]
async fn webfinger_leads_to_a_person_with_a_public_key() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("alice").await;

    let resource = format!("acct:alice@{}", alpha.domain);
    let r = alpha
        .client
        .get(alpha.url("/.well-known/webfinger"))
        .query(&[("resource", resource.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/jrd+json"));
    let jrd: Value = r.json().await.unwrap();
    assert_eq!(jrd["subject"], resource);
    let self_link = jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .expect("self link");
    assert_eq!(self_link["type"], AP);
    let href = self_link["href"].as_str().unwrap();
    assert_eq!(href, alpha.url("/u/alice"));

    let r = alpha
        .client
        .get(href)
        .header("Accept", AP)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/activity+json"));
    let person: Value = r.json().await.unwrap();
    assert_eq!(person["type"], "Person");
    assert_eq!(person["id"], href);
    assert_eq!(person["preferredUsername"], "alice");
    assert_eq!(person["inbox"], format!("{href}/inbox"));
    assert_eq!(person["outbox"], format!("{href}/outbox"));
    assert_eq!(
        person["endpoints"]["sharedInbox"],
        alpha.url("/inbox").as_str()
    );
    assert_eq!(person["publicKey"]["owner"], href);
    assert_eq!(person["publicKey"]["id"], format!("{href}#main-key"));
    let pem = person["publicKey"]["publicKeyPem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    // The private key never leaves the server.
    assert!(!person.to_string().contains("PRIVATE"));

    // The ld+json form with the ActivityStreams profile gets JSON too.
    let (status, doc) = alpha
        .get_json(
            "/u/alice",
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(doc["type"], "Person");

    // A browser gets the HTML profile page.
    let r = alpha
        .client
        .get(href)
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["vary"], "Accept");
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains(&format!("@alice@{}", alpha.domain)));
}

#[tokio::test]
async fn webfinger_answers_bad_resources_precisely() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("bob").await;
    let status_of = |resource: Option<String>| {
        let client = alpha.client.clone();
        let url = alpha.url("/.well-known/webfinger");
        async move {
            let mut req = client.get(url);
            if let Some(r) = resource {
                req = req.query(&[("resource", r)]);
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()));
            status
        }
    };
    assert_eq!(status_of(None).await, 400);
    assert_eq!(status_of(Some("".into())).await, 400);
    assert_eq!(status_of(Some("acct:bob".into())).await, 400);
    assert_eq!(status_of(Some("acct:b o b@x".into())).await, 400);
    assert_eq!(
        status_of(Some(format!("acct:nobody@{}", alpha.domain))).await,
        404
    );
    assert_eq!(
        status_of(Some("acct:bob@elsewhere.example".into())).await,
        404
    );
    assert_eq!(
        status_of(Some("https://elsewhere.example/u/bob".into())).await,
        404
    );

    // A URL of one of our actors is a valid resource too.
    let (status, jrd) = alpha
        .get_json(
            &format!(
                "/.well-known/webfinger?resource={}",
                alpha.url("/u/bob").replace(':', "%3A").replace('/', "%2F")
            ),
            "application/jrd+json",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(jrd["subject"], format!("acct:bob@{}", alpha.domain));
}

#[tokio::test]
async fn unknown_actors_are_404_in_json_and_html() {
    let alpha = TestInstance::start(&[]).await;
    let (status, body) = alpha.get_json("/u/ghost", AP).await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("ghost"));
    let r = alpha
        .client
        .get(alpha.url("/u/ghost"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Page introuvable"));
    let r = alpha
        .client
        .get(alpha.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn instance_actor_is_an_application_found_by_webfinger() {
    let alpha = TestInstance::start(&[]).await;
    let (status, actor) = alpha.get_json("/actor", AP).await;
    assert_eq!(status, 200);
    assert_eq!(actor["type"], "Application");
    assert_eq!(actor["id"], alpha.url("/actor"));
    assert!(actor["publicKey"]["publicKeyPem"]
        .as_str()
        .unwrap()
        .contains("PUBLIC KEY"));
    let host = alpha.domain.split(':').next().unwrap();
    let (status, jrd) = alpha
        .get_json(
            &format!(
                "/.well-known/webfinger?resource=acct:{host}@{}",
                alpha.domain
            ),
            "*/*",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(jrd["aliases"][0], alpha.url("/actor"));
}

#[tokio::test]
async fn nodeinfo_counts_real_users() {
    let alpha = TestInstance::start(&[("RECOLTE_INSTANCE_NAME", "Récolte Bretagne")]).await;
    let (status, links) = alpha.get_json("/.well-known/nodeinfo", "*/*").await;
    assert_eq!(status, 200);
    let hrefs: Vec<&str> = links["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["href"].as_str().unwrap())
        .collect();
    assert_eq!(
        hrefs,
        vec![alpha.url("/nodeinfo/2.0"), alpha.url("/nodeinfo/2.1")]
    );

    let (_, before) = alpha.get_json("/nodeinfo/2.1", "*/*").await;
    assert_eq!(before["usage"]["users"]["total"], 0);
    alpha.create_user("carol").await;
    alpha.create_user("dave").await;
    for version in ["2.0", "2.1"] {
        let (status, info) = alpha.get_json(&format!("/nodeinfo/{version}"), "*/*").await;
        assert_eq!(status, 200);
        assert_eq!(info["version"], version);
        assert_eq!(info["software"]["name"], "recolte");
        assert_eq!(info["protocols"], serde_json::json!(["activitypub"]));
        assert_eq!(info["usage"]["users"]["total"], 2);
        assert_eq!(info["usage"]["localPosts"], 0);
        assert_eq!(info["openRegistrations"], true);
        assert_eq!(info["metadata"]["nodeName"], "Récolte Bretagne");
        assert_eq!(info["metadata"]["upstream"]["name"], "mastodon");
    }
    let (status, _) = alpha.get_json("/nodeinfo/3.0", "*/*").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn host_meta_and_health() {
    let alpha = TestInstance::start(&[]).await;
    let r = alpha
        .client
        .get(alpha.url("/.well-known/host-meta"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = r.text().await.unwrap();
    assert!(xml.contains(&format!(
        "template=\"{}/.well-known/webfinger?resource={{uri}}\"",
        alpha.base
    )));
    let (status, health) = alpha.get_json("/healthz", "*/*").await;
    assert_eq!(status, 200);
    assert_eq!(health["database"], "ok");
}

/// When the database server closes the pool's connections (a restart, an
/// administrator's kill), at most the one request that meets a dead
/// connection fails: every other is checked before its next use and
/// replaced. PostgreSQL only: SQLite has no server to lose.
#[tokio::test]
async fn connections_closed_by_the_database_server_are_replaced() {
    use diesel::{Connection, RunQueryDsl};
    let alpha = TestInstance::start(&[]).await;
    if !alpha.database_url().starts_with("postgres") {
        return;
    }
    // Several connections in the pool at once.
    let checks = (0..6).map(|_| alpha.get_json("/healthz", "*/*"));
    for (status, _) in futures_util::future::join_all(checks).await {
        assert_eq!(status, 200);
    }
    let mut admin = diesel::PgConnection::establish(alpha.database_url()).unwrap();
    let killed = diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut admin)
    .unwrap();
    assert!(killed >= 2, "the pool's connections were closed ({killed})");
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(alpha.get_json("/healthz", "*/*").await.0);
    }
    let failed = statuses.iter().filter(|s| **s != 200).count();
    assert!(failed <= 1, "{statuses:?}");
    assert!(statuses[1..].iter().all(|s| *s == 200), "{statuses:?}");
}

/// Signs up through the web form; returns the status and page.
async fn sign_up(alpha: &TestInstance, fields: &[(&str, &str)]) -> (u16, String) {
    let (cookie, token) = alpha.form_token("/login").await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    let r = alpha
        .client
        .post(alpha.url("/signup"))
        .header("Cookie", cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Logs in through the web form; returns the status and the session cookie.
async fn log_in(alpha: &TestInstance, login: &str, password: &str) -> (u16, Option<String>) {
    let (cookie, token) = alpha.form_token("/login").await;
    let r = alpha
        .client
        .post(alpha.url("/login"))
        .header("Cookie", cookie)
        .form(&[
            ("login", login),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    let cookie = common::set_cookie(&r, "recolte_session");
    (r.status().as_u16(), cookie)
}

async fn user_count(alpha: &TestInstance) -> usize {
    alpha
        .with_db(|conn, _| recolte::domain::accounts::list(conn))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn open_registration_signup_login_logout() {
    let alpha = TestInstance::start(&[]).await;
    let (status, page) = sign_up(
        &alpha,
        &[
            ("username", "Elodie"),
            ("email", "Elodie@Example.org"),
            ("password", "un mot de passe"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{page}");
    assert!(page.contains("Bienvenue, elodie"));

    // Log in by e-mail (any case) and by username.
    let (status, cookie) = log_in(&alpha, "ELODIE@example.org", "un mot de passe").await;
    assert_eq!(status, 303);
    let cookie = cookie.expect("session cookie");
    let (status, _) = log_in(&alpha, "elodie", "un mot de passe").await;
    assert_eq!(status, 303);

    let home = alpha
        .client
        .get(alpha.url("/"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(&format!("@elodie@{}", alpha.domain)));
    let csrf = home
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf token in the page")
        .to_string();

    // Logging out needs the form's token.
    let r = alpha
        .client
        .post(alpha.url("/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = alpha
        .client
        .post(alpha.url("/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let home = alpha
        .client
        .get(alpha.url("/"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("@elodie@"), "the session is closed");

    let (status, cookie) = log_in(&alpha, "elodie", "wrong password").await;
    assert_eq!(status, 401);
    assert!(cookie.is_none());
    let (status, _) = log_in(&alpha, "nobody", "whatever123").await;
    assert_eq!(status, 401);
}

/// Form fields, expected status, expected message.
type SignupCase<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);

#[tokio::test]
async fn signup_refuses_bad_input_and_changes_nothing() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("taken").await;
    let cases: &[SignupCase] = &[
        (
            &[
                ("username", "x"),
                ("email", "x@example.org"),
                ("password", "longenough"),
            ],
            422,
            "de 2 à 30",
        ),
        (
            &[
                ("username", "al ice"),
                ("email", "a@example.org"),
                ("password", "longenough"),
            ],
            422,
            "lettres a-z",
        ),
        (
            &[
                ("username", "newbie"),
                ("email", "not-an-email"),
                ("password", "longenough"),
            ],
            422,
            "pas valide",
        ),
        (
            &[
                ("username", "newbie"),
                ("email", "n@example.org"),
                ("password", "short"),
            ],
            422,
            "au moins 8",
        ),
        (
            &[
                ("username", "Taken"),
                ("email", "t2@example.org"),
                ("password", "longenough"),
            ],
            409,
            "déjà pris",
        ),
        (
            &[
                ("username", "other"),
                ("email", "TAKEN@example.org"),
                ("password", "longenough"),
            ],
            409,
            "utilise déjà",
        ),
    ];
    for (fields, status, message) in cases {
        let (got, page) = sign_up(&alpha, fields).await;
        assert_eq!(got, *status, "{fields:?}");
        assert!(page.contains(message), "{fields:?}: {page}");
        // The input is kept in the form.
        assert!(page.contains(&format!("value=\"{}\"", fields[0].1)));
    }
    assert_eq!(user_count(&alpha).await, 1);
}

#[tokio::test]
async fn approval_mode_keeps_accounts_pending_until_approved() {
    let alpha = TestInstance::start(&[("RECOLTE_INSTANCE_REGISTRATION_MODE", "approval")]).await;
    let (status, page) = sign_up(
        &alpha,
        &[
            ("username", "fanny"),
            ("email", "f@example.org"),
            ("password", "longenough"),
        ],
    )
    .await;
    assert_eq!(status, 422, "a reason is required: {page}");
    let (status, page) = sign_up(
        &alpha,
        &[
            ("username", "fanny"),
            ("email", "f@example.org"),
            ("password", "longenough"),
            ("reason", "Chargée de mission climat"),
        ],
    )
    .await;
    assert_eq!(status, 201);
    assert!(page.contains("valider"));
    let (status, _) = log_in(&alpha, "fanny", "longenough").await;
    assert_eq!(status, 403);
    let (_, info) = alpha.get_json("/nodeinfo/2.0", "*/*").await;
    assert_eq!(
        info["usage"]["users"]["total"], 0,
        "pending users are not counted"
    );

    alpha
        .with_db(|conn, config| recolte::domain::accounts::approve(conn, config, "fanny"))
        .await
        .unwrap();
    let (status, cookie) = log_in(&alpha, "fanny", "longenough").await;
    assert_eq!(status, 303);
    assert!(cookie.is_some());
    let again = alpha
        .with_db(|conn, config| recolte::domain::accounts::approve(conn, config, "fanny"))
        .await;
    assert!(again.is_err(), "an active account cannot be approved again");
}

#[tokio::test]
async fn closed_mode_refuses_signups() {
    let alpha = TestInstance::start(&[("RECOLTE_INSTANCE_REGISTRATION_MODE", "closed")]).await;
    let r = alpha.client.get(alpha.url("/signup")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (status, page) = sign_up(
        &alpha,
        &[
            ("username", "gaspard"),
            ("email", "g@example.org"),
            ("password", "longenough"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert!(page.contains("inscriptions sont fermées"));
    assert_eq!(user_count(&alpha).await, 0);
    let (_, info) = alpha.get_json("/nodeinfo/2.1", "*/*").await;
    assert_eq!(info["openRegistrations"], false);
}

#[tokio::test]
async fn concurrent_creations_of_one_name_make_one_account() {
    let alpha = TestInstance::start(&[]).await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let db = alpha.state().db.clone();
        let config = alpha.state().config.clone();
        tasks.push(tokio::spawn(async move {
            db.run(move |conn| {
                recolte::domain::accounts::create(
                    conn,
                    &config,
                    &recolte::domain::accounts::NewAccount {
                        username: "race".into(),
                        email: format!("race{i}@example.org"),
                        password: "longenough".into(),
                        role: recolte::domain::accounts::Role::Member,
                        signup_reason: String::new(),
                    },
                    recolte::domain::accounts::AccountStatus::Active,
                )
            })
            .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert!(
                matches!(e, recolte::error::Error::Conflict { .. }),
                "unexpected error {e}"
            ),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(user_count(&alpha).await, 1);
}

//! Test harness: real instances on loopback, each with its own database.
//!
//! SQLite by default (a temporary file); PostgreSQL when
//! `RECOLTE_TEST_DATABASE_URL` names a server (`postgres://user@host:port/db`):
//! each instance then gets a throwaway database, dropped at the end.
#![allow(dead_code)]

pub mod browser;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};
use recolte::config::Config;
use recolte::web::RunningServer;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is removed afterwards.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn new() -> (TestDb, String) {
        match std::env::var("RECOLTE_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!(
                    "recolte_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                let mut admin = PgConnection::establish(&admin_url)
                    .expect("RECOLTE_TEST_DATABASE_URL must name a reachable PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                let mut url = url::Url::parse(&admin_url).expect("valid PostgreSQL URL");
                url.set_path(&name);
                (TestDb::Postgres { admin_url, name }, url.to_string())
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let path = dir.path().join("recolte.db").display().to_string();
                (TestDb::Sqlite(dir), path)
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// A free loopback port (taken by the caller right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Creates an active member account `name` (e-mail `name@example.org`).
pub fn create_account(
    conn: &mut recolte::db::DbConn,
    config: &Config,
    name: &str,
) -> recolte::domain::accounts::Account {
    let new = recolte::domain::accounts::NewAccount {
        username: name.into(),
        email: format!("{name}@example.org"),
        password: "correct horse battery".into(),
        role: recolte::domain::accounts::Role::Member,
        signup_reason: String::new(),
    };
    recolte::domain::accounts::create(
        conn,
        config,
        &new,
        recolte::domain::accounts::AccountStatus::Active,
    )
    .expect("account created")
}

/// An interest community named `name` with a membership `policy`.
pub fn new_community(
    name: &str,
    policy: recolte::domain::communities::MembershipPolicy,
) -> recolte::domain::communities::NewCommunity {
    recolte::domain::communities::NewCommunity {
        name: name.into(),
        title: format!("Communauté {name}"),
        description: "Échanges entre professionnels".into(),
        kind: recolte::domain::communities::CommunityKind::Interest,
        policy,
    }
}

/// A configuration for a test instance named `domain`, with extra settings.
pub fn test_config(domain: &str, database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    env.insert("RECOLTE_DOMAIN".into(), domain.into());
    env.insert("RECOLTE_DATABASE_URL".into(), database_url.into());
    env.insert("RECOLTE_FEDERATION_ALLOW_HTTP".into(), "true".into());
    env.insert("RECOLTE_DATABASE_POOL_SIZE".into(), "4".into());
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    Config::from_sources(None, "", &env).expect("valid test configuration")
}

/// The `name=value` pair of a cookie a response sets.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// The CSRF token of the first form in a page.
pub fn csrf_token(html: &str) -> Option<String> {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(str::to_string)
}

/// One running instance (stoppable and restartable on the same port and database).
pub struct TestInstance {
    server: Option<RunningServer>,
    config: Config,
    /// `http://localhost:PORT`
    pub base: String,
    pub domain: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestInstance {
    /// Starts an instance on a free loopback port with the given settings.
    pub async fn start(extra: &[(&str, &str)]) -> TestInstance {
        if let Ok(filter) = std::env::var("RUST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let (db, url) = TestDb::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let domain = format!("localhost:{port}");
        let mut config = test_config(&domain, &url, extra);
        config.bind = listener.local_addr().unwrap();
        let server = recolte::web::start_with_listener(config.clone(), listener)
            .await
            .expect("instance starts");
        TestInstance {
            server: Some(server),
            config,
            base: format!("http://{domain}"),
            domain,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            db,
        }
    }

    /// The database this instance runs on.
    pub fn database_url(&self) -> &str {
        &self.config.database_url
    }

    /// The running server's state.
    pub fn state(&self) -> &recolte::web::AppState {
        &self.server.as_ref().expect("the instance is running").state
    }

    /// Stops the server gracefully; its database stays.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Starts the server again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        let mut tries = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(self.config.bind).await {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot bind {} again: {e}", self.config.bind),
            }
        };
        self.server = Some(
            recolte::web::start_with_listener(self.config.clone(), listener)
                .await
                .expect("instance restarts"),
        );
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Runs a closure on a database connection of this instance.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut recolte::db::DbConn, &Config) -> Result<T, recolte::error::Error>
            + Send
            + 'static,
    ) -> Result<T, recolte::error::Error> {
        let state = self.state();
        let config = state.config.clone();
        state.db.run(move |conn| f(conn, &config)).await
    }

    /// Creates an active member account.
    pub async fn create_user(&self, name: &str) -> recolte::domain::accounts::Account {
        let name = name.to_string();
        self.with_db(move |conn, config| Ok(create_account(conn, config, &name)))
            .await
            .expect("user created")
    }

    /// Creates a community of this instance, moderated by `owner`.
    pub async fn create_community(
        &self,
        owner: &recolte::domain::actors::Actor,
        name: &str,
        policy: recolte::domain::communities::MembershipPolicy,
    ) -> recolte::domain::communities::Community {
        let (owner, new) = (owner.clone(), new_community(name, policy));
        self.with_db(move |conn, config| {
            recolte::domain::communities::create(conn, config, &new, &owner)
        })
        .await
        .expect("community created")
    }

    /// What a visitor without a session needs to submit a form: the CSRF
    /// cookie (`recolte_csrf=…`) and the token that the page at `path` holds.
    pub async fn form_token(&self, path: &str) -> (String, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let cookie = set_cookie(&r, "recolte_csrf").expect("a CSRF cookie");
        let token = csrf_token(&r.text().await.unwrap()).expect("a CSRF token in the page");
        (cookie, token)
    }

    pub async fn get_json(&self, path: &str, accept: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .get(self.url(path))
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
}

/// Waits (up to 20 s) until `check` holds, e.g. for a delivery to land: a
/// liveness bound, not a speed assertion.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..400 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

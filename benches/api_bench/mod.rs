//! What the Mastodon API benchmarks (`api`, `streaming`) share: sizes read
//! from the environment, percentiles, a throwaway database (an SQLite file,
//! or a PostgreSQL database when `RECOLTE_BENCH_DATABASE_URL` names a
//! server), a server on loopback, and a member with access tokens.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use recolte::config::Config;
use recolte::domain::accounts::{self, Account, AccountStatus, NewAccount, Role};
use recolte::domain::oauth;
use recolte::web::RunningServer;

pub const PASSWORD: &str = "correct horse battery";

/// A size from the environment variable `name`, or `default`.
pub fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` percentile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// A database and data folder that live as long as the benchmark.
pub struct Throwaway {
    pub url: String,
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Throwaway {
    /// A new SQLite file, or a new PostgreSQL database named after `bench`.
    pub fn new(bench: &str) -> Throwaway {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("RECOLTE_BENCH_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!("recolte_bench_{bench}_{}", std::process::id());
                let mut c = PgConnection::establish(&admin).expect("PostgreSQL reachable");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut c)
                    .unwrap();
                let mut url = url::Url::parse(&admin).unwrap();
                url.set_path(&name);
                Throwaway {
                    url: url.to_string(),
                    dir,
                    postgres: Some((admin, name)),
                }
            }
            _ => Throwaway {
                url: dir.path().join("bench.db").display().to_string(),
                dir,
                postgres: None,
            },
        }
    }

    /// Starts a server on a free loopback port over this database.
    pub async fn serve(&self) -> RunningServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut env = BTreeMap::new();
        env.insert("RECOLTE_DOMAIN".to_string(), format!("localhost:{port}"));
        env.insert("RECOLTE_DATABASE_URL".to_string(), self.url.clone());
        env.insert("RECOLTE_FEDERATION_ALLOW_HTTP".to_string(), "true".into());
        env.insert(
            "RECOLTE_DATA_DIR".to_string(),
            self.dir.path().display().to_string(),
        );
        let mut config = Config::from_sources(None, "", &env).expect("configuration");
        config.bind = listener.local_addr().unwrap();
        recolte::web::start_with_listener(config, listener)
            .await
            .expect("server starts")
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres {
            if let Ok(mut c) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
    }
}

/// Creates the member `alice` and `tokens` access tokens (read, write) for
/// her: one per client, so that each stays within its own rate limit.
pub fn alice_with_tokens(
    conn: &mut recolte::db::DbConn,
    config: &Config,
    tokens: usize,
) -> Result<(Account, Vec<String>), recolte::error::Error> {
    let new = NewAccount {
        username: "alice".into(),
        email: "alice@example.org".into(),
        password: PASSWORD.into(),
        role: Role::Member,
        signup_reason: String::new(),
    };
    let alice = accounts::create(conn, config, &new, AccountStatus::Active)?;
    let (app, _) = oauth::create_app(
        conn,
        &oauth::NewApp {
            name: "bench",
            redirect_uris: oauth::OOB_URI,
            scopes: "read write",
            website: None,
        },
    )?;
    let scopes = oauth::Scopes::parse("read write")?;
    let tokens = (0..tokens)
        .map(|_| Ok(oauth::token_for_new_account(conn, &app, &alice, &scopes)?.access_token))
        .collect::<Result<Vec<String>, recolte::error::Error>>()?;
    Ok((alice, tokens))
}

//! Streaming fan-out: `BENCH_CLIENTS` (1,000) WebSocket clients on the
//! `public` stream of one server, then `BENCH_POSTS` (10) statuses posted
//! one after the other through the API; for each, the time from the
//! request until each client has its `update` event (p50, p99, max over
//! every client and post, and the time until the last client has it), and
//! the memory of the process (server and clients: they share it) before
//! and after the clients connect.
//!
//! Run with `cargo bench --bench streaming` (needs `ulimit -n` above twice
//! the clients). Set `RECOLTE_BENCH_DATABASE_URL` to a PostgreSQL server
//! URL to run on a throwaway PostgreSQL database. Figures go to
//! BENCHMARKS.md.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::{Connection, PgConnection};
use futures_util::StreamExt;
use recolte::config::Config;
use recolte::domain::accounts::{self, AccountStatus, NewAccount, Role};
use recolte::domain::oauth;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "correct horse battery";

fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let clients = size("BENCH_CLIENTS", 1_000);
    let posts = size("BENCH_POSTS", 10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (database_url, postgres) = match std::env::var("RECOLTE_BENCH_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("recolte_bench_streaming_{}", std::process::id());
            let mut c = PgConnection::establish(&admin).expect("PostgreSQL reachable");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .unwrap();
            let mut url = url::Url::parse(&admin).unwrap();
            url.set_path(&name);
            (url.to_string(), Some((admin, name)))
        }
        _ => (dir.path().join("bench.db").display().to_string(), None),
    };
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut env = BTreeMap::new();
        env.insert("RECOLTE_DOMAIN".to_string(), format!("localhost:{port}"));
        env.insert("RECOLTE_DATABASE_URL".to_string(), database_url.clone());
        env.insert("RECOLTE_FEDERATION_ALLOW_HTTP".to_string(), "true".into());
        env.insert("RECOLTE_DATA_DIR".to_string(), dir.path().display().to_string());
        let mut config = Config::from_sources(None, "", &env).expect("configuration");
        config.bind = listener.local_addr().unwrap();
        let server = recolte::web::start_with_listener(config, listener)
            .await
            .expect("server starts");
        let state = server.state.clone();
        let config = state.config.clone();
        // One token per client: each stays within its own rate limit.
        let tokens = state
            .db
            .run(move |conn| {
                let new = NewAccount {
                    username: "alice".into(),
                    email: "alice@example.org".into(),
                    password: PASSWORD.into(),
                    role: Role::Member,
                    signup_reason: String::new(),
                };
                let alice = accounts::create(conn, &config, &new, AccountStatus::Active)?;
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
                (0..clients + 1)
                    .map(|_| {
                        Ok(oauth::token_for_new_account(conn, &app, &alice, &scopes)?.access_token)
                    })
                    .collect::<Result<Vec<String>, recolte::error::Error>>()
            })
            .await
            .expect("tokens");
        let before = rss_mib();

        // The clients: each reports (status id, arrival) for every update.
        let (report, mut reports) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
        let connect_start = Instant::now();
        for token in &tokens[1..] {
            let mut request = format!("ws://localhost:{port}/api/v1/streaming?stream=public")
                .into_client_request()
                .unwrap();
            request
                .headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let (mut socket, _) = tokio_tungstenite::connect_async(request)
                .await
                .expect("WebSocket opens");
            let report = report.clone();
            tokio::spawn(async move {
                while let Some(Ok(message)) = socket.next().await {
                    let Message::Text(text) = message else { continue };
                    let at = Instant::now();
                    let event: serde_json::Value = serde_json::from_str(&text).unwrap();
                    if event["event"] == "update" {
                        let status: serde_json::Value =
                            serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
                        let id = status["id"].as_str().unwrap().to_string();
                        if report.send((id, at)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        let connected = connect_start.elapsed();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = rss_mib();

        let client = reqwest::Client::new();
        let mut each = Vec::new();
        let mut last = Vec::new();
        for i in 0..posts {
            let start = Instant::now();
            let r = client
                .post(format!("http://localhost:{port}/api/v1/statuses"))
                .bearer_auth(&tokens[0])
                .json(&serde_json::json!({ "status": format!("Message {i} à tout le monde") }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let posted: serde_json::Value = r.json().await.unwrap();
            let id = posted["id"].as_str().unwrap().to_string();
            let mut got = 0;
            let mut slowest = Duration::ZERO;
            while got < clients {
                let (seen, at) = tokio::time::timeout(Duration::from_secs(60), reports.recv())
                    .await
                    .expect("every client gets the event within 60 s")
                    .unwrap();
                if seen == id {
                    got += 1;
                    let took = at.duration_since(start);
                    slowest = slowest.max(took);
                    each.push(took);
                }
            }
            last.push(slowest);
        }
        each.sort();
        last.sort();
        println!(
            "streaming fan-out ({clients} WebSocket clients on `public`, {posts} posts): \
             per client p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
             last client p50 {:.1} ms, max {:.1} ms; clients connected in {:.1} s; \
             memory {before:.0} MiB before, {after:.0} MiB with the clients ({:.1} KiB per client, both ends)",
            percentile(&each, 0.5),
            percentile(&each, 0.99),
            percentile(&each, 1.0),
            percentile(&last, 0.5),
            percentile(&last, 1.0),
            connected.as_secs_f64(),
            (after - before) * 1024.0 / clients as f64,
        );
        server.shutdown().await;
    });
    if let Some((admin, name)) = postgres {
        let mut c = PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut c)
            .unwrap();
    }
}

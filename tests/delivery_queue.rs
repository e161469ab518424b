//! The delivery queue's rules, on the real database: shared inboxes once,
//! our own inboxes skipped, order per (inbox, object), leases, backoff,
//! dead instances and their revival; and, on PostgreSQL, two processes
//! draining one queue without sending anything twice.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{create_account, free_port, test_config, TestDb, TestInstance};
use diesel::prelude::*;
use recolte::db::Db;
use recolte::delivery_queue::{self, DEAD_AFTER_FAILURES};
use recolte::schema::{deliveries, instances};
use serde_json::json;

fn activity(id: &str) -> serde_json::Value {
    json!({ "id": id, "type": "Like", "actor": "x", "object": "y" })
}

#[tokio::test]
async fn rows_are_deduplicated_ordered_leased_and_retried() {
    let mut alpha = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    alpha.stop().await;
    let own = alpha.url("/inbox");
    let config = test_config(&alpha.domain, &db_url(&alpha), &[]);
    let db = Db::open(&config).unwrap();
    let mut pooled = db.get().unwrap();
    let conn: &mut recolte::db::DbConn = &mut pooled;

    let inboxes = vec![
        "http://b.test:1/inbox".to_string(),
        "http://b.test:1/inbox".to_string(),
        "http://c.test/u/x/inbox".to_string(),
        own,
    ];
    delivery_queue::publish(
        conn,
        &config,
        &ana,
        &activity("http://a/1"),
        "post-1",
        inboxes.clone(),
    )
    .unwrap();
    delivery_queue::publish(
        conn,
        &config,
        &ana,
        &activity("http://a/2"),
        "post-1",
        inboxes,
    )
    .unwrap();
    let rows: Vec<(String, String)> = deliveries::table
        .select((deliveries::inbox_url, deliveries::object_key))
        .order(deliveries::id)
        .load(conn)
        .unwrap();
    assert_eq!(
        rows.len(),
        4,
        "two inboxes per activity, ours skipped: {rows:?}"
    );
    let domains: Vec<String> = instances::table
        .select(instances::domain)
        .order(instances::domain)
        .load(conn)
        .unwrap();
    assert_eq!(
        domains,
        vec!["b.test:1", "c.test"],
        "instances are keyed by host and port"
    );

    // Only the first activity about post-1 is due per inbox: the second waits.
    let lease = chrono::Duration::seconds(60);
    let first = delivery_queue::claim(conn, 10, lease).unwrap();
    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|d| d.payload.contains("http://a/1")));
    assert!(
        delivery_queue::claim(conn, 10, lease).unwrap().is_empty(),
        "claimed rows are leased"
    );

    // One succeeds: the next activity for that inbox becomes due.
    delivery_queue::delivered(conn, &first[0]).unwrap();
    let next = delivery_queue::claim(conn, 10, lease).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].inbox_url, first[0].inbox_url);
    assert!(next[0].payload.contains("http://a/2"));

    // One fails: retried later, not now.
    delivery_queue::failed(conn, &config, &first[1], "status 503", false).unwrap();
    let (state, attempts): (String, i32) = deliveries::table
        .find(first[1].id)
        .select((deliveries::state, deliveries::attempts))
        .first(conn)
        .unwrap();
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert!(delivery_queue::claim(conn, 10, lease).unwrap().is_empty());

    // A 4xx is final.
    delivery_queue::failed(conn, &config, &next[0], "status 400", true).unwrap();
    let state: String = deliveries::table
        .find(next[0].id)
        .select(deliveries::state)
        .first(conn)
        .unwrap();
    assert_eq!(state, "failed");

    // Backoff doubles, with jitter, up to 12 hours.
    let b1 = delivery_queue::backoff(30, 1).num_seconds();
    let b4 = delivery_queue::backoff(30, 4).num_seconds();
    assert!((24..=36).contains(&b1), "{b1}");
    assert!((192..=288).contains(&b4), "{b4}");
    assert!(delivery_queue::backoff(30, 40).num_hours() <= 15);
}

#[tokio::test]
async fn an_instance_failing_for_long_is_dead_until_it_answers() {
    let mut alpha = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    alpha.stop().await;
    let config = test_config(&alpha.domain, &db_url(&alpha), &[]);
    let db = Db::open(&config).unwrap();
    let mut pooled = db.get().unwrap();
    let conn: &mut recolte::db::DbConn = &mut pooled;
    for i in 0..DEAD_AFTER_FAILURES {
        delivery_queue::publish(
            conn,
            &config,
            &ana,
            &activity(&format!("http://a/{i}")),
            &format!("k{i}"),
            vec!["http://down.test/inbox".into()],
        )
        .unwrap();
    }
    let due = delivery_queue::claim(conn, 100, chrono::Duration::seconds(60)).unwrap();
    assert_eq!(due.len(), DEAD_AFTER_FAILURES as usize);
    for d in &due {
        delivery_queue::failed(conn, &config, d, "connection refused", false).unwrap();
    }
    let status = delivery_queue::status(conn).unwrap();
    let down = status.iter().find(|s| s.domain == "down.test").unwrap();
    assert!(
        down.dead_since.is_some(),
        "dead after {DEAD_AFTER_FAILURES} failures and no success"
    );
    assert_eq!(down.pending, DEAD_AFTER_FAILURES as i64);

    // It speaks to us again: alive, and its queue is due at once.
    delivery_queue::heard_from(conn, "down.test").unwrap();
    let status = delivery_queue::status(conn).unwrap();
    let back = status.iter().find(|s| s.domain == "down.test").unwrap();
    assert!(back.dead_since.is_none());
    assert_eq!(back.failure_count, 0);
    let due = delivery_queue::claim(conn, 100, chrono::Duration::seconds(60)).unwrap();
    assert_eq!(due.len(), DEAD_AFTER_FAILURES as usize);
}

fn db_url(instance: &TestInstance) -> String {
    instance.database_url().to_string()
}

fn worker(db_url: &str, port: u16, domain_port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_recolte"))
        .arg("serve")
        .env("RECOLTE_DATABASE_URL", db_url)
        .env("RECOLTE_BIND", format!("127.0.0.1:{port}"))
        .env("RECOLTE_DOMAIN", format!("localhost:{domain_port}"))
        .env("RECOLTE_FEDERATION_ALLOW_HTTP", "true")
        .env("RECOLTE_FEDERATION_DELIVERY_LEASE_SECONDS", "30")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start recolte serve")
}

#[tokio::test]
async fn two_processes_share_one_postgresql_queue_without_double_sending() {
    let (db_guard, url) = TestDb::new();
    if !db_guard.is_postgres() {
        eprintln!("SQLite serves one process per database: this test runs on PostgreSQL");
        return;
    }
    // A sink counting what each activity id receives.
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/inbox",
            axum::routing::post(move |body: axum::body::Bytes| {
                let seen = seen.clone();
                async move {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    let id = v["id"].as_str().unwrap_or_default().to_string();
                    *seen.lock().unwrap().entry(id).or_default() += 1;
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, sink).await.unwrap() });

    let port = free_port();
    let config = test_config(&format!("localhost:{port}"), &url, &[]);
    let db = Db::open(&config).unwrap();
    let mut pooled = db.get().unwrap();
    let conn: &mut recolte::db::DbConn = &mut pooled;
    let ana = create_account(conn, &config, "ana").actor;
    const N: usize = 300;
    for i in 0..N {
        delivery_queue::publish(
            conn,
            &config,
            &ana,
            &activity(&format!("http://localhost:{port}/activities/{i}")),
            &format!("k{i}"),
            vec![format!("http://localhost:{sink_port}/inbox")],
        )
        .unwrap();
    }
    let mut one = worker(&url, port, port);
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut two = worker(&url, free_port(), port);
    for _ in 0..1200 {
        if seen.lock().unwrap().len() == N {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    for child in [&mut one, &mut two] {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), N, "every activity delivered");
    assert!(seen.values().all(|n| *n == 1), "none delivered twice");
}

#[tokio::test]
async fn a_follow_left_pending_is_asked_again_once() {
    // A remote community whose server takes the Follow but never answers,
    // as Lemmy does for what arrives before it delivers to a new instance.
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let sink = {
        let received = received.clone();
        axum::Router::new().route(
            "/inbox",
            axum::routing::post(move |body: axum::body::Bytes| {
                let received = received.clone();
                async move {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    received.lock().unwrap().push(v);
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, sink).await.unwrap() });

    let alpha = TestInstance::start(&[("RECOLTE_FEDERATION_FOLLOW_RETRY_SECONDS", "1")]).await;
    let ana = alpha.create_user("ana").await.actor;
    let group_id = format!("http://localhost:{sink_port}/c/silent");
    let key = ana.public_key_pem.clone();
    let group = alpha
        .with_db(move |conn, _| {
            recolte::domain::actors::upsert_remote(
                conn,
                &recolte::domain::actors::RemoteActor {
                    kind: recolte::domain::actors::ActorKind::Group,
                    ap_id: group_id.clone(),
                    username: "silent".into(),
                    domain: format!("localhost:{sink_port}"),
                    display_name: String::new(),
                    summary: String::new(),
                    inbox_url: format!("http://localhost:{sink_port}/inbox"),
                    shared_inbox_url: None,
                    outbox_url: None,
                    followers_url: None,
                    public_key_pem: key,
                    manually_approves_followers: false,
                    avatar_url: None,
                    header_url: None,
                },
            )
        })
        .await
        .unwrap();
    let (a, g) = (ana.clone(), group.clone());
    alpha
        .with_db(move |conn, config| recolte::domain::follows::follow(conn, config, &a, &g))
        .await
        .unwrap();
    alpha.state().federation.wake.notify_one();
    for _ in 0..400 {
        if received.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Long enough for a second retry, which must not happen.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let got = received.lock().unwrap().clone();
    let kinds: Vec<&str> = got
        .iter()
        .map(|v| v["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, vec!["Follow", "Undo", "Follow"]);
    let mut first = got[0].clone();
    first.as_object_mut().unwrap().remove("@context");
    assert_eq!(got[1]["object"], first, "the Undo embeds the first Follow");
    assert_ne!(got[2]["id"], got[0]["id"], "the new Follow has a fresh id");
    let (a, g) = (ana.id, group.id);
    let follow = alpha
        .with_db(move |conn, _| recolte::domain::follows::find(conn, a, g))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        follow.ap_id,
        got[2]["id"].as_str().unwrap(),
        "an Accept of the new Follow will match"
    );
}

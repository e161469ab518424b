//! Federation benchmarks: inbox throughput of signed `Create` activities into
//! a community, end-to-end latency of a post to a third instance, and the
//! fan-out of one post to 1,000 remote inboxes served by a local sink.
//!
//! Run with `cargo bench --bench federation` (SQLite). With
//! `RECOLTE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`
//! every instance runs on its own throwaway PostgreSQL database instead.
//! Figures go to BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::TestInstance;
use recolte::domain::actors::{ActorKind, RemoteActor};
use recolte::domain::communities::{self, MembershipPolicy};
use recolte::domain::content::{self, PostDraft};
use recolte::domain::follows;
use recolte_federation::signatures;

fn backend() -> &'static str {
    if std::env::var("RECOLTE_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// CPU time this process has used so far (user + system, all threads), from
/// `/proc/self/stat`: under load from other processes, the CPU cost of a
/// run is steadier than its rate.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // The kernel's USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Signed `Create{Page}` activities from a beta member into alpha's
/// community, sent by `concurrency` clients.
async fn inbox_throughput() {
    const N: usize = 2000;
    let concurrency: usize = std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let bea = beta.create_user("bea").await.actor;
    let key = signatures::private_key(bea.private_key_pem.as_deref().unwrap()).unwrap();
    let inbox = url::Url::parse(&alpha.url("/inbox")).unwrap();
    let key_id = format!("{}#main-key", bea.ap_id);
    let signing = Instant::now();
    let requests: Vec<(Vec<u8>, signatures::SignedHeaders)> = (0..N)
        .map(|i| {
            let body = serde_json::to_vec(&serde_json::json!({
                "id": format!("{}/activities/bench-{i}", beta.base),
                "type": "Create",
                "actor": bea.ap_id,
                "to": ["https://www.w3.org/ns/activitystreams#Public", climat.actor.ap_id],
                "cc": [],
                "audience": climat.actor.ap_id,
                "object": {
                    "id": format!("{}/post/bench-{i}", beta.base),
                    "type": "Page",
                    "attributedTo": bea.ap_id,
                    "name": format!("Retour d'expérience {i}"),
                    "content": "<p>Compte rendu de la réunion.</p>",
                    "to": ["https://www.w3.org/ns/activitystreams#Public", climat.actor.ap_id],
                    "cc": [],
                    "audience": climat.actor.ap_id,
                    "published": "2026-11-29T10:00:00Z"
                }
            }))
            .unwrap();
            let signed =
                signatures::sign_request(&key, &key_id, &inbox, Some(&body), SystemTime::now())
                    .unwrap();
            (body, signed)
        })
        .collect();
    println!(
        "| RSA-2048 `rsa-sha256` signature of one request (the clients' preparation) | {N} requests | {:.2} ms each |",
        ms(signing.elapsed()) / N as f64
    );
    // The first request makes alpha fetch bea once; it is not timed.
    let queue = Arc::new(std::sync::Mutex::new(requests));
    let client = reqwest::Client::new();
    let send = move |body: Vec<u8>, signed: signatures::SignedHeaders| {
        let client = client.clone();
        let inbox = inbox.clone();
        async move {
            let r = client
                .post(inbox)
                .header("Content-Type", "application/activity+json")
                .header("Date", signed.date)
                .header("Digest", signed.digest.unwrap())
                .header("Signature", signed.signature)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
        }
    };
    let (b, s) = queue.lock().unwrap().pop().unwrap();
    send(b, s).await;
    let (start, cpu_start) = (Instant::now(), cpu_time());
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let queue = queue.clone();
        let send = send.clone();
        workers.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().unwrap().pop();
                match next {
                    Some((b, s)) => send(b, s).await,
                    None => break,
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let (elapsed, cpu) = (start.elapsed(), cpu_time() - cpu_start);
    let stored = alpha
        .with_db(move |conn, _| content::community_posts(conn, climat.actor.id, None, 10_000))
        .await
        .unwrap()
        .len();
    assert_eq!(stored, N);
    println!(
        "| inbox: signed Create{{Page}} into a community ({}) | {} activities, {concurrency} clients | {:.0} activities/s, {:.2} ms of CPU each (server and clients) |",
        backend(),
        N - 1,
        (N - 1) as f64 / elapsed.as_secs_f64(),
        ms(cpu) / (N - 1) as f64
    );
}

/// Time from a post written on beta in alpha's community to its arrival on
/// gamma (through alpha's Announce and a fetch from beta).
async fn end_to_end_latency() {
    const POSTS: usize = 50;
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let gamma = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let bea = beta.create_user("bea").await.actor;
    let gus = gamma.create_user("gus").await.actor;
    let handle = format!("!climat@{}", alpha.domain);
    let on_beta = recolte::activitypub::resolve::handle(beta.state(), &handle)
        .await
        .unwrap();
    let on_gamma = recolte::activitypub::resolve::handle(gamma.state(), &handle)
        .await
        .unwrap();
    for (inst, who, target) in [(&beta, &bea, &on_beta), (&gamma, &gus, &on_gamma)] {
        let (w, t) = (who.clone(), target.clone());
        inst.with_db(move |conn, config| follows::follow(conn, config, &w, &t))
            .await
            .unwrap();
        inst.state().federation.wake.notify_one();
        let (w, t) = (who.id, target.id);
        loop {
            let f = inst
                .with_db(move |conn, _| follows::find(conn, w, t))
                .await
                .unwrap();
            if f.is_some_and(|f| f.state() == follows::FollowState::Accepted) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let mut latencies = Vec::new();
    for i in 0..POSTS {
        let (b, c) = (bea.clone(), on_beta.clone());
        let start = Instant::now();
        let post = beta
            .with_db(move |conn, config| {
                let c = communities::by_actor_id(conn, c.id)?;
                content::create_post(
                    conn,
                    config,
                    &b,
                    Some(&c),
                    &PostDraft {
                        title: format!("Latence {i}"),
                        body: "Mesure".into(),
                        link: None,
                        language: None,
                    },
                )
            })
            .await
            .unwrap();
        beta.state().federation.wake.notify_one();
        loop {
            let id = post.ap_id.clone();
            if gamma
                .with_db(move |conn, _| content::find_by_ap_id(conn, &id))
                .await
                .unwrap()
                .is_some()
            {
                break;
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the post never arrived"
            );
        }
        latencies.push(start.elapsed());
    }
    latencies.sort();
    println!(
        "| post on beta → visible on gamma via alpha ({}) | {POSTS} posts | p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms |",
        backend(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.9)),
        ms(*latencies.last().unwrap())
    );
}

/// One post in a community followed by 1,000 remote accounts, each with its
/// own inbox on a local sink that answers 202.
async fn fan_out() {
    const FOLLOWERS: usize = 1000;
    let received = Arc::new(AtomicUsize::new(0));
    let sink = {
        let received = received.clone();
        axum::Router::new().route(
            "/inbox/{n}",
            axum::routing::post(move || {
                let received = received.clone();
                async move {
                    received.fetch_add(1, Ordering::SeqCst);
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, sink).await.unwrap() });

    let alpha = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let group = climat.actor.clone();
    let key = ana.public_key_pem.clone();
    alpha
        .with_db(move |conn, config| {
            for i in 0..FOLLOWERS {
                let id = format!("http://localhost:{sink_port}/users/u{i}");
                let follower = recolte::domain::actors::upsert_remote(
                    conn,
                    &RemoteActor {
                        kind: ActorKind::Person,
                        ap_id: id.clone(),
                        username: format!("u{i}"),
                        domain: format!("localhost:{sink_port}"),
                        display_name: String::new(),
                        summary: String::new(),
                        inbox_url: format!("http://localhost:{sink_port}/inbox/{i}"),
                        shared_inbox_url: None,
                        outbox_url: None,
                        followers_url: None,
                        public_key_pem: key.clone(),
                        manually_approves_followers: false,
                        avatar_url: None,
                        header_url: None,
                    },
                )?;
                follows::receive_follow(conn, config, &follower, &group, &format!("{id}/follow"))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    // Wait for the 1,000 Accepts to drain, then measure the post alone.
    while received.load(Ordering::SeqCst) < FOLLOWERS {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    received.store(0, Ordering::SeqCst);
    let start = Instant::now();
    let c = climat.clone();
    alpha
        .with_db(move |conn, config| {
            content::create_post(
                conn,
                config,
                &ana,
                Some(&c),
                &PostDraft {
                    title: "Invitation à la rencontre annuelle".into(),
                    body: "Le programme est en ligne.".into(),
                    link: None,
                    language: None,
                },
            )
        })
        .await
        .unwrap();
    alpha.state().federation.wake.notify_one();
    // Each follower gets Announce{Create{Page}} and Announce{Page}.
    let expected = 2 * FOLLOWERS;
    while received.load(Ordering::SeqCst) < expected {
        tokio::time::sleep(Duration::from_millis(2)).await;
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "fan-out stalled"
        );
    }
    println!(
        "| fan-out of one post to {FOLLOWERS} inboxes on a local sink ({}) | {expected} signed deliveries | {:.2} s |",
        backend(),
        start.elapsed().as_secs_f64()
    );
}

/// `cargo bench --bench federation [-- NAME…]` runs the benchmarks whose
/// name (inbox, latency, fanout) is given, or all of them.
#[tokio::main]
async fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let run = |name: &str| wanted.is_empty() || wanted.iter().any(|w| w == name);
    println!("| benchmark | size | result |");
    println!("|---|---|---|");
    if run("inbox") {
        inbox_throughput().await;
    }
    if run("latency") {
        end_to_end_latency().await;
    }
    if run("fanout") {
        fan_out().await;
    }
}

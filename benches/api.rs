//! Mastodon API benchmarks: home timeline latency for an account following
//! 1,000 accounts with 100,000 statuses in the database, and statuses
//! created per second through the API.
//!
//! Run with `cargo bench --bench api`. Set `RECOLTE_BENCH_DATABASE_URL` to
//! a PostgreSQL server URL (`postgres://postgres@127.0.0.1:5432/postgres`)
//! to run on a throwaway PostgreSQL database instead of SQLite;
//! `BENCH_STATUSES` and `BENCH_FOLLOWS` change the sizes. Figures go to
//! BENCHMARKS.md.

mod api_bench;

use std::time::Instant;

use api_bench::{percentile, size, Throwaway};
use diesel::prelude::*;
use recolte::domain::actors::NewActor;
use recolte::schema::{actors, follows};
/// Home timeline requests measured (one token: under its rate limit of
/// 300 per 5 minutes, warm-up included).
const READS: usize = 270;
/// Home timeline requests made first, not measured.
const WARM_UP: usize = 20;
/// Clients writing statuses at once, and statuses each writes.
const WRITERS: usize = 4;
const PER_WRITER: usize = 250;

/// Inserts `people` remote authors, makes alice follow the first `follows`
/// of them, and writes `statuses` posts spread over all of them (one SQL
/// statement: the statuses index is filled by its trigger).
fn seed(
    conn: &mut recolte::db::DbConn,
    alice: i64,
    people: usize,
    follows_n: usize,
    statuses: usize,
) {
    let now = recolte::domain::now();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for i in 0..people {
            let ap_id = format!("https://elsewhere.test/u/author{i}");
            diesel::insert_into(actors::table)
                .values(NewActor {
                    kind: "person",
                    ap_id: &ap_id,
                    local: false,
                    username: &format!("author{i}"),
                    domain: "elsewhere.test",
                    display_name: "",
                    summary: "",
                    inbox_url: &format!("{ap_id}/inbox"),
                    shared_inbox_url: None,
                    outbox_url: None,
                    followers_url: None,
                    public_key_pem: "-",
                    private_key_pem: None,
                    manually_approves_followers: false,
                    published_at: now,
                    updated_at: now,
                })
                .execute(conn)?;
        }
        let authors: Vec<i64> = actors::table
            .filter(actors::domain.eq("elsewhere.test"))
            .order(actors::id.asc())
            .select(actors::id)
            .load(conn)?;
        for (n, target) in authors.iter().take(follows_n).enumerate() {
            diesel::insert_into(follows::table)
                .values((
                    follows::follower_id.eq(alice),
                    follows::target_id.eq(target),
                    follows::ap_id.eq(format!("https://bench.test/follows/{n}")),
                    follows::state.eq("accepted"),
                    follows::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        let count = authors.len();
        diesel::sql_query(format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {statuses}), \
             authors(id, k) AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 FROM actors \
                                WHERE domain = 'elsewhere.test') \
             INSERT INTO posts (ap_id, local, author_id, kind, source, content_html, published_at) \
             SELECT 'https://elsewhere.test/p/' || i, FALSE, authors.id, 'note', \
                    'Message ' || i, '<p>Message ' || i || '</p>', CURRENT_TIMESTAMP \
             FROM n JOIN authors ON authors.k = n.i % {count} ORDER BY n.i"
        ))
        .execute(conn)?;
        Ok(())
    })
    .expect("seeded");
}

fn main() {
    let statuses = size("BENCH_STATUSES", 100_000);
    let follows_n = size("BENCH_FOLLOWS", 1_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let database = Throwaway::new("api");
    runtime.block_on(async {
        let server = database.serve().await;
        let port = server.addr.port();
        let state = server.state.clone();
        let started = Instant::now();
        let config = state.config.clone();
        let tokens = state
            .db
            .run(move |conn| {
                // One token per client: each stays within its rate limit
                // (300 requests per 5 minutes).
                let (alice, tokens) = api_bench::alice_with_tokens(conn, &config, 1 + WRITERS)?;
                seed(conn, alice.actor.id, follows_n * 2, follows_n, statuses);
                Ok(tokens)
            })
            .await
            .expect("seeded");
        eprintln!("seeded {statuses} statuses, {follows_n} follows in {:.1} s", started.elapsed().as_secs_f64());
        let client = reqwest::Client::new();
        let token = tokens[0].clone();
        let base = format!("http://localhost:{port}");

        // Warm-up, unmeasured: each pooled connection prepares its
        // statements on first use.
        for _ in 0..WARM_UP {
            let r = client
                .get(format!("{base}/api/v1/timelines/home?limit=20"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        // Home timeline: the first page, then pages further down.
        let mut times = Vec::new();
        let mut max_id: Option<String> = None;
        for i in 0..READS {
            let url = match (&max_id, i % 4) {
                (Some(m), 1..=3) => format!("{base}/api/v1/timelines/home?limit=20&max_id={m}"),
                _ => format!("{base}/api/v1/timelines/home?limit=20"),
            };
            let start = Instant::now();
            let r = client.get(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let page: serde_json::Value = r.json().await.unwrap();
            times.push(start.elapsed());
            max_id = page.as_array().and_then(|p| p.last()).map(|s| s["id"].as_str().unwrap().to_string());
            assert_eq!(page.as_array().unwrap().len(), 20);
        }
        times.sort();
        println!(
            "home timeline ({statuses} statuses, {follows_n} follows, 20 per page, {} requests): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            percentile(&times, 1.0)
        );

        // Statuses created through the API by several clients at once.
        let start = Instant::now();
        let mut tasks = Vec::new();
        for (c, token) in tokens[1..].iter().cloned().enumerate() {
            let (client, base) = (client.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0..PER_WRITER {
                    let r = client
                        .post(format!("{base}/api/v1/statuses"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({ "status": format!("Client {c}, message {i}") }))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "statuses created through the API ({WRITERS} clients): {} in {elapsed:.2} s, {:.0} statuses/s",
            WRITERS * PER_WRITER,
            (WRITERS * PER_WRITER) as f64 / elapsed
        );
        server.shutdown().await;
    });
}

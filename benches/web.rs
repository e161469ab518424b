//! Web interface benchmarks: how long the server takes to answer a
//! community page holding 50 posts and a post with 500 threaded comments,
//! for a visitor and for a signed-in member, and how many bytes each page
//! and its stylesheet weigh.
//!
//! Run with `cargo bench --bench web` (SQLite); with
//! `RECOLTE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`
//! the instance runs on a throwaway PostgreSQL database. Each page is
//! timed twice, one request at a time: the server's render time (the
//! application called in-process, from the request to the last byte of the
//! body: middleware, database and templates, no socket) and the time of a
//! real HTTP request on loopback (request sent to last byte read by a
//! client). Figures go to BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use common::browser::Browser;
use common::TestInstance;
use diesel::RunQueryDsl;
use recolte::domain::communities::MembershipPolicy;
use recolte::domain::content::{self, PostDraft, Target};
use tower::ServiceExt;

/// Measured loads of each page: enough that its p99 rests on ten samples.
const REQUESTS: usize = 1_000;

/// Unmeasured loads before, which must show the page's expected text.
const WARM_UP: usize = 20;

fn backend() -> &'static str {
    if std::env::var("RECOLTE_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// p50 and p99 of the times, in milliseconds.
fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
    (at(0.50), at(0.99))
}

/// The server's render time of a page: the application answers in-process.
async fn measure_server(
    app: &axum::Router,
    browser: &Browser<'_>,
    path: &str,
    expected: &str,
) -> (f64, f64) {
    let cookie = browser.cookie_header();
    let mut times = Vec::with_capacity(REQUESTS);
    for i in 0..WARM_UP + REQUESTS {
        let request = Request::get(path)
            .header("accept-language", "fr")
            .header("cookie", &cookie)
            .body(Body::empty())
            .expect("request");
        let app = app.clone();
        let start = Instant::now();
        let response = app.oneshot(request).await.expect("answer");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let elapsed = start.elapsed();
        assert_eq!(status, 200, "{path}");
        if i < WARM_UP {
            let body = std::str::from_utf8(&body).expect("UTF-8 page");
            assert!(body.contains(expected), "{path} shows {expected}");
        } else {
            times.push(elapsed);
        }
    }
    percentiles(times)
}

/// The time of a page over HTTP on loopback; also its size in bytes.
async fn measure_http(browser: &mut Browser<'_>, path: &str, expected: &str) -> (f64, f64, usize) {
    let mut size = 0;
    for _ in 0..WARM_UP {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(expected), "{path} shows {expected}");
        size = page.body.len();
    }
    let mut times = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let start = Instant::now();
        let page = browser.get(path).await;
        times.push(start.elapsed());
        assert_eq!(page.status, 200);
    }
    let (p50, p99) = percentiles(times);
    (p50, p99, size)
}

#[tokio::main]
async fn main() {
    let alpha = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    alpha.create_user("bea").await;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    // 50 posts in the community; the last one gets 500 comments: 100
    // answers to the post, each answered four times in a chain.
    let (author, community) = (ana.clone(), climat.clone());
    let post_id = alpha
        .with_db(move |conn, config| {
            let mut last = None;
            for i in 0..50 {
                let draft = PostDraft {
                    title: format!("Retour d'expérience n° {i}"),
                    body: format!(
                        "Compte rendu **{i}** de l'atelier : mobilité, énergie, \
                         sobriété foncière.\n\n- premier point\n- second point"
                    ),
                    link: None,
                    language: Some("fr".into()),
                };
                last = Some(content::create_post(
                    conn,
                    config,
                    &author,
                    Some(&community),
                    &draft,
                )?);
            }
            let post = last.expect("50 posts");
            for i in 0..100 {
                let mut parent = Target::Post(post.clone());
                for depth in 0..5 {
                    let comment = content::create_comment(
                        conn,
                        config,
                        &author,
                        &parent,
                        &format!("Réponse {i}.{depth} : *d'accord*, avec une nuance."),
                    )?;
                    parent = Target::Comment(comment);
                }
            }
            Ok(post.id)
        })
        .await
        .expect("seeding");
    if alpha.db.is_postgres() {
        // A database in service has its statistics: autovacuum would gather
        // them about a minute after this bulk load, in the middle of the
        // measurement; they are gathered now.
        alpha
            .with_db(|conn, _| {
                diesel::sql_query("ANALYZE").execute(conn)?;
                Ok(())
            })
            .await
            .expect("statistics");
    }

    println!(
        "| page ({}) | viewer | server p50 ms | server p99 ms | HTTP p50 ms | HTTP p99 ms | HTML bytes |",
        backend()
    );
    println!("|---|---|---|---|---|---|---|");
    let pages = [
        (
            "community page, 50 posts (first page of 20)",
            "/c/climat".to_string(),
            "n° 30",
        ),
        (
            "post with 500 comments",
            format!("/post/{post_id}"),
            "Réponse 99.4",
        ),
    ];
    let app = recolte::web::router(alpha.state().clone());
    let mut visitor = Browser::new(&alpha, "fr");
    let mut member = Browser::new(&alpha, "fr");
    member.log_in("bea").await;
    for (name, path, expected) in &pages {
        for (viewer, browser) in [("visitor", &mut visitor), ("member", &mut member)] {
            let (server_p50, server_p99) = measure_server(&app, browser, path, expected).await;
            let (http_p50, http_p99, size) = measure_http(browser, path, expected).await;
            println!(
                "| {name} | {viewer} | {server_p50:.2} | {server_p99:.2} | {http_p50:.2} | {http_p99:.2} | {size} |"
            );
        }
    }
    let css = visitor.get("/static/style.css").await;
    assert_eq!(css.status, 200);
    println!("\nStylesheet: {} bytes; scripts: none.", css.body.len());
}

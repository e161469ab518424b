//! Web interface benchmarks: how long the server takes to answer a
//! community page holding 50 posts and a post with 500 threaded comments,
//! for a visitor and for a signed-in member, and how many bytes each page
//! and its stylesheet weigh.
//!
//! Run with `cargo bench --bench web` (SQLite); with
//! `RECOLTE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`
//! the instance runs on a throwaway PostgreSQL database. Times are from the
//! request sent to the last byte read, on loopback, one request at a time.
//! Figures go to BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::browser::Browser;
use common::TestInstance;
use recolte::domain::communities::MembershipPolicy;
use recolte::domain::content::{self, PostDraft, Target};

/// Measured loads of each page: enough that its p99 rests on ten samples.
const REQUESTS: usize = 1_000;

fn backend() -> &'static str {
    if std::env::var("RECOLTE_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `REQUESTS` loads of a page (after 20 unmeasured ones, which must
/// show `expected`); returns p50, p99 and the page's size in bytes.
async fn measure(browser: &mut Browser<'_>, path: &str, expected: &str) -> (f64, f64, usize) {
    let mut size = 0;
    for _ in 0..20 {
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
    times.sort();
    let at = |p: f64| ms(times[((times.len() - 1) as f64 * p).round() as usize]);
    (at(0.50), at(0.99), size)
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

    println!(
        "| page ({}) | viewer | p50 ms | p99 ms | HTML bytes |",
        backend()
    );
    println!("|---|---|---|---|---|");
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
    let mut visitor = Browser::new(&alpha, "fr");
    let mut member = Browser::new(&alpha, "fr");
    member.log_in("bea").await;
    for (name, path, expected) in &pages {
        for (viewer, browser) in [("visitor", &mut visitor), ("member", &mut member)] {
            let (p50, p99, size) = measure(browser, path, expected).await;
            println!("| {name} | {viewer} | {p50:.2} | {p99:.2} | {size} |");
        }
    }
    let css = visitor.get("/static/style.css").await;
    assert_eq!(css.status, 200);
    println!("\nStylesheet: {} bytes; scripts: none.", css.body.len());
}

//! The delivery queue survives `kill -9`: an instance (a real `recolte serve`
//! process) is killed while it delivers a burst of posts to a follower
//! instance, restarted, and every post arrives exactly once.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{create_account, free_port, new_community, test_config, TestDb, TestInstance};
use diesel::prelude::*;
use recolte::db::Db;
use recolte::domain::communities::{self, MembershipPolicy};
use recolte::domain::content::{self, PostDraft};
use recolte::domain::follows::{self, FollowState};

const POSTS: usize = 120;

fn serve(db_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_recolte"))
        .arg("serve")
        .env("RECOLTE_DATABASE_URL", db_url)
        .env("RECOLTE_BIND", format!("127.0.0.1:{port}"))
        .env("RECOLTE_DOMAIN", format!("localhost:{port}"))
        .env("RECOLTE_FEDERATION_ALLOW_HTTP", "true")
        .env("RECOLTE_FEDERATION_DELIVERY_RETRY_SECONDS", "1")
        .env("RECOLTE_FEDERATION_DELIVERY_LEASE_SECONDS", "3")
        .env("RECOLTE_FEDERATION_DELIVERY_PER_INSTANCE", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start recolte serve")
}

async fn wait_healthy(port: u16) {
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if let Ok(r) = client
            .get(format!("http://localhost:{port}/healthz"))
            .send()
            .await
        {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the alpha process never answered");
}

async fn received(beta: &TestInstance, community_id: i64) -> usize {
    beta.with_db(move |conn, _| content::community_posts(conn, community_id, None, 10_000))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn killed_mid_queue_the_sender_resumes_without_loss() {
    let beta = TestInstance::start(&[]).await;
    let bea = beta.create_user("bea").await.actor;

    // alpha: its database prepared here, served by a separate process.
    let (_alpha_db, alpha_url) = TestDb::new();
    let port = free_port();
    let config = test_config(&format!("localhost:{port}"), &alpha_url, &[]);
    let db = Db::open(&config).unwrap();
    let (ana, climat) = {
        let mut pooled = db.get().unwrap();
        let conn: &mut recolte::db::DbConn = &mut pooled;
        let ana = create_account(conn, &config, "ana").actor;
        let climat = communities::create(
            conn,
            &config,
            &new_community("climat", MembershipPolicy::Open),
            &ana,
        )
        .unwrap();
        (ana, climat)
    };
    let mut alpha = serve(&alpha_url, port);
    wait_healthy(port).await;

    let remote =
        recolte::activitypub::resolve::handle(beta.state(), &format!("!climat@localhost:{port}"))
            .await
            .unwrap();
    let (b, r) = (bea.clone(), remote.clone());
    beta.with_db(move |conn, config| follows::follow(conn, config, &b, &r))
        .await
        .unwrap();
    beta.state().federation.wake.notify_one();
    for _ in 0..400 {
        let (b, r) = (bea.id, remote.id);
        let f = beta
            .with_db(move |conn, _| follows::find(conn, b, r))
            .await
            .unwrap();
        if f.is_some_and(|f| f.state() == FollowState::Accepted) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    // A burst of posts, written to alpha's database while its process runs.
    {
        let mut pooled = db.get().unwrap();
        let conn: &mut recolte::db::DbConn = &mut pooled;
        for i in 0..POSTS {
            content::create_post(
                conn,
                &config,
                &ana,
                Some(&climat),
                &PostDraft {
                    title: format!("Publication {i}"),
                    body: "…".into(),
                    link: None,
                    language: None,
                },
            )
            .unwrap();
        }
    }

    // Kill alpha without warning while the queue is half done.
    let mut seen = 0;
    for _ in 0..2000 {
        seen = received(&beta, remote.id).await;
        if seen >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        (1..POSTS).contains(&seen),
        "killed mid-queue ({seen} of {POSTS} delivered)"
    );
    kill_hard(&mut alpha);
    let at_kill = received(&beta, remote.id).await;
    assert!(
        at_kill < POSTS,
        "some posts were still queued when alpha died"
    );

    let mut alpha = serve(&alpha_url, port);
    wait_healthy(port).await;
    let mut got = at_kill;
    for _ in 0..1200 {
        got = received(&beta, remote.id).await;
        if got == POSTS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(got, POSTS, "every post arrives after the restart");

    // The queue drains: each activity went to beta's inbox once, none failed.
    use recolte::schema::deliveries;
    let mut states: Vec<String> = Vec::new();
    for _ in 0..1200 {
        let mut pooled = db.get().unwrap();
        let conn: &mut recolte::db::DbConn = &mut pooled;
        states = deliveries::table
            .select(deliveries::state)
            .load(conn)
            .unwrap();
        if states.iter().all(|s| s == "done") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    kill_hard(&mut alpha);
    assert!(states.iter().all(|s| s == "done"), "{states:?}");
    let mut pooled = db.get().unwrap();
    let conn: &mut recolte::db::DbConn = &mut pooled;
    let per_activity: Vec<(i64, i64)> = deliveries::table
        .group_by(deliveries::activity_id)
        .select((deliveries::activity_id, diesel::dsl::count_star()))
        .load(conn)
        .unwrap();
    assert!(per_activity.iter().all(|(_, n)| *n == 1));
}

fn kill_hard(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

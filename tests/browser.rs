//! The web interface in a real browser: `tests/browser/flows.mjs` drives
//! headless Chromium (playwright-core) through sign-up, a community, a
//! keyboard-only post, comments, likes and the switch to English, then a
//! member of a second instance following the first one's community by its
//! handle and answering its post; audits every main page with axe-core, and
//! writes screenshots.
//!
//! Needs Chromium (`/usr/bin/chromium`, or `RECOLTE_CHROMIUM`) and
//! `npm ci --prefix tests/browser`; `.ci/run` installs both. Without them
//! the test says so and passes, except under CI (`CI` set), where it fails.

mod common;

use std::path::{Path, PathBuf};

use common::TestInstance;

const ADMIN_PASSWORD: &str = "correct horse battery";

fn chromium() -> PathBuf {
    std::env::var_os("RECOLTE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

#[tokio::test]
async fn web_flows_in_chromium_pass_the_accessibility_audit() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let ready = chromium().exists() && suite.join("node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium and the browser suite's packages"
        );
        eprintln!(
            "skipped: no Chromium or no tests/browser/node_modules (npm ci --prefix tests/browser)"
        );
        return;
    }
    let alpha = TestInstance::start(&[]).await;
    alpha
        .with_db(|conn, config| {
            recolte::domain::accounts::create(
                conn,
                config,
                &recolte::domain::accounts::NewAccount {
                    username: "root_admin".into(),
                    email: "admin@example.org".into(),
                    password: ADMIN_PASSWORD.into(),
                    role: recolte::domain::accounts::Role::Admin,
                    signup_reason: String::new(),
                },
                recolte::domain::accounts::AccountStatus::Active,
            )
        })
        .await
        .unwrap();
    let backend = if alpha.db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser-screenshots")
        .join(backend);
    let beta = TestInstance::start(&[]).await;
    beta.create_user("zoe").await;
    let second = beta.base.clone();
    let (base, script, chromium) = (alpha.base.clone(), suite.join("flows.mjs"), chromium());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .env("RECOLTE_BASE", base)
            .env("SCREENSHOTS", &shots)
            .env("RECOLTE_CHROMIUM", chromium)
            .env("RECOLTE_ADMIN", "root_admin")
            .env("RECOLTE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RECOLTE_SECOND_BASE", second)
            .env("RECOLTE_SECOND_USER", "zoe")
            .env("RECOLTE_SECOND_PASSWORD", ADMIN_PASSWORD)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs");
    let log = String::from_utf8_lossy(&output.stdout);
    println!("{log}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the browser flows failed:\n{log}");
}

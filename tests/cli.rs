//! The `recolte` binary: admin commands, configuration errors, an
//! unreachable database, and `serve` answering WebFinger for a user created
//! from the command line, then stopping on SIGTERM.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::TestDb;

fn recolte(db_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recolte"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RECOLTE_DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .current_dir(std::env::temp_dir());
    cmd
}

fn run(db_url: &str, args: &[&str]) -> Output {
    recolte(db_url, args).output().expect("run recolte")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn admin_commands_create_list_and_change_passwords() {
    let (_db, url) = TestDb::new();
    let out = run(
        &url,
        &[
            "admin",
            "create-user",
            "alice",
            "--email",
            "alice@example.org",
            "--password",
            "correct horse",
            "--admin",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created alice (alice@example.org) as admin"));

    // The same name or e-mail again: a precise error, nothing changed.
    let out = run(
        &url,
        &[
            "admin",
            "create-user",
            "ALICE",
            "--email",
            "other@example.org",
            "--password",
            "correct horse",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("username: 'alice' is already taken"));
    let out = run(
        &url,
        &[
            "admin",
            "create-user",
            "alicia",
            "--email",
            "Alice@example.org",
            "--password",
            "correct horse",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("email: an account already uses"));
    let out = run(
        &url,
        &[
            "admin",
            "create-user",
            "bob!",
            "--email",
            "b@example.org",
            "--password",
            "correct horse",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("username: may only contain"));

    // The password may come from standard input.
    let mut child = recolte(
        &url,
        &["admin", "create-user", "bob", "--email", "bob@example.org"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from standard input\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(&url, &["admin", "list-users"]);
    assert!(out.status.success());
    let listing = text(&out.stdout);
    assert!(listing.contains("alice") && listing.contains("admin"));
    assert!(listing.contains("bob") && listing.contains("member"));
    assert!(listing.contains("2 account(s)"));

    let out = run(
        &url,
        &["admin", "set-password", "bob", "--password", "tiny"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("password: must be at least 8"));
    let out = run(
        &url,
        &[
            "admin",
            "set-password",
            "nobody",
            "--password",
            "long enough",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no account named 'nobody'"));
    let out = run(
        &url,
        &[
            "admin",
            "set-password",
            "bob",
            "--password",
            "a new password",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn bad_configuration_stops_with_the_key_and_reason() {
    let (_db, url) = TestDb::new();
    for (var, value, expected) in [
        ("RECOLTE_BIND", "not-an-address", "bind (RECOLTE_BIND)"),
        ("RECOLTE_DOMAIN", "http://x.org/", "domain (RECOLTE_DOMAIN)"),
        (
            "RECOLTE_FEDERATION_ALLOW_HTTP",
            "perhaps",
            "federation.allow_http (RECOLTE_FEDERATION_ALLOW_HTTP)",
        ),
        (
            "RECOLTE_INSTANCE_REGISTRATION_MODE",
            "sometimes",
            "instance.registration_mode",
        ),
    ] {
        let out = recolte(&url, &["serve"]).env(var, value).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{var}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("recolte.toml");
    std::fs::write(
        &file,
        "domain = \"ok.example\"\n[database]\npool_size = 0\n",
    )
    .unwrap();
    let out = run(
        &url,
        &["--config", file.to_str().unwrap(), "config", "check"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("database.pool_size"));
    std::fs::write(&file, "domain = \"ok.example\"\nunknown_key = 1\n").unwrap();
    let out = run(
        &url,
        &["--config", file.to_str().unwrap(), "config", "check"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown_key"));
    std::fs::write(&file, "domain = \"ok.example\"\n").unwrap();
    let out = run(
        &url,
        &["--config", file.to_str().unwrap(), "config", "check"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("https://ok.example"));
}

#[test]
fn config_check_prints_the_settings_in_force() {
    let (_db, url) = TestDb::new();
    let out = run(&url, &["config", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("registration    open"), "{stdout}");
    assert!(!stdout.contains("Réseau des tiers-lieux"));
    // Once an administrator saved them, the saved settings are the ones shown.
    let config = common::test_config("ok.example", &url, &[]);
    let db = recolte::db::Db::open(&config).unwrap();
    {
        use diesel::prelude::*;
        use recolte::schema::instance_settings as s;
        diesel::insert_into(s::table)
            .values((
                s::id.eq(1_i64),
                s::name.eq("Réseau des tiers-lieux"),
                s::description.eq(""),
                s::accent.eq("#2b6534"),
                s::registration_mode.eq("closed"),
                s::updated_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut *db.get().unwrap() as &mut recolte::db::DbConn)
            .unwrap();
    }
    drop(db);
    let out = run(&url, &["config", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("instance name   Réseau des tiers-lieux"),
        "{stdout}"
    );
    assert!(stdout.contains("registration    closed"), "{stdout}");
}

#[test]
fn unreachable_postgres_is_a_clear_error() {
    let out = run(
        "postgres://postgres@127.0.0.1:1/recolte",
        &[
            "admin",
            "create-user",
            "x1",
            "--email",
            "x@example.org",
            "--password",
            "long enough",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn migrate_is_idempotent() {
    let (_db, url) = TestDb::new();
    for _ in 0..2 {
        let out = run(&url, &["migrate"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("database is up to date"));
    }
}

#[tokio::test]
async fn serve_answers_webfinger_for_a_cli_user_and_stops_on_sigterm() {
    let (_db, url) = TestDb::new();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let domain = format!("localhost:{port}");
    let out = recolte(
        &url,
        &[
            "admin",
            "create-user",
            "alice",
            "--email",
            "alice@example.org",
            "--password",
            "correct horse",
        ],
    )
    .env("RECOLTE_DOMAIN", &domain)
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut child = recolte(&url, &["serve"])
        .env("RECOLTE_BIND", format!("127.0.0.1:{port}"))
        .env("RECOLTE_DOMAIN", &domain)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://{domain}");
    let mut ready = false;
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status() == 200 {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "the server answers /healthz");

    let jrd: serde_json::Value = client
        .get(format!(
            "{base}/.well-known/webfinger?resource=acct:alice@{domain}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let href = jrd["links"][0]["href"].as_str().unwrap().to_string();
    assert_eq!(href, format!("{base}/u/alice"));
    let person: serde_json::Value = client
        .get(&href)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(person["publicKey"]["publicKeyPem"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let info: serde_json::Value = client
        .get(format!("{base}/nodeinfo/2.1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["usage"]["users"]["total"], 1);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = exited.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("the server did not stop on SIGTERM")
    });
    assert!(status.success(), "graceful exit: {status:?}");
}

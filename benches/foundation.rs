//! Foundation benchmarks: cold start to first served request, idle resident
//! memory, and account creation throughput.
//!
//! Run with `cargo bench --bench foundation`. Set `RECOLTE_BENCH_DATABASE_URL`
//! to a PostgreSQL server URL (`postgres://postgres@127.0.0.1:5432/postgres`)
//! to measure account creation on PostgreSQL too. Figures go to BENCHMARKS.md.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use recolte::config::Config;
use recolte::db::Db;
use recolte::domain::accounts::{self, AccountStatus, NewAccount, Role};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn spawn_server(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_recolte"))
        .arg("serve")
        .env("RECOLTE_DATA_DIR", dir)
        .env("RECOLTE_BIND", format!("127.0.0.1:{port}"))
        .env("RECOLTE_DOMAIN", format!("localhost:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn recolte")
}

/// Starts a server and measures the time from spawning the process to the
/// first 200 from /healthz.
fn time_to_first_request(dir: &std::path::Path, port: u16) -> (Duration, Child) {
    let start = Instant::now();
    let mut child = spawn_server(dir, port);
    while !healthy(port) {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server never answered");
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    (start.elapsed(), child)
}

fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf.starts_with("HTTP/1.1 200")
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn cold_start() {
    const RUNS: usize = 15;
    let mut fresh = Vec::new();
    let mut restart = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        // The same domain (host and port) on restart: the instance's actors are tied to it.
        let port = free_port();
        let (t, child) = time_to_first_request(dir.path(), port);
        fresh.push(t);
        stop(child);
        let (t, child) = time_to_first_request(dir.path(), port);
        restart.push(t);
        // A few requests, then idle.
        for path in ["/", "/nodeinfo/2.1", "/actor", "/.well-known/nodeinfo"] {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                use std::io::{Read, Write};
                let _ = write!(
                    s,
                    "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                );
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        rss.push(rss_kib(child.id()));
        stop(child);
    }
    fresh.sort();
    restart.sort();
    rss.sort();
    println!("## Cold start to first served request (SQLite, {RUNS} runs)");
    println!("| case | p50 ms | p90 ms | max ms |");
    println!("|---|---|---|---|");
    for (name, v) in [
        ("fresh data dir (migrations + instance key)", &fresh),
        ("existing database", &restart),
    ] {
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} |",
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.9)),
            ms(*v.last().unwrap())
        );
    }
    println!();
    println!("## Idle resident memory after start and 4 requests");
    println!(
        "VmRSS p50 {:.1} MiB, max {:.1} MiB",
        rss[rss.len() / 2] as f64 / 1024.0,
        *rss.last().unwrap() as f64 / 1024.0
    );
    println!();
}

fn account_creation(label: &str, database_url: &str) {
    const ACCOUNTS: usize = 40;
    let mut env = BTreeMap::new();
    env.insert("RECOLTE_DATABASE_URL".to_string(), database_url.to_string());
    let config = Config::from_sources(None, "", &env).unwrap();
    let db = Db::open(&config).unwrap();
    for threads in [1usize, 2] {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for t in 0..threads {
                let db = db.clone();
                let config = config.clone();
                scope.spawn(move || {
                    let mut conn = db.get().unwrap();
                    for i in 0..ACCOUNTS / threads {
                        let name = format!("u{threads}_{t}_{i}");
                        accounts::create(
                            &mut conn,
                            &config,
                            &NewAccount {
                                username: name.clone(),
                                email: format!("{name}@example.org"),
                                password: "correct horse battery".into(),
                                role: Role::Member,
                                signup_reason: String::new(),
                            },
                            AccountStatus::Active,
                        )
                        .unwrap();
                    }
                });
            }
        });
        let elapsed = start.elapsed();
        println!(
            "| {label} | {threads} | {ACCOUNTS} | {:.0} | {:.1} |",
            ms(elapsed) / ACCOUNTS as f64,
            ACCOUNTS as f64 / elapsed.as_secs_f64()
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; nothing to filter here.
    cold_start();
    println!("## Account creation (argon2id hash + RSA-2048 key pair + 3 inserts)");
    println!("| database | threads | accounts | ms/account | accounts/s |");
    println!("|---|---|---|---|---|");
    let dir = tempfile::tempdir().unwrap();
    account_creation("SQLite", &dir.path().join("bench.db").display().to_string());
    if let Ok(admin) = std::env::var("RECOLTE_BENCH_DATABASE_URL") {
        let name = format!("recolte_bench_{}", std::process::id());
        let mut conn = PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        account_creation("PostgreSQL", url.as_str());
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
    }
}

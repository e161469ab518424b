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

mod api_bench;

use std::time::{Duration, Instant};

use api_bench::{percentile, size, Throwaway};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

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
    let database = Throwaway::new("streaming");
    runtime.block_on(async {
        let server = database.serve().await;
        let port = server.addr.port();
        let state = server.state.clone();
        let config = state.config.clone();
        // One token per client: each stays within its own rate limit.
        let tokens = state
            .db
            .run(move |conn| Ok(api_bench::alice_with_tokens(conn, &config, clients + 1)?.1))
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
}

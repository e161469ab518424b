//! The delivery worker: claims due deliveries from the database, signs them
//! with the sending actor's key and POSTs them, with a bounded number of
//! requests in flight in all and per destination instance.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::{watch, Notify, Semaphore};

use super::Due;
use crate::activitypub::fetch::Fetcher;
use crate::config::Config;
use crate::db::{Db, DbConn};
use crate::error::Error;
use recolte_federation::signatures;

/// How often the worker looks for due rows when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);

/// Asks again, once, follows of remote actors left pending too long.
async fn retry_pending_follows(shared: &Shared) {
    let config = shared.config.clone();
    let after = chrono::Duration::seconds(config.follow_retry_seconds as i64);
    match shared
        .db
        .run(move |conn| crate::domain::follows::retry_pending(conn, &config, after))
        .await
    {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(follows = n, "asked again for follows left pending");
            shared.wake.notify_one();
        }
        Err(e) => tracing::warn!(error = %e, "cannot retry pending follows"),
    }
}

/// How often the worker logs what it did.
const PROGRESS_EVERY: Duration = Duration::from_secs(60);

/// One log line of progress, when something happened since the last one.
fn report_progress(shared: &Shared) {
    let delivered = shared.delivered.swap(0, Ordering::Relaxed);
    let failures = shared.failures.swap(0, Ordering::Relaxed);
    if delivered + failures > 0 {
        tracing::info!(
            delivered,
            failed_attempts = failures,
            "delivery queue progress"
        );
    }
}

struct Shared {
    db: Db,
    config: Arc<Config>,
    fetcher: Arc<Fetcher>,
    wake: Arc<Notify>,
    all: Arc<Semaphore>,
    per_instance: Mutex<HashMap<i64, Arc<Semaphore>>>,
    in_flight: Mutex<HashSet<i64>>,
    keys: Mutex<HashMap<i64, (Arc<signatures::PrivateKey>, String)>>,
    /// Deliveries done and failed attempts since the last progress line.
    delivered: AtomicU64,
    failures: AtomicU64,
}

/// Starts the worker; it stops claiming when `stop` turns true.
pub fn spawn(
    db: Db,
    config: Arc<Config>,
    fetcher: Arc<Fetcher>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let shared = Arc::new(Shared {
        all: Arc::new(Semaphore::new(config.delivery_concurrency as usize)),
        db,
        config,
        fetcher,
        wake,
        per_instance: Mutex::new(HashMap::new()),
        in_flight: Mutex::new(HashSet::new()),
        keys: Mutex::new(HashMap::new()),
        delivered: AtomicU64::new(0),
        failures: AtomicU64::new(0),
    });
    tokio::spawn(async move {
        let mut last_prune = std::time::Instant::now();
        let mut last_report = std::time::Instant::now();
        let mut last_follow_check = std::time::Instant::now();
        // A quarter of the wait before asking again, between 1 and 30 s.
        let follow_check_every =
            Duration::from_secs((shared.config.follow_retry_seconds / 4).clamp(1, 30) as u64);
        loop {
            if *stop.borrow() {
                break;
            }
            if last_follow_check.elapsed() > follow_check_every {
                last_follow_check = std::time::Instant::now();
                retry_pending_follows(&shared).await;
            }
            if last_report.elapsed() > PROGRESS_EVERY {
                last_report = std::time::Instant::now();
                report_progress(&shared);
            }
            if let Err(e) = claim_and_send(&shared).await {
                tracing::warn!(error = %e, "delivery queue: claiming failed");
            }
            if last_prune.elapsed() > Duration::from_secs(3600) {
                last_prune = std::time::Instant::now();
                let pruned = shared
                    .db
                    .run(|conn| super::prune(conn, chrono::Duration::days(7)))
                    .await;
                if let Ok(n) = pruned {
                    tracing::info!(rows = n, "delivery queue: pruned finished deliveries");
                }
            }
            tokio::select! {
                _ = shared.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
    })
}

/// Claims as many due rows as there is room for, and starts sending them.
async fn claim_and_send(shared: &Arc<Shared>) -> Result<(), Error> {
    loop {
        let room = shared.all.available_permits();
        if room == 0 {
            return Ok(());
        }
        let lease = chrono::Duration::seconds(shared.config.delivery_lease_seconds as i64);
        let limit = room.min(100) as i64;
        let claimed = shared
            .db
            .run(move |conn| super::claim(conn, limit, lease))
            .await?;
        let mut started = 0;
        for due in claimed {
            if !shared
                .in_flight
                .lock()
                .map(|mut s| s.insert(due.id))
                .unwrap_or(false)
            {
                continue;
            }
            let Ok(permit) = shared.all.clone().acquire_owned().await else {
                return Ok(());
            };
            started += 1;
            let shared = shared.clone();
            tokio::spawn(async move {
                let id = due.id;
                send(&shared, due).await;
                if let Ok(mut s) = shared.in_flight.lock() {
                    s.remove(&id);
                }
                drop(permit);
                // The next activity about the same object may now be due.
                shared.wake.notify_one();
            });
        }
        if started == 0 {
            return Ok(());
        }
    }
}

fn instance_gate(shared: &Shared, instance_id: i64) -> Arc<Semaphore> {
    let per = shared.config.delivery_per_instance as usize;
    shared
        .per_instance
        .lock()
        .map(|mut m| {
            m.entry(instance_id)
                .or_insert_with(|| Arc::new(Semaphore::new(per)))
                .clone()
        })
        .unwrap_or_else(|_| Arc::new(Semaphore::new(per)))
}

/// What one attempt came to.
enum Outcome {
    Delivered,
    Retry(String),
    GiveUp(String),
}

async fn send(shared: &Arc<Shared>, due: Due) {
    let gate = instance_gate(shared, due.instance_id);
    let outcome = match gate.acquire().await {
        Ok(_permit) => attempt(shared, &due).await,
        Err(_) => Outcome::Retry("shutting down".into()),
    };
    let result = match &outcome {
        Outcome::Delivered => {
            tracing::debug!(inbox = %due.inbox_url, "delivered");
            shared.delivered.fetch_add(1, Ordering::Relaxed);
            let d = due.clone();
            shared.db.run(move |conn| super::delivered(conn, &d)).await
        }
        Outcome::Retry(error) | Outcome::GiveUp(error) => {
            let permanent = matches!(outcome, Outcome::GiveUp(_));
            shared.failures.fetch_add(1, Ordering::Relaxed);
            tracing::info!(inbox = %due.inbox_url, attempts = due.attempts + 1, permanent, error, "delivery failed");
            let (d, error, config) = (due.clone(), error.clone(), shared.config.clone());
            shared
                .db
                .run(move |conn| super::failed(conn, &config, &d, &error, permanent))
                .await
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "delivery queue: cannot record the outcome");
    }
}

async fn attempt(shared: &Arc<Shared>, due: &Due) -> Outcome {
    let Ok(url) = url::Url::parse(&due.inbox_url) else {
        return Outcome::GiveUp("the inbox is not a URL".into());
    };
    if let Err(e) = shared.fetcher.check_url(&url).await {
        return match e {
            crate::activitypub::fetch::FetchError::Refused(m) => Outcome::GiveUp(m),
            other => Outcome::Retry(other.to_string()),
        };
    }
    let Some(actor_id) = due.actor_id else {
        return Outcome::GiveUp("the activity has no sending actor".into());
    };
    let (key, key_id) = match signing_key(shared, actor_id).await {
        Ok(k) => k,
        Err(e) => return Outcome::GiveUp(e.to_string()),
    };
    let body = due.payload.clone().into_bytes();
    let signed = {
        let body = body.clone();
        let url = url.clone();
        match tokio::task::spawn_blocking(move || {
            signatures::sign_request(&key, &key_id, &url, Some(&body), SystemTime::now())
        })
        .await
        {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Outcome::GiveUp(format!("cannot sign: {e}")),
            Err(e) => return Outcome::Retry(format!("signing failed: {e}")),
        }
    };
    let response = shared
        .fetcher
        .client()
        .post(url)
        .header("Content-Type", recolte_federation::ACTIVITY_JSON)
        .header("Date", signed.date)
        .header("Digest", signed.digest.unwrap_or_default())
        .header("Signature", signed.signature)
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => Outcome::Delivered,
        // The receiver already has it (a re-send after a crash): done.
        Ok(r) if r.status() == reqwest::StatusCode::CONFLICT => Outcome::Delivered,
        Ok(r) => {
            let status = r.status().as_u16();
            let text: String = r
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            let message = format!("status {status}: {text}");
            if (400..500).contains(&status) && status != 408 && status != 429 {
                Outcome::GiveUp(message)
            } else {
                Outcome::Retry(message)
            }
        }
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

/// The private key (parsed once, then cached) and key id of a local actor.
async fn signing_key(
    shared: &Arc<Shared>,
    actor_id: i64,
) -> Result<(Arc<signatures::PrivateKey>, String), Error> {
    if let Some(cached) = shared
        .keys
        .lock()
        .ok()
        .and_then(|k| k.get(&actor_id).cloned())
    {
        return Ok(cached);
    }
    let (pem, ap_id) = shared
        .db
        .run(move |conn: &mut DbConn| {
            use crate::schema::actors;
            use diesel::prelude::*;
            Ok(actors::table
                .find(actor_id)
                .select((actors::private_key_pem, actors::ap_id))
                .first::<(Option<String>, String)>(conn)?)
        })
        .await?;
    let key_id = recolte_federation::actors::ActorDocument::main_key_id(&ap_id);
    let pem = pem.ok_or_else(|| Error::Internal("the sending actor has no private key".into()))?;
    let key = tokio::task::spawn_blocking(move || signatures::private_key(&pem))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))?;
    let entry = (Arc::new(key), key_id);
    if let Ok(mut k) = shared.keys.lock() {
        k.insert(actor_id, entry.clone());
    }
    Ok(entry)
}

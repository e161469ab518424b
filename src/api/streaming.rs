//! Streaming over WebSocket (`/api/v1/streaming`): the `user`,
//! `user:notification`, `public`, `public:local` and `public:remote`
//! streams, chosen by the `stream` parameter or by `subscribe` /
//! `unsubscribe` messages, with `update` and `notification` events as
//! Mastodon sends them; and `/api/v1/streaming/health`.
//!
//! One poller per server reads what arrived in the database every 50 ms
//! (new statuses, new notifications, whichever door they came through)
//! and broadcasts it; each connection keeps what its streams show, as its
//! viewer sees it. The poller runs only while someone listens.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};
use tokio::sync::{broadcast, Mutex};

use super::{entities, notifications::render as render_notifications, run, ApiError, Query};
use crate::db::Db;
use crate::domain::notifications::{self, Notification};
use crate::domain::oauth::{find_grant, Grant};
use crate::domain::statuses::{self, Page, StatusFacts, Timeline};
use crate::error::Error;
use crate::web::AppState;

/// How often the database is read for what arrived.
const POLL: Duration = Duration::from_millis(50);
/// Most notifications read at once.
const BATCH_MAX: i64 = 500;

/// What arrived since the last poll: statuses with ids in
/// `(after, upto]`, and notifications.
#[derive(Debug)]
pub struct Arrivals {
    after: i64,
    upto: i64,
    notifications: Vec<Notification>,
}

/// The server's fan-out point.
pub struct Hub {
    sender: broadcast::Sender<Arc<Arrivals>>,
    poller: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            sender: broadcast::channel(256).0,
            poller: Mutex::new(None),
        })
    }

    /// Listens, starting the poller if nobody was listening: once this
    /// returns, whatever arrives next reaches the receiver.
    async fn subscribe(
        self: &Arc<Self>,
        db: &Db,
    ) -> Result<broadcast::Receiver<Arc<Arrivals>>, Error> {
        let mut poller = self.poller.lock().await;
        if poller.is_none() {
            let cursors = db
                .run(|conn| Ok((statuses::newest_id(conn)?, notifications::newest_id(conn)?)))
                .await?;
            *poller = Some(tokio::spawn(poll(self.clone(), db.clone(), cursors)));
        }
        Ok(self.sender.subscribe())
    }
}

async fn poll(hub: Arc<Hub>, db: Db, cursors: (i64, i64)) {
    let (mut status_cursor, mut notification_cursor) = cursors;
    loop {
        tokio::time::sleep(POLL).await;
        {
            // Stop under the lock, so that a new listener restarts the poller.
            let mut poller = hub.poller.lock().await;
            if hub.sender.receiver_count() == 0 {
                *poller = None;
                return;
            }
        }
        let after = notification_cursor;
        let read = db
            .run(move |conn| {
                Ok((
                    statuses::newest_id(conn)?,
                    notifications::written_after(conn, after, BATCH_MAX)?,
                ))
            })
            .await;
        let (newest, arrived) = match read {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "streaming poll failed");
                continue;
            }
        };
        if newest <= status_cursor && arrived.is_empty() {
            continue;
        }
        if let Some(last) = arrived.last() {
            notification_cursor = last.id;
        }
        let arrivals = Arrivals {
            after: status_cursor,
            upto: newest.max(status_cursor),
            notifications: arrived,
        };
        status_cursor = arrivals.upto;
        let _ = hub.sender.send(Arc::new(arrivals));
    }
}

pub async fn health() -> Response {
    ([(header::CONTENT_TYPE, "text/plain")], "OK").into_response()
}

/// The streams served, and what each needs.
fn check_stream(stream: &str, grant: Option<&Grant>) -> Result<(), String> {
    let needs = match stream {
        "public" | "public:local" | "public:remote" => None,
        "user" => Some("read:statuses"),
        "user:notification" => Some("read:notifications"),
        other => return Err(format!("Unknown stream type: {other}")),
    };
    match (needs, grant) {
        (None, _) => Ok(()),
        (Some(scope), Some(g)) if g.account.is_some() && g.scopes.grants(scope) => Ok(()),
        (Some(_), _) => Err("Access token does not grant this stream".into()),
    }
}

/// The token of a streaming request: `access_token`, the bearer header, or
/// the WebSocket protocol (as some browsers' apps send it).
fn token_of(params: &super::Params, headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(t) = params.text("access_token").filter(|t| !t.is_empty()) {
        return Some((t, false));
    }
    if let Some(t) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some((t.trim().to_string(), false));
    }
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .map(|t| (t.trim().to_string(), true))
        .filter(|(t, _)| !t.is_empty())
}

pub async fn websocket(
    State(state): State<AppState>,
    Extension(hub): Extension<Arc<Hub>>,
    Query(params): Query,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let token = token_of(&params, &headers);
    let grant = match &token {
        Some((t, _)) => {
            let t = t.clone();
            let found = state.db.run(move |conn| find_grant(conn, &t)).await?;
            Some(found.ok_or_else(ApiError::unauthorized)?)
        }
        None => None,
    };
    let mut streams = BTreeSet::new();
    if let Some(stream) = params.text("stream").filter(|s| !s.is_empty()) {
        check_stream(&stream, grant.as_ref())
            .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, m))?;
        streams.insert(stream);
    }
    let upgrade = match token {
        Some((t, true)) => upgrade.protocols([t]),
        _ => upgrade,
    };
    let receiver = hub.subscribe(&state.db).await?;
    Ok(upgrade.on_upgrade(move |socket| session(socket, state, grant, streams, receiver)))
}

/// One WebSocket connection: answers subscriptions, sends events.
async fn session(
    mut socket: WebSocket,
    state: AppState,
    grant: Option<Grant>,
    mut streams: BTreeSet<String>,
    mut receiver: broadcast::Receiver<Arc<Arrivals>>,
) {
    loop {
        tokio::select! {
            message = socket.recv() => {
                let Some(Ok(message)) = message else { return };
                match message {
                    Message::Text(text) => {
                        if let Some(error) = change_streams(&text, &mut streams, grant.as_ref()) {
                            let reply = json!({ "error": error }).to_string();
                            if socket.send(Message::Text(reply.into())).await.is_err() {
                                return;
                            }
                        }
                    }
                    // The close reply goes out on the next read, which then ends.
                    Message::Close(_) => continue,
                    _ => {}
                }
            }
            arrived = receiver.recv() => {
                let arrivals = match arrived {
                    Ok(a) => a,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "a streaming client fell behind");
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let events = match events_for(&state, grant.as_ref(), &streams, arrivals).await {
                    Ok(events) => events,
                    Err(e) => {
                        tracing::warn!(error = ?e, "streaming events could not be made");
                        continue;
                    }
                };
                for event in events {
                    if socket.send(Message::Text(event.to_string().into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// Applies a `subscribe` / `unsubscribe` message; returns an error to send.
fn change_streams(
    text: &str,
    streams: &mut BTreeSet<String>,
    grant: Option<&Grant>,
) -> Option<String> {
    let message: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return Some("Could not parse the message as JSON".into()),
    };
    let stream = message["stream"].as_str().unwrap_or_default().to_string();
    match message["type"].as_str() {
        Some("subscribe") => match check_stream(&stream, grant) {
            Ok(()) => {
                streams.insert(stream);
                None
            }
            Err(e) => Some(e),
        },
        Some("unsubscribe") => {
            streams.remove(&stream);
            None
        }
        _ => Some("Unknown message type: use subscribe or unsubscribe".into()),
    }
}

/// An event as Mastodon's streaming sends it: the payload is JSON text.
fn event(stream: &str, kind: &str, payload: &Value) -> Value {
    json!({ "stream": [stream], "event": kind, "payload": payload.to_string() })
}

/// The events a connection's streams show for what arrived, oldest first.
async fn events_for(
    state: &AppState,
    grant: Option<&Grant>,
    streams: &BTreeSet<String>,
    arrivals: Arc<Arrivals>,
) -> Result<Vec<Value>, ApiError> {
    if streams.is_empty() {
        return Ok(vec![]);
    }
    let viewer = grant.and_then(|g| g.account.as_ref()).map(|a| a.actor.id);
    let streams = streams.clone();
    run(state, move |conn, config| {
        let page = Page {
            since_id: Some(arrivals.after),
            max_id: Some(arrivals.upto + 1),
            min_id: None,
            limit: (arrivals.upto - arrivals.after).clamp(1, 1000),
        };
        let mut events = Vec::new();
        for stream in &streams {
            let timeline = match stream.as_str() {
                "user" => viewer.map(Timeline::Home),
                "public" => Some(Timeline::Public(None)),
                "public:local" => Some(Timeline::Public(Some(true))),
                "public:remote" => Some(Timeline::Public(Some(false))),
                _ => None,
            };
            if let Some(timeline) = timeline.filter(|_| arrivals.upto > arrivals.after) {
                let mut list = statuses::timeline(conn, timeline, &page)?;
                list.reverse();
                let facts = StatusFacts::load(conn, &list, viewer)?;
                for status in &list {
                    if let Some(value) = entities::status(config, status, &facts) {
                        events.push(event(stream, "update", &value));
                    }
                }
            }
            let notified = matches!(stream.as_str(), "user" | "user:notification");
            if let (true, Some(me)) = (notified, viewer) {
                let mine: Vec<Notification> = arrivals
                    .notifications
                    .iter()
                    .filter(|n| n.recipient_id == me)
                    .cloned()
                    .collect();
                if !mine.is_empty() {
                    for value in render_notifications(conn, config, &mine, me)? {
                        events.push(event(stream, "notification", &value));
                    }
                }
            }
        }
        Ok(events)
    })
    .await
}

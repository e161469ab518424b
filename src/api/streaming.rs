//! Streaming, over WebSocket (`/api/v1/streaming`, streams chosen by the
//! `stream` parameter or by `subscribe` / `unsubscribe` messages) and as
//! server-sent events (`/api/v1/streaming/user`, `/public/local`,
//! `/hashtag?tag=`, `/list?list=`…, one stream per request): the `user`,
//! `user:notification`, `public`, `public:local`, `public:remote`,
//! `hashtag`, `hashtag:local` and `list` streams, with `update`,
//! `notification`, `delete` and `status.update` events as Mastodon sends
//! them; and `/api/v1/streaming/health`.
//!
//! One poller per server reads what arrived in the database (new statuses,
//! notifications, deletions and edits, whichever door they came through)
//! and broadcasts it. It reads as soon as a request that may have written
//! ends ([`Hub::wake`], called by the router for every POST, PUT, PATCH and
//! DELETE), at most every [`MIN_GAP`], and every [`POLL`] anyway for
//! writes from elsewhere (another process, the delivery worker). Each
//! connection, whatever its transport, turns what arrived into the events
//! its streams show ([`events_for`]): the user and list streams as their
//! viewer sees them (their filters applied: `hide` drops a status, `warn`
//! marks it `filtered`), the public and hashtag streams as anyone does (as
//! Mastodon renders them, without any viewer's filters), made and
//! serialised once per arrival and shared by every connection listening
//! to the same stream. The poller runs only while someone listens.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::{broadcast, Mutex, Notify, OnceCell};

use super::{
    entities, notifications::render as render_notifications, run, ApiError, Params, Query,
};
use crate::db::Db;
use crate::domain::filters::{self, ActiveFilters};
use crate::domain::notifications::{self, Notification};
use crate::domain::oauth::{find_grant, Grant};
use crate::domain::statuses::{self, Page, StatusChange, StatusFacts, Timeline};
use crate::domain::{lists, tags};
use crate::error::Error;
use crate::web::AppState;

/// How often the database is read for what arrived when no request wakes
/// the poller.
const POLL: Duration = Duration::from_millis(50);
/// The shortest time between two reads, however many writes wake the
/// poller (a busy inbox would otherwise have it read on every activity).
const MIN_GAP: Duration = Duration::from_millis(5);
/// Most notifications read at once.
const BATCH_MAX: i64 = 500;

/// What arrived since the last poll: statuses with ids in
/// `(after, upto]`, notifications, deletions and edits.
#[derive(Debug)]
pub struct Arrivals {
    after: i64,
    upto: i64,
    notifications: Vec<Notification>,
    changes: Vec<StatusChange>,
    /// The events of streams that show the same to everyone, made by the
    /// first connection that needs them.
    shared: std::sync::Mutex<HashMap<Stream, SharedEvents>>,
}

/// The events of a shared stream, made once (the other connections await
/// them without holding a database connection).
type SharedEvents = Arc<OnceCell<Result<Vec<Arc<StreamEvent>>, String>>>;

/// An event ready to send, serialised once however many receive it.
#[derive(Debug)]
pub struct StreamEvent {
    /// `update`, `notification`, `delete` or `status.update`.
    kind: &'static str,
    /// The payload, as server-sent events carry it.
    payload: String,
    /// The whole event, as a WebSocket text message.
    text: String,
}

/// The server's fan-out point.
pub struct Hub {
    sender: broadcast::Sender<Arc<Arrivals>>,
    poller: Mutex<Option<tokio::task::JoinHandle<()>>>,
    wake: Notify,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            sender: broadcast::channel(256).0,
            poller: Mutex::new(None),
            wake: Notify::new(),
        })
    }

    /// Something may have been written: the poller reads now (or after
    /// [`MIN_GAP`]) instead of at its next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
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
                .run(|conn| {
                    Ok((
                        statuses::newest_id(conn)?,
                        notifications::newest_id(conn)?,
                        statuses::newest_change_id(conn)?,
                    ))
                })
                .await?;
            *poller = Some(tokio::spawn(poll(self.clone(), db.clone(), cursors)));
        }
        Ok(self.sender.subscribe())
    }
}

async fn poll(hub: Arc<Hub>, db: Db, cursors: (i64, i64, i64)) {
    let (mut status_cursor, mut notification_cursor, mut change_cursor) = cursors;
    let mut last_read = Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = hub.wake.notified() => tokio::time::sleep_until((last_read + MIN_GAP).into()).await,
        }
        last_read = Instant::now();
        {
            // Stop under the lock, so that a new listener restarts the poller.
            let mut poller = hub.poller.lock().await;
            if hub.sender.receiver_count() == 0 {
                *poller = None;
                return;
            }
        }
        let (after, changes_after) = (notification_cursor, change_cursor);
        let read = db
            .run(move |conn| {
                Ok((
                    statuses::newest_id(conn)?,
                    notifications::written_after(conn, after, BATCH_MAX)?,
                    statuses::changes_after(conn, changes_after, BATCH_MAX)?,
                ))
            })
            .await;
        let (newest, arrived, changes) = match read {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "streaming poll failed");
                continue;
            }
        };
        if newest <= status_cursor && arrived.is_empty() && changes.is_empty() {
            continue;
        }
        if let Some(last) = arrived.last() {
            notification_cursor = last.id;
        }
        if let Some(last) = changes.last() {
            change_cursor = last.id;
        }
        let arrivals = Arrivals {
            after: status_cursor,
            upto: newest.max(status_cursor),
            notifications: arrived,
            changes,
            shared: Default::default(),
        };
        status_cursor = arrivals.upto;
        let _ = hub.sender.send(Arc::new(arrivals));
    }
}

pub async fn health() -> Response {
    ([(header::CONTENT_TYPE, "text/plain")], "OK").into_response()
}

/// A stream a client listens to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Stream {
    User,
    UserNotification,
    /// `Some(true)` local only, `Some(false)` remote only.
    Public(Option<bool>),
    /// A tag (as asked), local statuses only or all.
    Hashtag {
        tag: String,
        local: bool,
    },
    List(i64),
}

/// Longest tag name a hashtag stream accepts, in bytes.
const STREAM_TAG_MAX: usize = 400;

impl Stream {
    /// Whether it shows the same to everyone.
    fn shared(&self) -> bool {
        matches!(self, Stream::Public(_) | Stream::Hashtag { .. })
    }

    /// The `stream` of its events: its name, and its tag or list.
    fn names(&self) -> Value {
        match self {
            Stream::User => json!(["user"]),
            Stream::UserNotification => json!(["user:notification"]),
            Stream::Public(None) => json!(["public"]),
            Stream::Public(Some(true)) => json!(["public:local"]),
            Stream::Public(Some(false)) => json!(["public:remote"]),
            Stream::Hashtag { tag, local: false } => json!(["hashtag", tag]),
            Stream::Hashtag { tag, local: true } => json!(["hashtag:local", tag]),
            Stream::List(id) => json!(["list", id.to_string()]),
        }
    }

    /// Which timeline it shows (a tag nobody used yet shows nothing).
    fn timeline(
        &self,
        conn: &mut crate::db::DbConn,
        viewer: Option<i64>,
    ) -> Result<Option<Timeline>, Error> {
        Ok(match self {
            Stream::User => viewer.map(Timeline::Home),
            Stream::UserNotification => None,
            Stream::Public(local) => Some(Timeline::Public(*local)),
            Stream::Hashtag { tag, local } => tags::find(conn, tag)?.map(|tag_id| Timeline::Tag {
                tag_id,
                local: local.then_some(true),
            }),
            Stream::List(list_id) => Some(Timeline::List {
                list_id: *list_id,
                with_replies: true,
            }),
        })
    }
}

/// Opens a stream by name (with its `tag` or `list`), if the grant allows
/// it: user streams and lists need a user's token (lists their owner's).
async fn open_stream(
    state: &AppState,
    grant: Option<&Grant>,
    name: &str,
    tag: Option<String>,
    list: Option<String>,
) -> Result<Stream, String> {
    let user = grant
        .and_then(|g| g.account.as_ref().map(|a| (g, a.actor.id)))
        .map(|(g, id)| (g.scopes.clone(), id));
    let needs = |scope: &str| match &user {
        Some((scopes, id)) if scopes.grants(scope) => Ok(*id),
        _ => Err("Access token does not grant this stream".to_string()),
    };
    let tag = || {
        tag.clone()
            .map(|t| t.trim().trim_start_matches('#').to_string())
            .filter(|t| !t.is_empty() && t.len() <= STREAM_TAG_MAX)
            .ok_or_else(|| "No tag for stream provided".to_string())
    };
    match name {
        "public" => Ok(Stream::Public(None)),
        "public:local" => Ok(Stream::Public(Some(true))),
        "public:remote" => Ok(Stream::Public(Some(false))),
        "hashtag" => Ok(Stream::Hashtag {
            tag: tag()?,
            local: false,
        }),
        "hashtag:local" => Ok(Stream::Hashtag {
            tag: tag()?,
            local: true,
        }),
        "user" => needs("read:statuses").map(|_| Stream::User),
        "user:notification" => needs("read:notifications").map(|_| Stream::UserNotification),
        "list" => {
            let owner = needs("read:lists")?;
            let id = list
                .and_then(|l| l.trim().parse::<i64>().ok())
                .ok_or_else(|| "No list for stream provided".to_string())?;
            let found = state.db.run(move |conn| lists::get(conn, owner, id)).await;
            found
                .map(|_| Stream::List(id))
                .map_err(|_| "No such list".to_string())
        }
        other => Err(format!("Unknown stream type: {other}")),
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

/// The grant of a streaming request's token; `None` without a token.
async fn grant_of(
    state: &AppState,
    params: &Params,
    headers: &HeaderMap,
) -> Result<(Option<Grant>, Option<(String, bool)>), ApiError> {
    let token = token_of(params, headers);
    let grant = match &token {
        Some((t, _)) => {
            let t = t.clone();
            let found = state.db.run(move |conn| find_grant(conn, &t)).await?;
            Some(found.ok_or_else(ApiError::unauthorized)?)
        }
        None => None,
    };
    Ok((grant, token))
}

pub async fn websocket(
    State(state): State<AppState>,
    Query(params): Query,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let (grant, token) = grant_of(&state, &params, &headers).await?;
    let mut streams = BTreeSet::new();
    if let Some(name) = params.text("stream").filter(|s| !s.is_empty()) {
        let stream = open_stream(
            &state,
            grant.as_ref(),
            &name,
            params.text("tag"),
            params.text("list"),
        )
        .await
        .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, m))?;
        streams.insert(stream);
    }
    let upgrade = match token {
        Some((t, true)) => upgrade.protocols([t]),
        _ => upgrade,
    };
    let receiver = state.streaming.subscribe(&state.db).await?;
    Ok(upgrade.on_upgrade(move |socket| session(socket, state, grant, streams, receiver)))
}

/// `GET /api/v1/streaming/NAME`: one stream as server-sent events
/// (`user`, `user/notification`, `public`, `public/local`,
/// `public/remote`, `hashtag?tag=`, `hashtag/local?tag=`, `list?list=`).
pub async fn server_sent(
    State(state): State<AppState>,
    uri: Uri,
    Query(params): Query,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (grant, _) = grant_of(&state, &params, &headers).await?;
    let name = uri
        .path()
        .trim_start_matches("/api/v1/streaming/")
        .trim_end_matches('/')
        .replace('/', ":");
    let stream = open_stream(
        &state,
        grant.as_ref(),
        &name,
        params.text("tag"),
        params.text("list"),
    )
    .await
    .map_err(|m| match m.as_str() {
        "Access token does not grant this stream" if grant.is_none() => ApiError::unauthorized(),
        _ => ApiError::new(StatusCode::BAD_REQUEST, m),
    })?;
    let receiver = state.streaming.subscribe(&state.db).await?;
    let streams = BTreeSet::from([stream]);
    let events = futures_util::stream::unfold(
        (receiver, Vec::<Arc<StreamEvent>>::new()),
        move |(mut receiver, mut pending)| {
            let (state, grant, streams) = (state.clone(), grant.clone(), streams.clone());
            async move {
                loop {
                    if !pending.is_empty() {
                        let event = pending.remove(0);
                        let sse = Event::default().event(event.kind).data(&event.payload);
                        return Some((Ok::<_, Infallible>(sse), (receiver, pending)));
                    }
                    let arrivals = match receiver.recv().await {
                        Ok(a) => a,
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            tracing::warn!(missed = n, "a streaming client fell behind");
                            continue;
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    };
                    match events_for(&state, grant.as_ref(), &streams, arrivals).await {
                        Ok(events) => pending = events,
                        Err(e) => tracing::warn!(error = ?e, "streaming events could not be made"),
                    }
                }
            }
        },
    );
    Ok(Sse::new(events)
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(30))
                .text("thump"),
        )
        .into_response())
}

/// One WebSocket connection: answers subscriptions, sends events.
async fn session(
    mut socket: WebSocket,
    state: AppState,
    grant: Option<Grant>,
    mut streams: BTreeSet<Stream>,
    mut receiver: broadcast::Receiver<Arc<Arrivals>>,
) {
    loop {
        tokio::select! {
            message = socket.recv() => {
                let Some(Ok(message)) = message else { return };
                match message {
                    Message::Text(text) => {
                        let answer = change_streams(&state, &text, &mut streams, grant.as_ref()).await;
                        if let Some(error) = answer {
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
                    if socket.send(Message::Text(event.text.as_str().into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// Longest subscription message read, in bytes.
const MESSAGE_MAX: usize = 4096;

/// Applies a `subscribe` / `unsubscribe` message; returns an error to send.
async fn change_streams(
    state: &AppState,
    text: &str,
    streams: &mut BTreeSet<Stream>,
    grant: Option<&Grant>,
) -> Option<String> {
    if text.len() > MESSAGE_MAX {
        return Some("The message is too long".into());
    }
    let message: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return Some("Could not parse the message as JSON".into()),
    };
    let name = message["stream"].as_str().unwrap_or_default().to_string();
    let field = |key: &str| match &message[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let subscribe = match message["type"].as_str() {
        Some("subscribe") => true,
        Some("unsubscribe") => false,
        _ => return Some("Unknown message type: use subscribe or unsubscribe".into()),
    };
    match open_stream(state, grant, &name, field("tag"), field("list")).await {
        Ok(stream) if subscribe => {
            streams.insert(stream);
            None
        }
        Ok(stream) => {
            streams.remove(&stream);
            None
        }
        Err(e) => Some(e),
    }
}

/// An event as Mastodon's streaming sends it: the payload is text (JSON
/// for entities, the bare id for a deletion).
fn event(stream: &Stream, kind: &'static str, payload: String) -> Arc<StreamEvent> {
    let text = json!({ "stream": stream.names(), "event": kind, "payload": payload }).to_string();
    Arc::new(StreamEvent {
        kind,
        payload,
        text,
    })
}

/// The events a connection's streams show for what arrived: those of the
/// shared streams (made by the first connection to ask), then its own.
async fn events_for(
    state: &AppState,
    grant: Option<&Grant>,
    streams: &BTreeSet<Stream>,
    arrivals: Arc<Arrivals>,
) -> Result<Vec<Arc<StreamEvent>>, ApiError> {
    let mut events = Vec::new();
    let (shared, own): (Vec<&Stream>, Vec<&Stream>) = streams.iter().partition(|s| s.shared());
    for stream in shared {
        let cell = arrivals
            .shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(stream.clone())
            .or_default()
            .clone();
        let made = cell
            .get_or_init(|| {
                let (stream, arrivals) = (stream.clone(), arrivals.clone());
                async move {
                    run(state, move |conn, config| {
                        status_events(conn, config, &stream, None, &arrivals)
                    })
                    .await
                    .map_err(|e| format!("{e:?}"))
                }
            })
            .await;
        match made {
            Ok(made) => events.extend(made.iter().cloned()),
            Err(e) => return Err(Error::Internal(e.clone()).into()),
        }
    }
    let viewer = grant.and_then(|g| g.account.as_ref()).map(|a| a.actor.id);
    if own.is_empty() {
        return Ok(events);
    }
    let own: Vec<Stream> = own.into_iter().cloned().collect();
    let mine = run(state, move |conn, config| {
        let mut events = Vec::new();
        for stream in &own {
            events.extend(status_events(conn, config, stream, viewer, &arrivals)?);
            let notified = matches!(stream, Stream::User | Stream::UserNotification);
            if let (true, Some(me)) = (notified, viewer) {
                let mine: Vec<Notification> = arrivals
                    .notifications
                    .iter()
                    .filter(|n| n.recipient_id == me)
                    .cloned()
                    .collect();
                if !mine.is_empty() {
                    for value in render_notifications(conn, config, &mine, me)? {
                        events.push(event(stream, "notification", value.to_string()));
                    }
                }
            }
        }
        Ok(events)
    })
    .await?;
    events.extend(mine);
    Ok(events)
}

/// A stream's events about statuses (new, deleted, edited), as `viewer`
/// sees them.
fn status_events(
    conn: &mut crate::db::DbConn,
    config: &crate::config::Config,
    stream: &Stream,
    viewer: Option<i64>,
    arrivals: &Arrivals,
) -> Result<Vec<Arc<StreamEvent>>, Error> {
    let mut events = Vec::new();
    let Some(timeline) = stream.timeline(conn, viewer)? else {
        return Ok(events);
    };
    // The viewer's filters, read once there is a status to show.
    let mut active: Option<ActiveFilters> = None;
    let mut shown = |conn: &mut crate::db::DbConn, page: &Page, kind: &'static str| {
        let mut list = statuses::timeline(conn, timeline, page)?;
        if list.is_empty() {
            return Ok::<_, Error>(vec![]);
        }
        list.reverse();
        let facts = StatusFacts::load(conn, &list, viewer)?;
        let active = match &mut active {
            Some(a) => a,
            None => active.insert(ActiveFilters::load(
                conn,
                viewer,
                filters::context_of(&timeline),
            )?),
        };
        Ok(list
            .iter()
            .filter_map(|status| entities::filtered_status(config, status, &facts, active))
            .map(|value| event(stream, kind, value.to_string()))
            .collect())
    };
    if arrivals.upto > arrivals.after {
        let page = Page {
            since_id: Some(arrivals.after),
            max_id: Some(arrivals.upto + 1),
            min_id: None,
            limit: (arrivals.upto - arrivals.after).clamp(1, 1000),
        };
        events.extend(shown(conn, &page, "update")?);
    }
    for change in &arrivals.changes {
        if change.kind == "delete" {
            // Ids are no secret: every status stream hears of deletions.
            events.push(event(stream, "delete", change.status_id.to_string()));
            continue;
        }
        let only = Page {
            since_id: Some(change.status_id - 1),
            max_id: Some(change.status_id + 1),
            min_id: None,
            limit: 1,
        };
        events.extend(shown(conn, &only, "status.update")?);
    }
    Ok(events)
}

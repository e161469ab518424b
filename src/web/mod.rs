//! The HTTP front door: the router, shared state, error answers, and the
//! server's start-up and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::activitypub::{fetch::Fetcher, inbox, Federation};
use crate::config::Config;
use crate::db::Db;
use crate::error::Error;
use recolte_federation::signatures::PublicKeyCache;

mod account_pages;
mod actors;
mod admin_pages;
mod avatar_pages;
mod community_pages;
mod discovery;
mod federation;
mod feed_pages;
pub mod i18n;
mod instance_pages;
mod media_files;
mod notification_pages;
pub mod page;
mod pages;
mod poll_pages;
mod post_pages;
pub mod security;
pub mod session;
mod tag_pages;
pub mod uploads;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub federation: Arc<Federation>,
    /// Streaming's fan-out point, woken by every request that may write.
    pub streaming: Arc<crate::api::streaming::Hub>,
    /// The instance settings in force, kept in memory.
    pub settings: Arc<crate::domain::instance_settings::SettingsCache>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/signup", get(pages::signup_form).post(pages::signup))
        .route("/settings", get(pages::settings_form).post(pages::settings))
        .route("/settings/password", post(pages::change_password))
        .route("/settings/profile", post(pages::profile))
        .route("/notifications", get(notification_pages::show))
        .route("/admin", get(admin_pages::show))
        .route("/admin/federation", get(admin_pages::federation))
        .route("/admin/approve/{username}", post(admin_pages::approve))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/communities", get(community_pages::directory))
        // Filters branch: the hashtag page.
        .route("/tags/{name}", get(tag_pages::show))
        .route(
            "/communities/new",
            get(community_pages::new_form).post(community_pages::create),
        )
        .route(
            "/follow",
            get(community_pages::remote_follow_form).post(community_pages::remote_follow),
        )
        .route(
            "/c/{name}/settings",
            get(community_pages::settings_form).post(community_pages::settings),
        )
        .route("/c/{name}/join", post(community_pages::join))
        .route("/c/{name}/leave", post(community_pages::leave))
        .route(
            "/c/{name}/requests/{id}",
            post(community_pages::answer_request),
        )
        .route(
            "/c/{name}/submit",
            get(community_pages::compose).post(community_pages::submit),
        )
        .route("/post/{id}/comment", post(post_pages::comment))
        .route(
            "/{kind}/{name}/edit",
            get(post_pages::edit_form).post(post_pages::edit),
        )
        .route(
            "/{kind}/{name}/delete",
            get(post_pages::delete_form).post(post_pages::delete),
        )
        .route("/{kind}/{name}/like", post(post_pages::like))
        .route("/remote/{id}", get(actors::remote))
        .route("/remote/{id}/join", post(community_pages::join))
        .route("/remote/{id}/leave", post(community_pages::leave))
        .route(
            "/remote/{id}/submit",
            get(community_pages::compose).post(community_pages::submit),
        )
        .route("/remote/{id}/follow", post(actors::follow))
        .route("/remote/{id}/unfollow", post(actors::unfollow))
        .route("/u/{name}/follow", post(actors::follow))
        .route("/u/{name}/unfollow", post(actors::unfollow))
        .route("/u/{name}", get(actors::person))
        .route("/u/{name}/following", get(federation::following))
        // Timelines branch: the pinned statuses of a member.
        .route("/u/{name}/featured", get(federation::person_featured))
        .route("/c/{name}", get(federation::community))
        .route("/c/{name}/moderators", get(federation::moderators))
        .route("/c/{name}/featured", get(federation::featured))
        .route("/{kind}/{name}/outbox", get(federation::outbox))
        .route("/{kind}/{name}/followers", get(federation::followers))
        .route("/{kind}/{id}", get(federation::object))
        .route("/activities/{token}", get(federation::activity))
        .route("/actor", get(actors::instance_actor))
        .route("/inbox", post(inbox::receive))
        .route("/actor/inbox", post(inbox::receive))
        .route("/{kind}/{name}/inbox", post(inbox::receive))
        .route("/.well-known/webfinger", get(discovery::webfinger))
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
        .route("/.well-known/host-meta", get(discovery::host_meta))
        .route("/nodeinfo/{version}", get(discovery::nodeinfo))
        .route("/healthz", get(health))
        // --- Media attachments ---
        .route("/media/{name}", get(media_files::serve))
        .route(
            "/settings/avatar",
            post(avatar_pages::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/post/{id}/vote", post(poll_pages::vote))
        // --- end media ---
        // Feeds (web branch).
        .route("/post/{id}/c/{comment}", get(post_pages::sub_thread))
        .route("/settings/email", post(account_pages::change_email))
        .route("/settings/delete", post(account_pages::delete_account))
        .route("/static/theme.css", get(instance_pages::theme_css))
        .route(
            "/admin/settings",
            get(instance_pages::settings_form).post(instance_pages::settings),
        )
        // --- Instance logo (branding) ---
        .route(
            "/admin/settings/logo",
            post(instance_pages::upload_logo).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/admin/settings/logo/remove",
            post(instance_pages::remove_logo),
        )
        // --- end instance logo ---
        .route("/admin/users/{id}/role", post(instance_pages::set_role))
        .route("/admin/users/{id}/suspend", post(instance_pages::suspend))
        .route(
            "/admin/users/{id}/reactivate",
            post(instance_pages::reactivate),
        )
        .route("/local", get(feed_pages::local))
        .route("/network", get(feed_pages::network))
        .merge(crate::api::router())
        .fallback(page::not_found)
        .layer(DefaultBodyLimit::max(inbox::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            wake_streaming,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Answers 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> Response {
    let result = state
        .db
        .run(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(Error::from)
        })
        .await;
    match result {
        Ok(_) => Json(serde_json::json!({"status": "ok", "database": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "error", "database": e.to_string()})),
            )
                .into_response()
        }
    }
}

/// Once a request that may have written (any method but GET, HEAD and
/// OPTIONS) is answered, streaming reads what it wrote without waiting
/// for its next tick.
async fn wake_streaming(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let writes = !req.method().is_safe();
    let response = next.run(req).await;
    if writes {
        state.streaming.wake();
    }
    response
}

async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        micros = start.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// The HTTP status a domain error maps to.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Gone(_) => StatusCode::GONE,
        Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The message shown for an error: internal details stay in the log.
pub fn public_message(error: &Error) -> String {
    match error {
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(error = %error, "internal error");
            "internal error".to_string()
        }
        other => other.to_string(),
    }
}

/// A JSON error answer `{"error": "..."}`, for machine-facing endpoints.
pub fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({"error": message.into()}))).into_response()
}

/// Turns a domain error into a JSON error answer.
pub fn json_domain_error(error: &Error) -> Response {
    json_error(status_of(error), public_message(error))
}

/// A JSON body with an explicit media type.
pub fn typed_json(content_type: &'static str, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            bytes,
        )
            .into_response(),
        Err(e) => json_domain_error(&Error::Internal(format!("serialisation failed: {e}"))),
    }
}

/// A running server, stopped by [`RunningServer::shutdown`] or by dropping the handle's owner.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    stop_worker: tokio::sync::watch::Sender<bool>,
    worker: tokio::task::JoinHandle<()>,
    housekeeping: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting connections, waits for in-flight requests, and stops
    /// the delivery worker (unfinished deliveries stay queued).
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        self.housekeeping.abort();
        let _ = self.stop_worker.send(true);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(15), self.worker).await;
    }
}

/// Opens the database (migrating it), prepares the instance actor and starts
/// serving on the configured address.
pub async fn start(config: Config) -> Result<RunningServer, Error> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| Error::Unavailable(format!("cannot listen on {}: {e}", config.bind)))?;
    start_with_listener(config, listener).await
}

/// Like [`start`], on a listener already bound (tests bind port 0 first to
/// learn the port their domain names).
pub async fn start_with_listener(
    config: Config,
    listener: tokio::net::TcpListener,
) -> Result<RunningServer, Error> {
    let config = Arc::new(config);
    let db = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || Db::open(&config))
            .await
            .map_err(|e| Error::Internal(format!("start-up task failed: {e}")))??
    };
    db.run(crate::delivery_queue::recover).await?;
    let federation = Arc::new(Federation {
        fetcher: Arc::new(Fetcher::new(&config)),
        wake: Arc::new(tokio::sync::Notify::new()),
        public_keys: PublicKeyCache::new(crate::activitypub::PUBLIC_KEYS_KEPT),
    });
    {
        // Off the start-up path: the HTTP client (TLS roots take ~100 ms to
        // load) and the instance actor, whose key pair a new instance must
        // generate (~300 ms); fetches are signed with it once it is ready.
        let (fetcher, db, config) = (federation.fetcher.clone(), db.clone(), config.clone());
        tokio::spawn(async move {
            let client_fetcher = fetcher.clone();
            let _ = tokio::task::spawn_blocking(move || {
                client_fetcher.client();
            })
            .await;
            let instance = db
                .run(move |conn| crate::domain::actors::instance_actor(conn, &config))
                .await;
            match instance.and_then(|actor| fetcher.set_signing_actor(&actor)) {
                Ok(()) => {}
                Err(e) => tracing::error!(error = %e, "the instance actor is unusable"),
            }
        });
    }
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let worker = crate::delivery_queue::worker::spawn(
        db.clone(),
        config.clone(),
        federation.fetcher.clone(),
        federation.wake.clone(),
        worker_stop,
    );
    let housekeeping = spawn_housekeeping(db.clone(), config.clone());
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(format!("no local address: {e}")))?;
    let state = AppState {
        db,
        config,
        federation,
        streaming: crate::api::streaming::Hub::new(),
        settings: Arc::default(),
    };
    let app = router(state.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The client address is kept for the API's per-address rate limits.
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    Ok(RunningServer {
        addr,
        state,
        stop,
        task,
        stop_worker,
        worker,
        housekeeping,
    })
}

/// Runs [`crate::domain::housekeeping::sweep`] now and every hour.
fn spawn_housekeeping(db: Db, config: Arc<Config>) -> tokio::task::JoinHandle<()> {
    use crate::domain::housekeeping;
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        every_hour.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_hour.tick().await;
            let config = config.clone();
            let swept = db
                .run(move |conn| housekeeping::sweep(conn, &config, crate::domain::now()))
                .await;
            match swept {
                Ok(swept) if swept != housekeeping::Swept::default() => {
                    tracing::info!(?swept, "housekeeping removed what had outlived its use");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; next pass in an hour"),
            }
        }
    })
}

/// Runs the server until SIGTERM or Ctrl-C, then shuts down gracefully.
pub async fn serve(config: Config) -> Result<(), Error> {
    let server = start(config).await?;
    tracing::info!(
        addr = %server.addr,
        url = %server.state.config.base_url(),
        database = ?server.state.db.kind(),
        "Récolte is serving"
    );
    termination().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

async fn termination() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

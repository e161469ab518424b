//! Actor URLs: an ActivityPub document for federation clients, an HTML
//! profile page for browsers (content negotiation on `Accept`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::pages::{render, ErrorPage, PageContext};
use super::session::MaybeSession;
use super::{json_domain_error, typed_json, AppState};
use crate::activitypub::actors::actor_document;
use crate::domain::actors::{self, Actor, ActorKind};
use crate::domain::profiles::{self, Profile};

pub const ACTIVITY_JSON_UTF8: &str = "application/activity+json; charset=utf-8";

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    page: PageContext,
    actor: &'a Actor,
    profile: &'a Profile,
}

pub async fn person(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(recolte_federation::wants_activity_json);
    let config = state.config.clone();
    let found = state
        .db
        .run(move |conn| {
            let actor = actors::find_local(conn, &config, &name)?;
            if actor.kind() != ActorKind::Person {
                return Err(crate::error::Error::NotFound(format!(
                    "no person named '{name}' on this instance"
                )));
            }
            let profile = profiles::of_actor(conn, actor.id)?;
            Ok((actor, profile))
        })
        .await;
    let page = PageContext::new(&state, &session);
    let mut response = match (found, wants_json) {
        (Ok((actor, profile)), true) => typed_json(
            ACTIVITY_JSON_UTF8,
            &actor_document(&actor, Some(&profile), None),
        ),
        (Ok((actor, profile)), false) => render(&ProfilePage {
            page,
            actor: &actor,
            profile: &profile,
        }),
        (Err(e), true) => json_domain_error(&e),
        (Err(e), false) => ErrorPage::from_error(page, &e),
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// The instance actor (`Application`), used to sign fetches.
pub async fn instance_actor(State(state): State<AppState>) -> Response {
    let config = state.config.clone();
    match state
        .db
        .run(move |conn| actors::instance_actor(conn, &config))
        .await
    {
        Ok(actor) => typed_json(ACTIVITY_JSON_UTF8, &actor_document(&actor, None, None)),
        Err(e) => json_domain_error(&e),
    }
    .into_response()
}

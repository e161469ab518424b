//! Actor URLs: an ActivityPub document for federation clients, an HTML
//! profile page for browsers (content negotiation on `Accept`) with the
//! person's posts and communities, and following or unfollowing them. A
//! deleted account is gone: a `Tombstone` (410) for federation, a 410 page
//! for browsers.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::community_pages::{self, find_community, next_page, PageQuery, PAGE_SIZE};
use super::page::{actor_link, redirect_with, render, ActorAt, ErrorPage, PageContext, Submitted};
use super::{json_domain_error, typed_json, AppState};
use crate::activitypub::actors::actor_document;
use crate::domain::actors::{self, Actor, ActorKind};
use crate::domain::content::Post;
use crate::domain::follows::{self, FollowState};
use crate::domain::listings;
use crate::domain::profiles::{self, Profile};

pub const ACTIVITY_JSON_UTF8: &str = "application/activity+json; charset=utf-8";

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: PageContext,
    actor: Actor,
    /// Where the person's page and actions are (`/u/NAME`, `/remote/ID`).
    base: String,
    profile: Profile,
    followers: i64,
    /// Where the reader stands with this person.
    following: Option<FollowState>,
    is_self: bool,
    posts: Vec<Post>,
    communities: Vec<Actor>,
    next: Option<String>,
}

pub async fn person(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(recolte_federation::wants_activity_json);
    let config = state.config.clone();
    let mut response = if wants_json {
        let found = state
            .db
            .run(move |conn| {
                let actor = ActorAt::Local(name).find(conn, &config, ActorKind::Person)?;
                let profile = profiles::of_actor(conn, actor.id)?;
                Ok((actor, profile))
            })
            .await;
        match found {
            Ok((actor, _)) if actor.is_deleted() => {
                let deleted = actor
                    .deleted_at
                    .unwrap_or(actor.updated_at)
                    .and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let tomb =
                    recolte_federation::activities::tombstone(&actor.ap_id, "Person", &deleted);
                let mut r = typed_json(ACTIVITY_JSON_UTF8, &tomb);
                *r.status_mut() = StatusCode::GONE;
                r
            }
            Ok((actor, profile)) => typed_json(
                ACTIVITY_JSON_UTF8,
                &actor_document(&actor, Some(&profile), None),
            ),
            Err(e) => json_domain_error(&e),
        }
    } else {
        profile_page(&state, page, ActorAt::Local(name), query.before).await
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

async fn profile_page(
    state: &AppState,
    page: PageContext,
    at: ActorAt,
    before: Option<i64>,
) -> Response {
    let config = state.config.clone();
    let reader = page.account.as_ref().map(|a| a.actor.id);
    let found = state
        .db
        .run(move |conn| {
            let actor = at.find(conn, &config, ActorKind::Person)?;
            if actor.is_deleted() {
                return Ok(None);
            }
            let profile = profiles::of_actor(conn, actor.id)?;
            let followers = follows::follower_count(conn, actor.id)?;
            let following = match reader {
                Some(r) => follows::find(conn, r, actor.id)?.map(|f| f.state()),
                None => None,
            };
            let posts = listings::posts_by(conn, actor.id, before, PAGE_SIZE)?;
            let communities = listings::communities_of(conn, actor.id, 50)?;
            Ok(Some((
                actor,
                profile,
                followers,
                following,
                posts,
                communities,
            )))
        })
        .await;
    match found {
        Ok(None) => ErrorPage::response(&page, StatusCode::GONE, page.t.get("error-account-gone")),
        Ok(Some((actor, profile, followers, following, posts, communities))) => {
            let base = actor_link(&actor);
            let next = next_page(&posts, &base, |p| p.id);
            render(&ProfilePage {
                base,
                is_self: reader == Some(actor.id),
                page,
                actor,
                profile,
                followers,
                following,
                posts,
                communities,
                next,
            })
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// `POST /u/NAME/follow` (or `/remote/ID/follow`).
pub async fn follow(
    State(state): State<AppState>,
    at: ActorAt,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    change_follow(state, at, page, true).await
}

/// `POST /u/NAME/unfollow` (or `/remote/ID/unfollow`).
pub async fn unfollow(
    State(state): State<AppState>,
    at: ActorAt,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    change_follow(state, at, page, false).await
}

async fn change_follow(state: AppState, at: ActorAt, page: PageContext, start: bool) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let result = state
        .db
        .run(move |conn| {
            let target = at.find(conn, &config, ActorKind::Person)?;
            let now = if start {
                Some(follows::follow(conn, &config, &me, &target)?.state())
            } else {
                follows::unfollow(conn, &config, &me, &target)?;
                None
            };
            Ok((target, now))
        })
        .await;
    match result {
        Ok((target, state_now)) => redirect_with(
            &state,
            &actor_link(&target),
            match state_now {
                Some(FollowState::Accepted) => "flash-followed",
                Some(FollowState::Pending) => "flash-follow-requested",
                None => "flash-unfollowed",
            },
        ),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// `GET /remote/ID`: what we know of a community or person from elsewhere.
pub async fn remote(
    State(state): State<AppState>,
    page: PageContext,
    at: ActorAt,
    Query(query): Query<PageQuery>,
) -> Response {
    let ActorAt::Remote(id) = at else {
        return super::page::not_found(page).await;
    };
    let kind = state
        .db
        .run(move |conn| actors::by_id(conn, id))
        .await
        .map(|a| a.kind());
    match kind {
        Ok(ActorKind::Group) => match find_community(&state, ActorAt::Remote(id)).await {
            Ok(c) => community_pages::show(&state, page, c, query.before).await,
            Err(e) => ErrorPage::from_error(&page, &e),
        },
        Ok(_) => profile_page(&state, page, ActorAt::Remote(id), query.before).await,
        Err(e) => ErrorPage::from_error(&page, &e),
    }
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

//! Federation endpoints other servers read: community (Group) actors, the
//! collections of actors (outbox, followers, moderators, featured), posts
//! and comments as objects (a `Tombstone` with 410 once deleted), and our
//! activities by id.

use std::collections::hash_map::{Entry, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use diesel::prelude::*;
use recolte_federation::activities as ap;
use serde::Deserialize;

use super::actors::ACTIVITY_JSON_UTF8;
use super::community_pages;
use super::page::{ErrorPage, PageContext};
use super::post_pages::{self, CommentDraft};
use super::{json_domain_error, typed_json, AppState};
use crate::activitypub::{actors::actor_document, objects};
use crate::config::Config;
use crate::domain::actors::{self, Actor};
use crate::domain::communities;
use crate::domain::content::{self, Target};
use crate::domain::follows;
use crate::error::Error;
use crate::schema::{activities, posts};

/// Posts per page of an outbox.
const PAGE_SIZE: i64 = 20;

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(recolte_federation::wants_activity_json)
}

fn ap_json(doc: serde_json::Value) -> Response {
    let mut r = typed_json(ACTIVITY_JSON_UTF8, &ap::document(doc));
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    r
}

/// `GET /c/NAME`: the Group actor, or the community page for a browser.
pub async fn community(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let config = state.config.clone();
    let found = state
        .db
        .run(move |conn| communities::find_local(conn, &config, &name))
        .await;
    match (found, wants_json(&headers)) {
        (Ok(c), true) => {
            let mut r = typed_json(
                ACTIVITY_JSON_UTF8,
                &actor_document(&c.actor, None, Some(&c.settings)),
            );
            r.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            r
        }
        (Ok(c), false) => community_pages::show(&state, page, c, query.before).await,
        (Err(e), true) => json_domain_error(&e),
        (Err(e), false) => ErrorPage::from_error(&page, &e),
    }
}

/// The local actor (person or community) a collection belongs to.
async fn owner(state: &AppState, kind: &str, name: String) -> Result<Actor, Error> {
    let config = state.config.clone();
    let group = kind == "c";
    state
        .db
        .run(move |conn| {
            let actor = actors::find_local(conn, &config, &name)?;
            let is_group = actor.kind() == actors::ActorKind::Group;
            if is_group != group {
                return Err(Error::NotFound(format!("no such actor '{name}'")));
            }
            if actor.is_deleted() {
                return Err(Error::Gone(format!("'{name}' deleted their account")));
            }
            Ok(actor)
        })
        .await
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
    before: Option<i64>,
}

/// `GET /{u|c}/NAME/outbox`: the actor's posts as `Create` activities, paged.
pub async fn outbox(
    State(state): State<AppState>,
    Path((kind, name)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Response {
    let actor = match owner(&state, &kind, name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = actor.outbox_url.clone().unwrap_or_default();
    let actor_id = actor.id;
    let is_group = actor.kind() == actors::ActorKind::Group;
    let result = state
        .db
        .run(move |conn| {
            let base = posts::table
                .filter(posts::deleted_at.is_null())
                .filter(posts::local.eq(true))
                .into_boxed();
            let base = if is_group {
                base.filter(posts::community_id.eq(actor_id))
            } else {
                base.filter(posts::author_id.eq(actor_id))
            };
            if query.page.is_none() {
                let mut count = posts::table
                    .filter(posts::deleted_at.is_null())
                    .filter(posts::local.eq(true))
                    .into_boxed();
                count = if is_group {
                    count.filter(posts::community_id.eq(actor_id))
                } else {
                    count.filter(posts::author_id.eq(actor_id))
                };
                let total: i64 = count.count().get_result(conn)?;
                return Ok(ap::ordered_collection(
                    &id,
                    total,
                    Some(&format!("{id}?page=true")),
                ));
            }
            let mut q = base;
            if let Some(before) = query.before {
                q = q.filter(posts::id.lt(before));
            }
            let page: Vec<content::Post> = q
                .order(posts::id.desc())
                .limit(PAGE_SIZE)
                .select(content::Post::as_select())
                .load(conn)?;
            // Authors and communities repeat within a page: load each once.
            let mut authors = HashMap::new();
            let mut groups = HashMap::new();
            let mut items = Vec::with_capacity(page.len());
            for p in &page {
                if let Entry::Vacant(slot) = authors.entry(p.author_id) {
                    slot.insert(actors::by_id(conn, p.author_id)?);
                }
                if let Some(c) = p.community_id.filter(|c| !groups.contains_key(c)) {
                    groups.insert(c, communities::by_actor_id(conn, c)?.actor);
                }
                items.push(objects::post(
                    p,
                    &authors[&p.author_id],
                    p.community_id.and_then(|c| groups.get(&c)),
                    "Create",
                    &format!("{}#create", p.ap_id),
                ));
            }
            let next = (page.len() as i64 == PAGE_SIZE)
                .then(|| {
                    page.last()
                        .map(|p| format!("{id}?page=true&before={}", p.id))
                })
                .flatten();
            let this = match query.before {
                Some(b) => format!("{id}?page=true&before={b}"),
                None => format!("{id}?page=true"),
            };
            Ok(ap::ordered_collection_page(
                &this,
                &id,
                items,
                next.as_deref(),
            ))
        })
        .await;
    match result {
        Ok(doc) => ap_json(doc),
        Err(e) => json_domain_error(&e),
    }
}

/// `GET /{u|c}/NAME/followers`: the count only (who follows is private).
pub async fn followers(
    State(state): State<AppState>,
    Path((kind, name)): Path<(String, String)>,
) -> Response {
    let actor = match owner(&state, &kind, name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = actor.followers_url.clone().unwrap_or_default();
    match state
        .db
        .run(move |conn| follows::follower_count(conn, actor.id))
        .await
    {
        Ok(total) => ap_json(ap::ordered_collection(&id, total, None)),
        Err(e) => json_domain_error(&e),
    }
}

/// `GET /u/NAME/following`: the count of what a person follows.
pub async fn following(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let actor = match owner(&state, "u", name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = format!("{}/following", actor.ap_id);
    let total = state
        .db
        .run(move |conn| {
            use crate::schema::follows;
            Ok(follows::table
                .filter(follows::follower_id.eq(actor.id))
                .filter(follows::state.eq("accepted"))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await;
    match total {
        Ok(total) => ap_json(ap::ordered_collection(&id, total, None)),
        Err(e) => json_domain_error(&e),
    }
}

/// `GET /c/NAME/moderators`: the moderators' ids.
pub async fn moderators(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let actor = match owner(&state, "c", name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = format!("{}/moderators", actor.ap_id);
    match state
        .db
        .run(move |conn| communities::moderators(conn, actor.id))
        .await
    {
        Ok(mods) => {
            let mut doc = ap::ordered_collection(&id, mods.len() as i64, None);
            doc["orderedItems"] = mods.iter().map(|m| m.ap_id.clone()).collect();
            ap_json(doc)
        }
        Err(e) => json_domain_error(&e),
    }
}

/// `GET /c/NAME/featured`: the pinned posts.
pub async fn featured(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let actor = match owner(&state, "c", name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = format!("{}/featured", actor.ap_id);
    let group = actor.clone();
    let pinned = state
        .db
        .run(move |conn| {
            let pinned: Vec<content::Post> = posts::table
                .filter(posts::community_id.eq(group.id))
                .filter(posts::pinned.eq(true))
                .filter(posts::deleted_at.is_null())
                .order(posts::id.desc())
                .select(content::Post::as_select())
                .load(conn)?;
            let mut items = Vec::new();
            for p in &pinned {
                let author = actors::by_id(conn, p.author_id)?;
                items.push(objects::post_object(p, &author, Some(&group)));
            }
            Ok(items)
        })
        .await;
    match pinned {
        Ok(items) => {
            let mut doc = ap::ordered_collection(&id, items.len() as i64, None);
            doc["orderedItems"] = items.into();
            ap_json(doc)
        }
        Err(e) => json_domain_error(&e),
    }
}

/// A post or comment as its ActivityStreams object.
fn document(
    conn: &mut crate::db::DbConn,
    config: &Config,
    target: &Target,
) -> Result<serde_json::Value, Error> {
    let author = actors::by_id(conn, target.author_id())?;
    let community = content::community_of(conn, target)?;
    let group = community.as_ref().map(|c| &c.actor);
    let doc = match target {
        Target::Post(p) => objects::post_object(p, &author, group),
        Target::Comment(c) => {
            let parent = match c.parent_id {
                Some(pid) => Target::Comment(content::comment_by_id(conn, pid)?),
                None => Target::Post(content::post_by_id(conn, c.post_id)?),
            };
            let parent_author = actors::by_id(conn, parent.author_id())?;
            objects::comment_object(
                c,
                &author,
                group,
                objects::ReplyTo {
                    id: parent.ap_id(),
                    author: &parent_author.ap_id,
                },
            )
        }
    };
    content::decorate(conn, config, target, doc)
}

/// `GET /u/NAME/featured`: the statuses a member pinned to their profile,
/// last pinned first (Mastodon's `featured` collection).
pub async fn person_featured(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let person = match owner(&state, "u", name).await {
        Ok(a) => a,
        Err(e) => return json_domain_error(&e),
    };
    let id = format!("{}/featured", person.ap_id);
    let config = state.config.clone();
    let items = state
        .db
        .run(move |conn| {
            crate::domain::statuses::pinned_of(conn, person.id)?
                .iter()
                .map(|s| document(conn, &config, &s.target))
                .collect::<Result<Vec<_>, Error>>()
        })
        .await;
    match items {
        Ok(items) => {
            let mut doc = ap::ordered_collection(&id, items.len() as i64, None);
            doc["orderedItems"] = items.into();
            ap_json(doc)
        }
        Err(e) => json_domain_error(&e),
    }
}

/// `GET /post/ID` and `GET /comment/ID`: the object, or its `Tombstone`
/// (410); for a browser, the post's page (at the comment's anchor).
pub async fn object(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return if wants_json(&headers) {
            json_domain_error(&Error::NotFound("no such object".into()))
        } else {
            super::page::not_found(page).await
        };
    };
    if !wants_json(&headers) {
        return match kind.as_str() {
            "post" => {
                post_pages::show(
                    &state,
                    page,
                    id,
                    None,
                    CommentDraft::default(),
                    StatusCode::OK,
                )
                .await
            }
            "comment" => match state
                .db
                .run(move |conn| content::comment_by_id(conn, id))
                .await
            {
                Ok(c) => {
                    Redirect::to(&format!("/post/{}#comment-{}", c.post_id, c.id)).into_response()
                }
                Err(e) => ErrorPage::from_error(&page, &e),
            },
            _ => super::page::not_found(page).await,
        };
    }
    let config = state.config.clone();
    let result = state
        .db
        .run(move |conn| {
            let target = match kind.as_str() {
                "post" => Target::Post(content::post_by_id(conn, id)?),
                _ => Target::Comment(content::comment_by_id(conn, id)?),
            };
            let local_id = match &target {
                Target::Post(p) => p.local,
                Target::Comment(c) => c.local,
            };
            if !local_id {
                return Err(Error::NotFound("this object is not hosted here".into()));
            }
            let doc = document(conn, &config, &target)?;
            Ok((target, doc))
        })
        .await;
    let (target, doc) = match result {
        Ok(r) => r,
        Err(e) => return json_domain_error(&e),
    };
    if let Some(deleted) = match &target {
        Target::Post(p) => p.deleted_at,
        Target::Comment(c) => c.deleted_at,
    } {
        let former = doc["type"].as_str().unwrap_or("Note").to_string();
        let tomb = ap::tombstone(
            target.ap_id(),
            &former,
            &deleted
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
        let mut r = ap_json(tomb);
        *r.status_mut() = StatusCode::GONE;
        return r;
    }
    ap_json(doc)
}

/// `GET /activities/TOKEN`: one of our activities, as sent.
pub async fn activity(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let ap_id = format!("{}/activities/{token}", state.config.base_url());
    let found = state
        .db
        .run(move |conn| {
            activities::table
                .filter(activities::ap_id.eq(&ap_id))
                .filter(activities::local.eq(true))
                .select(activities::payload)
                .first::<String>(conn)
                .optional()?
                .ok_or_else(|| Error::NotFound("no such activity".into()))
        })
        .await;
    match found {
        Ok(payload) => ([(header::CONTENT_TYPE, ACTIVITY_JSON_UTF8)], payload).into_response(),
        Err(e) => json_domain_error(&e),
    }
}

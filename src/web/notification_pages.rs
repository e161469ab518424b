//! The notifications page: answers, likes, followers and requests to join,
//! newest first; viewing it marks them read.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::page::{actor_link, render, ErrorPage, PageContext};
use super::AppState;
use crate::domain::listings;
use crate::domain::notifications::{self, Kind};

/// Notifications shown.
const SHOWN: i64 = 50;

/// A notification as the page shows it.
pub struct Item {
    /// The catalogue key of its sentence.
    pub key: &'static str,
    pub who: String,
    /// The post's title, or the community's name.
    pub what: String,
    pub link: String,
    pub at: chrono::NaiveDateTime,
    pub new: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    page: PageContext,
    items: Vec<Item>,
}

pub async fn show(State(state): State<AppState>, page: PageContext) -> Response {
    let (user_id, person_id) = match page.require_account() {
        Ok(a) => (a.user.id, a.actor.id),
        Err(response) => return *response,
    };
    let unread = page.unread as usize;
    let untitled = page.t.get("post-untitled");
    let loaded = state
        .db
        .run(move |conn| {
            let list = notifications::recent(conn, person_id, SHOWN)?;
            let mut ids: Vec<i64> = list.iter().map(|n| n.actor_id).collect();
            ids.extend(list.iter().filter_map(|n| n.community_id));
            let actors = listings::actors_by_ids(conn, &ids)?;
            let posts = listings::posts_by_ids(
                conn,
                &list.iter().filter_map(|n| n.post_id).collect::<Vec<_>>(),
            )?;
            notifications::mark_seen(conn, user_id)?;
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, n)| {
                    let who = actors
                        .get(&n.actor_id)
                        .map(|a| a.shown_name().to_string())
                        .unwrap_or_default();
                    let post = n.post_id.and_then(|id| posts.get(&id));
                    let title = post
                        .map(|p| p.title.clone())
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| untitled.clone());
                    let post_link = match (n.post_id, n.comment_id) {
                        (Some(p), Some(c)) => format!("/post/{p}#comment-{c}"),
                        (Some(p), None) => format!("/post/{p}"),
                        _ => String::new(),
                    };
                    let (key, what, link) = match n.kind {
                        Kind::Reply => ("notification-reply", title, post_link),
                        Kind::Like => ("notification-like", title, post_link),
                        Kind::Follow => (
                            "notification-follow",
                            String::new(),
                            actors.get(&n.actor_id).map(actor_link).unwrap_or_default(),
                        ),
                        Kind::Request => {
                            let community = n.community_id.and_then(|id| actors.get(&id));
                            (
                                "notification-request",
                                community
                                    .map(|c| c.shown_name().to_string())
                                    .unwrap_or_default(),
                                community.map(actor_link).unwrap_or_default(),
                            )
                        }
                    };
                    Item {
                        key,
                        who,
                        what,
                        link,
                        at: n.at,
                        new: i < unread,
                    }
                })
                .collect::<Vec<_>>();
            Ok(items)
        })
        .await;
    match loaded {
        Ok(items) => render(&NotificationsPage { page, items }),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

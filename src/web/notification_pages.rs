//! The notifications page: answers, likes, followers and requests to join,
//! newest first; viewing it marks them read.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::page::{actor_link, render, ErrorPage, PageContext};
use super::AppState;
use crate::domain::listings;
use crate::domain::notifications;

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
    let person_id = match page.require_account() {
        Ok(a) => a.actor.id,
        Err(response) => return *response,
    };
    let unread = page.unread as usize;
    let untitled = page.t.get("post-untitled");
    let loaded = state
        .db
        .run(move |conn| {
            let list = notifications::latest(conn, person_id, SHOWN)?;
            let mut ids: Vec<i64> = list.iter().map(|n| n.notification.from_id).collect();
            ids.extend(list.iter().filter_map(|n| n.notification.community_id));
            let actors = listings::actors_by_ids(conn, &ids)?;
            let posts = listings::posts_by_ids(
                conn,
                &list.iter().filter_map(|n| n.post_id).collect::<Vec<_>>(),
            )?;
            notifications::mark_all_read(conn, person_id)?;
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, n)| {
                    let who = actors
                        .get(&n.notification.from_id)
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
                    let from = actors.get(&n.notification.from_id);
                    let (key, what, link) =
                        match (n.notification.kind.as_str(), n.notification.community_id) {
                            ("mention", _) => ("notification-reply", title, post_link),
                            ("favourite", _) => ("notification-like", title, post_link),
                            ("reblog", _) => ("notification-reblog", title, post_link),
                            ("follow_request", Some(community)) => {
                                let community = actors.get(&community);
                                (
                                    "notification-request",
                                    community
                                        .map(|c| c.shown_name().to_string())
                                        .unwrap_or_default(),
                                    community.map(actor_link).unwrap_or_default(),
                                )
                            }
                            _ => (
                                "notification-follow",
                                String::new(),
                                from.map(actor_link).unwrap_or_default(),
                            ),
                        };
                    Item {
                        key,
                        who,
                        what,
                        link,
                        at: n.notification.created_at,
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

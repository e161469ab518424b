//! The hashtag page `/tags/NAME`, where the hashtag links of rendered
//! texts point: the posts and comments carrying the tag, written here or
//! known from other instances, newest first, by keyset pages
//! (`?before=STATUS_ID`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::page::{actor_link, render, ErrorPage, PageContext};
use super::AppState;
use crate::domain::content::Target;
use crate::domain::statuses::{self, Page, Timeline};
use crate::domain::{listings, tags, text};

/// Posts and comments per page.
const SHOWN: i64 = 20;
/// The longest excerpt of a comment shown, in characters.
const EXCERPT_MAX: usize = 140;

/// A post or comment as the page shows it.
pub struct TagItem {
    /// A post's title, or the start of a comment.
    pub title: String,
    pub comment: bool,
    pub link: String,
    pub author: String,
    pub author_link: String,
    pub at: chrono::NaiveDateTime,
}

#[derive(Template)]
#[template(path = "tag.html")]
struct TagPage {
    page: PageContext,
    name: String,
    items: Vec<TagItem>,
    next: Option<String>,
    /// Whether this page follows another (its emptiness is then the end).
    later_page: bool,
}

/// `?before=ID`: the page below that status (anything else: the first).
#[derive(Deserialize, Default)]
pub struct TagQuery {
    #[serde(default)]
    before: String,
}

fn excerpt(html: &str) -> String {
    let plain = text::plain_text(html);
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() <= EXCERPT_MAX {
        return plain;
    }
    let cut: String = plain.chars().take(EXCERPT_MAX).collect();
    format!("{}…", cut.trim_end())
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Path(name): Path<String>,
    Query(query): Query<TagQuery>,
) -> Response {
    let Some(name) = tags::normalize(&name) else {
        return ErrorPage::response(
            &page,
            StatusCode::NOT_FOUND,
            page.t.get("error-not-found-text"),
        );
    };
    let before = query.before.parse::<i64>().ok();
    let untitled = page.t.get("post-untitled");
    let wanted = name.clone();
    let loaded = state
        .db
        .run(move |conn| {
            let Some(tag_id) = tags::find(conn, &wanted)? else {
                return Ok((vec![], None));
            };
            let mut found = statuses::timeline(
                conn,
                Timeline::Tag {
                    tag_id,
                    local: None,
                },
                &Page {
                    max_id: before,
                    limit: SHOWN + 1,
                    ..Page::default()
                },
            )?;
            let more = found.len() as i64 > SHOWN;
            found.truncate(SHOWN as usize);
            let next = more.then(|| found.last().map(|s| s.row.id)).flatten();
            let ids: Vec<i64> = found.iter().map(|s| s.row.author_id).collect();
            let authors = listings::actors_by_ids(conn, &ids)?;
            let items = found
                .into_iter()
                .filter_map(|s| {
                    let author = authors.get(&s.row.author_id)?;
                    let (title, comment, link, at) = match s.target {
                        Target::Post(p) => (
                            // Untitled posts (notes from elsewhere) show their start.
                            Some(p.title.trim().to_string())
                                .filter(|t| !t.is_empty())
                                .or_else(|| Some(excerpt(&p.content_html)))
                                .filter(|t| !t.is_empty())
                                .unwrap_or_else(|| untitled.clone()),
                            false,
                            format!("/post/{}", p.id),
                            p.published_at,
                        ),
                        Target::Comment(c) => (
                            excerpt(&c.content_html),
                            true,
                            format!("/post/{}#comment-{}", c.post_id, c.id),
                            c.published_at,
                        ),
                    };
                    Some(TagItem {
                        title,
                        comment,
                        link,
                        author: author.shown_name().to_string(),
                        author_link: actor_link(author),
                        at,
                    })
                })
                .collect();
            Ok::<_, crate::error::Error>((items, next))
        })
        .await;
    match loaded {
        Ok((items, next)) => {
            let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
            render(&TagPage {
                next: next.map(|id| format!("/tags/{encoded}?before={id}")),
                later_page: before.is_some(),
                name,
                items,
                page,
            })
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

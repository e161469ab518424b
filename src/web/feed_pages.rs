//! Feed pages: the sort and period links every feed shows (chosen by links,
//! no script, the current one marked with `aria-current`), the member's
//! home feed on the welcome page, and the local and network-wide feeds.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::community_pages::{post_items, PostItem, PAGE_SIZE};
use super::page::{render, ErrorPage, PageContext};
use super::AppState;
use crate::db::DbConn;
use crate::domain::feeds::{self, Cursor, FeedScope, FeedSort, Period};
use crate::error::Error;

/// What a feed's address says: `?sort=new|active|top&period=day|week|month|all&after=KEY_ID`.
#[derive(Deserialize, Default)]
pub struct FeedQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    after: String,
}

impl FeedQuery {
    pub fn sort(&self) -> FeedSort {
        FeedSort::parse(&self.sort, &self.period)
    }

    pub fn after(&self) -> Option<Cursor> {
        Cursor::parse(&self.after)
    }
}

/// A link of the sort menu.
pub struct SortLink {
    pub href: String,
    /// Catalogue key of its label.
    pub label: &'static str,
    pub current: bool,
}

/// The sort menu of a feed, its posts and the link to its next page.
pub struct Feed {
    pub sorts: Vec<SortLink>,
    pub periods: Vec<SortLink>,
    pub posts: Vec<PostItem>,
    pub next: Option<String>,
    /// Whether this page follows another (its emptiness is then the end).
    pub later_page: bool,
}

/// The address of a feed at `base` in this order.
fn address(base: &str, sort: FeedSort) -> String {
    match sort {
        FeedSort::Top(period) => format!("{base}?sort=top&period={}", period.as_str()),
        other => format!("{base}?sort={}", other.name()),
    }
}

/// Loads one page of a feed shown at `base`.
pub fn load(
    conn: &mut DbConn,
    base: &str,
    scope: FeedScope,
    query: &FeedQuery,
) -> Result<Feed, Error> {
    let sort = query.sort();
    let after = query.after();
    let page = feeds::page(conn, scope, sort, after, PAGE_SIZE, crate::domain::now())?;
    let link = |s: FeedSort, label| SortLink {
        href: address(base, s),
        label,
        current: s == sort,
    };
    let top = FeedSort::Top(sort.period().unwrap_or(Period::Week));
    let sorts = vec![
        link(FeedSort::New, "feed-sort-new"),
        link(FeedSort::Active, "feed-sort-active"),
        SortLink {
            current: matches!(sort, FeedSort::Top(_)),
            ..link(top, "feed-sort-top")
        },
    ];
    let periods = match sort.period() {
        Some(_) => Period::ALL
            .into_iter()
            .map(|p| {
                let label = match p {
                    Period::Day => "feed-period-day",
                    Period::Week => "feed-period-week",
                    Period::Month => "feed-period-month",
                    Period::All => "feed-period-all",
                };
                link(FeedSort::Top(p), label)
            })
            .collect(),
        None => vec![],
    };
    let next = page
        .next
        .map(|c| format!("{}&after={c}", address(base, sort)));
    Ok(Feed {
        sorts,
        periods,
        posts: post_items(conn, page.posts, true)?,
        next,
        later_page: after.is_some(),
    })
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage {
    page: PageContext,
    /// Catalogue keys of the title, the introduction and the empty state.
    title_key: String,
    about_key: String,
    empty_key: String,
    feed: Feed,
}

async fn show(
    state: AppState,
    page: PageContext,
    which: &'static str,
    scope: FeedScope,
    query: FeedQuery,
) -> Response {
    let base = format!("/{which}");
    match state
        .db
        .run(move |conn| load(conn, &base, scope, &query))
        .await
    {
        Ok(feed) => render(&FeedPage {
            page,
            title_key: format!("feed-{which}-title"),
            about_key: format!("feed-{which}-about"),
            empty_key: format!("feed-{which}-empty"),
            feed,
        }),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// This instance's posts.
pub async fn local(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<FeedQuery>,
) -> Response {
    show(state, page, "local", FeedScope::Local, query).await
}

/// Every post known here.
pub async fn network(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<FeedQuery>,
) -> Response {
    show(state, page, "network", FeedScope::Network, query).await
}

//! Polls on the post page: the results as a reader sees them and the
//! no-JavaScript vote form (`POST /post/:id/vote`, one `choice` field per
//! option chosen).

use axum::extract::{Path, State};
use axum::response::Response;

use super::page::{redirect_with, ErrorPage, Submitted};
use super::AppState;
use crate::db::DbConn;
use crate::domain::content::{self, Target};
use crate::domain::polls::{self, PollView};
use crate::error::Error;

/// One option as the page shows it.
pub struct ShownOption {
    pub index: usize,
    pub title: String,
    /// `None` while the totals are hidden.
    pub votes: Option<i64>,
    /// Share of the votes, in percent.
    pub percent: i64,
    pub mine: bool,
}

/// A poll as the page shows it.
pub struct ShownPoll {
    pub multiple: bool,
    pub ended: bool,
    pub ends_at: Option<chrono::NaiveDateTime>,
    /// The reader may still vote.
    pub can_vote: bool,
    pub voters: i64,
    pub options: Vec<ShownOption>,
}

impl ShownPoll {
    fn of(view: PollView, reader: Option<i64>) -> ShownPoll {
        let ended = view.poll.expired();
        let hidden = view.poll.hide_totals && !ended;
        let total = view.votes.max(1);
        ShownPoll {
            multiple: view.poll.multiple,
            ended,
            ends_at: view.poll.expires_at,
            can_vote: reader.is_some() && view.own.is_empty() && !ended,
            voters: view.voters,
            options: view
                .options
                .into_iter()
                .enumerate()
                .map(|(index, (title, votes))| ShownOption {
                    index,
                    title,
                    votes: (!hidden).then_some(votes),
                    percent: if hidden { 0 } else { votes * 100 / total },
                    mine: view.own.contains(&(index as i32)),
                })
                .collect(),
        }
    }
}

/// The poll of a post (by its status id), if it has one, as `reader` sees it.
pub fn of_status(
    conn: &mut DbConn,
    status_id: i64,
    reader: Option<i64>,
) -> Result<Option<ShownPoll>, Error> {
    Ok(polls::views(conn, &[status_id], reader)?
        .remove(&status_id)
        .map(|view| ShownPoll::of(view, reader)))
}

pub async fn vote(
    State(state): State<AppState>,
    Path(post_id): Path<i64>,
    Submitted { page, form }: Submitted<Vec<(String, String)>>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let choices: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "choice")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let config = state.config.clone();
    let result = state
        .db
        .run(move |conn| {
            let post = content::post_by_id(conn, post_id)?;
            let status = crate::domain::statuses::of_target(conn, &Target::Post(post))?;
            let poll = polls::views(conn, &[status.row.id], None)?
                .remove(&status.row.id)
                .ok_or_else(|| Error::NotFound("this post has no poll".into()))?
                .poll;
            polls::vote(conn, &config, &me, &poll, &choices)
        })
        .await;
    match result {
        Ok(()) => redirect_with(&state, &format!("/post/{post_id}#poll"), "flash-voted"),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

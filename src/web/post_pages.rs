//! A post's page with its threaded comments (nested, each collapsible with
//! its answers, with a permalink anchor), the page of one comment's
//! sub-thread (its context above it, and the form to answer it), and what
//! can be done there: comment and reply, edit, delete, like and take a like
//! back. A long thread stays light: one shared form carries the CSRF token
//! for every like button, answering and editing are links to their pages.
//! Every action redirects to the page it came from with a confirmation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::community_pages::{ComposePage, PostForm, POST_LANGUAGES};
use super::page::{redirect_with, render, ErrorPage, FieldErrors, PageContext, Submitted};
use super::poll_pages::{self, ShownPoll};
use super::{status_of, AppState};
use crate::domain::actors::Actor;
use crate::domain::communities::{self, Community};
use crate::domain::content::{self, Post, Target};
use crate::domain::listings::{self, ShownComment};
use crate::domain::media;
use crate::domain::text;
use crate::error::Error;

/// A comment in the shown thread, with what the reader may do with it.
pub struct CommentItem {
    pub comment: ShownComment,
    /// Depth in the shown thread (0: answers the post, or the focused comment).
    pub depth: usize,
    pub can_edit: bool,
    pub can_delete: bool,
    /// Answers below it, at any depth (said when it is collapsed).
    pub replies: usize,
    /// How many open comments end after this one (its own included).
    pub closes: usize,
}

/// Counts each comment's answers and where the nested markup closes, for
/// comments in thread order (each followed by its answers).
fn nest(items: &mut [CommentItem]) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..items.len() {
        let depth = items[i].depth;
        while open.last().is_some_and(|&j| items[j].depth >= depth) {
            open.pop();
        }
        for &j in &open {
            items[j].replies += 1;
        }
        open.push(i);
        let next = items.get(i + 1).map_or(0, |n| n.depth);
        items[i].closes = (depth + 1).saturating_sub(next);
    }
}

/// The comment a sub-thread page shows, and the comments it answers.
pub struct Focus {
    pub comment_id: i64,
    /// From the one answering the post down to the focused comment's parent.
    pub context: Vec<CommentItem>,
}

/// A comment being written that was refused: shown again with its error.
#[derive(Default)]
pub struct CommentDraft {
    pub body: String,
    pub error: Option<String>,
}

/// An image of a post as the page shows it.
pub struct ShownImage {
    pub url: String,
    /// The alt text; empty when the author gave none.
    pub alt: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

#[derive(Template)]
#[template(path = "post.html")]
struct PostPage {
    page: PageContext,
    post: Post,
    images: Vec<ShownImage>,
    poll: Option<ShownPoll>,
    author: Actor,
    community: Option<Community>,
    post_likes: i64,
    post_liked: bool,
    can_edit_post: bool,
    can_delete_post: bool,
    comments: Vec<CommentItem>,
    visible_comments: i64,
    draft: CommentDraft,
    focus: Option<Focus>,
}

impl PostPage {
    /// The refused comment of the page's form, if any.
    fn post_draft(&self) -> Option<&CommentDraft> {
        self.draft.error.is_some().then_some(&self.draft)
    }
}

/// The HTML page of a post, or of one comment's sub-thread when `focus`
/// names a comment of it, with a refused comment shown again if any.
pub async fn show(
    state: &AppState,
    page: PageContext,
    post_id: i64,
    focus: Option<i64>,
    draft: CommentDraft,
    status: StatusCode,
) -> Response {
    let reader = page.account.as_ref().map(|a| (a.actor.id, a.actor.local));
    let config = state.config.clone();
    let loaded = state
        .db
        .run(move |conn| {
            let view = listings::post_view(conn, post_id, reader.map(|r| r.0))?;
            let images: Vec<ShownImage> = if view.has_media {
                media::of_statuses(conn, &[view.status_id])?
                    .remove(&view.status_id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| ShownImage {
                        url: m.url(&config),
                        alt: m.description,
                        width: m.width,
                        height: m.height,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let poll = if view.has_poll {
                poll_pages::of_status(conn, view.status_id, reader.map(|r| r.0))?
            } else {
                None
            };
            let community = content::community_of_post(conn, &view.post)?;
            let thread = listings::thread(conn, post_id, reader.map(|r| r.0))?;
            let moderates = match (&community, reader) {
                (Some(c), Some((me, _))) if c.actor.local => {
                    communities::is_moderator(conn, c.actor.id, me)?
                }
                _ => false,
            };
            Ok((view, images, poll, community, thread, moderates))
        })
        .await;
    let (view, images, poll, community, thread, moderates) = match loaded {
        Ok(l) => l,
        Err(e) => return ErrorPage::from_error(&page, &e),
    };
    let (me, me_local) = reader.unwrap_or((-1, false));
    let may_edit = |author_id: i64| me_local && author_id == me;
    let may_delete = |author_id: i64| me_local && (author_id == me || moderates);
    let item = |(comment, depth): (ShownComment, usize)| CommentItem {
        depth,
        can_edit: may_edit(comment.author_id),
        can_delete: may_delete(comment.author_id),
        replies: 0,
        closes: 0,
        comment,
    };
    let visible_comments = thread
        .iter()
        .filter(|(c, _)| c.deleted_at.is_none())
        .count() as i64;
    let (shown, focus) = match focus {
        None => (thread, None),
        Some(id) => {
            let Some(at) = thread.iter().position(|(c, _)| c.id == id) else {
                return ErrorPage::response(
                    &page,
                    StatusCode::NOT_FOUND,
                    page.t.get("error-not-found-text"),
                );
            };
            let base = thread[at].1;
            // The focused comment's ancestors are the last comment of each
            // shallower depth before it.
            let mut context: Vec<(ShownComment, usize)> = Vec::new();
            for (c, d) in thread[..at].iter().rev() {
                if *d < context.last().map_or(base, |(_, last)| *last) {
                    context.push((c.clone(), *d));
                }
            }
            context.reverse();
            let sub: Vec<(ShownComment, usize)> = thread[at..]
                .iter()
                .enumerate()
                .take_while(|(i, (_, d))| *i == 0 || *d > base)
                .map(|(_, (c, d))| (c.clone(), d - base))
                .collect();
            let context = context.into_iter().map(|(c, _)| item((c, 0))).collect();
            (
                sub,
                Some(Focus {
                    comment_id: id,
                    context,
                }),
            )
        }
    };
    let mut comments: Vec<CommentItem> = shown.into_iter().map(item).collect();
    nest(&mut comments);
    let body = PostPage {
        can_edit_post: may_edit(view.post.author_id),
        can_delete_post: may_delete(view.post.author_id),
        page,
        post: view.post,
        images,
        poll,
        author: view.author,
        community,
        post_likes: view.likes,
        post_liked: view.liked,
        comments,
        visible_comments,
        draft,
        focus,
    };
    (status, render(&body)).into_response()
}

/// `GET /post/ID/c/COMMENT`: one comment with the comments it answers
/// above it, its answers below, and the form to answer it.
pub async fn sub_thread(
    State(state): State<AppState>,
    Path((post_id, comment_id)): Path<(i64, i64)>,
    page: PageContext,
) -> Response {
    show(
        &state,
        page,
        post_id,
        Some(comment_id),
        CommentDraft::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    parent: Option<i64>,
}

/// A member answers the post or one of its comments.
pub async fn comment(
    State(state): State<AppState>,
    Path(post_id): Path<i64>,
    Submitted { page, form }: Submitted<CommentForm>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let body = form.body.clone();
    let result = state
        .db
        .run(move |conn| {
            let parent = match form.parent {
                Some(id) => {
                    let c = content::comment_by_id(conn, id)?;
                    if c.post_id != post_id {
                        return Err(Error::invalid("parent", "answers another post"));
                    }
                    Target::Comment(c)
                }
                None => Target::Post(content::post_by_id(conn, post_id)?),
            };
            content::create_comment(conn, &config, &me, &parent, &body)
        })
        .await;
    match result {
        Ok(c) => redirect_with(
            &state,
            &format!("/post/{post_id}#comment-{}", c.id),
            "flash-comment-published",
        ),
        Err(e @ (Error::Invalid { .. } | Error::Forbidden(_))) => {
            let draft = CommentDraft {
                body: form.body.chars().take(60_000).collect(),
                error: Some(page.error_message(&e)),
            };
            show(&state, page, post_id, form.parent, draft, status_of(&e)).await
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// `post` or `comment` and its id, from the path.
async fn target(
    state: &AppState,
    page: &PageContext,
    kind: &str,
    id: &str,
) -> Result<Target, Box<Response>> {
    let not_found = || {
        Box::new(ErrorPage::response(
            page,
            StatusCode::NOT_FOUND,
            page.t.get("error-not-found-text"),
        ))
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let is_post = match kind {
        "post" => true,
        "comment" => false,
        _ => return Err(not_found()),
    };
    state
        .db
        .run(move |conn| {
            Ok(if is_post {
                Target::Post(content::post_by_id(conn, id)?)
            } else {
                Target::Comment(content::comment_by_id(conn, id)?)
            })
        })
        .await
        .map_err(|e| Box::new(ErrorPage::from_error(page, &e)))
}

/// Where a post or comment is shown.
fn place_of(target: &Target) -> String {
    match target {
        Target::Post(p) => format!("/post/{}", p.id),
        Target::Comment(c) => format!("/post/{}#comment-{}", c.post_id, c.id),
    }
}

fn edit_page(
    page: PageContext,
    target: &Target,
    form: PostForm,
    errors: FieldErrors,
) -> ComposePage {
    let (heading, action, with_title) = match target {
        Target::Post(p) => (
            page.t.get("edit-post-title"),
            format!("/post/{}/edit", p.id),
            true,
        ),
        Target::Comment(c) => (
            page.t.get("edit-comment-title"),
            format!("/comment/{}/edit", c.id),
            false,
        ),
    };
    ComposePage {
        heading,
        action,
        back: place_of(target),
        back_label: page.t.get("back-to-post"),
        submit: page.t.get("save"),
        with_title,
        form,
        languages: POST_LANGUAGES,
        errors,
        preview: None,
        page,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    page: PageContext,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.id,
        Err(response) => return *response,
    };
    let target = match target(&state, &page, &kind, &id).await {
        Ok(t) => t,
        Err(response) => return *response,
    };
    if target.author_id() != me {
        return ErrorPage::response(
            &page,
            StatusCode::FORBIDDEN,
            page.t.get("error-forbidden-text"),
        );
    }
    let form = match &target {
        Target::Post(p) => PostForm {
            title: p.title.clone(),
            body: p.source.clone(),
            link: p.link_url.clone().unwrap_or_default(),
            language: p.language.clone().unwrap_or_default(),
            ..PostForm::default()
        },
        Target::Comment(c) => PostForm {
            body: c.source.clone(),
            ..PostForm::default()
        },
    };
    render(&edit_page(page, &target, form, FieldErrors::default()))
}

pub async fn edit(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Submitted { page, form }: Submitted<PostForm>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let target = match target(&state, &page, &kind, &id).await {
        Ok(t) => t,
        Err(response) => return *response,
    };
    if let Some(html) = form.preview_html() {
        let mut body = edit_page(page, &target, form.kept(), FieldErrors::default());
        body.preview = Some(html);
        return render(&body);
    }
    let config = state.config.clone();
    let draft = form.draft();
    let edited = target.clone();
    match state
        .db
        .run(move |conn| content::edit(conn, &config, &me, &edited, &draft))
        .await
    {
        Ok(updated) => redirect_with(&state, &place_of(&updated), "flash-edited"),
        Err(e @ Error::Invalid { .. }) => {
            let errors = FieldErrors::from_error(&page, &e);
            let body = render(&edit_page(page, &target, form.kept(), errors));
            (status_of(&e), body).into_response()
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmDeletePage {
    page: PageContext,
    heading: String,
    excerpt: String,
    action: String,
    back: String,
}

/// Asks before deleting (the delete button of a page leads here).
pub async fn delete_form(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    page: PageContext,
) -> Response {
    if let Err(response) = page.require_account() {
        return *response;
    }
    let target = match target(&state, &page, &kind, &id).await {
        Ok(t) => t,
        Err(response) => return *response,
    };
    let (heading, excerpt, action) = match &target {
        Target::Post(p) => (
            page.t.get("delete-post-title"),
            p.title.clone(),
            format!("/post/{}/delete", p.id),
        ),
        Target::Comment(c) => (
            page.t.get("delete-comment-title"),
            text::plain_text(&c.content_html)
                .chars()
                .take(200)
                .collect(),
            format!("/comment/{}/delete", c.id),
        ),
    };
    render(&ConfirmDeletePage {
        heading,
        excerpt,
        action,
        back: place_of(&target),
        page,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let target = match target(&state, &page, &kind, &id).await {
        Ok(t) => t,
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let deleted = target.clone();
    let result = state
        .db
        .run(move |conn| {
            content::delete(conn, &config, &me, &deleted)?;
            content::community_of(conn, &deleted)
        })
        .await;
    match (result, &target) {
        (Ok(community), Target::Post(_)) => {
            let back = match community {
                Some(c) if c.actor.local => format!("/c/{}", c.actor.username),
                _ => "/".to_string(),
            };
            redirect_with(&state, &back, "flash-post-deleted")
        }
        (Ok(_), Target::Comment(c)) => redirect_with(
            &state,
            &format!("/post/{}", c.post_id),
            "flash-comment-deleted",
        ),
        (Err(e), _) => ErrorPage::from_error(&page, &e),
    }
}

#[derive(Deserialize)]
pub struct LikeForm {
    #[serde(default)]
    undo: String,
}

pub async fn like(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    Submitted { page, form }: Submitted<LikeForm>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let target = match target(&state, &page, &kind, &id).await {
        Ok(t) => t,
        Err(response) => return *response,
    };
    let undo = !form.undo.is_empty();
    let config = state.config.clone();
    let liked = target.clone();
    let result = state
        .db
        .run(move |conn| {
            if undo {
                content::unlike(conn, &config, &me, &liked)
            } else {
                content::like(conn, &config, &me, &liked)
            }
        })
        .await;
    match result {
        Ok(()) => redirect_with(
            &state,
            &place_of(&target),
            if undo { "flash-unliked" } else { "flash-liked" },
        ),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

//! Community pages: the directory, creating a community, a community's
//! page (about, rules, moderators, posts with pinned first, membership,
//! pending requests for moderators), joining and leaving, answering
//! requests, and writing a post in a community.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::page::{
    actor_link, redirect_with, render, ActorAt, ErrorPage, FieldErrors, PageContext, Submitted,
};
use super::{status_of, AppState};
use crate::db::DbConn;
use crate::domain::actors::{Actor, ActorKind};
use crate::domain::communities::{
    self, Community, CommunityChanges, CommunityKind, MembershipPolicy, NewCommunity,
};
use crate::domain::content::{self, Post, PostDraft};
use crate::domain::follows::{self, Follow, FollowState};
use crate::domain::listings::{self, DirectoryEntry, DirectoryFilter};
use crate::domain::text;
use crate::error::Error;

/// Items per page of a list.
pub const PAGE_SIZE: i64 = 20;

const KINDS: &[&str] = &["interest", "project", "trade", "territory"];
const POLICIES: &[&str] = &["open", "approval", "invitation"];

/// Languages offered for a post, the interface's first.
pub const POST_LANGUAGES: &[&str] = &["fr", "en", "de", "es", "it", "oc", "br", "eu", "ca"];

/// The link to the next page of a list when this one is full.
pub fn next_page<T>(items: &[T], base: &str, id: impl Fn(&T) -> i64) -> Option<String> {
    if items.len() as i64 == PAGE_SIZE {
        items.last().map(|last| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}before={}", id(last))
        })
    } else {
        None
    }
}

#[derive(Deserialize, Default)]
pub struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    page: PageContext,
    q: String,
    kind: String,
    kinds: &'static [&'static str],
    communities: Vec<DirectoryEntry>,
    next: Option<String>,
}

impl DirectoryPage {
    fn is_kind(&self, k: &str) -> bool {
        self.kind == k
    }
}

pub async fn directory(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<DirectoryQuery>,
) -> Response {
    let kind = match query.kind.trim() {
        "" => None,
        k => match CommunityKind::parse(k) {
            Ok(k) => Some(k),
            Err(e) => return ErrorPage::from_error(&page, &e),
        },
    };
    let q: String = query.q.chars().take(listings::FILTER_MAX).collect();
    let filter = DirectoryFilter {
        kind,
        text: q.clone(),
        before: query.before,
    };
    match state
        .db
        .run(move |conn| listings::directory(conn, &filter, PAGE_SIZE))
        .await
    {
        Ok(communities) => {
            let base = format!(
                "/communities?q={}&kind={}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>(),
                kind.map(|k| k.as_str()).unwrap_or("")
            );
            let next = next_page(&communities, &base, |e| e.community.actor.id);
            render(&DirectoryPage {
                page,
                q,
                kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
                kinds: KINDS,
                communities,
                next,
            })
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// The community form as typed (kept on errors).
#[derive(Deserialize, Default)]
pub struct CommunityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    membership: String,
}

#[derive(Template)]
#[template(path = "community_new.html")]
struct NewCommunityPage {
    page: PageContext,
    domain: String,
    form: CommunityForm,
    kinds: &'static [&'static str],
    policies: &'static [&'static str],
    errors: FieldErrors,
}

fn new_community_page(
    state: &AppState,
    page: PageContext,
    form: CommunityForm,
    errors: FieldErrors,
) -> NewCommunityPage {
    NewCommunityPage {
        page,
        domain: state.config.domain.clone(),
        form,
        kinds: KINDS,
        policies: POLICIES,
        errors,
    }
}

pub async fn new_form(State(state): State<AppState>, page: PageContext) -> Response {
    if let Err(response) = page.require_account() {
        return *response;
    }
    let form = CommunityForm {
        kind: CommunityKind::Interest.as_str().into(),
        membership: MembershipPolicy::Open.as_str().into(),
        ..CommunityForm::default()
    };
    render(&new_community_page(
        &state,
        page,
        form,
        FieldErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<CommunityForm>,
) -> Response {
    let creator = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let parsed = CommunityKind::parse(&form.kind).and_then(|kind| {
        Ok(NewCommunity {
            name: form.name.clone(),
            title: form.title.clone(),
            description: form.description.clone(),
            kind,
            policy: MembershipPolicy::parse(&form.membership)?,
        })
    });
    let config = state.config.clone();
    let result = match parsed {
        Ok(new) => {
            state
                .db
                .run(move |conn| communities::create(conn, &config, &new, &creator))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(community) => redirect_with(
            &state,
            &actor_link(&community.actor),
            "flash-community-created",
        ),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let form = CommunityForm {
                name: form.name.chars().take(60).collect(),
                title: form.title.chars().take(200).collect(),
                description: form.description.chars().take(10_000).collect(),
                ..form
            };
            let body = render(&new_community_page(&state, page, form, errors));
            (status_of(&e), body).into_response()
        }
    }
}

/// Where the reader stands with a community.
pub enum Membership {
    Visitor,
    None,
    Pending,
    Member,
}

/// A post in a list, with what is shown beside it.
pub struct PostItem {
    pub post: Post,
    pub author: String,
    pub comments: i64,
    /// Where the post was written (link, name), in lists that mix communities.
    pub community: Option<(String, String)>,
}

/// Posts with their authors, comment counts and (if asked) communities,
/// loaded once per kind.
pub fn post_items(
    conn: &mut DbConn,
    posts: Vec<Post>,
    with_community: bool,
) -> Result<Vec<PostItem>, Error> {
    let mut ids: Vec<i64> = posts.iter().map(|p| p.author_id).collect();
    if with_community {
        ids.extend(posts.iter().filter_map(|p| p.community_id));
    }
    let actors = listings::actors_by_ids(conn, &ids)?;
    let counts = listings::comment_counts(conn, &posts.iter().map(|p| p.id).collect::<Vec<_>>())?;
    Ok(posts
        .into_iter()
        .map(|post| PostItem {
            author: actors
                .get(&post.author_id)
                .map(|a| a.shown_name().to_string())
                .unwrap_or_default(),
            comments: counts.get(&post.id).copied().unwrap_or(0),
            community: post
                .community_id
                .filter(|_| with_community)
                .and_then(|id| actors.get(&id))
                .map(|c| (actor_link(c), c.shown_name().to_string())),
            post,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    page: PageContext,
    community: Community,
    /// Where the community's page and actions are (`/c/NAME`, `/remote/ID`).
    base: String,
    members: i64,
    moderators: Vec<Actor>,
    membership: Membership,
    can_write: bool,
    is_moderator: bool,
    requests: Vec<(Follow, Actor)>,
    posts: Vec<PostItem>,
    before: Option<i64>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub before: Option<i64>,
}

/// The HTML page of a community of ours.
pub async fn show(
    state: &AppState,
    page: PageContext,
    community: Community,
    before: Option<i64>,
) -> Response {
    let reader = page.account.as_ref().map(|a| a.actor.id);
    let id = community.actor.id;
    let base = actor_link(&community.actor);
    let posts_base = base.clone();
    let loaded = state
        .db
        .run(move |conn| {
            let members = follows::follower_count(conn, id)?;
            let moderators = communities::moderators(conn, id)?;
            let (follow, is_moderator) = match reader {
                Some(r) => (
                    follows::find(conn, r, id)?,
                    communities::is_moderator(conn, id, r)?,
                ),
                None => (None, false),
            };
            let requests = if is_moderator {
                follows::pending_requests(conn, id)?
            } else {
                vec![]
            };
            let mut posts = match before {
                None => listings::pinned_posts(conn, id)?,
                Some(_) => vec![],
            };
            let page_of_posts = listings::unpinned_posts(conn, id, before, PAGE_SIZE)?;
            let next = next_page(&page_of_posts, &posts_base, |p| p.id);
            posts.extend(page_of_posts);
            let posts = post_items(conn, posts, false)?;
            Ok((
                members,
                moderators,
                follow,
                is_moderator,
                requests,
                posts,
                next,
            ))
        })
        .await;
    let (members, moderators, follow, is_moderator, requests, posts, next) = match loaded {
        Ok(l) => l,
        Err(e) => return ErrorPage::from_error(&page, &e),
    };
    let membership = match (&page.account, follow.map(|f| f.state())) {
        (None, _) => Membership::Visitor,
        (Some(_), None) => Membership::None,
        (Some(_), Some(FollowState::Pending)) => Membership::Pending,
        (Some(_), Some(FollowState::Accepted)) => Membership::Member,
    };
    let can_write = match membership {
        Membership::Visitor => false,
        Membership::Member => true,
        _ => is_moderator || community.policy() == MembershipPolicy::Open,
    };
    render(&CommunityPage {
        page,
        community,
        base,
        members,
        moderators,
        membership,
        can_write,
        is_moderator,
        requests,
        posts,
        before,
        next,
    })
}

/// The community the path designates (ours or from elsewhere).
pub async fn find_community(state: &AppState, at: ActorAt) -> Result<Community, Error> {
    let config = state.config.clone();
    state
        .db
        .run(move |conn| {
            let actor = at.find(conn, &config, ActorKind::Group)?;
            communities::by_actor_id(conn, actor.id)
        })
        .await
}

/// The community the path designates, with the signed-in member.
async fn community_and_member(
    state: &AppState,
    page: &PageContext,
    at: ActorAt,
) -> Result<(Community, Actor), Box<Response>> {
    let me = page.require_account()?.actor.clone();
    find_community(state, at)
        .await
        .map(|c| (c, me))
        .map_err(|e| Box::new(ErrorPage::from_error(page, &e)))
}

pub async fn join(
    State(state): State<AppState>,
    at: ActorAt,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, at).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let target = community.actor.clone();
    match state
        .db
        .run(move |conn| follows::follow(conn, &config, &me, &target))
        .await
    {
        Ok(follow) => redirect_with(
            &state,
            &actor_link(&community.actor),
            match follow.state() {
                FollowState::Accepted => "flash-joined",
                FollowState::Pending => "flash-join-requested",
            },
        ),
        Err(Error::Forbidden(_)) => ErrorPage::response(
            &page,
            StatusCode::FORBIDDEN,
            page.t.get("community-invitation-only"),
        ),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

pub async fn leave(
    State(state): State<AppState>,
    at: ActorAt,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, at).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let target = community.actor.clone();
    match state
        .db
        .run(move |conn| follows::unfollow(conn, &config, &me, &target))
        .await
    {
        Ok(()) => redirect_with(&state, &actor_link(&community.actor), "flash-left"),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
}

/// A moderator accepts or rejects a request to join.
pub async fn answer_request(
    State(state): State<AppState>,
    Path((name, follow_id)): Path<(String, i64)>,
    Submitted { page, form }: Submitted<DecisionForm>,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, ActorAt::Local(name)).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            return ErrorPage::response(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                page.t.get("error-bad-form"),
            )
        }
    };
    let config = state.config.clone();
    let community_id = community.actor.id;
    let result = state
        .db
        .run(move |conn| {
            let follow = follows::by_id(conn, follow_id)?;
            if follow.target_id != community_id {
                return Err(Error::NotFound("no such request here".into()));
            }
            if accept {
                follows::accept(conn, &config, follow_id, &me).map(|_| ())
            } else {
                follows::reject(conn, &config, follow_id, &me)
            }
        })
        .await;
    match result {
        Ok(()) => redirect_with(
            &state,
            &actor_link(&community.actor),
            if accept {
                "flash-request-accepted"
            } else {
                "flash-request-rejected"
            },
        ),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// The post form as typed (kept on errors).
#[derive(Deserialize, Default)]
pub struct PostForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub language: String,
    /// Set by the "preview" button: show the text rendered, publish nothing.
    #[serde(default)]
    pub preview: String,
}

impl PostForm {
    pub fn draft(&self) -> PostDraft {
        PostDraft {
            title: self.title.clone(),
            body: self.body.clone(),
            link: Some(self.link.clone()),
            language: Some(self.language.clone()),
        }
    }

    /// The form bounded for showing it again.
    pub fn kept(self) -> Self {
        PostForm {
            title: self.title.chars().take(300).collect(),
            body: self.body.chars().take(60_000).collect(),
            link: self.link.chars().take(2100).collect(),
            language: self.language.chars().take(10).collect(),
            preview: String::new(),
        }
    }

    /// The rendered text when the preview was asked for.
    pub fn preview_html(&self) -> Option<String> {
        (!self.preview.is_empty()).then(|| text::markdown_to_html(&self.body))
    }
}

#[derive(Template)]
#[template(path = "compose.html")]
pub struct ComposePage {
    pub page: PageContext,
    pub heading: String,
    pub action: String,
    pub back: String,
    pub back_label: String,
    pub submit: String,
    pub with_title: bool,
    pub form: PostForm,
    pub languages: &'static [&'static str],
    pub errors: FieldErrors,
    /// The text rendered, when a preview was asked for.
    pub preview: Option<String>,
}

fn compose_page(
    page: PageContext,
    community: &Community,
    form: PostForm,
    errors: FieldErrors,
) -> ComposePage {
    let base = actor_link(&community.actor);
    ComposePage {
        heading: page
            .t
            .arg("compose-title", "community", community.actor.shown_name()),
        action: format!("{base}/submit"),
        back: base,
        back_label: page.t.arg("back-to", "name", community.actor.shown_name()),
        submit: page.t.get("compose-submit"),
        with_title: true,
        form,
        languages: POST_LANGUAGES,
        errors,
        preview: None,
        page,
    }
}

pub async fn compose(State(state): State<AppState>, at: ActorAt, page: PageContext) -> Response {
    let (community, _) = match community_and_member(&state, &page, at).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let form = PostForm {
        language: page.t.lang().code().into(),
        ..PostForm::default()
    };
    render(&compose_page(
        page,
        &community,
        form,
        FieldErrors::default(),
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    at: ActorAt,
    Submitted { page, form }: Submitted<PostForm>,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, at).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    if let Some(html) = form.preview_html() {
        let mut body = compose_page(page, &community, form.kept(), FieldErrors::default());
        body.preview = Some(html);
        return render(&body);
    }
    let config = state.config.clone();
    let draft = form.draft();
    let target = community.clone();
    match state
        .db
        .run(move |conn| content::create_post(conn, &config, &me, Some(&target), &draft))
        .await
    {
        Ok(post) => redirect_with(
            &state,
            &format!("/post/{}", post.id),
            "flash-post-published",
        ),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let body = render(&compose_page(page, &community, form.kept(), errors));
            (status_of(&e), body).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "follow.html")]
struct RemoteFollowPage {
    page: PageContext,
    handle: String,
    errors: FieldErrors,
}

pub async fn remote_follow_form(page: PageContext) -> Response {
    if let Err(response) = page.require_account() {
        return *response;
    }
    render(&RemoteFollowPage {
        page,
        handle: String::new(),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct RemoteFollowForm {
    #[serde(default)]
    handle: String,
}

/// Follows a community or a person anywhere, by `@name@domain`,
/// `!name@domain` or URL: found through federation, then followed.
pub async fn remote_follow(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<RemoteFollowForm>,
) -> Response {
    let me = match page.require_account() {
        Ok(account) => account.actor.clone(),
        Err(response) => return *response,
    };
    let handle: String = form.handle.trim().chars().take(500).collect();
    let result = match crate::activitypub::resolve::handle(&state, &handle).await {
        Ok(target) => {
            let config = state.config.clone();
            state
                .db
                .run(move |conn| {
                    let follow = follows::follow(conn, &config, &me, &target)?;
                    Ok((target, follow))
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((target, follow)) => {
            let accepted = follow.state() == FollowState::Accepted;
            let flash = match (target.local, target.kind(), accepted) {
                (false, _, _) => "flash-remote-follow-sent",
                (true, ActorKind::Group, true) => "flash-joined",
                (true, ActorKind::Group, false) => "flash-join-requested",
                (true, _, true) => "flash-followed",
                (true, _, false) => "flash-follow-requested",
            };
            let to = actor_link(&target);
            redirect_with(&state, &to, flash)
        }
        Err(e) => {
            // Whatever went wrong is about the handle typed.
            let message = match &e {
                Error::NotFound(_) => page.t.get("follow-not-found"),
                Error::Unavailable(_) => page.t.get("follow-unreachable"),
                Error::Invalid {
                    field: "handle", ..
                } => page.t.get("invalid-handle"),
                other => page.error_message(other),
            };
            let status = status_of(&e);
            let body = render(&RemoteFollowPage {
                page,
                handle,
                errors: FieldErrors::on("handle", message),
            });
            (status, body).into_response()
        }
    }
}

/// The settings form as typed (kept on errors).
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    rules: String,
    #[serde(default)]
    membership: String,
}

#[derive(Template)]
#[template(path = "community_settings.html")]
struct SettingsPage {
    page: PageContext,
    name: String,
    back: String,
    form: SettingsForm,
    policies: &'static [&'static str],
    errors: FieldErrors,
}

fn settings_page(
    page: PageContext,
    community: &Community,
    form: SettingsForm,
    errors: FieldErrors,
) -> SettingsPage {
    SettingsPage {
        page,
        name: community.actor.shown_name().to_string(),
        back: actor_link(&community.actor),
        form,
        policies: POLICIES,
        errors,
    }
}

/// The settings of a community of ours, for its moderators.
pub async fn settings_form(
    State(state): State<AppState>,
    Path(name): Path<String>,
    page: PageContext,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, ActorAt::Local(name)).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let id = community.actor.id;
    match state
        .db
        .run(move |conn| communities::is_moderator(conn, id, me.id))
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return ErrorPage::response(
                &page,
                StatusCode::FORBIDDEN,
                page.t.get("error-forbidden-text"),
            )
        }
        Err(e) => return ErrorPage::from_error(&page, &e),
    }
    let form = SettingsForm {
        title: community.actor.display_name.clone(),
        description: community.actor.summary.clone(),
        rules: community.settings.rules.clone(),
        membership: community.settings.membership_policy.clone(),
    };
    render(&settings_page(
        page,
        &community,
        form,
        FieldErrors::default(),
    ))
}

pub async fn settings(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Submitted { page, form }: Submitted<SettingsForm>,
) -> Response {
    let (community, me) = match community_and_member(&state, &page, ActorAt::Local(name)).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let changes = MembershipPolicy::parse(&form.membership).map(|policy| CommunityChanges {
        title: form.title.clone(),
        description: form.description.clone(),
        rules: form.rules.clone(),
        policy,
    });
    let target = community.clone();
    let config = state.config.clone();
    let result = match changes {
        Ok(changes) => {
            state
                .db
                .run(move |conn| communities::update(conn, &config, &target, &me, &changes))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(updated) => redirect_with(
            &state,
            &actor_link(&updated.actor),
            "flash-community-settings-saved",
        ),
        Err(e @ Error::Forbidden(_)) => ErrorPage::from_error(&page, &e),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let form = SettingsForm {
                title: form.title.chars().take(200).collect(),
                description: form.description.chars().take(10_000).collect(),
                rules: form.rules.chars().take(10_000).collect(),
                membership: form.membership.chars().take(20).collect(),
            };
            let body = render(&settings_page(page, &community, form, errors));
            (status_of(&e), body).into_response()
        }
    }
}

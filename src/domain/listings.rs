//! Lists shown to people: the community directory with member counts, the
//! communities a person belongs to, a person's posts, what a page of posts
//! shows beside each item (authors, like and comment counts, what the
//! reader liked), and a post page's post and thread. Each list is one
//! keyset query on ids (`before`: the last id of the previous page), and
//! what goes beside a page's items is one query per kind, never one per
//! item.

use std::collections::{HashMap, HashSet};

use diesel::dsl::exists;
use diesel::prelude::*;

use super::accounts::{Account, AccountStatus, User};
use super::actors::{shown_name, Actor};
use super::communities::{Community, CommunityKind, CommunityRow, MembershipPolicy};
use super::content::{in_thread_order, Post, ThreadLink};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::schema::{
    actors, comments, communities, follows, instances, likes, media, polls, posts, statuses, users,
};

#[diesel::declare_sql_function]
extern "SQL" {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Longest text filter of the directory.
pub const FILTER_MAX: usize = 100;

/// What the directory shows.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub kind: Option<CommunityKind>,
    /// Words looked for in the name, title and description (case-insensitive).
    pub text: String,
    pub before: Option<i64>,
}

/// A community in the directory.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    pub community: Community,
    pub members: i64,
}

/// The settings of a Group actor without a row of its own (a remote one
/// we know nothing more of).
fn default_settings(actor: &Actor) -> CommunityRow {
    CommunityRow {
        actor_id: actor.id,
        kind: CommunityKind::Interest.as_str().into(),
        membership_policy: if actor.manually_approves_followers {
            MembershipPolicy::Approval.as_str().into()
        } else {
            MembershipPolicy::Open.as_str().into()
        },
        rules: String::new(),
        moderators_url: None,
        featured_url: None,
    }
}

/// Communities here and elsewhere, newest first, with their member counts.
pub fn directory(
    conn: &mut DbConn,
    filter: &DirectoryFilter,
    limit: i64,
) -> Result<Vec<DirectoryEntry>, Error> {
    let mut query = actors::table
        .left_join(communities::table)
        .filter(actors::kind.eq("group"))
        .select((Actor::as_select(), Option::<CommunityRow>::as_select()))
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(communities::kind.eq(kind.as_str()));
    }
    let text: String = filter
        .text
        .trim()
        .chars()
        .take(FILTER_MAX)
        .collect::<String>()
        .to_lowercase();
    if !text.is_empty() {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            lower(actors::username)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(actors::display_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(actors::summary).like(pattern).escape('\\')),
        );
    }
    if let Some(before) = filter.before {
        query = query.filter(actors::id.lt(before));
    }
    let rows: Vec<(Actor, Option<CommunityRow>)> =
        query.order(actors::id.desc()).limit(limit).load(conn)?;
    let counts = member_counts(conn, &rows.iter().map(|(a, _)| a.id).collect::<Vec<_>>())?;
    Ok(rows
        .into_iter()
        .map(|(actor, settings)| {
            let settings = settings.unwrap_or_else(|| default_settings(&actor));
            DirectoryEntry {
                members: counts.get(&actor.id).copied().unwrap_or(0),
                community: Community { actor, settings },
            }
        })
        .collect())
}

/// Accepted followers (members) of each of these actors.
pub fn member_counts(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, i64>, Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = follows::table
        .filter(follows::target_id.eq_any(ids))
        .filter(follows::state.eq("accepted"))
        .group_by(follows::target_id)
        .select((follows::target_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The communities a person belongs to (accepted follows of Groups),
/// most recently joined first.
pub fn communities_of(conn: &mut DbConn, person_id: i64, limit: i64) -> Result<Vec<Actor>, Error> {
    Ok(follows::table
        .inner_join(actors::table.on(actors::id.eq(follows::target_id)))
        .filter(follows::follower_id.eq(person_id))
        .filter(follows::state.eq("accepted"))
        .filter(actors::kind.eq("group"))
        .order(follows::id.desc())
        .limit(limit)
        .select(Actor::as_select())
        .load(conn)?)
}

/// The pinned posts of a community, newest first (shown above its pages).
pub fn pinned_posts(conn: &mut DbConn, community_id: i64) -> Result<Vec<Post>, Error> {
    Ok(posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::pinned.eq(true))
        .filter(posts::deleted_at.is_null())
        .order(posts::id.desc())
        .limit(PINNED_MAX)
        .select(Post::as_select())
        .load(conn)?)
}

/// Most pinned posts shown.
pub const PINNED_MAX: i64 = 20;

/// The other posts of a community, newest first: keyset pages on the id
/// alone, so that pinned posts never come back on a later page.
pub fn unpinned_posts(
    conn: &mut DbConn,
    community_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Post>, Error> {
    let mut query = posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::pinned.eq(false))
        .filter(posts::deleted_at.is_null())
        .select(Post::as_select())
        .into_boxed();
    if let Some(b) = before {
        query = query.filter(posts::id.lt(b));
    }
    Ok(query.order(posts::id.desc()).limit(limit).load(conn)?)
}

/// A person's posts (not deleted), newest first.
pub fn posts_by(
    conn: &mut DbConn,
    author_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Post>, Error> {
    let mut query = posts::table
        .filter(posts::author_id.eq(author_id))
        .filter(posts::deleted_at.is_null())
        .select(Post::as_select())
        .into_boxed();
    if let Some(b) = before {
        query = query.filter(posts::id.lt(b));
    }
    Ok(query.order(posts::id.desc()).limit(limit).load(conn)?)
}

/// Actors by id, each loaded once.
pub fn actors_by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Actor>, Error> {
    let unique: HashSet<i64> = ids.iter().copied().collect();
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(actors::table
        .filter(actors::id.eq_any(unique))
        .select(Actor::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// Comments (deleted ones included, as they keep their place) of each post.
pub fn comment_counts(conn: &mut DbConn, post_ids: &[i64]) -> Result<HashMap<i64, i64>, Error> {
    if post_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = comments::table
        .filter(comments::post_id.eq_any(post_ids))
        .filter(comments::deleted_at.is_null())
        .group_by(comments::post_id)
        .select((comments::post_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// A post as its page shows it, read in one query: its author, the status
/// its images and poll hang on (and whether it has any), its likes and
/// whether the reader is among them.
#[derive(Debug)]
pub struct PostView {
    pub post: Post,
    pub author: Actor,
    pub status_id: i64,
    pub has_media: bool,
    pub has_poll: bool,
    pub likes: i64,
    pub liked: bool,
}

/// The post `post_id` as `reader` sees it on its page.
pub fn post_view(conn: &mut DbConn, post_id: i64, reader: Option<i64>) -> Result<PostView, Error> {
    // The post, its author, its status, has media, has a poll, likes, liked.
    type Row = (Post, Actor, i64, bool, bool, Option<i64>, bool);
    let row: Option<Row> = posts::table
        .inner_join(actors::table.on(actors::id.eq(posts::author_id)))
        .inner_join(
            statuses::table.on(statuses::post_id
                .eq(posts::id.nullable())
                .and(statuses::reblog_of_id.is_null())),
        )
        .filter(posts::id.eq(post_id))
        .select((
            Post::as_select(),
            Actor::as_select(),
            statuses::id,
            exists(media::table.filter(media::status_id.eq(statuses::id.nullable()))),
            exists(polls::table.filter(polls::status_id.eq(statuses::id))),
            likes::table
                .filter(likes::post_id.eq(posts::id.nullable()))
                .count()
                .single_value(),
            exists(
                likes::table
                    .filter(likes::post_id.eq(posts::id.nullable()))
                    .filter(likes::actor_id.nullable().eq(reader)),
            ),
        ))
        .first(conn)
        .optional()?;
    let (post, author, status_id, has_media, has_poll, likes, liked) =
        row.ok_or_else(|| Error::NotFound(format!("no post {post_id}")))?;
    Ok(PostView {
        post,
        author,
        status_id,
        has_media,
        has_poll,
        likes: likes.unwrap_or(0),
        liked,
    })
}

/// A comment as a thread shows it: its text, its author's shown name and
/// avatar, its likes and whether the reader is among them.
#[derive(Debug, Clone)]
pub struct ShownComment {
    pub id: i64,
    pub author_id: i64,
    pub content_html: String,
    pub published_at: chrono::NaiveDateTime,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub deleted_at: Option<chrono::NaiveDateTime>,
    pub author: String,
    pub avatar: Option<String>,
    pub likes: i64,
    pub liked: bool,
}

/// The comments of a post in thread order (deleted ones included, as they
/// keep their place), each with its depth: one query for the comments and
/// their authors, one for their likes.
pub fn thread(
    conn: &mut DbConn,
    post_id: i64,
    reader: Option<i64>,
) -> Result<Vec<(ShownComment, usize)>, Error> {
    type Row = (
        (i64, Option<i64>, i64, String),
        (
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        ),
        (String, String, Option<String>),
    );
    let rows: Vec<Row> = comments::table
        .inner_join(actors::table.on(actors::id.eq(comments::author_id)))
        .filter(comments::post_id.eq(post_id))
        .order(comments::id.asc())
        .select((
            (
                comments::id,
                comments::parent_id,
                comments::author_id,
                comments::content_html,
            ),
            (
                comments::published_at,
                comments::updated_at,
                comments::deleted_at,
            ),
            (actors::display_name, actors::username, actors::avatar_url),
        ))
        .load(conn)?;
    let likes: Vec<(i64, i64)> = db::batch(&rows, || {
        likes::table
            .inner_join(comments::table.on(likes::comment_id.eq(comments::id.nullable())))
            .filter(comments::post_id.eq(post_id))
            .select((comments::id, likes::actor_id))
            .load(conn)
    })?;
    // Each comment's like count, and whether the reader is among them.
    let mut liked: HashMap<i64, (i64, bool)> = HashMap::new();
    for (comment_id, actor_id) in likes {
        let entry = liked.entry(comment_id).or_default();
        entry.0 += 1;
        entry.1 |= Some(actor_id) == reader;
    }
    let rows = in_thread_order(rows, |((id, parent_id, ..), ..)| ThreadLink {
        id: *id,
        parent_id: *parent_id,
    });
    Ok(rows
        .into_iter()
        .map(
            |(
                (
                    (id, _, author_id, content_html),
                    (published_at, updated_at, deleted_at),
                    (display_name, username, avatar),
                ),
                depth,
            )| {
                let (likes, liked) = liked.get(&id).copied().unwrap_or_default();
                let comment = ShownComment {
                    id,
                    author_id,
                    content_html,
                    published_at,
                    updated_at,
                    deleted_at,
                    author: shown_name(&display_name, &username).to_owned(),
                    avatar,
                    likes,
                    liked,
                };
                (comment, depth)
            },
        )
        .collect())
}

/// Instances this one has exchanged with successfully and that are not
/// given up on, by domain.
pub fn partner_instances(conn: &mut DbConn, limit: i64) -> Result<Vec<String>, Error> {
    Ok(instances::table
        .filter(instances::last_success_at.is_not_null())
        .filter(instances::dead_since.is_null())
        .order(instances::domain.asc())
        .limit(limit)
        .select(instances::domain)
        .load(conn)?)
}

/// Local accounts, newest first; only those waiting for approval when
/// `pending_only`.
pub fn accounts(
    conn: &mut DbConn,
    pending_only: bool,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Account>, Error> {
    let mut query = users::table
        .inner_join(actors::table)
        .select((User::as_select(), Actor::as_select()))
        .into_boxed();
    if pending_only {
        query = query.filter(users::status.eq(AccountStatus::Pending.as_str()));
    }
    if let Some(b) = before {
        query = query.filter(users::id.lt(b));
    }
    Ok(query
        .order(users::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(|(user, actor)| Account { user, actor })
        .collect())
}

/// Posts by id (deleted ones included), each loaded once.
pub fn posts_by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Post>, Error> {
    let unique: HashSet<i64> = ids.iter().copied().collect();
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(posts::table
        .filter(posts::id.eq_any(unique))
        .select(Post::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

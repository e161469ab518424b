//! Statuses as Mastodon apps see them. A status is a post or a comment, or
//! a reblog of one; the `statuses` index (kept by database triggers,
//! whichever door the content came through) gives them one id space in
//! arrival order.
//!
//! A reblog is an index row of its own: its author is who boosted,
//! `reblog_of_id` the status boosted, and it points at the same post or
//! comment (so it is deleted with it). People's boosts are written by
//! [`super::reblogs`]; a community's reblog of each of its posts is written
//! by the post's insert trigger, beside the post itself: that is how a
//! Mastodon app shows the community's `Announce` (FEP-1b12), whether the
//! post was written here or relayed from elsewhere. Home and list
//! timelines therefore take a followed community's posts through its
//! reblogs (and the answers written in it as they are). Here: writing a
//! status from one text (an answer becomes a comment, a status mentioning a
//! community becomes a post in it), idempotent creation, threads,
//! timelines as keyset pages, pins, and the facts shown beside each status and
//! account (counts, the viewer's likes), loaded per page, never per row.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::accounts::Account;
use super::actors::{self, Actor, ActorKind};
use super::communities::{self, Community};
use super::content::{self, Comment, Post, PostDraft, Target};
use super::housekeeping;
use super::media::{self, Media};
use super::polls::{self, NewPoll, PollView};
use crate::config::Config;
use crate::db::{batch, load_native, DbConn};
use crate::error::Error;
use crate::schema::{
    bookmarks, comments, follows, idempotency_keys, likes, list_members, posts, status_tags,
    statuses,
};

/// Applies a keyset page to a query ordered by `$id` (a macro: each
/// table's boxed query is its own type).
macro_rules! keyset {
    ($query:expr, $id:expr, $page:expr) => {{
        let mut query = $query;
        if let Some(max) = $page.max_id {
            query = query.filter($id.lt(max));
        }
        if let Some(min) = $page.lower() {
            query = query.filter($id.gt(min));
        }
        if $page.ascending() {
            query.order($id.asc())
        } else {
            query.order($id.desc())
        }
        .limit($page.limit)
    }};
}
pub(crate) use keyset;

/// Longest status text accepted, in characters.
pub const STATUS_MAX_CHARS: usize = 5000;
/// Longest `Idempotency-Key` accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 200;
/// Longest title made from a status posted into a community.
const TITLE_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statuses)]
pub struct StatusRow {
    pub id: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub author_id: i64,
    pub community_id: Option<i64>,
    pub local: bool,
    pub deleted: bool,
    /// For a reblog: the status boosted.
    pub reblog_of_id: Option<i64>,
    /// For a person's boost: the id of its `Announce`.
    pub reblog_ap_id: Option<String>,
    pub reblogged_at: Option<chrono::NaiveDateTime>,
    /// When its author pinned it to their profile.
    pub pinned_at: Option<chrono::NaiveDateTime>,
}

/// A status: its index row and the post or comment it is.
#[derive(Debug, Clone)]
pub struct Status {
    pub row: StatusRow,
    pub target: Target,
}

/// A keyset page request: `max_id` (older than), `since_id` (newer than,
/// newest first), `min_id` (just newer than, oldest first), `limit`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Page {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl Page {
    /// Newest first unless `min_id` asks for the page just after it.
    pub fn ascending(&self) -> bool {
        self.min_id.is_some()
    }

    /// The lower bound (exclusive) of ids.
    pub fn lower(&self) -> Option<i64> {
        match (self.since_id, self.min_id) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Rows fetched in ascending order come back newest first.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        if self.ascending() {
            rows.reverse();
        }
        rows
    }
}

/// Which statuses a timeline shows.
#[derive(Debug, Clone, Copy)]
pub enum Timeline {
    /// What an actor follows (people and communities), and their own.
    Home(i64),
    /// Everything known here; `Some(true)` local only, `Some(false)` remote only.
    Public(Option<bool>),
    /// What one actor wrote (and boosted, `with_reblogs`); `with_replies:
    /// false` keeps posts only.
    Account {
        actor_id: i64,
        with_replies: bool,
        with_reblogs: bool,
    },
    /// What the accounts of a list wrote, or wrote in them (communities).
    List { list_id: i64, with_replies: bool },
    /// Statuses with a tag; `local` as for [`Timeline::Public`].
    Tag { tag_id: i64, local: Option<bool> },
}

/// How many of the newest statuses a home or list timeline looks at first.
const RECENT_WINDOW: i64 = 2_000;

/// A page of a timeline, newest first.
///
/// Home and list timelines draw on many authors: answered from the
/// indexes alone, SQLite gathers every status of every followed account and
/// sorts them all to keep a page. Such timelines are dense near their top,
/// so the newest [`RECENT_WINDOW`] statuses below the page's start are
/// looked at first, and the whole history only when they hold less than a
/// page.
pub fn timeline(conn: &mut DbConn, which: Timeline, page: &Page) -> Result<Vec<Status>, Error> {
    let windowed = matches!(which, Timeline::Home(_) | Timeline::List { .. }) && !page.ascending();
    if windowed {
        // The window's floor is a subquery: one round trip.
        let newest = diesel::alias!(statuses as newest);
        let id = newest.field(statuses::id);
        let floor = newest
            .filter(id.lt(page.max_id.unwrap_or(i64::MAX)))
            .select(diesel::dsl::max(id) - RECENT_WINDOW)
            .single_value();
        let rows = keyset!(timeline_query(which), statuses::id, page)
            .filter(statuses::id.nullable().gt(floor))
            .load(conn)?;
        if rows.len() as i64 == page.limit {
            return load(conn, page.finish(rows));
        }
    }
    let rows = keyset!(timeline_query(which), statuses::id, page).load(conn)?;
    load(conn, page.finish(rows))
}

/// A query over the statuses index, built piece by piece.
type StatusQuery = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::Select<
        diesel::dsl::Filter<statuses::table, diesel::dsl::Eq<statuses::deleted, bool>>,
        diesel::dsl::AsSelect<StatusRow, crate::db::MultiBackend>,
    >,
    crate::db::MultiBackend,
>;

/// The statuses a timeline shows, in no order yet.
fn timeline_query(which: Timeline) -> StatusQuery {
    let mut query = statuses::table
        .filter(statuses::deleted.eq(false))
        .select(StatusRow::as_select())
        .into_boxed();
    match which {
        Timeline::Home(me) => {
            let followed = || {
                follows::table
                    .filter(follows::follower_id.eq(me))
                    .filter(follows::state.eq("accepted"))
            };
            // A post in a followed community comes as the community's
            // reblog: not a second time as its author's (or one's own).
            let shown_by_its_community = statuses::post_id
                .is_not_null()
                .and(statuses::reblog_of_id.is_null())
                .and(statuses::community_id.is_not_null())
                .and(
                    statuses::community_id.eq_any(followed().select(follows::target_id.nullable())),
                );
            query = query.filter(
                statuses::author_id
                    .eq(me)
                    .or(statuses::author_id.eq_any(followed().select(follows::target_id)))
                    .and(diesel::dsl::not(shown_by_its_community))
                    .or(statuses::comment_id
                        .is_not_null()
                        .and(statuses::reblog_of_id.is_null())
                        .and(
                            statuses::community_id
                                .eq_any(followed().select(follows::target_id.nullable())),
                        )),
            );
        }
        Timeline::Public(local) => {
            query = query.filter(statuses::reblog_of_id.is_null());
            if let Some(local) = local {
                query = query.filter(statuses::local.eq(local));
            }
        }
        Timeline::Account {
            actor_id,
            with_replies,
            with_reblogs,
        } => {
            query = query.filter(statuses::author_id.eq(actor_id));
            if !with_reblogs {
                query = query.filter(statuses::reblog_of_id.is_null());
            }
            if !with_replies {
                query = query.filter(statuses::post_id.is_not_null());
            }
        }
        Timeline::List {
            list_id,
            with_replies,
        } => {
            let members = || list_members::table.filter(list_members::list_id.eq(list_id));
            query = query.filter(
                statuses::author_id
                    .eq_any(members().select(list_members::actor_id))
                    .or(statuses::comment_id
                        .is_not_null()
                        .and(statuses::reblog_of_id.is_null())
                        .and(
                            statuses::community_id
                                .eq_any(members().select(list_members::actor_id.nullable())),
                        )),
            );
            if !with_replies {
                query = query.filter(statuses::post_id.is_not_null());
            }
        }
        Timeline::Tag { tag_id, local } => {
            let tagged = status_tags::table
                .filter(status_tags::tag_id.eq(tag_id))
                .select(status_tags::status_id);
            query = query.filter(statuses::id.eq_any(tagged));
            if let Some(local) = local {
                query = query.filter(statuses::local.eq(local));
            }
        }
    }
    query
}

/// Loads the posts and comments of index rows (two queries), keeping order.
pub fn load(conn: &mut DbConn, rows: Vec<StatusRow>) -> Result<Vec<Status>, Error> {
    let post_ids: Vec<i64> = rows.iter().filter_map(|r| r.post_id).collect();
    let comment_ids: Vec<i64> = rows.iter().filter_map(|r| r.comment_id).collect();
    let mut posts_by_id: HashMap<i64, Post> = batch(&post_ids, || {
        posts::table
            .filter(posts::id.eq_any(&post_ids))
            .select(Post::as_select())
            .load(conn)
    })?
    .into_iter()
    .map(|p| (p.id, p))
    .collect();
    let mut comments_by_id: HashMap<i64, Comment> = batch(&comment_ids, || {
        comments::table
            .filter(comments::id.eq_any(&comment_ids))
            .select(Comment::as_select())
            .load(conn)
    })?
    .into_iter()
    .map(|c| (c.id, c))
    .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let target = match (row.post_id, row.comment_id) {
                (Some(p), _) => Target::Post(posts_by_id.remove(&p)?),
                (_, Some(c)) => Target::Comment(comments_by_id.remove(&c)?),
                _ => return None,
            };
            Some(Status { row, target })
        })
        .collect())
}

/// Statuses by id, deleted ones left out, in no particular order.
pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Status>, Error> {
    let rows = statuses::table
        .filter(statuses::id.eq_any(ids))
        .filter(statuses::deleted.eq(false))
        .select(StatusRow::as_select())
        .load(conn)?;
    load(conn, rows)
}

/// A status by id; deleted ones are gone (`NotFound`).
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Status, Error> {
    let row = statuses::table
        .find(id)
        .filter(statuses::deleted.eq(false))
        .select(StatusRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("Record not found".into()))?;
    load(conn, vec![row])?
        .pop()
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

/// The status of a post or comment.
pub fn of_target(conn: &mut DbConn, target: &Target) -> Result<Status, Error> {
    let query = statuses::table
        .filter(statuses::reblog_of_id.is_null())
        .select(StatusRow::as_select());
    let row = match target {
        Target::Post(p) => query.filter(statuses::post_id.eq(p.id)).first(conn)?,
        Target::Comment(c) => query.filter(statuses::comment_id.eq(c.id)).first(conn)?,
    };
    Ok(Status {
        row,
        target: target.clone(),
    })
}

/// What a member writes from a Mastodon app.
#[derive(Debug, Clone, Default)]
pub struct NewStatus {
    pub text: String,
    /// The status answered, by status id.
    pub in_reply_to: Option<i64>,
    pub language: Option<String>,
    /// Uploads of the author to attach, in order.
    pub media_ids: Vec<i64>,
    pub poll: Option<NewPoll>,
}

/// Writes a status: an answer becomes a comment; otherwise a status that
/// mentions a community (`@name@domain`, local or already known) becomes a
/// post in it, titled by its first line; otherwise a post on the author's
/// profile. With an idempotency key, the same key gives back the status
/// it first created.
pub fn create(
    conn: &mut DbConn,
    config: &Config,
    author: &Account,
    new: &NewStatus,
    idempotency_key: Option<&str>,
) -> Result<Status, Error> {
    let text = validate_text(&new.text)?;
    let key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > IDEMPOTENCY_KEY_MAX) {
        return Err(Error::invalid(
            "Idempotency-Key",
            format!("must be at most {IDEMPOTENCY_KEY_MAX} bytes long"),
        ));
    }
    crate::db::transaction(conn, |conn| {
        if let Some(k) = key {
            if let Some(existing) = by_idempotency_key(conn, author.user.id, k)? {
                return Ok(existing);
            }
        }
        let extras = content::Extras {
            media_ids: &new.media_ids,
            poll: new.poll.as_ref(),
        };
        let target = match new.in_reply_to {
            Some(parent_id) => {
                let parent = by_id(conn, parent_id).map_err(|_| {
                    Error::invalid("in_reply_to_id", "the status answered does not exist")
                })?;
                Target::Comment(content::create_comment_with(
                    conn,
                    config,
                    &author.actor,
                    &parent.target,
                    text,
                    extras,
                )?)
            }
            None => {
                let community = mentioned_community(conn, config, text)?;
                let title = match &community {
                    Some(c) => title_of(text, c)?,
                    None => String::new(),
                };
                let draft = PostDraft {
                    title,
                    body: text.to_string(),
                    link: None,
                    language: new.language.clone(),
                };
                Target::Post(content::create_post_with(
                    conn,
                    config,
                    &author.actor,
                    community.as_ref(),
                    &draft,
                    extras,
                )?)
            }
        };
        let status = of_target(conn, &target)?;
        if let Some(k) = key {
            // A key past its day may still be stored: it now names this status.
            diesel::delete(idempotency_keys::table.find((author.user.id, k))).execute(conn)?;
            diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::user_id.eq(author.user.id),
                    idempotency_keys::idem_key.eq(k),
                    idempotency_keys::status_id.eq(status.row.id),
                    idempotency_keys::created_at.eq(super::now()),
                ))
                .execute(conn)?;
        }
        Ok(status)
    })
}

/// The author edits a status's text (and language, and attachments when
/// `media_ids` is given); a post keeps its title and link.
pub fn edit(
    conn: &mut DbConn,
    config: &Config,
    author: &Account,
    status: &Status,
    text: &str,
    language: Option<String>,
    media_ids: Option<&[i64]>,
) -> Result<Status, Error> {
    let text = validate_text(text)?;
    let draft = match &status.target {
        Target::Post(p) => PostDraft {
            title: p.title.clone(),
            body: text.to_string(),
            link: p.link_url.clone(),
            language: language.or_else(|| p.language.clone()),
        },
        Target::Comment(_) => PostDraft {
            body: text.to_string(),
            ..PostDraft::default()
        },
    };
    let target = content::edit_with_media(
        conn,
        config,
        &author.actor,
        &status.target,
        &draft,
        media_ids,
    )?;
    Ok(Status {
        row: status.row.clone(),
        target,
    })
}

/// A status text: not blank, at most [`STATUS_MAX_CHARS`]; returned trimmed.
fn validate_text(text: &str) -> Result<&str, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("status", "can't be blank"));
    }
    if text.chars().count() > STATUS_MAX_CHARS {
        return Err(Error::invalid(
            "status",
            format!("must be at most {STATUS_MAX_CHARS} characters long"),
        ));
    }
    Ok(text)
}

fn by_idempotency_key(conn: &mut DbConn, user_id: i64, key: &str) -> Result<Option<Status>, Error> {
    let since = super::now() - chrono::Duration::hours(housekeeping::IDEMPOTENCY_KEY_HOURS);
    let id: Option<i64> = idempotency_keys::table
        .find((user_id, key))
        .filter(idempotency_keys::created_at.ge(since))
        .select(idempotency_keys::status_id)
        .first(conn)
        .optional()?;
    id.map(|id| {
        let row = statuses::table
            .find(id)
            .select(StatusRow::as_select())
            .first(conn)?;
        load(conn, vec![row])?
            .pop()
            .ok_or_else(|| Error::NotFound("Record not found".into()))
    })
    .transpose()
}

/// The handles a text mentions: `@name` or `@name@domain` (`!` too),
/// lowercased, in order.
pub fn mentions(text: &str) -> Vec<(String, Option<String>)> {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .filter_map(|word| {
            let word = word.strip_prefix('@').or_else(|| word.strip_prefix('!'))?;
            let word = word.trim_end_matches(|c: char| !c.is_alphanumeric());
            let (name, domain) = match word.split_once('@') {
                Some((n, d)) => (n, Some(d.to_lowercase())),
                None => (word, None),
            };
            let valid =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            valid.then(|| (name.to_lowercase(), domain))
        })
        .collect()
}

/// The first community a text mentions that is ours or already known here.
fn mentioned_community(
    conn: &mut DbConn,
    config: &Config,
    text: &str,
) -> Result<Option<Community>, Error> {
    for (name, domain) in mentions(text) {
        let domain = domain.unwrap_or_else(|| config.domain.clone());
        if let Some(actor) = actors::find_by_handle(conn, &name, &domain)? {
            if actor.kind() == ActorKind::Group {
                return Ok(Some(communities::by_actor_id(conn, actor.id)?));
            }
        }
    }
    Ok(None)
}

/// The title of a status posted into a community: its first line of text
/// once the community's mention is taken out, cut at 200 characters.
fn title_of(text: &str, community: &Community) -> Result<String, Error> {
    let name = community.actor.username.to_lowercase();
    let is_mention = |word: &str| {
        let w = word
            .trim_start_matches(['@', '!'])
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        (word.starts_with('@') || word.starts_with('!'))
            && (w == name || w.split_once('@').is_some_and(|(n, _)| n == name))
    };
    let line = text
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter(|w| !is_mention(w))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|l| !l.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "status",
                "a status posted into a community needs text besides the mention",
            )
        })?;
    Ok(line.chars().take(TITLE_MAX_CHARS).collect())
}

/// The thread around a status: what it answers (oldest first) and the
/// answers below it (in thread order).
pub fn context(conn: &mut DbConn, status: &Status) -> Result<(Vec<Status>, Vec<Status>), Error> {
    let (post_id, own_comment) = match &status.target {
        Target::Post(p) => (p.id, None),
        Target::Comment(c) => (c.post_id, Some(c.id)),
    };
    let thread = content::thread(conn, post_id)?;
    let parents: HashMap<i64, Option<i64>> =
        thread.iter().map(|(c, _)| (c.id, c.parent_id)).collect();
    let mut ancestors_comments = Vec::new();
    let mut descendants = Vec::new();
    match own_comment {
        None => descendants.extend(thread.iter().map(|(c, _)| c.id)),
        Some(me) => {
            let mut up = parents.get(&me).copied().flatten();
            while let Some(id) = up {
                ancestors_comments.push(id);
                up = parents.get(&id).copied().flatten();
            }
            ancestors_comments.reverse();
            // Thread order puts a comment's subtree right after it, deeper.
            let mut inside = false;
            let mut depth_of_me = 0;
            for (c, depth) in &thread {
                if c.id == me {
                    inside = true;
                    depth_of_me = *depth;
                } else if inside && *depth > depth_of_me {
                    descendants.push(c.id);
                } else if inside {
                    break;
                }
            }
        }
    }
    let mut ancestors = Vec::new();
    if own_comment.is_some() {
        ancestors.extend(rows_of(conn, &[post_id], &[])?);
        ancestors.extend(rows_of(conn, &[], &ancestors_comments)?);
    }
    let descendants = rows_of(conn, &[], &descendants)?;
    let visible = |rows: Vec<StatusRow>| rows.into_iter().filter(|r| !r.deleted).collect();
    Ok((
        load(conn, visible(ancestors))?,
        load(conn, visible(descendants))?,
    ))
}

/// Index rows of posts and comments, in the order of the ids given.
fn rows_of(
    conn: &mut DbConn,
    post_ids: &[i64],
    comment_ids: &[i64],
) -> Result<Vec<StatusRow>, Error> {
    if post_ids.is_empty() && comment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<StatusRow> = statuses::table
        .filter(
            statuses::post_id
                .eq_any(post_ids)
                .or(statuses::comment_id.eq_any(comment_ids)),
        )
        .filter(statuses::reblog_of_id.is_null())
        .select(StatusRow::as_select())
        .load(conn)?;
    let mut by_key: HashMap<(Option<i64>, Option<i64>), StatusRow> = rows
        .into_iter()
        .map(|r| ((r.post_id, r.comment_id), r))
        .collect();
    Ok(post_ids
        .iter()
        .map(|p| (Some(*p), None))
        .chain(comment_ids.iter().map(|c| (None, Some(*c))))
        .filter_map(|k| by_key.remove(&k))
        .collect())
}

/// What a page of statuses shows beside each one, loaded in a fixed
/// number of queries whatever the page size.
#[derive(Debug, Default)]
pub struct StatusFacts {
    /// Authors, communities and the authors of what is answered.
    pub actors: HashMap<i64, Actor>,
    pub likes: HashMap<i64, i64>,
    pub replies: HashMap<i64, i64>,
    /// Statuses the viewer liked.
    pub liked: HashSet<i64>,
    /// Statuses the viewer bookmarked.
    pub bookmarked: HashSet<i64>,
    /// What each answer answers: (status id, its author's actor id).
    pub in_reply_to: HashMap<i64, (i64, i64)>,
    /// Attachments of each status, in order.
    pub media: HashMap<i64, Vec<Media>>,
    /// Polls of statuses, as the viewer sees them.
    pub polls: HashMap<i64, PollView>,
    pub accounts: AccountFacts,
    /// The status each reblog of the page boosts, by reblog id.
    pub originals: HashMap<i64, Status>,
    /// Reblogs of each status.
    pub reblogs: HashMap<i64, i64>,
    /// Statuses the viewer reblogged.
    pub reblogged: HashSet<i64>,
    /// The hashtags of each status.
    pub tags: HashMap<i64, Vec<String>>,
}

/// Counts shown on accounts.
#[derive(Debug, Default)]
pub struct AccountFacts {
    pub followers: HashMap<i64, i64>,
    pub following: HashMap<i64, i64>,
    pub statuses: HashMap<i64, i64>,
    /// Professional profiles of people (their Mastodon `fields`).
    pub profiles: HashMap<i64, super::profiles::Profile>,
}

impl AccountFacts {
    /// The counts and profiles of actors: the three counts come in one
    /// query (one round trip), told apart by a first column.
    pub fn load(conn: &mut DbConn, actor_ids: &[i64]) -> Result<AccountFacts, Error> {
        use diesel::dsl::count_star;
        use diesel::sql_types::Integer;
        const FOLLOWERS: i32 = 0;
        const FOLLOWING: i32 = 1;
        const STATUSES: i32 = 2;
        let mut facts = AccountFacts::default();
        if actor_ids.is_empty() {
            return Ok(facts);
        }
        let followers = follows::table
            .filter(follows::target_id.eq_any(actor_ids))
            .filter(follows::state.eq("accepted"))
            .group_by(follows::target_id)
            .select((
                FOLLOWERS.into_sql::<Integer>(),
                follows::target_id,
                count_star(),
            ));
        let following = follows::table
            .filter(follows::follower_id.eq_any(actor_ids))
            .filter(follows::state.eq("accepted"))
            .group_by(follows::follower_id)
            .select((
                FOLLOWING.into_sql::<Integer>(),
                follows::follower_id,
                count_star(),
            ));
        let statuses = statuses::table
            .filter(statuses::author_id.eq_any(actor_ids))
            .filter(statuses::deleted.eq(false))
            .group_by(statuses::author_id)
            .select((
                STATUSES.into_sql::<Integer>(),
                statuses::author_id,
                count_star(),
            ));
        let counts: Vec<(i32, i64, i64)> =
            load_native(conn, followers.union_all(following).union_all(statuses))?;
        for (which, actor, n) in counts {
            let map = match which {
                FOLLOWERS => &mut facts.followers,
                FOLLOWING => &mut facts.following,
                _ => &mut facts.statuses,
            };
            map.insert(actor, n);
        }
        facts.profiles = super::profiles::of_actors(conn, actor_ids)?;
        Ok(facts)
    }
}

impl StatusFacts {
    /// The facts of a page of statuses, as `viewer` sees them.
    pub fn load(
        conn: &mut DbConn,
        shown: &[Status],
        viewer: Option<i64>,
    ) -> Result<StatusFacts, Error> {
        // A reblog shows the status it boosts: the facts are those of
        // the statuses themselves, reblogs replaced by what they boost.
        if shown.is_empty() {
            return Ok(StatusFacts::default());
        }
        let boosted: Vec<i64> = shown.iter().filter_map(|s| s.row.reblog_of_id).collect();
        let boosted_rows: HashMap<i64, StatusRow> = batch(&boosted, || {
            statuses::table
                .filter(statuses::id.eq_any(&boosted))
                .select(StatusRow::as_select())
                .load(conn)
        })?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
        let mut originals = HashMap::new();
        for s in shown {
            if let Some(row) = s.row.reblog_of_id.and_then(|id| boosted_rows.get(&id)) {
                let original = Status {
                    row: row.clone(),
                    target: s.target.clone(),
                };
                originals.insert(s.row.id, original);
            }
        }
        let mut page: Vec<Status> = shown
            .iter()
            .filter(|s| s.row.reblog_of_id.is_none())
            .chain(originals.values())
            .cloned()
            .collect();
        page.sort_by_key(|s| s.row.id);
        page.dedup_by_key(|s| s.row.id);
        let page = &page[..];
        let post_ids: Vec<i64> = page.iter().filter_map(|s| s.row.post_id).collect();
        let comment_ids: Vec<i64> = page.iter().filter_map(|s| s.row.comment_id).collect();
        let status_of_post: HashMap<i64, i64> = page
            .iter()
            .filter_map(|s| Some((s.row.post_id?, s.row.id)))
            .collect();
        let status_of_comment: HashMap<i64, i64> = page
            .iter()
            .filter_map(|s| Some((s.row.comment_id?, s.row.id)))
            .collect();
        let mut facts = StatusFacts {
            originals,
            ..StatusFacts::default()
        };
        let ids: Vec<i64> = page.iter().map(|s| s.row.id).collect();
        facts.tags = super::tags::of_statuses(conn, &ids)?;
        facts.media = media::of_statuses(conn, &ids)?;
        facts.polls = polls::views(conn, &ids, viewer)?;

        // The page's counts in one query (one round trip), each row told
        // apart by its first column: reblogs, likes and direct answers
        // (comments on a post with no parent, or on a comment).
        use diesel::dsl::count_star;
        use diesel::sql_types::{BigInt, Integer, Nullable};
        const REBLOGS: i32 = 0;
        const POST_LIKES: i32 = 1;
        const COMMENT_LIKES: i32 = 2;
        const POST_ANSWERS: i32 = 3;
        const COMMENT_ANSWERS: i32 = 4;
        let reblogs = statuses::table
            .filter(statuses::reblog_of_id.eq_any(&ids))
            .group_by(statuses::reblog_of_id)
            .select((
                REBLOGS.into_sql::<Integer>(),
                statuses::reblog_of_id,
                count_star(),
            ));
        let post_likes = likes::table
            .filter(likes::post_id.eq_any(&post_ids))
            .group_by(likes::post_id)
            .select((
                POST_LIKES.into_sql::<Integer>(),
                likes::post_id,
                count_star(),
            ));
        let comment_likes = likes::table
            .filter(likes::comment_id.eq_any(&comment_ids))
            .group_by(likes::comment_id)
            .select((
                COMMENT_LIKES.into_sql::<Integer>(),
                likes::comment_id,
                count_star(),
            ));
        let post_answers = comments::table
            .filter(comments::post_id.eq_any(&post_ids))
            .filter(comments::parent_id.is_null())
            .filter(comments::deleted_at.is_null())
            .group_by(comments::post_id)
            .select((
                POST_ANSWERS.into_sql::<Integer>(),
                comments::post_id.nullable(),
                count_star(),
            ));
        let comment_answers = comments::table
            .filter(comments::parent_id.eq_any(&comment_ids))
            .filter(comments::deleted_at.is_null())
            .group_by(comments::parent_id)
            .select((
                COMMENT_ANSWERS.into_sql::<Integer>(),
                comments::parent_id,
                count_star(),
            ));
        let counts: Vec<(i32, Option<i64>, i64)> = load_native(
            conn,
            reblogs
                .union_all(post_likes)
                .union_all(comment_likes)
                .union_all(post_answers)
                .union_all(comment_answers),
        )?;
        for (which, key, n) in counts {
            let Some(key) = key else { continue };
            let (of_post, of_comment) = (status_of_post.get(&key), status_of_comment.get(&key));
            match (which, of_post, of_comment) {
                (REBLOGS, _, _) => facts.reblogs.insert(key, n),
                (POST_LIKES, Some(&s), _) => facts.likes.insert(s, n),
                (COMMENT_LIKES, _, Some(&s)) => facts.likes.insert(s, n),
                (POST_ANSWERS, Some(&s), _) => facts.replies.insert(s, n),
                (COMMENT_ANSWERS, _, Some(&s)) => facts.replies.insert(s, n),
                _ => None,
            };
        }

        // What the viewer did to them, in one query too.
        if let Some(viewer) = viewer {
            const LIKED: i32 = 0;
            const REBLOGGED: i32 = 1;
            const BOOKMARKED: i32 = 2;
            let none = || None::<i64>.into_sql::<Nullable<BigInt>>();
            let liked = likes::table
                .filter(likes::actor_id.eq(viewer))
                .filter(
                    likes::post_id
                        .eq_any(&post_ids)
                        .or(likes::comment_id.eq_any(&comment_ids)),
                )
                .select((
                    LIKED.into_sql::<Integer>(),
                    likes::post_id,
                    likes::comment_id,
                ));
            let reblogged = statuses::table
                .filter(statuses::author_id.eq(viewer))
                .filter(statuses::reblog_of_id.eq_any(&ids))
                .select((
                    REBLOGGED.into_sql::<Integer>(),
                    statuses::reblog_of_id,
                    none(),
                ));
            let bookmarked = bookmarks::table
                .filter(bookmarks::actor_id.eq(viewer))
                .filter(bookmarks::status_id.eq_any(&ids))
                .select((
                    BOOKMARKED.into_sql::<Integer>(),
                    bookmarks::status_id.nullable(),
                    none(),
                ));
            let done: Vec<(i32, Option<i64>, Option<i64>)> =
                load_native(conn, liked.union_all(reblogged).union_all(bookmarked))?;
            for (which, first, second) in done {
                match which {
                    LIKED => {
                        let post = first.and_then(|p| status_of_post.get(&p));
                        let comment = second.and_then(|c| status_of_comment.get(&c));
                        facts.liked.extend(post.or(comment));
                    }
                    REBLOGGED => facts.reblogged.extend(first),
                    _ => facts.bookmarked.extend(first),
                }
            }
        }

        // What each comment answers: its parent comment, else its post.
        let mut parent_posts = Vec::new();
        let mut parent_comments = Vec::new();
        for s in page {
            if let Target::Comment(c) = &s.target {
                match c.parent_id {
                    Some(p) => parent_comments.push(p),
                    None => parent_posts.push(c.post_id),
                }
            }
        }
        let parents = rows_of(conn, &parent_posts, &parent_comments)?;
        let parent_by_key: HashMap<(Option<i64>, Option<i64>), (i64, i64)> = parents
            .iter()
            .map(|r| ((r.post_id, r.comment_id), (r.id, r.author_id)))
            .collect();
        for s in page {
            if let Target::Comment(c) = &s.target {
                let key = match c.parent_id {
                    Some(p) => (None, Some(p)),
                    None => (Some(c.post_id), None),
                };
                if let Some(&parent) = parent_by_key.get(&key) {
                    facts.in_reply_to.insert(s.row.id, parent);
                }
            }
        }

        let mut actor_ids: Vec<i64> = page
            .iter()
            .chain(shown)
            .flat_map(|s| std::iter::once(s.row.author_id).chain(s.row.community_id))
            .chain(facts.in_reply_to.values().map(|(_, a)| *a))
            .collect();
        actor_ids.sort_unstable();
        actor_ids.dedup();
        facts.actors = actors::by_ids(conn, &actor_ids)?;
        facts.accounts = AccountFacts::load(conn, &actor_ids)?;
        Ok(facts)
    }
}

/// Statuses an actor liked, newest like first, keyset-paged by like id.
pub fn liked_by(
    conn: &mut DbConn,
    actor_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Status)>, Error> {
    let query = likes::table
        .filter(likes::actor_id.eq(actor_id))
        .select((likes::id, likes::post_id, likes::comment_id))
        .into_boxed();
    let rows: Vec<(i64, Option<i64>, Option<i64>)> =
        page.finish(keyset!(query, likes::id, page).load(conn)?);
    let post_ids: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let comment_ids: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    let found_rows = rows_of(conn, &post_ids, &comment_ids)?;
    let found = load(conn, found_rows)?;
    Ok(rows
        .iter()
        .filter_map(|(like, post, comment)| {
            let status = found.iter().find(|s| {
                (post.is_some() && s.row.post_id == *post)
                    || (comment.is_some() && s.row.comment_id == *comment)
            })?;
            (!status.row.deleted).then(|| (*like, status.clone()))
        })
        .collect())
}

/// Who liked a status, newest like first, keyset-paged by like id.
pub fn likers(conn: &mut DbConn, status: &Status, page: &Page) -> Result<Vec<(i64, Actor)>, Error> {
    let mut query = likes::table
        .select((likes::id, likes::actor_id))
        .into_boxed();
    query = match &status.target {
        Target::Post(p) => query.filter(likes::post_id.eq(p.id)),
        Target::Comment(c) => query.filter(likes::comment_id.eq(c.id)),
    };
    let rows: Vec<(i64, i64)> = page.finish(keyset!(query, likes::id, page).load(conn)?);
    let ids: Vec<i64> = rows.iter().map(|(_, a)| *a).collect();
    let mut found = actors::by_ids(conn, &ids)?;
    Ok(rows
        .iter()
        .filter_map(|(like, actor)| Some((*like, found.remove(actor)?)))
        .collect())
}

/// Keeps a status for later (once; keeping it again changes nothing).
pub fn bookmark(conn: &mut DbConn, actor_id: i64, status: &Status) -> Result<(), Error> {
    let inserted = diesel::insert_into(bookmarks::table)
        .values((
            bookmarks::actor_id.eq(actor_id),
            bookmarks::status_id.eq(status.row.id),
            bookmarks::created_at.eq(super::now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Forgets a kept status (not kept: nothing changes).
pub fn unbookmark(conn: &mut DbConn, actor_id: i64, status: &Status) -> Result<(), Error> {
    diesel::delete(
        bookmarks::table
            .filter(bookmarks::actor_id.eq(actor_id))
            .filter(bookmarks::status_id.eq(status.row.id)),
    )
    .execute(conn)?;
    Ok(())
}

/// An actor's kept statuses, newest bookmark first, keyset-paged by bookmark id.
pub fn bookmarked_by(
    conn: &mut DbConn,
    actor_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Status)>, Error> {
    let query = bookmarks::table
        .filter(bookmarks::actor_id.eq(actor_id))
        .select((bookmarks::id, bookmarks::status_id))
        .into_boxed();
    let rows: Vec<(i64, i64)> = page.finish(keyset!(query, bookmarks::id, page).load(conn)?);
    let ids: Vec<i64> = rows.iter().map(|(_, s)| *s).collect();
    let found = by_ids(conn, &ids)?;
    Ok(rows
        .iter()
        .filter_map(|(b, s)| Some((*b, found.iter().find(|f| f.row.id == *s)?.clone())))
        .collect())
}

/// Most statuses an author pins to their profile.
pub const PINS_MAX: i64 = 5;

/// The author pins a status of theirs to their profile (at most
/// [`PINS_MAX`]; pinning again changes nothing), or unpins it.
pub fn set_pinned(
    conn: &mut DbConn,
    author_id: i64,
    status: &Status,
    pinned: bool,
) -> Result<Status, Error> {
    if status.row.author_id != author_id || status.row.reblog_of_id.is_some() {
        return Err(Error::invalid(
            "status",
            "only one's own statuses can be pinned, not boosts",
        ));
    }
    crate::db::transaction(conn, |conn| {
        let at = match (pinned, status.row.pinned_at) {
            (true, Some(at)) => Some(at),
            (true, None) => {
                let count: i64 = statuses::table
                    .filter(statuses::author_id.eq(author_id))
                    .filter(statuses::pinned_at.is_not_null())
                    .filter(statuses::deleted.eq(false))
                    .count()
                    .get_result(conn)?;
                if count >= PINS_MAX {
                    return Err(Error::invalid(
                        "status",
                        format!("at most {PINS_MAX} statuses can be pinned"),
                    ));
                }
                Some(super::now())
            }
            (false, _) => None,
        };
        diesel::update(statuses::table.find(status.row.id))
            .set(statuses::pinned_at.eq(at))
            .execute(conn)?;
        let mut status = status.clone();
        status.row.pinned_at = at;
        Ok(status)
    })
}

/// An actor's pinned statuses, last pinned first.
pub fn pinned_of(conn: &mut DbConn, author_id: i64) -> Result<Vec<Status>, Error> {
    let rows = statuses::table
        .filter(statuses::author_id.eq(author_id))
        .filter(statuses::pinned_at.is_not_null())
        .filter(statuses::deleted.eq(false))
        .order((statuses::pinned_at.desc(), statuses::id.desc()))
        .limit(PINS_MAX)
        .select(StatusRow::as_select())
        .load(conn)?;
    load(conn, rows)
}

/// A change streaming clients are told of: a status deleted (or a boost
/// taken back), or edited.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::status_events)]
pub struct StatusChange {
    pub id: i64,
    pub status_id: i64,
    /// `delete` or `update`.
    pub kind: String,
}

/// Changes after a cursor, oldest first (at most `limit`).
pub fn changes_after(
    conn: &mut DbConn,
    after: i64,
    limit: i64,
) -> Result<Vec<StatusChange>, Error> {
    use crate::schema::status_events;
    Ok(status_events::table
        .filter(status_events::id.gt(after))
        .order(status_events::id.asc())
        .limit(limit)
        .select(StatusChange::as_select())
        .load(conn)?)
}

/// The newest change id (0 when there is none): where a stream starts.
pub fn newest_change_id(conn: &mut DbConn) -> Result<i64, Error> {
    use crate::schema::status_events;
    Ok(status_events::table
        .select(diesel::dsl::max(status_events::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The newest status id (0 when there is none): where a stream starts.
pub fn newest_id(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(statuses::table
        .select(diesel::dsl::max(statuses::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found() {
        assert_eq!(
            mentions("Bonjour @Veille@alpha.test:8080, et !eau@b.org. @x"),
            vec![
                ("veille".into(), Some("alpha.test:8080".into())),
                ("eau".into(), Some("b.org".into())),
                ("x".into(), None),
            ]
        );
        assert!(mentions("a@b.org e-mail, @ alone").is_empty());
    }

    #[test]
    fn pages() {
        let p = Page {
            since_id: Some(3),
            min_id: Some(5),
            limit: 20,
            ..Page::default()
        };
        assert_eq!(p.lower(), Some(5));
        assert!(p.ascending());
        assert_eq!(p.finish(vec![6, 7]), vec![7, 6]);
    }
}

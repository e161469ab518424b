//! Posts, threaded comments and likes: writing, editing and deleting them
//! here, receiving them from other instances, and what each change sends
//! over federation. A community hosted here wraps every activity it accepts
//! in an `Announce` to its followers (FEP-1b12); content for a community
//! hosted elsewhere goes to that community's inbox.

use diesel::prelude::*;
use serde_json::Value;

use super::actors::{self as actors_dom, Actor};
use super::communities::{self, Community, MembershipPolicy};
use super::follows::{self, FollowState};
use super::media::{self, RemoteMedia};
use super::polls::{self, NewPoll, RemotePoll};
use super::{tags, text};
use crate::activitypub::{ids, objects};
use crate::config::Config;
use crate::db::DbConn;
use crate::delivery_queue;
use crate::error::Error;
use crate::schema::{self, comments, likes, posts};
use recolte_federation::activities as ap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub ap_id: String,
    pub local: bool,
    pub author_id: i64,
    pub community_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub source: String,
    pub content_html: String,
    pub link_url: Option<String>,
    pub language: Option<String>,
    pub pinned: bool,
    pub published_at: chrono::NaiveDateTime,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub deleted_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub ap_id: String,
    pub local: bool,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub source: String,
    pub content_html: String,
    pub published_at: chrono::NaiveDateTime,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub deleted_at: Option<chrono::NaiveDateTime>,
}

/// What a member writes as a post.
#[derive(Debug, Clone, Default)]
pub struct PostDraft {
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub language: Option<String>,
}

/// What a member's message carries besides its text: images (their
/// uploads, in order) and a poll.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    pub media_ids: &'a [i64],
    pub poll: Option<&'a NewPoll>,
}

/// Something that can be liked, answered, edited or deleted.
#[derive(Debug, Clone)]
pub enum Target {
    Post(Post),
    Comment(Comment),
}

impl Target {
    pub fn ap_id(&self) -> &str {
        match self {
            Target::Post(p) => &p.ap_id,
            Target::Comment(c) => &c.ap_id,
        }
    }

    pub fn author_id(&self) -> i64 {
        match self {
            Target::Post(p) => p.author_id,
            Target::Comment(c) => c.author_id,
        }
    }

    pub fn is_deleted(&self) -> bool {
        match self {
            Target::Post(p) => p.deleted_at.is_some(),
            Target::Comment(c) => c.deleted_at.is_some(),
        }
    }
}

pub fn post_by_id(conn: &mut DbConn, id: i64) -> Result<Post, Error> {
    posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no post {id}")))
}

pub fn comment_by_id(conn: &mut DbConn, id: i64) -> Result<Comment, Error> {
    comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no comment {id}")))
}

/// A post or comment by its ActivityPub id.
pub fn find_by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Target>, Error> {
    if let Some(p) = posts::table
        .filter(posts::ap_id.eq(ap_id))
        .select(Post::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(Some(Target::Post(p)));
    }
    Ok(comments::table
        .filter(comments::ap_id.eq(ap_id))
        .select(Comment::as_select())
        .first(conn)
        .optional()?
        .map(Target::Comment))
}

/// The community a post was posted to, if any.
pub fn community_of_post(conn: &mut DbConn, post: &Post) -> Result<Option<Community>, Error> {
    post.community_id
        .map(|id| communities::by_actor_id(conn, id))
        .transpose()
}

fn validate_draft(draft: &PostDraft, needs_title: bool) -> Result<PostDraft, Error> {
    let title = draft.title.trim();
    if needs_title && title.is_empty() {
        return Err(Error::invalid("title", "is required"));
    }
    if title.chars().count() > 200 {
        return Err(Error::invalid(
            "title",
            "must be at most 200 characters long",
        ));
    }
    let body = draft.body.trim();
    if body.len() > text::BODY_MAX {
        return Err(Error::invalid(
            "body",
            format!("must be at most {} bytes long", text::BODY_MAX),
        ));
    }
    if !needs_title && body.is_empty() {
        return Err(Error::invalid("body", "is required"));
    }
    let link = match draft
        .link
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(l) => {
            let url = url::Url::parse(l)
                .map_err(|_| Error::invalid("link", format!("'{l}' is not a valid URL")))?;
            if url.scheme() != "http" && url.scheme() != "https" || l.len() > 2000 {
                return Err(Error::invalid(
                    "link",
                    "must be an http(s) URL of at most 2000 characters",
                ));
            }
            Some(url.to_string())
        }
        None => None,
    };
    let language = match draft
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(l) if (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()) => {
            Some(l.to_string())
        }
        Some(l) => {
            return Err(Error::invalid(
                "language",
                format!("'{l}' is not a language code such as fr or en"),
            ))
        }
        None => None,
    };
    Ok(PostDraft {
        title: title.to_string(),
        body: body.to_string(),
        link,
        language,
    })
}

/// Checks that a member may write in a community: anyone in an open one,
/// accepted members (and moderators) in the others.
fn ensure_may_write(conn: &mut DbConn, author: &Actor, community: &Community) -> Result<(), Error> {
    if community.policy() == MembershipPolicy::Open || !community.actor.local {
        return Ok(());
    }
    let member = follows::find(conn, author.id, community.actor.id)?
        .is_some_and(|f| f.state() == FollowState::Accepted);
    if member || communities::is_moderator(conn, community.actor.id, author.id)? {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only members of this community can write in it".into(),
        ))
    }
}

/// Who else a new message reaches besides the usual recipients.
#[derive(Default)]
struct Reach<'a> {
    /// The bare object that Mastodon-like followers also get announced.
    announce_object: Option<&'a Value>,
    /// The author of what a comment answers: a remote author gets the
    /// answer directly, so that whoever wrote in a community (from Mastodon,
    /// say) gets the thread back even without following it.
    parent_author: Option<&'a Actor>,
}

/// Sends an activity on its way: through the community's `Announce` when
/// the community is ours, to the community's inbox when it is elsewhere,
/// to the author's followers when there is no community.
fn distribute(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    community: Option<&Community>,
    activity: &Value,
    object_key: &str,
    reach: Reach,
) -> Result<(), Error> {
    let also: Vec<String> = reach
        .parent_author
        .filter(|a| !a.local)
        .map(follows::inbox_of)
        .into_iter()
        .collect();
    match community {
        Some(c) if c.actor.local => {
            let followers = follows::follower_inboxes(conn, c.actor.id)?;
            let direct = also
                .into_iter()
                .filter(|i| !followers.contains(i))
                .collect();
            delivery_queue::publish(conn, config, author, activity, object_key, direct)?;
            announce(conn, config, c, activity, object_key, None)?;
            if let Some(object) = reach.announce_object {
                announce(conn, config, c, object, object_key, None)?;
            }
            Ok(())
        }
        Some(c) => {
            let mut inboxes = vec![follows::inbox_of(&c.actor)];
            inboxes.extend(also);
            delivery_queue::publish(conn, config, author, activity, object_key, inboxes)?;
            Ok(())
        }
        None => {
            let mut inboxes = follows::follower_inboxes(conn, author.id)?;
            inboxes.extend(also);
            delivery_queue::publish(conn, config, author, activity, object_key, inboxes)?;
            Ok(())
        }
    }
}

/// A community of ours announces an activity (unchanged) to its followers,
/// except the instance the activity came from.
pub fn announce(
    conn: &mut DbConn,
    config: &Config,
    community: &Community,
    inner: &Value,
    object_key: &str,
    origin_inbox: Option<&str>,
) -> Result<(), Error> {
    let group = &community.actor;
    let followers = group.followers_url.clone().unwrap_or_default();
    let mut inner = inner.clone();
    if let Value::Object(map) = &mut inner {
        map.remove("@context");
    }
    let announce = ap::announce(&ids::activity(config), &group.ap_id, &followers, inner);
    let inboxes = follows::follower_inboxes(conn, group.id)?
        .into_iter()
        .filter(|i| Some(i.as_str()) != origin_inbox)
        .collect();
    delivery_queue::publish(conn, config, group, &announce, object_key, inboxes)?;
    Ok(())
}

/// A local member writes a post, in a community or on their profile.
pub fn create_post(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    community: Option<&Community>,
    draft: &PostDraft,
) -> Result<Post, Error> {
    create_post_with(conn, config, author, community, draft, Extras::default())
}

/// A local member writes a post with images or a poll.
pub fn create_post_with(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    community: Option<&Community>,
    draft: &PostDraft,
    extras: Extras,
) -> Result<Post, Error> {
    if !author.local {
        return Err(Error::Forbidden("only local members write here".into()));
    }
    let draft = validate_draft(draft, community.is_some())?;
    if let Some(c) = community {
        ensure_may_write(conn, author, c)?;
    }
    let html = text::status_html(&draft.body, &config.base_url());
    crate::db::transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(posts::table)
            .values((
                posts::ap_id.eq(ids::provisional(config)),
                posts::local.eq(true),
                posts::author_id.eq(author.id),
                posts::community_id.eq(community.map(|c| c.actor.id)),
                posts::kind.eq(if community.is_some() { "page" } else { "note" }),
                posts::title.eq(&draft.title),
                posts::source.eq(&draft.body),
                posts::content_html.eq(&html),
                posts::link_url.eq(&draft.link),
                posts::language.eq(&draft.language),
                posts::published_at.eq(super::now()),
            ))
            .returning(posts::id)
            .get_result(conn)?;
        diesel::update(posts::table.find(id))
            .set(posts::ap_id.eq(ids::post(config, id)))
            .execute(conn)?;
        let post = post_by_id(conn, id)?;
        let target = Target::Post(post.clone());
        add_extras(conn, author, &target, extras)?;
        tags::index(conn, &target, &text::hashtags(&draft.body))?;
        let group = community.map(|c| &c.actor);
        let create = objects::post(&post, author, group, "Create", &ids::activity(config));
        let create = decorate(conn, config, &target, create)?;
        distribute(
            conn,
            config,
            author,
            community,
            &create,
            &post.ap_id,
            Reach {
                announce_object: Some(&create["object"]),
                ..Reach::default()
            },
        )?;
        Ok(post)
    })
}

/// A local member answers a post or a comment.
pub fn create_comment(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    parent: &Target,
    body: &str,
) -> Result<Comment, Error> {
    create_comment_with(conn, config, author, parent, body, Extras::default())
}

/// A local member answers with images or a poll.
pub fn create_comment_with(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    parent: &Target,
    body: &str,
    extras: Extras,
) -> Result<Comment, Error> {
    if !author.local {
        return Err(Error::Forbidden("only local members write here".into()));
    }
    if parent.is_deleted() {
        return Err(Error::invalid(
            "parent",
            "one cannot answer a deleted message",
        ));
    }
    let draft = validate_draft(
        &PostDraft {
            body: body.to_string(),
            ..PostDraft::default()
        },
        false,
    )?;
    let (post, parent_id) = match parent {
        Target::Post(p) => (p.clone(), None),
        Target::Comment(c) => (post_by_id(conn, c.post_id)?, Some(c.id)),
    };
    let community = community_of_post(conn, &post)?;
    if let Some(c) = &community {
        ensure_may_write(conn, author, c)?;
    }
    let html = text::status_html(&draft.body, &config.base_url());
    let parent_author = actors_dom::by_id(conn, parent.author_id())?;
    crate::db::transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(comments::table)
            .values((
                comments::ap_id.eq(ids::provisional(config)),
                comments::local.eq(true),
                comments::post_id.eq(post.id),
                comments::parent_id.eq(parent_id),
                comments::author_id.eq(author.id),
                comments::source.eq(&draft.body),
                comments::content_html.eq(&html),
                comments::published_at.eq(super::now()),
            ))
            .returning(comments::id)
            .get_result(conn)?;
        diesel::update(comments::table.find(id))
            .set(comments::ap_id.eq(ids::comment(config, id)))
            .execute(conn)?;
        let comment = comment_by_id(conn, id)?;
        let target = Target::Comment(comment.clone());
        add_extras(conn, author, &target, extras)?;
        tags::index(conn, &target, &text::hashtags(&draft.body))?;
        let create = objects::comment(
            &comment,
            author,
            community.as_ref().map(|c| &c.actor),
            objects::ReplyTo {
                id: parent.ap_id(),
                author: &parent_author.ap_id,
            },
            "Create",
            &ids::activity(config),
        );
        let create = decorate(conn, config, &target, create)?;
        distribute(
            conn,
            config,
            author,
            community.as_ref(),
            &create,
            &post.ap_id,
            Reach {
                parent_author: Some(&parent_author),
                ..Reach::default()
            },
        )?;
        Ok(comment)
    })
}

/// The community a post or comment belongs to.
pub fn community_of(conn: &mut DbConn, target: &Target) -> Result<Option<Community>, Error> {
    match target {
        Target::Post(p) => community_of_post(conn, p),
        Target::Comment(c) => {
            let post = post_by_id(conn, c.post_id)?;
            community_of_post(conn, &post)
        }
    }
}

/// The key that orders activities about a target: its post's id.
pub fn order_key(conn: &mut DbConn, target: &Target) -> Result<String, Error> {
    Ok(match target {
        Target::Post(p) => p.ap_id.clone(),
        Target::Comment(c) => post_by_id(conn, c.post_id)?.ap_id,
    })
}

/// The activity that (re)publishes a target: its `Update` after an edit.
fn republish(
    conn: &mut DbConn,
    config: &Config,
    target: &Target,
    kind: &str,
) -> Result<Value, Error> {
    let community = community_of(conn, target)?;
    let group = community.as_ref().map(|c| c.actor.clone());
    let author = actors_dom::by_id(conn, target.author_id())?;
    let activity = match target {
        Target::Post(p) => objects::post(p, &author, group.as_ref(), kind, &ids::activity(config)),
        Target::Comment(c) => {
            let parent = match c.parent_id {
                Some(pid) => Target::Comment(comment_by_id(conn, pid)?),
                None => Target::Post(post_by_id(conn, c.post_id)?),
            };
            let parent_author = actors_dom::by_id(conn, parent.author_id())?;
            objects::comment(
                c,
                &author,
                group.as_ref(),
                objects::ReplyTo {
                    id: parent.ap_id(),
                    author: &parent_author.ap_id,
                },
                kind,
                &ids::activity(config),
            )
        }
    };
    decorate(conn, config, target, activity)
}

/// Attaches the images and the poll of a new message.
fn add_extras(
    conn: &mut DbConn,
    author: &Actor,
    target: &Target,
    extras: Extras,
) -> Result<(), Error> {
    if let Some(poll) = extras.poll {
        if !extras.media_ids.is_empty() {
            return Err(Error::invalid(
                "poll",
                "a status cannot have both images and a poll",
            ));
        }
        polls::create(conn, target, poll)?;
    }
    media::attach(conn, author.id, target, extras.media_ids)
}

/// Adds a target's images (as `attachment`s, after any link it already
/// has) and its poll (a `Note` becomes a `Question`) to its outgoing
/// object, in an activity or alone.
pub fn decorate(
    conn: &mut DbConn,
    config: &Config,
    target: &Target,
    mut value: Value,
) -> Result<Value, Error> {
    let images = media::of_target(conn, target)?;
    let question = polls::question_fields(conn, target)?;
    let object = if value.get("object").is_some_and(Value::is_object) {
        &mut value["object"]
    } else {
        &mut value
    };
    if !images.is_empty() {
        let mut items = match object["attachment"].take() {
            Value::Array(items) => items,
            Value::Null => vec![],
            other => vec![other],
        };
        items.extend(images.iter().map(|m| media::activity_json(config, m)));
        object["attachment"] = Value::Array(items);
    }
    if let (Some(fields), Value::Object(map)) = (question, object) {
        if map.get("type").and_then(Value::as_str) == Some("Note") {
            map.insert("type".into(), Value::String("Question".into()));
        }
        map.extend(fields);
    }
    Ok(value)
}

/// The author edits a post or comment: new text, `Update` sent with `updated` set.
pub fn edit(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    target: &Target,
    draft: &PostDraft,
) -> Result<Target, Error> {
    edit_with_media(conn, config, by, target, draft, None)
}

/// An edit that may also change the images: `Some(ids)` become its
/// attachments (in order), `None` keeps those it has.
pub fn edit_with_media(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    target: &Target,
    draft: &PostDraft,
    media_ids: Option<&[i64]>,
) -> Result<Target, Error> {
    if target.author_id() != by.id || !by.local {
        return Err(Error::Forbidden("only the author can edit this".into()));
    }
    if target.is_deleted() {
        return Err(Error::NotFound("this message was deleted".into()));
    }
    let now = super::now();
    crate::db::transaction(conn, |conn| {
        let updated = match target {
            Target::Post(p) => {
                let draft = validate_draft(draft, p.community_id.is_some())?;
                diesel::update(posts::table.find(p.id))
                    .set((
                        posts::title.eq(&draft.title),
                        posts::source.eq(&draft.body),
                        posts::content_html.eq(text::status_html(&draft.body, &config.base_url())),
                        posts::link_url.eq(&draft.link),
                        posts::language.eq(&draft.language),
                        posts::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                Target::Post(post_by_id(conn, p.id)?)
            }
            Target::Comment(c) => {
                let draft = validate_draft(draft, false)?;
                diesel::update(comments::table.find(c.id))
                    .set((
                        comments::source.eq(&draft.body),
                        comments::content_html
                            .eq(text::status_html(&draft.body, &config.base_url())),
                        comments::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                Target::Comment(comment_by_id(conn, c.id)?)
            }
        };
        if let Some(media_ids) = media_ids {
            media::attach(conn, by.id, &updated, media_ids)?;
        }
        let source = match &updated {
            Target::Post(p) => &p.source,
            Target::Comment(c) => &c.source,
        };
        tags::index(conn, &updated, &text::hashtags(source))?;
        send_update(conn, config, by, &updated)?;
        Ok(updated)
    })
}

/// Sends the current state of a post or comment of `author`'s again
/// (`Update`): after an edit, or when its poll's counts change.
pub fn send_update(
    conn: &mut DbConn,
    config: &Config,
    author: &Actor,
    target: &Target,
) -> Result<(), Error> {
    let update = republish(conn, config, target, "Update")?;
    let community = community_of(conn, target)?;
    let key = order_key(conn, target)?;
    distribute(
        conn,
        config,
        author,
        community.as_ref(),
        &update,
        &key,
        Reach::default(),
    )
}

/// The author (or a moderator of its community) deletes a post or comment:
/// its text is removed, a `Tombstone` stays, `Delete` is sent.
pub fn delete(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    target: &Target,
) -> Result<(), Error> {
    let community = community_of(conn, target)?;
    let is_author = target.author_id() == by.id;
    let is_moderator = match &community {
        Some(c) if c.actor.local => communities::is_moderator(conn, c.actor.id, by.id)?,
        _ => false,
    };
    if !by.local || !(is_author || is_moderator) {
        return Err(Error::Forbidden(
            "only the author or a moderator can delete this".into(),
        ));
    }
    if target.is_deleted() {
        return Ok(());
    }
    crate::db::transaction(conn, |conn| {
        mark_deleted(conn, target)?;
        let group = community.as_ref().map(|c| c.actor.ap_id.as_str());
        let delete = ap::delete(&ids::activity(config), &by.ap_id, target.ap_id(), group);
        let key = order_key(conn, target)?;
        distribute(
            conn,
            config,
            by,
            community.as_ref(),
            &delete,
            &key,
            Reach::default(),
        )
    })
}

fn mark_deleted(conn: &mut DbConn, target: &Target) -> Result<(), Error> {
    let now = super::now();
    match target {
        Target::Post(p) => diesel::update(posts::table.find(p.id))
            .set((
                posts::deleted_at.eq(now),
                posts::source.eq(""),
                posts::content_html.eq(""),
                posts::link_url.eq(None::<String>),
            ))
            .execute(conn)?,
        Target::Comment(c) => diesel::update(comments::table.find(c.id))
            .set((
                comments::deleted_at.eq(now),
                comments::source.eq(""),
                comments::content_html.eq(""),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// A local member likes a post or comment (once).
pub fn like(conn: &mut DbConn, config: &Config, by: &Actor, target: &Target) -> Result<(), Error> {
    if !by.local {
        return Err(Error::Forbidden("only local members like here".into()));
    }
    if target.is_deleted() {
        return Err(Error::NotFound("this message was deleted".into()));
    }
    if find_like(conn, by.id, target)?.is_some() {
        return Ok(());
    }
    let community = community_of(conn, target)?;
    crate::db::transaction(conn, |conn| {
        let like_id = ids::activity(config);
        insert_like(conn, &like_id, by, target)?;
        let group = community.as_ref().map(|c| c.actor.ap_id.as_str());
        let like = ap::like(&like_id, &by.ap_id, target.ap_id(), group);
        send_vote(conn, config, by, target, community.as_ref(), &like)
    })
}

/// A local member takes a like back (`Undo{Like}`).
pub fn unlike(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    target: &Target,
) -> Result<(), Error> {
    let Some((like_row_id, like_ap_id)) = find_like(conn, by.id, target)? else {
        return Ok(());
    };
    let community = community_of(conn, target)?;
    crate::db::transaction(conn, |conn| {
        diesel::delete(likes::table.find(like_row_id)).execute(conn)?;
        let group = community.as_ref().map(|c| c.actor.ap_id.as_str());
        let like = ap::like(&like_ap_id, &by.ap_id, target.ap_id(), group);
        let undo = ap::undo(&ids::activity(config), &by.ap_id, like, group);
        send_vote(conn, config, by, target, community.as_ref(), &undo)
    })
}

/// Sends a vote (`Like`, or its `Undo`): through the community when there
/// is one, else to the author of what was liked when they are elsewhere.
fn send_vote(
    conn: &mut DbConn,
    config: &Config,
    by: &Actor,
    target: &Target,
    community: Option<&Community>,
    activity: &Value,
) -> Result<(), Error> {
    let key = order_key(conn, target)?;
    if community.is_some() {
        return distribute(
            conn,
            config,
            by,
            community,
            activity,
            &key,
            Reach::default(),
        );
    }
    let author = actors_dom::by_id(conn, target.author_id())?;
    let inboxes = if author.local {
        vec![]
    } else {
        vec![follows::inbox_of(&author)]
    };
    delivery_queue::publish(conn, config, by, activity, &key, inboxes)?;
    Ok(())
}

fn find_like(
    conn: &mut DbConn,
    actor_id: i64,
    target: &Target,
) -> Result<Option<(i64, String)>, Error> {
    let query = likes::table
        .filter(likes::actor_id.eq(actor_id))
        .select((likes::id, likes::ap_id));
    Ok(match target {
        Target::Post(p) => query
            .filter(likes::post_id.eq(p.id))
            .first(conn)
            .optional()?,
        Target::Comment(c) => query
            .filter(likes::comment_id.eq(c.id))
            .first(conn)
            .optional()?,
    })
}

fn insert_like(conn: &mut DbConn, ap_id: &str, by: &Actor, target: &Target) -> Result<(), Error> {
    let (post_id, comment_id) = match target {
        Target::Post(p) => (Some(p.id), None),
        Target::Comment(c) => (None, Some(c.id)),
    };
    diesel::insert_into(likes::table)
        .values((
            likes::ap_id.eq(ap_id),
            likes::actor_id.eq(by.id),
            likes::post_id.eq(post_id),
            likes::comment_id.eq(comment_id),
            likes::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Number of likes of a post or comment.
pub fn like_count(conn: &mut DbConn, target: &Target) -> Result<i64, Error> {
    let query = likes::table.count();
    Ok(match target {
        Target::Post(p) => query.filter(likes::post_id.eq(p.id)).get_result(conn)?,
        Target::Comment(c) => query.filter(likes::comment_id.eq(c.id)).get_result(conn)?,
    })
}

/// A comment's place in its thread: its id and the comment it answers.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct ThreadLink {
    pub id: i64,
    pub parent_id: Option<i64>,
}

/// The places of a post's comments (deleted ones included, as they keep
/// their place), in thread order.
pub fn thread(conn: &mut DbConn, post_id: i64) -> Result<Vec<(ThreadLink, usize)>, Error> {
    let links: Vec<ThreadLink> = comments::table
        .filter(comments::post_id.eq(post_id))
        .order(comments::id.asc())
        .select((comments::id, comments::parent_id))
        .load(conn)?;
    Ok(in_thread_order(links, |l| *l))
}

/// Puts the comments of one post, loaded oldest first, in thread order:
/// each comment after its parent with its answers below it, siblings oldest
/// first; each with its depth (0: it answers the post).
pub fn in_thread_order<T>(all: Vec<T>, link: impl Fn(&T) -> ThreadLink) -> Vec<(T, usize)> {
    let links: Vec<ThreadLink> = all.iter().map(link).collect();
    let mut children: std::collections::HashMap<Option<i64>, Vec<usize>> = Default::default();
    for (i, l) in links.iter().enumerate() {
        children.entry(l.parent_id).or_default().push(i);
    }
    let mut order = Vec::with_capacity(all.len());
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        order.push((i, depth));
        if let Some(kids) = children.get(&Some(links[i].id)) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    // Each comment moves into its place (none is copied).
    let mut slots: Vec<Option<T>> = all.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, depth)| Some((slots[i].take()?, depth)))
        .collect()
}

/// Posts of a community, pinned first then newest, keyset-paged by id.
pub fn community_posts(
    conn: &mut DbConn,
    community_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Post>, Error> {
    let mut query = posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::deleted_at.is_null())
        .select(Post::as_select())
        .into_boxed();
    if let Some(b) = before {
        query = query.filter(posts::id.lt(b));
    }
    Ok(query
        .order((posts::pinned.desc(), posts::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// Content that arrived from another instance, already fetched and checked.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub ap_id: String,
    pub author: Actor,
    pub community: Option<Community>,
    /// A post's title; comments have none.
    pub title: Option<String>,
    pub html: String,
    pub source: String,
    pub link: Option<String>,
    pub language: Option<String>,
    /// What a comment answers.
    pub in_reply_to: Option<Target>,
    pub published: chrono::NaiveDateTime,
    pub updated: Option<chrono::NaiveDateTime>,
    /// Its images, kept as references to their origin.
    pub images: Vec<RemoteMedia>,
    /// Its hashtags (`tag` entries of type `Hashtag`), normalised.
    pub tags: Vec<String>,
    /// Its poll, when it is a `Question`.
    pub poll: Option<RemotePoll>,
}

/// Whether remote content is wanted here: it belongs to a community of
/// ours, is `vouched` for (relayed by a community we follow, or fetched
/// because something we hold refers to it), answers something we hold, or
/// comes from a community or a person someone here follows.
fn wanted(conn: &mut DbConn, incoming: &Incoming, vouched: bool) -> Result<bool, Error> {
    Ok(match &incoming.community {
        Some(c) if c.actor.local => true,
        _ if vouched => true,
        Some(c) => follows::has_local_follower(conn, c.actor.id)?,
        None => {
            incoming.in_reply_to.is_some() || follows::has_local_follower(conn, incoming.author.id)?
        }
    })
}

/// Stores remote content (once: a repeat changes nothing) when it is
/// wanted here (see `wanted`; otherwise `NotFound`). Returns the new
/// target, or `None` when it was already known.
pub fn receive(
    conn: &mut DbConn,
    incoming: &Incoming,
    vouched: bool,
) -> Result<Option<Target>, Error> {
    if !wanted(conn, incoming, vouched)? {
        return Err(Error::NotFound("nobody here follows this".into()));
    }
    if find_by_ap_id(conn, &incoming.ap_id)?.is_some() {
        return Ok(None);
    }
    if let Some(c) = &incoming.community {
        if c.actor.local && c.policy() != MembershipPolicy::Open {
            ensure_may_write(conn, &incoming.author, c)?;
        }
    }
    let html = text::sanitize(&incoming.html);
    let inserted = match &incoming.in_reply_to {
        None => {
            let id: i64 = diesel::insert_into(posts::table)
                .values((
                    posts::ap_id.eq(&incoming.ap_id),
                    posts::local.eq(false),
                    posts::author_id.eq(incoming.author.id),
                    posts::community_id.eq(incoming.community.as_ref().map(|c| c.actor.id)),
                    posts::kind.eq(if incoming.community.is_some() {
                        "page"
                    } else {
                        "note"
                    }),
                    posts::title.eq(incoming.title.clone().unwrap_or_default()),
                    posts::source.eq(&incoming.source),
                    posts::content_html.eq(&html),
                    posts::link_url.eq(&incoming.link),
                    posts::language.eq(&incoming.language),
                    posts::published_at.eq(incoming.published),
                    posts::updated_at.eq(incoming.updated),
                ))
                .returning(posts::id)
                .get_result(conn)?;
            Target::Post(post_by_id(conn, id)?)
        }
        Some(parent) => {
            let (post_id, parent_id) = match parent {
                Target::Post(p) => (p.id, None),
                Target::Comment(c) => (c.post_id, Some(c.id)),
            };
            let id: i64 = diesel::insert_into(comments::table)
                .values((
                    comments::ap_id.eq(&incoming.ap_id),
                    comments::local.eq(false),
                    comments::post_id.eq(post_id),
                    comments::parent_id.eq(parent_id),
                    comments::author_id.eq(incoming.author.id),
                    comments::source.eq(&incoming.source),
                    comments::content_html.eq(&html),
                    comments::published_at.eq(incoming.published),
                    comments::updated_at.eq(incoming.updated),
                ))
                .returning(comments::id)
                .get_result(conn)?;
            Target::Comment(comment_by_id(conn, id)?)
        }
    };
    media::attach_remote(conn, incoming.author.id, &inserted, &incoming.images)?;
    tags::index(conn, &inserted, &incoming.tags)?;
    if let Some(poll) = &incoming.poll {
        polls::attach_remote(conn, &inserted, poll)?;
    }
    Ok(Some(inserted))
}

/// Applies a remote edit, if it is newer than what we have. Only the
/// author may edit.
pub fn receive_update(conn: &mut DbConn, incoming: &Incoming) -> Result<bool, Error> {
    let Some(target) = find_by_ap_id(conn, &incoming.ap_id)? else {
        return Ok(false);
    };
    if target.author_id() != incoming.author.id {
        return Err(Error::Forbidden("only the author can edit this".into()));
    }
    // A poll's counts change without the text: taken whatever `updated` says.
    let counted = match &incoming.poll {
        Some(poll) if !target.is_deleted() => polls::refresh_remote(conn, &target, poll)?,
        _ => false,
    };
    let html = text::sanitize(&incoming.html);
    let newer = |stored: Option<chrono::NaiveDateTime>| match (incoming.updated, stored) {
        (Some(new), Some(old)) => new > old,
        (Some(_), None) => true,
        (None, _) => false,
    };
    match &target {
        Target::Post(p) if newer(p.updated_at) && p.deleted_at.is_none() => {
            diesel::update(posts::table.find(p.id))
                .set((
                    posts::title.eq(incoming.title.clone().unwrap_or_else(|| p.title.clone())),
                    posts::source.eq(&incoming.source),
                    posts::content_html.eq(&html),
                    posts::link_url.eq(&incoming.link),
                    posts::updated_at.eq(incoming.updated),
                ))
                .execute(conn)?;
            tags::index(conn, &target, &incoming.tags)?;
            Ok(true)
        }
        Target::Comment(c) if newer(c.updated_at) && c.deleted_at.is_none() => {
            diesel::update(comments::table.find(c.id))
                .set((
                    comments::source.eq(&incoming.source),
                    comments::content_html.eq(&html),
                    comments::updated_at.eq(incoming.updated),
                ))
                .execute(conn)?;
            tags::index(conn, &target, &incoming.tags)?;
            Ok(true)
        }
        _ => Ok(counted),
    }
}

/// Applies a remote deletion by the author or by a moderator of the
/// community (the community's own actor counts). Unknown objects are ignored.
pub fn receive_delete(
    conn: &mut DbConn,
    object_ap_id: &str,
    by: &Actor,
) -> Result<Option<Target>, Error> {
    let Some(target) = find_by_ap_id(conn, object_ap_id)? else {
        return Ok(None);
    };
    let community = community_of(conn, &target)?;
    let allowed = target.author_id() == by.id
        || community.as_ref().is_some_and(|c| c.actor.id == by.id)
        || match &community {
            Some(c) => communities::is_moderator(conn, c.actor.id, by.id)?,
            None => false,
        };
    if !allowed {
        return Err(Error::Forbidden(
            "only the author or a moderator can delete this".into(),
        ));
    }
    if !target.is_deleted() {
        mark_deleted(conn, &target)?;
    }
    Ok(Some(target))
}

/// A remote account was deleted at its origin: its posts and comments
/// become tombstones, its likes, boosts and follows (both ways) go, and
/// it is marked deleted with its profile emptied. Returns how many posts
/// and comments were erased.
pub fn receive_account_deletion(conn: &mut DbConn, account: &Actor) -> Result<usize, Error> {
    if account.local {
        return Err(Error::Forbidden(
            "accounts of this instance are not deleted from elsewhere".into(),
        ));
    }
    let erased = erase_account_traces(conn, account)?;
    super::actors::mark_deleted(conn, account.id)?;
    Ok(erased)
}

/// What a deleted account leaves (here or at its origin): its posts and
/// comments become tombstones, its likes, boosts and follows (both ways)
/// go. Returns how many posts and comments were erased.
pub fn erase_account_traces(conn: &mut DbConn, account: &Actor) -> Result<usize, Error> {
    let now = super::now();
    let posts_erased = diesel::update(
        posts::table
            .filter(posts::author_id.eq(account.id))
            .filter(posts::deleted_at.is_null()),
    )
    .set((
        posts::deleted_at.eq(now),
        posts::source.eq(""),
        posts::content_html.eq(""),
        posts::link_url.eq(None::<String>),
    ))
    .execute(conn)?;
    let comments_erased = diesel::update(
        comments::table
            .filter(comments::author_id.eq(account.id))
            .filter(comments::deleted_at.is_null()),
    )
    .set((
        comments::deleted_at.eq(now),
        comments::source.eq(""),
        comments::content_html.eq(""),
    ))
    .execute(conn)?;
    diesel::delete(likes::table.filter(likes::actor_id.eq(account.id))).execute(conn)?;
    diesel::delete(
        schema::statuses::table
            .filter(schema::statuses::author_id.eq(account.id))
            .filter(schema::statuses::reblog_of_id.is_not_null()),
    )
    .execute(conn)?;
    follows::remove_all_of(conn, account)?;
    Ok(posts_erased + comments_erased)
}

/// Records a remote like (once). Unknown objects are ignored.
pub fn receive_like(
    conn: &mut DbConn,
    like_ap_id: &str,
    by: &Actor,
    object_ap_id: &str,
) -> Result<Option<Target>, Error> {
    let Some(target) = find_by_ap_id(conn, object_ap_id)? else {
        return Ok(None);
    };
    if find_like(conn, by.id, &target)?.is_some() {
        return Ok(None);
    }
    insert_like(conn, like_ap_id, by, &target)?;
    Ok(Some(target))
}

/// Removes a remote like, by its id or, failing that, by who and what.
pub fn receive_unlike(
    conn: &mut DbConn,
    like_ap_id: &str,
    by: &Actor,
    object_ap_id: Option<&str>,
) -> Result<Option<Target>, Error> {
    let by_id: Option<(i64, Option<i64>, Option<i64>)> = likes::table
        .filter(likes::ap_id.eq(like_ap_id))
        .filter(likes::actor_id.eq(by.id))
        .select((likes::id, likes::post_id, likes::comment_id))
        .first(conn)
        .optional()?;
    let target = match (by_id, object_ap_id) {
        (Some((id, post_id, comment_id)), _) => {
            diesel::delete(likes::table.find(id)).execute(conn)?;
            match (post_id, comment_id) {
                (Some(p), _) => Some(Target::Post(post_by_id(conn, p)?)),
                (_, Some(c)) => Some(Target::Comment(comment_by_id(conn, c)?)),
                _ => None,
            }
        }
        (None, Some(object)) => match find_by_ap_id(conn, object)? {
            Some(target) => {
                if let Some((id, _)) = find_like(conn, by.id, &target)? {
                    diesel::delete(likes::table.find(id)).execute(conn)?;
                }
                Some(target)
            }
            None => None,
        },
        (None, None) => None,
    };
    Ok(target)
}

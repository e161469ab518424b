//! Our posts and comments as ActivityStreams objects (`Page`, `Note`) and
//! the activities that carry them.

use serde_json::Value;

use crate::domain::actors::Actor;
use crate::domain::content::{Comment, Post};
use crate::domain::text;
use recolte_federation::activities::Content;

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What a comment answers: the parent's id and its author's id.
pub struct ReplyTo<'a> {
    pub id: &'a str,
    pub author: &'a str,
}

/// A post as a `Page` (in a community) or a `Note` (on a profile), in a
/// `Create` or `Update` activity.
pub fn post(
    post: &Post,
    author: &Actor,
    community: Option<&Actor>,
    kind: &str,
    activity_id: &str,
) -> Value {
    with_post(post, author, community, |c| c.activity(activity_id, kind))
}

/// A post's object alone.
pub fn post_object(post: &Post, author: &Actor, community: Option<&Actor>) -> Value {
    with_post(post, author, community, |c| c.object())
}

fn with_post(
    post: &Post,
    author: &Actor,
    community: Option<&Actor>,
    build: impl FnOnce(&Content) -> Value,
) -> Value {
    let published = rfc3339(post.published_at);
    let updated = post.updated_at.map(rfc3339);
    let hashtags = hashtags(&post.ap_id, &post.source);
    let content = Content {
        id: &post.ap_id,
        author: &author.ap_id,
        community: community.map(|c| c.ap_id.as_str()),
        author_followers: author.followers_url.as_deref(),
        title: Some(post.title.as_str()).filter(|t| !t.is_empty()),
        html: &post.content_html,
        markdown: &post.source,
        link: post.link_url.as_deref(),
        language: post.language.as_deref(),
        in_reply_to: None,
        reply_to_author: None,
        published: &published,
        updated: updated.as_deref(),
        hashtags: &hashtags,
    };
    build(&content)
}

/// A comment as a `Note` answering a post or another comment, in a
/// `Create` or `Update` activity.
pub fn comment(
    comment: &Comment,
    author: &Actor,
    community: Option<&Actor>,
    reply_to: ReplyTo,
    kind: &str,
    activity_id: &str,
) -> Value {
    with_comment(comment, author, community, reply_to, |c| {
        c.activity(activity_id, kind)
    })
}

/// A comment's object alone.
pub fn comment_object(
    comment: &Comment,
    author: &Actor,
    community: Option<&Actor>,
    reply_to: ReplyTo,
) -> Value {
    with_comment(comment, author, community, reply_to, |c| c.object())
}

fn with_comment(
    comment: &Comment,
    author: &Actor,
    community: Option<&Actor>,
    reply_to: ReplyTo,
    build: impl FnOnce(&Content) -> Value,
) -> Value {
    let published = rfc3339(comment.published_at);
    let updated = comment.updated_at.map(rfc3339);
    let hashtags = hashtags(&comment.ap_id, &comment.source);
    let content = Content {
        id: &comment.ap_id,
        author: &author.ap_id,
        community: community.map(|c| c.ap_id.as_str()),
        author_followers: author.followers_url.as_deref(),
        title: None,
        html: &comment.content_html,
        markdown: &comment.source,
        link: None,
        language: None,
        in_reply_to: Some(reply_to.id),
        reply_to_author: Some(reply_to.author),
        published: &published,
        updated: updated.as_deref(),
        hashtags: &hashtags,
    };
    build(&content)
}

/// The hashtags of our own content, with their tag pages, which are on the
/// same instance as the content itself.
fn hashtags(ap_id: &str, markdown: &str) -> Vec<(String, String)> {
    let base = url::Url::parse(ap_id)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    text::hashtags(markdown)
        .into_iter()
        .map(|name| {
            let href = text::tag_url(&base, &name);
            (name, href)
        })
        .collect()
}

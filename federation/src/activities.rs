//! Outgoing activities and objects, built strictly to ActivityStreams 2.0
//! and FEP-1b12 as Lemmy and Mastodon read them (see INTEROP.md): `to` and
//! `cc` always present, the public address on everything public, `audience`
//! naming the community, `source` in Markdown beside the HTML `content`.

use serde_json::{json, Value};

use crate::values::PUBLIC;

/// A post (`Page`) or a comment (`Note`) as we publish it.
#[derive(Debug, Clone)]
pub struct Content<'a> {
    pub id: &'a str,
    pub author: &'a str,
    /// The community (Group) it belongs to, if any.
    pub community: Option<&'a str>,
    /// The author's followers collection, for content outside a community.
    pub author_followers: Option<&'a str>,
    /// Title of a post; `None` makes a comment.
    pub title: Option<&'a str>,
    pub html: &'a str,
    pub markdown: &'a str,
    pub link: Option<&'a str>,
    pub language: Option<&'a str>,
    /// The post or comment a comment answers.
    pub in_reply_to: Option<&'a str>,
    /// The author of what a comment answers, mentioned in `cc` as Lemmy does.
    pub reply_to_author: Option<&'a str>,
    pub published: &'a str,
    pub updated: Option<&'a str>,
    /// Its hashtags: (name without `#`, the tag page's address).
    pub hashtags: &'a [(String, String)],
}

impl Content<'_> {
    /// Who it is addressed to: the public and the community or the author's followers.
    fn addressing(&self) -> (Vec<&str>, Vec<&str>) {
        let mut to = vec![PUBLIC];
        let mut cc = vec![];
        if let Some(group) = self.community {
            to.push(group);
        } else if let Some(followers) = self.author_followers {
            cc.push(followers);
        }
        if let Some(author) = self.reply_to_author {
            cc.push(author);
        }
        (to, cc)
    }

    /// The `Page` or `Note` document.
    pub fn object(&self) -> Value {
        let (to, cc) = self.addressing();
        let mut object = json!({
            "id": self.id,
            "type": if self.title.is_some() { "Page" } else { "Note" },
            "attributedTo": self.author,
            "to": to,
            "cc": cc,
            "content": self.html,
            "mediaType": "text/html",
            "source": { "content": self.markdown, "mediaType": "text/markdown" },
            "published": self.published,
            "sensitive": false,
        });
        if let Some(title) = self.title {
            object["name"] = title.chars().take(200).collect::<String>().into();
        }
        if let Some(group) = self.community {
            object["audience"] = group.into();
        }
        if let Some(link) = self.link {
            object["attachment"] = json!([{ "type": "Link", "href": link }]);
        }
        if let Some(parent) = self.in_reply_to {
            object["inReplyTo"] = parent.into();
        }
        if let Some(updated) = self.updated {
            object["updated"] = updated.into();
        }
        if !self.hashtags.is_empty() {
            let tags: Vec<Value> = self
                .hashtags
                .iter()
                .map(|(name, href)| json!({ "type": "Hashtag", "href": href, "name": format!("#{name}") }))
                .collect();
            object["tag"] = tags.into();
        }
        if let Some(language) = self.language {
            object["contentMap"] = json!({ language: self.html });
            object["language"] = json!({ "identifier": language });
        }
        object
    }

    /// `Create` (or `Update`) of the object, by its author.
    pub fn activity(&self, id: &str, kind: &str) -> Value {
        let (to, cc) = self.addressing();
        let mut activity = json!({
            "id": id,
            "type": kind,
            "actor": self.author,
            "to": to,
            "cc": cc,
            "object": self.object(),
        });
        if let Some(group) = self.community {
            activity["audience"] = group.into();
        }
        activity
    }
}

fn with_context(mut v: Value) -> Value {
    if let Value::Object(map) = &mut v {
        map.insert("@context".into(), crate::default_context());
    }
    v
}

/// Adds the JSON-LD context to a top-level document.
pub fn document(v: Value) -> Value {
    with_context(v)
}

pub fn follow(id: &str, actor: &str, object: &str) -> Value {
    json!({ "id": id, "type": "Follow", "actor": actor, "object": object, "to": [object] })
}

/// `Accept` or `Reject` of a follow, embedding the whole `Follow` as Lemmy requires.
pub fn answer_follow(id: &str, kind: &str, actor: &str, follow: Value) -> Value {
    let to = follow["actor"].clone();
    json!({ "id": id, "type": kind, "actor": actor, "object": follow, "to": [to] })
}

/// `Undo` of an activity, embedding it whole.
pub fn undo(id: &str, actor: &str, activity: Value, audience: Option<&str>) -> Value {
    let mut undo = json!({ "id": id, "type": "Undo", "actor": actor, "object": activity,
        "to": [PUBLIC], "cc": audience.map(|a| vec![a]).unwrap_or_default() });
    if let Some(group) = audience {
        undo["audience"] = group.into();
    }
    undo
}

pub fn like(id: &str, actor: &str, object: &str, audience: Option<&str>) -> Value {
    let mut like = json!({ "id": id, "type": "Like", "actor": actor, "object": object,
        "to": [PUBLIC], "cc": audience.map(|a| vec![a]).unwrap_or_default() });
    if let Some(group) = audience {
        like["audience"] = group.into();
    }
    like
}

/// `Delete` of an object by its author; receivers keep a `Tombstone`.
pub fn delete(id: &str, actor: &str, object: &str, audience: Option<&str>) -> Value {
    let mut delete = json!({ "id": id, "type": "Delete", "actor": actor, "object": object,
        "to": [PUBLIC], "cc": audience.map(|a| vec![a]).unwrap_or_default() });
    if let Some(group) = audience {
        delete["audience"] = group.into();
    }
    delete
}

/// `Update` of an actor by itself, embedding its current document: sent to
/// its followers (and, for a person, to the communities it follows) so that
/// they refresh name, summary and profile.
pub fn update_actor(id: &str, document: Value, followers: Option<&str>) -> Value {
    let mut object = document;
    if let Value::Object(map) = &mut object {
        map.remove("@context");
    }
    let actor = object["id"].clone();
    json!({ "id": id, "type": "Update", "actor": actor, "object": object,
        "to": [PUBLIC], "cc": followers.map(|f| vec![f]).unwrap_or_default() })
}

/// The community's `Announce` of an activity (or of a bare object), to its followers.
pub fn announce(id: &str, group: &str, followers: &str, object: Value) -> Value {
    json!({ "id": id, "type": "Announce", "actor": group, "to": [PUBLIC],
        "cc": [followers], "audience": group, "object": object })
}

/// A person's boost (Mastodon's reblog): an `Announce` of an object by its
/// id, to the booster's followers and the object's author.
pub fn boost(id: &str, actor: &str, object: &str, followers: &str, author: &str) -> Value {
    json!({ "id": id, "type": "Announce", "actor": actor, "object": object,
        "to": [PUBLIC], "cc": [followers, author] })
}

/// The `Tombstone` served in place of a deleted object.
pub fn tombstone(id: &str, former_type: &str, deleted: &str) -> Value {
    json!({ "id": id, "type": "Tombstone", "formerType": former_type, "deleted": deleted })
}

/// An `OrderedCollection` summary pointing to its first page.
pub fn ordered_collection(id: &str, total: i64, first: Option<&str>) -> Value {
    let mut c = json!({ "id": id, "type": "OrderedCollection", "totalItems": total });
    if let Some(first) = first {
        c["first"] = first.into();
    }
    c
}

/// One page of an `OrderedCollection`.
pub fn ordered_collection_page(
    id: &str,
    part_of: &str,
    items: Vec<Value>,
    next: Option<&str>,
) -> Value {
    let mut page = json!({ "id": id, "type": "OrderedCollectionPage", "partOf": part_of, "orderedItems": items });
    if let Some(next) = next {
        page["next"] = next.into();
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post() -> Content<'static> {
        Content {
            id: "https://a.test/post/1",
            author: "https://b.test/u/bea",
            community: Some("https://a.test/c/climat"),
            author_followers: None,
            title: Some("Retour d'expérience"),
            html: "<p>Bonjour</p>",
            markdown: "Bonjour",
            link: None,
            language: Some("fr"),
            in_reply_to: None,
            reply_to_author: None,
            published: "2026-11-29T10:00:00Z",
            updated: None,
            hashtags: &[],
        }
    }

    #[test]
    fn posts_are_public_pages_addressed_to_their_community() {
        let create = post().activity("https://b.test/activities/1", "Create");
        assert_eq!(create["type"], "Create");
        assert_eq!(create["audience"], "https://a.test/c/climat");
        assert_eq!(create["to"], json!([PUBLIC, "https://a.test/c/climat"]));
        assert_eq!(create["cc"], json!([]));
        let page = &create["object"];
        assert_eq!(page["type"], "Page");
        assert_eq!(page["name"], "Retour d'expérience");
        assert_eq!(page["source"]["mediaType"], "text/markdown");
        assert!(page.get("inReplyTo").is_none());
    }

    #[test]
    fn comments_are_notes_replying_to_their_parent() {
        let mut c = post();
        c.title = None;
        c.in_reply_to = Some("https://a.test/post/1");
        c.reply_to_author = Some("https://a.test/u/ana");
        let note = c.object();
        assert_eq!(note["type"], "Note");
        assert_eq!(note["inReplyTo"], "https://a.test/post/1");
        assert_eq!(note["cc"], json!(["https://a.test/u/ana"]));
    }

    #[test]
    fn answers_embed_the_whole_follow() {
        let f = follow(
            "https://b.test/a/1",
            "https://b.test/u/bea",
            "https://a.test/c/climat",
        );
        let accept = answer_follow(
            "https://a.test/a/2",
            "Accept",
            "https://a.test/c/climat",
            f.clone(),
        );
        assert_eq!(accept["object"], f);
        assert_eq!(accept["to"], json!(["https://b.test/u/bea"]));
    }
}

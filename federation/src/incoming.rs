//! Lenient parsing of incoming ActivityPub documents into owned structs.
//!
//! Each struct is read by hand from a [`serde_json::Value`] with the
//! [`crate::values`] helpers, so that the shape variations of real software
//! (strings or lists, IRIs or embedded objects, `null`s, language maps) are
//! tolerated. Only an `id` and a `type` (and an `actor` for activities) are
//! required; the original JSON is kept in `raw` for anything else.

use crate::values::{first_id, ids, is_public, parse_date, string};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Why a document cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

const ACTOR_TYPES: &[&str] = &[
    "Person",
    "Group",
    "Service",
    "Application",
    "Organization",
    "Feed",
];
const COLLECTION_TYPES: &[&str] = &[
    "Collection",
    "OrderedCollection",
    "CollectionPage",
    "OrderedCollectionPage",
];
const ACTIVITY_TYPES: &[&str] = &[
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Like",
    "Dislike",
    "Announce",
    "Add",
    "Remove",
    "Block",
    "Flag",
    "Join",
    "Leave",
    "Invite",
    "Move",
    "EmojiReact",
    "Lock",
    "Resolve",
];
/// Object types that some software sends with an `actor` (Mobilizon events,
/// Pleroma notes and polls): an `actor` does not make them activities.
const OBJECT_TYPES: &[&str] = &[
    "Note",
    "Page",
    "Article",
    "Question",
    "Event",
    "Tombstone",
    "Audio",
    "Video",
    "Image",
    "Document",
    "ChatMessage",
    "Place",
];
/// Authors preferred in an `attributedTo` list (which may also name a Group).
const AUTHOR_TYPES: &[&str] = &["Person", "Service", "Application", "Organization"];

/// What a reference to an object (`object` of an activity, collection items) holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectRef {
    None,
    Id(String),
    Embedded(Box<Value>),
    /// A list of two or more references (a one-element list is read as its element).
    Many(Vec<ObjectRef>),
}

impl ObjectRef {
    /// Reads an IRI, an embedded object or a list of them; anything else is `None`.
    pub fn from_json(v: &Value) -> ObjectRef {
        match v {
            Value::String(s) => ObjectRef::Id(s.clone()),
            Value::Object(_) => ObjectRef::Embedded(Box::new(v.clone())),
            Value::Array(items) => {
                let mut refs: Vec<ObjectRef> = items
                    .iter()
                    .map(ObjectRef::from_json)
                    .filter(|r| *r != ObjectRef::None)
                    .collect();
                match refs.len() {
                    0 => ObjectRef::None,
                    1 => refs.remove(0),
                    _ => ObjectRef::Many(refs),
                }
            }
            _ => ObjectRef::None,
        }
    }

    /// The referenced id: the IRI, the embedded object's `id`, or the first one's of a list.
    pub fn id(&self) -> Option<&str> {
        match self {
            ObjectRef::None => None,
            ObjectRef::Id(id) => Some(id),
            ObjectRef::Embedded(v) => v["id"].as_str(),
            ObjectRef::Many(refs) => refs.first()?.id(),
        }
    }

    /// The embedded object, if the reference is one.
    pub fn embedded(&self) -> Option<&Value> {
        match self {
            ObjectRef::Embedded(v) => Some(v),
            _ => None,
        }
    }

    /// The `type` of the embedded object.
    pub fn embedded_kind(&self) -> Option<String> {
        self.embedded().and_then(type_of)
    }
}

/// An activity: `Create`, `Follow`, `Announce`, `Like`…
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingActivity {
    pub id: String,
    pub kind: String,
    pub actor: String,
    pub object: ObjectRef,
    pub target: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub audience: Option<String>,
    pub summary: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub raw: Value,
}

impl IncomingActivity {
    pub fn from_json(v: &Value) -> Result<Self, ParseError> {
        let (id, kind) = id_and_kind(v, "activity")?;
        let actor = match &v["actor"] {
            Value::Null => return Err(ParseError(format!("`actor` is missing in {kind} {id}"))),
            a => first_id(a)
                .ok_or_else(|| ParseError(format!("`actor` of {kind} {id} has no id")))?,
        };
        Ok(IncomingActivity {
            actor,
            object: ObjectRef::from_json(&v["object"]),
            target: first_id(&v["target"]),
            to: ids(&v["to"]),
            cc: ids(&v["cc"]),
            audience: first_id(&v["audience"]),
            summary: string(&v["summary"]),
            published: date(v, "published"),
            raw: v.clone(),
            id,
            kind,
        })
    }
}

/// The `source` of an object: what its author typed, usually Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub content: String,
    pub media_type: Option<String>,
}

/// A `tag` entry: `Mention`, `Hashtag`, `Emoji`…
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub kind: String,
    pub href: Option<String>,
    pub name: Option<String>,
}

/// An `attachment` entry: `Document`, `Image`, `Link`…
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub kind: String,
    pub url: Option<String>,
    pub media_type: Option<String>,
    pub name: Option<String>,
}

/// A content object: `Page`, `Note`, `Article`, `Question`, `Event`,
/// `Tombstone`, `Audio`, `ChatMessage`…
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingObject {
    pub id: String,
    pub kind: String,
    pub attributed_to: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    /// HTML.
    pub content: Option<String>,
    pub media_type: Option<String>,
    pub source: Option<Source>,
    pub in_reply_to: Option<String>,
    pub audience: Option<String>,
    /// The ActivityStreams `context` when it is an id (not the JSON-LD `@context`).
    pub context: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub sensitive: bool,
    pub language: Option<String>,
    pub tags: Vec<Tag>,
    pub attachments: Vec<Attachment>,
    pub raw: Value,
}

impl IncomingObject {
    pub fn from_json(v: &Value) -> Result<Self, ParseError> {
        let (id, kind) = id_and_kind(v, "object")?;
        let source = match &v["source"] {
            Value::String(s) => Some(Source {
                content: s.clone(),
                media_type: None,
            }),
            s => s["content"].as_str().map(|content| Source {
                content: content.to_string(),
                media_type: plain(s, "mediaType"),
            }),
        };
        Ok(IncomingObject {
            attributed_to: attributed_to(&v["attributedTo"]),
            name: text(v, "name"),
            summary: text(v, "summary"),
            content: text(v, "content"),
            media_type: plain(v, "mediaType"),
            source,
            in_reply_to: first_id(&v["inReplyTo"]),
            audience: first_id(&v["audience"]),
            context: plain(v, "context"),
            to: ids(&v["to"]),
            cc: ids(&v["cc"]),
            url: first_id(&v["url"]),
            published: date(v, "published"),
            updated: date(v, "updated"),
            sensitive: v["sensitive"].as_bool().unwrap_or(false),
            language: language(v),
            tags: objects(&v["tag"])
                .map(|t| Tag {
                    kind: type_of(t).unwrap_or_default(),
                    href: plain(t, "href").or_else(|| plain(t, "id")),
                    name: text(t, "name"),
                })
                .collect(),
            attachments: objects(&v["attachment"])
                .map(|a| Attachment {
                    kind: type_of(a).unwrap_or_default(),
                    url: media_url(a),
                    media_type: plain(a, "mediaType"),
                    name: text(a, "name"),
                })
                .collect(),
            raw: v.clone(),
            id,
            kind,
        })
    }

    /// Whether the public address is in `to` or `cc`.
    pub fn is_public(&self) -> bool {
        self.to.iter().chain(&self.cc).any(|id| is_public(id))
    }

    /// The `source` content when it is Markdown.
    pub fn markdown(&self) -> Option<&str> {
        self.source
            .as_ref()
            .filter(|s| s.media_type.as_deref() == Some("text/markdown"))
            .map(|s| s.content.as_str())
    }
}

/// An actor: `Person`, `Group`, `Service`, `Application`, `Organization`, or
/// PieFed's `Feed` (a followable multi-community feed with inbox and key).
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingActor {
    pub id: String,
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub inbox: Option<String>,
    pub outbox: Option<String>,
    pub followers: Option<String>,
    pub following: Option<String>,
    pub shared_inbox: Option<String>,
    pub public_key_id: Option<String>,
    pub public_key_pem: Option<String>,
    pub manually_approves_followers: bool,
    pub icon: Option<String>,
    /// The header (banner) image's URL.
    pub image: Option<String>,
    pub url: Option<String>,
    pub moderators: Option<String>,
    pub featured: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// `PropertyValue` profile fields: (name, value).
    pub fields: Vec<(String, String)>,
    pub raw: Value,
}

impl IncomingActor {
    pub fn from_json(v: &Value) -> Result<Self, ParseError> {
        let (id, kind) = id_and_kind(v, "actor")?;
        let keys = as_slice(&v["publicKey"]);
        let key = keys
            .iter()
            .find(|k| k["owner"].as_str() == Some(id.as_str()))
            .or(keys.first());
        let moderators =
            plain(v, "moderators").or_else(|| plain(v, "attributedTo").filter(|_| kind == "Group"));
        Ok(IncomingActor {
            preferred_username: plain(v, "preferredUsername"),
            name: text(v, "name"),
            summary: text(v, "summary"),
            inbox: first_id(&v["inbox"]),
            outbox: first_id(&v["outbox"]),
            followers: first_id(&v["followers"]),
            following: first_id(&v["following"]),
            shared_inbox: first_id(&v["endpoints"]["sharedInbox"]),
            public_key_id: key.and_then(|k| plain(k, "id")),
            public_key_pem: key.and_then(|k| plain(k, "publicKeyPem")),
            manually_approves_followers: v["manuallyApprovesFollowers"].as_bool().unwrap_or(false),
            icon: as_slice(&v["icon"]).first().and_then(media_url),
            image: as_slice(&v["image"]).first().and_then(media_url),
            url: first_id(&v["url"]),
            moderators,
            featured: first_id(&v["featured"]),
            published: date(v, "published"),
            fields: objects(&v["attachment"])
                .filter(|a| a["type"] == "PropertyValue")
                .filter_map(|a| Some((text(a, "name")?, text(a, "value")?)))
                .collect(),
            raw: v.clone(),
            id,
            kind,
        })
    }
}

/// A collection or collection page.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingCollection {
    pub id: Option<String>,
    pub kind: String,
    pub total_items: Option<u64>,
    pub first: Option<String>,
    pub next: Option<String>,
    /// `orderedItems` or `items`; when the collection has neither but embeds
    /// its `first` page (Pleroma, Mobilizon), that page's items.
    pub items: Vec<ObjectRef>,
}

impl IncomingCollection {
    pub fn from_json(v: &Value) -> Result<Self, ParseError> {
        let kind = type_of(v).ok_or_else(|| ParseError("collection has no type".into()))?;
        let mut items = items_of(v);
        if items.is_empty() {
            items = items_of(&v["first"]);
        }
        Ok(IncomingCollection {
            id: plain(v, "id"),
            kind,
            total_items: v["totalItems"].as_u64(),
            first: first_id(&v["first"]),
            next: first_id(&v["next"]),
            items: items.iter().map(ObjectRef::from_json).collect(),
        })
    }
}

/// An incoming document, sorted by its `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Activity(IncomingActivity),
    Actor(IncomingActor),
    Object(IncomingObject),
    Collection(IncomingCollection),
    /// JSON without `type` (WebFinger JRD, NodeInfo), or with a `type` but no `id`.
    Other(Value),
}

/// Reads any ActivityPub document. Activities are the known activity types
/// and any other type with an `actor`, except known object types.
pub fn classify(v: &Value) -> Result<Document, ParseError> {
    if !v.is_object() {
        return Err(ParseError("the document is not a JSON object".into()));
    }
    let Some(kind) = type_of(v) else {
        return Ok(Document::Other(v.clone()));
    };
    let kind = kind.as_str();
    Ok(if ACTOR_TYPES.contains(&kind) {
        Document::Actor(IncomingActor::from_json(v)?)
    } else if COLLECTION_TYPES.contains(&kind) {
        Document::Collection(IncomingCollection::from_json(v)?)
    } else if ACTIVITY_TYPES.contains(&kind)
        || (!v["actor"].is_null() && !OBJECT_TYPES.contains(&kind))
    {
        Document::Activity(IncomingActivity::from_json(v)?)
    } else if !v["id"].is_null() {
        Document::Object(IncomingObject::from_json(v)?)
    } else {
        Document::Other(v.clone())
    })
}

/// The `type`, or the first string of a `type` array.
fn type_of(v: &Value) -> Option<String> {
    match &v["type"] {
        Value::Array(types) => types.iter().find_map(Value::as_str).map(str::to_string),
        t => t.as_str().map(str::to_string),
    }
}

fn id_and_kind(v: &Value, what: &str) -> Result<(String, String), ParseError> {
    if !v.is_object() {
        return Err(ParseError(format!("{what} is not a JSON object")));
    }
    let id = match v["id"].as_str() {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => return Err(ParseError(format!("{what} has no id"))),
    };
    let kind = type_of(v).ok_or_else(|| ParseError(format!("{what} {id} has no type")))?;
    Ok((id, kind))
}

/// Natural-language text: a string or a language map, else the `…Map` variant
/// (`contentMap`, `nameMap`, `summaryMap`).
fn text(v: &Value, key: &str) -> Option<String> {
    string(&v[key]).or_else(|| string(&v[format!("{key}Map").as_str()]))
}

/// A plain string field (ids, media types, keys).
fn plain(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(str::to_string)
}

fn date(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v[key].as_str().and_then(parse_date)
}

/// A collection's `orderedItems`, else its `items`.
fn items_of(v: &Value) -> &[Value] {
    match &v["orderedItems"] {
        Value::Null => as_slice(&v["items"]),
        items => as_slice(items),
    }
}

/// A single value or an array, as a slice; null is empty.
fn as_slice(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        Value::Null => &[],
        one => std::slice::from_ref(one),
    }
}

fn objects(v: &Value) -> impl Iterator<Item = &Value> {
    as_slice(v).iter().filter(|o| o.is_object())
}

/// The URL of a media value: a string, or an `Image`/`Document` with `url`,
/// or a `Link` with `href`.
fn media_url(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => first_id(&v["url"]).or_else(|| plain(v, "href")),
    }
}

/// `attributedTo`: for a list of objects, the first Person-like entry.
fn attributed_to(v: &Value) -> Option<String> {
    let author = as_slice(v)
        .iter()
        .find(|a| type_of(a).is_some_and(|k| AUTHOR_TYPES.contains(&k.as_str())));
    author.and_then(first_id).or_else(|| first_id(v))
}

/// Lemmy's `language` object (or list of them), else the single key of `contentMap`.
fn language(v: &Value) -> Option<String> {
    let lemmy = as_slice(&v["language"])
        .first()
        .and_then(|l| plain(l, "identifier").or_else(|| l.as_str().map(str::to_string)));
    lemmy.or_else(|| match v["contentMap"].as_object() {
        Some(map) if map.len() == 1 => map.keys().next().cloned(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn activity(v: Value) -> IncomingActivity {
        IncomingActivity::from_json(&v).unwrap()
    }

    #[test]
    fn actor_as_string_object_or_array() {
        let base = |actor: Value| json!({"id": "https://a/1", "type": "Follow", "actor": actor, "object": "https://g"});
        for actor in [
            json!("https://p"),
            json!({"type": "Person", "id": "https://p"}),
            json!([{"type": "Person", "id": "https://p"}]),
            json!(["https://p", "https://q"]),
        ] {
            assert_eq!(activity(base(actor)).actor, "https://p");
        }
        let missing = json!({"id": "https://a/1", "type": "Like", "object": "https://o"});
        assert_eq!(
            IncomingActivity::from_json(&missing)
                .unwrap_err()
                .to_string(),
            "`actor` is missing in Like https://a/1"
        );
        let no_id = base(json!({"type": "Person"}));
        assert_eq!(
            IncomingActivity::from_json(&no_id).unwrap_err().0,
            "`actor` of Follow https://a/1 has no id"
        );
        let anonymous = json!({"type": "Follow", "actor": "https://p"});
        assert_eq!(
            IncomingActivity::from_json(&anonymous).unwrap_err().0,
            "activity has no id"
        );
    }

    #[test]
    fn object_as_id_embedded_list_or_absent() {
        let with = |object: Value| {
            activity(
                json!({"id": "https://a/1", "type": ["Create", "Other"], "actor": "https://p", "object": object}),
            )
        };
        let by_id = with(json!("https://o"));
        assert_eq!(by_id.kind, "Create");
        assert_eq!(by_id.object, ObjectRef::Id("https://o".into()));
        assert_eq!(by_id.object.embedded(), None);

        let embedded = with(json!({"type": "Note", "id": "https://o"}));
        assert_eq!(embedded.object.id(), Some("https://o"));
        assert_eq!(embedded.object.embedded_kind().as_deref(), Some("Note"));

        let many = with(json!(["https://o", "https://p"]));
        assert!(matches!(many.object, ObjectRef::Many(ref refs) if refs.len() == 2));
        assert_eq!(many.object.id(), Some("https://o"));
        assert_eq!(
            with(json!(["https://o"])).object,
            ObjectRef::Id("https://o".into())
        );

        assert_eq!(with(Value::Null).object, ObjectRef::None);
        assert_eq!(with(Value::Null).object.id(), None);
    }

    #[test]
    fn object_fields() {
        let note = IncomingObject::from_json(&json!({
            "id": "https://n", "type": "Note",
            "attributedTo": ["https://g", {"type": "Group", "id": "https://g2"}, {"type": "Person", "id": "https://p"}],
            "summary": null, "content": "<p>hi</p>", "contentMap": {"de": "<p>hi</p>"},
            "source": "hi", "to": "as:Public", "cc": [],
            "url": [{"type": "Link", "mediaType": "text/html", "href": "https://n.html"}, {"type": "Link", "href": "https://n.json"}],
            "tag": {"type": "Hashtag", "href": "https://t/x", "name": "#x"},
            "attachment": [{"type": "Link", "href": "https://l"}, {"type": "Image", "url": "https://i", "mediaType": "image/png"}],
            "nameMap": {"en": "Title"}, "published": "2023-01-01T10:00:00", "sensitive": null
        }))
        .unwrap();
        assert_eq!(note.attributed_to.as_deref(), Some("https://p"));
        assert_eq!(note.summary, None);
        assert_eq!(note.name.as_deref(), Some("Title"));
        assert_eq!(note.url.as_deref(), Some("https://n.html"));
        assert_eq!(note.language.as_deref(), Some("de"));
        assert!(note.is_public());
        assert!(!note.sensitive);
        assert_eq!(note.markdown(), None);
        assert_eq!(note.source.as_ref().map(|s| s.content.as_str()), Some("hi"));
        assert_eq!(
            note.tags,
            [Tag {
                kind: "Hashtag".into(),
                href: Some("https://t/x".into()),
                name: Some("#x".into())
            }]
        );
        assert_eq!(note.attachments[0].url.as_deref(), Some("https://l"));
        assert_eq!(note.attachments[1].url.as_deref(), Some("https://i"));
        assert_eq!(note.attachments[1].media_type.as_deref(), Some("image/png"));
        assert!(note.published.is_some());

        let page = IncomingObject::from_json(&json!({
            "id": "https://p", "type": "Page", "attributedTo": ["https://a", "https://b"],
            "language": [{"identifier": "fr", "name": "Français"}],
            "source": {"content": "**x**", "mediaType": "text/markdown"},
            "url": {"type": "Link", "href": "https://p.html"}
        }))
        .unwrap();
        assert_eq!(page.attributed_to.as_deref(), Some("https://a"));
        assert_eq!(page.language.as_deref(), Some("fr"));
        assert_eq!(page.markdown(), Some("**x**"));
        assert_eq!(page.url.as_deref(), Some("https://p.html"));
        assert!(!page.is_public());
    }

    #[test]
    fn actor_keys_and_fields() {
        let actor = IncomingActor::from_json(&json!({
            "id": "https://u", "type": "Group", "inbox": "https://u/inbox",
            "attributedTo": "https://u/moderators",
            "endpoints": {"sharedInbox": "https://inbox"},
            "publicKey": [
                {"id": "https://other#key", "owner": "https://other", "publicKeyPem": "OTHER"},
                {"id": "https://u#main-key", "owner": "https://u", "publicKeyPem": "PEM"}
            ],
            "icon": [{"type": "Image", "url": "https://icon"}],
            "attachment": [{"type": "PropertyValue", "name": "Site", "value": "x"}, {"type": "Link", "href": "y"}]
        }))
        .unwrap();
        assert_eq!(actor.public_key_id.as_deref(), Some("https://u#main-key"));
        assert_eq!(actor.public_key_pem.as_deref(), Some("PEM"));
        assert_eq!(actor.shared_inbox.as_deref(), Some("https://inbox"));
        assert_eq!(actor.moderators.as_deref(), Some("https://u/moderators"));
        assert_eq!(actor.icon.as_deref(), Some("https://icon"));
        assert_eq!(actor.fields, [("Site".to_string(), "x".to_string())]);

        let single = IncomingActor::from_json(&json!({
            "id": "https://p", "type": "Person", "icon": "https://icon",
            "publicKey": {"id": "https://k", "owner": "https://elsewhere", "publicKeyPem": "PEM"}
        }))
        .unwrap();
        assert_eq!(single.public_key_pem.as_deref(), Some("PEM"));
        assert_eq!(single.icon.as_deref(), Some("https://icon"));
        assert_eq!(single.moderators, None);
    }

    #[test]
    fn classification() {
        let kind_of = |v: Value| match classify(&v).unwrap() {
            Document::Activity(_) => "activity",
            Document::Actor(_) => "actor",
            Document::Object(_) => "object",
            Document::Collection(_) => "collection",
            Document::Other(_) => "other",
        };
        assert_eq!(
            kind_of(json!({"id": "https://a", "type": "Warn", "actor": "https://p"})),
            "activity"
        );
        assert_eq!(
            kind_of(json!({"id": "https://e", "type": "Event", "actor": "https://p"})),
            "object"
        );
        assert_eq!(
            kind_of(json!({"id": "https://p", "type": "Service"})),
            "actor"
        );
        assert_eq!(
            kind_of(json!({"type": "OrderedCollectionPage", "orderedItems": []})),
            "collection"
        );
        assert_eq!(
            kind_of(json!({"subject": "acct:a@b", "links": []})),
            "other"
        );
        assert_eq!(
            classify(&json!([1])).unwrap_err().0,
            "the document is not a JSON object"
        );
        assert_eq!(
            classify(&json!({"type": "Person"})).unwrap_err().0,
            "actor has no id"
        );
    }

    #[test]
    fn collection_items_from_embedded_first_page() {
        let c = IncomingCollection::from_json(&json!({
            "id": "https://c", "type": "OrderedCollection", "totalItems": 2,
            "first": {"id": "https://c?page=1", "type": "OrderedCollectionPage", "orderedItems": ["https://a", {"id": "https://b"}]}
        }))
        .unwrap();
        assert_eq!(c.first.as_deref(), Some("https://c?page=1"));
        assert_eq!(c.total_items, Some(2));
        let ids: Vec<_> = c.items.iter().filter_map(ObjectRef::id).collect();
        assert_eq!(ids, ["https://a", "https://b"]);
    }
}

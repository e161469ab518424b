//! Walks every ActivityPub fixture (see `fixtures_dir` for where): each must parse and be
//! classified as its folder says; then checks known facts of named files.

use recolte_federation::incoming::{
    classify, Document, IncomingActivity, IncomingObject, ObjectRef,
};
use recolte_federation::values::parse_date;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixtures: `$RECOLTE_FIXTURES` if set, else the project workspace's
/// `shared/fixtures/activitypub` (the canonical, growing set) beside the
/// repository, else the copy kept in the repository's `tests/fixtures`.
fn fixtures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RECOLTE_FIXTURES") {
        let dir = PathBuf::from(dir);
        assert!(dir.is_dir(), "RECOLTE_FIXTURES={dir:?} is not a folder");
        return dir;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = root.join("../shared/fixtures/activitypub");
    if shared.is_dir() {
        return shared;
    }
    let copy = root.join("tests/fixtures/activitypub");
    assert!(copy.is_dir(), "no fixtures at {shared:?} nor {copy:?}");
    copy
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn load(rel: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn document(rel: &str) -> Document {
    classify(&load(rel)).unwrap()
}

fn object(rel: &str) -> IncomingObject {
    match document(rel) {
        Document::Object(o) => o,
        other => panic!("{rel} is not an object: {other:?}"),
    }
}

fn activity(rel: &str) -> IncomingActivity {
    match document(rel) {
        Document::Activity(a) => a,
        other => panic!("{rel} is not an activity: {other:?}"),
    }
}

fn kind_name(doc: &Document) -> &'static str {
    match doc {
        Document::Activity(_) => "Activity",
        Document::Actor(_) => "Actor",
        Document::Object(_) => "Object",
        Document::Collection(_) => "Collection",
        Document::Other(_) => "Other",
    }
}

/// Every date we read (`published`, `updated`, event times…) must parse.
fn check_dates(v: &Value, rel: &str) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                let is_date = matches!(
                    key.as_str(),
                    "published" | "updated" | "startTime" | "endTime" | "closed" | "deleted"
                );
                if let (true, Some(s)) = (is_date, value.as_str()) {
                    assert!(parse_date(s).is_some(), "{rel}: {key} {s:?} is not a date");
                }
                check_dates(value, rel);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| check_dates(i, rel)),
        _ => {}
    }
}

/// Embedded objects of activities (recursively) must classify too.
fn check_embedded(activity: &IncomingActivity, rel: &str) {
    if let Some(inner) = activity.object.embedded() {
        let doc = classify(inner).unwrap_or_else(|e| panic!("{rel}: embedded object: {e}"));
        if let Document::Activity(inner) = doc {
            check_embedded(&inner, rel);
        }
    }
}

#[test]
fn every_fixture_parses_and_classifies_by_folder() {
    let root = fixtures_dir();
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 100,
        "only {} fixtures in {root:?}",
        files.len()
    );

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let doc = classify(&value).unwrap_or_else(|e| panic!("{rel}: {e}"));
        *counts.entry(kind_name(&doc)).or_default() += 1;
        check_dates(&value, &rel);

        let stem = path.file_stem().unwrap().to_string_lossy();
        if rel == "mastodon/activities/private_message.json" {
            // Not an activity despite its folder: Lemmy's test suite stores
            // the bare Note of a Mastodon direct message, without its Create.
            assert!(
                matches!(&doc, Document::Object(o) if o.kind == "Note"),
                "{rel}"
            );
        } else if rel.contains("/activities/") {
            match &doc {
                Document::Activity(a) => check_embedded(a, &rel),
                other => panic!("{rel} should be an activity: {other:?}"),
            }
        } else if matches!(&*stem, "group" | "person" | "instance") || stem.ends_with("-actor") {
            match &doc {
                Document::Actor(a) => {
                    assert!(a.inbox.is_some(), "{rel}: no inbox");
                    assert!(a.public_key_pem.is_some(), "{rel}: no public key");
                }
                other => panic!("{rel} should be an actor: {other:?}"),
            }
        } else if rel.contains("/collections/") {
            assert!(
                matches!(doc, Document::Collection(_)),
                "{rel} should be a collection"
            );
        } else if rel.contains("/webfinger/") || rel.contains("/nodeinfo/") {
            assert!(matches!(doc, Document::Other(_)), "{rel} should be Other");
        }
    }
    println!("{} fixtures: {counts:?}", files.len());
    assert_eq!(counts.values().sum::<usize>(), files.len());
}

#[test]
fn lemmy_announce_wraps_create_page() {
    let announce = activity("lemmy/activities/community/announce_create_page.json");
    assert_eq!(announce.kind, "Announce");
    let create = IncomingActivity::from_json(announce.object.embedded().unwrap()).unwrap();
    assert_eq!(create.kind, "Create");
    assert_eq!(create.actor, "http://enterprise.lemmy.ml/u/lemmy_beta");
    assert_eq!(create.object.embedded_kind().as_deref(), Some("Page"));
    let page = IncomingObject::from_json(create.object.embedded().unwrap()).unwrap();
    assert_eq!(page.name.as_deref(), Some("post 4"));
    assert!(page.is_public());
}

#[test]
fn lemmy_page() {
    let page = object("lemmy/objects/page.json");
    assert_eq!(page.kind, "Page");
    assert_eq!(
        page.attributed_to.as_deref(),
        Some("https://enterprise.lemmy.ml/u/picard")
    );
    assert_eq!(
        page.audience.as_deref(),
        Some("https://enterprise.lemmy.ml/c/tenforward")
    );
    assert_eq!(
        page.markdown(),
        Some("This is a post in the /c/tenforward community")
    );
    assert_eq!(page.language.as_deref(), Some("fr"));
    assert_eq!(
        page.context.as_deref(),
        Some("https://enterprise.lemmy.ml/post/55143/context")
    );
    assert!(page.is_public());
    assert!(page.published.is_some());
}

#[test]
fn lemmy_comment_replies_to_post() {
    let comment = object("lemmy/objects/comment.json");
    assert_eq!(comment.kind, "Note");
    assert_eq!(
        comment.in_reply_to.as_deref(),
        Some("https://enterprise.lemmy.ml/post/55143")
    );
    assert!(comment.markdown().is_some());
    assert!(comment
        .tags
        .iter()
        .any(|t| t.kind == "Mention" && t.href.is_some()));
}

#[test]
fn lemmy_follow() {
    let follow = activity("lemmy/activities/following/follow.json");
    assert_eq!(follow.kind, "Follow");
    assert_eq!(follow.actor, "http://ds9.lemmy.ml/u/lemmy_alpha");
    assert_eq!(
        follow.object,
        ObjectRef::Id("http://enterprise.lemmy.ml/c/main".into())
    );
}

#[test]
fn mastodon_notes() {
    for rel in [
        "mastodon/objects/note_1.json",
        "mastodon/objects/note_2.json",
        "mastodon/objects/mastodon-note-object.json",
        "mastodon/objects/status.emelie.json",
    ] {
        let note = object(rel);
        assert_eq!(note.kind, "Note", "{rel}");
        assert!(
            note.content.as_deref().is_some_and(|c| !c.is_empty()),
            "{rel}"
        );
        assert!(!note.to.is_empty() && !note.cc.is_empty(), "{rel}");
        assert!(note.is_public(), "{rel}");
        assert!(note.attributed_to.is_some(), "{rel}");
    }
}

#[test]
fn shape_variants_in_real_data() {
    // `actor` as a list of embedded Persons, `url` as a Link, `attributedTo` as a list.
    let prismo = activity("prismo/activities/prismo-url-map.json");
    assert_eq!(prismo.actor, "https://prismo.news/@mxb");
    let article = IncomingObject::from_json(prismo.object.embedded().unwrap()).unwrap();
    assert_eq!(article.url.as_deref(), Some("https://prismo.news/posts/83"));
    assert_eq!(
        article.attributed_to.as_deref(),
        Some("https://prismo.news/@mxb")
    );
    // `actor` as an embedded Person.
    let osada = activity("osada/activities/osada-follow-activity.json");
    assert_eq!(osada.actor, "https://apfed.club/channel/indio");
    // `object` as a list of ids.
    let flag = activity("mastodon/activities/flag.json");
    assert!(matches!(flag.object, ObjectRef::Many(ref refs) if refs.len() == 3));
    // Dates without time zone (Pleroma polls).
    assert!(object("pleroma/objects/poll_original.json")
        .published
        .is_some());
    // A Lemmy Group: moderators collection and shared inbox.
    let Document::Actor(group) = document("lemmy/objects/group.json") else {
        panic!("lemmy group is not an actor")
    };
    assert!(group.moderators.is_some());
    assert!(group.shared_inbox.is_some());
    assert!(group.public_key_id.is_some());
}

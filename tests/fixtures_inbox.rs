//! Real payloads from Lemmy and Mastodon (`../shared/fixtures/activitypub`)
//! fed through the inbox logic after the signature step: actors are stored,
//! posts, comments, likes, undos, updates, announces and deletes change
//! what they should, follows of others' actors are ignored, replays refused.
//!
//! The fixtures name actors that are not among them (and hosts we cannot
//! reach): those actors are stored first from minimal documents, so that no
//! fetch is needed.

mod common;

use common::TestInstance;
use recolte::activitypub::{inbox, resolve};
use recolte::domain::actors::Actor;
use recolte::domain::content::{self, Target};
use recolte::domain::follows;
use recolte_federation::incoming::{classify, Document};
use serde_json::{json, Value};

/// A fixture from the project workspace's `shared/fixtures/activitypub`
/// beside the repository, or from the copy in `tests/fixtures`.
fn fixture(path: &str) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/fixtures/activitypub").join(path);
    let full = if shared.exists() {
        shared
    } else {
        root.join("tests/fixtures/activitypub").join(path)
    };
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Stores an actor from a minimal document (any valid key: signatures are
/// not checked past this point).
async fn seed(on: &TestInstance, id: &str, kind: &str, key: &str) -> Actor {
    let name = id.rsplit('/').next().unwrap();
    let doc = json!({
        "id": id, "type": kind, "preferredUsername": name,
        "inbox": format!("{id}/inbox"), "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": key },
    });
    resolve::store_actor(on.state(), &doc, id).await.unwrap()
}

/// Feeds one fixture activity through the inbox; returns the answer's status.
async fn feed(on: &TestInstance, path: &str) -> u16 {
    feed_json(on, fixture(path)).await
}

/// Feeds one activity through the inbox; returns the answer's status.
async fn feed_json(on: &TestInstance, json: serde_json::Value) -> u16 {
    let Ok(Document::Activity(activity)) = classify(&json) else {
        panic!("{json} is an activity");
    };
    let signer = resolve::actor(on.state(), &activity.actor).await.unwrap();
    match inbox::apply_verified(on.state(), &activity, &signer).await {
        Ok(()) => 202,
        Err(refusal) => refusal.status().as_u16(),
    }
}

async fn find(on: &TestInstance, ap_id: &str) -> Option<Target> {
    let id = ap_id.to_string();
    on.with_db(move |conn, _| content::find_by_ap_id(conn, &id))
        .await
        .unwrap()
}

#[tokio::test]
async fn lemmy_actors_parse_into_stored_actors() {
    let alpha = TestInstance::start(&[]).await;
    let group = fixture("lemmy/objects/group.json");
    let id = group["id"].as_str().unwrap().to_string();
    let stored = resolve::store_actor(alpha.state(), &group, &id)
        .await
        .unwrap();
    assert_eq!(stored.kind(), recolte::domain::actors::ActorKind::Group);
    assert_eq!(stored.username, "tenforward");
    assert_eq!(stored.domain, "enterprise.lemmy.ml");
    assert!(stored.public_key_pem.contains("BEGIN PUBLIC KEY"));
    assert_eq!(stored.acct(), "tenforward@enterprise.lemmy.ml");

    let person = fixture("lemmy/objects/person.json");
    let id = person["id"].as_str().unwrap().to_string();
    let stored = resolve::store_actor(alpha.state(), &person, &id)
        .await
        .unwrap();
    assert_eq!(stored.username, "picard");
    assert_eq!(stored.inbox_url, person["inbox"].as_str().unwrap());

    // A document whose id is not the URL it was fetched from is refused.
    assert!(
        resolve::store_actor(alpha.state(), &person, "https://elsewhere.example/u/x")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn lemmy_and_mastodon_activities_are_handled() {
    let alpha = TestInstance::start(&[]).await;
    let member = alpha.create_user("membre").await.actor;
    let key = member.public_key_pem.clone();
    let main = seed(&alpha, "http://enterprise.lemmy.ml/c/main", "Group", &key).await;
    seed(&alpha, "http://ds9.lemmy.ml/u/lemmy_alpha", "Person", &key).await;
    seed(
        &alpha,
        "http://enterprise.lemmy.ml/u/lemmy_beta",
        "Person",
        &key,
    )
    .await;
    let admin = seed(
        &alpha,
        "http://mastodon.example.org/users/admin",
        "Person",
        &key,
    )
    .await;

    // Content of a community is wanted here once someone here follows it.
    let (m, g) = (member.clone(), main.clone());
    alpha
        .with_db(move |conn, config| follows::follow(conn, config, &m, &g))
        .await
        .unwrap();

    // Create{Page}: a post in that community, with its title, body, link and language.
    assert_eq!(
        feed(&alpha, "lemmy/activities/create_or_update/create_page.json").await,
        202
    );
    let Some(Target::Post(post)) = find(&alpha, "http://ds9.lemmy.ml/post/1").await else {
        panic!("the page became a post");
    };
    assert_eq!(post.title, "test post");
    assert_eq!(post.content_html, "<p>test body</p>\n");
    assert_eq!(post.source, "test body");
    assert_eq!(post.community_id, Some(main.id));
    assert_eq!(post.language.as_deref(), Some("ko"));
    assert_eq!(
        post.link_url.as_deref(),
        Some("https://lemmy.ml/pictrs/image/xl8W7FZfk9.jpg")
    );

    // A replay of the same activity is refused and changes nothing.
    assert_eq!(
        feed(&alpha, "lemmy/activities/create_or_update/create_page.json").await,
        409
    );

    // Create{Note} answering it: a comment in its thread.
    assert_eq!(
        feed(
            &alpha,
            "lemmy/activities/create_or_update/create_comment.json"
        )
        .await,
        202
    );
    let Some(Target::Comment(comment)) = find(&alpha, "http://ds9.lemmy.ml/comment/1").await else {
        panic!("the note became a comment");
    };
    assert_eq!(comment.post_id, post.id);
    assert_eq!(comment.parent_id, None);

    // Like, then Undo{Like} (whose inner id differs: matched by actor and object).
    let count = |t: Target| {
        let alpha = &alpha;
        async move {
            alpha
                .with_db(move |conn, _| content::like_count(conn, &t))
                .await
                .unwrap()
        }
    };
    assert_eq!(
        feed(&alpha, "lemmy/activities/voting/like_note.json").await,
        202
    );
    assert_eq!(count(Target::Comment(comment.clone())).await, 1);
    assert_eq!(
        feed(&alpha, "lemmy/activities/voting/undo_like_note.json").await,
        202
    );
    assert_eq!(count(Target::Comment(comment.clone())).await, 0);

    // Update{Page}: newer, so applied.
    assert_eq!(
        feed(&alpha, "lemmy/activities/create_or_update/update_page.json").await,
        202
    );
    let Some(Target::Post(updated)) = find(&alpha, "http://ds9.lemmy.ml/post/1").await else {
        panic!()
    };
    assert_eq!(updated.title, "test post 1");

    // Announce{Create{Page}} from the community: the relayed post is stored.
    assert_eq!(
        feed(
            &alpha,
            "lemmy/activities/community/announce_create_page.json"
        )
        .await,
        202
    );
    let Some(Target::Post(relayed)) = find(&alpha, "http://enterprise.lemmy.ml/post/7").await
    else {
        panic!("the announced page became a post");
    };
    assert_eq!(relayed.title, "post 4");
    assert_eq!(relayed.community_id, Some(main.id));

    // Delete by the author.
    assert_eq!(
        feed(&alpha, "lemmy/activities/deletion/delete_page.json").await,
        202
    );
    assert!(find(&alpha, "http://ds9.lemmy.ml/post/1")
        .await
        .unwrap()
        .is_deleted());

    // A Follow of an actor that is not ours is ignored.
    assert_eq!(
        feed(&alpha, "lemmy/activities/following/follow.json").await,
        202
    );

    // Mastodon: a status from someone followed here is stored as their post;
    // a Delete of an unknown status is accepted and ignored.
    let (m, a) = (member.clone(), admin.clone());
    alpha
        .with_db(move |conn, config| follows::follow(conn, config, &m, &a))
        .await
        .unwrap();
    assert_eq!(
        feed(&alpha, "mastodon/activities/mastodon-post-activity.json").await,
        202
    );
    let status = fixture("mastodon/activities/mastodon-post-activity.json")["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let Some(Target::Post(note)) = find(&alpha, &status).await else {
        panic!("the Mastodon status became a post");
    };
    assert_eq!(note.author_id, admin.id);
    assert_eq!(note.community_id, None);
    assert!(note.content_html.contains("@<span>lain</span>"));
    seed(
        &alpha,
        "http://mastodon.example.org/users/gargron",
        "Person",
        &key,
    )
    .await;
    assert_eq!(
        feed(&alpha, "mastodon/activities/mastodon-delete.json").await,
        202
    );

    // Account deletions: Mastodon's Delete{Person} erases the account's
    // statuses and ends the follows to it; Lemmy's Delete of a user (by id)
    // erases its comments.
    assert_eq!(
        feed(&alpha, "mastodon/activities/mastodon-delete-user.json").await,
        202
    );
    assert!(find(&alpha, &status).await.unwrap().is_deleted());
    let (m, a) = (member.clone(), admin.clone());
    let still_following = alpha
        .with_db(move |conn, _| follows::find(conn, m.id, a.id))
        .await
        .unwrap();
    assert!(still_following.is_none());
    assert!(!find(&alpha, "http://ds9.lemmy.ml/comment/1")
        .await
        .unwrap()
        .is_deleted());
    // (Lemmy's fixture reuses the id of its delete_page.json: give it its own.)
    let mut delete_user = fixture("lemmy/activities/deletion/delete_user.json");
    delete_user["id"] = json!("http://ds9.lemmy.ml/activities/delete/user-1");
    assert_eq!(feed_json(&alpha, delete_user).await, 202);
    assert!(find(&alpha, "http://ds9.lemmy.ml/comment/1")
        .await
        .unwrap()
        .is_deleted());
}

// --- Media attachments ---

/// The images of a stored post: (url, type, alt text).
async fn images_of(on: &TestInstance, ap_id: &str) -> Vec<(String, String, String)> {
    let target = find(on, ap_id).await.expect("the post is stored");
    on.with_db(move |conn, config| {
        Ok(recolte::domain::media::of_target(conn, &target)?
            .into_iter()
            .map(|m| (m.url(config), m.content_type, m.description))
            .collect())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn attachments_of_mastodon_and_lemmy_are_kept_as_references() {
    let alpha = TestInstance::start(&[]).await;
    let member = alpha.create_user("membre").await.actor;
    let key = member.public_key_pem.clone();
    let admin = seed(
        &alpha,
        "http://mastodon.example.org/users/admin",
        "Person",
        &key,
    )
    .await;
    let group = seed(
        &alpha,
        "https://enterprise.lemmy.ml/c/tenforward",
        "Group",
        &key,
    )
    .await;
    seed(
        &alpha,
        "https://enterprise.lemmy.ml/u/picard",
        "Person",
        &key,
    )
    .await;
    for target in [admin, group] {
        let m = member.clone();
        alpha
            .with_db(move |conn, config| follows::follow(conn, config, &m, &target))
            .await
            .unwrap();
    }

    // Mastodon: a status with a JPEG Document (no alt text).
    let path = "mastodon/activities/mastodon-create-with-attachment.json";
    assert_eq!(feed(&alpha, path).await, 202);
    let status = fixture(path)["object"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        images_of(&alpha, &status).await,
        vec![(
            "http://mastodon.example.org/system/media_attachments/files/000/000/002/original/334ce029e7bfb920.jpg".to_string(),
            "image/jpeg".to_string(),
            String::new()
        )]
    );

    // Lemmy: a Page with an Image and a Link: the image is an attachment,
    // the link stays the post's link.
    let page = fixture("lemmy/objects/page_image_and_link.json");
    let create = json!({
        "id": "https://enterprise.lemmy.ml/activities/create/page-image",
        "type": "Create",
        "actor": "https://enterprise.lemmy.ml/u/picard",
        "to": page["to"],
        "cc": [],
        "object": page,
    });
    assert_eq!(feed_json(&alpha, create).await, 202);
    assert_eq!(
        images_of(&alpha, "https://enterprise.lemmy.ml/post/55999").await,
        vec![(
            "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png".to_string(),
            "image/png".to_string(),
            String::new()
        )]
    );
    let Some(Target::Post(post)) = find(&alpha, "https://enterprise.lemmy.ml/post/55999").await
    else {
        panic!("the Lemmy page became a post");
    };
    assert_eq!(
        post.link_url.as_deref(),
        Some("https://example.com/some-article")
    );
}

/// The options of a stored poll: (title, votes), and whether several may be chosen.
async fn poll_of(on: &TestInstance, ap_id: &str) -> (Vec<(String, i64)>, bool) {
    let target = find(on, ap_id).await.expect("the post is stored");
    on.with_db(move |conn, _| {
        let status = recolte::domain::statuses::of_target(conn, &target)?;
        let view = recolte::domain::polls::views(conn, &[status.row.id], None)?
            .remove(&status.row.id)
            .expect("a poll");
        Ok((view.options, view.poll.multiple))
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn questions_of_mastodon_and_pleroma_become_polls_that_updates_refresh() {
    let alpha = TestInstance::start(&[]).await;
    let member = alpha.create_user("membre").await.actor;
    let key = member.public_key_pem.clone();
    for id in [
        "https://mastodon.sdf.org/users/rinpatch",
        "https://patch.cx/users/rin",
    ] {
        let author = seed(&alpha, id, "Person", &key).await;
        let m = member.clone();
        alpha
            .with_db(move |conn, config| follows::follow(conn, config, &m, &author))
            .await
            .unwrap();
    }

    // Mastodon: Create{Question}, single choice, with its counts.
    let path = "mastodon/activities/mastodon-question-activity.json";
    assert_eq!(feed(&alpha, path).await, 202);
    let question = fixture(path)["object"]["id"].as_str().unwrap().to_string();
    let (options, multiple) = poll_of(&alpha, &question).await;
    assert!(!multiple);
    assert_eq!(
        options,
        vec![
            ("Dunno".to_string(), 0),
            ("Everyone knows that!".to_string(), 1),
            ("25 char limit is dumb".to_string(), 0),
            ("I can't even fit a funny".to_string(), 1),
        ]
    );

    // Pleroma: the Question, then its Update with new counts.
    let wrap = |kind: &str, object: Value, n: u32| {
        json!({
            "id": format!("https://patch.cx/activities/poll-{n}"),
            "type": kind,
            "actor": "https://patch.cx/users/rin",
            "to": object["to"],
            "cc": object["cc"],
            "object": object,
        })
    };
    let original = fixture("pleroma/objects/poll_original.json");
    let id = original["id"].as_str().unwrap().to_string();
    assert_eq!(feed_json(&alpha, wrap("Create", original, 1)).await, 202);
    assert_eq!(
        poll_of(&alpha, &id).await.0,
        vec![("yes".to_string(), 4), ("no".to_string(), 0)]
    );
    let modified = fixture("pleroma/objects/poll_modified.json");
    assert_eq!(feed_json(&alpha, wrap("Update", modified, 2)).await, 202);
    assert_eq!(
        poll_of(&alpha, &id).await.0,
        vec![("yes".to_string(), 8), ("no".to_string(), 3)]
    );
    // One with an attachment and an empty anyOf beside its oneOf.
    let attached = fixture("pleroma/objects/poll_attachment.json");
    let id = attached["id"].as_str().unwrap().to_string();
    assert_eq!(feed_json(&alpha, wrap("Create", attached, 3)).await, 202);
    assert_eq!(poll_of(&alpha, &id).await.0.len(), 6);
}
// --- end media ---

//! The inbox refuses what it must, with a precise 4xx, and changes nothing:
//! bad signatures, a signer who is not the activity's actor, stale dates,
//! digest mismatches, replays, oversized bodies, malformed JSON, and objects
//! spoofed on another host. Signed requests are made with the real key of a
//! member of a second instance, whose actor the inbox fetches for real.

mod common;

use std::time::{Duration, SystemTime};

use common::TestInstance;
use recolte::domain::actors::Actor;
use recolte::domain::communities::MembershipPolicy;
use recolte_federation::signatures;
use serde_json::{json, Value};

struct Sender {
    actor: Actor,
    key: signatures::PrivateKey,
}

impl Sender {
    fn new(actor: Actor) -> Self {
        let key = signatures::private_key(actor.private_key_pem.as_deref().unwrap()).unwrap();
        Sender { actor, key }
    }
}

/// POSTs `body` to an inbox, signed by `signer` with `key_id`, dated `at`,
/// with the digest of `digest_of`.
async fn post(
    to: &TestInstance,
    body: &[u8],
    digest_of: &[u8],
    signer: &Sender,
    key_id: &str,
    at: SystemTime,
) -> (u16, Value) {
    let url = url::Url::parse(&to.url("/inbox")).unwrap();
    let signed = signatures::sign_request(&signer.key, key_id, &url, Some(digest_of), at).unwrap();
    let r = to
        .client
        .post(url)
        .header("Content-Type", "application/activity+json")
        .header("Date", signed.date)
        .header("Digest", signed.digest.unwrap())
        .header("Signature", signed.signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn key_id(actor: &Actor) -> String {
    format!("{}#main-key", actor.ap_id)
}

/// A `Create{Page}` in a community, as bytes.
fn create_page(id: &str, object: &str, actor: &str, author: &str, community: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id, "type": "Create", "actor": actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": object, "type": "Page", "name": "Faux", "attributedTo": author,
            "content": "spoof", "audience": community,
            "to": [community, "https://www.w3.org/ns/activitystreams#Public"],
        }
    }))
    .unwrap()
}

/// Rows that any accepted activity would change.
async fn footprint(on: &TestInstance) -> (i64, i64, i64, i64) {
    on.with_db(|conn, _| {
        use diesel::prelude::*;
        use recolte::schema::{activities, comments, follows, posts};
        Ok((
            activities::table
                .filter(activities::local.eq(false))
                .count()
                .get_result(conn)?,
            follows::table.count().get_result(conn)?,
            posts::table.count().get_result(conn)?,
            comments::table.count().get_result(conn)?,
        ))
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_inbox_refuses_forgeries_and_replays_and_changes_nothing() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let bea = Sender::new(beta.create_user("bea").await.actor);
    let eve = Sender::new(beta.create_user("eve").await.actor);
    let now = SystemTime::now();

    let follow = json!({
        "id": format!("{}/activities/follow-1", beta.base),
        "type": "Follow",
        "actor": bea.actor.ap_id,
        "object": climat.actor.ap_id,
    });
    let body = serde_json::to_vec(&follow).unwrap();
    let before = footprint(&alpha).await;

    // Signed by someone else's key, claiming bea's key id.
    let forged = Sender {
        actor: bea.actor.clone(),
        key: eve.key.clone(),
    };
    let (status, err) = post(&alpha, &body, &body, &forged, &key_id(&bea.actor), now).await;
    assert_eq!(status, 401, "{err}");
    assert!(err["error"].as_str().unwrap().contains("signature"));

    // A valid signature by a different actor than the activity's.
    let (status, err) = post(&alpha, &body, &body, &eve, &key_id(&eve.actor), now).await;
    assert_eq!(status, 401);
    assert!(err["error"]
        .as_str()
        .unwrap()
        .contains("not by the activity's actor"));

    // A date outside the window.
    let stale = now - Duration::from_secs(3600);
    let (status, err) = post(&alpha, &body, &body, &bea, &key_id(&bea.actor), stale).await;
    assert_eq!(status, 401);
    assert!(err["error"].as_str().unwrap().contains("Date"));

    // The body changed after signing.
    let other = serde_json::to_vec(&json!({"id": format!("{}/x", beta.base), "type": "Follow", "actor": bea.actor.ap_id, "object": ana.ap_id})).unwrap();
    let (status, err) = post(&alpha, &other, &body, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("Digest"));

    // Malformed JSON, and JSON that is not an activity.
    let (status, _) = post(
        &alpha,
        b"{not json",
        b"{not json",
        &bea,
        &key_id(&bea.actor),
        now,
    )
    .await;
    assert_eq!(status, 400);
    let note = br#"{"id":"http://x.test/n","type":"Note","content":"hi"}"#;
    let (status, _) = post(&alpha, note, note, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 400);

    // Too large.
    let mut huge = br#"{"type":"Create","pad":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    huge.extend(br#""}"#);
    let (status, _) = post(&alpha, &huge, &huge, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 413);

    // An activity whose id is on another host than its actor.
    let elsewhere = serde_json::to_vec(&json!({
        "id": format!("{}/activities/1", alpha.base), "type": "Follow",
        "actor": bea.actor.ap_id, "object": climat.actor.ap_id,
    }))
    .unwrap();
    let (status, _) = post(
        &alpha,
        &elsewhere,
        &elsewhere,
        &bea,
        &key_id(&bea.actor),
        now,
    )
    .await;
    assert_eq!(status, 400);

    assert_eq!(
        footprint(&alpha).await,
        before,
        "nothing refused left a trace"
    );

    // The genuine request is accepted once; its replay is refused.
    let (status, _) = post(&alpha, &body, &body, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 202);
    let after = footprint(&alpha).await;
    assert_eq!(after.1, before.1 + 1, "one follow");
    let (status, err) = post(&alpha, &body, &body, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(footprint(&alpha).await, after, "the replay changed nothing");

    // A post whose object claims to live on alpha (spoofed), and one
    // attributed to someone else: refused, nothing stored.
    let spoofed = create_page(
        &format!("{}/activities/create-1", beta.base),
        &format!("{}/post/999", alpha.base),
        &bea.actor.ap_id,
        &bea.actor.ap_id,
        &climat.actor.ap_id,
    );
    let (status, err) = post(&alpha, &spoofed, &spoofed, &bea, &key_id(&bea.actor), now).await;
    assert_eq!(status, 400, "{err}");
    let misattributed = create_page(
        &format!("{}/activities/create-2", beta.base),
        &format!("{}/post/998", beta.base),
        &bea.actor.ap_id,
        &eve.actor.ap_id,
        &climat.actor.ap_id,
    );
    let (status, _) = post(
        &alpha,
        &misattributed,
        &misattributed,
        &bea,
        &key_id(&bea.actor),
        now,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(footprint(&alpha).await, after);

    // Unsigned: refused.
    let r = alpha
        .client
        .post(alpha.url("/inbox"))
        .header("Content-Type", "application/activity+json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no Digest, no signature");
}

#[tokio::test]
async fn a_mastodon_style_mention_posts_into_a_community() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let ana = alpha.create_user("ana").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let bea = Sender::new(beta.create_user("bea").await.actor);
    // The shape Mastodon sends: a Note with a Mention tag, no title.
    let note_id = format!("{}/post/77", beta.base);
    let create = serde_json::to_vec(&json!({
        "@context": ["https://www.w3.org/ns/activitystreams"],
        "id": format!("{}/activities/m1", beta.base), "type": "Create",
        "actor": bea.actor.ap_id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [climat.actor.ap_id],
        "object": {
            "id": note_id, "type": "Note", "attributedTo": bea.actor.ap_id,
            "content": "<p><span class=\"h-card\"><a href=\"x\">@climat</a></span> Qui a un retour sur les haies bocagères ?</p><p>Merci</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [climat.actor.ap_id],
            "tag": [{"type": "Mention", "href": climat.actor.ap_id, "name": format!("@climat@{}", alpha.domain)}],
            "published": "2026-11-29T10:00:00Z"
        }
    }))
    .unwrap();
    let (status, err) = post(
        &alpha,
        &create,
        &create,
        &bea,
        &key_id(&bea.actor),
        SystemTime::now(),
    )
    .await;
    assert_eq!(status, 202, "{err}");
    let id = note_id.clone();
    let stored = alpha
        .with_db(move |conn, _| recolte::domain::content::find_by_ap_id(conn, &id))
        .await
        .unwrap();
    let Some(recolte::domain::content::Target::Post(p)) = stored else {
        panic!("the mention made a post")
    };
    assert_eq!(p.community_id, Some(climat.actor.id));
    assert_eq!(p.title, "Qui a un retour sur les haies bocagères ?");
}

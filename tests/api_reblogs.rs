//! Reblogs (boosts) through the Mastodon API on real servers: boosting
//! and taking it back, who boosted, counts and the viewer's flag, boosts
//! in followers' home timelines and on the booster's account (with
//! `exclude_reblogs`), the `reblog` notification; a boost federated to
//! another instance as an `Announce` and undone; a Mastodon-shaped
//! `Announce` from elsewhere stored as a boost; a community's posts shown
//! in its followers' home as the community's reblogs, never in public
//! timelines. And pins: one's own statuses, at most five, listed with
//! `pinned=true` and in the actor's `featured` collection.

mod api_common;
mod common;

use api_common::{feed, fixture, ids, remote_person_followed_by, Api};
use common::eventually;
use common::TestInstance;
use recolte::domain::communities::MembershipPolicy;
use serde_json::json;

#[tokio::test]
async fn boost_unboost_counts_home_account_and_notification() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write follow").await;
    let (carol, _) = Api::user(&inst, "carol", "read write follow").await;
    let a = carol
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    assert_eq!(a.body["following"], true);

    let post = alice.status("Atelier compost samedi").await;
    let a = bob
        .post(&format!("/api/v1/statuses/{post}/reblog"), json!({}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let boost = a.body["id"].as_str().unwrap().to_string();
    assert_ne!(boost, post);
    assert_eq!(a.body["account"]["id"], bob_id.as_str());
    assert_eq!(a.body["reblog"]["id"], post.as_str());
    assert_eq!(a.body["reblog"]["account"]["id"], alice_id.as_str());
    assert_eq!(a.body["reblog"]["reblogged"], true);
    assert_eq!(a.body["reblog"]["reblogs_count"], 1);
    // Boosting again (or boosting the boost) changes nothing.
    let a = bob
        .post(&format!("/api/v1/statuses/{boost}/reblog"), json!({}))
        .await;
    assert_eq!(a.body["id"], boost.as_str());
    let a = bob.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogs_count"], 1);
    assert_eq!(a.body["reblogged"], true);
    let a = alice.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogged"], false);

    // Who boosted.
    let a = alice
        .get(&format!("/api/v1/statuses/{post}/reblogged_by"))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(ids(&a.body), vec![bob_id.clone()]);

    // Bob's follower sees the boost at home; Bob's account lists it unless
    // reblogs are excluded; the public timeline shows the post only.
    let a = carol.get("/api/v1/timelines/home").await;
    assert_eq!(ids(&a.body), vec![boost.clone()]);
    assert_eq!(
        a.body[0]["reblog"]["content"],
        "<p>Atelier compost samedi</p>\n"
    );
    let a = carol
        .get(&format!("/api/v1/accounts/{bob_id}/statuses"))
        .await;
    assert_eq!(ids(&a.body), vec![boost.clone()]);
    let a = carol
        .get(&format!(
            "/api/v1/accounts/{bob_id}/statuses?exclude_reblogs=true"
        ))
        .await;
    assert_eq!(a.body, json!([]));
    let a = carol.get("/api/v1/timelines/public").await;
    assert_eq!(ids(&a.body), vec![post.clone()]);

    // The author is told, once.
    let a = alice.get("/api/v1/notifications?types[]=reblog").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1, "{}", a.body);
    assert_eq!(a.body[0]["type"], "reblog");
    assert_eq!(a.body[0]["account"]["id"], bob_id.as_str());
    assert_eq!(a.body[0]["status"]["id"], post.as_str());
    // A boost of one's own status tells nobody.
    alice
        .post(&format!("/api/v1/statuses/{post}/reblog"), json!({}))
        .await;
    let a = alice.get("/api/v1/notifications?types[]=reblog").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);

    // Taking it back: the status as it is now, the boost gone everywhere.
    let a = bob
        .post(&format!("/api/v1/statuses/{post}/unreblog"), json!({}))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["id"], post.as_str());
    assert_eq!(a.body["reblogged"], false);
    assert_eq!(a.body["reblogs_count"], 1);
    assert_eq!(carol.get("/api/v1/timelines/home").await.body, json!([]));
    assert_eq!(
        bob.get(&format!("/api/v1/statuses/{boost}")).await.status,
        404
    );
    // Unboosting again is harmless.
    let a = bob
        .post(&format!("/api/v1/statuses/{post}/unreblog"), json!({}))
        .await;
    assert_eq!(a.status, 200);

    // Bad input: unknown status, wrong scope, deleted status.
    let a = bob.post("/api/v1/statuses/999999/reblog", json!({})).await;
    assert_eq!(a.status, 404);
    let (reader, _) = Api::user(&inst, "dora", "read").await;
    let a = reader
        .post(&format!("/api/v1/statuses/{post}/reblog"), json!({}))
        .await;
    assert_eq!(a.status, 403);
    let other = alice.status("Bientôt effacé").await;
    let a = bob
        .post(&format!("/api/v1/statuses/{other}/reblog"), json!({}))
        .await;
    let gone_boost = a.body["id"].as_str().unwrap().to_string();
    let a = inst
        .client
        .delete(inst.url(&format!("/api/v1/statuses/{other}")))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    assert_eq!(
        bob.get(&format!("/api/v1/statuses/{gone_boost}"))
            .await
            .status,
        404
    );
    let a = bob
        .post(&format!("/api/v1/statuses/{other}/reblog"), json!({}))
        .await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn community_posts_come_home_as_the_community_reblogs() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write follow").await;
    let (carol, _) = Api::user(&inst, "carol", "read write follow").await;
    let owner = inst.create_user("dora").await;
    let community = inst
        .create_community(&owner.actor, "veille", MembershipPolicy::Open)
        .await;
    let community_id = community.actor.id.to_string();
    alice
        .post(
            &format!("/api/v1/accounts/{community_id}/follow"),
            json!({}),
        )
        .await;
    let a = carol
        .post(
            "/api/v1/statuses",
            json!({"status": format!("@veille@{} Réunion\nMardi à 18 h.", inst.domain)}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let post = a.body["id"].as_str().unwrap().to_string();

    let a = alice.get("/api/v1/timelines/home").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1, "{}", a.body);
    let shown = &a.body[0];
    assert_eq!(shown["account"]["id"], community_id.as_str());
    assert_eq!(shown["account"]["group"], true);
    assert_eq!(shown["reblog"]["id"], post.as_str());
    assert_eq!(shown["reblog"]["account"]["username"], "carol");
    // The community's account lists its posts as its reblogs; public
    // timelines show the post itself, once.
    let a = alice
        .get(&format!("/api/v1/accounts/{community_id}/statuses"))
        .await;
    assert_eq!(a.body[0]["reblog"]["id"], post.as_str());
    let a = alice.get("/api/v1/timelines/public?local=true").await;
    assert_eq!(ids(&a.body), vec![post.clone()]);
    // The community relaying a post is not a boost the author is told of.
    let a = carol.get("/api/v1/notifications?types[]=reblog").await;
    assert_eq!(a.body, json!([]));
    let a = alice
        .get(&format!("/api/v1/statuses/{post}/reblogged_by"))
        .await;
    assert_eq!(ids(&a.body), vec![community_id.clone()]);
}

#[tokio::test]
async fn a_mastodon_announce_is_a_boost_and_its_undo_removes_it() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, _) = Api::user(&inst, "bob", "read write follow").await;
    let admin =
        remote_person_followed_by(&inst, "http://mastodon.example.org/users/admin", "bob").await;
    let post = alice.status("Graines à échanger").await;
    let uri = alice.get(&format!("/api/v1/statuses/{post}")).await.body["uri"]
        .as_str()
        .unwrap()
        .to_string();
    // The fixture's shape, boosting Alice's post.
    let mut announce = fixture("mastodon/activities/mastodon-announce.json");
    announce["object"] = json!(uri);
    assert_eq!(feed(&inst, announce.clone()).await, 202);
    // A replay changes nothing.
    assert_eq!(feed(&inst, announce).await, 409);

    let a = bob.get("/api/v1/timelines/home").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1, "{}", a.body);
    assert_eq!(a.body[0]["account"]["acct"], "admin@mastodon.example.org");
    assert_eq!(a.body[0]["reblog"]["id"], post.as_str());
    assert_eq!(
        a.body[0]["uri"],
        "http://mastodon.example.org/users/admin/statuses/99542391527669785/activity"
    );
    let a = alice.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogs_count"], 1);
    let a = alice.get("/api/v1/notifications?types[]=reblog").await;
    assert_eq!(a.body[0]["account"]["acct"], "admin@mastodon.example.org");
    assert_eq!(a.body[0]["status"]["account"]["id"], alice_id.as_str());

    // Undo{Announce}, as Mastodon sends it.
    let mut undo = fixture("mastodon/activities/mastodon-undo-announce.json");
    undo["object"]["object"] = json!(uri);
    assert_eq!(feed(&inst, undo).await, 202);
    assert_eq!(bob.get("/api/v1/timelines/home").await.body, json!([]));
    let a = alice.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogs_count"], 0);

    // A boost of something unknown by someone nobody follows is ignored.
    let mut stray = fixture("mastodon/activities/mastodon-announce.json");
    stray["id"] = json!("http://mastodon.example.org/users/admin/statuses/2/activity");
    inst.with_db(move |conn, config| {
        let bob = recolte::domain::actors::find_local(conn, config, "bob")?;
        recolte::domain::follows::remove_between(conn, &bob, &admin)
    })
    .await
    .unwrap();
    assert_eq!(feed(&inst, stray).await, 202);
    assert_eq!(
        alice
            .get("/api/v1/timelines/public")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_boost_federates_to_followers_and_the_author_and_is_undone() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write follow").await;
    let (carol, _) = Api::user(&alpha, "carol", "read write follow").await;
    let (bob, _) = Api::user(&beta, "bob", "read write follow").await;

    // Alice (alpha) follows Bob (beta).
    let handle = format!("bob@{}", beta.domain).replace('@', "%40");
    let a = alice
        .get(&format!(
            "/api/v2/search?q={handle}&resolve=true&type=accounts"
        ))
        .await;
    let bob_here = a.body["accounts"][0]["id"].as_str().unwrap().to_string();
    alice
        .post(&format!("/api/v1/accounts/{bob_here}/follow"), json!({}))
        .await;
    eventually("bob accepts alice", || async {
        alice
            .get(&format!("/api/v1/accounts/relationships?id[]={bob_here}"))
            .await
            .body[0]["following"]
            == true
    })
    .await;

    // Carol (alpha) writes; Bob finds it on beta by its URL and boosts it.
    let post = carol.status("Marché de producteurs dimanche").await;
    let uri = carol.get(&format!("/api/v1/statuses/{post}")).await.body["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let q = uri.replace(':', "%3A").replace('/', "%2F");
    let a = bob
        .get(&format!("/api/v2/search?q={q}&resolve=true&type=statuses"))
        .await;
    let there = a.body["statuses"][0]["id"].as_str().unwrap().to_string();
    let a = bob
        .post(&format!("/api/v1/statuses/{there}/reblog"), json!({}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["reblog"]["uri"], uri.as_str());

    // Alpha gets the Announce: a boost in Alice's home, Carol told.
    eventually("the boost reaches alice's home", || async {
        let home = alice.get("/api/v1/timelines/home").await.body;
        home[0]["reblog"]["id"] == post.as_str()
    })
    .await;
    let home = alice.get("/api/v1/timelines/home").await.body;
    assert_eq!(home[0]["account"]["id"], bob_here.as_str());
    let a = carol.get("/api/v1/notifications?types[]=reblog").await;
    assert_eq!(a.body[0]["account"]["id"], bob_here.as_str());
    let a = carol.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogs_count"], 1);

    // Bob takes it back: Undo{Announce} removes it on alpha.
    let a = bob
        .post(&format!("/api/v1/statuses/{there}/unreblog"), json!({}))
        .await;
    assert_eq!(a.status, 200);
    eventually("the boost leaves alice's home", || async {
        alice.get("/api/v1/timelines/home").await.body == json!([])
    })
    .await;
    let a = carol.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!(a.body["reblogs_count"], 0);
}

#[tokio::test]
async fn own_statuses_are_pinned_up_to_five() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;
    let mut made = Vec::new();
    for i in 0..6 {
        made.push(alice.status(&format!("Note {i}")).await);
    }
    for id in &made[..5] {
        let a = alice
            .post(&format!("/api/v1/statuses/{id}/pin"), json!({}))
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.body["pinned"], true);
    }
    // Pinning again changes nothing; a sixth is refused.
    let a = alice
        .post(&format!("/api/v1/statuses/{}/pin", made[4]), json!({}))
        .await;
    assert_eq!(a.status, 200);
    let a = alice
        .post(&format!("/api/v1/statuses/{}/pin", made[5]), json!({}))
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(
        alice
            .get(&format!("/api/v1/statuses/{}", made[5]))
            .await
            .body["pinned"],
        false
    );
    // Someone else's status, or a boost, cannot be pinned.
    let a = bob
        .post(&format!("/api/v1/statuses/{}/pin", made[0]), json!({}))
        .await;
    assert_eq!(a.status, 422);
    let boost = bob
        .post(&format!("/api/v1/statuses/{}/reblog", made[0]), json!({}))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = bob
        .post(&format!("/api/v1/statuses/{boost}/pin"), json!({}))
        .await;
    assert_eq!(a.status, 422);

    // The profile's pinned statuses, last pinned first.
    let a = bob
        .get(&format!("/api/v1/accounts/{alice_id}/statuses?pinned=true"))
        .await;
    assert_eq!(a.status, 200);
    let mut expected: Vec<String> = made[..5].to_vec();
    expected.reverse();
    assert_eq!(ids(&a.body), expected);

    // Unpinned, it leaves the list and makes room.
    let a = alice
        .post(&format!("/api/v1/statuses/{}/unpin", made[0]), json!({}))
        .await;
    assert_eq!(a.body["pinned"], false);
    let a = alice
        .post(&format!("/api/v1/statuses/{}/pin", made[5]), json!({}))
        .await;
    assert_eq!(a.status, 200);
    let a = bob
        .get(&format!("/api/v1/accounts/{alice_id}/statuses?pinned=true"))
        .await;
    assert_eq!(a.body.as_array().unwrap().len(), 5);
    assert_eq!(a.body[0]["id"], made[5].as_str());
    assert!(!ids(&a.body).contains(&made[0]));
    let a = alice.get("/api/v1/instance").await;
    assert_eq!(
        a.body["configuration"]["accounts"]["max_pinned_statuses"],
        5
    );

    // Other servers read them in the actor's `featured` collection.
    let (status, actor) = inst.get_json("/u/alice", "application/activity+json").await;
    assert_eq!(status, 200);
    let featured = actor["featured"].as_str().unwrap().to_string();
    assert!(featured.ends_with("/u/alice/featured"), "{featured}");
    let (status, collection) = inst
        .get_json("/u/alice/featured", "application/activity+json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(collection["type"], "OrderedCollection");
    assert_eq!(collection["totalItems"], 5);
    let newest = alice.get(&format!("/api/v1/statuses/{}", made[5])).await;
    assert_eq!(collection["orderedItems"][0]["id"], newest.body["uri"]);
    assert_eq!(collection["orderedItems"][0]["type"], "Note");
}

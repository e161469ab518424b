//! Statuses, timelines, accounts and notifications of the Mastodon API on a
//! real server: posting (plain, in a community by mention, as an answer),
//! idempotency, threads, likes, deletion, keyset pagination with `Link`
//! headers and its edge cases, follows of people and communities, and
//! notifications filtered by type.

mod api_common;
mod common;

use api_common::{ids, Api};
use common::eventually;
use common::TestInstance;
use recolte::domain::communities::MembershipPolicy;
use serde_json::json;

#[tokio::test]
async fn post_answer_thread_like_notify_and_delete() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write follow").await;

    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Bonjour **le réseau**", "language": "fr"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let post = a.body.clone();
    assert_eq!(post["account"]["id"], alice_id);
    assert_eq!(post["account"]["acct"], "alice");
    assert_eq!(
        post["content"],
        "<p>Bonjour <strong>le réseau</strong></p>\n"
    );
    assert_eq!(post["visibility"], "public");
    assert_eq!(post["language"], "fr");
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));
    let post_id = post["id"].as_str().unwrap().to_string();

    let a = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Bonjour Alice", "in_reply_to_id": post_id}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["in_reply_to_id"], post_id);
    assert_eq!(a.body["in_reply_to_account_id"], alice_id);
    let reply_id = a.body["id"].as_str().unwrap().to_string();
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Merci Bob", "in_reply_to_id": reply_id}),
        )
        .await;
    let answer_id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.body["in_reply_to_account_id"], bob_id);

    let a = bob
        .get(&format!("/api/v1/statuses/{reply_id}/context"))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(ids(&a.body["ancestors"]), vec![post_id.clone()]);
    assert_eq!(ids(&a.body["descendants"]), vec![answer_id.clone()]);
    let a = bob
        .get(&format!("/api/v1/statuses/{post_id}/context"))
        .await;
    assert_eq!(
        ids(&a.body["descendants"]),
        vec![reply_id.clone(), answer_id.clone()]
    );

    let a = bob
        .post(&format!("/api/v1/statuses/{post_id}/favourite"), json!({}))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["favourited"], true);
    assert_eq!(a.body["favourites_count"], 1);
    assert_eq!(a.body["replies_count"], 1);
    let a = alice.get(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(
        (
            a.body["favourited"].as_bool(),
            a.body["favourites_count"].as_i64()
        ),
        (Some(false), Some(1))
    );

    // Alice is told of Bob's answer and like; the types filter keeps one kind.
    let a = alice.get("/api/v1/notifications").await;
    assert_eq!(a.status, 200);
    let kinds: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["favourite", "mention"]);
    assert_eq!(a.body[0]["account"]["id"], bob_id);
    assert_eq!(a.body[0]["status"]["id"], post_id);
    // Grouped (v2): each its own group, accounts and statuses listed once.
    let a = alice.get("/api/v2/notifications").await;
    assert_eq!(a.status, 200);
    let groups = a.body["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["type"], "favourite");
    assert_eq!(groups[0]["sample_account_ids"], json!([bob_id]));
    assert_eq!(groups[0]["status_id"], post_id);
    assert!(groups[0]["group_key"]
        .as_str()
        .unwrap()
        .starts_with("ungrouped-"));
    assert_eq!(ids(&a.body["accounts"]), vec![bob_id.clone()]);
    assert_eq!(a.body["statuses"].as_array().unwrap().len(), 2);
    assert_eq!(
        alice.get("/api/v2/notifications/unread_count").await.body["count"],
        2
    );
    let a = alice.get("/api/v1/notifications?types[]=mention").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
    assert_eq!(a.body[0]["status"]["id"], reply_id);
    let a = alice
        .get("/api/v1/notifications?exclude_types[]=mention&exclude_types[]=follow")
        .await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
    let first = a.body[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        alice
            .get(&format!("/api/v1/notifications/{first}"))
            .await
            .status,
        200
    );
    assert_eq!(
        bob.get(&format!("/api/v1/notifications/{first}"))
            .await
            .status,
        404
    );
    assert_eq!(
        alice
            .post(&format!("/api/v1/notifications/{first}/dismiss"), json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        alice
            .get("/api/v1/notifications")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .post("/api/v1/notifications/clear", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(alice.get("/api/v1/notifications").await.body, json!([]));

    let a = bob
        .post(
            &format!("/api/v1/statuses/{post_id}/unfavourite"),
            json!({}),
        )
        .await;
    assert_eq!(
        (
            a.body["favourited"].as_bool(),
            a.body["favourites_count"].as_i64()
        ),
        (Some(false), Some(0))
    );

    // Only the author deletes; the answer gives back the source text.
    let a = bob.delete(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(a.status, 403);
    let a = alice.delete(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["text"], "Bonjour **le réseau**");
    let a = alice.get(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (404, Some("Record not found"))
    );
    assert_eq!(
        alice
            .post(
                "/api/v1/statuses",
                json!({"status": "x", "in_reply_to_id": post_id})
            )
            .await
            .status,
        422
    );
}

#[tokio::test]
async fn bad_input_is_refused_precisely_and_changes_nothing() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write").await;
    for (body, field) in [
        (json!({"status": "   "}), "status"),
        (json!({"status": "é".repeat(5001)}), "status"),
        (json!({"status": "x", "visibility": "direct"}), "visibility"),
        (json!({"status": "x", "media_ids": ["1"]}), "media_ids"),
        (
            json!({"status": "x", "in_reply_to_id": "999999"}),
            "in_reply_to_id",
        ),
        (json!({"status": "x", "in_reply_to_id": "abc"}), "params"),
        (json!({"status": "x", "language": "français"}), "language"),
    ] {
        let a = alice.post("/api/v1/statuses", body.clone()).await;
        assert_eq!(a.status, 422, "{body}: {}", a.body);
        assert!(a.body["details"][field].is_array(), "{body}: {}", a.body);
    }
    assert_eq!(
        alice
            .post("/api/v1/statuses", json!({"status": "é".repeat(5000)}))
            .await
            .status,
        200
    );
    let a = alice
        .get(&format!("/api/v1/accounts/{alice_id}/statuses"))
        .await;
    assert_eq!(
        a.body.as_array().unwrap().len(),
        1,
        "only the valid status exists"
    );

    for path in [
        "/api/v1/statuses/999999",
        "/api/v1/statuses/abc",
        "/api/v1/accounts/999999",
        "/api/v1/accounts/x1",
    ] {
        let a = alice.get(path).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.body["error"], "Record not found");
    }
    assert_eq!(
        alice.get("/api/v1/timelines/public?limit=abc").await.status,
        422
    );
    assert_eq!(
        alice
            .get("/api/v1/timelines/public?max_id=abc")
            .await
            .status,
        422
    );
    assert_eq!(
        alice
            .get("/api/v1/timelines/public?local=maybe")
            .await
            .status,
        422
    );
    let r = inst
        .client
        .post(inst.url("/api/v1/statuses"))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Form bodies work as well as JSON.
    let r = inst
        .client
        .post(inst.url("/api/v1/statuses/"))
        .bearer_auth(&alice.token)
        .form(&[("status", "Par formulaire")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn idempotency_key_gives_back_the_same_status() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write").await;
    let send = |key: &'static str| {
        inst.client
            .post(inst.url("/api/v1/statuses"))
            .bearer_auth(&alice.token)
            .header("Idempotency-Key", key)
            .json(&json!({"status": "Une seule fois"}))
            .send()
    };
    let first: serde_json::Value = send("k-1").await.unwrap().json().await.unwrap();
    let again: serde_json::Value = send("k-1").await.unwrap().json().await.unwrap();
    let other: serde_json::Value = send("k-2").await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    assert_ne!(first["id"], other["id"]);
    let a = alice
        .get(&format!("/api/v1/accounts/{alice_id}/statuses"))
        .await;
    assert_eq!(a.body.as_array().unwrap().len(), 2);

    // A day later the key is stale (even before the hourly sweep removes
    // it): it makes a new status, and then gives that one back.
    inst.with_db(|conn, _| {
        use diesel::prelude::*;
        use recolte::schema::idempotency_keys;
        diesel::update(idempotency_keys::table)
            .set(
                idempotency_keys::created_at
                    .eq(recolte::domain::now() - chrono::Duration::hours(25)),
            )
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
    let later: serde_json::Value = send("k-1").await.unwrap().json().await.unwrap();
    assert_ne!(later["id"], first["id"]);
    let again: serde_json::Value = send("k-1").await.unwrap().json().await.unwrap();
    assert_eq!(again["id"], later["id"]);
}

#[tokio::test]
async fn timelines_page_by_keyset_with_link_headers() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(alice.status(&format!("Message {i}")).await);
    }
    made.reverse(); // newest first
    let a = alice.get("/api/v1/timelines/home?limit=2").await;
    assert_eq!(ids(&a.body), made[..2].to_vec());
    let link = a.link.expect("Link header");
    let next = link
        .split(", ")
        .find(|l| l.ends_with("rel=\"next\""))
        .unwrap()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        next,
        format!(
            "{}/api/v1/timelines/home?limit=2&max_id={}",
            inst.base, made[1]
        )
    );
    assert!(link.contains(&format!("min_id={}>; rel=\"prev\"", made[0])));
    let a = alice.get(next.trim_start_matches(&inst.base)).await;
    assert_eq!(ids(&a.body), made[2..4].to_vec());
    let a = alice
        .get(&format!("/api/v1/timelines/home?max_id={}", made[3]))
        .await;
    assert_eq!(ids(&a.body), vec![made[4].clone()]);
    let a = alice
        .get(&format!("/api/v1/timelines/home?max_id={}", made[4]))
        .await;
    assert_eq!(a.body, json!([]));
    assert!(a.link.is_none(), "an empty page has no Link");
    // min_id: the page just after it (oldest first), shown newest first.
    let a = alice
        .get(&format!(
            "/api/v1/timelines/home?min_id={}&limit=2",
            made[4]
        ))
        .await;
    assert_eq!(ids(&a.body), vec![made[2].clone(), made[3].clone()]);
    // since_id: the newest ones above it.
    let a = alice
        .get(&format!(
            "/api/v1/timelines/home?since_id={}&limit=2",
            made[4]
        ))
        .await;
    assert_eq!(ids(&a.body), made[..2].to_vec());
    let a = alice
        .get(&format!(
            "/api/v1/timelines/public?since_id={}&max_id={}",
            made[3], made[0]
        ))
        .await;
    assert_eq!(ids(&a.body), made[1..3].to_vec());
    // Limits are clamped to 1..=40.
    assert_eq!(
        ids(&alice.get("/api/v1/timelines/public?limit=0").await.body).len(),
        1
    );
    assert_eq!(
        ids(&alice.get("/api/v1/timelines/public?limit=1000").await.body).len(),
        5
    );
    // Other parameters survive in the Link header.
    let a = alice
        .get("/api/v1/timelines/public?local=true&limit=1")
        .await;
    assert!(a.link.unwrap().contains("local=true&limit=1&max_id="));
    assert_eq!(
        alice.get("/api/v1/timelines/public?remote=true").await.body,
        json!([])
    );
    let a = alice
        .get(&format!(
            "/api/v1/accounts/{alice_id}/statuses?limit=3&exclude_reblogs=true"
        ))
        .await;
    assert_eq!(ids(&a.body), made[..3].to_vec());
}

#[tokio::test]
async fn following_people_and_communities_fills_home() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write follow").await;
    let (carol, _) = Api::user(&inst, "carol", "read write").await;
    let owner = inst.create_user("dora").await;
    let community = inst
        .create_community(&owner.actor, "veille", MembershipPolicy::Open)
        .await;
    let closed = inst
        .create_community(&owner.actor, "bureau", MembershipPolicy::Approval)
        .await;

    // A community is an account with group: true, found by lookup.
    let a = alice
        .get(&format!(
            "/api/v1/accounts/lookup?acct=veille@{}",
            inst.domain
        ))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["group"], true);
    let community_id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(community_id, community.actor.id.to_string());
    assert_eq!(
        alice
            .get("/api/v1/accounts/lookup?acct=nobody")
            .await
            .status,
        404
    );

    let a = alice
        .post(
            &format!("/api/v1/accounts/{community_id}/follow"),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(
        (a.body["following"].as_bool(), a.body["requested"].as_bool()),
        (Some(true), Some(false))
    );
    let a = alice
        .post(
            &format!("/api/v1/accounts/{}/follow", closed.actor.id),
            json!({}),
        )
        .await;
    assert_eq!(
        (a.body["following"].as_bool(), a.body["requested"].as_bool()),
        (Some(false), Some(true))
    );
    let a = alice
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    assert_eq!(a.body["following"], true);
    let a = bob
        .get(&format!(
            "/api/v1/accounts/relationships?id[]={alice_id}&id[]={community_id}"
        ))
        .await;
    assert_eq!(a.body[0]["followed_by"], true);
    assert_eq!(a.body[1]["following"], false);
    let a = bob
        .get(&format!("/api/v1/accounts/{bob_id}/followers"))
        .await;
    assert_eq!(ids(&a.body), vec![alice_id.clone()]);
    let a = alice
        .get(&format!("/api/v1/accounts/{alice_id}/following"))
        .await;
    assert_eq!(ids(&a.body), vec![bob_id.clone(), community_id.clone()]);
    let a = alice.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(a.body["following_count"], 2);
    // Bob is told Alice follows him.
    let a = bob.get("/api/v1/notifications?types[]=follow").await;
    assert_eq!(a.body[0]["account"]["id"], alice_id);

    // Carol writes in the community by mentioning it; the first line is the title.
    let text = format!(
        "@veille@{} Compte rendu de l’atelier\nTout s’est bien passé.",
        inst.domain
    );
    let a = carol
        .post("/api/v1/statuses", json!({"status": text}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let in_community = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.body["mentions"][0]["acct"], "veille");
    let posts = inst
        .with_db({
            let id = community.actor.id;
            move |conn, _| recolte::domain::content::community_posts(conn, id, None, 10)
        })
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].title, "Compte rendu de l’atelier");
    let plain = carol.status("Hors communauté").await;
    let from_bob = bob.status("Nouvelles de Bob").await;
    // Followers, following and statuses of Bob, and of the community (its
    // status is its reblog of Carol's post).
    for id in [&bob_id, &community_id] {
        let a = alice.get(&format!("/api/v1/accounts/{id}")).await;
        let counts = ["followers_count", "following_count", "statuses_count"].map(|k| &a.body[k]);
        assert_eq!(counts, [&json!(1), &json!(0), &json!(1)], "{}", a.body);
    }

    // Alice's home: the community's post (as the community's reblog) and
    // Bob's, not Carol's own post.
    let a = alice.get("/api/v1/timelines/home").await;
    assert_eq!(a.body.as_array().unwrap().len(), 2, "{}", a.body);
    assert_eq!(a.body[0]["id"], from_bob.as_str());
    assert_eq!(a.body[1]["account"]["id"], community_id.as_str());
    assert_eq!(a.body[1]["account"]["group"], true);
    assert_eq!(a.body[1]["reblog"]["id"], in_community.as_str());
    assert!(!ids(&a.body).contains(&plain));
    // Bob writes in the community Alice follows too: his post comes once,
    // as the community's reblog.
    let a = bob
        .post(
            "/api/v1/statuses",
            json!({"status": format!("@veille@{} Réunion de rentrée\nLe 3 septembre.", inst.domain)}),
        )
        .await;
    let bob_in_community = a.body["id"].as_str().unwrap().to_string();
    let a = alice.get("/api/v1/timelines/home").await;
    assert_eq!(
        a.body[0]["reblog"]["id"],
        bob_in_community.as_str(),
        "{}",
        a.body
    );
    assert_eq!(a.body[0]["account"]["id"], community_id.as_str());
    assert!(!ids(&a.body).contains(&bob_in_community), "{}", a.body);
    assert_eq!(a.body.as_array().unwrap().len(), 3, "{}", a.body);
    // Replies in the community reach its members too.
    let a = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Merci !", "in_reply_to_id": in_community}),
        )
        .await;
    let reply = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        ids(&alice.get("/api/v1/timelines/home?limit=1").await.body),
        vec![reply]
    );

    // Unfollow: the community's posts leave the home timeline.
    let a = alice
        .post(
            &format!("/api/v1/accounts/{community_id}/unfollow"),
            json!({}),
        )
        .await;
    assert_eq!(a.body["following"], false);
    let a = alice
        .post(&format!("/api/v1/accounts/{bob_id}/unfollow"), json!({}))
        .await;
    assert_eq!(a.body["following"], false);
    assert_eq!(alice.get("/api/v1/timelines/home").await.body, json!([]));
    assert_eq!(
        alice
            .post("/api/v1/accounts/999999/follow", json!({}))
            .await
            .status,
        404
    );
    assert_eq!(
        alice
            .post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
            .await
            .status,
        422
    );

    // A community mention with nothing else to say is refused.
    let a = carol
        .post(
            "/api/v1/statuses",
            json!({"status": format!("@veille@{}", inst.domain)}),
        )
        .await;
    assert_eq!(a.status, 422);
}

#[tokio::test]
async fn search_resolves_and_follows_a_community_of_another_instance() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write follow").await;
    let (carol, _) = Api::user(&beta, "carol", "read write").await;
    let owner = beta.create_user("dora").await;
    beta.create_community(&owner.actor, "veille", MembershipPolicy::Open)
        .await;

    // Unknown without resolve; found through federation with it.
    let handle = format!("!veille@{}", beta.domain);
    let query = |resolve: bool| {
        format!(
            "/api/v2/search?q={}&resolve={resolve}&type=accounts",
            handle.replace('!', "%21").replace('@', "%40")
        )
    };
    let a = alice.get(&query(false)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["accounts"], json!([]));
    let a = alice.get(&query(true)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let community = a.body["accounts"][0].clone();
    assert_eq!(community["acct"], format!("veille@{}", beta.domain));
    assert_eq!(community["group"], true);
    let id = community["id"].as_str().unwrap().to_string();
    // Known now: a name prefix finds it, local accounts first.
    let a = alice.get("/api/v2/search?q=ve").await;
    assert_eq!(ids(&a.body["accounts"]), vec![id.clone()]);
    assert_eq!(alice.get("/api/v2/search?q=").await.status, 422);

    let a = alice
        .post(&format!("/api/v1/accounts/{id}/follow"), json!({}))
        .await;
    assert_eq!(a.status, 200);
    eventually("the community accepts the follow", || async {
        alice
            .get(&format!("/api/v1/accounts/relationships?id[]={id}"))
            .await
            .body[0]["following"]
            == true
    })
    .await;

    // What is written in the community on beta reaches alice's home on alpha.
    let a = carol
        .post(
            "/api/v1/statuses",
            json!({"status": "@veille Sortie terrain jeudi\nRendez-vous à 9 h."}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let uri = a.body["uri"].as_str().unwrap().to_string();
    eventually("the post arrives in alice's home", || async {
        let home = alice.get("/api/v1/timelines/home").await.body;
        home.as_array()
            .unwrap()
            .iter()
            .any(|s| s["reblog"]["uri"] == uri.as_str())
    })
    .await;
    // It shows as the community's reblog.
    let a = alice.get("/api/v1/timelines/home").await;
    assert_eq!(a.body[0]["account"]["id"], id.as_str());
    assert_eq!(
        a.body[0]["reblog"]["account"]["acct"],
        format!("carol@{}", beta.domain)
    );
    assert_eq!(
        a.body[0]["reblog"]["mentions"][0]["acct"],
        format!("veille@{}", beta.domain)
    );
    // Its URL finds it too.
    let a = alice
        .get(&format!(
            "/api/v2/search?q={}&type=statuses",
            uri.replace(':', "%3A").replace('/', "%2F")
        ))
        .await;
    assert_eq!(a.body["statuses"][0]["uri"], uri);
}

#[tokio::test]
async fn favourites_favourited_by_and_bookmarks_are_paged_lists() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;
    let (carol, carol_id) = Api::user(&inst, "carol", "read write").await;
    let first = alice.status("Premier").await;
    let second = alice.status("Second").await;
    let answer = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Réponse", "in_reply_to_id": first}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();

    for id in [&second, &answer, &first] {
        assert_eq!(
            bob.post(&format!("/api/v1/statuses/{id}/favourite"), json!({}))
                .await
                .status,
            200
        );
    }
    carol
        .post(&format!("/api/v1/statuses/{first}/favourite"), json!({}))
        .await;
    // Liked most recently first, two by two, following the Link header.
    let a = bob.get("/api/v1/favourites?limit=2").await;
    assert_eq!(ids(&a.body), vec![first.clone(), answer.clone()]);
    let next = a.link.unwrap();
    let next = next
        .split('<')
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap()
        .trim_start_matches(&inst.base)
        .to_string();
    assert_eq!(ids(&bob.get(&next).await.body), vec![second.clone()]);
    let a = alice
        .get(&format!("/api/v1/statuses/{first}/favourited_by"))
        .await;
    assert_eq!(ids(&a.body), vec![carol_id.clone(), bob_id.clone()]);
    let a = alice
        .get(&format!("/api/v1/statuses/{first}/favourited_by?limit=1"))
        .await;
    assert_eq!(ids(&a.body), vec![carol_id]);
    assert!(a.link.is_some());

    // Bookmarks are private, kept once, and show in the status.
    let a = bob
        .post(&format!("/api/v1/statuses/{second}/bookmark"), json!({}))
        .await;
    assert_eq!(a.body["bookmarked"], true);
    bob.post(&format!("/api/v1/statuses/{second}/bookmark"), json!({}))
        .await;
    bob.post(&format!("/api/v1/statuses/{answer}/bookmark"), json!({}))
        .await;
    assert_eq!(
        ids(&bob.get("/api/v1/bookmarks").await.body),
        vec![answer.clone(), second.clone()]
    );
    assert_eq!(alice.get("/api/v1/bookmarks").await.body, json!([]));
    assert_eq!(
        alice.get(&format!("/api/v1/statuses/{second}")).await.body["bookmarked"],
        false
    );
    let a = bob
        .post(&format!("/api/v1/statuses/{second}/unbookmark"), json!({}))
        .await;
    assert_eq!(a.body["bookmarked"], false);
    assert_eq!(
        ids(&bob.get("/api/v1/bookmarks").await.body),
        vec![answer.clone()]
    );
    assert_eq!(
        bob.post("/api/v1/statuses/999999/bookmark", json!({}))
            .await
            .status,
        404
    );

    // A deleted status leaves both lists.
    alice.delete(&format!("/api/v1/statuses/{answer}")).await;
    assert_eq!(bob.get("/api/v1/bookmarks").await.body, json!([]));
    assert_eq!(
        ids(&bob.get("/api/v1/favourites").await.body),
        vec![first, second]
    );
}

#[tokio::test]
async fn edits_sources_history_search_and_follow_requests() {
    let inst = TestInstance::start(&[]).await;
    let (alice, alice_id) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write follow").await;

    let id = alice.status("Premier jet").await;
    let a = alice.get(&format!("/api/v1/statuses/{id}/source")).await;
    assert_eq!(a.body["text"], "Premier jet");
    let put = |token: &str, text: &str| {
        inst.client
            .put(inst.url(&format!("/api/v1/statuses/{id}")))
            .bearer_auth(token.to_string())
            .json(&json!({ "status": text }))
            .send()
    };
    let r = put(&bob.token, "Pas à moi").await.unwrap();
    assert_eq!(r.status(), 403);
    let r = put(&alice.token, "  ").await.unwrap();
    assert_eq!(r.status(), 422);
    let r = put(&alice.token, "Version *revue*").await.unwrap();
    assert_eq!(r.status(), 200);
    let edited: serde_json::Value = r.json().await.unwrap();
    assert_eq!(edited["id"], id);
    assert_eq!(edited["content"], "<p>Version <em>revue</em></p>\n");
    assert!(edited["edited_at"].is_string());
    let a = alice.get(&format!("/api/v1/statuses/{id}/history")).await;
    assert_eq!(a.body[0]["content"], edited["content"]);
    assert_eq!(a.body[0]["created_at"], edited["edited_at"]);

    // Account search by name prefix and by handle.
    let a = bob.get("/api/v1/accounts/search?q=al").await;
    assert_eq!(ids(&a.body), vec![alice_id.clone()]);
    let a = bob
        .get(&format!("/api/v1/accounts/search?q=@alice@{}", inst.domain))
        .await;
    assert_eq!(ids(&a.body), vec![alice_id.clone()]);
    assert_eq!(
        bob.get("/api/v1/accounts/search?q=%25").await.body,
        json!([])
    );
    let a = bob
        .get(&format!(
            "/api/v1/accounts/familiar_followers?id[]={alice_id}"
        ))
        .await;
    assert_eq!(a.body, json!([{ "id": alice_id, "accounts": [] }]));

    // A locked account answers follow requests.
    inst.with_db(|conn, _| {
        use diesel::prelude::*;
        use recolte::schema::actors;
        diesel::update(actors::table.filter(actors::username.eq("alice")))
            .set(actors::manually_approves_followers.eq(true))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
    let a = bob
        .post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    assert_eq!(a.body["requested"], true);
    let a = alice.get("/api/v1/follow_requests").await;
    assert_eq!(ids(&a.body), vec![bob_id.clone()]);
    let a = alice
        .get("/api/v1/notifications?types[]=follow_request")
        .await;
    assert_eq!(a.body[0]["account"]["id"], bob_id);
    assert_eq!(
        bob.post(
            &format!("/api/v1/follow_requests/{alice_id}/authorize"),
            json!({})
        )
        .await
        .status,
        404
    );
    let a = alice
        .post(
            &format!("/api/v1/follow_requests/{bob_id}/authorize"),
            json!({}),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["followed_by"], true);
    assert_eq!(alice.get("/api/v1/follow_requests").await.body, json!([]));
    assert_eq!(
        alice
            .post(
                &format!("/api/v1/follow_requests/{bob_id}/reject"),
                json!({})
            )
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn markers_and_unread_notifications() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;
    let id = alice.status("Bonjour").await;
    for text in ["Un", "Deux", "Trois"] {
        bob.post(
            "/api/v1/statuses",
            json!({"status": text, "in_reply_to_id": id}),
        )
        .await;
    }
    assert_eq!(
        alice.get("/api/v1/markers?timeline[]=home").await.body,
        json!({})
    );
    assert_eq!(
        alice.get("/api/v1/notifications/unread_count").await.body["count"],
        3
    );
    assert_eq!(
        alice
            .get("/api/v1/notifications/unread_count?limit=2")
            .await
            .body["count"],
        2
    );
    let list = alice.get("/api/v1/notifications").await.body;
    let second = list[1]["id"].as_str().unwrap().to_string();

    // JSON or form, as apps send it; each save raises the version.
    let a = alice
        .post(
            "/api/v1/markers",
            json!({"notifications": {"last_read_id": second}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["notifications"]["last_read_id"], second);
    assert_eq!(a.body["notifications"]["version"], 1);
    assert_eq!(
        alice.get("/api/v1/notifications/unread_count").await.body["count"],
        1
    );
    let r = inst
        .client
        .post(inst.url("/api/v1/markers"))
        .bearer_auth(&alice.token)
        .form(&[
            ("home[last_read_id]", id.as_str()),
            ("notifications[last_read_id]", &second),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let a = alice
        .get("/api/v1/markers?timeline[]=home&timeline[]=notifications")
        .await;
    assert_eq!(a.body["home"]["last_read_id"], id);
    assert_eq!(a.body["notifications"]["version"], 2);
    assert!(a.body["home"]["updated_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(
        alice
            .post("/api/v1/markers", json!({"home": {"last_read_id": "x"}}))
            .await
            .status,
        422
    );
    assert_eq!(alice.post("/api/v1/markers", json!({})).await.status, 422);
    assert_eq!(bob.get("/api/v1/markers").await.body, json!({}));
}

#[tokio::test]
async fn lists_hold_followed_accounts_and_have_timelines() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;
    let (carol, carol_id) = Api::user(&inst, "carol", "read write").await;
    let (dan, _) = Api::user(&inst, "dan", "read write").await;
    for id in [&bob_id, &carol_id] {
        alice
            .post(&format!("/api/v1/accounts/{id}/follow"), json!({}))
            .await;
    }

    let a = alice
        .post(
            "/api/v1/lists",
            json!({"title": "Collègues", "replies_policy": "none"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["replies_policy"], "none");
    let list = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        alice
            .post("/api/v1/lists", json!({"title": " "}))
            .await
            .status,
        422
    );
    assert_eq!(
        alice
            .post(
                "/api/v1/lists",
                json!({"title": "x", "replies_policy": "all"})
            )
            .await
            .status,
        422
    );
    assert_eq!(
        ids(&alice.get("/api/v1/lists").await.body),
        vec![list.clone()]
    );
    assert_eq!(
        bob.get(&format!("/api/v1/lists/{list}")).await.status,
        404,
        "another's list is not found"
    );

    // Only followed accounts can be added.
    let a = alice
        .post(
            &format!("/api/v1/lists/{list}/accounts"),
            json!({"account_ids": [bob_id]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let dan_id = dan.get("/api/v1/accounts/verify_credentials").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = alice
        .post(
            &format!("/api/v1/lists/{list}/accounts"),
            json!({"account_ids": [dan_id]}),
        )
        .await;
    assert_eq!(a.status, 422);
    assert_eq!(
        ids(&alice
            .get(&format!("/api/v1/lists/{list}/accounts"))
            .await
            .body),
        vec![bob_id.clone()]
    );
    assert_eq!(
        ids(&alice
            .get(&format!("/api/v1/accounts/{bob_id}/lists"))
            .await
            .body),
        vec![list.clone()]
    );
    assert_eq!(
        alice
            .get(&format!("/api/v1/accounts/{carol_id}/lists"))
            .await
            .body,
        json!([])
    );

    // The list's timeline: bob's posts, without answers (policy none).
    let from_bob = bob.status("Dans la liste").await;
    carol.status("Hors de la liste").await;
    bob.post(
        "/api/v1/statuses",
        json!({"status": "Une réponse", "in_reply_to_id": from_bob}),
    )
    .await;
    let a = alice.get(&format!("/api/v1/timelines/list/{list}")).await;
    assert_eq!(ids(&a.body), vec![from_bob.clone()]);
    let r = inst
        .client
        .put(inst.url(&format!("/api/v1/lists/{list}")))
        .bearer_auth(&alice.token)
        .form(&[("title", "Proches"), ("replies_policy", "list")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["title"],
        "Proches"
    );
    assert_eq!(
        ids(&alice
            .get(&format!("/api/v1/timelines/list/{list}"))
            .await
            .body)
        .len(),
        2
    );

    let r = inst
        .client
        .delete(inst.url(&format!("/api/v1/lists/{list}/accounts")))
        .bearer_auth(&alice.token)
        .query(&[("account_ids[]", bob_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        alice
            .get(&format!("/api/v1/timelines/list/{list}"))
            .await
            .body,
        json!([])
    );
    assert_eq!(
        alice.delete(&format!("/api/v1/lists/{list}")).await.status,
        200
    );
    assert_eq!(alice.get("/api/v1/lists").await.body, json!([]));
    assert_eq!(
        alice
            .get(&format!("/api/v1/timelines/list/{list}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_status_mentioning_an_unknown_community_elsewhere_is_posted_into_it() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write").await;
    let owner = beta.create_user("dora").await;
    let community = beta
        .create_community(&owner.actor, "veille", MembershipPolicy::Open)
        .await;

    let text = format!(
        "@veille@{} Retour d’expérience\nLe chantier avance.",
        beta.domain
    );
    let a = alice
        .post("/api/v1/statuses", json!({ "status": text }))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["mentions"][0]["acct"],
        format!("veille@{}", beta.domain)
    );
    let id = community.actor.id;
    eventually("the post reaches the community on beta", || async {
        beta.with_db(move |conn, _| recolte::domain::content::community_posts(conn, id, None, 10))
            .await
            .unwrap()
            .iter()
            .any(|p| p.title == "Retour d’expérience")
    })
    .await;
}

/// A home timeline whose followed accounts are quiet: their statuses lie
/// below the window of newest statuses looked at first, and are found all
/// the same, in order, page after page.
#[tokio::test]
async fn home_finds_statuses_older_than_the_recent_window() {
    use recolte::domain::content::{self, PostDraft};
    use recolte::domain::follows;
    use recolte::domain::statuses::{self, Page, Timeline};
    let inst = TestInstance::start(&[]).await;
    let reader = inst.create_user("lecteur").await.actor;
    let quiet = inst.create_user("discrete").await.actor;
    let busy = inst.create_user("bavard").await.actor;
    let draft = |title: String| PostDraft {
        title,
        body: "Texte".into(),
        link: None,
        language: None,
    };
    let (r, q, b) = (reader.clone(), quiet.clone(), busy.clone());
    inst.with_db(move |conn, config| {
        follows::follow(conn, config, &r, &q)?;
        for i in 0..3 {
            content::create_post(conn, config, &q, None, &draft(format!("Ancien {i}")))?;
        }
        // More unrelated statuses than the window holds, all newer.
        for i in 0..2_100 {
            content::create_post(conn, config, &b, None, &draft(format!("Bruit {i}")))?;
        }
        Ok(())
    })
    .await
    .unwrap();
    let reader_id = reader.id;
    let titles = |page: Page| {
        let inst = &inst;
        async move {
            inst.with_db(move |conn, _| statuses::timeline(conn, Timeline::Home(reader_id), &page))
                .await
                .unwrap()
                .into_iter()
                .map(|s| match s.target {
                    content::Target::Post(p) => (s.row.id, p.title),
                    content::Target::Comment(c) => (s.row.id, c.source),
                })
                .collect::<Vec<_>>()
        }
    };
    let first = titles(Page {
        limit: 2,
        ..Page::default()
    })
    .await;
    assert_eq!(
        first.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        ["Ancien 2", "Ancien 1"]
    );
    let rest = titles(Page {
        limit: 2,
        max_id: Some(first[1].0),
        ..Page::default()
    })
    .await;
    assert_eq!(
        rest.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        ["Ancien 0"]
    );
}

//! Hashtags through the Mastodon API on a real server: found in what
//! members write (accents and any case), linked in the HTML, listed in
//! `tags`, sent as `Hashtag` entries in our objects, read from a Mastodon
//! `Create` (fixture); the tag timeline (any case, `local` / `remote`,
//! keyset pages with `Link` headers), the tag entity, hashtags in search,
//! and edits that change a status's tags.

mod api_common;
mod common;

use api_common::{feed, fixture, ids, remote_person_followed_by, Api};
use common::TestInstance;
use serde_json::json;

#[tokio::test]
async fn hashtags_are_indexed_linked_federated_and_paged() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;

    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Fête du #Vélo à #Lyon, `#pas_un_tag`"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let first = a.body["id"].as_str().unwrap().to_string();
    let names: Vec<&str> = a.body["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["lyon", "vélo"]);
    let url = format!("{}/tags/v%C3%A9lo", inst.url(""));
    assert_eq!(a.body["tags"][1]["url"], url.as_str());
    assert!(
        a.body["content"]
            .as_str()
            .unwrap()
            .contains(&format!("<a href=\"{url}\"")),
        "{}",
        a.body["content"]
    );
    // The object we publish carries them as Hashtag entries.
    let uri = a.body["uri"].as_str().unwrap().to_string();
    let (status, doc) = inst
        .get_json(
            uri.trim_start_matches(&inst.url("")),
            "application/activity+json",
        )
        .await;
    assert_eq!(status, 200);
    assert!(doc["tag"]
        .as_array()
        .unwrap()
        .contains(&json!({"type": "Hashtag", "href": url, "name": "#vélo"})));

    let second = bob.status("Atelier réparation #VÉLO").await;
    let answer = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Oui ! #vélo", "in_reply_to_id": first}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    bob.status("Sans étiquette").await;

    // Any case finds the tag; newest first; pages with Link headers.
    let a = bob.get("/api/v1/timelines/tag/V%C3%89LO").await;
    assert_eq!(a.status, 200);
    assert_eq!(
        ids(&a.body),
        vec![answer.clone(), second.clone(), first.clone()]
    );
    let a = bob.get("/api/v1/timelines/tag/v%C3%A9lo?limit=2").await;
    assert_eq!(ids(&a.body), vec![answer.clone(), second.clone()]);
    let link = a.link.expect("a Link header");
    assert!(link.contains(&format!("max_id={second}")), "{link}");
    let a = bob
        .get(&format!("/api/v1/timelines/tag/v%C3%A9lo?max_id={second}"))
        .await;
    assert_eq!(ids(&a.body), vec![first.clone()]);
    let a = bob
        .get(&format!(
            "/api/v1/timelines/tag/v%C3%A9lo?min_id={first}&limit=1"
        ))
        .await;
    assert_eq!(ids(&a.body), vec![second.clone()]);
    let a = bob.get("/api/v1/timelines/tag/v%C3%A9lo?local=true").await;
    assert_eq!(a.body.as_array().unwrap().len(), 3);
    let a = bob.get("/api/v1/timelines/tag/v%C3%A9lo?remote=true").await;
    assert_eq!(a.body, json!([]));
    // Unknown or invalid tags: empty; bad paging: 422.
    assert_eq!(
        bob.get("/api/v1/timelines/tag/inconnu").await.body,
        json!([])
    );
    assert_eq!(bob.get("/api/v1/timelines/tag/%20").await.body, json!([]));
    assert_eq!(
        bob.get("/api/v1/timelines/tag/v%C3%A9lo?limit=abc")
            .await
            .status,
        422
    );

    // The tag itself, and hashtags in search.
    let a = bob.get("/api/v1/tags/%23V%C3%A9lo").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["name"], "vélo");
    assert_eq!(a.body["following"], false);
    assert_eq!(bob.get("/api/v1/tags/inconnu").await.status, 404);
    let a = bob.get("/api/v2/search?q=%23v%C3%A9&type=hashtags").await;
    assert_eq!(a.body["hashtags"][0]["name"], "vélo");
    let a = bob.get("/api/v2/search?q=ly").await;
    assert_eq!(a.body["hashtags"][0]["name"], "lyon");

    // An edit that drops the tag takes the status out of the tag timeline.
    let a = inst
        .client
        .put(inst.url(&format!("/api/v1/statuses/{second}")))
        .bearer_auth(&bob.token)
        .json(&json!({"status": "Atelier réparation #cycles"}))
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    let a = bob.get("/api/v1/timelines/tag/v%C3%A9lo").await;
    assert_eq!(ids(&a.body), vec![answer.clone(), first.clone()]);
    let a = bob.get("/api/v1/timelines/tag/cycles").await;
    assert_eq!(ids(&a.body), vec![second.clone()]);
}

#[tokio::test]
async fn hashtags_of_a_mastodon_post_are_read() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    remote_person_followed_by(&inst, "http://mastodon.example.org/users/admin", "alice").await;
    let create = fixture("mastodon/activities/mastodon-post-activity-hashtag.json");
    assert_eq!(feed(&inst, create).await, 202);
    let a = alice.get("/api/v1/timelines/tag/moo").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1, "{}", a.body);
    assert_eq!(
        a.body[0]["uri"],
        "http://mastodon.example.org/users/admin/statuses/99512778738411822"
    );
    assert_eq!(a.body[0]["tags"][0]["name"], "moo");
    let a = alice.get("/api/v1/timelines/tag/moo?remote=true").await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
    let a = alice.get("/api/v1/timelines/tag/moo?local=true").await;
    assert_eq!(a.body, json!([]));
}

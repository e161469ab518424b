//! Polls through the Mastodon API on real servers: creating one with a
//! status (JSON and form), reading it, voting (once; one choice when
//! single-choice; indexes checked; not after the end), the post page's
//! vote form, and a vote from another instance reaching the poll's author.

mod api_common;
mod common;

use api_common::Api;
use common::eventually;
use common::TestInstance;
use serde_json::json;

#[tokio::test]
async fn create_read_vote_and_refuse_second_votes() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;
    let (carol, _) = Api::user(&inst, "carol", "read write").await;

    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Quel jour pour l'atelier ?", "poll": {
                "options": ["Mardi", "Jeudi", "Vendredi"], "expires_in": 3600, "multiple": false}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let poll = a.body["poll"].clone();
    assert_eq!(
        poll["options"][1],
        json!({"title": "Jeudi", "votes_count": 0})
    );
    assert_eq!(poll["multiple"], false);
    assert_eq!(poll["expired"], false);
    assert_eq!(poll["voted"], false);
    let id = poll["id"].as_str().unwrap().to_string();

    let votes = format!("/api/v1/polls/{id}/votes");
    let a = bob.post(&votes, json!({"choices": ["1"]})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["voted"], true);
    assert_eq!(a.body["own_votes"], json!([1]));
    assert_eq!(a.body["votes_count"], 1);
    assert_eq!(a.body["voters_count"], 1);
    // A second vote on a single-choice poll, two choices, a wrong index.
    let a = bob.post(&votes, json!({"choices": ["0"]})).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(
        a.body["error"],
        "choices: You have already voted on this poll"
    );
    assert_eq!(
        carol
            .post(&votes, json!({"choices": ["0", "1"]}))
            .await
            .status,
        422
    );
    assert_eq!(
        carol.post(&votes, json!({"choices": ["3"]})).await.status,
        422
    );
    assert_eq!(carol.post(&votes, json!({"choices": []})).await.status, 422);
    let a = carol.post(&votes, json!({"choices": [2]})).await;
    assert_eq!(a.status, 200, "{}", a.body);

    // Everyone sees the counts; each their own votes.
    let a = alice.get(&format!("/api/v1/polls/{id}")).await;
    assert_eq!(a.body["votes_count"], 2);
    assert_eq!(a.body["voted"], false);
    assert_eq!(
        a.body["options"],
        json!([
            {"title": "Mardi", "votes_count": 0},
            {"title": "Jeudi", "votes_count": 1},
            {"title": "Vendredi", "votes_count": 1},
        ])
    );
    let home = bob.get("/api/v1/timelines/public").await.body;
    assert_eq!(home[0]["poll"]["own_votes"], json!([1]));
    assert_eq!(bob.get("/api/v1/polls/999999").await.status, 404);

    // After the end, no vote.
    let poll_id: i64 = id.parse().unwrap();
    inst.with_db(move |conn, _| {
        use diesel::prelude::*;
        use recolte::schema::polls;
        diesel::update(polls::table.find(poll_id))
            .set(polls::expires_at.eq(Some(recolte::domain::now() - chrono::Duration::seconds(1))))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
    let (dora, _) = Api::user(&inst, "dora", "read write").await;
    let a = dora.post(&votes, json!({"choices": ["0"]})).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(a.body["error"], "choices: The poll has already ended");
    assert_eq!(
        dora.get(&format!("/api/v1/polls/{id}")).await.body["expired"],
        true
    );
}

#[tokio::test]
async fn polls_are_bounded_and_multiple_choice_takes_several() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;
    let (reader, _) = Api::user(&inst, "carol", "read").await;

    for poll in [
        json!({"options": ["Seule"], "expires_in": 3600}),
        json!({"options": ["a", "b"], "expires_in": 60}),
        json!({"options": ["a", "b"], "expires_in": 3_000_000}),
        json!({"options": ["a", "x".repeat(101)], "expires_in": 3600}),
        json!({"options": vec!["a"; 11], "expires_in": 3600}),
    ] {
        let a = alice
            .post(
                "/api/v1/statuses",
                json!({"status": "Sondage", "poll": poll}),
            )
            .await;
        assert_eq!(a.status, 422, "{poll}: {}", a.body);
    }
    assert_eq!(alice.get("/api/v1/timelines/home").await.body, json!([]));

    // As a form, multiple choice.
    let r = inst
        .client
        .post(inst.url("/api/v1/statuses"))
        .bearer_auth(&alice.token)
        .form(&[
            ("status", "Quels thèmes ?"),
            ("poll[options][]", "Eau"),
            ("poll[options][]", "Sols"),
            ("poll[options][]", "Énergie"),
            ("poll[expires_in]", "86400"),
            ("poll[multiple]", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["poll"]["multiple"], true);
    let votes = format!(
        "/api/v1/polls/{}/votes",
        body["poll"]["id"].as_str().unwrap()
    );
    assert_eq!(
        reader.post(&votes, json!({"choices": ["0"]})).await.status,
        403
    );
    let a = bob.post(&votes, json!({"choices": ["0", "2"]})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["own_votes"], json!([0, 2]));
    assert_eq!(a.body["votes_count"], 2);
    assert_eq!(a.body["voters_count"], 1);
    assert_eq!(
        bob.post(&votes, json!({"choices": ["1"]})).await.status,
        422
    );
}

#[tokio::test]
async fn the_post_page_shows_the_poll_and_takes_votes() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    inst.create_user("bob").await;
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Un café ?", "poll": {"options": ["Oui", "Non"], "expires_in": 600}}),
        )
        .await;
    let uri = a.body["uri"].as_str().unwrap().to_string();
    let path = uri.trim_start_matches(&inst.base).to_string();
    let post_id = path.rsplit('/').next().unwrap().to_string();

    let mut visitor = common::browser::Browser::new(&inst, "fr");
    let page = visitor.get(&path).await;
    assert!(page.body.contains("Sondage"));
    assert!(page.body.contains("Personne n’a encore voté"));
    assert!(!page.body.contains("name=\"choice\""));

    let mut bob = common::browser::Browser::new(&inst, "fr");
    bob.log_in("bob").await;
    let page = bob.get(&path).await;
    assert!(page
        .body
        .contains("type=\"radio\" name=\"choice\" value=\"1\""));
    let vote = format!("/post/{post_id}/vote");
    let page = bob.post(&vote, &[("choice", "1")]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = bob.follow(&page).await;
    assert!(page.body.contains("Votre vote est enregistré"));
    assert!(
        page.body
            .contains("Non : 1 voix (100 %) · <strong>votre choix</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 personne a voté"));
    assert!(!page.body.contains("name=\"choice\""));
    // A second vote is refused with a clear message.
    let page = bob.post(&vote, &[("choice", "0")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("vous avez peut-être déjà voté"));
}

#[tokio::test]
async fn a_vote_from_another_instance_reaches_the_author() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write follow").await;
    let (bob, _) = Api::user(&beta, "bob", "read write follow").await;

    let handle = format!("@alice@{}", alpha.domain);
    let a = bob
        .get(&format!(
            "/api/v2/search?q={}&resolve=true&type=accounts",
            handle.replace('@', "%40")
        ))
        .await;
    let there = a.body["accounts"][0]["id"].as_str().unwrap().to_string();
    bob.post(&format!("/api/v1/accounts/{there}/follow"), json!({}))
        .await;
    eventually("alice accepts bob", || async {
        bob.get(&format!("/api/v1/accounts/relationships?id[]={there}"))
            .await
            .body[0]["following"]
            == true
    })
    .await;

    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Réunion en ligne ?", "poll": {"options": ["Oui", "Non"], "expires_in": 3600}}),
        )
        .await;
    let poll_here = a.body["poll"]["id"].as_str().unwrap().to_string();
    let uri = a.body["uri"].as_str().unwrap().to_string();
    eventually("the poll reaches bob", || async {
        bob.get("/api/v1/timelines/home").await.body[0]["uri"] == uri.as_str()
    })
    .await;
    let status = bob.get("/api/v1/timelines/home").await.body[0].clone();
    assert_eq!(status["poll"]["options"][0]["title"], "Oui");
    assert_eq!(status["poll"]["expired"], false);
    let poll_there = status["poll"]["id"].as_str().unwrap().to_string();

    let a = bob
        .post(
            &format!("/api/v1/polls/{poll_there}/votes"),
            json!({"choices": ["0"]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["own_votes"], json!([0]));
    assert_eq!(a.body["options"][0]["votes_count"], 1);
    eventually("the vote is counted on alpha", || async {
        alice.get(&format!("/api/v1/polls/{poll_here}")).await.body["options"][0]["votes_count"]
            == 1
    })
    .await;
    // Another vote on alpha: its new counts reach beta (Update{Question}).
    let (carol, _) = Api::user(&alpha, "carol", "read write").await;
    let a = carol
        .post(
            &format!("/api/v1/polls/{poll_here}/votes"),
            json!({"choices": ["1"]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    eventually("the new counts reach beta", || async {
        let poll = bob.get(&format!("/api/v1/polls/{poll_there}")).await.body;
        poll["options"][1]["votes_count"] == 1 && poll["voters_count"] == 2
    })
    .await;
    let poll = bob.get(&format!("/api/v1/polls/{poll_there}")).await.body;
    assert_eq!(poll["options"][0]["votes_count"], 1);
    assert_eq!(poll["own_votes"], json!([0]));

    // Counted as a vote, not as an answer.
    let post_id = alice.get("/api/v1/timelines/home").await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = alice.get(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(a.body["replies_count"], 0);
    assert_eq!(a.body["poll"]["voters_count"], 2);
}

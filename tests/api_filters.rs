//! Filters v2 through the Mastodon API on a real server: creating,
//! reading, changing and deleting filters, keywords and statuses (forms
//! and JSON), the v1 listing, scopes, validation that changes nothing,
//! another member's filter not found; and filters applied to timelines,
//! threads and notifications (`warn` marks, `hide` removes), whole words
//! against parts of words (accents included), and expiry.

mod api_common;
mod common;

use api_common::{ids, Answer, Api};
use common::TestInstance;
use reqwest::Method;
use serde_json::{json, Value};

/// Sends a form body (`pairs`, repeated keys allowed) with `method`.
async fn form(api: &Api<'_>, method: Method, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let r = api
        .inst
        .client
        .request(method, api.inst.url(path))
        .bearer_auth(&api.token)
        .form(pairs)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body = r.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        link: None,
        body,
    }
}

fn keywords(filter: &Value) -> Vec<(String, bool)> {
    filter["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["keyword"].as_str().unwrap().to_string(),
                k["whole_word"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn filters_are_created_read_changed_and_deleted() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;

    assert_eq!(alice.get("/api/v2/filters").await.body, json!([]));

    // A form, as Mastodon's own apps send it.
    let made = form(
        &alice,
        Method::POST,
        "/api/v2/filters",
        &[
            ("title", "Politique"),
            ("context[]", "home"),
            ("context[]", "public"),
            ("filter_action", "warn"),
            ("keywords_attributes[0][keyword]", "élection"),
            ("keywords_attributes[0][whole_word]", "true"),
            ("keywords_attributes[1][keyword]", "vote"),
            ("keywords_attributes[1][whole_word]", "false"),
        ],
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_string();
    assert_eq!(made.body["title"], "Politique");
    assert_eq!(made.body["context"], json!(["home", "public"]));
    assert_eq!(made.body["filter_action"], "warn");
    assert_eq!(made.body["expires_at"], Value::Null);
    assert_eq!(
        keywords(&made.body),
        vec![("élection".to_string(), true), ("vote".to_string(), false)]
    );

    // JSON, as megalodon sends it, with an expiry.
    let other = alice
        .post(
            "/api/v2/filters",
            json!({
                "title": "Spoilers",
                "context": ["thread"],
                "filter_action": "hide",
                "expires_in": 3600,
                "keywords_attributes": [{"keyword": "finale", "whole_word": false}],
            }),
        )
        .await;
    assert_eq!(other.status, 200, "{}", other.body);
    assert_eq!(other.body["filter_action"], "hide");
    assert!(other.body["expires_at"].is_string());
    let other_id = other.body["id"].as_str().unwrap().to_string();

    let listed = alice.get("/api/v2/filters").await;
    assert_eq!(ids(&listed.body), vec![id.clone(), other_id.clone()]);
    let shown = alice.get(&format!("/api/v2/filters/{id}")).await;
    assert_eq!(shown.body, made.body);

    // v1: one entry per keyword.
    let v1 = alice.get("/api/v1/filters").await;
    assert_eq!(v1.status, 200);
    let phrases: Vec<&str> = v1
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["phrase"].as_str().unwrap())
        .collect();
    assert_eq!(phrases, vec!["élection", "vote", "finale"]);
    assert_eq!(v1.body[2]["irreversible"], true);

    // Update: rename, change one keyword, drop another, add a third.
    let kw: Vec<String> = made.body["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect();
    let changed = alice
        .send_json(
            Method::PUT,
            &format!("/api/v2/filters/{id}"),
            json!({
                "title": "Élections",
                "filter_action": "hide",
                "keywords_attributes": [
                    {"id": kw[0], "whole_word": false},
                    {"id": kw[1], "_destroy": true},
                    {"keyword": "scrutin"},
                ],
            }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["title"], "Élections");
    assert_eq!(changed.body["filter_action"], "hide");
    assert_eq!(changed.body["context"], json!(["home", "public"]));
    assert_eq!(
        keywords(&changed.body),
        vec![
            ("élection".to_string(), false),
            ("scrutin".to_string(), true)
        ]
    );

    // Keywords on their own.
    let added = alice
        .post(
            &format!("/api/v2/filters/{id}/keywords"),
            json!({"keyword": "urne", "whole_word": true}),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let kid = added.body["id"].as_str().unwrap().to_string();
    let kws = alice.get(&format!("/api/v2/filters/{id}/keywords")).await;
    assert_eq!(kws.body.as_array().unwrap().len(), 3);
    let put = form(
        &alice,
        Method::PUT,
        &format!("/api/v2/filter_keywords/{kid}"),
        &[("keyword", "urnes"), ("whole_word", "0")],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["keyword"], "urnes");
    assert_eq!(put.body["whole_word"], false);
    assert_eq!(
        alice
            .get(&format!("/api/v2/filter_keywords/{kid}"))
            .await
            .body,
        put.body
    );
    assert_eq!(
        alice
            .delete(&format!("/api/v2/filter_keywords/{kid}"))
            .await
            .status,
        200
    );
    assert_eq!(
        alice
            .get(&format!("/api/v2/filter_keywords/{kid}"))
            .await
            .status,
        404
    );

    // Statuses on their own.
    let sid = bob.status("Un message quelconque").await;
    let fs = alice
        .post(
            &format!("/api/v2/filters/{id}/statuses"),
            json!({"status_id": sid}),
        )
        .await;
    assert_eq!(fs.status, 200, "{}", fs.body);
    assert_eq!(fs.body["status_id"], sid.as_str());
    let fsid = fs.body["id"].as_str().unwrap().to_string();
    let again = alice
        .post(
            &format!("/api/v2/filters/{id}/statuses"),
            json!({"status_id": sid}),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    let listed = alice.get(&format!("/api/v2/filters/{id}/statuses")).await;
    assert_eq!(ids(&listed.body), vec![fsid.clone()]);
    assert_eq!(
        alice
            .get(&format!("/api/v2/filter_statuses/{fsid}"))
            .await
            .body,
        fs.body
    );
    assert_eq!(
        alice
            .delete(&format!("/api/v2/filter_statuses/{fsid}"))
            .await
            .status,
        200
    );
    assert_eq!(
        alice
            .get(&format!("/api/v2/filters/{id}/statuses"))
            .await
            .body,
        json!([])
    );

    // Another member's filter, keyword or status is not found.
    for path in [
        format!("/api/v2/filters/{id}"),
        format!("/api/v2/filters/{id}/keywords"),
        format!("/api/v2/filter_keywords/{}", kw[0]),
    ] {
        assert_eq!(bob.get(&path).await.status, 404, "{path}");
    }
    let theirs = bob
        .send_json(
            Method::PUT,
            &format!("/api/v2/filters/{id}"),
            json!({"title": "À moi"}),
        )
        .await;
    assert_eq!(theirs.status, 404);
    assert_eq!(
        bob.delete(&format!("/api/v2/filters/{id}")).await.status,
        404
    );
    assert_eq!(bob.get("/api/v2/filters").await.body, json!([]));
    assert_eq!(
        alice.get(&format!("/api/v2/filters/{id}")).await.body["title"],
        "Élections"
    );

    // Deleting a filter takes its keywords along.
    assert_eq!(
        alice.delete(&format!("/api/v2/filters/{id}")).await.status,
        200
    );
    assert_eq!(
        alice.get(&format!("/api/v2/filters/{id}")).await.status,
        404
    );
    assert_eq!(
        alice
            .get(&format!("/api/v2/filter_keywords/{}", kw[0]))
            .await
            .status,
        404
    );
    assert_eq!(
        ids(&alice.get("/api/v2/filters").await.body),
        vec![other_id]
    );
}

#[tokio::test]
async fn scopes_and_validation_guard_filters() {
    let inst = TestInstance::start(&[]).await;
    let (reader, _) = Api::user(&inst, "reader", "read:statuses").await;
    assert_eq!(reader.get("/api/v2/filters").await.status, 403);
    assert_eq!(reader.get("/api/v1/filters").await.status, 403);
    let (only_read, _) = Api::user(&inst, "lectrice", "read:filters").await;
    assert_eq!(only_read.get("/api/v2/filters").await.status, 200);
    let refused = only_read
        .post(
            "/api/v2/filters",
            json!({"title": "x", "context": ["home"]}),
        )
        .await;
    assert_eq!(refused.status, 403);
    let anonymous = inst
        .client
        .get(inst.url("/api/v2/filters"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let (alice, _) = Api::user(&inst, "alice", "read:filters write:filters").await;
    let long_title = "t".repeat(201);
    let long_keyword = "k".repeat(201);
    let bad = [
        json!({"context": ["home"]}),
        json!({"title": long_title, "context": ["home"]}),
        json!({"title": "x"}),
        json!({"title": "x", "context": []}),
        json!({"title": "x", "context": ["everywhere"]}),
        json!({"title": "x", "context": ["home"], "filter_action": "blur"}),
        json!({"title": "x", "context": ["home"], "expires_in": "soon"}),
        json!({"title": "x", "context": ["home"], "expires_in": -5}),
        json!({"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": long_keyword}]}),
        json!({"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": " "}]}),
        json!({"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": "a", "whole_word": "peut-être"}]}),
    ];
    for body in bad {
        let a = alice.post("/api/v2/filters", body.clone()).await;
        assert_eq!(a.status, 422, "{body} → {}", a.body);
        assert!(a.body["error"].is_string(), "{}", a.body);
    }
    assert_eq!(alice.get("/api/v2/filters").await.body, json!([]));

    // Too many keywords: refused whole, nothing kept.
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"keyword": format!("mot{i}")}))
        .collect();
    let a = alice
        .post(
            "/api/v2/filters",
            json!({"title": "x", "context": ["home"], "keywords_attributes": many}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(alice.get("/api/v2/filters").await.body, json!([]));

    // A bad update changes nothing, keywords included.
    let made = alice
        .post(
            "/api/v2/filters",
            json!({"title": "Bon", "context": ["home"], "keywords_attributes": [{"keyword": "a"}]}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.body["id"].as_str().unwrap();
    let a = alice
        .send_json(
            Method::PUT,
            &format!("/api/v2/filters/{id}"),
            json!({"title": "Autre", "keywords_attributes": [{"keyword": "b"}, {"keyword": ""}]}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    let a = alice
        .send_json(
            Method::PUT,
            &format!("/api/v2/filters/{id}"),
            json!({"context": ["nowhere"]}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(
        alice.get(&format!("/api/v2/filters/{id}")).await.body,
        made.body
    );
    let a = alice
        .post(
            &format!("/api/v2/filters/{id}/statuses"),
            json!({"status_id": "999999"}),
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
}

/// Posts `text` as `api` and returns the status id.
async fn say(api: &Api<'_>, text: &str) -> String {
    api.status(text).await
}

async fn filter(api: &Api<'_>, body: Value) -> String {
    let a = api.post("/api/v2/filters", body).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["id"].as_str().unwrap().to_string()
}

fn find<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|s| s["id"] == id)
}

#[tokio::test]
async fn filters_mark_and_hide_statuses_where_they_apply() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;

    let cafe = say(&alice, "Un Café au marché ce matin").await;
    let cafes = say(&alice, "Les cafés du quartier").await;
    let plain = say(&alice, "Rien à signaler").await;
    let spoiler = say(&bob, "Le grand FINAL de la série").await;

    // warn, whole word: marks « Café », not « cafés ».
    let warn = filter(
        &alice,
        json!({
            "title": "Boissons",
            "context": ["home", "public"],
            "keywords_attributes": [{"keyword": "café", "whole_word": true}],
        }),
    )
    .await;
    let home = alice.get("/api/v1/timelines/home").await;
    assert_eq!(home.status, 200);
    let marked = find(&home.body, &cafe).expect("a warned status stays");
    assert_eq!(marked["filtered"][0]["filter"]["id"], warn.as_str());
    assert_eq!(marked["filtered"][0]["keyword_matches"], json!(["café"]));
    assert!(find(&home.body, &cafes).unwrap().get("filtered").is_none());
    assert!(find(&home.body, &plain).unwrap().get("filtered").is_none());

    // hide, part of words, public only: « final » leaves the public
    // timeline, not the home one (not in its context).
    filter(
        &alice,
        json!({
            "title": "Séries",
            "context": ["public"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "fina", "whole_word": false}],
        }),
    )
    .await;
    let public = alice.get("/api/v1/timelines/public").await;
    assert!(find(&public.body, &spoiler).is_none(), "{}", public.body);
    assert!(find(&public.body, &cafe).unwrap()["filtered"].is_array());
    assert!(find(&public.body, &plain).is_some());
    // Others see everything, unmarked.
    let theirs = bob.get("/api/v1/timelines/public").await;
    assert!(find(&theirs.body, &spoiler).is_some());
    assert!(find(&theirs.body, &cafe).unwrap().get("filtered").is_none());

    // hide in home, whole word: « cafés » leaves it, the others stay.
    let hide = filter(
        &alice,
        json!({
            "title": "Pluriel",
            "context": ["home"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "cafés"}],
        }),
    )
    .await;
    let home = alice.get("/api/v1/timelines/home").await;
    assert!(find(&home.body, &cafes).is_none());
    assert!(find(&home.body, &cafe).is_some());
    assert!(find(&home.body, &plain).is_some());

    // A filter naming a status hides it wherever it applies.
    let by_status = alice
        .post(
            &format!("/api/v2/filters/{hide}/statuses"),
            json!({"status_id": plain}),
        )
        .await;
    assert_eq!(by_status.status, 200, "{}", by_status.body);
    let home = alice.get("/api/v1/timelines/home").await;
    assert!(find(&home.body, &plain).is_none());

    // Account statuses and threads have their own contexts.
    let mine = alice
        .get(&format!(
            "/api/v1/accounts/{}/statuses",
            alice.get("/api/v1/accounts/verify_credentials").await.body["id"]
                .as_str()
                .unwrap()
        ))
        .await;
    assert!(find(&mine.body, &cafes).is_some());
    let answer = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Vu le FINAL ?", "in_reply_to_id": cafe}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer_id = answer.body["id"].as_str().unwrap().to_string();
    let thread = format!("/api/v1/statuses/{cafe}/context");
    assert_eq!(
        ids(&alice.get(&thread).await.body["descendants"]),
        vec![answer_id.clone()]
    );
    let notified = |notes: &Value| {
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["status"]["id"] == answer_id.as_str())
    };
    assert!(notified(&alice.get("/api/v1/notifications").await.body));
    filter(
        &alice,
        json!({
            "title": "Fils",
            "context": ["thread", "notifications"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "final"}],
        }),
    )
    .await;
    assert_eq!(alice.get(&thread).await.body["descendants"], json!([]));
    // The notification of that answer goes too.
    assert!(!notified(&alice.get("/api/v1/notifications").await.body));
    // Asked for by its id, the answer is shown, marked by the filter.
    let path = format!("/api/v1/statuses/{answer_id}");
    let shown = alice.get(&path).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["filtered"][0]["filter"]["title"], "Fils");
    assert_eq!(shown.body["filtered"][0]["filter"]["filter_action"], "hide");
    assert_eq!(
        shown.body["filtered"][0]["keyword_matches"],
        json!(["final"])
    );
    assert!(bob.get(&path).await.body.get("filtered").is_none());
}

#[tokio::test]
async fn expired_filters_no_longer_apply() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let id = say(&alice, "Soupe aux orties").await;
    let f = filter(
        &alice,
        json!({
            "title": "Soupe",
            "context": ["home"],
            "filter_action": "hide",
            "expires_in": 1,
            "keywords_attributes": [{"keyword": "soupe"}],
        }),
    )
    .await;
    let home = alice.get("/api/v1/timelines/home").await;
    assert!(find(&home.body, &id).is_none());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let home = alice.get("/api/v1/timelines/home").await;
    assert!(find(&home.body, &id).is_some(), "{}", home.body);

    // Emptying `expires_in` makes it last again.
    let a = alice
        .send_json(
            Method::PUT,
            &format!("/api/v2/filters/{f}"),
            json!({"expires_in": ""}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["expires_at"], Value::Null);
    let home = alice.get("/api/v1/timelines/home").await;
    assert!(find(&home.body, &id).is_none());
}

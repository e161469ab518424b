//! Streaming of the Mastodon API over WebSocket and server-sent events on
//! a real server: the user stream gets home statuses and notifications,
//! public streams get what everyone sees, hashtag and list streams what
//! they select, deletions and edits follow; subscriptions change by
//! message, and streams that need a user refuse others.

mod api_common;
mod common;

use api_common::Api;
use common::TestInstance;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(inst: &TestInstance, query: &str) -> Socket {
    let url = format!("ws://{}/api/v1/streaming?{query}", inst.domain);
    tokio_tungstenite::connect_async(url)
        .await
        .expect("WebSocket opens")
        .0
}

/// The next event or error message, waiting at most 10 s.
async fn next_event(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream is open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next error message, past the events sent before it.
async fn next_error(socket: &mut Socket) -> Value {
    loop {
        let message = next_event(socket).await;
        if message.get("error").is_some() {
            return message["error"].clone();
        }
    }
}

fn payload(event: &Value) -> Value {
    serde_json::from_str(event["payload"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn user_and_public_streams_send_updates_and_notifications() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;
    let (carol, _) = Api::user(&inst, "carol", "read write").await;
    alice
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;

    let mut user = connect(&inst, &format!("stream=user&access_token={}", alice.token)).await;
    let mut public = connect(&inst, "stream=public:local").await;
    let health = inst
        .client
        .get(inst.url("/api/v1/streaming/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "OK");

    // Carol is not followed: only the public stream shows her.
    let from_carol = carol.status("Hors du fil d’Alice").await;
    let from_bob = bob.status("Pour les abonnés").await;
    let event = next_event(&mut public).await;
    assert_eq!(
        (event["event"].as_str(), event["stream"][0].as_str()),
        (Some("update"), Some("public:local"))
    );
    assert_eq!(payload(&event)["id"], from_carol);
    assert_eq!(payload(&next_event(&mut public).await)["id"], from_bob);
    let event = next_event(&mut user).await;
    assert_eq!(
        (event["event"].as_str(), event["stream"][0].as_str()),
        (Some("update"), Some("user"))
    );
    assert_eq!(payload(&event)["id"], from_bob);

    // Bob likes Alice's status: a notification on her user stream.
    let own = alice.status("À moi").await;
    assert_eq!(payload(&next_event(&mut user).await)["id"], own);
    bob.post(&format!("/api/v1/statuses/{own}/favourite"), json!({}))
        .await;
    let event = next_event(&mut user).await;
    assert_eq!(event["event"], "notification");
    let notification = payload(&event);
    assert_eq!(notification["type"], "favourite");
    assert_eq!(notification["account"]["id"], bob_id);
    assert_eq!(notification["status"]["id"], own);

    // Subscriptions change by message; unknown streams are refused.
    public
        .send(Message::Text(
            json!({"type": "unsubscribe", "stream": "public:local"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    public
        .send(Message::Text(
            json!({"type": "subscribe", "stream": "hashtag"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    assert_eq!(next_error(&mut public).await, "No tag for stream provided");
    public
        .send(Message::Text(
            json!({"type": "subscribe", "stream": "user"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    assert_eq!(
        next_error(&mut public).await,
        "Access token does not grant this stream"
    );
    public
        .send(Message::Text(
            json!({"type": "subscribe", "stream": "public"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let last = carol.status("Encore").await;
    let event = next_event(&mut public).await;
    assert_eq!(
        (event["stream"][0].as_str(), payload(&event)["id"].as_str()),
        (Some("public"), Some(last.as_str()))
    );
}

#[tokio::test]
async fn the_user_stream_applies_the_viewers_filters() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;
    alice
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    for (title, action, keyword) in [("Secrets", "hide", "secret"), ("Budget", "warn", "budget")] {
        let made = alice
            .post(
                "/api/v2/filters",
                json!({"title": title, "context": ["home"], "filter_action": action,
                       "keywords_attributes": [{"keyword": keyword}]}),
            )
            .await;
        assert_eq!(made.status, 200, "{}", made.body);
    }
    let mut user = connect(&inst, &format!("stream=user&access_token={}", alice.token)).await;

    bob.status("Un secret bien gardé").await;
    let budget = bob.status("Le budget 2027 est voté").await;
    let hello = bob.status("Bonjour à toutes et à tous").await;
    // The hidden one never comes; the warned one comes marked.
    let event = payload(&next_event(&mut user).await);
    assert_eq!(event["id"], budget);
    assert_eq!(event["filtered"][0]["filter"]["title"], "Budget");
    assert_eq!(event["filtered"][0]["keyword_matches"], json!(["budget"]));
    let event = payload(&next_event(&mut user).await);
    assert_eq!(event["id"], hello);
    assert_eq!(event["filtered"], Value::Null);
}

#[tokio::test]
async fn streams_check_their_token() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read:accounts").await;
    let refused = |query: String| {
        let url = format!("ws://{}/api/v1/streaming?{query}", inst.domain);
        async move {
            match tokio_tungstenite::connect_async(url).await {
                Err(tokio_tungstenite::tungstenite::Error::Http(r)) => r.status().as_u16(),
                other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
            }
        }
    };
    assert_eq!(refused("stream=user&access_token=nope".into()).await, 401);
    assert_eq!(refused("stream=user".into()).await, 400);
    assert_eq!(
        refused(format!("stream=user&access_token={}", alice.token)).await,
        400
    );
    assert_eq!(refused("stream=direct".into()).await, 400);
}

#[tokio::test]
async fn hashtag_and_list_streams_with_deletions_and_edits() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write follow").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;
    let (carol, _) = Api::user(&inst, "carol", "read write").await;
    alice
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), json!({}))
        .await;
    let list = alice
        .post("/api/v1/lists", json!({"title": "Voisins"}))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = alice
        .post(
            &format!("/api/v1/lists/{list}/accounts"),
            json!({"account_ids": [bob_id]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);

    let mut tag = connect(&inst, "stream=hashtag&tag=V%C3%A9lo").await;
    let mut listed = connect(
        &inst,
        &format!("stream=list&list={list}&access_token={}", alice.token),
    )
    .await;
    // Another's list is refused.
    let url = format!(
        "ws://{}/api/v1/streaming?stream=list&list={list}&access_token={}",
        inst.domain, carol.token
    );
    assert!(tokio_tungstenite::connect_async(url).await.is_err());

    let untagged = carol.status("Rien à voir").await;
    let tagged = carol.status("Sortie #vélo dimanche").await;
    let event = next_event(&mut tag).await;
    assert_eq!(event["stream"], json!(["hashtag", "Vélo"]));
    assert_eq!(event["event"], "update");
    assert_eq!(payload(&event)["id"], tagged);
    assert_ne!(payload(&event)["id"], untagged);

    let from_bob = bob.status("Pour la liste").await;
    let event = next_event(&mut listed).await;
    assert_eq!(event["stream"], json!(["list", list]));
    assert_eq!(payload(&event)["id"], from_bob);

    // An edit: status.update where the status shows.
    let a = inst
        .client
        .put(inst.url(&format!("/api/v1/statuses/{tagged}")))
        .bearer_auth(&carol.token)
        .json(&json!({"status": "Sortie #vélo samedi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    let event = next_event(&mut tag).await;
    assert_eq!(event["event"], "status.update");
    assert_eq!(payload(&event)["content"], format!(
        "<p>Sortie <a href=\"{}/tags/v%C3%A9lo\" rel=\"nofollow noopener noreferrer\">#vélo</a> samedi</p>\n",
        inst.url("")
    ));

    // A deletion: its id, as plain text.
    let a = inst
        .client
        .delete(inst.url(&format!("/api/v1/statuses/{tagged}")))
        .bearer_auth(&carol.token)
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    let event = next_event(&mut tag).await;
    assert_eq!(event["event"], "delete");
    assert_eq!(event["payload"], tagged.as_str());

    // Subscribing to a hashtag by message.
    listed
        .send(Message::Text(
            json!({"type": "subscribe", "stream": "hashtag:local", "tag": "compost"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let composted = carol.status("Le #compost est prêt").await;
    // The list stream heard of the deletion too (ids are told to all).
    let event = next_event(&mut listed).await;
    assert_eq!(
        (event["event"].as_str(), event["payload"].as_str()),
        (Some("delete"), Some(tagged.as_str()))
    );
    let event = next_event(&mut listed).await;
    assert_eq!(event["stream"], json!(["hashtag:local", "compost"]));
    assert_eq!(payload(&event)["id"], composted);
}

/// Reads server-sent events until `count` have come (10 s at most):
/// (event, data) pairs, keep-alive comments left out.
async fn sse_events(response: &mut reqwest::Response, count: usize) -> Vec<(String, String)> {
    let mut text = String::new();
    let mut events = Vec::new();
    while events.len() < count {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream is open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}:")))
                    .map(|v| v.trim_start().to_string())
            };
            if let (Some(event), Some(data)) = (field("event"), field("data")) {
                events.push((event, data));
            }
        }
    }
    events
}

#[tokio::test]
async fn server_sent_events_share_the_streams() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;

    let open = |path: &str, token: Option<&str>| {
        let mut request = inst.client.get(inst.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send()
    };
    let mut public = open("/api/v1/streaming/public/local", None).await.unwrap();
    assert_eq!(public.status(), 200);
    assert!(public.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut tag = open("/api/v1/streaming/hashtag?tag=jardin", None)
        .await
        .unwrap();
    let mut user = open("/api/v1/streaming/user", Some(&alice.token))
        .await
        .unwrap();
    assert_eq!(user.status(), 200);
    // Refusals: no token for the user stream, no tag, unknown list.
    assert_eq!(
        open("/api/v1/streaming/user", None).await.unwrap().status(),
        401
    );
    assert_eq!(
        open("/api/v1/streaming/hashtag", None)
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        open("/api/v1/streaming/list?list=999", Some(&alice.token))
            .await
            .unwrap()
            .status(),
        400
    );

    let mine = alice.status("Le #jardin partagé").await;
    let other = bob.status("Bonjour").await;
    let got = sse_events(&mut public, 2).await;
    assert_eq!(got[0].0, "update");
    let first: Value = serde_json::from_str(&got[0].1).unwrap();
    let second: Value = serde_json::from_str(&got[1].1).unwrap();
    assert_eq!(
        (first["id"].as_str(), second["id"].as_str()),
        (Some(mine.as_str()), Some(other.as_str()))
    );
    let got = sse_events(&mut tag, 1).await;
    let shown: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(shown["id"], mine.as_str());
    let got = sse_events(&mut user, 1).await;
    let shown: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(shown["id"], mine.as_str());

    let a = inst
        .client
        .delete(inst.url(&format!("/api/v1/statuses/{mine}")))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    let got = sse_events(&mut tag, 1).await;
    assert_eq!(got[0], ("delete".to_string(), mine.clone()));
}

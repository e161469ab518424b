//! Streaming of the Mastodon API over WebSocket on a real server: the
//! user stream gets home statuses and notifications, public streams get
//! what everyone sees, subscriptions change by message, and streams that
//! need a user refuse others.

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
    assert_eq!(
        next_error(&mut public).await,
        "Unknown stream type: hashtag"
    );
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

//! Helpers for the Mastodon API tests: registering apps, getting tokens,
//! and calling the API as a client would.
#![allow(dead_code)]

use serde_json::Value;

use crate::common::TestInstance;

pub const PASSWORD: &str = "correct horse battery";

/// An answer: status, `Link` header and JSON body.
pub struct Answer {
    pub status: u16,
    pub link: Option<String>,
    pub body: Value,
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let link = r
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r.json().await.unwrap_or(Value::Null);
    Answer { status, link, body }
}

/// Registers an app; returns (client_id, client_secret).
pub async fn register_app(inst: &TestInstance, scopes: &str, redirect: &str) -> (String, String) {
    let r = inst
        .client
        .post(inst.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Test app"),
            ("redirect_uris", redirect),
            ("scopes", scopes),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    (
        body["client_id"].as_str().unwrap().to_string(),
        body["client_secret"].as_str().unwrap().to_string(),
    )
}

/// A token through the password grant (login is a username or an e-mail).
pub async fn password_token(
    inst: &TestInstance,
    app: &(String, String),
    login: &str,
    scope: &str,
) -> Value {
    let r = inst
        .client
        .post(inst.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", &app.0),
            ("client_secret", &app.1),
            ("username", login),
            ("password", PASSWORD),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "password grant for {login}");
    r.json().await.unwrap()
}

/// A client holding an access token.
pub struct Api<'a> {
    pub inst: &'a TestInstance,
    pub token: String,
}

impl<'a> Api<'a> {
    /// Creates a member `name` and logs in with the given scopes.
    pub async fn user(inst: &'a TestInstance, name: &str, scope: &str) -> (Api<'a>, String) {
        let account = inst.create_user(name).await;
        let app = register_app(inst, "read write follow push", "urn:ietf:wg:oauth:2.0:oob").await;
        let token = password_token(inst, &app, name, scope).await;
        let api = Api {
            inst,
            token: token["access_token"].as_str().unwrap().to_string(),
        };
        (api, account.actor.id.to_string())
    }

    pub async fn get(&self, path: &str) -> Answer {
        answer(
            self.inst
                .client
                .get(self.inst.url(path))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        answer(
            self.inst
                .client
                .post(self.inst.url(path))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        answer(
            self.inst
                .client
                .delete(self.inst.url(path))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Posts a status and returns its id.
    pub async fn status(&self, text: &str) -> String {
        let a = self
            .post("/api/v1/statuses", serde_json::json!({ "status": text }))
            .await;
        assert_eq!(a.status, 200, "status created: {}", a.body);
        a.body["id"].as_str().unwrap().to_string()
    }
}

/// Ids of a list of entities.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

// --- Media: multipart bodies, PUT and PATCH (media, update_credentials) ---

/// A file part of a multipart body: field name, content type, bytes.
pub struct FilePart<'a> {
    pub field: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A `multipart/form-data` body (its boundary and bytes) with text fields
/// and files, written out by hand as a browser would.
pub fn multipart(fields: &[(&str, &str)], files: &[FilePart]) -> (String, Vec<u8>) {
    let boundary = "recolte-test-boundary-7MA4YWxkTrZu0gW".to_string();
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for f in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"upload\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// A PNG header of the given size (enough for the size to be read).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
    bytes
}

impl Api<'_> {
    /// Sends a multipart body with `method`.
    pub async fn multipart(
        &self,
        method: reqwest::Method,
        path: &str,
        fields: &[(&str, &str)],
        files: &[FilePart<'_>],
    ) -> Answer {
        let (boundary, body) = multipart(fields, files);
        answer(
            self.inst
                .client
                .request(method, self.inst.url(path))
                .bearer_auth(&self.token)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Uploads an image through `POST /api/v2/media`.
    pub async fn upload(&self, bytes: &[u8], description: &str) -> Answer {
        let file = FilePart {
            field: "file",
            content_type: "image/png",
            bytes,
        };
        self.multipart(
            reqwest::Method::POST,
            "/api/v2/media",
            &[("description", description)],
            &[file],
        )
        .await
    }

    /// Sends a JSON body with `method` (PUT, PATCH…).
    pub async fn send_json(&self, method: reqwest::Method, path: &str, body: Value) -> Answer {
        answer(
            self.inst
                .client
                .request(method, self.inst.url(path))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

/// A fixture of the project workspace's `shared/fixtures/activitypub` (or
/// of the copy in `tests/fixtures`).
pub fn fixture(path: &str) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/fixtures/activitypub").join(path);
    let full = if shared.exists() {
        shared
    } else {
        root.join("tests/fixtures/activitypub").join(path)
    };
    serde_json::from_str(&std::fs::read_to_string(&full).unwrap()).unwrap()
}

/// Feeds an activity through the inbox as if its signature had checked;
/// returns the answer's status.
pub async fn feed(on: &TestInstance, json: Value) -> u16 {
    use recolte_federation::incoming::{classify, Document};
    let Ok(Document::Activity(activity)) = classify(&json) else {
        panic!("{json} is an activity");
    };
    let signer = recolte::activitypub::resolve::actor(on.state(), &activity.actor)
        .await
        .unwrap();
    match recolte::activitypub::inbox::apply_verified(on.state(), &activity, &signer).await {
        Ok(()) => 202,
        Err(refusal) => refusal.status().as_u16(),
    }
}

/// Stores a person of another instance from a minimal document (any valid
/// key: signatures are not checked by [`feed`]), followed (accepted) by the
/// local member `follower`.
pub async fn remote_person_followed_by(
    on: &TestInstance,
    id: &str,
    follower: &str,
) -> recolte::domain::actors::Actor {
    use diesel::prelude::*;
    let key = on.create_user("cle").await.actor.public_key_pem;
    let name = id.rsplit('/').next().unwrap();
    let doc = serde_json::json!({
        "id": id, "type": "Person", "preferredUsername": name,
        "inbox": format!("{id}/inbox"), "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": key },
    });
    let person = recolte::activitypub::resolve::store_actor(on.state(), &doc, id)
        .await
        .unwrap();
    let (follower, target) = (follower.to_string(), person.clone());
    on.with_db(move |conn, config| {
        let me = recolte::domain::actors::find_local(conn, config, &follower)?;
        let follow = recolte::domain::follows::follow(conn, config, &me, &target)?;
        diesel::update(recolte::schema::follows::table.find(follow.id))
            .set(recolte::schema::follows::state.eq("accepted"))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
    person
}

//! Media attachments through the Mastodon API on real servers: uploads
//! recognised by their bytes and bounded in size, descriptions, attaching
//! them to statuses (own and unattached only, at most four), serving the
//! files, showing them on the post page, sending them to another instance
//! as `Document` attachments, and the server's hourly sweep of uploads
//! never attached and of images of deleted statuses (with expired
//! sessions and stale idempotency keys).

mod api_common;
mod common;

use api_common::{png, Api, FilePart};
use common::eventually;
use common::TestInstance;
use reqwest::Method;
use serde_json::json;

/// An instance whose uploads go to a folder of its own.
async fn instance(extra: &[(&str, &str)]) -> (TestInstance, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let mut settings = vec![("RECOLTE_DATA_DIR", data.as_str())];
    settings.extend_from_slice(extra);
    (TestInstance::start(&settings).await, dir)
}

#[tokio::test]
async fn upload_describe_attach_and_serve_an_image() {
    let (inst, _dir) = instance(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;

    let a = alice.upload(&png(640, 480), "Une haie bocagère").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let media_id = a.body["id"].as_str().unwrap().to_string();
    assert_eq!(a.body["type"], "image");
    assert_eq!(a.body["description"], "Une haie bocagère");
    assert_eq!(a.body["meta"]["original"]["width"], 640);
    assert_eq!(a.body["meta"]["original"]["height"], 480);
    assert_eq!(a.body["meta"]["original"]["size"], "640x480");
    let url = a.body["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/media/", inst.base)), "{url}");
    assert!(url.ends_with(".png"), "{url}");

    // The file is served as stored, typed by us, not sniffed, cached long.
    let r = inst.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), png(640, 480).as_slice());
    let missing = inst
        .client
        .get(inst.url(&format!("/media/{}.png", "0".repeat(32))))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // The description changes (PUT, JSON); the v1 path uploads too.
    let path = format!("/api/v1/media/{media_id}");
    let a = alice
        .send_json(
            Method::PUT,
            &path,
            json!({"description": "Haie bocagère en hiver", "focus": "0.5,-0.25"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["description"], "Haie bocagère en hiver");
    assert_eq!(a.body["meta"]["focus"]["x"], 0.5);
    let a = alice
        .send_json(Method::PUT, &path, json!({"description": "x".repeat(1501)}))
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(
        alice.get(&path).await.body["description"],
        "Haie bocagère en hiver"
    );
    let v1 = alice
        .multipart(
            Method::POST,
            "/api/v1/media",
            &[],
            &[FilePart {
                field: "file",
                content_type: "image/gif",
                bytes: b"GIF89a\x02\x00\x03\x00\x80\x00\x00",
            }],
        )
        .await;
    assert_eq!(v1.status, 200, "{}", v1.body);
    assert_eq!(v1.body["meta"]["original"]["size"], "2x3");
    assert!(v1.body["url"].as_str().unwrap().ends_with(".gif"));
    assert_eq!(v1.body["description"], serde_json::Value::Null);

    // A status carries it; so do the timeline and the status itself.
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Plantation de haies", "media_ids": [media_id]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let status_id = a.body["id"].as_str().unwrap().to_string();
    let attachment = &a.body["media_attachments"][0];
    assert_eq!(attachment["id"], media_id.as_str());
    assert_eq!(attachment["url"], url.as_str());
    assert_eq!(attachment["description"], "Haie bocagère en hiver");
    let home = alice.get("/api/v1/timelines/home").await.body;
    assert_eq!(home[0]["media_attachments"][0]["id"], media_id.as_str());
    let shown = alice.get(&format!("/api/v1/statuses/{status_id}")).await;
    assert_eq!(shown.body["media_attachments"].as_array().unwrap().len(), 1);

    // The post page shows the image with its alt text and size.
    let page_url = a.body["uri"].as_str().unwrap().to_string();
    let html = inst
        .client
        .get(&page_url)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!(
            "<img src=\"{url}\" alt=\"Haie bocagère en hiver\" width=\"640\" height=\"480\""
        )),
        "{html}"
    );

    // Its ActivityPub object lists it as a Document with its alt text.
    let (status, object) = inst
        .get_json(
            page_url.trim_start_matches(&inst.base),
            "application/activity+json",
        )
        .await;
    assert_eq!(status, 200);
    let document = &object["attachment"][0];
    assert_eq!(document["type"], "Document");
    assert_eq!(document["mediaType"], "image/png");
    assert_eq!(document["url"], url.as_str());
    assert_eq!(document["name"], "Haie bocagère en hiver");
    assert_eq!(document["width"], 640);

    // Attached once: another status cannot take it; an edit can drop it.
    let again = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Encore", "media_ids": [media_id]}),
        )
        .await;
    assert_eq!(again.status, 422, "{}", again.body);
    let path = format!("/api/v1/statuses/{status_id}");
    let a = alice
        .send_json(
            Method::PUT,
            &path,
            json!({"status": "Plantation de haies (bis)", "media_ids": [media_id]}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["media_attachments"][0]["id"], media_id.as_str());
    let a = alice
        .send_json(
            Method::PUT,
            &path,
            json!({"status": "Plantation de haies (ter)"}),
        )
        .await;
    assert_eq!(a.body["media_attachments"][0]["id"], media_id.as_str());
    let a = alice
        .send_json(
            Method::PUT,
            &path,
            json!({"status": "Sans image", "media_ids": []}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["media_attachments"], json!([]));
}

#[tokio::test]
async fn bad_uploads_and_foreign_media_are_refused() {
    let (inst, dir) = instance(&[("RECOLTE_MEDIA_MAX_BYTES", "4096")]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;
    let (reader, _) = Api::user(&inst, "carol", "read").await;

    // Not an image, whatever the client says.
    let a = alice
        .upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "")
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body["error"].as_str().unwrap().contains("PNG"),
        "{}",
        a.body
    );
    // A damaged header.
    let a = alice.upload(b"\x89PNG\r\n\x1a\n\0\0", "").await;
    assert_eq!(a.status, 422, "{}", a.body);
    // Too large.
    let mut big = png(10, 10);
    big.resize(5000, 0);
    let a = alice.upload(&big, "").await;
    assert_eq!(a.status, 413, "{}", a.body);
    assert!(
        a.body["error"].as_str().unwrap().contains("4096"),
        "{}",
        a.body
    );
    // No file, a description too long, a token without write:media.
    let a = alice
        .multipart(Method::POST, "/api/v2/media", &[("description", "x")], &[])
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    let a = alice.upload(&png(1, 1), &"é".repeat(1501)).await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(reader.upload(&png(1, 1), "").await.status, 403);
    // Nothing refused was kept.
    let kept = std::fs::read_dir(dir.path().join("media"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 0);

    // Bob's upload is his: Alice can neither read, describe nor attach it.
    let a = bob.upload(&png(2, 2), "à Bob").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let bobs = a.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/media/{bobs}");
    assert_eq!(alice.get(&path).await.status, 404);
    assert_eq!(
        alice
            .send_json(Method::PUT, &path, json!({"description": "à moi"}))
            .await
            .status,
        404
    );
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Pas à moi", "media_ids": [bobs]}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(alice.get("/api/v1/timelines/home").await.body, json!([]));
    // At most four, ids only.
    let mut mine = Vec::new();
    for _ in 0..5 {
        let a = alice.upload(&png(1, 1), "").await;
        mine.push(a.body["id"].as_str().unwrap().to_string());
    }
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Cinq images", "media_ids": mine}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Pas un id", "media_ids": ["abc"]}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    // Four of them, sent as a form, in order.
    let form: Vec<(&str, &str)> = std::iter::once(("status", "Quatre images"))
        .chain(mine[..4].iter().map(|id| ("media_ids[]", id.as_str())))
        .collect();
    let r = inst
        .client
        .post(inst.url("/api/v1/statuses"))
        .bearer_auth(&alice.token)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let attached: Vec<&str> = body["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        attached,
        mine[..4].iter().map(String::as_str).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn attachments_reach_another_instance() {
    let (alpha, _a) = instance(&[]).await;
    let (beta, _b) = instance(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write follow").await;
    let (bob, _) = Api::user(&beta, "bob", "read write follow").await;

    let handle = format!("@alice@{}", alpha.domain);
    let a = bob
        .get(&format!(
            "/api/v2/search?q={}&resolve=true&type=accounts",
            handle.replace('@', "%40")
        ))
        .await;
    let alice_there = a.body["accounts"][0]["id"].as_str().unwrap().to_string();
    let a = bob
        .post(&format!("/api/v1/accounts/{alice_there}/follow"), json!({}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    eventually("alice accepts bob", || async {
        bob.get(&format!(
            "/api/v1/accounts/relationships?id[]={alice_there}"
        ))
        .await
        .body[0]["following"]
            == true
    })
    .await;

    let a = alice
        .upload(&png(800, 600), "Le marché de producteurs")
        .await;
    let url = a.body["url"].as_str().unwrap().to_string();
    let media_id = a.body["id"].as_str().unwrap().to_string();
    let a = alice
        .post(
            "/api/v1/statuses",
            json!({"status": "Marché du samedi", "media_ids": [media_id]}),
        )
        .await;
    let uri = a.body["uri"].as_str().unwrap().to_string();
    eventually("the status reaches bob's home", || async {
        let home = bob.get("/api/v1/timelines/home").await.body;
        home[0]["uri"] == uri.as_str()
    })
    .await;
    let home = bob.get("/api/v1/timelines/home").await.body;
    let attachment = &home[0]["media_attachments"][0];
    // Kept as a reference to its origin, with its alt text.
    assert_eq!(attachment["url"], url.as_str());
    assert_eq!(attachment["remote_url"], url.as_str());
    assert_eq!(attachment["description"], "Le marché de producteurs");
}

#[tokio::test]
async fn update_credentials_sets_pictures_and_fields() {
    let (inst, _dir) = instance(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, bob_id) = Api::user(&inst, "bob", "read write").await;

    // Without pictures: the default ones.
    let a = bob.get(&format!("/api/v1/accounts/{bob_id}")).await;
    assert!(a.body["avatar"].as_str().unwrap().ends_with("missing.png"));
    assert!(a.body["header"].as_str().unwrap().ends_with("missing.png"));
    assert_eq!(a.body["fields"], json!([]));

    let avatar = png(64, 64);
    let header = png(1500, 500);
    let a = alice
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            &[
                ("display_name", "Alice Martin"),
                ("fields_attributes[0][name]", "Structure"),
                ("fields_attributes[0][value]", "Syndicat des eaux <Vilaine>"),
                ("fields_attributes[1][name]", "territory"),
                ("fields_attributes[1][value]", "Ille-et-Vilaine"),
            ],
            &[
                FilePart {
                    field: "avatar",
                    content_type: "image/png",
                    bytes: &avatar,
                },
                FilePart {
                    field: "header",
                    content_type: "image/png",
                    bytes: &header,
                },
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["display_name"], "Alice Martin");
    let avatar_url = a.body["avatar"].as_str().unwrap().to_string();
    assert!(avatar_url.starts_with(&format!("{}/media/", inst.base)));
    assert_eq!(a.body["avatar_static"], avatar_url.as_str());
    assert!(a.body["header"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/media/", inst.base)));
    assert_eq!(
        a.body["fields"],
        json!([
            {"name": "Structure", "value": "Syndicat des eaux &lt;Vilaine&gt;", "verified_at": null},
            {"name": "Territoire", "value": "Ille-et-Vilaine", "verified_at": null},
        ])
    );
    assert_eq!(
        a.body["source"]["fields"][0]["value"],
        "Syndicat des eaux <Vilaine>"
    );
    let r = inst.client.get(&avatar_url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), avatar.as_slice());

    // A new avatar replaces the old file.
    let a = alice
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            &[],
            &[FilePart {
                field: "avatar",
                content_type: "image/png",
                bytes: &png(32, 32),
            }],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_ne!(a.body["avatar"], avatar_url.as_str());
    assert_eq!(a.body["display_name"], "Alice Martin");
    assert_eq!(
        inst.client.get(&avatar_url).send().await.unwrap().status(),
        404
    );

    // Refused input changes nothing, text included.
    let a = alice
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            &[("display_name", "Autre nom")],
            &[FilePart {
                field: "avatar",
                content_type: "image/png",
                bytes: b"<svg/>",
            }],
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body["details"]["avatar"].is_array(), "{}", a.body);
    let a = alice
        .send_json(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            json!({"display_name": "Autre nom", "fields_attributes": [{"name": "Site", "value": "x"}]}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    let five: Vec<_> = (0..5)
        .map(|_| json!({"name": "Structure", "value": "x"}))
        .collect();
    let a = alice
        .send_json(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            json!({"fields_attributes": five}),
        )
        .await;
    assert_eq!(a.status, 422, "{}", a.body);
    let me = alice.get("/api/v1/accounts/verify_credentials").await.body;
    assert_eq!(me["display_name"], "Alice Martin");
    assert_eq!(me["fields"].as_array().unwrap().len(), 2);

    // JSON fields replace them all (as an object keyed by index too).
    let a = alice
        .send_json(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            json!({"fields_attributes": {"0": {"name": "Compétences", "value": "Hydrologie"}}}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["fields"],
        json!([{"name": "Compétences", "value": "Hydrologie", "verified_at": null}])
    );
}

#[tokio::test]
async fn avatars_and_headers_federate() {
    let (alpha, _a) = instance(&[]).await;
    let (beta, _b) = instance(&[]).await;
    let (alice, _) = Api::user(&alpha, "alice", "read write follow").await;
    let (bob, _) = Api::user(&beta, "bob", "read write follow").await;
    let set_avatar = |size: u32| {
        let bytes = png(size, size);
        let alice = &alice;
        async move {
            let a = alice
                .multipart(
                    Method::PATCH,
                    "/api/v1/accounts/update_credentials",
                    &[],
                    &[
                        FilePart {
                            field: "avatar",
                            content_type: "image/png",
                            bytes: &bytes,
                        },
                        FilePart {
                            field: "header",
                            content_type: "image/png",
                            bytes: &bytes,
                        },
                    ],
                )
                .await;
            assert_eq!(a.status, 200, "{}", a.body);
            (
                a.body["avatar"].as_str().unwrap().to_string(),
                a.body["header"].as_str().unwrap().to_string(),
            )
        }
    };
    let (avatar, header) = set_avatar(40).await;

    // The actor document has them as icon and image; beta keeps them.
    let (_, doc) = alpha
        .get_json("/u/alice", "application/activity+json")
        .await;
    assert_eq!(doc["icon"]["type"], "Image");
    assert_eq!(doc["icon"]["url"], avatar.as_str());
    assert_eq!(doc["icon"]["mediaType"], "image/png");
    assert_eq!(doc["image"]["url"], header.as_str());
    let handle = format!("@alice@{}", alpha.domain);
    let a = bob
        .get(&format!(
            "/api/v2/search?q={}&resolve=true&type=accounts",
            handle.replace('@', "%40")
        ))
        .await;
    let there = a.body["accounts"][0].clone();
    assert_eq!(there["avatar"], avatar.as_str());
    assert_eq!(there["header"], header.as_str());
    let id = there["id"].as_str().unwrap().to_string();

    // Once followed, a new avatar reaches beta through Update{Person}.
    bob.post(&format!("/api/v1/accounts/{id}/follow"), json!({}))
        .await;
    eventually("alice accepts bob", || async {
        bob.get(&format!("/api/v1/accounts/relationships?id[]={id}"))
            .await
            .body[0]["following"]
            == true
    })
    .await;
    let (avatar, _) = set_avatar(48).await;
    eventually("the new avatar reaches beta", || async {
        bob.get(&format!("/api/v1/accounts/{id}")).await.body["avatar"] == avatar.as_str()
    })
    .await;
}

#[tokio::test]
async fn the_settings_page_changes_the_avatar_shown_beside_posts() {
    let (inst, _dir) = instance(&[("RECOLTE_MEDIA_MAX_BYTES", "4096")]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let status = alice.status("Bonjour à toutes et à tous").await;
    let mut browser = common::browser::Browser::new(&inst, "fr");
    browser.log_in("alice").await;
    let settings = browser.get("/settings").await;
    assert!(settings.body.contains("Photo de profil"));
    let token = browser.token.clone();
    let upload = |field_token: String, bytes: Vec<u8>| {
        let (boundary, body) = api_common::multipart(
            &[("csrf_token", field_token.as_str())],
            &[FilePart {
                field: "avatar",
                content_type: "image/png",
                bytes: &bytes,
            }],
        );
        (format!("multipart/form-data; boundary={boundary}"), body)
    };

    // Without the form's token: refused.
    let (kind, body) = upload("0".repeat(token.len()), png(64, 64));
    let page = browser.post_body("/settings/avatar", &kind, body).await;
    assert_eq!(page.status, 403);
    // Not an image, or too large: the error is next to the field.
    let (kind, body) = upload(token.clone(), b"GIF? no".to_vec());
    let page = browser.post_body("/settings/avatar", &kind, body).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"avatar-error\""), "{}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\""));
    let mut big = png(64, 64);
    big.resize(5000, 0);
    let (kind, body) = upload(token.clone(), big);
    let page = browser.post_body("/settings/avatar", &kind, body).await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("id=\"avatar-error\""));

    // A good one: saved, shown in the settings, on the profile, by the post.
    let (kind, body) = upload(token, png(64, 64));
    let page = browser.post_body("/settings/avatar", &kind, body).await;
    let settings = browser.follow(&page).await;
    assert!(settings
        .body
        .contains("Votre photo de profil est enregistrée"));
    let me = alice.get("/api/v1/accounts/verify_credentials").await.body;
    let avatar = me["avatar"].as_str().unwrap().to_string();
    assert!(avatar.starts_with(&format!("{}/media/", inst.base)));
    let shown = format!("src=\"{avatar}\" alt=\"\" width=\"96\" height=\"96\"");
    assert!(browser.get("/u/alice").await.body.contains(&shown));
    let uri = alice.get(&format!("/api/v1/statuses/{status}")).await.body["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let post = browser.get(uri.trim_start_matches(&inst.base)).await;
    assert!(
        post.body.contains(&format!(
            "src=\"{avatar}\" alt=\"\" width=\"24\" height=\"24\""
        )),
        "{}",
        post.body
    );
}

#[tokio::test]
async fn the_server_sweeps_forgotten_uploads_expired_sessions_and_stale_keys() {
    use diesel::prelude::*;
    use recolte::domain::housekeeping::{self, Swept};
    use recolte::domain::{now, sessions};
    use recolte::schema::{idempotency_keys, media, sessions as sessions_t};

    let (mut inst, _dir) = instance(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let mut uploads = Vec::new();
    let images = [
        (4, "Attachée"),
        (8, "Oubliée"),
        (6, "Récente"),
        (5, "Effacée"),
    ];
    for (side, text) in images {
        let a = alice.upload(&png(side, side), text).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let id: i64 = a.body["id"].as_str().unwrap().parse().unwrap();
        uploads.push((id, a.body["url"].as_str().unwrap().to_string()));
    }
    let [(attached, attached_url), (forgotten, forgotten_url), (recent, recent_url), (erased, erased_url)] =
        <[(i64, String); 4]>::try_from(uploads).unwrap();
    for id in [attached, erased] {
        let a = alice
            .post(
                "/api/v1/statuses",
                json!({"status": "Avec image", "media_ids": [id.to_string()]}),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        if id == erased {
            let path = format!("/api/v1/statuses/{}", a.body["id"].as_str().unwrap());
            let a = alice.send_json(Method::DELETE, &path, json!({})).await;
            assert_eq!(a.status, 200, "{}", a.body);
        }
    }
    let keyed = inst
        .client
        .post(inst.url("/api/v1/statuses"))
        .bearer_auth(&alice.token)
        .header("Idempotency-Key", "k-1")
        .json(&json!({"status": "Une seule fois"}))
        .send()
        .await
        .unwrap();
    assert_eq!(keyed.status(), 200);

    // A day and an hour later: the first two uploads, one of two sessions
    // and the key are past their time; the third upload is not.
    let bea = inst.create_user("bea").await;
    inst.with_db(move |conn, _| {
        let past = now() - chrono::Duration::hours(25);
        for _ in 0..2 {
            sessions::open(conn, &bea)?;
        }
        let expired: String = sessions_t::table
            .select(sessions_t::token_hash)
            .first(conn)?;
        diesel::update(sessions_t::table.find(expired))
            .set(sessions_t::expires_at.eq(past))
            .execute(conn)?;
        diesel::update(media::table.filter(media::id.eq_any([attached, forgotten])))
            .set(media::created_at.eq(past))
            .execute(conn)?;
        diesel::update(idempotency_keys::table)
            .set(idempotency_keys::created_at.eq(past))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();

    // The server sweeps when it starts (and every hour).
    let token = alice.token;
    inst.restart().await;
    let alice = Api { inst: &inst, token };
    let served = |url: String| {
        let client = inst.client.clone();
        async move { client.get(&url).send().await.unwrap().status().as_u16() }
    };
    for url in [forgotten_url, erased_url] {
        eventually("the forgotten or erased image's file is gone", || {
            let status = served(url.clone());
            async move { status.await == 404 }
        })
        .await;
    }
    assert_eq!(served(attached_url).await, 200, "attached images stay");
    assert_eq!(served(recent_url).await, 200, "recent uploads wait");
    let path = |id: i64| format!("/api/v1/media/{id}");
    assert_eq!(alice.get(&path(forgotten)).await.status, 404);
    assert_eq!(alice.get(&path(erased)).await.status, 404);
    assert_eq!(alice.get(&path(recent)).await.status, 200);
    let (sessions_left, keys_left) = inst
        .with_db(|conn, _| {
            let sessions: i64 = sessions_t::table.count().get_result(conn)?;
            let keys: i64 = idempotency_keys::table.count().get_result(conn)?;
            Ok((sessions, keys))
        })
        .await
        .unwrap();
    assert_eq!((sessions_left, keys_left), (1, 0));
    // Nothing is left for another pass.
    let again = inst
        .with_db(|conn, config| housekeeping::sweep(conn, config, now()))
        .await
        .unwrap();
    assert_eq!(again, Swept::default());
}

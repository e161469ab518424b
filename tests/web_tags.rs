//! The hashtag page `/tags/NAME` over HTTP: posts and comments carrying
//! the tag (any case, accents kept), here and from another instance,
//! newest first, in keyset pages with a next-page link; the empty state
//! in French and English; a name that cannot be a tag is not found.

mod api_common;
mod common;

use api_common::{feed, fixture, remote_person_followed_by, Api};
use common::TestInstance;
use serde_json::json;

async fn page(inst: &TestInstance, path: &str, lang: &str) -> (u16, String) {
    let r = inst
        .client
        .get(inst.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The links of the page's list items, in order.
fn item_links(html: &str) -> Vec<String> {
    html.split("<li class=\"post-item\">")
        .skip(1)
        .filter_map(|s| s.split("<h3><a href=\"").nth(1))
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_tag_page_lists_tagged_posts_and_comments_in_pages() {
    let inst = TestInstance::start(&[]).await;
    let (alice, _) = Api::user(&inst, "alice", "read write").await;
    let (bob, _) = Api::user(&inst, "bob", "read write").await;

    let first = alice.status("Fête du #Vélo samedi").await;
    let answer = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "J’y serai avec mon #VÉLO cargo", "in_reply_to_id": first}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    bob.status("Sans rapport #jardin").await;

    // Hashtag links of the rendered text lead to the page.
    let (status, html) = page(&inst, "/tags/v%C3%A9lo", "fr").await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>#vélo"), "{html}");
    assert!(html.contains("<h1>#vélo</h1>"));
    let links = item_links(&html);
    assert_eq!(links.len(), 2, "{html}");
    assert!(links[0].contains("#comment-"), "newest first: {links:?}");
    assert!(html.contains("J’y serai avec mon #VÉLO cargo"));
    assert!(html.contains(">Commentaire<"));
    assert!(!html.contains("jardin"));
    assert!(!html.contains("rel=\"next\""));

    // Pages of twenty, with a link to the next one.
    for i in 0..21 {
        alice.status(&format!("Sortie n° {i} #vélo")).await;
    }
    let (_, html) = page(&inst, "/tags/V%C3%A9lo", "fr").await;
    let links = item_links(&html);
    assert_eq!(links.len(), 20);
    assert!(html.contains("Sortie n° 20 #vélo"));
    let next = html
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(next.starts_with("/tags/v%C3%A9lo?before="), "{next}");
    let (status, html) = page(&inst, &next, "fr").await;
    assert_eq!(status, 200);
    let rest = item_links(&html);
    assert_eq!(rest.len(), 3, "{html}");
    assert!(rest.iter().all(|l| !links.contains(l)));
    assert!(html.contains("Fête du #Vélo samedi"));
    assert!(!html.contains("rel=\"next\""));

    // A post from another instance is there too.
    remote_person_followed_by(&inst, "http://mastodon.example.org/users/admin", "alice").await;
    let create = fixture("mastodon/activities/mastodon-post-activity-hashtag.json");
    assert_eq!(feed(&inst, create).await, 202);
    let (status, html) = page(&inst, "/tags/moo", "fr").await;
    assert_eq!(status, 200);
    assert_eq!(item_links(&html).len(), 1, "{html}");
    assert!(html.contains("href=\"/remote/"), "{html}");

    // Empty states, in both languages; not a tag at all: not found.
    let (status, html) = page(&inst, "/tags/inconnu", "fr").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Rien ne porte encore ce mot-clé ici."),
        "{html}"
    );
    let (_, html) = page(&inst, "/tags/inconnu", "en").await;
    assert!(
        html.contains("Nothing carries this hashtag here yet."),
        "{html}"
    );
    let (_, html) = page(&inst, "/tags/inconnu?before=5", "en").await;
    assert!(
        html.contains("There is nothing more with this hashtag."),
        "{html}"
    );
    let (status, _) = page(&inst, "/tags/pas%20un%20tag", "fr").await;
    assert_eq!(status, 404);
}

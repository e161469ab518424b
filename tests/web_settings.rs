//! Web pages of the feeds, comment threads, account settings and instance
//! administration over HTTP: status, key content, sorting and paging, and
//! what visitors, members, moderators and admins may do.

mod common;

use chrono::{Duration, Utc};
use common::browser::Browser;
use common::TestInstance;
use recolte::domain::actors::{Actor, ActorKind, RemoteActor};
use recolte::domain::communities::{Community, MembershipPolicy};
use recolte::domain::content::{self, Incoming, PostDraft, Target};
use recolte::web::i18n::{Lang, Translator};

/// Post titles of a page, in order.
fn titles(html: &str) -> Vec<String> {
    html.split("<h3><a href=\"/post/")
        .skip(1)
        .filter_map(|s| s.split('>').nth(1))
        .filter_map(|s| s.split('<').next())
        .map(str::to_string)
        .collect()
}

/// The address of the page's "next page" link.
fn next_link(html: &str) -> Option<String> {
    let (before, _) = html.split_once("rel=\"next\"")?;
    let href = before.rsplit("href=\"").next()?.split('"').next()?;
    Some(href.replace("&#38;", "&"))
}

/// The labels of the links marked `aria-current="page"`.
fn current_links(html: &str) -> Vec<String> {
    html.split("aria-current=\"page\">")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_string)
        .collect()
}

async fn post(instance: &TestInstance, author: &Actor, community: &Community, title: &str) -> i64 {
    let (author, community, title) = (author.clone(), community.clone(), title.to_string());
    instance
        .with_db(move |conn, config| {
            content::create_post(
                conn,
                config,
                &author,
                Some(&community),
                &PostDraft {
                    title,
                    body: "Texte".into(),
                    ..Default::default()
                },
            )
        })
        .await
        .unwrap()
        .id
}

async fn like(instance: &TestInstance, by: &Actor, post_id: i64) {
    let by = by.clone();
    instance
        .with_db(move |conn, config| {
            let post = content::post_by_id(conn, post_id)?;
            content::like(conn, config, &by, &Target::Post(post))
        })
        .await
        .unwrap();
}

fn remote_actor(kind: ActorKind, name: &str) -> RemoteActor {
    let path = if kind == ActorKind::Group { "c" } else { "u" };
    RemoteActor {
        kind,
        ap_id: format!("https://ailleurs.example/{path}/{name}"),
        username: name.into(),
        domain: "ailleurs.example".into(),
        display_name: name.into(),
        summary: String::new(),
        inbox_url: format!("https://ailleurs.example/{path}/{name}/inbox"),
        shared_inbox_url: None,
        outbox_url: None,
        followers_url: None,
        public_key_pem: String::new(),
        manually_approves_followers: false,
        avatar_url: None,
    }
}

/// Stores a post (or a comment on `reply_to`) from another instance,
/// published `days_ago`.
async fn remote_content(
    instance: &TestInstance,
    title: Option<&str>,
    reply_to: Option<i64>,
    days_ago: i64,
) -> i64 {
    let title = title.map(str::to_string);
    instance
        .with_db(move |conn, _| {
            let author = recolte::domain::actors::upsert_remote(
                conn,
                &remote_actor(ActorKind::Person, "zoe"),
            )?;
            let group = recolte::domain::actors::upsert_remote(
                conn,
                &remote_actor(ActorKind::Group, "forets"),
            )?;
            let community = recolte::domain::communities::by_actor_id(conn, group.id)?;
            let in_reply_to = match reply_to {
                Some(id) => Some(Target::Post(content::post_by_id(conn, id)?)),
                None => None,
            };
            let n = Utc::now().timestamp_nanos_opt().unwrap_or_default();
            let incoming = Incoming {
                ap_id: format!("https://ailleurs.example/objects/{n}"),
                author,
                community: Some(community),
                title,
                html: "<p>Texte</p>".into(),
                source: "Texte".into(),
                link: None,
                language: None,
                in_reply_to,
                published: (Utc::now() - Duration::days(days_ago)).naive_utc(),
                updated: None,
            };
            Ok(match content::receive(conn, &incoming, true)?.unwrap() {
                Target::Post(p) => p.id,
                Target::Comment(c) => c.id,
            })
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn feeds_sort_by_new_active_and_top_and_page_through_keys() {
    let alpha = TestInstance::start(&[]).await;
    let t = Translator::new(Lang::En);

    // Empty feeds say what to do next.
    let mut visitor = Browser::new(&alpha, "en");
    for (path, key) in [
        ("/local", "feed-local-empty"),
        ("/network", "feed-network-empty"),
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(&t.get(key)), "{path}");
        assert!(page.body.contains("href=\"/follow\""), "{path}");
    }

    let alice = alpha.create_user("alice").await;
    let bob = alpha.create_user("bob").await;
    let carol = alpha.create_user("carol").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let autre = alpha
        .create_community(&carol.actor, "autre", MembershipPolicy::Open)
        .await;
    alpha
        .with_db({
            let (b, c) = (bob.actor.clone(), climat.actor.clone());
            move |conn, config| recolte::domain::follows::follow(conn, config, &b, &c)
        })
        .await
        .unwrap();

    let first = post(&alpha, &alice.actor, &climat, "Première").await;
    let second = post(&alpha, &alice.actor, &climat, "Seconde").await;
    post(&alpha, &carol.actor, &autre, "Ailleurs ici").await;
    // An old remote post, much liked, commented today: too late to bring it back up.
    let old = remote_content(&alpha, Some("Ancienne"), None, 10).await;
    remote_content(&alpha, None, Some(old), 0).await;
    for by in [&alice.actor, &bob.actor, &carol.actor] {
        like(&alpha, by, old).await;
    }
    like(&alpha, &bob.actor, second).await;
    // A comment today makes the first post the most active.
    alpha
        .with_db({
            let bob = bob.actor.clone();
            move |conn, config| {
                let post = content::post_by_id(conn, first)?;
                content::create_comment(conn, config, &bob, &Target::Post(post), "Merci !")
            }
        })
        .await
        .unwrap();

    let page = visitor.get("/local").await;
    assert_eq!(titles(&page.body), ["Ailleurs ici", "Seconde", "Première"]);
    assert_eq!(current_links(&page.body), [t.get("feed-sort-new")]);
    let page = visitor.get("/local?sort=active").await;
    assert_eq!(titles(&page.body), ["Première", "Ailleurs ici", "Seconde"]);
    assert_eq!(current_links(&page.body), [t.get("feed-sort-active")]);
    let page = visitor.get("/network?sort=active").await;
    assert_eq!(
        titles(&page.body),
        ["Première", "Ailleurs ici", "Seconde", "Ancienne"]
    );
    let page = visitor.get("/network?sort=top&period=week").await;
    assert_eq!(titles(&page.body), ["Seconde", "Ailleurs ici", "Première"]);
    assert_eq!(
        current_links(&page.body),
        [t.get("feed-sort-top"), t.get("feed-period-week")]
    );
    let page = visitor.get("/network?sort=top&period=all").await;
    assert_eq!(
        titles(&page.body),
        ["Ancienne", "Seconde", "Ailleurs ici", "Première"]
    );
    // Taking a like back counts.
    alpha
        .with_db({
            let bob = bob.actor.clone();
            move |conn, config| {
                let post = content::post_by_id(conn, second)?;
                content::unlike(conn, config, &bob, &Target::Post(post))
            }
        })
        .await
        .unwrap();
    let page = visitor.get("/local?sort=top&period=day").await;
    assert_eq!(titles(&page.body), ["Ailleurs ici", "Seconde", "Première"]);

    // The home feed: only what bob follows, sorted the same way; visitors get the welcome page.
    let mut member = Browser::new(&alpha, "en");
    member.log_in("bob").await;
    let page = member.get("/?sort=active").await;
    assert_eq!(titles(&page.body), ["Première", "Seconde"]);
    // The account's language (French) wins over the browser's.
    let fr = Translator::new(Lang::Fr);
    assert_eq!(current_links(&page.body), [fr.get("feed-sort-active")]);
    assert!(page.body.contains("href=\"/?sort=top&#38;period=week\""));
    let page = visitor.get("/?sort=active").await;
    assert!(titles(&page.body).is_empty());
    assert!(page.body.contains("href=\"/signup\""));

    // Pages follow the sort key: a new post does not shift the next page.
    for i in 0..20 {
        post(&alpha, &alice.actor, &climat, &format!("Publication {i}")).await;
    }
    // 23 posts, then one more before each next page is read.
    for (extra, sort) in ["new", "active", "top&period=all"].into_iter().enumerate() {
        let page = visitor.get(&format!("/local?sort={sort}")).await;
        let shown = titles(&page.body);
        assert_eq!(shown.len(), 20, "{sort}");
        let next = next_link(&page.body).expect("a next page");
        assert!(
            next.starts_with(&format!("/local?sort={sort}&after=")),
            "{next}"
        );
        post(&alpha, &alice.actor, &climat, &format!("Nouvelle {sort}")).await;
        let rest = titles(&visitor.get(&next).await.body);
        assert!(!rest.is_empty(), "{sort}");
        assert!(rest.iter().all(|t| !shown.contains(t)), "{sort}: {rest:?}");
        assert!(rest.iter().all(|t| !t.starts_with("Nouvelle")), "{sort}");
        assert_eq!(shown.len() + rest.len(), 23 + extra, "{sort}");
    }
    // A cursor that is not one shows the first page.
    let page = visitor.get("/local?after=nonsense").await;
    assert_eq!(page.status, 200);
    assert_eq!(titles(&page.body).len(), 20);

    // French labels.
    let page = Browser::new(&alpha, "fr-FR").get("/local").await;
    assert!(page.body.contains("Nouveautés") && page.body.contains("Fil local"));
}

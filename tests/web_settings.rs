//! Web pages of the feeds, comment threads, account settings and instance
//! administration over HTTP: status, key content, sorting and paging, and
//! what visitors, members, moderators and admins may do.

mod api_common;
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
        header_url: None,
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
                images: Vec::new(),
                tags: Vec::new(),
                poll: None,
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

/// Comment ids in a page, in order.
fn comment_ids(html: &str) -> Vec<i64> {
    html.split("<article class=\"comment\" id=\"comment-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|s| s.parse().ok())
        .collect()
}

#[tokio::test]
async fn comments_collapse_with_their_answers_and_have_a_sub_thread_page() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let post_id = post(&alpha, &alice.actor, &climat, "Atelier").await;
    let other = post(&alpha, &alice.actor, &climat, "Autre").await;
    // a answers the post, b answers a, c answers b, d answers a, e answers the post.
    let ids = alpha
        .with_db({
            let alice = alice.actor.clone();
            move |conn, config| {
                let on_post = Target::Post(content::post_by_id(conn, post_id)?);
                let a = content::create_comment(conn, config, &alice, &on_post, "Avis A")?;
                let b = content::create_comment(
                    conn,
                    config,
                    &alice,
                    &Target::Comment(a.clone()),
                    "Avis B",
                )?;
                let c = content::create_comment(
                    conn,
                    config,
                    &alice,
                    &Target::Comment(b.clone()),
                    "Avis C",
                )?;
                let d = content::create_comment(
                    conn,
                    config,
                    &alice,
                    &Target::Comment(a.clone()),
                    "Avis D",
                )?;
                let e = content::create_comment(conn, config, &alice, &on_post, "Avis E")?;
                let on_other = Target::Post(content::post_by_id(conn, other)?);
                let x = content::create_comment(conn, config, &alice, &on_other, "Ailleurs")?;
                Ok([a.id, b.id, c.id, d.id, e.id, x.id])
            }
        })
        .await
        .unwrap();
    let [a, b, c, d, e, x] = ids;
    let t = Translator::new(Lang::En);

    let mut visitor = Browser::new(&alpha, "en");
    let page = visitor.get(&format!("/post/{post_id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(comment_ids(&page.body), [a, b, c, d, e]);
    // Each comment is a disclosure holding its answers: a's holds b, c and d, not e.
    let (_, in_a) = page
        .body
        .split_once(&format!("id=\"comment-{a}\""))
        .unwrap();
    assert!(in_a.starts_with("><details open><summary"));
    let a_block = &in_a[..in_a.find(&format!("id=\"comment-{e}\"")).unwrap()];
    assert_eq!(a_block.matches("</details></article>").count(), 4);
    assert!(page
        .body
        .contains(&t.arg("comment-replies", "count", 3_i64)));
    assert!(page
        .body
        .contains(&format!("href=\"/post/{post_id}/c/{b}\"")));
    // Visitors get no like buttons nor forms.
    assert!(!page.body.contains("like-form"));

    // A member's view: one form for every like, answers through the sub-thread page.
    let mut member = Browser::new(&alpha, "en");
    member.log_in("alice").await;
    let page = member.get(&format!("/post/{post_id}")).await;
    assert_eq!(
        page.body.matches("<form").count(),
        3,
        "like, comment, log-out"
    );
    assert_eq!(page.body.matches("form=\"like-form\"").count(), 6);
    assert!(page
        .body
        .contains(&format!("formaction=\"/comment/{c}/like\"")));
    assert!(page
        .body
        .contains(&format!("href=\"/post/{post_id}/c/{c}#comment-body\"")));
    let liked = member.post(&format!("/comment/{c}/like"), &[]).await;
    assert_eq!(liked.status, 303);
    let page = member.follow(&liked).await;
    assert!(page
        .body
        .contains("name=\"undo\" value=\"1\" aria-pressed=\"true\""));

    // The sub-thread of b: a above it, c below it, the form answering b.
    let page = member.get(&format!("/post/{post_id}/c/{b}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(comment_ids(&page.body), [b, c]);
    // (alice's account is in French)
    let fr = Translator::new(Lang::Fr);
    assert!(page.body.contains(&fr.get("sub-thread-title")));
    let (context, _) = page.body.split_once("<article class=\"comment\"").unwrap();
    assert!(context.contains("Avis A") && !context.contains("Avis D"));
    assert!(!page.body.contains("Avis E"));
    assert!(page
        .body
        .contains(&format!("name=\"parent\" value=\"{b}\"")));
    assert!(page
        .body
        .contains(&format!("href=\"/post/{post_id}#comment-{b}\"")));
    let sent = member
        .post(
            &format!("/post/{post_id}/comment"),
            &[("body", "Réponse à B"), ("parent", &b.to_string())],
        )
        .await;
    assert_eq!(sent.status, 303);
    let page = member.get(&format!("/post/{post_id}/c/{b}")).await;
    assert_eq!(comment_ids(&page.body).len(), 3);
    assert!(page.body.contains("Réponse à B"));
    // A refused answer comes back on the sub-thread page, input kept.
    let refused = member
        .post(
            &format!("/post/{post_id}/comment"),
            &[("body", "   "), ("parent", &d.to_string())],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"comment-body-error\""));
    assert!(refused
        .body
        .contains(&format!("name=\"parent\" value=\"{d}\"")));

    // Visitors see the sub-thread and are asked to log in to answer.
    let page = visitor.get(&format!("/post/{post_id}/c/{a}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(comment_ids(&page.body).len(), 5);
    assert!(page.body.contains(&t.get("comment-login")));
    // A comment of another post, or none, is not found.
    for path in [
        format!("/post/{post_id}/c/{x}"),
        format!("/post/{post_id}/c/999999"),
        format!("/post/999999/c/{a}"),
    ] {
        assert_eq!(visitor.get(&path).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn members_change_their_email_with_their_password() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("alice").await;
    alpha.create_user("bob").await;
    let mut alice = Browser::new(&alpha, "en");
    alice.log_in("alice").await;
    let page = alice.get("/settings").await;
    assert!(page.body.contains("value=\"alice@example.org\""));

    let cases: [(&str, &str, u16, &str); 3] = [
        (
            "alice@nouvelle.org",
            "wrong password",
            422,
            "email_password",
        ),
        ("pas une adresse", "correct horse battery", 422, "email"),
        ("BOB@example.org", "correct horse battery", 409, "email"),
    ];
    for (email, password, status, field) in cases {
        let page = alice
            .post(
                "/settings/email",
                &[("email", email), ("email_password", password)],
            )
            .await;
        assert_eq!(page.status, status, "{email}");
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{email}"
        );
        assert!(
            page.body.contains(&format!("value=\"{email}\"")),
            "input kept"
        );
    }
    let unchanged = alpha
        .with_db(|conn, config| recolte::domain::accounts::find_by_username(conn, config, "alice"))
        .await
        .unwrap();
    assert_eq!(unchanged.user.email, "alice@example.org");

    let page = alice
        .post(
            "/settings/email",
            &[
                ("email", " Alice@Nouvelle.org "),
                ("email_password", "correct horse battery"),
            ],
        )
        .await;
    let page = alice.follow(&page).await;
    assert!(
        page.body.contains("Your e-mail address is changed")
            || page.body.contains("adresse e-mail est changée")
    );
    assert!(page.body.contains("value=\"alice@nouvelle.org\""));
    // The new address logs in.
    let mut again = Browser::new(&alpha, "en");
    again.get("/login").await;
    let page = again
        .post(
            "/login",
            &[
                ("login", "alice@nouvelle.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    // Visitors are asked to log in.
    let (cookie, token) = alpha.form_token("/login").await;
    let r = alpha
        .client
        .post(alpha.url("/settings/email"))
        .header("Cookie", cookie)
        .form(&[("csrf_token", token.as_str()), ("email", "x@y.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

/// What each door answers about a local person: their ActivityPub
/// document (status, JSON), their profile page (in English), and the
/// statuses of WebFinger, the API's account by id and its lookup.
async fn account_doors(
    alpha: &TestInstance,
    person: &Actor,
) -> (
    (u16, serde_json::Value),
    common::browser::Page,
    u16,
    u16,
    u16,
) {
    let name = &person.username;
    let ap = alpha
        .get_json(&format!("/u/{name}"), "application/activity+json")
        .await;
    let html = Browser::new(alpha, "en").get(&format!("/u/{name}")).await;
    let webfinger = alpha
        .get_json(
            &format!(
                "/.well-known/webfinger?resource=acct:{name}@{}",
                alpha.domain
            ),
            "application/jrd+json",
        )
        .await
        .0;
    let status = |path: String| async move {
        alpha
            .client
            .get(alpha.url(&path))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let by_id = status(format!("/api/v1/accounts/{}", person.id)).await;
    let lookup = status(format!("/api/v1/accounts/lookup?acct={name}")).await;
    (ap, html, webfinger, by_id, lookup)
}

#[tokio::test]
async fn deleting_an_account_erases_it_and_keeps_the_name() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let bob = alpha.create_user("bob").await;
    let climat = alpha
        .create_community(&bob.actor, "climat", MembershipPolicy::Open)
        .await;
    alpha
        .with_db({
            let (a, c) = (alice.actor.clone(), climat.actor.clone());
            move |conn, config| recolte::domain::follows::follow(conn, config, &a, &c)
        })
        .await
        .unwrap();
    let hers = post(&alpha, &alice.actor, &climat, "Son billet").await;
    let his = post(&alpha, &bob.actor, &climat, "Le billet de Bob").await;
    like(&alpha, &alice.actor, his).await;
    let app = api_common::register_app(&alpha, "read write", "urn:ietf:wg:oauth:2.0:oob").await;
    let token = api_common::password_token(&alpha, &app, "alice", "read").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = || async {
        alpha
            .client
            .get(alpha.url("/api/v1/accounts/verify_credentials"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(verify().await, 200);

    let mut browser = Browser::new(&alpha, "en");
    browser.log_in("alice").await;
    let page = browser
        .post(
            "/settings/delete",
            &[("delete_password", "wrong"), ("delete_confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"delete_password-error\""));
    let page = browser
        .post(
            "/settings/delete",
            &[("delete_password", "correct horse battery")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"delete_confirm-error\""));
    assert_eq!(verify().await, 200, "nothing changed yet");
    // Every door serves her account until she deletes it.
    let (ap, html, webfinger, by_id, lookup) = account_doors(&alpha, &alice.actor).await;
    assert_eq!((ap.0, ap.1["type"].as_str()), (200, Some("Person")));
    assert_eq!(
        (html.status, webfinger, by_id, lookup),
        (200, 200, 200, 200)
    );

    let page = browser
        .post(
            "/settings/delete",
            &[
                ("delete_password", "correct horse battery"),
                ("delete_confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/"));
    let page = browser.get("/").await;
    assert!(page.body.contains("href=\"/login\""), "signed out");
    assert_eq!(verify().await, 401, "API tokens revoked");
    assert_eq!(browser.get("/settings").await.status, 401);
    // Her account is gone from every door: a Tombstone for federation, a
    // 410 page for browsers, not found for WebFinger and the API.
    let (ap, html, webfinger, by_id, lookup) = account_doors(&alpha, &alice.actor).await;
    assert_eq!(ap.0, 410);
    assert_eq!(ap.1["type"], "Tombstone");
    assert_eq!(ap.1["formerType"], "Person");
    assert_eq!(ap.1["id"], alice.actor.ap_id.as_str());
    assert!(ap.1["deleted"].is_string());
    assert_eq!(html.status, 410);
    assert!(html.body.contains("Account deleted"), "{}", html.body);
    assert!(html.body.contains("deleted by its owner"));
    let fr = Browser::new(&alpha, "fr").get("/u/alice").await;
    assert_eq!(fr.status, 410);
    assert!(fr.body.contains("Compte supprimé"));
    assert_eq!((webfinger, by_id, lookup), (404, 404, 404));
    // Her collections are gone too.
    for collection in ["outbox", "followers", "following", "featured"] {
        let (status, _) = alpha
            .get_json(
                &format!("/u/alice/{collection}"),
                "application/activity+json",
            )
            .await;
        assert_eq!(status, 410, "{collection}");
    }
    // Bob's account is still served.
    assert_eq!(
        alpha
            .get_json("/u/bob", "application/activity+json")
            .await
            .0,
        200
    );

    // Her post is a tombstone, her like and membership gone, bob's post stays.
    let (post, likes, members) = alpha
        .with_db({
            let c = climat.actor.id;
            move |conn, _| {
                let post = content::post_by_id(conn, hers)?;
                let his = content::post_by_id(conn, his)?;
                let likes = content::like_count(conn, &Target::Post(his))?;
                Ok((
                    post,
                    likes,
                    recolte::domain::follows::follower_count(conn, c)?,
                ))
            }
        })
        .await
        .unwrap();
    assert!(post.deleted_at.is_some() && post.content_html.is_empty());
    assert_eq!((likes, members), (0, 0));
    let page = Browser::new(&alpha, "en")
        .get(&format!("/post/{hers}"))
        .await;
    assert!(!page.body.contains("Texte"));
    // She cannot log in; her name stays reserved, her address is free again.
    let mut again = Browser::new(&alpha, "en");
    again.get("/login").await;
    let page = again
        .post(
            "/login",
            &[("login", "alice"), ("password", "correct horse battery")],
        )
        .await;
    assert_eq!(page.status, 401);
    again.get("/signup").await;
    let page = again
        .post(
            "/signup",
            &[
                ("username", "alice"),
                ("email", "alice@example.org"),
                ("password", "another horse battery"),
            ],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("id=\"username-error\""));
    assert!(!page.body.contains("id=\"email-error\""));
}

#[tokio::test]
async fn the_last_administrator_cannot_delete_their_account() {
    let alpha = TestInstance::start(&[]).await;
    let chef = alpha.create_user("chef").await;
    alpha
        .with_db(move |conn, _| {
            use diesel::prelude::*;
            use recolte::schema::users;
            diesel::update(users::table.find(chef.user.id))
                .set(users::role.eq("admin"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let mut browser = Browser::new(&alpha, "fr");
    browser.log_in("chef").await;
    let page = browser
        .post(
            "/settings/delete",
            &[
                ("delete_password", "correct horse battery"),
                ("delete_confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("garder au moins un administrateur"));
    assert_eq!(
        browser.get("/settings").await.status,
        200,
        "still signed in"
    );
}

/// Makes an account an administrator (or moderator).
async fn promote(instance: &TestInstance, user_id: i64, role: &str) {
    let role = role.to_string();
    instance
        .with_db(move |conn, _| {
            use diesel::prelude::*;
            use recolte::schema::users;
            diesel::update(users::table.find(user_id))
                .set(users::role.eq(role))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn administrators_set_the_name_accent_and_registration_mode() {
    let alpha = TestInstance::start(&[]).await;
    let admin = alpha.create_user("patronne").await;
    promote(&alpha, admin.user.id, "admin").await;
    let modo = alpha.create_user("modo").await;
    promote(&alpha, modo.user.id, "moderator").await;
    alpha.create_user("membre").await;

    // Visitors log in first; members and moderators are refused.
    let mut visitor = Browser::new(&alpha, "fr");
    assert_eq!(visitor.get("/admin/settings").await.status, 401);
    // Until an accent is chosen, the stylesheet's own colours apply.
    assert!(visitor
        .get("/")
        .await
        .body
        .contains("href=\"/static/theme.css?v=2b6534\""));
    assert!(!visitor
        .get("/static/theme.css")
        .await
        .body
        .contains("--accent"));
    for name in ["membre", "modo"] {
        let mut b = Browser::new(&alpha, "fr");
        b.log_in(name).await;
        assert_eq!(b.get("/admin/settings").await.status, 403, "{name}");
        let page = b
            .post(
                "/admin/settings",
                &[
                    ("instance_name", "Pirate"),
                    ("accent", "#000000"),
                    ("registration_mode", "open"),
                ],
            )
            .await;
        assert_eq!(page.status, 403, "{name}");
        assert!(!b.get("/").await.body.contains("Pirate"));
    }

    let mut boss = Browser::new(&alpha, "fr");
    boss.log_in("patronne").await;
    let page = boss.get("/admin/settings").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"#2b6534\""));
    let bad: [(&str, &str, &str); 3] = [
        ("", "#2b6534", "instance_name"),
        ("Réseau", "#12", "accent"),
        ("Réseau", "vert", "accent"),
    ];
    for (name, accent, field) in bad {
        let page = boss
            .post(
                "/admin/settings",
                &[
                    ("instance_name", name),
                    ("instance_description", "Décrite"),
                    ("accent", accent),
                    ("registration_mode", "open"),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{accent}");
        assert!(page.body.contains(&format!("id=\"{field}-error\"")));
        assert!(
            page.body.contains(&format!("value=\"{accent}\"")),
            "input kept"
        );
    }
    let page = boss
        .post(
            "/admin/settings",
            &[
                ("instance_name", "Réseau des territoires"),
                (
                    "instance_description",
                    "Les ingénieurs de projet de la région.",
                ),
                ("accent", "#FF0"),
                ("registration_mode", "closed"),
            ],
        )
        .await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("couleur d’accent a été foncée"));
    assert!(page.body.contains("value=\"#ffff00\""));

    // Every page carries the name and the accent's stylesheet.
    let page = visitor.get("/").await;
    assert!(page
        .body
        .contains("<a class=\"brand\" href=\"/\">Réseau des territoires</a>"));
    assert!(page.body.contains("· Réseau des territoires</title>"));
    assert!(page.body.contains("Les ingénieurs de projet de la région."));
    assert!(page.body.contains("href=\"/static/theme.css?v=ffff00\""));
    assert!(!page.body.contains("href=\"/signup\""), "sign-ups closed");
    let css = visitor.get("/static/theme.css?v=ffff00").await;
    assert_eq!(css.status, 200);
    let theme = recolte::domain::instance_settings::theme("#ffff00");
    assert_ne!(theme.light, "#ffff00");
    assert!(css
        .body
        .starts_with(&format!(":root {{ --accent: {};", theme.light)));
    assert!(css.body.contains("prefers-color-scheme: dark"));

    // Closed for the web sign-up and the API registration, and said so.
    assert_eq!(visitor.get("/signup").await.status, 403);
    let page = visitor
        .post(
            "/signup",
            &[
                ("username", "nouvelle"),
                ("email", "nouvelle@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    let app = api_common::register_app(&alpha, "read write", "urn:ietf:wg:oauth:2.0:oob").await;
    let token: serde_json::Value = alpha
        .client
        .post(alpha.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app.0.as_str()),
            ("client_secret", app.1.as_str()),
            ("scope", "write"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let register =
        |name: &'static str| {
            let token = token["access_token"].as_str().unwrap().to_string();
            let alpha = &alpha;
            async move {
                alpha
                .client
                .post(alpha.url("/api/v1/accounts"))
                .bearer_auth(token)
                .json(&serde_json::json!({"username": name, "email": format!("{name}@example.org"),
                    "password": "correct horse battery", "agreement": true, "reason": "Pour voir"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
            }
        };
    assert_eq!(register("dan").await, 403);
    let (_, info) = alpha.get_json("/api/v2/instance", "application/json").await;
    assert_eq!(info["title"], "Réseau des territoires");
    assert_eq!(info["registrations"]["enabled"], false);

    // Approval: both sign-ups give pending accounts.
    boss.get("/admin/settings").await;
    let page = boss
        .post(
            "/admin/settings",
            &[
                ("instance_name", "Réseau des territoires"),
                ("accent", "#2b6534"),
                ("registration_mode", "approval"),
            ],
        )
        .await;
    let page = boss.follow(&page).await;
    assert!(page
        .body
        .contains("Les réglages de l’instance sont enregistrés."));
    assert!(!page.body.contains("foncée"));
    assert_eq!(register("eve").await, 200);
    let pending = boss.get("/admin").await;
    assert!(pending.body.contains("@eve"));
    assert!(pending.body.contains("Inscriptions sur validation"));
    let (_, nodeinfo) = alpha.get_json("/nodeinfo/2.1", "application/json").await;
    assert_eq!(nodeinfo["openRegistrations"], true);
    assert_eq!(nodeinfo["metadata"]["nodeName"], "Réseau des territoires");
}

// --- Instance logo (branding) ---

/// A multipart body carrying the logo field and the form's token.
fn logo_form(token: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let (boundary, body) = api_common::multipart(
        &[("csrf_token", token)],
        &[api_common::FilePart {
            field: "logo",
            content_type: "image/png",
            bytes,
        }],
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The logo's file name as the page header shows it.
fn header_logo(html: &str) -> Option<String> {
    let prefix = "<img class=\"logo\" src=\"/media/";
    let start = html.find(prefix)? + prefix.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

#[tokio::test]
async fn administrators_upload_replace_and_remove_the_logo() {
    let alpha = TestInstance::start(&[("RECOLTE_MEDIA_MAX_BYTES", "4096")]).await;
    let admin = alpha.create_user("patronne").await;
    promote(&alpha, admin.user.id, "admin").await;
    alpha.create_user("membre").await;
    let name = alpha
        .get_json("/api/v1/instance", "application/json")
        .await
        .1["title"]
        .as_str()
        .unwrap()
        .to_string();

    // Members are refused, and nothing changes.
    let mut member = Browser::new(&alpha, "fr");
    member.log_in("membre").await;
    member.get("/").await;
    let (kind, body) = logo_form(&member.token.clone(), &api_common::png(64, 32));
    let page = member.post_body("/admin/settings/logo", &kind, body).await;
    assert_eq!(page.status, 403);
    assert_eq!(
        member.post("/admin/settings/logo/remove", &[]).await.status,
        403
    );
    assert_eq!(header_logo(&member.get("/").await.body), None);

    let mut boss = Browser::new(&alpha, "fr");
    boss.log_in("patronne").await;
    let form = boss.get("/admin/settings").await;
    assert!(form
        .body
        .contains("id=\"logo\" name=\"logo\" type=\"file\""));
    assert!(
        !form.body.contains("/admin/settings/logo/remove"),
        "nothing to remove"
    );
    let token = boss.token.clone();
    // A wrong token is refused.
    let (kind, body) = logo_form(&"0".repeat(token.len()), &api_common::png(64, 32));
    assert_eq!(
        boss.post_body("/admin/settings/logo", &kind, body)
            .await
            .status,
        403
    );
    // Not an image, or too large: the error is next to the field.
    let (kind, body) = logo_form(&token, b"GIF? no");
    let page = boss.post_body("/admin/settings/logo", &kind, body).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"logo-error\""), "{}", page.body);
    assert!(page
        .body
        .contains("aria-describedby=\"logo-help logo-error\" aria-invalid=\"true\""));
    let mut big = api_common::png(64, 32);
    big.resize(5000, 0);
    let (kind, body) = logo_form(&token, &big);
    let page = boss.post_body("/admin/settings/logo", &kind, body).await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("id=\"logo-error\""));
    assert_eq!(
        header_logo(&boss.get("/").await.body),
        None,
        "nothing changed"
    );
    let (_, v1) = alpha.get_json("/api/v1/instance", "application/json").await;
    assert_eq!(v1["thumbnail"], serde_json::Value::Null);

    // Uploaded: in every page's header, with the name as its text.
    let (kind, body) = logo_form(&token, &api_common::png(64, 32));
    let page = boss.post_body("/admin/settings/logo", &kind, body).await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("Le logo est enregistré."));
    assert!(page.body.contains("/admin/settings/logo/remove"));
    let visitor = Browser::new(&alpha, "en").get("/communities").await;
    let first = header_logo(&visitor.body).expect("the logo in the header");
    assert!(visitor
        .body
        .contains(&format!("src=\"/media/{first}\" alt=\"{name}\"")));
    assert!(!visitor
        .body
        .contains(&format!("<a class=\"brand\" href=\"/\">{name}</a>")));
    let url = format!("{}/media/{first}", alpha.base);
    let served = alpha.client.get(&url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    let (_, v1) = alpha.get_json("/api/v1/instance", "application/json").await;
    assert_eq!(v1["thumbnail"], url.as_str());
    let (_, v2) = alpha.get_json("/api/v2/instance", "application/json").await;
    assert_eq!(v2["thumbnail"]["url"], url.as_str());

    // Replaced: the new one is shown, the previous file is gone.
    let (kind, body) = logo_form(&token, &api_common::png(32, 32));
    let page = boss.post_body("/admin/settings/logo", &kind, body).await;
    assert_eq!(page.status, 303);
    let second = header_logo(&boss.get("/").await.body).unwrap();
    assert_ne!(first, second);
    assert_eq!(alpha.client.get(&url).send().await.unwrap().status(), 404);
    // A refused image keeps the logo in place.
    let (kind, body) = logo_form(&token, b"not an image");
    assert_eq!(
        boss.post_body("/admin/settings/logo", &kind, body)
            .await
            .status,
        422
    );
    assert_eq!(header_logo(&boss.get("/").await.body), Some(second.clone()));
    // Other settings saved afterwards keep it.
    let page = boss
        .post(
            "/admin/settings",
            &[
                ("instance_name", "Réseau des territoires"),
                ("instance_description", ""),
                ("accent", "#2b6534"),
                ("registration_mode", "open"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(header_logo(&boss.get("/").await.body), Some(second.clone()));

    // Removed: the name is back in the header, the file gone.
    let page = boss.post("/admin/settings/logo/remove", &[]).await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("Le logo est retiré."));
    assert_eq!(header_logo(&page.body), None);
    assert!(page
        .body
        .contains("<a class=\"brand\" href=\"/\">Réseau des territoires</a>"));
    let old = format!("{}/media/{second}", alpha.base);
    assert_eq!(alpha.client.get(&old).send().await.unwrap().status(), 404);
    let (_, v1) = alpha.get_json("/api/v1/instance", "application/json").await;
    assert_eq!(v1["thumbnail"], serde_json::Value::Null);
}

// --- end instance logo ---

#[tokio::test]
async fn administrators_change_roles_and_suspend_accounts() {
    let alpha = TestInstance::start(&[]).await;
    let admin = alpha.create_user("patronne").await;
    promote(&alpha, admin.user.id, "admin").await;
    let bob = alpha.create_user("bob").await;
    let mut member = Browser::new(&alpha, "fr");
    member.log_in("bob").await;
    // Members are refused, nothing changes.
    for path in [
        format!("/admin/users/{}/role", admin.user.id),
        format!("/admin/users/{}/suspend", admin.user.id),
    ] {
        let page = member.post(&path, &[("role", "member")]).await;
        assert_eq!(page.status, 403, "{path}");
    }
    assert_eq!(member.get("/admin").await.status, 403);

    let mut boss = Browser::new(&alpha, "fr");
    boss.log_in("patronne").await;
    let page = boss.get("/admin").await;
    assert!(page
        .body
        .contains(&format!("action=\"/admin/users/{}/role\"", bob.user.id)));
    // The last administrator stays one.
    let page = boss
        .post(
            &format!("/admin/users/{}/role", admin.user.id),
            &[("role", "member")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("garder au moins un administrateur"));
    let page = boss
        .post(&format!("/admin/users/{}/suspend", admin.user.id), &[])
        .await;
    assert_eq!(page.status, 422);
    let page = boss
        .post(
            &format!("/admin/users/{}/role", bob.user.id),
            &[("role", "chef")],
        )
        .await;
    assert_eq!(page.status, 422);

    let page = boss
        .post(
            &format!("/admin/users/{}/role", bob.user.id),
            &[("role", "moderator")],
        )
        .await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("Le rôle du compte est changé."));
    let role = |id: i64| {
        let alpha = &alpha;
        async move {
            alpha
                .with_db(move |conn, _| recolte::domain::accounts::find_by_id(conn, id))
                .await
                .unwrap()
                .user
        }
    };
    assert_eq!(role(bob.user.id).await.role, "moderator");

    // Suspension ends bob's session at once; reactivation lets him back.
    let page = boss
        .post(&format!("/admin/users/{}/suspend", bob.user.id), &[])
        .await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("Le compte est suspendu"));
    assert_eq!(role(bob.user.id).await.status, "suspended");
    assert_eq!(member.get("/settings").await.status, 401);
    let page = boss
        .post(&format!("/admin/users/{}/suspend", bob.user.id), &[])
        .await;
    assert_eq!(page.status, 422, "already suspended");
    let page = boss
        .post(&format!("/admin/users/{}/reactivate", bob.user.id), &[])
        .await;
    let page = boss.follow(&page).await;
    assert!(page.body.contains("Le compte est réactivé"));
    member.log_in("bob").await;
    assert_eq!(member.get("/settings").await.status, 200);

    // A second administrator: now the first may step down.
    boss.post(
        &format!("/admin/users/{}/role", bob.user.id),
        &[("role", "admin")],
    )
    .await;
    let page = boss
        .post(
            &format!("/admin/users/{}/role", admin.user.id),
            &[("role", "member")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(boss.get("/admin").await.status, 403);
}

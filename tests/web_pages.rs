//! The web interface over HTTP: every page's status and key content in
//! French and English, what visitors, members, moderators and admins may
//! do, CSRF refusals that change nothing, and form errors that keep input.

mod common;

use common::browser::Browser;
use common::TestInstance;
use recolte::domain::communities::MembershipPolicy;
use recolte::web::i18n::{Lang, Translator};

/// The id at the end of a `/post/ID` location.
fn post_id(location: &str) -> i64 {
    location
        .trim_start_matches("/post/")
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Comment ids in a page, in order.
fn comment_ids(html: &str) -> Vec<i64> {
    html.split("<article class=\"comment")
        .skip(1)
        .filter_map(|s| s.split("id=\"comment-").nth(1))
        .filter_map(|s| s.split('"').next())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Creates a member whose account is set to English.
async fn english_user(instance: &TestInstance, name: &str) {
    let account = instance.create_user(name).await;
    instance
        .with_db(move |conn, _| recolte::domain::accounts::set_locale(conn, account.user.id, "en"))
        .await
        .unwrap();
}

async fn seed_post(
    instance: &TestInstance,
    author: &recolte::domain::actors::Actor,
    community: &recolte::domain::communities::Community,
    title: &str,
) -> i64 {
    let (author, community, title) = (author.clone(), community.clone(), title.to_string());
    instance
        .with_db(move |conn, config| {
            recolte::domain::content::create_post(
                conn,
                config,
                &author,
                Some(&community),
                &recolte::domain::content::PostDraft {
                    title,
                    body: "Un **compte rendu** de la journée.".into(),
                    ..Default::default()
                },
            )
        })
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn visitor_pages_in_french_and_english_with_safety_headers() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let post = seed_post(&alpha, &alice.actor, &climat, "Retour sur l’atelier").await;
    let today = chrono::Utc::now().naive_utc();

    let cases: [(&str, &str, &[&str]); 2] = [
        (
            "fr",
            "fr-FR,fr;q=0.9,en;q=0.5",
            &[
                "Communautés publiques",
                "1 membre",
                "Connexion",
                "Créer un compte",
                "Annuaire des communautés",
                "Aller au contenu",
            ],
        ),
        (
            "en",
            "en-GB,en;q=0.9",
            &[
                "Public communities",
                "0 members",
                "Log in",
                "Sign up",
                "Community directory",
                "Skip to content",
            ],
        ),
    ];
    for (code, header, texts) in cases {
        let t = Translator::new(Lang::parse(code).unwrap());
        let mut visitor = Browser::new(&alpha, header);
        let mut seen = String::new();
        for path in ["/", "/communities", "/login", "/signup"] {
            let page = visitor.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(page.body.contains(&format!("<html lang=\"{code}\">")));
            assert!(page.body.contains("<main id=\"contenu\""));
            seen.push_str(&page.body);
        }
        // Fix the member count shown for this language's check.
        if code == "fr" {
            alpha
                .with_db({
                    let (a, c) = (alice.actor.clone(), climat.actor.clone());
                    move |conn, config| recolte::domain::follows::follow(conn, config, &a, &c)
                })
                .await
                .unwrap();
            seen.push_str(&visitor.get("/communities").await.body);
        } else {
            let bob = alpha.create_user("bob").await;
            alpha
                .create_community(&bob.actor, "vide", MembershipPolicy::Open)
                .await;
            seen.push_str(&visitor.get("/communities").await.body);
        }
        for text in texts {
            assert!(seen.contains(text), "{code}: {text}");
        }

        let page = visitor.get("/c/climat").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Communauté climat"));
        assert!(page.body.contains("Retour sur l’atelier"));
        assert!(page.body.contains(&t.get("community-login-to-join")));
        assert!(page.body.contains(&t.date(&today)), "a localised date");

        let page = visitor.get(&format!("/post/{post}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<strong>compte rendu</strong>"));
        assert!(page.body.contains(&t.get("comment-login")));
        assert!(
            !page.body.contains("/like\""),
            "visitors get no like button"
        );

        let page = visitor.get("/u/alice").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("@alice@"));
        assert!(page.body.contains(&t.get("profile-posts")));

        for path in ["/no/such/page", "/c/nothing", "/u/nobody", "/post/999999"] {
            let page = visitor.get(path).await;
            assert_eq!(page.status, 404, "{path}");
            assert!(page.body.contains(&t.get("error-title-404")), "{path}");
        }
        for path in ["/communities/new", "/settings", "/c/climat/submit"] {
            let page = visitor.get(path).await;
            assert_eq!(page.status, 401, "{path}");
            assert!(page.body.contains(&t.get("error-login-needed")));
        }
    }

    // Safety headers and cookies.
    let mut visitor = Browser::new(&alpha, "fr");
    let page = visitor.get("/").await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert_eq!(page.headers["cache-control"], "private, no-cache");
    let cookie = page.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("recolte_csrf="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!page.body.contains("<script"), "no script is needed");
    assert!(!page.body.contains("style="), "no inline style");
    let css = alpha
        .client
        .get(alpha.url("/static/style.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("prefers-color-scheme: dark") && css.contains("@media print"));
    assert!(css.len() < 60_000);
    // The cookie is set once; later pages reuse it.
    let page = visitor.get("/communities").await;
    assert!(page.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let post = seed_post(&alpha, &alice.actor, &climat, "Atelier").await;
    english_user(&alpha, "bob").await;

    // Before a session: log-in and sign-up need the cookie's token too.
    let mut visitor = Browser::new(&alpha, "fr");
    visitor.get("/login").await;
    let page = visitor
        .post_raw(
            "/login",
            &[("login", "bob"), ("password", "correct horse battery")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("Le formulaire a expiré"));
    assert!(!visitor.cookies.contains_key("recolte_session"));
    let page = visitor
        .post_raw(
            "/signup",
            &[
                ("username", "mallory"),
                ("email", "m@example.org"),
                ("password", "longenough"),
                ("csrf_token", "0000"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    // A token without its cookie is refused too.
    let token = visitor.token.clone();
    let r = alpha
        .client
        .post(alpha.url("/login"))
        .form(&[
            ("login", "bob"),
            ("password", "correct horse battery"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let mut bob = Browser::new(&alpha, "en");
    bob.log_in("bob").await;
    let forged: &[(&str, &[(&str, &str)])] = &[
        (
            "/communities/new",
            &[
                ("name", "forged"),
                ("title", "Forged"),
                ("kind", "interest"),
                ("membership", "open"),
            ],
        ),
        ("/c/climat/join", &[]),
        (
            "/c/climat/submit",
            &[("title", "Forged"), ("body", "forged")],
        ),
        ("/settings", &[("locale", "fr")]),
        ("/u/alice/follow", &[]),
        ("/logout", &[]),
    ];
    let post_path = format!("/post/{post}/comment");
    let like_path = format!("/post/{post}/like");
    let delete_path = format!("/post/{post}/delete");
    let more: Vec<(&str, &[(&str, &str)])> = vec![
        (post_path.as_str(), &[("body", "forged")]),
        (like_path.as_str(), &[]),
        (delete_path.as_str(), &[]),
    ];
    for (path, fields) in forged.iter().copied().chain(more) {
        let page = bob.post_raw(path, fields).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.body.contains("The form has expired"), "{path}");
        let mut with_wrong = fields.to_vec();
        with_wrong.push(("csrf_token", "f00d"));
        assert_eq!(bob.post_raw(path, &with_wrong).await.status, 403, "{path}");
    }
    let (communities, members, comments, likes, locale, posts) = alpha
        .with_db(move |conn, config| {
            use diesel::prelude::*;
            use recolte::schema::*;
            let bob = recolte::domain::accounts::find_by_username(conn, config, "bob")?;
            Ok((
                communities::table.count().get_result::<i64>(conn)?,
                follows::table.count().get_result::<i64>(conn)?,
                comments::table.count().get_result::<i64>(conn)?,
                likes::table.count().get_result::<i64>(conn)?,
                bob.user.locale,
                posts::table
                    .filter(posts::deleted_at.is_null())
                    .count()
                    .get_result::<i64>(conn)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        (communities, members, comments, likes, posts),
        (1, 0, 0, 0, 1)
    );
    assert_eq!(locale, "en", "the account's language is unchanged");
    // Still logged in: the forged log-out did nothing.
    assert!(bob.get("/").await.body.contains("@bob@"));
}

#[tokio::test]
async fn creating_a_community_shows_errors_next_to_fields_and_keeps_input() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("alice").await;
    let mut alice = Browser::new(&alpha, "fr");
    alice.log_in("alice").await;
    let page = alice.get("/communities/new").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("<label for=\"name\">Identifiant</label>"));

    let page = alice
        .post(
            "/communities/new",
            &[
                ("name", "x"),
                ("title", "Mobilités douces"),
                ("description", "Vélo & covoiturage"),
                ("kind", "project"),
                ("membership", "approval"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"name-error\""));
    assert!(page.body.contains("de 2 à 30 caractères"));
    assert!(page
        .body
        .contains("aria-describedby=\"name-help name-error\""));
    assert!(page.body.contains("value=\"Mobilités douces\""));
    assert!(page.body.contains(">Vélo &#38; covoiturage</textarea>"));
    assert!(page.body.contains("value=\"project\" selected"));
    assert!(page.body.contains("value=\"approval\" checked"));

    let page = alice
        .post(
            "/communities/new",
            &[
                ("name", "mobilites"),
                ("title", ""),
                ("kind", "project"),
                ("membership", "open"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"title-error\""));
    let page = alice
        .post(
            "/communities/new",
            &[
                ("name", "mobilites"),
                ("title", "Mobilités"),
                ("kind", "galaxy"),
                ("membership", "open"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"kind-error\""));

    let page = alice
        .post(
            "/communities/new",
            &[
                ("name", "mobilites"),
                ("title", "Mobilités douces"),
                ("description", "Vélo et covoiturage"),
                ("kind", "project"),
                ("membership", "open"),
            ],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/c/mobilites"));
    let page = alice.follow(&page).await;
    assert!(page.body.contains("La communauté est créée"));
    assert!(page.body.contains("Mobilités douces"));
    assert!(page.body.contains("Projet"));
    // The flash is shown once.
    assert!(!alice
        .get("/c/mobilites")
        .await
        .body
        .contains("La communauté est créée"));

    let page = alice
        .post(
            "/communities/new",
            &[
                ("name", "Mobilites"),
                ("title", "Autre"),
                ("kind", "interest"),
                ("membership", "open"),
            ],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("Cet identifiant est déjà pris"));

    // Directory: filters by kind and text.
    alice
        .post(
            "/communities/new",
            &[
                ("name", "eau"),
                ("title", "Gestion de l’eau"),
                ("kind", "territory"),
                ("membership", "open"),
            ],
        )
        .await;
    let page = alice.get("/communities?kind=project").await;
    assert!(page.body.contains("Mobilités douces") && !page.body.contains("Gestion de l’eau"));
    let page = alice.get("/communities?q=EAU").await;
    assert!(!page.body.contains("Mobilités douces") && page.body.contains("Gestion de l’eau"));
    let page = alice.get("/communities?q=%25").await;
    assert!(page.body.contains("Aucune communauté ne correspond"));
    let page = alice.get("/communities?kind=galaxy").await;
    assert_eq!(page.status, 422);
}

#[tokio::test]
async fn joining_leaving_and_moderating_requests() {
    let alpha = TestInstance::start(&[]).await;
    let moderator = alpha.create_user("modo").await;
    alpha.create_user("claire").await;
    english_user(&alpha, "david").await;
    alpha
        .create_community(&moderator.actor, "ouverte", MembershipPolicy::Open)
        .await;
    alpha
        .create_community(&moderator.actor, "filtree", MembershipPolicy::Approval)
        .await;
    alpha
        .create_community(&moderator.actor, "privee", MembershipPolicy::Invitation)
        .await;

    let mut claire = Browser::new(&alpha, "fr");
    claire.log_in("claire").await;
    let page = claire.get("/c/ouverte").await;
    assert!(page.body.contains(">Rejoindre<"));
    let page = claire.post("/c/ouverte/join", &[]).await;
    let page = claire.follow(&page).await;
    assert!(page.body.contains("Vous avez rejoint la communauté"));
    assert!(page.body.contains("1 membre"));
    assert!(page.body.contains("Quitter la communauté"));
    let home = claire.get("/").await;
    assert!(home.body.contains("Vos communautés") && home.body.contains("/c/ouverte"));
    let page = claire.post("/c/ouverte/leave", &[]).await;
    let page = claire.follow(&page).await;
    assert!(page.body.contains("Vous avez quitté la communauté"));
    assert!(page.body.contains("0 membre"));

    // On approval: pending until a moderator answers.
    let page = claire.get("/c/filtree").await;
    assert!(page.body.contains("Demander à rejoindre"));
    assert!(!page.body.contains("Demandes d’adhésion"));
    let page = claire.post("/c/filtree/join", &[]).await;
    let page = claire.follow(&page).await;
    assert!(page.body.contains("un modérateur doit l’accepter"));
    assert!(page.body.contains("Annuler la demande"));
    let mut david = Browser::new(&alpha, "en");
    david.log_in("david").await;
    david.get("/c/filtree").await;
    david.post("/c/filtree/join", &[]).await;
    let page = david.get("/c/filtree").await;
    assert!(
        !page.body.contains("Membership requests"),
        "members do not moderate"
    );

    let mut modo = Browser::new(&alpha, "fr");
    modo.log_in("modo").await;
    let page = modo.get("/c/filtree").await;
    assert!(page.body.contains("Demandes d’adhésion"));
    assert!(page.body.contains("Accepter la demande de claire"));
    let requests: Vec<String> = page
        .body
        .split("action=\"/c/filtree/requests/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(requests.len(), 2);
    // Another member cannot answer them.
    let page = david
        .post(
            &format!("/c/filtree/requests/{}", requests[0]),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = modo
        .post(
            &format!("/c/filtree/requests/{}", requests[0]),
            &[("decision", "accept")],
        )
        .await;
    let page = modo.follow(&page).await;
    assert!(page.body.contains("La demande est acceptée"));
    assert!(page.body.contains("1 membre"));
    let page = modo
        .post(
            &format!("/c/filtree/requests/{}", requests[1]),
            &[("decision", "reject")],
        )
        .await;
    let page = modo.follow(&page).await;
    assert!(page.body.contains("La demande est refusée"));
    assert!(page.body.contains("Aucune demande en attente"));
    let page = claire.get("/c/filtree").await;
    assert!(page.body.contains("Quitter la communauté"));
    assert!(page.body.contains("Écrire une publication"));
    let page = david.get("/c/filtree").await;
    assert!(page.body.contains("Ask to join"));

    // Settings: moderators only; errors next to fields; then applied.
    assert!(!claire
        .get("/c/ouverte")
        .await
        .body
        .contains("/c/ouverte/settings"));
    assert_eq!(claire.get("/c/ouverte/settings").await.status, 403);
    let page = claire
        .post(
            "/c/ouverte/settings",
            &[("title", "Pris"), ("membership", "open")],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = modo.get("/c/ouverte").await;
    assert!(page.body.contains("href=\"/c/ouverte/settings\""));
    let page = modo.get("/c/ouverte/settings").await;
    assert!(page.body.contains("value=\"open\" checked"));
    let page = modo
        .post(
            "/c/ouverte/settings",
            &[
                ("title", " "),
                ("rules", "Bienveillance et entraide."),
                ("membership", "approval"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"title-error\""));
    assert!(page.body.contains(">Bienveillance et entraide.</textarea>"));
    let page = modo
        .post(
            "/c/ouverte/settings",
            &[
                ("title", "Ouverte puis filtrée"),
                ("description", "Nouvelle description"),
                ("rules", "Bienveillance et entraide."),
                ("membership", "approval"),
            ],
        )
        .await;
    let page = modo.follow(&page).await;
    assert!(page
        .body
        .contains("Les paramètres de la communauté sont enregistrés"));
    for text in [
        "Ouverte puis filtrée",
        "Nouvelle description",
        "Bienveillance et entraide.",
        "sur validation",
    ] {
        assert!(page.body.contains(text), "{text}");
    }

    // By invitation: no way in.
    let page = claire.get("/c/privee").await;
    assert!(page.body.contains("que sur invitation"));
    let page = claire.post("/c/privee/join", &[]).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("que sur invitation"));
}

#[tokio::test]
async fn posts_comments_likes_edits_and_deletions() {
    let alpha = TestInstance::start(&[]).await;
    let modo = alpha.create_user("modo").await;
    alpha.create_user("emma").await;
    english_user(&alpha, "felix").await;
    alpha
        .with_db(|conn, config| {
            recolte::domain::accounts::create(
                conn,
                config,
                &recolte::domain::accounts::NewAccount {
                    username: "root_admin".into(),
                    email: "admin@example.org".into(),
                    password: "correct horse battery".into(),
                    role: recolte::domain::accounts::Role::Admin,
                    signup_reason: String::new(),
                },
                recolte::domain::accounts::AccountStatus::Active,
            )
        })
        .await
        .unwrap();
    alpha
        .create_community(&modo.actor, "climat", MembershipPolicy::Open)
        .await;

    let mut emma = Browser::new(&alpha, "fr");
    emma.log_in("emma").await;
    let page = emma.get("/c/climat/submit").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("option value=\"fr\" selected"));
    let page = emma
        .post(
            "/c/climat/submit",
            &[
                ("title", "  "),
                ("body", "Mon *brouillon*"),
                ("link", ""),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"title-error\""));
    assert!(page.body.contains("Mon *brouillon*"), "input kept");
    let page = emma
        .post(
            "/c/climat/submit",
            &[
                ("title", "Bilan"),
                ("body", "x"),
                ("link", "javascript:alert(1)"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"link-error\""));
    let page = emma
        .post(
            "/c/climat/submit",
            &[
                ("title", "Bilan"),
                ("body", "Du **gras**"),
                ("language", "fr"),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("id=\"preview-title\"") && page.body.contains("<strong>gras</strong>")
    );
    assert!(page.body.contains(">Du **gras**</textarea>"), "input kept");
    let nothing = alpha
        .with_db(|conn, _| {
            use diesel::prelude::*;
            Ok(recolte::schema::posts::table
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(nothing, 0, "a preview publishes nothing");
    let page = emma
        .post(
            "/c/climat/submit",
            &[
                ("title", "Bilan carbone"),
                ("body", "Un **bilan** <script>alert(1)</script>"),
                ("link", "https://example.org/bilan"),
                ("language", "fr"),
            ],
        )
        .await;
    let location = page.location.clone().unwrap();
    let post = post_id(&location);
    let page = emma.follow(&page).await;
    assert!(page.body.contains("Votre publication est en ligne"));
    assert!(page.body.contains("<strong>bilan</strong>"));
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("href=\"https://example.org/bilan\""));
    assert!(page.body.contains("Aucun commentaire"));

    // Comments and replies, with anchors.
    let page = emma
        .post(&format!("/post/{post}/comment"), &[("body", "   ")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"comment-body-error\""));
    let page = emma
        .post(
            &format!("/post/{post}/comment"),
            &[("body", "Premier avis")],
        )
        .await;
    let first: i64 = page
        .location
        .as_deref()
        .unwrap()
        .split("#comment-")
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut felix = Browser::new(&alpha, "en");
    felix.log_in("felix").await;
    felix.get(&format!("/post/{post}")).await;
    let page = felix
        .post(
            &format!("/post/{post}/comment"),
            &[("body", "A reply"), ("parent", &first.to_string())],
        )
        .await;
    let page = felix.follow(&page).await;
    assert!(page.body.contains("Your comment is published"));
    assert!(page.body.contains("2 comments"));
    let ids = comment_ids(&page.body);
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], first);
    // The reply is nested in the comment it answers (collapsed with it).
    let (_, inside) = page
        .body
        .split_once(&format!("id=\"comment-{first}\""))
        .unwrap();
    let (inside, _) = inside.split_once("</article>").unwrap();
    assert!(inside.contains(&format!("id=\"comment-{}\"", ids[1])));
    assert!(page
        .body
        .contains(&format!("href=\"/post/{post}/c/{first}\"")));
    // The comment's own URL leads to its anchor.
    let page = felix.get(&format!("/comment/{first}")).await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("/post/{post}#comment-{first}").as_str())
    );
    // An empty reply keeps its box open with the error.
    let page = felix
        .post(
            &format!("/post/{post}/comment"),
            &[("body", ""), ("parent", &first.to_string())],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"comment-body-error\""));
    assert!(page
        .body
        .contains(&format!("name=\"parent\" value=\"{first}\"")));

    // Likes toggle.
    let page = felix.post(&format!("/post/{post}/like"), &[]).await;
    let page = felix.follow(&page).await;
    assert!(page.body.contains("Like (1)") && page.body.contains("aria-pressed=\"true\""));
    let page = felix
        .post(&format!("/post/{post}/like"), &[("undo", "1")])
        .await;
    let page = felix.follow(&page).await;
    assert!(page.body.contains("You no longer like this message"));
    assert!(page.body.contains("Like (0)"));
    let page = felix.post(&format!("/comment/{first}/like"), &[]).await;
    let page = felix.follow(&page).await;
    let liked_comment = format!(
        "formaction=\"/comment/{first}/like\" class=\"link\" name=\"undo\" value=\"1\" \
         aria-pressed=\"true\">Like (1)"
    );
    assert!(
        page.body.contains(&liked_comment),
        "the liker sees it pressed"
    );

    // Editing: the author only.
    let page = felix.get(&format!("/post/{post}/edit")).await;
    assert_eq!(page.status, 403);
    let page = felix
        .post(
            &format!("/post/{post}/edit"),
            &[("title", "Pirate"), ("body", "x")],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = emma.get(&format!("/post/{post}/edit")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("value=\"Bilan carbone\""));
    let page = emma
        .post(
            &format!("/post/{post}/edit"),
            &[
                ("title", "Bilan carbone 2026"),
                ("body", "Mis à jour"),
                ("link", ""),
                ("language", "fr"),
            ],
        )
        .await;
    let page = emma.follow(&page).await;
    assert!(page.body.contains("Vos modifications sont enregistrées"));
    assert!(page.body.contains("Bilan carbone 2026") && page.body.contains("modifié"));
    let page = emma
        .post(&format!("/comment/{first}/edit"), &[("body", "Avis revu")])
        .await;
    let page = emma.follow(&page).await;
    assert!(page.body.contains("Avis revu"));
    assert!(page.body.contains("J’aime (1)"), "the comment's like stays");
    assert!(
        page.body.contains(&format!(
            "formaction=\"/comment/{first}/like\" class=\"link\" aria-pressed=\"false\">J’aime (1)"
        )),
        "another member sees the count, not pressed"
    );

    // Deleting: not by another member, nor by an admin who does not
    // moderate the community; by the moderator, yes.
    let mut admin = Browser::new(&alpha, "fr");
    admin.log_in("root_admin").await;
    for who in [&mut felix, &mut admin] {
        who.get(&format!("/post/{post}")).await;
        let page = who.post(&format!("/post/{post}/delete"), &[]).await;
        assert_eq!(page.status, 403);
    }
    let page = felix.get(&format!("/post/{post}")).await;
    assert!(!page.body.contains(&format!("/post/{post}/delete")));
    let reply = ids[1];
    let page = felix.post(&format!("/comment/{reply}/delete"), &[]).await;
    let page = felix.follow(&page).await;
    assert!(page.body.contains("The comment is deleted"));
    assert!(page.body.contains("This comment was deleted"));
    let mut moderator = Browser::new(&alpha, "fr");
    moderator.log_in("modo").await;
    let page = moderator.get(&format!("/post/{post}")).await;
    assert!(page.body.contains(&format!("/post/{post}/delete")));
    // The delete link asks first.
    let page = moderator.get(&format!("/post/{post}/delete")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Supprimer cette publication ?"));
    assert!(page
        .body
        .contains(&format!("action=\"/post/{post}/delete\"")));
    let page = moderator.post(&format!("/post/{post}/delete"), &[]).await;
    assert_eq!(page.location.as_deref(), Some("/c/climat"));
    let page = moderator.follow(&page).await;
    assert!(page.body.contains("La publication est supprimée"));
    assert!(!page.body.contains("Bilan carbone"));
    let page = moderator.get(&format!("/post/{post}")).await;
    assert!(page.body.contains("Cette publication a été supprimée"));
}

#[tokio::test]
async fn community_posts_are_paged_with_pinned_first() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let first = seed_post(&alpha, &alice.actor, &climat, "Tout premier").await;
    for i in 0..22 {
        seed_post(&alpha, &alice.actor, &climat, &format!("Publication {i}")).await;
    }
    alpha
        .with_db(move |conn, _| {
            use diesel::prelude::*;
            use recolte::schema::posts;
            diesel::update(posts::table.find(first))
                .set(posts::pinned.eq(true))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let mut visitor = Browser::new(&alpha, "en");
    let page = visitor.get("/c/climat").await;
    let titles: Vec<&str> = page
        .body
        .split("<h3><a href=\"/post/")
        .skip(1)
        .filter_map(|s| s.split('>').nth(1))
        .filter_map(|s| s.split('<').next())
        .collect();
    assert_eq!(titles.len(), 21, "the pinned post and a page of others");
    assert_eq!(titles[0], "Tout premier", "pinned first");
    assert!(page.body.contains("Pinned"));
    assert_eq!(titles[1], "Publication 21");
    assert_eq!(titles[20], "Publication 2");
    let next = page
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(next.starts_with("/c/climat?before="), "{next}");
    let page = visitor.get(&next).await;
    assert!(page.body.contains("Publication 1<") && page.body.contains("Publication 0<"));
    assert!(!page.body.contains("Publication 21"));
    assert!(
        !page.body.contains("Tout premier"),
        "pinned posts are not repeated"
    );
    assert!(!page.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn profiles_follows_and_language_setting() {
    let alpha = TestInstance::start(&[]).await;
    let gael = alpha.create_user("gael").await;
    alpha.create_user("hana").await;
    let climat = alpha
        .create_community(&gael.actor, "climat", MembershipPolicy::Open)
        .await;
    seed_post(&alpha, &gael.actor, &climat, "Note de terrain").await;
    alpha
        .with_db({
            let (a, c) = (gael.actor.clone(), climat.actor.clone());
            move |conn, config| recolte::domain::follows::follow(conn, config, &a, &c)
        })
        .await
        .unwrap();

    let mut hana = Browser::new(&alpha, "fr");
    hana.log_in("hana").await;
    let page = hana.get("/u/gael").await;
    assert!(page.body.contains("Note de terrain"));
    assert!(page.body.contains("Communauté climat"));
    assert!(hana.get("/").await.body.contains("Votre fil est vide"));
    let page = hana.post("/u/gael/follow", &[]).await;
    let page = hana.follow(&page).await;
    assert!(page.body.contains("Vous suivez maintenant cette personne"));
    assert!(page.body.contains("Ne plus suivre"));
    // The feed shows the posts of followed people, with their community.
    let home = hana.get("/").await;
    assert!(home.body.contains("Note de terrain"));
    assert!(home
        .body
        .contains("<p class=\"crumb\"><a href=\"/c/climat\">Communauté climat</a>"));
    let page = hana.post("/u/gael/unfollow", &[]).await;
    let page = hana.follow(&page).await;
    assert!(page.body.contains("Vous ne suivez plus cette personne"));
    assert!(!hana.get("/").await.body.contains("Note de terrain"));
    let page = hana.get("/u/hana").await;
    assert!(page.body.contains("Vous n’avez encore rien publié"));
    assert!(
        !page.body.contains("/u/hana/follow"),
        "no following oneself"
    );
    let page = hana.post("/u/hana/follow", &[]).await;
    assert_eq!(page.status, 422);

    // The account's language wins over the browser's.
    let page = hana.get("/settings").await;
    assert!(page
        .body
        .contains("option value=\"fr\" lang=\"fr\" selected"));
    let page = hana.post("/settings", &[("locale", "klingon")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"locale-error\""));
    // The profile: refused input kept with its error, then saved and shown.
    let long = "x".repeat(101);
    let page = hana
        .post(
            "/settings/profile",
            &[
                ("display_name", long.as_str()),
                ("structure", "Agence de l’eau"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"display_name-error\""));
    assert!(page.body.contains("value=\"Agence de l’eau\""));
    let page = hana
        .post(
            "/settings/profile",
            &[
                ("display_name", "Hana Kato"),
                ("summary", "Hydrologue."),
                ("structure", "Agence de l’eau"),
                ("job_title", "Chargée de mission"),
                ("territory", "Bassin Adour-Garonne"),
                ("skills", "SIG, zones humides"),
            ],
        )
        .await;
    let page = hana.follow(&page).await;
    assert!(page.body.contains("Votre profil est enregistré"));
    assert!(page.body.contains("value=\"Hana Kato\""));
    let page = hana.get("/u/hana").await;
    for text in [
        "<h1 id=\"profile-title\">Hana Kato</h1>",
        "Hydrologue.",
        "Agence de l’eau",
        "Chargée de mission",
        "Bassin Adour-Garonne",
        "SIG, zones humides",
    ] {
        assert!(page.body.contains(text), "{text}");
    }

    // Changing the password: the current one first, the new one's rule.
    let page = hana
        .post(
            "/settings/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "nouveau secret"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"current_password-error\""));
    let page = hana
        .post(
            "/settings/password",
            &[
                ("current_password", "correct horse battery"),
                ("new_password", "court"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"new_password-error\""));
    let page = hana
        .post(
            "/settings/password",
            &[
                ("current_password", "correct horse battery"),
                ("new_password", "nouveau secret"),
            ],
        )
        .await;
    let page = hana.follow(&page).await;
    assert!(page.body.contains("Votre mot de passe est changé"));
    let mut again = Browser::new(&alpha, "fr");
    again.get("/login").await;
    let page = again
        .post(
            "/login",
            &[("login", "hana"), ("password", "correct horse battery")],
        )
        .await;
    assert_eq!(page.status, 401, "the old password no longer works");
    let page = again
        .post(
            "/login",
            &[("login", "hana"), ("password", "nouveau secret")],
        )
        .await;
    assert_eq!(page.status, 303);

    let page = hana.post("/settings", &[("locale", "en")]).await;
    let page = hana.follow(&page).await;
    assert!(page.body.contains("Your settings are saved"));
    assert!(page.body.contains("<html lang=\"en\">"));
    let page = hana.get("/communities").await;
    assert!(page.body.contains("Community directory"));
    // Signing up in English makes an English account.
    let mut ines = Browser::new(&alpha, "en-US,en;q=0.8");
    ines.get("/signup").await;
    let page = ines
        .post(
            "/signup",
            &[
                ("username", "ines"),
                ("email", "ines@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(page.status, 201);
    assert!(page.body.contains("Welcome, ines!"));
    let mut ines_fr = Browser::new(&alpha, "fr");
    ines_fr.log_in("ines").await;
    assert!(ines_fr.get("/").await.body.contains("Hello, ines!"));
}

#[tokio::test]
async fn repeated_failed_log_ins_are_throttled() {
    let alpha = TestInstance::start(&[]).await;
    alpha.create_user("jules").await;
    alpha.create_user("kim").await;
    let mut attacker = Browser::new(&alpha, "fr");
    attacker.get("/login").await;
    for i in 0..recolte::domain::login_throttle::MAX_FAILURES {
        let page = attacker
            .post(
                "/login",
                &[("login", "Jules"), ("password", &format!("guess {i}"))],
            )
            .await;
        assert_eq!(page.status, 401);
    }
    // Now even the right password waits, by username or in any case.
    let page = attacker
        .post(
            "/login",
            &[("login", "jules"), ("password", "correct horse battery")],
        )
        .await;
    assert_eq!(page.status, 429);
    assert!(page
        .body
        .contains("Trop de tentatives de connexion échouées"));
    assert!(page.body.contains("15 minutes"));
    assert!(!attacker.cookies.contains_key("recolte_session"));
    // Other accounts are not affected.
    let mut kim = Browser::new(&alpha, "en");
    kim.log_in("kim").await;
}

#[tokio::test]
async fn administrators_approve_pending_sign_ups() {
    let alpha = TestInstance::start(&[("RECOLTE_INSTANCE_REGISTRATION_MODE", "approval")]).await;
    alpha
        .with_db(|conn, config| {
            recolte::domain::accounts::create(
                conn,
                config,
                &recolte::domain::accounts::NewAccount {
                    username: "root_admin".into(),
                    email: "admin@example.org".into(),
                    password: "correct horse battery".into(),
                    role: recolte::domain::accounts::Role::Admin,
                    signup_reason: String::new(),
                },
                recolte::domain::accounts::AccountStatus::Active,
            )
        })
        .await
        .unwrap();
    alpha.create_user("lucie").await;

    let mut marc = Browser::new(&alpha, "fr");
    marc.get("/signup").await;
    let page = marc
        .post(
            "/signup",
            &[
                ("username", "marc"),
                ("email", "marc@example.org"),
                ("password", "correct horse battery"),
                ("reason", "Chargé de mission mobilité"),
            ],
        )
        .await;
    assert_eq!(page.status, 201);
    assert_eq!(marc.get("/admin").await.status, 401);

    let mut lucie = Browser::new(&alpha, "fr");
    lucie.log_in("lucie").await;
    let page = lucie.get("/admin").await;
    assert_eq!(page.status, 403);
    assert!(!page.body.contains("href=\"/admin\""), "no admin link");
    let page = lucie.post("/admin/approve/marc", &[]).await;
    assert_eq!(page.status, 403);

    let mut admin = Browser::new(&alpha, "fr");
    admin.log_in("root_admin").await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("href=\"/admin\""));
    assert!(page.body.contains("Inscriptions sur validation"));
    assert!(page.body.contains("@marc") && page.body.contains("Chargé de mission mobilité"));
    assert!(page.body.contains("En attente") && page.body.contains("Administrateur"));
    let page = admin.post("/admin/approve/marc", &[]).await;
    let page = admin.follow(&page).await;
    assert!(page.body.contains("Le compte est validé"));
    assert!(page
        .body
        .contains("Aucune inscription n’attend de validation"));
    marc.log_in("marc").await;

    // The federation status: administrators only, each instance with its deliveries.
    assert_eq!(marc.get("/admin/federation").await.status, 403);
    let page = admin.get("/admin/federation").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Aucune instance connue pour l’instant"));
    alpha
        .with_db(|conn, config| {
            let ana = recolte::domain::actors::find_local(conn, config, "lucie")?;
            recolte::delivery_queue::publish(
                conn,
                config,
                &ana,
                &serde_json::json!({"id": format!("{}/activities/x1", config.base_url()), "type": "Follow"}),
                "k",
                vec!["http://partenaire.example/inbox".into()],
            )
        })
        .await
        .unwrap();
    let page = admin.get("/admin/federation").await;
    assert!(
        page.body.contains("<td>partenaire.example</td>"),
        "{}",
        page.body
    );
    // (The worker may already have failed once to reach it: no state asserted.)
    assert!(page.body.contains("<td>Jamais</td>"), "never delivered");
    assert!(page.body.contains("<td>1</td>"), "one delivery waiting");
}

#[tokio::test]
async fn notifications_of_answers_likes_followers_and_requests() {
    let alpha = TestInstance::start(&[]).await;
    let alice = alpha.create_user("alice").await;
    let bob = alpha.create_user("bob").await;
    let climat = alpha
        .create_community(&alice.actor, "climat", MembershipPolicy::Open)
        .await;
    let filtree = alpha
        .create_community(&alice.actor, "filtree", MembershipPolicy::Approval)
        .await;
    let post = seed_post(&alpha, &alice.actor, &climat, "Atelier").await;
    let mut alice_web = Browser::new(&alpha, "fr");
    alice_web.log_in("alice").await;
    let page = alice_web.get("/notifications").await;
    assert!(page.body.contains("Aucune notification pour l’instant"));
    // Her own like is no news.
    alice_web.get(&format!("/post/{post}")).await;
    alice_web.post(&format!("/post/{post}/like"), &[]).await;

    let (b, a, f) = (
        bob.actor.clone(),
        alice.actor.clone(),
        filtree.actor.clone(),
    );
    alpha
        .with_db(move |conn, config| {
            use recolte::domain::{content, follows};
            let target = content::Target::Post(content::post_by_id(conn, post)?);
            content::create_comment(conn, config, &b, &target, "Bravo")?;
            content::like(conn, config, &b, &target)?;
            follows::follow(conn, config, &b, &a)?;
            follows::follow(conn, config, &b, &f)?;
            Ok(())
        })
        .await
        .unwrap();

    let home = alice_web.get("/").await;
    assert!(home
        .body
        .contains("<span class=\"badge\">4 nouvelles</span>"));
    let page = alice_web.get("/notifications").await;
    for text in [
        "bob a répondu dans « Atelier »",
        "bob aime votre message dans « Atelier »",
        "bob vous suit",
        "bob demande à rejoindre Communauté filtree",
        "href=\"/c/filtree\"",
        "href=\"/u/bob\"",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert_eq!(page.body.matches(">Nouveau<").count(), 4);
    // Seen: no more badge, nothing new.
    assert!(!alice_web.get("/").await.body.contains("class=\"badge\""));
    let page = alice_web.get("/notifications").await;
    assert!(page.body.contains("bob vous suit") && !page.body.contains(">Nouveau<"));
    let mut bob_web = Browser::new(&alpha, "en");
    bob_web.log_in("bob").await;
    assert_eq!(bob_web.get("/notifications").await.status, 200);
    assert_eq!(
        Browser::new(&alpha, "fr")
            .get("/notifications")
            .await
            .status,
        401
    );
}

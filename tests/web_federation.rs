//! The web interface across instances: a member of one instance follows a
//! community of another by its handle, reads its posts in their feed and
//! answers them, all through pages.

mod common;

use common::browser::Browser;
use common::{eventually, TestInstance};
use recolte::domain::communities::MembershipPolicy;

/// The first post link of a page whose title is `title`.
fn post_link(html: &str, title: &str) -> Option<String> {
    html.split("<h3><a href=\"")
        .skip(1)
        .find(|s| s.contains(&format!(">{title}</a>")))
        .and_then(|s| s.split('"').next())
        .map(str::to_string)
}

#[tokio::test]
async fn following_a_remote_community_by_handle_then_reading_and_answering() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let modo = alpha.create_user("modo").await;
    alpha
        .create_community(&modo.actor, "climat", MembershipPolicy::Open)
        .await;
    beta.create_user("zoe").await;

    let mut zoe = Browser::new(&beta, "fr");
    zoe.log_in("zoe").await;
    let page = zoe.get("/follow").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Suivre depuis une autre instance"));

    // Bad addresses get an error next to the field, the input kept.
    let page = zoe.post("/follow", &[("handle", "pas une adresse")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"handle-error\""));
    assert!(page.body.contains("value=\"pas une adresse\""));
    let page = zoe
        .post(
            "/follow",
            &[("handle", &format!("!personne@{}", alpha.domain))],
        )
        .await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Personne ni aucune communauté"));

    let handle = format!("!climat@{}", alpha.domain);
    let page = zoe.post("/follow", &[("handle", &handle)]).await;
    let remote = page.location.clone().unwrap_or_default();
    assert!(remote.starts_with("/remote/"), "{remote}: {}", page.body);
    let page = zoe.follow(&page).await;
    assert!(page.body.contains("Votre demande est envoyée"));
    assert!(page.body.contains("Communauté climat"));
    assert!(page.body.contains(&handle));
    eventually("alpha accepts zoe", || async {
        beta.with_db(|conn, _| {
            use diesel::prelude::*;
            use recolte::schema::follows;
            Ok(follows::table
                .filter(follows::state.eq("accepted"))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap()
            == 1
    })
    .await;
    let home = zoe.get("/").await;
    let mine = home.body.split("id=\"mine-title\"").nth(1).unwrap();
    let mine = mine.split("id=\"public-title\"").next().unwrap();
    assert!(mine.contains("Communauté climat"), "among her communities");

    // Beta's page of the community: membership and writing, from here.
    let page = zoe.get(&remote).await;
    assert!(page.body.contains("Quitter la communauté"));
    assert!(page.body.contains("Écrire une publication"));
    assert!(page.body.contains("voir sur son instance"));

    let mut moderator = Browser::new(&alpha, "fr");
    moderator.log_in("modo").await;
    assert!(moderator.get("/c/climat").await.body.contains("1 membre"));
    moderator.get("/c/climat/submit").await;
    let page = moderator
        .post(
            "/c/climat/submit",
            &[
                ("title", "Rencontre annuelle"),
                ("body", "Rendez-vous le **12 juin**."),
                ("language", "fr"),
            ],
        )
        .await;
    let on_alpha = page.location.clone().unwrap();

    // The post reaches zoe's feed on beta; she answers it there.
    eventually("the post reaches beta", || async {
        post_link(&zoe_home(&beta).await, "Rencontre annuelle").is_some()
    })
    .await;
    let link = post_link(&zoe_home(&beta).await, "Rencontre annuelle").unwrap();
    let page = zoe.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<strong>12 juin</strong>"));
    let page = zoe
        .post(
            &format!("{link}/comment"),
            &[("body", "J’y serai, avec l’équipe de Beta.")],
        )
        .await;
    let page = zoe.follow(&page).await;
    assert!(page.body.contains("Votre commentaire est publié"));
    assert!(zoe.get(&remote).await.body.contains("Rencontre annuelle"));
    zoe.get(&format!("{remote}/submit")).await;
    let page = zoe
        .post(
            &format!("{remote}/submit"),
            &[
                ("title", "Covoiturage pour la rencontre"),
                ("body", "Départ de Beta à 8 h."),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    eventually("zoe's post reaches alpha's community", || async {
        let r = alpha
            .client
            .get(alpha.url("/c/climat"))
            .send()
            .await
            .unwrap();
        r.text()
            .await
            .unwrap()
            .contains("Covoiturage pour la rencontre")
    })
    .await;
    eventually("the answer reaches alpha", || async {
        let r = alpha.client.get(alpha.url(&on_alpha)).send().await.unwrap();
        r.text().await.unwrap().contains("avec l’équipe de Beta")
    })
    .await;
    // Each instance now lists the other among its partners.
    eventually("alpha lists beta as a partner", || async {
        let home = Browser::new(&alpha, "fr").get("/").await.body;
        home.split("id=\"partners-title\"")
            .nth(1)
            .is_some_and(|list| list.contains(&format!("<li>{}</li>", beta.domain)))
    })
    .await;
}

/// Zoe's home page on beta (a fresh request with her session each time).
async fn zoe_home(beta: &TestInstance) -> String {
    let mut zoe = Browser::new(beta, "fr");
    zoe.log_in("zoe").await;
    zoe.get("/").await.body
}

#[tokio::test]
async fn a_deleted_account_is_erased_on_the_instances_that_know_it() {
    let alpha = TestInstance::start(&[]).await;
    let beta = TestInstance::start(&[]).await;
    let modo = alpha.create_user("modo").await;
    alpha
        .create_community(&modo.actor, "climat", MembershipPolicy::Open)
        .await;
    beta.create_user("zoe").await;
    let mut zoe = Browser::new(&beta, "fr");
    zoe.log_in("zoe").await;
    zoe.get("/follow").await;
    let page = zoe
        .post(
            "/follow",
            &[("handle", &format!("!climat@{}", alpha.domain))],
        )
        .await;
    let remote = page.location.clone().unwrap_or_default();
    assert!(remote.starts_with("/remote/"), "{remote}");
    let members = || async {
        alpha
            .with_db(|conn, config| {
                let c = recolte::domain::communities::find_local(conn, config, "climat")?;
                recolte::domain::follows::follower_count(conn, c.actor.id)
            })
            .await
            .unwrap()
    };
    eventually("zoe joins climat", || async { members().await == 1 }).await;
    zoe.get(&format!("{remote}/submit")).await;
    let page = zoe
        .post(
            &format!("{remote}/submit"),
            &[
                ("title", "Mon billet"),
                ("body", "Un texte de Zoé."),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let on_alpha = || async {
        alpha
            .with_db(|conn, _| {
                use diesel::prelude::*;
                use recolte::schema::posts;
                Ok(posts::table
                    .filter(posts::title.eq("Mon billet"))
                    .select((posts::content_html, posts::deleted_at.is_not_null()))
                    .first::<(String, bool)>(conn)
                    .optional()?)
            })
            .await
            .unwrap()
    };
    eventually("the post reaches alpha", || async {
        on_alpha().await.is_some()
    })
    .await;
    assert!(on_alpha().await.unwrap().0.contains("Un texte de Zoé"));

    zoe.get("/settings").await;
    let page = zoe
        .post(
            "/settings/delete",
            &[
                ("delete_password", "correct horse battery"),
                ("delete_confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    eventually("alpha erases zoe's post", || async {
        on_alpha().await == Some((String::new(), true))
    })
    .await;
    eventually("zoe leaves climat on alpha", || async {
        members().await == 0
    })
    .await;
    // Alpha knows her account is gone.
    let domain = beta.domain.clone();
    let deleted = alpha
        .with_db(move |conn, _| {
            use diesel::prelude::*;
            use recolte::schema::actors;
            Ok(actors::table
                .filter(actors::username.eq("zoe"))
                .filter(actors::domain.eq(domain))
                .select(actors::deleted_at.is_not_null())
                .first::<bool>(conn)?)
        })
        .await
        .unwrap();
    assert!(deleted, "zoe is marked deleted on alpha");
    let page = Browser::new(&alpha, "fr").get("/c/climat").await;
    assert!(!page.body.contains("Mon billet"));
}

//! Three real instances (alpha, beta, gamma) on loopback, each with its own
//! database, federating over signed HTTP: community follows (open and on
//! approval), posts relayed by the community's Announce, threaded comments,
//! likes, edits, deletions, unfollows, person-to-person follows, and a
//! stopped instance catching up from the delivery queue.

mod common;

use std::time::Duration;

use common::{eventually, TestInstance};
use recolte::domain::actors::Actor;
use recolte::domain::communities::{self, MembershipPolicy};
use recolte::domain::content::{self, PostDraft, Target};
use recolte::domain::follows::{self, FollowState};
use recolte::error::Error;

const FAST_QUEUE: &[(&str, &str)] = &[
    ("RECOLTE_FEDERATION_DELIVERY_RETRY_SECONDS", "1"),
    ("RECOLTE_FEDERATION_DELIVERY_LEASE_SECONDS", "5"),
];

async fn resolve(on: &TestInstance, handle: &str) -> Actor {
    recolte::activitypub::resolve::handle(on.state(), handle)
        .await
        .unwrap_or_else(|e| panic!("resolve {handle}: {e}"))
}

async fn object(on: &TestInstance, ap_id: &str) -> Option<Target> {
    let id = ap_id.to_string();
    on.with_db(move |conn, _| content::find_by_ap_id(conn, &id))
        .await
        .unwrap()
}

async fn follow(on: &TestInstance, who: &Actor, target: &Actor) -> follows::Follow {
    let (who, target) = (who.clone(), target.clone());
    let f = on
        .with_db(move |conn, config| follows::follow(conn, config, &who, &target))
        .await
        .unwrap();
    on.state().federation.wake.notify_one();
    f
}

async fn follow_state(on: &TestInstance, who: &Actor, target: &Actor) -> Option<FollowState> {
    let (a, b) = (who.id, target.id);
    on.with_db(move |conn, _| follows::find(conn, a, b))
        .await
        .unwrap()
        .map(|f| f.state())
}

async fn likes(on: &TestInstance, ap_id: &str) -> i64 {
    match object(on, ap_id).await {
        Some(t) => on
            .with_db(move |conn, _| content::like_count(conn, &t))
            .await
            .unwrap(),
        None => -1,
    }
}

/// Runs a domain action on an instance, then wakes its delivery worker.
async fn act<T: Send + 'static>(
    on: &TestInstance,
    f: impl FnOnce(&mut recolte::db::DbConn, &recolte::config::Config) -> Result<T, Error>
        + Send
        + 'static,
) -> T {
    let out = on.with_db(f).await.expect("domain action");
    on.state().federation.wake.notify_one();
    out
}

fn draft(title: &str, body: &str) -> PostDraft {
    PostDraft {
        title: title.into(),
        body: body.into(),
        link: None,
        language: Some("fr".into()),
    }
}

#[tokio::test]
async fn a_community_on_alpha_gathers_beta_and_gamma() {
    let alpha = TestInstance::start(FAST_QUEUE).await;
    let beta = TestInstance::start(FAST_QUEUE).await;
    let gamma = TestInstance::start(FAST_QUEUE).await;
    let ana = alpha.create_user("ana").await.actor;
    let bea = beta.create_user("bea").await.actor;
    let gus = gamma.create_user("gus").await.actor;

    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;

    // beta and gamma members follow the alpha community by its handle.
    let handle = format!("!climat@{}", alpha.domain);
    let climat_on_beta = resolve(&beta, &handle).await;
    let climat_on_gamma = resolve(&gamma, &handle).await;
    assert_eq!(climat_on_beta.ap_id, climat.actor.ap_id);
    let f = follow(&beta, &bea, &climat_on_beta).await;
    assert_eq!(
        f.state(),
        FollowState::Pending,
        "pending until the Accept arrives"
    );
    follow(&gamma, &gus, &climat_on_gamma).await;
    eventually("beta's follow is accepted", || async {
        follow_state(&beta, &bea, &climat_on_beta).await == Some(FollowState::Accepted)
    })
    .await;
    eventually("gamma's follow is accepted", || async {
        follow_state(&gamma, &gus, &climat_on_gamma).await == Some(FollowState::Accepted)
    })
    .await;
    let members = climat.actor.id;
    assert_eq!(
        alpha
            .with_db(move |conn, _| follows::follower_count(conn, members))
            .await
            .unwrap(),
        2
    );

    // A beta member posts in the alpha community; gamma gets it through the Announce.
    let (bea2, c2) = (bea.clone(), climat_on_beta.clone());
    let post = act(&beta, move |conn, config| {
        let c = communities::by_actor_id(conn, c2.id)?;
        content::create_post(
            conn,
            config,
            &bea2,
            Some(&c),
            &draft(
                "Retour d'expérience : compost",
                "Nous avons **réduit** nos déchets.",
            ),
        )
    })
    .await;
    assert_eq!(post.ap_id, format!("{}/post/{}", beta.base, post.id));
    eventually("alpha stores the post", || async {
        object(&alpha, &post.ap_id).await.is_some()
    })
    .await;
    eventually("gamma gets the post via alpha", || async {
        object(&gamma, &post.ap_id).await.is_some()
    })
    .await;
    let Some(Target::Post(on_gamma)) = object(&gamma, &post.ap_id).await else {
        panic!("a post on gamma")
    };
    assert_eq!(on_gamma.title, "Retour d'expérience : compost");
    assert!(on_gamma.content_html.contains("<strong>réduit</strong>"));
    assert_eq!(on_gamma.community_id, Some(climat_on_gamma.id));
    assert!(!on_gamma.local);

    // A gamma comment threads under the post on all three.
    let (gus2, gpost) = (gus.clone(), on_gamma.clone());
    let comment = act(&gamma, move |conn, config| {
        content::create_comment(
            conn,
            config,
            &gus2,
            &Target::Post(gpost),
            "Bravo, quels outils ?",
        )
    })
    .await;
    for (name, inst) in [("alpha", &alpha), ("beta", &beta)] {
        eventually(&format!("{name} gets the comment"), || async {
            matches!(object(inst, &comment.ap_id).await, Some(Target::Comment(c)) if c.parent_id.is_none())
        })
        .await;
    }
    // A reply to the comment, from the community's own instance, nests under it.
    let Some(Target::Comment(on_alpha)) = object(&alpha, &comment.ap_id).await else {
        panic!("comment on alpha")
    };
    let ana3 = ana.clone();
    let reply = act(&alpha, move |conn, config| {
        content::create_comment(
            conn,
            config,
            &ana3,
            &Target::Comment(on_alpha),
            "Un broyeur partagé.",
        )
    })
    .await;
    for (name, inst) in [("beta", &beta), ("gamma", &gamma)] {
        let parent = object(inst, &comment.ap_id).await;
        eventually(&format!("{name} threads the reply"), || async {
            match (object(inst, &reply.ap_id).await, &parent) {
                (Some(Target::Comment(r)), Some(Target::Comment(p))) => r.parent_id == Some(p.id),
                _ => false,
            }
        })
        .await;
    }
    let post_id_on_beta = post.id;
    let thread = beta
        .with_db(move |conn, _| content::thread(conn, post_id_on_beta))
        .await
        .unwrap();
    assert_eq!(
        thread.iter().map(|(_, d)| *d).collect::<Vec<_>>(),
        vec![0, 1]
    );

    // Likes from beta and gamma count everywhere.
    let bea3 = bea.clone();
    let p3 = post.clone();
    act(&beta, move |conn, config| {
        content::like(conn, config, &bea3, &Target::Post(p3))
    })
    .await;
    let (gus3, g3) = (gus.clone(), on_gamma.clone());
    act(&gamma, move |conn, config| {
        content::like(conn, config, &gus3, &Target::Post(g3))
    })
    .await;
    for (name, inst) in [("alpha", &alpha), ("beta", &beta), ("gamma", &gamma)] {
        eventually(&format!("{name} counts two likes"), || async {
            likes(inst, &post.ap_id).await == 2
        })
        .await;
    }

    // An edit propagates.
    let (bea4, p4) = (bea.clone(), post.clone());
    act(&beta, move |conn, config| {
        content::edit(
            conn,
            config,
            &bea4,
            &Target::Post(p4),
            &draft(
                "Retour d'expérience : compost (mis à jour)",
                "Chiffres 2026.",
            ),
        )
    })
    .await;
    for (name, inst) in [("alpha", &alpha), ("gamma", &gamma)] {
        eventually(&format!("{name} sees the edit"), || async {
            matches!(object(inst, &post.ap_id).await, Some(Target::Post(p)) if p.title.ends_with("(mis à jour)") && p.content_html.contains("2026"))
        })
        .await;
    }

    // A deletion propagates and leaves a Tombstone at the origin.
    let Some(Target::Comment(own)) = object(&gamma, &comment.ap_id).await else {
        panic!("gamma's own comment")
    };
    let gus5 = gus.clone();
    act(&gamma, move |conn, config| {
        content::delete(conn, config, &gus5, &Target::Comment(own))
    })
    .await;
    for (name, inst) in [("alpha", &alpha), ("beta", &beta)] {
        eventually(&format!("{name} deletes the comment"), || async {
            object(inst, &comment.ap_id)
                .await
                .is_some_and(|t| t.is_deleted())
        })
        .await;
    }
    let r = gamma
        .client
        .get(&comment.ap_id)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    let tomb: serde_json::Value = r.json().await.unwrap();
    assert_eq!(tomb["type"], "Tombstone");

    // After gamma unfollows, new posts reach beta but not gamma.
    let (gus6, c6) = (gus.clone(), climat_on_gamma.clone());
    act(&gamma, move |conn, config| {
        follows::unfollow(conn, config, &gus6, &c6)
    })
    .await;
    eventually("alpha drops gamma's follow", || async {
        let id = climat.actor.id;
        alpha
            .with_db(move |conn, _| follows::follower_count(conn, id))
            .await
            .unwrap()
            == 1
    })
    .await;
    let (ana7, c7) = (ana.clone(), climat.clone());
    let later = act(&alpha, move |conn, config| {
        content::create_post(
            conn,
            config,
            &ana7,
            Some(&c7),
            &draft("Réunion de janvier", "Ordre du jour"),
        )
    })
    .await;
    eventually("beta gets the later post", || async {
        object(&beta, &later.ap_id).await.is_some()
    })
    .await;
    eventually("alpha's queue is drained", || async {
        alpha
            .with_db(|conn, _| recolte::delivery_queue::status(conn))
            .await
            .unwrap()
            .iter()
            .all(|i| i.pending == 0)
    })
    .await;
    // The community's outbox pages what it hosts: Create activities of its local posts.
    let (status, outbox) = alpha
        .get_json("/c/climat/outbox", "application/activity+json")
        .await;
    assert_eq!(status, 200);
    assert_eq!(outbox["totalItems"], 1);
    let first = outbox["first"].as_str().unwrap().replace(&alpha.base, "");
    let (_, page) = alpha.get_json(&first, "application/activity+json").await;
    assert_eq!(page["type"], "OrderedCollectionPage");
    assert_eq!(page["orderedItems"][0]["object"]["id"], later.ap_id);
    assert_eq!(page["orderedItems"][0]["object"]["attributedTo"], ana.ap_id);
    assert!(
        object(&gamma, &later.ap_id).await.is_none(),
        "gamma no longer follows"
    );
}

#[tokio::test]
async fn approval_communities_and_person_follows() {
    let alpha = TestInstance::start(FAST_QUEUE).await;
    let beta = TestInstance::start(FAST_QUEUE).await;
    let ana = alpha.create_user("ana").await.actor;
    let bea = beta.create_user("bea").await.actor;
    let projet = alpha
        .create_community(&ana, "projet", MembershipPolicy::Approval)
        .await;

    let remote = resolve(&beta, &format!("!projet@{}", alpha.domain)).await;
    assert!(remote.manually_approves_followers);
    follow(&beta, &bea, &remote).await;
    let group = projet.actor.id;
    eventually("alpha holds a pending request", || async {
        alpha
            .with_db(move |conn, _| follows::pending_requests(conn, group))
            .await
            .unwrap()
            .len()
            == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        follow_state(&beta, &bea, &remote).await,
        Some(FollowState::Pending)
    );

    // Not a member yet: writing in the community is refused on alpha.
    let requests = alpha
        .with_db(move |conn, _| follows::pending_requests(conn, group))
        .await
        .unwrap();
    let (request, requester) = requests[0].clone();
    assert_eq!(requester.ap_id, bea.ap_id);
    let bea_on_alpha = requester.clone();
    let someone_else = alpha.create_user("zoe").await.actor;
    let refused = alpha
        .with_db(move |conn, config| follows::accept(conn, config, request.id, &someone_else))
        .await;
    assert!(
        matches!(refused, Err(Error::Forbidden(_))),
        "only moderators decide"
    );
    let ana3 = ana.clone();
    act(&alpha, move |conn, config| {
        follows::accept(conn, config, request.id, &ana3)
    })
    .await;
    eventually("beta's follow is accepted by the moderator", || async {
        follow_state(&beta, &bea, &remote).await == Some(FollowState::Accepted)
    })
    .await;
    assert_eq!(bea_on_alpha.acct(), format!("bea@{}", beta.domain));

    // Person to person: beta's member follows ana and gets her profile posts.
    let ana_on_beta = resolve(&beta, &format!("@ana@{}", alpha.domain)).await;
    follow(&beta, &bea, &ana_on_beta).await;
    eventually("ana accepts at once", || async {
        follow_state(&beta, &bea, &ana_on_beta).await == Some(FollowState::Accepted)
    })
    .await;
    let ana4 = ana.clone();
    let note = act(&alpha, move |conn, config| {
        content::create_post(
            conn,
            config,
            &ana4,
            None,
            &draft("", "Je serai à la rencontre annuelle."),
        )
    })
    .await;
    eventually("beta receives ana's post", || async {
        matches!(object(&beta, &note.ap_id).await, Some(Target::Post(p)) if p.community_id.is_none() && p.author_id == ana_on_beta.id)
    })
    .await;
}

#[tokio::test]
async fn a_stopped_instance_gets_every_missed_activity_when_back() {
    let alpha = TestInstance::start(FAST_QUEUE).await;
    let mut gamma = TestInstance::start(FAST_QUEUE).await;
    let ana = alpha.create_user("ana").await.actor;
    let gus = gamma.create_user("gus").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let remote = resolve(&gamma, &format!("!climat@{}", alpha.domain)).await;
    follow(&gamma, &gus, &remote).await;
    eventually("gamma is a member", || async {
        follow_state(&gamma, &gus, &remote).await == Some(FollowState::Accepted)
    })
    .await;

    gamma.stop().await;
    let mut missed = Vec::new();
    for i in 0..5 {
        let (ana3, c3) = (ana.clone(), climat.clone());
        let p = act(&alpha, move |conn, config| {
            content::create_post(
                conn,
                config,
                &ana3,
                Some(&c3),
                &draft(&format!("Pendant l'absence {i}"), "…"),
            )
        })
        .await;
        missed.push(p.ap_id);
    }
    eventually("alpha records failed attempts to gamma", || async {
        alpha
            .with_db(|conn, _| recolte::delivery_queue::status(conn))
            .await
            .unwrap()
            .iter()
            .any(|i| i.failure_count > 0 && i.pending > 0)
    })
    .await;

    gamma.restart().await;
    for ap_id in &missed {
        eventually("gamma catches up", || async {
            object(&gamma, ap_id).await.is_some()
        })
        .await;
    }
    let id = remote.id;
    let count = gamma
        .with_db(move |conn, _| content::community_posts(conn, id, None, 100))
        .await
        .unwrap()
        .len();
    assert_eq!(count, 5, "each missed post exactly once");
}

/// The stored copy of an actor, by its id.
async fn stored_actor(on: &TestInstance, ap_id: &str) -> Actor {
    let id = ap_id.to_string();
    on.with_db(move |conn, _| recolte::domain::actors::find_by_ap_id(conn, &id))
        .await
        .unwrap()
        .expect("the actor is known")
}

#[tokio::test]
async fn profile_and_community_changes_reach_other_instances() {
    use recolte::domain::profiles::{self, ProfileChanges};
    let alpha = TestInstance::start(FAST_QUEUE).await;
    let beta = TestInstance::start(FAST_QUEUE).await;
    let ana = alpha.create_user("ana").await.actor;
    let bea = beta.create_user("bea").await.actor;
    let climat = alpha
        .create_community(&ana, "climat", MembershipPolicy::Open)
        .await;
    let climat_on_beta = resolve(&beta, &format!("!climat@{}", alpha.domain)).await;
    follow(&beta, &bea, &climat_on_beta).await;
    eventually("bea is a member", || async {
        follow_state(&beta, &bea, &climat_on_beta).await == Some(FollowState::Accepted)
    })
    .await;
    // alpha knows bea from her follow.
    assert_eq!(stored_actor(&alpha, &bea.ap_id).await.display_name, "bea");

    // A moderator renames the community and puts it on approval: beta's copy follows.
    let (c, by) = (climat.clone(), ana.clone());
    let changes = communities::CommunityChanges {
        title: "Climat et énergie".into(),
        description: "Adaptation, sobriété, renouvelables.".into(),
        rules: "Bienveillance.".into(),
        policy: MembershipPolicy::Approval,
    };
    act(&alpha, move |conn, config| {
        communities::update(conn, config, &c, &by, &changes)
    })
    .await;
    eventually("beta sees the new title", || async {
        let group = stored_actor(&beta, &climat.actor.ap_id).await;
        group.display_name == "Climat et énergie" && group.manually_approves_followers
    })
    .await;
    assert_eq!(
        stored_actor(&beta, &climat.actor.ap_id).await.summary,
        "Adaptation, sobriété, renouvelables."
    );

    // Only moderators may change a community; a bad title changes nothing.
    let (c, intruder) = (climat.clone(), alpha.create_user("intrus").await.actor);
    let refused = alpha
        .with_db(move |conn, config| {
            let changes = communities::CommunityChanges {
                title: "Pris".into(),
                description: String::new(),
                rules: String::new(),
                policy: MembershipPolicy::Open,
            };
            communities::update(conn, config, &c, &intruder, &changes)
        })
        .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))));
    let (c, by) = (climat.clone(), ana.clone());
    let refused = alpha
        .with_db(move |conn, config| {
            let changes = communities::CommunityChanges {
                title: "  ".into(),
                description: String::new(),
                rules: String::new(),
                policy: MembershipPolicy::Open,
            };
            communities::update(conn, config, &c, &by, &changes)
        })
        .await;
    assert!(matches!(
        refused,
        Err(Error::Invalid { field: "title", .. })
    ));

    // bea completes her profile: the instance of the community she follows hears of it.
    let who = bea.clone();
    let changes = ProfileChanges {
        display_name: "Béatrice Martin".into(),
        summary: "Chargée de mission transition.".into(),
        structure: "Communauté de communes du Val".into(),
        job_title: "Chargée de mission".into(),
        territory: "Val de Loire".into(),
        skills: "mobilité, énergie".into(),
    };
    let (updated, profile) = act(&beta, move |conn, config| {
        profiles::update(conn, config, &who, &changes)
    })
    .await;
    assert_eq!(updated.display_name, "Béatrice Martin");
    assert_eq!(profile.territory, "Val de Loire");
    eventually("alpha sees bea's new name", || async {
        stored_actor(&alpha, &bea.ap_id).await.display_name == "Béatrice Martin"
    })
    .await;
    let too_long = ProfileChanges {
        display_name: "x".repeat(101),
        ..ProfileChanges::default()
    };
    let who = bea.clone();
    let refused = beta
        .with_db(move |conn, config| profiles::update(conn, config, &who, &too_long))
        .await;
    assert!(matches!(
        refused,
        Err(Error::Invalid {
            field: "display_name",
            ..
        })
    ));
    assert_eq!(
        stored_actor(&beta, &bea.ap_id).await.display_name,
        "Béatrice Martin"
    );
}

//! Our actors as ActivityPub documents.

use recolte_federation::actors::{ActorDocument, Endpoints, Image, PropertyValue, PublicKey};

use crate::domain::actors::{Actor, ActorKind};
use crate::domain::communities::CommunityRow;
use crate::domain::profiles::Profile;

/// The document of one of our local actors (with its profile for a person,
/// its collections for a community).
pub fn actor_document(
    actor: &Actor,
    profile: Option<&Profile>,
    community: Option<&CommunityRow>,
) -> ActorDocument {
    let kind = match actor.kind() {
        ActorKind::Person => "Person",
        ActorKind::Group => "Group",
        ActorKind::Application => "Application",
    };
    let attachment = profile
        .map(|p| {
            [
                ("Structure", &p.structure),
                ("Fonction", &p.job_title),
                ("Territoire", &p.territory),
                ("Compétences", &p.skills),
            ]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(name, value)| PropertyValue {
                kind: "PropertyValue".into(),
                name: name.into(),
                value: value.to_string(),
            })
            .collect()
        })
        .unwrap_or_default();
    let is_application = actor.kind() == ActorKind::Application;
    ActorDocument {
        context: Some(recolte_federation::default_context()),
        id: actor.ap_id.clone(),
        kind: kind.into(),
        preferred_username: actor.username.clone(),
        name: Some(actor.shown_name().to_string()),
        summary: Some(actor.summary.clone()).filter(|s| !s.is_empty()),
        url: Some(actor.ap_id.clone()).filter(|_| !is_application),
        inbox: actor.inbox_url.clone(),
        outbox: actor.outbox_url.clone(),
        followers: actor.followers_url.clone(),
        following: Some(format!("{}/following", actor.ap_id))
            .filter(|_| actor.kind() == ActorKind::Person),
        endpoints: actor.shared_inbox_url.as_ref().map(|s| Endpoints {
            shared_inbox: Some(s.clone()),
        }),
        public_key: PublicKey {
            id: ActorDocument::main_key_id(&actor.ap_id),
            owner: actor.ap_id.clone(),
            public_key_pem: actor.public_key_pem.clone(),
        },
        manually_approves_followers: actor.manually_approves_followers,
        discoverable: Some(!is_application),
        published: Some(actor.published_at.and_utc().to_rfc3339()),
        attachment,
        moderators: community.and_then(|c| c.moderators_url.clone()),
        featured: community.and_then(|c| c.featured_url.clone()).or_else(|| {
            (actor.kind() == ActorKind::Person).then(|| format!("{}/featured", actor.ap_id))
        }),
        icon: actor.avatar_url.as_deref().map(Image::at),
        image: actor.header_url.as_deref().map(Image::at),
    }
}

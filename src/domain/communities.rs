//! Communities: Group actors with a kind (interest, project, trade,
//! territory) and a membership policy (open, approval, invitation), their
//! moderators, and their creation.

use diesel::prelude::*;

use super::accounts::validate_username;
use super::actors::{self, Actor, ActorKind, LocalActor, LocalActorUrls};
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors as actors_t, communities, community_moderators};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommunityKind {
    Interest,
    Project,
    Trade,
    Territory,
}

impl CommunityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityKind::Interest => "interest",
            CommunityKind::Project => "project",
            CommunityKind::Trade => "trade",
            CommunityKind::Territory => "territory",
        }
    }

    pub fn parse(s: &str) -> Result<CommunityKind, Error> {
        match s.trim() {
            "interest" => Ok(CommunityKind::Interest),
            "project" => Ok(CommunityKind::Project),
            "trade" => Ok(CommunityKind::Trade),
            "territory" => Ok(CommunityKind::Territory),
            other => Err(Error::invalid(
                "kind",
                format!("'{other}' is not one of interest, project, trade, territory"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipPolicy {
    /// Anyone may join; follows are accepted at once.
    Open,
    /// Follows stay pending until a moderator accepts them.
    Approval,
    /// Only invited people may join: follow requests are refused.
    Invitation,
}

impl MembershipPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipPolicy::Open => "open",
            MembershipPolicy::Approval => "approval",
            MembershipPolicy::Invitation => "invitation",
        }
    }

    pub fn parse(s: &str) -> Result<MembershipPolicy, Error> {
        match s.trim() {
            "open" => Ok(MembershipPolicy::Open),
            "approval" => Ok(MembershipPolicy::Approval),
            "invitation" => Ok(MembershipPolicy::Invitation),
            other => Err(Error::invalid(
                "membership",
                format!("'{other}' is not one of open, approval, invitation"),
            )),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct CommunityRow {
    pub actor_id: i64,
    pub kind: String,
    pub membership_policy: String,
    pub rules: String,
    pub moderators_url: Option<String>,
    pub featured_url: Option<String>,
}

/// A community: its Group actor and its settings.
#[derive(Debug, Clone)]
pub struct Community {
    pub actor: Actor,
    pub settings: CommunityRow,
}

impl Community {
    pub fn policy(&self) -> MembershipPolicy {
        MembershipPolicy::parse(&self.settings.membership_policy).unwrap_or(MembershipPolicy::Open)
    }
}

#[derive(Debug, Clone)]
pub struct NewCommunity {
    pub name: String,
    pub title: String,
    pub description: String,
    pub kind: CommunityKind,
    pub policy: MembershipPolicy,
}

/// Creates a local community; its creator becomes its first moderator.
pub fn create(
    conn: &mut DbConn,
    config: &Config,
    new: &NewCommunity,
    creator: &Actor,
) -> Result<Community, Error> {
    let name = validate_username(&new.name).map_err(|e| match e {
        Error::Invalid { message, .. } => Error::invalid("name", message),
        other => other,
    })?;
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(Error::invalid("title", "must be 1 to 100 characters long"));
    }
    if new.description.chars().count() > 10_000 {
        return Err(Error::invalid(
            "description",
            "must be at most 10000 characters long",
        ));
    }
    if !creator.local || creator.kind() != ActorKind::Person {
        return Err(Error::Forbidden(
            "only local members can create communities".into(),
        ));
    }
    if actors::local_name_taken(conn, config, &name)? {
        return Err(Error::conflict(
            "name",
            format!("'{name}' is already taken"),
        ));
    }
    let keys = actors::generate_keypair()?;
    let urls = LocalActorUrls::new(config, ActorKind::Group, &name);
    let now = super::now();
    let result = crate::db::transaction(conn, |conn| {
        let actor_id = actors::insert_local(
            conn,
            config,
            &LocalActor {
                kind: ActorKind::Group,
                username: &name,
                display_name: title,
                summary: new.description.trim(),
                manually_approves_followers: new.policy != MembershipPolicy::Open,
            },
            &keys,
        )?;
        diesel::insert_into(communities::table)
            .values((
                communities::actor_id.eq(actor_id),
                communities::kind.eq(new.kind.as_str()),
                communities::membership_policy.eq(new.policy.as_str()),
                communities::moderators_url.eq(format!("{}/moderators", urls.id)),
                communities::featured_url.eq(format!("{}/featured", urls.id)),
            ))
            .execute(conn)?;
        diesel::insert_into(community_moderators::table)
            .values((
                community_moderators::community_id.eq(actor_id),
                community_moderators::person_id.eq(creator.id),
                community_moderators::added_at.eq(now),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(actor_id)
    });
    match result {
        Ok(actor_id) => by_actor_id(conn, actor_id),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(Error::conflict(
            "name",
            format!("'{name}' is already taken"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The community whose Group actor has this id (local or remote).
pub fn by_actor_id(conn: &mut DbConn, actor_id: i64) -> Result<Community, Error> {
    let (actor, settings): (Actor, Option<CommunityRow>) = actors_t::table
        .left_join(communities::table)
        .filter(actors_t::id.eq(actor_id))
        .select((Actor::as_select(), Option::<CommunityRow>::as_select()))
        .first(conn)?;
    let settings = settings.unwrap_or(CommunityRow {
        actor_id,
        kind: CommunityKind::Interest.as_str().into(),
        membership_policy: if actor.manually_approves_followers {
            "approval".into()
        } else {
            "open".into()
        },
        rules: String::new(),
        moderators_url: None,
        featured_url: None,
    });
    Ok(Community { actor, settings })
}

/// A local community by name.
pub fn find_local(conn: &mut DbConn, config: &Config, name: &str) -> Result<Community, Error> {
    let actor = actors::find_local(conn, config, name)?;
    if actor.kind() != ActorKind::Group {
        return Err(Error::NotFound(format!(
            "no community named '{name}' on this instance"
        )));
    }
    by_actor_id(conn, actor.id)
}

pub fn is_moderator(conn: &mut DbConn, community_id: i64, person_id: i64) -> Result<bool, Error> {
    let n: i64 = community_moderators::table
        .filter(community_moderators::community_id.eq(community_id))
        .filter(community_moderators::person_id.eq(person_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The moderators of a community, oldest first.
pub fn moderators(conn: &mut DbConn, community_id: i64) -> Result<Vec<Actor>, Error> {
    Ok(community_moderators::table
        .inner_join(actors_t::table.on(actors_t::id.eq(community_moderators::person_id)))
        .filter(community_moderators::community_id.eq(community_id))
        .order(community_moderators::added_at.asc())
        .select(Actor::as_select())
        .load(conn)?)
}

/// What a moderator may change in a community.
#[derive(Debug, Clone)]
pub struct CommunityChanges {
    pub title: String,
    pub description: String,
    pub rules: String,
    pub policy: MembershipPolicy,
}

/// A moderator changes a community's title, description, rules or
/// membership policy; its followers get an `Update` of the Group.
pub fn update(
    conn: &mut DbConn,
    config: &Config,
    community: &Community,
    by: &Actor,
    changes: &CommunityChanges,
) -> Result<Community, Error> {
    if !community.actor.local || !is_moderator(conn, community.actor.id, by.id)? {
        return Err(Error::Forbidden(
            "only a moderator of this community can change it".into(),
        ));
    }
    let title = changes.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(Error::invalid("title", "must be 1 to 100 characters long"));
    }
    for (field, text) in [
        ("description", &changes.description),
        ("rules", &changes.rules),
    ] {
        if text.chars().count() > 10_000 {
            return Err(Error::invalid(
                field,
                "must be at most 10000 characters long",
            ));
        }
    }
    let id = community.actor.id;
    crate::db::transaction(conn, |conn| {
        diesel::update(actors_t::table.find(id))
            .set((
                actors_t::display_name.eq(title),
                actors_t::summary.eq(changes.description.trim()),
                actors_t::manually_approves_followers.eq(changes.policy != MembershipPolicy::Open),
                actors_t::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        diesel::update(communities::table.find(id))
            .set((
                communities::rules.eq(changes.rules.trim()),
                communities::membership_policy.eq(changes.policy.as_str()),
            ))
            .execute(conn)?;
        let updated = by_actor_id(conn, id)?;
        let document = crate::activitypub::actors::actor_document(
            &updated.actor,
            None,
            Some(&updated.settings),
        );
        actors::publish_update(conn, config, &updated.actor, &document)?;
        Ok(updated)
    })
}

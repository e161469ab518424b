//! Actors: local and remote Persons, Groups (communities) and the instance
//! Application, their stored rows, and the URLs of our own actors.

use diesel::prelude::*;

use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::actors;

/// The instance actor's username: a dot keeps it out of the user namespace.
pub const INSTANCE_ACTOR_NAME: &str = "instance.actor";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    Group,
    Application,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Group => "group",
            ActorKind::Application => "application",
        }
    }

    pub fn parse(s: &str) -> Option<ActorKind> {
        match s {
            "person" => Some(ActorKind::Person),
            "group" => Some(ActorKind::Group),
            "application" => Some(ActorKind::Application),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actors)]
pub struct Actor {
    pub id: i64,
    pub kind: String,
    pub ap_id: String,
    pub local: bool,
    pub username: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub manually_approves_followers: bool,
    pub avatar_url: Option<String>,
    pub instance_id: Option<i64>,
    pub published_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub fetched_at: Option<chrono::NaiveDateTime>,
    pub header_url: Option<String>,
    /// When the member deleted their account (the name stays reserved).
    pub deleted_at: Option<chrono::NaiveDateTime>,
}

impl Actor {
    /// Whether this is the actor of a deleted account: gone from every
    /// public door (profile, WebFinger, the API's account lookups).
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The actor, or not found when its account was deleted.
    pub fn unless_deleted(self) -> Result<Actor, Error> {
        if self.is_deleted() {
            return Err(Error::NotFound(format!(
                "the account '{}' was deleted",
                self.username
            )));
        }
        Ok(self)
    }

    pub fn kind(&self) -> ActorKind {
        ActorKind::parse(&self.kind).unwrap_or(ActorKind::Person)
    }

    /// `name` for a local actor, `name@domain` for a remote one.
    pub fn acct(&self) -> String {
        if self.local {
            self.username.clone()
        } else {
            format!("{}@{}", self.username, self.domain)
        }
    }

    /// The name shown to people: the display name, or the username.
    pub fn shown_name(&self) -> &str {
        shown_name(&self.display_name, &self.username)
    }
}

/// The name shown to people: the display name, or the username when the
/// display name is blank.
pub fn shown_name<'a>(display_name: &'a str, username: &'a str) -> &'a str {
    if display_name.trim().is_empty() {
        username
    } else {
        display_name
    }
}

#[derive(Insertable)]
#[diesel(table_name = actors)]
pub struct NewActor<'a> {
    pub kind: &'a str,
    pub ap_id: &'a str,
    pub local: bool,
    pub username: &'a str,
    pub domain: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub inbox_url: &'a str,
    pub shared_inbox_url: Option<&'a str>,
    pub outbox_url: Option<&'a str>,
    pub followers_url: Option<&'a str>,
    pub public_key_pem: &'a str,
    pub private_key_pem: Option<&'a str>,
    pub manually_approves_followers: bool,
    pub published_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The URLs of one of our own actors.
#[derive(Debug, Clone)]
pub struct LocalActorUrls {
    pub id: String,
    pub inbox: String,
    pub outbox: String,
    pub followers: String,
    pub shared_inbox: String,
}

impl LocalActorUrls {
    pub fn new(config: &Config, kind: ActorKind, username: &str) -> Self {
        let base = config.base_url();
        let id = match kind {
            ActorKind::Person => format!("{base}/u/{username}"),
            ActorKind::Group => format!("{base}/c/{username}"),
            ActorKind::Application => format!("{base}/actor"),
        };
        LocalActorUrls {
            inbox: format!("{id}/inbox"),
            outbox: format!("{id}/outbox"),
            followers: format!("{id}/followers"),
            shared_inbox: format!("{base}/inbox"),
            id,
        }
    }
}

/// Finds a local actor by name, whatever its kind (one namespace).
pub fn find_local(conn: &mut DbConn, config: &Config, name: &str) -> Result<Actor, Error> {
    actors::table
        .filter(actors::local.eq(true))
        .filter(actors::domain.eq(&config.domain))
        .filter(actors::username.eq(name.to_lowercase()))
        .select(Actor::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no actor named '{name}' on this instance")))
}

/// Whether a name is taken in the instance's shared namespace.
pub fn local_name_taken(conn: &mut DbConn, config: &Config, name: &str) -> Result<bool, Error> {
    let n: i64 = actors::table
        .filter(actors::domain.eq(&config.domain))
        .filter(actors::username.eq(name.to_lowercase()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What makes one of our own actors.
pub struct LocalActor<'a> {
    pub kind: ActorKind,
    pub username: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub manually_approves_followers: bool,
}

/// Inserts one of our own actors with its URLs and a key pair made
/// beforehand (key generation is slow: do it outside transactions).
pub fn insert_local(
    conn: &mut DbConn,
    config: &Config,
    actor: &LocalActor,
    keys: &activitypub_federation::http_signatures::Keypair,
) -> Result<i64, diesel::result::Error> {
    let urls = LocalActorUrls::new(config, actor.kind, actor.username);
    let now = super::now();
    diesel::insert_into(actors::table)
        .values(NewActor {
            kind: actor.kind.as_str(),
            ap_id: &urls.id,
            local: true,
            username: actor.username,
            domain: &config.domain,
            display_name: actor.display_name,
            summary: actor.summary,
            inbox_url: &urls.inbox,
            shared_inbox_url: Some(&urls.shared_inbox),
            outbox_url: Some(&urls.outbox),
            followers_url: Some(urls.followers.as_str())
                .filter(|_| actor.kind != ActorKind::Application),
            public_key_pem: &keys.public_key,
            private_key_pem: Some(&keys.private_key),
            manually_approves_followers: actor.manually_approves_followers,
            published_at: now,
            updated_at: now,
        })
        .returning(actors::id)
        .get_result(conn)
}

/// The instance actor, created with its key pair on first use.
pub fn instance_actor(conn: &mut DbConn, config: &Config) -> Result<Actor, Error> {
    if let Ok(actor) = find_local(conn, config, INSTANCE_ACTOR_NAME) {
        return Ok(actor);
    }
    let keys = generate_keypair()?;
    let inserted = insert_local(
        conn,
        config,
        &LocalActor {
            kind: ActorKind::Application,
            username: INSTANCE_ACTOR_NAME,
            display_name: &config.instance_name,
            summary: &config.instance_description,
            manually_approves_followers: true,
        },
        &keys,
    );
    match inserted {
        // Another process sharing the database created it first: use that one.
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => find_local(conn, config, INSTANCE_ACTOR_NAME),
        Err(e) => Err(e.into()),
    }
}

/// A new RSA-2048 key pair in PEM form (slow: call it outside transactions).
pub fn generate_keypair() -> Result<activitypub_federation::http_signatures::Keypair, Error> {
    activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| Error::Internal(format!("key generation failed: {e}")))
}

/// A remote actor as fetched and checked by the federation layer.
#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub kind: ActorKind,
    pub ap_id: String,
    pub username: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub public_key_pem: String,
    pub manually_approves_followers: bool,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
}

/// Stores or refreshes a remote actor (and, for a Group, its community row).
pub fn upsert_remote(conn: &mut DbConn, remote: &RemoteActor) -> Result<Actor, Error> {
    use crate::schema::communities;
    let now = super::now();
    let existing = find_by_ap_id(conn, &remote.ap_id)?;
    match existing {
        Some(actor) if actor.local => Ok(actor),
        Some(actor) => {
            diesel::update(actors::table.find(actor.id))
                .set((
                    actors::display_name.eq(&remote.display_name),
                    actors::summary.eq(&remote.summary),
                    actors::inbox_url.eq(&remote.inbox_url),
                    actors::shared_inbox_url.eq(&remote.shared_inbox_url),
                    actors::outbox_url.eq(&remote.outbox_url),
                    actors::followers_url.eq(&remote.followers_url),
                    actors::public_key_pem.eq(&remote.public_key_pem),
                    actors::manually_approves_followers.eq(remote.manually_approves_followers),
                    actors::avatar_url.eq(&remote.avatar_url),
                    actors::header_url.eq(&remote.header_url),
                    actors::updated_at.eq(now),
                    actors::fetched_at.eq(now),
                ))
                .execute(conn)?;
            find_by_ap_id(conn, &remote.ap_id)?
                .ok_or_else(|| Error::Internal("actor vanished".into()))
        }
        None => {
            // Another actor of that instance may hold the handle (renamed or
            // re-created): keep the newest, since handles must stay unique.
            diesel::update(
                actors::table
                    .filter(actors::local.eq(false))
                    .filter(actors::domain.eq(&remote.domain))
                    .filter(actors::username.eq(&remote.username)),
            )
            .set(actors::username.eq(format!(
                "{}~{}",
                remote.username,
                now.and_utc().timestamp_micros()
            )))
            .execute(conn)?;
            let instance_id = crate::delivery_queue::instance_id(conn, &remote.domain)?;
            diesel::insert_into(actors::table)
                .values((
                    NewActor {
                        kind: remote.kind.as_str(),
                        ap_id: &remote.ap_id,
                        local: false,
                        username: &remote.username,
                        domain: &remote.domain,
                        display_name: &remote.display_name,
                        summary: &remote.summary,
                        inbox_url: &remote.inbox_url,
                        shared_inbox_url: remote.shared_inbox_url.as_deref(),
                        outbox_url: remote.outbox_url.as_deref(),
                        followers_url: remote.followers_url.as_deref(),
                        public_key_pem: &remote.public_key_pem,
                        private_key_pem: None,
                        manually_approves_followers: remote.manually_approves_followers,
                        published_at: now,
                        updated_at: now,
                    },
                    actors::avatar_url.eq(&remote.avatar_url),
                    actors::header_url.eq(&remote.header_url),
                    actors::instance_id.eq(Some(instance_id)),
                    actors::fetched_at.eq(Some(now)),
                ))
                .execute(conn)?;
            let actor = find_by_ap_id(conn, &remote.ap_id)?
                .ok_or_else(|| Error::Internal("actor vanished".into()))?;
            if remote.kind == ActorKind::Group {
                diesel::insert_into(communities::table)
                    .values((
                        communities::actor_id.eq(actor.id),
                        communities::kind.eq("interest"),
                        communities::membership_policy.eq(if remote.manually_approves_followers {
                            "approval"
                        } else {
                            "open"
                        }),
                    ))
                    .execute(conn)?;
            }
            Ok(actor)
        }
    }
}

pub fn find_by_ap_id(conn: &mut DbConn, ap_id: &str) -> Result<Option<Actor>, Error> {
    Ok(actors::table
        .filter(actors::ap_id.eq(ap_id))
        .select(Actor::as_select())
        .first(conn)
        .optional()?)
}

/// Marks an actor deleted (here or at its origin) and empties its public
/// profile: name, summary, avatar and header. Its handle stays reserved.
pub fn mark_deleted(conn: &mut DbConn, id: i64) -> Result<(), Error> {
    let now = super::now();
    diesel::update(actors::table.find(id))
        .set((
            actors::display_name.eq(""),
            actors::summary.eq(""),
            actors::avatar_url.eq(None::<String>),
            actors::header_url.eq(None::<String>),
            actors::updated_at.eq(now),
            actors::deleted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A known actor by its handle (`name` and `host[:port]`).
pub fn find_by_handle(conn: &mut DbConn, name: &str, domain: &str) -> Result<Option<Actor>, Error> {
    Ok(actors::table
        .filter(actors::domain.eq(domain.to_lowercase()))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(username) = ")
                .bind::<diesel::sql_types::Text, _>(name.to_lowercase()),
        )
        .select(Actor::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Actor, Error> {
    Ok(actors::table
        .find(id)
        .select(Actor::as_select())
        .first(conn)?)
}

/// Tells those who know a local actor what it now looks like: `Update` with
/// its current `document` to its followers and to the actors it follows.
pub fn publish_update(
    conn: &mut DbConn,
    config: &Config,
    actor: &Actor,
    document: &recolte_federation::actors::ActorDocument,
) -> Result<(), Error> {
    let document = serde_json::to_value(document)
        .map_err(|e| Error::Internal(format!("actor document: {e}")))?;
    let update = recolte_federation::activities::update_actor(
        &crate::activitypub::ids::activity(config),
        document,
        actor.followers_url.as_deref(),
    );
    let mut inboxes = super::follows::follower_inboxes(conn, actor.id)?;
    inboxes.extend(super::follows::followed_inboxes(conn, actor.id)?);
    crate::delivery_queue::publish(conn, config, actor, &update, &actor.ap_id, inboxes)?;
    Ok(())
}

/// Actors by id, in one query.
pub fn by_ids(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Actor>, Error> {
    Ok(actors::table
        .filter(actors::id.eq_any(ids))
        .select(Actor::as_select())
        .load(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// Known people and communities whose name starts with `prefix` (letters,
/// digits and `_` only; anything else finds nothing): ours first, then
/// by name.
pub fn search_by_name(conn: &mut DbConn, prefix: &str, limit: i64) -> Result<Vec<Actor>, Error> {
    let prefix = prefix.trim().to_lowercase();
    if prefix.is_empty()
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Ok(vec![]);
    }
    // `_` is a LIKE wildcard: escape it.
    let pattern = format!("{}%", prefix.replace('_', "\\_"));
    Ok(actors::table
        .filter(actors::kind.ne(ActorKind::Application.as_str()))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(username) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\'"),
        )
        .order((actors::local.desc(), actors::username.asc()))
        .limit(limit)
        .select(Actor::as_select())
        .load(conn)?)
}

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
}

impl Actor {
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
        if self.display_name.trim().is_empty() {
            &self.username
        } else {
            &self.display_name
        }
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

/// The instance actor, created with its key pair on first use.
pub fn instance_actor(conn: &mut DbConn, config: &Config) -> Result<Actor, Error> {
    if let Ok(actor) = find_local(conn, config, INSTANCE_ACTOR_NAME) {
        return Ok(actor);
    }
    let keys = generate_keypair()?;
    let urls = LocalActorUrls::new(config, ActorKind::Application, INSTANCE_ACTOR_NAME);
    let now = super::now();
    diesel::insert_into(actors::table)
        .values(NewActor {
            kind: ActorKind::Application.as_str(),
            ap_id: &urls.id,
            local: true,
            username: INSTANCE_ACTOR_NAME,
            domain: &config.domain,
            display_name: &config.instance_name,
            summary: &config.instance_description,
            inbox_url: &urls.inbox,
            shared_inbox_url: Some(&urls.shared_inbox),
            outbox_url: Some(&urls.outbox),
            followers_url: None,
            public_key_pem: &keys.public_key,
            private_key_pem: Some(&keys.private_key),
            manually_approves_followers: true,
            published_at: now,
            updated_at: now,
        })
        .execute(conn)?;
    find_local(conn, config, INSTANCE_ACTOR_NAME)
}

/// A new RSA-2048 key pair in PEM form (slow: call it outside transactions).
pub fn generate_keypair() -> Result<activitypub_federation::http_signatures::Keypair, Error> {
    activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| Error::Internal(format!("key generation failed: {e}")))
}

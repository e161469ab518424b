//! Finding remote things: actors by id or by handle, and posts and comments
//! by id, fetched from their origin when we do not have them (or when our
//! copy of an actor is stale), checked, and stored.

use recolte_federation::incoming::{IncomingActor, IncomingObject};
use recolte_federation::values;

use super::fetch::FetchError;
use crate::delivery_queue::instance_domain;
use crate::domain::actors::{self, Actor, ActorKind, RemoteActor};
use crate::domain::communities;
use crate::domain::content::{self, Incoming, Target};
use crate::domain::media::RemoteMedia;
use crate::domain::polls::RemotePoll;
use crate::error::Error;
use crate::web::AppState;

/// How long a stored remote actor is trusted before it is fetched again.
const ACTOR_STALE_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// How many ancestors of a reply are fetched at most.
const MAX_THREAD_DEPTH: usize = 20;

impl From<FetchError> for Error {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::NotFound | FetchError::Gone => Error::NotFound(e.to_string()),
            FetchError::Refused(m) => Error::invalid("url", m),
            FetchError::Failed(m) => Error::Unavailable(m),
        }
    }
}

/// The host (with port) of a URL.
pub fn host_of(url: &str) -> Option<String> {
    instance_domain(url)
}

/// An actor by id: ours, stored and fresh, or fetched from its origin.
pub async fn actor(state: &AppState, ap_id: &str) -> Result<Actor, Error> {
    let id = ap_id.to_string();
    let known = state
        .db
        .run(move |conn| actors::find_by_ap_id(conn, &id))
        .await?;
    refreshed(state, ap_id, known).await
}

/// An actor as `known` from our database (if at all), fetched again when
/// missing or stale.
pub async fn refreshed(
    state: &AppState,
    ap_id: &str,
    known: Option<Actor>,
) -> Result<Actor, Error> {
    if let Some(actor) = &known {
        let fresh = actor
            .fetched_at
            .is_some_and(|t| crate::domain::now() - t < ACTOR_STALE_AFTER);
        if actor.local || fresh {
            return Ok(actor.clone());
        }
    }
    if ap_id.starts_with(&format!("{}/", state.config.base_url())) {
        return Err(Error::NotFound(format!("no local actor {ap_id}")));
    }
    match state.federation.fetcher.fetch(ap_id).await {
        Ok(doc) => store_actor(state, &doc, ap_id).await,
        // A stale copy is better than nothing when the origin is down.
        Err(FetchError::Failed(_)) if known.is_some() => {
            Ok(known.unwrap_or_else(|| unreachable!()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Checks a fetched actor document and stores it.
pub async fn store_actor(
    state: &AppState,
    doc: &serde_json::Value,
    expected_id: &str,
) -> Result<Actor, Error> {
    let parsed = IncomingActor::from_json(doc).map_err(|e| Error::invalid("actor", e.0))?;
    if parsed.id != expected_id {
        return Err(Error::invalid(
            "actor",
            format!("the document at {expected_id} is {}", parsed.id),
        ));
    }
    let remote = remote_actor(&parsed)?;
    state
        .db
        .run(move |conn| actors::upsert_remote(conn, &remote))
        .await
}

fn remote_actor(parsed: &IncomingActor) -> Result<RemoteActor, Error> {
    let kind = match parsed.kind.as_str() {
        "Group" => ActorKind::Group,
        "Application" | "Service" if parsed.preferred_username.is_none() => ActorKind::Application,
        _ => ActorKind::Person,
    };
    let domain =
        host_of(&parsed.id).ok_or_else(|| Error::invalid("actor", "the actor id is not a URL"))?;
    let inbox = parsed
        .inbox
        .clone()
        .ok_or_else(|| Error::invalid("actor", "the actor has no inbox"))?;
    let public_key_pem = parsed
        .public_key_pem
        .clone()
        .ok_or_else(|| Error::invalid("actor", "the actor has no public key"))?;
    let same_host = |u: &Option<String>| {
        u.as_deref()
            .is_none_or(|u| host_of(u).as_deref() == Some(domain.as_str()))
    };
    if !same_host(&Some(inbox.clone())) || !same_host(&parsed.outbox) {
        return Err(Error::invalid(
            "actor",
            "the actor's inbox is on another host",
        ));
    }
    let username = parsed
        .preferred_username
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| parsed.id.rsplit('/').next().unwrap_or("actor").to_string());
    Ok(RemoteActor {
        kind,
        ap_id: parsed.id.clone(),
        username: username.chars().take(100).collect(),
        domain,
        display_name: parsed
            .name
            .clone()
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        summary: crate::domain::text::sanitize(&parsed.summary.clone().unwrap_or_default()),
        inbox_url: inbox,
        shared_inbox_url: parsed.shared_inbox.clone(),
        outbox_url: parsed.outbox.clone(),
        followers_url: parsed.followers.clone(),
        public_key_pem,
        manually_approves_followers: parsed.manually_approves_followers,
        avatar_url: web_url(parsed.icon.as_deref()),
        header_url: web_url(parsed.image.as_deref()),
    })
}

/// An http(s) URL of bounded length, else nothing (remote images are
/// shown by their URL, never fetched).
fn web_url(url: Option<&str>) -> Option<String> {
    url.filter(|u| u.len() <= 2000 && (u.starts_with("https://") || u.starts_with("http://")))
        .map(str::to_string)
}

/// An actor by handle: `@name@domain`, `!name@domain`, `name@domain`, or
/// an actor URL.
pub async fn handle(state: &AppState, handle: &str) -> Result<Actor, Error> {
    let h = handle.trim();
    if h.starts_with("https://") || h.starts_with("http://") {
        return actor(state, h).await;
    }
    let h = h.trim_start_matches(['@', '!']);
    let (name, domain) = h
        .rsplit_once('@')
        .filter(|(n, d)| !n.is_empty() && !d.is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "handle",
                format!("'{handle}' is not of the form @name@domain"),
            )
        })?;
    let domain = domain.to_ascii_lowercase();
    if domain == state.config.domain {
        let config = state.config.clone();
        let name = name.to_string();
        return state
            .db
            .run(move |conn| actors::find_local(conn, &config, &name))
            .await;
    }
    let (n, d) = (name.to_string(), domain.clone());
    if let Some(known) = state
        .db
        .run(move |conn| actors::find_by_handle(conn, &n, &d))
        .await?
    {
        return actor(state, &known.ap_id).await;
    }
    let id = state.federation.fetcher.webfinger(name, &domain).await?;
    if host_of(&id).as_deref() != Some(domain.as_str()) {
        return Err(Error::invalid(
            "handle",
            format!("{domain} names an actor on another host"),
        ));
    }
    actor(state, &id).await
}

/// A post or comment by id: stored, or fetched from its origin (with the
/// thread above it) and stored.
pub async fn object(state: &AppState, ap_id: &str) -> Result<Target, Error> {
    object_at_depth(state, ap_id, 0).await
}

async fn object_at_depth(state: &AppState, ap_id: &str, depth: usize) -> Result<Target, Error> {
    let id = ap_id.to_string();
    if let Some(t) = state
        .db
        .run(move |conn| content::find_by_ap_id(conn, &id))
        .await?
    {
        return Ok(t);
    }
    if depth > MAX_THREAD_DEPTH || ap_id.starts_with(&format!("{}/", state.config.base_url())) {
        return Err(Error::NotFound(format!("unknown object {ap_id}")));
    }
    let doc = state.federation.fetcher.fetch(ap_id).await?;
    let parsed = IncomingObject::from_json(&doc).map_err(|e| Error::invalid("object", e.0))?;
    let incoming = Box::pin(incoming(state, &parsed, depth + 1, None)).await?;
    let ap_id = ap_id.to_string();
    state
        .db
        .run(move |conn| {
            content::receive(conn, &incoming, true)?;
            content::find_by_ap_id(conn, &ap_id)?
                .ok_or_else(|| Error::NotFound("object vanished".into()))
        })
        .await
}

/// Turns a received or fetched object into content to store: its author
/// and parent resolved, its community found among its addressees. The
/// `sender`, when given, is reused if it is the author.
pub async fn incoming(
    state: &AppState,
    object: &IncomingObject,
    depth: usize,
    sender: Option<&Actor>,
) -> Result<Incoming, Error> {
    const KINDS: [&str; 4] = ["Page", "Note", "Article", "Question"];
    if !KINDS.contains(&object.kind.as_str()) {
        return Err(Error::invalid(
            "object",
            format!("objects of type {} are not handled", object.kind),
        ));
    }
    let author_id = object
        .attributed_to
        .clone()
        .ok_or_else(|| Error::invalid("object", "the object has no attributedTo"))?;
    if host_of(&author_id) != host_of(&object.id) {
        return Err(Error::invalid(
            "object",
            "the object and its author are on different hosts",
        ));
    }
    let author = match sender {
        // The sender, just looked up to check its signature.
        Some(a) if a.ap_id == author_id => a.clone(),
        _ => actor(state, &author_id).await?,
    };
    let in_reply_to = match &object.in_reply_to {
        Some(parent) => Some(Box::pin(object_at_depth(state, parent, depth)).await?),
        None => None,
    };
    let community = match &in_reply_to {
        Some(parent) => {
            let parent = parent.clone();
            state
                .db
                .run(move |conn| content::community_of(conn, &parent))
                .await?
        }
        None => community_among(state, object).await?,
    };
    let title = object
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| {
            // A Mastodon post into a community has no title: use its first line.
            (in_reply_to.is_none() && community.is_some()).then(|| {
                let text = crate::domain::text::plain_text(object.content.as_deref().unwrap_or(""));
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                // Without the leading mentions of the community.
                let words: Vec<&str> = first
                    .split_whitespace()
                    .skip_while(|w| w.starts_with('@') || w.starts_with('!'))
                    .collect();
                words.join(" ").chars().take(200).collect()
            })
        });
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.naive_utc());
    Ok(Incoming {
        ap_id: object.id.clone(),
        author,
        community,
        title: if in_reply_to.is_some() { None } else { title },
        html: object.content.clone().unwrap_or_default(),
        source: object.markdown().unwrap_or_default().to_string(),
        link: object
            .attachments
            .iter()
            .find(|a| a.kind == "Link")
            .and_then(|a| a.url.clone()),
        language: object.language.clone(),
        in_reply_to,
        published: when(object.published).unwrap_or_else(crate::domain::now),
        updated: when(object.updated),
        images: RemoteMedia::from_attachments(&object.attachments),
        tags: object
            .tags
            .iter()
            .filter(|t| t.kind == "Hashtag")
            .filter_map(|t| crate::domain::tags::normalize(t.name.as_deref()?))
            .collect(),
        poll: (object.kind == "Question")
            .then(|| RemotePoll::from_object(&object.raw))
            .flatten(),
    })
}

/// The community an object is addressed to: its `audience`, or a Group
/// among `to`, `cc` and mentions that we know.
async fn community_among(
    state: &AppState,
    object: &IncomingObject,
) -> Result<Option<communities::Community>, Error> {
    let mut candidates: Vec<String> = object.audience.iter().cloned().collect();
    candidates.extend(object.to.iter().cloned());
    candidates.extend(object.cc.iter().cloned());
    candidates.extend(
        object
            .tags
            .iter()
            .filter(|t| t.kind == "Mention")
            .filter_map(|t| t.href.clone()),
    );
    candidates.retain(|c| !values::is_public(c));
    candidates.dedup();
    for candidate in candidates {
        let id = candidate.clone();
        let found = state
            .db
            .run(move |conn| {
                Ok(match actors::find_by_ap_id(conn, &id)? {
                    Some(a) if a.kind() == ActorKind::Group => {
                        Some(communities::by_actor_id(conn, a.id)?)
                    }
                    _ => None,
                })
            })
            .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

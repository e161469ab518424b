//! Stored rows to Mastodon JSON entities, in one place: accounts (a
//! community is an account with `group: true`), statuses (a post or a
//! comment), relationships, notifications, apps, tokens. Ids travel as
//! strings, dates as ISO 8601 in UTC, `acct` is `name` here and
//! `name@domain` elsewhere, `content` is HTML. Filters too, and the
//! `filtered` results they put on statuses.

use serde_json::{json, Value};

use crate::config::Config;
use crate::db::DbConn;
use crate::domain::actors::{Actor, ActorKind};
use crate::domain::content::Target;
use crate::domain::filters::{self, ActiveFilters, Filter, FilterMatch, FilteredStatus, Keyword};
use crate::domain::follows::{Follow, FollowState};
use crate::domain::media::Media;
use crate::domain::notifications::Notification;
use crate::domain::oauth::{App, IssuedToken};
use crate::domain::polls::PollView;
use crate::domain::profiles;
use crate::domain::statuses::{AccountFacts, Status, StatusFacts};
use crate::domain::text;
use crate::error::Error;

/// A date as Mastodon writes it: `2026-11-29T07:00:00.000Z`.
pub fn date(at: chrono::NaiveDateTime) -> String {
    at.and_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Accounts as a JSON array, their counts loaded in one go.
pub fn accounts(conn: &mut DbConn, config: &Config, actors: &[&Actor]) -> Result<Value, Error> {
    let ids: Vec<i64> = actors.iter().map(|a| a.id).collect();
    let facts = AccountFacts::load(conn, &ids)?;
    Ok(Value::Array(
        actors.iter().map(|a| account(config, a, &facts)).collect(),
    ))
}

/// An account. `facts` gives the counts (missing ones are 0).
pub fn account(config: &Config, actor: &Actor, facts: &AccountFacts) -> Value {
    let count =
        |map: &std::collections::HashMap<i64, i64>| map.get(&actor.id).copied().unwrap_or(0);
    let avatar = actor
        .avatar_url
        .clone()
        .unwrap_or_else(|| format!("{}/avatars/original/missing.png", config.base_url()));
    let header = actor
        .header_url
        .clone()
        .unwrap_or_else(|| format!("{}/headers/original/missing.png", config.base_url()));
    let fields: Vec<Value> = facts
        .profiles
        .get(&actor.id)
        .map(profiles::fields)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": escape_html(value), "verified_at": null }))
        .collect();
    json!({
        "id": actor.id.to_string(),
        "username": actor.username,
        "acct": actor.acct(),
        "display_name": actor.display_name,
        "locked": actor.manually_approves_followers,
        "bot": actor.kind() == ActorKind::Application,
        "group": actor.kind() == ActorKind::Group,
        "discoverable": true,
        "indexable": true,
        "created_at": date(actor.published_at),
        "note": text::sanitize(&actor.summary),
        "url": actor.ap_id,
        "uri": actor.ap_id,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": count(&facts.followers),
        "following_count": count(&facts.following),
        "statuses_count": count(&facts.statuses),
        "last_status_at": null,
        "emojis": [],
        "fields": fields,
    })
}

/// The signed-in account, with its `source` (what the edit form shows).
pub fn credential_account(
    config: &Config,
    actor: &Actor,
    facts: &AccountFacts,
    locale: &str,
) -> Value {
    let mut value = account(config, actor, facts);
    value["source"] = json!({
        "privacy": "public",
        "sensitive": false,
        "language": locale,
        "note": actor.summary,
        "fields": facts
            .profiles
            .get(&actor.id)
            .map(profiles::fields)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect::<Vec<_>>(),
        "follow_requests_count": 0,
    });
    value
}

/// A status as `facts` (loaded for its page) describe it; `None` when its
/// author is unknown (never for statuses loaded with their facts).
pub fn status(config: &Config, status: &Status, facts: &StatusFacts) -> Option<Value> {
    let author = facts.actors.get(&status.row.author_id)?;
    let id = status.row.id;
    if status.row.reblog_of_id.is_some() {
        return reblog(config, status, author, facts);
    }
    let (ap_id, html, language, published, updated) = match &status.target {
        Target::Post(p) => (
            &p.ap_id,
            post_html(&p.title, &p.content_html),
            p.language.clone(),
            p.published_at,
            p.updated_at,
        ),
        Target::Comment(c) => (
            &c.ap_id,
            c.content_html.clone(),
            None,
            c.published_at,
            c.updated_at,
        ),
    };
    let reply = facts.in_reply_to.get(&id);
    let community = status.row.community_id.and_then(|c| facts.actors.get(&c));
    let mentions: Vec<Value> = community
        .map(|c| {
            json!({
                "id": c.id.to_string(),
                "username": c.username,
                "acct": c.acct(),
                "url": c.ap_id,
            })
        })
        .into_iter()
        .collect();
    Some(json!({
        "id": id.to_string(),
        "uri": ap_id,
        "url": ap_id,
        "created_at": date(published),
        "edited_at": updated.map(date),
        "account": account(config, author, &facts.accounts),
        "content": html,
        "visibility": "public",
        "sensitive": false,
        "spoiler_text": "",
        "language": language,
        "in_reply_to_id": reply.map(|(s, _)| s.to_string()),
        "in_reply_to_account_id": reply.map(|(_, a)| a.to_string()),
        "replies_count": facts.replies.get(&id).copied().unwrap_or(0),
        "reblogs_count": facts.reblogs.get(&id).copied().unwrap_or(0),
        "favourites_count": facts.likes.get(&id).copied().unwrap_or(0),
        "favourited": facts.liked.contains(&id),
        "reblogged": facts.reblogged.contains(&id),
        "muted": false,
        "bookmarked": facts.bookmarked.contains(&id),
        "pinned": status.row.pinned_at.is_some(),
        "reblog": null,
        "application": null,
        "media_attachments": facts
            .media
            .get(&id)
            .map(|list| list.iter().map(|m| media_attachment(config, m)).collect::<Vec<_>>())
            .unwrap_or_default(),
        "mentions": mentions,
        "tags": facts.tags.get(&id).map_or_else(Vec::new, |names| {
            names.iter().map(|n| tag(config, n)).collect()
        }),
        "emojis": [],
        "card": null,
        "poll": facts.polls.get(&id).map(poll),
    }))
}

/// An image attachment; its `meta` has the size when known.
pub fn media_attachment(config: &Config, m: &Media) -> Value {
    let url = m.url(config);
    let meta = match (m.width, m.height) {
        (Some(w), Some(h)) => {
            let size = json!({
                "width": w,
                "height": h,
                "size": format!("{w}x{h}"),
                "aspect": f64::from(w) / f64::from(h),
            });
            json!({
                "original": size,
                "small": size,
                "focus": { "x": m.focus_x, "y": m.focus_y },
            })
        }
        _ => json!({ "focus": { "x": m.focus_x, "y": m.focus_y } }),
    };
    json!({
        "id": m.id.to_string(),
        "type": "image",
        "url": url,
        "preview_url": url,
        "remote_url": m.remote_url,
        "text_url": null,
        "meta": meta,
        "description": if m.description.is_empty() { None } else { Some(&m.description) },
        "blurhash": null,
    })
}

/// A reblog: the booster's status wrapping the status boosted (which apps
/// show), dated by the boost.
fn reblog(config: &Config, status: &Status, booster: &Actor, facts: &StatusFacts) -> Option<Value> {
    let inner = self::status(config, facts.originals.get(&status.row.id)?, facts)?;
    let mut outer = inner.clone();
    let uri = status
        .row
        .reblog_ap_id
        .clone()
        .map_or_else(|| inner["uri"].clone(), Value::from);
    let at = status.row.reblogged_at.map(date);
    for (key, value) in [
        ("id", json!(status.row.id.to_string())),
        ("uri", uri),
        ("url", Value::Null),
        (
            "created_at",
            at.map_or_else(|| inner["created_at"].clone(), Value::from),
        ),
        ("edited_at", Value::Null),
        ("account", account(config, booster, &facts.accounts)),
        ("content", json!("")),
        ("in_reply_to_id", Value::Null),
        ("in_reply_to_account_id", Value::Null),
        ("mentions", json!([])),
        ("pinned", json!(false)),
        ("reblog", inner),
    ] {
        outer[key] = value;
    }
    Some(outer)
}

/// A hashtag as statuses and searches show it.
pub fn tag(config: &Config, name: &str) -> Value {
    json!({ "name": name, "url": text::tag_url(&config.base_url(), name) })
}

/// A poll as its viewer sees it; hidden totals stay hidden until the end.
pub fn poll(view: &PollView) -> Value {
    let expired = view.poll.expired();
    let hidden = view.poll.hide_totals && !expired;
    json!({
        "id": view.poll.id.to_string(),
        "expires_at": view.poll.expires_at.map(date),
        "expired": expired,
        "multiple": view.poll.multiple,
        "votes_count": view.votes,
        "voters_count": view.voters,
        "voted": !view.own.is_empty(),
        "own_votes": view.own,
        "options": view
            .options
            .iter()
            .map(|(title, votes)| json!({
                "title": title,
                "votes_count": if hidden { None } else { Some(votes) },
            }))
            .collect::<Vec<_>>(),
        "emojis": [],
    })
}

/// A page of statuses, in order.
pub fn statuses(config: &Config, page: &[Status], facts: &StatusFacts) -> Value {
    filtered_statuses(config, page, facts, &ActiveFilters::default())
}

/// A page of statuses as the viewer's filters for its context leave it:
/// those a `hide` filter matches are left out, the others carry
/// `filtered` (a reblog is judged by the status it boosts).
pub fn filtered_statuses(
    config: &Config,
    page: &[Status],
    facts: &StatusFacts,
    active: &ActiveFilters,
) -> Value {
    Value::Array(
        page.iter()
            .filter_map(|s| filtered_status(config, s, facts, active))
            .collect(),
    )
}

/// One status with the viewer's filters applied: `None` when hidden (or
/// its author unknown).
pub fn filtered_status(
    config: &Config,
    status: &Status,
    facts: &StatusFacts,
    active: &ActiveFilters,
) -> Option<Value> {
    judged_status(config, status, facts, active)
        .and_then(|(value, hidden)| (!hidden).then_some(value))
}

/// One status as the viewer's filters judge it (a reblog by the status it
/// boosts): its JSON, with `filtered` listing the filters it matches, and
/// whether one of them hides it. `None` when its author is unknown.
pub fn judged_status(
    config: &Config,
    status: &Status,
    facts: &StatusFacts,
    active: &ActiveFilters,
) -> Option<(Value, bool)> {
    let judged = facts.originals.get(&status.row.id).unwrap_or(status);
    let matches = active.matches(judged);
    let hidden = filters::hides(&matches);
    let mut value = self::status(config, status, facts)?;
    if !matches.is_empty() {
        let results: Vec<Value> = matches.iter().map(filter_result).collect();
        if value["reblog"].is_object() {
            value["reblog"]["filtered"] = json!(results);
        }
        value["filtered"] = json!(results);
    }
    Some((value, hidden))
}

fn filter_result(m: &FilterMatch<'_>) -> Value {
    json!({
        "filter": filter(m.filter),
        "keyword_matches": if m.keyword_matches.is_empty() { None } else { Some(&m.keyword_matches) },
        "status_matches": if m.status_matches.is_empty() {
            None
        } else {
            Some(m.status_matches.iter().map(i64::to_string).collect::<Vec<_>>())
        },
    })
}

/// A filter (v2) with its keywords and statuses.
pub fn filter(f: &Filter) -> Value {
    json!({
        "id": f.row.id.to_string(),
        "title": f.row.title,
        "context": f.contexts(),
        "expires_at": f.row.expires_at.map(date),
        "filter_action": f.row.action,
        "keywords": f.keywords.iter().map(filter_keyword).collect::<Vec<_>>(),
        "statuses": f.statuses.iter().map(filter_status).collect::<Vec<_>>(),
    })
}

pub fn filter_keyword(k: &Keyword) -> Value {
    json!({ "id": k.id.to_string(), "keyword": k.keyword, "whole_word": k.whole_word })
}

pub fn filter_status(s: &FilteredStatus) -> Value {
    json!({ "id": s.id.to_string(), "status_id": s.status_id.to_string() })
}

/// A filter as v1 shows it: one entry per keyword.
pub fn filters_v1(f: &Filter) -> Vec<Value> {
    f.keywords
        .iter()
        .map(|k| {
            json!({
                "id": k.id.to_string(),
                "phrase": k.keyword,
                "context": f.contexts(),
                "whole_word": k.whole_word,
                "expires_at": f.row.expires_at.map(date),
                "irreversible": f.row.action == "hide",
            })
        })
        .collect()
}

/// A titled post shows its title first, unless the text already starts with it.
fn post_html(title: &str, content_html: &str) -> String {
    let title = title.trim();
    if title.is_empty()
        || text::plain_text(content_html)
            .trim_start()
            .starts_with(title)
    {
        return content_html.to_string();
    }
    format!(
        "<p><strong>{}</strong></p>{content_html}",
        escape_html(title)
    )
}

/// Plain text made safe inside HTML.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The relationship of the viewer with `target_id`: `following` is the
/// viewer's follow of the target, `followed_by` the target's of the viewer.
pub fn relationship(
    target_id: i64,
    following: Option<&Follow>,
    followed_by: Option<&Follow>,
) -> Value {
    let accepted = |f: Option<&Follow>| f.is_some_and(|f| f.state() == FollowState::Accepted);
    json!({
        "id": target_id.to_string(),
        "following": accepted(following),
        "showing_reblogs": accepted(following),
        "notifying": false,
        "languages": null,
        "followed_by": accepted(followed_by),
        "blocking": false,
        "blocked_by": false,
        "muting": false,
        "muting_notifications": false,
        "requested": following.is_some_and(|f| f.state() == FollowState::Pending),
        "requested_by": followed_by.is_some_and(|f| f.state() == FollowState::Pending),
        "domain_blocking": false,
        "endorsed": false,
        "note": "",
    })
}

/// A notification, with the account that caused it and its status.
pub fn notification(n: &Notification, from: Value, status: Option<Value>) -> Value {
    json!({
        "id": n.id.to_string(),
        "type": n.kind,
        "created_at": date(n.created_at),
        "account": from,
        "status": status,
    })
}

/// Notifications (as [`notification`] renders them) in the grouped shape
/// of `/api/v2/notifications`: each one its own group for now, with the
/// accounts and statuses they refer to listed once.
pub fn notification_groups(rendered: &[Value]) -> Value {
    let mut accounts: Vec<&Value> = Vec::new();
    let mut statuses: Vec<&Value> = Vec::new();
    let mut groups = Vec::new();
    for n in rendered {
        let account = &n["account"];
        if !accounts.iter().any(|a| a["id"] == account["id"]) {
            accounts.push(account);
        }
        let status = &n["status"];
        if status.is_object() && !statuses.iter().any(|s| s["id"] == status["id"]) {
            statuses.push(status);
        }
        groups.push(json!({
            "group_key": format!("ungrouped-{}", n["id"].as_str().unwrap_or_default()),
            "notifications_count": 1,
            "type": n["type"],
            "most_recent_notification_id": n["id"],
            "page_min_id": n["id"],
            "page_max_id": n["id"],
            "latest_page_notification_at": n["created_at"],
            "sample_account_ids": [account["id"]],
            "status_id": status.get("id"),
        }));
    }
    json!({
        "accounts": accounts,
        "statuses": statuses,
        "notification_groups": groups,
    })
}

/// An app; the secret only right after registration.
pub fn app(app: &App, secret: Option<&str>) -> Value {
    let uris: Vec<&str> = app.redirect_uris().collect();
    let mut value = json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(' ').collect::<Vec<_>>(),
        "redirect_uri": uris.join("\n"),
        "redirect_uris": uris,
        "vapid_key": "",
    });
    if let Some(secret) = secret {
        value["client_id"] = json!(app.client_id);
        value["client_secret"] = json!(secret);
        value["client_secret_expires_at"] = json!(0);
    }
    value
}

/// A token answer of `/oauth/token`.
pub fn token(issued: &IssuedToken) -> Value {
    let mut value = json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "scope": issued.scopes.as_string(),
        "created_at": issued.created_at.and_utc().timestamp(),
    });
    if let Some(refresh) = &issued.refresh_token {
        value["refresh_token"] = json!(refresh);
    }
    value
}

//! Polls: a question attached to a status, answered by choosing among 2 to
//! 10 options (one, or several when `multiple`), open for 5 minutes to 30
//! days. Here: creating one with its status, voting (once per person; no
//! vote after the end, choices checked), the counts each viewer sees
//! (loaded per page), and federation the Mastodon way: our poll goes out as
//! a `Question` (`oneOf`/`anyOf` with `replies.totalItems`, `endTime`); a
//! vote on a poll of another instance goes to its author as a `Note` whose
//! `name` is the option, in reply to the `Question`; votes arriving here
//! are counted; each vote on our poll sends its new counts (`Update`), and
//! the counts of a remote poll follow its `Update`s.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::actors::{self, Actor};
use super::content::{self, Target};
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{poll_options, poll_votes, polls};

pub const OPTIONS_MIN: usize = 2;
pub const OPTIONS_MAX: usize = 10;
pub const OPTION_MAX_CHARS: usize = 100;
/// Shortest and longest time a poll stays open, in seconds.
pub const EXPIRES_MIN: i64 = 5 * 60;
pub const EXPIRES_MAX: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = polls)]
pub struct Poll {
    pub id: i64,
    pub status_id: i64,
    pub multiple: bool,
    pub hide_totals: bool,
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// Voters as the origin counts them (remote polls only).
    pub remote_voters: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
}

impl Poll {
    /// Whether the poll is another instance's (its counts are theirs).
    pub fn is_remote(&self) -> bool {
        self.remote_voters.is_some()
    }

    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= super::now())
    }
}

/// A poll being written with its status.
#[derive(Debug, Clone, Default)]
pub struct NewPoll {
    pub options: Vec<String>,
    /// Seconds from now.
    pub expires_in: i64,
    pub multiple: bool,
    pub hide_totals: bool,
}

impl NewPoll {
    /// The options trimmed, once checked against the rules.
    fn validate(&self) -> Result<Vec<String>, Error> {
        let options: Vec<String> = self.options.iter().map(|o| o.trim().to_string()).collect();
        if !(OPTIONS_MIN..=OPTIONS_MAX).contains(&options.len()) {
            return Err(Error::invalid(
                "poll",
                format!("a poll has {OPTIONS_MIN} to {OPTIONS_MAX} options"),
            ));
        }
        if options
            .iter()
            .any(|o| o.is_empty() || o.chars().count() > OPTION_MAX_CHARS)
        {
            return Err(Error::invalid(
                "poll",
                format!("each option has 1 to {OPTION_MAX_CHARS} characters"),
            ));
        }
        if !(EXPIRES_MIN..=EXPIRES_MAX).contains(&self.expires_in) {
            return Err(Error::invalid(
                "poll",
                "expires_in must be from 300 seconds (5 minutes) to 2592000 (30 days)",
            ));
        }
        Ok(options)
    }
}

/// Checks a poll before anything is written.
pub fn check(new: &NewPoll) -> Result<(), Error> {
    new.validate().map(|_| ())
}

/// Attaches a new poll to a post or comment of ours.
pub fn create(conn: &mut DbConn, target: &Target, new: &NewPoll) -> Result<Poll, Error> {
    let options = new.validate()?;
    let status_id = super::media::status_id_of(conn, target)?;
    let now = super::now();
    let id: i64 = diesel::insert_into(polls::table)
        .values((
            polls::status_id.eq(status_id),
            polls::multiple.eq(new.multiple),
            polls::hide_totals.eq(new.hide_totals),
            polls::expires_at.eq(now + chrono::Duration::seconds(new.expires_in)),
            polls::created_at.eq(now),
        ))
        .returning(polls::id)
        .get_result(conn)?;
    insert_options(conn, id, options.iter().map(|o| (o.as_str(), 0)))?;
    by_id(conn, id)
}

fn insert_options<'a>(
    conn: &mut DbConn,
    poll_id: i64,
    options: impl Iterator<Item = (&'a str, i64)>,
) -> Result<(), Error> {
    for (position, (title, votes)) in options.enumerate() {
        diesel::insert_into(poll_options::table)
            .values((
                poll_options::poll_id.eq(poll_id),
                poll_options::position.eq(position as i32),
                poll_options::title.eq(title),
                poll_options::remote_votes.eq(votes),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Poll, Error> {
    polls::table
        .find(id)
        .select(Poll::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

fn of_status(conn: &mut DbConn, status_id: i64) -> Result<Option<Poll>, Error> {
    Ok(polls::table
        .filter(polls::status_id.eq(status_id))
        .select(Poll::as_select())
        .first(conn)
        .optional()?)
}

/// A poll with its counts, as one viewer sees it.
#[derive(Debug, Clone)]
pub struct PollView {
    pub poll: Poll,
    /// Each option's title and votes.
    pub options: Vec<(String, i64)>,
    pub votes: i64,
    pub voters: i64,
    /// The options the viewer chose (empty: not voted).
    pub own: Vec<i32>,
}

/// The polls of statuses, by status id, with their counts (five queries
/// whatever the number of statuses).
pub fn views(
    conn: &mut DbConn,
    status_ids: &[i64],
    viewer: Option<i64>,
) -> Result<HashMap<i64, PollView>, Error> {
    let found: Vec<Poll> = polls::table
        .filter(polls::status_id.eq_any(status_ids))
        .select(Poll::as_select())
        .load(conn)?;
    if found.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let options: Vec<(i64, i32, String, i64)> = poll_options::table
        .filter(poll_options::poll_id.eq_any(&ids))
        .order((poll_options::poll_id, poll_options::position))
        .select((
            poll_options::poll_id,
            poll_options::position,
            poll_options::title,
            poll_options::remote_votes,
        ))
        .load(conn)?;
    let counted: HashMap<(i64, i32), i64> = poll_votes::table
        .filter(poll_votes::poll_id.eq_any(&ids))
        .group_by((poll_votes::poll_id, poll_votes::position))
        .select((
            poll_votes::poll_id,
            poll_votes::position,
            diesel::dsl::count_star(),
        ))
        .load::<(i64, i32, i64)>(conn)?
        .into_iter()
        .map(|(p, o, n)| ((p, o), n))
        .collect();
    let voters: HashMap<i64, i64> = poll_votes::table
        .filter(poll_votes::poll_id.eq_any(&ids))
        .group_by(poll_votes::poll_id)
        .select((
            poll_votes::poll_id,
            diesel::dsl::sql::<diesel::sql_types::BigInt>("COUNT(DISTINCT voter_id)"),
        ))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut own: HashMap<i64, Vec<i32>> = HashMap::new();
    if let Some(viewer) = viewer {
        let mine: Vec<(i64, i32)> = poll_votes::table
            .filter(poll_votes::poll_id.eq_any(&ids))
            .filter(poll_votes::voter_id.eq(viewer))
            .order(poll_votes::position)
            .select((poll_votes::poll_id, poll_votes::position))
            .load(conn)?;
        for (poll, position) in mine {
            own.entry(poll).or_default().push(position);
        }
    }
    Ok(found
        .into_iter()
        .map(|poll| {
            let remote = poll.is_remote();
            let options: Vec<(String, i64)> = options
                .iter()
                .filter(|(p, ..)| *p == poll.id)
                .map(|(p, position, title, remote_votes)| {
                    let local = counted.get(&(*p, *position)).copied().unwrap_or(0);
                    (title.clone(), if remote { *remote_votes } else { local })
                })
                .collect();
            let votes = options.iter().map(|(_, n)| n).sum();
            let voters = match poll.remote_voters {
                Some(n) => n,
                None => voters.get(&poll.id).copied().unwrap_or(0),
            };
            let view = PollView {
                own: own.remove(&poll.id).unwrap_or_default(),
                options,
                votes,
                voters,
                poll,
            };
            (view.poll.status_id, view)
        })
        .collect())
}

/// The poll of one status as `viewer` sees it.
pub fn view(conn: &mut DbConn, poll: &Poll, viewer: Option<i64>) -> Result<PollView, Error> {
    views(conn, &[poll.status_id], viewer)?
        .remove(&poll.status_id)
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

/// A member votes: `choices` are option indexes. Refused after the end,
/// for a second vote, for several choices on a single-choice poll, and
/// for indexes that are not options. A vote on another instance's poll
/// is sent to its author.
pub fn vote(
    conn: &mut DbConn,
    config: &Config,
    voter: &Actor,
    poll: &Poll,
    choices: &[i64],
) -> Result<(), Error> {
    let fail = |message: &str| Err(Error::invalid("choices", message));
    if poll.expired() {
        return fail("The poll has already ended");
    }
    let mut choices = choices.to_vec();
    choices.sort_unstable();
    choices.dedup();
    if choices.is_empty() {
        return fail("Choose at least one option");
    }
    if !poll.multiple && choices.len() > 1 {
        return fail("This poll accepts only one choice");
    }
    let titles: Vec<String> = poll_options::table
        .filter(poll_options::poll_id.eq(poll.id))
        .order(poll_options::position)
        .select(poll_options::title)
        .load(conn)?;
    if choices
        .iter()
        .any(|c| *c < 0 || *c as usize >= titles.len())
    {
        return fail("Some choices are not options of this poll");
    }
    crate::db::transaction(conn, |conn| {
        let voted = poll_votes::table
            .filter(poll_votes::poll_id.eq(poll.id))
            .filter(poll_votes::voter_id.eq(voter.id))
            .count()
            .get_result::<i64>(conn)?;
        if voted > 0 {
            return fail("You have already voted on this poll");
        }
        let now = super::now();
        for c in &choices {
            diesel::insert_into(poll_votes::table)
                .values((
                    poll_votes::poll_id.eq(poll.id),
                    poll_votes::position.eq(*c as i32),
                    poll_votes::voter_id.eq(voter.id),
                    poll_votes::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        if poll.is_remote() {
            send_votes(conn, config, voter, poll, &choices, &titles)?;
        } else {
            send_counts(conn, config, poll)?;
        }
        Ok(())
    })
}

/// Our poll's new counts go out to those who hold it (`Update` of the
/// `Question`).
fn send_counts(conn: &mut DbConn, config: &Config, poll: &Poll) -> Result<(), Error> {
    let status = super::statuses::by_id(conn, poll.status_id)?;
    let author = actors::by_id(conn, status.row.author_id)?;
    content::send_update(conn, config, &author, &status.target)
}

/// A vote on a remote poll: counted here at once (the origin's next
/// `Update` has the last word), and sent to the poll's author as one
/// `Note` per choice.
fn send_votes(
    conn: &mut DbConn,
    config: &Config,
    voter: &Actor,
    poll: &Poll,
    choices: &[i64],
    titles: &[String],
) -> Result<(), Error> {
    let status = super::statuses::by_id(conn, poll.status_id)?;
    let author = actors::by_id(conn, status.row.author_id)?;
    let question = status.target.ap_id().to_string();
    diesel::update(polls::table.find(poll.id))
        .set(polls::remote_voters.eq(polls::remote_voters + 1))
        .execute(conn)?;
    for c in choices {
        diesel::update(poll_options::table.find((poll.id, *c as i32)))
            .set(poll_options::remote_votes.eq(poll_options::remote_votes + 1))
            .execute(conn)?;
        let note = json!({
            "id": format!("{}#votes/{}/{c}", voter.ap_id, poll.id),
            "type": "Note",
            "name": titles[*c as usize],
            "attributedTo": voter.ap_id,
            "to": [author.ap_id],
            "inReplyTo": question,
        });
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": crate::activitypub::ids::activity(config),
            "type": "Create",
            "actor": voter.ap_id,
            "to": [author.ap_id],
            "object": note,
        });
        let inbox = super::follows::inbox_of(&author);
        crate::delivery_queue::publish(conn, config, voter, &activity, &question, vec![inbox])?;
    }
    Ok(())
}

/// A vote from another instance on a poll of ours: the option named
/// `name` of the `Question` at `question`. Votes after the end, second
/// votes on a single-choice poll and unknown options are ignored
/// (`false`).
pub fn receive_vote(
    conn: &mut DbConn,
    config: &Config,
    question: &str,
    voter: &Actor,
    name: &str,
) -> Result<bool, Error> {
    let Some(poll) = local_poll(conn, question)? else {
        return Ok(false);
    };
    if poll.expired() {
        return Ok(false);
    }
    let position: Option<i32> = poll_options::table
        .filter(poll_options::poll_id.eq(poll.id))
        .filter(poll_options::title.eq(name.trim()))
        .select(poll_options::position)
        .first(conn)
        .optional()?;
    let Some(position) = position else {
        return Ok(false);
    };
    let earlier: Vec<i32> = poll_votes::table
        .filter(poll_votes::poll_id.eq(poll.id))
        .filter(poll_votes::voter_id.eq(voter.id))
        .select(poll_votes::position)
        .load(conn)?;
    if earlier.contains(&position) || (!poll.multiple && !earlier.is_empty()) {
        return Ok(false);
    }
    diesel::insert_into(poll_votes::table)
        .values((
            poll_votes::poll_id.eq(poll.id),
            poll_votes::position.eq(position),
            poll_votes::voter_id.eq(voter.id),
            poll_votes::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    send_counts(conn, config, &poll)?;
    Ok(true)
}

/// The poll of a post or comment of ours, by its ActivityPub id.
pub fn local_poll(conn: &mut DbConn, ap_id: &str) -> Result<Option<Poll>, Error> {
    let Some(target) = content::find_by_ap_id(conn, ap_id)? else {
        return Ok(None);
    };
    let local = match &target {
        Target::Post(p) => p.local,
        Target::Comment(c) => c.local,
    };
    if !local {
        return Ok(None);
    }
    let status_id = super::media::status_id_of(conn, &target)?;
    of_status(conn, status_id)
}

/// A poll as another instance's `Question` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemotePoll {
    pub multiple: bool,
    pub options: Vec<(String, i64)>,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub voters: i64,
}

impl RemotePoll {
    /// The poll of a `Question` (its `oneOf` or `anyOf`), bounded like
    /// ours; `None` when it has none that fits.
    pub fn from_object(object: &Value) -> Option<RemotePoll> {
        let (items, multiple) = match (&object["oneOf"], &object["anyOf"]) {
            (Value::Array(items), _) if !items.is_empty() => (items, false),
            (_, Value::Array(items)) if !items.is_empty() => (items, true),
            _ => return None,
        };
        let options: Vec<(String, i64)> = items
            .iter()
            .take(OPTIONS_MAX)
            .filter_map(|o| {
                let name: String = o["name"]
                    .as_str()?
                    .trim()
                    .chars()
                    .take(OPTION_MAX_CHARS)
                    .collect();
                let votes = o["replies"]["totalItems"].as_i64().unwrap_or(0).max(0);
                (!name.is_empty()).then_some((name, votes))
            })
            .collect();
        if options.len() < OPTIONS_MIN {
            return None;
        }
        let end = object["endTime"].as_str().or(object["closed"].as_str());
        let expires_at = end
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.naive_utc());
        let total: i64 = options.iter().map(|(_, n)| n).sum();
        let voters = object["votersCount"].as_i64().unwrap_or(total).max(0);
        Some(RemotePoll {
            multiple,
            options,
            expires_at,
            voters,
        })
    }
}

/// Records the poll of a post or comment received from another instance.
pub fn attach_remote(conn: &mut DbConn, target: &Target, poll: &RemotePoll) -> Result<(), Error> {
    let status_id = super::media::status_id_of(conn, target)?;
    let id: i64 = diesel::insert_into(polls::table)
        .values((
            polls::status_id.eq(status_id),
            polls::multiple.eq(poll.multiple),
            polls::expires_at.eq(poll.expires_at),
            polls::remote_voters.eq(Some(poll.voters)),
            polls::created_at.eq(super::now()),
        ))
        .returning(polls::id)
        .get_result(conn)?;
    insert_options(conn, id, poll.options.iter().map(|(t, n)| (t.as_str(), *n)))
}

/// Takes the counts (and end) of a remote poll from its latest `Question`.
pub fn refresh_remote(
    conn: &mut DbConn,
    target: &Target,
    poll: &RemotePoll,
) -> Result<bool, Error> {
    let status_id = super::media::status_id_of(conn, target)?;
    let Some(stored) = of_status(conn, status_id)? else {
        attach_remote(conn, target, poll)?;
        return Ok(true);
    };
    if !stored.is_remote() {
        return Ok(false);
    }
    diesel::update(polls::table.find(stored.id))
        .set((
            polls::remote_voters.eq(Some(poll.voters)),
            polls::expires_at.eq(poll.expires_at),
        ))
        .execute(conn)?;
    for (position, (title, votes)) in poll.options.iter().enumerate() {
        diesel::update(
            poll_options::table
                .find((stored.id, position as i32))
                .filter(poll_options::title.eq(title)),
        )
        .set(poll_options::remote_votes.eq(*votes))
        .execute(conn)?;
    }
    Ok(true)
}

/// What a post or comment with a poll adds to its outgoing object: the
/// options with their counts, the end, the voters; a `Note` becomes a
/// `Question` (a community's `Page` keeps its type).
pub fn question_fields(
    conn: &mut DbConn,
    target: &Target,
) -> Result<Option<Map<String, Value>>, Error> {
    let status_id = super::media::status_id_of(conn, target)?;
    let Some(view) = views(conn, &[status_id], None)?.remove(&status_id) else {
        return Ok(None);
    };
    let options: Vec<Value> = view
        .options
        .iter()
        .map(|(name, votes)| {
            json!({
                "type": "Note",
                "name": name,
                "replies": { "type": "Collection", "totalItems": votes },
            })
        })
        .collect();
    let mut fields = Map::new();
    fields.insert(
        if view.poll.multiple { "anyOf" } else { "oneOf" }.into(),
        Value::Array(options),
    );
    if let Some(end) = view.poll.expires_at {
        let end = end
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if view.poll.expired() {
            fields.insert("closed".into(), json!(end));
        }
        fields.insert("endTime".into(), json!(end));
    }
    fields.insert("votersCount".into(), json!(view.voters));
    Ok(Some(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_polls_are_bounded() {
        let poll = |options: &[&str], expires_in: i64| NewPoll {
            options: options.iter().map(|o| o.to_string()).collect(),
            expires_in,
            ..NewPoll::default()
        };
        assert!(check(&poll(&["Oui", "Non"], 3600)).is_ok());
        assert!(check(&poll(&["Seule"], 3600)).is_err());
        assert!(check(&poll(&["a"; 11], 3600)).is_err());
        assert!(check(&poll(&["Oui", " "], 3600)).is_err());
        assert!(check(&poll(&["Oui", &"x".repeat(101)], 3600)).is_err());
        assert!(check(&poll(&["Oui", "Non"], 299)).is_err());
        assert!(check(&poll(&["Oui", "Non"], EXPIRES_MAX + 1)).is_err());
    }

    #[test]
    fn questions_of_other_instances_are_read() {
        let q = json!({
            "type": "Question",
            "anyOf": [
                {"type": "Note", "name": "A", "replies": {"totalItems": 3}},
                {"type": "Note", "name": "B"},
            ],
            "endTime": "2030-01-01T00:00:00Z",
            "votersCount": 2,
        });
        let poll = RemotePoll::from_object(&q).unwrap();
        assert!(poll.multiple);
        assert_eq!(poll.options, vec![("A".into(), 3), ("B".into(), 0)]);
        assert_eq!(poll.voters, 2);
        assert!(poll.expires_at.is_some());
        assert!(RemotePoll::from_object(&json!({"oneOf": [{"name": "seule"}]})).is_none());
    }
}

//! Lists: a member's own selections of accounts they follow (people or
//! communities), each read as its own timeline. Only their owner sees or
//! changes them.

use diesel::prelude::*;

use super::actors::Actor;
use super::follows::{self, FollowState};
use super::statuses::{keyset, Page};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors, list_members, lists};

const TITLE_MAX: usize = 100;
/// Most lists per member, and most accounts per list.
const LISTS_MAX: i64 = 100;
const MEMBERS_MAX: i64 = 1000;

/// Which answers a list shows (Mastodon's `replies_policy`).
pub const REPLIES_POLICIES: &[&str] = &["followed", "list", "none"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lists)]
pub struct List {
    pub id: i64,
    pub actor_id: i64,
    pub title: String,
    pub replies_policy: String,
    pub exclusive: bool,
    pub created_at: chrono::NaiveDateTime,
}

/// What a list is made of (all optional when changing one).
#[derive(Debug, Clone, Default)]
pub struct ListDraft {
    pub title: Option<String>,
    pub replies_policy: Option<String>,
    pub exclusive: Option<bool>,
}

fn validate_title(title: &str) -> Result<String, Error> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(Error::invalid(
            "title",
            format!("must be 1 to {TITLE_MAX} characters long"),
        ));
    }
    Ok(title.to_string())
}

fn validate_policy(policy: &str) -> Result<&'static str, Error> {
    REPLIES_POLICIES
        .iter()
        .find(|p| **p == policy)
        .copied()
        .ok_or_else(|| {
            Error::invalid(
                "replies_policy",
                format!("'{policy}' is not one of followed, list, none"),
            )
        })
}

/// A member's lists, oldest first.
pub fn of_owner(conn: &mut DbConn, owner: i64) -> Result<Vec<List>, Error> {
    Ok(lists::table
        .filter(lists::actor_id.eq(owner))
        .order(lists::id.asc())
        .select(List::as_select())
        .load(conn)?)
}

/// One of a member's lists (another's is not found).
pub fn get(conn: &mut DbConn, owner: i64, id: i64) -> Result<List, Error> {
    lists::table
        .find(id)
        .filter(lists::actor_id.eq(owner))
        .select(List::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound("Record not found".into()))
}

pub fn create(conn: &mut DbConn, owner: i64, draft: &ListDraft) -> Result<List, Error> {
    let title = validate_title(draft.title.as_deref().unwrap_or_default())?;
    let policy = validate_policy(draft.replies_policy.as_deref().unwrap_or("list"))?;
    let count: i64 = lists::table
        .filter(lists::actor_id.eq(owner))
        .count()
        .get_result(conn)?;
    if count >= LISTS_MAX {
        return Err(Error::invalid(
            "title",
            format!("one may keep at most {LISTS_MAX} lists"),
        ));
    }
    let id: i64 = diesel::insert_into(lists::table)
        .values((
            lists::actor_id.eq(owner),
            lists::title.eq(title),
            lists::replies_policy.eq(policy),
            lists::exclusive.eq(draft.exclusive.unwrap_or(false)),
            lists::created_at.eq(super::now()),
        ))
        .returning(lists::id)
        .get_result(conn)?;
    get(conn, owner, id)
}

pub fn update(conn: &mut DbConn, owner: i64, id: i64, draft: &ListDraft) -> Result<List, Error> {
    let list = get(conn, owner, id)?;
    let title = match &draft.title {
        Some(t) => validate_title(t)?,
        None => list.title,
    };
    let policy = match &draft.replies_policy {
        Some(p) => validate_policy(p)?.to_string(),
        None => list.replies_policy,
    };
    diesel::update(lists::table.find(id))
        .set((
            lists::title.eq(title),
            lists::replies_policy.eq(policy),
            lists::exclusive.eq(draft.exclusive.unwrap_or(list.exclusive)),
        ))
        .execute(conn)?;
    get(conn, owner, id)
}

pub fn delete(conn: &mut DbConn, owner: i64, id: i64) -> Result<(), Error> {
    get(conn, owner, id)?;
    diesel::delete(lists::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds accounts to a list: each must be followed by its owner.
pub fn add_members(conn: &mut DbConn, owner: i64, id: i64, accounts: &[i64]) -> Result<(), Error> {
    get(conn, owner, id)?;
    let (followed, _) = follows::between(conn, owner, accounts)?;
    if let Some(missing) = accounts.iter().find(|a| {
        !followed
            .iter()
            .any(|f| f.target_id == **a && f.state() == FollowState::Accepted)
    }) {
        return Err(Error::invalid(
            "account_ids",
            format!("account {missing} is not followed: follow it before adding it"),
        ));
    }
    crate::db::transaction(conn, |conn| {
        let present: Vec<i64> = list_members::table
            .filter(list_members::list_id.eq(id))
            .select(list_members::actor_id)
            .load(conn)?;
        let new: Vec<i64> = accounts
            .iter()
            .copied()
            .filter(|a| !present.contains(a))
            .collect();
        if (present.len() + new.len()) as i64 > MEMBERS_MAX {
            return Err(Error::invalid(
                "account_ids",
                format!("a list holds at most {MEMBERS_MAX} accounts"),
            ));
        }
        let now = super::now();
        for account in new {
            diesel::insert_into(list_members::table)
                .values((
                    list_members::list_id.eq(id),
                    list_members::actor_id.eq(account),
                    list_members::added_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn remove_members(
    conn: &mut DbConn,
    owner: i64,
    id: i64,
    accounts: &[i64],
) -> Result<(), Error> {
    get(conn, owner, id)?;
    diesel::delete(
        list_members::table
            .filter(list_members::list_id.eq(id))
            .filter(list_members::actor_id.eq_any(accounts)),
    )
    .execute(conn)?;
    Ok(())
}

/// The accounts of a list, keyset-paged by account id (newest first).
pub fn members(conn: &mut DbConn, owner: i64, id: i64, page: &Page) -> Result<Vec<Actor>, Error> {
    get(conn, owner, id)?;
    let query = actors::table
        .filter(
            actors::id.eq_any(
                list_members::table
                    .filter(list_members::list_id.eq(id))
                    .select(list_members::actor_id),
            ),
        )
        .select(Actor::as_select())
        .into_boxed();
    Ok(page.finish(keyset!(query, actors::id, page).load(conn)?))
}

/// The owner's lists that hold an account.
pub fn containing(conn: &mut DbConn, owner: i64, account: i64) -> Result<Vec<List>, Error> {
    Ok(lists::table
        .filter(lists::actor_id.eq(owner))
        .filter(
            lists::id.eq_any(
                list_members::table
                    .filter(list_members::actor_id.eq(account))
                    .select(list_members::list_id),
            ),
        )
        .order(lists::id.asc())
        .select(List::as_select())
        .load(conn)?)
}

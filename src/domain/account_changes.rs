//! What a member changes about their own account beyond the profile: the
//! e-mail address, and deleting the account. Both ask for the password.
//! Deleting removes the account (its sessions and API tokens with it) but
//! keeps the name reserved: the emptied actor row and its keys stay, so
//! that the `Delete` can be signed and nobody takes the name over. Its
//! content is erased here and `Delete{Person}` federates to the instances
//! that know it. The actor is marked deleted (`deleted_at`, see
//! `Actor::is_deleted`) and every public door serves it as gone.

use diesel::prelude::*;

use super::accounts::{self, check_password, AccountStatus, Role};
use super::actors::Actor;
use super::content;
use super::follows;
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{
    actors, comments, community_moderators, notifications, person_profiles, posts, users,
};

/// Active administrators of this instance.
pub fn active_admins(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::status.eq(AccountStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// The refusal when the instance would be left without an administrator.
pub fn last_admin() -> Error {
    Error::invalid(
        "admin_role",
        "the instance's last administrator must stay one",
    )
}

/// A member changes their e-mail address (validated, unique), giving their
/// password (`email_password`). Returns the address as stored.
pub fn change_email(
    conn: &mut DbConn,
    user_id: i64,
    password: &str,
    email: &str,
) -> Result<String, Error> {
    let account = accounts::find_by_id(conn, user_id)?;
    check_password(&account.user.password_hash, password, "email_password")?;
    let email = accounts::validate_email(email)?;
    if email == account.user.email {
        return Ok(email);
    }
    let taken = || Error::conflict("email", "an account already uses this e-mail address");
    let used: i64 = users::table
        .filter(users::email.eq(&email))
        .count()
        .get_result(conn)?;
    if used > 0 {
        return Err(taken());
    }
    match diesel::update(users::table.find(user_id))
        .set(users::email.eq(&email))
        .execute(conn)
    {
        Ok(_) => Ok(email),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// The inboxes that know a local person: its remote followers, the remote
/// actors it follows, and the communities it wrote in (a remote one's
/// inbox, a local one's remote followers, who received its posts).
fn audience(conn: &mut DbConn, person: &Actor) -> Result<Vec<String>, Error> {
    let mut inboxes = follows::follower_inboxes(conn, person.id)?;
    inboxes.extend(follows::followed_inboxes(conn, person.id)?);
    let mut community_ids: Vec<i64> = posts::table
        .filter(posts::author_id.eq(person.id))
        .filter(posts::community_id.is_not_null())
        .select(posts::community_id.assume_not_null())
        .distinct()
        .load(conn)?;
    community_ids.extend(
        comments::table
            .inner_join(posts::table)
            .filter(comments::author_id.eq(person.id))
            .filter(posts::community_id.is_not_null())
            .select(posts::community_id.assume_not_null())
            .distinct()
            .load::<i64>(conn)?,
    );
    community_ids.sort_unstable();
    community_ids.dedup();
    let communities: Vec<Actor> = actors::table
        .filter(actors::id.eq_any(&community_ids))
        .select(Actor::as_select())
        .load(conn)?;
    for community in communities {
        if community.local {
            inboxes.extend(follows::follower_inboxes(conn, community.id)?);
        } else {
            inboxes.push(follows::inbox_of(&community));
        }
    }
    Ok(inboxes)
}

/// A member deletes their account, giving their password
/// (`delete_password`) and ticking the confirmation (`delete_confirm`).
/// Their posts and comments become tombstones, likes and follows go, the
/// account goes with its sessions and API tokens, the profile is emptied,
/// the name stays reserved, and `Delete{Person}` goes to the instances that knew
/// them. The last administrator cannot leave.
pub fn delete_account(
    conn: &mut DbConn,
    config: &Config,
    user_id: i64,
    password: &str,
    confirmed: bool,
) -> Result<(), Error> {
    let account = accounts::find_by_id(conn, user_id)?;
    check_password(&account.user.password_hash, password, "delete_password")?;
    if !confirmed {
        return Err(Error::invalid("delete_confirm", "must be ticked"));
    }
    crate::db::transaction(conn, |conn| {
        if account.user.role() == Role::Admin
            && account.user.is_active()
            && active_admins(conn)? <= 1
        {
            return Err(last_admin());
        }
        let person = &account.actor;
        let inboxes = audience(conn, person)?;
        let delete = recolte_federation::activities::delete(
            &crate::activitypub::ids::activity(config),
            &person.ap_id,
            &person.ap_id,
            None,
        );
        crate::delivery_queue::publish(conn, config, person, &delete, &person.ap_id, inboxes)?;
        content::erase_account_traces(conn, person)?;
        diesel::delete(
            community_moderators::table.filter(community_moderators::person_id.eq(person.id)),
        )
        .execute(conn)?;
        diesel::delete(notifications::table.filter(notifications::recipient_id.eq(person.id)))
            .execute(conn)?;
        diesel::delete(person_profiles::table.filter(person_profiles::actor_id.eq(person.id)))
            .execute(conn)?;
        super::actors::mark_deleted(conn, person.id)?;
        // Sessions and API tokens go with the account (foreign keys).
        diesel::delete(users::table.find(user_id)).execute(conn)?;
        Ok(())
    })
}

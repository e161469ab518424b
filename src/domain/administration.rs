//! What administrators do to other accounts: change their role (member,
//! moderator, administrator), suspend them and reactivate them. The
//! instance always keeps an active administrator: the last one can be
//! neither demoted nor suspended. Sessions and API tokens of a suspended
//! account stop working at once (both check the account is active).

use diesel::prelude::*;

use super::account_changes::{active_admins, last_admin};
use super::accounts::{self, Account, AccountStatus, Role};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::users;

fn ensure_admin(by: &Account) -> Result<(), Error> {
    if by.user.role() != Role::Admin || !by.user.is_active() {
        return Err(Error::Forbidden(
            "only an administrator manages accounts".into(),
        ));
    }
    Ok(())
}

/// Whether taking `account` out of the active administrators would leave none.
fn is_last_admin(conn: &mut DbConn, account: &Account) -> Result<bool, Error> {
    Ok(account.user.role() == Role::Admin && account.user.is_active() && active_admins(conn)? <= 1)
}

/// An administrator gives an account a role (`member`, `moderator`, `admin`).
pub fn set_role(
    conn: &mut DbConn,
    by: &Account,
    user_id: i64,
    role: &str,
) -> Result<Account, Error> {
    ensure_admin(by)?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| Error::invalid("role", "is one of member, moderator or admin"))?;
    crate::db::transaction(conn, |conn| {
        let account = accounts::find_by_id(conn, user_id)?;
        if role != Role::Admin && is_last_admin(conn, &account)? {
            return Err(last_admin());
        }
        diesel::update(users::table.find(user_id))
            .set(users::role.eq(role.as_str()))
            .execute(conn)?;
        accounts::find_by_id(conn, user_id)
    })
}

/// An administrator suspends an active account, or reactivates a
/// suspended one (pending sign-ups are approved, not reactivated).
pub fn set_suspended(
    conn: &mut DbConn,
    by: &Account,
    user_id: i64,
    suspended: bool,
) -> Result<Account, Error> {
    ensure_admin(by)?;
    crate::db::transaction(conn, |conn| {
        let account = accounts::find_by_id(conn, user_id)?;
        let (from, to) = if suspended {
            (AccountStatus::Active, AccountStatus::Suspended)
        } else {
            (AccountStatus::Suspended, AccountStatus::Active)
        };
        if account.user.status != from.as_str() {
            return Err(Error::invalid(
                "status",
                format!("the account is {}", account.user.status),
            ));
        }
        if suspended && is_last_admin(conn, &account)? {
            return Err(last_admin());
        }
        diesel::update(users::table.find(user_id))
            .set(users::status.eq(to.as_str()))
            .execute(conn)?;
        accounts::find_by_id(conn, user_id)
    })
}

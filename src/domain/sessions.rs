//! Web sessions, stored in the database: the browser holds a random token,
//! the database only its SHA-256, with a per-session CSRF token.

use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::accounts::{Account, User};
use super::actors::Actor;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors, sessions, users};

/// How long a session lasts without logging in again.
pub const SESSION_DAYS: i64 = 30;

/// A new random token, hex-encoded (256 bits).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An open session: who, and the token forms must echo.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
}

/// Opens a session for an account; returns the token for the cookie.
pub fn open(conn: &mut DbConn, account: &Account) -> Result<String, Error> {
    let token = random_token();
    let now = super::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(hash_token(&token)),
            sessions::user_id.eq(account.user.id),
            sessions::csrf_token.eq(random_token()),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + chrono::Duration::days(SESSION_DAYS)),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(account.user.id))
        .set(users::last_active_at.eq(now))
        .execute(conn)?;
    Ok(token)
}

/// The session a cookie token designates, if it is open and its account active.
pub fn find(conn: &mut DbConn, token: &str) -> Result<Option<Session>, Error> {
    let found: Option<(String, User, Actor)> = sessions::table
        .inner_join(users::table.inner_join(actors::table))
        .filter(sessions::token_hash.eq(hash_token(token)))
        .filter(sessions::expires_at.gt(super::now()))
        .select((sessions::csrf_token, User::as_select(), Actor::as_select()))
        .first(conn)
        .optional()?;
    let Some((csrf_token, user, actor)) = found else {
        return Ok(None);
    };
    let account = Account { user, actor };
    if !account.user.is_active() {
        return Ok(None);
    }
    Ok(Some(Session {
        account,
        csrf_token,
    }))
}

/// Closes a session (log out). Closing an unknown session is not an error.
pub fn close(conn: &mut DbConn, token: &str) -> Result<(), Error> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash_token(token))))
        .execute(conn)?;
    Ok(())
}

//! Log-in throttling: failed log-ins are recorded per login (username or
//! e-mail); after [`MAX_FAILURES`] within [`WINDOW_MINUTES`], further attempts
//! for that login are refused whatever the password until the oldest failure
//! leaves the window, so that passwords cannot be guessed by brute force.
//! A successful log-in forgets the failures. Every front door that checks a
//! password (web log-in, the client API's password grant) goes through
//! [`log_in`].

use diesel::prelude::*;

use super::accounts::{self, Account, EMAIL_MAX};
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::login_failures;

/// Failed attempts allowed per login within the window.
pub const MAX_FAILURES: i64 = 10;
/// How long failures count.
pub const WINDOW_MINUTES: i64 = 15;
/// The message of the error refusing a throttled attempt.
pub const THROTTLED: &str = "too many failed log-in attempts: try again later";

/// The key failures are counted under: the login as typed, normalised.
fn key(login: &str) -> String {
    login
        .trim()
        .to_lowercase()
        .chars()
        .take(EMAIL_MAX)
        .collect()
}

/// Checks a login and password like [`accounts::authenticate`], unless the
/// login has failed too often lately (`Error::Forbidden(THROTTLED)`).
pub fn log_in(
    conn: &mut DbConn,
    config: &Config,
    login: &str,
    password: &str,
) -> Result<Account, Error> {
    let key = key(login);
    let since = super::now() - chrono::Duration::minutes(WINDOW_MINUTES);
    let recent: i64 = login_failures::table
        .filter(login_failures::login.eq(&key))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)?;
    if recent >= MAX_FAILURES {
        return Err(Error::Forbidden(THROTTLED.into()));
    }
    match accounts::authenticate(conn, config, login, password) {
        Ok(account) => {
            diesel::delete(login_failures::table.filter(login_failures::login.eq(&key)))
                .execute(conn)?;
            Ok(account)
        }
        Err(e @ Error::Unauthorized(_)) => {
            // Failures past the window no longer count: drop them on the way.
            diesel::delete(login_failures::table.filter(login_failures::failed_at.le(since)))
                .execute(conn)?;
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::login.eq(&key),
                    login_failures::failed_at.eq(super::now()),
                ))
                .execute(conn)?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

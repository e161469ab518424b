//! Usage figures of the instance, as published in NodeInfo.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{comments, posts, users};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub users_total: i64,
    pub users_active_month: i64,
    pub users_active_halfyear: i64,
    pub local_posts: i64,
    pub local_comments: i64,
}

/// Counts active local users, and local posts and comments not deleted.
pub fn usage(conn: &mut DbConn) -> Result<Usage, Error> {
    let now = super::now();
    let active_since = |days: i64| {
        users::table
            .filter(users::status.eq("active"))
            .filter(users::last_active_at.gt(now - chrono::Duration::days(days)))
            .count()
    };
    Ok(Usage {
        users_total: users::table
            .filter(users::status.eq("active"))
            .count()
            .get_result(conn)?,
        users_active_month: active_since(30).get_result(conn)?,
        users_active_halfyear: active_since(180).get_result(conn)?,
        local_posts: posts::table
            .filter(posts::local.eq(true))
            .filter(posts::deleted_at.is_null())
            .count()
            .get_result(conn)?,
        local_comments: comments::table
            .filter(comments::local.eq(true))
            .filter(comments::deleted_at.is_null())
            .count()
            .get_result(conn)?,
    })
}

/// The other instances this one knows, by domain, alphabetically.
pub fn peers(conn: &mut DbConn) -> Result<Vec<String>, Error> {
    use crate::schema::instances;
    Ok(instances::table
        .order(instances::domain.asc())
        .select(instances::domain)
        .load(conn)?)
}

/// Activity of the last seven days: local posts and comments written,
/// members active, accounts created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Week {
    pub statuses: i64,
    pub logins: i64,
    pub registrations: i64,
}

pub fn last_week(conn: &mut DbConn) -> Result<Week, Error> {
    let since = super::now() - chrono::Duration::days(7);
    let posts: i64 = posts::table
        .filter(posts::local.eq(true))
        .filter(posts::published_at.gt(since))
        .count()
        .get_result(conn)?;
    let comments: i64 = comments::table
        .filter(comments::local.eq(true))
        .filter(comments::published_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(Week {
        statuses: posts + comments,
        logins: users::table
            .filter(users::last_active_at.gt(since))
            .count()
            .get_result(conn)?,
        registrations: users::table
            .filter(users::created_at.gt(since))
            .count()
            .get_result(conn)?,
    })
}

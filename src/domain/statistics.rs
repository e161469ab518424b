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

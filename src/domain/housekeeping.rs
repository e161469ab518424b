//! What the server clears by itself: images uploaded but never attached to
//! a status a day after they were sent, and the images of deleted posts
//! and comments (their rows, then their files); expired sessions and OAuth
//! codes; idempotency keys past their day. One pass is [`sweep`]; the
//! server runs it when it starts and every hour.

use diesel::dsl::exists;
use diesel::prelude::*;

use crate::config::Config;
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::schema::{idempotency_keys, media, oauth_codes, sessions, statuses};

/// How long an upload may wait to be attached to a status.
pub const UNATTACHED_UPLOAD_HOURS: i64 = 24;

/// How long an idempotency key gives back the status it created.
pub const IDEMPOTENCY_KEY_HOURS: i64 = 24;

/// What one pass removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Uploads never attached within their day.
    pub uploads: usize,
    /// Images of deleted posts and comments.
    pub images_of_deleted: usize,
    pub sessions: usize,
    pub oauth_codes: usize,
    pub idempotency_keys: usize,
}

/// Removes what has outlived its use, as of `now`. The rows of images go
/// first, in one transaction, and their files after it: a crash in
/// between leaves a file without a row, never a row without its file.
pub fn sweep(
    conn: &mut DbConn,
    config: &Config,
    now: chrono::NaiveDateTime,
) -> Result<Swept, Error> {
    let upload_deadline = now - chrono::Duration::hours(UNATTACHED_UPLOAD_HOURS);
    let key_deadline = now - chrono::Duration::hours(IDEMPOTENCY_KEY_HOURS);
    let (swept, files) = db::transaction(conn, |conn| {
        let forgotten = media::table
            .filter(media::status_id.is_null())
            .filter(media::created_at.lt(upload_deadline));
        let of_deleted = media::table.filter(exists(
            statuses::table
                .filter(statuses::id.nullable().eq(media::status_id))
                .filter(statuses::deleted),
        ));
        let mut files: Vec<Option<String>> = forgotten.select(media::file_name).load(conn)?;
        files.extend(
            of_deleted
                .select(media::file_name)
                .load::<Option<String>>(conn)?,
        );
        let swept = Swept {
            uploads: diesel::delete(forgotten).execute(conn)?,
            images_of_deleted: diesel::delete(of_deleted).execute(conn)?,
            sessions: diesel::delete(sessions::table.filter(sessions::expires_at.le(now)))
                .execute(conn)?,
            oauth_codes: diesel::delete(oauth_codes::table.filter(oauth_codes::expires_at.le(now)))
                .execute(conn)?,
            idempotency_keys: diesel::delete(
                idempotency_keys::table.filter(idempotency_keys::created_at.lt(key_deadline)),
            )
            .execute(conn)?,
        };
        Ok::<_, Error>((swept, files))
    })?;
    for name in files.iter().flatten() {
        super::media::remove_file(config, name);
    }
    Ok(swept)
}

//! Hashtags: which statuses carry which tag. A local post or comment gets
//! the hashtags of its Markdown (see [`super::text`]), one from elsewhere
//! those of its `tag` entries of type `Hashtag`; both are written again on
//! each edit. Names are stored lowercased, so that `#Vélo` and `#vélo` are
//! one tag. Reblogs carry no tags of their own.

use std::collections::HashMap;

use diesel::prelude::*;

use super::content::Target;
use super::statuses;
use super::text::{HASHTAGS_MAX, HASHTAG_MAX_CHARS};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{status_tags, tags};

/// A tag name as stored: without `#`, lowercased; `None` when it is not
/// one (empty, too long, characters other than letters, digits and `_`,
/// or digits only).
pub fn normalize(name: &str) -> Option<String> {
    let name = name.trim().trim_start_matches('#');
    let count = name.chars().count();
    let valid = count > 0
        && count <= HASHTAG_MAX_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.chars().all(|c| c.is_ascii_digit());
    valid.then(|| name.to_lowercase())
}

/// Gives a post or comment exactly these tags (names already normalised;
/// at most [`HASHTAGS_MAX`] kept).
pub fn index(conn: &mut DbConn, target: &Target, names: &[String]) -> Result<(), Error> {
    let status_id = statuses::of_target(conn, target)?.row.id;
    diesel::delete(status_tags::table.filter(status_tags::status_id.eq(status_id)))
        .execute(conn)?;
    let mut seen: Vec<&String> = Vec::new();
    for name in names {
        if seen.len() == HASHTAGS_MAX {
            break;
        }
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let tag_id = id_of(conn, name)?;
        diesel::insert_into(status_tags::table)
            .values((
                status_tags::tag_id.eq(tag_id),
                status_tags::status_id.eq(status_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The id of a tag, made when new.
fn id_of(conn: &mut DbConn, name: &str) -> Result<i64, Error> {
    if let Some(id) = find(conn, name)? {
        return Ok(id);
    }
    // Two writers may make the same tag at once: either insert will do.
    let inserted = diesel::insert_into(tags::table)
        .values(tags::name.eq(name))
        .execute(conn);
    match inserted {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {}
        Err(e) => return Err(e.into()),
    }
    find(conn, name)?.ok_or_else(|| Error::Internal(format!("tag {name} was not stored")))
}

/// The id of a known tag (any case, with or without `#`).
pub fn find(conn: &mut DbConn, name: &str) -> Result<Option<i64>, Error> {
    let Some(name) = normalize(name) else {
        return Ok(None);
    };
    Ok(tags::table
        .filter(tags::name.eq(name))
        .select(tags::id)
        .first(conn)
        .optional()?)
}

/// Known tags starting with a prefix (any case, `#` allowed), in name order.
pub fn search(conn: &mut DbConn, prefix: &str, limit: i64) -> Result<Vec<String>, Error> {
    let Some(prefix) = normalize(prefix) else {
        return Ok(vec![]);
    };
    // `_` is a wildcard of LIKE: escape it.
    let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('_', "\\_"));
    Ok(tags::table
        .filter(tags::name.like(pattern).escape('\\'))
        .order(tags::name.asc())
        .limit(limit)
        .select(tags::name)
        .load(conn)?)
}

/// The tags of statuses, by status id, in name order.
pub fn of_statuses(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, Error> {
    let rows: Vec<(i64, String)> = status_tags::table
        .inner_join(tags::table)
        .filter(status_tags::status_id.eq_any(ids))
        .order(tags::name.asc())
        .select((status_tags::status_id, tags::name))
        .load(conn)?;
    let mut by_status: HashMap<i64, Vec<String>> = HashMap::new();
    for (status, name) in rows {
        by_status.entry(status).or_default().push(name);
    }
    Ok(by_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize("#Vélo").as_deref(), Some("vélo"));
        assert_eq!(
            normalize("Économie_Locale").as_deref(),
            Some("économie_locale")
        );
        assert_eq!(normalize("2026"), None);
        assert_eq!(normalize("a b"), None);
        assert_eq!(normalize("#"), None);
        assert_eq!(normalize(&"x".repeat(101)), None);
    }
}

//! Professional profiles of people: structure, job title, territory, skills.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::Error;
use crate::schema::person_profiles;

#[derive(Debug, Clone, Default, Queryable, Selectable)]
#[diesel(table_name = person_profiles)]
pub struct Profile {
    pub actor_id: i64,
    pub structure: String,
    pub job_title: String,
    pub territory: String,
    pub skills: String,
}

/// The profile of a person actor (empty when none is stored).
pub fn of_actor(conn: &mut DbConn, actor_id: i64) -> Result<Profile, Error> {
    Ok(person_profiles::table
        .find(actor_id)
        .select(Profile::as_select())
        .first(conn)
        .optional()?
        .unwrap_or(Profile {
            actor_id,
            ..Profile::default()
        }))
}

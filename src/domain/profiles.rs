//! Professional profiles of people: structure, job title, territory, skills.

use diesel::prelude::*;

use super::actors::{Actor, ActorKind};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors, person_profiles};

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

/// What a member may change of how they present themselves.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub display_name: String,
    pub summary: String,
    pub structure: String,
    pub job_title: String,
    pub territory: String,
    pub skills: String,
}

/// Trims a field and checks its length in characters.
fn bounded(field: &'static str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters long"),
        ));
    }
    Ok(value.to_string())
}

/// A local member changes their name, presentation and professional
/// profile. Other instances see it when they next fetch the actor.
pub fn update(conn: &mut DbConn, person: &Actor, change: &ProfileChange) -> Result<Profile, Error> {
    if !person.local || person.kind() != ActorKind::Person {
        return Err(Error::Forbidden(
            "only local members have a profile here".into(),
        ));
    }
    let display_name = bounded("display_name", &change.display_name, 100)?;
    let summary = bounded("summary", &change.summary, 2000)?;
    let profile = Profile {
        actor_id: person.id,
        structure: bounded("structure", &change.structure, 200)?,
        job_title: bounded("job_title", &change.job_title, 200)?,
        territory: bounded("territory", &change.territory, 200)?,
        skills: bounded("skills", &change.skills, 1000)?,
    };
    crate::db::transaction(conn, |conn| {
        diesel::update(actors::table.find(person.id))
            .set((
                actors::display_name.eq(&display_name),
                actors::summary.eq(&summary),
                actors::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        let fields = (
            person_profiles::structure.eq(&profile.structure),
            person_profiles::job_title.eq(&profile.job_title),
            person_profiles::territory.eq(&profile.territory),
            person_profiles::skills.eq(&profile.skills),
        );
        let changed = diesel::update(person_profiles::table.find(person.id))
            .set(fields)
            .execute(conn)?;
        if changed == 0 {
            diesel::insert_into(person_profiles::table)
                .values((person_profiles::actor_id.eq(person.id), fields))
                .execute(conn)?;
        }
        Ok::<_, Error>(())
    })?;
    Ok(profile)
}

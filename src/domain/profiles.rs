//! Professional profiles of people: structure, job title, territory,
//! skills, with the name and presentation others see, and their changes.

use diesel::prelude::*;

use super::actors::{self, Actor, ActorKind};
use crate::config::Config;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors as actors_t, person_profiles};

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

/// What a member may change in how others see them.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub display_name: String,
    pub summary: String,
    pub structure: String,
    pub job_title: String,
    pub territory: String,
    pub skills: String,
}

/// Checks that a text fits in `max` characters once trimmed.
fn bounded<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str, Error> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters long"),
        ));
    }
    Ok(value)
}

/// A local member changes their name, presentation or professional
/// profile; the instances that know them get an `Update` of their actor.
pub fn update(
    conn: &mut DbConn,
    config: &Config,
    person: &Actor,
    changes: &ProfileChanges,
) -> Result<(Actor, Profile), Error> {
    if !person.local || person.kind() != ActorKind::Person {
        return Err(Error::Forbidden(
            "only a member of this instance can change their profile".into(),
        ));
    }
    let display_name = bounded("display_name", &changes.display_name, 100)?;
    let summary = bounded("summary", &changes.summary, 2_000)?;
    let profile = Profile {
        actor_id: person.id,
        structure: bounded("structure", &changes.structure, 200)?.to_string(),
        job_title: bounded("job_title", &changes.job_title, 200)?.to_string(),
        territory: bounded("territory", &changes.territory, 200)?.to_string(),
        skills: bounded("skills", &changes.skills, 1_000)?.to_string(),
    };
    crate::db::transaction(conn, |conn| {
        diesel::update(actors_t::table.find(person.id))
            .set((
                actors_t::display_name.eq(display_name),
                actors_t::summary.eq(summary),
                actors_t::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        let changed = diesel::update(person_profiles::table.find(person.id))
            .set((
                person_profiles::structure.eq(&profile.structure),
                person_profiles::job_title.eq(&profile.job_title),
                person_profiles::territory.eq(&profile.territory),
                person_profiles::skills.eq(&profile.skills),
            ))
            .execute(conn)?;
        if changed == 0 {
            diesel::insert_into(person_profiles::table)
                .values((
                    person_profiles::actor_id.eq(person.id),
                    person_profiles::structure.eq(&profile.structure),
                    person_profiles::job_title.eq(&profile.job_title),
                    person_profiles::territory.eq(&profile.territory),
                    person_profiles::skills.eq(&profile.skills),
                ))
                .execute(conn)?;
        }
        let updated = actors::by_id(conn, person.id)?;
        let document = crate::activitypub::actors::actor_document(&updated, Some(&profile), None);
        actors::publish_update(conn, config, &updated, &document)?;
        Ok((updated, profile))
    })
}

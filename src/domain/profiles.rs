//! Professional profiles of people: structure, job title, territory,
//! skills, with the name and presentation others see, their avatar and
//! header images, and their changes.

use diesel::prelude::*;

use super::actors::{self, Actor, ActorKind};
use super::media;
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

/// A member's pictures to change: new image bytes for each one given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pictures<'a> {
    pub avatar: Option<&'a [u8]>,
    pub header: Option<&'a [u8]>,
}

/// A local member changes their avatar or header: each image is checked
/// and stored like an upload, the one it replaces removed, and the
/// instances that know them get an `Update` of their actor.
pub fn set_pictures(
    conn: &mut DbConn,
    config: &Config,
    person: &Actor,
    pictures: Pictures,
) -> Result<Actor, Error> {
    if !person.local || person.kind() != ActorKind::Person {
        return Err(Error::Forbidden(
            "only a member of this instance can change their pictures".into(),
        ));
    }
    let store = |bytes: Option<&[u8]>, field: &'static str| {
        bytes
            .map(|b| {
                media::store_file(config, b).map_err(|e| match e {
                    Error::Invalid { message, .. } => Error::invalid(field, message),
                    other => other,
                })
            })
            .transpose()
    };
    let avatar = store(pictures.avatar, "avatar")?;
    let header = match store(pictures.header, "header") {
        Ok(h) => h,
        Err(e) => {
            avatar
                .iter()
                .for_each(|f| media::remove_file(config, &f.file_name));
            return Err(e);
        }
    };
    let url =
        |f: &Option<media::StoredFile>| f.as_ref().map(|f| media::file_url(config, &f.file_name));
    let (avatar_url, header_url) = (url(&avatar), url(&header));
    let written = crate::db::transaction(conn, |conn| {
        if let Some(u) = &avatar_url {
            diesel::update(actors_t::table.find(person.id))
                .set(actors_t::avatar_url.eq(u))
                .execute(conn)?;
        }
        if let Some(u) = &header_url {
            diesel::update(actors_t::table.find(person.id))
                .set(actors_t::header_url.eq(u))
                .execute(conn)?;
        }
        diesel::update(actors_t::table.find(person.id))
            .set(actors_t::updated_at.eq(super::now()))
            .execute(conn)?;
        let updated = actors::by_id(conn, person.id)?;
        let profile = of_actor(conn, person.id)?;
        let document = crate::activitypub::actors::actor_document(&updated, Some(&profile), None);
        actors::publish_update(conn, config, &updated, &document)?;
        Ok::<_, Error>(updated)
    });
    let replaced = [
        (avatar_url.is_some(), &person.avatar_url),
        (header_url.is_some(), &person.header_url),
    ];
    match written {
        Ok(updated) => {
            for (changed, old) in replaced {
                if let Some(name) = old
                    .as_deref()
                    .filter(|_| changed)
                    .and_then(|u| media::own_file(config, u))
                {
                    media::remove_file(config, name);
                }
            }
            Ok(updated)
        }
        Err(e) => {
            for f in avatar.iter().chain(&header) {
                media::remove_file(config, &f.file_name);
            }
            Err(e)
        }
    }
}

/// What a member changes from a Mastodon app: what is `None` stays;
/// `fields` (name, value) replace the professional fields when given.
#[derive(Debug, Clone, Default)]
pub struct CredentialChanges<'a> {
    pub display_name: Option<String>,
    pub note: Option<String>,
    pub fields: Option<Vec<(String, String)>>,
    pub pictures: Pictures<'a>,
}

/// Applies a Mastodon app's changes in one go: the text first, the
/// pictures last, so that whatever is refused, nothing changes.
pub fn update_credentials(
    conn: &mut DbConn,
    config: &Config,
    person: &Actor,
    changes: &CredentialChanges,
) -> Result<Actor, Error> {
    crate::db::transaction(conn, |conn| {
        let mut actor = person.clone();
        if changes.display_name.is_some() || changes.note.is_some() || changes.fields.is_some() {
            let current = of_actor(conn, actor.id)?;
            let mut profile = ProfileChanges {
                display_name: changes
                    .display_name
                    .clone()
                    .unwrap_or_else(|| actor.display_name.clone()),
                summary: changes
                    .note
                    .clone()
                    .unwrap_or_else(|| actor.summary.clone()),
                structure: current.structure,
                job_title: current.job_title,
                territory: current.territory,
                skills: current.skills,
            };
            if let Some(fields) = &changes.fields {
                apply_fields(&mut profile, fields)?;
            }
            actor = update(conn, config, &actor, &profile)?.0;
        }
        if changes.pictures.avatar.is_some() || changes.pictures.header.is_some() {
            actor = set_pictures(conn, config, &actor, changes.pictures)?;
        }
        Ok(actor)
    })
}

/// A member's profile fields as Mastodon shows them: (name, value) for
/// each professional field filled in, named as they federate.
pub fn fields(profile: &Profile) -> Vec<(&'static str, &str)> {
    FIELD_NAMES
        .iter()
        .zip([
            &profile.structure,
            &profile.job_title,
            &profile.territory,
            &profile.skills,
        ])
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|((name, _), v)| (*name, v.as_str()))
        .collect()
}

/// The professional fields: their French name (as they federate) and the
/// English one also understood.
const FIELD_NAMES: [(&str, &str); 4] = [
    ("Structure", "Organisation"),
    ("Fonction", "Job title"),
    ("Territoire", "Territory"),
    ("Compétences", "Skills"),
];

/// Applies Mastodon profile fields (name, value) to a profile's changes:
/// at most four, each named after one of the professional fields (French
/// or English, any case); the fields not given are emptied.
pub fn apply_fields(
    changes: &mut ProfileChanges,
    fields: &[(String, String)],
) -> Result<(), Error> {
    if fields.len() > FIELD_NAMES.len() {
        return Err(Error::invalid(
            "fields_attributes",
            "at most 4 fields are accepted",
        ));
    }
    let mut values: [Option<String>; 4] = Default::default();
    for (name, value) in fields {
        let name = name.trim();
        if name.is_empty() && value.trim().is_empty() {
            continue;
        }
        let index = FIELD_NAMES
            .iter()
            .position(|(fr, en)| {
                let name = name.to_lowercase();
                fr.to_lowercase() == name || en.to_lowercase() == name
            })
            .ok_or_else(|| {
                Error::invalid(
                    "fields_attributes",
                    format!("'{name}' is not a profile field: use Structure, Fonction, Territoire or Compétences"),
                )
            })?;
        values[index] = Some(value.clone());
    }
    let [structure, job_title, territory, skills] = values;
    changes.structure = structure.unwrap_or_default();
    changes.job_title = job_title.unwrap_or_default();
    changes.territory = territory.unwrap_or_default();
    changes.skills = skills.unwrap_or_default();
    Ok(())
}

/// The profiles of actors, in one query (people without one are left out).
pub fn of_actors(
    conn: &mut DbConn,
    actor_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Profile>, Error> {
    Ok(person_profiles::table
        .filter(person_profiles::actor_id.eq_any(actor_ids))
        .select(Profile::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.actor_id, p))
        .collect())
}

//! The instance's settings that administrators edit: name, short
//! description, accent colour, registration mode and logo (an image of the
//! media store, its previous file removed when replaced). The configuration
//! gives their first values; once an administrator saves them, the
//! database row is the single source every page, the sign-up (web and
//! API) and the instance documents read. The accent colour is turned into
//! a light and a dark theme that keep WCAG AA contrast (4.5:1) against the
//! pages' backgrounds, darkened or lightened when the chosen one would not.

use diesel::prelude::*;

use super::accounts::{Account, Role};
use crate::config::{Config, RegistrationMode};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::instance_settings;

/// The accent of the stylesheet, used until an administrator chooses one.
pub const DEFAULT_ACCENT: &str = "#2b6534";
pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSettings {
    pub name: String,
    pub description: String,
    /// `#rrggbb`, as chosen.
    pub accent: String,
    pub registration_mode: RegistrationMode,
    /// The logo's file in the media store, if one was uploaded.
    pub logo: Option<String>,
}

impl InstanceSettings {
    /// The logo's public URL, if there is one.
    pub fn logo_url(&self, config: &Config) -> Option<String> {
        self.logo
            .as_deref()
            .map(|name| super::media::file_url(config, name))
    }
}

/// The registration mode a stored or typed value names.
pub fn parse_mode(s: &str) -> Option<RegistrationMode> {
    [
        RegistrationMode::Open,
        RegistrationMode::Approval,
        RegistrationMode::Closed,
    ]
    .into_iter()
    .find(|m| m.as_str() == s.trim())
}

/// The settings in force: the saved ones, or the configuration's.
pub fn current(conn: &mut DbConn, config: &Config) -> Result<InstanceSettings, Error> {
    type Row = (String, String, String, String, Option<String>);
    let row: Option<Row> = instance_settings::table
        .find(1_i64)
        .select((
            instance_settings::name,
            instance_settings::description,
            instance_settings::accent,
            instance_settings::registration_mode,
            instance_settings::logo,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((name, description, accent, mode, logo)) => InstanceSettings {
            name,
            description,
            accent,
            registration_mode: parse_mode(&mode).unwrap_or(config.registration_mode),
            logo,
        },
        None => from_config(config),
    })
}

/// The settings in force as a running server keeps them in memory: read
/// from the database once, and again after each save, which goes through
/// the cache ([`SettingsCache::update`], [`SettingsCache::set_logo`]) so
/// that none is missed. A load that raced with a save is not kept.
#[derive(Debug, Default)]
pub struct SettingsCache(std::sync::RwLock<(u64, Option<InstanceSettings>)>);

impl SettingsCache {
    /// The settings in force, from memory when they are there.
    pub fn current(&self, conn: &mut DbConn, config: &Config) -> Result<InstanceSettings, Error> {
        let generation = {
            let kept = self.0.read().unwrap_or_else(|e| e.into_inner());
            if let Some(settings) = &kept.1 {
                return Ok(settings.clone());
            }
            kept.0
        };
        let settings = current(conn, config)?;
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        if kept.0 == generation {
            kept.1 = Some(settings.clone());
        }
        Ok(settings)
    }

    /// An administrator's changes (see [`update`]), then read again.
    pub fn update(
        &self,
        conn: &mut DbConn,
        by: &Account,
        changes: &SettingsChanges,
    ) -> Result<InstanceSettings, Error> {
        let saved = update(conn, by, changes);
        self.forget();
        saved
    }

    /// A new logo or none (see [`set_logo`]), then read again.
    pub fn set_logo(
        &self,
        conn: &mut DbConn,
        config: &Config,
        by: &Account,
        image: Option<&[u8]>,
    ) -> Result<InstanceSettings, Error> {
        let saved = set_logo(conn, config, by, image);
        self.forget();
        saved
    }

    /// Forgets the kept settings (a failed save may have written part).
    fn forget(&self) {
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        kept.0 += 1;
        kept.1 = None;
    }
}

/// The settings as the configuration gives them (before any is saved).
pub fn from_config(config: &Config) -> InstanceSettings {
    InstanceSettings {
        name: config.instance_name.clone(),
        description: config.instance_description.clone(),
        accent: DEFAULT_ACCENT.into(),
        registration_mode: config.registration_mode,
        logo: None,
    }
}

/// What an administrator submits.
#[derive(Debug, Clone, Default)]
pub struct SettingsChanges {
    pub name: String,
    pub description: String,
    pub accent: String,
    pub registration_mode: String,
}

/// Reads `#rgb` or `#rrggbb` (the `#` optional) as red, green, blue.
pub fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().trim_start_matches('#');
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |h: &str| u8::from_str_radix(h, 16).ok();
    match hex.len() {
        3 => {
            let mut out = [0u8; 3];
            for (i, c) in hex.chars().enumerate() {
                out[i] = channel(&format!("{c}{c}"))?;
            }
            Some(out)
        }
        6 => Some([
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ]),
        _ => None,
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// WCAG relative luminance.
fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `a` moved by `t` (0 to 1) towards `b`.
fn mix(a: [u8; 3], b: [u8; 3], t: f64) -> [u8; 3] {
    let ch = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    [ch(a[0], b[0]), ch(a[1], b[1]), ch(a[2], b[2])]
}

/// Backgrounds of the stylesheet the accent must stand out from.
const LIGHT_BACKGROUNDS: [[u8; 3]; 2] = [[0xfb, 0xfa, 0xf7], [0xff, 0xff, 0xff]];
const DARK_BACKGROUNDS: [[u8; 3]; 2] = [[0x14, 0x16, 0x13], [0x1c, 0x1f, 0x1b]];
/// WCAG AA for text.
const AA: f64 = 4.5;
const BLACK: [u8; 3] = [0, 0, 0];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

/// The first step from `c` towards `towards` that reads on all `backgrounds`.
fn readable(c: [u8; 3], towards: [u8; 3], backgrounds: &[[u8; 3]]) -> [u8; 3] {
    (0..=20)
        .map(|step| mix(c, towards, f64::from(step) / 20.0))
        .find(|m| backgrounds.iter().all(|bg| contrast(*m, *bg) >= AA))
        .unwrap_or(towards)
}

/// The colours the stylesheet uses, for light and dark pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub light: String,
    pub light_strong: String,
    pub light_soft: String,
    pub dark: String,
    pub dark_strong: String,
    pub dark_soft: String,
    /// Whether the chosen colour had to change to stay readable.
    pub adjusted: bool,
}

/// The theme of an accent colour (the default one if it is unreadable).
pub fn theme(accent: &str) -> Theme {
    let chosen = parse_colour(accent)
        .or_else(|| parse_colour(DEFAULT_ACCENT))
        .unwrap_or(BLACK);
    // Light pages: the accent is text on the background and the background
    // of white button labels, so darker until it reads on both.
    let light = readable(chosen, BLACK, &LIGHT_BACKGROUNDS);
    // Dark pages: text on the dark background, under dark button labels.
    let dark = readable(chosen, WHITE, &DARK_BACKGROUNDS);
    Theme {
        light: hex(light),
        light_strong: hex(mix(light, BLACK, 0.25)),
        light_soft: hex(mix(light, WHITE, 0.88)),
        dark: hex(dark),
        dark_strong: hex(mix(dark, WHITE, 0.3)),
        dark_soft: hex(mix(dark, DARK_BACKGROUNDS[0], 0.8)),
        adjusted: light != chosen,
    }
}

/// An administrator saves the settings. Returns them as stored.
fn update(
    conn: &mut DbConn,
    by: &Account,
    changes: &SettingsChanges,
) -> Result<InstanceSettings, Error> {
    must_be_administrator(by)?;
    let name = changes.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(Error::invalid(
            "instance_name",
            format!("is required, {NAME_MAX} characters at most"),
        ));
    }
    let description = changes.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(Error::invalid(
            "instance_description",
            format!("is {DESCRIPTION_MAX} characters at most"),
        ));
    }
    let accent = parse_colour(&changes.accent)
        .map(hex)
        .ok_or_else(|| Error::invalid("accent", "is a colour written #rrggbb"))?;
    let mode = parse_mode(&changes.registration_mode)
        .ok_or_else(|| Error::invalid("registration_mode", "is one of open, approval or closed"))?;
    let now = super::now();
    crate::db::transaction(conn, |conn| {
        let values = (
            instance_settings::name.eq(name),
            instance_settings::description.eq(description),
            instance_settings::accent.eq(&accent),
            instance_settings::registration_mode.eq(mode.as_str()),
            instance_settings::updated_at.eq(now),
        );
        let updated = diesel::update(instance_settings::table.find(1_i64))
            .set(values)
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(instance_settings::table)
                .values((instance_settings::id.eq(1_i64), values))
                .execute(conn)?;
        }
        Ok::<_, Error>(())
    })?;
    Ok(InstanceSettings {
        name: name.to_string(),
        description: description.to_string(),
        accent,
        registration_mode: mode,
        logo: instance_settings::table
            .find(1_i64)
            .select(instance_settings::logo)
            .first(conn)?,
    })
}

fn must_be_administrator(by: &Account) -> Result<(), Error> {
    if by.user.role() != Role::Admin || !by.user.is_active() {
        return Err(Error::Forbidden(
            "only an administrator changes the instance's settings".into(),
        ));
    }
    Ok(())
}

/// An administrator uploads a new logo (checked and stored like any
/// image) or removes it (`None`). The previous file is removed once the
/// change is recorded; a refused image changes nothing.
fn set_logo(
    conn: &mut DbConn,
    config: &Config,
    by: &Account,
    image: Option<&[u8]>,
) -> Result<InstanceSettings, Error> {
    must_be_administrator(by)?;
    let stored = image
        .map(|bytes| {
            super::media::store_file(config, bytes).map_err(|e| match e {
                Error::Invalid { message, .. } => Error::invalid("logo", message),
                other => other,
            })
        })
        .transpose()?;
    let logo = stored.as_ref().map(|f| f.file_name.clone());
    let written = crate::db::transaction(conn, |conn| {
        let before = current(conn, config)?;
        let updated = diesel::update(instance_settings::table.find(1_i64))
            .set((
                instance_settings::logo.eq(&logo),
                instance_settings::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(instance_settings::table)
                .values((
                    instance_settings::id.eq(1_i64),
                    instance_settings::name.eq(&before.name),
                    instance_settings::description.eq(&before.description),
                    instance_settings::accent.eq(&before.accent),
                    instance_settings::registration_mode.eq(before.registration_mode.as_str()),
                    instance_settings::logo.eq(&logo),
                    instance_settings::updated_at.eq(super::now()),
                ))
                .execute(conn)?;
        }
        Ok::<_, Error>(before)
    });
    match written {
        Ok(before) => {
            if let Some(old) = before.logo.as_deref() {
                super::media::remove_file(config, old);
            }
            Ok(InstanceSettings { logo, ..before })
        }
        Err(e) => {
            if let Some(f) = &stored {
                super::media::remove_file(config, &f.file_name);
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_both_lengths() {
        assert_eq!(parse_colour("#2B6534"), Some([0x2b, 0x65, 0x34]));
        assert_eq!(parse_colour("fa0"), Some([0xff, 0xaa, 0x00]));
        for bad in ["", "#12345", "#gggggg", "red", "#1234567", "#+1+2+3"] {
            assert_eq!(parse_colour(bad), None, "{bad}");
        }
    }

    #[test]
    fn themes_keep_aa_contrast_on_every_background() {
        for accent in [
            "#2b6534", "#ffff00", "#000000", "#ffffff", "#777777", "#e60073",
        ] {
            let t = theme(accent);
            let light = parse_colour(&t.light).unwrap();
            let dark = parse_colour(&t.dark).unwrap();
            for bg in LIGHT_BACKGROUNDS {
                assert!(contrast(light, bg) >= AA, "{accent} light");
            }
            for bg in DARK_BACKGROUNDS {
                assert!(contrast(dark, bg) >= AA, "{accent} dark");
            }
        }
        // A readable colour is kept; a pale one is darkened for light pages.
        let kept = theme("#2b6534");
        assert_eq!((kept.light.as_str(), kept.adjusted), ("#2b6534", false));
        let yellow = theme("#ffff00");
        assert!(yellow.adjusted);
        assert_ne!(yellow.light, "#ffff00");
        assert_eq!(yellow.dark, "#ffff00", "already readable on dark pages");
    }
}

//! The URLs of our own objects and activities.

use crate::config::Config;
use crate::domain::sessions::random_token;

/// A fresh activity id: activities are never reused (Lemmy drops repeats).
pub fn activity(config: &Config) -> String {
    format!("{}/activities/{}", config.base_url(), &random_token()[..32])
}

pub fn post(config: &Config, id: i64) -> String {
    format!("{}/post/{id}", config.base_url())
}

pub fn comment(config: &Config, id: i64) -> String {
    format!("{}/comment/{id}", config.base_url())
}

/// A temporary unique id for a row whose real id is known only after insert.
pub fn provisional(config: &Config) -> String {
    format!("{}/provisional/{}", config.base_url(), random_token())
}

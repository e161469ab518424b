//! The domain layer: every rule about accounts, actors and content lives
//! here, once. Web pages, the Mastodon API, the federation inbox and the
//! command line parse their input, call these functions and render the result.

pub mod account_changes;
pub mod accounts;
pub mod actors;
pub mod administration;
pub mod communities;
pub mod content;
pub mod feeds;
pub mod filters;
pub mod follows;
pub mod housekeeping;
pub mod instance_settings;
pub mod listings;
pub mod lists;
pub mod login_throttle;
pub mod media;
pub mod notifications;
pub mod oauth;
pub mod polls;
pub mod profiles;
pub mod reblogs;
pub mod sessions;
pub mod statistics;
pub mod statuses;
pub mod tags;
pub mod text;

/// The current time as stored in the database (UTC).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

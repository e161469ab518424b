//! Récolte: a federated social server for territorial professional networks.
//!
//! The crate is organised by front door and by layer: [`cli`] and [`web`]
//! are front doors, [`domain`] holds every rule, [`db`] and [`schema`] are
//! storage, [`activitypub`] converts rows to the federation wire format.

pub mod activitypub;
pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery_queue;
pub mod domain;
pub mod error;
pub mod schema;
pub mod web;

/// The software version, as reported in NodeInfo and the page footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

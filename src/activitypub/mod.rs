//! Conversions between stored rows and ActivityPub documents (one place for
//! the ActivityStreams wire format), built on the protocol crate.

pub mod actors;

//! Federation over ActivityPub on the server side: conversions between
//! stored rows and ActivityStreams documents, outgoing fetches, resolution
//! of remote actors and objects, and the inbox.

pub mod actors;
pub mod fetch;
pub mod ids;
pub mod inbox;
pub mod objects;
pub mod resolve;

use std::sync::Arc;

use recolte_federation::signatures::PublicKeyCache;
use tokio::sync::Notify;

/// What federation needs at run time, shared by handlers and the worker.
pub struct Federation {
    pub fetcher: Arc<fetch::Fetcher>,
    /// Wakes the delivery worker when new deliveries are queued.
    pub wake: Arc<Notify>,
    /// Signers' public keys, parsed once.
    pub public_keys: PublicKeyCache,
}

/// How many signers' parsed keys the inbox keeps (about 1 KiB each).
pub const PUBLIC_KEYS_KEPT: usize = 10_000;

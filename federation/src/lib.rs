//! The ActivityPub protocol layer of Récolte: the JSON documents we serve
//! and accept (actors, WebFinger, NodeInfo), serialised strictly and parsed
//! leniently. No storage here: the server crate maps its rows to these types.

pub mod activities;
pub mod actors;
pub mod discovery;
pub mod incoming;
pub mod signatures;
pub mod values;

/// Media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";

/// The JSON-LD contexts every document we send declares.
pub fn default_context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "lemmy": "https://join-lemmy.org/ns#",
            "moderators": { "@id": "lemmy:moderators", "@type": "@id" },
            "featured": { "@id": "toot:featured", "@type": "@id" },
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value"
        }
    ])
}

/// Whether an `Accept` header asks for an ActivityPub document rather than HTML.
pub fn wants_activity_json(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let media = part.split(';').next().unwrap_or("").trim();
        media.eq_ignore_ascii_case(ACTIVITY_JSON)
            || (media.eq_ignore_ascii_case("application/ld+json"))
            || media.eq_ignore_ascii_case("application/json")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_negotiation() {
        assert!(wants_activity_json("application/activity+json"));
        assert!(wants_activity_json(
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
        ));
        assert!(wants_activity_json(
            "text/html;q=0.5, application/activity+json"
        ));
        assert!(!wants_activity_json(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ));
        assert!(!wants_activity_json(""));
    }
}

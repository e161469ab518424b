//! Discovery documents: WebFinger (RFC 7033) resources and JRD answers,
//! NodeInfo 2.0/2.1, and host-meta.

use serde::{Deserialize, Serialize};

/// What a WebFinger `resource` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `acct:name@domain` (the `acct:` prefix optional).
    Account { name: String, domain: String },
    /// An `http(s)://` URL of an actor.
    Url(String),
}

/// Why a `resource` cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResource(pub String);

impl std::fmt::Display for MalformedResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a WebFinger `resource` parameter.
pub fn parse_resource(resource: &str) -> Result<Resource, MalformedResource> {
    let r = resource.trim();
    if r.is_empty() {
        return Err(MalformedResource("the resource parameter is empty".into()));
    }
    if r.len() > 512 {
        return Err(MalformedResource("the resource is too long".into()));
    }
    if r.starts_with("https://") || r.starts_with("http://") {
        return url::Url::parse(r)
            .map(|u| Resource::Url(u.to_string()))
            .map_err(|e| MalformedResource(format!("'{r}' is not a valid URL: {e}")));
    }
    let acct = r.strip_prefix("acct:").unwrap_or(r);
    let acct = acct.strip_prefix('@').unwrap_or(acct);
    let (name, domain) = acct
        .rsplit_once('@')
        .ok_or_else(|| MalformedResource(format!("'{r}' is not of the form acct:name@domain")))?;
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'));
    let valid_domain = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if !valid_name || !valid_domain {
        return Err(MalformedResource(format!(
            "'{r}' is not of the form acct:name@domain"
        )));
    }
    Ok(Resource::Account {
        name: name.to_string(),
        domain: domain.to_ascii_lowercase(),
    })
}

/// A JSON Resource Descriptor (RFC 7033 §4.4).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Jrd {
    pub subject: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub links: Vec<JrdLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JrdLink {
    pub rel: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Jrd {
    /// The JRD of an actor: its `self` ActivityPub link (with the actor type,
    /// as Lemmy reads it) and its profile page.
    pub fn for_actor(subject: String, actor_id: &str, activity_type: &str, profile: &str) -> Jrd {
        let mut properties = serde_json::Map::new();
        properties.insert(
            "https://www.w3.org/ns/activitystreams#type".into(),
            activity_type.into(),
        );
        Jrd {
            subject,
            aliases: vec![actor_id.to_string()],
            links: vec![
                JrdLink {
                    rel: "self".into(),
                    media_type: Some(crate::ACTIVITY_JSON.into()),
                    href: Some(actor_id.to_string()),
                    template: None,
                    properties: Some(properties),
                },
                JrdLink {
                    rel: "http://webfinger.net/rel/profile-page".into(),
                    media_type: Some("text/html".into()),
                    href: Some(profile.to_string()),
                    template: None,
                    properties: None,
                },
            ],
        }
    }

    /// The `self` link's ActivityPub id, if any.
    pub fn actor_id(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|l| {
                l.rel == "self"
                    && l.media_type
                        .as_deref()
                        .is_some_and(|t| t.starts_with("application/"))
            })
            .and_then(|l| l.href.as_deref())
    }
}

pub const NODEINFO_20: &str = "http://nodeinfo.diaspora.software/ns/schema/2.0";
pub const NODEINFO_21: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/// The `/.well-known/nodeinfo` links document.
pub fn nodeinfo_links(base_url: &str) -> serde_json::Value {
    serde_json::json!({
        "links": [
            { "rel": NODEINFO_20, "href": format!("{base_url}/nodeinfo/2.0") },
            { "rel": NODEINFO_21, "href": format!("{base_url}/nodeinfo/2.1") },
        ]
    })
}

/// What a NodeInfo document reports.
#[derive(Debug, Clone)]
pub struct NodeInfoFacts<'a> {
    pub software_version: &'a str,
    pub open_registrations: bool,
    pub users_total: i64,
    pub users_active_month: i64,
    pub users_active_halfyear: i64,
    pub local_posts: i64,
    pub local_comments: i64,
    pub node_name: &'a str,
    pub node_description: &'a str,
    pub registration_mode: &'a str,
}

/// A NodeInfo document, version "2.0" or "2.1" (2.1 only adds optional fields we leave out).
pub fn nodeinfo(version: &str, facts: &NodeInfoFacts) -> serde_json::Value {
    serde_json::json!({
        "version": version,
        "software": { "name": "recolte", "version": facts.software_version },
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": [] },
        "openRegistrations": facts.open_registrations,
        "usage": {
            "users": {
                "total": facts.users_total,
                "activeMonth": facts.users_active_month,
                "activeHalfyear": facts.users_active_halfyear,
            },
            "localPosts": facts.local_posts,
            "localComments": facts.local_comments,
        },
        "metadata": {
            "nodeName": facts.node_name,
            "nodeDescription": facts.node_description,
            "registrationMode": facts.registration_mode,
            // Client libraries (megalodon) refuse unknown software unless it
            // declares a Mastodon-compatible API, as Mastodon forks do.
            "upstream": { "name": "mastodon" },
        }
    })
}

/// The host-meta XRD pointing at WebFinger.
pub fn host_meta(base_url: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{base_url}/.well-known/webfinger?resource={{uri}}\"/>\n\
         </XRD>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        assert_eq!(
            parse_resource("acct:alice@localhost:8080").unwrap(),
            Resource::Account {
                name: "alice".into(),
                domain: "localhost:8080".into()
            }
        );
        assert_eq!(
            parse_resource("alice@Example.ORG").unwrap(),
            Resource::Account {
                name: "alice".into(),
                domain: "example.org".into()
            }
        );
        assert!(matches!(
            parse_resource("https://example.org/u/alice").unwrap(),
            Resource::Url(_)
        ));
        for bad in [
            "",
            "acct:",
            "acct:alice",
            "acct:@x",
            "acct:a@",
            "acct:a b@x",
            "http://",
        ] {
            assert!(parse_resource(bad).is_err(), "{bad:?} should be malformed");
        }
    }

    #[test]
    fn jrd_points_to_actor() {
        let jrd = Jrd::for_actor(
            "acct:a@x".into(),
            "https://x/u/a",
            "Person",
            "https://x/u/a",
        );
        assert_eq!(jrd.actor_id(), Some("https://x/u/a"));
        let json = serde_json::to_value(&jrd).unwrap();
        assert!(json["links"][1].get("template").is_none());
    }
}

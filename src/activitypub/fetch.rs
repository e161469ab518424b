//! Outgoing HTTP: signed fetches of remote documents (time-limited,
//! size-limited, refused for private and loopback addresses outside
//! development mode) and WebFinger look-ups.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use recolte_federation::signatures;
use serde_json::Value;

use crate::config::Config;

/// Largest remote document or inbox body we read.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// Time limit of one outgoing request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The URL may not be fetched (scheme, private address, malformed).
    Refused(String),
    /// 404: nothing there.
    NotFound,
    /// 410: deleted.
    Gone,
    /// Network failure, timeout, 5xx, oversized or invalid document.
    Failed(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Refused(m) => write!(f, "refused to fetch: {m}"),
            FetchError::NotFound => f.write_str("not found"),
            FetchError::Gone => f.write_str("deleted (410 Gone)"),
            FetchError::Failed(m) => write!(f, "fetch failed: {m}"),
        }
    }
}

/// The HTTP client side of federation, shared by fetches and deliveries.
pub struct Fetcher {
    /// Built on first use: loading the system's TLS roots takes about
    /// 100 ms, which start-up should not wait for.
    client: std::sync::OnceLock<reqwest::Client>,
    user_agent: String,
    allow_http: bool,
    /// The instance actor's key and key id, which sign fetches once known.
    signing: std::sync::OnceLock<(Arc<signatures::PrivateKey>, String)>,
}

impl Fetcher {
    pub fn new(config: &Config) -> Self {
        Fetcher {
            client: std::sync::OnceLock::new(),
            user_agent: format!("Recolte/{} (+{})", crate::VERSION, config.base_url()),
            allow_http: config.federation_allow_http,
            signing: std::sync::OnceLock::new(),
        }
    }

    /// Signs fetches, from now on, with this actor's key (the instance actor).
    pub fn set_signing_actor(
        &self,
        actor: &crate::domain::actors::Actor,
    ) -> Result<(), crate::error::Error> {
        let pem = actor
            .private_key_pem
            .as_deref()
            .ok_or_else(|| crate::error::Error::Internal("the instance actor has no key".into()))?;
        let key = signatures::private_key(pem).map_err(|e| {
            crate::error::Error::Internal(format!("the instance key is unusable: {e}"))
        })?;
        let key_id = recolte_federation::actors::ActorDocument::main_key_id(&actor.ap_id);
        let _ = self.signing.set((Arc::new(key), key_id));
        Ok(())
    }

    /// The HTTP client (time-limited, one redirect at most).
    pub fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .connect_timeout(Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::limited(1))
                .user_agent(&self.user_agent)
                .build()
                .unwrap_or_default()
        })
    }

    /// Checks that a remote URL may be contacted: https (or http in
    /// development mode), a host name, no private or loopback address
    /// outside development mode.
    pub async fn check_url(&self, url: &url::Url) -> Result<(), FetchError> {
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            other => {
                return Err(FetchError::Refused(format!(
                    "scheme '{other}' is not allowed"
                )))
            }
        }
        let Some(host) = url.host_str() else {
            return Err(FetchError::Refused("the URL has no host".into()));
        };
        if self.allow_http {
            return Ok(());
        }
        if host.parse::<IpAddr>().is_ok() || host.starts_with('[') {
            return Err(FetchError::Refused("IP addresses are not allowed".into()));
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| FetchError::Failed(format!("cannot resolve {host}: {e}")))?;
        for addr in addrs {
            if !is_public(addr.ip()) {
                return Err(FetchError::Refused(format!(
                    "{host} resolves to a private address"
                )));
            }
        }
        Ok(())
    }

    /// Fetches an ActivityPub document. Its `id` must be the URL fetched
    /// (after at most one redirect on the same host).
    pub async fn fetch(&self, url: &str) -> Result<Value, FetchError> {
        let url = url::Url::parse(url).map_err(|e| FetchError::Refused(e.to_string()))?;
        self.check_url(&url).await?;
        let mut request = self.client().get(url.clone()).header(
            "Accept",
            "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        );
        if let Some((key, key_id)) = self.signing.get() {
            let signed = signatures::sign_request(key, key_id, &url, None, SystemTime::now())
                .map_err(|e| FetchError::Failed(format!("cannot sign the fetch: {e}")))?;
            request = request
                .header("Date", signed.date)
                .header("Signature", signed.signature);
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::Failed(e.to_string()))?;
        match response.status().as_u16() {
            200..=299 => {}
            404 => return Err(FetchError::NotFound),
            410 => return Err(FetchError::Gone),
            status => return Err(FetchError::Failed(format!("status {status}"))),
        }
        let final_url = response.url().clone();
        let body = read_limited(response, MAX_DOCUMENT_BYTES).await?;
        let doc: Value = serde_json::from_slice(&body)
            .map_err(|e| FetchError::Failed(format!("not JSON: {e}")))?;
        let id = doc["id"].as_str().unwrap_or_default();
        let same = id == url.as_str() || id == final_url.as_str();
        let same_host = url::Url::parse(id).is_ok_and(|u| u.host_str() == url.host_str());
        if !same && !same_host {
            return Err(FetchError::Failed(format!(
                "the document at {url} claims the id '{id}'"
            )));
        }
        Ok(doc)
    }

    /// Resolves `name@domain` to an actor id through WebFinger.
    pub async fn webfinger(&self, name: &str, domain: &str) -> Result<String, FetchError> {
        let scheme = if self.allow_http { "http" } else { "https" };
        let url = url::Url::parse_with_params(
            &format!("{scheme}://{domain}/.well-known/webfinger"),
            &[("resource", format!("acct:{name}@{domain}"))],
        )
        .map_err(|e| FetchError::Refused(e.to_string()))?;
        self.check_url(&url).await?;
        let response = self
            .client()
            .get(url)
            .header("Accept", "application/jrd+json, application/json")
            .send()
            .await
            .map_err(|e| FetchError::Failed(e.to_string()))?;
        match response.status().as_u16() {
            200..=299 => {}
            404 => return Err(FetchError::NotFound),
            status => return Err(FetchError::Failed(format!("status {status}"))),
        }
        let body = read_limited(response, 64 * 1024).await?;
        let jrd: recolte_federation::discovery::Jrd = serde_json::from_slice(&body)
            .map_err(|e| FetchError::Failed(format!("invalid WebFinger answer: {e}")))?;
        jrd.actor_id()
            .map(str::to_string)
            .ok_or_else(|| FetchError::Failed("the WebFinger answer has no self link".into()))
    }
}

/// Reads a response body, refusing one larger than `limit`.
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, FetchError> {
    if response
        .content_length()
        .is_some_and(|n| n as usize > limit)
    {
        return Err(FetchError::Failed(format!(
            "the document is larger than {limit} bytes"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(FetchError::Failed(format!(
                "the document is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether an address is routable on the public internet.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !is_public(IpAddr::V4(v4))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn production_refuses_loopback_and_plain_http() {
        let mut env = std::collections::BTreeMap::new();
        env.insert("RECOLTE_DOMAIN".to_string(), "prod.example".to_string());
        let config = Config::from_sources(None, "", &env).unwrap();
        let fetcher = Fetcher::new(&config);
        let check = |u: &str| {
            let url = url::Url::parse(u).unwrap();
            let fetcher = &fetcher;
            async move { fetcher.check_url(&url).await }
        };
        assert!(matches!(
            check("http://example.org/x").await,
            Err(FetchError::Refused(_))
        ));
        assert!(matches!(
            check("https://127.0.0.1/x").await,
            Err(FetchError::Refused(_))
        ));
        assert!(matches!(
            check("https://localhost/x").await,
            Err(FetchError::Refused(_))
        ));
        assert!(matches!(
            check("ftp://example.org/x").await,
            Err(FetchError::Refused(_))
        ));
    }
}

//! HTTP Signatures as the fediverse uses them (draft-cavage-12, `rsa-sha256`
//! over `(request-target) host date digest`), with the `Digest` body hash.
//!
//! Signing is written out here because it is four lines of text and one RSA
//! signature; parsing and checking received signature headers is left to
//! `http-signature-normalization`, which also accepts `hs2019`. The RSA
//! operations use OpenSSL (already linked for TLS and libpq): it signs with
//! RSA-2048 in 0.9 ms where the `rsa` crate takes 2.75 ms (BENCHMARKS.md),
//! which decides the speed of a community's fan-out.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Rsa;
use sha2::{Digest as _, Sha256};

/// An actor's private key, parsed once.
pub type PrivateKey = PKey<Private>;
/// An actor's public key, parsed once.
pub type PublicKey = PKey<Public>;

/// Public keys already parsed, by their PEM text. OpenSSL 3 takes about
/// 0.35 ms to decode a PEM public key, twenty times the cost of checking a
/// signature with it, and the same few keys sign most of what arrives.
/// Keyed by the PEM itself, an entry can never be stale; the cache is
/// emptied when it reaches its bound.
pub struct PublicKeyCache {
    keys: std::sync::Mutex<std::collections::HashMap<String, PublicKey>>,
    bound: usize,
}

impl PublicKeyCache {
    pub fn new(bound: usize) -> Self {
        PublicKeyCache {
            keys: Default::default(),
            bound,
        }
    }

    /// The parsed key for a PEM text.
    pub fn get(&self, pem: &str) -> Result<PublicKey, SignatureError> {
        if let Some(key) = self.keys.lock().ok().and_then(|k| k.get(pem).cloned()) {
            return Ok(key);
        }
        let key = public_key(pem)?;
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= self.bound {
                keys.clear();
            }
            keys.insert(pem.to_string(), key.clone());
        }
        Ok(key)
    }
}

/// Why a request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// No `Signature` header.
    Missing,
    /// The `Signature` header cannot be parsed, or lacks a required part.
    Malformed(String),
    /// No `Digest` header on a request with a body.
    DigestMissing,
    /// The body does not hash to the `Digest` header.
    DigestMismatch,
    /// No `Date` header, or one that cannot be read.
    DateMissing,
    /// The `Date` is too far from now (replayed or badly skewed).
    DateOutOfWindow,
    /// The signature does not verify with the signer's key.
    Invalid,
    /// A key cannot be read.
    BadKey(String),
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Missing => {
                f.write_str("the request is not signed (no Signature header)")
            }
            SignatureError::Malformed(m) => write!(f, "malformed Signature header: {m}"),
            SignatureError::DigestMissing => f.write_str("the Digest header is missing"),
            SignatureError::DigestMismatch => {
                f.write_str("the body does not match the Digest header")
            }
            SignatureError::DateMissing => f.write_str("the Date header is missing or invalid"),
            SignatureError::DateOutOfWindow => {
                f.write_str("the Date header is too far from the current time")
            }
            SignatureError::Invalid => f.write_str("the signature does not verify"),
            SignatureError::BadKey(m) => write!(f, "unusable key: {m}"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// The `Digest` header value of a body: `SHA-256=<base64>`.
pub fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", BASE64.encode(Sha256::digest(body)))
}

/// An HTTP date (RFC 7231 IMF-fixdate).
pub fn http_date(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// A private key from PEM (PKCS#8, or PKCS#1 `RSA PRIVATE KEY`).
pub fn private_key(pem: &str) -> Result<PrivateKey, SignatureError> {
    PKey::private_key_from_pem(pem.trim().as_bytes())
        .map_err(|e| SignatureError::BadKey(e.to_string()))
}

/// A public key from PEM (SPKI `PUBLIC KEY`, or PKCS#1 `RSA PUBLIC KEY`).
pub fn public_key(pem: &str) -> Result<PublicKey, SignatureError> {
    let pem = pem.trim().as_bytes();
    PKey::public_key_from_pem(pem)
        .or_else(|_| Rsa::public_key_from_pem_pkcs1(pem).and_then(PKey::from_rsa))
        .map_err(|e| SignatureError::BadKey(e.to_string()))
}

fn rsa_sha256_sign(key: &PrivateKey, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key)?;
    signer.update(data)?;
    signer.sign_to_vec()
}

/// The headers that sign a request.
#[derive(Debug, Clone)]
pub struct SignedHeaders {
    pub host: String,
    pub date: String,
    /// Present when the request has a body.
    pub digest: Option<String>,
    pub signature: String,
}

/// Signs a request, `rsa-sha256`: a POST of `body` over
/// `(request-target) host date digest`, a GET (no body) over
/// `(request-target) host date`.
pub fn sign_request(
    key: &PrivateKey,
    key_id: &str,
    url: &url::Url,
    body: Option<&[u8]>,
    at: SystemTime,
) -> Result<SignedHeaders, SignatureError> {
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let date = http_date(at);
    let digest = body.map(digest);
    let method = if body.is_some() { "post" } else { "get" };
    let mut signing_string =
        format!("(request-target): {method} {target}\nhost: {host}\ndate: {date}");
    let mut headers = "(request-target) host date".to_string();
    if let Some(d) = &digest {
        signing_string.push_str(&format!("\ndigest: {d}"));
        headers.push_str(" digest");
    }
    let signature = rsa_sha256_sign(key, signing_string.as_bytes())
        .map_err(|e| SignatureError::BadKey(e.to_string()))?;
    let signature = BASE64.encode(signature);
    Ok(SignedHeaders {
        signature: format!(
            "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{headers}\",signature=\"{signature}\""
        ),
        host,
        date,
        digest,
    })
}

/// The parts of a received request that a signature covers. Header names
/// must be lower-case.
pub struct ReceivedRequest<'a> {
    pub method: &'a str,
    pub path_and_query: &'a str,
    pub headers: &'a BTreeMap<String, String>,
    pub body: &'a [u8],
}

impl ReceivedRequest<'_> {
    /// The `keyId` of the signature: whose key to fetch.
    pub fn key_id(&self) -> Result<String, SignatureError> {
        let header = self
            .headers
            .get("signature")
            .ok_or(SignatureError::Missing)?;
        header
            .split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(k, _)| k.trim() == "keyId")
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| SignatureError::Malformed("no keyId".into()))
    }

    /// Checks the `Digest` header against the body (SHA-256 required).
    pub fn check_digest(&self) -> Result<(), SignatureError> {
        let header = self
            .headers
            .get("digest")
            .ok_or(SignatureError::DigestMissing)?;
        let expected = BASE64.encode(Sha256::digest(self.body));
        let matches = header.split(',').any(|d| {
            d.trim().split_once('=').is_some_and(|(alg, value)| {
                alg.eq_ignore_ascii_case("sha-256") && value == expected
            })
        });
        if matches {
            Ok(())
        } else {
            Err(SignatureError::DigestMismatch)
        }
    }

    /// Checks that the `Date` header is within `max_skew` of `now`.
    pub fn check_date(&self, now: SystemTime, max_skew: Duration) -> Result<(), SignatureError> {
        let header = self
            .headers
            .get("date")
            .ok_or(SignatureError::DateMissing)?;
        let date = chrono::DateTime::parse_from_rfc2822(header.trim())
            .map_err(|_| SignatureError::DateMissing)?;
        let now = chrono::DateTime::<chrono::Utc>::from(now);
        let skew = (now - date.with_timezone(&chrono::Utc)).abs();
        let max = chrono::Duration::from_std(max_skew).unwrap_or(chrono::Duration::MAX);
        if skew > max {
            return Err(SignatureError::DateOutOfWindow);
        }
        Ok(())
    }

    /// Verifies the signature with the signer's public key. The signature
    /// must cover `(request-target)`, `host` and `date` (and `digest` when
    /// there is a body).
    pub fn verify(&self, key: &PublicKey) -> Result<(), SignatureError> {
        let mut config = http_signature_normalization::Config::new()
            .mastodon_compat()
            .set_expiration(Duration::from_secs(24 * 3600));
        if !self.body.is_empty() {
            config = config.require_digest();
        }
        let unverified = config
            .begin_verify(self.method, self.path_and_query, self.headers.clone())
            .map_err(|e| SignatureError::Malformed(e.to_string()))?;
        let ok = unverified.verify(|signature, signing_string| {
            let Ok(bytes) = BASE64.decode(signature) else {
                return false;
            };
            openssl::sign::Verifier::new(MessageDigest::sha256(), key)
                .and_then(|mut v| {
                    v.update(signing_string.as_bytes())?;
                    v.verify(&bytes)
                })
                .unwrap_or(false)
        });
        if ok {
            Ok(())
        } else {
            Err(SignatureError::Invalid)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (PrivateKey, String) {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let pem = String::from_utf8(key.public_key_to_pem().unwrap()).unwrap();
        (key, pem)
    }

    fn received(signed: &SignedHeaders, body: &[u8]) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("host".to_string(), signed.host.clone()),
            ("date".to_string(), signed.date.clone()),
            ("digest".to_string(), digest(body)),
            ("signature".to_string(), signed.signature.clone()),
        ])
    }

    #[test]
    fn a_signed_post_verifies_and_tampering_is_caught() {
        let (key, pem) = keys();
        let url = url::Url::parse("http://beta.test:8081/inbox").unwrap();
        let body = br#"{"type":"Follow"}"#;
        let now = SystemTime::now();
        let signed = sign_request(
            &key,
            "http://alpha.test/u/a#main-key",
            &url,
            Some(body),
            now,
        )
        .unwrap();
        assert!(signed.signature.contains("algorithm=\"rsa-sha256\""));
        let headers = received(&signed, body);
        let req = ReceivedRequest {
            method: "POST",
            path_and_query: "/inbox",
            headers: &headers,
            body,
        };
        assert_eq!(req.key_id().unwrap(), "http://alpha.test/u/a#main-key");
        req.check_digest().unwrap();
        req.check_date(now, Duration::from_secs(300)).unwrap();
        let cache = PublicKeyCache::new(1);
        let public = cache.get(&pem).unwrap();
        req.verify(&public).unwrap();

        // Another path, another body, another key, an old date: all refused.
        let other_path = ReceivedRequest {
            path_and_query: "/u/x/inbox",
            ..req
        };
        assert_eq!(other_path.verify(&public), Err(SignatureError::Invalid));
        let tampered = ReceivedRequest {
            body: br#"{"type":"Delete"}"#,
            method: "POST",
            path_and_query: "/inbox",
            headers: &headers,
        };
        assert_eq!(tampered.check_digest(), Err(SignatureError::DigestMismatch));
        let (_, other_pem) = keys();
        let req = ReceivedRequest {
            method: "POST",
            path_and_query: "/inbox",
            headers: &headers,
            body,
        };
        // The cache holds one key: the second one replaces the first.
        let other = cache.get(&other_pem).unwrap();
        assert_eq!(req.verify(&other), Err(SignatureError::Invalid));
        assert_eq!(cache.keys.lock().unwrap().len(), 1);
        assert!(matches!(
            cache.get("not a key"),
            Err(SignatureError::BadKey(_))
        ));
        assert_eq!(
            req.check_date(now + Duration::from_secs(3600), Duration::from_secs(300)),
            Err(SignatureError::DateOutOfWindow)
        );
    }

    #[test]
    fn unsigned_requests_are_refused() {
        let headers = BTreeMap::new();
        let req = ReceivedRequest {
            method: "POST",
            path_and_query: "/inbox",
            headers: &headers,
            body: b"{}",
        };
        assert_eq!(req.key_id(), Err(SignatureError::Missing));
        assert_eq!(req.check_digest(), Err(SignatureError::DigestMissing));
        assert_eq!(
            req.check_date(SystemTime::now(), Duration::from_secs(60)),
            Err(SignatureError::DateMissing)
        );
    }
}

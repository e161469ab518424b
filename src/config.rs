//! Instance configuration: an optional TOML file overlaid by `RECOLTE_*`
//! environment variables, validated into [`Config`].
//!
//! Every setting has one dotted key in the file (`database.url`) and one
//! environment variable (`RECOLTE_DATABASE_URL`). A bad value is reported with
//! both names and the reason; unknown keys in the file are refused so that a
//! typo never goes unnoticed.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Who may create an account on this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationMode {
    /// Anyone may sign up; the account is active at once.
    Open,
    /// Anyone may ask; an admin approves the account before it can log in.
    Approval,
    /// Only admins create accounts (command line).
    Closed,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Approval => "approval",
            RegistrationMode::Closed => "closed",
        }
    }
}

/// The database a URL designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// Validated configuration of one instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public host name, with a port when not the default one (`example.org`, `localhost:8080`).
    pub domain: String,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// `postgres://…` URL, or an SQLite file path.
    pub database_url: String,
    pub database_pool_size: u32,
    /// Folder for media and other files.
    pub data_dir: PathBuf,
    /// Development mode: plain http and loopback peers are allowed, our own URLs use http.
    pub federation_allow_http: bool,
    /// Deliveries in flight at once, in all.
    pub delivery_concurrency: u32,
    /// Deliveries in flight at once to one instance.
    pub delivery_per_instance: u32,
    /// How long a claimed delivery stays with its worker before another may take it.
    pub delivery_lease_seconds: u32,
    /// Wait before the first retry of a failed delivery (then doubling).
    pub delivery_retry_seconds: u32,
    /// Wait before a follow of a remote actor left pending is asked again (once).
    pub follow_retry_seconds: u32,
    pub instance_name: String,
    pub instance_description: String,
    pub registration_mode: RegistrationMode,
    /// Largest image accepted as an upload (media, avatar, header), in bytes.
    pub media_max_bytes: u32,
}

/// A configuration error naming the setting at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// One known setting: its key in the file; the environment variable is derived.
const KEYS: &[&str] = &[
    "domain",
    "bind",
    "data_dir",
    "database.url",
    "database.pool_size",
    "federation.allow_http",
    "federation.delivery_concurrency",
    "federation.delivery_per_instance",
    "federation.delivery_lease_seconds",
    "federation.delivery_retry_seconds",
    "federation.follow_retry_seconds",
    "instance.name",
    "instance.description",
    "instance.registration_mode",
    "media.max_bytes",
];

fn env_name(key: &str) -> String {
    format!("RECOLTE_{}", key.replace('.', "_").to_uppercase())
}

/// Where a raw value came from, for error messages.
#[derive(Debug, Clone)]
struct Raw {
    value: String,
    origin: String,
}

impl Config {
    /// Loads the configuration: the file at `path` (or `RECOLTE_CONFIG`, or
    /// `./recolte.toml` when it exists), then the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        let explicit = path
            .map(Path::to_path_buf)
            .or_else(|| env.get("RECOLTE_CONFIG").map(PathBuf::from));
        let file = match explicit {
            Some(p) => Some(p),
            None => Some(PathBuf::from("recolte.toml")).filter(|p| p.exists()),
        };
        let text = match &file {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| ConfigError {
                key: "config".into(),
                reason: format!("cannot read {}: {e}", p.display()),
            })?),
            None => None,
        };
        let file_name = file.map(|p| p.display().to_string()).unwrap_or_default();
        Self::from_sources(text.as_deref(), &file_name, &env)
    }

    /// Builds a configuration from a TOML text (if any) and environment variables.
    pub fn from_sources(
        toml_text: Option<&str>,
        file_name: &str,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let mut raw: BTreeMap<&'static str, Raw> = BTreeMap::new();
        if let Some(text) = toml_text {
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
                key: file_name.to_string(),
                reason: format!("not valid TOML: {}", e.message()),
            })?;
            flatten(&table, "", file_name, &mut raw)?;
        }
        for key in KEYS {
            let name = env_name(key);
            if let Some(value) = env.get(&name) {
                raw.insert(
                    key,
                    Raw {
                        value: value.clone(),
                        origin: name,
                    },
                );
            }
        }
        Self::validate(&raw)
    }

    fn validate(raw: &BTreeMap<&'static str, Raw>) -> Result<Config, ConfigError> {
        let get = |key: &str| raw.get(key);
        let fail = |key: &str, reason: String| {
            let origin = raw
                .get(key)
                .map(|r| r.origin.clone())
                .unwrap_or_else(|| env_name(key));
            ConfigError {
                key: format!("{key} ({origin})"),
                reason,
            }
        };

        let domain = match get("domain") {
            Some(r) => parse_domain(&r.value).map_err(|e| fail("domain", e))?,
            None => "localhost:8080".to_string(),
        };
        let bind = match get("bind") {
            Some(r) => r.value.trim().parse::<SocketAddr>().map_err(|_| {
                fail(
                    "bind",
                    format!(
                        "'{}' is not a socket address (expected e.g. 127.0.0.1:8080)",
                        r.value
                    ),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let data_dir = match get("data_dir") {
            Some(r) if r.value.trim().is_empty() => {
                return Err(fail("data_dir", "must not be empty".into()))
            }
            Some(r) => PathBuf::from(r.value.trim()),
            None => PathBuf::from("./data"),
        };
        let database_url = match get("database.url") {
            Some(r) => {
                let v = r.value.trim();
                if v.is_empty() {
                    return Err(fail("database.url", "must not be empty".into()));
                }
                if v.contains("://")
                    && !v.starts_with("postgres://")
                    && !v.starts_with("postgresql://")
                    && !v.starts_with("sqlite://")
                {
                    return Err(fail(
                        "database.url",
                        format!("'{v}' is neither a postgres:// URL nor an SQLite file path"),
                    ));
                }
                v.trim_start_matches("sqlite://").to_string()
            }
            None => data_dir.join("recolte.db").display().to_string(),
        };
        let federation_allow_http = match get("federation.allow_http") {
            Some(r) => parse_bool(&r.value).map_err(|e| fail("federation.allow_http", e))?,
            None => is_development_host(&domain),
        };
        let number = |key: &str, min: u32, max: u32, default: u32| match get(key) {
            Some(r) => match r.value.trim().parse::<u32>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(fail(
                    key,
                    format!("'{}' is not a number from {min} to {max}", r.value),
                )),
            },
            None => Ok(default),
        };
        let database_pool_size = number("database.pool_size", 1, 128, 8)?;
        let delivery_concurrency = number("federation.delivery_concurrency", 1, 1024, 64)?;
        let delivery_per_instance = number("federation.delivery_per_instance", 1, 256, 8)?;
        let delivery_lease_seconds = number("federation.delivery_lease_seconds", 2, 3600, 60)?;
        let delivery_retry_seconds = number("federation.delivery_retry_seconds", 1, 3600, 30)?;
        let follow_retry_seconds = number("federation.follow_retry_seconds", 1, 86400, 120)?;
        let instance_name = match get("instance.name") {
            Some(r) => bounded_text(&r.value, 1, 100).map_err(|e| fail("instance.name", e))?,
            None => "Récolte".to_string(),
        };
        let instance_description = match get("instance.description") {
            Some(r) => {
                bounded_text(&r.value, 0, 5000).map_err(|e| fail("instance.description", e))?
            }
            None => "Réseau professionnel territorial du développement durable.".to_string(),
        };
        let registration_mode = match get("instance.registration_mode") {
            Some(r) => match r.value.trim() {
                "open" => RegistrationMode::Open,
                "approval" => RegistrationMode::Approval,
                "closed" => RegistrationMode::Closed,
                other => {
                    return Err(fail(
                        "instance.registration_mode",
                        format!("'{other}' is not one of open, approval, closed"),
                    ))
                }
            },
            None => RegistrationMode::Open,
        };
        let media_max_bytes = number("media.max_bytes", 1024, 100 * 1024 * 1024, 10 * 1024 * 1024)?;
        Ok(Config {
            domain,
            bind,
            database_url,
            database_pool_size,
            data_dir,
            federation_allow_http,
            delivery_concurrency,
            delivery_per_instance,
            delivery_lease_seconds,
            delivery_retry_seconds,
            follow_retry_seconds,
            instance_name,
            instance_description,
            registration_mode,
            media_max_bytes,
        })
    }

    /// Which database the URL designates.
    pub fn database_kind(&self) -> DatabaseKind {
        if self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
        {
            DatabaseKind::Postgres
        } else {
            DatabaseKind::Sqlite
        }
    }

    /// `http` in development mode, `https` otherwise.
    pub fn scheme(&self) -> &'static str {
        if self.federation_allow_http {
            "http"
        } else {
            "https"
        }
    }

    /// The public base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.domain)
    }
}

/// Flattens `[section] key = value` into dotted keys, refusing unknown ones.
fn flatten(
    table: &toml::Table,
    prefix: &str,
    file_name: &str,
    out: &mut BTreeMap<&'static str, Raw>,
) -> Result<(), ConfigError> {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if let toml::Value::Table(inner) = value {
            if KEYS.iter().any(|k| k.starts_with(&format!("{key}."))) {
                flatten(inner, &key, file_name, out)?;
                continue;
            }
        }
        let Some(known) = KEYS.iter().find(|k| **k == key) else {
            return Err(ConfigError {
                key: format!("{key} ({file_name})"),
                reason: format!("unknown setting; known settings are {}", KEYS.join(", ")),
            });
        };
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(ConfigError {
                    key: format!("{key} ({file_name})"),
                    reason: format!(
                        "expected a string, number or boolean, found a {}",
                        other.type_str()
                    ),
                })
            }
        };
        out.insert(
            known,
            Raw {
                value: text,
                origin: file_name.to_string(),
            },
        );
    }
    Ok(())
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("'{value}' is not a boolean (use true or false)")),
    }
}

fn bounded_text(value: &str, min: usize, max: usize) -> Result<String, String> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min || n > max {
        return Err(format!("must be {min} to {max} characters long (got {n})"));
    }
    Ok(v.to_string())
}

/// Validates a public `host[:port]`: no scheme, no path, no IP literal.
pub fn parse_domain(value: &str) -> Result<String, String> {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() {
        return Err("must not be empty".into());
    }
    if v.contains("://") || v.contains('/') {
        return Err(format!(
            "'{value}' must be a host name with an optional port, without scheme or path (e.g. example.org or localhost:8080)"
        ));
    }
    let (host, port) = match v.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (v.as_str(), None),
    };
    if let Some(p) = port {
        if p.parse::<u16>().map(|n| n == 0).unwrap_or(true) {
            return Err(format!("'{value}' has an invalid port '{p}'"));
        }
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(format!("'{value}' is not a valid host name"));
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(format!(
            "'{value}' is an IP address; federation needs a host name (map one in /etc/hosts for tests)"
        ));
    }
    Ok(v)
}

/// Hosts that can only be development instances: there, plain http is the default.
fn is_development_host(domain: &str) -> bool {
    let host = domain.split(':').next().unwrap_or(domain);
    host == "localhost" || host.ends_with(".localhost") || host.ends_with(".test")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_localhost_on_sqlite() {
        let c = Config::from_sources(None, "", &env(&[])).unwrap();
        assert_eq!(c.domain, "localhost:8080");
        assert_eq!(c.base_url(), "http://localhost:8080");
        assert_eq!(c.database_kind(), DatabaseKind::Sqlite);
        assert_eq!(c.database_url, "./data/recolte.db");
        assert_eq!(c.registration_mode, RegistrationMode::Open);
    }

    #[test]
    fn environment_overrides_file() {
        let toml = "domain = \"a.example\"\n[database]\nurl = \"postgres://x@h/db\"\n";
        let c = Config::from_sources(
            Some(toml),
            "recolte.toml",
            &env(&[("RECOLTE_DOMAIN", "b.example")]),
        )
        .unwrap();
        assert_eq!(c.domain, "b.example");
        assert_eq!(c.database_kind(), DatabaseKind::Postgres);
        assert_eq!(c.base_url(), "https://b.example");
    }

    #[test]
    fn bad_values_name_the_key() {
        let e = Config::from_sources(None, "", &env(&[("RECOLTE_BIND", "nowhere")])).unwrap_err();
        assert_eq!(e.key, "bind (RECOLTE_BIND)");
        assert!(e.reason.contains("nowhere"));
        let e = Config::from_sources(None, "", &env(&[("RECOLTE_DOMAIN", "https://x.org/")]))
            .unwrap_err();
        assert_eq!(e.key, "domain (RECOLTE_DOMAIN)");
        let e = Config::from_sources(
            Some("[instance]\nregistration_mode = \"sometimes\""),
            "f.toml",
            &env(&[]),
        )
        .unwrap_err();
        assert_eq!(e.key, "instance.registration_mode (f.toml)");
        let e = Config::from_sources(Some("colour = 1"), "f.toml", &env(&[])).unwrap_err();
        assert_eq!(e.key, "colour (f.toml)");
        assert!(e.reason.contains("unknown setting"));
        let e = Config::from_sources(
            None,
            "",
            &env(&[("RECOLTE_FEDERATION_ALLOW_HTTP", "maybe")]),
        )
        .unwrap_err();
        assert_eq!(
            e.key,
            "federation.allow_http (RECOLTE_FEDERATION_ALLOW_HTTP)"
        );
        let e = Config::from_sources(None, "", &env(&[("RECOLTE_DATABASE_URL", "mysql://x")]))
            .unwrap_err();
        assert_eq!(e.key, "database.url (RECOLTE_DATABASE_URL)");
    }

    #[test]
    fn domains() {
        assert_eq!(parse_domain("Alpha.TEST:8081").unwrap(), "alpha.test:8081");
        assert!(parse_domain("127.0.0.1:80").is_err());
        assert!(parse_domain("a..b").is_err());
        assert!(parse_domain("host:0").is_err());
        assert!(parse_domain("host:99999").is_err());
    }
}

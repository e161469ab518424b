//! OAuth 2 for Mastodon-compatible apps: registered applications, scopes,
//! authorization codes (single use, short-lived, PKCE S256) and access and
//! refresh tokens. Secrets, codes and tokens are stored as SHA-256 hashes;
//! the plain values are shown once, to the client that receives them.

use base64::Engine;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::accounts::{self, Account, User};
use super::actors::Actor;
use super::sessions::{hash_token, random_token};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors, oauth_apps, oauth_codes, oauth_tokens, users};

/// The redirect URI that shows the code on a page instead of redirecting.
pub const OOB_URI: &str = "urn:ietf:wg:oauth:2.0:oob";

/// How long an authorization code can be exchanged.
pub const CODE_MINUTES: i64 = 10;

const APP_NAME_MAX: usize = 200;
const URI_MAX: usize = 2000;
const REDIRECT_URIS_MAX: usize = 10;

/// The scopes an app may ask for: the four top-level ones and their parts.
const TOP_SCOPES: &[&str] = &["read", "write", "follow", "push", "profile"];
const READ_PARTS: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
];
const WRITE_PARTS: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
];

/// A set of granted scopes, as stored (space-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses a space- (or `+`-) separated scope list; empty means `read`.
    pub fn parse(text: &str) -> Result<Scopes, Error> {
        let mut scopes: Vec<String> = Vec::new();
        for scope in text.split([' ', '+']).filter(|s| !s.is_empty()) {
            let known = match scope.split_once(':') {
                None => TOP_SCOPES.contains(&scope),
                Some(("read", part)) => READ_PARTS.contains(&part),
                Some(("write", part)) => WRITE_PARTS.contains(&part),
                Some(_) => false,
            };
            if !known {
                return Err(Error::invalid(
                    "scope",
                    format!("'{scope}' is not a scope of this server"),
                ));
            }
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_string());
            }
        }
        if scopes.is_empty() {
            scopes.push("read".into());
        }
        Ok(Scopes(scopes))
    }

    pub fn as_string(&self) -> String {
        self.0.join(" ")
    }

    /// Whether these scopes grant `needed` (`read:statuses` is granted by
    /// `read` and by itself; the legacy `follow` grants follow changes).
    pub fn grants(&self, needed: &str) -> bool {
        let top = needed.split(':').next().unwrap_or(needed);
        self.0.iter().any(|s| {
            s == needed
                || s == top
                || (s == "follow"
                    && matches!(
                        needed,
                        "read:follows" | "write:follows" | "write:blocks" | "write:mutes"
                    ))
        })
    }

    /// Whether every scope here is granted by `other`.
    pub fn within(&self, other: &Scopes) -> bool {
        self.0.iter().all(|s| other.grants(s))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_apps)]
pub struct App {
    pub id: i64,
    pub client_id: String,
    pub client_secret_hash: String,
    pub name: String,
    pub redirect_uris: String,
    pub scopes: String,
    pub website: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

impl App {
    pub fn redirect_uris(&self) -> impl Iterator<Item = &str> {
        self.redirect_uris.lines().filter(|l| !l.is_empty())
    }

    pub fn scopes(&self) -> Scopes {
        Scopes::parse(&self.scopes).unwrap_or_else(|_| Scopes(vec!["read".into()]))
    }

    /// Checks that `uri` is one of the app's redirect URIs.
    pub fn check_redirect(&self, uri: &str) -> Result<(), Error> {
        if self.redirect_uris().any(|u| u == uri) {
            Ok(())
        } else {
            Err(Error::invalid(
                "redirect_uri",
                "is not one of the application's redirect URIs",
            ))
        }
    }
}

/// What registering an app needs.
pub struct NewApp<'a> {
    pub name: &'a str,
    /// One or more URIs, separated by spaces or line breaks.
    pub redirect_uris: &'a str,
    pub scopes: &'a str,
    pub website: Option<&'a str>,
}

/// A redirect URI: the out-of-band one, or an absolute URI without
/// fragment (custom schemes such as `com.example.app:/callback` included).
fn validate_redirect_uri(uri: &str) -> Result<(), Error> {
    if uri == OOB_URI {
        return Ok(());
    }
    let parsed = url::Url::parse(uri)
        .map_err(|_| Error::invalid("redirect_uris", format!("'{uri}' is not an absolute URI")))?;
    if uri.len() > URI_MAX || parsed.fragment().is_some() {
        return Err(Error::invalid(
            "redirect_uris",
            format!("'{uri}' must have no fragment and at most {URI_MAX} characters"),
        ));
    }
    if matches!(parsed.scheme(), "javascript" | "data" | "file") {
        return Err(Error::invalid(
            "redirect_uris",
            format!("the scheme of '{uri}' is not allowed"),
        ));
    }
    Ok(())
}

/// Registers an app; returns it with its client secret (shown only now).
pub fn create_app(conn: &mut DbConn, new: &NewApp) -> Result<(App, String), Error> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > APP_NAME_MAX {
        return Err(Error::invalid(
            "client_name",
            format!("must be 1 to {APP_NAME_MAX} characters long"),
        ));
    }
    let uris: Vec<&str> = new.redirect_uris.split_whitespace().collect();
    if uris.is_empty() || uris.len() > REDIRECT_URIS_MAX {
        return Err(Error::invalid(
            "redirect_uris",
            format!("give 1 to {REDIRECT_URIS_MAX} redirect URIs"),
        ));
    }
    for uri in &uris {
        validate_redirect_uri(uri)?;
    }
    let scopes = Scopes::parse(new.scopes)?;
    let website = match new.website.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => {
            let ok = url::Url::parse(w)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && w.len() <= URI_MAX);
            if !ok {
                return Err(Error::invalid(
                    "website",
                    format!("'{w}' is not an http(s) URL"),
                ));
            }
            Some(w.to_string())
        }
        None => None,
    };
    let secret = random_token();
    let id: i64 = diesel::insert_into(oauth_apps::table)
        .values((
            oauth_apps::client_id.eq(random_token()),
            oauth_apps::client_secret_hash.eq(hash_token(&secret)),
            oauth_apps::name.eq(name),
            oauth_apps::redirect_uris.eq(uris.join("\n")),
            oauth_apps::scopes.eq(scopes.as_string()),
            oauth_apps::website.eq(website),
            oauth_apps::created_at.eq(super::now()),
        ))
        .returning(oauth_apps::id)
        .get_result(conn)?;
    let app = oauth_apps::table
        .find(id)
        .select(App::as_select())
        .first(conn)?;
    Ok((app, secret))
}

/// An app by client id (unknown: `Unauthorized`, as OAuth's `invalid_client`).
pub fn app_by_client_id(conn: &mut DbConn, client_id: &str) -> Result<App, Error> {
    oauth_apps::table
        .filter(oauth_apps::client_id.eq(client_id))
        .select(App::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Unauthorized("unknown client".into()))
}

/// An app by its client id and secret.
pub fn authenticate_app(
    conn: &mut DbConn,
    client_id: &str,
    client_secret: &str,
) -> Result<App, Error> {
    let app = app_by_client_id(conn, client_id)?;
    if app.client_secret_hash != hash_token(client_secret) {
        return Err(Error::Unauthorized("wrong client secret".into()));
    }
    Ok(app)
}

pub fn app_by_id(conn: &mut DbConn, id: i64) -> Result<App, Error> {
    Ok(oauth_apps::table
        .find(id)
        .select(App::as_select())
        .first(conn)?)
}

/// What an authorization request asks for, checked against the app.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub app: App,
    pub redirect_uri: String,
    pub scopes: Scopes,
    /// PKCE S256 challenge, when the client sent one.
    pub code_challenge: Option<String>,
}

/// Checks an authorization request: known client, registered redirect
/// URI, scopes within the app's, PKCE method S256 only.
pub fn check_authorization(
    conn: &mut DbConn,
    client_id: &str,
    redirect_uri: &str,
    scope: &str,
    code_challenge: Option<&str>,
    code_challenge_method: Option<&str>,
) -> Result<AuthorizationRequest, Error> {
    let app = app_by_client_id(conn, client_id)
        .map_err(|_| Error::invalid("client_id", "no application has this client id"))?;
    app.check_redirect(redirect_uri)?;
    let scopes = if scope.trim().is_empty() {
        app.scopes()
    } else {
        Scopes::parse(scope)?
    };
    if !scopes.within(&app.scopes()) {
        return Err(Error::invalid(
            "scope",
            "asks for more than the application registered",
        ));
    }
    let code_challenge = match (
        code_challenge.filter(|c| !c.is_empty()),
        code_challenge_method,
    ) {
        (None, _) => None,
        (Some(c), Some("S256") | None) if (43..=128).contains(&c.len()) => Some(c.to_string()),
        (Some(_), Some("S256") | None) => {
            return Err(Error::invalid(
                "code_challenge",
                "must be 43 to 128 characters long",
            ))
        }
        (Some(_), Some(other)) => {
            return Err(Error::invalid(
                "code_challenge_method",
                format!("'{other}' is not supported: use S256"),
            ))
        }
    };
    Ok(AuthorizationRequest {
        app,
        redirect_uri: redirect_uri.to_string(),
        scopes,
        code_challenge,
    })
}

/// The user consented: a single-use code for the app.
pub fn issue_code(
    conn: &mut DbConn,
    request: &AuthorizationRequest,
    account: &Account,
) -> Result<String, Error> {
    let code = random_token();
    diesel::insert_into(oauth_codes::table)
        .values((
            oauth_codes::code_hash.eq(hash_token(&code)),
            oauth_codes::app_id.eq(request.app.id),
            oauth_codes::user_id.eq(account.user.id),
            oauth_codes::redirect_uri.eq(&request.redirect_uri),
            oauth_codes::scopes.eq(request.scopes.as_string()),
            oauth_codes::code_challenge.eq(&request.code_challenge),
            oauth_codes::expires_at.eq(super::now() + chrono::Duration::minutes(CODE_MINUTES)),
        ))
        .execute(conn)?;
    Ok(code)
}

/// A token pair as given to the client (the plain values, shown once).
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scopes: Scopes,
    pub created_at: chrono::NaiveDateTime,
}

fn issue_token(
    conn: &mut DbConn,
    app: &App,
    user_id: Option<i64>,
    scopes: &Scopes,
) -> Result<IssuedToken, Error> {
    let access = random_token();
    let refresh = user_id.map(|_| random_token());
    let now = super::now();
    diesel::insert_into(oauth_tokens::table)
        .values((
            oauth_tokens::access_hash.eq(hash_token(&access)),
            oauth_tokens::refresh_hash.eq(refresh.as_deref().map(hash_token)),
            oauth_tokens::app_id.eq(app.id),
            oauth_tokens::user_id.eq(user_id),
            oauth_tokens::scopes.eq(scopes.as_string()),
            oauth_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(IssuedToken {
        access_token: access,
        refresh_token: refresh,
        scopes: scopes.clone(),
        created_at: now,
    })
}

/// The PKCE S256 transform of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn invalid_grant(message: &str) -> Error {
    Error::invalid("grant", message.to_string())
}

/// `authorization_code` grant: the code is used up whatever happens next
/// (taken out with one `DELETE … RETURNING`, so two exchanges cannot both win).
pub fn exchange_code(
    conn: &mut DbConn,
    app: &App,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> Result<IssuedToken, Error> {
    type CodeRow = (
        i64,
        i64,
        String,
        String,
        Option<String>,
        chrono::NaiveDateTime,
    );
    let row: Option<CodeRow> = diesel::delete(oauth_codes::table.find(hash_token(code)))
        .returning((
            oauth_codes::app_id,
            oauth_codes::user_id,
            oauth_codes::redirect_uri,
            oauth_codes::scopes,
            oauth_codes::code_challenge,
            oauth_codes::expires_at,
        ))
        .get_result(conn)
        .optional()?;
    let Some((app_id, user_id, uri, scopes, challenge, expires_at)) = row else {
        return Err(invalid_grant("the authorization code is unknown or used"));
    };
    if app_id != app.id || expires_at < super::now() {
        return Err(invalid_grant(
            "the authorization code is expired or not yours",
        ));
    }
    if uri != redirect_uri {
        return Err(invalid_grant(
            "redirect_uri differs from the authorization request's",
        ));
    }
    if let Some(challenge) = challenge {
        let verifier = code_verifier.unwrap_or_default();
        if pkce_challenge(verifier) != challenge {
            return Err(invalid_grant("code_verifier does not match the challenge"));
        }
    }
    let account = accounts::find_by_id(conn, user_id)?;
    if !account.user.is_active() {
        return Err(Error::Forbidden("this account is not active".into()));
    }
    issue_token(conn, app, Some(user_id), &Scopes::parse(&scopes)?)
}

/// `password` grant: a username or e-mail address and its password.
pub fn password_grant(
    conn: &mut DbConn,
    config: &crate::config::Config,
    app: &App,
    login: &str,
    password: &str,
    scope: &str,
) -> Result<IssuedToken, Error> {
    let scopes = requested_scopes(app, scope)?;
    let account =
        super::login_throttle::log_in(conn, config, login, password).map_err(|e| match e {
            Error::Unauthorized(m) => invalid_grant(&m),
            other => other,
        })?;
    issue_token(conn, app, Some(account.user.id), &scopes)
}

/// `client_credentials` grant: a token for the app itself (no user).
pub fn client_grant(conn: &mut DbConn, app: &App, scope: &str) -> Result<IssuedToken, Error> {
    let scopes = requested_scopes(app, scope)?;
    issue_token(conn, app, None, &scopes)
}

fn requested_scopes(app: &App, scope: &str) -> Result<Scopes, Error> {
    if scope.trim().is_empty() {
        return Ok(app.scopes());
    }
    let scopes = Scopes::parse(scope)?;
    if !scopes.within(&app.scopes()) {
        return Err(Error::invalid(
            "scope",
            "asks for more than the application registered",
        ));
    }
    Ok(scopes)
}

/// `refresh_token` grant: the old pair is revoked, a new one issued.
pub fn refresh(conn: &mut DbConn, app: &App, refresh_token: &str) -> Result<IssuedToken, Error> {
    crate::db::transaction(conn, |conn| {
        let row: Option<(i64, Option<i64>, String)> = oauth_tokens::table
            .filter(oauth_tokens::refresh_hash.eq(hash_token(refresh_token)))
            .filter(oauth_tokens::app_id.eq(app.id))
            .filter(oauth_tokens::revoked_at.is_null())
            .select((
                oauth_tokens::id,
                oauth_tokens::user_id,
                oauth_tokens::scopes,
            ))
            .first(conn)
            .optional()?;
        let Some((id, user_id, scopes)) = row else {
            return Err(invalid_grant("the refresh token is unknown or revoked"));
        };
        diesel::update(oauth_tokens::table.find(id))
            .set(oauth_tokens::revoked_at.eq(super::now()))
            .execute(conn)?;
        issue_token(conn, app, user_id, &Scopes::parse(&scopes)?)
    })
}

/// Revokes a token (access or refresh value) of the app. Unknown tokens
/// are not an error (RFC 7009).
pub fn revoke(conn: &mut DbConn, app: &App, token: &str) -> Result<(), Error> {
    let hash = hash_token(token);
    diesel::update(
        oauth_tokens::table
            .filter(oauth_tokens::app_id.eq(app.id))
            .filter(
                oauth_tokens::access_hash
                    .eq(&hash)
                    .or(oauth_tokens::refresh_hash.eq(&hash)),
            ),
    )
    .set(oauth_tokens::revoked_at.eq(super::now()))
    .execute(conn)?;
    Ok(())
}

/// What a valid access token stands for.
#[derive(Debug, Clone)]
pub struct Grant {
    pub app: App,
    /// The account, for user tokens; `None` for app tokens.
    pub account: Option<Account>,
    pub scopes: Scopes,
}

/// The grant of an access token, if it is valid and not revoked. A token
/// of an account that is not active is refused.
pub fn find_grant(conn: &mut DbConn, access_token: &str) -> Result<Option<Grant>, Error> {
    // One query: the token, its app, and its user's account if any.
    type Row = (
        App,
        String,
        Option<chrono::NaiveDateTime>,
        Option<User>,
        Option<Actor>,
    );
    let row: Option<Row> = oauth_tokens::table
        .inner_join(oauth_apps::table)
        .left_join(users::table.on(oauth_tokens::user_id.eq(users::id.nullable())))
        .left_join(actors::table.on(users::actor_id.eq(actors::id)))
        .filter(oauth_tokens::access_hash.eq(hash_token(access_token)))
        .filter(oauth_tokens::revoked_at.is_null())
        .select((
            App::as_select(),
            oauth_tokens::scopes,
            oauth_tokens::expires_at,
            Option::<User>::as_select(),
            Option::<Actor>::as_select(),
        ))
        .first(conn)
        .optional()?;
    let Some((app, scopes, expires_at, user, actor)) = row else {
        return Ok(None);
    };
    if expires_at.is_some_and(|e| e < super::now()) {
        return Ok(None);
    }
    let account = user.zip(actor).map(|(user, actor)| Account { user, actor });
    if let Some(a) = &account {
        if !a.user.is_active() {
            return Err(Error::Forbidden(
                "this account is not active (waiting for approval, or suspended)".into(),
            ));
        }
    }
    Ok(Some(Grant {
        app,
        account,
        scopes: Scopes::parse(&scopes)?,
    }))
}

/// Issues a user token right after self-registration through the API.
pub fn token_for_new_account(
    conn: &mut DbConn,
    app: &App,
    account: &Account,
    scopes: &Scopes,
) -> Result<IssuedToken, Error> {
    issue_token(conn, app, Some(account.user.id), scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_grant() {
        let s = Scopes::parse("read write:statuses follow").unwrap();
        assert!(s.grants("read:accounts"));
        assert!(s.grants("write:statuses"));
        assert!(!s.grants("write:favourites"));
        assert!(s.grants("write:follows"));
        assert_eq!(Scopes::parse("").unwrap().as_string(), "read");
        assert!(Scopes::parse("admin:read").is_err());
        assert!(Scopes::parse("read:nothing").is_err());
        assert!(Scopes::parse("read:statuses")
            .unwrap()
            .within(&Scopes::parse("read write").unwrap()));
        assert!(!Scopes::parse("write")
            .unwrap()
            .within(&Scopes::parse("read").unwrap()));
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirect_uris() {
        assert!(validate_redirect_uri(OOB_URI).is_ok());
        assert!(validate_redirect_uri("com.example.app:/callback").is_ok());
        assert!(validate_redirect_uri("https://app.example/cb").is_ok());
        assert!(validate_redirect_uri("https://app.example/cb#x").is_err());
        assert!(validate_redirect_uri("javascript:alert(1)").is_err());
        assert!(validate_redirect_uri("/relative").is_err());
    }
}

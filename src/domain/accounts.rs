//! Local accounts: validation of names, e-mails and passwords, creation with
//! a Person actor and its key pair, registration modes, authentication,
//! roles and approval.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use diesel::prelude::*;

use super::actors::{self, Actor, ActorKind, LocalActor};
use crate::config::{Config, RegistrationMode};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{actors as actors_t, person_profiles, users};

pub const USERNAME_MAX: usize = 30;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;
pub const EMAIL_MAX: usize = 254;

/// Names that would shadow a route or confuse readers.
const RESERVED_NAMES: &[&str] = &[
    "about",
    "actor",
    "admin",
    "api",
    "c",
    "inbox",
    "login",
    "logout",
    "nodeinfo",
    "oauth",
    "outbox",
    "root",
    "settings",
    "signup",
    "static",
    "u",
    "well-known",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Moderator,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "moderator" => Some(Role::Moderator),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    /// Waiting for an admin's approval (registration mode `approval`).
    Pending,
    Suspended,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Pending => "pending",
            AccountStatus::Suspended => "suspended",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub actor_id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub status: String,
    pub locale: String,
    pub signup_reason: String,
    pub created_at: chrono::NaiveDateTime,
    pub last_active_at: Option<chrono::NaiveDateTime>,
}

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
    }

    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active.as_str()
    }
}

/// A local account with its actor.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: User,
    pub actor: Actor,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    pub signup_reason: String,
}

/// Checks a username: 2 to 30 characters among `a-z`, `0-9` and `_`,
/// starting with a letter or digit, not reserved. Returns it lowercased.
pub fn validate_username(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let n = name.chars().count();
    if !(2..=USERNAME_MAX).contains(&n) {
        return Err(Error::invalid(
            "username",
            format!("must be 2 to {USERNAME_MAX} characters long (got {n})"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(Error::invalid(
            "username",
            format!("may only contain letters a-z, digits and '_' (found '{c}')"),
        ));
    }
    if name.starts_with('_') {
        return Err(Error::invalid(
            "username",
            "must start with a letter or a digit",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_NAMES.contains(&lower.as_str()) {
        return Err(Error::invalid("username", format!("'{lower}' is reserved")));
    }
    Ok(lower)
}

/// Checks an e-mail address's shape and returns it lowercased.
pub fn validate_email(email: &str) -> Result<String, Error> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Error::invalid("email", "is required"));
    }
    if email.len() > EMAIL_MAX {
        return Err(Error::invalid(
            "email",
            format!("must be at most {EMAIL_MAX} characters long"),
        ));
    }
    let invalid = || Error::invalid("email", format!("'{email}' is not a valid e-mail address"));
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = !domain.is_empty()
        && !domain.contains('@')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c));
    if !local_ok || !domain_ok {
        return Err(invalid());
    }
    Ok(email.to_lowercase())
}

pub fn validate_password(password: &str) -> Result<(), Error> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(Error::invalid(
            "password",
            format!("must be at least {PASSWORD_MIN} characters long"),
        ));
    }
    if password.len() > PASSWORD_MAX {
        return Err(Error::invalid(
            "password",
            format!("must be at most {PASSWORD_MAX} bytes long"),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id (slow on purpose: call it outside transactions).
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Creates a local account with its Person actor, key pair and empty profile.
/// The caller chooses the status (the command line creates active accounts;
/// [`register`] applies the instance's registration mode).
pub fn create(
    conn: &mut DbConn,
    config: &Config,
    new: &NewAccount,
    status: AccountStatus,
) -> Result<Account, Error> {
    let username = validate_username(&new.username)?;
    let email = validate_email(&new.email)?;
    validate_password(&new.password)?;
    if new.signup_reason.chars().count() > 1000 {
        return Err(Error::invalid(
            "reason",
            "must be at most 1000 characters long",
        ));
    }
    ensure_available(conn, config, &username, &email)?;

    let password_hash = hash_password(&new.password)?;
    let keys = actors::generate_keypair()?;
    let now = super::now();

    let result = crate::db::transaction(conn, |conn| {
        let actor_id = actors::insert_local(
            conn,
            config,
            &LocalActor {
                kind: ActorKind::Person,
                username: &username,
                display_name: "",
                summary: "",
                manually_approves_followers: false,
            },
            &keys,
        )?;
        diesel::insert_into(person_profiles::table)
            .values(person_profiles::actor_id.eq(actor_id))
            .execute(conn)?;
        diesel::insert_into(users::table)
            .values((
                users::actor_id.eq(actor_id),
                users::email.eq(&email),
                users::password_hash.eq(&password_hash),
                users::role.eq(new.role.as_str()),
                users::status.eq(status.as_str()),
                users::signup_reason.eq(new.signup_reason.trim()),
                users::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(actor_id)
    });
    match result {
        Ok(_) => find_by_username(conn, config, &username),
        // Lost a race with a concurrent creation: report it like the early check.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {
            ensure_available(conn, config, &username, &email)?;
            Err(Error::conflict("username", "is already taken"))
        }
        Err(e) => Err(e.into()),
    }
}

fn ensure_available(
    conn: &mut DbConn,
    config: &Config,
    username: &str,
    email: &str,
) -> Result<(), Error> {
    if actors::local_name_taken(conn, config, username)? {
        return Err(Error::conflict(
            "username",
            format!("'{username}' is already taken"),
        ));
    }
    let email_taken: i64 = users::table
        .filter(users::email.eq(email))
        .count()
        .get_result(conn)?;
    if email_taken > 0 {
        return Err(Error::conflict(
            "email",
            "an account already uses this e-mail address",
        ));
    }
    Ok(())
}

/// Self-service sign-up, honouring the instance's registration mode:
/// `open` gives an active account, `approval` a pending one, `closed` refuses.
pub fn register(conn: &mut DbConn, config: &Config, new: &NewAccount) -> Result<Account, Error> {
    let mode = super::instance_settings::current(conn, config)?.registration_mode;
    let status = match mode {
        RegistrationMode::Open => AccountStatus::Active,
        RegistrationMode::Approval => AccountStatus::Pending,
        RegistrationMode::Closed => {
            return Err(Error::Forbidden(
                "registrations are closed on this instance".into(),
            ))
        }
    };
    if mode == RegistrationMode::Approval && new.signup_reason.trim().is_empty() {
        return Err(Error::invalid(
            "reason",
            "tell the moderators why you want to join",
        ));
    }
    let member = NewAccount {
        role: Role::Member,
        ..new.clone()
    };
    create(conn, config, &member, status)
}

pub fn find_by_username(
    conn: &mut DbConn,
    config: &Config,
    username: &str,
) -> Result<Account, Error> {
    users::table
        .inner_join(actors_t::table)
        .filter(actors_t::local.eq(true))
        .filter(actors_t::domain.eq(&config.domain))
        .filter(actors_t::username.eq(username.trim().to_lowercase()))
        .select((User::as_select(), Actor::as_select()))
        .first(conn)
        .optional()?
        .map(|(user, actor)| Account { user, actor })
        .ok_or_else(|| Error::NotFound(format!("no account named '{}'", username.trim())))
}

pub fn find_by_id(conn: &mut DbConn, user_id: i64) -> Result<Account, Error> {
    users::table
        .inner_join(actors_t::table)
        .filter(users::id.eq(user_id))
        .select((User::as_select(), Actor::as_select()))
        .first(conn)
        .optional()?
        .map(|(user, actor)| Account { user, actor })
        .ok_or_else(|| Error::NotFound("no such account".into()))
}

/// Checks a login (username or e-mail) and password. Unknown logins cost
/// the same hashing time as wrong passwords, so they cannot be told apart.
pub fn authenticate(
    conn: &mut DbConn,
    config: &Config,
    login: &str,
    password: &str,
) -> Result<Account, Error> {
    let login = login.trim();
    let wrong = || Error::Unauthorized("wrong username, e-mail or password".into());
    if login.is_empty() || password.len() > PASSWORD_MAX {
        return Err(wrong());
    }
    let found = if login.contains('@') {
        users::table
            .inner_join(actors_t::table)
            .filter(users::email.eq(login.to_lowercase()))
            .select((User::as_select(), Actor::as_select()))
            .first(conn)
            .optional()?
            .map(|(user, actor)| Account { user, actor })
    } else {
        find_by_username(conn, config, login).ok()
    };
    let Some(account) = found else {
        verify_password(password, DUMMY_HASH);
        return Err(wrong());
    };
    if !verify_password(password, &account.user.password_hash) {
        return Err(wrong());
    }
    match account.user.status.as_str() {
        "active" => Ok(account),
        "pending" => Err(Error::Forbidden(
            "this account is waiting for an administrator's approval".into(),
        )),
        _ => Err(Error::Forbidden("this account is suspended".into())),
    }
}

/// A valid argon2id hash of a random password, verified against when the
/// login is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$K8g0Q3S0ASKmGHHR7sOt9xG5yYOAFq1XZ5UTH3G7Oh4";

pub fn set_password(
    conn: &mut DbConn,
    config: &Config,
    username: &str,
    password: &str,
) -> Result<(), Error> {
    validate_password(password)?;
    let account = find_by_username(conn, config, username)?;
    let hash = hash_password(password)?;
    diesel::update(users::table.find(account.user.id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Activates an account waiting for approval.
pub fn approve(conn: &mut DbConn, config: &Config, username: &str) -> Result<Account, Error> {
    let account = find_by_username(conn, config, username)?;
    if account.user.status != AccountStatus::Pending.as_str() {
        return Err(Error::invalid(
            "username",
            format!(
                "'{}' is not waiting for approval (status: {})",
                account.actor.username, account.user.status
            ),
        ));
    }
    diesel::update(users::table.find(account.user.id))
        .set(users::status.eq(AccountStatus::Active.as_str()))
        .execute(conn)?;
    find_by_id(conn, account.user.id)
}

/// All local accounts, oldest first.
pub fn list(conn: &mut DbConn) -> Result<Vec<Account>, Error> {
    Ok(users::table
        .inner_join(actors_t::table)
        .order(users::id.asc())
        .select((User::as_select(), Actor::as_select()))
        .load(conn)?
        .into_iter()
        .map(|(user, actor)| Account { user, actor })
        .collect())
}

/// Languages an account may choose for its interface.
pub const LOCALES: &[&str] = &["fr", "en"];

/// Sets the language of an account's interface.
pub fn set_locale(conn: &mut DbConn, user_id: i64, locale: &str) -> Result<(), Error> {
    let locale = locale.trim();
    if !LOCALES.contains(&locale) {
        return Err(Error::invalid(
            "locale",
            format!("'{locale}' is not one of {}", LOCALES.join(", ")),
        ));
    }
    diesel::update(users::table.find(user_id))
        .set(users::locale.eq(locale))
        .execute(conn)?;
    Ok(())
}

/// Checks an account's password (its `hash`), the error naming `field`
/// (the form's password field) when it is wrong.
pub(super) fn check_password(hash: &str, password: &str, field: &'static str) -> Result<(), Error> {
    if password.len() > PASSWORD_MAX || !verify_password(password, hash) {
        return Err(Error::invalid(field, "is not the account's password"));
    }
    Ok(())
}

/// A member changes their password; the current one is checked first.
pub fn change_password(
    conn: &mut DbConn,
    user_id: i64,
    current: &str,
    new: &str,
) -> Result<(), Error> {
    let account = find_by_id(conn, user_id)?;
    check_password(&account.user.password_hash, current, "current_password")?;
    validate_password(new).map_err(|e| match e {
        Error::Invalid { message, .. } => Error::invalid("new_password", message),
        other => other,
    })?;
    let hash = hash_password(new)?;
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// An administrator activates an account waiting for approval.
pub fn approve_as(
    conn: &mut DbConn,
    config: &Config,
    by: &Account,
    username: &str,
) -> Result<Account, Error> {
    if by.user.role() != Role::Admin || !by.user.is_active() {
        return Err(Error::Forbidden(
            "only an administrator can approve accounts".into(),
        ));
    }
    approve(conn, config, username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(validate_username("Alice_42").unwrap(), "alice_42");
        for bad in [
            "a",
            "_x",
            "al ice",
            "élodie",
            "admin",
            &"x".repeat(31),
            "a.b",
        ] {
            assert!(validate_username(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(validate_email(" A@B.org ").unwrap(), "a@b.org");
        for bad in ["", "ab", "a@", "@b", "a b@c.org", "a@b@c", "a@b..c"] {
            assert!(validate_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn passwords_hash_and_verify() {
        assert!(validate_password("short").is_err());
        assert!(validate_password(&"x".repeat(300)).is_err());
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}

//! Account pages: welcome, sign-up, log-in, log-out, settings, and the
//! stylesheet.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::feed_pages::{self, Feed, FeedQuery};
use super::i18n::Lang;
use super::page::{
    not_found, redirect_with, render, ErrorPage, FieldErrors, PageContext, Submitted,
};
use super::security::secure_cookies;
use super::session;
use super::{status_of, AppState};
use crate::config::RegistrationMode;
use crate::domain::accounts::{self, NewAccount, Role, LOCALES};
use crate::domain::actors::Actor;
use crate::domain::feeds::FeedScope;
use crate::domain::listings::{self, DirectoryEntry, DirectoryFilter};
use crate::domain::profiles::{self, ProfileChanges};
use crate::domain::{login_throttle, sessions};
use crate::error::Error;

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../templates/static/style.css"),
    )
        .into_response()
}

/// Communities shown on the welcome page.
const WELCOME_COMMUNITIES: i64 = 6;

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    page: PageContext,
    description: String,
    domain: String,
    registrations_open: bool,
    /// The signed-in member's communities.
    mine: Vec<Actor>,
    /// The signed-in member's home feed.
    feed: Option<Feed>,
    communities: Vec<DirectoryEntry>,
    partners: Vec<String>,
}

/// Partner instances shown on the welcome page.
const WELCOME_PARTNERS: i64 = 50;

pub async fn index(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<FeedQuery>,
) -> Response {
    let me = page.account.as_ref().map(|a| a.actor.id);
    let loaded = state
        .db
        .run(move |conn| {
            let (mine, feed) = match me {
                Some(id) => (
                    listings::communities_of(conn, id, 50)?,
                    Some(feed_pages::load(conn, "/", FeedScope::Home(id), &query)?),
                ),
                None => (vec![], None),
            };
            let communities =
                listings::directory(conn, &DirectoryFilter::default(), WELCOME_COMMUNITIES)?;
            let partners = listings::partner_instances(conn, WELCOME_PARTNERS)?;
            Ok((mine, feed, communities, partners))
        })
        .await;
    match loaded {
        Ok((mine, feed, communities, partners)) => render(&IndexPage {
            description: page.instance.description.clone(),
            domain: state.config.domain.clone(),
            registrations_open: page.instance.registration_mode != RegistrationMode::Closed,
            page,
            mine,
            feed,
            communities,
            partners,
        }),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageContext,
    login: String,
    error: Option<String>,
}

pub async fn login_form(page: PageContext) -> Response {
    render(&LoginPage {
        page,
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<LoginForm>,
) -> Response {
    let config = state.config.clone();
    let login = form.login.clone();
    let result = state
        .db
        .run(move |conn| {
            let account = login_throttle::log_in(conn, &config, &login, &form.password)?;
            sessions::open(conn, &account)
        })
        .await;
    match result {
        Ok(token) => {
            let mut response = redirect_with(&state, "/", "flash-logged-in");
            response.headers_mut().append(
                header::SET_COOKIE,
                session::set_cookie(&token, secure_cookies(&state)),
            );
            response
        }
        Err(e) => {
            let status = match &e {
                Error::Forbidden(m) if m == login_throttle::THROTTLED => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                other => status_of(other),
            };
            let error = Some(login_message(&page, &e));
            let body = render(&LoginPage {
                page,
                login: form.login.chars().take(254).collect(),
                error,
            });
            (status, body).into_response()
        }
    }
}

fn login_message(page: &PageContext, e: &Error) -> String {
    match e {
        Error::Unauthorized(_) => page.t.get("login-wrong"),
        Error::Forbidden(m) if m == login_throttle::THROTTLED => {
            page.t
                .arg("login-throttled", "minutes", login_throttle::WINDOW_MINUTES)
        }
        Error::Forbidden(m) if m.contains("approval") => page.t.get("login-pending"),
        Error::Forbidden(_) => page.t.get("login-suspended"),
        other => page.error_message(other),
    }
}

#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Submitted { page, .. }: Submitted<EmptyForm>,
) -> Response {
    if page.account.is_none() {
        return Redirect::to("/").into_response();
    }
    if let Some(token) = session::cookie_token(&headers) {
        if let Err(e) = state
            .db
            .run(move |conn| sessions::close(conn, &token))
            .await
        {
            return ErrorPage::from_error(&page, &e);
        }
    }
    let mut response = redirect_with(&state, "/", "flash-logged-out");
    response.headers_mut().append(
        header::SET_COOKIE,
        session::clear_cookie(secure_cookies(&state)),
    );
    response
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    page: PageContext,
    mode: &'static str,
    username: String,
    email: String,
    reason: String,
    errors: FieldErrors,
    done: Option<String>,
}

pub async fn signup_form(page: PageContext) -> Response {
    let status = if page.instance.registration_mode == RegistrationMode::Closed {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let body = SignupPage {
        mode: page.instance.registration_mode.as_str(),
        page,
        username: String::new(),
        email: String::new(),
        reason: String::new(),
        errors: FieldErrors::default(),
        done: None,
    };
    (status, render(&body)).into_response()
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    reason: String,
}

pub async fn signup(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<SignupForm>,
) -> Response {
    let config = state.config.clone();
    let new = NewAccount {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password,
        role: Role::Member,
        signup_reason: form.reason.clone(),
    };
    // The account starts in the language its owner signed up in.
    let locale = page.t.lang().code();
    let result = state
        .db
        .run(move |conn| {
            let account = accounts::register(conn, &config, &new)?;
            accounts::set_locale(conn, account.user.id, locale)?;
            Ok(account)
        })
        .await;
    let (status, errors, done) = match result {
        Ok(account) => {
            let done = if account.user.is_active() {
                page.t
                    .arg("signup-done", "name", account.actor.username.as_str())
            } else {
                page.t.get("signup-done-pending")
            };
            (StatusCode::CREATED, FieldErrors::default(), Some(done))
        }
        Err(e) => (status_of(&e), FieldErrors::from_error(&page, &e), None),
    };
    let body = SignupPage {
        mode: page.instance.registration_mode.as_str(),
        page,
        username: form.username.chars().take(60).collect(),
        email: form.email.chars().take(254).collect(),
        reason: form.reason.chars().take(1000).collect(),
        errors,
        done,
    };
    (status, render(&body)).into_response()
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageContext,
    locales: &'static [&'static str],
    current: String,
    profile: ProfileForm,
    /// The e-mail address shown in its form (as typed after an error).
    email: String,
    errors: FieldErrors,
}

/// The profile form as typed (kept on errors).
#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    structure: String,
    #[serde(default)]
    job_title: String,
    #[serde(default)]
    territory: String,
    #[serde(default)]
    skills: String,
}

impl ProfileForm {
    fn changes(&self) -> ProfileChanges {
        ProfileChanges {
            display_name: self.display_name.clone(),
            summary: self.summary.clone(),
            structure: self.structure.clone(),
            job_title: self.job_title.clone(),
            territory: self.territory.clone(),
            skills: self.skills.clone(),
        }
    }

    /// The form bounded for showing it again.
    fn kept(self) -> Self {
        let keep = |s: String, n: usize| s.chars().take(n).collect();
        ProfileForm {
            display_name: keep(self.display_name, 200),
            summary: keep(self.summary, 4000),
            structure: keep(self.structure, 400),
            job_title: keep(self.job_title, 400),
            territory: keep(self.territory, 400),
            skills: keep(self.skills, 2000),
        }
    }
}

/// The signed-in account's id and language, or the answer asking to log in.
pub(super) fn settings_owner(page: &PageContext) -> Result<(i64, String), Box<Response>> {
    let account = page.require_account()?;
    Ok((account.user.id, account.user.locale.clone()))
}

/// The settings page with the stored profile (or the one typed), the
/// stored e-mail address (or the one typed) and these errors.
pub(super) async fn settings_page(
    state: &AppState,
    page: PageContext,
    current: String,
    profile: Option<ProfileForm>,
    typed_email: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let profile = match (profile, page.account.as_ref()) {
        (Some(kept), _) => kept,
        (None, None) => ProfileForm::default(),
        (None, Some(account)) => {
            let actor = account.actor.clone();
            let stored = state
                .db
                .run(move |conn| profiles::of_actor(conn, actor.id))
                .await;
            match stored {
                Ok(p) => ProfileForm {
                    display_name: account.actor.display_name.clone(),
                    summary: account.actor.summary.clone(),
                    structure: p.structure,
                    job_title: p.job_title,
                    territory: p.territory,
                    skills: p.skills,
                },
                Err(e) => return ErrorPage::from_error(&page, &e),
            }
        }
    };
    let email = typed_email.unwrap_or_else(|| {
        page.account
            .as_ref()
            .map(|a| a.user.email.clone())
            .unwrap_or_default()
    });
    let body = render(&SettingsPage {
        page,
        locales: LOCALES,
        current,
        profile,
        email,
        errors,
    });
    (status, body).into_response()
}

pub async fn settings_form(State(state): State<AppState>, page: PageContext) -> Response {
    let current = match settings_owner(&page) {
        Ok((_, locale)) => locale,
        Err(response) => return *response,
    };
    settings_page(
        &state,
        page,
        current,
        None,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    locale: String,
}

pub async fn settings(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<SettingsForm>,
) -> Response {
    let user_id = match settings_owner(&page) {
        Ok((id, _)) => id,
        Err(response) => return *response,
    };
    let locale = form.locale.clone();
    match state
        .db
        .run(move |conn| accounts::set_locale(conn, user_id, &locale))
        .await
    {
        Ok(()) => redirect_with(&state, "/settings", "flash-settings-saved"),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let current = Lang::parse(&form.locale)
                .map(|l| l.code().to_string())
                .unwrap_or_default();
            settings_page(&state, page, current, None, None, errors, status_of(&e)).await
        }
    }
}

pub async fn profile(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<ProfileForm>,
) -> Response {
    let locale = match settings_owner(&page) {
        Ok((_, locale)) => locale,
        Err(response) => return *response,
    };
    let Some(person) = page.account.as_ref().map(|a| a.actor.clone()) else {
        return not_found(page).await;
    };
    let changes = form.changes();
    let config = state.config.clone();
    match state
        .db
        .run(move |conn| profiles::update(conn, &config, &person, &changes))
        .await
    {
        Ok(_) => redirect_with(&state, "/settings", "flash-profile-saved"),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let status = status_of(&e);
            settings_page(
                &state,
                page,
                locale,
                Some(form.kept()),
                None,
                errors,
                status,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<PasswordForm>,
) -> Response {
    let (user_id, locale) = match settings_owner(&page) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    match state
        .db
        .run(move |conn| {
            accounts::change_password(conn, user_id, &form.current_password, &form.new_password)
        })
        .await
    {
        Ok(()) => redirect_with(&state, "/settings", "flash-password-changed"),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            settings_page(&state, page, locale, None, None, errors, status_of(&e)).await
        }
    }
}

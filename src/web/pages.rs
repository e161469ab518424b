//! Server-rendered pages: welcome, sign-up, log-in, log-out, error pages and
//! the stylesheet.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::session::{self, MaybeSession};
use super::{public_message, status_of, AppState};
use crate::config::RegistrationMode;
use crate::domain::accounts::{self, NewAccount, Role};
use crate::domain::sessions;
use crate::error::Error;

/// What every page's layout needs.
pub struct PageContext {
    pub instance_name: String,
    /// The signed-in member's username.
    pub username: Option<String>,
    pub csrf_token: String,
}

impl PageContext {
    pub fn new(state: &AppState, session: &MaybeSession) -> Self {
        PageContext {
            instance_name: state.config.instance_name.clone(),
            username: session.0.as_ref().map(|s| s.account.actor.username.clone()),
            csrf_token: session
                .0
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
        }
    }
}

/// Renders a template as an HTML answer.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    page: PageContext,
    status: u16,
    title: &'static str,
    message: String,
}

impl ErrorPage {
    pub fn response(page: PageContext, status: StatusCode, message: String) -> Response {
        let title = match status.as_u16() {
            401 => "Connexion nécessaire",
            403 => "Accès refusé",
            404 => "Page introuvable",
            409 | 422 => "Requête invalide",
            503 => "Service indisponible",
            _ => "Erreur interne",
        };
        let body = ErrorPage {
            page,
            status: status.as_u16(),
            title,
            message,
        };
        (status, render(&body)).into_response()
    }

    pub fn from_error(page: PageContext, error: &Error) -> Response {
        Self::response(page, status_of(error), public_message(error))
    }
}

pub async fn not_found(State(state): State<AppState>, session: MaybeSession) -> Response {
    ErrorPage::response(
        PageContext::new(&state, &session),
        StatusCode::NOT_FOUND,
        "Cette adresse ne correspond à aucune page.".into(),
    )
}

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

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    page: PageContext,
    description: String,
    domain: String,
    registrations_open: bool,
}

pub async fn index(State(state): State<AppState>, session: MaybeSession) -> Response {
    render(&IndexPage {
        page: PageContext::new(&state, &session),
        description: state.config.instance_description.clone(),
        domain: state.config.domain.clone(),
        registrations_open: state.config.registration_mode != RegistrationMode::Closed,
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageContext,
    login: String,
    error: Option<String>,
}

pub async fn login_form(State(state): State<AppState>, session: MaybeSession) -> Response {
    render(&LoginPage {
        page: PageContext::new(&state, &session),
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
    session: MaybeSession,
    Form(form): Form<LoginForm>,
) -> Response {
    let config = state.config.clone();
    let login = form.login.clone();
    let result = state
        .db
        .run(move |conn| {
            let account = accounts::authenticate(conn, &config, &login, &form.password)?;
            sessions::open(conn, &account)
        })
        .await;
    match result {
        Ok(token) => {
            let secure = !state.config.federation_allow_http;
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session::set_cookie(&token, secure));
            response
        }
        Err(e) => {
            let status = status_of(&e);
            let body = render(&LoginPage {
                page: PageContext::new(&state, &session),
                login: form.login.chars().take(254).collect(),
                error: Some(login_message(&e)),
            });
            (status, body).into_response()
        }
    }
}

fn login_message(e: &Error) -> String {
    match e {
        Error::Unauthorized(_) => "Identifiant ou mot de passe incorrect.".into(),
        Error::Forbidden(m) if m.contains("approval") => {
            "Ce compte attend la validation d’un administrateur.".into()
        }
        Error::Forbidden(_) => "Ce compte est suspendu.".into(),
        other => public_message(other),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf_token: String,
}

pub async fn logout(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let page = PageContext::new(&state, &session);
    let Some(current) = session.0 else {
        return Redirect::to("/").into_response();
    };
    if form.csrf_token != current.csrf_token {
        return ErrorPage::response(
            page,
            StatusCode::FORBIDDEN,
            "Le formulaire a expiré : rechargez la page et recommencez.".into(),
        );
    }
    if let Some(token) = session::cookie_token(&headers) {
        if let Err(e) = state
            .db
            .run(move |conn| sessions::close(conn, &token))
            .await
        {
            return ErrorPage::from_error(page, &e);
        }
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie());
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
    errors: Vec<(&'static str, String)>,
    done: Option<String>,
}

impl SignupPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

pub async fn signup_form(State(state): State<AppState>, session: MaybeSession) -> Response {
    let page = SignupPage {
        page: PageContext::new(&state, &session),
        mode: state.config.registration_mode.as_str(),
        username: String::new(),
        email: String::new(),
        reason: String::new(),
        errors: vec![],
        done: None,
    };
    let status = if state.config.registration_mode == RegistrationMode::Closed {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct SignupForm {
    username: String,
    email: String,
    password: String,
    #[serde(default)]
    reason: String,
}

pub async fn signup(
    State(state): State<AppState>,
    session: MaybeSession,
    Form(form): Form<SignupForm>,
) -> Response {
    let config = state.config.clone();
    let new = NewAccount {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password,
        role: Role::Member,
        signup_reason: form.reason.clone(),
    };
    let result = state
        .db
        .run(move |conn| accounts::register(conn, &config, &new))
        .await;
    let mut page = SignupPage {
        page: PageContext::new(&state, &session),
        mode: state.config.registration_mode.as_str(),
        username: form.username.chars().take(60).collect(),
        email: form.email.chars().take(254).collect(),
        reason: form.reason.chars().take(1000).collect(),
        errors: vec![],
        done: None,
    };
    match result {
        Ok(account) => {
            page.done = Some(if account.user.is_active() {
                format!(
                    "Bienvenue, {} ! Votre compte est créé : vous pouvez vous connecter.",
                    account.actor.username
                )
            } else {
                "Votre demande est enregistrée : un administrateur doit la valider avant votre première connexion.".into()
            });
            (StatusCode::CREATED, render(&page)).into_response()
        }
        Err(e) => {
            let status = status_of(&e);
            page.errors
                .push((e.field().unwrap_or("form"), public_message(&e)));
            (status, render(&page)).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage<'a> {
    page: PageContext,
    actor: &'a crate::domain::actors::Actor,
    followers: i64,
    posts: Vec<crate::domain::content::Post>,
}

/// The HTML page of a community of ours: about, member count, latest posts.
pub async fn render_actor_page(
    state: &AppState,
    session: &MaybeSession,
    actor: &crate::domain::actors::Actor,
) -> Response {
    let id = actor.id;
    let loaded = state
        .db
        .run(move |conn| {
            Ok((
                crate::domain::follows::follower_count(conn, id)?,
                crate::domain::content::community_posts(conn, id, None, 50)?,
            ))
        })
        .await;
    match loaded {
        Ok((followers, posts)) => render(&CommunityPage {
            page: PageContext::new(state, session),
            actor,
            followers,
            posts,
        }),
        Err(e) => ErrorPage::from_error(PageContext::new(state, session), &e),
    }
}

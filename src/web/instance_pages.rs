//! The instance's settings in the administration (name, description,
//! accent colour, registration mode, logo upload and removal), the small generated stylesheet that
//! applies the accent to every page (a stylesheet, so the CSP needs no
//! inline style), and the administrators' actions on accounts: role,
//! suspension and reactivation. Administrators only (403 otherwise).

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::admin_pages::administrator;
use super::page::{redirect_with, render, ErrorPage, FieldErrors, PageContext, Submitted};
use super::uploads::{self, PageImage};
use super::{status_of, AppState};
use crate::domain::administration;
use crate::domain::instance_settings::{self, SettingsChanges, Theme};
use crate::error::Error;

/// `GET /static/theme.css`: the accent colours, light and dark. Pages link
/// it with the colour in the address, so a change is never served stale.
pub async fn theme_css(State(state): State<AppState>) -> Response {
    let (config, settings) = (state.config.clone(), state.settings.clone());
    let accent = state
        .db
        .run(move |conn| settings.current(conn, &config))
        .await
        .map(|s| s.accent)
        .unwrap_or_else(|_| instance_settings::DEFAULT_ACCENT.into());
    // The default accent keeps the stylesheet's own hand-picked colours.
    let css = if accent == instance_settings::DEFAULT_ACCENT {
        String::from("/* The stylesheet's own accent colours apply. */\n")
    } else {
        let t = instance_settings::theme(&accent);
        format!(
            ":root {{ --accent: {}; --accent-strong: {}; --accent-soft: {}; }}\n\
             @media (prefers-color-scheme: dark) {{ :root {{ --accent: {}; --accent-strong: {}; --accent-soft: {}; }} }}\n\
             @media print {{ :root {{ --accent: #000000; }} }}\n",
            t.light, t.light_strong, t.light_soft, t.dark, t.dark_strong, t.dark_soft
        )
    };
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        css,
    )
        .into_response()
}

const MODES: &[&str] = &["open", "approval", "closed"];

/// The settings form as typed (kept on errors).
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    instance_name: String,
    #[serde(default)]
    instance_description: String,
    #[serde(default)]
    accent: String,
    #[serde(default)]
    registration_mode: String,
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsPage {
    page: PageContext,
    form: SettingsForm,
    modes: &'static [&'static str],
    theme: Theme,
    errors: FieldErrors,
}

/// The settings page with the values in force.
fn current_settings_page(page: PageContext, errors: FieldErrors) -> Response {
    let form = SettingsForm {
        instance_name: page.instance.name.clone(),
        instance_description: page.instance.description.clone(),
        accent: page.instance.accent.clone(),
        registration_mode: page.instance.registration_mode.as_str().into(),
    };
    render(&SettingsPage {
        theme: instance_settings::theme(&form.accent),
        form,
        modes: MODES,
        errors,
        page,
    })
}

pub async fn settings_form(page: PageContext) -> Response {
    if let Err(response) = administrator(&page) {
        return *response;
    }
    current_settings_page(page, FieldErrors::default())
}

/// `POST /admin/settings/logo`: a new logo (multipart, with the CSRF
/// token); a refused image is reported next to the field.
pub async fn upload_logo(State(state): State<AppState>, req: Request) -> Response {
    let PageImage {
        page,
        who: admin,
        image,
    } = match uploads::page_image(&state, req, "logo", administrator).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let refused = |page: PageContext, status: StatusCode| {
        let message = page.t.get("invalid-logo");
        let body = current_settings_page(page, FieldErrors::on("logo", message));
        (status, body).into_response()
    };
    let image = match image {
        Ok(image) => image,
        Err(status) => return refused(page, status),
    };
    let (config, settings) = (state.config.clone(), state.settings.clone());
    match state
        .db
        .run(move |conn| settings.set_logo(conn, &config, &admin, Some(&image)))
        .await
    {
        Ok(_) => redirect_with(&state, "/admin/settings", "flash-logo-saved"),
        Err(Error::Invalid { .. }) => refused(page, StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// `POST /admin/settings/logo/remove`.
pub async fn remove_logo(
    State(state): State<AppState>,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    let admin = match administrator(&page) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    let (config, settings) = (state.config.clone(), state.settings.clone());
    match state
        .db
        .run(move |conn| settings.set_logo(conn, &config, &admin, None))
        .await
    {
        Ok(_) => redirect_with(&state, "/admin/settings", "flash-logo-removed"),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

pub async fn settings(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<SettingsForm>,
) -> Response {
    let admin = match administrator(&page) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    let changes = SettingsChanges {
        name: form.instance_name.clone(),
        description: form.instance_description.clone(),
        accent: form.accent.clone(),
        registration_mode: form.registration_mode.clone(),
    };
    let settings = state.settings.clone();
    match state
        .db
        .run(move |conn| settings.update(conn, &admin, &changes))
        .await
    {
        Ok(saved) => redirect_with(
            &state,
            "/admin/settings",
            if instance_settings::theme(&saved.accent).adjusted {
                "flash-instance-saved-adjusted"
            } else {
                "flash-instance-saved"
            },
        ),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let keep = |s: &str, n: usize| s.chars().take(n).collect::<String>();
            let form = SettingsForm {
                instance_name: keep(&form.instance_name, instance_settings::NAME_MAX * 2),
                instance_description: keep(
                    &form.instance_description,
                    instance_settings::DESCRIPTION_MAX * 2,
                ),
                accent: keep(&form.accent, 20),
                registration_mode: keep(&form.registration_mode, 20),
            };
            let body = render(&SettingsPage {
                theme: instance_settings::theme(&page.instance.accent),
                form,
                modes: MODES,
                errors,
                page,
            });
            (status_of(&e), body).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/ID/role`.
pub async fn set_role(
    State(state): State<AppState>,
    Path(user_id): Path<i64>,
    Submitted { page, form }: Submitted<RoleForm>,
) -> Response {
    let admin = match administrator(&page) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    match state
        .db
        .run(move |conn| administration::set_role(conn, &admin, user_id, &form.role))
        .await
    {
        Ok(_) => redirect_with(&state, "/admin", "flash-role-changed"),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

/// `POST /admin/users/ID/suspend` and `/reactivate`.
async fn set_suspended(
    state: AppState,
    page: PageContext,
    user_id: i64,
    suspended: bool,
) -> Response {
    let admin = match administrator(&page) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    match state
        .db
        .run(move |conn| administration::set_suspended(conn, &admin, user_id, suspended))
        .await
    {
        Ok(_) => redirect_with(
            &state,
            "/admin",
            if suspended {
                "flash-suspended"
            } else {
                "flash-reactivated"
            },
        ),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

pub async fn suspend(
    State(state): State<AppState>,
    Path(user_id): Path<i64>,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    set_suspended(state, page, user_id, true).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    Path(user_id): Path<i64>,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    set_suspended(state, page, user_id, false).await
}

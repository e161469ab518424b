//! Account settings beyond the profile: changing the e-mail address and
//! deleting the account, both confirmed by the password, with errors shown
//! next to their field on the settings page.

use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;

use super::page::{redirect_with, FieldErrors, Submitted};
use super::pages::{settings_owner, settings_page};
use super::security::secure_cookies;
use super::{session, status_of, AppState};
use crate::domain::account_changes;
use crate::domain::accounts::EMAIL_MAX;

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    email_password: String,
}

pub async fn change_email(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<EmailForm>,
) -> Response {
    let (user_id, locale) = match settings_owner(&page) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    let email = form.email.clone();
    match state
        .db
        .run(move |conn| account_changes::change_email(conn, user_id, &form.email_password, &email))
        .await
    {
        Ok(_) => redirect_with(&state, "/settings", "flash-email-changed"),
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            let typed = form.email.chars().take(EMAIL_MAX).collect();
            settings_page(
                &state,
                page,
                locale,
                None,
                Some(typed),
                errors,
                status_of(&e),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    delete_password: String,
    #[serde(default)]
    delete_confirm: String,
}

pub async fn delete_account(
    State(state): State<AppState>,
    Submitted { page, form }: Submitted<DeleteForm>,
) -> Response {
    let (user_id, locale) = match settings_owner(&page) {
        Ok(owner) => owner,
        Err(response) => return *response,
    };
    let config = state.config.clone();
    let confirmed = form.delete_confirm == "yes";
    match state
        .db
        .run(move |conn| {
            account_changes::delete_account(
                conn,
                &config,
                user_id,
                &form.delete_password,
                confirmed,
            )
        })
        .await
    {
        Ok(()) => {
            state.federation.wake.notify_one();
            let mut response = redirect_with(&state, "/", "flash-account-deleted");
            response.headers_mut().append(
                header::SET_COOKIE,
                session::clear_cookie(secure_cookies(&state)),
            );
            response
        }
        Err(e) => {
            let errors = FieldErrors::from_error(&page, &e);
            settings_page(&state, page, locale, None, None, errors, status_of(&e)).await
        }
    }
}

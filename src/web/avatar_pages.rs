//! The avatar form of the account settings: a multipart upload carrying
//! its CSRF token; the image is checked and stored like any upload
//! (`profiles::set_pictures`), and a refused one is reported next to the
//! field.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{redirect_with, same_token, ErrorPage, FieldErrors, PageContext};
use super::pages::settings_page;
use super::{uploads, AppState};
use crate::domain::profiles::{self, Pictures};

pub async fn upload(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(page) = PageContext::from_request_parts(&mut parts, &state).await;
    let locale = match page.require_account() {
        Ok(account) => account.user.locale.clone(),
        Err(response) => return *response,
    };
    let file_max = state.config.media_max_bytes as usize;
    let form = uploads::read(Request::from_parts(parts, body), &state, file_max).await;
    let csrf = form
        .as_ref()
        .ok()
        .and_then(|f| f.texts.iter().find(|(k, _)| k == "csrf_token"))
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let too_large = matches!(&form, Err(r) if r.status == StatusCode::PAYLOAD_TOO_LARGE);
    if !too_large && (page.csrf_token.is_empty() || !same_token(csrf, &page.csrf_token)) {
        return ErrorPage::response(&page, StatusCode::FORBIDDEN, page.t.get("error-csrf"));
    }
    let image = form.ok().and_then(|f| {
        f.files
            .into_iter()
            .find(|(k, bytes)| k == "avatar" && !bytes.is_empty())
            .map(|(_, bytes)| bytes)
    });
    let refused = |page: PageContext, status| {
        let message = page.t.get("invalid-avatar");
        settings_page(
            &state,
            page,
            locale.clone(),
            None,
            None,
            FieldErrors::on("avatar", message),
            status,
        )
    };
    let Some(image) = image else {
        let status = if too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return refused(page, status).await;
    };
    let Some(person) = page.account.as_ref().map(|a| a.actor.clone()) else {
        return super::page::not_found(page).await;
    };
    let config = state.config.clone();
    let saved = state
        .db
        .run(move |conn| {
            let pictures = Pictures {
                avatar: Some(&image),
                header: None,
            };
            profiles::set_pictures(conn, &config, &person, pictures)
        })
        .await;
    match saved {
        Ok(_) => redirect_with(&state, "/settings", "flash-avatar-saved"),
        Err(crate::error::Error::Invalid { .. }) => {
            refused(page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

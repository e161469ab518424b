//! The avatar form of the account settings: a multipart upload carrying
//! its CSRF token; the image is checked and stored like any upload
//! (`profiles::set_pictures`), and a refused one is reported next to the
//! field.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{redirect_with, ErrorPage, FieldErrors, PageContext};
use super::pages::settings_page;
use super::uploads::{self, PageImage};
use super::AppState;
use crate::domain::profiles::{self, Pictures};

pub async fn upload(State(state): State<AppState>, req: Request) -> Response {
    let form = uploads::page_image(&state, req, "avatar", |page| {
        page.require_account()
            .map(|account| account.user.locale.clone())
    })
    .await;
    let PageImage {
        page,
        who: locale,
        image,
    } = match form {
        Ok(form) => form,
        Err(response) => return response,
    };
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
    let image = match image {
        Ok(image) => image,
        Err(status) => return refused(page, status).await,
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

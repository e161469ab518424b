//! Administration pages: sign-ups waiting for approval (with the reason
//! given), the accounts of the instance, and the federation status of the
//! remote instances with their deliveries. Administrators only.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::community_pages::{next_page, PageQuery, PAGE_SIZE};
use super::page::{redirect_with, render, ErrorPage, PageContext, Submitted};
use super::AppState;
use crate::delivery_queue::{self, InstanceStatus};
use crate::domain::accounts::{self, Account, Role};
use crate::domain::listings;

/// Sign-ups shown at once.
const PENDING_MAX: i64 = 100;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: PageContext,
    mode: &'static str,
    pending: Vec<Account>,
    accounts: Vec<Account>,
    next: Option<String>,
}

/// The signed-in administrator, or the answer refusing the page.
pub(super) fn administrator(page: &PageContext) -> Result<Account, Box<Response>> {
    let account = page.require_account()?;
    if account.user.role() != Role::Admin {
        return Err(Box::new(ErrorPage::response(
            page,
            StatusCode::FORBIDDEN,
            page.t.get("error-forbidden-text"),
        )));
    }
    Ok(account.clone())
}

pub async fn show(
    State(state): State<AppState>,
    page: PageContext,
    Query(query): Query<PageQuery>,
) -> Response {
    if let Err(response) = administrator(&page) {
        return *response;
    }
    let before = query.before;
    let loaded = state
        .db
        .run(move |conn| {
            Ok((
                listings::accounts(conn, true, None, PENDING_MAX)?,
                listings::accounts(conn, false, before, PAGE_SIZE)?,
            ))
        })
        .await;
    match loaded {
        Ok((pending, accounts)) => {
            let next = next_page(&accounts, "/admin", |a| a.user.id);
            render(&AdminPage {
                mode: page.instance.registration_mode.as_str(),
                page,
                pending,
                accounts,
                next,
            })
        }
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    Path(username): Path<String>,
    Submitted { page, .. }: Submitted<super::pages::EmptyForm>,
) -> Response {
    let admin = match administrator(&page) {
        Ok(a) => a,
        Err(response) => return *response,
    };
    let config = state.config.clone();
    match state
        .db
        .run(move |conn| accounts::approve_as(conn, &config, &admin, &username))
        .await
    {
        Ok(_) => redirect_with(&state, "/admin", "flash-account-approved"),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

#[derive(Template)]
#[template(path = "admin_federation.html")]
struct FederationPage {
    page: PageContext,
    instances: Vec<InstanceStatus>,
}

/// The remote instances we exchange with: alive, failing or given up on,
/// their last success, and their deliveries waiting, done and failed.
pub async fn federation(State(state): State<AppState>, page: PageContext) -> Response {
    if let Err(response) = administrator(&page) {
        return *response;
    }
    match state.db.run(delivery_queue::status).await {
        Ok(instances) => render(&FederationPage { page, instances }),
        Err(e) => ErrorPage::from_error(&page, &e),
    }
}

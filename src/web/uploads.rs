//! Multipart bodies (`multipart/form-data`), read with bounds: at most
//! [`FIELDS_MAX`] fields, text fields of at most [`TEXT_MAX`] bytes, files
//! (fields with a file name) of at most the size given. Used by the API's
//! parameters and by the web forms that upload an image.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{same_token, ErrorPage, PageContext};
use super::AppState;

/// Longest text field, in bytes.
pub const TEXT_MAX: usize = 64 * 1024;
/// Most fields in one body.
pub const FIELDS_MAX: usize = 64;

/// What a multipart body held, in order.
#[derive(Debug, Default)]
pub struct Form {
    pub texts: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Why a body was refused: `413` past a bound, `400` when unreadable.
#[derive(Debug)]
pub struct Refused {
    pub status: StatusCode,
    pub message: String,
}

/// Reads a multipart body; each file at most `file_max` bytes.
pub async fn read(req: Request, state: &AppState, file_max: usize) -> Result<Form, Refused> {
    let bad = |e: axum::extract::multipart::MultipartError| Refused {
        status: e.status(),
        message: format!("invalid multipart body: {}", e.body_text()),
    };
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| Refused {
            status: StatusCode::BAD_REQUEST,
            message: e.body_text(),
        })?;
    let mut form = Form::default();
    let mut count = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        count += 1;
        if count > FIELDS_MAX {
            return Err(Refused {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                message: format!("at most {FIELDS_MAX} fields are accepted"),
            });
        }
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let max = if is_file { file_max } else { TEXT_MAX };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > max {
                return Err(Refused {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    message: format!("{name} is too large: at most {max} bytes are accepted"),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            form.files.push((name, bytes));
        } else {
            let text = String::from_utf8(bytes).map_err(|_| Refused {
                status: StatusCode::BAD_REQUEST,
                message: format!("{name} must be UTF-8 text"),
            })?;
            form.texts.push((name, text));
        }
    }
    Ok(form)
}

/// An image posted by a page's form (multipart, carrying its CSRF token).
pub struct PageImage<T> {
    pub page: PageContext,
    /// What `allowed` gave (the signed-in account, say).
    pub who: T,
    /// The non-empty file of the field, or the status to report next to
    /// the field: 413 past the size bound, 422 when missing.
    pub image: Result<Vec<u8>, StatusCode>,
}

/// Reads the image `field` of a page's form, files at most the media
/// store's bound. `allowed` refuses the page before the body is read; a
/// missing or wrong CSRF token is answered 403.
pub async fn page_image<T>(
    state: &AppState,
    req: Request,
    field: &str,
    allowed: impl FnOnce(&PageContext) -> Result<T, Box<Response>>,
) -> Result<PageImage<T>, Response> {
    let (mut parts, body) = req.into_parts();
    let Ok(page) = PageContext::from_request_parts(&mut parts, state).await;
    let who = allowed(&page).map_err(|r| *r)?;
    let file_max = state.config.media_max_bytes as usize;
    let form = read(Request::from_parts(parts, body), state, file_max).await;
    let csrf = form
        .as_ref()
        .ok()
        .and_then(|f| f.texts.iter().find(|(k, _)| k == "csrf_token"))
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let too_large = matches!(&form, Err(r) if r.status == StatusCode::PAYLOAD_TOO_LARGE);
    if !too_large && (page.csrf_token.is_empty() || !same_token(csrf, &page.csrf_token)) {
        return Err(ErrorPage::response(
            &page,
            StatusCode::FORBIDDEN,
            page.t.get("error-csrf"),
        ));
    }
    let image = form
        .ok()
        .and_then(|f| {
            f.files
                .into_iter()
                .find(|(k, bytes)| k == field && !bytes.is_empty())
                .map(|(_, bytes)| bytes)
        })
        .ok_or(if too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        });
    Ok(PageImage { page, who, image })
}

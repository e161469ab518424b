//! Multipart bodies (`multipart/form-data`), read with bounds: at most
//! [`FIELDS_MAX`] fields, text fields of at most [`TEXT_MAX`] bytes, files
//! (fields with a file name) of at most the size given. Used by the API's
//! parameters and by the web forms that upload an image.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;

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

//! Uploaded images served as they were stored: their type from the name we
//! gave them, `nosniff`, and cached for a year (a file never changes: a new
//! image gets a new name).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::domain::media;

pub async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some((path, content_type)) = media::served_file(&state.config, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, file = %name, "cannot read a stored image");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

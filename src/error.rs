//! The domain error: what went wrong, in terms every front door (web pages,
//! Mastodon API, federation inbox, command line) can turn into its own answer.

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// A submitted value breaks a rule; `field` names the input.
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The value is valid but already taken.
    Conflict {
        field: &'static str,
        message: String,
    },
    NotFound(String),
    /// It existed and was deleted (answered 410, where a `Tombstone` can
    /// say when).
    Gone(String),
    /// Not authenticated, or wrong credentials.
    Unauthorized(String),
    /// Authenticated but not allowed.
    Forbidden(String),
    /// The database or another dependency cannot be reached.
    Unavailable(String),
    Database(diesel::result::Error),
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }

    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Error::Conflict {
            field,
            message: message.into(),
        }
    }

    /// The input field an error is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } | Error::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { field, message } | Error::Conflict { field, message } => {
                write!(f, "{field}: {message}")
            }
            Error::NotFound(m)
            | Error::Gone(m)
            | Error::Unauthorized(m)
            | Error::Forbidden(m)
            | Error::Unavailable(m)
            | Error::Internal(m) => f.write_str(m),
            Error::Database(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Error::NotFound("not found".into()),
            other => Error::Database(other),
        }
    }
}

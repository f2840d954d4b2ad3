//! The one error type of the server and its stable codes. Clients see a plain message and a code
//! from the fixed list; internal causes are logged once, here, and reach clients only as
//! `INTERNAL`.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts every `Display`
//! type into an error without extensions, and leaving `Display` out lets the conversion below,
//! which attaches `extensions.code`, be the only one.

use async_graphql::ErrorExtensions as _;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What went wrong, in the terms a client can act on. Cloneable, because async-graphql may
/// report one error at several places.
#[derive(Clone, Debug)]
pub enum AppError {
    /// The request needs a signed-in account.
    Unauthenticated,
    /// The viewer may not do this.
    Forbidden,
    /// No such object, or one whose existence must not be revealed to this viewer.
    NotFound,
    /// The input is wrong; `field` names the offending input field when there is one.
    BadUserInput {
        /// What is wrong, in words for the user.
        message: String,
        /// The input field, in the client's naming (camelCase).
        field: Option<String>,
    },
    /// The request conflicts with the current state (already used, already decided, …).
    Conflict(String),
    /// Too many attempts; try again later.
    RateLimited,
    /// The database cannot take the request now (unreachable, full disk, busy past the wait):
    /// nothing was saved, and the same request may succeed a little later.
    Unavailable,
    /// A fault on our side. The cause is logged, never shown.
    Internal(std::sync::Arc<anyhow::Error>),
}

/// Shorthand for results carrying an [`AppError`].
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The stable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// The message a client may see.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "Sign in to continue.".to_owned(),
            Self::Forbidden => "You are not allowed to do this.".to_owned(),
            Self::NotFound => "Not found.".to_owned(),
            Self::BadUserInput { message, .. } => message.clone(),
            Self::Conflict(message) => message.clone(),
            Self::RateLimited => "Too many attempts. Try again later.".to_owned(),
            Self::Unavailable => {
                "The diary cannot reach its database right now; nothing was saved. Try again in a minute."
                    .to_owned()
            }
            Self::Internal(_) => "Internal error.".to_owned(),
        }
    }

    /// The HTTP status for plain HTTP endpoints.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadUserInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bad-input error tied to one input field.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// An internal error from any cause.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(std::sync::Arc::new(cause.into()))
    }

    /// Logs the cause of an internal error; the one place where that happens.
    pub(crate) fn log(&self) {
        if let Self::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
    }
}

/// Whether a database error means the database cannot serve now, rather than that this
/// request is wrong: no connection to be had, the connection lost, the disk full or failing,
/// the database locked past the busy timeout, or PostgreSQL shutting down, out of resources
/// or cancelling the statement at its timeout.
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx;
    use sea_orm::{DbErr, RuntimeErr};
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx_err) = runtime else {
        return false;
    };
    match sqlx_err.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite's primary result code is the low byte of the extended one: BUSY,
                // LOCKED, READONLY, IOERR, FULL, CANTOPEN.
                code.parse::<i64>()
                    .is_ok_and(|extended| matches!(extended & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
            } else {
                // SQLSTATE classes 08 connection exception, 53 insufficient resources (disk
                // full, out of memory, too many connections), 57 operator intervention
                // (shutdown, statement timeout), 58 system error (I/O).
                ["08", "53", "57", "58"]
                    .iter()
                    .any(|class| code.starts_with(class))
            }
        }
        _ => false,
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(%err, "the database is unavailable");
            return Self::Unavailable;
        }
        // Two writers creating the same row at the same instant: the later one lost a race,
        // which is the caller's to retry, not a fault of ours.
        if matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ) {
            tracing::info!(%err, "a write met a concurrent one");
            return Self::Conflict(
                "Someone changed this at the same moment. Reload and try again.".to_owned(),
            );
        }
        Self::internal(err)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        let code = err.code();
        let field = match &err {
            AppError::BadUserInput { field, .. } => field.clone(),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let body = Json(json!({ "error": { "code": self.code(), "message": self.message() } }));
        (self.status(), body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database};

    use super::AppError;

    #[tokio::test]
    async fn a_lost_race_for_a_unique_row_is_a_conflict_and_other_faults_stay_internal() {
        let Ok(db) = Database::connect("sqlite::memory:").await else {
            panic!("no in-memory database");
        };
        for sql in [
            "CREATE TABLE t (k INTEGER UNIQUE)",
            "INSERT INTO t VALUES (1)",
        ] {
            if let Err(err) = db.execute_unprepared(sql).await {
                panic!("{sql}: {err}");
            }
        }
        let Err(duplicate) = db.execute_unprepared("INSERT INTO t VALUES (1)").await else {
            panic!("a duplicate was accepted");
        };
        assert!(matches!(AppError::from(duplicate), AppError::Conflict(_)));
        let Err(missing) = db.execute_unprepared("SELECT * FROM missing").await else {
            panic!("a missing table was found");
        };
        assert!(matches!(AppError::from(missing), AppError::Internal(_)));
    }
}

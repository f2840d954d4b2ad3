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

mod reason;

pub use reason::Reason;

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
        /// What is wrong.
        reason: Reason,
        /// The input field, in the client's naming (camelCase).
        field: Option<String>,
    },
    /// The request conflicts with the current state (already used, already decided, …).
    Conflict {
        /// What it conflicts with.
        reason: Reason,
        /// The input field whose value conflicts, when one does (a code already taken).
        field: Option<String>,
    },
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
            Self::Conflict { .. } => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }

    /// Why, for refusals that have a reason.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Self::BadUserInput { reason, .. } | Self::Conflict { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The input field a refusal is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadUserInput { field, .. } | Self::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The message a client may see (English; pages translate the reason instead).
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => "Sign in to continue.".to_owned(),
            Self::Forbidden => "You are not allowed to do this.".to_owned(),
            Self::NotFound => "Not found.".to_owned(),
            Self::BadUserInput { reason, .. } | Self::Conflict { reason, .. } => reason.text(true),
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
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bad-input error tied to one input field.
    pub fn bad_input(field: &str, reason: Reason) -> Self {
        Self::BadUserInput {
            reason,
            field: Some(field.to_owned()),
        }
    }

    /// A bad-input error about the request as a whole.
    pub fn invalid(reason: Reason) -> Self {
        Self::BadUserInput {
            reason,
            field: None,
        }
    }

    /// A conflict of an input field's value with the current state (a code already taken).
    pub fn conflict_on(field: &str, reason: Reason) -> Self {
        Self::Conflict {
            reason,
            field: Some(field.to_owned()),
        }
    }

    /// A conflict with the current state.
    pub fn conflict(reason: Reason) -> Self {
        Self::Conflict {
            reason,
            field: None,
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
        // A unique index refused the row: on a named constraint whose column a client types,
        // the value is taken (a field error); otherwise two writers created the same row at
        // the same instant and the later one lost a race, the caller's to retry.
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
            tracing::info!(%err, "a unique index refused a write");
            if let Some((field, reason)) = taken(&detail) {
                return Self::Conflict {
                    reason,
                    field: Some(field.to_owned()),
                };
            }
            return Self::conflict(Reason::ConcurrentChange);
        }
        Self::internal(err)
    }
}

/// A unique index whose violation means "this value is taken": PostgreSQL names the index
/// (`uq_<table>_<columns>`, see `migration/src/dsl.rs`), SQLite the columns.
struct Taken {
    /// The index's name, as PostgreSQL reports it.
    index: &'static str,
    /// Its columns, as SQLite reports them.
    columns: &'static str,
    /// The input field whose value is taken.
    field: &'static str,
    /// Why.
    reason: Reason,
}

/// The indexes on values a client types. Others, violated, mean a lost race.
const TAKEN: &[Taken] = &[Taken {
    index: "uq_refusal_reasons_code",
    columns: "refusal_reasons.code",
    field: "code",
    reason: Reason::ReasonCodeTaken,
}];

/// The field and reason of a unique-index violation, from the database's message.
fn taken(detail: &str) -> Option<(&'static str, Reason)> {
    TAKEN
        .iter()
        .find(|t| detail.contains(&format!("\"{}\"", t.index)) || detail.ends_with(t.columns))
        .map(|t| (t.field, t.reason.clone()))
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
        let field = err.field().map(str::to_owned);
        let reason = err.reason().map(|r| (r.code(), r.params()));
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some((reason, params)) = reason {
                ext.set("reason", reason);
                if !params.is_empty() {
                    let params: async_graphql::indexmap::IndexMap<
                        async_graphql::Name,
                        async_graphql::Value,
                    > = params
                        .into_iter()
                        .filter_map(|(name, value)| {
                            value.as_i64().map(|n| {
                                (
                                    async_graphql::Name::new(name),
                                    async_graphql::Value::from(n),
                                )
                            })
                        })
                        .collect();
                    ext.set("params", async_graphql::Value::Object(params));
                }
            }
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let body = Json(json!({ "error": {
            "code": self.code(),
            "reason": self.reason().map(Reason::code),
            "message": self.message(),
        } }));
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
        assert!(matches!(
            AppError::from(duplicate),
            AppError::Conflict {
                reason: super::Reason::ConcurrentChange,
                field: None
            }
        ));
        // A value taken on a named unique index is a field error, on both engines' wording.
        for sql in [
            "CREATE TABLE refusal_reasons (code TEXT)",
            "CREATE UNIQUE INDEX uq_refusal_reasons_code ON refusal_reasons (code)",
            "INSERT INTO refusal_reasons VALUES ('other')",
        ] {
            if let Err(err) = db.execute_unprepared(sql).await {
                panic!("{sql}: {err}");
            }
        }
        let Err(taken) = db
            .execute_unprepared("INSERT INTO refusal_reasons VALUES ('other')")
            .await
        else {
            panic!("a duplicate code was accepted");
        };
        let taken = AppError::from(taken);
        assert_eq!(taken.field(), Some("code"));
        assert_eq!(taken.reason(), Some(&super::Reason::ReasonCodeTaken));
        assert_eq!(
            super::taken(
                "duplicate key value violates unique constraint \"uq_refusal_reasons_code\""
            ),
            Some(("code", super::Reason::ReasonCodeTaken))
        );
        let Err(missing) = db.execute_unprepared("SELECT * FROM missing").await else {
            panic!("a missing table was found");
        };
        assert!(matches!(AppError::from(missing), AppError::Internal(_)));
    }
}

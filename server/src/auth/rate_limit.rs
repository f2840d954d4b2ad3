//! Attempt limits kept in the database, so that every replica counts the same attempts: a
//! bucket (what is counted) and a fixed window; each failure adds one. Callers check before
//! the attempt and record after a failure.

use std::time::Duration;

use chrono::{DateTime, Utc};
use dnevnik_entities::rate_limit_counter::{Column, Entity};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// One limit: at most `max` failures per `window` in a bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Failures allowed in a window.
    pub max: i32,
    /// Window length.
    pub window: Duration,
}

impl Limit {
    /// The start of the window `now` falls into.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let seconds = i64::try_from(Ord::max(self.window.as_secs(), 1)).unwrap_or(i64::MAX);
        let start = now.timestamp().div_euclid(seconds) * seconds;
        DateTime::from_timestamp(start, 0).unwrap_or(now)
    }

    /// Whether the bucket has used up its failures in the current window.
    pub async fn exhausted(
        &self,
        db: &impl ConnectionTrait,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let row = Entity::find_by_id((bucket.to_owned(), self.window_start(now)))
            .one(db)
            .await?;
        Ok(row.is_some_and(|r| r.attempts >= self.max))
    }

    /// Counts one failure and returns the failures in the window so far.
    pub async fn record_failure(
        &self,
        db: &impl ConnectionTrait,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<i32, DbErr> {
        let insert = Query::insert()
            .into_table(Entity)
            .columns([Column::Bucket, Column::WindowStart, Column::Attempts])
            .values([bucket.into(), self.window_start(now).into(), 1i32.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .on_conflict(
                OnConflict::columns([Column::Bucket, Column::WindowStart])
                    .value(
                        Column::Attempts,
                        Expr::col((Entity, Column::Attempts)).add(1),
                    )
                    .to_owned(),
            )
            .returning_col(Column::Attempts)
            .to_owned();
        let row = db.query_one(&insert).await?;
        match row {
            Some(row) => row.try_get("", "attempts"),
            None => Ok(0),
        }
    }
}

/// Deletes counters of windows that ended long ago; housekeeping, never required.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = Entity::delete_many()
        .filter(Column::WindowStart.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

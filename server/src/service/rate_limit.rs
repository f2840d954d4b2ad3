//! Attempt limits kept in the database, so that every replica counts the same attempts: a
//! bucket (what is counted) and a sliding window (estimated from the current fixed window and
//! the one before). An attempt is counted *before* it is tried,
//! with one atomic upsert that answers the new count, and a successful attempt gives its
//! count back. Checking first and counting after a failure would let a burst of parallel
//! requests all pass the check before the first failure is written.

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

    /// Counts one attempt in the bucket's current window and says whether it is within the
    /// limit. Over the limit, the attempt must not be tried.
    pub async fn take(
        &self,
        db: &impl ConnectionTrait,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
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
        let attempts: i32 = match db.query_one(&insert).await? {
            Some(row) => row.try_get("", "attempts")?,
            None => 1,
        };
        // A sliding window, estimated from two fixed ones: the previous window's failures
        // count for the part of it that still lies within one window of `now`. With fixed
        // windows alone, a burst just before and just after a boundary got twice the limit.
        let start = self.window_start(now);
        let window = i64::try_from(Ord::max(self.window.as_secs(), 1)).unwrap_or(i64::MAX);
        let previous_start =
            DateTime::from_timestamp(start.timestamp() - window, 0).unwrap_or(start);
        let previous: i64 = Entity::find()
            .filter(Column::Bucket.eq(bucket))
            .filter(Column::WindowStart.eq(previous_start))
            .one(db)
            .await?
            .map_or(0, |c| i64::from(c.attempts));
        let elapsed = (now.timestamp() - start.timestamp()).clamp(0, window);
        let weighted = previous * (window - elapsed) + i64::from(attempts) * window;
        Ok(weighted <= i64::from(self.max) * window)
    }

    /// Gives back the attempt [`Limit::take`] counted at `now`, once it has succeeded: only
    /// failures use up the limit.
    pub async fn give_back(
        &self,
        db: &impl ConnectionTrait,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        Entity::update_many()
            .col_expr(
                Column::Attempts,
                Expr::col((Entity, Column::Attempts)).sub(1),
            )
            .filter(Column::Bucket.eq(bucket))
            .filter(Column::WindowStart.eq(self.window_start(now)))
            .filter(Column::Attempts.gt(0))
            .exec(db)
            .await?;
        Ok(())
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

//! Attempt limits kept in the database, so that every replica counts the same attempts: a
//! bucket (what is counted) and a fixed window. An attempt is counted *before* it is tried,
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
        Ok(attempts <= self.max)
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

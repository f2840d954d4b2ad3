//! Attempt counters for rate limits (sign-in, access-code redemption). They live in the
//! database so that every server replica counts the same attempts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::with_composite_key("rate_limit_counters", &["bucket", "window_start"])
            // What is counted, e.g. `login-account:17` or `login-ip:203.0.113.0`.
            .col(string_len("bucket", 200))
            .col(timestamp_with_time_zone("window_start"))
            .col(integer("attempts").default(0))
            .index(&["window_start"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["rate_limit_counters"]).await
    }
}

//! The row `/readyz` writes to prove that a write can commit right now (a full disk, a
//! read-only file or a standby server all fail it), not only that the database answers reads.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("health_probes")
            .col(timestamp_with_time_zone("probed_at"))
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["health_probes"]).await
    }
}

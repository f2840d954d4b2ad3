//! Dnevnik's schema migrations: portable sea-orm-migration code that runs unchanged on SQLite
//! and PostgreSQL, each with a working `down`, each applied in one transaction on both engines.
//! A migration that has landed is never edited; change the schema with a new one.

pub use sea_orm_migration::prelude::*;

mod dsl;
mod m20261128_000001_create_accounts_and_schools;
mod m20261128_000002_create_school_structure;
mod m20261128_000003_create_diary;
mod m20261128_000004_create_communication;
mod m20261128_000005_create_access;
mod m20261128_000006_create_integration_and_audit;
mod m20261128_000007_create_rate_limits;
mod m20261128_000008_create_sign_in_flows;
mod m20261128_000009_create_notifications;
mod m20261203_000010_create_health_probes;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let all: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261128_000001_create_accounts_and_schools::Migration),
            Box::new(m20261128_000002_create_school_structure::Migration),
            Box::new(m20261128_000003_create_diary::Migration),
            Box::new(m20261128_000004_create_communication::Migration),
            Box::new(m20261128_000005_create_access::Migration),
            Box::new(m20261128_000006_create_integration_and_audit::Migration),
            Box::new(m20261128_000007_create_rate_limits::Migration),
            Box::new(m20261128_000008_create_sign_in_flows::Migration),
            Box::new(m20261128_000009_create_notifications::Migration),
            Box::new(m20261203_000010_create_health_probes::Migration),
        ];
        all.into_iter()
            .map(|migration| Box::new(Atomic(migration)) as Box<dyn MigrationTrait>)
            .collect()
    }
}

/// A migration applied (and undone) in one transaction together with its row in the
/// migrations table, on every engine. sea-orm-migration does that only on PostgreSQL; on
/// SQLite, which has transactional DDL too, a start killed halfway through a migration would
/// otherwise leave its first tables behind, unrecorded, and every later start would fail on
/// "table already exists".
struct Atomic(Box<dyn MigrationTrait>);

impl MigrationName for Atomic {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Atomic {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

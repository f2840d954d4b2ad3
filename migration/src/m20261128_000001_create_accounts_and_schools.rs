//! Accounts, schools and the national business calendar: the rows everything else points to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{TableDef, between, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("accounts")
            .col(string_len_null("login", 64))
            .unique(&["login"])
            .col(string_len("display_name", 200))
            .enumeration("status", &["active", "disabled"], false)
            // A confirmed (trusted) identity, as ESIA's `is_tru`: only such accounts may link a
            // child with a guardian code.
            .col(boolean("confirmed").default(false))
            .timestamps()
            .col(timestamp_with_time_zone_null("last_sign_in_at"))
            .create(manager)
            .await?;

        TableDef::new("schools")
            .col(string_len_null("external_id", 64))
            .unique(&["external_id"])
            .col(string_len("name", 300))
            .col(string_len("short_name", 100))
            .col(string_len("city", 100))
            .col(string_len_null("address", 300))
            .col(string_len("timezone", 64))
            // An average whose fractional part reaches this many hundredths rounds up
            // (50 is ordinary rounding; many schools use 60).
            .col(small_integer("rounding_threshold").default(50))
            .check("rounding_threshold", between("rounding_threshold", 1, 99))
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("calendar_days")
            .col(date("date"))
            .unique(&["date"])
            .enumeration("kind", &["holiday", "day_off", "working_day"], false)
            .col(string_len("name", 200))
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["calendar_days", "schools", "accounts"]).await
    }
}

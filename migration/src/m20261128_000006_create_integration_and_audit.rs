//! Integration and audit: import batches with their per-row outcomes, and the append-only,
//! hash-chained audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("import_batches")
            .school()
            .enumeration(
                "kind",
                &[
                    "classes",
                    "subjects",
                    "staff",
                    "students",
                    "timetable",
                    "assessments",
                ],
                false,
            )
            .col(string_len("source_name", 300))
            .enumeration("status", &["running", "completed", "failed"], false)
            .reference("created_by_account_id", "accounts", true, OnDelete::SetNull)
            .col(timestamp_with_time_zone("started_at"))
            .col(timestamp_with_time_zone_null("finished_at"))
            .col(integer("rows_total").default(0))
            .col(integer("rows_inserted").default(0))
            .col(integer("rows_updated").default(0))
            .col(integer("rows_unchanged").default(0))
            .col(integer("rows_failed").default(0))
            .create(manager)
            .await?;

        TableDef::new("import_batch_rows")
            .school()
            .reference(
                "import_batch_id",
                "import_batches",
                false,
                OnDelete::Cascade,
            )
            .col(integer("row_number"))
            .col(string_len_null("external_id", 64))
            .enumeration(
                "outcome",
                &["inserted", "updated", "unchanged", "failed"],
                false,
            )
            .col(text_null("message"))
            .unique(&["import_batch_id", "row_number"])
            .create(manager)
            .await?;

        // Deliberately without foreign keys: the log must outlive the rows it speaks of, and
        // nothing may ever cascade into it.
        TableDef::new("audit_events")
            .col(timestamp_with_time_zone("occurred_at"))
            .col(big_integer_null("actor_account_id"))
            .col(big_integer_null("school_id"))
            .col(string_len("action", 64))
            .col(string_len_null("object_type", 32))
            .col(big_integer_null("object_id"))
            .col(string_len_null("ip", 64))
            // JSON with identifiers and enum values only, never names, marks or secrets.
            .col(text_null("details"))
            .col(string_len("prev_hash", 64))
            .col(string_len("hash", 64))
            .unique(&["hash"])
            .index(&["occurred_at"])
            .index(&["actor_account_id", "occurred_at"])
            .index(&["school_id", "occurred_at"])
            .index(&["object_type", "object_id"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &["audit_events", "import_batch_rows", "import_batches"],
        )
        .await
    }
}

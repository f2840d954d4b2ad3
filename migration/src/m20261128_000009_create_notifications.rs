//! Notifications: what a family (or anyone) should notice — new and changed marks, homework,
//! absences, remarks, messages, news — one row per recipient account, with read state.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("notifications")
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            // `None` only for city news, which belongs to no school.
            .reference("school_id", "schools", true, OnDelete::Cascade)
            // The child it is about, if any: the reader must still see that child.
            .reference("student_id", "students", true, OnDelete::Cascade)
            .enumeration(
                "kind",
                &[
                    "mark_recorded",
                    "mark_changed",
                    "mark_deleted",
                    "homework",
                    "attendance",
                    "remark",
                    "message",
                    "news",
                ],
                false,
            )
            .col(string_len_null("object_type", 32))
            .col(big_integer_null("object_id"))
            // Identifiers and values the notification shows (subject, old and new value, …).
            .col(text("data"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("read_at"))
            .index(&["account_id", "read_at"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["notifications"]).await
    }
}

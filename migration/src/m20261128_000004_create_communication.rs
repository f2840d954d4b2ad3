//! Communication: news in city, school and class scope, events and parent meetings, the forum,
//! and private conversations with their messages and read state.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // City news belongs to no school, so `school_id` is nullable here; the CHECK keeps the
        // scope and the two references consistent.
        TableDef::new("news_items")
            .reference("school_id", "schools", true, OnDelete::Cascade)
            .reference("class_unit_id", "class_units", true, OnDelete::Cascade)
            .enumeration("scope", &["city", "school", "class"], false)
            .check(
                "scope_refs",
                Expr::col("scope")
                    .eq("city")
                    .and(Expr::col("school_id").is_null())
                    .and(Expr::col("class_unit_id").is_null())
                    .or(Expr::col("scope")
                        .eq("school")
                        .and(Expr::col("school_id").is_not_null())
                        .and(Expr::col("class_unit_id").is_null()))
                    .or(Expr::col("scope")
                        .eq("class")
                        .and(Expr::col("school_id").is_not_null())
                        .and(Expr::col("class_unit_id").is_not_null())),
            )
            .enumeration("kind", &["organisation", "administrative"], false)
            .col(string_len("title", 300))
            .col(text("body"))
            .reference("author_account_id", "accounts", true, OnDelete::SetNull)
            .col(timestamp_with_time_zone("published_at"))
            .col(timestamp_with_time_zone_null("withdrawn_at"))
            .index(&["scope", "published_at"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("events")
            .school()
            .reference("class_unit_id", "class_units", true, OnDelete::Cascade)
            .enumeration("kind", &["parent_meeting", "school_event"], false)
            .col(string_len("title", 300))
            .col(text_null("description"))
            .col(string_len_null("place", 200))
            .col(timestamp_with_time_zone("starts_at"))
            .col(timestamp_with_time_zone_null("ends_at"))
            .check(
                "times",
                Expr::col("ends_at")
                    .is_null()
                    .or(Expr::col("ends_at").gte(Expr::col("starts_at"))),
            )
            .reference("created_by_account_id", "accounts", true, OnDelete::SetNull)
            .index(&["school_id", "starts_at"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("forum_threads")
            .school()
            .reference("class_unit_id", "class_units", true, OnDelete::Cascade)
            .enumeration("scope", &["school", "class"], false)
            .check(
                "scope_refs",
                Expr::col("scope")
                    .eq("school")
                    .and(Expr::col("class_unit_id").is_null())
                    .or(Expr::col("scope")
                        .eq("class")
                        .and(Expr::col("class_unit_id").is_not_null())),
            )
            // Whom the question is for: anyone, the class teacher, a teacher, the deputy director.
            .enumeration(
                "addressed_to",
                &["everyone", "class_teacher", "teacher", "deputy_director"],
                false,
            )
            .col(string_len("title", 300))
            .reference("author_account_id", "accounts", true, OnDelete::SetNull)
            .col(boolean("pinned").default(false))
            .col(boolean("locked").default(false))
            .col(timestamp_with_time_zone("last_post_at"))
            .index(&["school_id", "last_post_at"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("forum_posts")
            .school()
            .reference("thread_id", "forum_threads", false, OnDelete::Cascade)
            .reference("author_account_id", "accounts", true, OnDelete::SetNull)
            .col(text("body"))
            .col(boolean("hidden").default(false))
            .index(&["thread_id", "created_at"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("conversations")
            .school()
            .col(string_len("subject", 300))
            .reference("created_by_account_id", "accounts", true, OnDelete::SetNull)
            .col(timestamp_with_time_zone("last_message_at"))
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("conversation_participants")
            .school()
            .reference("conversation_id", "conversations", false, OnDelete::Cascade)
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            // Everything posted after this instant is unread for the participant.
            .col(timestamp_with_time_zone_null("last_read_at"))
            .col(timestamp_with_time_zone("joined_at"))
            .unique(&["conversation_id", "account_id"])
            .create(manager)
            .await?;

        TableDef::new("messages")
            .school()
            .reference("conversation_id", "conversations", false, OnDelete::Cascade)
            .reference("sender_account_id", "accounts", true, OnDelete::SetNull)
            .col(text("body"))
            .col(timestamp_with_time_zone("created_at"))
            .index(&["conversation_id", "created_at"])
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "messages",
                "conversation_participants",
                "conversations",
                "forum_posts",
                "forum_threads",
                "events",
                "news_items",
            ],
        )
        .await
    }
}

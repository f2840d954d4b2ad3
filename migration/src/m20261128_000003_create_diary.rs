//! The diary itself: lessons, homework, marks with their history, attendance, remarks, final
//! marks and external assessments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, between, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("lessons")
            .school()
            .external_id()
            .reference("class_unit_id", "class_units", false, OnDelete::Restrict)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            .reference(
                "replacement_staff_id",
                "staff_members",
                true,
                OnDelete::SetNull,
            )
            .reference(
                "study_period_id",
                "study_periods",
                false,
                OnDelete::Restrict,
            )
            .col(date("date"))
            .col(small_integer("lesson_number"))
            .check("lesson_number", between("lesson_number", 0, 12))
            .col(time_null("starts_at"))
            .col(time_null("ends_at"))
            .col(string_len_null("room", 32))
            .col(string_len_null("group_name", 32))
            .col(text_null("topic"))
            .enumeration(
                "status",
                &["scheduled", "held", "cancelled", "replaced"],
                false,
            )
            .unique(&["class_unit_id", "date", "lesson_number", "staff_member_id"])
            .index(&["class_unit_id", "date"])
            .index(&["staff_member_id", "date"])
            .index(&["school_id", "date"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("homework")
            .school()
            .reference("class_unit_id", "class_units", false, OnDelete::Restrict)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            // The lesson it was given at, and the lesson it is due for (when known).
            .reference("lesson_id", "lessons", true, OnDelete::SetNull)
            .reference("due_lesson_id", "lessons", true, OnDelete::SetNull)
            .col(date("given_on"))
            .col(date("due_on"))
            .check("dates", Expr::col("due_on").gte(Expr::col("given_on")))
            .col(text("text"))
            // A JSON array of links; files live elsewhere.
            .col(text_null("attachments"))
            .index(&["class_unit_id", "due_on"])
            .index(&["class_unit_id", "given_on"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("marks")
            .school()
            .external_id()
            .reference("student_id", "students", false, OnDelete::Restrict)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .reference("lesson_id", "lessons", true, OnDelete::SetNull)
            .reference(
                "study_period_id",
                "study_periods",
                false,
                OnDelete::Restrict,
            )
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            .reference("control_form_id", "control_forms", true, OnDelete::SetNull)
            .col(date("date"))
            .col(small_integer("value"))
            .check("value", between("value", 1, 5))
            .col(small_integer("weight").default(1))
            .check("weight", between("weight", 1, 10))
            .col(boolean("is_exam").default(false))
            .col(text_null("comment"))
            // Marks are never physically deleted: their history must stay visible.
            .col(timestamp_with_time_zone_null("deleted_at"))
            .index(&["student_id", "date"])
            .index(&["student_id", "subject_id", "study_period_id"])
            .index(&["subject_id", "study_period_id"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("mark_revisions")
            .school()
            .reference("mark_id", "marks", false, OnDelete::Cascade)
            .reference("account_id", "accounts", true, OnDelete::SetNull)
            .enumeration("action", &["created", "updated", "deleted"], false)
            .col(small_integer_null("old_value"))
            .col(small_integer_null("new_value"))
            .col(small_integer_null("old_weight"))
            .col(small_integer_null("new_weight"))
            .col(timestamp_with_time_zone("changed_at"))
            .create(manager)
            .await?;

        TableDef::new("attendance_records")
            .school()
            .reference("lesson_id", "lessons", false, OnDelete::Cascade)
            .reference("student_id", "students", false, OnDelete::Restrict)
            .reference("staff_member_id", "staff_members", true, OnDelete::SetNull)
            .col(date("date"))
            .enumeration("status", &["absent", "excused", "late"], false)
            .col(small_integer_null("minutes_late"))
            .check(
                "minutes_late",
                Expr::col("minutes_late").is_null().or(Expr::col("status")
                    .eq("late")
                    .and(between("minutes_late", 1, 90))),
            )
            .unique(&["lesson_id", "student_id"])
            .index(&["student_id", "date"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("remarks")
            .school()
            .reference("student_id", "students", false, OnDelete::Restrict)
            .reference("lesson_id", "lessons", true, OnDelete::SetNull)
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            .col(date("date"))
            .enumeration("kind", &["remark", "praise"], false)
            .col(text("text"))
            .index(&["student_id", "date"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("final_marks")
            .school()
            .reference("student_id", "students", false, OnDelete::Restrict)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .reference(
                "study_period_id",
                "study_periods",
                false,
                OnDelete::Restrict,
            )
            .reference("staff_member_id", "staff_members", true, OnDelete::SetNull)
            .enumeration(
                "value",
                &[
                    "1",
                    "2",
                    "3",
                    "4",
                    "5",
                    "pass",
                    "fail",
                    "not_attested",
                    "exempt",
                ],
                false,
            )
            .unique(&["student_id", "subject_id", "study_period_id"])
            .index(&["subject_id", "study_period_id"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("external_assessments")
            .school()
            .external_id()
            .reference("student_id", "students", false, OnDelete::Restrict)
            .reference("subject_id", "subjects", true, OnDelete::SetNull)
            .col(string_len("title", 300))
            .col(string_len("source", 100))
            .col(date("held_on"))
            .col(integer("score"))
            .col(integer("max_score"))
            .check(
                "score",
                Expr::col("score")
                    .gte(0)
                    .and(Expr::col("max_score").gt(0))
                    .and(Expr::col("score").lte(Expr::col("max_score"))),
            )
            .col(string_len_null("level", 64))
            .index(&["student_id", "held_on"])
            .timestamps()
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "external_assessments",
                "final_marks",
                "remarks",
                "attendance_records",
                "mark_revisions",
                "marks",
                "homework",
                "lessons",
            ],
        )
        .await
    }
}

//! School structure: years and study periods, subjects, staff, classes, students, who teaches
//! what, the bell schedule, the weekly timetable and the catalogue of control forms.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, between, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("academic_years")
            .school()
            .external_id()
            .col(string_len("name", 32))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .check("dates", Expr::col("ends_on").gt(Expr::col("starts_on")))
            .unique(&["school_id", "starts_on"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("study_periods")
            .school()
            .reference(
                "academic_year_id",
                "academic_years",
                false,
                OnDelete::Cascade,
            )
            .enumeration(
                "kind",
                &["quarter", "trimester", "half_year", "year"],
                false,
            )
            .col(small_integer("number"))
            .col(string_len("name", 64))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .check("dates", Expr::col("ends_on").gte(Expr::col("starts_on")))
            .unique(&["academic_year_id", "kind", "number"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("subjects")
            .school()
            .external_id()
            .col(string_len("name", 200))
            .col(string_len("short_name", 32))
            .col(integer("sort_order").default(0))
            .unique(&["school_id", "name"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("staff_members")
            .school()
            .external_id()
            .reference("account_id", "accounts", true, OnDelete::SetNull)
            .unique(&["school_id", "account_id"])
            .col(string_len("last_name", 100))
            .col(string_len("first_name", 100))
            .col(string_len_null("middle_name", 100))
            .enumeration(
                "position",
                &[
                    "director",
                    "deputy_director",
                    "teacher",
                    "administrator",
                    "other",
                ],
                false,
            )
            .col(boolean("active").default(true))
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("class_units")
            .school()
            .external_id()
            .reference(
                "academic_year_id",
                "academic_years",
                false,
                OnDelete::Restrict,
            )
            .col(small_integer("grade"))
            .check("grade", between("grade", 1, 11))
            .col(string_len("letter", 4))
            .col(string_len("name", 16))
            .reference("class_teacher_id", "staff_members", true, OnDelete::SetNull)
            .unique(&["academic_year_id", "grade", "letter"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("students")
            .school()
            .external_id()
            .reference("class_unit_id", "class_units", false, OnDelete::Restrict)
            // The student's own sign-in, once a student access code has been redeemed.
            .reference("account_id", "accounts", true, OnDelete::SetNull)
            .unique(&["account_id"])
            .col(string_len("last_name", 100))
            .col(string_len("first_name", 100))
            .col(string_len_null("middle_name", 100))
            .col(date("birth_date"))
            .col(date("enrolled_on"))
            .col(date_null("left_on"))
            .index(&["school_id", "last_name"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("teaching_assignments")
            .school()
            .external_id()
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            .reference("class_unit_id", "class_units", false, OnDelete::Cascade)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .col(small_integer("hours_per_week").default(1))
            .unique_named(
                "uq_teaching_assignments_class_subject_staff",
                &["class_unit_id", "subject_id", "staff_member_id"],
            )
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("bell_schedules")
            .school()
            .col(string_len("name", 100))
            .col(boolean("is_default").default(false))
            .unique(&["school_id", "name"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("bell_schedule_slots")
            .school()
            .reference(
                "bell_schedule_id",
                "bell_schedules",
                false,
                OnDelete::Cascade,
            )
            .col(small_integer("lesson_number"))
            .check("lesson_number", between("lesson_number", 0, 12))
            .col(time("starts_at"))
            .col(time("ends_at"))
            .check("times", Expr::col("ends_at").gt(Expr::col("starts_at")))
            .unique(&["bell_schedule_id", "lesson_number"])
            .create(manager)
            .await?;

        TableDef::new("timetable_entries")
            .school()
            .reference("class_unit_id", "class_units", false, OnDelete::Cascade)
            .reference("subject_id", "subjects", false, OnDelete::Restrict)
            .reference(
                "staff_member_id",
                "staff_members",
                false,
                OnDelete::Restrict,
            )
            .col(small_integer("weekday"))
            .check("weekday", between("weekday", 1, 7))
            .col(small_integer("lesson_number"))
            .check("lesson_number", between("lesson_number", 0, 12))
            .col(string_len_null("room", 32))
            // A class split into groups (languages, technology) has two entries in one slot.
            .col(string_len_null("group_name", 32))
            .col(date("valid_from"))
            .col(date("valid_to"))
            .check("dates", Expr::col("valid_to").gte(Expr::col("valid_from")))
            .unique_named(
                "uq_timetable_entries_class_slot_staff_from",
                &[
                    "class_unit_id",
                    "weekday",
                    "lesson_number",
                    "staff_member_id",
                    "valid_from",
                ],
            )
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("control_forms")
            .school()
            .col(string_len("name", 100))
            .col(string_len("short_name", 16))
            .col(small_integer("default_weight").default(1))
            .check("default_weight", between("default_weight", 1, 10))
            .col(integer("sort_order").default(0))
            .col(boolean("active").default(true))
            .unique(&["school_id", "name"])
            .timestamps()
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "control_forms",
                "timetable_entries",
                "bell_schedule_slots",
                "bell_schedules",
                "teaching_assignments",
                "students",
                "class_units",
                "staff_members",
                "subjects",
                "study_periods",
                "academic_years",
            ],
        )
        .await
    }
}

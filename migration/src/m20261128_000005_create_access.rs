//! Access: local passwords, external identities, sessions, administrative role grants, the
//! refusal-reason catalogue, access applications, sealed access codes and guardianships.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::dsl::{OnDelete, TableDef, drop_all};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        TableDef::new("password_credentials")
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            .unique(&["account_id"])
            .col(string_len("password_hash", 200))
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("external_identities")
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            .col(string_len("provider", 32))
            .col(string_len("issuer", 300))
            .col(string_len("subject", 255))
            .col(boolean("trusted").default(false))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("last_used_at"))
            // An identity is (issuer, subject); accounts are never merged on e-mail or phone.
            .unique(&["issuer", "subject"])
            .create(manager)
            .await?;

        TableDef::new("sessions")
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            // SHA-256 of the opaque token, hex: the token itself is never stored.
            .col(string_len("token_hash", 64))
            .unique(&["token_hash"])
            .enumeration("kind", &["web", "api", "admin"], false)
            .col(string_len_null("user_agent", 300))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("last_seen_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .index(&["expires_at"])
            .create(manager)
            .await?;

        TableDef::new("role_grants")
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            .enumeration(
                "role",
                &[
                    "school_admin",
                    "director",
                    "deputy_director",
                    "department_admin",
                ],
                false,
            )
            .reference("school_id", "schools", true, OnDelete::Cascade)
            .check(
                "scope",
                Expr::col("role")
                    .eq("department_admin")
                    .and(Expr::col("school_id").is_null())
                    .or(Expr::col("role")
                        .ne("department_admin")
                        .and(Expr::col("school_id").is_not_null())),
            )
            .reference("granted_by_account_id", "accounts", true, OnDelete::SetNull)
            .unique(&["account_id", "role", "school_id"])
            .col(timestamp_with_time_zone("created_at"))
            .create(manager)
            .await?;

        TableDef::new("refusal_reasons")
            .col(string_len("code", 64))
            .unique(&["code"])
            .col(string_len("title_ru", 300))
            .col(string_len("title_en", 300))
            .col(boolean("requires_comment").default(false))
            .col(boolean("active").default(true))
            .col(integer("sort_order").default(0))
            .timestamps()
            .create(manager)
            .await?;

        TableDef::new("access_applications")
            .school()
            .reference("student_id", "students", true, OnDelete::SetNull)
            .enumeration("access_kind", &["guardian", "student"], false)
            .enumeration(
                "status",
                &["received", "in_review", "approved", "refused", "withdrawn"],
                false,
            )
            .col(string_len("applicant_last_name", 100))
            .col(string_len("applicant_first_name", 100))
            .col(string_len_null("applicant_middle_name", 100))
            .col(string_len_null("applicant_phone", 32))
            .col(string_len_null("applicant_email", 200))
            .enumeration(
                "applicant_relation",
                &["mother", "father", "guardian", "self"],
                false,
            )
            // Type and a masked number only: the full number is not needed for the decision.
            .enumeration(
                "identity_document_type",
                &[
                    "passport_rf",
                    "foreign_passport",
                    "birth_certificate",
                    "other",
                ],
                false,
            )
            .col(string_len("identity_document_number_masked", 32))
            .col(string_len("child_last_name", 100))
            .col(string_len("child_first_name", 100))
            .col(string_len_null("child_middle_name", 100))
            .col(date("child_birth_date"))
            .col(string_len("child_class_name", 16))
            .col(boolean("has_application_form").default(false))
            .col(boolean("has_birth_certificate").default(false))
            .col(boolean("has_guardianship_document").default(false))
            .col(boolean("has_identity_document").default(false))
            .col(date("received_on"))
            .col(date("due_on"))
            .check("dates", Expr::col("due_on").gte(Expr::col("received_on")))
            .col(timestamp_with_time_zone_null("decided_at"))
            .reference("decided_by_account_id", "accounts", true, OnDelete::SetNull)
            .col(text_null("decision_comment"))
            .reference(
                "registered_by_account_id",
                "accounts",
                true,
                OnDelete::SetNull,
            )
            .index(&["school_id", "status", "due_on"])
            .timestamps()
            .create(manager)
            .await?;

        TableDef::with_composite_key(
            "access_application_refusals",
            &["access_application_id", "refusal_reason_id"],
        )
        .school()
        .reference(
            "access_application_id",
            "access_applications",
            false,
            OnDelete::Cascade,
        )
        .reference(
            "refusal_reason_id",
            "refusal_reasons",
            false,
            OnDelete::Restrict,
        )
        .create(manager)
        .await?;

        TableDef::new("access_codes")
            .school()
            .reference("student_id", "students", false, OnDelete::Cascade)
            .reference(
                "access_application_id",
                "access_applications",
                true,
                OnDelete::SetNull,
            )
            .enumeration("kind", &["guardian", "student"], false)
            // The public half of the code, used to find the row; the secret half is only hashed.
            .col(string_len("selector", 16))
            .unique(&["selector"])
            .col(string_len("verifier_hash", 200))
            .enumeration(
                "status",
                &["issued", "printed", "handed_over", "redeemed", "revoked"],
                false,
            )
            .col(integer("failed_attempts").default(0))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone("issued_at"))
            .reference("issued_by_account_id", "accounts", true, OnDelete::SetNull)
            .col(timestamp_with_time_zone_null("printed_at"))
            .col(timestamp_with_time_zone_null("handed_over_at"))
            .reference(
                "handed_over_by_account_id",
                "accounts",
                true,
                OnDelete::SetNull,
            )
            .col(timestamp_with_time_zone_null("redeemed_at"))
            .reference(
                "redeemed_by_account_id",
                "accounts",
                true,
                OnDelete::SetNull,
            )
            .col(timestamp_with_time_zone_null("revoked_at"))
            .reference("revoked_by_account_id", "accounts", true, OnDelete::SetNull)
            .create(manager)
            .await?;

        TableDef::new("guardianships")
            .school()
            .reference("account_id", "accounts", false, OnDelete::Cascade)
            .reference("student_id", "students", false, OnDelete::Cascade)
            // The parent's own name for this child's diary ("Маша", "старший").
            .col(string_len("label", 64))
            .reference("access_code_id", "access_codes", true, OnDelete::SetNull)
            .unique(&["account_id", "student_id"])
            .col(timestamp_with_time_zone("created_at"))
            .create(manager)
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "guardianships",
                "access_codes",
                "access_application_refusals",
                "access_applications",
                "refusal_reasons",
                "role_grants",
                "sessions",
                "external_identities",
                "password_credentials",
            ],
        )
        .await
    }
}

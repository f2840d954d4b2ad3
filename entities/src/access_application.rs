//! An application for diary access (заявление на доступ) by a parent, guardian or the student,
//! registered by school staff and decided within a deadline. Only what the decision needs is kept:
//! the identity document is recorded by type and masked number.

use sea_orm::entity::prelude::*;

use crate::enums::{AccessKind, ApplicantRelation, ApplicationStatus, IdentityDocumentType};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// The student the application was matched to; `None` until matched.
    pub student_id: Option<i64>,
    /// Which access is asked for: a guardian's or the student's own.
    pub access_kind: AccessKind,
    pub status: ApplicationStatus,
    pub applicant_last_name: String,
    pub applicant_first_name: String,
    pub applicant_middle_name: Option<String>,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    /// Who the applicant is to the child.
    pub applicant_relation: ApplicantRelation,
    /// The type of the identity document shown by the applicant.
    pub identity_document_type: IdentityDocumentType,
    /// The document number with all but a few characters masked; the full number is not
    /// needed for the decision and is not stored.
    pub identity_document_number_masked: String,
    /// The child as named in the application (before matching to a student).
    pub child_last_name: String,
    pub child_first_name: String,
    pub child_middle_name: Option<String>,
    pub child_birth_date: Date,
    /// The class as written by the applicant ("5А").
    pub child_class_name: String,
    /// Whether the signed application form was provided.
    pub has_application_form: bool,
    /// Whether the child's birth certificate was shown.
    pub has_birth_certificate: bool,
    /// Whether a document proving guardianship was shown (needed for guardians who are
    /// not parents).
    pub has_guardianship_document: bool,
    /// Whether the applicant's identity document was shown.
    pub has_identity_document: bool,
    /// The day the application was received.
    pub received_on: Date,
    /// The deadline for the decision; not before `received_on`.
    pub due_on: Date,
    /// When the application was approved or refused; `None` while undecided.
    pub decided_at: Option<DateTimeUtc>,
    /// Who decided it.
    pub decided_by_account_id: Option<i64>,
    /// Explanation of the decision, shown to the applicant.
    #[sea_orm(column_type = "Text")]
    pub decision_comment: Option<String>,
    /// Who registered the application.
    pub registered_by_account_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::school::Entity",
        from = "Column::SchoolId",
        to = "super::school::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    School,
    #[sea_orm(
        belongs_to = "super::student::Entity",
        from = "Column::StudentId",
        to = "super::student::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Student,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::DecidedByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    DecidedBy,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::RegisteredByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    RegisteredBy,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

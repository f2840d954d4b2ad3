//! A sealed one-time access code (код доступа) that links a guardian or the student to a student's
//! diary. It is found by its public selector; the secret verifier is kept only as a hash. The row
//! records the code's life: issued, printed, handed over, redeemed or revoked.

use sea_orm::entity::prelude::*;

use crate::enums::{AccessCodeStatus, AccessKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// The student whose diary the code opens.
    pub student_id: i64,
    /// The application the code was issued on, if any.
    pub access_application_id: Option<i64>,
    /// Whether the code makes a guardian or gives the student their own sign-in.
    pub kind: AccessKind,
    /// The public half of the code, used to find the row; unique.
    #[sea_orm(unique)]
    pub selector: String,
    /// Hash of the secret half of the code; the secret itself is never stored.
    pub verifier_hash: String,
    pub status: AccessCodeStatus,
    /// Wrong verifiers entered for this selector, counted to stop guessing.
    pub failed_attempts: i32,
    /// After this instant the code can no longer be redeemed.
    pub expires_at: DateTimeUtc,
    pub issued_at: DateTimeUtc,
    /// Who issued the code.
    pub issued_by_account_id: Option<i64>,
    /// When the sealed slip was printed; `None` if not yet.
    pub printed_at: Option<DateTimeUtc>,
    /// When the slip was handed to the recipient; `None` if not yet.
    pub handed_over_at: Option<DateTimeUtc>,
    /// Who handed the slip over.
    pub handed_over_by_account_id: Option<i64>,
    /// When the code was redeemed; `None` if not yet.
    pub redeemed_at: Option<DateTimeUtc>,
    /// The account that redeemed the code.
    pub redeemed_by_account_id: Option<i64>,
    /// When the code was revoked; `None` unless revoked.
    pub revoked_at: Option<DateTimeUtc>,
    /// Who revoked the code.
    pub revoked_by_account_id: Option<i64>,
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
        on_delete = "Cascade"
    )]
    Student,
    #[sea_orm(
        belongs_to = "super::access_application::Entity",
        from = "Column::AccessApplicationId",
        to = "super::access_application::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    AccessApplication,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::IssuedByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    IssuedBy,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::HandedOverByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    HandedOverBy,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::RedeemedByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    RedeemedBy,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::RevokedByAccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    RevokedBy,
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

impl Related<super::access_application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AccessApplication.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

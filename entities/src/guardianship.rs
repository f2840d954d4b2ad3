//! A guardian account's access to a student's diary (родитель / законный представитель), usually
//! created by redeeming a guardian access code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guardianships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// The guardian's account.
    pub account_id: i64,
    pub student_id: i64,
    /// The parent's own name for this child's diary ("Маша", "старший").
    pub label: String,
    /// The access code that created the link, if any.
    pub access_code_id: Option<i64>,
    pub created_at: DateTimeUtc,
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
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Account,
    #[sea_orm(
        belongs_to = "super::student::Entity",
        from = "Column::StudentId",
        to = "super::student::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Student,
    #[sea_orm(
        belongs_to = "super::access_code::Entity",
        from = "Column::AccessCodeId",
        to = "super::access_code::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    AccessCode,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl Related<super::access_code::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AccessCode.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

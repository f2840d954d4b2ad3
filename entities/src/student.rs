//! A student of a school, enrolled in one class; the person whose diary the marks, attendance and
//! remarks make up.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "students")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Identifier in the school's source system, the key imports match on; unique within the
    /// school.
    pub external_id: Option<String>,
    /// The class the student currently belongs to.
    pub class_unit_id: i64,
    /// The student's own sign-in, once a student access code has been redeemed.
    #[sea_orm(unique)]
    pub account_id: Option<i64>,
    pub last_name: String,
    pub first_name: String,
    /// Patronymic (отчество), when the student has one.
    pub middle_name: Option<String>,
    pub birth_date: Date,
    /// The day the student joined the school.
    pub enrolled_on: Date,
    /// The day the student left the school; `None` while still enrolled.
    pub left_on: Option<Date>,
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
        belongs_to = "super::class_unit::Entity",
        from = "Column::ClassUnitId",
        to = "super::class_unit::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    ClassUnit,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Account,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::class_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ClassUnit.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

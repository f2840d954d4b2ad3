//! Homework (домашнее задание) given to a class in a subject, with the day it is due.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "homework")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub class_unit_id: i64,
    pub subject_id: i64,
    /// The teacher who set it.
    pub staff_member_id: i64,
    /// The lesson it was given at, when known.
    pub lesson_id: Option<i64>,
    /// The lesson it is due for, when known.
    pub due_lesson_id: Option<i64>,
    pub given_on: Date,
    /// The day it is due; not before `given_on`.
    pub due_on: Date,
    /// The assignment itself.
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// A JSON array of links; files live elsewhere.
    #[sea_orm(column_type = "Text")]
    pub attachments: Option<String>,
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
        belongs_to = "super::subject::Entity",
        from = "Column::SubjectId",
        to = "super::subject::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    Subject,
    #[sea_orm(
        belongs_to = "super::staff_member::Entity",
        from = "Column::StaffMemberId",
        to = "super::staff_member::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    StaffMember,
    #[sea_orm(
        belongs_to = "super::lesson::Entity",
        from = "Column::LessonId",
        to = "super::lesson::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Lesson,
    #[sea_orm(
        belongs_to = "super::lesson::Entity",
        from = "Column::DueLessonId",
        to = "super::lesson::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    DueLesson,
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

impl Related<super::subject::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subject.def()
    }
}

impl Related<super::staff_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffMember.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! A lesson held (or scheduled) on a date: the page of the class journal that marks, attendance
//! and homework refer to.

use sea_orm::entity::prelude::*;

use crate::enums::LessonStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lessons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Identifier in the school's source system, the key imports match on; unique within the
    /// school.
    pub external_id: Option<String>,
    pub class_unit_id: i64,
    pub subject_id: i64,
    /// The teacher the lesson is scheduled for.
    pub staff_member_id: i64,
    /// The teacher who actually gave the lesson as a replacement (замена), if any.
    pub replacement_staff_id: Option<i64>,
    /// The study period the lesson's date falls in.
    pub study_period_id: i64,
    pub date: Date,
    /// The lesson's ordinal in the day, 0 to 12.
    pub lesson_number: i16,
    /// Local start time, if recorded.
    pub starts_at: Option<Time>,
    /// Local end time, if recorded.
    pub ends_at: Option<Time>,
    pub room: Option<String>,
    /// The group of a split class the lesson is for; `None` for the whole class.
    pub group_name: Option<String>,
    /// The lesson's topic as written in the journal (тема урока).
    #[sea_orm(column_type = "Text")]
    pub topic: Option<String>,
    pub status: LessonStatus,
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
        belongs_to = "super::staff_member::Entity",
        from = "Column::ReplacementStaffId",
        to = "super::staff_member::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    ReplacementStaff,
    #[sea_orm(
        belongs_to = "super::study_period::Entity",
        from = "Column::StudyPeriodId",
        to = "super::study_period::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    StudyPeriod,
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

impl Related<super::study_period::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StudyPeriod.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

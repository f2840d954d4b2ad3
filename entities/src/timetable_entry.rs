//! One slot of a class's weekly timetable (расписание уроков), valid over a date range; lessons are
//! generated from it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timetable_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub class_unit_id: i64,
    pub subject_id: i64,
    pub staff_member_id: i64,
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    pub weekday: i16,
    /// The lesson's ordinal in the day, 0 to 12.
    pub lesson_number: i16,
    pub room: Option<String>,
    /// The group of a class split into groups (languages, technology): such a class has two
    /// entries in one slot. `None` for the whole class.
    pub group_name: Option<String>,
    /// First day the entry applies.
    pub valid_from: Date,
    /// Last day the entry applies, inclusive.
    pub valid_to: Date,
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
        on_delete = "Cascade"
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

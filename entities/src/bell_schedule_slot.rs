//! One lesson's times in a bell schedule: when lesson number N starts and ends.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bell_schedule_slots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub bell_schedule_id: i64,
    /// The lesson's ordinal in the day, 0 to 12 (0 is the "zero" lesson before the first).
    pub lesson_number: i16,
    /// Local time of the school.
    pub starts_at: Time,
    /// Local time of the school; after `starts_at`.
    pub ends_at: Time,
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
        belongs_to = "super::bell_schedule::Entity",
        from = "Column::BellScheduleId",
        to = "super::bell_schedule::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    BellSchedule,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::bell_schedule::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::BellSchedule.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

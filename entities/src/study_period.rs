//! A part of an academic year that is marked as a whole (quarter, trimester, half-year or the whole
//! year): marks and final marks are given per study period.

use sea_orm::entity::prelude::*;

use crate::enums::StudyPeriodKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "study_periods")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    pub academic_year_id: i64,
    pub kind: StudyPeriodKind,
    /// Ordinal of the period within its kind in the year (1 for the first quarter); unique per
    /// year and kind.
    pub number: i16,
    /// The display name ("1 четверть").
    pub name: String,
    pub starts_on: Date,
    /// Last day of the period, inclusive; not before `starts_on`.
    pub ends_on: Date,
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
        belongs_to = "super::academic_year::Entity",
        from = "Column::AcademicYearId",
        to = "super::academic_year::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    AcademicYear,
}

impl Related<super::school::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::School.def()
    }
}

impl Related<super::academic_year::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AcademicYear.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

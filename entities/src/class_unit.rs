//! A class ("5А") in one academic year: the group of students that lessons, homework and the
//! timetable are given to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "class_units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Identifier in the school's source system, the key imports match on; unique within the
    /// school.
    pub external_id: Option<String>,
    pub academic_year_id: i64,
    /// The grade (параллель), 1 to 11.
    pub grade: i16,
    /// The letter that tells classes of one grade apart ("А").
    pub letter: String,
    /// The display name, usually grade and letter ("5А").
    pub name: String,
    /// The class teacher (классный руководитель), if assigned.
    pub class_teacher_id: Option<i64>,
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
        on_delete = "Restrict"
    )]
    AcademicYear,
    #[sea_orm(
        belongs_to = "super::staff_member::Entity",
        from = "Column::ClassTeacherId",
        to = "super::staff_member::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    StaffMember,
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

impl Related<super::staff_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffMember.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

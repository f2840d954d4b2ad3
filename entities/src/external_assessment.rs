//! A result of an assessment held outside the school's lessons (ВПР, ОГЭ, olympiads, regional
//! tests), usually imported.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "external_assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Identifier in the school's source system, the key imports match on; unique within the
    /// school.
    pub external_id: Option<String>,
    pub student_id: i64,
    /// The subject assessed, when it maps to one of the school's subjects.
    pub subject_id: Option<i64>,
    /// The assessment's name ("ВПР по математике").
    pub title: String,
    /// Who held or reported it (the organiser or import source).
    pub source: String,
    pub held_on: Date,
    /// Points scored, from 0 to `max_score`.
    pub score: i32,
    /// The maximum possible points; positive.
    pub max_score: i32,
    /// A level or grade reported with the score ("базовый", "повышенный"), if any.
    pub level: Option<String>,
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
        on_delete = "Restrict"
    )]
    Student,
    #[sea_orm(
        belongs_to = "super::subject::Entity",
        from = "Column::SubjectId",
        to = "super::subject::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Subject,
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

impl Related<super::subject::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subject.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

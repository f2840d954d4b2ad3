//! A current mark (отметка) on the 1-5 scale given to a student in a subject. Marks are never
//! physically deleted, so their history in `mark_revisions` stays visible.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The school the row belongs to: every per-school query filters on it.
    pub school_id: i64,
    /// Identifier in the school's source system, the key imports match on; unique within the
    /// school.
    pub external_id: Option<String>,
    pub student_id: i64,
    pub subject_id: i64,
    /// The lesson the mark was given at; `None` for marks outside a lesson.
    pub lesson_id: Option<i64>,
    pub study_period_id: i64,
    /// The teacher who gave the mark.
    pub staff_member_id: i64,
    /// What the mark was given for ("Контрольная работа"), if recorded.
    pub control_form_id: Option<i64>,
    pub date: Date,
    /// The mark, 1 to 5.
    pub value: i16,
    /// Weight in the weighted average, 1 to 10.
    pub weight: i16,
    /// Whether the mark is an exam mark (экзамен), shown apart from ordinary marks.
    pub is_exam: bool,
    /// The teacher's comment on the mark.
    #[sea_orm(column_type = "Text")]
    pub comment: Option<String>,
    /// When the mark was withdrawn; `None` while it counts. Marks are soft-deleted so that
    /// their history stays visible.
    pub deleted_at: Option<DateTimeUtc>,
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
        on_delete = "Restrict"
    )]
    Subject,
    #[sea_orm(
        belongs_to = "super::lesson::Entity",
        from = "Column::LessonId",
        to = "super::lesson::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Lesson,
    #[sea_orm(
        belongs_to = "super::study_period::Entity",
        from = "Column::StudyPeriodId",
        to = "super::study_period::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    StudyPeriod,
    #[sea_orm(
        belongs_to = "super::staff_member::Entity",
        from = "Column::StaffMemberId",
        to = "super::staff_member::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    StaffMember,
    #[sea_orm(
        belongs_to = "super::control_form::Entity",
        from = "Column::ControlFormId",
        to = "super::control_form::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    ControlForm,
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

impl Related<super::lesson::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lesson.def()
    }
}

impl Related<super::study_period::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StudyPeriod.def()
    }
}

impl Related<super::staff_member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffMember.def()
    }
}

impl Related<super::control_form::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ControlForm.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! Reading a student's records outside the diary grid: attendance, homework lists, external
//! assessments, and the current academic year.

use chrono::NaiveDate;
use dnevnik_entities::{academic_year, attendance_record, external_assessment, homework, lesson};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};

use super::diary::Scoped;
use crate::error::{AppError, AppResult};

/// Absences and lateness in a range, oldest first, within the viewer's subjects.
pub async fn attendance(
    db: &impl ConnectionTrait,
    student: &Scoped,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<attendance_record::Model>> {
    Ok(attendance_record::Entity::find()
        .join(
            JoinType::InnerJoin,
            attendance_record::Relation::Lesson.def(),
        )
        .filter(attendance_record::Column::StudentId.eq(student.student.id))
        .filter(attendance_record::Column::Date.between(from, to))
        .filter(student.access.subject_condition(lesson::Column::SubjectId))
        .order_by_asc(attendance_record::Column::Date)
        .order_by_asc(attendance_record::Column::Id)
        .all(db)
        .await?)
}

/// Homework of the student's class due in a range, by due date.
pub async fn homework(
    db: &impl ConnectionTrait,
    student: &Scoped,
    from: NaiveDate,
    to: NaiveDate,
    subject_id: Option<i64>,
) -> AppResult<Vec<homework::Model>> {
    let mut query = homework::Entity::find()
        .filter(homework::Column::ClassUnitId.eq(student.student.class_unit_id))
        .filter(homework::Column::DueOn.between(from, to))
        .filter(
            student
                .access
                .subject_condition(homework::Column::SubjectId),
        );
    if let Some(subject) = subject_id {
        query = query.filter(homework::Column::SubjectId.eq(subject));
    }
    Ok(query
        .order_by_asc(homework::Column::DueOn)
        .order_by_asc(homework::Column::Id)
        .all(db)
        .await?)
}

/// External assessment results, newest first, within the viewer's subjects.
pub async fn external_assessments(
    db: &impl ConnectionTrait,
    student: &Scoped,
) -> AppResult<Vec<external_assessment::Model>> {
    let subjects = match &student.access {
        crate::policy::Access::Full => Condition::all(),
        access => access.subject_condition(external_assessment::Column::SubjectId),
    };
    Ok(external_assessment::Entity::find()
        .filter(external_assessment::Column::StudentId.eq(student.student.id))
        .filter(subjects)
        .order_by_desc(external_assessment::Column::HeldOn)
        .order_by_desc(external_assessment::Column::Id)
        .all(db)
        .await?)
}

/// The school's academic year containing today, or its latest.
pub async fn current_academic_year(
    db: &impl ConnectionTrait,
    school_id: i64,
) -> AppResult<Option<i64>> {
    let today = chrono::Local::now().date_naive();
    let years = academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .order_by_desc(academic_year::Column::StartsOn)
        .all(db)
        .await?;
    Ok(years
        .iter()
        .find(|y| y.starts_on <= today && today <= y.ends_on)
        .or_else(|| years.first())
        .map(|y| y.id))
}

/// `NOT_FOUND` unless the academic year belongs to the school.
pub async fn check_year_in_school(
    db: &impl ConnectionTrait,
    academic_year_id: i64,
    school_id: i64,
) -> AppResult<()> {
    academic_year::Entity::find_by_id(academic_year_id)
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

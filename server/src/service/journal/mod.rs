//! The teacher's journal: marks with their history, attendance, lesson topics and status,
//! replacements, homework, remarks and final marks. Only staff write here, each within what
//! the policy lets them; each write is one transaction with its audit event.
//!
//! Objects the writer may not see answer `NOT_FOUND`; objects they see but may not change
//! answer `FORBIDDEN`; bad input answers `BAD_USER_INPUT` naming the field, and writes nothing.
//!
//! This module holds what every write shares: who may be written about, on which day, by
//! whom. The writes themselves live in `marks`, `lessons` and `assignments` (homework).

use chrono::NaiveDate;
use dnevnik_entities::enums::{
    AttendanceStatus, FinalMarkValue, LessonStatus, MarkRevisionAction, RemarkKind, StudyPeriodKind,
};
use dnevnik_entities::{
    attendance_record, class_unit, control_form, final_mark, homework, lesson, mark, mark_revision,
    remark, staff_member, student, study_period, subject,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TryIntoModel,
};

use super::audit;
use super::notifications::{self, Notice};
use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::live::LiveEvent;
use crate::policy::{StudentRef, Viewer};

/// The longest comment on a mark.
const MAX_COMMENT: usize = 500;
/// The longest topic, remark or homework text.
const MAX_TEXT: usize = 5000;
/// At most this many links on a homework.
const MAX_ATTACHMENTS: usize = 10;

mod assignments;
mod lessons;
mod marks;
pub mod read;

pub use assignments::{
    HomeworkChange, NewHomework, change_homework, delete_homework, give_homework,
};
pub use lessons::{
    LessonChange, NewRemark, Presence, add_remark, change_lesson, set_attendance, set_replacement,
};
pub use marks::{
    MarkChange, NewMark, change_mark, delete_mark, history, record_mark, set_final_mark,
};

/// Trims an optional text; empty is none; longer than `limit` is refused.
fn optional_text(field: &str, value: Option<&str>, limit: usize) -> AppResult<Option<String>> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    if value.is_some_and(|v| v.chars().count() > limit) {
        return Err(AppError::bad_input(
            field,
            Reason::TooLong { max: limit as i64 },
        ));
    }
    Ok(value.map(str::to_owned))
}

/// A required text of 1 to `limit` characters.
fn required_text(field: &str, value: &str, limit: usize) -> AppResult<String> {
    optional_text(field, Some(value), limit)?
        .ok_or_else(|| AppError::bad_input(field, Reason::Empty))
}

/// A student the writer can see, or `NOT_FOUND`.
async fn visible_student(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<student::Model> {
    let student = student::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer
        .student_access(StudentRef::from(&student))
        .ok_or(AppError::NotFound)?;
    Ok(student)
}

/// A lesson the writer can see — a member of its class, its school's administration, or the
/// teacher replacing at it — or `NOT_FOUND`.
async fn visible_lesson(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<lesson::Model> {
    let lesson = lesson::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !viewer.member_of_class(lesson.class_unit_id, lesson.school_id)
        && !viewer.may_write_lesson(&lesson)
    {
        return Err(AppError::NotFound);
    }
    Ok(lesson)
}

/// A student named at a lesson, or `NOT_FOUND`: one the writer sees anyway, or — for whoever
/// may write at the lesson, a replacing teacher included — a student of the lesson's class.
async fn student_at_lesson(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    lesson: &lesson::Model,
    writes_there: bool,
) -> AppResult<student::Model> {
    let student = student::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let sees = viewer.student_access(StudentRef::from(&student)).is_some()
        || (writes_there && student.class_unit_id == lesson.class_unit_id);
    if !sees {
        return Err(AppError::NotFound);
    }
    Ok(student)
}

/// Refuses a student who was not in the lesson's class on its day.
fn in_lesson_class(student: &student::Model, lesson: &lesson::Model) -> AppResult<()> {
    if student.class_unit_id != lesson.class_unit_id || !enrolled(student, lesson.date) {
        return Err(AppError::bad_input("studentId", Reason::NotInLessonClass));
    }
    Ok(())
}

/// Whether the student was at the school on a day: enrolled by then, not yet left.
fn enrolled(student: &student::Model, date: NaiveDate) -> bool {
    student.enrolled_on <= date && student.left_on.is_none_or(|left| date < left)
}

/// Refuses a day on which the student was not at the school yet, or any more: a mark or a
/// remark without a lesson is still about a day of the student's school life.
fn enrolled_on(student: &student::Model, date: NaiveDate, field: &str) -> AppResult<()> {
    if !enrolled(student, date) {
        return Err(AppError::bad_input(field, Reason::NotEnrolledOnDay));
    }
    Ok(())
}

/// Refuses a lesson that has not happened (yet) for what can only be written after it.
async fn lesson_happened(writer: &Writer<'_>, lesson: &lesson::Model) -> AppResult<()> {
    if lesson.date > writer.today_at(lesson.school_id).await? {
        return Err(AppError::bad_input("lessonId", Reason::LessonNotHeldYet));
    }
    if lesson.status == LessonStatus::Cancelled {
        return Err(AppError::bad_input("lessonId", Reason::LessonCancelled));
    }
    Ok(())
}

/// The staff member a write is attributed to: the writer's post at the school, or for an
/// administrator without one, the lesson's teacher.
fn author(viewer: &Viewer, school_id: i64, lesson: Option<&lesson::Model>) -> AppResult<i64> {
    viewer
        .staff_at(school_id)
        .or(lesson.map(|l| l.staff_member_id))
        .ok_or(AppError::Forbidden)
}

/// The study period (the shortest one, not the year) of a class's academic year that holds a
/// day, or a field error when the day is outside the academic year.
async fn period_of(
    db: &impl ConnectionTrait,
    class_unit_id: i64,
    date: NaiveDate,
    field: &str,
) -> AppResult<study_period::Model> {
    let class = class_unit::Entity::find_by_id(class_unit_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    study_period::Entity::find()
        .filter(study_period::Column::AcademicYearId.eq(class.academic_year_id))
        .filter(study_period::Column::StartsOn.lte(date))
        .filter(study_period::Column::EndsOn.gte(date))
        .filter(study_period::Column::Kind.ne(StudyPeriodKind::Year))
        .order_by_desc(study_period::Column::StartsOn)
        .one(db)
        .await?
        .ok_or_else(|| AppError::bad_input(field, Reason::OutsideAcademicYear))
}

/// Whether an edit leaves a row as it was (then nothing is written, audited or told).
fn unchanged<A>(active: &A, before: &<A::Entity as EntityTrait>::Model) -> AppResult<bool>
where
    A: ActiveModelTrait + TryIntoModel<<A::Entity as EntityTrait>::Model> + Clone,
    <A::Entity as EntityTrait>::Model: PartialEq,
{
    Ok(active.clone().try_into_model()? == *before)
}

/// A subject of the school, or a field error.
async fn subject_of_school(
    db: &impl ConnectionTrait,
    school_id: i64,
    subject_id: i64,
) -> AppResult<()> {
    subject::Entity::find_by_id(subject_id)
        .one(db)
        .await?
        .filter(|s| s.school_id == school_id)
        .map(|_| ())
        .ok_or_else(|| AppError::bad_input("subjectId", Reason::NoSuchSubject))
}

//! The teacher's journal: marks with their history, attendance, lesson topics and status,
//! replacements, homework, remarks and final marks. Only staff write here, each within what
//! the policy lets them; each write is one transaction with its audit event.
//!
//! Objects the writer may not see answer `NOT_FOUND`; objects they see but may not change
//! answer `FORBIDDEN`; bad input answers `BAD_USER_INPUT` naming the field, and writes nothing.

use chrono::{NaiveDate, Utc};
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
use crate::error::{AppError, AppResult};
use crate::live::LiveEvent;
use crate::policy::{StudentRef, Viewer};

/// The longest comment on a mark.
const MAX_COMMENT: usize = 500;
/// The longest topic, remark or homework text.
const MAX_TEXT: usize = 5000;
/// At most this many links on a homework.
const MAX_ATTACHMENTS: usize = 10;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Trims an optional text; empty is none; longer than `limit` is refused.
fn optional_text(field: &str, value: Option<&str>, limit: usize) -> AppResult<Option<String>> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    if value.is_some_and(|v| v.chars().count() > limit) {
        return Err(AppError::bad_input(
            field,
            format!("At most {limit} characters."),
        ));
    }
    Ok(value.map(str::to_owned))
}

/// A required text of 1 to `limit` characters.
fn required_text(field: &str, value: &str, limit: usize) -> AppResult<String> {
    optional_text(field, Some(value), limit)?
        .ok_or_else(|| AppError::bad_input(field, "This cannot be empty."))
}

fn mark_value(value: i32) -> AppResult<i16> {
    i16::try_from(value)
        .ok()
        .filter(|v| (1..=5).contains(v))
        .ok_or_else(|| AppError::bad_input("value", "A mark is from 1 to 5."))
}

fn mark_weight(weight: i32) -> AppResult<i16> {
    i16::try_from(weight)
        .ok()
        .filter(|w| (1..=10).contains(w))
        .ok_or_else(|| AppError::bad_input("weight", "A weight is from 1 to 10."))
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
    let left = student.left_on.is_some_and(|d| d <= lesson.date);
    if student.class_unit_id != lesson.class_unit_id || left || student.enrolled_on > lesson.date {
        return Err(AppError::bad_input(
            "studentId",
            "The student is not in this lesson's class.",
        ));
    }
    Ok(())
}

/// Refuses a day on which the student was not at the school yet, or any more: a mark or a
/// remark without a lesson is still about a day of the student's school life.
fn enrolled_on(student: &student::Model, date: NaiveDate, field: &str) -> AppResult<()> {
    if date < student.enrolled_on || student.left_on.is_some_and(|left| left <= date) {
        return Err(AppError::bad_input(
            field,
            "The student was not enrolled on that day.",
        ));
    }
    Ok(())
}

/// Refuses a lesson that has not happened (yet) for what can only be written after it.
fn lesson_happened(lesson: &lesson::Model) -> AppResult<()> {
    if lesson.date > today() {
        return Err(AppError::bad_input(
            "lessonId",
            "The lesson has not taken place yet.",
        ));
    }
    if lesson.status == LessonStatus::Cancelled {
        return Err(AppError::bad_input("lessonId", "The lesson was cancelled."));
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
        .ok_or_else(|| AppError::bad_input(field, "The day is outside the class's academic year."))
}

/// A mark to record.
#[derive(Clone, Debug, Default)]
pub struct NewMark {
    /// The student.
    pub student_id: i64,
    /// The lesson it is given at; without one, `subject_id` and `date` are required.
    pub lesson_id: Option<i64>,
    /// The subject (taken from the lesson when there is one).
    pub subject_id: Option<i64>,
    /// The day (the lesson's day when there is one).
    pub date: Option<NaiveDate>,
    /// 1 to 5.
    pub value: i32,
    /// 1 to 10; defaults to the control form's weight, or 1.
    pub weight: Option<i32>,
    /// What it is for.
    pub control_form_id: Option<i64>,
    /// The teacher's comment.
    pub comment: Option<String>,
    /// An exam mark.
    pub is_exam: bool,
}

/// A change to a mark; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct MarkChange {
    /// The mark.
    pub mark_id: i64,
    /// A new value.
    pub value: Option<i32>,
    /// A new weight.
    pub weight: Option<i32>,
    /// A new control form (`Some(None)` clears it).
    pub control_form_id: Option<Option<i64>>,
    /// A new comment (`Some(None)` or empty clears it).
    pub comment: Option<Option<String>>,
    /// A new exam flag.
    pub is_exam: Option<bool>,
}

async fn control_form_of(
    db: &impl ConnectionTrait,
    school_id: i64,
    id: i64,
) -> AppResult<control_form::Model> {
    control_form::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|f| f.school_id == school_id && f.active)
        .ok_or_else(|| AppError::bad_input("controlFormId", "No such control form at this school."))
}

async fn revision(
    txn: &impl ConnectionTrait,
    writer: &Writer<'_>,
    before: Option<&mark::Model>,
    after: &mark::Model,
    action: MarkRevisionAction,
) -> AppResult<()> {
    let deleted = action == MarkRevisionAction::Deleted;
    mark_revision::ActiveModel {
        school_id: Set(after.school_id),
        mark_id: Set(after.id),
        account_id: Set(Some(writer.viewer.account_id)),
        action: Set(action),
        old_value: Set(before.map(|m| m.value)),
        new_value: Set((!deleted).then_some(after.value)),
        old_weight: Set(before.map(|m| m.weight)),
        new_weight: Set((!deleted).then_some(after.weight)),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
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
        .ok_or_else(|| AppError::bad_input("subjectId", "No such subject at this school."))
}

fn mark_event(mark: &mark::Model) -> LiveEvent {
    LiveEvent::Mark {
        school_id: mark.school_id,
        student_id: mark.student_id,
        mark_id: mark.id,
    }
}

/// Records a mark.
pub async fn record_mark(writer: &Writer<'_>, input: NewMark) -> AppResult<mark::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let lesson = match input.lesson_id {
        Some(id) => Some(visible_lesson(&txn, viewer, id).await?),
        None => None,
    };
    let student = match &lesson {
        Some(lesson) => {
            let allowed = viewer.may_write_lesson(lesson);
            student_at_lesson(&txn, viewer, input.student_id, lesson, allowed).await?
        }
        None => visible_student(&txn, viewer, input.student_id).await?,
    };
    let (subject_id, date, period_id) = match &lesson {
        Some(lesson) => {
            if !viewer.may_write_lesson(lesson) {
                return Err(AppError::Forbidden);
            }
            if input.subject_id.is_some_and(|s| s != lesson.subject_id) {
                return Err(AppError::bad_input(
                    "subjectId",
                    "The subject is not the lesson's subject.",
                ));
            }
            in_lesson_class(&student, lesson)?;
            lesson_happened(lesson)?;
            (lesson.subject_id, lesson.date, lesson.study_period_id)
        }
        None => {
            let subject_id = input.subject_id.ok_or_else(|| {
                AppError::bad_input("subjectId", "Give the lesson, or the subject and the day.")
            })?;
            subject_of_school(&txn, student.school_id, subject_id).await?;
            if !viewer.may_grade(student.school_id, student.class_unit_id, subject_id) {
                return Err(AppError::Forbidden);
            }
            let date = input.date.ok_or_else(|| {
                AppError::bad_input("date", "Give the lesson, or the subject and the day.")
            })?;
            if date > today() {
                return Err(AppError::bad_input(
                    "date",
                    "A mark cannot be given in advance.",
                ));
            }
            enrolled_on(&student, date, "date")?;
            let period = period_of(&txn, student.class_unit_id, date, "date").await?;
            (subject_id, date, period.id)
        }
    };
    let value = mark_value(input.value)?;
    let form = match input.control_form_id {
        Some(id) => Some(control_form_of(&txn, student.school_id, id).await?),
        None => None,
    };
    let weight = match input.weight {
        Some(w) => mark_weight(w)?,
        None => form.as_ref().map_or(1, |f| f.default_weight),
    };
    let comment = optional_text("comment", input.comment.as_deref(), MAX_COMMENT)?;
    let staff = author(viewer, student.school_id, lesson.as_ref())?;
    let now = Utc::now();
    let row = mark::ActiveModel {
        school_id: Set(student.school_id),
        student_id: Set(student.id),
        subject_id: Set(subject_id),
        lesson_id: Set(lesson.as_ref().map(|l| l.id)),
        study_period_id: Set(period_id),
        staff_member_id: Set(staff),
        control_form_id: Set(form.as_ref().map(|f| f.id)),
        date: Set(date),
        value: Set(value),
        weight: Set(weight),
        is_exam: Set(input.is_exam),
        comment: Set(comment),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    revision(&txn, writer, None, &row, MarkRevisionAction::Created).await?;
    audit::record(
        &txn,
        writer
            .audit("mark.recorded", row.school_id, "mark", row.id)
            .details(serde_json::json!({
                "student_id": row.student_id,
                "subject_id": row.subject_id,
                "lesson_id": row.lesson_id,
            })),
    )
    .await?;
    notifications::notify_family(&txn, &student, Notice::mark_recorded(&row)).await?;
    writer.commit(txn, vec![mark_event(&row)]).await?;
    Ok(row)
}

/// A mark the writer may change: visible, and theirs to grade.
async fn writable_mark(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<mark::Model> {
    // Locked until the write commits (PostgreSQL; SQLite writes one at a time anyway): two
    // changes at once would otherwise both record "3 → …" in the history the family reads.
    let row = mark::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .filter(|m| m.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    let student = student::Entity::find_by_id(row.student_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let lesson = match row.lesson_id {
        Some(id) => lesson::Entity::find_by_id(id).one(txn).await?,
        None => None,
    };
    // A replacing teacher sees the marks of the lesson they gave, even in a class they do not
    // teach otherwise.
    let writes_lesson = lesson.as_ref().is_some_and(|l| viewer.may_write_lesson(l));
    let sees = writes_lesson
        || viewer
            .student_access(StudentRef::from(&student))
            .is_some_and(|access| access.covers_subject(row.subject_id));
    if !sees {
        return Err(AppError::NotFound);
    }
    let allowed = match &lesson {
        Some(_) => writes_lesson,
        None => viewer.may_grade(row.school_id, student.class_unit_id, row.subject_id),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Changes a mark; the history keeps the old value and weight.
pub async fn change_mark(writer: &Writer<'_>, change: MarkChange) -> AppResult<mark::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_mark(&txn, writer.viewer, change.mark_id).await?;
    let mut active: mark::ActiveModel = before.clone().into();
    if let Some(value) = change.value {
        active.value = Set(mark_value(value)?);
    }
    if let Some(weight) = change.weight {
        active.weight = Set(mark_weight(weight)?);
    }
    if let Some(form) = change.control_form_id {
        let form = match form {
            Some(id) => Some(control_form_of(&txn, before.school_id, id).await?.id),
            None => None,
        };
        active.control_form_id = Set(form);
    }
    if let Some(comment) = &change.comment {
        active.comment = Set(optional_text("comment", comment.as_deref(), MAX_COMMENT)?);
    }
    if let Some(exam) = change.is_exam {
        active.is_exam = Set(exam);
    }
    if unchanged(&active, &before)? {
        return Ok(before);
    }
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    revision(
        &txn,
        writer,
        Some(&before),
        &after,
        MarkRevisionAction::Updated,
    )
    .await?;
    audit::record(
        &txn,
        writer
            .audit("mark.changed", after.school_id, "mark", after.id)
            .details(serde_json::json!({
                "student_id": after.student_id,
                "subject_id": after.subject_id,
            })),
    )
    .await?;
    let student = student::Entity::find_by_id(after.student_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.value != after.value {
        notifications::notify_family(&txn, &student, Notice::mark_changed(&before, &after)).await?;
    }
    writer.commit(txn, vec![mark_event(&after)]).await?;
    Ok(after)
}

/// Withdraws a mark. It stops counting and leaves the diary; its history stays.
pub async fn delete_mark(writer: &Writer<'_>, mark_id: i64) -> AppResult<mark::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_mark(&txn, writer.viewer, mark_id).await?;
    let mut active: mark::ActiveModel = before.clone().into();
    let now = Utc::now();
    active.deleted_at = Set(Some(now));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    revision(
        &txn,
        writer,
        Some(&before),
        &after,
        MarkRevisionAction::Deleted,
    )
    .await?;
    audit::record(
        &txn,
        writer
            .audit("mark.deleted", after.school_id, "mark", after.id)
            .details(serde_json::json!({
                "student_id": after.student_id,
                "subject_id": after.subject_id,
            })),
    )
    .await?;
    let student = student::Entity::find_by_id(after.student_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    notifications::notify_family(&txn, &student, Notice::mark_deleted(&before)).await?;
    writer.commit(txn, vec![mark_event(&after)]).await?;
    Ok(after)
}

/// The history of a mark, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    mark_ids: &[i64],
) -> AppResult<Vec<mark_revision::Model>> {
    Ok(mark_revision::Entity::find()
        .filter(mark_revision::Column::MarkId.is_in(mark_ids.iter().copied()))
        .order_by_asc(mark_revision::Column::ChangedAt)
        .order_by_asc(mark_revision::Column::Id)
        .all(db)
        .await?)
}

/// A student's attendance at a lesson: absent, excused, late (with minutes), or present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Was there: clears any record.
    Present,
    /// Absent without a valid reason.
    Absent,
    /// Absent for a valid reason.
    Excused,
    /// Late by so many minutes.
    Late(i32),
}

/// Sets a student's attendance at a lesson; `Present` removes the record. Returns the record
/// left, if any.
pub async fn set_attendance(
    writer: &Writer<'_>,
    lesson_id: i64,
    student_id: i64,
    presence: Presence,
) -> AppResult<Option<attendance_record::Model>> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let lesson = visible_lesson(&txn, viewer, lesson_id).await?;
    let allowed = viewer.may_take_attendance(&lesson);
    let student = student_at_lesson(&txn, viewer, student_id, &lesson, allowed).await?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    in_lesson_class(&student, &lesson)?;
    lesson_happened(&lesson)?;
    let (status, minutes) = match presence {
        Presence::Present => (None, None),
        Presence::Absent => (Some(AttendanceStatus::Absent), None),
        Presence::Excused => (Some(AttendanceStatus::Excused), None),
        Presence::Late(minutes) => {
            let minutes = i16::try_from(minutes)
                .ok()
                .filter(|m| (1..=90).contains(m))
                .ok_or_else(|| {
                    AppError::bad_input("minutesLate", "Lateness is from 1 to 90 minutes.")
                })?;
            (Some(AttendanceStatus::Late), Some(minutes))
        }
    };
    let existing = attendance_record::Entity::find()
        .filter(attendance_record::Column::LessonId.eq(lesson.id))
        .filter(attendance_record::Column::StudentId.eq(student.id))
        .lock_exclusive()
        .one(&txn)
        .await?;
    let now = Utc::now();
    let staff = viewer.staff_at(lesson.school_id);
    let result = match (existing, status) {
        (None, None) => None,
        (Some(old), None) => {
            attendance_record::Entity::delete_by_id(old.id)
                .exec(&txn)
                .await?;
            None
        }
        (Some(old), Some(status)) => {
            let mut active: attendance_record::ActiveModel = old.into();
            active.status = Set(status);
            active.minutes_late = Set(minutes);
            active.staff_member_id = Set(staff);
            active.updated_at = Set(now);
            Some(active.update(&txn).await?)
        }
        (None, Some(status)) => Some(
            attendance_record::ActiveModel {
                school_id: Set(lesson.school_id),
                lesson_id: Set(lesson.id),
                student_id: Set(student.id),
                staff_member_id: Set(staff),
                date: Set(lesson.date),
                status: Set(status),
                minutes_late: Set(minutes),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        ),
    };
    audit::record(
        &txn,
        writer
            .audit("attendance.set", lesson.school_id, "lesson", lesson.id)
            .details(serde_json::json!({
                "student_id": student.id,
                "status": status.map(|s| s.as_str()),
            })),
    )
    .await?;
    if let Some(record) = &result {
        notifications::notify_family(&txn, &student, Notice::attendance(record, &lesson)).await?;
    }
    writer.commit(txn, Vec::new()).await?;
    Ok(result)
}

/// What a teacher writes about a lesson.
#[derive(Clone, Debug, Default)]
pub struct LessonChange {
    /// The lesson.
    pub lesson_id: i64,
    /// The topic (`Some(None)` or empty clears it).
    pub topic: Option<Option<String>>,
    /// Held, cancelled, or back to scheduled.
    pub status: Option<LessonStatus>,
}

/// Sets a lesson's topic and status. A replacement is arranged with [`set_replacement`].
pub async fn change_lesson(writer: &Writer<'_>, change: LessonChange) -> AppResult<lesson::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let before = visible_lesson(&txn, viewer, change.lesson_id).await?;
    if !viewer.may_write_lesson(&before) {
        return Err(AppError::Forbidden);
    }
    let mut active: lesson::ActiveModel = before.clone().into();
    if let Some(topic) = &change.topic {
        active.topic = Set(optional_text("topic", topic.as_deref(), MAX_TEXT)?);
    }
    if let Some(status) = change.status {
        match status {
            LessonStatus::Replaced => {
                return Err(AppError::bad_input(
                    "status",
                    "A replacement is arranged by the school's administration.",
                ));
            }
            LessonStatus::Held if before.date > today() => {
                return Err(AppError::bad_input(
                    "status",
                    "The lesson has not taken place yet.",
                ));
            }
            _ => {}
        }
        // A held or cancelled lesson keeps who replaced its teacher; back to scheduled, too.
        active.status = Set(status);
    }
    if unchanged(&active, &before)? {
        return Ok(before);
    }
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer
            .audit("lesson.changed", after.school_id, "lesson", after.id)
            .details(serde_json::json!({ "status": after.status.as_str() })),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Arranges a replacement teacher for a lesson (`None` undoes it).
pub async fn set_replacement(
    writer: &Writer<'_>,
    lesson_id: i64,
    teacher_id: Option<i64>,
) -> AppResult<lesson::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let before = visible_lesson(&txn, viewer, lesson_id).await?;
    if !viewer.may_arrange_replacements(before.school_id) {
        return Err(AppError::Forbidden);
    }
    if let Some(id) = teacher_id {
        let teacher = staff_member::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .filter(|s| s.school_id == before.school_id && s.active)
            .ok_or_else(|| AppError::bad_input("teacherId", "No such teacher at this school."))?;
        if teacher.id == before.staff_member_id {
            return Err(AppError::bad_input(
                "teacherId",
                "A teacher cannot replace themselves.",
            ));
        }
    }
    let mut active: lesson::ActiveModel = before.clone().into();
    active.replacement_staff_id = Set(teacher_id);
    active.status = Set(match teacher_id {
        Some(_) => LessonStatus::Replaced,
        None if before.status == LessonStatus::Replaced => LessonStatus::Scheduled,
        None => before.status,
    });
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer
            .audit(
                "lesson.replacement_set",
                after.school_id,
                "lesson",
                after.id,
            )
            .details(serde_json::json!({ "replacement_staff_id": teacher_id })),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Homework to give at a lesson.
#[derive(Clone, Debug, Default)]
pub struct NewHomework {
    /// The lesson it is given at.
    pub lesson_id: i64,
    /// The assignment.
    pub text: String,
    /// Links to materials.
    pub attachments: Vec<String>,
    /// The lesson it is due for.
    pub due_lesson_id: Option<i64>,
    /// The day it is due; without either, the next lesson of the subject in the class.
    pub due_on: Option<NaiveDate>,
}

fn attachments(links: &[String]) -> AppResult<Option<String>> {
    if links.len() > MAX_ATTACHMENTS {
        return Err(AppError::bad_input(
            "attachments",
            format!("At most {MAX_ATTACHMENTS} links."),
        ));
    }
    let mut clean = Vec::new();
    for link in links {
        let link = link.trim();
        let ok = link.len() <= 2000
            && url::Url::parse(link).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            return Err(AppError::bad_input(
                "attachments",
                "Attachments are http(s) links.",
            ));
        }
        clean.push(link.to_owned());
    }
    Ok((!clean.is_empty()).then(|| serde_json::Value::from(clean).to_string()))
}

/// Where homework was given: the class, subject and day it is due after.
struct Given {
    lesson_id: Option<i64>,
    class_unit_id: i64,
    subject_id: i64,
    date: NaiveDate,
}

impl From<&lesson::Model> for Given {
    fn from(l: &lesson::Model) -> Self {
        Self {
            lesson_id: Some(l.id),
            class_unit_id: l.class_unit_id,
            subject_id: l.subject_id,
            date: l.date,
        }
    }
}

/// When homework is due: the lesson named (of the same class and subject, after the one it
/// was given at), the day named (not before, within the academic year), or else the next
/// lesson of the subject in the class.
async fn due_of(
    txn: &impl ConnectionTrait,
    given: &Given,
    due_lesson_id: Option<i64>,
    due_on: Option<NaiveDate>,
) -> AppResult<(Option<i64>, NaiveDate)> {
    match (due_lesson_id, due_on) {
        (Some(id), _) => {
            let due = lesson::Entity::find_by_id(id)
                .one(txn)
                .await?
                .filter(|l| {
                    l.class_unit_id == given.class_unit_id && l.subject_id == given.subject_id
                })
                .ok_or_else(|| {
                    AppError::bad_input(
                        "dueLessonId",
                        "Choose a lesson of the same subject in the same class.",
                    )
                })?;
            if due.date < given.date || Some(due.id) == given.lesson_id {
                return Err(AppError::bad_input(
                    "dueLessonId",
                    "The due lesson comes after the lesson the homework is given at.",
                ));
            }
            if due_on.is_some_and(|d| d != due.date) {
                return Err(AppError::bad_input(
                    "dueOn",
                    "The day differs from the due lesson's day.",
                ));
            }
            Ok((Some(due.id), due.date))
        }
        (None, Some(day)) => {
            if day < given.date {
                return Err(AppError::bad_input(
                    "dueOn",
                    "Homework cannot be due before it is given.",
                ));
            }
            period_of(txn, given.class_unit_id, day, "dueOn").await?;
            Ok((None, day))
        }
        (None, None) => {
            let next = lesson::Entity::find()
                .filter(lesson::Column::ClassUnitId.eq(given.class_unit_id))
                .filter(lesson::Column::SubjectId.eq(given.subject_id))
                .filter(lesson::Column::Date.gt(given.date))
                .filter(lesson::Column::Status.ne(LessonStatus::Cancelled))
                .order_by_asc(lesson::Column::Date)
                .order_by_asc(lesson::Column::LessonNumber)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    AppError::bad_input(
                        "dueOn",
                        "There is no next lesson of the subject yet: give the day.",
                    )
                })?;
            Ok((Some(next.id), next.date))
        }
    }
}

/// Gives homework at a lesson.
pub async fn give_homework(writer: &Writer<'_>, input: NewHomework) -> AppResult<homework::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let given = visible_lesson(&txn, viewer, input.lesson_id).await?;
    if !viewer.may_write_lesson(&given) {
        return Err(AppError::Forbidden);
    }
    let text = required_text("text", &input.text, MAX_TEXT)?;
    let links = attachments(&input.attachments)?;
    let (due_lesson, due_on) = due_of(
        &txn,
        &Given::from(&given),
        input.due_lesson_id,
        input.due_on,
    )
    .await?;
    let staff = author(viewer, given.school_id, Some(&given))?;
    let now = Utc::now();
    let row = homework::ActiveModel {
        school_id: Set(given.school_id),
        class_unit_id: Set(given.class_unit_id),
        subject_id: Set(given.subject_id),
        staff_member_id: Set(staff),
        lesson_id: Set(Some(given.id)),
        due_lesson_id: Set(due_lesson),
        given_on: Set(given.date),
        due_on: Set(due_on),
        text: Set(text),
        attachments: Set(links),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        writer
            .audit("homework.given", row.school_id, "homework", row.id)
            .details(serde_json::json!({
                "class_unit_id": row.class_unit_id,
                "subject_id": row.subject_id,
                "lesson_id": row.lesson_id,
            })),
    )
    .await?;
    notifications::notify_class(&txn, row.class_unit_id, Notice::homework(&row)).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

/// A change to homework; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct HomeworkChange {
    /// The homework.
    pub homework_id: i64,
    /// New text.
    pub text: Option<String>,
    /// New links (replacing the old ones).
    pub attachments: Option<Vec<String>>,
    /// A new due lesson.
    pub due_lesson_id: Option<i64>,
    /// A new due day.
    pub due_on: Option<NaiveDate>,
}

async fn writable_homework(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<homework::Model> {
    let row = homework::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !viewer.member_of_class(row.class_unit_id, row.school_id) {
        return Err(AppError::NotFound);
    }
    if !viewer.may_grade(row.school_id, row.class_unit_id, row.subject_id) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Changes homework: text, links, when it is due.
pub async fn change_homework(
    writer: &Writer<'_>,
    change: HomeworkChange,
) -> AppResult<homework::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_homework(&txn, writer.viewer, change.homework_id).await?;
    let mut active: homework::ActiveModel = before.clone().into();
    if let Some(text) = &change.text {
        active.text = Set(required_text("text", text, MAX_TEXT)?);
    }
    if let Some(links) = &change.attachments {
        active.attachments = Set(attachments(links)?);
    }
    if change.due_lesson_id.is_some() || change.due_on.is_some() {
        let given = Given {
            lesson_id: before.lesson_id,
            class_unit_id: before.class_unit_id,
            subject_id: before.subject_id,
            date: before.given_on,
        };
        let (due_lesson, due_on) =
            due_of(&txn, &given, change.due_lesson_id, change.due_on).await?;
        active.due_lesson_id = Set(due_lesson);
        active.due_on = Set(due_on);
    }
    if unchanged(&active, &before)? {
        return Ok(before);
    }
    active.updated_at = Set(Utc::now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer.audit("homework.changed", after.school_id, "homework", after.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Deletes homework.
pub async fn delete_homework(writer: &Writer<'_>, homework_id: i64) -> AppResult<()> {
    let txn = begin_write(writer.db).await?;
    let row = writable_homework(&txn, writer.viewer, homework_id).await?;
    homework::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        writer.audit("homework.deleted", row.school_id, "homework", row.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(())
}

/// A remark about a student.
#[derive(Clone, Debug)]
pub struct NewRemark {
    /// The student.
    pub student_id: i64,
    /// The lesson it is written at, if any.
    pub lesson_id: Option<i64>,
    /// A remark or praise.
    pub kind: RemarkKind,
    /// The text.
    pub text: String,
}

/// Writes a remark (замечание) or praise about a student.
pub async fn add_remark(writer: &Writer<'_>, input: NewRemark) -> AppResult<remark::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let lesson = match input.lesson_id {
        Some(id) => Some(visible_lesson(&txn, viewer, id).await?),
        None => None,
    };
    let student = match &lesson {
        Some(lesson) => {
            let allowed = viewer.may_write_lesson(lesson);
            student_at_lesson(&txn, viewer, input.student_id, lesson, allowed).await?
        }
        None => visible_student(&txn, viewer, input.student_id).await?,
    };
    let replacing = lesson.as_ref().is_some_and(|l| viewer.may_write_lesson(l));
    if !replacing && !viewer.may_remark(student.school_id, student.class_unit_id) {
        return Err(AppError::Forbidden);
    }
    if let Some(lesson) = &lesson {
        in_lesson_class(&student, lesson)?;
        if lesson.date > today() {
            return Err(AppError::bad_input(
                "lessonId",
                "The lesson has not taken place yet.",
            ));
        }
    }
    if lesson.is_none() {
        enrolled_on(&student, today(), "studentId")?;
    }
    let text = required_text("text", &input.text, MAX_TEXT)?;
    let staff = author(viewer, student.school_id, lesson.as_ref())?;
    let now = Utc::now();
    let row = remark::ActiveModel {
        school_id: Set(student.school_id),
        student_id: Set(student.id),
        lesson_id: Set(lesson.as_ref().map(|l| l.id)),
        staff_member_id: Set(staff),
        date: Set(lesson.as_ref().map_or_else(today, |l| l.date)),
        kind: Set(input.kind),
        text: Set(text),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        writer
            .audit("remark.added", row.school_id, "remark", row.id)
            .details(serde_json::json!({ "student_id": row.student_id })),
    )
    .await?;
    notifications::notify_family(&txn, &student, Notice::remark(&row)).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

/// Sets (or changes) a student's final mark in a subject for a study period or the year.
pub async fn set_final_mark(
    writer: &Writer<'_>,
    student_id: i64,
    subject_id: i64,
    study_period_id: i64,
    value: FinalMarkValue,
) -> AppResult<final_mark::Model> {
    let txn = begin_write(writer.db).await?;
    let viewer = writer.viewer;
    let student = visible_student(&txn, viewer, student_id).await?;
    subject_of_school(&txn, student.school_id, subject_id).await?;
    if !viewer.may_grade(student.school_id, student.class_unit_id, subject_id) {
        return Err(AppError::Forbidden);
    }
    let class = class_unit::Entity::find_by_id(student.class_unit_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let period = study_period::Entity::find_by_id(study_period_id)
        .one(&txn)
        .await?
        .filter(|p| p.academic_year_id == class.academic_year_id)
        .ok_or_else(|| {
            AppError::bad_input(
                "studyPeriodId",
                "Choose a study period of the student's academic year.",
            )
        })?;
    if period.starts_on > today() {
        return Err(AppError::bad_input(
            "studyPeriodId",
            "The study period has not started yet.",
        ));
    }
    if student.enrolled_on > period.ends_on
        || student.left_on.is_some_and(|left| left <= period.starts_on)
    {
        return Err(AppError::bad_input(
            "studyPeriodId",
            "The student was not enrolled in that study period.",
        ));
    }
    let existing = final_mark::Entity::find()
        .filter(final_mark::Column::StudentId.eq(student.id))
        .filter(final_mark::Column::SubjectId.eq(subject_id))
        .filter(final_mark::Column::StudyPeriodId.eq(period.id))
        .lock_exclusive()
        .one(&txn)
        .await?;
    let staff = viewer.staff_at(student.school_id);
    let now = Utc::now();
    let (row, action) = match existing {
        Some(old) => {
            let mut active: final_mark::ActiveModel = old.into();
            active.value = Set(value);
            active.staff_member_id = Set(staff);
            active.updated_at = Set(now);
            (active.update(&txn).await?, "final_mark.changed")
        }
        None => (
            final_mark::ActiveModel {
                school_id: Set(student.school_id),
                student_id: Set(student.id),
                subject_id: Set(subject_id),
                study_period_id: Set(period.id),
                staff_member_id: Set(staff),
                value: Set(value),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
            "final_mark.set",
        ),
    };
    audit::record(
        &txn,
        writer
            .audit(action, row.school_id, "final_mark", row.id)
            .details(serde_json::json!({
                "student_id": row.student_id,
                "subject_id": row.subject_id,
                "study_period_id": row.study_period_id,
            })),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

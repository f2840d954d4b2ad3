//! Marks and their history, and final marks for a study period or the year.

// The journal's shared imports and helpers.
use super::*;

pub(super) fn mark_value(value: i32) -> AppResult<i16> {
    i16::try_from(value)
        .ok()
        .filter(|v| (1..=5).contains(v))
        .ok_or_else(|| AppError::bad_input("value", Reason::MarkValue))
}

pub(super) fn mark_weight(weight: i32) -> AppResult<i16> {
    i16::try_from(weight)
        .ok()
        .filter(|w| (1..=10).contains(w))
        .ok_or_else(|| AppError::bad_input("weight", Reason::MarkWeight))
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

pub(super) async fn control_form_of(
    db: &impl ConnectionTrait,
    school_id: i64,
    id: i64,
) -> AppResult<control_form::Model> {
    control_form::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|f| f.school_id == school_id && f.active)
        .ok_or_else(|| AppError::bad_input("controlFormId", Reason::NoSuchControlForm))
}

pub(super) async fn revision(
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
        account_id: Set(Some(writer.viewer.account_id())),
        action: Set(action),
        old_value: Set(before.map(|m| m.value)),
        new_value: Set((!deleted).then_some(after.value)),
        old_weight: Set(before.map(|m| m.weight)),
        new_weight: Set((!deleted).then_some(after.weight)),
        changed_at: Set(writer.now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub(super) fn mark_event(mark: &mark::Model) -> LiveEvent {
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
                    Reason::NotTheLessonsSubject,
                ));
            }
            in_lesson_class(&student, lesson)?;
            lesson_happened(writer, lesson).await?;
            (lesson.subject_id, lesson.date, lesson.study_period_id)
        }
        None => {
            let subject_id = input
                .subject_id
                .ok_or_else(|| AppError::bad_input("subjectId", Reason::LessonOrSubjectAndDay))?;
            subject_of_school(&txn, student.school_id, subject_id).await?;
            if !viewer.may_grade(student.school_id, student.class_unit_id, subject_id) {
                return Err(AppError::Forbidden);
            }
            let date = input
                .date
                .ok_or_else(|| AppError::bad_input("date", Reason::LessonOrSubjectAndDay))?;
            if date > writer.today_at(student.school_id).await? {
                return Err(AppError::bad_input("date", Reason::MarkInAdvance));
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
    let now = writer.now();
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
    notifications::notify_family(&txn, &student, Notice::mark_recorded(&row), writer.now()).await?;
    writer.commit(txn, vec![mark_event(&row)]).await?;
    Ok(row)
}

/// A mark the writer may change: visible, and theirs to grade.
pub(super) async fn writable_mark(
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
    active.updated_at = Set(writer.now());
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
        notifications::notify_family(
            &txn,
            &student,
            Notice::mark_changed(&before, &after),
            writer.now(),
        )
        .await?;
    }
    writer.commit(txn, vec![mark_event(&after)]).await?;
    Ok(after)
}

/// Withdraws a mark. It stops counting and leaves the diary; its history stays.
pub async fn delete_mark(writer: &Writer<'_>, mark_id: i64) -> AppResult<mark::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_mark(&txn, writer.viewer, mark_id).await?;
    let mut active: mark::ActiveModel = before.clone().into();
    let now = writer.now();
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
    notifications::notify_family(&txn, &student, Notice::mark_deleted(&before), writer.now())
        .await?;
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
        .ok_or_else(|| AppError::bad_input("studyPeriodId", Reason::PeriodOfAnotherYear))?;
    if period.starts_on > writer.today_at(student.school_id).await? {
        return Err(AppError::bad_input(
            "studyPeriodId",
            Reason::PeriodNotStarted,
        ));
    }
    if student.enrolled_on > period.ends_on
        || student.left_on.is_some_and(|left| left <= period.starts_on)
    {
        return Err(AppError::bad_input(
            "studyPeriodId",
            Reason::NotEnrolledInPeriod,
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
    let now = writer.now();
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

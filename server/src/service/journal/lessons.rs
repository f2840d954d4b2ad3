//! What happens at a lesson: attendance, the topic and status, a replacement teacher, and
//! remarks about a student.

// The journal's shared imports and helpers.
use super::*;

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
    lesson_happened(writer, &lesson).await?;
    let (status, minutes) = match presence {
        Presence::Present => (None, None),
        Presence::Absent => (Some(AttendanceStatus::Absent), None),
        Presence::Excused => (Some(AttendanceStatus::Excused), None),
        Presence::Late(minutes) => {
            let minutes = i16::try_from(minutes)
                .ok()
                .filter(|m| (1..=90).contains(m))
                .ok_or_else(|| AppError::bad_input("minutesLate", Reason::LatenessRange))?;
            (Some(AttendanceStatus::Late), Some(minutes))
        }
    };
    let existing = attendance_record::Entity::find()
        .filter(attendance_record::Column::LessonId.eq(lesson.id))
        .filter(attendance_record::Column::StudentId.eq(student.id))
        .lock_exclusive()
        .one(&txn)
        .await?;
    let now = writer.now();
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
        notifications::notify_family(
            &txn,
            &student,
            Notice::attendance(record, &lesson),
            writer.now(),
        )
        .await?;
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
                    Reason::ReplacementByAdministration,
                ));
            }
            LessonStatus::Held if before.date > writer.today_at(before.school_id).await? => {
                return Err(AppError::bad_input("status", Reason::LessonNotHeldYet));
            }
            _ => {}
        }
        // A held or cancelled lesson keeps who replaced its teacher; back to scheduled, too.
        active.status = Set(status);
    }
    if unchanged(&active, &before)? {
        return Ok(before);
    }
    active.updated_at = Set(writer.now());
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
            .ok_or_else(|| AppError::bad_input("teacherId", Reason::NoSuchTeacher))?;
        if teacher.id == before.staff_member_id {
            return Err(AppError::bad_input("teacherId", Reason::SelfReplacement));
        }
    }
    let mut active: lesson::ActiveModel = before.clone().into();
    active.replacement_staff_id = Set(teacher_id);
    active.status = Set(match teacher_id {
        Some(_) => LessonStatus::Replaced,
        None if before.status == LessonStatus::Replaced => LessonStatus::Scheduled,
        None => before.status,
    });
    active.updated_at = Set(writer.now());
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
        if lesson.date > writer.today_at(lesson.school_id).await? {
            return Err(AppError::bad_input("lessonId", Reason::LessonNotHeldYet));
        }
    }
    let today = writer.today_at(student.school_id).await?;
    if lesson.is_none() {
        enrolled_on(&student, today, "studentId")?;
    }
    let text = required_text("text", &input.text, MAX_TEXT)?;
    let staff = author(viewer, student.school_id, lesson.as_ref())?;
    let now = writer.now();
    let row = remark::ActiveModel {
        school_id: Set(student.school_id),
        student_id: Set(student.id),
        lesson_id: Set(lesson.as_ref().map(|l| l.id)),
        staff_member_id: Set(staff),
        date: Set(lesson.as_ref().map_or(today, |l| l.date)),
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
    notifications::notify_family(&txn, &student, Notice::remark(&row), writer.now()).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

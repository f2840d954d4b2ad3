//! Journal mutations: what teachers write — marks, attendance, lesson topics and status,
//! replacements, homework, remarks, final marks. Thin: each decodes its input and calls
//! `service::journal`, which asks the policy and writes in one transaction with its audit event.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use dnevnik_entities::mark;

use super::context::ContextExt;
use super::diary::{
    AttendanceRecord, AttendanceStatusValue, FinalMark, FinalMarkValueKind, Homework, Lesson,
    LessonStatusValue, Mark, Remark, RemarkKindValue,
};
use super::ids::{self, Kind};
use super::scalars::Date;
use crate::error::{AppError, AppResult, Reason};
use crate::service::journal::{self, Presence};
use crate::service::nodes;

/// A mark to record: at a lesson, or for a subject on a day.
#[derive(InputObject)]
pub struct RecordMarkInput {
    /// The student.
    pub student_id: ID,
    /// The lesson it is given at. Without it, give `subjectId` and `date`.
    pub lesson_id: Option<ID>,
    /// The subject (must be the lesson's, when a lesson is given).
    pub subject_id: Option<ID>,
    /// The day, for a mark outside a lesson: within the academic year, not in the future.
    pub date: Option<Date>,
    /// The mark, 1 to 5.
    pub value: i32,
    /// Weight 1 to 10; defaults to the control form's usual weight, or 1.
    pub weight: Option<i32>,
    /// What it is for (`School.controlForms`).
    pub control_form_id: Option<ID>,
    /// A comment for the family, up to 500 characters.
    pub comment: Option<String>,
    /// An exam mark.
    #[graphql(default)]
    pub is_exam: bool,
}

/// A change to a mark. Fields left out stay as they are; `null` clears a control form or
/// comment.
#[derive(InputObject)]
pub struct ChangeMarkInput {
    /// The mark.
    pub mark_id: ID,
    /// A new value, 1 to 5.
    pub value: Option<i32>,
    /// A new weight, 1 to 10.
    pub weight: Option<i32>,
    /// A new control form, or `null` for none.
    pub control_form_id: MaybeUndefined<ID>,
    /// A new comment, or `null` for none.
    pub comment: MaybeUndefined<String>,
    /// A new exam flag.
    pub is_exam: Option<bool>,
}

/// A mark to withdraw.
#[derive(InputObject)]
pub struct DeleteMarkInput {
    /// The mark.
    pub mark_id: ID,
}

/// A mark after a change.
#[derive(SimpleObject)]
pub struct MarkPayload {
    /// The mark, with its history.
    pub mark: Mark,
}

/// A withdrawn mark.
#[derive(SimpleObject)]
pub struct DeleteMarkPayload {
    /// The withdrawn mark's id; it no longer appears in the diary.
    pub mark_id: ID,
}

/// A student's attendance at a lesson.
#[derive(InputObject)]
pub struct SetAttendanceInput {
    /// The lesson (held, not in the future).
    pub lesson_id: ID,
    /// A student of the lesson's class.
    pub student_id: ID,
    /// Absent, excused or late; `null` for present (clears a record).
    pub status: Option<AttendanceStatusValue>,
    /// For `LATE`: minutes, 1 to 90.
    pub minutes_late: Option<i32>,
}

/// Attendance after a change.
#[derive(SimpleObject)]
pub struct SetAttendancePayload {
    /// The record; `null` when the student was present.
    pub attendance: Option<AttendanceRecord>,
}

/// What a teacher writes about a lesson.
#[derive(InputObject)]
pub struct ChangeLessonInput {
    /// The lesson.
    pub lesson_id: ID,
    /// The topic (тема урока), or `null` to clear it.
    pub topic: MaybeUndefined<String>,
    /// `HELD` (not for a future lesson), `CANCELLED` or `SCHEDULED`. A replacement is set
    /// with `setLessonReplacement`.
    pub status: Option<LessonStatusValue>,
}

/// A replacement for a lesson.
#[derive(InputObject)]
pub struct SetLessonReplacementInput {
    /// The lesson.
    pub lesson_id: ID,
    /// The replacing teacher (staff of the school), or `null` to undo the replacement.
    pub teacher_id: Option<ID>,
}

/// A lesson after a change.
#[derive(SimpleObject)]
pub struct LessonPayload {
    /// The lesson.
    pub lesson: Lesson,
}

/// Homework to give at a lesson.
#[derive(InputObject)]
pub struct GiveHomeworkInput {
    /// The lesson it is given at.
    pub lesson_id: ID,
    /// The assignment.
    pub text: String,
    /// Links to materials (http or https), at most 10.
    #[graphql(default)]
    pub attachments: Vec<String>,
    /// The lesson it is due for (same class and subject, later).
    pub due_lesson_id: Option<ID>,
    /// The day it is due. Without this or `dueLessonId`, the next lesson of the subject.
    pub due_on: Option<Date>,
}

/// A change to homework; fields left out stay as they are.
#[derive(InputObject)]
pub struct ChangeHomeworkInput {
    /// The homework.
    pub homework_id: ID,
    /// New text.
    pub text: Option<String>,
    /// New links, replacing the old ones.
    pub attachments: Option<Vec<String>>,
    /// A new due lesson.
    pub due_lesson_id: Option<ID>,
    /// A new due day.
    pub due_on: Option<Date>,
}

/// Homework to delete.
#[derive(InputObject)]
pub struct DeleteHomeworkInput {
    /// The homework.
    pub homework_id: ID,
}

/// Homework after a change.
#[derive(SimpleObject)]
pub struct HomeworkPayload {
    /// The homework.
    pub homework: Homework,
}

/// Deleted homework.
#[derive(SimpleObject)]
pub struct DeleteHomeworkPayload {
    /// The deleted homework's id.
    pub homework_id: ID,
}

/// A remark or praise about a student.
#[derive(InputObject)]
pub struct AddRemarkInput {
    /// The student.
    pub student_id: ID,
    /// The lesson it is written at, if any.
    pub lesson_id: Option<ID>,
    /// Remark or praise.
    pub kind: RemarkKindValue,
    /// The text.
    pub text: String,
}

/// A written remark.
#[derive(SimpleObject)]
pub struct RemarkPayload {
    /// The remark.
    pub remark: Remark,
}

/// A final mark to set (or change).
#[derive(InputObject)]
pub struct SetFinalMarkInput {
    /// The student.
    pub student_id: ID,
    /// The subject.
    pub subject_id: ID,
    /// A quarter, trimester, half-year or the year (`AcademicYear.studyPeriods`), already
    /// begun.
    pub study_period_id: ID,
    /// The mark.
    pub value: FinalMarkValueKind,
}

/// A final mark after a change.
#[derive(SimpleObject)]
pub struct FinalMarkPayload {
    /// The final mark.
    pub final_mark: FinalMark,
}

async fn mark_view(ctx: &Context<'_>, row: mark::Model) -> AppResult<Mark> {
    Ok(Mark(nodes::with_control_form(ctx.db()?, row).await?))
}

fn maybe_id(value: MaybeUndefined<ID>, kind: Kind) -> AppResult<Option<Option<i64>>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(ids::decode(&id, kind)?)),
    })
}

fn maybe_text(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(text) => Some(Some(text)),
    }
}

/// What teachers write.
#[derive(Default)]
pub struct JournalMutation;

/// What teachers write. Each operation is allowed to the staff the policy names (see
/// docs/AUTHZ.md): objects the caller cannot see answer `NOT_FOUND`, objects they see but may
/// not change `FORBIDDEN`, and bad input `BAD_USER_INPUT` with `extensions.field`.
#[Object]
impl JournalMutation {
    /// Records a mark. Teachers of the subject in the class (or of the lesson), and the
    /// school's administration. The family is notified and live subscribers hear of it.
    async fn record_mark(
        &self,
        ctx: &Context<'_>,
        input: RecordMarkInput,
    ) -> AppResult<MarkPayload> {
        let writer = ctx.writer()?;
        let row = journal::record_mark(
            &writer,
            journal::NewMark {
                student_id: ids::decode(&input.student_id, Kind::Student)?,
                lesson_id: ids::decode_opt(input.lesson_id.as_ref(), Kind::Lesson)?,
                subject_id: ids::decode_opt(input.subject_id.as_ref(), Kind::Subject)?,
                date: input.date.map(|d| d.0),
                value: input.value,
                weight: input.weight,
                control_form_id: ids::decode_opt(
                    input.control_form_id.as_ref(),
                    Kind::ControlForm,
                )?,
                comment: input.comment,
                is_exam: input.is_exam,
            },
        )
        .await?;
        Ok(MarkPayload {
            mark: mark_view(ctx, row).await?,
        })
    }

    /// Changes a mark. The old value stays in its history, which the family sees.
    async fn change_mark(
        &self,
        ctx: &Context<'_>,
        input: ChangeMarkInput,
    ) -> AppResult<MarkPayload> {
        let writer = ctx.writer()?;
        let row = journal::change_mark(
            &writer,
            journal::MarkChange {
                mark_id: ids::decode(&input.mark_id, Kind::Mark)?,
                value: input.value,
                weight: input.weight,
                control_form_id: maybe_id(input.control_form_id, Kind::ControlForm)?,
                comment: maybe_text(input.comment),
                is_exam: input.is_exam,
            },
        )
        .await?;
        Ok(MarkPayload {
            mark: mark_view(ctx, row).await?,
        })
    }

    /// Withdraws a mark: it leaves the diary and the averages; its history is kept.
    async fn delete_mark(
        &self,
        ctx: &Context<'_>,
        input: DeleteMarkInput,
    ) -> AppResult<DeleteMarkPayload> {
        let writer = ctx.writer()?;
        let row = journal::delete_mark(&writer, ids::decode(&input.mark_id, Kind::Mark)?).await?;
        Ok(DeleteMarkPayload {
            mark_id: ids::encode(Kind::Mark, row.id),
        })
    }

    /// Sets a student's attendance at a lesson. Teachers of the lesson, the class teacher,
    /// the school's administration.
    async fn set_attendance(
        &self,
        ctx: &Context<'_>,
        input: SetAttendanceInput,
    ) -> AppResult<SetAttendancePayload> {
        let writer = ctx.writer()?;
        let presence = match (input.status, input.minutes_late) {
            (None, None) => Presence::Present,
            (Some(AttendanceStatusValue::Late), Some(minutes)) => Presence::Late(minutes),
            (Some(AttendanceStatusValue::Late), None) => {
                return Err(AppError::bad_input("minutesLate", Reason::MinutesMissing));
            }
            (Some(AttendanceStatusValue::Absent), None) => Presence::Absent,
            (Some(AttendanceStatusValue::Excused), None) => Presence::Excused,
            (_, Some(_)) => {
                return Err(AppError::bad_input(
                    "minutesLate",
                    Reason::MinutesOnlyForLateness,
                ));
            }
        };
        let record = journal::set_attendance(
            &writer,
            ids::decode(&input.lesson_id, Kind::Lesson)?,
            ids::decode(&input.student_id, Kind::Student)?,
            presence,
        )
        .await?;
        Ok(SetAttendancePayload {
            attendance: record.map(AttendanceRecord),
        })
    }

    /// Sets a lesson's topic and status. Teachers of the lesson and the school's
    /// administration.
    async fn change_lesson(
        &self,
        ctx: &Context<'_>,
        input: ChangeLessonInput,
    ) -> AppResult<LessonPayload> {
        let writer = ctx.writer()?;
        let row = journal::change_lesson(
            &writer,
            journal::LessonChange {
                lesson_id: ids::decode(&input.lesson_id, Kind::Lesson)?,
                topic: maybe_text(input.topic),
                status: input.status.map(Into::into),
            },
        )
        .await?;
        Ok(LessonPayload {
            lesson: Lesson(row),
        })
    }

    /// Arranges (or undoes) a replacement teacher. The school's administration only.
    async fn set_lesson_replacement(
        &self,
        ctx: &Context<'_>,
        input: SetLessonReplacementInput,
    ) -> AppResult<LessonPayload> {
        let writer = ctx.writer()?;
        let row = journal::set_replacement(
            &writer,
            ids::decode(&input.lesson_id, Kind::Lesson)?,
            ids::decode_opt(input.teacher_id.as_ref(), Kind::StaffMember)?,
        )
        .await?;
        Ok(LessonPayload {
            lesson: Lesson(row),
        })
    }

    /// Gives homework at a lesson; the class's families are notified. Teachers of the lesson
    /// and the school's administration.
    async fn give_homework(
        &self,
        ctx: &Context<'_>,
        input: GiveHomeworkInput,
    ) -> AppResult<HomeworkPayload> {
        let writer = ctx.writer()?;
        let row = journal::give_homework(
            &writer,
            journal::NewHomework {
                lesson_id: ids::decode(&input.lesson_id, Kind::Lesson)?,
                text: input.text,
                attachments: input.attachments,
                due_lesson_id: ids::decode_opt(input.due_lesson_id.as_ref(), Kind::Lesson)?,
                due_on: input.due_on.map(|d| d.0),
            },
        )
        .await?;
        Ok(HomeworkPayload {
            homework: Homework(row),
        })
    }

    /// Changes homework. Teachers of the subject in the class and the school's
    /// administration.
    async fn change_homework(
        &self,
        ctx: &Context<'_>,
        input: ChangeHomeworkInput,
    ) -> AppResult<HomeworkPayload> {
        let writer = ctx.writer()?;
        let row = journal::change_homework(
            &writer,
            journal::HomeworkChange {
                homework_id: ids::decode(&input.homework_id, Kind::Homework)?,
                text: input.text,
                attachments: input.attachments,
                due_lesson_id: ids::decode_opt(input.due_lesson_id.as_ref(), Kind::Lesson)?,
                due_on: input.due_on.map(|d| d.0),
            },
        )
        .await?;
        Ok(HomeworkPayload {
            homework: Homework(row),
        })
    }

    /// Deletes homework.
    async fn delete_homework(
        &self,
        ctx: &Context<'_>,
        input: DeleteHomeworkInput,
    ) -> AppResult<DeleteHomeworkPayload> {
        let writer = ctx.writer()?;
        let id = ids::decode(&input.homework_id, Kind::Homework)?;
        journal::delete_homework(&writer, id).await?;
        Ok(DeleteHomeworkPayload {
            homework_id: ids::encode(Kind::Homework, id),
        })
    }

    /// Writes a remark or praise about a student; the family is notified. Anyone who teaches
    /// the student's class, the class teacher, the school's administration.
    async fn add_remark(
        &self,
        ctx: &Context<'_>,
        input: AddRemarkInput,
    ) -> AppResult<RemarkPayload> {
        let writer = ctx.writer()?;
        let row = journal::add_remark(
            &writer,
            journal::NewRemark {
                student_id: ids::decode(&input.student_id, Kind::Student)?,
                lesson_id: ids::decode_opt(input.lesson_id.as_ref(), Kind::Lesson)?,
                kind: input.kind.into(),
                text: input.text,
            },
        )
        .await?;
        Ok(RemarkPayload {
            remark: Remark(row),
        })
    }

    /// Sets or changes a final mark for a study period or the year. Teachers of the subject in
    /// the class and the school's administration.
    async fn set_final_mark(
        &self,
        ctx: &Context<'_>,
        input: SetFinalMarkInput,
    ) -> AppResult<FinalMarkPayload> {
        let writer = ctx.writer()?;
        let row = journal::set_final_mark(
            &writer,
            ids::decode(&input.student_id, Kind::Student)?,
            ids::decode(&input.subject_id, Kind::Subject)?,
            ids::decode(&input.study_period_id, Kind::StudyPeriod)?,
            input.value.into(),
        )
        .await?;
        Ok(FinalMarkPayload {
            final_mark: FinalMark(row),
        })
    }
}

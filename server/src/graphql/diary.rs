//! Diary objects in the API: lessons, the diary's days and lessons, homework, marks,
//! attendance, remarks, final marks, external assessments, progress, rating and the class
//! journal. These are views built by `service/`; their fields only present what was loaded.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use dnevnik_entities::enums::{FinalMarkValue, RemarkKind};
use dnevnik_entities::{
    attendance_record, class_unit, control_form, external_assessment, final_mark, homework, lesson,
    remark, staff_member, subject,
};

use super::ids::{self, Kind};
use super::loaders;
use super::scalars::{Date, DateTime, LocalTime};
use super::school::{ClassUnit, StaffMember, StudyPeriod, Subject};
use super::student::Student;
use crate::error::{AppError, AppResult};
use crate::graphql::cost;
use crate::policy::Access;
use crate::service::diary::{self as diary_service, MarkView};
use crate::service::{journal, progress};

/// What became of a scheduled lesson.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "LessonStatus")]
#[graphql(remote = "dnevnik_entities::enums::LessonStatus")]
pub enum LessonStatusValue {
    /// Planned, not yet held.
    Scheduled,
    /// Held as planned.
    Held,
    /// Cancelled.
    Cancelled,
    /// Held by a replacing teacher.
    Replaced,
}

/// A lesson of a class's timetable on a date.
pub struct Lesson(pub lesson::Model);

/// A lesson of a class's timetable on a date.
#[Object]
impl Lesson {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Lesson, self.0.id)
    }

    /// The day.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// Number in the day's bell schedule (урок №).
    async fn number(&self) -> i32 {
        i32::from(self.0.lesson_number)
    }

    /// Start, school time.
    async fn starts_at(&self) -> Option<LocalTime> {
        self.0.starts_at.map(LocalTime)
    }

    /// End, school time.
    async fn ends_at(&self) -> Option<LocalTime> {
        self.0.ends_at.map(LocalTime)
    }

    /// Room.
    async fn room(&self) -> Option<&str> {
        self.0.room.as_deref()
    }

    /// The group of a split class (languages, technology), if any.
    async fn group_name(&self) -> Option<&str> {
        self.0.group_name.as_deref()
    }

    /// Lesson topic (тема урока) from the lesson plan.
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }

    /// Held, cancelled, replaced or still scheduled.
    async fn status(&self) -> LessonStatusValue {
        self.0.status.into()
    }

    /// The subject.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Subject> {
        loaders::load::<subject::Entity>(ctx, self.0.subject_id)
            .await?
            .map(Subject)
            .ok_or(AppError::NotFound)
    }

    /// The timetabled teacher.
    async fn teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        Ok(
            loaders::load::<staff_member::Entity>(ctx, self.0.staff_member_id)
                .await?
                .map(StaffMember),
        )
    }

    /// The teacher who replaced them, when the lesson was replaced.
    async fn replacement_teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        match self.0.replacement_staff_id {
            Some(id) => Ok(loaders::load::<staff_member::Entity>(ctx, id)
                .await?
                .map(StaffMember)),
            None => Ok(None),
        }
    }

    /// The class.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<ClassUnit> {
        loaders::load::<class_unit::Entity>(ctx, self.0.class_unit_id)
            .await?
            .map(ClassUnit)
            .ok_or(AppError::NotFound)
    }
}

/// One day of a student's diary.
pub struct DiaryDay(pub diary_service::DiaryDay);

/// One day of a student's diary.
#[Object]
impl DiaryDay {
    /// The day.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The name of the public holiday or day off, when the day is one.
    async fn holiday(&self) -> Option<&str> {
        self.0.holiday.as_deref()
    }

    /// The day's lessons in order.
    #[graphql(complexity = "cost::times(cost::LESSONS_PER_DAY, child_complexity)")]
    async fn lessons(&self) -> Vec<DiaryLesson> {
        self.0.lessons.iter().cloned().map(DiaryLesson).collect()
    }
}

/// A lesson as it appears in one student's diary: the lesson, homework, and what happened to
/// the student at it.
pub struct DiaryLesson(pub diary_service::DiaryLesson);

/// A lesson as it appears in one student's diary: the lesson, homework, and what happened to
/// the student at it.
#[Object]
impl DiaryLesson {
    /// The lesson.
    async fn lesson(&self) -> Lesson {
        Lesson(self.0.lesson.clone())
    }

    /// Number in the day (урок №).
    async fn number(&self) -> i32 {
        i32::from(self.0.lesson.lesson_number)
    }

    /// Start, school time.
    async fn starts_at(&self) -> Option<LocalTime> {
        self.0.lesson.starts_at.map(LocalTime)
    }

    /// End, school time.
    async fn ends_at(&self) -> Option<LocalTime> {
        self.0.lesson.ends_at.map(LocalTime)
    }

    /// The subject.
    async fn subject(&self) -> Option<Subject> {
        self.0.subject.clone().map(Subject)
    }

    /// Who teaches it: the replacing teacher when the lesson was replaced.
    async fn teacher(&self) -> Option<StaffMember> {
        self.0
            .replacement
            .clone()
            .or_else(|| self.0.teacher.clone())
            .map(StaffMember)
    }

    /// Lesson topic.
    async fn topic(&self) -> Option<&str> {
        self.0.lesson.topic.as_deref()
    }

    /// Held, cancelled, replaced or still scheduled.
    async fn status(&self) -> LessonStatusValue {
        self.0.lesson.status.into()
    }

    /// Room.
    async fn room(&self) -> Option<&str> {
        self.0.lesson.room.as_deref()
    }

    /// Homework to have done for this lesson.
    #[graphql(complexity = "cost::times(cost::PER_LESSON, child_complexity)")]
    async fn homework_due(&self) -> Vec<Homework> {
        self.0.homework_due.iter().cloned().map(Homework).collect()
    }

    /// Homework set at this lesson.
    #[graphql(complexity = "cost::times(cost::PER_LESSON, child_complexity)")]
    async fn homework_given(&self) -> Vec<Homework> {
        self.0
            .homework_given
            .iter()
            .cloned()
            .map(Homework)
            .collect()
    }

    /// The student's marks from this lesson.
    #[graphql(complexity = "cost::times(cost::PER_LESSON, child_complexity)")]
    async fn marks(&self) -> Vec<Mark> {
        self.0.marks.iter().cloned().map(Mark).collect()
    }

    /// The student's absence or lateness, if any.
    async fn attendance(&self) -> Option<AttendanceRecord> {
        self.0.attendance.clone().map(AttendanceRecord)
    }

    /// Teacher remarks about the student at this lesson.
    #[graphql(complexity = "cost::times(cost::PER_LESSON, child_complexity)")]
    async fn remarks(&self) -> Vec<Remark> {
        self.0.remarks.iter().cloned().map(Remark).collect()
    }
}

/// Homework (домашнее задание).
pub struct Homework(pub homework::Model);

/// Homework (домашнее задание).
#[Object]
impl Homework {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Homework, self.0.id)
    }

    /// What to do.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Links to materials.
    async fn attachments(&self) -> Vec<String> {
        self.0
            .attachments
            .as_deref()
            .and_then(|a| serde_json::from_str::<Vec<String>>(a).ok())
            .unwrap_or_default()
    }

    /// When it was set.
    async fn given_on(&self) -> Date {
        Date(self.0.given_on)
    }

    /// When it is due.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    /// The subject.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Subject> {
        loaders::load::<subject::Entity>(ctx, self.0.subject_id)
            .await?
            .map(Subject)
            .ok_or(AppError::NotFound)
    }

    /// The teacher who set it.
    async fn teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        Ok(
            loaders::load::<staff_member::Entity>(ctx, self.0.staff_member_id)
                .await?
                .map(StaffMember),
        )
    }
}

/// A form of assessment (форма контроля) and its usual weight.
#[derive(SimpleObject)]
pub struct ControlForm {
    /// Opaque global id, for `recordMark(input: {controlFormId})`.
    pub id: ID,
    /// "Контрольная работа".
    pub name: String,
    /// "К/р".
    pub short_name: String,
    /// The weight marks of this form usually carry.
    pub default_weight: i32,
}

impl From<control_form::Model> for ControlForm {
    fn from(form: control_form::Model) -> Self {
        Self {
            id: ids::encode(Kind::ControlForm, form.id),
            name: form.name,
            short_name: form.short_name,
            default_weight: i32::from(form.default_weight),
        }
    }
}

/// A mark (отметка) on the 1–5 scale.
#[derive(Clone)]
pub struct Mark(pub MarkView);

/// A mark (отметка) on the 1–5 scale.
#[Object]
impl Mark {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Mark, self.0.mark.id)
    }

    /// The mark, 1 to 5.
    async fn value(&self) -> i32 {
        i32::from(self.0.mark.value)
    }

    /// Weight in the weighted average (1–10).
    async fn weight(&self) -> i32 {
        i32::from(self.0.mark.weight)
    }

    /// What it was given for, e.g. "Контрольная работа".
    async fn control_form(&self) -> Option<ControlForm> {
        self.0.control_form.clone().map(ControlForm::from)
    }

    /// The teacher's comment.
    async fn comment(&self) -> Option<&str> {
        self.0.mark.comment.as_deref()
    }

    /// An exam mark, shown apart from ordinary ones.
    async fn is_exam(&self) -> bool {
        self.0.mark.is_exam
    }

    /// The day the mark is for.
    async fn date(&self) -> Date {
        Date(self.0.mark.date)
    }

    /// When it was entered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.mark.created_at)
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.mark.updated_at)
    }

    /// The subject.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Subject> {
        loaders::load::<subject::Entity>(ctx, self.0.mark.subject_id)
            .await?
            .map(Subject)
            .ok_or(AppError::NotFound)
    }

    /// Every change to the mark, oldest first: who, when, old → new. Seen by whoever sees the
    /// mark — the family included.
    #[graphql(complexity = "cost::times(cost::PARTICIPANTS, child_complexity)")]
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<MarkRevision>> {
        Ok(loaders::mark_history(ctx, self.0.mark.id)
            .await?
            .into_iter()
            .map(MarkRevision)
            .collect())
    }

    /// The teacher who gave it.
    async fn teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        Ok(
            loaders::load::<staff_member::Entity>(ctx, self.0.mark.staff_member_id)
                .await?
                .map(StaffMember),
        )
    }
}

/// What happened to a mark.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "MarkChangeAction")]
pub enum MarkChangeActionValue {
    /// Recorded.
    Created,
    /// Value, weight, form, comment or exam flag changed.
    Updated,
    /// Withdrawn.
    Deleted,
}

/// One change to a mark.
pub struct MarkRevision(pub dnevnik_entities::mark_revision::Model);

/// One change to a mark: who, when, old → new.
#[Object]
impl MarkRevision {
    /// What happened.
    async fn action(&self) -> MarkChangeActionValue {
        use dnevnik_entities::enums::MarkRevisionAction as A;
        match self.0.action {
            A::Created => MarkChangeActionValue::Created,
            A::Updated => MarkChangeActionValue::Updated,
            A::Deleted => MarkChangeActionValue::Deleted,
        }
    }

    /// The value before (none when recorded).
    async fn old_value(&self) -> Option<i32> {
        self.0.old_value.map(i32::from)
    }

    /// The value after (none when withdrawn).
    async fn new_value(&self) -> Option<i32> {
        self.0.new_value.map(i32::from)
    }

    /// The weight before.
    async fn old_weight(&self) -> Option<i32> {
        self.0.old_weight.map(i32::from)
    }

    /// The weight after.
    async fn new_weight(&self) -> Option<i32> {
        self.0.new_weight.map(i32::from)
    }

    /// When.
    async fn changed_at(&self) -> DateTime {
        DateTime(self.0.changed_at)
    }

    /// The name of who changed it (a teacher or an administrator); none for imports.
    async fn changed_by(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        Ok(match self.0.account_id {
            Some(id) => loaders::load::<dnevnik_entities::account::Entity>(ctx, id)
                .await?
                .map(|a| a.display_name),
            None => None,
        })
    }
}

/// Absence or lateness.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "AttendanceStatus")]
#[graphql(remote = "dnevnik_entities::enums::AttendanceStatus")]
pub enum AttendanceStatusValue {
    /// Absent without a valid reason (пропуск по неуважительной причине).
    Absent,
    /// Absent for a valid reason (по уважительной причине).
    Excused,
    /// Late (опоздание).
    Late,
}

/// A student's absence or lateness at a lesson.
pub struct AttendanceRecord(pub attendance_record::Model);

/// A student's absence or lateness at a lesson.
#[Object]
impl AttendanceRecord {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AttendanceRecord, self.0.id)
    }

    /// Absent, excused or late.
    async fn status(&self) -> AttendanceStatusValue {
        self.0.status.into()
    }

    /// Minutes late, for lateness.
    async fn minutes_late(&self) -> Option<i32> {
        self.0.minutes_late.map(i32::from)
    }

    /// The day.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The lesson.
    async fn lesson(&self, ctx: &Context<'_>) -> AppResult<Option<Lesson>> {
        Ok(loaders::load::<lesson::Entity>(ctx, self.0.lesson_id)
            .await?
            .map(Lesson))
    }
}

/// A remark or praise.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "RemarkKind")]
#[graphql(remote = "dnevnik_entities::enums::RemarkKind")]
pub enum RemarkKindValue {
    /// Замечание.
    Remark,
    /// Похвала.
    Praise,
}

/// A teacher's comment on a student at a lesson.
pub struct Remark(pub remark::Model);

/// A teacher's comment on a student at a lesson.
#[Object]
impl Remark {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Remark, self.0.id)
    }

    /// Remark or praise.
    async fn kind(&self) -> RemarkKindValue {
        match self.0.kind {
            RemarkKind::Remark => RemarkKindValue::Remark,
            RemarkKind::Praise => RemarkKindValue::Praise,
        }
    }

    /// The comment.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The day.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The teacher.
    async fn teacher(&self, ctx: &Context<'_>) -> AppResult<Option<StaffMember>> {
        Ok(
            loaders::load::<staff_member::Entity>(ctx, self.0.staff_member_id)
                .await?
                .map(StaffMember),
        )
    }
}

/// A final mark's value.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "FinalMarkValue")]
#[graphql(remote = "dnevnik_entities::enums::FinalMarkValue")]
pub enum FinalMarkValueKind {
    /// 1.
    One,
    /// 2.
    Two,
    /// 3.
    Three,
    /// 4.
    Four,
    /// 5.
    Five,
    /// Зачёт.
    Pass,
    /// Незачёт.
    Fail,
    /// Не аттестован (н/а).
    NotAttested,
    /// Освобождён (осв.).
    Exempt,
}

/// A final mark for a quarter, trimester, half-year or the year.
pub struct FinalMark(pub final_mark::Model);

/// A final mark for a quarter, trimester, half-year or the year.
#[Object]
impl FinalMark {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::FinalMark, self.0.id)
    }

    /// The value.
    async fn value(&self) -> FinalMarkValueKind {
        match self.0.value {
            FinalMarkValue::One => FinalMarkValueKind::One,
            FinalMarkValue::Two => FinalMarkValueKind::Two,
            FinalMarkValue::Three => FinalMarkValueKind::Three,
            FinalMarkValue::Four => FinalMarkValueKind::Four,
            FinalMarkValue::Five => FinalMarkValueKind::Five,
            FinalMarkValue::Pass => FinalMarkValueKind::Pass,
            FinalMarkValue::Fail => FinalMarkValueKind::Fail,
            FinalMarkValue::NotAttested => FinalMarkValueKind::NotAttested,
            FinalMarkValue::Exempt => FinalMarkValueKind::Exempt,
        }
    }

    /// As printed in a diary: "5", "зач", "незач", "н/а", "осв".
    async fn display(&self) -> &'static str {
        match self.0.value {
            FinalMarkValue::One => "1",
            FinalMarkValue::Two => "2",
            FinalMarkValue::Three => "3",
            FinalMarkValue::Four => "4",
            FinalMarkValue::Five => "5",
            FinalMarkValue::Pass => "зач",
            FinalMarkValue::Fail => "незач",
            FinalMarkValue::NotAttested => "н/а",
            FinalMarkValue::Exempt => "осв",
        }
    }

    /// The period it closes.
    async fn study_period(&self, ctx: &Context<'_>) -> AppResult<Option<StudyPeriod>> {
        Ok(
            loaders::load::<dnevnik_entities::study_period::Entity>(ctx, self.0.study_period_id)
                .await?
                .map(StudyPeriod),
        )
    }

    /// The subject.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Subject> {
        loaders::load::<subject::Entity>(ctx, self.0.subject_id)
            .await?
            .map(Subject)
            .ok_or(AppError::NotFound)
    }
}

/// A result of an external assessment (МЦКО diagnostics, ВПР).
pub struct ExternalAssessment(pub external_assessment::Model);

/// A result of an external assessment (МЦКО diagnostics, ВПР).
#[Object]
impl ExternalAssessment {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ExternalAssessment, self.0.id)
    }

    /// What was assessed.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who assessed it, e.g. "МЦКО".
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// When.
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }

    /// Points scored.
    async fn score(&self) -> i32 {
        self.0.score
    }

    /// Points possible.
    async fn max_score(&self) -> i32 {
        self.0.max_score
    }

    /// Share of the possible points, 0–100.
    async fn percent(&self) -> i32 {
        self.0.score * 100 / self.0.max_score.max(1)
    }

    /// The level assigned ("высокий", "базовый", …).
    async fn level(&self) -> Option<&str> {
        self.0.level.as_deref()
    }

    /// The subject, if the assessment is of one.
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Option<Subject>> {
        match self.0.subject_id {
            Some(id) => Ok(loaders::load::<subject::Entity>(ctx, id)
                .await?
                .map(Subject)),
            None => Ok(None),
        }
    }
}

/// One subject's progress in a study period.
pub struct SubjectProgress(pub progress::SubjectProgress);

/// One subject's progress in a study period.
#[Object]
impl SubjectProgress {
    /// The subject.
    async fn subject(&self) -> Subject {
        Subject(self.0.subject.clone())
    }

    /// Who teaches it.
    #[graphql(complexity = "cost::times(cost::TEACHERS_PER_SUBJECT, child_complexity)")]
    async fn teachers(&self) -> Vec<StaffMember> {
        self.0.teachers.iter().cloned().map(StaffMember).collect()
    }

    /// The marks of the period, oldest first.
    #[graphql(complexity = "cost::times(cost::MARKS_PER_SUBJECT, child_complexity)")]
    async fn marks(&self) -> Vec<Mark> {
        self.0.marks.iter().cloned().map(Mark).collect()
    }

    /// The weighted average, to two decimals (truncated), or null without marks.
    async fn average(&self) -> Option<f64> {
        self.0.average.hundredths().map(|h| h as f64 / 100.0)
    }

    /// The average rounded by the school's rule: what the final mark would be now.
    async fn rounded_average(&self) -> Option<i32> {
        self.0
            .average
            .rounded(self.0.rounding_threshold)
            .map(i32::from)
    }

    /// The final mark for the period, once the teacher has set it.
    async fn final_mark(&self) -> Option<FinalMark> {
        self.0.final_mark.clone().map(FinalMark)
    }

    /// Lessons missed in the period (with or without a valid reason).
    async fn missed_lessons(&self) -> i32 {
        i32::try_from(self.0.missed_lessons).unwrap_or(i32::MAX)
    }

    /// Lessons held in the period so far.
    async fn held_lessons(&self) -> i32 {
        i32::try_from(self.0.held_lessons).unwrap_or(i32::MAX)
    }
}

/// A cell of the final-marks table.
pub struct FinalMarkCell {
    period: dnevnik_entities::study_period::Model,
    mark: Option<final_mark::Model>,
}

/// A cell of the final-marks table.
#[Object]
impl FinalMarkCell {
    /// The period (column).
    async fn study_period(&self) -> StudyPeriod {
        StudyPeriod(self.period.clone())
    }

    /// The final mark, if set.
    async fn final_mark(&self) -> Option<FinalMark> {
        self.mark.clone().map(FinalMark)
    }
}

/// A row of the final-marks table: one subject.
pub struct FinalMarksRow {
    subject: subject::Model,
    cells: Vec<FinalMarkCell>,
}

/// A row of the final-marks table: one subject.
#[Object]
impl FinalMarksRow {
    /// The subject.
    async fn subject(&self) -> Subject {
        Subject(self.subject.clone())
    }

    /// One cell per period, in the table's column order.
    #[graphql(complexity = "cost::times(cost::PERIODS, child_complexity)")]
    async fn cells(&self) -> &[FinalMarkCell] {
        &self.cells
    }
}

/// Final marks of a year (итоговые оценки): periods as columns, subjects as rows.
pub struct FinalMarksTable(pub progress::FinalMarksTable);

/// Final marks of a year (итоговые оценки): periods as columns, subjects as rows.
#[Object]
impl FinalMarksTable {
    /// The columns: the quarters in order, then the year.
    #[graphql(complexity = "cost::times(cost::PERIODS, child_complexity)")]
    async fn study_periods(&self) -> Vec<StudyPeriod> {
        self.0.periods.iter().cloned().map(StudyPeriod).collect()
    }

    /// The rows: subjects with at least one final mark.
    #[graphql(complexity = "cost::times(cost::SUBJECTS, child_complexity)")]
    async fn rows(&self) -> Vec<FinalMarksRow> {
        self.0
            .rows
            .iter()
            .map(|(subject, cells)| FinalMarksRow {
                subject: subject.clone(),
                cells: self
                    .0
                    .periods
                    .iter()
                    .map(|p| FinalMarkCell {
                        period: p.clone(),
                        mark: cells.get(&p.id).cloned(),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Attendance over a date range.
#[derive(SimpleObject)]
pub struct AttendanceSummary {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Lessons missed without a valid reason.
    pub absent: i32,
    /// Lessons missed for a valid reason.
    pub excused: i32,
    /// Times late.
    pub late: i32,
    /// Every record, oldest first.
    #[graphql(complexity = "cost::times(cost::ATTENDANCE, child_complexity)")]
    pub entries: Vec<AttendanceRecord>,
}

/// Which way an average moves.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Trend")]
pub enum TrendValue {
    /// Higher than two weeks ago.
    Up,
    /// Lower than two weeks ago.
    Down,
    /// About the same (within 0.1).
    Steady,
    /// Not enough marks to tell.
    Unknown,
}

/// A student's standing in their class for a period: never another student's name or marks.
pub struct Rating {
    pub(crate) period: dnevnik_entities::study_period::Model,
    pub(crate) rating: progress::Rating,
}

/// A student's standing in their class for a period: never another student's name or marks.
#[Object]
impl Rating {
    /// The period.
    async fn study_period(&self) -> StudyPeriod {
        StudyPeriod(self.period.clone())
    }

    /// Place in class by weighted average (1 is best); null without marks.
    async fn place(&self) -> Option<i32> {
        self.rating.place.and_then(|p| i32::try_from(p).ok())
    }

    /// Students in the class.
    async fn class_size(&self) -> i32 {
        i32::try_from(self.rating.class_size).unwrap_or(i32::MAX)
    }

    /// The student's own weighted average over all subjects, to two decimals.
    async fn average(&self) -> Option<f64> {
        self.rating.average.hundredths().map(|h| h as f64 / 100.0)
    }

    /// The average's direction over the last two weeks.
    async fn trend(&self) -> TrendValue {
        match self.rating.trend {
            progress::Trend::Up => TrendValue::Up,
            progress::Trend::Down => TrendValue::Down,
            progress::Trend::Steady => TrendValue::Steady,
            progress::Trend::Unknown => TrendValue::Unknown,
        }
    }
}

/// A row of the class journal: a student and their marks and absences in the range.
pub struct ClassJournalRow {
    student: Student,
    marks: Vec<MarkView>,
    attendance: Vec<attendance_record::Model>,
}

/// A row of the class journal: a student and their marks and absences in the range.
#[Object]
impl ClassJournalRow {
    /// The student.
    async fn student(&self) -> &Student {
        &self.student
    }

    /// Their marks in the subject, oldest first; each refers to its lesson by date.
    #[graphql(complexity = "cost::times(cost::JOURNAL_LESSONS, child_complexity)")]
    async fn marks(&self) -> Vec<Mark> {
        self.marks.iter().cloned().map(Mark).collect()
    }

    /// Their absences and lateness at the journal's lessons.
    #[graphql(complexity = "cost::times(cost::ATTENDANCE, child_complexity)")]
    async fn attendance(&self) -> Vec<AttendanceRecord> {
        self.attendance
            .iter()
            .cloned()
            .map(AttendanceRecord)
            .collect()
    }
}

/// The class journal (электронный журнал) of one subject: lessons as columns, students as rows.
pub struct ClassJournal {
    subject: subject::Model,
    lessons: Vec<lesson::Model>,
    rows: Vec<ClassJournalRow>,
}

impl ClassJournal {
    /// A journal read by [`journal::read::class_journal`], its students carrying `access`.
    pub fn new(view: journal::read::ClassJournalView, access: &Access) -> Self {
        let journal::read::ClassJournalView {
            subject,
            lessons,
            students,
            mut marks,
            mut attendance,
        } = view;
        let rows = Student::group(students, |_| access.clone())
            .into_iter()
            .map(|student| {
                let id = student.model.id;
                ClassJournalRow {
                    marks: marks.remove(&id).unwrap_or_default(),
                    attendance: attendance.remove(&id).unwrap_or_default(),
                    student,
                }
            })
            .collect();
        Self {
            subject,
            lessons,
            rows,
        }
    }
}

/// The class journal (электронный журнал) of one subject: lessons as columns, students as rows.
#[Object]
impl ClassJournal {
    /// The subject.
    async fn subject(&self) -> Subject {
        Subject(self.subject.clone())
    }

    /// The columns: the subject's lessons in the range, in order.
    #[graphql(complexity = "cost::times(cost::JOURNAL_LESSONS, child_complexity)")]
    async fn lessons(&self) -> Vec<Lesson> {
        self.lessons.iter().cloned().map(Lesson).collect()
    }

    /// The rows: one per student, by surname.
    #[graphql(complexity = "cost::times(cost::STUDENTS_PER_CLASS, child_complexity)")]
    async fn rows(&self) -> &[ClassJournalRow] {
        &self.rows
    }
}

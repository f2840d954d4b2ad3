//! Reading the diary: lessons with what happened at them, for a set of students and a date
//! range at once. Every read here is set-based — a fixed number of statements whatever the
//! number of students, days, lessons or marks — and takes the policy's access per student, so
//! a subject teacher sees only their subjects.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use dnevnik_entities::enums::{AttendanceStatus, CalendarDayKind};
use dnevnik_entities::{
    attendance_record, calendar_day, control_form, homework, lesson, mark, remark, staff_member,
    subject,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Access, StudentRef};

/// Longest date range one diary request may ask for (a quarter and a bit).
pub const MAX_DAYS: i64 = 93;

/// A student together with what the viewer may see of them.
#[derive(Clone, Debug)]
pub struct Scoped {
    /// The student.
    pub student: StudentRef,
    /// The viewer's access.
    pub access: Access,
}

/// A mark with its control form.
#[derive(Clone, Debug)]
pub struct MarkView {
    /// The mark.
    pub mark: mark::Model,
    /// Its control form, if recorded.
    pub control_form: Option<control_form::Model>,
}

/// One lesson of a student's diary.
#[derive(Clone, Debug)]
pub struct DiaryLesson {
    /// The lesson.
    pub lesson: lesson::Model,
    /// Its subject.
    pub subject: Option<subject::Model>,
    /// Its teacher.
    pub teacher: Option<staff_member::Model>,
    /// The replacing teacher, when replaced.
    pub replacement: Option<staff_member::Model>,
    /// Homework due at this lesson.
    pub homework_due: Vec<homework::Model>,
    /// Homework given at this lesson.
    pub homework_given: Vec<homework::Model>,
    /// The student's marks from this lesson.
    pub marks: Vec<MarkView>,
    /// The student's absence or lateness at this lesson.
    pub attendance: Option<attendance_record::Model>,
    /// Remarks about the student at this lesson.
    pub remarks: Vec<remark::Model>,
}

/// One day of a student's diary.
#[derive(Clone, Debug)]
pub struct DiaryDay {
    /// The day.
    pub date: NaiveDate,
    /// The name of the public holiday or day off, if it is one.
    pub holiday: Option<String>,
    /// The lessons, in order.
    pub lessons: Vec<DiaryLesson>,
}

/// Checks a date range argument.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::bad_input("to", Reason::RangeReversed));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::bad_input(
            "to",
            Reason::TooManyDays { max: MAX_DAYS },
        ));
    }
    Ok(())
}

/// The diaries of several students over one date range, in a fixed number of statements.
pub async fn diaries(
    db: &impl ConnectionTrait,
    students: &[Scoped],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<i64, Vec<DiaryDay>>> {
    check_range(from, to)?;
    let classes: HashSet<i64> = students.iter().map(|s| s.student.class_unit_id).collect();
    let ids: Vec<i64> = students.iter().map(|s| s.student.id).collect();
    let subjects_filter = subject_union(students);
    if classes.is_empty() {
        return Ok(HashMap::new());
    }

    let lessons = lesson::Entity::find()
        .filter(lesson::Column::ClassUnitId.is_in(classes.iter().copied()))
        .filter(lesson::Column::Date.between(from, to))
        .filter(subject_condition(
            &subjects_filter,
            lesson::Column::SubjectId,
        ))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .order_by_asc(lesson::Column::Id)
        .all(db)
        .await?;
    let marks = mark::Entity::find()
        .filter(mark::Column::StudentId.is_in(ids.clone()))
        .filter(mark::Column::Date.between(from, to))
        .filter(mark::Column::DeletedAt.is_null())
        .filter(subject_condition(&subjects_filter, mark::Column::SubjectId))
        .order_by_asc(mark::Column::Id)
        .all(db)
        .await?;
    let homework = homework::Entity::find()
        .filter(homework::Column::ClassUnitId.is_in(classes.iter().copied()))
        .filter(
            Condition::any()
                .add(homework::Column::DueOn.between(from, to))
                .add(homework::Column::GivenOn.between(from, to)),
        )
        .filter(subject_condition(
            &subjects_filter,
            homework::Column::SubjectId,
        ))
        .order_by_asc(homework::Column::Id)
        .all(db)
        .await?;
    let attendance = attendance_record::Entity::find()
        .filter(attendance_record::Column::StudentId.is_in(ids.clone()))
        .filter(attendance_record::Column::Date.between(from, to))
        .all(db)
        .await?;
    let remarks = remark::Entity::find()
        .filter(remark::Column::StudentId.is_in(ids))
        .filter(remark::Column::Date.between(from, to))
        .order_by_asc(remark::Column::Id)
        .all(db)
        .await?;
    let holidays = calendar_day::Entity::find()
        .filter(calendar_day::Column::Date.between(from, to))
        .filter(calendar_day::Column::Kind.ne(CalendarDayKind::WorkingDay))
        .all(db)
        .await?;
    let subject_ids: HashSet<i64> = lessons.iter().map(|l| l.subject_id).collect();
    let subjects = by_id(
        subject::Entity::find()
            .filter(subject::Column::Id.is_in(subject_ids))
            .all(db)
            .await?,
        |s| s.id,
    );
    let staff_ids: HashSet<i64> = lessons
        .iter()
        .flat_map(|l| [Some(l.staff_member_id), l.replacement_staff_id])
        .flatten()
        .collect();
    let staff = by_id(
        staff_member::Entity::find()
            .filter(staff_member::Column::Id.is_in(staff_ids))
            .all(db)
            .await?,
        |s| s.id,
    );
    let forms = control_forms_of(db, &marks).await?;
    let holidays: HashMap<NaiveDate, String> =
        holidays.into_iter().map(|d| (d.date, d.name)).collect();

    let mut result = HashMap::new();
    for scoped in students {
        let student = scoped.student;
        let mut days: BTreeMap<NaiveDate, Vec<DiaryLesson>> = BTreeMap::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            days.insert(day, Vec::new());
        }
        for lesson in lessons.iter().filter(|l| {
            l.class_unit_id == student.class_unit_id && scoped.access.covers_subject(l.subject_id)
        }) {
            let due: Vec<homework::Model> = homework
                .iter()
                .filter(|h| {
                    h.due_lesson_id == Some(lesson.id)
                        || (h.due_lesson_id.is_none()
                            && h.due_on == lesson.date
                            && h.subject_id == lesson.subject_id
                            && h.class_unit_id == lesson.class_unit_id)
                })
                .cloned()
                .collect();
            let given: Vec<homework::Model> = homework
                .iter()
                .filter(|h| h.lesson_id == Some(lesson.id))
                .cloned()
                .collect();
            let lesson_marks = marks
                .iter()
                .filter(|m| m.student_id == student.id && m.lesson_id == Some(lesson.id))
                .map(|m| MarkView {
                    mark: m.clone(),
                    control_form: m.control_form_id.and_then(|f| forms.get(&f).cloned()),
                })
                .collect();
            let record = attendance
                .iter()
                .find(|a| a.student_id == student.id && a.lesson_id == lesson.id)
                .cloned();
            let lesson_remarks = remarks
                .iter()
                .filter(|r| r.student_id == student.id && r.lesson_id == Some(lesson.id))
                .cloned()
                .collect();
            days.entry(lesson.date).or_default().push(DiaryLesson {
                subject: subjects.get(&lesson.subject_id).cloned(),
                teacher: staff.get(&lesson.staff_member_id).cloned(),
                replacement: lesson
                    .replacement_staff_id
                    .and_then(|s| staff.get(&s).cloned()),
                lesson: lesson.clone(),
                homework_due: due,
                homework_given: given,
                marks: lesson_marks,
                attendance: record,
                remarks: lesson_remarks,
            });
        }
        let view = days
            .into_iter()
            .map(|(date, lessons)| DiaryDay {
                date,
                holiday: holidays.get(&date).cloned(),
                lessons,
            })
            .collect();
        result.insert(student.id, view);
    }
    Ok(result)
}

/// Whether an attendance record means the student missed the lesson.
pub fn is_absence(status: AttendanceStatus) -> bool {
    matches!(status, AttendanceStatus::Absent | AttendanceStatus::Excused)
}

/// The subjects to filter on in SQL: `None` when some student is fully visible.
fn subject_union(students: &[Scoped]) -> Option<HashSet<i64>> {
    let mut union = HashSet::new();
    for scoped in students {
        match scoped.access.limited_to() {
            None => return None,
            Some(subjects) => union.extend(subjects.iter().copied()),
        }
    }
    Some(union)
}

/// A condition limiting a `subject_id` column to a set, or nothing.
pub fn subject_condition<C: ColumnTrait>(subjects: &Option<HashSet<i64>>, column: C) -> Condition {
    match subjects {
        None => Condition::all(),
        Some(set) => Condition::all().add(column.is_in(set.iter().copied())),
    }
}

/// Indexes rows by id.
pub fn by_id<T>(rows: Vec<T>, id: impl Fn(&T) -> i64) -> HashMap<i64, T> {
    rows.into_iter().map(|row| (id(&row), row)).collect()
}

/// The control forms of some marks, by id, in one statement.
pub async fn control_forms_of<'a>(
    db: &impl ConnectionTrait,
    marks: impl IntoIterator<Item = &'a mark::Model>,
) -> AppResult<HashMap<i64, control_form::Model>> {
    let ids: HashSet<i64> = marks
        .into_iter()
        .filter_map(|m| m.control_form_id)
        .collect();
    Ok(by_id(
        control_form::Entity::find()
            .filter(control_form::Column::Id.is_in(ids))
            .all(db)
            .await?,
        |f| f.id,
    ))
}

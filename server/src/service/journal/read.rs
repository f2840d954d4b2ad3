//! Reading the class journal (электронный журнал) of one subject: the subject's lessons in a
//! range as columns, the class's students as rows, with their marks and absences. A fixed
//! number of statements whatever the class's size or the range's length.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use dnevnik_entities::{attendance_record, class_unit, lesson, mark, student, subject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::{AppError, AppResult};
use crate::policy::Access;
use crate::service::diary::MarkView;

/// One subject's journal of a class.
#[derive(Clone, Debug)]
pub struct ClassJournalView {
    /// The subject.
    pub subject: subject::Model,
    /// The columns: the subject's lessons in the range, in order.
    pub lessons: Vec<lesson::Model>,
    /// The rows: the class's current students, by surname.
    pub students: Vec<student::Model>,
    /// Each student's marks in the subject and range, oldest first.
    pub marks: HashMap<i64, Vec<MarkView>>,
    /// Each student's absences and lateness at the journal's lessons.
    pub attendance: HashMap<i64, Vec<attendance_record::Model>>,
}

/// Loads a class's journal of one subject. `access` is the viewer's access to the class
/// narrowed to the subject: holding it is what allows the call.
pub async fn class_journal(
    db: &impl ConnectionTrait,
    class: &class_unit::Model,
    access: &Access,
    subject_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<ClassJournalView> {
    if !access.covers_subject(subject_id) {
        return Err(AppError::Forbidden);
    }
    let subject = subject::Entity::find_by_id(subject_id)
        .filter(subject::Column::SchoolId.eq(class.school_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::ClassUnitId.eq(class.id))
        .filter(lesson::Column::SubjectId.eq(subject_id))
        .filter(lesson::Column::Date.between(from, to))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?;
    let students = student::Entity::find()
        .filter(student::Column::ClassUnitId.eq(class.id))
        .filter(student::Column::LeftOn.is_null())
        .order_by_asc(student::Column::LastName)
        .order_by_asc(student::Column::FirstName)
        .all(db)
        .await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let marks = mark::Entity::find()
        .filter(mark::Column::StudentId.is_in(ids))
        .filter(mark::Column::SubjectId.eq(subject_id))
        .filter(mark::Column::Date.between(from, to))
        .filter(mark::Column::DeletedAt.is_null())
        .order_by_asc(mark::Column::Date)
        .order_by_asc(mark::Column::Id)
        .all(db)
        .await?;
    let lesson_ids: HashSet<i64> = lessons.iter().map(|l| l.id).collect();
    let attendance_rows = attendance_record::Entity::find()
        .filter(attendance_record::Column::LessonId.is_in(lesson_ids))
        .all(db)
        .await?;
    let forms = crate::service::diary::control_forms_of(db, &marks).await?;
    let mut by_student: HashMap<i64, Vec<MarkView>> = HashMap::new();
    for m in marks {
        by_student.entry(m.student_id).or_default().push(MarkView {
            control_form: m.control_form_id.and_then(|f| forms.get(&f).cloned()),
            mark: m,
        });
    }
    let mut attendance: HashMap<i64, Vec<attendance_record::Model>> = HashMap::new();
    for a in attendance_rows {
        attendance.entry(a.student_id).or_default().push(a);
    }
    Ok(ClassJournalView {
        subject,
        lessons,
        students,
        marks: by_student,
        attendance,
    })
}

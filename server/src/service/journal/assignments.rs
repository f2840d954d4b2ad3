//! Homework: given at a lesson, due at a later lesson or on a day, changed or withdrawn.

// The journal's shared imports and helpers.
use super::*;

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

pub(super) fn attachments(links: &[String]) -> AppResult<Option<String>> {
    if links.len() > MAX_ATTACHMENTS {
        return Err(AppError::bad_input(
            "attachments",
            Reason::TooManyLinks {
                max: MAX_ATTACHMENTS as i64,
            },
        ));
    }
    let mut clean = Vec::new();
    for link in links {
        let link = link.trim();
        let ok = link.len() <= 2000
            && url::Url::parse(link).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            return Err(AppError::bad_input("attachments", Reason::LinkScheme));
        }
        clean.push(link.to_owned());
    }
    Ok((!clean.is_empty()).then(|| serde_json::Value::from(clean).to_string()))
}

/// Where homework was given: the class, subject and day it is due after.
pub(super) struct Given {
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
pub(super) async fn due_of(
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
                .ok_or_else(|| AppError::bad_input("dueLessonId", Reason::DueLessonMismatch))?;
            if due.date < given.date || Some(due.id) == given.lesson_id {
                return Err(AppError::bad_input("dueLessonId", Reason::DueLessonBefore));
            }
            if due_on.is_some_and(|d| d != due.date) {
                return Err(AppError::bad_input("dueOn", Reason::DueDayMismatch));
            }
            Ok((Some(due.id), due.date))
        }
        (None, Some(day)) => {
            if day < given.date {
                return Err(AppError::bad_input("dueOn", Reason::DueBeforeGiven));
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
                .ok_or_else(|| AppError::bad_input("dueOn", Reason::NoNextLesson))?;
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
    let now = writer.now();
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
    notifications::notify_class(
        &txn,
        row.class_unit_id,
        Notice::homework(&row),
        writer.now(),
    )
    .await?;
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

pub(super) async fn writable_homework(
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
    active.updated_at = Set(writer.now());
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

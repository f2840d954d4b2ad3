//! Notifications: one row per recipient, written in the transaction of the change they tell
//! about, read by their recipient only. A notification about a child is shown only while the
//! reader still sees that child (a removed guardian stops seeing them at once).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use dnevnik_entities::enums::NotificationKind;
use dnevnik_entities::{
    attendance_record, guardianship, homework, lesson, mark, notification, remark, student,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::error::AppResult;
use crate::policy::Viewer;

/// What to tell.
#[derive(Clone, Debug)]
pub struct Notice {
    kind: NotificationKind,
    school_id: Option<i64>,
    object_type: &'static str,
    object_id: i64,
    data: serde_json::Value,
}

impl Notice {
    /// A new mark.
    pub fn mark_recorded(m: &mark::Model) -> Self {
        Self {
            kind: NotificationKind::MarkRecorded,
            school_id: Some(m.school_id),
            object_type: "mark",
            object_id: m.id,
            data: json!({
                "subject_id": m.subject_id,
                "new_value": m.value,
                "weight": m.weight,
                "date": m.date,
            }),
        }
    }

    /// A mark whose value changed: old → new.
    pub fn mark_changed(before: &mark::Model, after: &mark::Model) -> Self {
        Self {
            kind: NotificationKind::MarkChanged,
            school_id: Some(after.school_id),
            object_type: "mark",
            object_id: after.id,
            data: json!({
                "subject_id": after.subject_id,
                "old_value": before.value,
                "new_value": after.value,
                "date": after.date,
            }),
        }
    }

    /// A withdrawn mark.
    pub fn mark_deleted(before: &mark::Model) -> Self {
        Self {
            kind: NotificationKind::MarkDeleted,
            school_id: Some(before.school_id),
            object_type: "mark",
            object_id: before.id,
            data: json!({
                "subject_id": before.subject_id,
                "old_value": before.value,
                "date": before.date,
            }),
        }
    }

    /// An absence or lateness.
    pub fn attendance(record: &attendance_record::Model, lesson: &lesson::Model) -> Self {
        Self {
            kind: NotificationKind::Attendance,
            school_id: Some(record.school_id),
            object_type: "lesson",
            object_id: lesson.id,
            data: json!({
                "subject_id": lesson.subject_id,
                "status": record.status.as_str(),
                "minutes_late": record.minutes_late,
                "date": record.date,
            }),
        }
    }

    /// New homework.
    pub fn homework(h: &homework::Model) -> Self {
        Self {
            kind: NotificationKind::Homework,
            school_id: Some(h.school_id),
            object_type: "homework",
            object_id: h.id,
            data: json!({ "subject_id": h.subject_id, "date": h.due_on }),
        }
    }

    /// A remark or praise.
    pub fn remark(r: &remark::Model) -> Self {
        Self {
            kind: NotificationKind::Remark,
            school_id: Some(r.school_id),
            object_type: "remark",
            object_id: r.id,
            data: json!({ "remark_kind": r.kind.as_str(), "date": r.date }),
        }
    }

    /// A new message in a conversation.
    pub fn message(school_id: i64, conversation_id: i64, message_id: i64) -> Self {
        Self {
            kind: NotificationKind::Message,
            school_id: Some(school_id),
            object_type: "message",
            object_id: message_id,
            data: json!({ "conversation_id": conversation_id }),
        }
    }

    /// Published news.
    pub fn news(school_id: Option<i64>, news_item_id: i64) -> Self {
        Self {
            kind: NotificationKind::News,
            school_id,
            object_type: "news_item",
            object_id: news_item_id,
            data: json!({}),
        }
    }
}

/// Writes a notice for each `(account, student)` pair.
pub async fn notify(
    db: &impl ConnectionTrait,
    recipients: impl IntoIterator<Item = (i64, Option<i64>)>,
    notice: &Notice,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let unique: BTreeSet<(i64, Option<i64>)> = recipients.into_iter().collect();
    let rows: Vec<notification::ActiveModel> = unique
        .into_iter()
        .map(|(account, student)| notification::ActiveModel {
            account_id: Set(account),
            school_id: Set(notice.school_id),
            student_id: Set(student),
            kind: Set(notice.kind),
            object_type: Set(Some(notice.object_type.to_owned())),
            object_id: Set(Some(notice.object_id)),
            data: Set(notice.data.to_string()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .collect();
    // Bounded batches keep each statement under the databases' parameter limits.
    for batch in rows.chunks(500) {
        notification::Entity::insert_many(batch.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Tells a student's family: their guardians and the student's own account.
pub async fn notify_family(
    db: &impl ConnectionTrait,
    student: &student::Model,
    notice: Notice,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let guardians = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.eq(student.id))
        .all(db)
        .await?;
    let recipients = guardians
        .into_iter()
        .map(|g| g.account_id)
        .chain(student.account_id)
        .map(|account| (account, Some(student.id)));
    notify(db, recipients, &notice, now).await
}

/// Tells every current student of a class and their guardians.
pub async fn notify_class(
    db: &impl ConnectionTrait,
    class_unit_id: i64,
    notice: Notice,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let students = student::Entity::find()
        .filter(student::Column::ClassUnitId.eq(class_unit_id))
        .filter(student::Column::LeftOn.is_null())
        .all(db)
        .await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let guardians = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.is_in(ids))
        .all(db)
        .await?;
    let recipients = students
        .iter()
        .filter_map(|s| s.account_id.map(|a| (a, Some(s.id))))
        .chain(guardians.iter().map(|g| (g.account_id, Some(g.student_id))));
    notify(db, recipients.collect::<Vec<_>>(), &notice, now).await
}

/// A page of the viewer's notifications, newest first, after an id cursor.
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    unread_only: bool,
    after: Option<i64>,
    limit: u64,
) -> AppResult<(Vec<notification::Model>, bool)> {
    let mut query = notification::Entity::find().filter(viewer.notification_condition());
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(after) = after {
        query = query.filter(notification::Column::Id.lt(after));
    }
    let mut rows = query
        .order_by_desc(notification::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, has_next))
}

/// How many of the viewer's notifications are unread.
pub async fn unread_count(db: &impl ConnectionTrait, viewer: &Viewer) -> AppResult<u64> {
    Ok(notification::Entity::find()
        .filter(viewer.notification_condition())
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks some of the viewer's notifications read (all of them for `None`); returns how many
/// changed. Other accounts' ids are ignored, not refused: they are not the viewer's to know.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: Option<&[i64]>,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(viewer.notification_condition())
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        update = update.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Marks the viewer's notifications of a conversation's messages read.
pub async fn mark_conversation_read(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation_id: i64,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    use dnevnik_entities::message;
    use sea_orm::QueryTrait;
    let messages = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::ConversationId.eq(conversation_id))
        .into_query();
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::AccountId.eq(viewer.account_id()))
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::ObjectType.eq("message"))
        .filter(notification::Column::ObjectId.in_subquery(messages))
        .exec(db)
        .await?
        .rows_affected)
}

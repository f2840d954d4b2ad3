//! Notifications in the API: `viewer.notifications` and marking them read. A notification
//! carries what it shows (subject, old and new value, date, …) and points at its object, which
//! is resolved under the policy at read time: a withdrawn mark or deleted homework is `null`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use dnevnik_entities::enums::{AttendanceStatus, RemarkKind};
use dnevnik_entities::{control_form, homework, mark, notification, student, subject};
use serde::Deserialize;

use super::context::ContextExt;
use super::diary::{AttendanceStatusValue, Homework, Mark, RemarkKindValue};
use super::ids::{self, Kind};
use super::loaders;
use super::scalars::{Date, DateTime};
use super::school::Subject;
use super::student::Student;
use crate::error::AppResult;
use crate::policy::StudentRef;
use crate::service::diary::MarkView;
use crate::service::notifications;

/// What a notification is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "NotificationKind")]
#[graphql(remote = "dnevnik_entities::enums::NotificationKind")]
pub enum NotificationKindValue {
    /// A new mark.
    MarkRecorded,
    /// A mark's value changed (`oldValue` → `newValue`).
    MarkChanged,
    /// A mark was withdrawn.
    MarkDeleted,
    /// New homework.
    Homework,
    /// An absence or lateness.
    Attendance,
    /// A remark or praise.
    Remark,
    /// A new message.
    Message,
    /// News published.
    News,
}

/// The values a notification shows, as stored with it.
#[derive(Clone, Debug, Default, Deserialize)]
struct Data {
    subject_id: Option<i64>,
    old_value: Option<i32>,
    new_value: Option<i32>,
    date: Option<NaiveDate>,
    status: Option<AttendanceStatus>,
    minutes_late: Option<i32>,
    remark_kind: Option<RemarkKind>,
    conversation_id: Option<i64>,
}

/// Something the viewer should notice.
#[derive(Clone)]
pub struct Notification {
    model: notification::Model,
    data: Data,
}

impl From<notification::Model> for Notification {
    fn from(model: notification::Model) -> Self {
        let data = serde_json::from_str(&model.data).unwrap_or_default();
        Self { model, data }
    }
}

/// Something the viewer should notice: a new or changed mark, homework, an absence, a remark,
/// a message or news.
#[Object]
impl Notification {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Notification, self.model.id)
    }

    /// What it is about.
    async fn kind(&self) -> NotificationKindValue {
        self.model.kind.into()
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }

    /// When the viewer read it; `null` while unread.
    async fn read_at(&self) -> Option<DateTime> {
        self.model.read_at.map(DateTime)
    }

    /// Whether the viewer has read it.
    async fn read(&self) -> bool {
        self.model.read_at.is_some()
    }

    /// The child it is about, if any.
    async fn student(&self, ctx: &Context<'_>) -> AppResult<Option<Student>> {
        let Some(id) = self.model.student_id else {
            return Ok(None);
        };
        let viewer = ctx.viewer()?;
        Ok(loaders::load::<student::Entity>(ctx, id)
            .await?
            .and_then(|s| {
                viewer
                    .student_access(StudentRef::from(&s))
                    .map(|access| Student::single(s, access))
            }))
    }

    /// The subject (marks, homework, attendance).
    async fn subject(&self, ctx: &Context<'_>) -> AppResult<Option<Subject>> {
        Ok(match self.data.subject_id {
            Some(id) => loaders::load::<subject::Entity>(ctx, id)
                .await?
                .map(Subject),
            None => None,
        })
    }

    /// The day it concerns: the mark's or lesson's day, or when homework is due.
    async fn date(&self) -> Option<Date> {
        self.data.date.map(Date)
    }

    /// The mark before a change or withdrawal.
    async fn old_value(&self) -> Option<i32> {
        self.data.old_value
    }

    /// The new mark.
    async fn new_value(&self) -> Option<i32> {
        self.data.new_value
    }

    /// For an attendance notification: absent, excused or late.
    async fn attendance_status(&self) -> Option<AttendanceStatusValue> {
        self.data.status.map(Into::into)
    }

    /// For lateness: the minutes.
    async fn minutes_late(&self) -> Option<i32> {
        self.data.minutes_late
    }

    /// For a remark notification: remark or praise.
    async fn remark_kind(&self) -> Option<RemarkKindValue> {
        self.data.remark_kind.map(|k| match k {
            RemarkKind::Remark => RemarkKindValue::Remark,
            RemarkKind::Praise => RemarkKindValue::Praise,
        })
    }

    /// The mark as it is now, with its history; `null` once withdrawn.
    async fn mark(&self, ctx: &Context<'_>) -> AppResult<Option<Mark>> {
        if self.model.object_type.as_deref() != Some("mark") {
            return Ok(None);
        }
        let Some(id) = self.model.object_id else {
            return Ok(None);
        };
        let viewer = ctx.viewer()?;
        // Through the loader: a page of notifications loads its marks in one statement.
        let Some(row) = loaders::load::<mark::Entity>(ctx, id)
            .await?
            .filter(|m| m.deleted_at.is_none())
        else {
            return Ok(None);
        };
        let Some(owner) = loaders::load::<student::Entity>(ctx, row.student_id).await? else {
            return Ok(None);
        };
        let visible = viewer
            .student_access(StudentRef::from(&owner))
            .is_some_and(|a| a.covers_subject(row.subject_id));
        if !visible {
            return Ok(None);
        }
        let control_form = match row.control_form_id {
            Some(form) => loaders::load::<control_form::Entity>(ctx, form).await?,
            None => None,
        };
        Ok(Some(Mark(MarkView {
            mark: row,
            control_form,
        })))
    }

    /// The homework; `null` once deleted.
    async fn homework(&self, ctx: &Context<'_>) -> AppResult<Option<Homework>> {
        if self.model.object_type.as_deref() != Some("homework") {
            return Ok(None);
        }
        let Some(id) = self.model.object_id else {
            return Ok(None);
        };
        let viewer = ctx.viewer()?;
        Ok(loaders::load::<homework::Entity>(ctx, id)
            .await?
            .filter(|h| viewer.member_of_class(h.class_unit_id, h.school_id))
            .map(Homework))
    }

    /// For a message: the conversation's id (open it with `node(id:)`).
    async fn conversation_id(&self) -> Option<ID> {
        self.data
            .conversation_id
            .map(|id| ids::encode(Kind::Conversation, id))
    }

    /// For news: the item's id (open it with `node(id:)`).
    async fn news_item_id(&self) -> Option<ID> {
        match self.model.object_type.as_deref() {
            Some("news_item") => self
                .model
                .object_id
                .map(|id| ids::encode(Kind::NewsItem, id)),
            _ => None,
        }
    }
}

/// Notifications to mark read.
#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// Which ones; leave out to mark all of the viewer's notifications read.
    pub notification_ids: Option<Vec<ID>>,
}

/// The result of marking notifications read.
#[derive(SimpleObject)]
pub struct MarkNotificationsReadPayload {
    /// How many changed from unread to read.
    pub marked: i32,
    /// How many are still unread.
    pub unread_count: i32,
}

/// Changes to the viewer's notifications.
#[derive(Default)]
pub struct NotificationMutation;

/// Changes to the viewer's notifications.
#[Object]
impl NotificationMutation {
    /// Marks notifications read: the ones named, or all. Ids of other people's notifications
    /// are ignored.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        input: MarkNotificationsReadInput,
    ) -> AppResult<MarkNotificationsReadPayload> {
        let viewer = ctx.viewer()?;
        let db = ctx.db()?;
        let ids = input
            .notification_ids
            .map(|list| {
                list.iter()
                    .map(|id| ids::decode(id, Kind::Notification))
                    .collect::<AppResult<Vec<i64>>>()
            })
            .transpose()?;
        let marked =
            notifications::mark_read(db, viewer, ids.as_deref(), ctx.clock()?.now()).await?;
        let unread = notifications::unread_count(db, viewer).await?;
        Ok(MarkNotificationsReadPayload {
            marked: i32::try_from(marked).unwrap_or(i32::MAX),
            unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
        })
    }
}

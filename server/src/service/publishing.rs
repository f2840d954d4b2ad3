//! News and events: the department publishes city news, a school's administration its
//! school's, a class teacher their class's; parent meetings and school events are planned by
//! the same people for the same scopes. Each write is one transaction with its audit event;
//! publishing school or class news notifies its families (city news reach everyone through
//! the feed instead: a row per account in a city would be millions).

use chrono::{DateTime, Duration, Utc};
use dnevnik_entities::enums::{EventKind, NewsKind, NewsScope};
use dnevnik_entities::{class_unit, event, guardianship, news_item, school, staff_member, student};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TryIntoModel,
};

use super::audit;
use super::notifications::{self, Notice};
use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Permission, Viewer};

const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 20_000;

fn text(field: &str, value: &str, limit: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > limit {
        return Err(AppError::bad_input(
            field,
            Reason::TextLength { max: limit as i64 },
        ));
    }
    Ok(value.to_owned())
}

/// Resolves a scope from optional school and class ids: neither is the city; a class implies
/// its school. Unknown schools and classes are `NOT_FOUND`. Whether a `schoolId` given beside
/// a class matches it is for [`same_school`] to say, once the viewer is known to see the class:
/// answering it earlier would tell anyone which school a class id belongs to.
async fn scope_of(
    db: &impl ConnectionTrait,
    school_id: Option<i64>,
    class_unit_id: Option<i64>,
) -> AppResult<(Option<i64>, Option<i64>)> {
    match (school_id, class_unit_id) {
        (_, Some(class)) => {
            let class = class_unit::Entity::find_by_id(class)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((Some(class.school_id), Some(class.id)))
        }
        (Some(school), None) => {
            school::Entity::find_by_id(school)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((Some(school), None))
        }
        (None, None) => Ok((None, None)),
    }
}

/// Refuses a `schoolId` that is not the school of the class given with it.
pub(crate) fn same_school(given: Option<i64>, class_school: Option<i64>) -> AppResult<()> {
    if given.is_some_and(|given| Some(given) != class_school) {
        return Err(AppError::bad_input(
            "schoolId",
            Reason::ClassOfAnotherSchool,
        ));
    }
    Ok(())
}

/// Whether the viewer sees a scope at all (else they get `NOT_FOUND`, not `FORBIDDEN`).
fn sees_scope(viewer: &Viewer, school: Option<i64>, class: Option<i64>) -> bool {
    viewer.may(Permission::ReadPublication {
        school_id: school,
        class_unit_id: class,
    })
}

/// A news item to publish.
#[derive(Clone, Debug)]
pub struct NewNews {
    /// The school (none, with no class, for city news).
    pub school_id: Option<i64>,
    /// The class, for class news.
    pub class_unit_id: Option<i64>,
    /// Organisation or administrative.
    pub kind: NewsKind,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
}

/// Publishes news in a scope the viewer may publish in.
pub async fn publish(writer: &Writer<'_>, input: NewNews) -> AppResult<news_item::Model> {
    let viewer = writer.viewer;
    let txn = begin_write(writer.db).await?;
    let (school, class) = scope_of(&txn, input.school_id, input.class_unit_id).await?;
    if !sees_scope(viewer, school, class) {
        return Err(AppError::NotFound);
    }
    same_school(input.school_id, school)?;
    if !viewer.may_publish(school, class) {
        return Err(AppError::Forbidden);
    }
    let title = text("title", &input.title, MAX_TITLE)?;
    let body = text("body", &input.body, MAX_BODY)?;
    let now = writer.now();
    let row = news_item::ActiveModel {
        school_id: Set(school),
        class_unit_id: Set(class),
        scope: Set(match (school, class) {
            (None, _) => NewsScope::City,
            (Some(_), None) => NewsScope::School,
            (Some(_), Some(_)) => NewsScope::Class,
        }),
        kind: Set(input.kind),
        title: Set(title),
        body: Set(body),
        author_account_id: Set(Some(viewer.account_id())),
        published_at: Set(now),
        withdrawn_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        writer
            .audit("news.published", school, "news_item", row.id)
            .details(serde_json::json!({ "class_unit_id": class })),
    )
    .await?;
    notify_scope(&txn, viewer.account_id(), school, class, &row, writer.now()).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

/// Tells the families of a class, or the families and staff of a school, about news.
async fn notify_scope(
    db: &impl ConnectionTrait,
    author: i64,
    school: Option<i64>,
    class: Option<i64>,
    item: &news_item::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(school) = school else {
        return Ok(());
    };
    let notice = Notice::news(Some(school), item.id);
    let mut students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::LeftOn.is_null());
    if let Some(class) = class {
        students = students.filter(student::Column::ClassUnitId.eq(class));
    }
    let students = students.all(db).await?;
    let guardians = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.is_in(students.iter().map(|s| s.id)))
        .all(db)
        .await?;
    let mut recipients: Vec<(i64, Option<i64>)> = students
        .iter()
        .filter_map(|s| s.account_id.map(|a| (a, Some(s.id))))
        .chain(guardians.iter().map(|g| (g.account_id, Some(g.student_id))))
        .collect();
    if class.is_none() {
        let staff = staff_member::Entity::find()
            .filter(staff_member::Column::SchoolId.eq(school))
            .filter(staff_member::Column::Active.eq(true))
            .all(db)
            .await?;
        recipients.extend(staff.iter().filter_map(|s| s.account_id.map(|a| (a, None))));
    }
    recipients.retain(|(account, _)| *account != author);
    notifications::notify(db, recipients, &notice, now).await
}

/// A news item the viewer may change: visible, and theirs or in a scope they publish in.
async fn writable_news(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<news_item::Model> {
    let row = news_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|n| n.withdrawn_at.is_none())
        .filter(|n| sees_scope(viewer, n.school_id, n.class_unit_id))
        .ok_or(AppError::NotFound)?;
    let author = row.author_account_id == Some(viewer.account_id());
    // The author keeps the right only while they may still publish there.
    if !viewer.may_publish(row.school_id, row.class_unit_id)
        || (!author && !may_override(viewer, &row))
    {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Someone else's news may be changed by those above the scope's own publisher: the school's
/// administration (and the department) for class and school news, the department for city
/// news.
fn may_override(viewer: &Viewer, row: &news_item::Model) -> bool {
    viewer.may(Permission::OverridePublication {
        school_id: row.school_id,
    })
}

/// Edits news: title, text, kind.
pub async fn edit(
    writer: &Writer<'_>,
    id: i64,
    title: Option<String>,
    body: Option<String>,
    kind: Option<NewsKind>,
) -> AppResult<news_item::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_news(&txn, writer.viewer, id).await?;
    let mut active: news_item::ActiveModel = before.clone().into();
    if let Some(title) = title {
        active.title = Set(text("title", &title, MAX_TITLE)?);
    }
    if let Some(body) = body {
        active.body = Set(text("body", &body, MAX_BODY)?);
    }
    if let Some(kind) = kind {
        active.kind = Set(kind);
    }
    if active.clone().try_into_model()? == before {
        return Ok(before);
    }
    active.updated_at = Set(writer.now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer.audit("news.edited", after.school_id, "news_item", after.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Withdraws news: it leaves every feed.
pub async fn withdraw(writer: &Writer<'_>, id: i64) -> AppResult<news_item::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_news(&txn, writer.viewer, id).await?;
    let mut active: news_item::ActiveModel = before.into();
    let now = writer.now();
    active.withdrawn_at = Set(Some(now));
    active.updated_at = Set(now);
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer.audit("news.withdrawn", after.school_id, "news_item", after.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// An event to plan, or the new state of one.
#[derive(Clone, Debug)]
pub struct EventInput {
    /// Parent meeting or school event.
    pub kind: EventKind,
    /// The title.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// Where.
    pub place: Option<String>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends, if known.
    pub ends_at: Option<DateTime<Utc>>,
}

fn checked_event(
    input: &EventInput,
    now: DateTime<Utc>,
) -> AppResult<(String, Option<String>, Option<String>)> {
    let title = text("title", &input.title, MAX_TITLE)?;
    let optional =
        |field: &str, value: &Option<String>, limit: usize| -> AppResult<Option<String>> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => text(field, v, limit).map(Some),
                None => Ok(None),
            }
        };
    let description = optional("description", &input.description, MAX_BODY)?;
    let place = optional("place", &input.place, MAX_TITLE)?;
    if input.ends_at.is_some_and(|end| end < input.starts_at) {
        return Err(AppError::bad_input("endsAt", Reason::EventEndsBeforeStart));
    }
    if input.starts_at < now - Duration::days(1) || input.starts_at > now + Duration::days(400) {
        return Err(AppError::bad_input("startsAt", Reason::EventWindow));
    }
    Ok((title, description, place))
}

/// Plans an event for a school or a class.
pub async fn plan_event(
    writer: &Writer<'_>,
    school_id: Option<i64>,
    class_unit_id: Option<i64>,
    input: EventInput,
) -> AppResult<event::Model> {
    let viewer = writer.viewer;
    let txn = begin_write(writer.db).await?;
    let (school, class) = scope_of(&txn, school_id, class_unit_id).await?;
    let Some(school) = school else {
        return Err(AppError::bad_input("schoolId", Reason::EventScope));
    };
    if !sees_scope(viewer, Some(school), class) {
        return Err(AppError::NotFound);
    }
    same_school(school_id, Some(school))?;
    if !viewer.may_publish(Some(school), class) {
        return Err(AppError::Forbidden);
    }
    let (title, description, place) = checked_event(&input, writer.now())?;
    let now = writer.now();
    let row = event::ActiveModel {
        school_id: Set(school),
        class_unit_id: Set(class),
        kind: Set(input.kind),
        title: Set(title),
        description: Set(description),
        place: Set(place),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        created_by_account_id: Set(Some(viewer.account_id())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, writer.audit("event.planned", school, "event", row.id)).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(row)
}

async fn writable_event(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<event::Model> {
    let row = event::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|e| sees_scope(viewer, Some(e.school_id), e.class_unit_id))
        .ok_or(AppError::NotFound)?;
    if !viewer.may_publish(Some(row.school_id), row.class_unit_id) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Changes an event.
pub async fn change_event(
    writer: &Writer<'_>,
    id: i64,
    input: EventInput,
) -> AppResult<event::Model> {
    let txn = begin_write(writer.db).await?;
    let before = writable_event(&txn, writer.viewer, id).await?;
    let (title, description, place) = checked_event(&input, writer.now())?;
    let mut active: event::ActiveModel = before.into();
    active.kind = Set(input.kind);
    active.title = Set(title);
    active.description = Set(description);
    active.place = Set(place);
    active.starts_at = Set(input.starts_at);
    active.ends_at = Set(input.ends_at);
    active.updated_at = Set(writer.now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer.audit("event.changed", after.school_id, "event", after.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Cancels an event: it is removed from the calendar.
pub async fn cancel_event(writer: &Writer<'_>, id: i64) -> AppResult<()> {
    let txn = begin_write(writer.db).await?;
    let row = writable_event(&txn, writer.viewer, id).await?;
    event::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        writer.audit("event.cancelled", row.school_id, "event", row.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(())
}

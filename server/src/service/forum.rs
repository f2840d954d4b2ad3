//! The forum: threads and posts in a school or class scope for the people who belong to it,
//! questions addressed to the class teacher, a teacher or the deputy director, and moderation
//! (lock, pin, hide) by the scope's staff. Each write is one transaction with its audit event.

use dnevnik_entities::enums::{ForumAddressee, ForumScope};
use dnevnik_entities::{class_unit, forum_post, forum_thread};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::audit;
use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};

/// The longest thread title.
const MAX_TITLE: usize = 200;
/// The longest post.
const MAX_BODY: usize = 10_000;

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

/// A new thread.
#[derive(Clone, Debug)]
pub struct NewThread {
    /// The school, for a school-wide thread.
    pub school_id: Option<i64>,
    /// The class, for a class thread (its school is the class's).
    pub class_unit_id: Option<i64>,
    /// Whom the question is for.
    pub addressed_to: ForumAddressee,
    /// The title.
    pub title: String,
    /// The first post.
    pub body: String,
}

/// Opens a thread with its first post.
pub async fn create_thread(
    writer: &Writer<'_>,
    input: NewThread,
) -> AppResult<(forum_thread::Model, forum_post::Model)> {
    let viewer = writer.viewer;
    let txn = begin_write(writer.db).await?;
    let (school_id, class_unit_id, scope) = match (input.school_id, input.class_unit_id) {
        (_, Some(class)) => {
            let class = class_unit::Entity::find_by_id(class)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            (class.school_id, Some(class.id), ForumScope::Class)
        }
        (Some(school), None) => (school, None, ForumScope::School),
        (None, None) => {
            return Err(AppError::bad_input("schoolId", Reason::ThreadScope));
        }
    };
    if !viewer.may_read_forum(school_id, class_unit_id) {
        return Err(AppError::NotFound);
    }
    // Only now: earlier, the answer would tell an outsider which school the class is of.
    crate::service::publishing::same_school(input.school_id, Some(school_id))?;
    if input.addressed_to == ForumAddressee::ClassTeacher && class_unit_id.is_none() {
        return Err(AppError::bad_input(
            "addressedTo",
            Reason::QuestionInClassForum,
        ));
    }
    let title = text("title", &input.title, MAX_TITLE)?;
    let body = text("body", &input.body, MAX_BODY)?;
    let now = writer.now();
    let thread = forum_thread::ActiveModel {
        school_id: Set(school_id),
        class_unit_id: Set(class_unit_id),
        scope: Set(scope),
        addressed_to: Set(input.addressed_to),
        title: Set(title),
        author_account_id: Set(Some(viewer.account_id())),
        pinned: Set(false),
        locked: Set(false),
        last_post_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let post = insert_post(&txn, writer, &thread, body).await?;
    audit::record(
        &txn,
        writer.audit("forum_thread.created", school_id, "forum_thread", thread.id),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok((thread, post))
}

async fn insert_post(
    txn: &impl ConnectionTrait,
    writer: &Writer<'_>,
    thread: &forum_thread::Model,
    body: String,
) -> AppResult<forum_post::Model> {
    let now = writer.now();
    let post = forum_post::ActiveModel {
        school_id: Set(thread.school_id),
        thread_id: Set(thread.id),
        author_account_id: Set(Some(writer.viewer.account_id())),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        writer
            .audit(
                "forum_post.created",
                thread.school_id,
                "forum_post",
                post.id,
            )
            .details(serde_json::json!({ "thread_id": thread.id })),
    )
    .await?;
    Ok(post)
}

/// A thread the viewer may read, or `NOT_FOUND`.
async fn readable_thread(
    db: &impl ConnectionTrait,
    writer: &Writer<'_>,
    id: i64,
) -> AppResult<forum_thread::Model> {
    forum_thread::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| writer.viewer.may_read_forum(t.school_id, t.class_unit_id))
        .ok_or(AppError::NotFound)
}

/// Posts in a thread; a locked thread takes posts from its moderators only.
pub async fn post(writer: &Writer<'_>, thread_id: i64, body: &str) -> AppResult<forum_post::Model> {
    let body = text("body", body, MAX_BODY)?;
    let txn = begin_write(writer.db).await?;
    let thread = readable_thread(&txn, writer, thread_id).await?;
    let moderator = writer
        .viewer
        .moderates_forum(thread.school_id, thread.class_unit_id);
    if thread.locked && !moderator {
        return Err(AppError::conflict(Reason::ThreadClosed));
    }
    let post = insert_post(&txn, writer, &thread, body).await?;
    let mut active: forum_thread::ActiveModel = thread.into();
    active.last_post_at = Set(post.created_at);
    active.updated_at = Set(post.created_at);
    active.update(&txn).await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(post)
}

/// Locks or pins a thread (its moderators).
pub async fn moderate_thread(
    writer: &Writer<'_>,
    thread_id: i64,
    locked: Option<bool>,
    pinned: Option<bool>,
) -> AppResult<forum_thread::Model> {
    let txn = begin_write(writer.db).await?;
    let thread = readable_thread(&txn, writer, thread_id).await?;
    if !writer
        .viewer
        .moderates_forum(thread.school_id, thread.class_unit_id)
    {
        return Err(AppError::Forbidden);
    }
    let mut active: forum_thread::ActiveModel = thread.clone().into();
    if let Some(locked) = locked {
        active.locked = Set(locked);
    }
    if let Some(pinned) = pinned {
        active.pinned = Set(pinned);
    }
    active.updated_at = Set(writer.now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer
            .audit(
                "forum_thread.moderated",
                after.school_id,
                "forum_thread",
                after.id,
            )
            .details(serde_json::json!({ "locked": after.locked, "pinned": after.pinned })),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

/// Hides a post (or shows it again): moderators; authors may hide their own post.
pub async fn set_post_hidden(
    writer: &Writer<'_>,
    post_id: i64,
    hidden: bool,
) -> AppResult<forum_post::Model> {
    let viewer = writer.viewer;
    let txn = begin_write(writer.db).await?;
    let post = forum_post::Entity::find_by_id(post_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let thread = readable_thread(&txn, writer, post.thread_id).await?;
    let moderator = viewer.moderates_forum(thread.school_id, thread.class_unit_id);
    // A hidden post is invisible to non-moderators, so to them it does not exist.
    if post.hidden && !moderator {
        return Err(AppError::NotFound);
    }
    // Authors may take their own post down, not put a moderated one back.
    let own_take_down = hidden && post.author_account_id == Some(viewer.account_id());
    if !(moderator || own_take_down) {
        return Err(AppError::Forbidden);
    }
    let mut active: forum_post::ActiveModel = post.into();
    active.hidden = Set(hidden);
    active.updated_at = Set(writer.now());
    let after = active.update(&txn).await?;
    audit::record(
        &txn,
        writer
            .audit(
                if hidden {
                    "forum_post.hidden"
                } else {
                    "forum_post.shown"
                },
                after.school_id,
                "forum_post",
                after.id,
            )
            .details(serde_json::json!({ "thread_id": after.thread_id })),
    )
    .await?;
    writer.commit(txn, Vec::new()).await?;
    Ok(after)
}

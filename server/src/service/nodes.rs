//! Single objects looked up by id for `node(id:)` and for the payloads of writes: each lookup
//! takes the viewer and asks the policy itself, so no caller can hand out a row it should not.
//! An object the viewer may not see answers as if it did not exist (`NotFound`), except where
//! the policy's own answer is kept (events, through `Viewer::authorize`).

use dnevnik_entities::{
    conversation, conversation_participant, event, forum_thread, homework, mark, news_item, student,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

use super::communication::{may_read_thread, unread_counts};
use super::diary::{MarkView, control_forms_of};
use crate::error::{AppError, AppResult};
use crate::policy::{Access, Permission, StudentRef, Viewer, require_student};

/// A student found by id together with what the viewer may see of them; `NotFound` when there
/// is no such student or the viewer does not see them. One statement.
pub async fn student_access(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    student_id: i64,
) -> AppResult<Access> {
    let student = student::Entity::find_by_id(student_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    require_student(viewer, StudentRef::from(&student))
}

/// A mark with its control form. The mark is already in the caller's hands (it has just been
/// written, or looked up with the viewer's access checked), so this reads only the form: one
/// statement when the mark has one, none otherwise.
pub async fn with_control_form(
    db: &impl ConnectionTrait,
    mark: mark::Model,
) -> AppResult<MarkView> {
    // Guarded because an empty `IN ()` would still cost a statement.
    let control_form = match mark.control_form_id {
        Some(id) => control_forms_of(db, [&mark]).await?.remove(&id),
        None => None,
    };
    Ok(MarkView { mark, control_form })
}

/// A mark by id with its control form, if the viewer sees its student and its subject. A
/// withdrawn mark, a mark of a student the viewer does not see and a mark of a subject outside
/// a subject teacher's access are all `NotFound`. Two statements, three with a control form.
pub async fn mark(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<MarkView> {
    let mark = mark::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    let access = student_access(db, viewer, mark.student_id).await?;
    if !access.covers_subject(mark.subject_id) {
        return Err(AppError::NotFound);
    }
    with_control_form(db, mark).await
}

/// Homework by id, if the viewer belongs to its class; `NotFound` otherwise. One statement.
pub async fn homework(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<homework::Model> {
    let homework = homework::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !viewer.member_of_class(homework.class_unit_id, homework.school_id) {
        return Err(AppError::NotFound);
    }
    Ok(homework)
}

/// A news item by id, if it is not withdrawn and the viewer may read its scope; `NotFound`
/// otherwise. One statement.
pub async fn news_item(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<news_item::Model> {
    let item = news_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let visible = item.withdrawn_at.is_none()
        && viewer.may(Permission::ReadPublication {
            school_id: item.school_id,
            class_unit_id: item.class_unit_id,
        });
    if !visible {
        return Err(AppError::NotFound);
    }
    Ok(item)
}

/// An event by id, if the viewer may read its school's or class's publications; the refusal
/// is the policy's own (`Viewer::authorize`). One statement.
pub async fn event(db: &impl ConnectionTrait, viewer: &Viewer, id: i64) -> AppResult<event::Model> {
    let event = event::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::ReadPublication {
        school_id: Some(event.school_id),
        class_unit_id: event.class_unit_id,
    })?;
    Ok(event)
}

/// A forum thread by id, if the viewer may read its forum; `NotFound` otherwise. One
/// statement.
pub async fn forum_thread(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<forum_thread::Model> {
    let thread = forum_thread::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_read_thread(viewer, &thread) {
        return Err(AppError::NotFound);
    }
    Ok(thread)
}

/// A conversation with the viewer's unread count in it.
#[derive(Clone, Debug)]
pub struct ConversationNode {
    /// The conversation.
    pub conversation: conversation::Model,
    /// Messages from others the viewer has not read yet.
    pub unread: i64,
}

/// A conversation by id, if the viewer takes part in it; `NotFound` otherwise. Only
/// participants ever see a conversation, so the row is read through the viewer's
/// participation (one statement) and then the unread count (one more).
pub async fn conversation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<ConversationNode> {
    use conversation_participant as p;
    // Joined, so that a conversation the viewer is not in is not read at all.
    let conversation = conversation::Entity::find_by_id(id)
        .join(JoinType::InnerJoin, p::Relation::Conversation.def().rev())
        .filter(p::Column::AccountId.eq(viewer.account_id()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let unread = unread_counts(db, viewer)
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(ConversationNode {
        conversation,
        unread,
    })
}

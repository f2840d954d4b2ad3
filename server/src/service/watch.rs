//! What live subscribers are told: a watched student's mark as it is after an event, and a
//! message that arrived in one of the viewer's conversations. Each read takes the viewer as
//! they are at the moment of the event (the caller re-authenticates the session first), so an
//! unlinked parent or a participant who left stops hearing at once.

use dnevnik_entities::{conversation_participant, mark, message};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::communication::participants;
use super::diary::MarkView;
use super::nodes::{student_access, with_control_form};
use crate::error::AppResult;
use crate::policy::Viewer;

/// What happened to a mark, as the row tells it now.
#[derive(Clone, Debug)]
pub enum MarkChange {
    /// A new mark (never updated since it was recorded).
    Recorded(MarkView),
    /// A mark whose value, weight, form, comment or exam flag changed.
    Changed(MarkView),
    /// A withdrawn mark: only its id is told.
    Deleted(i64),
}

/// A mark event about a watched student, checked against the viewer now. `Err` when the
/// student is gone or no longer visible to the viewer (the stream should end); `Ok(None)` when
/// the mark is not this student's or not of a subject the viewer's access covers (the event is
/// skipped). Two statements, three for a recorded or changed mark with a control form.
pub async fn mark(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    student_id: i64,
    mark_id: i64,
) -> AppResult<Option<MarkChange>> {
    let access = student_access(db, viewer, student_id).await?;
    let Some(row) = mark::Entity::find_by_id(mark_id).one(db).await? else {
        return Ok(None);
    };
    if row.student_id != student_id || !access.covers_subject(row.subject_id) {
        return Ok(None);
    }
    Ok(Some(if row.deleted_at.is_some() {
        MarkChange::Deleted(row.id)
    } else if row.created_at == row.updated_at {
        MarkChange::Recorded(with_control_form(db, row).await?)
    } else {
        MarkChange::Changed(with_control_form(db, row).await?)
    }))
}

/// A message that arrived, with what is needed to show it to its reader.
#[derive(Clone, Debug)]
pub struct Arrived {
    /// The message.
    pub message: message::Model,
    /// The viewer's own participation (their read state).
    pub mine: conversation_participant::Model,
    /// Everyone in the conversation, in joining order (who has read the message).
    pub participants: Vec<conversation_participant::Model>,
}

/// A message of a conversation the viewer takes part in; `Ok(None)` when they do not (the
/// event is skipped) or the message is gone. Two statements.
pub async fn message(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation_id: i64,
    message_id: i64,
) -> AppResult<Option<Arrived>> {
    let participants = participants(db, &[conversation_id]).await?;
    let Some(mine) = participants
        .iter()
        .find(|p| p.account_id == viewer.account_id())
        .cloned()
    else {
        return Ok(None);
    };
    // Tied to the conversation whose participation was checked, so a message of another
    // conversation cannot be read through this one.
    let Some(message) = message::Entity::find_by_id(message_id)
        .filter(message::Column::ConversationId.eq(conversation_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Arrived {
        message,
        mine,
        participants,
    }))
}

//! Messages (личные сообщения): starting a conversation with people from one's address book,
//! replying, and read state. Each message is one transaction with its audit event, the
//! recipients' notifications and a live event; only participants ever see a conversation.

use std::collections::BTreeSet;

use dnevnik_entities::{conversation, conversation_participant, message};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::audit;
use super::notifications::{self, Notice};
use super::writer::Writer;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::live::LiveEvent;
use crate::policy::contacts;

/// The longest message.
const MAX_BODY: usize = 10_000;
/// The longest subject.
const MAX_SUBJECT: usize = 200;
/// At most this many recipients in one conversation.
const MAX_RECIPIENTS: usize = 50;

fn body_of(body: &str) -> AppResult<String> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::bad_input("body", Reason::WriteSomething));
    }
    if body.chars().count() > MAX_BODY {
        return Err(AppError::bad_input(
            "body",
            Reason::TooLong {
                max: MAX_BODY as i64,
            },
        ));
    }
    Ok(body.to_owned())
}

/// Starts a conversation with people from the sender's address book, all of one school.
pub async fn start(
    writer: &Writer<'_>,
    subject: &str,
    recipients: &[i64],
    body: &str,
) -> AppResult<(conversation::Model, message::Model)> {
    let viewer = writer.viewer;
    let subject = subject.trim();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT {
        return Err(AppError::bad_input(
            "subject",
            Reason::SubjectLength {
                max: MAX_SUBJECT as i64,
            },
        ));
    }
    let body = body_of(body)?;
    let wanted: BTreeSet<i64> = recipients.iter().copied().collect();
    if wanted.is_empty() || wanted.len() > MAX_RECIPIENTS {
        return Err(AppError::bad_input(
            "recipientIds",
            Reason::RecipientCount {
                max: MAX_RECIPIENTS as i64,
            },
        ));
    }
    // Read inside the write's transaction: a guardianship removed meanwhile takes its
    // teachers out of the book before anything is written to them.
    let txn = begin_write(writer.db).await?;
    let book = contacts::address_book(&txn, viewer).await?;
    // The school the conversation belongs to: one through which every recipient is reachable.
    let schools: BTreeSet<i64> = book.iter().map(|c| c.school_id).collect();
    let school = schools.into_iter().find(|school| {
        wanted.iter().all(|account| {
            book.iter()
                .any(|c| c.school_id == *school && c.account_id == *account)
        })
    });
    let Some(school) = school else {
        // Unknown ids and people one may not write to answer alike: the book is the rule.
        return Err(AppError::bad_input(
            "recipientIds",
            Reason::OutsideAddressBook,
        ));
    };
    let now = writer.now();
    let conversation = conversation::ActiveModel {
        school_id: Set(school),
        subject: Set(subject.to_owned()),
        created_by_account_id: Set(Some(viewer.account_id())),
        last_message_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for account in wanted.iter().copied().chain([viewer.account_id()]) {
        conversation_participant::ActiveModel {
            school_id: Set(school),
            conversation_id: Set(conversation.id),
            account_id: Set(account),
            // The sender has read what they wrote.
            last_read_at: Set((account == viewer.account_id()).then_some(now)),
            joined_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let message = insert_message(&txn, writer, &conversation, &body, &wanted).await?;
    audit::record(
        &txn,
        writer
            .audit(
                "conversation.started",
                school,
                "conversation",
                conversation.id,
            )
            .details(serde_json::json!({ "recipients": wanted })),
    )
    .await?;
    let event = message_event(&message, &wanted);
    writer.commit(txn, vec![event]).await?;
    Ok((conversation, message))
}

async fn insert_message(
    txn: &sea_orm::DatabaseTransaction,
    writer: &Writer<'_>,
    conversation: &conversation::Model,
    body: &str,
    recipients: &BTreeSet<i64>,
) -> AppResult<message::Model> {
    let now = writer.now();
    let message = message::ActiveModel {
        school_id: Set(conversation.school_id),
        conversation_id: Set(conversation.id),
        sender_account_id: Set(Some(writer.viewer.account_id())),
        body: Set(body.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        writer
            .audit(
                "message.sent",
                conversation.school_id,
                "message",
                message.id,
            )
            .details(serde_json::json!({ "conversation_id": conversation.id })),
    )
    .await?;
    notifications::notify(
        txn,
        recipients.iter().map(|account| (*account, None)),
        &Notice::message(conversation.school_id, conversation.id, message.id),
        writer.now(),
    )
    .await?;
    Ok(message)
}

fn message_event(message: &message::Model, recipients: &BTreeSet<i64>) -> LiveEvent {
    LiveEvent::Message {
        conversation_id: message.conversation_id,
        message_id: message.id,
        recipients: recipients.iter().copied().collect(),
    }
}

/// Replies in a conversation the viewer takes part in.
pub async fn reply(
    writer: &Writer<'_>,
    conversation_id: i64,
    body: &str,
) -> AppResult<message::Model> {
    let viewer = writer.viewer;
    let body = body_of(body)?;
    let txn = begin_write(writer.db).await?;
    let participants = conversation_participant::Entity::find()
        .filter(conversation_participant::Column::ConversationId.eq(conversation_id))
        .all(&txn)
        .await?;
    if !participants
        .iter()
        .any(|p| p.account_id == viewer.account_id())
    {
        return Err(AppError::NotFound);
    }
    let conversation = conversation::Entity::find_by_id(conversation_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let others: BTreeSet<i64> = participants
        .iter()
        .map(|p| p.account_id)
        .filter(|a| *a != viewer.account_id())
        .collect();
    let message = insert_message(&txn, writer, &conversation, &body, &others).await?;
    let now = message.created_at;
    let mut active: conversation::ActiveModel = conversation.into();
    active.last_message_at = Set(now);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    conversation_participant::Entity::update_many()
        .col_expr(
            conversation_participant::Column::LastReadAt,
            Expr::value(Some(now)),
        )
        .filter(conversation_participant::Column::ConversationId.eq(conversation_id))
        .filter(conversation_participant::Column::AccountId.eq(viewer.account_id()))
        .exec(&txn)
        .await?;
    let event = message_event(&message, &others);
    writer.commit(txn, vec![event]).await?;
    Ok(message)
}

/// Marks a conversation read up to now, and its message notifications with it. Read state is
/// the reader's own business: it is not audited.
pub async fn mark_read(writer: &Writer<'_>, conversation_id: i64) -> AppResult<()> {
    let viewer = writer.viewer;
    let txn = begin_write(writer.db).await?;
    let now = writer.now();
    let changed = conversation_participant::Entity::update_many()
        .col_expr(
            conversation_participant::Column::LastReadAt,
            Expr::value(Some(now)),
        )
        .filter(conversation_participant::Column::ConversationId.eq(conversation_id))
        .filter(conversation_participant::Column::AccountId.eq(viewer.account_id()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    notifications::mark_conversation_read(&txn, viewer, conversation_id, writer.now()).await?;
    txn.commit().await?;
    Ok(())
}

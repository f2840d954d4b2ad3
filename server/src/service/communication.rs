//! Reading communication: news for the viewer's scopes, events, forum threads and posts, and
//! conversations with their messages and read state. Every list is filtered in SQL by the
//! scopes the policy gives the viewer.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use dnevnik_entities::enums::{ForumScope, NewsScope};
use dnevnik_entities::{
    conversation, conversation_participant, event, forum_post, forum_thread, message, news_item,
};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};

use super::pages::first_of_each;
use crate::clock::Clock;
use crate::error::AppResult;
use crate::policy::Viewer;

/// A page of the news feed: city news, the viewer's schools' news and their classes' news,
/// newest first.
pub async fn news(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> AppResult<(Vec<news_item::Model>, bool)> {
    let visible = Condition::any()
        .add(news_item::Column::Scope.eq(NewsScope::City))
        .add(
            viewer
                .publication_condition(news_item::Column::SchoolId, news_item::Column::ClassUnitId),
        );
    let mut query = news_item::Entity::find()
        .filter(visible)
        .filter(news_item::Column::WithdrawnAt.is_null())
        .filter(news_item::Column::PublishedAt.lte(now));
    if let Some((at, id)) = after {
        query = query.filter(keyset_before(
            news_item::Column::PublishedAt,
            news_item::Column::Id,
            at,
            id,
        ));
    }
    page(
        query
            .order_by_desc(news_item::Column::PublishedAt)
            .order_by_desc(news_item::Column::Id),
        db,
        limit,
    )
    .await
}

/// Events and parent meetings of the viewer's schools and classes on some days.
///
/// The days are the schools' days: from midnight of `from` to the end of `to` in the zone
/// of each of the viewer's schools (for a family with children in schools of two zones, the
/// span that covers both).
pub async fn events(
    db: &impl ConnectionTrait,
    clock: &Clock,
    viewer: &Viewer,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<event::Model>> {
    let zones = match viewer.member_schools() {
        Some(schools) => clock.zones(db, schools).await?,
        None => clock.known_zones(),
    };
    let (from, to) = crate::clock::days_span(&zones, from, to);
    Ok(event::Entity::find()
        .filter(viewer.publication_condition(event::Column::SchoolId, event::Column::ClassUnitId))
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(500)
        .all(db)
        .await?)
}

/// The forum threads a viewer may read: pinned ones first, then latest post first. The page
/// key carries the pinned flag, so a pinned thread tops the first page however old it is.
pub async fn forum_threads(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    class_unit_id: Option<i64>,
    after: Option<(bool, DateTime<Utc>, i64)>,
    limit: u64,
) -> AppResult<(Vec<forum_thread::Model>, bool)> {
    let mut query = forum_thread::Entity::find().filter(viewer.publication_condition(
        forum_thread::Column::SchoolId,
        forum_thread::Column::ClassUnitId,
    ));
    if let Some(class) = class_unit_id {
        query = query
            .filter(forum_thread::Column::Scope.eq(ForumScope::Class))
            .filter(forum_thread::Column::ClassUnitId.eq(class));
    }
    if let Some((pinned, at, id)) = after {
        let same_group = Condition::all()
            .add(forum_thread::Column::Pinned.eq(pinned))
            .add(keyset_before(
                forum_thread::Column::LastPostAt,
                forum_thread::Column::Id,
                at,
                id,
            ));
        // After a pinned thread come the remaining pinned ones, then every unpinned one.
        query = query.filter(if pinned {
            Condition::any()
                .add(forum_thread::Column::Pinned.eq(false))
                .add(same_group)
        } else {
            same_group
        });
    }
    page(
        query
            .order_by_desc(forum_thread::Column::Pinned)
            .order_by_desc(forum_thread::Column::LastPostAt)
            .order_by_desc(forum_thread::Column::Id),
        db,
        limit,
    )
    .await
}

/// Whether a viewer may read a thread.
pub fn may_read_thread(viewer: &Viewer, thread: &forum_thread::Model) -> bool {
    viewer.may_read_forum(thread.school_id, thread.class_unit_id)
}

/// Whether a viewer moderates a thread (and sees its hidden posts).
pub fn moderates(viewer: &Viewer, thread: &forum_thread::Model) -> bool {
    viewer.moderates_forum(thread.school_id, thread.class_unit_id)
}

/// A page of each thread's posts, oldest first; hidden posts only in the threads the viewer
/// moderates (`moderated`). Two statements at most, however many threads: one for the threads
/// shown with their hidden posts, one for the rest.
pub async fn forum_posts(
    db: &impl ConnectionTrait,
    threads: &[(i64, bool)],
    after: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> AppResult<HashMap<i64, (Vec<forum_post::Model>, bool)>> {
    let mut found = HashMap::new();
    for include_hidden in [true, false] {
        let ids: Vec<i64> = threads
            .iter()
            .filter(|(_, moderated)| *moderated == include_hidden)
            .map(|(id, _)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let mut query = forum_post::Entity::find().filter(forum_post::Column::ThreadId.is_in(ids));
        if !include_hidden {
            query = query.filter(forum_post::Column::Hidden.eq(false));
        }
        if let Some((at, id)) = after {
            query = query.filter(
                Condition::any()
                    .add(forum_post::Column::CreatedAt.gt(at))
                    .add(
                        Condition::all()
                            .add(forum_post::Column::CreatedAt.eq(at))
                            .add(forum_post::Column::Id.gt(id)),
                    ),
            );
        }
        found.extend(
            first_of_each(
                db,
                query,
                forum_post::Column::ThreadId,
                &[("created_at", Order::Asc), ("id", Order::Asc)],
                limit,
                |p| p.thread_id,
            )
            .await?,
        );
    }
    Ok(found)
}

/// Which conversations to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folder {
    /// Every conversation.
    All,
    /// Conversations with a message from someone else (входящие).
    Inbox,
    /// Conversations with a message from the viewer (исходящие).
    Sent,
}

/// A page of the viewer's conversations, latest activity first.
pub async fn conversations(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    folder: Folder,
    after: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> AppResult<(Vec<conversation::Model>, bool)> {
    let mut query = conversation::Entity::find()
        .join(
            JoinType::InnerJoin,
            conversation_participant::Relation::Conversation.def().rev(),
        )
        .filter(conversation_participant::Column::AccountId.eq(viewer.account_id()));
    let sent_by_viewer = message::Entity::find()
        .select_only()
        .column(message::Column::ConversationId)
        .filter(message::Column::SenderAccountId.eq(viewer.account_id()))
        .into_query();
    let sent_by_others = message::Entity::find()
        .select_only()
        .column(message::Column::ConversationId)
        .filter(
            Condition::any()
                .add(message::Column::SenderAccountId.ne(viewer.account_id()))
                .add(message::Column::SenderAccountId.is_null()),
        )
        .into_query();
    query = match folder {
        Folder::All => query,
        Folder::Inbox => query.filter(conversation::Column::Id.in_subquery(sent_by_others)),
        Folder::Sent => query.filter(conversation::Column::Id.in_subquery(sent_by_viewer)),
    };
    if let Some((at, id)) = after {
        query = query.filter(keyset_before(
            conversation::Column::LastMessageAt,
            conversation::Column::Id,
            at,
            id,
        ));
    }
    page(
        query
            .order_by_desc(conversation::Column::LastMessageAt)
            .order_by_desc(conversation::Column::Id),
        db,
        limit,
    )
    .await
}

/// The viewer's participation in a conversation, `None` when they are not in it.
pub async fn participation(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    conversation_id: i64,
) -> AppResult<Option<conversation_participant::Model>> {
    Ok(conversation_participant::Entity::find()
        .filter(conversation_participant::Column::ConversationId.eq(conversation_id))
        .filter(conversation_participant::Column::AccountId.eq(viewer.account_id()))
        .one(db)
        .await?)
}

/// The participants of conversations, in joining order (the request's loader batches them).
pub async fn participants(
    db: &impl ConnectionTrait,
    conversation_ids: &[i64],
) -> AppResult<Vec<conversation_participant::Model>> {
    Ok(conversation_participant::Entity::find()
        .filter(conversation_participant::Column::ConversationId.is_in(conversation_ids.to_vec()))
        .order_by_asc(conversation_participant::Column::Id)
        .all(db)
        .await?)
}

/// Accounts by id (the people of a page of conversations), in one statement.
pub async fn accounts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<Vec<dnevnik_entities::account::Model>> {
    use dnevnik_entities::account;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?)
}

/// A page of each conversation's messages, newest first, in one statement however many
/// conversations. The caller has checked that the viewer takes part in each.
pub async fn messages(
    db: &impl ConnectionTrait,
    conversation_ids: &[i64],
    after: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> AppResult<HashMap<i64, (Vec<message::Model>, bool)>> {
    let mut query = message::Entity::find()
        .filter(message::Column::ConversationId.is_in(conversation_ids.to_vec()));
    if let Some((at, id)) = after {
        query = query.filter(keyset_before(
            message::Column::CreatedAt,
            message::Column::Id,
            at,
            id,
        ));
    }
    first_of_each(
        db,
        query,
        message::Column::ConversationId,
        &[("created_at", Order::Desc), ("id", Order::Desc)],
        limit,
        |m| m.conversation_id,
    )
    .await
}

/// Unread messages per conversation of the viewer — messages from others after the viewer's
/// last read — counted in one statement. Conversations without unread messages are absent.
pub async fn unread_counts(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> AppResult<HashMap<i64, i64>> {
    use conversation_participant as p;
    let rows: Vec<(i64, i64)> = p::Entity::find()
        .select_only()
        .column(p::Column::ConversationId)
        .column_as(message::Column::Id.count(), "unread")
        .join(JoinType::InnerJoin, p::Relation::Conversation.def())
        .join(
            JoinType::InnerJoin,
            message::Relation::Conversation.def().rev(),
        )
        .filter(p::Column::AccountId.eq(viewer.account_id()))
        .filter(
            Condition::any()
                .add(Expr::col((message::Entity, message::Column::SenderAccountId)).is_null())
                .add(
                    Expr::col((message::Entity, message::Column::SenderAccountId))
                        .ne(viewer.account_id()),
                ),
        )
        .filter(
            Condition::any()
                .add(Expr::col((p::Entity, p::Column::LastReadAt)).is_null())
                .add(
                    Expr::col((message::Entity, message::Column::CreatedAt))
                        .gt(Expr::col((p::Entity, p::Column::LastReadAt))),
                ),
        )
        .group_by(p::Column::ConversationId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// `(a, id) < (at, before_id)` for newest-first keyset pagination.
fn keyset_before<A: ColumnTrait, I: ColumnTrait>(
    at_column: A,
    id_column: I,
    at: DateTime<Utc>,
    id: i64,
) -> Condition {
    Condition::any()
        .add(at_column.lt(at))
        .add(Condition::all().add(at_column.eq(at)).add(id_column.lt(id)))
}

/// Fetches one more row than asked to tell whether another page follows.
async fn page<E: EntityTrait>(
    query: sea_orm::Select<E>,
    db: &impl ConnectionTrait,
    limit: u64,
) -> AppResult<(Vec<E::Model>, bool)> {
    let mut rows = query.limit(limit + 1).all(db).await?;
    let has_next = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, has_next))
}

//! Relay connections: a page of a list with its edges (node and cursor), the nodes, and page
//! information. Cursors are opaque; pages hold at most 100 items.

use async_graphql::connection::{CursorType, OpaqueCursor, PageInfo};
use async_graphql::{OutputType, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::backoffice::{AccessApplication, AuditEvent};
use super::communication::{Conversation, ForumPost, ForumThread, Message, NewsItem};
use super::diary::Mark;
use super::notifications::Notification;
use super::talk::Contact;
use crate::error::{AppError, AppResult, Reason};

/// A node and the cursor that points just after it.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "MarkEdge", params(Mark)),
    concrete(name = "NewsItemEdge", params(NewsItem)),
    concrete(name = "ForumThreadEdge", params(ForumThread)),
    concrete(name = "ForumPostEdge", params(ForumPost)),
    concrete(name = "ConversationEdge", params(Conversation)),
    concrete(name = "MessageEdge", params(Message)),
    concrete(name = "AccessApplicationEdge", params(AccessApplication)),
    concrete(name = "AuditEventEdge", params(AuditEvent)),
    concrete(name = "NotificationEdge", params(Notification)),
    concrete(name = "ContactEdge", params(Contact))
)]
pub struct Edge<T: OutputType> {
    /// The item.
    pub node: T,
    /// Pass it as `after` to get the items that follow this one.
    pub cursor: String,
}

/// A page of a list (Relay connection): its edges with cursors, the nodes alone, and whether
/// more pages follow.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "MarkConnection", params(Mark)),
    concrete(name = "NewsItemConnection", params(NewsItem)),
    concrete(name = "ForumThreadConnection", params(ForumThread)),
    concrete(name = "ForumPostConnection", params(ForumPost)),
    concrete(name = "ConversationConnection", params(Conversation)),
    concrete(name = "MessageConnection", params(Message)),
    concrete(name = "AccessApplicationConnection", params(AccessApplication)),
    concrete(name = "AuditEventConnection", params(AuditEvent)),
    concrete(name = "NotificationConnection", params(Notification)),
    concrete(name = "ContactConnection", params(Contact))
)]
pub struct Page<T: OutputType + Clone>
where
    Edge<T>: OutputType,
{
    /// Where this page stands in the list.
    pub page_info: PageInfo,
    /// The items with their cursors.
    pub edges: Vec<Edge<T>>,
    /// The items alone, for clients that do not need cursors.
    pub nodes: Vec<T>,
}

/// The key a list is ordered by: a date or an instant, and the id to break ties.
pub trait PageKey: Serialize + DeserializeOwned + Send + Sync + Copy {}
impl PageKey for (NaiveDate, i64) {}
impl PageKey for (DateTime<Utc>, i64) {}
/// Pinned first, then an instant, then the id.
impl PageKey for (bool, DateTime<Utc>, i64) {}
/// Position in a list ordered by several keys, for short administrative lists.
impl PageKey for i64 {}

impl<T: OutputType + Clone> Page<T>
where
    Edge<T>: OutputType,
{
    /// Builds a page from its rows.
    pub fn build<R, K: PageKey>(
        rows: Vec<R>,
        has_previous: bool,
        has_next: bool,
        key: impl Fn(&R) -> K,
        node: impl Fn(R) -> T,
    ) -> Self {
        let edges: Vec<Edge<T>> = rows
            .into_iter()
            .map(|row| {
                let cursor = OpaqueCursor(key(&row)).encode_cursor();
                Edge {
                    node: node(row),
                    cursor,
                }
            })
            .collect();
        Self {
            page_info: PageInfo {
                has_previous_page: has_previous,
                has_next_page: has_next,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            nodes: edges.iter().map(|e| e.node.clone()).collect(),
            edges,
        }
    }
}

/// Decodes an `after` cursor.
pub fn after<K: PageKey>(cursor: Option<String>) -> AppResult<Option<K>> {
    cursor
        .map(|c| {
            OpaqueCursor::<K>::decode_cursor(&c)
                .map(|c| c.0)
                .map_err(|_| AppError::bad_input("after", Reason::InvalidCursor))
        })
        .transpose()
}

/// The position after an `after` cursor of a list paged by position: 0 without one. A forged
/// position (negative, or beyond any list we hold) is an invalid cursor, so that the arithmetic
/// on it cannot overflow.
pub fn offset_after(cursor: Option<String>) -> AppResult<i64> {
    match after::<i64>(cursor)? {
        None => Ok(0),
        Some(position) if (0..MAX_POSITION).contains(&position) => Ok(position + 1),
        Some(_) => Err(AppError::bad_input("after", Reason::InvalidCursor)),
    }
}

/// No list paged by position comes near this many items.
const MAX_POSITION: i64 = 1 << 40;

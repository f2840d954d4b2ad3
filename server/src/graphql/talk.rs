//! Communication writes: news and events, the forum, messages — and the address book that
//! says whom one may write to. Thin: each calls `service::{publishing, forum, messaging}`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::communication::{
    Conversation, Event, EventKindValue, ForumAddresseeValue, ForumPost, ForumThread, Message,
    NewsItem, NewsKindValue,
};
use super::context::ContextExt;
use super::ids::{self, Kind};
use super::page::Page;
use super::scalars::DateTime;
use crate::error::AppResult;
use crate::policy::contacts;
use crate::service::{forum, messaging, nodes, publishing};

/// News to publish. Leave out both `schoolId` and `classUnitId` for city news (the
/// department only).
#[derive(InputObject)]
pub struct PublishNewsInput {
    /// The school, for school news (its administration).
    pub school_id: Option<ID>,
    /// The class, for class news (its class teacher, the school's administration).
    pub class_unit_id: Option<ID>,
    /// Organisation or administrative news.
    pub kind: NewsKindValue,
    /// The title, up to 200 characters.
    pub title: String,
    /// The text.
    pub body: String,
}

/// A change to news; fields left out stay as they are.
#[derive(InputObject)]
pub struct EditNewsInput {
    /// The news item.
    pub news_item_id: ID,
    /// A new title.
    pub title: Option<String>,
    /// A new text.
    pub body: Option<String>,
    /// A new kind.
    pub kind: Option<NewsKindValue>,
}

/// News to withdraw.
#[derive(InputObject)]
pub struct WithdrawNewsInput {
    /// The news item.
    pub news_item_id: ID,
}

/// News after a change.
#[derive(SimpleObject)]
pub struct NewsItemPayload {
    /// The news item.
    pub news_item: NewsItem,
}

/// Withdrawn news.
#[derive(SimpleObject)]
pub struct WithdrawNewsPayload {
    /// The withdrawn item's id; it left every feed.
    pub news_item_id: ID,
}

/// An event or parent meeting.
#[derive(InputObject)]
pub struct PlanEventInput {
    /// The school, for a school event.
    pub school_id: Option<ID>,
    /// The class, for a class's parent meeting or event.
    pub class_unit_id: Option<ID>,
    /// Parent meeting or school event.
    pub kind: EventKindValue,
    /// The title.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// Where (a room, the assembly hall).
    pub place: Option<String>,
    /// When it starts (from yesterday to a year ahead).
    pub starts_at: DateTime,
    /// When it ends.
    pub ends_at: Option<DateTime>,
}

/// New details of an event (all of them).
#[derive(InputObject)]
pub struct ChangeEventInput {
    /// The event.
    pub event_id: ID,
    /// Parent meeting or school event.
    pub kind: EventKindValue,
    /// The title.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// Where.
    pub place: Option<String>,
    /// When it starts.
    pub starts_at: DateTime,
    /// When it ends.
    pub ends_at: Option<DateTime>,
}

/// An event to cancel.
#[derive(InputObject)]
pub struct CancelEventInput {
    /// The event.
    pub event_id: ID,
}

/// An event after a change.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event.
    pub event: Event,
}

/// A cancelled event.
#[derive(SimpleObject)]
pub struct CancelEventPayload {
    /// The cancelled event's id.
    pub event_id: ID,
}

/// A new forum thread with its first post.
#[derive(InputObject)]
pub struct CreateForumThreadInput {
    /// The school, for a school-wide thread.
    pub school_id: Option<ID>,
    /// The class, for a class thread.
    pub class_unit_id: Option<ID>,
    /// Whom the question is for (`CLASS_TEACHER` only in a class thread).
    #[graphql(default_with = "ForumAddresseeValue::Everyone")]
    pub addressed_to: ForumAddresseeValue,
    /// The title, up to 200 characters.
    pub title: String,
    /// The first post.
    pub body: String,
}

/// A thread after a change.
#[derive(SimpleObject)]
pub struct ForumThreadPayload {
    /// The thread.
    pub forum_thread: ForumThread,
}

/// A post in a thread.
#[derive(InputObject)]
pub struct AddForumPostInput {
    /// The thread (not locked, unless one moderates it).
    pub thread_id: ID,
    /// The text.
    pub body: String,
}

/// A post after a change.
#[derive(SimpleObject)]
pub struct ForumPostPayload {
    /// The post.
    pub forum_post: ForumPost,
}

/// Moderation of a thread; fields left out stay as they are.
#[derive(InputObject)]
pub struct ModerateForumThreadInput {
    /// The thread.
    pub thread_id: ID,
    /// Closed to new posts (except moderators').
    pub locked: Option<bool>,
    /// Pinned to the top.
    pub pinned: Option<bool>,
}

/// Hiding or showing a post.
#[derive(InputObject)]
pub struct SetForumPostHiddenInput {
    /// The post.
    pub post_id: ID,
    /// Hidden from everyone but moderators.
    pub hidden: bool,
}

/// A new conversation.
#[derive(InputObject)]
pub struct StartConversationInput {
    /// Accounts from `viewer.addressBook`, of one school.
    pub recipient_ids: Vec<ID>,
    /// The subject.
    pub subject: String,
    /// The first message.
    pub body: String,
}

/// A reply.
#[derive(InputObject)]
pub struct SendMessageInput {
    /// A conversation the viewer takes part in.
    pub conversation_id: ID,
    /// The text.
    pub body: String,
}

/// A conversation to mark read.
#[derive(InputObject)]
pub struct MarkConversationReadInput {
    /// The conversation.
    pub conversation_id: ID,
}

/// A message and its conversation.
#[derive(SimpleObject)]
pub struct MessagePayload {
    /// The conversation.
    pub conversation: Conversation,
    /// The message sent.
    pub message: Message,
}

/// A conversation after being read.
#[derive(SimpleObject)]
pub struct MarkConversationReadPayload {
    /// The conversation, now with no unread messages.
    pub conversation: Conversation,
}

/// How a contact relates to the viewer.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ContactRole")]
#[graphql(remote = "crate::policy::contacts::ContactRole")]
pub enum ContactRoleValue {
    /// The class teacher of a child's (or one's own) class.
    ClassTeacher,
    /// A teacher of a child's (or one's own) class.
    Teacher,
    /// The school's administration.
    Administration,
    /// A member of the school's staff.
    Staff,
    /// A student of the school.
    Student,
    /// A parent of a student of the school.
    Parent,
}

/// Someone the viewer may write to.
#[derive(SimpleObject, Clone)]
pub struct Contact {
    /// Their account id, for `startConversation(input: {recipientIds})`.
    pub account_id: ID,
    /// Their name.
    pub name: String,
    /// How they relate to the viewer.
    pub role: ContactRoleValue,
    /// Why they are here: "Математика, 5А", "ученик 7Б", "родитель: Иванов Пётр, 5А".
    pub details: Vec<String>,
    /// The school through which the viewer writes to them.
    pub school_id: ID,
}

/// Everyone the viewer may write to, filtered and paged.
pub async fn address_book(
    ctx: &Context<'_>,
    search: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<Page<Contact>> {
    let viewer = ctx.viewer()?;
    let limit = super::student::page_size(first)?;
    let offset = super::page::offset_after(after)?;
    let needle = search
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let all = contacts::address_book(ctx.db()?, viewer).await?;
    let matching: Vec<contacts::Contact> = all
        .into_iter()
        .filter(|c| {
            needle.as_deref().is_none_or(|n| {
                c.name.to_lowercase().contains(n)
                    || c.details.iter().any(|d| d.to_lowercase().contains(n))
            })
        })
        .collect();
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    let has_next = matching.len() > start.saturating_add(take);
    let rows: Vec<(i64, contacts::Contact)> = matching
        .into_iter()
        .enumerate()
        .skip(start)
        .take(take)
        .map(|(i, c)| (i64::try_from(i).unwrap_or(i64::MAX), c))
        .collect();
    Ok(Page::build(
        rows,
        offset > 0,
        has_next,
        |(i, _)| *i,
        |(_, c)| Contact {
            account_id: ids::encode(Kind::Account, c.account_id),
            name: c.name,
            role: c.role.into(),
            details: c.details,
            school_id: ids::encode(Kind::School, c.school_id),
        },
    ))
}

/// Communication writes.
#[derive(Default)]
pub struct TalkMutation;

/// Communication writes: news, events, the forum, messages.
#[Object]
impl TalkMutation {
    /// Publishes news: city news (the department), school news (its administration), class
    /// news (its class teacher, the school's administration). School and class news notify
    /// their families.
    async fn publish_news(
        &self,
        ctx: &Context<'_>,
        input: PublishNewsInput,
    ) -> AppResult<NewsItemPayload> {
        let writer = ctx.writer()?;
        let row = publishing::publish(
            &writer,
            publishing::NewNews {
                school_id: ids::decode_opt(input.school_id.as_ref(), Kind::School)?,
                class_unit_id: ids::decode_opt(input.class_unit_id.as_ref(), Kind::ClassUnit)?,
                kind: input.kind.into(),
                title: input.title,
                body: input.body,
            },
        )
        .await?;
        Ok(NewsItemPayload {
            news_item: NewsItem(row),
        })
    }

    /// Edits news: its author, or the administration above its scope.
    async fn edit_news(
        &self,
        ctx: &Context<'_>,
        input: EditNewsInput,
    ) -> AppResult<NewsItemPayload> {
        let writer = ctx.writer()?;
        let row = publishing::edit(
            &writer,
            ids::decode(&input.news_item_id, Kind::NewsItem)?,
            input.title,
            input.body,
            input.kind.map(Into::into),
        )
        .await?;
        Ok(NewsItemPayload {
            news_item: NewsItem(row),
        })
    }

    /// Withdraws news from every feed: its author, or the administration above its scope.
    async fn withdraw_news(
        &self,
        ctx: &Context<'_>,
        input: WithdrawNewsInput,
    ) -> AppResult<WithdrawNewsPayload> {
        let writer = ctx.writer()?;
        let row = publishing::withdraw(&writer, ids::decode(&input.news_item_id, Kind::NewsItem)?)
            .await?;
        Ok(WithdrawNewsPayload {
            news_item_id: ids::encode(Kind::NewsItem, row.id),
        })
    }

    /// Plans an event or parent meeting for a school (its administration) or a class (its
    /// class teacher too).
    async fn plan_event(
        &self,
        ctx: &Context<'_>,
        input: PlanEventInput,
    ) -> AppResult<EventPayload> {
        let writer = ctx.writer()?;
        let row = publishing::plan_event(
            &writer,
            ids::decode_opt(input.school_id.as_ref(), Kind::School)?,
            ids::decode_opt(input.class_unit_id.as_ref(), Kind::ClassUnit)?,
            publishing::EventInput {
                kind: input.kind.into(),
                title: input.title,
                description: input.description,
                place: input.place,
                starts_at: input.starts_at.0,
                ends_at: input.ends_at.map(|d| d.0),
            },
        )
        .await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Changes an event.
    async fn change_event(
        &self,
        ctx: &Context<'_>,
        input: ChangeEventInput,
    ) -> AppResult<EventPayload> {
        let writer = ctx.writer()?;
        let row = publishing::change_event(
            &writer,
            ids::decode(&input.event_id, Kind::Event)?,
            publishing::EventInput {
                kind: input.kind.into(),
                title: input.title,
                description: input.description,
                place: input.place,
                starts_at: input.starts_at.0,
                ends_at: input.ends_at.map(|d| d.0),
            },
        )
        .await?;
        Ok(EventPayload { event: Event(row) })
    }

    /// Cancels an event.
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        input: CancelEventInput,
    ) -> AppResult<CancelEventPayload> {
        let writer = ctx.writer()?;
        let id = ids::decode(&input.event_id, Kind::Event)?;
        publishing::cancel_event(&writer, id).await?;
        Ok(CancelEventPayload {
            event_id: ids::encode(Kind::Event, id),
        })
    }

    /// Opens a forum thread in a school or class one belongs to.
    async fn create_forum_thread(
        &self,
        ctx: &Context<'_>,
        input: CreateForumThreadInput,
    ) -> AppResult<ForumThreadPayload> {
        let writer = ctx.writer()?;
        let (thread, _) = forum::create_thread(
            &writer,
            forum::NewThread {
                school_id: ids::decode_opt(input.school_id.as_ref(), Kind::School)?,
                class_unit_id: ids::decode_opt(input.class_unit_id.as_ref(), Kind::ClassUnit)?,
                addressed_to: input.addressed_to.into(),
                title: input.title,
                body: input.body,
            },
        )
        .await?;
        Ok(ForumThreadPayload {
            forum_thread: ForumThread::one(thread),
        })
    }

    /// Posts in a thread one may read; a locked thread answers `CONFLICT` except to its
    /// moderators.
    async fn add_forum_post(
        &self,
        ctx: &Context<'_>,
        input: AddForumPostInput,
    ) -> AppResult<ForumPostPayload> {
        let writer = ctx.writer()?;
        let post = forum::post(
            &writer,
            ids::decode(&input.thread_id, Kind::ForumThread)?,
            &input.body,
        )
        .await?;
        Ok(ForumPostPayload {
            forum_post: ForumPost(post),
        })
    }

    /// Locks or pins a thread: the school's administration; for a class thread, the class's
    /// teachers; for a school thread, the school's staff.
    async fn moderate_forum_thread(
        &self,
        ctx: &Context<'_>,
        input: ModerateForumThreadInput,
    ) -> AppResult<ForumThreadPayload> {
        let writer = ctx.writer()?;
        let thread = forum::moderate_thread(
            &writer,
            ids::decode(&input.thread_id, Kind::ForumThread)?,
            input.locked,
            input.pinned,
        )
        .await?;
        Ok(ForumThreadPayload {
            forum_thread: ForumThread::one(thread),
        })
    }

    /// Hides a post (or shows it again): moderators; authors may hide their own.
    async fn set_forum_post_hidden(
        &self,
        ctx: &Context<'_>,
        input: SetForumPostHiddenInput,
    ) -> AppResult<ForumPostPayload> {
        let writer = ctx.writer()?;
        let post = forum::set_post_hidden(
            &writer,
            ids::decode(&input.post_id, Kind::ForumPost)?,
            input.hidden,
        )
        .await?;
        Ok(ForumPostPayload {
            forum_post: ForumPost(post),
        })
    }

    /// Starts a conversation with people from the viewer's address book. The recipients are
    /// notified and their live subscriptions hear of it.
    async fn start_conversation(
        &self,
        ctx: &Context<'_>,
        input: StartConversationInput,
    ) -> AppResult<MessagePayload> {
        let writer = ctx.writer()?;
        let recipients = input
            .recipient_ids
            .iter()
            .map(|id| ids::decode(id, Kind::Account))
            .collect::<AppResult<Vec<i64>>>()
            .map_err(|_| {
                crate::error::AppError::bad_input(
                    "recipientIds",
                    crate::error::Reason::ChooseFromAddressBook,
                )
            })?;
        let (conversation, message) =
            messaging::start(&writer, &input.subject, &recipients, &input.body).await?;
        payload(ctx, conversation.id, message).await
    }

    /// Replies in a conversation the viewer takes part in.
    async fn send_message(
        &self,
        ctx: &Context<'_>,
        input: SendMessageInput,
    ) -> AppResult<MessagePayload> {
        let writer = ctx.writer()?;
        let id = ids::decode(&input.conversation_id, Kind::Conversation)?;
        let message = messaging::reply(&writer, id, &input.body).await?;
        payload(ctx, id, message).await
    }

    /// Marks a conversation read (and its message notifications).
    async fn mark_conversation_read(
        &self,
        ctx: &Context<'_>,
        input: MarkConversationReadInput,
    ) -> AppResult<MarkConversationReadPayload> {
        let writer = ctx.writer()?;
        let id = ids::decode(&input.conversation_id, Kind::Conversation)?;
        messaging::mark_read(&writer, id).await?;
        Ok(MarkConversationReadPayload {
            conversation: conversation(ctx, id).await?,
        })
    }
}

async fn conversation(ctx: &Context<'_>, id: i64) -> AppResult<Conversation> {
    let found = nodes::conversation(ctx.db()?, ctx.viewer()?, id).await?;
    Ok(Conversation {
        siblings: std::sync::Arc::new([found.conversation.id]),
        model: found.conversation,
        unread: found.unread,
    })
}

async fn payload(
    ctx: &Context<'_>,
    conversation_id: i64,
    message: dnevnik_entities::message::Model,
) -> AppResult<MessagePayload> {
    let viewer = ctx.viewer()?;
    let participants = super::loaders::participants(ctx, conversation_id).await?;
    let mine = participants
        .iter()
        .find(|p| p.account_id == viewer.account_id())
        .cloned()
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(MessagePayload {
        conversation: conversation(ctx, conversation_id).await?,
        message: Message::new(message, viewer.account_id(), &mine, &participants),
    })
}

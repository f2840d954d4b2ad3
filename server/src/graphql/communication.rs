//! Communication in the API: news, events, the forum and private conversations, and the
//! accounts that author them (shown by display name only).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object};
use dnevnik_entities::enums::{EventKind, ForumAddressee, ForumScope, NewsKind, NewsScope};
use dnevnik_entities::{
    account, class_unit, conversation, event, forum_post, forum_thread, message, news_item, school,
};

use super::context::ContextExt;
use super::ids::{self, Kind};
use super::loaders;
use super::page::{self, Page};
use super::scalars::DateTime;
use super::school::{ClassUnit, School};
use super::student::page_size;
use crate::error::{AppError, AppResult};
use crate::graphql::cost;
use crate::service::communication as service;

/// A sign-in account, shown by its display name.
#[derive(Clone)]
pub struct Account(pub account::Model);

/// A sign-in account, shown by its display name.
#[Object]
impl Account {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Account, self.0.id)
    }

    /// The name shown in the interface.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
}

async fn account(ctx: &Context<'_>, id: Option<i64>) -> AppResult<Option<Account>> {
    match id {
        Some(id) => Ok(loaders::load::<account::Entity>(ctx, id)
            .await?
            .map(Account)),
        None => Ok(None),
    }
}

/// Whose news it is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "NewsScope")]
pub enum NewsScopeValue {
    /// The city's department of education.
    City,
    /// A school.
    School,
    /// A class.
    Class,
}

/// Organisation or administrative news.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "NewsKind")]
#[graphql(remote = "dnevnik_entities::enums::NewsKind")]
pub enum NewsKindValue {
    /// Новости организации.
    Organisation,
    /// Административные новости.
    Administrative,
}

/// A news item of the city, a school or a class.
#[derive(Clone)]
pub struct NewsItem(pub news_item::Model);

/// A news item of the city, a school or a class.
#[Object]
impl NewsItem {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::NewsItem, self.0.id)
    }

    /// City, school or class news.
    async fn scope(&self) -> NewsScopeValue {
        match self.0.scope {
            NewsScope::City => NewsScopeValue::City,
            NewsScope::School => NewsScopeValue::School,
            NewsScope::Class => NewsScopeValue::Class,
        }
    }

    /// Organisation or administrative news.
    async fn kind(&self) -> NewsKindValue {
        match self.0.kind {
            NewsKind::Organisation => NewsKindValue::Organisation,
            NewsKind::Administrative => NewsKindValue::Administrative,
        }
    }

    /// Headline.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// When it was published.
    async fn published_at(&self) -> DateTime {
        DateTime(self.0.published_at)
    }

    /// Who published it.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        account(ctx, self.0.author_account_id).await
    }

    /// The school, for school and class news.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        match self.0.school_id {
            Some(id) => Ok(loaders::load::<school::Entity>(ctx, id).await?.map(School)),
            None => Ok(None),
        }
    }

    /// The class, for class news.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<Option<ClassUnit>> {
        match self.0.class_unit_id {
            Some(id) => Ok(loaders::load::<class_unit::Entity>(ctx, id)
                .await?
                .map(ClassUnit)),
            None => Ok(None),
        }
    }
}

/// What kind of event.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "EventKind")]
#[graphql(remote = "dnevnik_entities::enums::EventKind")]
pub enum EventKindValue {
    /// Родительское собрание.
    ParentMeeting,
    /// A school event.
    SchoolEvent,
}

/// An event or parent meeting.
#[derive(Clone)]
pub struct Event(pub event::Model);

/// An event or parent meeting.
#[Object]
impl Event {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Event, self.0.id)
    }

    /// Parent meeting or school event.
    async fn kind(&self) -> EventKindValue {
        match self.0.kind {
            EventKind::ParentMeeting => EventKindValue::ParentMeeting,
            EventKind::SchoolEvent => EventKindValue::SchoolEvent,
        }
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Description or agenda.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Where.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }

    /// Start.
    async fn starts_at(&self) -> DateTime {
        DateTime(self.0.starts_at)
    }

    /// End.
    async fn ends_at(&self) -> Option<DateTime> {
        self.0.ends_at.map(DateTime)
    }

    /// The class, for class events such as a class's parent meeting.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<Option<ClassUnit>> {
        match self.0.class_unit_id {
            Some(id) => Ok(loaders::load::<class_unit::Entity>(ctx, id)
                .await?
                .map(ClassUnit)),
            None => Ok(None),
        }
    }
}

/// Where a forum thread lives.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ForumScope")]
pub enum ForumScopeValue {
    /// The whole school.
    School,
    /// One class.
    Class,
}

/// Whom a forum question is for.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ForumAddressee")]
#[graphql(remote = "dnevnik_entities::enums::ForumAddressee")]
pub enum ForumAddresseeValue {
    /// Anyone.
    Everyone,
    /// The class teacher.
    ClassTeacher,
    /// A teacher.
    Teacher,
    /// The deputy director.
    DeputyDirector,
}

/// A forum thread, with the threads of the page it came in: their posts load together.
#[derive(Clone)]
pub struct ForumThread(pub forum_thread::Model, Arc<[forum_thread::Model]>);

impl ForumThread {
    /// A thread on its own.
    pub fn one(model: forum_thread::Model) -> Self {
        let siblings: Arc<[forum_thread::Model]> = Arc::new([model.clone()]);
        Self(model, siblings)
    }

    /// The threads of one page.
    pub fn page(rows: &[forum_thread::Model]) -> impl Fn(forum_thread::Model) -> Self + use<> {
        let siblings: Arc<[forum_thread::Model]> = rows.to_vec().into();
        move |model| Self(model, Arc::clone(&siblings))
    }
}

/// A forum thread.
#[Object]
impl ForumThread {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ForumThread, self.0.id)
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// School or class.
    async fn scope(&self) -> ForumScopeValue {
        match self.0.scope {
            ForumScope::School => ForumScopeValue::School,
            ForumScope::Class => ForumScopeValue::Class,
        }
    }

    /// Whom the question is for.
    async fn addressed_to(&self) -> ForumAddresseeValue {
        match self.0.addressed_to {
            ForumAddressee::Everyone => ForumAddresseeValue::Everyone,
            ForumAddressee::ClassTeacher => ForumAddresseeValue::ClassTeacher,
            ForumAddressee::Teacher => ForumAddresseeValue::Teacher,
            ForumAddressee::DeputyDirector => ForumAddresseeValue::DeputyDirector,
        }
    }

    /// Pinned to the top.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }

    /// Closed for new posts.
    async fn locked(&self) -> bool {
        self.0.locked
    }

    /// Time of the latest post.
    async fn last_post_at(&self) -> DateTime {
        DateTime(self.0.last_post_at)
    }

    /// Who started it.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        account(ctx, self.0.author_account_id).await
    }

    /// The class, for class threads.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<Option<ClassUnit>> {
        match self.0.class_unit_id {
            Some(id) => Ok(loaders::load::<class_unit::Entity>(ctx, id)
                .await?
                .map(ClassUnit)),
            None => Ok(None),
        }
    }

    /// The posts, oldest first. Hidden posts appear to moderators only.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last post seen.")] after: Option<String>,
    ) -> AppResult<Page<ForumPost>> {
        let viewer = ctx.viewer()?;
        let limit = page_size(first)?;
        let after = page::after(after)?;
        // The posts of every thread of the page, in one statement (two when the viewer
        // moderates some of them), loaded by whichever thread asks first.
        let threads: Vec<(i64, bool)> = self
            .1
            .iter()
            .map(|t| (t.id, service::moderates(viewer, t)))
            .collect();
        let request = ctx.request()?;
        let key = format!("posts|{threads:?}|{after:?}|{limit}");
        let pages = request
            .memo
            .get_or_load(key, || async move {
                service::forum_posts(&request.db, &threads, after, limit).await
            })
            .await?;
        let (rows, has_next) = pages.get(&self.0.id).cloned().unwrap_or_default();
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |p| (p.created_at, p.id),
            ForumPost,
        ))
    }
}

/// A post in a forum thread.
#[derive(Clone)]
pub struct ForumPost(pub forum_post::Model);

/// A post in a forum thread.
#[Object]
impl ForumPost {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ForumPost, self.0.id)
    }

    /// Text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// Hidden by a moderator (only moderators see hidden posts).
    async fn hidden(&self) -> bool {
        self.0.hidden
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        account(ctx, self.0.author_account_id).await
    }
}

/// A private conversation the viewer takes part in.
#[derive(Clone)]
pub struct Conversation {
    /// The row.
    pub model: conversation::Model,
    /// Unread messages for the viewer.
    pub unread: i64,
    /// The conversations of the page it came in (itself alone when fetched by id): their
    /// participants and messages load together.
    pub siblings: Arc<[i64]>,
}

impl Conversation {
    /// Everyone taking part in each conversation of the page, the viewer included.
    async fn everyone(&self, ctx: &Context<'_>) -> AppResult<(Vec<Participant>, People)> {
        let request = ctx.request()?;
        let ids = Arc::clone(&self.siblings);
        let all = request
            .memo
            .get_or_load(format!("participants|{ids:?}"), || async move {
                let rows = service::participants(&request.db, &ids).await?;
                // Their accounts in the same go: names of participants and of senders.
                let account_ids: Vec<i64> = rows.iter().map(|p| p.account_id).collect();
                let people: People = Arc::new(
                    service::accounts(&request.db, &account_ids)
                        .await?
                        .into_iter()
                        .map(|a| (a.id, a))
                        .collect(),
                );
                let mut by_conversation: HashMap<i64, Vec<Participant>> = HashMap::new();
                for row in rows {
                    by_conversation
                        .entry(row.conversation_id)
                        .or_default()
                        .push(row);
                }
                Ok((by_conversation, people))
            })
            .await?;
        let (by_conversation, people) = &*all;
        Ok((
            by_conversation
                .get(&self.model.id)
                .cloned()
                .unwrap_or_default(),
            Arc::clone(people),
        ))
    }
}

/// A private conversation the viewer takes part in.
#[Object]
impl Conversation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Conversation, self.model.id)
    }

    /// Subject line.
    async fn subject(&self) -> &str {
        &self.model.subject
    }

    /// Time of the latest message.
    async fn last_message_at(&self) -> DateTime {
        DateTime(self.model.last_message_at)
    }

    /// Messages the viewer has not read.
    async fn unread_count(&self) -> i32 {
        i32::try_from(self.unread).unwrap_or(i32::MAX)
    }

    /// Who takes part.
    #[graphql(complexity = "cost::times(cost::PARTICIPANTS, child_complexity)")]
    async fn participants(&self, ctx: &Context<'_>) -> AppResult<Vec<Account>> {
        let (rows, people) = self.everyone(ctx).await?;
        Ok(rows
            .iter()
            .filter_map(|row| people.get(&row.account_id).cloned().map(Account))
            .collect())
    }

    /// The messages, newest first.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last message seen.")] after: Option<String>,
    ) -> AppResult<Page<Message>> {
        let viewer = ctx.viewer()?;
        let limit = page_size(first)?;
        let after = page::after(after)?;
        // Everyone taking part comes through the loader, the viewer included: a conversation
        // the viewer is not in has no messages for them.
        let (others, people) = self.everyone(ctx).await?;
        let participation = others
            .iter()
            .find(|p| p.account_id == viewer.account_id())
            .cloned()
            .ok_or(AppError::NotFound)?;
        // Every conversation of the page has the viewer in it (the list and `node` check), so
        // their pages load together in one statement.
        let request = ctx.request()?;
        let ids = Arc::clone(&self.siblings);
        let key = format!("messages|{ids:?}|{after:?}|{limit}");
        let pages = request
            .memo
            .get_or_load(key, || async move {
                service::messages(&request.db, &ids, after, limit).await
            })
            .await?;
        let (rows, has_next) = pages.get(&self.model.id).cloned().unwrap_or_default();
        let me = viewer.account_id();
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |m| (m.created_at, m.id),
            |m| Message::new(m, me, &participation, &others).with_people(&people),
        ))
    }
}

/// A message in a conversation.
#[derive(Clone)]
pub struct Message {
    model: message::Model,
    mine: bool,
    read: bool,
    read_by: Vec<i64>,
    /// The conversation's people, when they came loaded with it.
    people: Option<People>,
}

/// A conversation's participant row.
type Participant = dnevnik_entities::conversation_participant::Model;

/// Accounts by id, loaded with a page of conversations.
type People = Arc<HashMap<i64, account::Model>>;

impl Message {
    /// Names of the sender and readers from accounts already loaded, instead of one look-up
    /// each.
    fn with_people(self, people: &People) -> Self {
        Self {
            people: Some(Arc::clone(people)),
            ..self
        }
    }

    /// An account by id: from the loaded people, else through the request's loader.
    async fn person(&self, ctx: &Context<'_>, id: Option<i64>) -> AppResult<Option<Account>> {
        if let (Some(people), Some(id)) = (&self.people, id)
            && let Some(found) = people.get(&id)
        {
            return Ok(Some(Account(found.clone())));
        }
        account(ctx, id).await
    }

    /// A message as `viewer` sees it, with who of the other participants has read it.
    pub fn new(
        model: message::Model,
        viewer: i64,
        participation: &dnevnik_entities::conversation_participant::Model,
        participants: &[dnevnik_entities::conversation_participant::Model],
    ) -> Self {
        let mine = model.sender_account_id == Some(viewer);
        let read = mine
            || participation
                .last_read_at
                .is_some_and(|r| model.created_at <= r);
        let read_by = participants
            .iter()
            .filter(|p| Some(p.account_id) != model.sender_account_id)
            .filter(|p| p.last_read_at.is_some_and(|r| model.created_at <= r))
            .map(|p| p.account_id)
            .collect();
        Self {
            model,
            mine,
            read,
            read_by,
            people: None,
        }
    }
}

/// A message in a conversation.
#[Object]
impl Message {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Message, self.model.id)
    }

    /// Text.
    async fn body(&self) -> &str {
        &self.model.body
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }

    /// Who sent it.
    async fn sender(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        self.person(ctx, self.model.sender_account_id).await
    }

    /// Sent by the viewer (outbox) rather than to them (inbox).
    async fn is_mine(&self) -> bool {
        self.mine
    }

    /// Read by the viewer (their own messages count as read).
    async fn is_read(&self) -> bool {
        self.read
    }

    /// Read receipts: the other participants who have read it.
    #[graphql(complexity = "cost::times(cost::PARTICIPANTS, child_complexity)")]
    async fn read_by(&self, ctx: &Context<'_>) -> AppResult<Vec<Account>> {
        let mut accounts = Vec::new();
        for id in &self.read_by {
            if let Some(account) = self.person(ctx, Some(*id)).await? {
                accounts.push(account);
            }
        }
        Ok(accounts)
    }
}

/// Which conversations to list.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "service::Folder")]
pub enum ConversationFolder {
    /// Every conversation.
    All,
    /// Conversations with messages from others (входящие).
    Inbox,
    /// Conversations with messages from the viewer (исходящие).
    Sent,
}

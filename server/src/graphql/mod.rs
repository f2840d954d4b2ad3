//! The GraphQL schema: its roots, object types and limits. Resolvers stay thin: they ask
//! `policy/` and call `service/`; they never hold role logic or SQL themselves.

pub mod backoffice;
pub mod communication;
pub mod context;
pub mod cost;
pub mod diary;
pub mod fairness;
pub mod ids;
pub mod journal;
pub mod limits;
pub mod loaders;
pub mod memo;
pub mod mutation;
pub mod notifications;
pub mod page;
pub mod scalars;
pub mod school;
pub mod student;
pub mod subscription;
pub mod talk;
pub mod viewer;

use async_graphql::{Context, ID, Interface, MergedObject, Object, Schema};
use dnevnik_entities as e;
use sea_orm::EntityTrait;

use self::communication::{
    Account, Conversation, ConversationFolder, Event, ForumThread, NewsItem,
};
use self::context::ContextExt;
use self::diary::{Homework, Lesson, Mark};
use self::ids::Kind;
use self::page::Page;
use self::scalars::Date;
use self::school::{AcademicYear, ClassUnit, School, StaffMember, StudyPeriod, Subject};
use self::student::{Student, page_size};
use crate::config::Config;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{StudentRef, require_student};
use crate::service::communication as comms;
use crate::service::nodes;

pub use self::context::RequestContext;
pub use self::limits::DocumentLimits;

/// The schema type served at `/graphql`.
pub type DnevnikSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// The root of every read: the diary and communication, and the back-office.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(DiaryQuery, backoffice::BackOfficeQuery);

/// The root of every change: signing in and out, the teachers' journal, and the back-office.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    mutation::AuthMutation,
    journal::JournalMutation,
    notifications::NotificationMutation,
    talk::TalkMutation,
    backoffice::BackOfficeMutation,
);

/// Builds the schema with the limits that are on by default (SECURITY.md).
pub fn build_schema(config: &Config) -> DnevnikSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
    .limit_depth(config.graphql_max_depth)
    .limit_complexity(config.graphql_max_complexity)
    .limit_recursive_depth(32)
    .limit_directives(config.graphql_max_directives)
    .disable_suggestions()
    .extension(DocumentLimits {
        max_aliases: config.graphql_max_aliases,
        max_root_fields: config.graphql_max_root_fields,
        max_fields: config.graphql_max_fields,
        max_sensitive_mutations: 1,
    })
    .extension(fairness::HeavyGate::new(
        config.graphql_heavy_concurrency,
        config.graphql_heavy_complexity,
    ));
    if !config.graphql_introspection() {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema as SDL, exactly as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(&Config::development()).sdl()
}

/// An object that can be fetched again by its global id (Relay).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    /// An account.
    Account(Account),
    /// A school.
    School(School),
    /// An academic year.
    AcademicYear(AcademicYear),
    /// A study period.
    StudyPeriod(StudyPeriod),
    /// A class.
    ClassUnit(ClassUnit),
    /// A subject.
    Subject(Subject),
    /// A staff member.
    StaffMember(StaffMember),
    /// A student.
    Student(Student),
    /// A lesson.
    Lesson(Lesson),
    /// A mark.
    Mark(Mark),
    /// Homework.
    Homework(Homework),
    /// A news item.
    NewsItem(NewsItem),
    /// An event.
    Event(Event),
    /// A forum thread.
    ForumThread(ForumThread),
    /// A conversation.
    Conversation(Conversation),
    /// An access application.
    AccessApplication(backoffice::AccessApplication),
}

/// Reads of the diary, school structure and communication.
#[derive(Default)]
pub struct DiaryQuery;

/// Reads of the diary, school structure and communication.
#[Object]
impl DiaryQuery {
    /// The signed-in viewer, or `null` for an anonymous request.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<Option<viewer::Viewer>> {
        Ok(ctx.request()?.viewer.as_ref().map(|_| viewer::Viewer))
    }

    /// Any object by its global id, if the viewer may see it (otherwise `NOT_FOUND`).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Node> {
        let (kind, id) = ids::decode_any(&id)?;
        node(ctx, kind, id).await
    }

    /// A student the viewer may see: their child, themselves, a student they teach or
    /// administer. Anyone else is `NOT_FOUND`.
    async fn student(&self, ctx: &Context<'_>, id: ID) -> AppResult<Student> {
        let id = ids::decode(&id, Kind::Student)?;
        match node(ctx, Kind::Student, id).await? {
            Node::Student(student) => Ok(student),
            _ => Err(AppError::NotFound),
        }
    }

    /// A class the viewer belongs to (teaches, leads, administers, or has a child in).
    async fn class_unit(&self, ctx: &Context<'_>, id: ID) -> AppResult<ClassUnit> {
        let id = ids::decode(&id, Kind::ClassUnit)?;
        match node(ctx, Kind::ClassUnit, id).await? {
            Node::ClassUnit(class) => Ok(class),
            _ => Err(AppError::NotFound),
        }
    }

    /// A school the viewer belongs to.
    async fn school(&self, ctx: &Context<'_>, id: ID) -> AppResult<School> {
        let id = ids::decode(&id, Kind::School)?;
        match node(ctx, Kind::School, id).await? {
            Node::School(school) => Ok(school),
            _ => Err(AppError::NotFound),
        }
    }

    /// The news feed: city news, the viewer's schools' and classes' news, newest first.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn news(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item seen.")] after: Option<String>,
    ) -> AppResult<Page<NewsItem>> {
        let viewer = ctx.viewer()?;
        let limit = page_size(first)?;
        let after = page::after(after)?;
        let (rows, has_next) =
            comms::news(ctx.db()?, viewer, ctx.clock()?.now(), after, limit).await?;
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |n| (n.published_at, n.id),
            NewsItem,
        ))
    }

    /// Events and parent meetings of the viewer's schools and classes from `from` to `to`
    /// (days, school time, both included; at most 366 days and 500 events).
    #[graphql(complexity = "cost::times(cost::events(&from, &to), child_complexity)")]
    async fn events(&self, ctx: &Context<'_>, from: Date, to: Date) -> AppResult<Vec<Event>> {
        let viewer = ctx.viewer()?;
        if to.0 < from.0 || (to.0 - from.0).num_days() >= 366 {
            return Err(AppError::bad_input("to", Reason::EventsRangeTooLong));
        }
        let rows = comms::events(ctx.db()?, ctx.clock()?, viewer, from.0, to.0).await?;
        Ok(rows.into_iter().map(Event).collect())
    }

    /// Forum threads the viewer may read: pinned ones first, then latest activity first;
    /// optionally of one class.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn forum_threads(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last thread seen.")] after: Option<String>,
        #[graphql(desc = "Only this class's threads.")] class_unit_id: Option<ID>,
    ) -> AppResult<Page<ForumThread>> {
        let viewer = ctx.viewer()?;
        let limit = page_size(first)?;
        let after = page::after(after)?;
        let class = ids::decode_opt(class_unit_id.as_ref(), Kind::ClassUnit)?;
        let (rows, has_next) = comms::forum_threads(ctx.db()?, viewer, class, after, limit).await?;
        let thread = ForumThread::page(&rows);
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |t| (t.pinned, t.last_post_at, t.id),
            thread,
        ))
    }

    /// A forum thread the viewer may read.
    async fn forum_thread(&self, ctx: &Context<'_>, id: ID) -> AppResult<ForumThread> {
        let id = ids::decode(&id, Kind::ForumThread)?;
        match node(ctx, Kind::ForumThread, id).await? {
            Node::ForumThread(thread) => Ok(thread),
            _ => Err(AppError::NotFound),
        }
    }

    /// The viewer's conversations, latest activity first.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last conversation seen.")] after: Option<String>,
        #[graphql(
            desc = "Inbox, sent, or all (default).",
            default_with = "ConversationFolder::All"
        )]
        folder: ConversationFolder,
    ) -> AppResult<Page<Conversation>> {
        let viewer = ctx.viewer()?;
        let db = ctx.db()?;
        let limit = page_size(first)?;
        let after = page::after(after)?;
        let (rows, has_next) =
            comms::conversations(db, viewer, folder.into(), after, limit).await?;
        let unread = comms::unread_counts(db, viewer).await?;
        let siblings: std::sync::Arc<[i64]> = rows.iter().map(|c| c.id).collect();
        Ok(Page::build(
            rows,
            after.is_some(),
            has_next,
            |c| (c.last_message_at, c.id),
            |model| Conversation {
                unread: unread.get(&model.id).copied().unwrap_or(0),
                siblings: std::sync::Arc::clone(&siblings),
                model,
            },
        ))
    }
}

/// Fetches any object by kind and id, if the viewer may see it.
async fn node(ctx: &Context<'_>, kind: Kind, id: i64) -> AppResult<Node> {
    let viewer = ctx.viewer()?;
    let db = ctx.db()?;
    let not_found = || AppError::NotFound;
    Ok(match kind {
        Kind::Account if id == viewer.account_id() => Node::Account(Account(
            load::<e::account::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?,
        )),
        Kind::School => {
            let school = load::<e::school::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_school(school.id) {
                return Err(not_found());
            }
            Node::School(School(school))
        }
        Kind::AcademicYear => {
            let year = load::<e::academic_year::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_school(year.school_id) {
                return Err(not_found());
            }
            Node::AcademicYear(AcademicYear(year))
        }
        Kind::StudyPeriod => {
            let period = load::<e::study_period::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_school(period.school_id) {
                return Err(not_found());
            }
            Node::StudyPeriod(StudyPeriod(period))
        }
        Kind::ClassUnit => {
            let class = load::<e::class_unit::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_class(class.id, class.school_id) {
                return Err(not_found());
            }
            Node::ClassUnit(ClassUnit(class))
        }
        Kind::Subject => {
            let subject = load::<e::subject::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_school(subject.school_id) {
                return Err(not_found());
            }
            Node::Subject(Subject(subject))
        }
        Kind::StaffMember => {
            let staff = load::<e::staff_member::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_school(staff.school_id) {
                return Err(not_found());
            }
            Node::StaffMember(StaffMember(staff))
        }
        Kind::Student => {
            let student = load::<e::student::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            let access = require_student(viewer, StudentRef::from(&student))?;
            Node::Student(Student::single(student, access))
        }
        Kind::Lesson => {
            let lesson = load::<e::lesson::Entity>(ctx, id)
                .await?
                .ok_or_else(not_found)?;
            if !viewer.member_of_class(lesson.class_unit_id, lesson.school_id) {
                return Err(not_found());
            }
            Node::Lesson(Lesson(lesson))
        }
        Kind::Mark => Node::Mark(Mark(nodes::mark(db, viewer, id).await?)),
        Kind::Homework => Node::Homework(Homework(nodes::homework(db, viewer, id).await?)),
        Kind::NewsItem => Node::NewsItem(NewsItem(nodes::news_item(db, viewer, id).await?)),
        Kind::Event => Node::Event(Event(nodes::event(db, viewer, id).await?)),
        Kind::ForumThread => {
            Node::ForumThread(ForumThread::one(nodes::forum_thread(db, viewer, id).await?))
        }
        Kind::Conversation => {
            let found = nodes::conversation(db, viewer, id).await?;
            Node::Conversation(Conversation {
                siblings: std::sync::Arc::new([found.conversation.id]),
                model: found.conversation,
                unread: found.unread,
            })
        }
        Kind::AccessApplication => Node::AccessApplication(backoffice::AccessApplication::one(
            crate::service::applications::find(db, viewer, id).await?,
        )),
        _ => return Err(not_found()),
    })
}

async fn load<E>(ctx: &Context<'_>, id: i64) -> AppResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: loaders::HasId + Clone + Send + Sync + 'static,
{
    loaders::load::<E>(ctx, id).await
}

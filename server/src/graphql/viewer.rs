//! The viewer in the API: who is signed in, their roles with scopes, the students they may see
//! as their own (children or themselves), a teacher's timetable, sessions and unread messages.

use async_graphql::{Context, Enum, ID, Object};
use dnevnik_entities::enums::SessionKind;
use dnevnik_entities::{account, class_unit, school, session, student, subject};

use super::communication::Account;
use super::context::ContextExt;
use super::diary::Lesson;
use super::ids::{self, Kind};
use super::loaders;
use super::scalars::{Date, DateTime};
use super::school::{ClassUnit, School, StaffMember, Subject};
use super::student::Student;
use crate::auth::session as sessions;
use crate::error::{AppError, AppResult};
use crate::graphql::cost;
use crate::policy::Viewer as PolicyViewer;
use crate::service::{communication, structure};

/// A role the viewer holds.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::policy::RoleKind")]
pub enum RoleKind {
    /// A legal representative of linked children.
    Parent,
    /// A student.
    Student,
    /// A teacher of a subject in a class.
    Teacher,
    /// The class teacher of a class.
    ClassTeacher,
    /// A school administrator.
    SchoolAdmin,
    /// A school's director.
    Director,
    /// A deputy director.
    DeputyDirector,
    /// A department administrator (all schools).
    DepartmentAdmin,
}

/// A role with its scope: a school, a class (and subject), or a student.
pub struct RoleAssignment {
    role: RoleKind,
    school_id: Option<i64>,
    class_unit_id: Option<i64>,
    subject_ids: Vec<i64>,
    student_id: Option<i64>,
}

/// A role with its scope: a school, a class (and subject), or a student.
#[Object]
impl RoleAssignment {
    /// The role.
    async fn role(&self) -> RoleKind {
        self.role
    }

    /// The school the role is held at (none for a department administrator).
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        match self.school_id {
            Some(id) => Ok(loaders::load::<school::Entity>(ctx, id).await?.map(School)),
            None => Ok(None),
        }
    }

    /// The class, for teachers and class teachers.
    async fn class_unit(&self, ctx: &Context<'_>) -> AppResult<Option<ClassUnit>> {
        match self.class_unit_id {
            Some(id) => Ok(loaders::load::<class_unit::Entity>(ctx, id)
                .await?
                .map(ClassUnit)),
            None => Ok(None),
        }
    }

    /// The subjects taught in that class, for teachers.
    #[graphql(complexity = "cost::times(cost::ROLES, child_complexity)")]
    async fn subjects(&self, ctx: &Context<'_>) -> AppResult<Vec<Subject>> {
        let mut subjects = Vec::new();
        for id in &self.subject_ids {
            if let Some(s) = loaders::load::<subject::Entity>(ctx, *id).await? {
                subjects.push(Subject(s));
            }
        }
        Ok(subjects)
    }

    /// The student, for parents (one assignment per child) and students.
    async fn student_id(&self) -> Option<ID> {
        self.student_id.map(|id| ids::encode(Kind::Student, id))
    }
}

/// How the viewer is related to a student of theirs.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StudentRelation {
    /// The viewer is the student's legal representative.
    Guardian,
    /// The viewer is the student.
    Myself,
}

/// A student of the viewer's own: a linked child (with the parent's label) or themselves.
pub struct LinkedStudent {
    label: Option<String>,
    relation: StudentRelation,
    student: Student,
}

/// A student of the viewer's own: a linked child (with the parent's label) or themselves.
#[Object]
impl LinkedStudent {
    /// The parent's own name for this child's diary ("Маша"); null for the student themselves.
    async fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// Guardian or the student themselves.
    async fn relation(&self) -> StudentRelation {
        self.relation
    }

    /// The student.
    async fn student(&self) -> &Student {
        &self.student
    }
}

/// How a session was started.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "SessionKind")]
pub enum SessionKindValue {
    /// A browser, with a cookie.
    Web,
    /// An API client, with a bearer token.
    Api,
    /// The back-office.
    Admin,
}

/// One of the viewer's sign-in sessions.
pub struct Session {
    model: session::Model,
    current: bool,
}

/// One of the viewer's sign-in sessions.
#[Object]
impl Session {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Session, self.model.id)
    }

    /// Browser, API client or back-office.
    async fn kind(&self) -> SessionKindValue {
        match self.model.kind {
            SessionKind::Web => SessionKindValue::Web,
            SessionKind::Api => SessionKindValue::Api,
            SessionKind::Admin => SessionKindValue::Admin,
        }
    }

    /// When it started.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }

    /// The latest request (to within a minute).
    async fn last_seen_at(&self) -> DateTime {
        DateTime(self.model.last_seen_at)
    }

    /// When it ends at the latest.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.model.expires_at)
    }

    /// The browser or client that started it.
    async fn user_agent(&self) -> Option<&str> {
        self.model.user_agent.as_deref()
    }

    /// Whether this request uses it.
    async fn current(&self) -> bool {
        self.current
    }
}

/// The signed-in user and what they may see.
pub struct Viewer;

fn policy_viewer<'a>(ctx: &'a Context<'_>) -> AppResult<&'a PolicyViewer> {
    ctx.viewer()
}

/// The signed-in user and what they may see.
#[Object]
impl Viewer {
    /// The viewer's own account.
    async fn account(&self, ctx: &Context<'_>) -> AppResult<Account> {
        let viewer = policy_viewer(ctx)?;
        loaders::load::<account::Entity>(ctx, viewer.account_id())
            .await?
            .map(Account)
            .ok_or(AppError::Unauthenticated)
    }

    /// Whether the account's identity is confirmed (a confirmed Gosuslugi account); only
    /// confirmed accounts may link a child.
    async fn confirmed(&self, ctx: &Context<'_>) -> AppResult<bool> {
        Ok(policy_viewer(ctx)?.is_confirmed())
    }

    /// Every role the viewer holds, with its scope.
    #[graphql(complexity = "cost::times(cost::ROLES, child_complexity)")]
    async fn roles(&self, ctx: &Context<'_>) -> AppResult<Vec<RoleAssignment>> {
        let viewer = policy_viewer(ctx)?;
        Ok(viewer
            .roles()
            .into_iter()
            .map(|held| RoleAssignment {
                role: held.kind.into(),
                school_id: held.school_id,
                class_unit_id: held.class_unit_id,
                subject_ids: held.subject_ids,
                student_id: held.student_id,
            })
            .collect())
    }

    /// The viewer's own students: a parent's linked children with the parent's label for each,
    /// or a student's own record. Empty for staff.
    #[graphql(complexity = "cost::times(cost::CHILDREN, child_complexity)")]
    async fn students(&self, ctx: &Context<'_>) -> AppResult<Vec<LinkedStudent>> {
        let viewer = policy_viewer(ctx)?;
        let ids = viewer.own_students();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<student::Model> = structure::students(ctx.db()?, &ids).await?;
        let group = Student::visible_group(viewer, rows);
        Ok(group
            .into_iter()
            .map(|student| {
                let label = viewer.child_label(student.model.id).map(str::to_owned);
                LinkedStudent {
                    relation: if label.is_some() {
                        StudentRelation::Guardian
                    } else {
                        StudentRelation::Myself
                    },
                    label,
                    student,
                }
            })
            .collect())
    }

    /// The viewer's staff records, one per school they work at.
    #[graphql(complexity = "cost::times(cost::STAFF_POSTS, child_complexity)")]
    async fn staff_posts(&self, ctx: &Context<'_>) -> AppResult<Vec<StaffMember>> {
        let viewer = policy_viewer(ctx)?;
        let mut posts = Vec::new();
        for staff_id in viewer.staff_ids() {
            if let Some(row) =
                loaders::load::<dnevnik_entities::staff_member::Entity>(ctx, staff_id).await?
            {
                posts.push(StaffMember(row));
            }
        }
        Ok(posts)
    }

    /// A teacher's own lessons in the week (Monday to Sunday) containing `weekOf`, including
    /// lessons they replace someone at.
    #[graphql(complexity = "cost::times(cost::TEACHER_WEEK, child_complexity)")]
    async fn timetable(&self, ctx: &Context<'_>, week_of: Date) -> AppResult<Vec<Lesson>> {
        let viewer = policy_viewer(ctx)?;
        let staff = viewer.staff_ids();
        if staff.is_empty() {
            return Ok(Vec::new());
        }
        let (monday, sunday) = week_of.week("weekOf")?;
        let lessons = structure::teacher_lessons(ctx.db()?, &staff, monday, sunday).await?;
        Ok(lessons.into_iter().map(Lesson).collect())
    }

    /// The viewer's live sessions, newest first.
    #[graphql(complexity = "cost::times(cost::SESSIONS, child_complexity)")]
    async fn sessions(&self, ctx: &Context<'_>) -> AppResult<Vec<Session>> {
        let viewer = policy_viewer(ctx)?;
        let rows = sessions::list(ctx.db()?, viewer.account_id(), ctx.clock()?.now()).await?;
        Ok(rows
            .into_iter()
            .map(|model| Session {
                current: model.id == viewer.session_id(),
                model,
            })
            .collect())
    }

    /// The viewer's notifications, newest first: new and changed marks, homework, absences,
    /// remarks, messages, news. Those about a child show only while the viewer still sees
    /// that child.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last notification seen.")] after: Option<String>,
        #[graphql(desc = "Only unread ones.", default)] unread_only: bool,
    ) -> AppResult<super::page::Page<super::notifications::Notification>> {
        let viewer = policy_viewer(ctx)?;
        let limit = super::student::page_size(first)?;
        let after = super::page::after::<i64>(after)?;
        let (rows, has_next) =
            crate::service::notifications::page(ctx.db()?, viewer, unread_only, after, limit)
                .await?;
        Ok(super::page::Page::build(
            rows,
            after.is_some(),
            has_next,
            |row| row.id,
            super::notifications::Notification::from,
        ))
    }

    /// Whom the viewer may write to (`startConversation`), by role then name: for a parent,
    /// the teachers and class teachers of their children's classes and their schools'
    /// administration; for a student, their class's teachers; for staff, anyone of their
    /// school. `search` matches names and details.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    async fn address_book(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text in the name or details, any case.")] search: Option<String>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last contact seen.")] after: Option<String>,
    ) -> AppResult<super::page::Page<super::talk::Contact>> {
        super::talk::address_book(ctx, search, first, after).await
    }

    /// How many of the viewer's notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let viewer = policy_viewer(ctx)?;
        let count = crate::service::notifications::unread_count(ctx.db()?, viewer).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    /// Unread messages over all conversations.
    async fn unread_message_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let viewer = policy_viewer(ctx)?;
        let counts = communication::unread_counts(ctx.db()?, viewer).await?;
        Ok(i32::try_from(counts.values().sum::<i64>()).unwrap_or(i32::MAX))
    }
}

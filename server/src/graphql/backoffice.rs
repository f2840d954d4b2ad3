//! The back-office in the API: access applications, access codes, guardianships, the
//! refusal-reason catalogue, the business calendar, the dashboard and the audit log — every
//! operation of the server-rendered back-office, under the same services and policy, so that
//! another front end can be built on the API alone.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use dnevnik_entities::enums::CalendarDayKind;
use dnevnik_entities::{
    access_application, access_code, account, audit_event, calendar_day, guardianship,
    refusal_reason, student,
};

use super::communication::Account;
use super::context::ContextExt;
use super::ids::{self, Kind};
use super::loaders;
use super::page::Page;
use super::scalars::{Date, DateTime};
use super::school::School;
use super::student::{Student, page_size};
use crate::error::{AppError, AppResult};
use crate::graphql::cost;
use crate::policy::Permission;
use crate::service::codes::codebook::IssuedCode;
use crate::service::{applications, audit, calendar_days, codes, guardianships, refusal_reasons};

/// The state of an access application.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ApplicationStatus")]
#[graphql(remote = "dnevnik_entities::enums::ApplicationStatus")]
pub enum ApplicationStatusValue {
    /// Registered, not looked at yet.
    Received,
    /// Matched to a student record, awaiting the decision.
    InReview,
    /// Approved: an access code was issued.
    Approved,
    /// Refused with reasons.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
}

/// Parent or student access.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "AccessKind")]
#[graphql(remote = "dnevnik_entities::enums::AccessKind")]
pub enum AccessKindValue {
    /// A parent or guardian links the child.
    Guardian,
    /// The student signs in as themselves.
    Student,
}

/// The applicant's relation to the child.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    name = "ApplicantRelation",
    remote = "dnevnik_entities::enums::ApplicantRelation"
)]
pub enum ApplicantRelationValue {
    /// Мать.
    Mother,
    /// Отец.
    Father,
    /// Опекун или попечитель.
    Guardian,
    /// The student applies for themselves.
    #[graphql(name = "MYSELF")]
    Oneself,
}

/// The identity document the applicant showed.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "IdentityDocumentType")]
#[graphql(remote = "dnevnik_entities::enums::IdentityDocumentType")]
pub enum IdentityDocumentTypeValue {
    /// Паспорт гражданина РФ.
    PassportRf,
    /// A foreign passport.
    ForeignPassport,
    /// A birth certificate (students under 14).
    BirthCertificate,
    /// Another identity document.
    Other,
}

/// The documents presented with an application.
#[derive(SimpleObject, InputObject, Clone, Copy)]
#[graphql(input_name = "DocumentsInput")]
pub struct Documents {
    /// The application form.
    pub application_form: bool,
    /// The child's birth certificate.
    pub birth_certificate: bool,
    /// A document proving guardianship.
    pub guardianship_document: bool,
    /// The applicant's identity document.
    pub identity_document: bool,
}

/// What a clerk must notice before deciding.
#[derive(SimpleObject)]
pub struct ApplicationFindings {
    /// No student of this school matches the stated child (the child may study elsewhere).
    pub no_matching_student: bool,
    /// The matched student's birth date differs from the stated one.
    pub birth_date_differs: bool,
    /// The matched student's class differs from the stated one.
    pub class_differs: bool,
    /// The matched student's name differs from the stated one.
    pub name_differs: bool,
    /// Documents are missing for an approval.
    pub documents_missing: bool,
    /// Undecided past its due date.
    pub overdue: bool,
    /// A student with the stated surname, first name and birth date is enrolled at another
    /// school (which one is not said).
    pub enrolled_elsewhere: bool,
}

/// An application for diary access, filed on paper at the school, with the applications of
/// the page it came in: their reviews load together.
#[derive(Clone)]
pub struct AccessApplication(
    pub access_application::Model,
    std::sync::Arc<[access_application::Model]>,
);

impl AccessApplication {
    /// An application on its own.
    pub fn one(model: access_application::Model) -> Self {
        let siblings: std::sync::Arc<[access_application::Model]> =
            std::sync::Arc::new([model.clone()]);
        Self(model, siblings)
    }

    /// The review of this application, loaded once for every application of its page.
    async fn review(&self, ctx: &Context<'_>) -> AppResult<applications::Review> {
        let request = ctx.request()?;
        let viewer = ctx.viewer()?;
        let rows = std::sync::Arc::clone(&self.1);
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let all = request
            .memo
            .get_or_load(format!("reviews|{ids:?}"), || async move {
                applications::reviews(&request.db, &request.clock, viewer, &rows).await
            })
            .await?;
        all.get(&self.0.id).cloned().ok_or(AppError::NotFound)
    }
}

/// An application for diary access, filed on paper at the school.
#[Object]
impl AccessApplication {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AccessApplication, self.0.id)
    }

    /// Its state.
    async fn status(&self) -> ApplicationStatusValue {
        self.0.status.into()
    }

    /// Parent or student access.
    async fn access_kind(&self) -> AccessKindValue {
        self.0.access_kind.into()
    }

    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> AppResult<Option<School>> {
        Ok(
            loaders::load::<dnevnik_entities::school::Entity>(ctx, self.0.school_id)
                .await?
                .map(School),
        )
    }

    /// Applicant's surname.
    async fn applicant_last_name(&self) -> &str {
        &self.0.applicant_last_name
    }

    /// Applicant's first name.
    async fn applicant_first_name(&self) -> &str {
        &self.0.applicant_first_name
    }

    /// Applicant's patronymic.
    async fn applicant_middle_name(&self) -> Option<&str> {
        self.0.applicant_middle_name.as_deref()
    }

    /// Applicant's phone.
    async fn applicant_phone(&self) -> Option<&str> {
        self.0.applicant_phone.as_deref()
    }

    /// Applicant's e-mail.
    async fn applicant_email(&self) -> Option<&str> {
        self.0.applicant_email.as_deref()
    }

    /// Relation to the child.
    async fn applicant_relation(&self) -> ApplicantRelationValue {
        self.0.applicant_relation.into()
    }

    /// Type of the identity document shown.
    async fn identity_document_type(&self) -> IdentityDocumentTypeValue {
        self.0.identity_document_type.into()
    }

    /// Its number, masked but for the last digits.
    async fn identity_document_number_masked(&self) -> &str {
        &self.0.identity_document_number_masked
    }

    /// The child's surname as stated.
    async fn child_last_name(&self) -> &str {
        &self.0.child_last_name
    }

    /// The child's first name as stated.
    async fn child_first_name(&self) -> &str {
        &self.0.child_first_name
    }

    /// The child's patronymic as stated.
    async fn child_middle_name(&self) -> Option<&str> {
        self.0.child_middle_name.as_deref()
    }

    /// The child's birth date as stated.
    async fn child_birth_date(&self) -> Date {
        Date(self.0.child_birth_date)
    }

    /// The child's class as stated.
    async fn child_class_name(&self) -> &str {
        &self.0.child_class_name
    }

    /// Documents presented.
    async fn documents(&self) -> Documents {
        Documents {
            application_form: self.0.has_application_form,
            birth_certificate: self.0.has_birth_certificate,
            guardianship_document: self.0.has_guardianship_document,
            identity_document: self.0.has_identity_document,
        }
    }

    /// The day the school received it.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }

    /// Three business days after receipt.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }

    /// The comment on the decision.
    async fn decision_comment(&self) -> Option<&str> {
        self.0.decision_comment.as_deref()
    }

    /// The reasons of a refusal.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn refusal_reasons(&self, ctx: &Context<'_>) -> AppResult<Vec<RefusalReason>> {
        let review = self.review(ctx).await?;
        Ok(review
            .refusal_reasons
            .into_iter()
            .map(RefusalReason)
            .collect())
    }

    /// The student record the child was matched to.
    async fn student(&self, ctx: &Context<'_>) -> AppResult<Option<Student>> {
        let viewer = ctx.viewer()?;
        let review = self.review(ctx).await?;
        Ok(review.matched.and_then(|s| Student::visible(viewer, s)))
    }

    /// Students of the school who may be the stated child.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn candidates(&self, ctx: &Context<'_>) -> AppResult<Vec<Student>> {
        let review = self.review(ctx).await?;
        Ok(Student::visible_group(ctx.viewer()?, review.candidates))
    }

    /// Contradictions and gaps to notice before deciding.
    async fn findings(&self, ctx: &Context<'_>) -> AppResult<ApplicationFindings> {
        let f = self.review(ctx).await?.findings;
        Ok(ApplicationFindings {
            no_matching_student: f.no_matching_student,
            birth_date_differs: f.birth_date_differs,
            class_differs: f.class_differs,
            name_differs: f.name_differs,
            documents_missing: f.documents_missing,
            overdue: f.overdue,
            enrolled_elsewhere: f.enrolled_elsewhere,
        })
    }

    /// The codes issued for it, newest first.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    async fn access_codes(&self, ctx: &Context<'_>) -> AppResult<Vec<AccessCode>> {
        let review = self.review(ctx).await?;
        Ok(review.codes.into_iter().map(AccessCode).collect())
    }

    /// Its history from the audit log, oldest first.
    #[graphql(complexity = "cost::times(cost::CATALOGUE, child_complexity)")]
    async fn history(&self, ctx: &Context<'_>) -> AppResult<Vec<AuditEvent>> {
        let review = self.review(ctx).await?;
        Ok(review.history.into_iter().map(AuditEvent).collect())
    }
}

/// What became of an access code.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "AccessCodeState")]
pub enum AccessCodeStateValue {
    /// Issued, envelope not printed.
    Issued,
    /// Envelope printed.
    Printed,
    /// Envelope handed to the applicant.
    HandedOver,
    /// Used to link.
    Redeemed,
    /// Expired unused.
    Expired,
    /// Revoked, or burned by wrong guesses.
    Revoked,
}

/// A sealed access code: only its state, never the code itself.
#[derive(Clone)]
pub struct AccessCode(pub access_code::Model);

/// A sealed access code: only its state, never the code itself.
#[Object]
impl AccessCode {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AccessCode, self.0.id)
    }

    /// Parent or student access.
    async fn kind(&self) -> AccessKindValue {
        self.0.kind.into()
    }

    /// Its state now.
    async fn state(&self, ctx: &Context<'_>) -> AppResult<AccessCodeStateValue> {
        Ok(match codes::state(&self.0, ctx.clock()?.now()) {
            codes::CodeState::Issued => AccessCodeStateValue::Issued,
            codes::CodeState::Printed => AccessCodeStateValue::Printed,
            codes::CodeState::HandedOver => AccessCodeStateValue::HandedOver,
            codes::CodeState::Redeemed => AccessCodeStateValue::Redeemed,
            codes::CodeState::Expired => AccessCodeStateValue::Expired,
            codes::CodeState::Revoked => AccessCodeStateValue::Revoked,
        })
    }

    /// When it was issued.
    async fn issued_at(&self) -> DateTime {
        DateTime(self.0.issued_at)
    }

    /// When it stops working.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }

    /// When its envelope was printed.
    async fn printed_at(&self) -> Option<DateTime> {
        self.0.printed_at.map(DateTime)
    }

    /// When it was handed over.
    async fn handed_over_at(&self) -> Option<DateTime> {
        self.0.handed_over_at.map(DateTime)
    }

    /// When it was used.
    async fn redeemed_at(&self) -> Option<DateTime> {
        self.0.redeemed_at.map(DateTime)
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }

    /// Wrong guesses so far (five burn it).
    async fn failed_attempts(&self) -> i32 {
        self.0.failed_attempts
    }

    /// The student it is for.
    async fn student(&self, ctx: &Context<'_>) -> AppResult<Option<Student>> {
        let viewer = ctx.viewer()?;
        Ok(loaders::load::<student::Entity>(ctx, self.0.student_id)
            .await?
            .and_then(|s| Student::visible(viewer, s)))
    }
}

/// A code just issued, with its plaintext — shown this once, for the envelope.
#[derive(SimpleObject)]
pub struct IssuedAccessCode {
    /// The code as printed on the envelope; it can never be shown again.
    pub code: String,
    /// The code's record.
    pub access_code: AccessCode,
}

impl From<IssuedCode> for IssuedAccessCode {
    fn from(issued: IssuedCode) -> Self {
        Self {
            code: issued.plaintext,
            access_code: AccessCode(issued.model),
        }
    }
}

/// A reason from the refusal catalogue.
#[derive(Clone)]
pub struct RefusalReason(pub refusal_reason::Model);

/// A reason from the refusal catalogue.
#[Object]
impl RefusalReason {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::RefusalReason, self.0.id)
    }

    /// Stable identifier, e.g. `another_school`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Title in Russian.
    async fn title_ru(&self) -> &str {
        &self.0.title_ru
    }

    /// Title in English.
    async fn title_en(&self) -> &str {
        &self.0.title_en
    }

    /// Whether refusing for this reason needs a comment.
    async fn requires_comment(&self) -> bool {
        self.0.requires_comment
    }

    /// Whether it can be chosen.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Position in lists.
    async fn sort_order(&self) -> i32 {
        self.0.sort_order
    }
}

/// A parent's link to a child.
pub struct Guardianship {
    model: guardianship::Model,
    account: Option<account::Model>,
}

/// A parent's link to a child.
#[Object]
impl Guardianship {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Guardianship, self.model.id)
    }

    /// The parent's label for the child.
    async fn label(&self) -> &str {
        &self.model.label
    }

    /// When the link was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }

    /// The parent's account.
    async fn account(&self) -> Option<Account> {
        self.account.clone().map(Account)
    }
}

/// An entry of the audit log.
#[derive(Clone)]
pub struct AuditEvent(pub audit_event::Model);

/// An entry of the audit log.
#[Object]
impl AuditEvent {
    /// The entry's number.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }

    /// What happened, e.g. `access_application.approved`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The kind of object.
    async fn object_type(&self) -> Option<&str> {
        self.0.object_type.as_deref()
    }

    /// The object's number.
    async fn object_id(&self) -> Option<String> {
        self.0.object_id.map(|id| id.to_string())
    }

    /// Who did it.
    async fn actor(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        match self.0.actor_account_id {
            Some(id) => Ok(loaders::load::<account::Entity>(ctx, id)
                .await?
                .map(Account)),
            None => Ok(None),
        }
    }

    /// From where.
    async fn ip(&self) -> Option<&str> {
        self.0.ip.as_deref()
    }

    /// Identifiers and values that explain it (JSON).
    async fn details(&self) -> Option<&str> {
        self.0.details.as_deref()
    }

    /// This entry's hash in its school's chain.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// Applications by status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: ApplicationStatusValue,
    /// How many.
    pub count: i32,
}

/// The back-office dashboard of a school.
#[derive(SimpleObject)]
pub struct AdminDashboard {
    /// Applications by status.
    #[graphql(complexity = "cost::times(cost::FEW, child_complexity)")]
    pub by_status: Vec<StatusCount>,
    /// Undecided past their due date.
    pub overdue: i32,
    /// Undecided due today.
    pub due_today: i32,
    /// Codes printed but not handed over yet.
    pub codes_awaiting_hand_over: i32,
}

/// A day of the business calendar.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "CalendarDayKind")]
pub enum CalendarDayKindValue {
    /// A public holiday.
    Holiday,
    /// A moved day off.
    DayOff,
    /// A weekend made a working day.
    WorkingDay,
}

/// A special day of the business calendar.
#[derive(SimpleObject)]
pub struct CalendarDay {
    /// The day.
    pub date: Date,
    /// What it is.
    pub kind: CalendarDayKindValue,
    /// Its name.
    pub name: String,
}

impl From<calendar_day::Model> for CalendarDay {
    fn from(d: calendar_day::Model) -> Self {
        Self {
            date: Date(d.date),
            kind: match d.kind {
                CalendarDayKind::Holiday => CalendarDayKindValue::Holiday,
                CalendarDayKind::DayOff => CalendarDayKindValue::DayOff,
                CalendarDayKind::WorkingDay => CalendarDayKindValue::WorkingDay,
            },
            name: d.name,
        }
    }
}

fn i32_of(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Back-office reads.
#[derive(Default)]
pub struct BackOfficeQuery;

/// Back-office reads.
#[Object]
impl BackOfficeQuery {
    /// A school's applications, undecided ones by due date first. The school's administrators
    /// only.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "the filters of a GraphQL field")]
    async fn access_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school.")] school_id: ID,
        #[graphql(desc = "Only this status.")] status: Option<ApplicationStatusValue>,
        #[graphql(desc = "Only undecided ones past their due date.", default)] overdue: bool,
        #[graphql(desc = "Only undecided ones due today.", default)] due_today: bool,
        #[graphql(desc = "Only children stated in this class, e.g. 5А.")] class_name: Option<
            String,
        >,
        #[graphql(desc = "Only parent or student access.")] access_kind: Option<AccessKindValue>,
        #[graphql(desc = "Text in the applicant's or child's name.")] search: Option<String>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last application seen.")] after: Option<String>,
    ) -> AppResult<Page<AccessApplication>> {
        let viewer = ctx.viewer()?;
        let school = ids::decode(&school_id, Kind::School)?;
        let limit = page_size(first)?;
        let offset = super::page::offset_after(after)?;
        let filter = applications::QueueFilter {
            status: status.map(Into::into),
            overdue,
            due_today,
            class_name,
            access_kind: access_kind.map(Into::into),
            search,
        };
        let (rows, total) = applications::queue(
            ctx.db()?,
            ctx.clock()?,
            viewer,
            school,
            &filter,
            u64::try_from(offset).unwrap_or(0),
            limit,
        )
        .await?;
        let has_next = u64::try_from(offset).unwrap_or(0) + (rows.len() as u64) < total;
        let numbered: Vec<(i64, access_application::Model)> = rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| (offset + i as i64, row))
            .collect();
        let siblings: std::sync::Arc<[access_application::Model]> =
            numbered.iter().map(|(_, row)| row.clone()).collect();
        Ok(Page::build(
            numbered,
            offset > 0,
            has_next,
            |(n, _)| *n,
            |(_, row)| AccessApplication(row, std::sync::Arc::clone(&siblings)),
        ))
    }

    /// An application the viewer administers.
    async fn access_application(&self, ctx: &Context<'_>, id: ID) -> AppResult<AccessApplication> {
        let viewer = ctx.viewer()?;
        let id = ids::decode(&id, Kind::AccessApplication)?;
        Ok(AccessApplication::one(
            applications::find(ctx.db()?, viewer, id).await?,
        ))
    }

    /// The refusal-reason catalogue; inactive reasons for the department only.
    #[graphql(complexity = "cost::times(cost::CATALOGUE, child_complexity)")]
    async fn refusal_reasons(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Include deactivated reasons.", default)] include_inactive: bool,
    ) -> AppResult<Vec<RefusalReason>> {
        let viewer = ctx.viewer()?;
        viewer.authorize(Permission::UseBackOffice)?;
        let inactive = include_inactive && viewer.may(Permission::AdministerDepartment);
        let rows = refusal_reasons::list(ctx.db()?, inactive).await?;
        Ok(rows.into_iter().map(RefusalReason).collect())
    }

    /// Counts for a school's back-office.
    async fn admin_dashboard(&self, ctx: &Context<'_>, school_id: ID) -> AppResult<AdminDashboard> {
        let viewer = ctx.viewer()?;
        let school = ids::decode(&school_id, Kind::School)?;
        let d = applications::dashboard(ctx.db()?, ctx.clock()?, viewer, school).await?;
        Ok(AdminDashboard {
            by_status: d
                .by_status
                .into_iter()
                .map(|(status, count)| StatusCount {
                    status: status.into(),
                    count: i32_of(count),
                })
                .collect(),
            overdue: i32_of(d.overdue),
            due_today: i32_of(d.due_today),
            codes_awaiting_hand_over: i32_of(d.codes_awaiting_hand_over),
        })
    }

    /// The audit log, newest first: all of it for the department, one's schools' for school
    /// administrators.
    #[graphql(complexity = "cost::times(first.unwrap_or(20).max(0) as usize, child_complexity)")]
    #[expect(clippy::too_many_arguments, reason = "the filters of a GraphQL field")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this school's events (`FORBIDDEN` for a school one does not administer)."
        )]
        school_id: Option<ID>,
        #[graphql(desc = "Only this actor's events.")] actor_id: Option<ID>,
        #[graphql(desc = "Only actions starting with this, e.g. `access_code.`.")] action: Option<
            String,
        >,
        #[graphql(desc = "Only this kind of object, e.g. `access_application`.")]
        object_type: Option<String>,
        #[graphql(desc = "From this instant.")] from: Option<DateTime>,
        #[graphql(desc = "Before this instant.")] to: Option<DateTime>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last event seen.")] after: Option<String>,
    ) -> AppResult<Page<AuditEvent>> {
        let viewer = ctx.viewer()?;
        let limit = page_size(first)?;
        let offset = super::page::offset_after(after)?;
        let filter = audit::AuditFilter {
            school_id: ids::decode_opt(school_id.as_ref(), Kind::School)?,
            actor_account_id: ids::decode_opt(actor_id.as_ref(), Kind::Account)?,
            action_prefix: action,
            object_type,
            object_id: None,
            from: from.map(|d| d.0),
            to: to.map(|d| d.0),
        };
        let (rows, total) = audit::search(
            ctx.db()?,
            viewer,
            &filter,
            u64::try_from(offset).unwrap_or(0),
            limit,
        )
        .await?;
        let has_next = u64::try_from(offset).unwrap_or(0) + (rows.len() as u64) < total;
        let numbered: Vec<(i64, audit_event::Model)> = rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| (offset + i as i64, row))
            .collect();
        Ok(Page::build(
            numbered,
            offset > 0,
            has_next,
            |(n, _)| *n,
            |(_, row)| AuditEvent(row),
        ))
    }

    /// The special days of a calendar year (holidays, moved days off, working weekends).
    #[graphql(complexity = "cost::times(cost::CATALOGUE, child_complexity)")]
    async fn business_calendar(&self, ctx: &Context<'_>, year: i32) -> AppResult<Vec<CalendarDay>> {
        ctx.viewer()?;
        let rows = calendar_days::of_year(ctx.db()?, year).await?;
        Ok(rows.into_iter().map(CalendarDay::from).collect())
    }
}

/// A student's back-office facts, for the school's administrators.
pub async fn student_guardianships(
    ctx: &Context<'_>,
    student: &student::Model,
) -> AppResult<Vec<Guardianship>> {
    let viewer = ctx.viewer()?;
    let rows = guardianships::of_student(ctx.db()?, viewer, student).await?;
    Ok(rows
        .into_iter()
        .map(|(model, account)| Guardianship { model, account })
        .collect())
}

/// A student's codes, for the school's administrators.
pub async fn student_codes(
    ctx: &Context<'_>,
    student: &student::Model,
) -> AppResult<Vec<AccessCode>> {
    let viewer = ctx.viewer()?;
    let rows = codes::of_student(ctx.db()?, viewer, student).await?;
    Ok(rows.into_iter().map(AccessCode).collect())
}

/// A paper application to register.
#[derive(InputObject)]
pub struct RegisterAccessApplicationInput {
    /// The school it is filed with.
    pub school_id: ID,
    /// Parent or student access.
    pub access_kind: AccessKindValue,
    /// Applicant's surname.
    pub applicant_last_name: String,
    /// Applicant's first name.
    pub applicant_first_name: String,
    /// Applicant's patronymic.
    pub applicant_middle_name: Option<String>,
    /// Applicant's phone.
    pub applicant_phone: Option<String>,
    /// Applicant's e-mail.
    pub applicant_email: Option<String>,
    /// Relation to the child.
    pub applicant_relation: ApplicantRelationValue,
    /// Type of the identity document shown.
    pub identity_document_type: IdentityDocumentTypeValue,
    /// The last 2–4 digits of its number (the full number is not recorded).
    pub identity_document_last_digits: String,
    /// The child's surname.
    pub child_last_name: String,
    /// The child's first name.
    pub child_first_name: String,
    /// The child's patronymic.
    pub child_middle_name: Option<String>,
    /// The child's birth date.
    pub child_birth_date: Date,
    /// The child's class as written, e.g. 5А.
    pub child_class_name: String,
    /// Documents presented.
    pub documents: Documents,
    /// The day the school received it (default: today).
    pub received_on: Option<Date>,
}

/// An application to act on.
#[derive(InputObject)]
pub struct AccessApplicationRef {
    /// The application.
    pub application_id: ID,
}

/// Which student an application's child is.
#[derive(InputObject)]
pub struct MatchAccessApplicationInput {
    /// The application.
    pub application_id: ID,
    /// The student record.
    pub student_id: ID,
}

/// A refusal.
#[derive(InputObject)]
pub struct RefuseAccessApplicationInput {
    /// The application.
    pub application_id: ID,
    /// One or more reasons from the catalogue.
    pub reason_ids: Vec<ID>,
    /// A comment (required by reasons such as "other").
    pub comment: Option<String>,
}

/// An application after a change.
#[derive(SimpleObject)]
pub struct AccessApplicationPayload {
    /// The application.
    pub access_application: AccessApplication,
}

/// An approved application and its code, shown once.
#[derive(SimpleObject)]
pub struct ApproveAccessApplicationPayload {
    /// The application.
    pub access_application: AccessApplication,
    /// The issued code with its plaintext, for the envelope.
    pub issued: IssuedAccessCode,
}

/// A code to act on.
#[derive(InputObject)]
pub struct AccessCodeRef {
    /// The code.
    pub access_code_id: ID,
}

/// A code after a change.
#[derive(SimpleObject)]
pub struct AccessCodePayload {
    /// The code.
    pub access_code: AccessCode,
}

/// A reissued code.
#[derive(SimpleObject)]
pub struct ReissueAccessCodePayload {
    /// The new code with its plaintext, for the envelope.
    pub issued: IssuedAccessCode,
}

/// A class whose students get student-access envelopes.
#[derive(InputObject)]
pub struct IssueClassStudentCodesInput {
    /// The class.
    pub class_unit_id: ID,
}

/// One envelope of a class.
#[derive(SimpleObject)]
pub struct ClassEnvelope {
    /// The student.
    pub student: Student,
    /// Their new code with its plaintext.
    pub issued: IssuedAccessCode,
}

/// Student-access envelopes for a class.
#[derive(SimpleObject)]
pub struct IssueClassStudentCodesPayload {
    /// One per student without a student sign-in, by surname.
    #[graphql(complexity = "cost::times(cost::STUDENTS_PER_CLASS, child_complexity)")]
    pub envelopes: Vec<ClassEnvelope>,
}

/// A link to remove.
#[derive(InputObject)]
pub struct UnlinkGuardianshipInput {
    /// The guardianship.
    pub guardianship_id: ID,
}

/// The removed link.
#[derive(SimpleObject)]
pub struct UnlinkGuardianshipPayload {
    /// The removed guardianship's id.
    pub guardianship_id: ID,
}

/// A new refusal reason.
#[derive(InputObject)]
pub struct CreateRefusalReasonInput {
    /// Stable identifier (lowercase, digits, underscores).
    pub code: String,
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Whether refusing for it needs a comment.
    #[graphql(default)]
    pub requires_comment: bool,
    /// Position in lists.
    #[graphql(default)]
    pub sort_order: i32,
}

/// Changes to a refusal reason.
#[derive(InputObject)]
pub struct UpdateRefusalReasonInput {
    /// The reason.
    pub refusal_reason_id: ID,
    /// Russian title.
    pub title_ru: String,
    /// English title.
    pub title_en: String,
    /// Whether refusing for it needs a comment.
    pub requires_comment: bool,
    /// Position in lists.
    pub sort_order: i32,
}

/// Activating or deactivating a reason.
#[derive(InputObject)]
pub struct SetRefusalReasonActiveInput {
    /// The reason.
    pub refusal_reason_id: ID,
    /// Whether it can be chosen.
    pub active: bool,
}

/// A refusal reason after a change.
#[derive(SimpleObject)]
pub struct RefusalReasonPayload {
    /// The reason.
    pub refusal_reason: RefusalReason,
}

/// A special day to set.
#[derive(InputObject)]
pub struct SetCalendarDayInput {
    /// The day.
    pub date: Date,
    /// What it is.
    pub kind: CalendarDayKindValue,
    /// Its name.
    pub name: String,
}

/// A special day to remove.
#[derive(InputObject)]
pub struct RemoveCalendarDayInput {
    /// The day.
    pub date: Date,
}

/// The calendar day after a change.
#[derive(SimpleObject)]
pub struct CalendarDayPayload {
    /// The day (absent after removal).
    pub calendar_day: Option<CalendarDay>,
}

/// Back-office changes.
#[derive(Default)]
pub struct BackOfficeMutation;

fn ip(ctx: &Context<'_>) -> Option<String> {
    ctx.request().ok().and_then(|r| r.client.ip.clone())
}

/// Back-office changes.
#[Object]
impl BackOfficeMutation {
    /// Registers a paper application; the due date is set three business days later.
    async fn register_access_application(
        &self,
        ctx: &Context<'_>,
        input: RegisterAccessApplicationInput,
    ) -> AppResult<AccessApplicationPayload> {
        // An anonymous caller is refused before the input is judged.
        let writer = ctx.writer()?;
        let new = applications::NewApplication {
            school_id: ids::decode(&input.school_id, Kind::School)?,
            access_kind: input.access_kind.into(),
            applicant: applications::Applicant {
                last_name: input.applicant_last_name,
                first_name: input.applicant_first_name,
                middle_name: input.applicant_middle_name,
                phone: input.applicant_phone,
                email: input.applicant_email,
                relation: input.applicant_relation.into(),
            },
            identity_document_type: input.identity_document_type.into(),
            identity_document_last_digits: input.identity_document_last_digits,
            child: applications::StatedChild {
                last_name: input.child_last_name,
                first_name: input.child_first_name,
                middle_name: input.child_middle_name,
                birth_date: input.child_birth_date.0,
                class_name: input.child_class_name,
            },
            documents: applications::Documents {
                application_form: input.documents.application_form,
                birth_certificate: input.documents.birth_certificate,
                guardianship_document: input.documents.guardianship_document,
                identity_document: input.documents.identity_document,
            },
            received_on: input.received_on.map(|d| d.0),
        };
        let row = applications::register(&writer, new).await?;
        Ok(AccessApplicationPayload {
            access_application: AccessApplication::one(row),
        })
    }

    /// Matches an application's child to a student record of the school.
    async fn match_access_application(
        &self,
        ctx: &Context<'_>,
        input: MatchAccessApplicationInput,
    ) -> AppResult<AccessApplicationPayload> {
        let row = applications::match_student(
            &ctx.writer()?,
            ids::decode(&input.application_id, Kind::AccessApplication)?,
            ids::decode(&input.student_id, Kind::Student)?,
        )
        .await?;
        Ok(AccessApplicationPayload {
            access_application: AccessApplication::one(row),
        })
    }

    /// Approves an application and issues its code; the plaintext is in the answer, once.
    async fn approve_access_application(
        &self,
        ctx: &Context<'_>,
        input: AccessApplicationRef,
    ) -> AppResult<ApproveAccessApplicationPayload> {
        let request = ctx.request()?;
        let (row, issued) = applications::approve(
            &ctx.writer()?,
            request.config.secret_key(),
            ids::decode(&input.application_id, Kind::AccessApplication)?,
        )
        .await?;
        Ok(ApproveAccessApplicationPayload {
            access_application: AccessApplication::one(row),
            issued: issued.into(),
        })
    }

    /// Refuses an application with reasons from the catalogue.
    async fn refuse_access_application(
        &self,
        ctx: &Context<'_>,
        input: RefuseAccessApplicationInput,
    ) -> AppResult<AccessApplicationPayload> {
        // An anonymous caller is refused before the input is judged.
        let writer = ctx.writer()?;
        let reasons = input
            .reason_ids
            .iter()
            .map(|id| ids::decode(id, Kind::RefusalReason))
            .collect::<AppResult<Vec<i64>>>()?;
        let row = applications::refuse(
            &writer,
            ids::decode(&input.application_id, Kind::AccessApplication)?,
            &reasons,
            input.comment.as_deref(),
        )
        .await?;
        Ok(AccessApplicationPayload {
            access_application: AccessApplication::one(row),
        })
    }

    /// Records that the applicant withdrew the application.
    async fn withdraw_access_application(
        &self,
        ctx: &Context<'_>,
        input: AccessApplicationRef,
    ) -> AppResult<AccessApplicationPayload> {
        let row = applications::withdraw(
            &ctx.writer()?,
            ids::decode(&input.application_id, Kind::AccessApplication)?,
        )
        .await?;
        Ok(AccessApplicationPayload {
            access_application: AccessApplication::one(row),
        })
    }

    /// Records that a code's envelope was handed to the applicant.
    async fn mark_access_code_handed_over(
        &self,
        ctx: &Context<'_>,
        input: AccessCodeRef,
    ) -> AppResult<AccessCodePayload> {
        let code = codes::hand_over(
            &ctx.writer()?,
            ids::decode(&input.access_code_id, Kind::AccessCode)?,
        )
        .await?;
        Ok(AccessCodePayload {
            access_code: AccessCode(code),
        })
    }

    /// Revokes an unused code.
    async fn revoke_access_code(
        &self,
        ctx: &Context<'_>,
        input: AccessCodeRef,
    ) -> AppResult<AccessCodePayload> {
        let code = codes::revoke(
            &ctx.writer()?,
            ids::decode(&input.access_code_id, Kind::AccessCode)?,
        )
        .await?;
        Ok(AccessCodePayload {
            access_code: AccessCode(code),
        })
    }

    /// Reprints an envelope: revokes the code and issues a new one (plaintext once).
    async fn reissue_access_code(
        &self,
        ctx: &Context<'_>,
        input: AccessCodeRef,
    ) -> AppResult<ReissueAccessCodePayload> {
        let request = ctx.request()?;
        let issued = codes::reissue(
            &ctx.writer()?,
            request.config.secret_key(),
            ids::decode(&input.access_code_id, Kind::AccessCode)?,
        )
        .await?;
        Ok(ReissueAccessCodePayload {
            issued: issued.into(),
        })
    }

    /// Student-access envelopes for every student of a class without a student sign-in.
    async fn issue_class_student_codes(
        &self,
        ctx: &Context<'_>,
        input: IssueClassStudentCodesInput,
    ) -> AppResult<IssueClassStudentCodesPayload> {
        let request = ctx.request()?;
        let viewer = ctx.viewer()?;
        let issued = codes::class_student_codes(
            &ctx.writer()?,
            request.config.secret_key(),
            ids::decode(&input.class_unit_id, Kind::ClassUnit)?,
        )
        .await?;
        // Whoever may print a class's envelopes sees its students in full.
        let envelopes = issued
            .into_iter()
            .map(|(student, issued)| {
                Ok(ClassEnvelope {
                    student: Student::visible(viewer, student).ok_or(AppError::NotFound)?,
                    issued: issued.into(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(IssueClassStudentCodesPayload { envelopes })
    }

    /// Removes a parent's link to a child; it takes effect at once.
    async fn unlink_guardianship(
        &self,
        ctx: &Context<'_>,
        input: UnlinkGuardianshipInput,
    ) -> AppResult<UnlinkGuardianshipPayload> {
        let viewer = ctx.viewer()?;
        guardianships::unlink(
            ctx.db()?,
            viewer,
            ids::decode(&input.guardianship_id, Kind::Guardianship)?,
            ip(ctx),
        )
        .await?;
        Ok(UnlinkGuardianshipPayload {
            guardianship_id: input.guardianship_id,
        })
    }

    /// Adds a refusal reason (department administrators).
    async fn create_refusal_reason(
        &self,
        ctx: &Context<'_>,
        input: CreateRefusalReasonInput,
    ) -> AppResult<RefusalReasonPayload> {
        let reason = refusal_reasons::create(
            &ctx.writer()?,
            &input.code,
            refusal_reasons::ReasonInput {
                title_ru: input.title_ru,
                title_en: input.title_en,
                requires_comment: input.requires_comment,
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(RefusalReasonPayload {
            refusal_reason: RefusalReason(reason),
        })
    }

    /// Changes a refusal reason (department administrators).
    async fn update_refusal_reason(
        &self,
        ctx: &Context<'_>,
        input: UpdateRefusalReasonInput,
    ) -> AppResult<RefusalReasonPayload> {
        let reason = refusal_reasons::update(
            &ctx.writer()?,
            ids::decode(&input.refusal_reason_id, Kind::RefusalReason)?,
            refusal_reasons::ReasonInput {
                title_ru: input.title_ru,
                title_en: input.title_en,
                requires_comment: input.requires_comment,
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(RefusalReasonPayload {
            refusal_reason: RefusalReason(reason),
        })
    }

    /// Activates or deactivates a refusal reason (department administrators).
    async fn set_refusal_reason_active(
        &self,
        ctx: &Context<'_>,
        input: SetRefusalReasonActiveInput,
    ) -> AppResult<RefusalReasonPayload> {
        let reason = refusal_reasons::set_active(
            &ctx.writer()?,
            ids::decode(&input.refusal_reason_id, Kind::RefusalReason)?,
            input.active,
        )
        .await?;
        Ok(RefusalReasonPayload {
            refusal_reason: RefusalReason(reason),
        })
    }

    /// Sets a special day of the business calendar (department administrators).
    async fn set_calendar_day(
        &self,
        ctx: &Context<'_>,
        input: SetCalendarDayInput,
    ) -> AppResult<CalendarDayPayload> {
        let viewer = ctx.viewer()?;
        let kind = match input.kind {
            CalendarDayKindValue::Holiday => CalendarDayKind::Holiday,
            CalendarDayKindValue::DayOff => CalendarDayKind::DayOff,
            CalendarDayKindValue::WorkingDay => CalendarDayKind::WorkingDay,
        };
        let day =
            calendar_days::set(ctx.db()?, viewer, input.date.0, kind, &input.name, ip(ctx)).await?;
        Ok(CalendarDayPayload {
            calendar_day: Some(day.into()),
        })
    }

    /// Makes a special day ordinary again (department administrators).
    async fn remove_calendar_day(
        &self,
        ctx: &Context<'_>,
        input: RemoveCalendarDayInput,
    ) -> AppResult<CalendarDayPayload> {
        let viewer = ctx.viewer()?;
        calendar_days::remove(ctx.db()?, viewer, input.date.0, ip(ctx)).await?;
        Ok(CalendarDayPayload { calendar_day: None })
    }
}

//! Access applications: a parent's paper application registered by the school with a due date
//! three business days later; matched to a student record; approved (with a sealed code) or
//! refused with reasons from the catalogue; withdrawn. Each decision is one transaction with
//! its audit event. Only the school's administrators (and the department) may do any of this:
//! every function takes the viewer and asks the policy.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use dnevnik_entities::enums::{
    AccessKind, ApplicantRelation, ApplicationStatus, IdentityDocumentType,
};
use dnevnik_entities::{
    access_application as application, access_application_refusal as refusal, refusal_reason,
    student,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::audit::{self, AuditEntry};
use super::codes;
use super::writer::Writer;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, Reason};
use crate::policy::{Permission, Viewer};
use crate::service::codes::codebook::IssuedCode;

/// The applicant as they wrote on the form.
#[derive(Clone, Debug)]
pub struct Applicant {
    /// Surname.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Patronymic.
    pub middle_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Relation to the child.
    pub relation: ApplicantRelation,
}

/// The child as stated on the form.
#[derive(Clone, Debug)]
pub struct StatedChild {
    /// Surname.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Patronymic.
    pub middle_name: Option<String>,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// The class as written ("5А").
    pub class_name: String,
}

/// The documents the applicant presented.
#[derive(Clone, Copy, Debug, Default)]
pub struct Documents {
    /// The application form itself.
    pub application_form: bool,
    /// The child's birth certificate.
    pub birth_certificate: bool,
    /// A document proving guardianship (for guardians other than parents).
    pub guardianship_document: bool,
    /// The applicant's identity document.
    pub identity_document: bool,
}

/// A new application.
#[derive(Clone, Debug)]
pub struct NewApplication {
    /// The school it is filed with.
    pub school_id: i64,
    /// Parent or student access.
    pub access_kind: AccessKind,
    /// Who applies.
    pub applicant: Applicant,
    /// Type of the identity document shown.
    pub identity_document_type: IdentityDocumentType,
    /// Its last digits only (2–4): the full number is never entered.
    pub identity_document_last_digits: String,
    /// The child.
    pub child: StatedChild,
    /// Documents presented.
    pub documents: Documents,
    /// The day the school received it (default today).
    pub received_on: Option<NaiveDate>,
}

/// `FORBIDDEN` unless the viewer administers the school.
pub fn require_school_admin(viewer: &Viewer, school_id: i64) -> AppResult<()> {
    viewer.authorize(Permission::AdministerSchool { school_id })
}

fn name(field: &str, value: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(AppError::bad_input(field, Reason::NameLength));
    }
    Ok(value.to_owned())
}

fn optional(value: &Option<String>, limit: usize) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.chars().take(limit).collect())
}

/// The masked form of an identity document number from its last digits.
pub fn masked_number(last_digits: &str) -> AppResult<String> {
    let digits = last_digits.trim();
    if !(2..=4).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::bad_input(
            "identityDocumentLastDigits",
            Reason::DocumentDigits,
        ));
    }
    Ok(format!("•• •• •••{digits}"))
}

/// Whether the documents presented are enough for a decision to approve.
pub fn documents_complete(kind: AccessKind, relation: ApplicantRelation, docs: Documents) -> bool {
    let proof_of_relation = match relation {
        ApplicantRelation::Guardian => docs.guardianship_document,
        ApplicantRelation::Mother | ApplicantRelation::Father => docs.birth_certificate,
        ApplicantRelation::Oneself => true,
    };
    docs.application_form
        && docs.identity_document
        && (kind == AccessKind::Student || proof_of_relation)
}

/// Registers an application; the due date is three business days after receipt.
pub async fn register(writer: &Writer<'_>, input: NewApplication) -> AppResult<application::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    require_school_admin(viewer, input.school_id)?;
    let today = writer.today_at(input.school_id).await?;
    let received_on = input.received_on.unwrap_or(today);
    if received_on > today {
        return Err(AppError::bad_input("receivedOn", Reason::ReceivedInFuture));
    }
    if (today - received_on).num_days() > 366 {
        return Err(AppError::bad_input(
            "receivedOn",
            Reason::ReceivedTooLongAgo,
        ));
    }
    let age = (today - input.child.birth_date).num_days() / 365;
    if !(5..=20).contains(&age) {
        return Err(AppError::bad_input("childBirthDate", Reason::SchoolAge));
    }
    let self_applicant = input.applicant.relation == ApplicantRelation::Oneself;
    if self_applicant != (input.access_kind == AccessKind::Student) {
        return Err(AppError::bad_input(
            "applicantRelation",
            Reason::RelationForKind,
        ));
    }
    let class_name = input.child.class_name.trim().to_owned();
    if class_name.is_empty() || class_name.chars().count() > 16 {
        return Err(AppError::bad_input("childClassName", Reason::ClassName));
    }
    let email = optional(&input.applicant.email, 200);
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(AppError::bad_input("applicantEmail", Reason::NotAnEmail));
    }
    let masked = masked_number(&input.identity_document_last_digits)?;
    let applicant_last = name("applicantLastName", &input.applicant.last_name)?;
    let applicant_first = name("applicantFirstName", &input.applicant.first_name)?;
    let child_last = name("childLastName", &input.child.last_name)?;
    let child_first = name("childFirstName", &input.child.first_name)?;
    let txn = begin_write(db).await?;
    let due_on = crate::calendar::application_due_on(&txn, received_on).await?;
    let now = writer.now();
    let row = application::ActiveModel {
        school_id: Set(input.school_id),
        student_id: Set(None),
        access_kind: Set(input.access_kind),
        status: Set(ApplicationStatus::Received),
        applicant_last_name: Set(applicant_last),
        applicant_first_name: Set(applicant_first),
        applicant_middle_name: Set(optional(&input.applicant.middle_name, 100)),
        applicant_phone: Set(optional(&input.applicant.phone, 32)),
        applicant_email: Set(email),
        applicant_relation: Set(input.applicant.relation),
        identity_document_type: Set(input.identity_document_type),
        identity_document_number_masked: Set(masked),
        child_last_name: Set(child_last),
        child_first_name: Set(child_first),
        child_middle_name: Set(optional(&input.child.middle_name, 100)),
        child_birth_date: Set(input.child.birth_date),
        child_class_name: Set(class_name),
        has_application_form: Set(input.documents.application_form),
        has_birth_certificate: Set(input.documents.birth_certificate),
        has_guardianship_document: Set(input.documents.guardianship_document),
        has_identity_document: Set(input.documents.identity_document),
        received_on: Set(received_on),
        due_on: Set(due_on),
        registered_by_account_id: Set(Some(viewer.account_id())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditEntry::new("access_application.registered", Some(viewer.account_id()))
            .school(Some(row.school_id))
            .object("access_application", row.id)
            .ip(ip)
            .details(serde_json::json!({ "access_kind": row.access_kind.as_str() })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// An application the viewer may administer; another school's is "not found".
pub async fn find(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<application::Model> {
    let row = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    viewer.authorize(Permission::OpenSchoolRecord {
        school_id: row.school_id,
    })?;
    Ok(row)
}

fn undecided(row: &application::Model) -> AppResult<()> {
    match row.status {
        ApplicationStatus::Received | ApplicationStatus::InReview => Ok(()),
        _ => Err(AppError::conflict(Reason::AlreadyDecided)),
    }
}

/// Matches the child of an application to a student record of the same school.
pub async fn match_student(
    writer: &Writer<'_>,
    application_id: i64,
    student_id: i64,
) -> AppResult<application::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    let txn = begin_write(db).await?;
    let row = find(&txn, viewer, application_id).await?;
    undecided(&row)?;
    let student = student::Entity::find_by_id(student_id)
        .filter(student::Column::SchoolId.eq(row.school_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::bad_input("studentId", Reason::NoSuchStudent))?;
    let mut active: application::ActiveModel = row.into();
    active.student_id = Set(Some(student.id));
    active.status = Set(ApplicationStatus::InReview);
    active.updated_at = Set(writer.now());
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("access_application.matched", Some(viewer.account_id()))
            .school(Some(row.school_id))
            .object("access_application", row.id)
            .ip(ip)
            .details(serde_json::json!({ "student_id": student.id })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Approves an application and issues its sealed code; the plaintext is returned once.
pub async fn approve(
    writer: &Writer<'_>,
    secret: &str,
    application_id: i64,
) -> AppResult<(application::Model, IssuedCode)> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    let txn = begin_write(db).await?;
    let row = find(&txn, viewer, application_id).await?;
    undecided(&row)?;
    let Some(student_id) = row.student_id else {
        return Err(AppError::bad_input("studentId", Reason::NotMatched));
    };
    let docs = Documents {
        application_form: row.has_application_form,
        birth_certificate: row.has_birth_certificate,
        guardianship_document: row.has_guardianship_document,
        identity_document: row.has_identity_document,
    };
    if !documents_complete(row.access_kind, row.applicant_relation, docs) {
        return Err(AppError::bad_input(
            "documents",
            Reason::DocumentsIncomplete,
        ));
    }
    let now = writer.now();
    let kind = row.access_kind;
    let school = row.school_id;
    let mut active: application::ActiveModel = row.into();
    active.status = Set(ApplicationStatus::Approved);
    active.decided_at = Set(Some(now));
    active.decided_by_account_id = Set(Some(viewer.account_id()));
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("access_application.approved", Some(viewer.account_id()))
            .school(Some(school))
            .object("access_application", row.id)
            .ip(ip.clone())
            .details(serde_json::json!({ "student_id": student_id })),
    )
    .await?;
    let issued =
        codes::issue_for(&txn, writer, secret, school, student_id, kind, Some(row.id)).await?;
    txn.commit().await?;
    Ok((row, issued))
}

/// Refuses an application with one or more reasons from the catalogue, and a comment (required
/// by some reasons, such as "other").
pub async fn refuse(
    writer: &Writer<'_>,
    application_id: i64,
    reason_ids: &[i64],
    comment: Option<&str>,
) -> AppResult<application::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    if reason_ids.is_empty() {
        return Err(AppError::bad_input("reasonIds", Reason::NoReason));
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 2000) {
        return Err(AppError::bad_input("comment", Reason::CommentTooLong));
    }
    let txn = begin_write(db).await?;
    let row = find(&txn, viewer, application_id).await?;
    undecided(&row)?;
    let reasons = refusal_reason::Entity::find()
        .filter(refusal_reason::Column::Id.is_in(reason_ids.iter().copied()))
        .filter(refusal_reason::Column::Active.eq(true))
        .all(&txn)
        .await?;
    if reasons.len() != reason_ids.len() {
        return Err(AppError::bad_input("reasonIds", Reason::UnknownReason));
    }
    if reasons.iter().any(|r| r.requires_comment) && comment.is_none() {
        return Err(AppError::bad_input("comment", Reason::CommentRequired));
    }
    let now = writer.now();
    let school = row.school_id;
    let mut active: application::ActiveModel = row.into();
    active.status = Set(ApplicationStatus::Refused);
    active.decided_at = Set(Some(now));
    active.decided_by_account_id = Set(Some(viewer.account_id()));
    active.decision_comment = Set(comment.map(str::to_owned));
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    for reason in &reasons {
        refusal::ActiveModel {
            school_id: Set(school),
            access_application_id: Set(row.id),
            refusal_reason_id: Set(reason.id),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        AuditEntry::new("access_application.refused", Some(viewer.account_id()))
            .school(Some(school))
            .object("access_application", row.id)
            .ip(ip)
            .details(serde_json::json!({
                "reasons": reasons.iter().map(|r| r.code.clone()).collect::<Vec<_>>(),
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Records that the applicant withdrew the application.
pub async fn withdraw(writer: &Writer<'_>, application_id: i64) -> AppResult<application::Model> {
    let (db, viewer, ip) = (writer.db, writer.viewer, writer.ip.clone());
    let txn = begin_write(db).await?;
    let row = find(&txn, viewer, application_id).await?;
    undecided(&row)?;
    let now = writer.now();
    let mut active: application::ActiveModel = row.into();
    active.status = Set(ApplicationStatus::Withdrawn);
    active.decided_at = Set(Some(now));
    active.decided_by_account_id = Set(Some(viewer.account_id()));
    active.updated_at = Set(now);
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new("access_application.withdrawn", Some(viewer.account_id()))
            .school(Some(row.school_id))
            .object("access_application", row.id)
            .ip(ip),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Filters of the queue.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only these statuses.
    pub status: Option<ApplicationStatus>,
    /// Only undecided ones past their due date.
    pub overdue: bool,
    /// Only undecided ones due today.
    pub due_today: bool,
    /// Only children stated in this class.
    pub class_name: Option<String>,
    /// Only this kind.
    pub access_kind: Option<AccessKind>,
    /// Text in the applicant's or child's surname or first name.
    pub search: Option<String>,
}

/// The queue of a school, most urgent first (undecided by due date, then decided newest
/// first); returns a page and the total.
pub async fn queue(
    db: &impl ConnectionTrait,
    clock: &Clock,
    viewer: &Viewer,
    school_id: i64,
    filter: &QueueFilter,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<application::Model>, u64)> {
    require_school_admin(viewer, school_id)?;
    let today = clock.today_at(db, school_id).await?;
    let undecided = [ApplicationStatus::Received, ApplicationStatus::InReview];
    let mut query = application::Entity::find().filter(application::Column::SchoolId.eq(school_id));
    if let Some(status) = filter.status {
        query = query.filter(application::Column::Status.eq(status));
    }
    if filter.overdue {
        query = query
            .filter(application::Column::Status.is_in(undecided))
            .filter(application::Column::DueOn.lt(today));
    }
    if filter.due_today {
        query = query
            .filter(application::Column::Status.is_in(undecided))
            .filter(application::Column::DueOn.eq(today));
    }
    if let Some(class) = filter.class_name.as_deref().filter(|c| !c.is_empty()) {
        query = query.filter(application::Column::ChildClassName.eq(class));
    }
    if let Some(kind) = filter.access_kind {
        query = query.filter(application::Column::AccessKind.eq(kind));
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(application::Column::ApplicantLastName.like(&pattern))
                .add(application::Column::ApplicantFirstName.like(&pattern))
                .add(application::Column::ChildLastName.like(&pattern))
                .add(application::Column::ChildFirstName.like(&pattern)),
        );
    }
    let total = query.clone().count(db).await?;
    let undecided_first: sea_orm::sea_query::SimpleExpr =
        Expr::case(application::Column::Status.is_in(undecided), 0)
            .finally(1)
            .into();
    let rows = query
        .order_by_asc(undecided_first)
        .order_by_asc(application::Column::DueOn)
        .order_by_desc(application::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Counts for the dashboard.
#[derive(Clone, Debug, Default)]
pub struct Dashboard {
    /// Applications by status.
    pub by_status: Vec<(ApplicationStatus, u64)>,
    /// Undecided past their due date.
    pub overdue: u64,
    /// Undecided due today.
    pub due_today: u64,
    /// Codes issued or printed and not yet handed over (unexpired).
    pub codes_awaiting_hand_over: u64,
}

/// The dashboard of a school.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    clock: &Clock,
    viewer: &Viewer,
    school_id: i64,
) -> AppResult<Dashboard> {
    require_school_admin(viewer, school_id)?;
    let today = clock.today_at(db, school_id).await?;
    let undecided = [ApplicationStatus::Received, ApplicationStatus::InReview];
    let counts: Vec<(ApplicationStatus, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::Status)
        .column_as(application::Column::Id.count(), "n")
        .filter(application::Column::SchoolId.eq(school_id))
        .group_by(application::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let overdue = application::Entity::find()
        .filter(application::Column::SchoolId.eq(school_id))
        .filter(application::Column::Status.is_in(undecided))
        .filter(application::Column::DueOn.lt(today))
        .count(db)
        .await?;
    let due_today = application::Entity::find()
        .filter(application::Column::SchoolId.eq(school_id))
        .filter(application::Column::Status.is_in(undecided))
        .filter(application::Column::DueOn.eq(today))
        .count(db)
        .await?;
    let awaiting = codes::awaiting_hand_over(db, school_id, clock.now()).await?;
    let order = [
        ApplicationStatus::Received,
        ApplicationStatus::InReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Refused,
        ApplicationStatus::Withdrawn,
    ];
    Ok(Dashboard {
        by_status: order
            .into_iter()
            .map(|s| {
                let n = counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
                (s, u64::try_from(n).unwrap_or(0))
            })
            .collect(),
        overdue,
        due_today,
        codes_awaiting_hand_over: awaiting,
    })
}

/// What a clerk must notice before deciding, comparing the statement with the records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// No student of this school matches the stated child (perhaps another school's).
    pub no_matching_student: bool,
    /// The matched student's birth date differs from the stated one.
    pub birth_date_differs: bool,
    /// The matched student's class differs from the stated one.
    pub class_differs: bool,
    /// The matched student's name differs from the stated one.
    pub name_differs: bool,
    /// Documents are missing for an approval.
    pub documents_missing: bool,
    /// The due date has passed and nothing is decided.
    pub overdue: bool,
    /// A student with the stated surname, first name and birth date is enrolled at another
    /// school (which one is not said: that is the other school's business).
    pub enrolled_elsewhere: bool,
}

/// Everything a clerk reads next to an application before deciding, for the queue and the
/// back-office page alike.
#[derive(Clone, Debug, Default)]
pub struct Review {
    /// Students of the school who may be the stated child (at most 20).
    pub candidates: Vec<student::Model>,
    /// The student record the child was matched to.
    pub matched: Option<student::Model>,
    /// The names of the classes of the candidates and the matched student.
    pub class_names: HashMap<i64, String>,
    /// What to notice.
    pub findings: Findings,
    /// The reasons given for a refusal.
    pub refusal_reasons: Vec<refusal_reason::Model>,
    /// The codes issued for it, newest first.
    pub codes: Vec<dnevnik_entities::access_code::Model>,
    /// Its history from the audit log, oldest first.
    pub history: Vec<dnevnik_entities::audit_event::Model>,
}

/// The reviews of several applications the viewer has opened (through [`find`] or
/// [`queue`]), in a fixed number of statements however many: candidates, matched students,
/// classes, students enrolled elsewhere, refusal reasons, codes and histories, each loaded once
/// for all of them.
pub async fn reviews(
    db: &impl ConnectionTrait,
    clock: &Clock,
    viewer: &Viewer,
    rows: &[application::Model],
) -> AppResult<HashMap<i64, Review>> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    for row in rows {
        viewer.authorize(Permission::OpenSchoolRecord {
            school_id: row.school_id,
        })?;
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // The stated children's namesakes in any school: the same surname, and the same first name
    // or birth date. Those of an application's school are its candidates; the others tell
    // whether the child is enrolled elsewhere.
    let mut stated = Condition::any();
    for row in rows {
        stated = stated.add(
            Condition::all()
                .add(student::Column::LastName.eq(row.child_last_name.as_str()))
                .add(
                    Condition::any()
                        .add(student::Column::FirstName.eq(row.child_first_name.as_str()))
                        .add(student::Column::BirthDate.eq(row.child_birth_date)),
                ),
        );
    }
    let namesakes = student::Entity::find()
        .filter(stated)
        .order_by_asc(student::Column::LastName)
        .order_by_asc(student::Column::Id)
        .all(db)
        .await?;
    let matched_ids: Vec<i64> = rows.iter().filter_map(|r| r.student_id).collect();
    // Each load runs whether or not it finds anything, so the count of statements depends on
    // nothing but the shape of the request.
    let matched: HashMap<i64, student::Model> = student::Entity::find()
        .filter(student::Column::Id.is_in(matched_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let class_ids: BTreeSet<i64> = namesakes
        .iter()
        .chain(matched.values())
        .map(|s| s.class_unit_id)
        .collect();
    let class_names: HashMap<i64, String> = dnevnik_entities::class_unit::Entity::find()
        .filter(dnevnik_entities::class_unit::Column::Id.is_in(class_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let links = refusal::Entity::find()
        .filter(refusal::Column::AccessApplicationId.is_in(ids.clone()))
        .all(db)
        .await?;
    let reasons: HashMap<i64, refusal_reason::Model> = refusal_reason::Entity::find()
        .filter(refusal_reason::Column::Id.is_in(links.iter().map(|l| l.refusal_reason_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let codes = dnevnik_entities::access_code::Entity::find()
        .filter(dnevnik_entities::access_code::Column::AccessApplicationId.is_in(ids.clone()))
        .order_by_desc(dnevnik_entities::access_code::Column::IssuedAt)
        .order_by_desc(dnevnik_entities::access_code::Column::Id)
        .all(db)
        .await?;
    let mut histories = super::audit::histories(db, viewer, "access_application", &ids).await?;
    let mut reviews = HashMap::new();
    for row in rows {
        let candidates: Vec<student::Model> = namesakes
            .iter()
            .filter(|s| s.school_id == row.school_id && is_candidate(s, row))
            .take(20)
            .cloned()
            .collect();
        let elsewhere = namesakes.iter().any(|s| {
            s.school_id != row.school_id
                && s.left_on.is_none()
                && s.last_name == row.child_last_name
                && s.first_name == row.child_first_name
                && s.birth_date == row.child_birth_date
        });
        let matched = row.student_id.and_then(|id| matched.get(&id)).cloned();
        let matched_class = matched
            .as_ref()
            .and_then(|m| class_names.get(&m.class_unit_id))
            .cloned()
            .unwrap_or_default();
        let today = clock.today_at(db, row.school_id).await?;
        let findings = findings(
            row,
            matched.as_ref().map(|m| (m, matched_class.as_str())),
            candidates.len(),
            elsewhere,
            today,
        );
        let mut refusal_reasons: Vec<refusal_reason::Model> = links
            .iter()
            .filter(|l| l.access_application_id == row.id)
            .filter_map(|l| reasons.get(&l.refusal_reason_id).cloned())
            .collect();
        refusal_reasons.sort_by_key(|r| (r.sort_order, r.id));
        let review_classes = candidates
            .iter()
            .chain(matched.iter())
            .filter_map(|s| {
                class_names
                    .get(&s.class_unit_id)
                    .map(|n| (s.class_unit_id, n.clone()))
            })
            .collect();
        reviews.insert(
            row.id,
            Review {
                candidates,
                matched,
                class_names: review_classes,
                findings,
                refusal_reasons,
                codes: codes
                    .iter()
                    .filter(|c| c.access_application_id == Some(row.id))
                    .cloned()
                    .collect(),
                history: histories.remove(&row.id).unwrap_or_default(),
            },
        );
    }
    Ok(reviews)
}

/// Whether a student may be the child an application states: the same surname, and the same
/// first name or birth date.
fn is_candidate(student: &student::Model, row: &application::Model) -> bool {
    student.last_name == row.child_last_name
        && (student.first_name == row.child_first_name
            || student.birth_date == row.child_birth_date)
}

/// The findings of an application against its matched student (or the candidates), and
/// whether the child is enrolled at another school.
pub fn findings(
    row: &application::Model,
    matched: Option<(&student::Model, &str)>,
    candidates: usize,
    enrolled_elsewhere: bool,
    today: NaiveDate,
) -> Findings {
    let undecided = matches!(
        row.status,
        ApplicationStatus::Received | ApplicationStatus::InReview
    );
    let docs = Documents {
        application_form: row.has_application_form,
        birth_certificate: row.has_birth_certificate,
        guardianship_document: row.has_guardianship_document,
        identity_document: row.has_identity_document,
    };
    let mut findings = Findings {
        documents_missing: !documents_complete(row.access_kind, row.applicant_relation, docs),
        overdue: undecided && row.due_on < today,
        no_matching_student: matched.is_none() && candidates == 0,
        enrolled_elsewhere,
        ..Findings::default()
    };
    if let Some((student, class_name)) = matched {
        findings.birth_date_differs = student.birth_date != row.child_birth_date;
        findings.class_differs = !class_name.eq_ignore_ascii_case(row.child_class_name.trim());
        findings.name_differs =
            student.last_name != row.child_last_name || student.first_name != row.child_first_name;
    }
    findings
}

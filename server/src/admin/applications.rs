//! Parents' access applications: the dashboard, the queue, registering a paper application,
//! its review, matching the child, and the decisions (approve with a sealed code, refuse with
//! reasons, withdraw).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use dnevnik_admin_ui::admin::{
    ApplicationPage, CandidateRow, CountLink, DashboardPage, NewApplicationPage, QueuePage,
    QueueRow, ReasonChoice,
};
use dnevnik_entities::enums::{
    AccessKind, ApplicantRelation, ApplicationStatus, IdentityDocumentType,
};
use dnevnik_entities::student;
use serde::Deserialize;

use super::audit::event_rows;
use super::codes::{code_rows, envelope_for, envelopes_page};
use super::extract::{AdminForm, AdminPage, CheckedForm};
use super::shared::{
    PAGE, SchoolQuery, back_to, field, full, kind_label, notices, show, status_label,
};
use super::{day, error_page};
use crate::error::{AppError, Reason};
use crate::http::pages::{render, with_cookies};
use crate::service::{applications, refusal_reasons};
use crate::state::AppState;

pub async fn dashboard(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    Query(q): Query<SchoolQuery>,
) -> Response {
    notices(&mut admin, &q);
    let t = admin.t();
    let mut counts = Vec::new();
    if let Ok(school) = admin.school_id() {
        let d = match applications::dashboard(&state.db, &state.clock, &admin.viewer, school).await
        {
            Ok(d) => d,
            Err(err) => return error_page(admin.t(), err),
        };
        let base = format!("/admin/applications?school={school}");
        counts.push(CountLink {
            label: t.get("overdue").to_owned(),
            count: d.overdue,
            href: format!("{base}&overdue=on"),
            alert: d.overdue > 0,
        });
        counts.push(CountLink {
            label: t.get("due_today").to_owned(),
            count: d.due_today,
            href: format!("{base}&due_today=on"),
            alert: d.due_today > 0,
        });
        counts.push(CountLink {
            label: t.get("codes_awaiting").to_owned(),
            count: d.codes_awaiting_hand_over,
            href: format!("/admin/students?school={school}"),
            alert: false,
        });
        for (status, n) in d.by_status {
            counts.push(CountLink {
                label: status_label(t, status).to_owned(),
                count: n,
                href: format!("{base}&status={}", status.as_str()),
                alert: false,
            });
        }
    }
    show(
        &admin,
        &DashboardPage {
            shell: admin.shell.clone(),
            counts,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    overdue: Option<String>,
    #[serde(default)]
    due_today: Option<String>,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<u64>,
}

pub async fn queue(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Query(q): Query<QueueQuery>,
) -> Response {
    let t = admin.t();
    let school = match admin.school_id() {
        Ok(s) => s,
        Err(err) => return error_page(admin.t(), err),
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match parse_status(s) {
            Some(status) => Some(status),
            None => {
                return error_page(
                    admin.t(),
                    AppError::bad_input("status", Reason::UnknownStatus),
                );
            }
        },
        None => None,
    };
    let kind = match q.kind.as_deref() {
        Some("guardian") => Some(AccessKind::Guardian),
        Some("student") => Some(AccessKind::Student),
        _ => None,
    };
    let filter = applications::QueueFilter {
        status,
        overdue: q.overdue.is_some(),
        due_today: q.due_today.is_some(),
        class_name: q.class.clone(),
        access_kind: kind,
        search: q.q.clone(),
    };
    let page = q.page.unwrap_or(0);
    let (rows, total) = match applications::queue(
        &state.db,
        &state.clock,
        &admin.viewer,
        school,
        &filter,
        page * PAGE,
        PAGE,
    )
    .await
    {
        Ok(found) => found,
        Err(err) => return error_page(admin.t(), err),
    };
    let today = match state.clock.today_at(&state.db, school).await {
        Ok(today) => today,
        Err(err) => return error_page(admin.t(), err),
    };
    let link = |page: u64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("school", &school.to_string());
        if let Some(s) = &q.status {
            query.append_pair("status", s);
        }
        if q.overdue.is_some() {
            query.append_pair("overdue", "on");
        }
        if q.due_today.is_some() {
            query.append_pair("due_today", "on");
        }
        if let Some(c) = &q.class {
            query.append_pair("class", c);
        }
        if let Some(k) = &q.kind {
            query.append_pair("kind", k);
        }
        if let Some(s) = &q.q {
            query.append_pair("q", s);
        }
        query.append_pair("page", &page.to_string());
        format!("/admin/applications?{}", query.finish())
    };
    let rows = rows
        .into_iter()
        .map(|r| QueueRow {
            id: r.id,
            received_on: day(r.received_on),
            due_on: day(r.due_on),
            overdue: matches!(
                r.status,
                ApplicationStatus::Received | ApplicationStatus::InReview
            ) && r.due_on < today,
            status: status_label(t, r.status).to_owned(),
            kind: kind_label(t, r.access_kind).to_owned(),
            applicant: full(
                &r.applicant_last_name,
                &r.applicant_first_name,
                r.applicant_middle_name.as_deref(),
            ),
            child: full(
                &r.child_last_name,
                &r.child_first_name,
                r.child_middle_name.as_deref(),
            ),
            class_name: r.child_class_name,
        })
        .collect();
    let page_view = QueuePage {
        shell: admin.shell.clone(),
        rows,
        total,
        status: q.status.clone().unwrap_or_default(),
        overdue: q.overdue.is_some(),
        due_today: q.due_today.is_some(),
        class_name: q.class.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        search: q.q.clone().unwrap_or_default(),
        previous: (page > 0).then(|| link(page - 1)),
        next: ((page + 1) * PAGE < total).then(|| link(page + 1)),
    };
    show(&admin, &page_view)
}

pub(super) fn parse_status(s: &str) -> Option<ApplicationStatus> {
    Some(match s {
        "received" => ApplicationStatus::Received,
        "in_review" => ApplicationStatus::InReview,
        "approved" => ApplicationStatus::Approved,
        "refused" => ApplicationStatus::Refused,
        "withdrawn" => ApplicationStatus::Withdrawn,
        _ => return None,
    })
}

pub async fn new_application(AdminPage(admin): AdminPage) -> Response {
    let page = NewApplicationPage {
        shell: admin.shell.clone(),
        field: None,
        values: Vec::new(),
        today: admin.today.to_string(),
    };
    show(&admin, &page)
}

pub async fn register(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    AdminForm(values): AdminForm<Vec<(String, String)>>,
) -> Response {
    let outcome = async {
        let school_id = admin.school_id()?;
        let birth = NaiveDate::parse_from_str(field(&values, "child_birth_date"), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input("childBirthDate", Reason::BirthDateMissing))?;
        let received = match field(&values, "received_on") {
            "" => None,
            value => Some(
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| AppError::bad_input("receivedOn", Reason::ReceivedMissing))?,
            ),
        };
        let relation = match field(&values, "relation") {
            "father" => ApplicantRelation::Father,
            "guardian" => ApplicantRelation::Guardian,
            "self" => ApplicantRelation::Oneself,
            _ => ApplicantRelation::Mother,
        };
        let document = match field(&values, "document_type") {
            "foreign_passport" => IdentityDocumentType::ForeignPassport,
            "birth_certificate" => IdentityDocumentType::BirthCertificate,
            "other" => IdentityDocumentType::Other,
            _ => IdentityDocumentType::PassportRf,
        };
        let text = |name: &str| {
            let v = field(&values, name).trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        let input = applications::NewApplication {
            school_id,
            access_kind: if field(&values, "kind") == "student" {
                AccessKind::Student
            } else {
                AccessKind::Guardian
            },
            applicant: applications::Applicant {
                last_name: field(&values, "applicant_last_name").to_owned(),
                first_name: field(&values, "applicant_first_name").to_owned(),
                middle_name: text("applicant_middle_name"),
                phone: text("applicant_phone"),
                email: text("applicant_email"),
                relation,
            },
            identity_document_type: document,
            identity_document_last_digits: field(&values, "document_digits").to_owned(),
            child: applications::StatedChild {
                last_name: field(&values, "child_last_name").to_owned(),
                first_name: field(&values, "child_first_name").to_owned(),
                middle_name: text("child_middle_name"),
                birth_date: birth,
                class_name: field(&values, "child_class").to_owned(),
            },
            documents: applications::Documents {
                application_form: field(&values, "doc_form") == "on",
                birth_certificate: field(&values, "doc_birth") == "on",
                guardianship_document: field(&values, "doc_guardianship") == "on",
                identity_document: field(&values, "doc_identity") == "on",
            },
            received_on: received,
        };
        applications::register(&admin.writer(&state), input).await
    }
    .await;
    match outcome {
        Ok(row) => Redirect::to(&format!(
            "/admin/applications/{}?{}&done=1",
            row.id,
            admin.shell.school_query()
        ))
        .into_response(),
        Err(AppError::Internal(cause)) => error_page(admin.t(), AppError::Internal(cause)),
        Err(err) => {
            admin.shell.error = Some(super::error_text(admin.t(), &err));
            let field_name = match &err {
                AppError::BadUserInput { field, .. } => field.clone(),
                _ => None,
            };
            let page = NewApplicationPage {
                shell: admin.shell.clone(),
                field: field_name,
                values: values.into_iter().filter(|(k, _)| k != "csrf").collect(),
                today: admin.today.to_string(),
            };
            with_cookies(
                render(&page, err.status()),
                &admin.set_csrf.iter().cloned().collect::<Vec<_>>(),
            )
        }
    }
}

pub async fn application(
    State(state): State<AppState>,
    AdminPage(mut admin): AdminPage,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
) -> Response {
    notices(&mut admin, &q);
    let t = admin.t();
    let built = async {
        let row = applications::find(&state.db, &admin.viewer, id).await?;
        // The same review the API gives (`AccessApplication.findings`, `candidates`, ...).
        let review = applications::reviews(
            &state.db,
            &state.clock,
            &admin.viewer,
            std::slice::from_ref(&row),
        )
        .await?
        .remove(&row.id)
        .unwrap_or_default();
        let mut students: Vec<student::Model> = review.candidates.clone();
        if let Some(m) = &review.matched
            && !students.iter().any(|s| s.id == m.id)
        {
            students.insert(0, m.clone());
        }
        let classes = &review.class_names;
        let f = &review.findings;
        let mut findings = Vec::new();
        for (on, key, serious) in [
            (f.no_matching_student, "no_match", true),
            (f.enrolled_elsewhere, "enrolled_elsewhere", true),
            (f.birth_date_differs, "birth_differs", true),
            (f.name_differs, "name_differs", true),
            (f.class_differs, "class_differs", false),
            (f.documents_missing, "docs_missing", true),
            (f.overdue, "is_overdue", false),
        ] {
            if on {
                findings.push((t.get(key).to_owned(), serious));
            }
        }
        let reasons = refusal_reasons::list(&state.db, false).await?;
        let history = event_rows(&state, &admin, review.history.clone()).await?;
        let relation = match row.applicant_relation {
            ApplicantRelation::Mother => t.get("mother"),
            ApplicantRelation::Father => t.get("father"),
            ApplicantRelation::Guardian => t.get("guardian_relation"),
            ApplicantRelation::Oneself => t.get("self"),
        };
        let document = match row.identity_document_type {
            IdentityDocumentType::PassportRf => t.get("passport_rf"),
            IdentityDocumentType::ForeignPassport => t.get("foreign_passport"),
            IdentityDocumentType::BirthCertificate => t.get("birth_certificate_doc"),
            IdentityDocumentType::Other => t.get("other_document"),
        };
        let undecided = matches!(
            row.status,
            ApplicationStatus::Received | ApplicationStatus::InReview
        );
        Ok::<ApplicationPage, AppError>(ApplicationPage {
            shell: admin.shell.clone(),
            id: row.id,
            status: status_label(t, row.status).to_owned(),
            kind: kind_label(t, row.access_kind).to_owned(),
            facts: vec![
                (
                    t.get("applicant").to_owned(),
                    full(
                        &row.applicant_last_name,
                        &row.applicant_first_name,
                        row.applicant_middle_name.as_deref(),
                    ),
                ),
                (t.get("relation").to_owned(), relation.to_owned()),
                (
                    t.get("phone").to_owned(),
                    row.applicant_phone.clone().unwrap_or_default(),
                ),
                (
                    t.get("email").to_owned(),
                    row.applicant_email.clone().unwrap_or_default(),
                ),
                (
                    t.get("identity_document").to_owned(),
                    format!("{document} {}", row.identity_document_number_masked),
                ),
                (
                    t.get("child").to_owned(),
                    full(
                        &row.child_last_name,
                        &row.child_first_name,
                        row.child_middle_name.as_deref(),
                    ),
                ),
                (t.get("birth_date").to_owned(), day(row.child_birth_date)),
                (t.get("class").to_owned(), row.child_class_name.clone()),
                (t.get("received_on").to_owned(), day(row.received_on)),
                (t.get("due_on").to_owned(), day(row.due_on)),
            ],
            documents: vec![
                (
                    t.get("application_form").to_owned(),
                    row.has_application_form,
                ),
                (
                    t.get("birth_certificate").to_owned(),
                    row.has_birth_certificate,
                ),
                (
                    t.get("guardianship_document").to_owned(),
                    row.has_guardianship_document,
                ),
                (
                    t.get("identity_document_short").to_owned(),
                    row.has_identity_document,
                ),
            ],
            findings,
            candidates: students
                .into_iter()
                .map(|s| CandidateRow {
                    matched: row.student_id == Some(s.id),
                    id: s.id,
                    name: full(&s.last_name, &s.first_name, s.middle_name.as_deref()),
                    birth_date: day(s.birth_date),
                    class_name: classes.get(&s.class_unit_id).cloned().unwrap_or_default(),
                })
                .collect(),
            undecided,
            matched: row.student_id.is_some(),
            reasons: reasons
                .into_iter()
                .map(|r| ReasonChoice {
                    id: r.id,
                    title: if t.en { r.title_en } else { r.title_ru },
                    requires_comment: r.requires_comment,
                })
                .collect(),
            refusal_reasons: review
                .refusal_reasons
                .iter()
                .map(|r| {
                    if t.en {
                        r.title_en.clone()
                    } else {
                        r.title_ru.clone()
                    }
                })
                .collect(),
            decision_comment: row.decision_comment.clone(),
            codes: code_rows(&admin, review.codes.clone()),
            history,
        })
    }
    .await;
    match built {
        Ok(page) => show(&admin, &page),
        Err(err) => error_page(admin.t(), err),
    }
}

#[derive(Deserialize)]
pub struct MatchForm {
    student_id: i64,
}

pub async fn match_student(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    AdminForm(form): AdminForm<MatchForm>,
) -> Response {
    let outcome = applications::match_student(&admin.writer(&state), id, form.student_id).await;
    back_to(
        &format!("/admin/applications/{id}"),
        &admin,
        outcome.map(|_| ()),
    )
}

pub async fn approve(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
    match applications::approve(&admin.writer(&state), state.config.secret_key(), id).await {
        Ok((_, issued)) => match envelope_for(&state, &admin, &issued).await {
            Ok(envelope) => envelopes_page(
                &admin,
                vec![envelope],
                format!("/admin/applications/{id}?{}", admin.shell.school_query()),
            ),
            Err(err) => error_page(admin.t(), err),
        },
        Err(err) => back_to(&format!("/admin/applications/{id}"), &admin, Err(err)),
    }
}

pub async fn refuse(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    AdminForm(values): AdminForm<Vec<(String, String)>>,
) -> Response {
    let reasons: Vec<i64> = values
        .iter()
        .filter(|(k, _)| k == "reason")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let comment = field(&values, "comment");
    let outcome = applications::refuse(&admin.writer(&state), id, &reasons, Some(comment)).await;
    back_to(
        &format!("/admin/applications/{id}"),
        &admin,
        outcome.map(|_| ()),
    )
}

pub async fn withdraw(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
    let outcome = applications::withdraw(&admin.writer(&state), id).await;
    back_to(
        &format!("/admin/applications/{id}"),
        &admin,
        outcome.map(|_| ()),
    )
}

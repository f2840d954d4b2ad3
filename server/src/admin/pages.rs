//! The back-office's handlers: each reads the admin session (`super::admin`), calls a
//! service under the policy, and renders a page or redirects (POST-redirect-GET). Envelopes are
//! the one exception: the page that shows a code's plaintext is the answer to the POST that
//! issued it, never stored and never reachable again.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, RawForm, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use dnevnik_admin_ui::Template;
use dnevnik_admin_ui::admin::{
    AdminLoginPage, ApplicationPage, AuditPage, CalendarPage, CandidateRow, ClassRow, ClassesPage,
    CodeRow, CountLink, DashboardPage, DayRow, Envelope, EnvelopesPage, EventRow, GuardianRow,
    NewApplicationPage, QueuePage, QueueRow, ReasonChoice, ReasonRow, ReasonsPage, StudentPage,
    StudentRow, StudentsPage,
};
use dnevnik_admin_ui::i18n::Texts;
use dnevnik_entities::enums::{
    AccessKind, ApplicantRelation, ApplicationStatus, CalendarDayKind, IdentityDocumentType,
    SessionKind,
};
use dnevnik_entities::{access_code, account, class_unit, student};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::{Admin, LANG_COOKIE, admin, day, error_page, texts};
use crate::auth::login;
use crate::auth::session::{self, ADMIN_COOKIE};
use crate::error::AppError;
use crate::http::caller;
use crate::http::pages::{check_form, csrf_token, message, render, with_cookies};
use crate::policy::Permission;
use crate::service::audit::ClientInfo;
use crate::service::codes::codebook::IssuedCode;
use crate::service::{applications, audit, calendar_days, codes, guardianships, refusal_reasons};
use crate::state::AppState;

type Peer = ConnectInfo<SocketAddr>;

/// `?school=` and the notices of redirects.
#[derive(Deserialize, Default)]
pub struct SchoolQuery {
    #[serde(default)]
    school: Option<i64>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

fn show(admin: &Admin, page: &impl Template) -> Response {
    let response = render(page, StatusCode::OK);
    with_cookies(
        response,
        &admin.set_csrf.iter().cloned().collect::<Vec<_>>(),
    )
}

fn notices(admin: &mut Admin, query: &SchoolQuery) {
    if query.done.is_some() {
        admin.shell.notice = Some(admin.t().get("done").to_owned());
    }
    if let Some(error) = &query.error {
        admin.shell.error = Some(admin.t().service_message(error).to_owned());
    }
}

fn stale(t: Texts) -> Response {
    message(
        StatusCode::FORBIDDEN,
        t.get("backoffice"),
        t.get("form_expired"),
    )
}

fn back_to(path: &str, admin: &Admin, outcome: Result<(), AppError>) -> Response {
    let school = admin.shell.school_query();
    let target = match outcome {
        Ok(()) => format!("{path}?{school}&done=1"),
        // The real cause is logged once, and the clerk sees a page, not JSON.
        Err(err @ AppError::Internal(_)) => return error_page(admin.t(), err),
        Err(err) => format!(
            "{path}?{school}&error={}",
            url::form_urlencoded::byte_serialize(err.message().as_bytes()).collect::<String>()
        ),
    };
    Redirect::to(&target).into_response()
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        dnevnik_admin_ui::ADMIN_STYLESHEET,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: String,
}

pub async fn language(Query(q): Query<LangQuery>) -> Response {
    let lang = if q.lang == "en" { "en" } else { "ru" };
    let cookie = format!("{LANG_COOKIE}={lang}; Path=/admin; SameSite=Lax; Max-Age=31536000");
    with_cookies(Redirect::to("/admin").into_response(), &[cookie])
}

fn admin_cookie(state: &AppState, token: &str) -> String {
    format!(
        "{ADMIN_COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}{}",
        session::ADMIN_LIFETIME.num_seconds(),
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
) -> Response {
    let t = texts(&headers);
    let (csrf, set_csrf) = csrf_token(&headers, state.config.secure_cookies());
    // A web session of an administrator (e.g. from an identity provider) may continue.
    let continue_as = match caller::identify(&state, &headers, Some(peer)).await {
        Ok(caller) => caller
            .viewer
            .filter(|v| v.may(Permission::UseBackOffice))
            .map(|v| v.display_name().to_owned()),
        Err(_) => None,
    };
    let page = AdminLoginPage {
        t,
        csrf,
        error: None,
        continue_as,
    };
    with_cookies(
        render(&page, StatusCode::OK),
        &set_csrf.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = texts(&headers);
    if !check_form(&state, &headers, &form.csrf) {
        return stale(t);
    }
    let client = ClientInfo {
        ip: Some(peer.ip().to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    };
    let result = login::sign_in(
        &state.db,
        &form.login,
        &form.password,
        SessionKind::Admin,
        &client,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await;
    match result {
        Ok((token, _)) => with_cookies(
            Redirect::to("/admin").into_response(),
            &[admin_cookie(&state, &token)],
        ),
        Err(err) => {
            let page = AdminLoginPage {
                t,
                csrf: form.csrf,
                error: Some(
                    match err {
                        AppError::RateLimited => t.get("too_many"),
                        _ => t.get("wrong_credentials"),
                    }
                    .to_owned(),
                ),
                continue_as: None,
            };
            render(&page, err.status())
        }
    }
}

/// Turns an administrator's web session (from an identity provider) into a back-office one.
pub async fn sso(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let t = texts(&headers);
    if !check_form(&state, &headers, &form.csrf) {
        return stale(t);
    }
    let caller = match caller::identify(&state, &headers, Some(peer)).await {
        Ok(caller) => caller,
        Err(err) => return error_page(texts(&headers), err),
    };
    let Some(viewer) = caller.viewer.filter(|v| v.may(Permission::UseBackOffice)) else {
        return Redirect::to("/admin/login").into_response();
    };
    let started = async {
        let txn = crate::db::begin_write(&state.db).await?;
        let (token, session) = session::start(
            &txn,
            viewer.account_id(),
            SessionKind::Admin,
            caller.client.user_agent.as_deref(),
            state.config.session_policy(),
            state.clock.now(),
        )
        .await?;
        audit::record(
            &txn,
            audit::AuditEntry::new("sign_in.succeeded", Some(viewer.account_id()))
                .object("session", session.id)
                .ip(caller.client.ip.clone())
                .details(serde_json::json!({ "method": "web_session", "kind": "admin" })),
        )
        .await?;
        txn.commit().await?;
        Ok::<String, AppError>(token)
    }
    .await;
    match started {
        Ok(token) => with_cookies(
            Redirect::to("/admin").into_response(),
            &[admin_cookie(&state, &token)],
        ),
        Err(err) => error_page(texts(&headers), err),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let t = texts(&headers);
    if !check_form(&state, &headers, &form.csrf) {
        return stale(t);
    }
    if let Ok(admin) = admin(&state, &headers, peer, None, "dashboard").await
        && let Some(token) = crate::http::cookies::read(&headers, ADMIN_COOKIE)
    {
        let ended = async {
            let txn = crate::db::begin_write(&state.db).await?;
            session::end(&txn, &token).await?;
            audit::record(
                &txn,
                audit::AuditEntry::new("sign_out", Some(admin.viewer.account_id()))
                    .object("session", admin.viewer.session_id())
                    .ip(admin.ip()),
            )
            .await?;
            txn.commit().await?;
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(err) = ended {
            return error_page(texts(&headers), err);
        }
    }
    let clear = format!("{ADMIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
    with_cookies(Redirect::to("/admin/login").into_response(), &[clear])
}

pub async fn dashboard(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "dashboard").await {
        Ok(a) => a,
        Err(r) => return r,
    };
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

fn status_label(t: Texts, status: ApplicationStatus) -> &'static str {
    t.get(status.as_str())
}

fn kind_label(t: Texts, kind: AccessKind) -> &'static str {
    match kind {
        AccessKind::Guardian => t.get("guardian"),
        AccessKind::Student => t.get("student_access"),
    }
}

fn full(last: &str, first: &str, middle: Option<&str>) -> String {
    crate::names::full_name(last, first, middle)
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    school: Option<i64>,
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

const PAGE: u64 = 25;

pub async fn queue(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let t = admin.t();
    let school = match admin.school_id() {
        Ok(s) => s,
        Err(err) => return error_page(admin.t(), err),
    };
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match parse_status(s) {
            Some(status) => Some(status),
            None => return error_page(admin.t(), AppError::bad_input("status", "Unknown status.")),
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

fn parse_status(s: &str) -> Option<ApplicationStatus> {
    Some(match s {
        "received" => ApplicationStatus::Received,
        "in_review" => ApplicationStatus::InReview,
        "approved" => ApplicationStatus::Approved,
        "refused" => ApplicationStatus::Refused,
        "withdrawn" => ApplicationStatus::Withdrawn,
        _ => return None,
    })
}

pub async fn new_application(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let page = NewApplicationPage {
        shell: admin.shell.clone(),
        field: None,
        values: Vec::new(),
        today: admin.today.to_string(),
    };
    show(&admin, &page)
}

fn field<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn parse_form(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub async fn register(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
    RawForm(raw): RawForm,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = parse_form(&raw);
    if !check_form(&state, &headers, field(&values, "csrf")) {
        return stale(admin.t());
    }
    let outcome = async {
        let school_id = admin.school_id()?;
        let birth = NaiveDate::parse_from_str(field(&values, "child_birth_date"), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input("childBirthDate", "Enter the birth date."))?;
        let received = match field(&values, "received_on") {
            "" => None,
            value => Some(
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| AppError::bad_input("receivedOn", "Enter the date of receipt."))?,
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
            admin.shell.error = Some(admin.t().service_message(&err.message()).to_owned());
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

fn code_rows(admin: &Admin, rows: Vec<access_code::Model>) -> Vec<CodeRow> {
    let t = admin.t();
    let now = admin.now;
    rows.into_iter()
        .map(|c| {
            let state = codes::state(&c, now);
            CodeRow {
                id: c.id,
                kind: kind_label(t, c.kind).to_owned(),
                state: t
                    .get(match state {
                        codes::CodeState::Issued => "issued",
                        codes::CodeState::Printed => "printed",
                        codes::CodeState::HandedOver => "handed_over",
                        codes::CodeState::Redeemed => "redeemed",
                        codes::CodeState::Expired => "expired",
                        codes::CodeState::Revoked => "revoked",
                    })
                    .to_owned(),
                issued: admin.local(c.issued_at),
                expires: admin.local(c.expires_at),
                failed_attempts: c.failed_attempts,
                can_hand_over: matches!(
                    state,
                    codes::CodeState::Issued | codes::CodeState::Printed
                ),
                can_revoke: matches!(
                    state,
                    codes::CodeState::Issued
                        | codes::CodeState::Printed
                        | codes::CodeState::HandedOver
                ),
                can_reissue: state != codes::CodeState::Redeemed,
            }
        })
        .collect()
}

async fn event_rows(
    state: &AppState,
    admin: &Admin,
    events: Vec<dnevnik_entities::audit_event::Model>,
) -> Vec<EventRow> {
    let actors: Vec<i64> = events.iter().filter_map(|e| e.actor_account_id).collect();
    let names: std::collections::HashMap<i64, String> = if actors.is_empty() {
        Default::default()
    } else {
        account::Entity::find()
            .filter(account::Column::Id.is_in(actors))
            .all(&state.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.id, a.display_name))
            .collect()
    };
    events
        .into_iter()
        .map(|e| EventRow {
            when: admin.local(e.occurred_at),
            who: e
                .actor_account_id
                .and_then(|a| names.get(&a).cloned())
                .unwrap_or_else(|| "—".to_owned()),
            action: e.action,
            object: match (e.object_type, e.object_id) {
                (Some(kind), Some(id)) => format!("{kind} {id}"),
                (Some(kind), None) => kind,
                _ => String::new(),
            },
            ip: e.ip.unwrap_or_default(),
            details: e.details.unwrap_or_default(),
        })
        .collect()
}

pub async fn application(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
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
        let history = event_rows(&state, &admin, review.history.clone()).await;
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
    #[serde(default)]
    csrf: String,
    student_id: i64,
}

pub async fn match_student(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<MatchForm>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let outcome = applications::match_student(&admin.writer(&state), id, form.student_id).await;
    back_to(
        &format!("/admin/applications/{id}"),
        &admin,
        outcome.map(|_| ()),
    )
}

async fn envelope_for(
    state: &AppState,
    admin: &Admin,
    issued: &IssuedCode,
) -> Result<Envelope, AppError> {
    let student = student::Entity::find_by_id(issued.model.student_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let class = class_unit::Entity::find_by_id(student.class_unit_id)
        .one(&state.db)
        .await?;
    let school = dnevnik_entities::school::Entity::find_by_id(student.school_id)
        .one(&state.db)
        .await?;
    Ok(envelope(
        state,
        admin,
        &student,
        class.map(|c| c.name).unwrap_or_default(),
        school.map(|s| s.name).unwrap_or_default(),
        issued,
    ))
}

fn envelope(
    state: &AppState,
    admin: &Admin,
    student: &student::Model,
    class_name: String,
    school: String,
    issued: &IssuedCode,
) -> Envelope {
    let t = admin.t();
    let initial = |s: &str| {
        s.chars()
            .next()
            .map(|c| format!("{c}."))
            .unwrap_or_default()
    };
    let base = state.config.public_url();
    Envelope {
        school,
        initials: format!(
            "{} {} {}",
            initial(&student.last_name),
            initial(&student.first_name),
            student
                .middle_name
                .as_deref()
                .map(initial)
                .unwrap_or_default()
        )
        .trim()
        .to_owned(),
        class_name,
        kind: kind_label(t, issued.model.kind).to_owned(),
        how_to: match issued.model.kind {
            AccessKind::Guardian => t.get("how_to_guardian"),
            AccessKind::Student => t.get("how_to_student"),
        }
        .to_owned(),
        sign_in_url: format!("{base}/"),
        link_url: format!("{base}/auth/link"),
        code: issued.plaintext.clone(),
        expires: admin.local(issued.model.expires_at),
    }
}

fn envelopes_page(admin: &Admin, envelopes: Vec<Envelope>, back: String) -> Response {
    let page = EnvelopesPage {
        t: admin.t(),
        envelopes,
        back,
    };
    let mut response = render(&page, StatusCode::OK);
    // The plaintext must not linger anywhere.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

pub async fn approve(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
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
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    RawForm(raw): RawForm,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = parse_form(&raw);
    if !check_form(&state, &headers, field(&values, "csrf")) {
        return stale(admin.t());
    }
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
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let outcome = applications::withdraw(&admin.writer(&state), id).await;
    back_to(
        &format!("/admin/applications/{id}"),
        &admin,
        outcome.map(|_| ()),
    )
}

/// Where to go back to after acting on a code: its application or its student.
fn code_page(code: &access_code::Model) -> String {
    match code.access_application_id {
        Some(app) => format!("/admin/applications/{app}"),
        None => format!("/admin/students/{}", code.student_id),
    }
}

pub async fn hand_over(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    match codes::hand_over(&admin.writer(&state), id).await {
        Ok(code) => back_to(&code_page(&code), &admin, Ok(())),
        Err(err) => back_to("/admin", &admin, Err(err)),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    match codes::revoke(&admin.writer(&state), id).await {
        Ok(code) => back_to(&code_page(&code), &admin, Ok(())),
        Err(err) => back_to("/admin", &admin, Err(err)),
    }
}

pub async fn reissue(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "applications").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    match codes::reissue(&admin.writer(&state), state.config.secret_key(), id).await {
        Ok(issued) => match envelope_for(&state, &admin, &issued).await {
            Ok(envelope) => envelopes_page(
                &admin,
                vec![envelope],
                format!(
                    "{}?{}",
                    code_page(&issued.model),
                    admin.shell.school_query()
                ),
            ),
            Err(err) => error_page(admin.t(), err),
        },
        Err(err) => back_to("/admin", &admin, Err(err)),
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    school: Option<i64>,
    #[serde(default)]
    q: Option<String>,
}

pub async fn students(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "students").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let search = q.q.clone().unwrap_or_default().trim().to_owned();
    let mut rows = Vec::new();
    if let (Ok(school), false) = (admin.school_id(), search.is_empty()) {
        let pattern = format!("{}%", search.replace(['%', '_'], ""));
        let found = student::Entity::find()
            .filter(student::Column::SchoolId.eq(school))
            .filter(
                Condition::any()
                    .add(student::Column::LastName.like(&pattern))
                    .add(student::Column::FirstName.like(&pattern)),
            )
            .order_by_asc(student::Column::LastName)
            .limit(50)
            .find_also_related(class_unit::Entity)
            .all(&state.db)
            .await;
        match found {
            Ok(found) => {
                rows = found
                    .into_iter()
                    .map(|(s, c)| StudentRow {
                        id: s.id,
                        name: full(&s.last_name, &s.first_name, s.middle_name.as_deref()),
                        class_name: c.map(|c| c.name).unwrap_or_default(),
                        birth_date: day(s.birth_date),
                    })
                    .collect();
            }
            Err(err) => return error_page(admin.t(), AppError::from(err)),
        }
    }
    show(
        &admin,
        &StudentsPage {
            shell: admin.shell.clone(),
            search,
            rows,
        },
    )
}

pub async fn student(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "students").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    notices(&mut admin, &q);
    let built = async {
        let s = student::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .ok_or(AppError::NotFound)?;
        admin.viewer.authorize(Permission::OpenSchoolRecord {
            school_id: s.school_id,
        })?;
        let class = class_unit::Entity::find_by_id(s.class_unit_id)
            .one(&state.db)
            .await?;
        let links = guardianships::of_student(&state.db, &admin.viewer, &s).await?;
        let code_list = codes::of_student(&state.db, &admin.viewer, &s).await?;
        Ok::<StudentPage, AppError>(StudentPage {
            shell: admin.shell.clone(),
            id: s.id,
            name: full(&s.last_name, &s.first_name, s.middle_name.as_deref()),
            class_name: class.map(|c| c.name).unwrap_or_default(),
            guardians: links
                .into_iter()
                .map(|(g, a)| GuardianRow {
                    id: g.id,
                    label: g.label,
                    parent: a.map(|a| a.display_name).unwrap_or_default(),
                    since: admin.local(g.created_at),
                })
                .collect(),
            codes: code_rows(&admin, code_list),
        })
    }
    .await;
    match built {
        Ok(page) => show(&admin, &page),
        Err(err) => error_page(admin.t(), err),
    }
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    csrf: String,
    student_id: i64,
}

pub async fn unlink(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<UnlinkForm>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "students").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let outcome = guardianships::unlink(&state.db, &admin.viewer, id, admin.ip()).await;
    back_to(
        &format!("/admin/students/{}", form.student_id),
        &admin,
        outcome.map(|_| ()),
    )
}

pub async fn classes(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "classes").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let built = async {
        let school = admin.school_id()?;
        let list = crate::service::structure::class_units(&state.db, school).await?;
        let counts: Vec<(i64, i64)> = student::Entity::find()
            .select_only()
            .column(student::Column::ClassUnitId)
            .column_as(student::Column::Id.count(), "n")
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::LeftOn.is_null())
            .group_by(student::Column::ClassUnitId)
            .into_tuple()
            .all(&state.db)
            .await?;
        let without: Vec<(i64, i64)> = student::Entity::find()
            .select_only()
            .column(student::Column::ClassUnitId)
            .column_as(student::Column::Id.count(), "n")
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::LeftOn.is_null())
            .filter(student::Column::AccountId.is_null())
            .group_by(student::Column::ClassUnitId)
            .into_tuple()
            .all(&state.db)
            .await?;
        let lookup = |list: &[(i64, i64)], id: i64| {
            list.iter()
                .find(|(c, _)| *c == id)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
        };
        Ok::<Vec<ClassRow>, AppError>(
            list.into_iter()
                .map(|c| ClassRow {
                    students: lookup(&counts, c.id),
                    without_sign_in: lookup(&without, c.id),
                    id: c.id,
                    name: c.name,
                })
                .collect(),
        )
    }
    .await;
    match built {
        Ok(rows) => show(
            &admin,
            &ClassesPage {
                shell: admin.shell.clone(),
                rows,
            },
        ),
        Err(err) => error_page(admin.t(), err),
    }
}

pub async fn class_envelopes(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "classes").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    match codes::class_student_codes(&admin.writer(&state), state.config.secret_key(), id).await {
        Ok(issued) => {
            let class = class_unit::Entity::find_by_id(id)
                .one(&state.db)
                .await
                .ok()
                .flatten();
            let school = admin
                .school
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let class_name = class.map(|c| c.name).unwrap_or_default();
            let envelopes = issued
                .iter()
                .map(|(s, code)| {
                    envelope(&state, &admin, s, class_name.clone(), school.clone(), code)
                })
                .collect();
            envelopes_page(
                &admin,
                envelopes,
                format!("/admin/classes?{}", admin.shell.school_query()),
            )
        }
        Err(err) => back_to("/admin/classes", &admin, Err(err)),
    }
}

pub async fn reasons(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "reasons").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    notices(&mut admin, &q);
    match refusal_reasons::list(&state.db, true).await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|r| ReasonRow {
                    id: r.id,
                    code: r.code,
                    title_ru: r.title_ru,
                    title_en: r.title_en,
                    requires_comment: r.requires_comment,
                    active: r.active,
                    sort_order: r.sort_order,
                })
                .collect();
            show(
                &admin,
                &ReasonsPage {
                    shell: admin.shell.clone(),
                    rows,
                },
            )
        }
        Err(err) => error_page(admin.t(), err),
    }
}

fn reason_input(values: &[(String, String)]) -> refusal_reasons::ReasonInput {
    refusal_reasons::ReasonInput {
        title_ru: field(values, "title_ru").to_owned(),
        title_en: field(values, "title_en").to_owned(),
        requires_comment: field(values, "requires_comment") == "on",
        sort_order: field(values, "sort_order").parse().unwrap_or(0),
    }
}

pub async fn create_reason(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
    RawForm(raw): RawForm,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "reasons").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = parse_form(&raw);
    if !check_form(&state, &headers, field(&values, "csrf")) {
        return stale(admin.t());
    }
    let outcome = refusal_reasons::create(
        &admin.writer(&state),
        field(&values, "code"),
        reason_input(&values),
    )
    .await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}

pub async fn update_reason(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    RawForm(raw): RawForm,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "reasons").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = parse_form(&raw);
    if !check_form(&state, &headers, field(&values, "csrf")) {
        return stale(admin.t());
    }
    let outcome = refusal_reasons::update(&admin.writer(&state), id, reason_input(&values)).await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf: String,
    active: bool,
}

pub async fn reason_active(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<ActiveForm>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "reasons").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let outcome = refusal_reasons::set_active(&admin.writer(&state), id, form.active).await;
    back_to("/admin/reasons", &admin, outcome.map(|_| ()))
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    school: Option<i64>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

pub async fn calendar(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<YearQuery>,
) -> Response {
    let mut admin = match admin(&state, &headers, peer, q.school, "calendar").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    notices(
        &mut admin,
        &SchoolQuery {
            school: q.school,
            done: q.done.clone(),
            error: q.error.clone(),
        },
    );
    let t = admin.t();
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&admin.today));
    match calendar_days::of_year(&state.db, year).await {
        Ok(days) => {
            let rows = days
                .into_iter()
                .map(|d| DayRow {
                    date: d.date.to_string(),
                    kind: t
                        .get(match d.kind {
                            CalendarDayKind::Holiday => "holiday",
                            CalendarDayKind::DayOff => "day_off",
                            CalendarDayKind::WorkingDay => "working_day",
                        })
                        .to_owned(),
                    name: d.name,
                })
                .collect();
            show(
                &admin,
                &CalendarPage {
                    shell: admin.shell.clone(),
                    year,
                    rows,
                },
            )
        }
        Err(err) => error_page(admin.t(), err),
    }
}

#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    csrf: String,
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

pub async fn set_day(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<DayForm>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "calendar").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let kind = match form.kind.as_str() {
        "day_off" => CalendarDayKind::DayOff,
        "working_day" => CalendarDayKind::WorkingDay,
        _ => CalendarDayKind::Holiday,
    };
    let outcome = match NaiveDate::parse_from_str(&form.date, "%Y-%m-%d") {
        Ok(date) => {
            calendar_days::set(&state.db, &admin.viewer, date, kind, &form.name, admin.ip())
                .await
                .map(|_| ())
        }
        Err(_) => Err(AppError::bad_input("date", "Enter a date.")),
    };
    back_to("/admin/calendar", &admin, outcome)
}

pub async fn remove_day(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<SchoolQuery>,
    Form(form): Form<DayForm>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "calendar").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !check_form(&state, &headers, &form.csrf) {
        return stale(admin.t());
    }
    let outcome = match NaiveDate::parse_from_str(&form.date, "%Y-%m-%d") {
        Ok(date) => calendar_days::remove(&state.db, &admin.viewer, date, admin.ip()).await,
        Err(_) => Err(AppError::bad_input("date", "Enter a date.")),
    };
    back_to("/admin/calendar", &admin, outcome)
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    school: Option<i64>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    object_type: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    page: Option<u64>,
}

impl AuditQuery {
    /// The filter, with the days read in the administrator's school's zone.
    fn filter(&self, admin: &Admin, school: Option<i64>) -> audit::AuditFilter {
        let date = |s: &Option<String>| {
            s.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        audit::AuditFilter {
            school_id: school,
            actor_account_id: self.actor.as_deref().and_then(|a| a.trim().parse().ok()),
            action_prefix: self.action.clone().filter(|a| !a.is_empty()),
            object_type: self.object_type.clone().filter(|o| !o.is_empty()),
            object_id: None,
            from: date(&self.from).map(|d| admin.start_of(d)),
            to: date(&self.to)
                .and_then(|d| d.succ_opt())
                .map(|d| admin.start_of(d)),
        }
    }

    fn query(&self, school: Option<i64>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(s) = school {
            q.append_pair("school", &s.to_string());
        }
        for (k, v) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("object_type", &self.object_type),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }
}

pub async fn audit(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "audit").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let school = admin
        .school
        .as_ref()
        .map(|s| s.id)
        .filter(|_| !admin.viewer.may(Permission::AdministerDepartment) || q.school.is_some());
    let page = q.page.unwrap_or(0);
    let (events, total) = match audit::search(
        &state.db,
        &admin.viewer,
        &q.filter(&admin, school),
        page * PAGE,
        PAGE,
    )
    .await
    {
        Ok(found) => found,
        Err(err) => return error_page(admin.t(), err),
    };
    let rows = event_rows(&state, &admin, events).await;
    let query = q.query(school);
    let view = AuditPage {
        shell: admin.shell.clone(),
        rows,
        total,
        actor: q.actor.clone().unwrap_or_default(),
        action: q.action.clone().unwrap_or_default(),
        object_type: q.object_type.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        previous: (page > 0).then(|| format!("/admin/audit?{query}&page={}", page - 1)),
        next: ((page + 1) * PAGE < total)
            .then(|| format!("/admin/audit?{query}&page={}", page + 1)),
        query,
    };
    show(&admin, &view)
}

/// The filtered audit log as CSV (at most 10,000 events per export).
pub async fn audit_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let admin = match admin(&state, &headers, peer, q.school, "audit").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let school = admin
        .school
        .as_ref()
        .map(|s| s.id)
        .filter(|_| !admin.viewer.may(Permission::AdministerDepartment) || q.school.is_some());
    let exported = audit::search(
        &state.db,
        &admin.viewer,
        &q.filter(&admin, school),
        0,
        10_000,
    )
    .await
    .and_then(|(events, _)| audit::to_csv(&events));
    match exported {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(err) => error_page(admin.t(), err),
    }
}

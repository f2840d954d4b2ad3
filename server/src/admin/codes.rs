//! Access codes and their envelopes: handing over, revoking, reissuing, and printing the
//! envelopes of a class. A page that shows a code's plaintext is the answer to the POST that
//! issued it, never stored and never reachable again.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use dnevnik_admin_ui::admin::{CodeRow, Envelope, EnvelopesPage};
use dnevnik_entities::enums::AccessKind;
use dnevnik_entities::{access_code, student};

use super::extract::{AdminPage, CheckedForm};
use super::shared::{back_to, kind_label};
use super::{Admin, error_page};
use crate::error::AppError;
use crate::http::pages::render;
use crate::service::codes::codebook::IssuedCode;
use crate::service::{codes, roster};
use crate::state::AppState;

pub(super) fn code_rows(admin: &Admin, rows: Vec<access_code::Model>) -> Vec<CodeRow> {
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

pub(super) async fn envelope_for(
    state: &AppState,
    admin: &Admin,
    issued: &IssuedCode,
) -> Result<Envelope, AppError> {
    let subject =
        roster::envelope_subject(&state.db, &admin.viewer, issued.model.student_id).await?;
    Ok(envelope(
        state,
        admin,
        &subject.student.student,
        subject.student.class_name,
        subject.school_name,
        issued,
    ))
}

pub(super) fn envelope(
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

pub(super) fn envelopes_page(admin: &Admin, envelopes: Vec<Envelope>, back: String) -> Response {
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

/// Where to go back to after acting on a code: its application or its student.
pub(super) fn code_page(code: &access_code::Model) -> String {
    match code.access_application_id {
        Some(app) => format!("/admin/applications/{app}"),
        None => format!("/admin/students/{}", code.student_id),
    }
}

pub async fn hand_over(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
    match codes::hand_over(&admin.writer(&state), id).await {
        Ok(code) => back_to(&code_page(&code), &admin, Ok(())),
        Err(err) => back_to("/admin", &admin, Err(err)),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
    match codes::revoke(&admin.writer(&state), id).await {
        Ok(code) => back_to(&code_page(&code), &admin, Ok(())),
        Err(err) => back_to("/admin", &admin, Err(err)),
    }
}

pub async fn reissue(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
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

pub async fn class_envelopes(
    State(state): State<AppState>,
    AdminPage(admin): AdminPage,
    Path(id): Path<i64>,
    _: CheckedForm,
) -> Response {
    match codes::class_student_codes(&admin.writer(&state), state.config.secret_key(), id).await {
        Ok(issued) => {
            let class_name = match roster::class_name(&state.db, &admin.viewer, id).await {
                Ok(name) => name,
                Err(err) => return error_page(admin.t(), err),
            };
            let school = admin
                .school
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
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

//! What every back-office page handler shares: the notices of redirects, rendering with the
//! CSRF cookie, going back after an action, and the labels of enums.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dnevnik_admin_ui::Template;
use dnevnik_admin_ui::i18n::Texts;
use dnevnik_entities::enums::{AccessKind, ApplicationStatus};
use serde::Deserialize;

use super::{Admin, error_page};
use crate::error::AppError;
use crate::http::pages::{message, render, with_cookies};

pub(super) type Peer = ConnectInfo<SocketAddr>;

/// `?school=` and the notices of redirects.
#[derive(Deserialize, Default)]
pub struct SchoolQuery {
    #[serde(default)]
    pub(super) done: Option<String>,
    #[serde(default)]
    pub(super) error: Option<String>,
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub(super) csrf: String,
}

pub(super) fn show(admin: &Admin, page: &impl Template) -> Response {
    let response = render(page, StatusCode::OK);
    with_cookies(
        response,
        &admin.set_csrf.iter().cloned().collect::<Vec<_>>(),
    )
}

pub(super) fn notices(admin: &mut Admin, query: &SchoolQuery) {
    if query.done.is_some() {
        admin.shell.notice = Some(admin.t().get("done").to_owned());
    }
    if let Some(error) = &query.error {
        admin.shell.error = Some(admin.t().service_message(error).to_owned());
    }
}

pub(super) fn stale(t: Texts) -> Response {
    message(
        StatusCode::FORBIDDEN,
        t.get("backoffice"),
        t.get("form_expired"),
    )
}

pub(super) fn back_to(path: &str, admin: &Admin, outcome: Result<(), AppError>) -> Response {
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

pub(super) fn status_label(t: Texts, status: ApplicationStatus) -> &'static str {
    t.get(status.as_str())
}

pub(super) fn kind_label(t: Texts, kind: AccessKind) -> &'static str {
    match kind {
        AccessKind::Guardian => t.get("guardian"),
        AccessKind::Student => t.get("student_access"),
    }
}

pub(super) fn full(last: &str, first: &str, middle: Option<&str>) -> String {
    crate::names::full_name(last, first, middle)
}

pub(super) const PAGE: u64 = 25;

pub(super) fn field<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

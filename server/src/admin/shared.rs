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
use crate::error::{AppError, Reason};
use crate::http::pages::{message, render, with_cookies};

pub(super) type Peer = ConnectInfo<SocketAddr>;

/// `?school=` and the notices of redirects.
#[derive(Deserialize, Default)]
pub struct SchoolQuery {
    #[serde(default)]
    pub(super) done: Option<String>,
    #[serde(default)]
    pub(super) error: Option<String>,
    #[serde(default)]
    pub(super) error_params: Option<String>,
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
    if let Some(code) = &query.error {
        // A reason by code with its numeric parameters, or an error code: never text from the
        // query string, which anyone can write into a link.
        let params: serde_json::Map<String, serde_json::Value> = query
            .error_params
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        let t = admin.t();
        admin.shell.error = Some(match Reason::from_code(code, &params) {
            Some(reason) => reason.text(t.en),
            None => t.error_code(code).to_owned(),
        });
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
        Err(err) => {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            match err.reason() {
                Some(reason) => {
                    query.append_pair("error", reason.code());
                    if !reason.params().is_empty() {
                        let params = serde_json::Value::Object(reason.params()).to_string();
                        query.append_pair("error_params", &params);
                    }
                }
                None => {
                    query.append_pair("error", err.code());
                }
            }
            format!("{path}?{school}&{}", query.finish())
        }
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

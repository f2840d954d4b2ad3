//! The extractors of back-office handlers: the signed-in administrator of a page, and a form
//! whose CSRF token has been checked. A handler that takes them starts where the API's
//! resolvers start, with the caller known and the request trusted, and cannot forget either.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::{Admin, admin, texts};
use crate::http::pages::{check_form, message};
use crate::state::AppState;

/// The signed-in administrator of a back-office page, with the school chosen by `?school=`
/// (their first school without it) and the menu section named by the path. Anyone else is
/// sent to the sign-in page or shown a refusal.
pub struct AdminPage(pub Admin);

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let peer = match ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await {
            Ok(ConnectInfo(peer)) => peer,
            Err(_) => SocketAddr::from(([0, 0, 0, 0], 0)),
        };
        let school = school_param(parts.uri.query());
        let section = section_of(parts.uri.path());
        admin(state, &parts.headers, peer, school, section)
            .await
            .map(AdminPage)
    }
}

/// The `school` number of a query string, if it has one.
fn school_param(query: Option<&str>) -> Option<i64> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "school")
        .and_then(|(_, value)| value.trim().parse().ok())
}

/// The menu section a back-office path belongs to.
fn section_of(path: &str) -> &'static str {
    let area = path
        .strip_prefix("/admin/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    match area {
        "applications" | "codes" => "applications",
        "students" | "guardianships" => "students",
        "classes" => "classes",
        "reasons" => "reasons",
        "calendar" => "calendar",
        "audit" | "audit.csv" => "audit",
        _ => "dashboard",
    }
}

/// A form that carries nothing but its CSRF token (a button that acts).
pub type CheckedForm = AdminForm<serde::de::IgnoredAny>;

/// The largest back-office form (the router's body limit is the same).
const FORM_LIMIT: usize = 64 * 1024;

/// A back-office form whose CSRF token matched the cookie (and whose `Origin`, if sent, is
/// ours), read into `T`. Take it after [`AdminPage`], so that a stranger is sent to sign in
/// before the form is judged. `T` may be `Vec<(String, String)>` for forms read field by field.
pub struct AdminForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for AdminForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let t = texts(&parts.headers);
        let refused = |status| message(status, t.get("backoffice"), t.get("action_failed"));
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            return Err(refused(StatusCode::PAYLOAD_TOO_LARGE));
        };
        let token = url::form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == "csrf")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        if !check_form(state, &parts.headers, &token) {
            return Err(message(
                StatusCode::FORBIDDEN,
                t.get("backoffice"),
                t.get("form_expired"),
            ));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(AdminForm)
            .map_err(|_| refused(StatusCode::BAD_REQUEST))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_follows_the_path() {
        assert_eq!(section_of("/admin"), "dashboard");
        assert_eq!(section_of("/admin/codes/7/revoke"), "applications");
        assert_eq!(section_of("/admin/guardianships/3/unlink"), "students");
        assert_eq!(section_of("/admin/audit.csv"), "audit");
        assert_eq!(section_of("/admin/calendar/remove"), "calendar");
    }

    #[test]
    fn the_school_is_read_from_the_query() {
        assert_eq!(school_param(Some("school=12&page=2")), Some(12));
        assert_eq!(school_param(Some("page=2")), None);
        assert_eq!(school_param(Some("school=x")), None);
        assert_eq!(school_param(None), None);
    }
}

//! Who is calling, for every handler: the session token from `Authorization: Bearer` or the
//! session cookie, the viewer it belongs to, and the client's address and user agent.

use std::net::SocketAddr;

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, ORIGIN, USER_AGENT};

use super::cookies;
use crate::auth::session;
use crate::error::{AppError, AppResult};
use crate::policy::Viewer;
use crate::service::audit::ClientInfo;
use crate::state::AppState;

/// The caller of one request.
pub struct Caller {
    /// The signed-in viewer, if the token is live.
    pub viewer: Option<Viewer>,
    /// The token presented.
    pub token: Option<String>,
    /// Whether the token came in a cookie (and so may have been sent by another site).
    pub via_cookie: bool,
    /// Address and user agent.
    pub client: ClientInfo,
}

/// Identifies the caller of a request.
pub async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> AppResult<Caller> {
    let client = ClientInfo {
        ip: peer.map(|p| p.ip().to_string()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect()),
    };
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    let (token, via_cookie) = match bearer {
        Some(token) => (Some(token), false),
        None => (cookies::SESSION.read(headers), true),
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(Caller {
            viewer: None,
            token: None,
            via_cookie: false,
            client,
        });
    };
    let authenticated = session::authenticate(
        &state.db,
        &token,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await?;
    let viewer = match authenticated {
        Some(found) => Some(Viewer::load(&state.db, &found.account, found.session.id).await?),
        None => None,
    };
    Ok(Caller {
        viewer,
        token: Some(token),
        via_cookie,
        client,
    })
}

/// Refuses a cookie-authenticated request whose `Origin` is another site's: cookies travel
/// with cross-site requests, bearer tokens do not.
pub fn check_origin(state: &AppState, headers: &HeaderMap, caller: &Caller) -> AppResult<()> {
    if !caller.via_cookie || caller.token.is_none() {
        return Ok(());
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if same_origin(origin, &state.config.public_url()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether an `Origin` header names the site at `public_url`: the same scheme, host and port,
/// compared as parsed origins (so `https://Dnevnik.example:443` is `https://dnevnik.example`).
/// An origin that does not parse (`null`, garbage) is another site.
pub fn same_origin(origin: &str, public_url: &str) -> bool {
    match (url::Url::parse(origin), url::Url::parse(public_url)) {
        (Ok(origin), Ok(public)) => origin.origin() == public.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn origins_compare_by_scheme_host_and_port() {
        let public = "https://dnevnik.example/school/";
        assert!(same_origin("https://dnevnik.example", public));
        assert!(same_origin("https://DNEVNIK.example:443", public));
        assert!(!same_origin("http://dnevnik.example", public));
        assert!(!same_origin("https://dnevnik.example:8443", public));
        assert!(!same_origin("https://dnevnik.example.evil.test", public));
        assert!(!same_origin("null", public));
        assert!(same_origin(
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080"
        ));
    }
}

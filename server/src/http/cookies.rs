//! The session cookie: `dnevnik_session`, `HttpOnly`, `SameSite=Lax` (Strict would break the
//! return from an identity provider), `Secure` outside development, `Path=/`.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::auth::session::COOKIE as NAME;

/// The `Set-Cookie` value that stores a session token.
pub fn session(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session(secure: bool) -> String {
    format!(
        "{NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A cookie's value from the request headers.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

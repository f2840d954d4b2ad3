//! Every cookie the server sets, and reading cookies, through the `cookie` crate (as
//! `axum-extra` re-exports it) rather than by formatting and splitting strings. Each cookie is
//! declared once with its name, path and `SameSite`; all are `HttpOnly` but the language
//! switch, and `Secure` outside development.
//!
//! - `dnevnik_session`: the session, `Path=/`, `SameSite=Lax` (Strict would break the return
//!   from an identity provider).
//! - `dnevnik_admin`: the back-office session, `Path=/admin`, `SameSite=Strict`.
//! - `dnevnik_csrf`: the CSRF token of forms, `Path=/`, `SameSite=Strict`.
//! - `dnevnik_login`: ties a provider sign-in to the browser that started it, `Path=/auth/oidc`.
//! - `dnevnik_lang`: the back-office's language, readable by scripts.

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// What a cookie of the server is.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Its name.
    pub name: &'static str,
    path: &'static str,
    same_site: SameSite,
    http_only: bool,
}

/// The session cookie.
pub const SESSION: Spec = Spec {
    name: crate::auth::session::COOKIE,
    path: "/",
    same_site: SameSite::Lax,
    http_only: true,
};

/// The back-office session cookie.
pub const ADMIN: Spec = Spec {
    name: crate::auth::session::ADMIN_COOKIE,
    path: "/admin",
    same_site: SameSite::Strict,
    http_only: true,
};

/// The CSRF token of forms.
pub const CSRF: Spec = Spec {
    name: "dnevnik_csrf",
    path: "/",
    same_site: SameSite::Strict,
    http_only: true,
};

/// The browser's half of a provider sign-in in progress.
pub const LOGIN: Spec = Spec {
    name: "dnevnik_login",
    path: "/auth/oidc",
    same_site: SameSite::Lax,
    http_only: true,
};

/// The back-office's language.
pub const LANG: Spec = Spec {
    name: "dnevnik_lang",
    path: "/admin",
    same_site: SameSite::Lax,
    http_only: false,
};

impl Spec {
    /// The `Set-Cookie` value that stores `value` for `max_age_secs` seconds.
    pub fn set(&self, value: &str, max_age_secs: i64, secure: bool) -> String {
        Cookie::build((self.name, value.to_owned()))
            .path(self.path)
            .http_only(self.http_only)
            .same_site(self.same_site)
            .secure(secure)
            .max_age(cookie_duration(max_age_secs))
            .build()
            .to_string()
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(&self, secure: bool) -> String {
        self.set("", 0, secure)
    }

    /// The cookie's value in a request.
    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        read(headers, self.name)
    }
}

fn cookie_duration(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs.max(0))
}

/// The `Set-Cookie` value that stores a session token.
pub fn session(token: &str, secure: bool, max_age_secs: i64) -> String {
    SESSION.set(token, max_age_secs, secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session(secure: bool) -> String {
    SESSION.clear(secure)
}

/// A cookie's value from the request headers (the first, if a browser sent it twice).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use axum::http::header::COOKIE;

    use super::*;

    #[test]
    fn a_cookie_carries_its_flags() {
        let text = SESSION.set("abc", 60, true);
        for part in [
            "dnevnik_session=abc",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        let cleared = ADMIN.clear(false);
        assert!(cleared.contains("Max-Age=0") && cleared.contains("Path=/admin"));
        assert!(!cleared.contains("Secure"), "{cleared}");
        assert!(!LANG.set("en", 10, false).contains("HttpOnly"));
    }

    #[test]
    fn a_cookie_is_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; dnevnik_csrf=tok"));
        headers.append(COOKIE, HeaderValue::from_static("dnevnik_lang=en"));
        assert_eq!(CSRF.read(&headers).as_deref(), Some("tok"));
        assert_eq!(LANG.read(&headers).as_deref(), Some("en"));
        assert_eq!(read(&headers, "missing"), None);
    }
}

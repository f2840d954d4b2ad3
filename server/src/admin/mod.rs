//! The back-office at `/admin`: server-rendered pages for school administrators (and the
//! department) over the same services and policy as the GraphQL mutations. Its own session
//! cookie (`dnevnik_admin`, `Path=/admin`, `SameSite=Strict`, 30 minutes idle), a CSRF token on
//! every POST and an Origin check; only administrators of a school, or the department, get in,
//! and each sees only their schools.

mod applications;
mod audit;
mod calendar;
mod classes;
mod codes;
mod extract;
mod reasons;
mod shared;
mod sign_in;
mod students;

use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use dnevnik_admin_ui::admin::Shell;
use dnevnik_admin_ui::i18n::Texts;
use dnevnik_entities::enums::SessionKind;
use dnevnik_entities::school;

use crate::auth::session;
use crate::error::{AppError, Reason};
use crate::http::cookies;
use crate::http::pages::{csrf_token, message};
use crate::policy::{Permission, Viewer};
use crate::service::audit::ClientInfo;
use crate::service::writer::Writer;
use crate::state::AppState;

/// The back-office routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/login",
            get(sign_in::login_form).post(sign_in::login),
        )
        .route("/admin/sso", post(sign_in::sso))
        .route("/admin/logout", post(sign_in::logout))
        .route("/admin/lang", get(sign_in::language))
        .route("/static/admin.css", get(sign_in::stylesheet))
        .route("/admin", get(applications::dashboard))
        .route(
            "/admin/applications",
            get(applications::queue).post(applications::register),
        )
        .route(
            "/admin/applications/new",
            get(applications::new_application),
        )
        .route("/admin/applications/{id}", get(applications::application))
        .route(
            "/admin/applications/{id}/match",
            post(applications::match_student),
        )
        .route(
            "/admin/applications/{id}/approve",
            post(applications::approve),
        )
        .route(
            "/admin/applications/{id}/refuse",
            post(applications::refuse),
        )
        .route(
            "/admin/applications/{id}/withdraw",
            post(applications::withdraw),
        )
        .route("/admin/codes/{id}/hand-over", post(codes::hand_over))
        .route("/admin/codes/{id}/revoke", post(codes::revoke))
        .route("/admin/codes/{id}/reissue", post(codes::reissue))
        .route("/admin/students", get(students::students))
        .route("/admin/students/{id}", get(students::student))
        .route("/admin/guardianships/{id}/unlink", post(students::unlink))
        .route("/admin/classes", get(classes::classes))
        .route(
            "/admin/classes/{id}/envelopes",
            post(codes::class_envelopes),
        )
        .route(
            "/admin/reasons",
            get(reasons::reasons).post(reasons::create_reason),
        )
        .route("/admin/reasons/{id}", post(reasons::update_reason))
        .route("/admin/reasons/{id}/active", post(reasons::reason_active))
        .route(
            "/admin/calendar",
            get(calendar::calendar).post(calendar::set_day),
        )
        .route("/admin/calendar/remove", post(calendar::remove_day))
        .route("/admin/audit", get(audit::audit))
        .route("/admin/audit.csv", get(audit::audit_csv))
}

/// The language of the request.
pub(crate) fn texts(headers: &HeaderMap) -> Texts {
    Texts {
        en: cookies::LANG.read(headers).as_deref() == Some("en"),
    }
}

/// A signed-in administrator and the school they are working on.
pub struct Admin {
    /// The viewer.
    pub viewer: Viewer,
    /// The client, for the audit log.
    pub client: ClientInfo,
    /// The school chosen (`?school=`), if any.
    pub school: Option<school::Model>,
    /// What every page shows around its content.
    pub shell: Shell,
    /// `Set-Cookie` for a new CSRF token, if one was made.
    pub set_csrf: Option<String>,
    /// The chosen school's time zone: every time and "today" on the pages is the school's.
    pub zone: chrono_tz::Tz,
    /// Today at the chosen school.
    pub today: chrono::NaiveDate,
    /// The instant the request is served at.
    pub now: DateTime<Utc>,
}

impl Admin {
    /// The chosen school's id, or `BAD_USER_INPUT` when none is chosen.
    pub fn school_id(&self) -> Result<i64, AppError> {
        self.school
            .as_ref()
            .map(|s| s.id)
            .ok_or_else(|| AppError::bad_input("school", Reason::SchoolNotChosen))
    }

    /// The language.
    pub fn t(&self) -> Texts {
        self.shell.t
    }

    /// The client's address.
    pub fn ip(&self) -> Option<String> {
        self.client.ip.clone()
    }

    /// The administrator as the writer of a change.
    pub fn writer<'a>(&'a self, state: &'a AppState) -> Writer<'a> {
        Writer {
            db: &state.db,
            viewer: &self.viewer,
            live: &state.live,
            clock: &state.clock,
            ip: self.ip(),
        }
    }
}

/// An error as a back-office page, never JSON to a browser: the service's message in the
/// page's language (only messages the back-office knows are shown; anything else says the
/// action failed), with the status the API would give. The cause of an internal error is
/// logged once, here, under the request's id.
pub(crate) fn error_page(t: Texts, err: AppError) -> Response {
    err.log();
    let text = match &err {
        AppError::Internal(_) => t.get("action_failed").to_owned(),
        other => error_text(t, other),
    };
    message(err.status(), t.get("backoffice"), &text)
}

/// What an error says to a clerk, in the page's language: its reason translated by code, or
/// the text of its error code. Never the English message.
pub(crate) fn error_text(t: Texts, err: &AppError) -> String {
    match err.reason() {
        Some(reason) => reason.text(t.en),
        None => t.error_code(err.code()).to_owned(),
    }
}

/// Who the back-office request is from: the admin session cookie, an administrator, and the
/// school from `?school=` (defaulting to their first). Otherwise, the answer to send.
pub async fn admin(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    school_param: Option<i64>,
    section: &'static str,
) -> Result<Admin, Response> {
    let t = texts(headers);
    let Some(token) = cookies::ADMIN.read(headers) else {
        return Err(Redirect::to("/admin/login").into_response());
    };
    let found = session::authenticate(
        &state.db,
        &token,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await
    .map_err(|e| error_page(t, e))?;
    let Some(found) = found.filter(|f| f.session.kind == SessionKind::Admin) else {
        return Err(Redirect::to("/admin/login").into_response());
    };
    let viewer = Viewer::load(&state.db, &found.account, found.session.id)
        .await
        .map_err(|e| error_page(t, e))?;
    if !viewer.may(Permission::UseBackOffice) {
        return Err(message(
            StatusCode::FORBIDDEN,
            t.get("backoffice"),
            t.get("not_admin"),
        ));
    }
    let mine = crate::service::roster::administered_schools(&state.db, &viewer)
        .await
        .map_err(|e| error_page(t, e))?;
    let chosen = match school_param {
        Some(id) => match mine.iter().find(|s| s.id == id) {
            Some(school) => Some(school.clone()),
            None => return Err(error_page(t, AppError::NotFound)),
        },
        None => mine.first().cloned(),
    };
    let (csrf, set_csrf) = csrf_token(headers, state.config.secure_cookies());
    let shell = Shell {
        t,
        csrf,
        user_name: viewer.display_name().to_owned(),
        school_name: chosen.as_ref().map(|s| s.short_name.clone()),
        school_id: chosen.as_ref().map(|s| s.id),
        schools: if viewer.may(Permission::AdministerDepartment) || mine.len() > 1 {
            mine.iter()
                .map(|s| {
                    (
                        s.id,
                        s.short_name.clone(),
                        chosen.as_ref().is_some_and(|c| c.id == s.id),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        department: viewer.may(Permission::AdministerDepartment),
        section,
        notice: None,
        error: None,
    };
    let client = ClientInfo {
        ip: Some(peer.ip().to_string()),
        user_agent: None,
    };
    // A department administrator without a school of their own reads the demo's (and most
    // of Russia's schools') zone until they choose a school.
    let zone = match &chosen {
        Some(school) => state
            .clock
            .zone(&state.db, school.id)
            .await
            .map_err(|e| error_page(t, e))?,
        None => crate::clock::MOSCOW,
    };
    Ok(Admin {
        viewer,
        client,
        school: chosen,
        shell,
        set_csrf,
        zone,
        today: state.clock.today_in(zone),
        now: state.clock.now(),
    })
}

impl Admin {
    /// A date and time at the chosen school, for tables.
    pub fn local(&self, at: DateTime<Utc>) -> String {
        crate::clock::wall_clock(self.zone, at)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    }

    /// The first instant of a day at the chosen school.
    pub fn start_of(&self, date: chrono::NaiveDate) -> DateTime<Utc> {
        crate::clock::start_of_day(self.zone, date)
    }
}

/// A date for tables.
pub fn day(date: chrono::NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use dnevnik_admin_ui::i18n::Texts;

    use super::error_text;
    use crate::error::{AppError, Reason};

    #[test]
    fn a_clerk_reads_the_reason_in_the_page_s_language() {
        let ru = Texts { en: false };
        let en = Texts { en: true };
        let err = AppError::bad_input("reasonIds", Reason::NoReason);
        assert_eq!(error_text(ru, &err), "Выберите хотя бы одну причину.");
        assert_eq!(error_text(en, &err), "Choose at least one reason.");
        let long = AppError::bad_input("comment", Reason::TooLong { max: 2000 });
        assert_eq!(error_text(ru, &long), "Не более 2000 символов.");
        assert_eq!(
            error_text(ru, &AppError::Forbidden),
            "У вас нет прав на это действие."
        );
    }
}

//! Signing in to the back-office and out of it (password or single sign-on from a provider
//! session), its language switch and its stylesheet.

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dnevnik_admin_ui::admin::AdminLoginPage;
use dnevnik_entities::enums::SessionKind;
use serde::Deserialize;

use super::shared::{CsrfOnly, Peer, stale};
use super::{admin, error_page, texts};
use crate::auth::login;
use crate::auth::session;
use crate::error::AppError;
use crate::http::pages::{check_form, csrf_token, render, with_cookies};
use crate::http::{caller, cookies};
use crate::policy::Permission;
use crate::service::audit::{self, ClientInfo};
use crate::state::AppState;

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
    // A year; the switch is not a secret, and is not `Secure`-only so it works on plain HTTP too.
    let cookie = cookies::LANG.set(lang, 31_536_000, false);
    with_cookies(Redirect::to("/admin").into_response(), &[cookie])
}

pub(super) fn admin_cookie(state: &AppState, token: &str) -> String {
    cookies::ADMIN.set(
        token,
        session::ADMIN_LIFETIME.num_seconds(),
        state.config.secure_cookies(),
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
        && let Some(token) = cookies::ADMIN.read(&headers)
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
    let clear = cookies::ADMIN.clear(state.config.secure_cookies());
    with_cookies(Redirect::to("/admin/login").into_response(), &[clear])
}

//! Sign-in pages and flows over plain HTTP: the landing page, local sign-in and sign-out, the
//! start and callback of identity providers, and linking a child with an access code. Forms
//! carry a CSRF token (double-submit cookie) and are refused from another origin.

use std::net::SocketAddr;

use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use dnevnik_admin_ui::{
    ChildRow, HomePage, Link, LinkConfirmPage, LinkPage, LoginPage, MessagePage, Template,
};
use dnevnik_entities::enums::{AccessKind, SessionKind};
use serde::Deserialize;

use super::caller::{self, Caller};
use super::cookies;
use crate::auth::oidc::{CallbackParams, Provider, safe_return_to, save_state, take_state};
use crate::auth::token::new_token;
use crate::auth::{identity, login, session};
use crate::error::{AppError, Reason};
use crate::policy::{RoleKind, Viewer};
use crate::service::audit::{self, AuditEntry};
use crate::service::codes::codebook as access_code;
use crate::service::structure;
use crate::state::AppState;
use subtle::ConstantTimeEq as _;

/// The CSRF cookie.
/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/site.css", get(stylesheet))
        .route("/auth/login", get(login_form).post(login_submit))
        .route("/auth/logout", post(logout))
        .route("/auth/link", get(link_form).post(link_submit))
        .route("/auth/oidc/{provider}/start", get(provider_start))
        .route("/auth/oidc/{provider}/callback", get(provider_callback))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        dnevnik_admin_ui::STYLESHEET,
    )
        .into_response()
}

/// Renders a page, or answers INTERNAL when the template fails.
pub(crate) fn render(page: &impl Template, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => AppError::internal(anyhow::anyhow!("template: {err}")).into_response(),
    }
}

/// A page with one message and a link home.
pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    render(
        &MessagePage {
            title: title.to_owned(),
            message: text.to_owned(),
            next: Link {
                href: "/".to_owned(),
                text: "На главную".to_owned(),
            },
        },
        status,
    )
}

/// The CSRF token of this browser, and the `Set-Cookie` to send when it is new.
pub(crate) fn csrf_token(headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    if let Some(token) = cookies::CSRF.read(headers).filter(|t| t.len() >= 32) {
        return (token, None);
    }
    let token = new_token().unwrap_or_default();
    let cookie = cookies::CSRF.set(&token, 86_400, secure);
    (token, Some(cookie))
}

/// A form POST must carry the browser's CSRF token and come from this site.
pub(crate) fn check_form(state: &AppState, headers: &HeaderMap, submitted: &str) -> bool {
    let cookie = cookies::CSRF.read(headers).unwrap_or_default();
    // Constant time, so that the comparison does not tell how much of a guess was right.
    let same_token =
        !cookie.is_empty() && bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes()));
    let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => caller::same_origin(origin, &state.config.public_url()),
        None => true,
    };
    same_token && origin_ok
}

/// Adds `Set-Cookie` headers to a response.
pub(crate) fn with_cookies(mut response: Response, cookies: &[String]) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn provider_links(state: &AppState, return_to: &str) -> Vec<Link> {
    state
        .providers
        .labels()
        .into_iter()
        .map(|(name, label)| Link {
            href: format!(
                "/auth/oidc/{name}/start?return_to={}",
                url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
            ),
            text: label,
        })
        .collect()
}

async fn identify(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Caller, Response> {
    caller::identify(state, headers, Some(peer))
        .await
        .map_err(IntoResponse::into_response)
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    #[serde(default)]
    linked: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<HomeQuery>,
) -> Response {
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let (csrf, set_csrf) = csrf_token(&headers, state.config.secure_cookies());
    let mut page = HomePage {
        signed_in_as: None,
        confirmed: false,
        children: Vec::new(),
        student: None,
        roles: Vec::new(),
        providers: provider_links(&state, "/"),
        notice: query.linked.map(|kind| {
            if kind == "student" {
                "Код ученика принят: эта учётная запись теперь ваша, ученика.".to_owned()
            } else {
                "Ребёнок добавлен в ваш дневник.".to_owned()
            }
        }),
        csrf,
        graphiql: !state.config.is_production(),
    };
    if let Some(viewer) = &caller.viewer {
        page.signed_in_as = Some(viewer.display_name().to_owned());
        page.confirmed = viewer.is_confirmed();
        page.roles = describe_roles(viewer);
        match students_of(&state, viewer).await {
            Ok((children, own)) => {
                page.children = children;
                page.student = own;
            }
            Err(err) => return err.into_response(),
        }
    }
    with_cookies(
        render(&page, StatusCode::OK),
        &set_csrf.into_iter().collect::<Vec<_>>(),
    )
}

/// The viewer's roles in words, each kind once, in the policy's order.
fn describe_roles(viewer: &Viewer) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for held in viewer.roles() {
        // A class teacher is a teacher too.
        let words: &[&str] = match held.kind {
            RoleKind::DepartmentAdmin => &["администратор департамента"],
            RoleKind::SchoolAdmin | RoleKind::Director | RoleKind::DeputyDirector => {
                &["администрация школы"]
            }
            RoleKind::ClassTeacher => &["учитель", "классный руководитель"],
            RoleKind::Teacher => &["учитель"],
            RoleKind::Parent => &["родитель"],
            RoleKind::Student => &["ученик"],
        };
        for word in words {
            if !roles.iter().any(|r| r == word) {
                roles.push((*word).to_owned());
            }
        }
    }
    roles
}

async fn students_of(
    state: &AppState,
    viewer: &Viewer,
) -> Result<(Vec<ChildRow>, Option<ChildRow>), AppError> {
    let ids = viewer.own_students();
    if ids.is_empty() {
        return Ok((Vec::new(), None));
    }
    let students = structure::students(&state.db, &ids).await?;
    let mut children = Vec::new();
    let mut own = None;
    for student in students {
        let class = structure::class_unit(&state.db, student.class_unit_id).await?;
        let school = structure::school(&state.db, student.school_id).await?;
        let row = ChildRow {
            label: viewer
                .child_label(student.id)
                .map(str::to_owned)
                .unwrap_or_default(),
            name: crate::names::full_name(
                &student.last_name,
                &student.first_name,
                student.middle_name.as_deref(),
            ),
            class_name: class.map(|c| c.name).unwrap_or_default(),
            school: school.map(|s| s.short_name).unwrap_or_default(),
        };
        if viewer.child_label(student.id).is_none() {
            own = Some(row);
        } else {
            children.push(row);
        }
    }
    Ok((children, own))
}

#[derive(Deserialize, Default)]
struct ReturnTo {
    #[serde(default)]
    return_to: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReturnTo>,
) -> Response {
    let (csrf, set_csrf) = csrf_token(&headers, state.config.secure_cookies());
    let return_to = safe_return_to(query.return_to.as_deref());
    let page = LoginPage {
        error: None,
        providers: provider_links(&state, &return_to),
        return_to,
        csrf,
    };
    with_cookies(
        render(&page, StatusCode::OK),
        &set_csrf.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    return_to: Option<String>,
    #[serde(default)]
    csrf: String,
}

async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !check_form(&state, &headers, &form.csrf) {
        return message(
            StatusCode::FORBIDDEN,
            "Форма устарела",
            "Обновите страницу входа и попробуйте ещё раз.",
        );
    }
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let return_to = safe_return_to(form.return_to.as_deref());
    let result = login::sign_in(
        &state.db,
        &form.login,
        &form.password,
        SessionKind::Web,
        &caller.client,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await;
    match result {
        Ok((token, _)) => {
            // A new session replaces whatever the browser had (no fixation).
            if let Some(old) = caller.token.as_deref().filter(|_| caller.via_cookie) {
                session::end(&state.db, old).await.ok();
            }
            let cookie = cookies::session(
                &token,
                state.config.secure_cookies(),
                state.config.session_policy().lifetime.num_seconds(),
            );
            with_cookies(Redirect::to(&return_to).into_response(), &[cookie])
        }
        Err(err) => {
            let error = match err {
                AppError::RateLimited => "Слишком много попыток. Попробуйте позже.",
                AppError::Internal(_) => "Не удалось войти. Попробуйте позже.",
                _ => "Неверный логин или пароль.",
            };
            let status = err.status();
            let page = LoginPage {
                error: Some(error.to_owned()),
                providers: provider_links(&state, &return_to),
                return_to,
                csrf: form.csrf,
            };
            render(&page, status)
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the local session first, then sends the browser to the provider's end-session
/// endpoint when the session came from one.
async fn logout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !check_form(&state, &headers, &form.csrf) {
        return message(
            StatusCode::FORBIDDEN,
            "Форма устарела",
            "Обновите страницу.",
        );
    }
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let clear = cookies::clear_session(state.config.secure_cookies());
    let (Some(viewer), Some(token)) = (caller.viewer.as_ref(), caller.token.as_deref()) else {
        return with_cookies(Redirect::to("/").into_response(), &[clear]);
    };
    let provider = crate::auth::session::list(&state.db, viewer.account_id(), state.clock.now())
        .await
        .ok()
        .and_then(|sessions| sessions.into_iter().find(|s| s.id == viewer.session_id()))
        .and_then(|s| s.provider);
    let ended = async {
        let txn = crate::db::begin_write(&state.db).await?;
        session::end(&txn, token).await?;
        audit::record(
            &txn,
            AuditEntry::new("sign_out", Some(viewer.account_id()))
                .object("session", viewer.session_id())
                .ip(caller.client.ip.clone()),
        )
        .await?;
        txn.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(err) = ended {
        return err.into_response();
    }
    let mut target = "/".to_owned();
    if let Some(Provider::Oidc(provider)) = provider.as_deref().and_then(|p| state.providers.get(p))
        && let Some(url) = provider
            .end_session_url(&format!("{}/", state.config.public_url()))
            .await
    {
        target = url;
    }
    with_cookies(Redirect::to(&target).into_response(), &[clear])
}

async fn link_form(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some(viewer) = caller.viewer else {
        return Redirect::to("/auth/login?return_to=%2Fauth%2Flink").into_response();
    };
    let (csrf, set_csrf) = csrf_token(&headers, state.config.secure_cookies());
    let page = LinkPage {
        signed_in_as: viewer.display_name().to_owned(),
        confirmed: viewer.is_confirmed(),
        error: None,
        csrf,
    };
    with_cookies(
        render(&page, StatusCode::OK),
        &set_csrf.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Deserialize)]
struct LinkForm {
    code: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    csrf: String,
    /// Set by the confirmation step's button; without it the code is only checked.
    #[serde(default)]
    confirm: Option<String>,
}

async fn link_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Response {
    if !check_form(&state, &headers, &form.csrf) {
        return message(
            StatusCode::FORBIDDEN,
            "Форма устарела",
            "Обновите страницу.",
        );
    }
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some(viewer) = caller.viewer.as_ref() else {
        return Redirect::to("/auth/login?return_to=%2Fauth%2Flink").into_response();
    };
    // First the code is only checked and the page says whose it is and what it will do; the
    // confirmation's button sends it again to link.
    let step = if form.confirm.as_deref() == Some("1") {
        access_code::Step::Link
    } else {
        access_code::Step::Check
    };
    let writer = crate::service::writer::Writer {
        db: &state.db,
        viewer,
        live: &state.live,
        clock: &state.clock,
        ip: caller.client.ip.clone(),
    };
    let result = access_code::redeem(
        &writer,
        state.config.secret_key(),
        &form.code,
        form.label.as_deref(),
        step,
    )
    .await;
    match result {
        Ok(redeemed) if step == access_code::Step::Check => {
            let page = LinkConfirmPage {
                signed_in_as: viewer.display_name().to_owned(),
                guardian: redeemed.kind == AccessKind::Guardian,
                first_name: redeemed.first_name,
                class_name: redeemed.class_name,
                code: form.code.trim().to_owned(),
                label: form.label.unwrap_or_default().trim().to_owned(),
                csrf: form.csrf,
            };
            render(&page, StatusCode::OK)
        }
        // The page says what the API did: a parent's code adds a child, a student's own code
        // makes this account the student's.
        Ok(redeemed) => match redeemed.kind {
            AccessKind::Guardian => Redirect::to("/?linked=guardian").into_response(),
            AccessKind::Student => Redirect::to("/?linked=student").into_response(),
        },
        Err(err) => {
            let status = err.status();
            let page = LinkPage {
                signed_in_as: viewer.display_name().to_owned(),
                confirmed: viewer.is_confirmed(),
                error: Some(link_refusal(&err).to_owned()),
                csrf: form.csrf,
            };
            render(&page, status)
        }
    }
}

/// Why a code was not taken, in the page's words: each refusal of
/// [`access_code::redeem`] has its own.
fn link_refusal(err: &AppError) -> String {
    match err {
        AppError::RateLimited => "Слишком много попыток. Попробуйте позже.".to_owned(),
        AppError::BadUserInput {
            reason: reason @ (Reason::NeedsConfirmedAccount | Reason::StudentCodeForStudent),
            ..
        }
        | AppError::Conflict {
            reason: reason @ (Reason::AlreadyLinked | Reason::StudentSignInExists),
            ..
        } => reason.text(false),
        AppError::Internal(_) | AppError::Unavailable => {
            "Не удалось проверить код. Попробуйте позже.".to_owned()
        }
        _ => Reason::InvalidCode.text(false),
    }
}

async fn provider_start(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<ReturnTo>,
) -> Response {
    let Some(provider) = state.providers.get(&name) else {
        return message(
            StatusCode::NOT_FOUND,
            "Неизвестный способ входа",
            "Такого способа входа нет.",
        );
    };
    let authorized = match provider {
        Provider::Oidc(p) => p.authorize().await,
        Provider::Esia(p) => p.authorize(),
    };
    let (url, pending) = match authorized {
        Ok(started) => started,
        Err(failure) => {
            tracing::warn!(provider = %name, reason = failure.code(), "sign-in could not start");
            return message(
                StatusCode::BAD_GATEWAY,
                "Вход недоступен",
                "Поставщик удостоверений сейчас не отвечает. Попробуйте позже.",
            );
        }
    };
    let return_to = safe_return_to(query.return_to.as_deref());
    let browser = match save_state(&state.db, &name, &pending, &return_to).await {
        Ok(token) => token,
        Err(err) => return err.into_response(),
    };
    let cookie = cookies::LOGIN.set(&browser, 600, state.config.secure_cookies());
    with_cookies(Redirect::to(&url).into_response(), &[cookie])
}

async fn provider_callback(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let caller = match identify(&state, &headers, peer).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Some(provider) = state.providers.get(&name) else {
        return message(
            StatusCode::NOT_FOUND,
            "Неизвестный способ входа",
            "Такого способа входа нет.",
        );
    };
    let clear_login = cookies::LOGIN.clear(state.config.secure_cookies());
    let failed = |reason: crate::auth::oidc::Failure| {
        let state = state.clone();
        let client = caller.client.clone();
        let name = name.clone();
        let clear_login = clear_login.clone();
        async move {
            tracing::warn!(provider = %name, reason = reason.code(), "sign-in refused");
            identity::record_failure(&state.db, &name, reason.code(), &client)
                .await
                .ok();
            with_cookies(
                message(
                    StatusCode::BAD_REQUEST,
                    "Не удалось войти",
                    "Вход не выполнен. Начните вход заново со страницы дневника.",
                ),
                &[clear_login],
            )
        }
    };
    let browser = cookies::LOGIN.read(&headers);
    let login = match take_state(
        &state.db,
        &name,
        params.state.as_deref(),
        browser.as_deref(),
    )
    .await
    {
        Ok(login) => login,
        Err(reason) => return failed(reason).await,
    };
    if params.error.is_some() {
        return failed(crate::auth::oidc::Failure::ProviderError).await;
    }
    let verified = match provider {
        Provider::Oidc(p) => p.finish(&params, &login).await,
        Provider::Esia(p) => p.finish(&params, &login).await,
    };
    let verified = match verified {
        Ok(identity) => identity,
        Err(reason) => return failed(reason).await,
    };
    match identity::sign_in(
        &state.db,
        &verified,
        &caller.client,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await
    {
        Ok((token, _)) => {
            if let Some(old) = caller.token.as_deref().filter(|_| caller.via_cookie) {
                session::end(&state.db, old).await.ok();
            }
            let cookie = cookies::session(
                &token,
                state.config.secure_cookies(),
                state.config.session_policy().lifetime.num_seconds(),
            );
            with_cookies(
                Redirect::to(&login.return_to).into_response(),
                &[cookie, clear_login],
            )
        }
        Err(AppError::Unauthenticated) => failed(crate::auth::oidc::Failure::State).await,
        Err(err) => err.into_response(),
    }
}

//! The axum router: GraphQL, health and readiness, metrics; and the layers every request passes
//! through (request id, one tracing span, body limit, timeout, `Cache-Control`).

pub mod caller;
pub mod cookies;
#[cfg(feature = "demo")]
pub mod dev_idp;
mod graphql;
pub(crate) mod pages;
mod ws;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::db;
use crate::state::AppState;

/// The request-id header, set when the client sends none and echoed back.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Largest request body accepted anywhere (SECURITY.md: 64 KiB).
const BODY_LIMIT: usize = 64 * 1024;

/// Builds the whole router over the shared state.
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout();
    let routes = Router::new()
        .merge(pages::routes())
        .merge(crate::admin::routes());
    #[cfg(feature = "demo")]
    let routes = if state.config.demo_enabled() {
        routes.merge(dev_idp::routes())
    } else {
        routes
    };
    routes
        .route("/graphql", get(graphql::graphiql).post(graphql::execute))
        .route("/graphql/ws", get(ws::subscribe))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(middleware::from_fn(refuse_control_characters))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_and_label,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<Body>| {
                            let id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            // The path only: query strings may carry codes or tokens.
                            tracing::info_span!(
                                "request",
                                request_id = %id,
                                method = %request.method(),
                                path = %request.uri().path(),
                            )
                        })
                        .on_request(())
                        .on_response(
                            |response: &axum::http::Response<_>,
                             latency: Duration,
                             _span: &tracing::Span| {
                                tracing::info!(
                                    status = response.status().as_u16(),
                                    latency_ms = latency.as_millis() as u64,
                                    "answered"
                                );
                            },
                        ),
                )
                // Inside the span, so that the panic is logged with the request id.
                .layer(CatchPanicLayer::custom(answer_panic))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    timeout,
                )),
        )
        .with_state(state)
}

/// A request that panicked answers like any other internal error, and the process goes on. The
/// cause is logged once, here, under the request's span (and so its id); the client learns
/// nothing about it. Panics are bugs: every one logged is one to fix.
fn answer_panic(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(cause, "request panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({
            "errors": [{
                "message": "Internal error.",
                "extensions": { "code": "INTERNAL" },
            }]
        })),
    )
        .into_response()
}

/// The Content-Security-Policy of every HTML page: scripts, styles and images from this origin
/// only (the pages have no inline script or style), no plugins, no `<base>` games, and no
/// framing by anyone (clickjacking). A page that needs more sets its own.
pub(crate) const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Counts and times answers for `/metrics`, and labels every response: not cacheable (diary
/// data is personal and must never sit in a shared cache), never sniffed into another type, no
/// referrer to other sites; HTML pages also get their security policy, and production tells
/// browsers to use HTTPS only.
async fn count_and_label(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    state
        .metrics
        .record(response.status().as_u16(), started.elapsed());
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if is_html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(PAGE_CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if state.config.is_production() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Refuses a query string or a form whose values carry control characters (see
/// [`crate::text`]) before any handler sees it. GraphQL's JSON bodies are checked on their
/// parsed values by the schema's document limits instead.
async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let dirty = |bytes: &[u8]| {
        url::form_urlencoded::parse(bytes).any(|(name, value)| {
            crate::text::has_forbidden_control(&name) || crate::text::has_forbidden_control(&value)
        })
    };
    // The API answers its JSON; a browser gets a page (the back-office's in the clerk's
    // language), never JSON.
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let refused = || {
        let err = crate::error::AppError::invalid(crate::error::Reason::ControlCharacters);
        if path.starts_with("/admin") {
            crate::admin::error_page(crate::admin::texts(&headers), err)
        } else if path.starts_with("/graphql") {
            err.into_response()
        } else {
            pages::message(
                err.status(),
                "Дневник",
                &crate::error::Reason::ControlCharacters.text(false),
            )
        }
    };
    if request
        .uri()
        .query()
        .is_some_and(|query| dirty(query.as_bytes()))
    {
        return refused();
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if dirty(&bytes) {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Liveness: the process answers.
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// How long `/readyz` may take: a load balancer must hear "not ready" from a server whose
/// database hangs, not time out on it.
const READY_WITHIN: Duration = Duration::from_millis(900);

/// Readiness: the database answers, every migration is applied, and a write commits. Answers
/// within [`READY_WITHIN`] either way.
async fn readyz(State(state): State<AppState>) -> Response {
    let checks = async {
        let database = db::ping(&state.db).await.is_ok();
        let migrated = database && db::is_migrated(&state.db).await.unwrap_or(false);
        let writable = migrated && db::probe_write(&state.db).await.is_ok();
        (database, migrated, writable)
    };
    let (database, migrated, writable) = tokio::time::timeout(READY_WITHIN, checks)
        .await
        .unwrap_or((false, false, false));
    let status = if database && migrated && writable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if status == StatusCode::OK { "ready" } else { "not_ready" },
        "database": database,
        "migrations": migrated,
        "writable": writable,
    });
    (status, Json(body)).into_response()
}

/// Prometheus metrics of this replica (see [`crate::metrics`]). In production only for the
/// holder of `DNEVNIK_METRICS_TOKEN` (and not at all without one): the counters tell outsiders
/// how the service is used.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if state.config.is_production() {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let allowed = match (&state.config.metrics_token, presented) {
            // Compared as hashes, so that timing says nothing about the token.
            (Some(token), Some(presented)) => {
                use crate::auth::token::hash_token;
                hash_token(token) == hash_token(presented)
            }
            _ => false,
        };
        if !allowed {
            return crate::error::AppError::NotFound.into_response();
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Unknown paths get a JSON 404 rather than an empty body.
async fn not_found() -> Response {
    crate::error::AppError::NotFound.into_response()
}

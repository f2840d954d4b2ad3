//! The axum router: GraphQL, health and readiness, metrics; and the layers every request passes
//! through (request id, one tracing span, body limit, timeout, `Cache-Control`).

pub mod caller;
pub mod cookies;
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
    let mut routes = Router::new()
        .merge(pages::routes())
        .merge(crate::admin::routes());
    if state.config.demo_enabled() {
        routes = routes.merge(dev_idp::routes());
    }
    routes
        .route("/graphql", get(graphql::graphiql).post(graphql::execute))
        .route("/graphql/ws", get(ws::subscribe))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
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
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    timeout,
                )),
        )
        .with_state(state)
}

/// Counts answers for `/metrics` and marks every response as not cacheable: diary data is
/// personal and must never sit in a shared cache.
async fn count_and_label(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    state.metrics.record(response.status().as_u16());
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Liveness: the process answers.
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> Response {
    let database = db::ping(&state.db).await.is_ok();
    let migrated = database && db::is_migrated(&state.db).await.unwrap_or(false);
    let status = if database && migrated {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if status == StatusCode::OK { "ready" } else { "not_ready" },
        "database": database,
        "migrations": migrated,
    });
    (status, Json(body)).into_response()
}

/// Prometheus metrics of this replica.
async fn metrics(State(state): State<AppState>) -> Response {
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

//! The GraphQL endpoint over HTTP: one JSON request per POST (no batching, no GET queries, no
//! `text/plain` bodies, which would let other sites send cookie-authenticated requests), and
//! GraphiQL on GET in development.

use async_graphql::http::GraphiQLSource;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::caller;
use crate::graphql::{RequestContext, loaders};
use crate::state::AppState;

/// Largest GraphQL document accepted (SECURITY.md: 8 KiB).
pub(crate) const QUERY_LIMIT: usize = 8 * 1024;

/// `POST /graphql`.
pub async fn execute(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    if !is_json(&headers) {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "Send the request as Content-Type: application/json.",
        );
    }
    // Malformed JSON gets a generic answer: serde's messages would echo the body back.
    let Ok(request) = serde_json::from_slice::<async_graphql::Request>(&body) else {
        return plain_error(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "The body is not a single GraphQL request in JSON.",
        );
    };
    // From here on the request has an operation to time; every way out records it.
    let mut timer = OperationTimer {
        state: &state,
        operation: crate::metrics::operation_label(
            request.operation_name.as_deref(),
            &request.query,
        )
        .to_owned(),
        started,
        ok: false,
    };
    if request.query.len() > QUERY_LIMIT {
        return plain_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BAD_USER_INPUT",
            "The query document is too large.",
        );
    }
    let caller = match caller::identify(&state, &headers, Some(peer)).await {
        Ok(caller) => caller,
        Err(err) => return graphql_error(err),
    };
    if let Err(err) = caller::check_origin(&state, &headers, &caller) {
        return graphql_error(err);
    }
    let context = RequestContext {
        db: state.db.clone(),
        config: Arc::clone(&state.config_arc),
        viewer: caller.viewer,
        token: caller.token,
        client: caller.client,
        memo: Default::default(),
        live: state.live.clone(),
        clock: state.clock.clone(),
    };
    let request = loaders::install(request.data(context), &state.db);
    let mut response = state.schema.execute(request).await;
    label_errors(&mut response);
    let extra_headers = response.http_headers.clone();
    let limit = state.config.graphql_max_response_kib.saturating_mul(1024);
    let mut answer = match serde_json::to_vec(&response) {
        Ok(body) if body.len() <= limit => {
            timer.ok = response.errors.is_empty();
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
        Ok(body) => {
            tracing::warn!(bytes = body.len(), "a GraphQL answer over the size limit");
            too_large(body.len(), limit)
        }
        Err(err) => return graphql_error(crate::error::AppError::internal(err)),
    };
    for (name, value) in extra_headers.iter() {
        answer.headers_mut().append(name, value.clone());
    }
    answer
}

/// Records a GraphQL request's duration under its operation when it goes out of scope, so that
/// every answer counts, early refusals included. An answer with errors, or none at all (the
/// client went away and the request was dropped), counts as an `error`.
struct OperationTimer<'a> {
    state: &'a AppState,
    operation: String,
    started: Instant,
    ok: bool,
}

impl Drop for OperationTimer<'_> {
    fn drop(&mut self) {
        self.state
            .metrics
            .record_graphql(&self.operation, self.ok, self.started.elapsed());
    }
}

/// The answer instead of one over the size limit: GraphQL-shaped, `data: null`, with the
/// sizes, so that the client can ask for less.
fn too_large(bytes: usize, limit: usize) -> Response {
    let megabytes = |n: usize| {
        if n >= 1024 * 1024 {
            format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", n.div_ceil(1024))
        }
    };
    let body = json!({
        "data": null,
        "errors": [{
            "message": format!(
                "The answer would be {}, over the limit of {}: ask for a shorter range or smaller pages.",
                megabytes(bytes),
                megabytes(limit)
            ),
            "extensions": { "code": "BAD_USER_INPUT" },
        }],
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// Gives every error a code. Resolver errors carry theirs; what remains are the engine's
/// own rejections of the document (syntax, validation, depth, complexity), which are the
/// client's to fix.
pub(crate) fn label_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_USER_INPUT");
        }
    }
}

/// An application error in the GraphQL response shape, before execution.
fn graphql_error(err: crate::error::AppError) -> Response {
    let status = err.status();
    let code = err.code();
    let message = err.message();
    plain_error(status, code, &message)
}

/// `GET /graphql`: the GraphiQL IDE in development, nothing in production.
pub async fn graphiql(State(state): State<AppState>) -> Response {
    if state.config.is_production() {
        return plain_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            "Send GraphQL requests with POST.",
        );
    }
    // GraphiQL (development only) is an inline script that loads React and its own code from
    // unpkg.com, so it gets a policy of its own; it is still never framed.
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; \
             style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; \
             font-src https://unpkg.com; connect-src 'self' ws: wss:; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'",
        )],
        Html(GraphiQLSource::build().endpoint("/graphql").finish()),
    )
        .into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// An error in the GraphQL response shape, for requests that never reached the executor.
fn plain_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, axum::Json(body)).into_response()
}

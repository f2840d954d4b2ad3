//! Subscriptions over WebSocket at `/graphql/ws` (the graphql-transport-ws protocol of the
//! `graphql-ws` library, and the older subscriptions-transport-ws). The session token comes in
//! the `connection_init` payload (`{"authorization": "Bearer <token>"}`), or for the diary's
//! own pages in the session cookie — then only from the diary's own origin, because browsers
//! send cookies with cross-site WebSocket handshakes too. A connection without a live session
//! is refused at `connection_init`.
//!
//! Only subscriptions run here. Their streams check the session and the policy again at every
//! event; a query or a mutation sent over the socket would run with the identity checked at
//! `connection_init`, however long ago and whatever was revoked since, so those are refused
//! and belong to `POST /graphql`, which checks the session on every request.

use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Pos, Request};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::http::header::{ORIGIN, USER_AGENT};
use axum::response::Response;
use futures::SinkExt as _;
use futures::stream::{self, BoxStream, StreamExt};

use super::caller::same_origin;
use super::cookies;
use super::graphql::{QUERY_LIMIT, label_errors};
use crate::auth::session;
use crate::error::{AppError, Reason};
use crate::graphql::{DnevnikSchema, RequestContext, loaders};
use crate::policy::Viewer;
use crate::service::audit::ClientInfo;
use crate::state::AppState;

/// Pings a client may leave unanswered in a row before its connection counts as dead.
const MISSED_PINGS: u32 = 3;

/// How long the server waits for the client's answer to its close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// `GET /graphql/ws`: upgrades to a graphql-ws connection.
pub async fn subscribe(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let same_origin = headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|origin| same_origin(origin, &state.config.public_url()));
    let cookie = cookies::SESSION.read(&headers).filter(|_| same_origin);
    let client = ClientInfo {
        ip: Some(peer.ip().to_string()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect()),
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, socket, protocol, cookie, client))
}

/// Runs one connection. The GraphQL side writes into a channel; one writer task sends its
/// messages, a WebSocket ping every keep-alive interval, and a close frame when the server
/// shuts down. A client may stay silent for as long as it likes (standard graphql-ws clients
/// do not ping), but one whose WebSocket layer answers none of [`MISSED_PINGS`] pings in a row
/// is gone, and its connection is closed.
async fn serve(
    state: AppState,
    socket: WebSocket,
    protocol: GraphQLProtocol,
    cookie: Option<String>,
    client: ClientInfo,
) {
    let (mut sink, stream) = socket.split();
    let heard = Arc::new(std::sync::Mutex::new(Instant::now()));
    let stream = {
        let heard = Arc::clone(&heard);
        stream.inspect(move |_| {
            *heard.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
        })
    };
    let (outbox, mut outgoing) = futures::channel::mpsc::channel::<Message>(16);
    let interval = Duration::from_secs(state.config.ws_keepalive_secs.max(1));
    let mut stopping = state.stopping.subscribe();
    let stopped = async move {
        // The guard `wait_for` returns must not live across an await of the writer.
        stopping.wait_for(|stopping| *stopping).await.is_ok()
    };
    let schema = SubscriptionsOnly(state.schema.clone());
    let graphql = GraphQLWebSocket::new_with_pair(outbox, stream, schema, protocol)
        .on_connection_init(move |payload| connection(state, payload, cookie, client))
        .serve();
    let writer = async move {
        tokio::pin!(stopped);
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        loop {
            tokio::select! {
                message = outgoing.next() => match message {
                    Some(message) => {
                        if sink.send(message).await.is_err() {
                            return;
                        }
                    }
                    None => return,
                },
                _ = ticks.tick() => {
                    let silent = heard.lock().unwrap_or_else(PoisonError::into_inner).elapsed();
                    if silent > interval * MISSED_PINGS {
                        sink.send(close(1001, "no answer to pings")).await.ok();
                        return;
                    }
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                }
                _ = &mut stopped => {
                    sink.send(close(1001, "server shutting down")).await.ok();
                    return;
                }
            }
        }
    };
    // The GraphQL side ending (the client left, or the protocol closed) drops its end of the
    // channel, and the writer sends what is left, then ends too; the writer ending first (shut
    // down, or a dead client) ends the connection at once.
    tokio::pin!(graphql, writer);
    tokio::select! {
        () = &mut graphql => writer.await,
        () = &mut writer => {
            // We sent the close frame: the client answers with its own, which ends the
            // GraphQL side; a moment for that, so the connection ends cleanly.
            tokio::time::timeout(CLOSE_WAIT, &mut graphql).await.ok();
        }
    }
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The schema as the WebSocket runs it: subscriptions only, within the same size limit as
/// `POST /graphql`, with every error labelled with a code.
#[derive(Clone)]
struct SubscriptionsOnly(DnevnikSchema);

impl SubscriptionsOnly {
    /// Why a request may not run here, if it may not.
    fn refusal(request: &Request) -> Option<async_graphql::Response> {
        let refuse = |reason: Reason| {
            // The same error, code and all, as a resolver's `BAD_USER_INPUT`.
            let error = async_graphql::Error::from(AppError::invalid(reason));
            Some(async_graphql::Response::from_errors(vec![
                error.into_server_error(Pos::default()),
            ]))
        };
        if request.query.len() > QUERY_LIMIT {
            return refuse(Reason::QueryTooLarge);
        }
        // Before the parser below, which recurses once per bracket.
        if let Err(error) = crate::graphql::limits::check_nesting(&request.query) {
            return Some(async_graphql::Response::from_errors(vec![error]));
        }
        // A document that does not parse is left to the schema, which says where it fails.
        let document = async_graphql::parser::parse_query(&request.query).ok()?;
        if document
            .operations
            .iter()
            .all(|(_, op)| op.node.ty == OperationType::Subscription)
        {
            None
        } else {
            refuse(Reason::SubscriptionsOnly)
        }
    }
}

impl Executor for SubscriptionsOnly {
    async fn execute(&self, request: Request) -> async_graphql::Response {
        match Self::refusal(&request) {
            Some(refused) => refused,
            None => {
                let mut response = self.0.execute(request).await;
                label_errors(&mut response);
                response
            }
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        match Self::refusal(&request) {
            Some(refused) => stream::once(async move { refused }).boxed(),
            None => self
                .0
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(|mut response| {
                    label_errors(&mut response);
                    response
                })
                .boxed(),
        }
    }
}

/// The token of a `connection_init` payload: `authorization` (with or without `Bearer `) or
/// `token`.
fn payload_token(payload: &serde_json::Value) -> Option<String> {
    ["authorization", "Authorization", "token"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(|v| v.as_str()))
        .map(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .unwrap_or(value)
                .trim()
                .to_owned()
        })
        .filter(|token| !token.is_empty())
}

/// Authenticates a connection and builds the data every subscription of it runs with.
async fn connection(
    state: AppState,
    payload: serde_json::Value,
    cookie: Option<String>,
    client: ClientInfo,
) -> async_graphql::Result<Data> {
    let refused = || {
        async_graphql::Error::new(
            "UNAUTHENTICATED: sign in first — send {\"authorization\": \"Bearer <token>\"} in connection_init.",
        )
    };
    let token = payload_token(&payload).or(cookie).ok_or_else(refused)?;
    let found = session::authenticate(
        &state.db,
        &token,
        state.config.session_policy(),
        state.clock.now(),
    )
    .await
    .map_err(|_| refused())?
    .ok_or_else(refused)?;
    let viewer = Viewer::load(&state.db, &found.account, found.session.id)
        .await
        .map_err(|_| refused())?;
    let mut data = Data::default();
    data.insert(RequestContext {
        db: state.db.clone(),
        config: Arc::clone(&state.config_arc),
        viewer: Some(viewer),
        token: Some(token),
        client,
        memo: Default::default(),
        live: state.live.clone(),
        clock: state.clock.clone(),
    });
    loaders::install_data(&mut data, &state.db);
    Ok(data)
}

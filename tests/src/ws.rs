//! A graphql-ws client (the graphql-transport-ws protocol) for subscription tests: connect with
//! a token in `connection_init`, subscribe, and read what the server sends.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// An open graphql-ws connection.
pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// WebSocket pings the server has sent so far (answered automatically while reading).
    pub pings: usize,
}

/// How long a test waits for anything from the server before it gives up.
const PATIENCE: Duration = Duration::from_secs(10);

impl TestApp {
    /// Opens `/graphql/ws` and initialises the connection with a token (or none). Returns the
    /// client once acknowledged, or the server's refusal as text.
    pub async fn ws_connect(&self, token: Option<&str>) -> Result<WsClient, String> {
        let url = format!("ws://{}/graphql/ws", self.address);
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().map_err(
                |e: tokio_tungstenite::tungstenite::http::header::InvalidHeaderValue| e.to_string(),
            )?,
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        let mut client = WsClient { socket, pings: 0 };
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await?;
        match client.receive(PATIENCE).await {
            Some(message) if message["type"] == "connection_ack" => Ok(client),
            Some(message) => Err(message.to_string()),
            None => Err("closed".to_owned()),
        }
    }
}

impl WsClient {
    async fn send(&mut self, message: Value) -> Result<(), String> {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| e.to_string())
    }

    /// The next protocol message (answering pings on the way), or `None` when the connection
    /// closes or nothing comes within `within`. A close frame comes back as
    /// `{"type": "close", "reason": ...}`.
    pub async fn receive(&mut self, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            match frame {
                Ok(Message::Text(text)) => {
                    let message: Value = serde_json::from_str(&text).ok()?;
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await.ok()?;
                        continue;
                    }
                    return Some(message);
                }
                Ok(Message::Close(frame)) => {
                    return Some(json!({
                        "type": "close",
                        "code": frame.as_ref().map(|f| u16::from(f.code)),
                        "reason": frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                    }));
                }
                Ok(Message::Ping(_)) => {
                    self.pings += 1;
                    continue;
                }
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }

    /// Whether the server ends the connection (a close frame, or the connection gone) within
    /// `within`, reading and answering pings meanwhile.
    pub async fn closed_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Starts a subscription under an id.
    pub async fn subscribe(
        &mut self,
        id: &str,
        query: &str,
        variables: Value,
    ) -> Result<(), String> {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await
    }
}

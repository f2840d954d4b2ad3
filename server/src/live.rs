//! Live updates: which marks and messages changed, delivered to every replica's subscribers.
//!
//! A write stages its events inside its own transaction. On PostgreSQL that is a `NOTIFY`,
//! which the database delivers at commit — and only at commit — to every replica that listens,
//! this one included; a listener task per replica hands them to its local subscribers. SQLite
//! is one process by nature, so there the events go straight to the in-process channel once
//! the transaction has committed. Either way a subscriber never hears of a write that rolled
//! back, and events carry only identifiers: each subscriber loads what it may see itself.

use std::sync::{Arc, Mutex};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::error::AppResult;

/// The PostgreSQL channel the replicas share.
const CHANNEL: &str = "dnevnik_live";

/// How many events a slow subscriber may fall behind before it misses some.
const BACKLOG: usize = 1024;

/// Something changed that subscribers may want to hear about at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A mark was recorded, changed or withdrawn.
    Mark {
        /// The mark's school.
        school_id: i64,
        /// The student.
        student_id: i64,
        /// The mark.
        mark_id: i64,
    },
    /// A message was sent.
    Message {
        /// The conversation.
        conversation_id: i64,
        /// The message.
        message_id: i64,
        /// The participants to tell (everyone but the sender).
        recipients: Vec<i64>,
    },
}

/// The live-update hub of one replica.
#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<LiveEvent>,
    postgres: bool,
    /// Tells the listener task to let go of its connection.
    stop: watch::Sender<bool>,
    /// The listener task, awaited on shutdown: it holds a pooled connection, and closing the
    /// pool waits for every connection to come back.
    listener: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Live {
    /// A hub for a database; call [`Live::listen`] to hear other replicas on PostgreSQL.
    pub fn new(db: &DatabaseConnection) -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self {
            sender,
            postgres: db.get_database_backend() == DbBackend::Postgres,
            stop: watch::channel(false).0,
            listener: Arc::default(),
        }
    }

    /// Stages events in a write's transaction (a `NOTIFY` on PostgreSQL, nothing on SQLite).
    pub async fn stage(&self, txn: &impl ConnectionTrait, events: &[LiveEvent]) -> AppResult<()> {
        if !self.postgres {
            return Ok(());
        }
        for event in events {
            let payload = serde_json::to_string(event).map_err(crate::error::AppError::internal)?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Hands events on after their transaction committed (on SQLite; PostgreSQL's listener
    /// does it on every replica).
    pub fn committed(&self, events: Vec<LiveEvent>) {
        if self.postgres {
            return;
        }
        for event in events {
            // No subscribers is fine: nobody is listening right now.
            let _ = self.sender.send(event);
        }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    /// On PostgreSQL, listens on the shared channel for the events of every replica and hands
    /// them to this replica's subscribers, reconnecting after a lost connection. Returns once
    /// listening has started, so that nothing committed afterwards is missed.
    pub async fn listen(&self, db: &DatabaseConnection) -> anyhow::Result<()> {
        if !self.postgres {
            return Ok(());
        }
        let pool = db.get_postgres_connection_pool().clone();
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let sender = self.sender.clone();
        let mut stop = self.stop.subscribe();
        let task = tokio::spawn(async move {
            loop {
                let received = tokio::select! {
                    received = listener.recv() => received,
                    _ = stop.wait_for(|stopping| *stopping) => break,
                };
                match received {
                    Ok(notification) => {
                        match serde_json::from_str::<LiveEvent>(notification.payload()) {
                            Ok(event) => {
                                let _ = sender.send(event);
                            }
                            Err(err) => tracing::warn!(%err, "unreadable live event"),
                        }
                    }
                    Err(_) if pool.is_closed() => break,
                    Err(err) => {
                        // `recv` reconnects on the next call; events sent meanwhile are lost,
                        // which live updates tolerate (notifications are in the database).
                        tracing::warn!(%err, "live-update listener lost its connection");
                        tokio::select! {
                            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                            _ = stop.wait_for(|stopping| *stopping) => break,
                        }
                    }
                }
            }
        });
        if let Ok(mut slot) = self.listener.lock() {
            *slot = Some(task);
        }
        Ok(())
    }

    /// Stops listening and waits until the listener has returned its connection to the pool,
    /// so that closing the pool afterwards does not wait forever.
    pub async fn shutdown(&self) {
        self.stop.send_replace(true);
        let task = self.listener.lock().ok().and_then(|mut slot| slot.take());
        if let Some(task) = task {
            task.await.ok();
        }
    }
}

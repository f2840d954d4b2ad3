//! What every resolver may know about its request: the database, the configuration, the viewer
//! (if signed in) and the client. Built once per request by the HTTP layer.

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::policy::Viewer;
use crate::service::audit::ClientInfo;

/// Per-request data.
pub struct RequestContext {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration.
    pub config: Arc<Config>,
    /// The signed-in viewer, if any.
    pub viewer: Option<Viewer>,
    /// The session token the request came with (for sign-out).
    pub token: Option<String>,
    /// Where the request came from.
    pub client: ClientInfo,
    /// Set-based loads shared by the resolvers of this request.
    pub memo: super::memo::Memo,
    /// Where writes announce live updates.
    pub live: crate::live::Live,
    /// What time it is, and each school's zone.
    pub clock: crate::clock::Clock,
}

/// Shorthands for resolvers.
pub trait ContextExt {
    /// The request context.
    fn request(&self) -> AppResult<&RequestContext>;
    /// The database pool.
    fn db(&self) -> AppResult<&DatabaseConnection> {
        Ok(&self.request()?.db)
    }
    /// A journal writer for the signed-in viewer.
    fn writer(&self) -> AppResult<crate::service::writer::Writer<'_>> {
        let request = self.request()?;
        Ok(crate::service::writer::Writer {
            db: &request.db,
            viewer: self.viewer()?,
            live: &request.live,
            clock: &request.clock,
            ip: request.client.ip.clone(),
        })
    }
    /// The clock.
    fn clock(&self) -> AppResult<&crate::clock::Clock> {
        Ok(&self.request()?.clock)
    }
    /// The viewer, or `UNAUTHENTICATED`.
    fn viewer(&self) -> AppResult<&Viewer> {
        self.request()?
            .viewer
            .as_ref()
            .ok_or(AppError::Unauthenticated)
    }
}

impl ContextExt for Context<'_> {
    fn request(&self) -> AppResult<&RequestContext> {
        self.data::<RequestContext>()
            .map_err(|_| AppError::internal(anyhow::anyhow!("no request context")))
    }
}

//! The shared application state: one `AppState(Arc<App>)` cloned into every handler. It holds
//! only what every replica can rebuild from configuration; request state lives in the database.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::graphql::DnevnikSchema;

/// Re-exported from where it used to live, so that code naming `state::Metrics` (the
/// application's constructor) keeps building.
pub use crate::metrics::Metrics;

/// Everything a handler may need.
pub struct App {
    /// The validated configuration.
    pub config: Config,
    /// The same configuration, shareable with per-request contexts.
    pub config_arc: Arc<Config>,
    /// The database pool.
    pub db: DatabaseConnection,
    /// What time it is, and each school's zone.
    pub clock: crate::clock::Clock,
    /// The GraphQL schema, built once.
    pub schema: DnevnikSchema,
    /// This application's own metrics for `/metrics` (not the process's: tests run many
    /// applications in one process).
    pub metrics: Metrics,
    /// Identity providers by name.
    pub providers: crate::auth::oidc::Providers,
    /// Live updates for subscriptions, shared with every replica through the database.
    pub live: crate::live::Live,
    /// Turns `true` when the server starts shutting down, so that open WebSockets can say
    /// goodbye with a close frame instead of being cut.
    pub stopping: tokio::sync::watch::Sender<bool>,
}

/// A cheap handle on [`App`].
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

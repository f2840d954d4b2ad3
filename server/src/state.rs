//! The shared application state: one `AppState(Arc<App>)` cloned into every handler. It holds
//! only what every replica can rebuild from configuration; request state lives in the database.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::graphql::DnevnikSchema;

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
    /// Process-local counters for `/metrics`.
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

/// Request counters, exported in the Prometheus text format. Per replica by nature: the
/// scraper adds replicas up.
pub struct Metrics {
    started: Instant,
    requests: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            requests: AtomicU64::new(0),
            client_errors: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counts one answered request by its status.
    pub fn record(&self, status: u16) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if (400..500).contains(&status) {
            self.client_errors.fetch_add(1, Ordering::Relaxed);
        } else if status >= 500 {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counters in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let requests = self.requests.load(Ordering::Relaxed);
        let client = self.client_errors.load(Ordering::Relaxed);
        let server = self.server_errors.load(Ordering::Relaxed);
        let uptime = self.started.elapsed().as_secs_f64();
        format!(
            "# HELP dnevnik_http_requests_total HTTP requests answered.\n\
             # TYPE dnevnik_http_requests_total counter\n\
             dnevnik_http_requests_total {requests}\n\
             # HELP dnevnik_http_client_errors_total Requests answered with a 4xx status.\n\
             # TYPE dnevnik_http_client_errors_total counter\n\
             dnevnik_http_client_errors_total {client}\n\
             # HELP dnevnik_http_server_errors_total Requests answered with a 5xx status.\n\
             # TYPE dnevnik_http_server_errors_total counter\n\
             dnevnik_http_server_errors_total {server}\n\
             # HELP dnevnik_uptime_seconds Seconds since the process started serving.\n\
             # TYPE dnevnik_uptime_seconds gauge\n\
             dnevnik_uptime_seconds {uptime:.3}\n"
        )
    }
}

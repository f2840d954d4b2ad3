//! Wiring: `Application::build(config)` connects and migrates the database, seeds the demo
//! school in development, builds the schema and binds the listener (port 0 works, and `port()`
//! tells which one was taken); `run_until_stopped` serves until SIGTERM/SIGINT and lets
//! in-flight requests finish within a bounded grace period.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;
#[cfg(feature = "demo")]
use crate::seed;
use crate::state::{App, AppState, Metrics};
use crate::{db, graphql, http};

/// How long closing the database and live updates may take once serving has stopped.
const CLEANUP: std::time::Duration = std::time::Duration::from_secs(1);

/// A built server, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    address: SocketAddr,
    demo_code: Option<String>,
}

impl Application {
    /// Validates the configuration, prepares the database and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.validate()?;
        let db = db::connect(&config)
            .await
            .context("cannot connect to the database")?;
        Self::build_with_db(config, db).await
    }

    /// As [`Application::build`], over an existing connection pool.
    pub async fn build_with_db(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        config.validate()?;
        db::migrate(&db)
            .await
            .context("cannot apply database migrations")?;
        #[cfg(feature = "demo")]
        if config.demo_enabled() && seed::demo::is_empty(&db).await? {
            let today = config.clock.today_in(crate::clock::MOSCOW);
            seed::demo::seed(&db, today, &config)
                .await
                .context("cannot seed the demo school")?;
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let address = listener.local_addr()?;
        let mut config = config;
        // With port 0 (tests), links and origin checks must name the port actually bound.
        if config.public_url.is_none() {
            config.public_url = Some(format!("http://{address}"));
        }
        let schema = graphql::build_schema(&config);
        let providers = crate::auth::oidc::Providers::from_config(&config)?;
        #[cfg(feature = "demo")]
        if config.demo_enabled() {
            let issuer = crate::http::dev_idp::issuer(&config.public_url());
            crate::auth::identity::rekey_dev_identities(&db, &issuer)
                .await
                .map_err(|e| anyhow::anyhow!("cannot update development identities: {e:?}"))?;
        }
        #[cfg(feature = "demo")]
        let demo_code = if config.demo_enabled() {
            seed::demo::fresh_parent2_code(&db, config.secret_key(), config.clock.now()).await?
        } else {
            None
        };
        #[cfg(not(feature = "demo"))]
        let demo_code = None;
        let clock = config.clock.clone();
        clock
            .load_zones(&db)
            .await
            .map_err(|e| anyhow::anyhow!("cannot read the schools' time zones: {e:?}"))?;
        let live = crate::live::Live::new(&db);
        live.listen(&db)
            .await
            .context("cannot listen for live updates")?;
        let state = AppState(Arc::new(App {
            clock,
            live,
            providers,
            config_arc: Arc::new(config.clone()),
            config,
            db,
            schema,
            metrics: Metrics::default(),
            stopping: tokio::sync::watch::Sender::new(false),
        }));
        Ok(Self {
            listener,
            state,
            address,
            demo_code,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// In development, the access code just issued for parent2's approved application.
    pub fn demo_code(&self) -> Option<&str> {
        self.demo_code.as_deref()
    }

    /// The shared state (tests use its database handle).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until a shutdown signal, then waits at most the grace period for in-flight
    /// requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then drains as [`Application::run_until_stopped`] does.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = self.state.config.shutdown_grace();
        let router = http::router(self.state.clone());
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let state = self.state.clone();
        let server = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stop.await;
            tracing::info!("shutting down; finishing in-flight requests");
            state.stopping.send_replace(true);
            // The receiver only disappears when the server has already finished.
            stopping_tx.send(()).ok();
        });
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = server => result.context("server error")?,
            () = deadline => tracing::warn!("grace period over; dropping unfinished requests"),
        }
        // Closing the pool waits for every connection to come back, and a request cut at the
        // deadline may still hold one (waiting on a lock, say): the grace is a hard limit, so
        // the clean-up gets a short bound of its own and the process exits either way.
        let state = self.state.clone();
        let cleanup = async move {
            state.live.shutdown().await;
            state.db.clone().close().await.ok();
        };
        if tokio::time::timeout(CLEANUP, cleanup).await.is_err() {
            tracing::warn!("connections still busy after the grace period; leaving them");
        }
        Ok(())
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

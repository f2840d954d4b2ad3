//! The end-to-end test harness: starts the real application on `127.0.0.1:0` against a fresh
//! database per test (an SQLite file, or a PostgreSQL database when
//! `DNEVNIK_TEST_DATABASE_URL` is set, dropped afterwards), with an HTTP client, a GraphQL helper
//! that reads error codes, and builders for fixtures.

pub mod builders;
pub mod database;

use std::net::SocketAddr;

use dnevnik_server::Application;
use dnevnik_server::config::Config;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub use database::TestDatabase;

/// A running application and the means to talk to it.
pub struct TestApp {
    /// Where it listens.
    pub address: SocketAddr,
    /// A client with a cookie store, like a browser.
    pub client: reqwest::Client,
    /// A connection to the application's database, for fixtures and inspection.
    pub db: DatabaseConnection,
    /// Keeps the database alive until the test ends, then removes it.
    pub database: TestDatabase,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// What a GraphQL request answered.
#[derive(Debug)]
pub struct GraphqlResponse {
    /// HTTP status.
    pub status: reqwest::StatusCode,
    /// The whole JSON body.
    pub body: Value,
}

impl GraphqlResponse {
    /// `data`, or `Value::Null`.
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// The `extensions.code` of every error, in order.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Panics with the body when the response carries errors.
    pub fn assert_ok(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        self.data()
    }
}

/// A development configuration for a test: port 0, no demo data.
pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::development();
    config.database_url = Some(database_url.to_owned());
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.demo = false;
    config.log = "warn".to_owned();
    config
}

impl TestApp {
    /// An application over an empty, migrated database.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// An application whose configuration the test adjusts first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create().await;
        let mut config = test_config(&database.url);
        adjust(&mut config);
        Self::start(database, config).await
    }

    /// An application over the demo school, seeded as the server seeds it on first start.
    pub async fn spawn_demo() -> Self {
        Self::spawn_with(|config| config.demo = true).await
    }

    async fn start(database: TestDatabase, config: Config) -> Self {
        dnevnik_server::telemetry::init(&config);
        let app = match Application::build(config).await {
            Ok(app) => app,
            Err(err) => panic!("the application did not build: {err:#}"),
        };
        let address = app.address();
        let db = app.state().db.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            stopped.await.ok();
        }));
        let client = match reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(client) => client,
            Err(err) => panic!("no HTTP client: {err}"),
        };
        Self {
            address,
            client,
            db,
            database,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// An absolute URL on the application.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        match self.client.get(self.url(path)).send().await {
            Ok(response) => response,
            Err(err) => panic!("GET {path} failed: {err}"),
        }
    }

    /// A GraphQL request with variables.
    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(err) => panic!("POST /graphql failed: {err}"),
        };
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        GraphqlResponse { status, body }
    }

    /// Stops the server the way SIGTERM does and waits for it to finish.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        match self.server.take() {
            Some(server) => server.await?,
            None => Ok(()),
        }
    }
}

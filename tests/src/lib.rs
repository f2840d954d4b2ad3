//! The end-to-end test harness: starts the real application on `127.0.0.1:0` against a fresh
//! database per test (an SQLite file, or a PostgreSQL database when
//! `DNEVNIK_TEST_DATABASE_URL` is set, dropped afterwards), with an HTTP client, a GraphQL helper
//! that reads error codes, and builders for fixtures.

pub mod builders;
pub mod database;
pub mod matrix;
pub mod schema;
pub mod sql;
pub mod stub_idp;
pub mod world;
pub mod ws;

use std::net::SocketAddr;

use dnevnik_server::Application;
use dnevnik_server::config::Config;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub use database::{Contents, TestDatabase};

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
    /// In development, the access code issued at start for parent2's application.
    pub demo_code: Option<String>,
    /// The server's clock (a test may have started it at a chosen instant).
    pub clock: dnevnik_server::clock::Clock,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Counts SQL statements run through a connection.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl StatementCounter {
    fn add(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Statements so far.
    pub fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Statements run by a future.
    pub async fn during<T>(&self, future: impl std::future::Future<Output = T>) -> (T, usize) {
        let before = self.get();
        let value = future.await;
        (value, self.get() - before)
    }
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

    /// The `extensions.field` of every error that names one, in order.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["extensions"]["field"].as_str().map(str::to_owned))
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

/// The hidden inputs of an HTML form, unescaped.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    html.split("<input type=\"hidden\"")
        .skip(1)
        .filter_map(|rest| {
            let name = rest.split("name=\"").nth(1)?.split('"').next()?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            Some((unescape(name), unescape(value)))
        })
        .collect()
}

/// Today at the demo school and the fixtures' schools (Moscow), by the system clock: what the
/// server takes for "today" when a test does not set its clock.
pub fn today() -> chrono::NaiveDate {
    dnevnik_server::clock::Clock::system().today_in(dnevnik_server::clock::MOSCOW)
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
        let database = TestDatabase::create_with(Contents::Migrated).await;
        let mut config = test_config(&database.url);
        adjust(&mut config);
        Self::start(database, config).await
    }

    /// An application over an empty, migrated database whose clock starts at `at` (and runs
    /// on from there): "today" is `at`'s day in each school's zone.
    pub async fn spawn_at(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::spawn_with(|config| config.clock = dnevnik_server::clock::Clock::starting_at(at))
            .await
    }

    /// A second server over this one's database, as another replica behind a load balancer
    /// would run. Keep this app alive while the replica runs: it owns the database.
    pub async fn replica(&self) -> Self {
        let database = self.database.share();
        let config = test_config(&database.url);
        Self::start(database, config).await
    }

    /// An application over the demo school, seeded as the server seeds it on first start.
    pub async fn spawn_demo() -> Self {
        Self::spawn_demo_with(|_| {}).await
    }

    /// An application over the demo school whose configuration the test adjusts first.
    pub async fn spawn_demo_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create_with(Contents::Demo).await;
        let mut config = test_config(&database.url);
        config.demo = true;
        adjust(&mut config);
        Self::start(database, config).await
    }

    /// An application whose database connection counts the SQL statements it runs.
    pub async fn spawn_counting(demo: bool) -> (Self, StatementCounter) {
        let database = TestDatabase::create().await;
        let mut config = test_config(&database.url);
        config.demo = demo;
        let mut db = match dnevnik_server::db::connect(&config).await {
            Ok(db) => db,
            Err(err) => panic!("cannot connect: {err}"),
        };
        let counter = StatementCounter::default();
        let sink = counter.clone();
        db.set_metric_callback(move |info| {
            if std::env::var_os("DNEVNIK_TEST_PRINT_SQL").is_some() {
                eprintln!("SQL: {}", info.statement);
            }
            sink.add();
        });
        let app = Self::start_with(database, config, Some(db)).await;
        (app, counter)
    }

    async fn start(database: TestDatabase, config: Config) -> Self {
        Self::start_with(database, config, None).await
    }

    async fn start_with(
        database: TestDatabase,
        config: Config,
        db: Option<DatabaseConnection>,
    ) -> Self {
        dnevnik_server::telemetry::init(&config);
        let built = match db {
            Some(db) => Application::build_with_db(config, db).await,
            None => Application::build(config).await,
        };
        let app = match built {
            Ok(app) => app,
            Err(err) => panic!("the application did not build: {err:#}"),
        };
        let address = app.address();
        let db = app.state().db.clone();
        let clock = app.state().clock.clone();
        let demo_code = app.demo_code().map(str::to_owned);
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
            demo_code,
            clock,
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

    /// A GraphQL request with variables, anonymous unless the client holds a cookie.
    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        self.graphql_with(None, query, variables).await
    }

    /// A GraphQL request with a bearer token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> GraphqlResponse {
        self.graphql_with(Some(token), query, variables).await
    }

    /// Signs in with a login and password through the GraphQL `login` mutation.
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        let response = self
            .graphql(
                "mutation($login: String!, $password: String!) { \
                 login(input: {login: $login, password: $password}) { token } }",
                json!({ "login": login, "password": password }),
            )
            .await;
        match response.body["data"]["login"]["token"].as_str() {
            Some(token) => token.to_owned(),
            None => panic!("sign-in as {login} failed: {}", response.body),
        }
    }

    /// A session for an account, as a sign-in through an identity provider would start one.
    /// For accounts without a password (parents of the identity provider).
    pub async fn session_for(&self, account_id: i64) -> String {
        let policy = dnevnik_server::Config::development().session_policy();
        match dnevnik_server::auth::session::start(
            &self.db,
            account_id,
            dnevnik_entities::enums::SessionKind::Api,
            Some("tests"),
            policy,
            self.clock.now(),
        )
        .await
        {
            Ok((token, _)) => token,
            Err(err) => panic!("no session for account {account_id}: {err:?}"),
        }
    }

    async fn graphql_with(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> GraphqlResponse {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await;
        let response = match response {
            Ok(response) => response,
            Err(err) => panic!("POST /graphql failed: {err}"),
        };
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        GraphqlResponse { status, body }
    }

    /// Follows a provider sign-in from `/auth/oidc/{provider}/start` through a provider that
    /// approves at once (the stubs), keeping cookies like a browser. Returns the callback's
    /// status and `Location`.
    pub async fn sign_in_via(&self, provider: &str, return_to: &str) -> (u16, Option<String>) {
        let start = format!(
            "/auth/oidc/{provider}/start?return_to={}",
            url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
        );
        let to_provider = self.location_of(self.get(&start).await);
        let Some(to_provider) = to_provider else {
            return (0, None);
        };
        let back = self.location_of(self.fetch(&to_provider).await);
        let Some(callback) = back else {
            return (0, None);
        };
        let response = self.fetch(&callback).await;
        let status = response.status().as_u16();
        (status, self.location_of(response))
    }

    /// Signs in through the built-in development provider with its HTML form.
    pub async fn sign_in_dev(&self, login: &str, password: &str) -> (u16, Option<String>) {
        let Some(form_url) = self.location_of(self.get("/auth/oidc/dev/start?return_to=%2F").await)
        else {
            return (0, None);
        };
        let html = self.fetch(&form_url).await.text().await.unwrap_or_default();
        let mut fields = hidden_fields(&html);
        fields.push(("login".to_owned(), login.to_owned()));
        fields.push(("password".to_owned(), password.to_owned()));
        let posted = self
            .client
            .post(self.url("/dev-idp/authorize"))
            .form(&fields)
            .send()
            .await;
        let Some(callback) = posted.ok().and_then(|r| self.location_of(r)) else {
            return (0, None);
        };
        let response = self.fetch(&callback).await;
        let status = response.status().as_u16();
        (status, self.location_of(response))
    }

    /// `GET` of an absolute URL with this app's client (cookies kept, no redirects followed).
    pub async fn fetch(&self, url: &str) -> reqwest::Response {
        match self.client.get(url).send().await {
            Ok(response) => response,
            Err(err) => panic!("GET {url} failed: {err}"),
        }
    }

    fn location_of(&self, response: reqwest::Response) -> Option<String> {
        let location = response
            .headers()
            .get("location")?
            .to_str()
            .ok()?
            .to_owned();
        if location.starts_with('/') {
            Some(self.url(&location))
        } else {
            Some(location)
        }
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

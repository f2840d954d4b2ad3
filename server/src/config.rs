//! The one typed configuration of the server and its command line. Settings come from
//! defaults, then `DNEVNIK_*` environment variables, then flags (clap), are validated once at
//! start-up and passed down; nothing else in the server reads the environment.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Dnevnik: an electronic school diary (GraphQL API, sign-in and back-office).
///
/// With no arguments it starts the server in development mode on an SQLite file in the
/// working directory, seeding a demo school on first start.
#[derive(Debug, Parser)]
#[command(name = "dnevnik", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (the default): migrates the database first, and in development
    /// seeds the demo school into an empty database.
    Serve,
    /// Manage the database schema.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Print the GraphQL schema (SDL) that the server serves.
    PrintSchema,
    /// Fill the database with generated data.
    #[command(subcommand)]
    #[cfg(feature = "demo")]
    Seed(SeedCommand),
}

/// Schema management.
#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Apply all pending migrations.
    Up,
    /// Roll back the latest migration (or `--steps N`, or `--all` to the very start).
    Down {
        /// How many migrations to roll back.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Roll back every migration, leaving an empty database.
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
    /// Drop every table and apply all migrations again (development only).
    Fresh,
}

/// Data generators (builds with the `demo` feature).
#[cfg(feature = "demo")]
#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// The demo school with its demo sign-ins (development only; refused when data exists).
    Demo,
    /// Schools of the demo's shape at any scale, for benchmarks. Deterministic for a seed.
    Synthetic(SyntheticArgs),
}

/// Size of a synthetic data set.
#[derive(Debug, Clone, Args)]
pub struct SyntheticArgs {
    /// Number of schools.
    #[arg(long, default_value_t = 1)]
    pub schools: u32,
    /// Students per school.
    #[arg(long, default_value_t = 500)]
    pub students_per_school: u32,
    /// Weeks of lessons, marks and attendance, ending with the current week.
    #[arg(long, default_value_t = 4)]
    pub weeks: u32,
    /// Seed of the random generator; the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Schools inserted at the same time, each in its own transaction.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// PostgreSQL only, superuser only: skip foreign-key triggers while loading (the
    /// generator's rows are consistent by construction; the test suite checks that with the
    /// constraints on). Several times faster for benchmark-sized loads.
    #[arg(long)]
    pub fast_load: bool,
}

/// Where the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Local development: SQLite by default, demo data, GraphiQL, the development identity
    /// provider, cookies without `Secure`.
    Development,
    /// Production: explicit database and secrets required; no demo data, no introspection.
    Production,
}

impl Environment {
    /// The name as written in `DNEVNIK_ENV`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the server. Each is a flag and a `DNEVNIK_*` environment variable.
#[derive(Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user:password@host/db`.
    /// Default: the SQLite file `dnevnik.db` in the working directory (development only).
    #[arg(long, env = "DNEVNIK_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Address and port the HTTP server listens on.
    #[arg(
        long,
        env = "DNEVNIK_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,

    /// `development` (the default) or `production`.
    #[arg(
        long = "env",
        env = "DNEVNIK_ENV",
        value_enum,
        default_value = "development",
        global = true
    )]
    pub environment: Environment,

    /// The URL users reach the server at, e.g. `https://dnevnik.example.org`; used for
    /// redirect URIs and links. Default: `http://` + the listen address (development only).
    #[arg(long, env = "DNEVNIK_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Server secret (at least 32 characters) keying access-code hashes and CSRF tokens.
    /// Required in production; development uses a fixed, public key.
    #[arg(
        long,
        env = "DNEVNIK_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// Bearer token that `/metrics` requires. In production `/metrics` answers 404 unless
    /// this is set and presented (`Authorization: Bearer …`); development serves it openly.
    #[arg(
        long,
        env = "DNEVNIK_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,

    /// Seed the demo school into an empty database at start-up (development only).
    #[arg(long, env = "DNEVNIK_DEMO", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub demo: bool,

    /// Log filter in `tracing` syntax, e.g. `info` or `dnevnik_server=debug,info`.
    #[arg(long, env = "DNEVNIK_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log format: `text` or `json`.
    #[arg(
        long,
        env = "DNEVNIK_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    /// Largest number of pooled database connections.
    #[arg(
        long,
        env = "DNEVNIK_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// How long a request waits for a pooled database connection, in milliseconds, before it
    /// is answered `UNAVAILABLE`. Short, so that a database outage fails fast instead of
    /// holding every request until the request timeout.
    #[arg(
        long,
        env = "DNEVNIK_DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 2_000,
        global = true
    )]
    pub db_acquire_timeout_ms: u64,

    /// PostgreSQL `statement_timeout` in milliseconds (0 disables it).
    #[arg(
        long,
        env = "DNEVNIK_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub db_statement_timeout_ms: u64,

    /// Time a request may take before it is answered with a timeout, in seconds.
    #[arg(
        long,
        env = "DNEVNIK_REQUEST_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Largest GraphQL answer, in KiB. A bigger one is not sent: the client gets
    /// `BAD_USER_INPUT` and asks for less (a shorter range, smaller pages).
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_RESPONSE_KIB",
        default_value_t = 4096,
        global = true
    )]
    pub graphql_max_response_kib: usize,

    /// GraphQL operations of complexity at least `DNEVNIK_GRAPHQL_HEAVY_COMPLEXITY` that may run
    /// at once; more wait their turn (up to 5 s, then `UNAVAILABLE`), so that a few large
    /// reports cannot starve everyone's small requests.
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_HEAVY_CONCURRENCY",
        default_value_t = 2,
        global = true
    )]
    pub graphql_heavy_concurrency: usize,

    /// The complexity from which a GraphQL operation counts as heavy (see
    /// `DNEVNIK_GRAPHQL_HEAVY_CONCURRENCY`).
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_HEAVY_COMPLEXITY",
        default_value_t = 5_000,
        global = true
    )]
    pub graphql_heavy_complexity: usize,

    /// Seconds between the server's WebSocket pings on `/graphql/ws`. They keep proxies from
    /// closing a quiet subscription (nginx's default idle timeout is 60 s); a client that
    /// answers none of three in a row is gone and its connection is closed.
    #[arg(
        long,
        env = "DNEVNIK_WS_KEEPALIVE_SECS",
        default_value_t = 25,
        global = true
    )]
    pub ws_keepalive_secs: u64,

    /// Deepest GraphQL selection accepted.
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_DEPTH",
        default_value_t = 10,
        global = true
    )]
    pub graphql_max_depth: usize,

    /// Largest GraphQL query complexity accepted: about the number of values an answer may
    /// carry (a connection counts `first` × its selection, a plain list its expected length ×
    /// its selection; docs/API.md lists the lengths).
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_COMPLEXITY",
        default_value_t = 50_000,
        global = true
    )]
    pub graphql_max_complexity: usize,

    /// Most aliases in one GraphQL document.
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_ALIASES",
        default_value_t = 15,
        global = true
    )]
    pub graphql_max_aliases: usize,

    /// Most root fields in one GraphQL operation.
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_ROOT_FIELDS",
        default_value_t = 20,
        global = true
    )]
    pub graphql_max_root_fields: usize,

    /// Most field selections in one GraphQL document, counted as written (fragments once each;
    /// `__typename` exempt).
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_FIELDS",
        default_value_t = 250,
        global = true
    )]
    pub graphql_max_fields: usize,

    /// Most directives on one GraphQL field.
    #[arg(
        long,
        env = "DNEVNIK_GRAPHQL_MAX_DIRECTIVES",
        default_value_t = 5,
        global = true
    )]
    pub graphql_max_directives: usize,

    /// Answer GraphQL introspection queries. Default: on in development, off in production.
    #[arg(long, env = "DNEVNIK_GRAPHQL_INTROSPECTION", action = clap::ArgAction::Set, global = true)]
    pub graphql_introspection: Option<bool>,

    /// A session ends after this many minutes without a request.
    #[arg(long, env = "DNEVNIK_SESSION_IDLE_MINUTES", default_value_t = 7 * 24 * 60, global = true)]
    pub session_idle_minutes: u64,

    /// A session ends this many hours after sign-in, however active.
    #[arg(long, env = "DNEVNIK_SESSION_LIFETIME_HOURS", default_value_t = 30 * 24, global = true)]
    pub session_lifetime_hours: u64,

    /// Identity providers as a JSON list, e.g.
    /// `[{"name":"mos","kind":"oidc","issuer":"https://login.example","client_id":"dnevnik",
    /// "client_secret":"…","trusted_claim":"trusted"}]`; ESIA entries take `"kind":"esia"` (see
    /// docs/SIGN-IN.md). Development adds the built-in provider `dev`.
    #[arg(
        long,
        env = "DNEVNIK_OIDC_PROVIDERS",
        hide_env_values = true,
        global = true
    )]
    pub oidc_providers: Option<String>,

    /// On SIGTERM/SIGINT, how long in-flight requests may take to finish, in seconds.
    #[arg(
        long,
        env = "DNEVNIK_SHUTDOWN_GRACE_SECS",
        default_value_t = 10,
        global = true
    )]
    pub shutdown_grace_secs: u64,

    /// The clock every part of the server reads the time from. Not a setting: the system
    /// clock in every run; tests start it at a chosen instant to set the date.
    #[arg(skip)]
    pub clock: crate::clock::Clock,
}

/// How an identity provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Standard OpenID Connect with discovery.
    Oidc,
    /// Gosuslugi's ESIA: fixed endpoints, signed client secrets, pinned certificates.
    Esia,
}

/// One identity provider.
#[derive(Clone, serde::Deserialize, serde::Serialize)]
pub struct ProviderConfig {
    /// Name in URLs: `/auth/oidc/{name}/start`.
    pub name: String,
    /// The protocol.
    pub kind: ProviderKind,
    /// Label on the sign-in button.
    #[serde(default)]
    pub label: Option<String>,
    /// OIDC: the issuer URL (discovery at `{issuer}/.well-known/openid-configuration`);
    /// ESIA: the base URL, e.g. `https://esia.gosuslugi.ru`.
    pub issuer: String,
    /// The client id registered with the provider.
    pub client_id: String,
    /// OIDC: the client secret.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Scopes beyond `openid`.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// OIDC: the boolean claim that marks a confirmed (trusted) identity; none means no
    /// identity from this provider is confirmed.
    #[serde(default)]
    pub trusted_claim: Option<String>,
    /// ESIA: the issuer ESIA writes into its tokens (`iss`).
    #[serde(default)]
    pub token_issuer: Option<String>,
    /// ESIA: ESIA's certificate or public key (PEM) that signs its tokens, pinned.
    #[serde(default)]
    pub provider_certificate_pem: Option<String>,
    /// ESIA: the hash of the system's certificate (`client_certificate_hash`).
    #[serde(default)]
    pub client_certificate_hash: Option<String>,
    /// ESIA: how client secrets are signed.
    #[serde(default)]
    pub signer: Option<SignerConfig>,
}

/// How ESIA client secrets are signed.
#[derive(Clone, serde::Deserialize, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SignerConfig {
    /// RSA-SHA256 with a PEM key: for tests against an ESIA-shaped stub only.
    RsaTest {
        /// PKCS#8 private key.
        private_key_pem: String,
    },
    /// An external program (the GOST R 34.10-2012 signer in production): it reads the text to
    /// sign on standard input and writes the detached signature, base64url, on standard output.
    Command {
        /// Path of the program.
        program: String,
        /// Its arguments.
        #[serde(default)]
        args: Vec<String>,
    },
}

/// The development secret: public on purpose, so that it is useless anywhere else.
const DEVELOPMENT_SECRET: &str = "dnevnik-development-secret-do-not-use-in-production";

/// A configuration that cannot be used, with the reason in plain words.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// A development configuration with every default, for tests and tools.
    pub fn development() -> Self {
        Self {
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            environment: Environment::Development,
            public_url: None,
            secret_key: None,
            demo: true,
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            db_max_connections: 10,
            db_statement_timeout_ms: 10_000,
            request_timeout_secs: 10,
            db_acquire_timeout_ms: 2_000,
            ws_keepalive_secs: 25,
            graphql_max_response_kib: 4096,
            graphql_heavy_concurrency: 2,
            graphql_heavy_complexity: 5_000,
            metrics_token: None,
            graphql_max_depth: 10,
            graphql_max_complexity: 50_000,
            graphql_max_aliases: 15,
            graphql_max_root_fields: 20,
            graphql_max_fields: 250,
            graphql_max_directives: 5,
            graphql_introspection: None,
            session_idle_minutes: 7 * 24 * 60,
            session_lifetime_hours: 30 * 24,
            oidc_providers: None,
            shutdown_grace_secs: 10,
            clock: crate::clock::Clock::system(),
        }
    }

    /// Checks the settings against each other and against the environment's rules.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.is_production() {
            if self.database_url.is_none() {
                return Err(ConfigError(
                    "production needs an explicit DNEVNIK_DATABASE_URL".to_owned(),
                ));
            }
            match &self.secret_key {
                None => {
                    return Err(ConfigError(
                        "production needs DNEVNIK_SECRET_KEY (at least 32 characters)".to_owned(),
                    ));
                }
                Some(key) if key.len() < 32 || key == DEVELOPMENT_SECRET => {
                    return Err(ConfigError(
                        "DNEVNIK_SECRET_KEY must be at least 32 characters and not the development key"
                            .to_owned(),
                    ));
                }
                Some(_) => {}
            }
            match &self.public_url {
                Some(url) if url.starts_with("https://") => {}
                _ => {
                    return Err(ConfigError(
                        "production needs DNEVNIK_PUBLIC_URL starting with https://".to_owned(),
                    ));
                }
            }
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError(
                "DNEVNIK_PUBLIC_URL must start with http:// or https://".to_owned(),
            ));
        }
        if self.session_idle_minutes == 0 || self.session_lifetime_hours == 0 {
            return Err(ConfigError(
                "session idle time and lifetime must be positive".to_owned(),
            ));
        }
        self.providers()?;
        if self.db_max_connections == 0 {
            return Err(ConfigError(
                "DNEVNIK_DB_MAX_CONNECTIONS must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    /// Whether this is a production deployment.
    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Whether demo data and development conveniences are allowed and wanted: never in
    /// production, never in a build without the `demo` feature.
    pub fn demo_enabled(&self) -> bool {
        cfg!(feature = "demo") && !self.is_production() && self.demo
    }

    /// The database URL, falling back to `dnevnik.db` in the working directory.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| default_sqlite_url(&PathBuf::from("dnevnik.db")))
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The server secret; the fixed development key outside production.
    pub fn secret_key(&self) -> &str {
        self.secret_key.as_deref().unwrap_or(DEVELOPMENT_SECRET)
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The configured identity providers (without the development provider).
    pub fn providers(&self) -> Result<Vec<ProviderConfig>, ConfigError> {
        let Some(json) = self
            .oidc_providers
            .as_deref()
            .filter(|j| !j.trim().is_empty())
        else {
            return Ok(Vec::new());
        };
        let providers: Vec<ProviderConfig> = serde_json::from_str(json)
            .map_err(|e| ConfigError(format!("DNEVNIK_OIDC_PROVIDERS is not valid: {e}")))?;
        for provider in &providers {
            let valid_name = !provider.name.is_empty()
                && provider.name.len() <= 32
                && provider
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_name || provider.name == "dev" {
                return Err(ConfigError(format!(
                    "identity provider name `{}` must be lowercase letters, digits or '-', and not `dev`",
                    provider.name
                )));
            }
        }
        Ok(providers)
    }

    /// Whether GraphQL introspection is answered.
    pub fn graphql_introspection(&self) -> bool {
        self.graphql_introspection.unwrap_or(!self.is_production())
    }

    /// How long sessions live.
    pub fn session_policy(&self) -> crate::auth::session::SessionPolicy {
        crate::auth::session::SessionPolicy {
            idle: chrono::Duration::minutes(
                i64::try_from(self.session_idle_minutes).unwrap_or(i64::MAX / 120),
            ),
            lifetime: chrono::Duration::hours(
                i64::try_from(self.session_lifetime_hours).unwrap_or(i64::MAX / 7200),
            ),
        }
    }

    /// Whether cookies must carry `Secure` (everywhere but development).
    pub fn secure_cookies(&self) -> bool {
        self.is_production()
    }

    /// The graceful-shutdown bound.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

/// An SQLite URL for a file, created when missing.
pub fn default_sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

// Written by hand so that the secret and database password never reach a log line.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("listen", &self.listen)
            .field("environment", &self.environment)
            .field("public_url", &self.public_url)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<redacted>"),
            )
            .field("demo", &self.demo)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("db_max_connections", &self.db_max_connections)
            .field("db_acquire_timeout_ms", &self.db_acquire_timeout_ms)
            .field("db_statement_timeout_ms", &self.db_statement_timeout_ms)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("ws_keepalive_secs", &self.ws_keepalive_secs)
            .field("graphql_max_response_kib", &self.graphql_max_response_kib)
            .field("graphql_heavy_concurrency", &self.graphql_heavy_concurrency)
            .field("graphql_heavy_complexity", &self.graphql_heavy_complexity)
            .field("graphql_max_depth", &self.graphql_max_depth)
            .field("graphql_max_complexity", &self.graphql_max_complexity)
            .field("graphql_max_aliases", &self.graphql_max_aliases)
            .field("graphql_max_root_fields", &self.graphql_max_root_fields)
            .field("graphql_max_fields", &self.graphql_max_fields)
            .field("graphql_max_directives", &self.graphql_max_directives)
            .field("graphql_introspection", &self.graphql_introspection)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_lifetime_hours", &self.session_lifetime_hours)
            .field(
                "oidc_providers",
                &self
                    .providers()
                    .map(|p| p.iter().map(|p| p.name.clone()).collect::<Vec<_>>())
                    .ok(),
            )
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .finish()
    }
}

/// The URL with any password replaced, for logs and start-up banners.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_to_start_without_database_secret_and_https_url() {
        let mut config = Config::development();
        config.environment = Environment::Production;
        assert!(config.validate().is_err());
        config.database_url = Some("postgres://u:p@localhost/db".to_owned());
        assert!(config.validate().is_err());
        config.secret_key = Some("x".repeat(40));
        assert!(config.validate().is_err());
        config.public_url = Some("https://dnevnik.example.org".to_owned());
        assert!(config.validate().is_ok());
        assert!(!config.demo_enabled());
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(
            redact_url("postgres://dnevnik:secret@db:5432/dnevnik"),
            "postgres://dnevnik:***@db:5432/dnevnik"
        );
        assert_eq!(redact_url("sqlite://dnevnik.db"), "sqlite://dnevnik.db");
    }
}

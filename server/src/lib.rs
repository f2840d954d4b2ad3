//! Dnevnik's server: configuration, database, sign-in, policy, services, the GraphQL API and
//! the HTTP router. The binary in `main.rs` is a thin command-line front to this library, and
//! the end-to-end tests drive the same `Application`.

pub mod admin;
pub mod app;
pub mod auth;
pub mod banner;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod grading;
pub mod graphql;
pub mod http;
pub mod live;
pub mod metrics;
pub mod names;
pub mod policy;
/// The demo school and synthetic data: only in builds with the `demo` feature (the default,
/// for `cargo run` and the tests); a production build leaves it out.
#[cfg(feature = "demo")]
pub mod seed;
pub mod service;
pub mod spreadsheet;
pub mod state;
pub mod telemetry;
pub mod text;

pub use app::Application;
pub use config::Config;

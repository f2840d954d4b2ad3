//! End-to-end tests: each starts the real server on an ephemeral port over a fresh database
//! (SQLite, or PostgreSQL with `DNEVNIK_TEST_DATABASE_URL`). One test binary, so the suite links
//! once.

mod admin_pages;
mod authz;
mod backoffice;
mod codes;
mod constraints;
mod demo;
mod diary;
mod errors;
mod extremes;
mod graphql_http;
mod hardening;
mod health;
mod interop;
mod journal;
mod limits;
mod live;
mod migrations;
mod providers;
mod schema;
mod sessions;
mod storage;
mod synthetic;
mod talk;
mod time;

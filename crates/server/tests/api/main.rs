//! The one integration-test binary: HTTP tests against the started app (SQLite, or
//! PostgreSQL when KC_TEST_PG_URL is set) and tests of the `kechuang` binary itself.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calls;
mod cli;
mod grants;
mod identity;
mod notifications;
mod openapi;
mod projects;
mod review_rounds;
mod support;

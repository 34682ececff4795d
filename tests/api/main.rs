//! HTTP-level integration tests: each test spawns the real application on a
//! random port against a fresh database and talks to it with a real HTTP
//! client. The same binary runs twice in `make test`: with `RC_TEST_DB=sqlite`
//! (default) and with `RC_TEST_DB=postgres`.

// This whole crate is tests: helpers that unwrap are test code, and a failed
// unwrap is a failed test with its message — the same rule clippy.toml
// (`allow-unwrap-in-tests`) applies to `#[test]` functions, extended to the
// helpers clippy cannot see are test-only.
#![allow(clippy::unwrap_used)]

mod helpers;
mod smtp_sink;
mod test_idp;

mod access;
mod accounts;
mod assets;
mod audit;
mod board;
mod cli;
mod deployments;
mod freezes;
mod fuzz;
mod github;
mod health;
mod identity;
mod jira;
mod metrics;
mod oauth;
mod openapi;
mod outages;
mod outgoing_webhooks;
mod pages;
mod planning;
mod policy;
mod releases;
mod routes;
mod schema;
mod security;
mod seed;
mod servers;
mod slack;
mod sso;
mod teams;
mod tokens;

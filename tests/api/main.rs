//! HTTP-level integration tests: each test spawns the real application on a
//! random port against a fresh database and talks to it with a real HTTP
//! client. The same binary runs twice in `make test`: with `RC_TEST_DB=sqlite`
//! (default) and with `RC_TEST_DB=postgres`.

mod helpers;

mod access;
mod accounts;
mod fuzz;
mod github;
mod health;
mod jira;
mod oauth;
mod outages;
mod planning;
mod releases;
mod routes;
mod schema;
mod security;
mod seed;
mod slack;
mod teams;

//! Everything that only runs on the server (`feature = "ssr"`).
//!
//! - [`config`]: one typed settings struct from `Leptos.toml` and the environment.
//! - [`telemetry`]: structured logs with request ids.
//! - [`startup`]: builds the router and binds the listener ([`startup::Application`]).
//! - [`state`]: the shared state handed to handlers and server functions.
//! - [`error`]: the one error type of the web edge.
//! - [`auth`]: sessions, the team context, CSRF, the sign-in limit, page guard.
//! - [`crypto`]: tokens, password hashes, encryption at rest.
//! - [`db`]: connection, migrations, entities.
//! - [`services`]: the use cases; the only callers of the store.
//! - [`integrations`]: Jira, GitHub and Slack clients.
//! - [`api`]: the REST routes of `API.md`, thin over the services.
//! - [`jobs`]: background workers (outbox, item sync).
//! - [`rotate`]: the `rotate-key` command (re-encrypt with a new key).

pub mod api;
pub mod auth;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod events;
pub mod integrations;
pub mod jobs;
pub mod rotate;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;

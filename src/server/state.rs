//! The state every handler and server function can reach.

use crate::server::config::Settings;
use crate::server::crypto::Cipher;
use crate::server::events::EventBus;
use crate::server::limits::Limits;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared, cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' own options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Configuration, read once.
    pub settings: Arc<Settings>,
    /// The origin browsers use (`PUBLIC_URL`, or the bound address).
    pub public_url: Arc<str>,
    /// Sign-in and sign-up limits, bounded password hashing.
    pub limits: Arc<Limits>,
    /// Encryption at rest (`RC_ENCRYPTION_KEY`).
    pub cipher: Cipher,
    /// Live events to open boards and feeds.
    pub events: EventBus,
    /// Outbound HTTP (Slack, Jira, GitHub): rustls, with timeouts.
    pub http: reqwest::Client,
    /// Wakes the outbox worker when a message is queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// This server's Prometheus metrics (`/metrics`).
    pub metrics: Arc<crate::server::metrics::Metrics>,
    /// Outgoing email (`RC_SMTP_URL`); `None` when email is not set up, and
    /// then nothing is emailed and verification is not enforced.
    pub mailer: Option<Arc<crate::server::integrations::mail::Mailer>>,
    /// OpenID Connect discovery cache and client (`RC_OIDC_<ID>_*`).
    pub oidc: Arc<crate::server::integrations::oidc::Oidc>,
}

impl AppState {
    /// Whether this server can send email (and so enforces verification).
    pub fn email_enabled(&self) -> bool {
        self.mailer.is_some()
    }
}

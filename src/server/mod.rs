//! Everything that only runs on the server (`feature = "ssr"`).
//!
//! - [`config`]: one typed settings struct from `Leptos.toml` and the environment.
//! - [`telemetry`]: structured logs with request ids.
//! - [`startup`]: builds the router and binds the listener ([`startup::Application`]).
//! - [`state`]: the shared state handed to handlers and server functions.
//! - [`error`]: the one error type of the web edge.
//! - [`headers`]: security and caching headers, the request time limit.
//! - [`access`]: the team context and the role-narrowed handles (`Editor`, `Admin`, `Owner`).
//! - [`auth`]: sessions, CSRF, the sign-in limit, page guard.
//! - [`crypto`]: tokens, password hashes, encryption at rest.
//! - [`limits`]: sign-in and sign-up limits, bounded password hashing.
//! - [`db`]: connection, migrations, entities.
//! - [`services`]: the use cases; the only callers of the store.
//! - [`integrations`]: Jira, GitHub and Slack clients.
//! - [`api`]: the REST routes of `API.md`, thin over the services.
//! - [`jobs`]: background workers (outbox, item sync).
//! - [`metrics`]: Prometheus metrics at `/metrics` (`RC_METRICS_TOKEN`).
//! - [`rotate`]: the `rotate-key` command (re-encrypt with a new key).
//! - [`report_deploy`]: the `report-deploy` command (a CI client of the API).

pub mod access;
pub mod api;
pub mod auth;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod events;
pub mod headers;
pub mod integrations;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod report_deploy;
pub mod rotate;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;

#[cfg(test)]
mod tests {
    //! Types that hold secrets print `[redacted]` instead: a stray `{:?}` in
    //! a log line can never leak a token, a password hash or a webhook URL.

    const SECRET: &str = "s3cr3t-value-0123456789";

    fn assert_hidden(what: &str, debug: String) {
        assert!(!debug.contains(SECRET), "{what} printed a secret: {debug}");
        assert!(debug.contains("[redacted]"), "{what}: {debug}");
    }

    #[test]
    fn secret_holders_do_not_print_secrets() {
        use serde_json::json;
        let tokens: super::integrations::jira::Tokens = serde_json::from_value(
            json!({"access_token": SECRET, "refresh_token": SECRET, "expires_in": 3600}),
        )
        .unwrap();
        assert_hidden("jira::Tokens", format!("{tokens:?}"));
        let token: super::integrations::github::Token =
            serde_json::from_value(json!({"access_token": SECRET, "scope": "repo"})).unwrap();
        assert_hidden("github::Token", format!("{token:?}"));
        let patch: super::services::teams::SettingsPatch =
            serde_json::from_value(json!({"slackWebhookUrl": SECRET})).unwrap();
        assert_hidden("SettingsPatch", format!("{patch:?}"));
        let now = chrono::Utc::now();
        let user = super::db::entities::user::Model {
            id: "u".into(),
            email: "a@x.io".into(),
            name: "A".into(),
            password_hash: SECRET.into(),
            created_at: now,
            updated_at: now,
            email_verified_at: None,
            pending_email: None,
            deleted_at: None,
        };
        let session = super::auth::AuthSession {
            session_id: "s".into(),
            user,
            current_team_id: None,
        };
        assert_hidden("AuthSession", format!("{session:?}"));
        let mail = super::db::entities::mail_outbox::Model {
            id: "m".into(),
            to_address: "a@x.io".into(),
            subject: "Reset".into(),
            body: SECRET.into(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            sent_at: None,
            failed_at: None,
            created_at: now,
        };
        assert_hidden("mail_outbox::Model", format!("{mail:?}"));
        let st = super::db::entities::oidc_state::Model {
            id: "h".into(),
            provider: "p".into(),
            nonce: SECRET.into(),
            pkce_verifier: SECRET.into(),
            redirect_after: None,
            expires_at: now,
            created_at: now,
        };
        assert_hidden("oidc_state::Model", format!("{st:?}"));
        let inv = crate::views::InvitationCreated {
            id: "i".into(),
            email: "a@x.io".into(),
            role: crate::domain::roles::Role::Member,
            token: SECRET.into(),
            url: format!("https://rc.example/invite/{SECRET}"),
            expires_at: chrono::DateTime::parse_from_rfc3339("2026-12-08T00:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc)
                .into(),
            emailed: true,
        };
        assert_hidden("InvitationCreated", format!("{inv:?}"));
        let ts: crate::domain::time::Timestamp = now.into();
        let token = crate::views::ApiTokenCreated {
            id: "t".into(),
            name: "CI".into(),
            role: crate::domain::roles::Role::Member,
            prefix: "abcdefgh".into(),
            token: format!("rc_{SECRET}"),
            created_at: ts,
            expires_at: None,
        };
        assert_hidden("ApiTokenCreated", format!("{token:?}"));
        let hook = crate::views::WebhookCreated {
            webhook: crate::views::WebhookView {
                id: "w".into(),
                url: "https://hooks.example.com/".into(),
                events: vec!["*".into()],
                active: true,
                created_at: ts,
                updated_at: ts,
            },
            secret: format!("whsec_{SECRET}"),
        };
        assert_hidden("WebhookCreated", format!("{hook:?}"));
        let row = super::db::entities::webhook::Model {
            id: "w".into(),
            team_id: "t".into(),
            url: "https://hooks.example.com/".into(),
            events: "[]".into(),
            secret: SECRET.into(),
            active: true,
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        assert_hidden("webhook::Model", format!("{row:?}"));
    }
}

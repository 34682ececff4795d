//! Team settings (`/settings/team`): name and Slack.

use crate::views::{ApiError, TeamSettingsView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// What the settings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSettingsData {
    /// The settings (the webhook only as a masked hint).
    pub settings: TeamSettingsView,
    /// OWNER/ADMIN may change them.
    pub can_manage: bool,
    /// What this server has set up (for the operator's checklist).
    pub server: ServerIntegrations,
}

/// Which integrations the server's configuration enables, and the URLs to
/// register with the providers (no secrets: only whether they are set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerIntegrations {
    /// `JIRA_CLIENT_ID`/`JIRA_CLIENT_SECRET` are set.
    pub jira_oauth: bool,
    /// `GITHUB_CLIENT_ID`/`GITHUB_CLIENT_SECRET` are set.
    pub github_oauth: bool,
    /// `JIRA_WEBHOOK_SECRET` is set.
    pub jira_webhook: bool,
    /// `GITHUB_WEBHOOK_SECRET` is set.
    pub github_webhook: bool,
    /// The public origin the URLs below start with.
    pub public_url: String,
}

/// The team's settings.
#[server(prefix = "/rpc")]
pub async fn team_settings() -> Result<TeamSettingsData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(TeamSettingsData {
        settings: crate::server::services::teams::settings(&state, &team).await?,
        can_manage: team.role().can_manage_team_config(),
        server: ServerIntegrations {
            jira_oauth: state.settings.jira.is_some(),
            github_oauth: state.settings.github.is_some(),
            jira_webhook: state.settings.jira_webhook_secret.is_some(),
            github_webhook: state.settings.github_webhook_secret.is_some(),
            public_url: state.public_url.trim_end_matches('/').to_string(),
        },
    })
}

/// Saves the settings. An empty webhook field keeps the stored URL;
/// `clear_webhook` removes it. Checkboxes arrive only when ticked.
#[server(prefix = "/rpc")]
pub async fn save_team_settings(
    name: String,
    slack_webhook_url: String,
    slack_channel: String,
    #[server(default)] clear_webhook: Option<String>,
    #[server(default)] notify_on_status_change: Option<String>,
    #[server(default)] notify_on_blocked: Option<String>,
    #[server(default)] notify_on_ready_to_deploy: Option<String>,
) -> Result<TeamSettingsView, ApiError> {
    use crate::server::services::teams::{self, SettingsPatch};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let webhook = if clear_webhook.is_some() {
        Some(String::new())
    } else {
        Some(slack_webhook_url.trim().to_string()).filter(|u| !u.is_empty())
    };
    teams::update_settings(
        &state,
        &team.admin("change team settings")?,
        SettingsPatch {
            name: Some(name),
            slack_webhook_url: webhook,
            slack_channel: Some(slack_channel),
            notify_on_status_change: Some(notify_on_status_change.is_some()),
            notify_on_blocked: Some(notify_on_blocked.is_some()),
            notify_on_ready_to_deploy: Some(notify_on_ready_to_deploy.is_some()),
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Sends the Slack test message now.
#[server(prefix = "/rpc")]
pub async fn send_test_slack() -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::test_slack(&state, &team.admin("send a Slack test message")?)
        .await
        .map_err(ApiError::from)
}

//! The API tokens page (`/settings/api-tokens`) and the webhooks page
//! (`/settings/webhooks`).

use crate::domain::ids::TokenId;
use crate::domain::roles::Role;
use crate::views::{ApiError, ApiTokenCreated, ApiTokenView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// Everything the API tokens page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokensData {
    /// Whether the caller may manage tokens (ADMIN+); others see why not.
    pub can_manage: bool,
    /// The roles the caller may give a token.
    pub grantable: Vec<Role>,
    /// The team's tokens, newest first (empty for those who cannot manage).
    pub tokens: Vec<ApiTokenView>,
}

/// The API tokens page's data.
#[server(prefix = "/rpc")]
pub async fn api_tokens_page() -> Result<ApiTokensData, ApiError> {
    use crate::server::services::{api_tokens, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let my_role = team.role();
    if !my_role.can_manage_tokens() {
        return Ok(ApiTokensData {
            can_manage: false,
            grantable: vec![],
            tokens: vec![],
        });
    }
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    let tokens = api_tokens::list(&state, &team.admin("manage API tokens")?, &all)
        .await?
        .items;
    Ok(ApiTokensData {
        can_manage: true,
        grantable: Role::ALL
            .into_iter()
            .filter(|r| my_role.can_mint_token(*r))
            .collect(),
        tokens,
    })
}

/// Mints a token; the answer holds the secret, shown once.
#[server(prefix = "/rpc")]
pub async fn create_api_token(
    name: String,
    role: String,
    expires_in_days: String,
) -> Result<ApiTokenCreated, ApiError> {
    use crate::server::error::AppError;
    use crate::server::services::api_tokens::{self, NewToken};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let role: Role = role.parse().map_err(AppError::from)?;
    let expires_in_days = match expires_in_days.trim() {
        "" | "never" => None,
        d => Some(d.parse::<i64>().map_err(|_| {
            AppError::invalid_field("expiresInDays", "choose when the token expires")
        })?),
    };
    api_tokens::create(
        &state,
        &team.admin("manage API tokens")?,
        NewToken {
            name,
            role,
            expires_in_days,
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Revokes a token.
#[server(prefix = "/rpc")]
pub async fn revoke_api_token(id: TokenId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::api_tokens::revoke(&state, &team.admin("manage API tokens")?, &id)
        .await
        .map_err(ApiError::from)
}

/// Everything the webhooks page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhooksData {
    /// Whether the caller may manage webhooks (ADMIN+).
    pub can_manage: bool,
    /// Each webhook with its latest deliveries (newest first).
    pub hooks: Vec<(crate::views::WebhookView, Vec<crate::views::DeliveryView>)>,
}

/// How many deliveries the page shows per webhook.
pub const DELIVERIES_SHOWN: u64 = 10;

/// The webhooks page's data.
#[server(prefix = "/rpc")]
pub async fn webhooks_page() -> Result<WebhooksData, ApiError> {
    use crate::server::services::{outgoing_webhooks as hooks, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    if !team.role().can_manage_team_config() {
        return Ok(WebhooksData {
            can_manage: false,
            hooks: vec![],
        });
    }
    let admin = team.admin("manage webhooks")?;
    let mut out = vec![];
    for w in hooks::list(&state, &admin).await?.items {
        let page = PageRequest {
            limit: Some(DELIVERIES_SHOWN),
            cursor: None,
        };
        let d = hooks::deliveries(&state, &admin, &w.id, &page).await?.items;
        out.push((w, d));
    }
    Ok(WebhooksData {
        can_manage: true,
        hooks: out,
    })
}

/// The events ticked in a form: `["*"]` when "all" is.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
fn ticked(
    all_events: Option<String>,
    release_created: Option<String>,
    release_updated: Option<String>,
    release_status_changed: Option<String>,
    release_deleted: Option<String>,
    deployment_reported: Option<String>,
    dependency_added: Option<String>,
    dependency_resolved: Option<String>,
    comment_added: Option<String>,
) -> Vec<String> {
    if all_events.is_some() {
        return vec!["*".into()];
    }
    [
        (release_created, "release.created"),
        (release_updated, "release.updated"),
        (release_status_changed, "release.status_changed"),
        (release_deleted, "release.deleted"),
        (deployment_reported, "deployment.reported"),
        (dependency_added, "dependency.added"),
        (dependency_resolved, "dependency.resolved"),
        (comment_added, "comment.added"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.map(|_| name.to_string()))
    .collect()
}

pub use webhook_forms::*;

/// The two forms with one argument per event checkbox: plain form fields,
/// so they work without JavaScript (a list argument would need bracketed
/// field names no HTML form sends).
mod webhook_forms {
    #![allow(clippy::too_many_arguments)]
    #[cfg(feature = "ssr")]
    use super::{ctx, ticked};
    use crate::views::ApiError;
    use leptos::prelude::*;

    /// Adds a webhook; the answer holds its secret, shown once.
    #[server(prefix = "/rpc")]
    pub async fn create_webhook(
        url: String,
        all_events: Option<String>,
        release_created: Option<String>,
        release_updated: Option<String>,
        release_status_changed: Option<String>,
        release_deleted: Option<String>,
        deployment_reported: Option<String>,
        dependency_added: Option<String>,
        dependency_resolved: Option<String>,
        comment_added: Option<String>,
    ) -> Result<crate::views::WebhookCreated, ApiError> {
        use crate::server::services::outgoing_webhooks::{self as hooks, NewWebhook};
        let state = ctx::state()?;
        let team = ctx::team().await?;
        let events = ticked(
            all_events,
            release_created,
            release_updated,
            release_status_changed,
            release_deleted,
            deployment_reported,
            dependency_added,
            dependency_resolved,
            comment_added,
        );
        hooks::create(
            &state,
            &team.admin("manage webhooks")?,
            NewWebhook {
                url,
                events,
                active: Some(true),
            },
        )
        .await
        .map_err(ApiError::from)
    }

    /// Changes the events a webhook hears.
    #[server(prefix = "/rpc")]
    pub async fn edit_webhook_events(
        id: crate::domain::ids::WebhookId,
        all_events: Option<String>,
        release_created: Option<String>,
        release_updated: Option<String>,
        release_status_changed: Option<String>,
        release_deleted: Option<String>,
        deployment_reported: Option<String>,
        dependency_added: Option<String>,
        dependency_resolved: Option<String>,
        comment_added: Option<String>,
    ) -> Result<crate::views::WebhookView, ApiError> {
        use crate::server::services::outgoing_webhooks::{self as hooks, WebhookPatch};
        let state = ctx::state()?;
        let team = ctx::team().await?;
        let events = ticked(
            all_events,
            release_created,
            release_updated,
            release_status_changed,
            release_deleted,
            deployment_reported,
            dependency_added,
            dependency_resolved,
            comment_added,
        );
        hooks::update(
            &state,
            &team.admin("manage webhooks")?,
            &id,
            WebhookPatch {
                events: Some(events),
                ..Default::default()
            },
        )
        .await
        .map_err(ApiError::from)
    }
}

/// Pauses (`active` false) or resumes a webhook.
#[server(prefix = "/rpc")]
pub async fn set_webhook_active(
    id: crate::domain::ids::WebhookId,
    active: bool,
) -> Result<crate::views::WebhookView, ApiError> {
    use crate::server::services::outgoing_webhooks::{self as hooks, WebhookPatch};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    hooks::update(
        &state,
        &team.admin("manage webhooks")?,
        &id,
        WebhookPatch {
            active: Some(active),
            ..Default::default()
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Deletes a webhook and its deliveries.
#[server(prefix = "/rpc")]
pub async fn delete_webhook(id: crate::domain::ids::WebhookId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::outgoing_webhooks::delete(&state, &team.admin("manage webhooks")?, &id)
        .await
        .map_err(ApiError::from)
}

/// "Send test": queues a ping.
#[server(prefix = "/rpc")]
pub async fn send_test_webhook(
    id: crate::domain::ids::WebhookId,
) -> Result<crate::views::DeliveryView, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::outgoing_webhooks::test(&state, &team.admin("manage webhooks")?, &id)
        .await
        .map_err(ApiError::from)
}

/// Queues a delivery's event again (same `webhook-id`).
#[server(prefix = "/rpc")]
pub async fn redeliver_webhook(
    id: crate::domain::ids::WebhookId,
    delivery_id: crate::domain::ids::DeliveryId,
) -> Result<crate::views::DeliveryView, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::outgoing_webhooks::redeliver(
        &state,
        &team.admin("manage webhooks")?,
        &id,
        &delivery_id,
    )
    .await
    .map_err(ApiError::from)
}

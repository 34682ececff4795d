//! Automation: team API tokens and deployments reported by CI.

use crate::domain::deployments::{DeployStatus, Environment};
use crate::domain::ids::{DeploymentId, ReleaseId, ServiceId, TokenId};
use crate::domain::roles::Role;
use crate::domain::status::ReleaseStatus;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A team API token as lists show it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenView {
    /// Opaque id.
    pub id: TokenId,
    /// What it is for ("CI deploy").
    pub name: String,
    /// The role it acts with.
    pub role: Role,
    /// The first 8 characters after `rc_`: how people recognise it.
    pub prefix: String,
    /// Who minted it (their name now; `null` when their account is gone).
    pub created_by: Option<String>,
    /// When it was minted.
    pub created_at: Timestamp,
    /// When it was last used (to the minute).
    pub last_used_at: Option<Timestamp>,
    /// When it stops working; `null`: never.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

/// A just-minted token: the only time the secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenCreated {
    /// Opaque id.
    pub id: TokenId,
    /// What it is for.
    pub name: String,
    /// The role it acts with.
    pub role: Role,
    /// The first 8 characters after `rc_`.
    pub prefix: String,
    /// The secret: `rc_…` (shown once).
    pub token: String,
    /// When it was minted.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Option<Timestamp>,
}

/// Written by hand: the secret is never printed.
impl std::fmt::Debug for ApiTokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTokenCreated")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("prefix", &self.prefix)
            .field("token", &"[redacted]")
            .finish()
    }
}

/// One deployment a pipeline reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeploymentView {
    /// Opaque id.
    pub id: DeploymentId,
    /// The service deployed.
    pub service_id: ServiceId,
    /// The release of that service and version (`null` once deleted).
    pub release_id: Option<ReleaseId>,
    /// The version deployed.
    pub version: String,
    /// Where.
    pub environment: Environment,
    /// What happened.
    pub status: DeployStatus,
    /// The commit deployed.
    pub commit_sha: Option<String>,
    /// The pipeline run.
    pub url: Option<String>,
    /// The pipeline's idempotency key.
    pub key: Option<String>,
    /// Who reported it: a person's name, or "CI deploy (token)".
    pub reported_by: Option<String>,
    /// Why the board did not follow this report, when it could not.
    pub drift: Option<String>,
    /// When it was reported.
    pub created_at: Timestamp,
}

/// The answer to a report: the record, the release after it, the statuses
/// it passed through, and the drift when the board could not follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeploymentReport {
    /// The record.
    pub deployment: DeploymentView,
    /// The release as it stands now.
    pub release: super::ReleaseView,
    /// Every status it entered because of this report, in order.
    pub moved: Vec<ReleaseStatus>,
    /// Why the board and reality disagree; `null` when they agree.
    pub drift: Option<String>,
}

/// What runs in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RunningVersion {
    /// The version.
    pub version: String,
    /// Its release.
    pub release_id: Option<ReleaseId>,
    /// When it was reported deployed.
    pub deployed_at: Timestamp,
    /// The commit.
    pub commit_sha: Option<String>,
    /// The pipeline run.
    pub url: Option<String>,
}

/// `GET /api/services/{id}/environments`: what runs where, from the latest
/// SUCCEEDED report still standing (a ROLLED_BACK of its version takes it back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceEnvironments {
    /// Staging.
    #[serde(rename = "STAGING")]
    pub staging: Option<RunningVersion>,
    /// Production.
    #[serde(rename = "PRODUCTION")]
    pub production: Option<RunningVersion>,
}

/// An outgoing webhook subscription: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    /// Opaque id.
    pub id: crate::domain::ids::WebhookId,
    /// Where deliveries go.
    pub url: String,
    /// `["*"]` or the event names it hears.
    pub events: Vec<String>,
    /// Paused webhooks queue nothing new.
    pub active: bool,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A just-added webhook: the only time its signing secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookCreated {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_…`: receivers verify signatures with it (shown once).
    pub secret: String,
}

/// Written by hand: the secret is never printed.
impl std::fmt::Debug for WebhookCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookCreated")
            .field("webhook", &self.webhook)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after retrying for a day (or its webhook is gone).
    Failed,
}

/// One delivery of an event to a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// Opaque id.
    pub id: crate::domain::ids::DeliveryId,
    /// `release.created`, `ping`, …
    pub event: String,
    /// PENDING, DELIVERED or FAILED.
    pub status: DeliveryStatus,
    /// Every try so far, the successful one included.
    pub attempts: i32,
    /// The receiver's HTTP status on the last attempt.
    pub response_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due (PENDING only).
    pub next_attempt_at: Option<Timestamp>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When the receiver accepted it.
    pub delivered_at: Option<Timestamp>,
}

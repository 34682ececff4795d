//! Automation: `/api/team/api-tokens*`, `/api/deployments`,
//! `/api/services/{id}/environments`, `/api/team/webhooks*` (`API.md`,
//! "Automation").

use super::page_query;
use crate::domain::ids::{DeliveryId, ServiceId, TokenId, WebhookId};
use crate::server::access::TeamContext;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::services::api_tokens::{self, NewToken};
use crate::server::services::deployments::{self, DeploymentFilter, NewReport, Reported};
use crate::server::services::outgoing_webhooks::{self as hooks, NewWebhook, WebhookPatch};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{
    ApiTokenCreated, ApiTokenView, DeliveryView, DeploymentReport, DeploymentView, Page,
    ServiceEnvironments, WebhookCreated, WebhookView,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_deployments, report))
        .routes(routes!(environments))
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(update_webhook, delete_webhook))
        .routes(routes!(deliveries))
        .routes(routes!(test_webhook))
        .routes(routes!(redeliver))
}

const WEBHOOKS: &str = "manage webhooks";

/// The `{id}` of an outgoing webhook.
const WEBHOOK_ID: &str = "The webhook's id";

/// The team's webhooks
///
/// ADMIN and up. Oldest first, all on one page; the signing secret is
/// never shown again.
#[utoipa::path(get, path = "/team/webhooks", tag = "automation", params(PageRequest),
    responses((status = 200, description = "The team's webhooks", body = Page<WebhookView>)))]
async fn list_webhooks(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<WebhookView>>> {
    let page = page_query(q)?;
    let all = hooks::list(&s, &ctx.admin(WEBHOOKS)?).await?.items;
    Ok(Json(page.slice(all, |w| w.id.to_string())?))
}

/// Add a webhook
///
/// ADMIN and up. `url` must be `https://` (or a host in
/// `RC_OUTBOUND_ALLOW_HOSTS`) and not an internal address; `events` is
/// `["*"]` or event names. At most 20 per team. The answer carries the
/// signing secret (`whsec_…`), shown this once.
#[utoipa::path(post, path = "/team/webhooks", tag = "automation", request_body = NewWebhook,
    responses((status = 201, description = "Created, with its secret", body = WebhookCreated)))]
async fn create_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewWebhook>,
) -> AppResult<(StatusCode, Json<WebhookCreated>)> {
    let created = hooks::create(&s, &ctx.admin(WEBHOOKS)?, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Change a webhook
///
/// ADMIN and up. What is given changes: a new `url` (checked again), a
/// new `events` filter, `active: false` pauses and `true` resumes.
#[utoipa::path(patch, path = "/team/webhooks/{id}", tag = "automation", request_body = WebhookPatch,
    params(("id" = String, Path, description = WEBHOOK_ID)),
    responses((status = 200, description = "The changed webhook", body = WebhookView)))]
async fn update_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
    ApiJson(body): ApiJson<WebhookPatch>,
) -> AppResult<Json<WebhookView>> {
    Ok(Json(
        hooks::update(&s, &ctx.admin(WEBHOOKS)?, &id, body).await?,
    ))
}

/// Delete a webhook
///
/// ADMIN and up. Its deliveries go with it.
#[utoipa::path(delete, path = "/team/webhooks/{id}", tag = "automation",
    params(("id" = String, Path, description = WEBHOOK_ID)),
    responses((status = 204, description = "Deleted")))]
async fn delete_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
) -> AppResult<StatusCode> {
    hooks::delete(&s, &ctx.admin(WEBHOOKS)?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's deliveries
///
/// ADMIN and up. Newest first, with their status, attempts, the
/// receiver's answer and the last error.
#[utoipa::path(get, path = "/team/webhooks/{id}/deliveries", tag = "automation",
    params(("id" = String, Path, description = WEBHOOK_ID), PageRequest),
    responses((status = 200, description = "A page of deliveries", body = Page<DeliveryView>)))]
async fn deliveries(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<DeliveryView>>> {
    let page = page_query(q)?;
    Ok(Json(
        hooks::deliveries(&s, &ctx.admin(WEBHOOKS)?, &id, &page).await?,
    ))
}

/// Send a test delivery
///
/// ADMIN and up. Queues a `ping` to the webhook, paused or not.
#[utoipa::path(post, path = "/team/webhooks/{id}/test", tag = "automation",
    params(("id" = String, Path, description = WEBHOOK_ID)),
    responses((status = 201, description = "The queued delivery", body = DeliveryView)))]
async fn test_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
) -> AppResult<(StatusCode, Json<DeliveryView>)> {
    let d = hooks::test(&s, &ctx.admin(WEBHOOKS)?, &id).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Redeliver
///
/// ADMIN and up. Queues a delivery's event again: a new series of
/// attempts with the same `webhook-id` and body.
#[utoipa::path(post, path = "/team/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "automation",
    params(("id" = String, Path, description = WEBHOOK_ID),
        ("delivery_id" = String, Path, description = "The delivery's id")),
    responses((status = 201, description = "The queued delivery", body = DeliveryView)))]
async fn redeliver(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, delivery_id)): Path<(WebhookId, DeliveryId)>,
) -> AppResult<(StatusCode, Json<DeliveryView>)> {
    let d = hooks::redeliver(&s, &ctx.admin(WEBHOOKS)?, &id, &delivery_id).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// The team's API tokens
///
/// ADMIN and up, signed in (a token cannot manage tokens). Newest first,
/// revoked ones included; never a secret.
#[utoipa::path(get, path = "/team/api-tokens", tag = "automation", params(PageRequest),
    responses((status = 200, description = "A page of tokens", body = Page<ApiTokenView>)))]
async fn list_tokens(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ApiTokenView>>> {
    let page = page_query(q)?;
    Ok(Json(
        api_tokens::list(&s, &ctx.admin("manage API tokens")?, &page).await?,
    ))
}

/// Create an API token
///
/// ADMIN and up, signed in (a token cannot manage tokens). Its `role` is
/// ADMIN, MEMBER or VIEWER, never above the caller's (403). The answer
/// carries the secret (`rc_…`), shown this once.
#[utoipa::path(post, path = "/team/api-tokens", tag = "automation", request_body = NewToken,
    responses((status = 201, description = "Created, with its secret", body = ApiTokenCreated)))]
async fn create_token(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewToken>,
) -> AppResult<(StatusCode, Json<ApiTokenCreated>)> {
    let created = api_tokens::create(&s, &ctx.admin("manage API tokens")?, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke an API token
///
/// ADMIN and up, signed in (a token cannot manage tokens). It answers 401
/// from then on; revoking a revoked token changes nothing.
#[utoipa::path(delete, path = "/team/api-tokens/{id}", tag = "automation",
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked")))]
async fn revoke_token(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<TokenId>,
) -> AppResult<StatusCode> {
    api_tokens::revoke(&s, &ctx.admin("manage API tokens")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Report a deployment
///
/// MEMBER and up (typically a CI pipeline's token). Records the report,
/// then moves the release of that service and version along the state
/// machine's legal path; a refused move leaves it and `drift` says why. A
/// `key` makes the report idempotent: the same key again answers the
/// first answer with 200 and changes nothing.
#[utoipa::path(post, path = "/deployments", tag = "automation", request_body = NewReport,
    responses((status = 201, description = "Recorded", body = DeploymentReport),
        (status = 200, description = "The same `key` was reported before: its first answer, nothing changed", body = DeploymentReport),
        (status = 409, description = "A report with the same `key` is being recorded at this moment; try again", body = crate::server::error::ErrorBody)))]
async fn report(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewReport>,
) -> AppResult<(StatusCode, Json<DeploymentReport>)> {
    Ok(
        match deployments::report(&s, &ctx.editor("report deployments")?, body).await? {
            Reported::New(r) => (StatusCode::CREATED, Json(r)),
            Reported::Repeated(r) => (StatusCode::OK, Json(r)),
        },
    )
}

/// List deployments
///
/// Any member. Reported deployments, newest first; filters combine.
#[utoipa::path(get, path = "/deployments", tag = "automation", params(DeploymentFilter),
    responses((status = 200, description = "A page of deployments", body = Page<DeploymentView>)))]
async fn list_deployments(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<DeploymentFilter>, QueryRejection>,
) -> AppResult<Json<Page<DeploymentView>>> {
    let Query(f) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(deployments::list(&s, &ctx, &f).await?))
}

/// What runs where
///
/// Any member. A service's version in staging and in production, from the
/// latest SUCCEEDED report that a rollback did not take back.
#[utoipa::path(get, path = "/services/{id}/environments", tag = "automation",
    params(("id" = String, Path, description = "The service's id")),
    responses((status = 200, description = "The service's environments", body = ServiceEnvironments)))]
async fn environments(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<Json<ServiceEnvironments>> {
    Ok(Json(deployments::environments(&s, &ctx, &id).await?))
}

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
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/team/api-tokens", get(list_tokens).post(create_token))
        .route("/team/api-tokens/{id}", delete(revoke_token))
        .route("/deployments", get(list_deployments).post(report))
        .route("/services/{id}/environments", get(environments))
        .route("/team/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/team/webhooks/{id}",
            patch(update_webhook).delete(delete_webhook),
        )
        .route("/team/webhooks/{id}/deliveries", get(deliveries))
        .route("/team/webhooks/{id}/test", post(test_webhook))
        .route(
            "/team/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            post(redeliver),
        )
}

const WEBHOOKS: &str = "manage webhooks";

async fn list_webhooks(
    State(s): State<AppState>,
    ctx: TeamContext,
) -> AppResult<Json<Page<WebhookView>>> {
    Ok(Json(hooks::list(&s, &ctx.admin(WEBHOOKS)?).await?))
}

async fn create_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewWebhook>,
) -> AppResult<(StatusCode, Json<WebhookCreated>)> {
    let created = hooks::create(&s, &ctx.admin(WEBHOOKS)?, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

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

async fn delete_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
) -> AppResult<StatusCode> {
    hooks::delete(&s, &ctx.admin(WEBHOOKS)?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn test_webhook(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<WebhookId>,
) -> AppResult<(StatusCode, Json<DeliveryView>)> {
    let d = hooks::test(&s, &ctx.admin(WEBHOOKS)?, &id).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

async fn redeliver(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, delivery_id)): Path<(WebhookId, DeliveryId)>,
) -> AppResult<(StatusCode, Json<DeliveryView>)> {
    let d = hooks::redeliver(&s, &ctx.admin(WEBHOOKS)?, &id, &delivery_id).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

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

async fn create_token(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewToken>,
) -> AppResult<(StatusCode, Json<ApiTokenCreated>)> {
    let created = api_tokens::create(&s, &ctx.admin("manage API tokens")?, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn revoke_token(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<TokenId>,
) -> AppResult<StatusCode> {
    api_tokens::revoke(&s, &ctx.admin("manage API tokens")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn list_deployments(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<DeploymentFilter>, QueryRejection>,
) -> AppResult<Json<Page<DeploymentView>>> {
    let Query(f) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(deployments::list(&s, &ctx, &f).await?))
}

async fn environments(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<Json<ServiceEnvironments>> {
    Ok(Json(deployments::environments(&s, &ctx, &id).await?))
}

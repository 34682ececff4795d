//! `/api/webhooks/*`: inbound events from GitHub and Jira (signature-checked).

use crate::server::error::AppResult;
use crate::server::services::webhooks;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(github))
        .routes(routes!(jira))
}

/// What an inbound delivery changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct InboundWebhookAnswer {
    /// How many linked items it updated (0 for events that change nothing).
    updated: usize,
}

/// The 401 of an inbound delivery.
const BAD_SIGNATURE: &str = "The signature header is missing or does not match the body";
/// The 409 of an inbound delivery.
const REPLAYED: &str = "This delivery (its id or its body) was already processed";
/// The 503 of an inbound delivery.
const NOT_CONFIGURED: &str = "This server has no secret for these webhooks";

/// GitHub events
///
/// Public: no credential, GitHub signs the body (`X-Hub-Signature-256`,
/// HMAC-SHA256 with `GITHUB_WEBHOOK_SECRET`). A `pull_request` event
/// updates the linked copies of that pull request in teams whose services
/// name its repository; other events (`ping`) change nothing. A delivery
/// seen before is 409; one older than three days is 400.
#[utoipa::path(post, path = "/webhooks/github", tag = "inbound webhooks", security(()),
    params(
        ("X-GitHub-Event" = Option<String>, Header, description = "The event: `pull_request` is applied, any other is answered with 0"),
        ("X-Hub-Signature-256" = String, Header, description = "`sha256=<hex>`: HMAC-SHA256 of the raw body"),
        ("X-GitHub-Delivery" = Option<String>, Header, description = "The delivery's id, remembered to refuse replays")),
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "GitHub's event payload, exactly as signed"),
    responses((status = 200, description = "Applied", body = InboundWebhookAnswer),
        (status = 401, description = BAD_SIGNATURE, body = crate::server::error::ErrorBody),
        (status = 409, description = REPLAYED, body = crate::server::error::ErrorBody),
        (status = 503, description = NOT_CONFIGURED, body = crate::server::error::ErrorBody)))]
async fn github(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<InboundWebhookAnswer>> {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    let n = webhooks::github(
        &s,
        h("x-github-event"),
        h("x-hub-signature-256"),
        h("x-github-delivery"),
        &body,
    )
    .await?;
    Ok(Json(InboundWebhookAnswer { updated: n }))
}

/// Jira events
///
/// Public: no credential, Jira signs the body (`X-Hub-Signature`,
/// `sha256=<hex>` HMAC with `JIRA_WEBHOOK_SECRET`). A `jira:issue_created`
/// or `jira:issue_updated` event updates the copies of that issue linked
/// on the sending site; other events change nothing. A delivery seen
/// before is 409; one older than three days is 400.
#[utoipa::path(post, path = "/webhooks/jira", tag = "inbound webhooks", security(()),
    params(
        ("X-Hub-Signature" = String, Header, description = "`sha256=<hex>`: HMAC-SHA256 of the raw body"),
        ("X-Atlassian-Webhook-Identifier" = Option<String>, Header, description = "The delivery's id, remembered to refuse replays")),
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "Jira's event payload, exactly as signed"),
    responses((status = 200, description = "Applied", body = InboundWebhookAnswer),
        (status = 401, description = BAD_SIGNATURE, body = crate::server::error::ErrorBody),
        (status = 409, description = REPLAYED, body = crate::server::error::ErrorBody),
        (status = 503, description = NOT_CONFIGURED, body = crate::server::error::ErrorBody)))]
async fn jira(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<InboundWebhookAnswer>> {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    let n = webhooks::jira(
        &s,
        h("x-hub-signature"),
        h("x-atlassian-webhook-identifier"),
        &body,
    )
    .await?;
    Ok(Json(InboundWebhookAnswer { updated: n }))
}
